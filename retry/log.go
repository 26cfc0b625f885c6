package jobs

import (
	"log/slog"
	"sync"
	"time"
)

// errLogEvery is how often a repeating failure is logged again.
const errLogEvery = time.Minute

// maxBackoff caps the wait between attempts after repeated store failures.
const maxBackoff = time.Minute

// errLog logs a failure that may repeat on every tick, such as the store
// being unwritable: the first failure at once, then at most one line per
// errLogEvery with the count, and one line when it recovers. It is safe for
// concurrent use, so the workers of a pool share one.
type errLog struct {
	logger *slog.Logger
	msg    string
	now    func() time.Time

	mu       sync.Mutex
	failures int
	logged   time.Time
}

func newErrLog(logger *slog.Logger, msg string, now func() time.Time) *errLog {
	return &errLog{logger: logger, msg: msg, now: now}
}

// fail records one failure and logs it if it is the first or errLogEvery
// has passed since the last line. It returns the number of consecutive
// failures.
func (e *errLog) fail(err error, args ...any) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failures++
	now := e.now()
	if e.failures == 1 || now.Sub(e.logged) >= errLogEvery {
		e.logged = now
		e.logger.Error(e.msg, append([]any{"err", err, "failures", e.failures}, args...)...)
	}
	return e.failures
}

// ok records a success, and logs the recovery after failures.
func (e *errLog) ok() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failures > 0 {
		e.logger.Info(e.msg+": recovered", "failures", e.failures)
		e.failures = 0
	}
}

// backoff returns the wait after the n-th consecutive failure: base,
// doubling, at most maxBackoff (and at least base).
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return max(min(d, maxBackoff), base)
}
