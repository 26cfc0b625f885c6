package metrics

import "github.com/prometheus/client_golang/prometheus"

// Webhook attempt results, the values of webhook_attempts_total's result
// label.
const (
	AttemptDelivered = "delivered"
	AttemptRetry     = "retry"
	AttemptFailed    = "failed"
)

// Webhooks records the webhook dispatcher's attempts; it implements
// webhook.Metrics.
type Webhooks struct {
	attempts *prometheus.CounterVec
}

func newWebhooks(reg prometheus.Registerer) *Webhooks {
	w := &Webhooks{attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "webhook_attempts_total",
		Help: "Recorded webhook attempts by result: delivered, retry (failed, will be retried) or failed (given up).",
	}, []string{"result"})}
	reg.MustRegister(w.attempts)
	for _, r := range []string{AttemptDelivered, AttemptRetry, AttemptFailed} {
		w.attempts.WithLabelValues(r)
	}
	return w
}

// WebhookAttempt counts one recorded attempt with its result
// (AttemptDelivered, AttemptRetry or AttemptFailed).
func (w *Webhooks) WebhookAttempt(result string) {
	w.attempts.WithLabelValues(result).Inc()
}
