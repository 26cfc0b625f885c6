package summarize

import (
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// greedySentences is a talk as spoken; greedyTranscript turns it into what
// greedy decoding of long audio gives: no punctuation, no capitals, and
// segments that end wherever a window did.
var greedySentences = []string{
	"welcome back to the podcast about audio codecs and streaming",
	"today we talk about how a codec decodes this message on your computer",
	"presumably you are using some sort of software to decode the stream",
	"the decoder reads compressed frames and turns them into samples",
	"every frame carries a header with the sample rate and the channel count",
	"lossy codecs throw away the parts of the sound you cannot hear",
	"the psychoacoustic model decides which frequencies are masked",
	"a louder tone near a quiet one hides the quiet one completely",
	"so the encoder spends fewer bits on the masked frequencies",
	"at low bitrates you start to hear artifacts like pre echo",
	"pre echo smears a sharp attack such as a drum hit backwards in time",
	"modern codecs switch to short blocks to keep the attack sharp",
	"opus combines a speech codec with a music codec in one stream",
	"the speech part models the vocal tract with linear prediction",
	"the music part uses a transform similar to the one in older codecs",
	"latency matters a lot for calls but hardly at all for podcasts",
	"a podcast can buffer several seconds before playback starts",
	"a phone call needs the delay to stay below a few hundred milliseconds",
	"packet loss concealment hides frames that never arrive",
	"it guesses the missing sound from the frames before the gap",
	"next week we look at how streaming servers choose a bitrate",
	"adaptive streaming measures your bandwidth and switches quality",
	"thanks for listening and see you in the next episode",
}

// greedyTranscript times greedySentences word by word: 40 ms between
// words, a 700 ms pause between sentences, a 600 ms hesitation after "the"
// in every third sentence, and a segment every 17 words.
func greedyTranscript() (*transcript.Transcript, []string) {
	t := &transcript.Transcript{Language: "en"}
	var (
		at      time.Duration
		seg     transcript.Segment
		texts   []string
		wantAll []string
	)
	flush := func() {
		if len(seg.Words) == 0 {
			return
		}
		seg.End = seg.Words[len(seg.Words)-1].End
		var b strings.Builder
		for _, w := range seg.Words {
			b.WriteString(w.Text)
		}
		seg.Text = strings.TrimSpace(b.String())
		texts = append(texts, seg.Text)
		t.Segments = append(t.Segments, seg)
		seg = transcript.Segment{}
	}
	for i, s := range greedySentences {
		wantAll = append(wantAll, strings.ToUpper(s[:1])+s[1:]+".")
		words := strings.Fields(s)
		hesitated := false
		for j, w := range words {
			if len(seg.Words) == 0 {
				seg.Start = at
			}
			d := 150*time.Millisecond + time.Duration(len(w))*40*time.Millisecond
			seg.Words = append(seg.Words, transcript.Word{Text: " " + w, Start: at, End: at + d, Probability: 0.9})
			at += d + 40*time.Millisecond
			if w == "the" && i%3 == 0 && !hesitated && j < len(words)-1 {
				at += 600 * time.Millisecond
				hesitated = true
			}
			if len(seg.Words) == 17 {
				flush()
			}
		}
		at += 700 * time.Millisecond
	}
	flush()
	t.Text = strings.Join(texts, " ")
	t.Duration = at
	return t, wantAll
}

// TestExtractiveTranscriptRebuildsSentences: on a long transcript without
// punctuation, whose segments end mid-sentence, every summary sentence is
// a whole sentence as spoken, not a segment fragment.
func TestExtractiveTranscriptRebuildsSentences(t *testing.T) {
	tr, sentences := greedyTranscript()
	if !lacksPunctuation(splitSentences(tr.Text, "en")) {
		t.Fatal("the fixture has sentence ends; it should have none")
	}
	if got := rebuildSentences(tr); len(got) != len(sentences) || got[1] != sentences[1] {
		t.Errorf("rebuilt %d sentences, want %d; second %q, want %q", len(got), len(sentences), got[1], sentences[1])
	}
	for _, typ := range []string{transcript.SummaryBullets, transcript.SummaryParagraph} {
		got := ExtractiveTranscript(tr, typ)
		if typ == transcript.SummaryBullets {
			if len(got.Bullets) != 4 {
				t.Errorf("got %d bullets, want 4 (a fifth of %d sentences): %q", len(got.Bullets), len(sentences), got.Bullets)
			}
			assertInOrder(t, got.Bullets, sentences)
			continue
		}
		for _, s := range splitSentences(got.Text, "en") {
			assertInOrder(t, []string{s}, sentences)
		}
	}
}

// TestRebuildSentencesLongRun cuts a run of words without any pause at
// maxSentenceWords, at the longest gap of its second half.
func TestRebuildSentencesLongRun(t *testing.T) {
	var words []transcript.Word
	at := time.Duration(0)
	for i := range 60 {
		gap := 50 * time.Millisecond
		if i == 29 {
			gap = 200 * time.Millisecond // longest gap in the first 40
		}
		words = append(words, transcript.Word{Text: " w", Start: at, End: at + 200*time.Millisecond})
		at += 200*time.Millisecond + gap
	}
	tr := &transcript.Transcript{Language: "en", Segments: []transcript.Segment{{Words: words}}}
	got := rebuildSentences(tr)
	if len(got) != 2 || len(strings.Fields(got[0])) != 30 {
		t.Errorf("rebuilt %d sentences, first of %d words; want 2, the first of 30", len(got), len(strings.Fields(got[0])))
	}
}
