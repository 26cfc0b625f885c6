package export

import (
	"bufio"
	"fmt"
	"time"
)

// maxTime is the latest time a cue is placed at. Later times are clamped to
// it, which leaves room to add option durations without overflow.
const maxTime = time.Duration(1<<62) / time.Millisecond * time.Millisecond

// clampTime returns d rounded to the millisecond and bounded to [0, maxTime].
func clampTime(d time.Duration) time.Duration {
	return min(max(d, 0), maxTime).Round(time.Millisecond)
}

// formatTimestamp returns d as HH:MM:SS<sep>mmm, rounded to the millisecond,
// with at least two digits of hours; a negative d is zero. SRT uses ',' as
// sep and VTT '.'.
func formatTimestamp(d time.Duration, sep byte) string {
	ms := int64(max(d, 0).Round(time.Millisecond) / time.Millisecond)
	h := ms / 3_600_000
	m := ms / 60_000 % 60
	s := ms / 1000 % 60
	return fmt.Sprintf("%02d:%02d:%02d%c%03d", h, m, s, sep, ms%1000)
}

// writeTiming writes a cue's "start --> end" line; sep comes before the
// milliseconds (',' in SRT, '.' in WebVTT).
func writeTiming(w *bufio.Writer, c cue, sep byte) {
	w.WriteString(formatTimestamp(c.start, sep))
	w.WriteString(" --> ")
	w.WriteString(formatTimestamp(c.end, sep))
	w.WriteByte('\n')
}
