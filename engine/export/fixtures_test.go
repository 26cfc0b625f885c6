package export

import (
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// fixture is a transcript the golden and validator tests render.
type fixture struct {
	name string
	t    *transcript.Transcript
}

// fixtures returns the test transcripts, built afresh on each call.
func fixtures() []fixture {
	return []fixture{
		{"short", shortTranscript()},
		{"long", longTranscript()},
		{"speakers", withText(speakersTranscript())},
		{"unicode", withText(unicodeTranscript())},
		{"hours", withText(hoursTranscript())},
	}
}

// withText sets t.Text to its segments' texts joined, as the engine does.
func withText(t *transcript.Transcript) *transcript.Transcript {
	var texts []string
	for _, s := range t.Segments {
		if s.Text = strings.TrimSpace(s.Text); s.Text != "" {
			texts = append(texts, s.Text)
		}
	}
	t.Text = strings.Join(texts, " ")
	return t
}

// sec returns s seconds as a duration.
func sec(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}

// shortTranscript is two plain segments.
func shortTranscript() *transcript.Transcript {
	return &transcript.Transcript{
		Language: "en",
		Duration: sec(6.5),
		Text:     "Hello, and welcome to the show. Today we talk about captions.",
		Segments: []transcript.Segment{
			{Start: 0, End: sec(2.5), Text: "Hello, and welcome to the show."},
			{Start: sec(2.5), End: sec(6.24), Text: "Today we talk about captions."},
		},
	}
}

// longText is a segment too long for one cue.
const longText = "Captions are more than a transcript on a screen. Each cue has to be short enough to read " +
	"in the time it is shown, so a long segment is split at word boundaries, and the words keep " +
	"their own timings, which whisper measured for every token. Nobody likes reading a wall of text."

// longTranscript is a long segment with word timings, and a long segment
// without them.
func longTranscript() *transcript.Transcript {
	first := transcript.Segment{Start: sec(0.5), Text: longText, Words: wordsFor(longText, sec(0.8))}
	first.End = first.Words[len(first.Words)-1].End + sec(0.4)
	second := transcript.Segment{
		Start: first.End + sec(1),
		End:   first.End + sec(21),
		Text: "Without word timings the time of a segment is shared by its characters, " +
			"and a segment longer than seven seconds is split even when its text would fit.",
	}
	return &transcript.Transcript{
		Language: "en",
		Duration: second.End + sec(2),
		Text:     first.Text + " " + second.Text,
		Segments: []transcript.Segment{first, second},
	}
}

// wordsFor returns whisper-like words for text from start: a leading space,
// trailing punctuation as a word of its own, 60ms a character plus 100ms,
// and a pause after a sentence.
func wordsFor(text string, start time.Duration) []transcript.Word {
	var words []transcript.Word
	at := start
	for i, f := range strings.Fields(text) {
		body := strings.TrimRight(f, ".,")
		d := 100*time.Millisecond + time.Duration(len(body))*60*time.Millisecond
		p := float32(0.99 - float64(i%7)/20)
		words = append(words, transcript.Word{Text: " " + body, Start: at, End: at + d, Probability: p})
		at += d
		if punct := f[len(body):]; punct != "" {
			words = append(words, transcript.Word{Text: punct, Start: at, End: at + 20*time.Millisecond, Probability: 0.9})
			at += 20 * time.Millisecond
			if punct == "." {
				at += 300 * time.Millisecond
			}
		}
	}
	return words
}

// namedSpeakersTranscript is speakersTranscript with speakers A and B
// named (B with characters WebVTT must escape) and the first four segments
// given word timings, labelled like their segments.
func namedSpeakersTranscript() *transcript.Transcript {
	t := withText(speakersTranscript())
	t.Speakers = []transcript.Speaker{
		{Label: "A", SpeakingTime: sec(4), Name: "Ana Ruiz"},
		{Label: "B", SpeakingTime: sec(9.3), Name: "Ben & <Co>"},
	}
	for i := range t.Segments[:4] {
		s := &t.Segments[i]
		s.Words = wordsFor(s.Text, s.Start)
		for j := range s.Words {
			s.Words[j].Speaker = s.Speaker
		}
		s.End = max(s.End, s.Words[len(s.Words)-1].End)
	}
	return t
}

// speakersTranscript is a conversation with speaker labels, a long turn, a
// label too long for an SRT line, and tinydiarize turns.
func speakersTranscript() *transcript.Transcript {
	return &transcript.Transcript{
		Language: "en",
		Duration: sec(30),
		Segments: []transcript.Segment{
			{Start: sec(0), End: sec(2), Text: "Did you finish the report?", Speaker: "A"},
			{Start: sec(2.2), End: sec(3.1), Text: "Almost.", Speaker: "B"},
			{Start: sec(3.1), End: sec(11.5), Speaker: "B",
				Text: "I still need the numbers from the third quarter, and then I have to check every chart twice."},
			{Start: sec(12), End: sec(14), Text: "Then send it by Friday, please.", Speaker: "A"},
			{Start: sec(14.5), End: sec(18), Text: "As the chair I would like to add one thing.",
				Speaker: "Dr. Alexandra Montgomery-Smith"},
			{Start: sec(18), End: sec(20), Text: "We meet again on Monday.", SpeakerTurnNext: true},
			{Start: sec(20), End: sec(21), Text: "Sure.", SpeakerTurnNext: true},
			{Start: sec(21), End: sec(22), Text: "Thanks."},
		},
	}
}

// unicodeTranscript is Japanese, Chinese and accented text with an emoji,
// markup characters, an empty segment and a zero-length one.
func unicodeTranscript() *transcript.Transcript {
	return &transcript.Transcript{
		Language: "ja",
		Duration: sec(40),
		Segments: []transcript.Segment{
			{Start: sec(0), End: sec(9),
				Text: "今日は字幕の話をします。字幕は読みやすさが大切なので、一行の文字数には上限があります。" +
					"長い文は「二つ以上の字幕」に分けて表示します。"},
			{Start: sec(9), End: sec(9), Text: "   "},
			{Start: sec(9.5), End: sec(12), Text: "我们今天讨论字幕，每行不能太长。"},
			{Start: sec(12), End: sec(14), Text: "Ça va? Très bien 😀 — naïve café, Zürich."},
			{Start: sec(14), End: sec(14), Text: "Okay."},
			{Start: sec(14.4), End: sec(17), Text: "Tags like <b>bold</b> & arrows --> stay text."},
			{Start: sec(17), End: sec(18), Text: ""},
		},
	}
}

// hoursTranscript has a negative start, overlapping segments, and times
// beyond one and beyond a hundred hours.
func hoursTranscript() *transcript.Transcript {
	return &transcript.Transcript{
		Language: "en",
		Duration: 101 * time.Hour,
		Segments: []transcript.Segment{
			{Start: -sec(0.5), End: sec(1.25), Text: "A negative start is written as zero."},
			{Start: time.Hour - sec(2), End: time.Hour + sec(3.5), Text: "One hour in."},
			{Start: time.Hour + sec(3), End: time.Hour + sec(5), Text: "This one overlaps the one before."},
			{Start: 99*time.Hour + 59*time.Minute + sec(59.9), End: 100*time.Hour + sec(2.0004),
				Text: "Hours grow past ninety-nine."},
		},
	}
}
