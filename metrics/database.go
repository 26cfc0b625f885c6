package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// Database is a shared database as the metrics see it; *store.Postgres
// implements it. Both are read once per scrape.
type Database interface {
	PoolStats() store.PoolStats
	Ping() error
}

// WatchDatabase registers the gauges of a shared database, read at scrape
// time: db_up (the ping at scrape time committed), db_ping_seconds (its
// latency), db_pool_connections{state} and db_pool_max_connections, and
// the counters db_pool_acquires_total and db_pool_acquire_wait_seconds_total.
func (m *Metrics) WatchDatabase(db Database) {
	m.reg.MustRegister(&dbCollector{db: db})
}

var (
	dbUpDesc = prometheus.NewDesc(namespace+"_db_up",
		"1 when the database answered and committed at scrape time, else 0.", nil, nil)
	dbPingDesc = prometheus.NewDesc(namespace+"_db_ping_seconds",
		"Time the database took to answer the scrape's ping, failed or not.", nil, nil)
	dbConnsDesc = prometheus.NewDesc(namespace+"_db_pool_connections",
		"Open connections of the database pool, by state (idle or in_use).", []string{"state"}, nil)
	dbMaxDesc = prometheus.NewDesc(namespace+"_db_pool_max_connections",
		"Cap on the database pool's connections.", nil, nil)
	dbAcquiresDesc = prometheus.NewDesc(namespace+"_db_pool_acquires_total",
		"Connections handed out by the database pool.", nil, nil)
	dbWaitDesc = prometheus.NewDesc(namespace+"_db_pool_acquire_wait_seconds_total",
		"Time spent waiting for a connection of the database pool.", nil, nil)
)

type dbCollector struct{ db Database }

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dbUpDesc, dbPingDesc, dbConnsDesc, dbMaxDesc, dbAcquiresDesc, dbWaitDesc} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	start := time.Now()
	err := c.db.Ping()
	took := time.Since(start)
	up := 1.0
	if err != nil {
		up = 0
	}
	s := c.db.PoolStats()
	ch <- prometheus.MustNewConstMetric(dbUpDesc, prometheus.GaugeValue, up)
	ch <- prometheus.MustNewConstMetric(dbPingDesc, prometheus.GaugeValue, took.Seconds())
	ch <- prometheus.MustNewConstMetric(dbConnsDesc, prometheus.GaugeValue, float64(s.Idle), "idle")
	ch <- prometheus.MustNewConstMetric(dbConnsDesc, prometheus.GaugeValue, float64(s.InUse), "in_use")
	ch <- prometheus.MustNewConstMetric(dbMaxDesc, prometheus.GaugeValue, float64(s.Max))
	ch <- prometheus.MustNewConstMetric(dbAcquiresDesc, prometheus.CounterValue, float64(s.Acquires))
	ch <- prometheus.MustNewConstMetric(dbWaitDesc, prometheus.CounterValue, s.AcquireWait.Seconds())
}
