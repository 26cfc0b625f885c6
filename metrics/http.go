package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// RouteUnmatched is the route label of a request that matched no route, so
// that raw paths never become label values.
const RouteUnmatched = "unmatched"

// durationBuckets are the default buckets plus minutes, for large uploads.
var durationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}

// HTTP records API requests.
type HTTP struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTP(reg prometheus.Registerer) *HTTP {
	h := &HTTP{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_total",
			Help: "HTTP requests served, by route template, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route template and method.",
			Buckets: durationBuckets,
		}, []string{"route", "method"}),
	}
	reg.MustRegister(h.requests, h.duration)
	return h
}

// ObserveRequest records one request. route must be a route template (such
// as /v1/transcriptions/:id) or RouteUnmatched, never a raw path; a method
// outside the standard ones is recorded as "OTHER".
func (h *HTTP) ObserveRequest(route, method string, code int, d time.Duration) {
	method = normalMethod(method)
	h.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	h.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// normalMethod bounds the method label's values.
func normalMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}
