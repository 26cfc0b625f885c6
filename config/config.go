package config

import (
	"errors"
	"path/filepath"
)

// Config is the whole configuration file (see config.example.yaml). It is a
// plain value: Default, Parse or Load build it, Validate checks it, and the
// conversion methods hand each component its part.
type Config struct {
	// DataDir holds the bbolt file (instanttranscriber.db) and the audio
	// directory (audio).
	DataDir   string           `yaml:"data_dir"`
	Log       LogSection       `yaml:"log"`
	Server    ServerSection    `yaml:"server"`
	Limits    LimitsSection    `yaml:"limits"`
	Jobs      JobsSection      `yaml:"jobs"`
	Engine    EngineSection    `yaml:"engine"`
	Worker    WorkerSection    `yaml:"worker"`
	URLImport URLImportSection `yaml:"url_import"`
	Webhook   WebhookSection   `yaml:"webhook"`
	Summary   SummarySection   `yaml:"summary"`
	Metrics   MetricsSection   `yaml:"metrics"`
	Store     StoreSection     `yaml:"store"`
	Node      NodeSection      `yaml:"node"`
}

// Default returns the configuration used when there is no file; it is
// exactly what config.example.yaml documents. It is the one place the
// defaults are declared: each section's default function, some of them
// naming the constants of the component that also falls back to them.
func Default() Config {
	return Config{
		DataDir:   "./data",
		Log:       defaultLog(),
		Server:    defaultServer(),
		Limits:    defaultLimits(),
		Jobs:      defaultJobs(),
		Engine:    defaultEngine(),
		Worker:    defaultWorker(),
		URLImport: defaultURLImport(),
		Webhook:   defaultWebhook(),
		Summary:   defaultSummary(),
		Metrics:   defaultMetrics(),
		Store:     defaultStore(),
		Node:      defaultNode(),
	}
}

// Validate reports every key with an unusable value, each as
// "config: section.key: problem", joined with errors.Join. It is the one
// validation: commands run it once, after the file, the environment and
// their flags.
func (c Config) Validate() error {
	var p problems
	if c.DataDir == "" {
		p.add("data_dir", "must not be empty")
	}
	c.Log.check(&p)
	c.Server.check(&p)
	c.Limits.check(&p)
	c.Jobs.check(&p)
	c.Engine.check(&p)
	c.Worker.check(&p)
	c.URLImport.check(&p)
	c.Webhook.check(&p)
	c.Summary.check(&p)
	c.Metrics.check(&p, c.Server.Addr)
	c.Store.check(&p, c.Worker.ProgressInterval)
	c.Node.check(&p)
	return errors.Join(p...)
}

// StorePath is the bbolt file, data_dir/instanttranscriber.db.
func (c Config) StorePath() string {
	return filepath.Join(c.DataDir, "instanttranscriber.db")
}

// AudioDir is where audio files live, data_dir/audio.
func (c Config) AudioDir() string {
	return filepath.Join(c.DataDir, "audio")
}
