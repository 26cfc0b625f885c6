package main

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
)

// TestMain starts the PostgreSQL cluster of the multi-node tests.
func TestMain(m *testing.M) { pgtest.Main(m) }

// TestPostgresTwoNodes runs two serve processes on one PostgreSQL
// database: node 1 serves the API without workers, node 2 runs the
// workers. A job uploaded to node 1 is transcribed by node 2, and both
// answer for it with the same key. The nodes share the data directory,
// which holds the audio until uploads are kept in the database.
func TestPostgresTwoNodes(t *testing.T) {
	bin := testBinary(t)
	url := pgtest.Database(t)
	dir, addr1, env1 := serveEnv(t, "INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL="+url,
		"INSTANTTRANSCRIBER_NODE_WORKERS=false")
	api := startServer(t, bin, env1, addr1)
	if api.key == "" {
		t.Fatal("node 1 printed no admin key")
	}
	if bytes.Contains([]byte(api.log.String()), []byte(url)) {
		t.Fatal("node 1 logged the database URL")
	}
	_, addr2, env2 := serveEnv(t, "INSTANTTRANSCRIBER_DATA_DIR="+dir, "INSTANTTRANSCRIBER_STORE_DRIVER=postgres",
		"INSTANTTRANSCRIBER_STORE_POSTGRES_URL="+url)
	worker := startServer(t, bin, env2, addr2)
	if worker.key != "" {
		t.Fatal("node 2 made a second first admin key")
	}

	wav, err := os.ReadFile(jfkPath)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("language", "en")
	fw, _ := mw.CreateFormFile("file", "jfk.wav")
	fw.Write(wav)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, api.base+"/v1/transcriptions", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+api.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || created.ID == "" {
		t.Fatalf("create on node 1: %d %+v", resp.StatusCode, created)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		j := api.getJob(t, api.key, created.ID)
		if j["status"] == "completed" {
			if text, _ := j["text"].(string); !bytes.Contains(bytes.ToLower([]byte(text)), []byte("country")) {
				t.Fatalf("transcript = %q", text)
			}
			break
		}
		if j["status"] == "failed" || time.Now().After(deadline) {
			t.Fatalf("job = %v\nnode 1: %s\nnode 2: %s", j, api.log.String(), worker.log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if j := worker.getJob(t, api.key, created.ID); j["status"] != "completed" {
		t.Fatalf("node 2 sees the job as %v", j["status"])
	}
}
