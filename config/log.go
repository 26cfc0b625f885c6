package config

import "log/slog"

// LogSection is the log: section.
type LogSection struct {
	Level  string `yaml:"level"`  // debug, info, warn or error
	Format string `yaml:"format"` // text or json
}

func defaultLog() LogSection {
	return LogSection{Level: "info", Format: "text"}
}

func (s LogSection) check(p *problems) {
	if _, ok := logLevels[s.Level]; !ok {
		p.add("log.level", "%q is not one of debug, info, warn, error", s.Level)
	}
	if s.Format != "text" && s.Format != "json" {
		p.add("log.format", "%q is not one of text, json", s.Format)
	}
}

var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// LogLevel returns log.level as a slog.Level; an unknown level (which
// Validate rejects) is slog.LevelInfo.
func (c Config) LogLevel() slog.Level {
	if l, ok := logLevels[c.Log.Level]; ok {
		return l
	}
	return slog.LevelInfo
}
