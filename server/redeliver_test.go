package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/store"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// callback is one request a webhook receiver got.
type callback struct {
	header http.Header
	body   []byte
}

// TestRedeliveryAfterTTLCarriesLiveLinks: the webhook of a completed job
// carries download URLs that work; once download_url_ttl has passed they
// are refused, and a manual redelivery of the same event (same webhook-id,
// validly signed) carries fresh URLs that verify and download the
// transcript. The API, the dispatcher and the signer share one clock.
func TestRedeliveryAfterTTLCarriesLiveLinks(t *testing.T) {
	clk := &TestClock{}
	var signer *delivery.Signer
	o := newObserved(t, func(cfg *Config, d *Deps) {
		cfg.PublicURL = "http://api.test/"
		d.Now = clk.Now
		var err error
		if signer, err = delivery.LoadSigner(d.Store, cfg.DownloadURLTTL); err != nil {
			t.Fatal(err)
		}
		d.Signer = signer
	})
	ttl := DefaultConfig().DownloadURLTTL

	got := make(chan callback, 4)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- callback{r.Header.Clone(), b}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	wcfg := webhook.DefaultConfig()
	wcfg.PollInterval = 20 * time.Millisecond
	client := netguard.NewClient(netguard.Config{AllowPrivateNetworks: true})
	hooks := webhook.New(wcfg, o.st, client, slog.New(slog.DiscardHandler), webhook.WithSigner(signer), webhook.WithClock(clk.Now))
	if err := hooks.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hooks.Stop(t.Context()) })

	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	job, _, err := o.st.CreateJob(store.Job{KeyID: o.keyID("user"), MaxAttempts: 1, CallbackURL: rcv.URL + "/hook", CallbackSecret: secret}, store.CreateLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.st.ClaimNext(); err != nil {
		t.Fatal(err)
	}
	tr, _ := json.Marshal(export.JSONTranscript{Language: "en", Duration: 2, Text: "hello there",
		Segments: []export.JSONSegment{{Start: 0, End: 2, Text: "hello there"}}})
	if _, err := o.st.FinishJob(job.ID, store.Outcome{Status: store.Completed, Transcript: tr, Deliver: delivery.Build}); err != nil {
		t.Fatal(err)
	}

	// receive waits for the next callback and checks its signature and
	// payload; it returns the webhook-id and the srt link as path?query.
	receive := func() (string, string) {
		t.Helper()
		var cb callback
		select {
		case cb = <-got:
		case <-time.After(10 * time.Second):
			t.Fatal("no callback within 10s")
		}
		if err := webhook.Verify(secret, cb.header, cb.body, time.Minute, clk.Now()); err != nil {
			t.Errorf("callback signature: %v", err)
		}
		var p delivery.Payload
		if err := json.Unmarshal(cb.body, &p); err != nil || p.ID != job.ID || p.Status != store.Completed || len(p.DownloadURLs) != 4 {
			t.Fatalf("callback payload %s (%v); want job %s completed with 4 download urls", cb.body, err, job.ID)
		}
		u, err := url.Parse(p.DownloadURLs["srt"])
		if err != nil || u.Host != "api.test" {
			t.Fatalf("srt url %q (%v); want one on the public url", p.DownloadURLs["srt"], err)
		}
		return cb.header.Get("webhook-id"), u.RequestURI()
	}
	download := func(link string) *httptest.ResponseRecorder { return o.do(http.MethodGet, link, "") }

	firstID, firstLink := receive()
	// Redeliver once the first attempt is recorded, as a user who saw it
	// delivered does.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ds, err := o.st.DeliveriesForJob(job.ID)
		if err == nil && len(ds) == 1 && ds[0].Status == store.DeliveryDelivered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("first delivery not recorded: %+v, %v", ds, err)
		}
	}
	if rec := download(firstLink); rec.Code != http.StatusOK {
		t.Fatalf("first callback's srt link: %d %s; want 200", rec.Code, rec.Body)
	}

	clk.Add(ttl + time.Hour)
	if rec := download(firstLink); rec.Code != http.StatusForbidden {
		t.Fatalf("first callback's srt link after the ttl: %d %s; want 403", rec.Code, rec.Body)
	}
	if rec := o.do(http.MethodPost, "/v1/transcriptions/"+job.ID+"/deliveries", o.user); rec.Code != http.StatusAccepted {
		t.Fatalf("redeliver: %d %s", rec.Code, rec.Body)
	}
	againID, againLink := receive()
	if againID != firstID || againID == "" {
		t.Errorf("redelivery webhook-id %q; want the first one, %q", againID, firstID)
	}
	rec := download(againLink)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "hello there") {
		t.Errorf("redelivered srt link after the ttl: %d %s; want 200 with the transcript", rec.Code, rec.Body)
	}
}
