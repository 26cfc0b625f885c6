// Command receiver is a complete InstantTranscriber webhook receiver in Go.
// Run it as written:
//
//	CALLBACK_SECRET=whsec_... PORT=8000 go run ./examples/receivers/go
//
// and create jobs with callback_url=http://this-host:8000/hook and the same
// callback_secret. Each verified event is printed as one JSON line.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/instanttranscriber/instanttranscriber/webhook"
)

func main() {
	secret := os.Getenv("CALLBACK_SECRET")
	port := os.Getenv("PORT")
	if port == "" {
		port = "8000"
	}
	var (
		mu   sync.Mutex
		seen = map[string]bool{} // webhook-id values already handled (keep them in a database)
	)
	http.HandleFunc("POST /hook", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "read error", http.StatusBadRequest)
			return
		}
		// Verify the raw body, rejecting timestamps more than 5 min off.
		if err := webhook.Verify(secret, r.Header, body, 5*time.Minute, time.Now()); err != nil {
			http.Error(w, "bad signature", http.StatusBadRequest)
			return
		}
		var event struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal(body, &event); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		id := r.Header.Get("webhook-id")
		mu.Lock()
		if !seen[id] {
			seen[id] = true
			line, _ := json.Marshal(map[string]string{"webhook_id": id, "id": event.ID, "status": event.Status})
			fmt.Println(string(line))
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent) // answer quickly; do slow work after
	})
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "listening on %d\n", ln.Addr().(*net.TCPAddr).Port)
	log.Fatal(http.Serve(ln, nil))
}
