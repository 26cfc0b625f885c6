package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// finishWithDelivery creates, claims and completes a job with a webhook, as
// a worker does, and returns its delivery.
func finishWithDelivery(t *testing.T, s *Store, url string) Delivery {
	t.Helper()
	job := mustCreate(t, s, Job{KeyID: "k1", CallbackURL: url, CallbackSecret: "whsec_c2VjcmV0"})
	claim(t, s, job.ID)
	d := &Delivery{Payload: []byte(`{"id":"` + job.ID + `"}`), Event: "transcription.completed"}
	if _, err := s.FinishJob(job.ID, Outcome{Status: Completed, Deliver: deliver(d)}); err != nil {
		t.Fatalf("FinishJob: %v", err)
	}
	ds, err := s.DeliveriesForJob(job.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("DeliveriesForJob = %v, %v; want one", ds, err)
	}
	return ds[0]
}

// deliver is a DeliveryFunc that returns d whatever the job.
func deliver(d *Delivery) DeliveryFunc {
	return func(Job) *Delivery { return d }
}

// dueIDs lists the IDs of the deliveries due at now, in order.
func dueIDs(t *testing.T, s *Store, now time.Time) []string {
	t.Helper()
	es, err := s.DueEntries(now, DueEntry{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return entryIDs(es)
}

// entryIDs lists the IDs of es.
func entryIDs(es []DueEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// ids lists the IDs of ds.
func ids(ds []Delivery) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

// record records an attempt and fails the test on error.
func record(t *testing.T, s *Store, id string, a DeliveryAttempt, res DeliveryResult) Delivery {
	t.Helper()
	d, err := s.RecordDeliveryAttempt(id, a, res)
	if err != nil {
		t.Fatalf("RecordDeliveryAttempt: %v", err)
	}
	return d
}

func TestDueEntriesOrder(t *testing.T) {
	s, clock := clockedStore(t)
	a := finishWithDelivery(t, s, "https://a.example/hook")
	clock.Advance(time.Second)
	b := finishWithDelivery(t, s, "https://b.example/hook")
	clock.Advance(time.Second)
	c := finishWithDelivery(t, s, "https://c.example/hook")

	// a fails and is retried after c; b waits 10 s.
	record(t, s, a.ID, DeliveryAttempt{StatusCode: 500}, DeliveryResult{Status: DeliveryPending, NextAt: clock.Now().Add(time.Minute)})
	record(t, s, b.ID, DeliveryAttempt{StatusCode: 500}, DeliveryResult{Status: DeliveryPending, NextAt: clock.Now().Add(10 * time.Second)})

	tests := []struct {
		name  string
		now   time.Time
		limit int
		want  []string
	}{
		{"before anything is due", t0.Add(-time.Second), 0, []string{}},
		{"only c due", clock.Now(), 0, []string{c.ID}},
		{"b due at its NextAt", clock.Now().Add(10 * time.Second), 0, []string{c.ID, b.ID}},
		{"all due", clock.Now().Add(time.Hour), 0, []string{c.ID, b.ID, a.ID}},
		{"limit", clock.Now().Add(time.Hour), 2, []string{c.ID, b.ID}},
	}
	for _, tt := range tests {
		got, err := s.DueEntries(tt.now, DueEntry{}, tt.limit)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !reflect.DeepEqual(entryIDs(got), tt.want) {
			t.Errorf("%s: DueEntries = %v; want %v", tt.name, entryIDs(got), tt.want)
		}
	}

	// DueEntries pages through the same order, from the index alone.
	later := clock.Now().Add(time.Hour)
	var pages [][]DueEntry
	var after DueEntry
	for {
		page, err := s.DueEntries(later, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages = append(pages, page)
		after = page[len(page)-1]
		if len(pages) > 3 {
			t.Fatalf("DueEntries does not advance: %+v", pages)
		}
	}
	want := [][]DueEntry{
		{{ID: c.ID, URL: c.URL, NextAt: c.NextAt}, {ID: b.ID, URL: b.URL, NextAt: t0.Add(12 * time.Second)}},
		{{ID: a.ID, URL: a.URL, NextAt: t0.Add(2*time.Second + time.Minute)}},
	}
	if !reflect.DeepEqual(pages, want) {
		t.Errorf("DueEntries pages = %+v; want %+v", pages, want)
	}
	if got, err := s.DueEntries(clock.Now(), DueEntry{}, 0); err != nil || len(got) != 1 || got[0].ID != c.ID {
		t.Errorf("DueEntries now = %+v, %v; want only c", got, err)
	}
	if _, err := s.DueEntries(later, DueEntry{ID: "x"}, 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("DueEntries after a bad ID: %v; want ErrInvalid", err)
	}
	checkIndexes(t, s)
}

func TestNextDeliveryAt(t *testing.T) {
	s, clock := clockedStore(t)
	if at, ok, err := s.NextDeliveryAt(); err != nil || ok {
		t.Fatalf("NextDeliveryAt of an empty outbox = %s, %v, %v; want none", at, ok, err)
	}
	a := finishWithDelivery(t, s, "https://a.example/hook")
	clock.Advance(time.Minute)
	b := finishWithDelivery(t, s, "https://b.example/hook")
	if at, ok, err := s.NextDeliveryAt(); err != nil || !ok || !at.Equal(t0) {
		t.Errorf("NextDeliveryAt = %s, %v, %v; want %s", at, ok, err, t0)
	}
	retry := clock.Now().Add(5 * time.Minute)
	record(t, s, a.ID, DeliveryAttempt{Error: "timeout"}, DeliveryResult{Status: DeliveryPending, NextAt: retry})
	if at, ok, err := s.NextDeliveryAt(); err != nil || !ok || !at.Equal(b.NextAt) {
		t.Errorf("NextDeliveryAt after a's retry = %s, %v, %v; want b's %s", at, ok, err, b.NextAt)
	}
	record(t, s, b.ID, DeliveryAttempt{StatusCode: 200}, DeliveryResult{Status: DeliveryDelivered})
	if at, ok, err := s.NextDeliveryAt(); err != nil || !ok || !at.Equal(retry) {
		t.Errorf("NextDeliveryAt after b delivered = %s, %v, %v; want a's retry %s", at, ok, err, retry)
	}
	record(t, s, a.ID, DeliveryAttempt{StatusCode: 410}, DeliveryResult{Status: DeliveryFailed})
	if at, ok, err := s.NextDeliveryAt(); err != nil || ok {
		t.Errorf("NextDeliveryAt with nothing pending = %s, %v, %v; want none", at, ok, err)
	}
}

func TestRecordDeliveryAttemptRetryThenDelivered(t *testing.T) {
	s, clock := clockedStore(t)
	d := finishWithDelivery(t, s, "https://a.example/hook")

	clock.Advance(time.Second)
	first := DeliveryAttempt{At: clock.Now(), StatusCode: 503, Duration: 40 * time.Millisecond, Error: "http 503", ResponseBody: "busy"}
	retry := clock.Now().Add(5 * time.Second)
	got := record(t, s, d.ID, first, DeliveryResult{Status: DeliveryPending, NextAt: retry})
	if got.Status != DeliveryPending || got.Attempt != 1 || got.RoundAttempts != 1 || !got.NextAt.Equal(retry) ||
		got.LastError != "http 503" || !reflect.DeepEqual(got.Attempts, []DeliveryAttempt{first}) {
		t.Errorf("after a failed attempt = %+v", got)
	}
	if due := dueIDs(t, s, retry.Add(-time.Nanosecond)); len(due) != 0 {
		t.Errorf("due before its retry time: %v", due)
	}
	if due := dueIDs(t, s, retry); !reflect.DeepEqual(due, []string{d.ID}) {
		t.Errorf("due at its retry time = %v; want %s", due, d.ID)
	}

	clock.Advance(5 * time.Second)
	// A zero At is the store's now.
	got = record(t, s, d.ID, DeliveryAttempt{StatusCode: 204, Duration: time.Millisecond}, DeliveryResult{Status: DeliveryDelivered})
	second := DeliveryAttempt{At: clock.Now(), StatusCode: 204, Duration: time.Millisecond}
	if got.Status != DeliveryDelivered || got.Attempt != 2 || !got.NextAt.IsZero() || got.LastError != "" ||
		!reflect.DeepEqual(got.Attempts, []DeliveryAttempt{first, second}) {
		t.Errorf("after delivery = %+v", got)
	}
	if stored, err := s.GetDelivery(d.ID); err != nil || !reflect.DeepEqual(stored, got) {
		t.Errorf("GetDelivery = %+v, %v; want %+v", stored, err, got)
	}
	if due := dueIDs(t, s, clock.Now().Add(time.Hour)); len(due) != 0 {
		t.Errorf("a delivered delivery is still due: %v", due)
	}
	checkIndexes(t, s)

	tests := []struct {
		name string
		id   string
		res  DeliveryResult
		want error
	}{
		{"already delivered", d.ID, DeliveryResult{Status: DeliveryFailed}, ErrNotPending},
		{"unknown", "0190b9a0-0000-7000-8000-000000000000", DeliveryResult{Status: DeliveryFailed}, ErrNotFound},
		{"malformed id", "nope", DeliveryResult{Status: DeliveryFailed}, ErrNotFound},
		{"pending without NextAt", d.ID, DeliveryResult{Status: DeliveryPending}, ErrInvalid},
		{"unknown status", d.ID, DeliveryResult{Status: "dead"}, ErrInvalid},
	}
	for _, tt := range tests {
		if _, err := s.RecordDeliveryAttempt(tt.id, DeliveryAttempt{}, tt.res); !errors.Is(err, tt.want) {
			t.Errorf("%s: RecordDeliveryAttempt = %v; want %v", tt.name, err, tt.want)
		}
	}
	if stored, _ := s.GetDelivery(d.ID); stored.Attempt != 2 {
		t.Errorf("refused records changed the delivery: attempt %d", stored.Attempt)
	}
}

func TestRecordDeliveryAttemptFailed(t *testing.T) {
	s, clock := clockedStore(t)
	d := finishWithDelivery(t, s, "https://a.example/hook")
	other := finishWithDelivery(t, s, "https://b.example/hook")
	got := record(t, s, d.ID, DeliveryAttempt{StatusCode: 410, Error: "http 410"}, DeliveryResult{Status: DeliveryFailed})
	if got.Status != DeliveryFailed || !got.NextAt.IsZero() || got.LastError != "http 410" {
		t.Errorf("failed delivery = %+v", got)
	}
	if due := dueIDs(t, s, clock.Now()); !reflect.DeepEqual(due, []string{other.ID}) {
		t.Errorf("due = %v; want only %s", due, other.ID)
	}
	checkIndexes(t, s)
}

func TestRedeliver(t *testing.T) {
	s, clock := clockedStore(t)
	d := finishWithDelivery(t, s, "https://a.example/hook")
	record(t, s, d.ID, DeliveryAttempt{StatusCode: 500}, DeliveryResult{Status: DeliveryPending, NextAt: clock.Now().Add(time.Second)})
	done := record(t, s, d.ID, DeliveryAttempt{StatusCode: 200}, DeliveryResult{Status: DeliveryDelivered})

	clock.Advance(time.Hour)
	got, err := s.Redeliver(d.JobID)
	if err != nil {
		t.Fatal(err)
	}
	want := done
	want.Status, want.NextAt, want.Round, want.RoundAttempts = DeliveryPending, clock.Now(), 1, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Redeliver = %+v; want %+v", got, want)
	}
	if got.EventID != d.EventID || got.EventID != DefaultEventID(d.JobID, "transcription.completed") {
		t.Errorf("EventID = %q; want the original %q", got.EventID, d.EventID)
	}
	if due := dueIDs(t, s, clock.Now()); !reflect.DeepEqual(due, []string{d.ID}) {
		t.Errorf("due after Redeliver = %v; want %s", due, d.ID)
	}
	got = record(t, s, d.ID, DeliveryAttempt{StatusCode: 200}, DeliveryResult{Status: DeliveryDelivered, Round: 1})
	if got.Attempt != 3 || got.RoundAttempts != 1 || got.Round != 1 || len(got.Attempts) != 3 {
		t.Errorf("after the redelivered attempt: attempt %d round %d round attempts %d history %d; want 3 1 1 3",
			got.Attempt, got.Round, got.RoundAttempts, len(got.Attempts))
	}

	// A pending delivery is moved up to now and starts a new round.
	clock.Advance(time.Minute)
	record(t, s, mustRedeliver(t, s, d.JobID).ID, DeliveryAttempt{StatusCode: 500}, DeliveryResult{Status: DeliveryPending, NextAt: clock.Now().Add(time.Hour), Round: 2})
	clock.Advance(time.Minute)
	if got := mustRedeliver(t, s, d.JobID); got.Round != 3 || got.RoundAttempts != 0 || !got.NextAt.Equal(clock.Now()) {
		t.Errorf("redelivered pending delivery: round %d round attempts %d next %s; want 3 0 %s", got.Round, got.RoundAttempts, got.NextAt, clock.Now())
	}
	checkIndexes(t, s)

	// Only the latest delivery of a job is redelivered.
	newer := Delivery{Payload: []byte(`{}`), Event: "transcription.failed"}
	err = s.update(func(tx *txn) error {
		job, err := tx.getJob(d.JobID)
		if err != nil {
			return err
		}
		newer, err = tx.addDelivery(job, newer, clock.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	record(t, s, newer.ID, DeliveryAttempt{StatusCode: 410}, DeliveryResult{Status: DeliveryFailed})
	if got := mustRedeliver(t, s, d.JobID); got.ID != newer.ID || got.Event != "transcription.failed" {
		t.Errorf("Redeliver picked %s (%s); want the newer %s", got.ID, got.Event, newer.ID)
	}

	queued := mustCreate(t, s, Job{KeyID: "k1", CallbackURL: "https://a.example/hook"})
	for _, id := range []string{queued.ID, "0190b9a0-0000-7000-8000-000000000000", "nope"} {
		if _, err := s.Redeliver(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Redeliver(%s) = %v; want ErrNotFound", id, err)
		}
	}
	checkIndexes(t, s)
}

func mustRedeliver(t *testing.T, s *Store, jobID string) Delivery {
	t.Helper()
	d, err := s.Redeliver(jobID)
	if err != nil {
		t.Fatalf("Redeliver: %v", err)
	}
	return d
}

func TestDeliveryAttemptsCapped(t *testing.T) {
	s, clock := clockedStore(t)
	d := finishWithDelivery(t, s, "https://a.example/hook")
	const n = MaxDeliveryAttempts + 10
	var got Delivery
	for i := range n {
		clock.Advance(time.Second)
		a := DeliveryAttempt{StatusCode: 500 + i%5, ResponseBody: strings.Repeat("x", 2000)}
		got = record(t, s, d.ID, a, DeliveryResult{Status: DeliveryPending, NextAt: clock.Now()})
	}
	if got.Attempt != n || got.RoundAttempts != n || len(got.Attempts) != MaxDeliveryAttempts {
		t.Fatalf("attempt %d round attempts %d history %d; want %d %d %d", got.Attempt, got.RoundAttempts, len(got.Attempts), n, n, MaxDeliveryAttempts)
	}
	// The oldest ten were dropped.
	if first, last := got.Attempts[0].At, got.Attempts[len(got.Attempts)-1].At; !first.Equal(t0.Add(11*time.Second)) || !last.Equal(clock.Now()) {
		t.Errorf("history spans %s..%s; want %s..%s", first, last, t0.Add(11*time.Second), clock.Now())
	}
	for _, a := range got.Attempts {
		if len(a.ResponseBody) != MaxAttemptResponseBody {
			t.Fatalf("response body kept %d bytes; want %d", len(a.ResponseBody), MaxAttemptResponseBody)
		}
	}
	if stored, _ := s.GetDelivery(d.ID); !reflect.DeepEqual(stored, got) {
		t.Error("stored delivery differs from the one returned")
	}
}

func TestDeliveryPersists(t *testing.T) {
	s, clock := clockedStore(t)
	d := finishWithDelivery(t, s, "https://a.example/hook")
	want := record(t, s, d.ID, DeliveryAttempt{StatusCode: 429, Duration: time.Second, Error: "http 429", ResponseBody: "slow down"},
		DeliveryResult{Status: DeliveryPending, NextAt: clock.Now().Add(time.Minute)})
	s = reopen(t, s)
	got, err := s.GetDelivery(d.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after reopen GetDelivery = %+v, %v; want %+v", got, err, want)
	}
}

func TestDeleteJobRemovesFinishedDeliveries(t *testing.T) {
	s, clock := clockedStore(t)
	delivered := finishWithDelivery(t, s, "https://a.example/hook")
	failed := finishWithDelivery(t, s, "https://a.example/hook")
	pending := finishWithDelivery(t, s, "https://a.example/hook")
	record(t, s, delivered.ID, DeliveryAttempt{StatusCode: 200}, DeliveryResult{Status: DeliveryDelivered})
	record(t, s, failed.ID, DeliveryAttempt{StatusCode: 410}, DeliveryResult{Status: DeliveryFailed})

	if _, err := s.DeleteJob(delivered.JobID, "k1"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if expired, err := s.ExpireJobs(clock.Now(), 0); err != nil || len(expired) != 2 {
		t.Fatalf("ExpireJobs = %d jobs, %v; want 2", len(expired), err)
	}
	tests := []struct {
		name string
		d    Delivery
		want error
	}{{"delivered", delivered, ErrNotFound}, {"failed", failed, ErrNotFound}, {"pending", pending, nil}}
	for _, tt := range tests {
		if _, err := s.GetDelivery(tt.d.ID); !errors.Is(err, tt.want) {
			t.Errorf("GetDelivery of the %s delivery after delete = %v; want %v", tt.name, err, tt.want)
		}
	}
	if due := dueIDs(t, s, clock.Now()); !reflect.DeepEqual(due, []string{pending.ID}) {
		t.Errorf("due = %v; want the pending %s", due, pending.ID)
	}
	checkIndexes(t, s)
}

// TestFinishJobDeliversTheStoredJob checks that FinishJob calls its
// DeliveryFunc once, inside the transaction, with the job exactly as it
// stores it (the store's clock, the attempt error, the cleared audio), and
// that the delivery keeps the job's key ID; a job without a callback URL
// does not call it.
func TestFinishJobDeliversTheStoredJob(t *testing.T) {
	s, clock := clockedStore(t)
	job := mustCreate(t, s, Job{KeyID: "k1", CallbackURL: "https://hook.example/f", Source: Source{AudioPath: "a.wav"}})
	claim(t, s, job.ID)
	clock.Advance(time.Minute)
	var seen []Job
	build := func(j Job) *Delivery {
		seen = append(seen, j)
		return &Delivery{Payload: []byte(`{}`), Event: "transcription.failed"}
	}
	done, err := s.FinishJob(job.ID, Outcome{Status: Failed, Error: &JobError{Code: "x", Message: "m"}, ClearAudio: true, Deliver: build})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !reflect.DeepEqual(seen[0], done) {
		t.Fatalf("DeliveryFunc saw %+v; want once the stored job %+v", seen, done)
	}
	if !seen[0].CompletedAt.Equal(clock.Now()) || len(seen[0].Errors) != 1 || seen[0].Source.AudioPath != "" {
		t.Errorf("DeliveryFunc saw completed_at %s, errors %+v, audio %q; want the store's clock, one error, no audio",
			seen[0].CompletedAt, seen[0].Errors, seen[0].Source.AudioPath)
	}
	ds, err := s.DeliveriesForJob(job.ID)
	if err != nil || len(ds) != 1 || ds[0].KeyID != "k1" {
		t.Fatalf("deliveries = %+v, %v; want one with key ID k1", ds, err)
	}

	plain := mustCreate(t, s, Job{KeyID: "k1"})
	claim(t, s, plain.ID)
	seen = nil
	if _, err := s.FinishJob(plain.ID, Outcome{Status: Completed, Deliver: build}); err != nil || len(seen) != 0 {
		t.Errorf("FinishJob without a callback url: %v, DeliveryFunc called %d times; want 0", err, len(seen))
	}
}

// TestDefaultEventIDPinned pins the webhook-id derivation with literals:
// receivers deduplicate on it, so a change would make them accept every
// pending event again after an upgrade.
func TestDefaultEventIDPinned(t *testing.T) {
	const job = "0190a0b0-0000-7000-8000-000000000001"
	tests := []struct{ event, want string }{
		{"transcription.completed", "msg_3122d75b94d861d4a30530247aefa9f8"},
		{"transcription.failed", "msg_7560c213ae0257a5db3bd67485b60624"},
	}
	for _, tt := range tests {
		if got := DefaultEventID(job, tt.event); got != tt.want {
			t.Errorf("DefaultEventID(%s, %s) = %s; want %s", job, tt.event, got, tt.want)
		}
	}
}

// TestRedeliverDuringAnAttempt: a redelivery requested while an attempt of
// the previous round is in flight is not lost when that attempt's result
// is recorded: the attempt is kept, the delivery stays pending and due.
func TestRedeliverDuringAnAttempt(t *testing.T) {
	s, clock := clockedStore(t)
	d := finishWithDelivery(t, s, "https://a.example/hook")
	// The dispatcher has loaded d (round 0) and is sending it.
	clock.Advance(time.Second)
	if got := mustRedeliver(t, s, d.JobID); got.Round != 1 {
		t.Fatalf("Redeliver round = %d; want 1", got.Round)
	}
	got := record(t, s, d.ID, DeliveryAttempt{StatusCode: 204}, DeliveryResult{Status: DeliveryDelivered, Round: d.Round})
	if got.Status != DeliveryPending || got.Round != 1 || got.RoundAttempts != 0 || got.Attempt != 1 || len(got.Attempts) != 1 {
		t.Errorf("after the earlier round's attempt: %s round %d round attempts %d attempt %d history %d; want pending 1 0 1 1",
			got.Status, got.Round, got.RoundAttempts, got.Attempt, len(got.Attempts))
	}
	if due := dueIDs(t, s, clock.Now()); !reflect.DeepEqual(due, []string{d.ID}) {
		t.Errorf("due = %v; want the redelivery %s", due, d.ID)
	}
	got = record(t, s, d.ID, DeliveryAttempt{StatusCode: 204}, DeliveryResult{Status: DeliveryDelivered, Round: 1})
	if got.Status != DeliveryDelivered || got.RoundAttempts != 1 || got.Attempt != 2 {
		t.Errorf("after the redelivery's attempt: %s round attempts %d attempt %d; want delivered 1 2", got.Status, got.RoundAttempts, got.Attempt)
	}
}
