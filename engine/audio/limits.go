package audio

import "time"

// Bounds on what a file may ask the decoders to do. A few bytes of FLAC can
// describe minutes of audio on many channels (constant subframes), so the
// cost of decoding is bounded by samples times channels, not by file size.
const (
	// minSourceRate and maxSourceRate bound source sample rates: below is
	// not speech; above only costs filter time (384 kHz covers DXD).
	minSourceRate = 1000
	maxSourceRate = 384000
	// maxChannels bounds the source channel count (24 covers 22.2 surround
	// and third-order ambisonics).
	maxChannels = 24
	// maxWorkRate is the decoding work, in samples times channels, that
	// one second of Options.MaxDuration pays for: 8 channels at 48 kHz, or
	// stereo at 192 kHz. Audio with a higher rate times channels is held to
	// a proportionally shorter duration.
	maxWorkRate = 8 * 48000
)

// checkRate rejects sample rates the resampler should not be asked for.
func checkRate(rate int) error {
	if rate < minSourceRate || rate > maxSourceRate {
		return errorf(ErrCorrupt, "sample rate %d Hz out of range [%d, %d]", rate, minSourceRate, maxSourceRate)
	}
	return nil
}

// checkChannels rejects channel counts outside [1, maxChannels].
func checkChannels(channels int) error {
	if channels < 1 || channels > maxChannels {
		return errorf(ErrCorrupt, "%d channels, more than the %d supported", channels, maxChannels)
	}
	return nil
}

// maxFramesFor returns how many frames of channels channels at rate Hz the
// limit allows: the frames in limit, fewer when rate times channels is above
// maxWorkRate. It returns 0 (no limit) when limit is not positive.
func maxFramesFor(limit time.Duration, rate, channels int) int64 {
	if limit <= 0 {
		return 0
	}
	n := framesIn(limit, rate)
	if work := int64(rate) * int64(max(channels, 1)); work > maxWorkRate {
		n = min(n, framesIn(limit, maxWorkRate)/int64(channels))
	}
	return max(n, 1)
}

// tooLong is the ErrTooLong error for frames of channels channels at rate
// Hz against limit.
func tooLong(frames int64, rate, channels int, limit time.Duration) error {
	d := framesDuration(frames, rate).Round(time.Millisecond)
	if int64(rate)*int64(channels) > maxWorkRate {
		return errorf(ErrTooLong, "%v of %d channels at %d Hz is more decoding work than the limit of %v allows (%d samples times channels per second of it)",
			d, channels, rate, limit, maxWorkRate)
	}
	return errorf(ErrTooLong, "%v is longer than the limit of %v", d, limit)
}

// framesIn returns how many frames at rate Hz fit in d, rounded down,
// without overflowing for long durations.
func framesIn(d time.Duration, rate int) int64 {
	return int64(d/time.Second)*int64(rate) + int64(d%time.Second)*int64(rate)/int64(time.Second)
}

// framesDuration converts a frame count at rate Hz to a duration without
// overflowing for long streams.
func framesDuration(frames int64, rate int) time.Duration {
	r := int64(rate)
	return time.Duration(frames/r)*time.Second + time.Duration(frames%r)*time.Second/time.Duration(r)
}
