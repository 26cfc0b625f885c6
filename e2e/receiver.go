package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Receiver is a webhook endpoint on a real listener: it records every
// request and answers it.
type Receiver struct {
	*httptest.Server
	answer func(n int, w http.ResponseWriter, r *http.Request)

	mu   sync.Mutex
	reqs []Received
}

// Received is one request a Receiver got.
type Received struct {
	Header http.Header
	Path   string
	Body   []byte
}

// NewReceiver starts a Receiver, closed when the test ends. answer writes
// the response to the nth request, n counting from 1; nil answers 204.
func NewReceiver(t testing.TB, answer func(n int, w http.ResponseWriter, r *http.Request)) *Receiver {
	t.Helper()
	rcv := &Receiver{answer: answer}
	rcv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rcv.mu.Lock()
		rcv.reqs = append(rcv.reqs, Received{Header: r.Header.Clone(), Path: r.URL.Path, Body: body})
		n := len(rcv.reqs)
		rcv.mu.Unlock()
		if rcv.answer == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		rcv.answer(n, w, r)
	}))
	t.Cleanup(rcv.Close)
	return rcv
}

// Count returns the number of requests so far.
func (r *Receiver) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// Req returns the i-th request, counting from 0.
func (r *Receiver) Req(i int) Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reqs[i]
}

// All returns the requests so far.
func (r *Receiver) All() []Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Received(nil), r.reqs...)
}

// Wait waits up to within for the nth request (counting from 1) and
// returns it.
func (r *Receiver) Wait(t testing.TB, n int, within time.Duration) Received {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(20 * time.Millisecond) {
		if reqs := r.All(); len(reqs) >= n {
			return reqs[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("request %d did not arrive within %v; %d so far", n, within, r.Count())
		}
	}
}
