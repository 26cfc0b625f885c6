package diarize

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidOptions is wrapped by the error Diarize returns for Options out
// of range.
var ErrInvalidOptions = errors.New("diarize: invalid options")

// Limits and defaults of Options.
const (
	// MaxSpeakersLimit is the largest speaker count Options accepts.
	MaxSpeakersLimit   = 10
	defaultMaxSpeakers = 8
	defaultMinTurn     = 500 * time.Millisecond
)

// Options control Diarize. The zero value estimates the number of speakers,
// up to 8, and smooths out turns shorter than half a second.
type Options struct {
	// Speakers is the expected number of speakers, 1 to 10; 0 estimates it.
	Speakers int
	// MinSpeakers and MaxSpeakers bound the estimate when Speakers is 0:
	// at least MinSpeakers (0 means 1) and at most MaxSpeakers (0 means 8)
	// speakers are found, if the speech holds enough windows for them.
	MinSpeakers int
	MaxSpeakers int
	// MinTurn is the shortest turn kept inside continuous speech: a shorter
	// turn between two others goes to its neighbours. 0 means 500 ms; a
	// negative value keeps every turn.
	MinTurn time.Duration
	// ChangePoints are times where another model (tinydiarize's
	// SpeakerTurnNext) heard a speaker change. A change there costs the
	// resegmentation as little as one across a pause, so the audio decides
	// whether it happens: a change point never starts a turn on its own.
	ChangePoints []time.Duration
	// Release, when set, is called as each pass over the samples leaves
	// them behind: with [from, to) ranges of sample indices that follow one
	// another from 0 to len(samples), once per pass (the energy VAD when
	// Diarize runs it, then two passes over the speech). The caller may
	// drop those samples' pages from memory (audio.MappedPCM.Release); a
	// later pass reads them again.
	Release func(from, to int)
}

// withDefaults returns o with zero fields set to their defaults, or an error
// that names the invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.Speakers < 0 || o.Speakers > MaxSpeakersLimit {
		return o, fmt.Errorf("%w: Speakers %d out of range 0-%d", ErrInvalidOptions, o.Speakers, MaxSpeakersLimit)
	}
	if o.MaxSpeakers < 0 || o.MaxSpeakers > MaxSpeakersLimit {
		return o, fmt.Errorf("%w: MaxSpeakers %d out of range 0-%d", ErrInvalidOptions, o.MaxSpeakers, MaxSpeakersLimit)
	}
	if o.MinSpeakers < 0 || o.MinSpeakers > MaxSpeakersLimit {
		return o, fmt.Errorf("%w: MinSpeakers %d out of range 0-%d", ErrInvalidOptions, o.MinSpeakers, MaxSpeakersLimit)
	}
	if o.MaxSpeakers == 0 {
		o.MaxSpeakers = max(defaultMaxSpeakers, o.MinSpeakers)
	}
	if o.MinSpeakers == 0 {
		o.MinSpeakers = 1
	}
	if o.MinSpeakers > o.MaxSpeakers {
		return o, fmt.Errorf("%w: MinSpeakers %d above MaxSpeakers %d", ErrInvalidOptions, o.MinSpeakers, o.MaxSpeakers)
	}
	if o.MinTurn == 0 {
		o.MinTurn = defaultMinTurn
	}
	if o.MinTurn < 0 {
		o.MinTurn = 0
	}
	return o, nil
}
