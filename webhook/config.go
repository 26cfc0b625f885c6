package webhook

import "time"

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
// DefaultConfig), except Jitter, which is used as given. The program fills
// it from its configuration, which package config has checked (Schedule[0]
// is 0, no delay is negative, Jitter is in [0, 1)); a Dispatcher does not
// validate it again.
type Config struct {
	// Workers is the number of attempts in flight at once, over all hosts.
	Workers int
	// PerHost is the number of attempts in flight at once to one host:port,
	// so that a slow receiver cannot hold every worker.
	PerHost int
	// Timeout bounds one attempt: connecting, sending, and reading the
	// response.
	Timeout time.Duration
	// Schedule[i] is the delay before attempt i+1 of a round, counted from
	// the end of the previous attempt; its length is the number of attempts
	// before a delivery fails. Schedule[0] must be 0: a delivery is due as
	// soon as it is written.
	Schedule []time.Duration
	// Jitter spreads each retry delay uniformly over ±Jitter of itself
	// (0.1 is ±10 %), so that retries to one receiver do not arrive in
	// lockstep. 0 disables it.
	Jitter float64
	// MaxRetryAfter caps the Retry-After delay honoured on a 429 or 503.
	MaxRetryAfter time.Duration
	// PollInterval is how often the outbox is checked when no Notify
	// arrives and nothing falls due sooner.
	PollInterval time.Duration
	// ShutdownGrace is how long Stop waits for attempts in flight before it
	// abandons them; they stay pending and are sent again after a restart.
	ShutdownGrace time.Duration
	// UserAgentVersion is the version in the User-Agent header,
	// "InstantTranscriber-Webhook/<version>"; "dev" when empty. It is the
	// build's version, not a setting.
	UserAgentVersion string
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

// withDefaults returns c with zero (or negative) fields resolved.
func (c Config) withDefaults() Config {
	c.Workers = orDefault(c.Workers, DefaultWorkers)
	c.PerHost = orDefault(c.PerHost, DefaultPerHost)
	c.Timeout = orDefault(c.Timeout, DefaultTimeout)
	if len(c.Schedule) == 0 {
		c.Schedule = DefaultSchedule()
	}
	c.MaxRetryAfter = orDefault(c.MaxRetryAfter, DefaultMaxRetryAfter)
	c.PollInterval = orDefault(c.PollInterval, DefaultPollInterval)
	c.ShutdownGrace = orDefault(c.ShutdownGrace, DefaultShutdownGrace)
	if c.UserAgentVersion == "" {
		c.UserAgentVersion = "dev"
	}
	return c
}

// orDefault is v, or def when v is zero or negative.
func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
