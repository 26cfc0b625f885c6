package server

import (
	"errors"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// ctxKey is the echo.Context key of the authenticated store.Key.
const ctxKey = "api_key"

// keyOf returns the API key that authenticated the request.
func keyOf(c echo.Context) store.Key {
	k, _ := c.Get(ctxKey).(store.Key)
	return k
}

// authenticate requires a valid, unrevoked bearer API key, then applies the
// key's rate limit.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		k, err := s.keyFromRequest(c)
		if err != nil {
			return err
		}
		c.Set(ctxKey, k)
		if err := s.limits.allow(k.ID); err != nil {
			return err
		}
		return next(c)
	}
}

// requireAdmin refuses keys without the admin flag.
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !keyOf(c).Admin {
			return apiErr(CodeForbidden, "this endpoint needs an admin key")
		}
		return next(c)
	}
}

// keyFromRequest finds the store.Key for the request's bearer token. The
// token is hashed and looked up by hash; the store compares the stored hash
// in constant time.
func (s *Server) keyFromRequest(c echo.Context) (store.Key, error) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if h == "" {
		return store.Key{}, apiErr(CodeUnauthorized, "missing Authorization: Bearer <api key> header")
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return store.Key{}, apiErr(CodeUnauthorized, "the Authorization header must be Bearer <api key>")
	}
	token = strings.TrimSpace(token)
	if checkKeyShape(token) != nil {
		return store.Key{}, apiErr(CodeUnauthorized, "malformed api key")
	}
	k, err := s.store.KeyByHash(HashAPIKey(token))
	if errors.Is(err, store.ErrNotFound) {
		return store.Key{}, apiErr(CodeUnauthorized, "unknown api key")
	}
	if err != nil {
		return store.Key{}, err
	}
	if k.Revoked() {
		return store.Key{}, apiErr(CodeUnauthorized, "api key revoked")
	}
	return k, nil
}

// keyLimiters holds one token bucket per API key, refilled by the server's
// clock.
type keyLimiters struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

func newKeyLimiters(perSecond float64, burst int, now func() time.Time) *keyLimiters {
	if burst < 1 {
		burst = max(1, int(math.Ceil(perSecond)))
	}
	return &keyLimiters{limit: rate.Limit(perSecond), burst: burst, now: now, limiters: map[string]*rate.Limiter{}}
}

// allow takes a token from keyID's bucket, or returns rate_limited with the
// seconds until one is available.
func (l *keyLimiters) allow(keyID string) error {
	if l.limit <= 0 {
		return nil
	}
	l.mu.Lock()
	lim, ok := l.limiters[keyID]
	if !ok {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.limiters[keyID] = lim
	}
	l.mu.Unlock()
	now := l.now()
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return &apiError{
			Code:       CodeRateLimited,
			Message:    "too many requests for this api key",
			RetryAfter: max(1, int(math.Ceil(d.Seconds()))),
		}
	}
	return nil
}

// retryAfter is how long a client is told to wait when its queue is full.
const retryAfter = 30 * time.Second
