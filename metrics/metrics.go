package metrics

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every metric name.
const namespace = "instanttranscriber"

// Metrics owns the registry and the recorders registered in it.
type Metrics struct {
	reg      *prometheus.Registry
	log      *slog.Logger
	jobs     *Jobs
	webhooks *Webhooks
	http     *HTTP
}

// New returns the metrics of one process, registered in a fresh registry
// with the Go runtime and process collectors. logger nil means
// slog.Default(); it receives errors met while serving a scrape.
func New(logger *slog.Logger) *Metrics {
	if logger == nil {
		logger = slog.Default()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return &Metrics{
		reg:      reg,
		log:      logger.With("component", "metrics"),
		jobs:     newJobs(reg),
		webhooks: newWebhooks(reg),
		http:     newHTTP(reg),
	}
}

// Registry returns the registry, for tests and for registering more
// collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Jobs returns the recorder of job and worker metrics.
func (m *Metrics) Jobs() *Jobs { return m.jobs }

// Webhooks returns the recorder of webhook attempts.
func (m *Metrics) Webhooks() *Webhooks { return m.webhooks }

// HTTP returns the recorder of API requests.
func (m *Metrics) HTTP() *HTTP { return m.http }

// Handler serves the registry in the Prometheus exposition format. A
// collector that fails (the store, say) is logged and left out of the
// scrape; the rest is still served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      scrapeLog{m.log},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.reg, // promhttp_metric_handler_errors_total
	})
}

// scrapeLog adapts the logger to promhttp.Logger.
type scrapeLog struct{ log *slog.Logger }

func (l scrapeLog) Println(v ...any) {
	l.log.Warn("metrics scrape", "err", fmt.Sprint(v...))
}
