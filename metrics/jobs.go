package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Job sources, the values of jobs_created_total's source label.
const (
	SourceUpload = "upload"
	SourceURL    = "url"
)

// processingBuckets span one second to two hours.
var processingBuckets = []float64{1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 5400, 7200}

// realtimeBuckets span 1/100 of real time (fast GPU) to 10x slower than it.
var realtimeBuckets = []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5, 10}

// Jobs records job and worker metrics. The worker pool uses it through
// jobs.Metrics, the API through JobCreated and JobFinished.
type Jobs struct {
	created    *prometheus.CounterVec
	finished   *prometheus.CounterVec
	processing prometheus.Histogram
	audio      prometheus.Counter
	realtime   prometheus.Histogram
	busy       prometheus.Gauge
	workers    prometheus.Gauge
}

func newJobs(reg prometheus.Registerer) *Jobs {
	j := &Jobs{
		created: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "jobs_created_total",
			Help: "Transcription jobs created, by source: upload or url.",
		}, []string{"source"}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "jobs_finished_total",
			Help: "Transcription jobs that reached a terminal status: completed, failed or canceled.",
		}, []string{"status"}),
		processing: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "job_processing_seconds",
			Help:    "Time from claim to finish of completed jobs: download, decoding, transcription and post-processing.",
			Buckets: processingBuckets,
		}),
		audio: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "audio_seconds_processed_total",
			Help: "Seconds of audio in completed jobs.",
		}),
		realtime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "realtime_factor",
			Help:    "Processing seconds per audio second of completed jobs; below 1 is faster than real time.",
			Buckets: realtimeBuckets,
		}),
		busy: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "workers_busy",
			Help: "Workers running a job now.",
		}),
		workers: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "workers_total",
			Help: "Workers of the pool, busy or idle.",
		}),
	}
	reg.MustRegister(j.created, j.finished, j.processing, j.audio, j.realtime, j.busy, j.workers)
	// Every label value exists from the start, so rate() sees the first one.
	for _, s := range []string{SourceUpload, SourceURL} {
		j.created.WithLabelValues(s)
	}
	for _, s := range []string{"completed", "failed", "canceled"} {
		j.finished.WithLabelValues(s)
	}
	return j
}

// JobCreated counts a new job from source (SourceUpload or SourceURL).
func (j *Jobs) JobCreated(source string) {
	j.created.WithLabelValues(source).Inc()
}

// JobFinished counts a job that reached status. For a completed job it
// also observes the processing time, the audio length and their ratio;
// elapsed and audio are ignored otherwise, and may be zero.
func (j *Jobs) JobFinished(status string, elapsed, audio time.Duration) {
	j.finished.WithLabelValues(status).Inc()
	if status != "completed" {
		return
	}
	j.processing.Observe(elapsed.Seconds())
	if audio > 0 {
		j.audio.Add(audio.Seconds())
		j.realtime.Observe(elapsed.Seconds() / audio.Seconds())
	}
}

// SetWorkers records the size of the worker pool.
func (j *Jobs) SetWorkers(n int) { j.workers.Set(float64(n)) }

// JobStarted marks a worker busy; JobEnded marks it idle again.
func (j *Jobs) JobStarted() { j.busy.Inc() }

// JobEnded undoes JobStarted.
func (j *Jobs) JobEnded() { j.busy.Dec() }
