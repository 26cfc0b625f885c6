// Package metrics exposes InstantTranscriber's Prometheus metrics.
//
// New builds a Metrics that owns its own *prometheus.Registry (the global
// default registry is never used) with the Go and process collectors, and
// hands out typed recorders: Jobs for the worker pool and the API, Webhooks
// for the webhook dispatcher and HTTP for the API's request middleware.
// WatchStore adds gauges read from the store at scrape time. Handler serves
// the registry in the Prometheus text format, on the API's listener (see
// server) or on a listener of its own (NewServer).
//
// Every metric is named instanttranscriber_*:
//
//	jobs_created_total{source}                 jobs accepted: upload or url
//	jobs_finished_total{status}                completed, failed or canceled
//	job_processing_seconds                     histogram, completed jobs, claim to finish
//	audio_seconds_processed_total              audio seconds of completed jobs
//	realtime_factor                            histogram, processing / audio seconds
//	workers_busy, workers_total                gauges
//	queue_depth                                gauge, queued jobs (store, at scrape)
//	webhook_attempts_total{result}             delivered, retry or failed
//	webhook_outbox_pending                     gauge, pending deliveries (store, at scrape)
//	webhook_outbox_oldest_age_seconds          gauge, age of the oldest pending delivery
//	http_requests_total{route,method,code}     route is Echo's template or "unmatched"
//	http_request_duration_seconds{route,method} histogram
//
// Recorders are safe for concurrent use and cheap: a counter or histogram
// update, no I/O.
package metrics
