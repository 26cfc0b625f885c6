package export

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// cue is one caption: when it shows, who speaks, and its lines of text.
type cue struct {
	start, end time.Duration
	// speaker is the segment's speaker label on one line, or "".
	speaker string
	// prefix is the text shown before the first line that takes room on
	// it, or "".
	prefix string
	lines  []string
}

// buildCues turns the segments of t, in order of start time, into caption
// cues following o. prefix
// returns the text a format puts before the first line of a cue for a
// speaker and counts in that line's length; it must leave room for at least
// one character.
func buildCues(t *transcript.Transcript, o CaptionOptions, prefix func(speaker string) string) []cue {
	o = o.withDefaults()
	segs := slices.Clone(t.Segments)
	slices.SortStableFunc(segs, func(a, b transcript.Segment) int {
		return cmp.Compare(clampTime(a.Start), clampTime(b.Start))
	})
	var cues []cue
	for _, seg := range segs {
		toks := tokenize(seg.Text)
		if len(toks) == 0 {
			continue
		}
		speaker := oneLine(seg.Speaker)
		p := prefix(speaker)
		b := budget{
			first: max(o.MaxLineLength-utf8.RuneCountInString(p), 1),
			rest:  o.MaxLineLength,
			lines: o.MaxLines,
		}
		start := clampTime(seg.Start)
		end := max(clampTime(seg.End), start)
		timeTokens(toks, seg.Words, start, end)
		toks = cutLong(toks, min(b.first, b.rest))
		for _, s := range splitSegment(toks, b, o.MaxCueDuration, start, end) {
			cues = append(cues, cue{
				start:   s.start,
				end:     s.end,
				speaker: speaker,
				prefix:  p,
				lines:   wrapLines(s.toks, b),
			})
		}
	}
	spaceCues(cues, o.MinCueDuration)
	return cues
}

// spaceCues makes cues follow one another without
// overlapping: times are rounded to the millisecond; a cue starting before
// the previous one ends starts at that end; a cue ends no later than the
// next one starts, but lasts minDur if it can and at least a millisecond.
func spaceCues(cues []cue, minDur time.Duration) {
	minDur = max(minDur, time.Millisecond)
	for i := range cues {
		c := &cues[i]
		c.start, c.end = clampTime(c.start), clampTime(c.end)
		if i > 0 {
			c.start = max(c.start, cues[i-1].end)
		}
		end := max(c.end, c.start+minDur)
		if i+1 < len(cues) {
			if next := clampTime(cues[i+1].start); next > c.start {
				end = min(end, next)
			}
		}
		c.end = max(end, c.start+time.Millisecond)
	}
}

// oneLine returns s on one line: runs of white space become one space,
// leading and trailing space goes, and invalid UTF-8 becomes U+FFFD.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
}
