//go:build stress

package stress

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/netguard"
)

// TestSecurity runs the binary with private networks refused, a short
// download URL lifetime and a known callback secret, and checks
// authentication on every /v1 route with an :id, signed export URLs (and
// their headers, signing secret rotation and key revocation), SSRF
// refusals, path traversal in path parameters, header limits and timeouts,
// the last admin key, the delivery log of a blocked callback, the
// Idempotency-Key fingerprint, and finally that neither the callback secret
// nor any API key appears in the server's log.
func TestSecurity(t *testing.T) {
	const ttl = 20 * time.Second
	s := itStart(t,
		"INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=false",
		"INSTANTTRANSCRIBER_SERVER_DOWNLOAD_URL_TTL="+ttl.String(),
		"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0",
		"INSTANTTRANSCRIBER_LOG_LEVEL=debug",
	)
	const callbackSecret = "s3cr3t-callback-Zq9vXk2LmN8pR4tY"
	keyA, idA := s.newKey(t, "alice")
	keyB, idB := s.newKey(t, "bob")
	keyR, idR := s.newKey(t, "revoked")
	if r := s.do(t, http.MethodDelete, "/v1/keys/"+idR, s.Key, "", nil); r.Status >= 300 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}

	// Alice's job, completed, with a callback and a secret (the callback
	// host is public, so it is accepted and its delivery just fails).
	body, ct := e2e.Form([][2]string{{"language", "en"}, {"callback_url", "https://callback.invalid/hook"},
		{"callback_secret", callbackSecret}}, "c.wav", itClip(t))
	r := s.do(t, http.MethodPost, "/v1/transcriptions", keyA, ct, body)
	if r.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	job := r.JSON()["id"].(string)
	j := s.WaitEnded(t, keyA, job, 2*time.Minute)
	if j["status"] != "completed" {
		t.Fatalf("job %v", j)
	}
	fetched := time.Now()
	urls, _ := j["download_urls"].(map[string]any)
	txt, _ := urls["txt"].(string)
	if txt == "" {
		t.Fatalf("no txt download url in %v", urls)
	}

	t.Run("auth", func(t *testing.T) {
		routes := []struct{ method, path string }{
			{"GET", "/v1/transcriptions/" + job},
			{"DELETE", "/v1/transcriptions/" + job},
			{"GET", "/v1/transcriptions/" + job + "/deliveries"},
			{"POST", "/v1/transcriptions/" + job + "/deliveries"},
			{"GET", "/v1/transcriptions/" + job + "/export.txt"},
			{"GET", "/v1/transcriptions/" + job + "/export.srt"},
			{"GET", "/v1/transcriptions/" + job + "/export.json"},
			{"DELETE", "/v1/keys/" + idA},
		}
		auths := []struct {
			name, header string
			status       int
			code         string
		}{
			{"missing", "", 401, "unauthorized"},
			{"not bearer", "Basic " + keyA, 401, "unauthorized"},
			{"malformed", "Bearer itk_short", 401, "unauthorized"},
			{"unknown", "Bearer itk_" + strings.Repeat("A", 40), 401, "unauthorized"},
			{"revoked", "Bearer " + keyR, 401, "unauthorized"},
			{"cross-key", "Bearer " + keyB, 404, "not_found"},
		}
		for _, rt := range routes {
			for _, a := range auths {
				want, code := a.status, a.code
				if rt.path == "/v1/keys/"+idA && a.name == "cross-key" {
					want, code = 403, "forbidden" // not an admin key
				}
				req, _ := http.NewRequest(rt.method, s.Base+rt.path, nil)
				if a.header != "" {
					req.Header.Set("Authorization", a.header)
				}
				got, err := s.send(req)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != want || got.Code() != code {
					t.Errorf("%s %s with %s key: %d %q, want %d %q", rt.method, rt.path, a.name, got.Status, got.Code(), want, code)
				}
			}
		}
		// The job and Alice's key survived all of that.
		if r := s.do(t, "GET", "/v1/transcriptions/"+job, keyA, "", nil); r.Status != 200 {
			t.Errorf("job gone after the cross-key attempts: %d", r.Status)
		}
		_ = idB
	})

	t.Run("signed urls", func(t *testing.T) {
		u, err := url.Parse(txt)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		path := "/v1/transcriptions/" + job + "/export.txt"
		get := func(p string, q url.Values) itResp { return s.do(t, "GET", p+"?"+q.Encode(), "", "", nil) }
		got := get(path, q)
		if got.Status != 200 {
			t.Fatalf("valid signed url: %d %s", got.Status, got.Body)
		}
		if got.Header.Get("X-Content-Type-Options") != "nosniff" || got.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("signed export headers: nosniff %q, referrer policy %q", got.Header.Get("X-Content-Type-Options"), got.Header.Get("Referrer-Policy"))
		}
		if q.Get("kid") == "" {
			t.Errorf("signed url %s has no kid", txt)
		}
		other := s.do(t, "POST", "/v1/transcriptions", keyB, "application/json", strings.NewReader(`{"url":"https://example.invalid/a.wav"}`))
		otherID, _ := other.JSON()["id"].(string)
		with := func(k, v string) url.Values {
			c := url.Values{}
			for kk, vv := range q {
				c[kk] = vv
			}
			c.Set(k, v)
			return c
		}
		without := func(k string) url.Values {
			c := with(k, "")
			c.Del(k)
			return c
		}
		sig := q.Get("sig")
		flip := "A"
		if strings.HasPrefix(sig, "A") {
			flip = "B"
		}
		exp, _ := strconv.ParseInt(q.Get("expires"), 10, 64)
		for _, c := range []struct {
			name, path string
			q          url.Values
		}{
			{"other job id", "/v1/transcriptions/" + otherID + "/export.txt", q},
			{"other format", "/v1/transcriptions/" + job + "/export.srt", q},
			{"later expiry", path, with("expires", strconv.FormatInt(exp+3600, 10))},
			{"expiry not a number", path, with("expires", "never")},
			{"tampered sig", path, with("sig", flip+sig[1:])},
			{"truncated sig", path, with("sig", sig[:10])},
			{"empty sig", path, with("sig", "")},
			{"unknown kid", path, with("kid", "999")},
			{"kid not a number", path, with("kid", "../1")},
			{"kid removed (old format)", path, without("kid")},
		} {
			got := get(c.path, c.q)
			if c.name == "empty sig" {
				// No sig means no signed-url attempt: a plain 401.
				if got.Status != 401 {
					t.Errorf("%s: %d, want 401", c.name, got.Status)
				}
				continue
			}
			if got.Status != 403 || got.Code() != "forbidden" {
				t.Errorf("%s: %d %q, want 403 forbidden", c.name, got.Status, got.Code())
			}
		}
		if wait := time.Until(fetched.Add(ttl + 1500*time.Millisecond)); wait > 0 {
			time.Sleep(wait)
		}
		if got := get(path, q); got.Status != 403 || !strings.Contains(string(got.Body), "expired") {
			t.Errorf("expired signed url: %d %s, want 403 expired", got.Status, got.Body)
		}
	})

	t.Run("signing secret rotation", func(t *testing.T) {
		fresh := func() string {
			j := s.do(t, "GET", "/v1/transcriptions/"+job, keyA, "", nil).JSON()
			u, _ := j["download_urls"].(map[string]any)["txt"].(string)
			p, err := url.Parse(u)
			if err != nil || u == "" {
				t.Fatalf("download url %q: %v", u, err)
			}
			return p.RequestURI()
		}
		get := func(u string) itResp { return s.do(t, "GET", u, "", "", nil) }
		rotate := func(key, body string) itResp {
			return s.do(t, "POST", "/v1/admin/signing-secret/rotate", key, "application/json", strings.NewReader(body))
		}
		before := fresh()
		if r := rotate(keyA, ""); r.Status != 403 || r.Code() != "forbidden" {
			t.Errorf("rotate with a non-admin key: %d %q, want 403 forbidden", r.Status, r.Code())
		}
		if r := rotate(s.Key, `{"drop_old": false}`); r.Status != 200 {
			t.Fatalf("rotate: %d %s", r.Status, r.Body)
		}
		after := fresh()
		if after == before || !strings.Contains(after, "kid=") {
			t.Fatalf("url after a rotation %s; want a new kid", after)
		}
		for name, u := range map[string]string{"before": before, "after": after} {
			if got := get(u); got.Status != 200 {
				t.Errorf("url signed %s the rotation: %d, want 200", name, got.Status)
			}
		}
		if r := rotate(s.Key, `{"drop_old": true}`); r.Status != 200 {
			t.Fatalf("rotate drop_old: %d %s", r.Status, r.Body)
		}
		for name, u := range map[string]string{"before": before, "after": after} {
			if got := get(u); got.Status != 403 || got.Code() != "forbidden" {
				t.Errorf("url signed %s the first rotation, after drop_old: %d %q, want 403 forbidden", name, got.Status, got.Code())
			}
		}
		if got := get(fresh()); got.Status != 200 {
			t.Errorf("url signed after drop_old: %d, want 200", got.Status)
		}
	})

	t.Run("ssrf", func(t *testing.T) {
		var hits atomic.Int64
		local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
		defer local.Close()
		port := local.URL[strings.LastIndex(local.URL, ":")+1:]
		hosts := []string{
			"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "localhost.:" + port, "foo.localhost:" + port,
			"10.0.0.1", "10.255.255.254:8080", "172.16.0.1", "192.168.1.1", "169.254.169.254",
			"[::1]:" + port, "[fc00::1]", "[fe80::1]", "[::ffff:127.0.0.1]:" + port, "[::ffff:7f00:1]:" + port,
			"2130706433:" + port, "0177.0.0.1:" + port, "0x7f.0.0.1:" + port, "0:" + port, "0.0.0.0:" + port,
			"127.1:" + port, "100.64.0.1",
		}
		outcome := map[int]int{}
		var callbacks []string // jobs accepted with a private callback_url
		for _, h := range hosts {
			for _, field := range []string{"url", "callback_url"} {
				reqBody := map[string]string{"url": "http://" + h + "/a.wav"}
				if field == "callback_url" {
					reqBody = map[string]string{"url": "https://example.invalid/a.wav", "callback_url": "http://" + h + "/hook"}
				}
				var sb strings.Builder
				sb.WriteString("{")
				first := true
				for k, v := range reqBody {
					if !first {
						sb.WriteString(",")
					}
					first = false
					fmt.Fprintf(&sb, "%q:%q", k, v)
				}
				sb.WriteString("}")
				got := s.do(t, "POST", "/v1/transcriptions", keyA, "application/json", strings.NewReader(sb.String()))
				outcome[got.Status]++
				switch got.Status {
				case 400:
					if got.Code() != "invalid_request" {
						t.Errorf("%s %s: 400 %q", field, h, got.Code())
					}
				case 202:
					// Accepted by shape: the dial must be refused.
					if field == "url" {
						jj := s.WaitEnded(t, keyA, got.JSON()["id"].(string), time.Minute)
						e, _ := jj["error"].(map[string]any)
						if jj["status"] != "failed" || e["code"] != "url_blocked" {
							t.Errorf("url %s: job %v %v, want failed url_blocked", h, jj["status"], e)
						}
					} else {
						callbacks = append(callbacks, got.JSON()["id"].(string))
					}
				default:
					t.Errorf("%s %s: %d %s", field, h, got.Status, got.Body)
				}
			}
		}
		t.Logf("%d private/loopback urls and callbacks: %d refused at once (400), %d accepted by shape then refused at dial (202)",
			2*len(hosts), outcome[400], outcome[202])
		// Once each accepted callback has had its first attempt recorded
		// (refused at dial), nothing may have reached the loopback server.
		for _, id := range callbacks {
			s.WaitEnded(t, keyA, id, time.Minute)
			s.waitFirstAttempt(t, keyA, id, time.Minute)
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the loopback server was reached %d times", n)
		}

		// A redirect from an allowed server to a private address: the
		// binary cannot reach a local "allowed" server with private
		// networks refused, so check netguard's redirect rule directly.
		c := netguard.NewClient(netguard.Config{})
		for _, target := range []string{"http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://localhost/", "http://2130706433/"} {
			req, _ := http.NewRequest("GET", target, nil)
			via := []*http.Request{{URL: &url.URL{Scheme: "https", Host: "example.com", Path: "/"}}}
			if err := c.CheckRedirect(req, via); err == nil {
				t.Errorf("redirect to %s allowed", target)
			}
		}
		// And the dialer refuses loopback even when the URL passed.
		if _, _, err := netguard.Download(t.Context(), c, local.URL, io.Discard, netguard.Limits{MaxBytes: 1 << 20}); err == nil {
			t.Errorf("netguard client reached %s", local.URL)
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the loopback server was reached %d times", n)
		}
	})

	t.Run("path traversal", func(t *testing.T) {
		addr := strings.TrimPrefix(s.Base, "http://")
		paths := []string{
			"/v1/transcriptions/../../etc/passwd",
			"/v1/transcriptions/..%2f..%2fetc%2fpasswd",
			"/v1/transcriptions/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
			"/v1/transcriptions/%2e%2e/%2e%2e/etc/passwd",
			"/v1/transcriptions/..%5c..%5cetc%5cpasswd",
			"/v1/transcriptions/" + job + "%00",
			"/v1/transcriptions/..%2f..%2fetc%2fpasswd/deliveries",
			"/v1/transcriptions/..%2f..%2fetc%2fpasswd/export.txt",
			"/v1/transcriptions/..%2f" + job + "/export.txt",
			"/v1/keys/..%2f..%2fetc%2fpasswd",
			"/v1/keys/%2e%2e",
			"/assets/..%2f..%2f..%2fetc%2fpasswd",
			"/assets/%2e%2e%2fserver.go",
			"/assets/../../etc/passwd",
			"/../../etc/passwd",
		}
		for _, p := range paths {
			for _, m := range []string{"GET", "DELETE"} {
				// Raw request line: no client-side cleaning of the path.
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n", m, p, s.Key)
				conn.SetReadDeadline(time.Now().Add(10 * time.Second))
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					t.Errorf("%s %s: %v", m, p, err)
					conn.Close()
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				conn.Close()
				if resp.StatusCode < 300 && m == "DELETE" || resp.StatusCode >= 500 ||
					strings.Contains(string(b), "root:") || strings.Contains(string(b), "package server") {
					t.Errorf("%s %s: %d %s", m, p, resp.StatusCode, e2e.Tail(string(b), 200))
				}
				if resp.StatusCode < 300 && m == "GET" && !strings.HasPrefix(p, "/../") {
					t.Errorf("%s %s: %d %s", m, p, resp.StatusCode, e2e.Tail(string(b), 200))
				}
			}
		}
		if r := s.do(t, "GET", "/v1/transcriptions/"+job, keyA, "", nil); r.Status != 200 {
			t.Errorf("job gone after the traversal attempts: %d", r.Status)
		}
		if r := s.do(t, "GET", "/v1/keys", s.Key, "", nil); !strings.Contains(string(r.Body), idA) {
			t.Errorf("key gone after the traversal attempts")
		}
	})

	t.Run("headers and timeouts", func(t *testing.T) {
		req, _ := http.NewRequest("GET", s.Base+"/v1/transcriptions/"+job, nil)
		req.Header.Set("Authorization", "Bearer "+keyA)
		req.Header.Set("X-Pad", strings.Repeat("p", 80<<10))
		if got, err := s.send(req); err != nil || got.Status != 431 {
			t.Errorf("80 KiB header: %v %d, want 431", err, got.Status)
		}
		// A connection that sends nothing is closed by ReadHeaderTimeout.
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.Base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		conn.Write([]byte("GET /healthz HTTP/1.1\r\n"))
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		io.Copy(io.Discard, conn)
		took := time.Since(start)
		t.Logf("idle half-sent request closed after %v", took.Round(100*time.Millisecond))
		if took > 15*time.Second {
			t.Errorf("half-sent request held %v; ReadHeaderTimeout should cut it at 10 s", took)
		}
		s.healthy(t, "timeouts")
	})

	t.Run("revoked key's signed urls", func(t *testing.T) {
		keyC, idC := s.newKey(t, "carol")
		body, ct := e2e.Form([][2]string{{"language", "en"}}, "c.wav", itClip(t))
		r := s.do(t, http.MethodPost, "/v1/transcriptions", keyC, ct, body)
		if r.Status != http.StatusAccepted {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		jc := s.WaitEnded(t, keyC, r.JSON()["id"].(string), 2*time.Minute)
		urls, _ := jc["download_urls"].(map[string]any)
		if jc["status"] != "completed" || len(urls) == 0 {
			t.Fatalf("carol's job %v", jc)
		}
		for f, raw := range urls {
			u, _ := url.Parse(raw.(string))
			if got := s.do(t, "GET", u.RequestURI(), "", "", nil); got.Status != 200 {
				t.Fatalf("%s before revocation: %d %s", f, got.Status, got.Body)
			}
		}
		if r := s.do(t, http.MethodDelete, "/v1/keys/"+idC, s.Key, "", nil); r.Status != 200 {
			t.Fatalf("revoke carol: %d %s", r.Status, r.Body)
		}
		for f, raw := range urls {
			u, _ := url.Parse(raw.(string))
			got := s.do(t, "GET", u.RequestURI(), "", "", nil)
			if got.Status != 403 || got.Code() != "forbidden" || !strings.Contains(string(got.Body), "revoked") {
				t.Errorf("%s after revocation: %d %s, want 403 forbidden (revoked)", f, got.Status, got.Body)
			}
		}
	})

	t.Run("last admin key", func(t *testing.T) {
		var admins []string
		for _, k := range s.do(t, "GET", "/v1/keys", s.Key, "", nil).JSON()["data"].([]any) {
			if m := k.(map[string]any); m["admin"] == true && m["revoked_at"] == nil {
				admins = append(admins, m["id"].(string))
			}
		}
		if len(admins) != 1 {
			t.Fatalf("%d admin keys, want the first-start one", len(admins))
		}
		r := s.do(t, http.MethodDelete, "/v1/keys/"+admins[0], s.Key, "", nil)
		if r.Status != 409 || r.Code() != "conflict" {
			t.Errorf("revoke the last admin key: %d %s, want 409 conflict", r.Status, r.Body)
		}
		if r := s.do(t, "GET", "/v1/keys", s.Key, "", nil); r.Status != 200 {
			t.Errorf("the admin key after the refused revocation: %d", r.Status)
		}
	})

	t.Run("blocked callback in the delivery log", func(t *testing.T) {
		// A host name passes the check at creation and is refused when the
		// dispatcher connects; this machine's own name resolves to a
		// loopback or private address on the usual setups.
		host, err := os.Hostname()
		if err != nil {
			t.Skipf("hostname: %v", err)
		}
		addrs, err := net.LookupHost(host)
		if err != nil || len(addrs) == 0 {
			t.Skipf("%s does not resolve: %v", host, err)
		}
		for _, a := range addrs {
			if ip, err := netip.ParseAddr(a); err != nil || !netguard.IsBlocked(ip) {
				t.Skipf("%s resolves to %s, which is not blocked", host, a)
			}
		}
		reqBody := fmt.Sprintf(`{"url":"https://example.invalid/a.wav","callback_url":"http://%s:9/hook"}`, host)
		r := s.do(t, "POST", "/v1/transcriptions", keyA, "application/json", strings.NewReader(reqBody))
		if r.Status != http.StatusAccepted {
			t.Fatalf("create with callback to %s: %d %s", host, r.Status, r.Body)
		}
		id := r.JSON()["id"].(string)
		deadline := time.Now().Add(time.Minute)
		var attempt map[string]any
		for attempt == nil && time.Now().Before(deadline) {
			for _, d := range s.do(t, "GET", "/v1/transcriptions/"+id+"/deliveries", keyA, "", nil).JSON()["data"].([]any) {
				if as, _ := d.(map[string]any)["attempts"].([]any); len(as) > 0 {
					attempt = as[0].(map[string]any)
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
		if attempt == nil {
			t.Fatal("no delivery attempt within a minute")
		}
		if msg, _ := attempt["error"].(string); msg != "callback target refused: private or blocked address" {
			t.Errorf("delivery attempt error %q, want the fixed message", msg)
		}
		for _, a := range addrs {
			if d := s.do(t, "GET", "/v1/transcriptions/"+id+"/deliveries", keyA, "", nil); strings.Contains(string(d.Body), a) {
				t.Errorf("the delivery log shows the resolved address %s: %s", a, d.Body)
			}
		}
	})

	t.Run("idempotency key and file name", func(t *testing.T) {
		post := func(name string) itResp {
			body, ct := e2e.Form(nil, name, itClip(t))
			req, _ := http.NewRequest("POST", s.Base+"/v1/transcriptions", body)
			req.Header.Set("Authorization", "Bearer "+keyB)
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Idempotency-Key", "same-bytes-1")
			got, err := s.send(req)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if first, retry := post("a.wav"), post("a.wav"); first.Status != 202 || retry.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("upload and retry: %d, replayed %q", first.Status, retry.Header.Get("Idempotent-Replayed"))
		}
		if got := post("other.wav"); got.Status != 422 || got.Code() != "idempotency_conflict" {
			t.Errorf("same bytes under another name: %d %s, want 422 idempotency_conflict", got.Status, got.Body)
		}
	})

	t.Run("secrets not logged", func(t *testing.T) {
		time.Sleep(500 * time.Millisecond)
		log := s.Log.String()
		if len(log) == 0 {
			t.Fatal("empty server log")
		}
		for name, secret := range map[string]string{"callback_secret": callbackSecret, "admin key": s.Key,
			"key A": keyA, "key B": keyB, "revoked key": keyR} {
			if strings.Contains(log, secret) {
				t.Errorf("the server log contains the %s", name)
			}
			// Nor a long prefix of it (a truncated secret still leaks).
			if len(secret) > 20 && strings.Contains(log, secret[:20]) {
				t.Errorf("the server log contains a prefix of the %s", name)
			}
		}
		t.Logf("server log: %d bytes, %d lines, no secret in it", len(log), strings.Count(log, "\n"))
	})
}
