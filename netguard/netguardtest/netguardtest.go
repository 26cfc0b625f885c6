// Package netguardtest holds the test servers that the tests of outbound
// downloads share: netguard's own, and the job runner's URL imports.
package netguardtest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TrickleServer answers with audio/wav headers at once, then sends one byte
// every interval until stall is closed (never, when stall is nil), then
// nothing until the client goes away. The server closes when the test ends.
func TrickleServer(t testing.TB, interval time.Duration, stall <-chan struct{}) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/wav")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-stall:
				<-r.Context().Done()
				return
			case <-tick.C:
				if _, err := w.Write([]byte("a")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}
