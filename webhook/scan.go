package webhook

import (
	"context"
	"errors"
	"time"

	"github.com/instanttranscriber/instanttranscriber/retry"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Finding due deliveries. A full walk reads the due index (cheap: no record
// is decoded) and hands every delivery it can to a worker; those whose host
// is at PerHost are remembered in Dispatcher.ahead. When an attempt ends,
// its slot is refilled from ahead, and only when that runs dry, or the walk
// was cut short, is the outbox walked again. So a backlog for one slow host
// costs one walk per aheadPerHost deliveries, not one per attempt.

// scanPage is how many due-index entries one store read returns.
const scanPage = 512

// aheadPerHost bounds the entries remembered per host.
const aheadPerHost = 64

// maxHostCache bounds the URL -> host:port cache.
const maxHostCache = 4096

// claim results.
const (
	claimed = iota
	inFlight
	hostBusy
	workersBusy
)

// loop scans the outbox on every Notify, poll tick, or when the next
// delivery falls due, and refills freed slots, until ctx ends. It is the
// only sender on work and closes it on exit, which lets the workers finish
// and exit.
func (d *Dispatcher) loop(ctx context.Context) {
	defer close(d.loopDone)
	defer close(d.work)
	// Since Go 1.23 Reset needs no draining: a stopped or reset timer never
	// delivers a stale tick.
	timer := time.NewTimer(d.cfg.PollInterval)
	defer timer.Stop()
	full := true
	for {
		wait, err := d.scan(ctx, full)
		wake, freed := d.wake, d.freed
		if err != nil {
			// Back off from a failing store; hints do not cut it short.
			wait = retry.Backoff(d.cfg.PollInterval, d.scanErrs.Fail(err))
			wake, freed = nil, nil
		} else {
			d.scanErrs.Ok()
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
			full = true
		case <-wake:
			full = true
		case <-freed:
			full = false
		}
	}
}

// scan hands due deliveries to free workers (with full, or when the
// remembered entries do not suffice, by walking the outbox) and returns how
// long to sleep: until the next delivery falls due, at most PollInterval.
func (d *Dispatcher) scan(ctx context.Context, full bool) (time.Duration, error) {
	now := d.now()
	if full || d.refill(now) {
		if err := d.walk(ctx, now); err != nil {
			return 0, err
		}
	}
	wait := d.cfg.PollInterval
	next, ok, err := d.st.NextDeliveryAt()
	if err != nil {
		return 0, err
	}
	if until := next.Sub(d.now()); ok && until > 0 && until < wait {
		wait = until
	}
	return wait, nil
}

// walk reads the due index from the start and hands out every delivery it
// can, remembering those held back by PerHost.
func (d *Dispatcher) walk(ctx context.Context, now time.Time) error {
	ahead := make(map[string][]store.DueEntry)
	overflow := make(map[string]bool)
	cut := false
	var after store.DueEntry
walk:
	for ctx.Err() == nil {
		page, err := d.st.DueEntries(now, after, scanPage)
		if err != nil {
			return err
		}
		for _, e := range page {
			t, res := d.claim(e)
			switch res {
			case claimed:
				if err := d.hand(t, now); err != nil {
					return err
				}
			case hostBusy:
				if len(ahead[t.host]) < aheadPerHost {
					ahead[t.host] = append(ahead[t.host], e)
				} else {
					overflow[t.host] = true
				}
			case workersBusy:
				cut = true
				break walk
			}
		}
		if len(page) < scanPage {
			break
		}
		after = page[len(page)-1]
	}
	d.mu.Lock()
	d.ahead, d.overflow, d.cut = ahead, overflow, cut
	d.mu.Unlock()
	return nil
}

// refill hands out remembered entries for hosts with free slots. It
// reports whether the outbox must be walked instead: the last walk was cut
// short, or a host with free slots has run out of remembered entries but
// had more.
func (d *Dispatcher) refill(now time.Time) bool {
	var tasks []task
	d.mu.Lock()
	walk := d.cut
	for host, list := range d.ahead {
		for len(list) > 0 && !walk {
			t, res := d.claimLocked(list[0])
			if res == hostBusy {
				break
			}
			if res == workersBusy {
				walk = true
				break
			}
			list = list[1:]
			if res == claimed {
				tasks = append(tasks, t)
			}
		}
		d.ahead[host] = list
		if len(list) == 0 && d.overflow[host] && d.hosts[host] < d.cfg.PerHost {
			walk = true
		}
	}
	d.mu.Unlock()
	for _, t := range tasks {
		if err := d.hand(t, now); err != nil {
			return true
		}
	}
	return walk
}

// hand loads a claimed delivery and gives it to a worker, or gives the claim
// back if the delivery is no longer pending and due.
func (d *Dispatcher) hand(t task, now time.Time) error {
	load := d.st.GetDelivery
	if l, ok := d.st.(Leaser); ok {
		load = l.LeaseDelivery
	}
	del, err := load(t.d.ID)
	if err != nil || del.Status != store.DeliveryPending || del.NextAt.After(now) {
		d.unclaim(t)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrNotPending) {
			err = nil
		}
		return err
	}
	t.d = del
	d.work <- t
	return nil
}

// claim marks the delivery of e in flight and returns its task (without the
// record) and claimed; otherwise why not, with the task's host set.
func (d *Dispatcher) claim(e store.DueEntry) (task, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.claimLocked(e)
}

func (d *Dispatcher) claimLocked(e store.DueEntry) (task, int) {
	host := d.hostOf(e.URL)
	t := task{d: store.Delivery{ID: e.ID}, host: host}
	if d.inflight[e.ID] {
		return t, inFlight
	}
	if until, ok := d.held[e.ID]; ok {
		if d.now().Before(until) {
			return t, inFlight
		}
		delete(d.held, e.ID)
	}
	if d.hosts[host] >= d.cfg.PerHost {
		return t, hostBusy
	}
	if len(d.inflight) >= d.cfg.Workers {
		return t, workersBusy
	}
	d.inflight[e.ID] = true
	d.hosts[host]++
	return t, claimed
}

// hostOf returns hostKey(url) through a small cache, since walks meet the
// same few URLs again and again. d.mu must be held.
func (d *Dispatcher) hostOf(url string) string {
	if h, ok := d.hostCache[url]; ok {
		return h
	}
	if len(d.hostCache) >= maxHostCache {
		clear(d.hostCache)
	}
	h := hostKey(url)
	d.hostCache[url] = h
	return h
}

// unclaim undoes a claim whose delivery turned out not to need sending.
func (d *Dispatcher) unclaim(t task) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unclaimLocked(t)
}

func (d *Dispatcher) unclaimLocked(t task) {
	delete(d.inflight, t.d.ID)
	if d.hosts[t.host]--; d.hosts[t.host] <= 0 {
		delete(d.hosts, t.host)
	}
}

// release ends t's time in flight, optionally holding the delivery back
// until a time, and signals the loop that a slot is free.
func (d *Dispatcher) release(t task, holdUntil time.Time) {
	d.mu.Lock()
	d.unclaimLocked(t)
	if !holdUntil.IsZero() {
		d.held[t.d.ID] = holdUntil
	}
	d.mu.Unlock()
	select {
	case d.freed <- struct{}{}:
	default:
	}
}
