package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// receiver is a webhook receiver on a real listener: it records every
// request and answers it with answer (204 when answer is nil).
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	calls []received
}

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
}

// newReceiver starts a receiver, closed when the test ends; answer writes
// the response to the nth request, n counting from 1.
func newReceiver(t *testing.T, answer func(n int, w http.ResponseWriter)) *receiver {
	t.Helper()
	rcv := &receiver{}
	rcv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rcv.mu.Lock()
		rcv.calls = append(rcv.calls, received{header: r.Header.Clone(), body: b})
		n := len(rcv.calls)
		rcv.mu.Unlock()
		if answer == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		answer(n, w)
	}))
	t.Cleanup(rcv.Close)
	return rcv
}

// count is the number of requests so far.
func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// all returns the requests so far.
func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.calls...)
}

// wait waits up to within for the nth request (counting from 1) and
// returns it.
func (r *receiver) wait(t *testing.T, n int, within time.Duration) received {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(20 * time.Millisecond) {
		if calls := r.all(); len(calls) >= n {
			return calls[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("callback %d did not arrive within %v; %d so far", n, within, r.count())
		}
	}
}
