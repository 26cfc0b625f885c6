package server

import (
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Connection limits. There is no ReadTimeout or WriteTimeout: a 1 GiB
// upload on a slow link and a large backup download may legitimately take
// longer than any fixed bound. Instead a request body must make progress:
// each read waits at most bodyReadIdle (see bodyIdleTimeout), which cuts a
// slow-drip (slowloris) body, and ReadHeaderTimeout cuts slow headers.
const (
	readHeaderTimeout = 10 * time.Second
	maxHeaderBytes    = 64 << 10
	bodyReadIdle      = 30 * time.Second
)

// bodyIdleTimeout gives every read of the request body a deadline of
// bodyReadIdle from when it starts, through http.ResponseController. The
// deadline is cleared when the body ends; a body abandoned part-way keeps
// it, so net/http's drain of the rest after the handler (and so the
// response) cannot wait on a stalled client for ever. net/http sets the
// deadline afresh for the connection's next request.
func bodyIdleTimeout(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		req.Body = &idleBody{ReadCloser: req.Body, rc: http.NewResponseController(c.Response())}
		return next(c)
	}
}

// idleBody is a request body whose every Read has a fresh deadline.
type idleBody struct {
	io.ReadCloser
	rc *http.ResponseController
}

func (b *idleBody) Read(p []byte) (int, error) {
	// ErrNotSupported (httptest recorders) just means no deadline.
	b.rc.SetReadDeadline(time.Now().Add(bodyReadIdle))
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		// The body is done: net/http's background read of the connection
		// must not hit this deadline while the handler still works.
		b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}
