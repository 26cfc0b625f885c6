package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// client sends the benchmark's requests over one tuned connection pool.
type client struct {
	base    string
	key     string
	timeout time.Duration
	http    *http.Client
}

// newClient returns a client whose pool keeps conns connections to the
// server open, so connection setup does not show up in the latencies.
func newClient(base, key string, conns int, timeout time.Duration) *client {
	tr := &http.Transport{
		Proxy: nil,
		DialContext: (&net.Dialer{
			Timeout:   5 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:        2 * conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		WriteBufferSize:     64 << 10,
		ReadBufferSize:      32 << 10,
	}
	return &client{base: base, key: key, timeout: timeout, http: &http.Client{Transport: tr}}
}

// response is what one request produced: the status (0 on a transport
// error), the body and the latency until the body was read.
type response struct {
	status  int
	body    []byte
	latency time.Duration
	err     error
}

// do sends one request and reads the whole response. Bodies are read to the
// end so the connection goes back to the pool.
func (c *client) do(ctx context.Context, method, path string, body []byte, header http.Header) response {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return response{err: err}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if c.key != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return response{latency: time.Since(start), err: err}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	return response{status: resp.StatusCode, body: b, latency: time.Since(start), err: err}
}

// preflight checks that the server answers and accepts the key.
func (c *client) preflight(ctx context.Context) error {
	r := c.do(ctx, http.MethodGet, "/healthz", nil, nil)
	if r.err != nil {
		return fmt.Errorf("server not reachable at %s: %w", c.base, r.err)
	}
	if r.status != http.StatusOK {
		return fmt.Errorf("GET /healthz: HTTP %d", r.status)
	}
	r = c.do(ctx, http.MethodGet, "/v1/usage", nil, nil)
	switch {
	case r.err != nil:
		return fmt.Errorf("GET /v1/usage: %w", r.err)
	case r.status == http.StatusUnauthorized:
		return errors.New("the API key was refused (401)")
	}
	return nil
}

// createPhase sends n multipart uploads from the given number of concurrent
// clients and returns their result and the IDs of the created jobs.
func (c *client) createPhase(ctx context.Context, n, clients int, body []byte, contentType string) (result, []string) {
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := range n {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	type part struct {
		rec recorder
		ids []string
	}
	parts := make([]part, clients)
	start := time.Now()
	parallel(clients, func(w int) {
		p := &parts[w]
		for i := range jobs {
			h := http.Header{
				"Content-Type":    {contentType},
				"Idempotency-Key": {fmt.Sprintf("bench-%s-%d", run, i)},
			}
			r := c.do(ctx, http.MethodPost, "/v1/transcriptions", body, h)
			if ctx.Err() != nil {
				return
			}
			label := statusLabel(r)
			if r.status/100 == 2 {
				var job struct{ ID string }
				if json.Unmarshal(r.body, &job) != nil || job.ID == "" {
					label = "no-id"
				} else {
					p.ids = append(p.ids, job.ID)
				}
			}
			p.rec.add(r.latency, label)
		}
	})
	res := result{name: "create (POST)", okLabel: "202", elapsed: time.Since(start)}
	var ids []string
	for _, p := range parts {
		res.merge(p.rec)
		ids = append(ids, p.ids...)
	}
	return res.done(), ids
}

// getPhase polls GET /v1/transcriptions/{id} over ids from the given number
// of concurrent clients for d.
func (c *client) getPhase(ctx context.Context, ids []string, d time.Duration, clients int) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	recs := make([]recorder, clients)
	start := time.Now()
	parallel(clients, func(w int) {
		for j := w; ; j += clients {
			r := c.do(ctx, http.MethodGet, "/v1/transcriptions/"+ids[j%len(ids)], nil, nil)
			if ctx.Err() != nil {
				return // cut off by the deadline: not a server error
			}
			recs[w].add(r.latency, statusLabel(r))
		}
	})
	res := result{name: "status (GET)", okLabel: "200", elapsed: time.Since(start)}
	for _, r := range recs {
		res.merge(r)
	}
	return res.done()
}

// cleanup deletes the benchmark's jobs: a queued job is canceled by the
// first DELETE and deleted by a second; a processing one only gets its
// cancellation requested.
func (c *client) cleanup(ctx context.Context, ids []string, clients int) (cancelRequested, deleted, failed int) {
	type tally struct{ cancelRequested, deleted, failed int }
	tallies := make([]tally, clients)
	parallel(clients, func(w int) {
		t := &tallies[w]
		for i := w; i < len(ids); i += clients {
			path := "/v1/transcriptions/" + ids[i]
			r := c.do(ctx, http.MethodDelete, path, nil, nil)
			if r.status == http.StatusAccepted {
				var job struct{ Status string }
				if json.Unmarshal(r.body, &job) == nil && job.Status == "canceled" {
					r = c.do(ctx, http.MethodDelete, path, nil, nil)
				}
			}
			switch r.status {
			case http.StatusNoContent, http.StatusNotFound:
				t.deleted++
			case http.StatusAccepted:
				t.cancelRequested++
			default:
				t.failed++
			}
		}
	})
	for _, t := range tallies {
		cancelRequested += t.cancelRequested
		deleted += t.deleted
		failed += t.failed
	}
	return cancelRequested, deleted, failed
}

// parallel runs f(0) .. f(n-1) concurrently and waits for them.
func parallel(n int, f func(w int)) {
	done := make(chan struct{})
	for w := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			f(w)
		}()
	}
	for range n {
		<-done
	}
}

// statusLabel names a response's outcome for the error counts.
func statusLabel(r response) string {
	switch {
	case r.status == 0:
		return "net"
	case r.err != nil:
		return "body"
	}
	return strconv.Itoa(r.status)
}
