package export

import "time"

// CaptionOptions controls how segments become SRT and VTT cues. A zero or
// negative field means its default (see [DefaultCaptionOptions]), except
// MinCueDuration, where a negative value means no minimum.
type CaptionOptions struct {
	// MaxLineLength is the most characters (runes) on one line, the SRT
	// speaker prefix included. Default 42; at most 200.
	MaxLineLength int
	// MaxLines is the most lines in one cue. Default 2; at most 10.
	MaxLines int
	// MaxCueDuration is the longest a cue of more than one word is shown;
	// a longer segment is split. Default 7s; at most 24h.
	MaxCueDuration time.Duration
	// MinCueDuration is how long a cue is shown at least, as far as the
	// next cue's start allows. Default 1s; at most MaxCueDuration.
	MinCueDuration time.Duration
}

// The defaults of [CaptionOptions], as commonly used for subtitles.
const (
	defaultMaxLineLength  = 42
	defaultMaxLines       = 2
	defaultMaxCueDuration = 7 * time.Second
	defaultMinCueDuration = time.Second
	// The options are bounded: durations so that adding them to a time
	// cannot overflow, sizes so that splitting stays fast.
	maxOptionDuration = 24 * time.Hour
	maxLineLength     = 200
	maxLines          = 10
)

// DefaultCaptionOptions returns the options a zero CaptionOptions stands for:
// 42 characters a line, 2 lines a cue, cues from 1s to 7s.
func DefaultCaptionOptions() CaptionOptions {
	return CaptionOptions{
		MaxLineLength:  defaultMaxLineLength,
		MaxLines:       defaultMaxLines,
		MaxCueDuration: defaultMaxCueDuration,
		MinCueDuration: defaultMinCueDuration,
	}
}

// withDefaults returns o with defaults filled in, values bounded, and
// durations rounded to the millisecond resolution of caption timestamps. The returned
// MinCueDuration is at least a millisecond.
func (o CaptionOptions) withDefaults() CaptionOptions {
	if o.MaxLineLength <= 0 {
		o.MaxLineLength = defaultMaxLineLength
	}
	o.MaxLineLength = min(o.MaxLineLength, maxLineLength)
	if o.MaxLines <= 0 {
		o.MaxLines = defaultMaxLines
	}
	o.MaxLines = min(o.MaxLines, maxLines)
	if o.MaxCueDuration <= 0 {
		o.MaxCueDuration = defaultMaxCueDuration
	}
	o.MaxCueDuration = max(min(o.MaxCueDuration, maxOptionDuration).Round(time.Millisecond), time.Millisecond)
	switch {
	case o.MinCueDuration == 0:
		o.MinCueDuration = defaultMinCueDuration
	case o.MinCueDuration < 0:
		o.MinCueDuration = time.Millisecond
	}
	o.MinCueDuration = max(min(o.MinCueDuration, o.MaxCueDuration).Round(time.Millisecond), time.Millisecond)
	return o
}
