package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/instanttranscriber/instanttranscriber/e2e"
	"io"
	"mime/multipart"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
)

// TestMain starts the PostgreSQL cluster of the multi-node tests.
func TestMain(m *testing.M) { pgtest.Main(m) }

// TestPostgresTwoNodes runs two serve processes on one PostgreSQL
// database: node 1 serves the API without workers, node 2 runs the
// workers, each with its own data directory. A job uploaded to node 1 is
// transcribed by node 2, which gets the audio from the database; both
// answer for it with the same key, its idempotency key holds on node 2, a
// download URL signed by node 1 works on node 2, and node 1 serves its
// retained audio.
func TestPostgresTwoNodes(t *testing.T) {
	bin := testBinary(t)
	url := pgtest.Database(t)
	dir, addr1, env1 := serveEnv(t, "INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL="+url,
		"INSTANTTRANSCRIBER_NODE_WORKERS=false")
	api := e2e.Start(t, bin, env1, addr1)
	if api.Key == "" {
		t.Fatal("node 1 printed no admin key")
	}
	if bytes.Contains([]byte(api.Log.String()), []byte(url)) {
		t.Fatal("node 1 logged the database URL")
	}
	code, id, _ := postJFKOnce(t, api, api.Key, "once", "retain_audio", "true")
	if code != http.StatusAccepted || id == "" {
		t.Fatalf("create on node 1: %d", code)
	}
	// Node 1 runs no workers: the job waits, and its audio is in the
	// database only, so node 2 can only have it from there.
	if _, err := os.Stat(filepath.Join(dir, "audio", id+".audio")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("node 1 kept its copy of the upload: %v", err)
	}
	_, addr2, env2 := serveEnv(t, "INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL="+url)
	worker := e2e.Start(t, bin, env2, addr2)
	if worker.Key != "" {
		t.Fatal("node 2 made a second first admin key")
	}
	created := struct{ ID string }{id}
	// The idempotency key holds across nodes.
	if code, again, _ := postJFKOnce(t, worker, api.Key, "once", "retain_audio", "true"); code != http.StatusOK && code != http.StatusAccepted || again != id {
		t.Fatalf("repeat on node 2 = %d %s, want the job %s", code, again, id)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		j := api.Job(t, api.Key, created.ID)
		if j["status"] == "completed" {
			if text, _ := j["text"].(string); !bytes.Contains(bytes.ToLower([]byte(text)), []byte("country")) {
				t.Fatalf("transcript = %q", text)
			}
			break
		}
		if j["status"] == "failed" || time.Now().After(deadline) {
			t.Fatalf("job = %v\nnode 1: %s\nnode 2: %s", j, api.Log.String(), worker.Log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if j := worker.Job(t, api.Key, created.ID); j["status"] != "completed" {
		t.Fatalf("node 2 sees the job as %v", j["status"])
	}
	// A download URL signed by node 1 works on node 2.
	urls, _ := api.Job(t, api.Key, id)["download_urls"].(map[string]any)
	signed, _ := urls["txt"].(string)
	u, err := neturl.Parse(signed)
	if err != nil || signed == "" {
		t.Fatalf("download_urls = %v", urls)
	}
	resp, err := http.Get(worker.Base + u.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(bytes.ToLower(txt), []byte("country")) {
		t.Fatalf("node 1's signed URL on node 2: %d %q", resp.StatusCode, txt)
	}
	// The retained audio is served by node 1, which does not hold it.
	req, _ := http.NewRequest(http.MethodGet, api.Base+"/v1/transcriptions/"+id+"/audio", nil)
	req.Header.Set("Authorization", "Bearer "+api.Key)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wav, _ := os.ReadFile(jfkPath)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, wav) {
		t.Fatalf("retained audio from node 1: %d, %d bytes; want 200 and the %d bytes uploaded", resp.StatusCode, len(got), len(wav))
	}
}

// postJFK uploads testdata/jfk.wav to node p and returns the status code,
// the job ID and the error code of the answer.
func postJFK(t *testing.T, p *e2e.Proc, key string, fields ...string) (int, string, string) {
	return postJFKOnce(t, p, key, "", fields...)
}

// postJFKOnce is postJFK with an Idempotency-Key header ("" for none).
func postJFKOnce(t *testing.T, p *e2e.Proc, key, idemKey string, fields ...string) (int, string, string) {
	t.Helper()
	wav, err := os.ReadFile(jfkPath)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("language", "en")
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	fw, _ := mw.CreateFormFile("file", "jfk.wav")
	fw.Write(wav)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, p.Base+"/v1/transcriptions", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Idempotency-Key", idemKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ID    string
		Error struct{ Code string }
	}
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.ID, out.Error.Code
}

// waitStatus polls a job on p until it reaches want.
func waitStatus(t *testing.T, p *e2e.Proc, key, id, want string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		j := p.Job(t, key, id)
		if j["status"] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s = %v, want %s\n%s", id, j, want, p.Log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitReady polls /readyz on p until it answers code.
func waitReady(t *testing.T, p *e2e.Proc, code int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.Base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == code {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz did not answer %d\n%s", code, p.Log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPostgresOutageServe stops the database under a running node: the API
// answers 503 unavailable and /readyz fails; once the database is back the
// node is ready again by itself and its workers transcribe.
func TestPostgresOutageServe(t *testing.T) {
	bin := testBinary(t)
	url := pgtest.Database(t)
	metricsAddr := e2e.FreeAddr(t)
	_, addr, env := serveEnv(t, "INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL="+url,
		"INSTANTTRANSCRIBER_METRICS_ADDR="+metricsAddr)
	node := e2e.Start(t, bin, env, addr)
	code, id, _ := postJFK(t, node, node.Key)
	if code != http.StatusAccepted {
		t.Fatalf("create: %d", code)
	}
	waitStatus(t, node, node.Key, id, "completed")
	if m := scrape(t, metricsAddr); !strings.Contains(m, "instanttranscriber_db_up 1\n") || !strings.Contains(m, `instanttranscriber_db_pool_connections{state="idle"}`) {
		t.Fatalf("metrics before the outage lack db_up 1 or the pool:\n%s", m)
	}

	c := pgtest.Shared(t)
	c.StopServer()
	waitReady(t, node, http.StatusServiceUnavailable)
	if m := scrape(t, metricsAddr); !strings.Contains(m, "instanttranscriber_db_up 0\n") {
		t.Fatalf("metrics during the outage lack db_up 0")
	}
	if code, _, ecode := postJFK(t, node, node.Key); code != http.StatusServiceUnavailable || ecode != "unavailable" {
		t.Fatalf("create during the outage: %d %q, want 503 unavailable", code, ecode)
	}
	if err := c.StartServer(); err != nil {
		t.Fatal(err)
	}
	waitReady(t, node, http.StatusOK)
	code, id, _ = postJFK(t, node, node.Key)
	if code != http.StatusAccepted {
		t.Fatalf("create after the outage: %d", code)
	}
	waitStatus(t, node, node.Key, id, "completed")
}

// scrape reads /metrics from the metrics listener at addr, which needs no
// key (and so no database).
func scrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestPostgresThreeNodes runs three serve processes on one database, each
// with its own data directory: node 1 serves the API only, nodes 2 and 3
// run workers. Every job created on node 1 is finished once, by node 2 or
// 3, as their logs show.
func TestPostgresThreeNodes(t *testing.T) {
	bin := testBinary(t)
	url := pgtest.Database(t)
	common := []string{"INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL=" + url}
	_, addr1, env1 := serveEnv(t, append(common, "INSTANTTRANSCRIBER_NODE_WORKERS=false")...)
	api := e2e.Start(t, bin, env1, addr1)
	var workers []*e2e.Proc
	for range 2 {
		_, addr, env := serveEnv(t, common...)
		workers = append(workers, e2e.Start(t, bin, env, addr))
	}
	var ids []string
	for range 4 {
		code, id, _ := postJFK(t, api, api.Key)
		if code != http.StatusAccepted {
			t.Fatalf("create on node 1: %d", code)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		waitStatus(t, api, api.Key, id, "completed")
	}
	finishedBy := map[string][]int{}
	for n, p := range append([]*e2e.Proc{api}, workers...) {
		for _, line := range strings.Split(p.Log.String(), "\n") {
			if !strings.Contains(line, `msg="job finished"`) {
				continue
			}
			for _, id := range ids {
				if strings.Contains(line, id) {
					finishedBy[id] = append(finishedBy[id], n+1)
				}
			}
		}
	}
	for _, id := range ids {
		if nodes := finishedBy[id]; len(nodes) != 1 || nodes[0] == 1 {
			t.Fatalf("job %s finished by nodes %v, want once by node 2 or 3", id, nodes)
		}
	}
	t.Logf("finished by node: %v", finishedBy)
}
