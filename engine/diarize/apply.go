package diarize

import (
	"slices"
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// Apply labels the transcript with the speakers of turns, as returned by
// Diarize.
//
//   - changePoints (tinydiarize's speaker turns, may be nil) move a turn
//     boundary within a second of one onto it. A change point far from every
//     boundary is ignored: Diarize found no change in the audio there (pass
//     them to Diarize as Options.ChangePoints for that).
//   - Each word gets the speaker whose turns overlap it most, or of the
//     nearest turn when none does. A run of words shorter than 600 ms whose
//     neighbours, less than 500 ms away on both sides, are both of one other
//     speaker takes that speaker. Then each change of speaker between two
//     words moves to the widest pause between words within 600 ms of it,
//     so that the first word of a turn carries the new speaker.
//   - A segment whose words are all of one speaker gets that speaker. A
//     segment with words of several speakers is split at each change into
//     segments of one speaker, whose text is rebuilt from their words
//     (joined by spaces); a split segment keeps its SpeakerTurnNext on its
//     last piece, and t.Text is rebuilt from the segments. A segment without
//     words gets the speaker whose turns overlap it most.
//   - Speakers are labelled "A", "B", ... in order of first appearance, and
//     t.Speakers lists each label with its speaking time: the total length
//     of its turns. Speakers of turns that no segment was given are left
//     out.
//
// With no turns, no labels are set and t.Speakers is empty, not nil.
func Apply(t *transcript.Transcript, turns []Turn, changePoints []time.Duration) {
	if t == nil {
		return
	}
	turns = snapTurns(sortedTurns(turns), changePoints)
	t.Speakers = []transcript.Speaker{}
	if len(turns) == 0 {
		return
	}

	// Word speakers, as turn speaker numbers, over all words in order.
	var who []int
	var spans [][2]time.Duration
	for _, s := range t.Segments {
		for _, w := range s.Words {
			who = append(who, speakerAt(turns, w.Start, w.End))
			spans = append(spans, [2]time.Duration{w.Start, w.End})
		}
	}
	smoothFlips(who, spans)
	snapChanges(who, spans)

	// Segment speakers, splitting mixed segments.
	var out []transcript.Segment
	var outWho []int     // speaker of each segment of out
	var outWords [][]int // speaker of each word of each segment of out
	split := false
	next := 0
	for _, s := range t.Segments {
		if len(s.Words) == 0 {
			out = append(out, s)
			outWho = append(outWho, speakerAt(turns, s.Start, s.End))
			outWords = append(outWords, nil)
			continue
		}
		ws := who[next : next+len(s.Words)]
		next += len(s.Words)
		for _, p := range splitBySpeaker(s, ws) {
			out = append(out, p.seg)
			outWho = append(outWho, p.speaker)
			outWords = append(outWords, ws[p.from:p.to])
		}
		split = split || !allSame(ws)
	}
	t.Segments = out
	if split {
		var texts []string
		for _, s := range t.Segments {
			if s.Text != "" {
				texts = append(texts, s.Text)
			}
		}
		t.Text = strings.Join(texts, " ")
	}

	// Labels by first appearance, a segment before its words.
	labels := map[int]string{}
	var order []int
	label := func(n int) string {
		l, ok := labels[n]
		if !ok {
			l = Label(len(labels))
			labels[n] = l
			order = append(order, n)
		}
		return l
	}
	for i := range t.Segments {
		s := &t.Segments[i]
		s.Speaker = label(outWho[i])
		for j := range s.Words {
			s.Words[j].Speaker = label(outWords[i][j])
		}
	}
	total := map[int]time.Duration{}
	for _, tr := range turns {
		total[tr.Speaker] += tr.Duration()
	}
	for _, n := range order {
		t.Speakers = append(t.Speakers, transcript.Speaker{Label: labels[n], SpeakingTime: total[n]})
	}
}

// allSame reports whether every element of xs is the same.
func allSame(xs []int) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// piece is one part of a segment split by speaker: the segment, its
// speaker and the range of the original words it holds.
type piece struct {
	seg      transcript.Segment
	speaker  int
	from, to int
}

// splitBySpeaker returns s whole when its words (of speakers who) are all
// of one speaker, or else cut into one segment per run of words of one
// speaker, with its text rebuilt from its words. A cut falls at the start
// of the first word of the next run.
func splitBySpeaker(s transcript.Segment, who []int) []piece {
	var out []piece
	for i := 0; i < len(s.Words); {
		j := i
		for j < len(s.Words) && who[j] == who[i] {
			j++
		}
		p := s
		p.Words = slices.Clone(s.Words[i:j])
		if i > 0 {
			p.Start = min(max(s.Words[i].Start, out[len(out)-1].seg.Start), s.End)
			out[len(out)-1].seg.End = p.Start
		}
		if j < len(s.Words) {
			p.SpeakerTurnNext = false
		}
		out = append(out, piece{seg: p, speaker: who[i], from: i, to: j})
		i = j
	}
	if len(out) > 1 {
		for k := range out {
			var b strings.Builder
			for _, w := range out[k].seg.Words {
				if f := strings.Join(strings.Fields(w.Text), " "); f != "" {
					if b.Len() > 0 {
						b.WriteByte(' ')
					}
					b.WriteString(f)
				}
			}
			out[k].seg.Text = b.String()
		}
	}
	return out
}

// Label returns the label of the i-th speaker (from 0) to appear: "A" to
// "Z", then "AA", "AB", ...
func Label(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
