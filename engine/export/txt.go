package export

import (
	"bufio"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// writeTXT writes t as plain text with LF line endings. Without speakers it
// writes one line per segment. When any segment has a speaker label or a
// speaker-turn mark, it writes paragraphs separated by a blank line instead:
// a paragraph holds the segments of one speaker up to a change of speaker
// or a turn, and starts with "Speaker A: " when the speaker is known. A
// transcript without segments is written as its Text.
func writeTXT(w *bufio.Writer, t *transcript.Transcript) {
	if len(t.Segments) == 0 {
		if text := strings.TrimSpace(strings.ToValidUTF8(t.Text, "\uFFFD")); text != "" {
			w.WriteString(text)
			w.WriteByte('\n')
		}
		return
	}
	paragraphs := slices.ContainsFunc(t.Segments, func(s transcript.Segment) bool {
		return s.Speaker != "" || s.SpeakerTurnNext
	})
	if !paragraphs {
		for _, seg := range t.Segments {
			if text := oneLine(seg.Text); text != "" {
				w.WriteString(text)
				w.WriteByte('\n')
			}
		}
		return
	}
	var (
		open    bool   // a paragraph has been started
		speaker string // the current paragraph's speaker
		last    string // the last text written
		turn    bool   // the speaker changes after the last segment
	)
	for _, seg := range t.Segments {
		text := oneLine(seg.Text)
		if text == "" {
			turn = turn || seg.SpeakerTurnNext
			continue
		}
		s := oneLine(seg.Speaker)
		switch {
		case !open || s != speaker || turn:
			if open {
				w.WriteString("\n\n")
			}
			if s != "" {
				w.WriteString(speakerName(t, s))
				w.WriteString(": ")
			}
			open, speaker = true, s
		case spaced(last, text):
			w.WriteByte(' ')
		}
		w.WriteString(text)
		last, turn = text, seg.SpeakerTurnNext
	}
	if open {
		w.WriteByte('\n')
	}
}

// spaced reports whether a space goes between two texts run together: not
// between Chinese or Japanese text and more of it.
func spaced(before, after string) bool {
	r1, _ := utf8.DecodeLastRuneInString(before)
	r2, _ := utf8.DecodeRuneInString(after)
	cjkEnd := isIdeographic(r1) || unicode.In(r1, unicode.P) && r1 >= 0x3000
	return !(cjkEnd && isIdeographic(r2))
}
