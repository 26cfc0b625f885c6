package store

import (
	"errors"
	"testing"
	"time"
)

func TestStats(t *testing.T) {
	s := newTestStore(t, newClock().Now)
	if got, err := s.Stats(); err != nil || got != (Stats{}) {
		t.Fatalf("empty store: Stats = %+v, %v; want zero", got, err)
	}

	before := time.Now().Add(-time.Millisecond)
	a := finishWithDelivery(t, s, "https://a.example/hook")
	time.Sleep(2 * time.Millisecond)
	b := finishWithDelivery(t, s, "https://b.example/hook")
	after := time.Now()
	mustCreate(t, s, Job{KeyID: "k1"})
	mustCreate(t, s, Job{KeyID: "k1"})

	got, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if got.Queued != 2 || got.PendingDeliveries != 2 {
		t.Errorf("Stats = %+v; want 2 queued, 2 pending deliveries", got)
	}
	// Delivery IDs are UUIDv7s minted from the real clock.
	if o := got.OldestPendingDelivery; o.Before(before) || o.After(after) {
		t.Errorf("OldestPendingDelivery = %v; want between %v and %v", o, before, after)
	}

	// Once a is delivered, b is the oldest pending one.
	record(t, s, a.ID, DeliveryAttempt{StatusCode: 204}, DeliveryResult{Status: DeliveryDelivered})
	claimed, err := s.ClaimNext()
	if err != nil {
		t.Fatal(err)
	}
	got2, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if got2.Queued != 1 || got2.PendingDeliveries != 1 || !got2.OldestPendingDelivery.After(got.OldestPendingDelivery) {
		t.Errorf("after delivering %s and claiming %s: Stats = %+v; want 1 queued, 1 pending newer than %v",
			a.ID, claimed.ID, got2, got.OldestPendingDelivery)
	}

	record(t, s, b.ID, DeliveryAttempt{StatusCode: 410}, DeliveryResult{Status: DeliveryFailed})
	if got, err := s.Stats(); err != nil || got.PendingDeliveries != 0 || !got.OldestPendingDelivery.IsZero() {
		t.Errorf("nothing pending: Stats = %+v, %v; want no pending delivery and a zero time", got, err)
	}
}

func TestPing(t *testing.T) {
	s := newTestStore(t, nil)
	if err := s.Ping(); err != nil {
		t.Fatalf("Ping on an open store: %v", err)
	}
	s = reopen(t, s)
	if err := s.Ping(); err != nil {
		t.Fatalf("Ping after reopening (schema version kept): %v", err)
	}
	s.db.Close()
	if err := s.Ping(); err == nil || errors.Is(err, ErrSchema) {
		t.Errorf("Ping on a closed store = %v; want a write error", err)
	}
}
