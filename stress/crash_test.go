//go:build stress

package stress

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// spec is one job request of the crash suite.
type spec struct {
	kind    string // "clip", "garbage" (rejected at upload), "urlbad" (fails in the worker)
	clip    int
	post    bool   // speaker_labels and summary
	idemKey string // "" for none
	// fileFirst puts the file part before the other form fields, as
	// curl -F file=@x -F language=en does.
	fileFirst bool
}

// crashRun is the state of one TestCrashStress run.
type crashRun struct {
	t       *testing.T
	rng     *rand.Rand
	clips   [][]byte
	hooks   string
	files   string
	mu      sync.Mutex
	specs   map[string]spec            // accepted job id -> spec
	byKey   map[string]map[string]bool // Idempotency-Key -> job ids answered with 202
	pending []spec                     // idempotent requests to resend after the next restart
	rejects int
	lost    int // requests that got no answer (server killed)
	seq     int
}

// body builds the request of s.
func (r *crashRun) body(s spec) (string, []byte) {
	if s.kind == "urlbad" {
		return "application/json", fmt.Appendf(nil, `{"url":%q,"callback_url":%q,"callback_secret":%q}`,
			r.files+"/broken.wav", r.hooks+"/hook", hookSecret)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	file := func() {
		fw, _ := mw.CreateFormFile("file", "clip.wav")
		if s.kind == "garbage" {
			fw.Write([]byte("RIFF\x10\x00\x00\x00WAVEfmt this is not audio at all"))
		} else {
			fw.Write(r.clips[s.clip])
		}
	}
	if s.fileFirst {
		file()
	}
	mw.WriteField("language", "en")
	mw.WriteField("callback_url", r.hooks+"/hook")
	mw.WriteField("callback_secret", hookSecret)
	if s.post {
		mw.WriteField("speaker_labels", "true")
		mw.WriteField("summary", "true")
	}
	if !s.fileFirst {
		file()
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// resubmit sends again, with the same idempotency key, the requests whose
// answer was lost.
func (r *crashRun) resubmit(p *e2e.Proc) {
	r.mu.Lock()
	again := r.pending
	r.pending = nil
	r.mu.Unlock()
	for _, s := range again {
		r.submit(p, s, nil)
	}
}

// submit sends s; body, when not nil, replaces the request body (a slow
// upload). It records the outcome.
func (r *crashRun) submit(p *e2e.Proc, s spec, body io.Reader) {
	ct, b := r.body(s)
	if body == nil {
		body = bytes.NewReader(b)
	}
	hdr := map[string]string{}
	if s.idemKey != "" {
		hdr["Idempotency-Key"] = s.idemKey
	}
	var out struct{ ID string }
	code, err := e2e.Call(p.Base, p.Key, http.MethodPost, "/v1/transcriptions", ct, body, hdr, &out)
	r.record(s, code, out.ID, err)
}

// slowSubmit sends s over a raw connection: the first cut bytes of the
// body, then, on release, the rest. (http.Client buffers a streamed body,
// so it cannot stop at an exact byte.) It records the outcome.
func (r *crashRun) slowSubmit(p *e2e.Proc, s spec, cut int, sent chan<- struct{}, release <-chan struct{}) {
	ct, b := r.body(s)
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.Base, "http://"))
	if err != nil {
		close(sent)
		r.record(s, 0, "", err)
		return
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/transcriptions HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nIdempotency-Key: %s\r\n\r\n",
		strings.TrimPrefix(p.Base, "http://"), p.Key, ct, len(b), s.idemKey)
	conn.Write(b[:cut])
	close(sent)
	<-release
	if _, err := conn.Write(b[cut:]); err != nil {
		r.record(s, 0, "", err)
		return
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		r.record(s, 0, "", err)
		return
	}
	defer resp.Body.Close()
	var out struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&out)
	r.record(s, resp.StatusCode, out.ID, nil)
}

// record notes the answer to one create request.
func (r *crashRun) record(s spec, code int, id string, err error) {
	out := struct{ ID string }{id}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err != nil || code == 0:
		r.lost++
		if s.idemKey != "" {
			r.pending = append(r.pending, s)
		}
	case code == http.StatusAccepted:
		r.specs[out.ID] = s
		if s.idemKey != "" {
			if r.byKey[s.idemKey] == nil {
				r.byKey[s.idemKey] = map[string]bool{}
			}
			r.byKey[s.idemKey][out.ID] = true
		}
	case code >= 400 && code < 500:
		r.rejects++
	default:
		r.t.Errorf("create %+v: status %d", s, code)
	}
}

// next returns a random job spec.
func (r *crashRun) next() spec {
	r.seq++
	s := spec{kind: "clip", clip: r.rng.IntN(len(r.clips))}
	switch n := r.rng.IntN(10); {
	case n == 0:
		s.kind = "garbage"
	case n == 1:
		s.kind = "urlbad"
	case n <= 4:
		s.post = true
	}
	if r.rng.IntN(3) == 0 {
		s.idemKey = fmt.Sprintf("idem-%d", r.seq)
	}
	return s
}

// ids returns the accepted job ids.
func (r *crashRun) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for id := range r.specs {
		ids = append(ids, id)
	}
	return ids
}

// waitStage polls the accepted jobs until one is in one of stages; false
// after d.
func (r *crashRun) waitStage(p *e2e.Proc, d time.Duration, stages ...string) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, id := range r.ids() {
			var j struct{ Stage string }
			if _, err := e2e.Call(p.Base, p.Key, http.MethodGet, "/v1/transcriptions/"+id, "", nil, nil, &j); err != nil {
				continue
			}
			for _, s := range stages {
				if j.Stage == s {
					return true
				}
			}
		}
	}
	return false
}

// loadClips returns jfk.wav and two clips cut from it.
func loadClips(t *testing.T) [][]byte {
	full, err := os.ReadFile(jfkPath)
	if err != nil {
		t.Fatal(err)
	}
	pcm, err := audio.DecodeFile(context.Background(), jfkPath, audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := pcm.Samples
	return [][]byte{full, wav16(s[:5*16000]), wav16(s[4*16000 : 9*16000])}
}

// TestCrashStress SIGKILLs the real server at least 10 times (4 in short
// mode) while jobs upload, transcribe, post-process and deliver callbacks,
// then checks that nothing was lost, duplicated or corrupted.
func TestCrashStress(t *testing.T) {
	bin := e2e.Binary(t, "../bin/instanttranscriber")
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("STRESS_SEED"), 10, 64); err == nil {
		seed = s
	}
	jobs, kills := envInt("STRESS_JOBS", 30), envInt("STRESS_KILLS", 10)
	if short() {
		jobs, kills = 10, 4
	}
	t.Logf("seed %d (STRESS_SEED=%d to replay), %d jobs, %d kills", seed, seed, jobs, kills)
	began := time.Now()

	rcv := newReceiver(seed)
	hooks := httptest.NewServer(rcv)
	defer hooks.Close()
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("RIFF\x10\x00\x00\x00WAVEfmt this is broken audio"))
	}))
	defer files.Close()
	r := &crashRun{t: t, rng: rand.New(rand.NewPCG(seed, 1)), clips: loadClips(t), hooks: hooks.URL, files: files.URL,
		specs: map[string]spec{}, byKey: map[string]map[string]bool{}}

	sched := "0s" + strings.Repeat(" 200ms", 49)
	envFor := func(dir, addr string, ss stressStore) []string {
		return append([]string{
			"INSTANTTRANSCRIBER_DATA_DIR=" + dir,
			"INSTANTTRANSCRIBER_SERVER_ADDR=" + addr,
			"INSTANTTRANSCRIBER_ENGINE_MODEL_PATH=" + e2e.Model("../models/ggml-tiny-q8_0.bin"),
			"INSTANTTRANSCRIBER_WORKER_BEAM_SIZE=1",
			"INSTANTTRANSCRIBER_WORKER_PROGRESS_INTERVAL=50ms",
			"INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=true",
			"INSTANTTRANSCRIBER_WEBHOOK_RETRY_SCHEDULE=" + sched,
			"INSTANTTRANSCRIBER_WEBHOOK_JITTER=0",
			"INSTANTTRANSCRIBER_WEBHOOK_TIMEOUT=1s",
			"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0",
		}, ss.env...)
	}

	// The clean run: each clip once on a fresh server.
	want := cleanTexts(t, bin, envFor(t.TempDir(), "", newStressStore(t)), r.clips)

	dir := t.TempDir()
	addr := e2e.FreeAddr(t)
	pgs := newStressStore(t)
	env := envFor(dir, addr, pgs)
	p := e2e.Start(t, bin, env, addr)
	key := p.Key
	if key == "" {
		t.Fatal("first start printed no admin key")
	}
	phases := []string{"upload", "transcribing", "postprocess", "webhook"}
	hit := map[string]int{}
	uploadKills := 0
	perRound := max(1, jobs/(kills+1))
	submitted := 0
	for k := range kills {
		// Idempotent requests whose answer was lost go again, same key.
		r.resubmit(p)
		var wg sync.WaitGroup
		phase := phases[k%len(phases)]
		for i := 0; i < perRound && submitted < jobs; i++ {
			s := r.next()
			if phase == "postprocess" && i == 0 {
				s = spec{kind: "clip", clip: 0, post: true}
			}
			submitted++
			wg.Add(1)
			go func() { defer wg.Done(); r.submit(p, s, nil) }()
			if s.idemKey != "" && r.rng.IntN(2) == 0 {
				wg.Add(1)
				go func() { defer wg.Done(); r.submit(p, s, nil) }() // a client retry racing the first
			}
		}
		wg.Wait()
		var ok bool
		var release chan struct{} // the slow upload's rest goes after the kill
		switch phase {
		case "upload":
			// A client is mid-upload. The first time, the whole file part
			// and the start of the form fields after it are sent (the file
			// is in place on disk, the job not yet created); the next, half
			// the body.
			submitted++
			s := spec{kind: "clip", clip: 0, idemKey: fmt.Sprintf("upload-%d", k), fileFirst: uploadKills%2 == 0}
			uploadKills++
			_, b := r.body(s)
			cut := len(b) / 2
			if s.fileFirst {
				cut = bytes.Index(b, []byte(`name="language"`)) + len(`name="language"`) + 4
			}
			half := make(chan struct{})
			release = make(chan struct{})
			wg.Add(1)
			go func() { defer wg.Done(); r.slowSubmit(p, s, cut, half, release) }()
			<-half
			if s.fileFirst {
				// Until the server has renamed the upload into place.
				for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
					if m, _ := filepath.Glob(filepath.Join(dir, "audio", "*.audio")); len(m) > audioBefore(r, dir) {
						t.Logf("kill %d: the upload's file is in place, its form not yet read", k+1)
						break
					}
				}
			}
			time.Sleep(time.Duration(r.rng.IntN(100)) * time.Millisecond)
			ok = true
		case "transcribing":
			ok = r.waitStage(p, 30*time.Second, "transcribing")
			time.Sleep(time.Duration(r.rng.IntN(300)) * time.Millisecond)
		case "postprocess":
			ok = r.waitStage(p, 60*time.Second, "diarizing", "summarizing")
		case "webhook":
			deadline := time.Now().Add(30 * time.Second)
			for rcv.inFlight() == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			ok = rcv.inFlight() > 0
		}
		if ok {
			hit[phase]++
		} else {
			t.Logf("kill %d: phase %s not observed in time; killed anyway", k+1, phase)
		}
		p.Kill()
		if release != nil {
			close(release)
		}
		wg.Wait()
		p = e2e.Start(t, bin, env, addr)
		if p.Key != "" {
			t.Errorf("restart %d printed a new admin key; keys must persist", k+1)
		}
		p.Key = key
	}
	r.resubmit(p)
	for ; submitted < jobs; submitted++ {
		r.submit(p, r.next(), nil)
	}

	// The receiver recovers; everything must finish and arrive.
	rcv.setChaos(false)
	status := map[string]string{}
	texts := map[string]string{}
	deadline := time.Now().Add(time.Duration(60+20*jobs) * time.Second)
	for {
		pending := 0
		for _, id := range r.ids() {
			if status[id] != "" && status[id] != "queued" && status[id] != "processing" &&
				(status[id] == "canceled" || rcv.delivered(id+"/"+status[id])) {
				continue
			}
			var j struct {
				Status string
				Text   *string
			}
			if _, err := e2e.Call(p.Base, key, http.MethodGet, "/v1/transcriptions/"+id, "", nil, nil, &j); err != nil {
				t.Fatal(err)
			}
			status[id] = j.Status
			if j.Text != nil {
				texts[id] = *j.Text
			}
			if j.Status == "queued" || j.Status == "processing" || (j.Status != "canceled" && !rcv.delivered(id+"/"+j.Status)) {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs not terminal or not delivered\n%s", pending, e2e.Tail(p.Log.String(), 6000))
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.Stop(t)

	// The store (the bbolt file: consistent), and every job as the API said.
	st := pgs.open(t, dir)
	defer st.Close()

	completed, failed := 0, 0
	jobsByID := map[string]store.Job{}
	for _, id := range r.ids() {
		s := r.specs[id]
		j, err := st.GetJob(id)
		if err != nil {
			t.Errorf("job %s (202'd) is not in the store: %v", id, err)
			continue
		}
		jobsByID[id] = j
		if !j.Status.Terminal() || string(j.Status) != status[id] {
			t.Errorf("job %s: store status %s, API said %s", id, j.Status, status[id])
		}
		switch j.Status {
		case store.Completed:
			completed++
			if s.kind != "clip" {
				t.Errorf("job %s (%s) completed", id, s.kind)
			} else if norm(texts[id]) != norm(want[s.clip]) {
				t.Errorf("job %s clip %d: text %q, clean run %q", id, s.clip, texts[id], want[s.clip])
			}
		case store.Failed:
			failed++
			if s.kind == "clip" {
				t.Logf("job %s (clip %d) failed: %+v after attempts %+v", id, s.clip, j.Error, j.Errors)
			}
		}
		for _, e := range j.Errors {
			if e.Code == "" {
				t.Errorf("job %s: attempt error without a code: %+v", id, e)
			}
		}
		// One terminal transition writes one delivery: two would mean the
		// job was finished twice.
		if ds, err := st.DeliveriesForJob(id); err != nil || (j.Status != store.Canceled && len(ds) != 1) {
			t.Errorf("job %s: %d deliveries (%v), want exactly 1", id, len(ds), err)
		} else if j.Status != store.Canceled && ds[0].Status != store.DeliveryDelivered {
			t.Errorf("job %s: delivery %s, want delivered", id, ds[0].Status)
		}
		// A crash shared by several jobs is recorded but not counted.
		counted := 0
		for _, e := range j.Errors {
			if !e.Uncounted {
				counted++
			}
		}
		if counted > j.Attempt {
			t.Errorf("job %s: %d counted attempt errors for %d attempts", id, counted, j.Attempt)
		}
		if j.Attempt > j.MaxAttempts {
			t.Errorf("job %s: attempt %d > max %d", id, j.Attempt, j.MaxAttempts)
		}
	}

	// Callbacks: every terminal event arrived, signed (the receiver checks),
	// with one webhook-id on every copy.
	rcv.mu.Lock()
	received, dups := 0, 0
	for id, st := range status {
		if st == "canceled" {
			continue
		}
		ev := id + "/" + st
		received += len(rcv.accepted[ev])
		dups += max(0, len(rcv.accepted[ev])-1)
		if len(rcv.ids[ev]) != 1 {
			t.Errorf("event %s: webhook-ids %v, want one", ev, rcv.ids[ev])
		}
	}
	if rcv.badSig > 0 {
		t.Errorf("%d callbacks with a bad signature", rcv.badSig)
	}
	requests := rcv.requests
	rcv.mu.Unlock()

	// Idempotency: one job per key, in the answers and in the store.
	stored := map[string][]string{}
	for id, j := range jobsByID {
		if j.IdempotencyKey != "" {
			stored[j.IdempotencyKey] = append(stored[j.IdempotencyKey], id)
		}
	}
	for k, ids := range r.byKey {
		if len(ids) != 1 {
			t.Errorf("Idempotency-Key %s answered with %d jobs: %v", k, len(ids), ids)
		}
	}
	all, _, err := st.ListJobs(jobsByID[r.ids()[0]].KeyID, "", 1000, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range all {
		if _, ok := r.specs[j.ID]; !ok {
			t.Errorf("job %s in the store was never answered with 202 (status %s)", j.ID, j.Status)
		}
	}

	// Files: no audio left for a finished job; partial uploads noted.
	entries, _ := os.ReadDir(filepath.Join(dir, "audio"))
	tmps := 0
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".tmp"):
			tmps++
		case strings.HasSuffix(name, ".audio"):
			id := strings.TrimSuffix(name, ".audio")
			j, err := st.GetJob(id)
			if err != nil {
				t.Errorf("orphan audio file %s: no job (%v)", name, err)
			} else if j.Status.Terminal() && !j.RetainAudio {
				t.Errorf("audio file %s of %s job %s left behind", name, j.Status, id)
			}
		default:
			t.Errorf("unexpected file %s in the audio directory", name)
		}
	}
	if tmps > hit["upload"] {
		t.Errorf("%d *.tmp files left, more than the %d kills during an upload", tmps, hit["upload"])
	}
	if len(all) != len(r.specs) {
		t.Errorf("store holds %d jobs, %d were accepted", len(all), len(r.specs))
	}
	t.Logf("SUMMARY crash: store=%s seed=%d accepted=%d completed=%d failed=%d rejected=%d unanswered=%d callbacks_received=%d duplicate_callbacks=%d callback_requests=%d kills=%d phases_hit=%v stale_tmp=%d elapsed=%s",
		storeName(), seed, len(r.specs), completed, failed, r.rejects, r.lost, received, dups, requests, kills, hit, tmps, time.Since(began).Round(time.Second))
	fmt.Printf("SUMMARY crash: store=%s seed=%d accepted=%d completed=%d failed=%d callbacks_received=%d duplicate_callbacks=%d kills=%d\n",
		storeName(), seed, len(r.specs), completed, failed, received, dups, kills)
}

func norm(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// cleanTexts transcribes each clip once on a fresh server (no kills).
func cleanTexts(t *testing.T, bin string, env []string, clips [][]byte) []string {
	addr := e2e.FreeAddr(t)
	for i, e := range env {
		if strings.HasPrefix(e, "INSTANTTRANSCRIBER_SERVER_ADDR=") {
			env[i] = "INSTANTTRANSCRIBER_SERVER_ADDR=" + addr
		}
	}
	p := e2e.Start(t, bin, env, addr)
	defer p.Stop(t)
	texts := make([]string, len(clips))
	for i, c := range clips {
		b, ct := e2e.Form([][2]string{{"language", "en"}}, "clip.wav", c)
		var out struct{ ID string }
		if code, err := e2e.Call(p.Base, p.Key, http.MethodPost, "/v1/transcriptions", ct, b, nil, &out); err != nil || code != http.StatusAccepted {
			t.Fatalf("clean run: create: %d %v", code, err)
		}
		for deadline := time.Now().Add(120 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			var j struct {
				Status string
				Text   *string
			}
			e2e.Call(p.Base, p.Key, http.MethodGet, "/v1/transcriptions/"+out.ID, "", nil, nil, &j)
			if j.Status == "completed" && j.Text != nil {
				texts[i] = *j.Text
				break
			}
			if j.Status == "failed" || time.Now().After(deadline) {
				t.Fatalf("clean run: clip %d: %s", i, j.Status)
			}
		}
	}
	return texts
}

// audioBefore counts the audio files of accepted jobs that are still on
// disk, so a new file stands out.
func audioBefore(r *crashRun, dir string) int {
	n := 0
	for _, id := range r.ids() {
		if _, err := os.Stat(filepath.Join(dir, "audio", id+".audio")); err == nil {
			n++
		}
	}
	return n
}
