package postprocess

import (
	"strconv"
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/diarize"
	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// minFlip is the longest run of words whose speaker is overruled by the
// speaker on both sides: a single short word flipping speaker inside a turn
// is an embedding error far more often than a real interjection.
const minFlip = 700 * time.Millisecond

// applyTurns labels t's words and segments with the speakers of turns.
//
//   - A word gets the speaker of the turn it overlaps most (the nearest turn
//     when it overlaps none); a segment without words is labelled the same
//     way by its own times.
//   - Short flips (under minFlip, between words of one other speaker) are
//     smoothed out.
//   - A segment whose words change speaker is split at each change, so no
//     caption cue holds two speakers.
//   - Labels are "A", "B", ... in order of first appearance, and t.Speakers
//     gets each speaker's time.
func applyTurns(t *transcript.Transcript, turns []diarize.Turn) {
	if len(turns) == 0 {
		return
	}
	var (
		refs []wordRef
		spk  []int
		// turnAt marks words that start a tinydiarize speaker turn.
		turnAt  []bool
		pending bool
	)
	for i := range t.Segments {
		for j, w := range t.Segments[i].Words {
			refs = append(refs, wordRef{i, j})
			spk = append(spk, speakerAt(turns, w.Start, w.End))
			turnAt = append(turnAt, pending && j == 0)
		}
		pending = t.Segments[i].SpeakerTurnNext
	}
	smooth(t, refs, spk, turnAt)
	for k, r := range refs {
		t.Segments[r.seg].Words[r.word].Speaker = rawLabel(spk[k])
	}

	var out []transcript.Segment
	for _, seg := range t.Segments {
		if len(seg.Words) == 0 {
			seg.Speaker = rawLabel(speakerAt(turns, seg.Start, seg.End))
			out = append(out, seg)
			continue
		}
		out = append(out, splitBySpeaker(seg)...)
	}
	t.Segments = out
	relabel(t)
}

// wordRef locates a word: segment and word index.
type wordRef struct{ seg, word int }

// speakerAt is the speaker of the turn overlapping [start, end) most, or of
// the nearest turn.
func speakerAt(turns []diarize.Turn, start, end time.Duration) int {
	best, bestOverlap := -1, time.Duration(0)
	nearest, nearestGap := turns[0].Speaker, time.Duration(1<<62)
	for _, tr := range turns {
		if ov := min(end, tr.End) - max(start, tr.Start); ov > bestOverlap {
			best, bestOverlap = tr.Speaker, ov
		}
		gap := max(tr.Start-end, start-tr.End, 0)
		if gap < nearestGap {
			nearest, nearestGap = tr.Speaker, gap
		}
	}
	if best >= 0 {
		return best
	}
	return nearest
}

// smooth overrules short runs of one speaker between words of another,
// unless tinydiarize marked a speaker turn at the run's start or end: those
// change points (from a tdrz model) are trusted as real turns.
func smooth(t *transcript.Transcript, refs []wordRef, spk []int, turnAt []bool) {
	word := func(k int) transcript.Word { r := refs[k]; return t.Segments[r.seg].Words[r.word] }
	for i := 0; i < len(spk); {
		j := i
		for j < len(spk) && spk[j] == spk[i] {
			j++
		}
		// Run [i, j) of one speaker between neighbours of one other speaker.
		if i > 0 && j < len(spk) && spk[i-1] == spk[j] && word(j-1).End-word(i).Start < minFlip && !turnAt[i] && !turnAt[j] {
			for k := i; k < j; k++ {
				spk[k] = spk[j]
			}
		}
		i = j
	}
}

// splitBySpeaker splits seg at each change of its words' speaker, rebuilding
// each part's text from its words.
func splitBySpeaker(seg transcript.Segment) []transcript.Segment {
	var parts []transcript.Segment
	start := 0
	for i := 1; i <= len(seg.Words); i++ {
		if i < len(seg.Words) && seg.Words[i].Speaker == seg.Words[start].Speaker {
			continue
		}
		p := seg
		p.Words = append([]transcript.Word(nil), seg.Words[start:i]...)
		p.Speaker = p.Words[0].Speaker
		if start > 0 {
			p.Start = p.Words[0].Start
		}
		if i < len(seg.Words) {
			p.End = p.Words[len(p.Words)-1].End
			p.SpeakerTurnNext = false
		}
		if start > 0 || i < len(seg.Words) {
			p.Text = joinWords(p.Words)
		}
		parts = append(parts, p)
		start = i
	}
	return parts
}

// joinWords rebuilds text from words.
func joinWords(ws []transcript.Word) string {
	texts := make([]string, len(ws))
	for i, w := range ws {
		texts[i] = w.Text
	}
	return strings.Join(texts, " ")
}

// rawLabel is a temporary label for speaker n, replaced by relabel.
func rawLabel(n int) string { return "#" + strconv.Itoa(n) }

// relabel renames speakers "A", "B", ... by first appearance and totals
// their time into t.Speakers.
func relabel(t *transcript.Transcript) {
	names := map[string]string{}
	name := func(raw string) string {
		if raw == "" {
			return ""
		}
		n, ok := names[raw]
		if !ok {
			n = string(rune('A' + len(names)))
			names[raw] = n
		}
		return n
	}
	times := map[string]time.Duration{}
	var order []string
	for i := range t.Segments {
		s := &t.Segments[i]
		s.Speaker = name(s.Speaker)
		for j := range s.Words {
			s.Words[j].Speaker = name(s.Words[j].Speaker)
		}
		if s.Speaker != "" {
			if _, ok := times[s.Speaker]; !ok {
				order = append(order, s.Speaker)
			}
			times[s.Speaker] += s.End - s.Start
		}
	}
	t.Speakers = nil
	for _, l := range order {
		t.Speakers = append(t.Speakers, transcript.Speaker{Label: l, SpeakingTime: times[l]})
	}
}
