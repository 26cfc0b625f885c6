package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// StoreStats is the store as the metrics see it; *store.Store implements
// it. Stats is called once per scrape.
type StoreStats interface {
	Stats() (store.Stats, error)
}

// WatchStore registers the gauges read from st at scrape time:
// queue_depth, webhook_outbox_pending and webhook_outbox_oldest_age_seconds.
// now is the clock the age is measured with; nil means time.Now.
func (m *Metrics) WatchStore(st StoreStats, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	m.reg.MustRegister(&storeCollector{st: st, now: now})
}

var (
	queueDepthDesc = prometheus.NewDesc(namespace+"_queue_depth",
		"Jobs queued and not yet claimed by a worker.", nil, nil)
	outboxPendingDesc = prometheus.NewDesc(namespace+"_webhook_outbox_pending",
		"Webhook deliveries neither delivered nor given up yet.", nil, nil)
	outboxAgeDesc = prometheus.NewDesc(namespace+"_webhook_outbox_oldest_age_seconds",
		"Age of the oldest pending webhook delivery, since it was created; 0 when none is pending.", nil, nil)
)

// storeCollector reads the store's counts in one transaction per scrape.
type storeCollector struct {
	st  StoreStats
	now func() time.Time
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDepthDesc
	ch <- outboxPendingDesc
	ch <- outboxAgeDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	s, err := c.st.Stats()
	if err != nil {
		for _, d := range []*prometheus.Desc{queueDepthDesc, outboxPendingDesc, outboxAgeDesc} {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	age := 0.0
	if !s.OldestPendingDelivery.IsZero() {
		age = max(0, c.now().Sub(s.OldestPendingDelivery).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(s.Queued))
	ch <- prometheus.MustNewConstMetric(outboxPendingDesc, prometheus.GaugeValue, float64(s.PendingDeliveries))
	ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, age)
}
