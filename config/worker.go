package config

import (
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/jobs"
)

// WorkerSection is the worker: section.
type WorkerSection struct {
	Workers          int           `yaml:"workers"`
	DownloadWorkers  int           `yaml:"download_workers"`
	ThreadsPerJob    int           `yaml:"threads_per_job"`
	BeamSize         int           `yaml:"beam_size"`
	BestOf           int           `yaml:"best_of"`
	ChunkLength      time.Duration `yaml:"chunk_length"`
	ProgressInterval time.Duration `yaml:"progress_interval"`
	ShutdownGrace    time.Duration `yaml:"shutdown_grace"`
}

func defaultWorker() WorkerSection {
	return WorkerSection{
		DownloadWorkers:  jobs.DefaultDownloadWorkers,
		BeamSize:         jobs.DefaultBeamSize,
		BestOf:           5,
		ChunkLength:      engine.DefaultChunkLength,
		ProgressInterval: jobs.DefaultProgressInterval,
		ShutdownGrace:    jobs.DefaultShutdownGrace,
	}
}

// check: beam_size and best_of are 1-16, as docs/configuration.md says;
// beam_size 1 is greedy decoding.
func (s WorkerSection) check(p *problems) {
	p.nonNegative("worker.workers", int64(s.Workers))
	p.nonNegative("worker.threads_per_job", int64(s.ThreadsPerJob))
	p.atLeast1("worker.download_workers", s.DownloadWorkers)
	p.within("worker.beam_size", s.BeamSize, 1, 16)
	p.within("worker.best_of", s.BestOf, 1, 16)
	if d := s.ChunkLength; d < engine.MinChunkLength {
		p.add("worker.chunk_length", "%v is under %v", d, engine.MinChunkLength)
	}
	p.positive("worker.progress_interval", s.ProgressInterval)
	p.positive("worker.shutdown_grace", s.ShutdownGrace)
}
