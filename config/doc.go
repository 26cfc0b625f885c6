// Package config is InstantTranscriber's configuration: the YAML file
// format (config.example.yaml), the INSTANTTRANSCRIBER_* environment
// overrides, the defaults, the one validation, and the conversion of the
// result into each component's own Config.
//
// A command builds its configuration in one order:
//
//	cfg, err := config.Load(path, os.Environ()) // defaults, then the file, then the environment
//	// ... command-line flags override keys here ...
//	err = cfg.Validate()                        // once, after everything
//
// and then hands each component its part (cfg.ServerConfig(),
// cfg.WorkerConfig(), ...). The component packages declare no YAML keys of
// their own and do not validate again.
//
// Each section of the file is one struct that sits in one file with its
// defaults and its rules (server.go holds server: and metrics:, limits.go
// limits: and jobs:, worker.go worker:, ...), so adding a key is one change
// in one file: a field with its yaml tag, its default in the section's
// default function, and its rule in the section's check method. A new
// section is a new such file plus one line each in Config, Default and
// Validate.
// The environment variable follows from the key's path; tests then insist
// that config.example.yaml and docs/configuration.md document the key.
package config
