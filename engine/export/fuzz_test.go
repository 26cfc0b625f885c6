package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// fuzzTranscript builds a transcript from fuzzed values: a segment for each
// "|"-separated part of text, start times step apart from start (in any
// order, overflow allowed), words for the fields of each part when words is
// set, and speaker on every other segment.
func fuzzTranscript(text string, start, step int64, words bool, speaker string) *transcript.Transcript {
	t := &transcript.Transcript{Language: "xx", Duration: time.Duration(step), Text: text}
	for i, part := range strings.Split(text, "|") {
		at := time.Duration(start + int64(i)*step)
		seg := transcript.Segment{Start: at, End: at + time.Duration(step)/2 + time.Duration(len(part))*time.Millisecond, Text: part}
		if i%2 == 1 {
			seg.Speaker = speaker
			seg.SpeakerTurnNext = true
		}
		if words {
			for j, f := range strings.Fields(part) {
				ws := at + time.Duration(int64(j)*step/7)
				seg.Words = append(seg.Words, transcript.Word{Text: " " + f, Start: ws, End: ws + time.Duration(step/5), Probability: float32(j) / 3})
			}
		}
		t.Segments = append(t.Segments, seg)
	}
	return t
}

func FuzzWrite(f *testing.F) {
	f.Add("Hello, and welcome to the show.|Today we talk about captions.", int64(0), int64(2_500_000_000), uint8(0), false, "")
	f.Add(longText+"|"+longText, int64(500_000_000), int64(30_000_000_000), uint8(0), true, "Speaker 1")
	f.Add("今日は字幕の話をします。字幕は読みやすさが大切です。||我们今天讨论字幕", int64(-1), int64(0), uint8(7), true, "話者")
	f.Add(strings.Repeat("x", 100)+" a b|<b>&</b> -->", int64(-5_000_000_000), int64(-1_000_000_000), uint8(70), false, "a <v> & b\nc")
	f.Add("one|two|three", int64(1<<62), int64(1<<62), uint8(130), true, strings.Repeat("long name ", 10))
	f.Add("\xff\xfe bad|\u2028\u00a0 x", int64(0), int64(1), uint8(255), true, "\xff")
	f.Fuzz(func(t *testing.T, text string, start, step int64, shape uint8, words bool, speaker string) {
		tr := fuzzTranscript(text, start, step, words, speaker)
		o := CaptionOptions{
			MaxLineLength:  int(shape % 50),
			MaxLines:       int(shape / 50),
			MaxCueDuration: time.Duration(shape) * 100 * time.Millisecond,
		}
		if err := validate(tr, o); err != nil {
			t.Fatal(err)
		}
		for _, format := range []Format{TXT, JSON} {
			var buf bytes.Buffer
			if err := Write(&buf, tr, format, o); err != nil {
				t.Fatalf("Write %s: %v", format, err)
			}
			if format == JSON {
				if _, err := DecodeJSON(&buf); err != nil {
					t.Fatalf("DecodeJSON of our own output: %v", err)
				}
			}
		}
	})
}

func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"language":"en","duration":1.5,"text":"hi","segments":[{"id":0,"start":0,"end":1.5,"text":"hi","words":[{"word":"hi","start":0,"end":1,"probability":0.5}]}]}`))
	f.Add([]byte(`{"segments":[{"start":-1}]}`))
	f.Add([]byte(`{"duration":1e300}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := DecodeJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, tr, JSON, CaptionOptions{}); err != nil {
			t.Fatalf("Write of a decoded transcript: %v", err)
		}
		again, err := DecodeJSON(&buf)
		if err != nil {
			t.Fatalf("DecodeJSON of our own output: %v\n%s", err, buf.String())
		}
		if !transcriptsEqual(tr, again) {
			t.Errorf("round trip changed the transcript:\n%+v\n%+v", tr, again)
		}
	})
}
