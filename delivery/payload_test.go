package delivery

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestBodySignsLinksAtSend checks what Body sends for each kind of stored
// event: a completed job's payload gets download URLs signed at the send
// time, for the job's key, and otherwise byte for byte what Build stored;
// a failed job's payload, and a record from before the outbox kept the key
// ID, go out as stored.
func TestBodySignsLinksAtSend(t *testing.T) {
	s := NewSigner([]store.SecretVersion{{ID: "1", Secret: []byte("0123456789abcdef0123456789abcdef")}}, time.Hour)
	s.SetBaseURL("https://api.example/")
	done := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	job := store.Job{
		ID: "0190a0b0-0000-7000-8000-000000000001", KeyID: "k1", Status: store.Completed, CallbackURL: "https://hook.example/",
		CreatedAt: done.Add(-time.Minute), CompletedAt: done, Language: "en", AudioDuration: 11 * time.Second,
		Metadata: json.RawMessage(`{"a":"Grüße"}`),
	}
	d := Build(job)
	if d == nil || d.Event != EventCompleted || strings.Contains(string(d.Payload), "download_urls") {
		t.Fatalf("Build = %+v; want a completed event stored without download urls", d)
	}
	d.JobID, d.KeyID = job.ID, job.KeyID

	sendAt := done.Add(30 * 24 * time.Hour)
	body := s.Body(*d, sendAt)
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.DownloadURLs) != 4 {
		t.Fatalf("sent download_urls = %v; want 4", p.DownloadURLs)
	}
	u, err := url.Parse(p.DownloadURLs["vtt"])
	if err != nil || u.Scheme+"://"+u.Host+u.Path != "https://api.example/v1/transcriptions/"+job.ID+"/export.vtt" {
		t.Fatalf("vtt url = %q (%v)", p.DownloadURLs["vtt"], err)
	}
	if err := s.Verify(job.ID, "k1", "vtt", u.Query(), sendAt.Add(59*time.Minute)); err != nil {
		t.Errorf("vtt url signed at send time: %v; want valid for the ttl after it", err)
	}
	if err := s.Verify(job.ID, "k2", "vtt", u.Query(), sendAt); err == nil {
		t.Error("vtt url verified for another key")
	}
	p.DownloadURLs = nil
	if again, _ := json.Marshal(p); string(again) != string(d.Payload) {
		t.Errorf("sent payload without its urls = %s; want the stored %s", again, d.Payload)
	}

	failed := job
	failed.Status, failed.Error = store.Failed, &store.JobError{Code: "decode_failed", Message: "bad audio"}
	f := Build(failed)
	f.JobID, f.KeyID = job.ID, job.KeyID
	if got := s.Body(*f, sendAt); string(got) != string(f.Payload) || f.Event != EventFailed {
		t.Errorf("failed event sent as %s; want as stored %s", got, f.Payload)
	}
	old := *d
	old.KeyID = ""
	if got := s.Body(old, sendAt); string(got) != string(old.Payload) {
		t.Errorf("record without key id sent as %s; want as stored", got)
	}
	canceled := job
	canceled.Status = store.Canceled
	if Build(canceled) != nil {
		t.Error("Build announced a canceled job")
	}
}
