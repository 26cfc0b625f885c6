// Package testclock is the settable clock of the store's tests, shared by
// the white-box tests of the bbolt store and the contract suite
// (storetest).
package testclock

import (
	"sync"
	"time"
)

// Clock is a clock that moves only when told to; it is safe for
// concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New starts a clock at start.
func New(start time.Time) *Clock {
	return &Clock{t: start}
}

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
