package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// BlockedTargetMessage is the error recorded, and shown in a job's delivery
// log, when a callback resolves to an address outbound requests may not
// reach. It is fixed so that it never reveals what the host resolved to.
const BlockedTargetMessage = "callback target refused: private or blocked address"

// maxDrain bounds how much of a response body is read past the first KiB
// and discarded, so that the connection can be reused.
const maxDrain = 64 << 10

// response is what came of one request.
type response struct {
	status int    // 0 when no response arrived
	body   string // the first store.MaxAttemptResponseBody bytes
	// errText explains a failure for the attempt record and the log; it
	// never contains the URL, which may carry a secret in its query.
	errText string
	// transportErr is set when no response arrived.
	transportErr bool
	// permanent means retrying cannot help: a blocked address, an unusable
	// URL or secret.
	permanent  bool
	retryAfter time.Duration
	hasRetry   bool
}

// attempt makes one attempt for t, records it and frees its slot. An
// attempt cut off by Stop is not recorded: the delivery stays pending.
func (d *Dispatcher) attempt(ctx context.Context, t task) {
	select {
	case <-d.quit:
		d.release(t, time.Time{})
		return
	default:
	}
	del := t.d
	at := d.now()
	start := time.Now()
	res := d.send(ctx, del, at)
	elapsed := time.Since(start)
	if res.transportErr && errors.Is(context.Cause(ctx), errShutdown) {
		d.logger.Info("webhook attempt abandoned at shutdown; it stays pending",
			"delivery_id", del.ID, "job_id", del.JobID, "host", t.host, "duration", elapsed)
		d.release(t, time.Time{})
		return
	}

	result := d.decide(del, res)
	result.Round = del.Round
	a := store.DeliveryAttempt{At: at, StatusCode: res.status, Duration: elapsed, Error: res.errText, ResponseBody: res.body}
	rec, err := d.st.RecordDeliveryAttempt(del.ID, a, result)
	if err != nil {
		// The delivery is still due in the store; leave it alone for a while
		// rather than send it again at once.
		d.logger.Error("record webhook attempt failed", "err", err,
			"delivery_id", del.ID, "job_id", del.JobID, "status_code", res.status)
		d.release(t, d.now().Add(recordRetryDelay))
		return
	}
	args := []any{
		"delivery_id", del.ID, "job_id", del.JobID, "event", del.Event, "host", t.host,
		"attempt", rec.Attempt, "round_attempt", rec.RoundAttempts, "status_code", res.status,
		"duration", elapsed, "outcome", rec.Status,
	}
	if res.errText != "" {
		args = append(args, "err", res.errText)
	}
	switch rec.Status {
	case store.DeliveryPending:
		d.metrics.WebhookAttempt("retry")
		d.logger.Info("webhook attempt failed; will retry", append(args, "next_at", rec.NextAt)...)
	case store.DeliveryDelivered:
		d.metrics.WebhookAttempt("delivered")
		d.logger.Info("webhook delivered", args...)
	default:
		d.metrics.WebhookAttempt("failed")
		d.logger.Warn("webhook delivery failed; giving up", args...)
	}
	d.release(t, time.Time{})
}

// decide turns a response into the delivery's next state: delivered on a
// 2xx; failed on 410 Gone, a permanent error, or after the last scheduled
// attempt of the round; otherwise pending until the next scheduled delay
// (with jitter) or, on a 429 or 503, the Retry-After delay capped at
// MaxRetryAfter.
func (d *Dispatcher) decide(del store.Delivery, res response) store.DeliveryResult {
	n := del.RoundAttempts + 1 // this attempt's number in its round
	switch {
	case !res.transportErr && res.status >= 200 && res.status < 300:
		return store.DeliveryResult{Status: store.DeliveryDelivered}
	case res.permanent, res.status == http.StatusGone, n >= len(d.cfg.Schedule):
		return store.DeliveryResult{Status: store.DeliveryFailed}
	}
	delay := d.jitter(d.cfg.Schedule[n])
	if res.hasRetry && (res.status == http.StatusTooManyRequests || res.status == http.StatusServiceUnavailable) {
		delay = min(res.retryAfter, d.cfg.MaxRetryAfter)
	}
	return store.DeliveryResult{Status: store.DeliveryPending, NextAt: d.now().Add(delay)}
}

// send POSTs del's payload, with its download URLs and its signature made
// at time at, and reads the answer.
func (d *Dispatcher) send(ctx context.Context, del store.Delivery, at time.Time) response {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	payload := d.signer.Body(del, at)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, del.URL, bytes.NewReader(payload))
	if err != nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") || req.URL.Host == "" {
		return response{transportErr: true, permanent: true, errText: "unusable callback url"}
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", d.userAgent)
	h.Set(HeaderID, del.EventID)
	h.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	if del.Event != "" {
		h.Set(HeaderEvent, del.Event)
	}
	if del.Secret != "" {
		sig, err := Sign(del.Secret, del.EventID, at.Unix(), payload)
		if err != nil {
			return response{transportErr: true, permanent: true, errText: "unusable signing secret: " + err.Error()}
		}
		h.Set(HeaderSignature, sig)
	}

	resp, err := d.client.Do(req)
	if err != nil {
		return response{transportErr: true, permanent: errors.Is(err, netguard.ErrBlockedAddress), errText: d.describe(err)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, store.MaxAttemptResponseBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	res := response{status: resp.StatusCode, body: string(body)}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		res.errText = fmt.Sprintf("http status %d %s: redirects are not followed", resp.StatusCode, http.StatusText(resp.StatusCode))
	default:
		res.errText = fmt.Sprintf("http status %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	res.retryAfter, res.hasRetry = parseRetryAfter(resp.Header.Get("Retry-After"), d.now())
	return res
}

// describe explains a transport error without the request URL.
func (d *Dispatcher) describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, netguard.ErrBlockedAddress) {
		return BlockedTargetMessage
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("timeout after %s", d.cfg.Timeout)
	}
	return err.Error()
}

// maxRetryAfterSeconds keeps a Retry-After in seconds from overflowing.
const maxRetryAfterSeconds = 1 << 31

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, maxRetryAfterSeconds)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// hostKey is the host:port a URL connects to, the unit of Config.PerHost.
func hostKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}
