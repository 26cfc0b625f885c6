package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// verifierDir holds verify.js and its node_modules.
const verifierDir = "../scripts/webhookverify"

// nodeVerifier returns the path of node, failing the test (not skipping it)
// when node or the verifier's dependencies are missing.
func nodeVerifier(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed: install Node.js and run `make webhook-verifier` (npm ci --prefix scripts/webhookverify); the signature check against the standardwebhooks library needs it")
	}
	if _, err := os.Stat(filepath.Join(verifierDir, "node_modules", "standardwebhooks", "package.json")); err != nil {
		t.Fatalf("the standardwebhooks package is not installed in %s: run `make webhook-verifier` (npm ci --prefix scripts/webhookverify)", verifierDir)
	}
	return node
}

// nodeCase is the verifier's input.
type nodeCase struct {
	Secret  string            `json:"secret"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	Now     *int64            `json:"now,omitempty"`
}

// nodeVerify runs verify.js on c and reports whether the library accepted
// it; any outcome other than accept (0) or reject (1) fails the test.
func nodeVerify(t *testing.T, node string, c nodeCase) bool {
	t.Helper()
	in, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(verifierDir, "verify.js"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return false
	default:
		t.Fatalf("verify.js: %v: %s", err, stderr.String())
		return false
	}
}

func TestNodeVerifiesVectors(t *testing.T) {
	node := nodeVerifier(t)
	for _, v := range loadVectors(t) {
		c := nodeCase{
			Secret: v.Secret,
			Headers: map[string]string{
				"webhook-id": v.ID, "webhook-timestamp": strconv.FormatInt(v.Timestamp, 10), "webhook-signature": v.Signature,
			},
			Body: v.Body,
			Now:  &v.Timestamp,
		}
		if !nodeVerify(t, node, c) {
			t.Errorf("%s: standardwebhooks rejects the vector", v.Name)
		}
		c.Body += " "
		if nodeVerify(t, node, c) {
			t.Errorf("%s: standardwebhooks accepts a tampered body", v.Name)
		}
	}
}

func TestNodeVerifiesDispatchedWebhooks(t *testing.T) {
	node := nodeVerifier(t)
	for _, secret := range []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "plain-secret-ü"} {
		st := openStore(t, t.TempDir(), nil)
		rcv := newReceiver(t, nil)
		del := finishJob(t, st, rcv.URL, secret)
		startDispatcher(t, testConfig(), st, nil, nil, nil)
		waitFor(t, "the delivery", func() bool { return getDelivery(t, st, del.ID).Status == store.DeliveryDelivered })

		req := rcv.Req(0)
		headers := map[string]string{}
		for _, k := range []string{HeaderID, HeaderTimestamp, HeaderSignature, HeaderEvent, "Content-Type"} {
			headers[k] = req.Header.Get(k)
		}
		c := nodeCase{Secret: secret, Headers: headers, Body: string(req.Body)}
		if !nodeVerify(t, node, c) {
			t.Errorf("secret %q: standardwebhooks rejects the webhook we sent", secret)
		}
		c.Body = string(bytes.Replace(req.Body, []byte("completed"), []byte("failed"), 1))
		if nodeVerify(t, node, c) {
			t.Errorf("secret %q: standardwebhooks accepts a tampered body", secret)
		}
	}
}
