package export

import (
	"testing"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

func TestTXT(t *testing.T) {
	tests := []struct {
		name string
		t    *transcript.Transcript
		want string
	}{
		{"line per segment", &transcript.Transcript{Segments: []transcript.Segment{
			{Text: " one "}, {Text: ""}, {Text: "two\n  lines"},
		}}, "one\ntwo lines\n"},
		{"no segments", &transcript.Transcript{Text: "  just text \n"}, "just text\n"},
		{"nothing", &transcript.Transcript{}, ""},
		{"speakers", &transcript.Transcript{Segments: []transcript.Segment{
			{Text: "Hi.", Speaker: "A"}, {Text: "How are you?", Speaker: "A"}, {Text: "", Speaker: "B"},
			{Text: "Fine.", Speaker: "B"}, {Text: "Unlabelled."}, {Text: "Back.", Speaker: "A"},
		}}, "Speaker A: Hi. How are you?\n\nSpeaker B: Fine.\n\nUnlabelled.\n\nSpeaker A: Back.\n"},
		{"turns", &transcript.Transcript{Segments: []transcript.Segment{
			{Text: "one"}, {Text: "two", SpeakerTurnNext: true}, {Text: "three"}, {Text: " ", SpeakerTurnNext: true}, {Text: "four"},
		}}, "one two\n\nthree\n\nfour\n"},
		{"turn within a speaker", &transcript.Transcript{Segments: []transcript.Segment{
			{Text: "one", Speaker: "A", SpeakerTurnNext: true}, {Text: "two", Speaker: "A"},
		}}, "Speaker A: one\n\nSpeaker A: two\n"},
		{"chinese joins without spaces", &transcript.Transcript{Segments: []transcript.Segment{
			{Text: "我们今天讨论字幕。", Speaker: "甲"}, {Text: "每行不能太长", Speaker: "甲"}, {Text: "OK", Speaker: "甲"},
		}}, "Speaker 甲: 我们今天讨论字幕。每行不能太长 OK\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.t, TXT, CaptionOptions{}); got != tt.want {
				t.Errorf("TXT =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
