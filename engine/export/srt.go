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
	cues := buildCues(t, o, func(speaker string) string { return srtPrefix(speaker, width) })
	for i, c := range cues {
		if i > 0 {
			w.WriteByte('\n')
		}
		w.WriteString(strconv.Itoa(i + 1))
		w.WriteByte('\n')
		w.WriteString(formatTimestamp(c.start, ','))
		w.WriteString(" --> ")
		w.WriteString(formatTimestamp(c.end, ','))
		w.WriteByte('\n')
		for j, line := range c.lines {
			if j == 0 {
				w.WriteString(c.prefix)
			}
			w.WriteString(line)
			w.WriteByte('\n')
		}
	}
}

// srtPrefix returns "speaker: ", or "" when speaker is "". The prefix takes
// at most two thirds of a line of width runes: a longer speaker is cut and
// ends in "…", and dropped when even that does not fit.
func srtPrefix(speaker string, width int) string {
	if speaker == "" {
		return ""
	}
	room := width - max(width/3, 1)
	if utf8.RuneCountInString(speaker)+2 <= room {
		return speaker + ": "
	}
	if room < 4 {
		return ""
	}
	return string([]rune(speaker)[:room-3]) + "…: "
}
