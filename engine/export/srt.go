package export

import (
	"bufio"
	"strconv"
	"unicode/utf8"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// writeSRT writes t as SubRip cues: a number from 1, the times, the lines,
// and a blank line before every cue but the first, with LF line endings.
// A labelled cue's first line starts with the prefix srtPrefix returns.
func writeSRT(w *bufio.Writer, t *transcript.Transcript, o CaptionOptions) {
	width := o.withDefaults().MaxLineLength
	cues := buildCues(t, o, func(speaker string) string { return srtPrefix(speakerName(t, speaker), width) })
	for i, c := range cues {
		if i > 0 {
			w.WriteByte('\n')
		}
		w.WriteString(strconv.Itoa(i + 1))
		w.WriteByte('\n')
		writeTiming(w, c, ',')
		for j, line := range c.lines {
			if j == 0 {
				w.WriteString(c.prefix)
			}
			w.WriteString(line)
			w.WriteByte('\n')
		}
	}
}

// srtPrefix returns "[Speaker A] " for the name "Speaker A", or "" when
// there is no name. The prefix takes at most two thirds of a line of width
// runes: a longer name is cut and ends in "…", and dropped when even that
// does not fit.
func srtPrefix(name string, width int) string {
	if name == "" {
		return ""
	}
	room := width - max(width/3, 1)
	if utf8.RuneCountInString(name)+3 <= room {
		return "[" + name + "] "
	}
	if room < 5 {
		return ""
	}
	return "[" + string([]rune(name)[:room-4]) + "…] "
}
