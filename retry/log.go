// Package retry paces and reports the repeated failures of a background
// loop (the worker pool's claims, the janitor, the webhook dispatcher's
// scans): Backoff stretches the wait after each consecutive failure, and
// Log logs the first failure at once, then at most one line per LogEvery
// with the count, and one line when the loop recovers.
package retry

import (
	"log/slog"
	"sync"
	"time"
)

// LogEvery is how often a repeating failure is logged again.
const LogEvery = time.Minute

// MaxBackoff caps the wait between attempts after repeated store failures.
const MaxBackoff = time.Minute

// Log logs a failure that may repeat on every tick, such as the store
// being unwritable: the first failure at once, then at most one line per
// LogEvery with the count, and one line when it recovers. It is safe for
// concurrent use, so the workers of a pool share one.
type Log struct {
	logger *slog.Logger
	msg    string
	now    func() time.Time

	mu       sync.Mutex
	failures int
	logged   time.Time
}

// NewLog returns a Log that logs msg on logger, reading the time from now
// (time.Now when nil).
func NewLog(logger *slog.Logger, msg string, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{logger: logger, msg: msg, now: now}
}

// Fail records one failure and logs it if it is the first or LogEvery
// has passed since the last line. It returns the number of consecutive
// failures.
func (e *Log) Fail(err error, args ...any) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failures++
	now := e.now()
	if e.failures == 1 || now.Sub(e.logged) >= LogEvery {
		e.logged = now
		e.logger.Error(e.msg, append([]any{"err", err, "failures", e.failures}, args...)...)
	}
	return e.failures
}

// Ok records a success, and logs the recovery after failures.
func (e *Log) Ok() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failures > 0 {
		e.logger.Info(e.msg+": recovered", "failures", e.failures)
		e.failures = 0
	}
}

// Backoff returns the wait after the n-th consecutive failure: base,
// doubling, at most MaxBackoff (and at least base).
func Backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < MaxBackoff; i++ {
		d *= 2
	}
	return max(min(d, MaxBackoff), base)
}
