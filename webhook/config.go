package webhook

import (
	"fmt"
	"time"
)

// Defaults used by DefaultConfig and for zero Config fields.
const (
	DefaultWorkers       = 16
	DefaultPerHost       = 2
	DefaultTimeout       = 15 * time.Second
	DefaultJitter        = 0.1
	DefaultMaxRetryAfter = time.Hour
	DefaultPollInterval  = time.Second
	DefaultShutdownGrace = 5 * time.Second
)

// maxScheduleLen bounds Config.Schedule.
const maxScheduleLen = 100

// DefaultSchedule returns the default delays before attempts 1 to 10: 0,
// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h, about three days in
// all.
func DefaultSchedule() []time.Duration {
	return []time.Duration{
		0,
		5 * time.Second,
		5 * time.Minute,
		30 * time.Minute,
		2 * time.Hour,
		5 * time.Hour,
		10 * time.Hour,
		14 * time.Hour,
		20 * time.Hour,
		24 * time.Hour,
	}
}

// Config configures a Dispatcher. Zero fields take their defaults (see
// DefaultConfig), except Jitter, which is used as given.
type Config struct {
	// Workers is the number of attempts in flight at once, over all hosts.
	Workers int `yaml:"workers"`
	// PerHost is the number of attempts in flight at once to one host:port,
	// so that a slow receiver cannot hold every worker.
	PerHost int `yaml:"per_host"`
	// Timeout bounds one attempt: connecting, sending, and reading the
	// response.
	Timeout time.Duration `yaml:"timeout"`
	// Schedule[i] is the delay before attempt i+1 of a round, counted from
	// the end of the previous attempt; its length is the number of attempts
	// before a delivery fails. Schedule[0] must be 0: a delivery is due as
	// soon as it is written.
	Schedule []time.Duration `yaml:"schedule"`
	// Jitter spreads each retry delay uniformly over ±Jitter of itself
	// (0.1 is ±10 %), so that retries to one receiver do not arrive in
	// lockstep. 0 disables it.
	Jitter float64 `yaml:"jitter"`
	// MaxRetryAfter caps the Retry-After delay honoured on a 429 or 503.
	MaxRetryAfter time.Duration `yaml:"max_retry_after"`
	// PollInterval is how often the outbox is checked when no Notify
	// arrives and nothing falls due sooner.
	PollInterval time.Duration `yaml:"poll_interval"`
	// ShutdownGrace is how long Stop waits for attempts in flight before it
	// abandons them; they stay pending and are sent again after a restart.
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
	// UserAgentVersion is the version in the User-Agent header,
	// "InstantTranscriber-Webhook/<version>"; "dev" when empty. It is the
	// build's version, not a setting.
	UserAgentVersion string `yaml:"-"`
}

// DefaultConfig returns the defaults: 16 workers, 2 per host, 15 s per
// attempt, the DefaultSchedule with ±10 % jitter, Retry-After honoured up to
// 1 h, a 1 s poll and a 5 s shutdown grace.
func DefaultConfig() Config {
	return Config{
		Workers:       DefaultWorkers,
		PerHost:       DefaultPerHost,
		Timeout:       DefaultTimeout,
		Schedule:      DefaultSchedule(),
		Jitter:        DefaultJitter,
		MaxRetryAfter: DefaultMaxRetryAfter,
		PollInterval:  DefaultPollInterval,
		ShutdownGrace: DefaultShutdownGrace,
	}
}

// Validate reports the first field with an unusable value, by its YAML name.
func (c Config) Validate() error {
	switch {
	case c.Workers < 0:
		return fmt.Errorf("webhook: config: workers %d is negative", c.Workers)
	case c.PerHost < 0:
		return fmt.Errorf("webhook: config: per_host %d is negative", c.PerHost)
	case c.Timeout < 0:
		return fmt.Errorf("webhook: config: timeout %s is negative", c.Timeout)
	case len(c.Schedule) > maxScheduleLen:
		return fmt.Errorf("webhook: config: schedule has %d entries; at most %d", len(c.Schedule), maxScheduleLen)
	case len(c.Schedule) > 0 && c.Schedule[0] != 0:
		return fmt.Errorf("webhook: config: schedule[0] is %s; it must be 0s (a delivery is due when written)", c.Schedule[0])
	case c.Jitter < 0 || c.Jitter >= 1:
		return fmt.Errorf("webhook: config: jitter %v is outside [0, 1)", c.Jitter)
	case c.MaxRetryAfter < 0:
		return fmt.Errorf("webhook: config: max_retry_after %s is negative", c.MaxRetryAfter)
	case c.PollInterval < 0:
		return fmt.Errorf("webhook: config: poll_interval %s is negative", c.PollInterval)
	case c.ShutdownGrace < 0:
		return fmt.Errorf("webhook: config: shutdown_grace %s is negative", c.ShutdownGrace)
	}
	for i, d := range c.Schedule {
		if d < 0 {
			return fmt.Errorf("webhook: config: schedule[%d] %s is negative", i, d)
		}
	}
	return nil
}

// withDefaults returns c with zero (or negative) fields resolved.
func (c Config) withDefaults() Config {
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.PerHost <= 0 {
		c.PerHost = DefaultPerHost
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if len(c.Schedule) == 0 {
		c.Schedule = DefaultSchedule()
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = DefaultShutdownGrace
	}
	if c.UserAgentVersion == "" {
		c.UserAgentVersion = "dev"
	}
	return c
}
