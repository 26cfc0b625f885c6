package export

import (
	"bufio"
	"strings"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// writeVTT writes t as WebVTT: the "WEBVTT" header, then each cue after a
// blank line as its times and lines, with LF line endings. A labelled cue
// starts with a voice span, "<v Speaker A>", that does not count towards the
// line length.
func writeVTT(w *bufio.Writer, t *transcript.Transcript, o CaptionOptions) {
	w.WriteString("WEBVTT\n")
	cues := buildCues(t, o, func(string) string { return "" })
	for _, c := range cues {
		w.WriteByte('\n')
		writeTiming(w, c, '.')
		for j, line := range c.lines {
			if j == 0 && c.speaker != "" {
				w.WriteString("<v ")
				w.WriteString(vttEscaper.Replace(speakerName(t, c.speaker)))
				w.WriteByte('>')
			}
			w.WriteString(vttEscaper.Replace(line))
			w.WriteByte('\n')
		}
	}
}

// vttEscaper escapes the characters WebVTT cue text and voice annotations
// cannot hold as themselves.
var vttEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
