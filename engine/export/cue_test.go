package export

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

func TestSpaceCues(t *testing.T) {
	tests := []struct {
		name   string
		minDur time.Duration
		in     [][2]time.Duration
		want   [][2]time.Duration
	}{
		{"kept", time.Second, [][2]time.Duration{{0, ms(2000)}, {ms(2000), ms(4000)}}, [][2]time.Duration{{0, ms(2000)}, {ms(2000), ms(4000)}}},
		{"overlap trimmed", time.Second, [][2]time.Duration{{0, ms(2000)}, {ms(1500), ms(3000)}}, [][2]time.Duration{{0, ms(1500)}, {ms(1500), ms(3000)}}},
		{"zero length gets the minimum", time.Second, [][2]time.Duration{{ms(1000), ms(1000)}, {ms(5000), ms(6000)}}, [][2]time.Duration{{ms(1000), ms(2000)}, {ms(5000), ms(6000)}}},
		{"minimum stops at the next cue", time.Second, [][2]time.Duration{{ms(1000), ms(1000)}, {ms(1400), ms(3000)}}, [][2]time.Duration{{ms(1000), ms(1400)}, {ms(1400), ms(3000)}}},
		{"short cue lengthened", time.Second, [][2]time.Duration{{0, ms(300)}}, [][2]time.Duration{{0, ms(1000)}}},
		{"no minimum", time.Millisecond, [][2]time.Duration{{0, ms(300)}, {ms(500), ms(500)}}, [][2]time.Duration{{0, ms(300)}, {ms(500), ms(501)}}},
		{"same start pushed", time.Second, [][2]time.Duration{{ms(1000), ms(1000)}, {ms(1000), ms(1000)}}, [][2]time.Duration{{ms(1000), ms(2000)}, {ms(2000), ms(3000)}}},
		{"inside the previous", time.Second, [][2]time.Duration{{0, ms(5000)}, {ms(1000), ms(2000)}}, [][2]time.Duration{{0, ms(1000)}, {ms(1000), ms(2000)}}},
		{"negative", time.Second, [][2]time.Duration{{-ms(500), ms(200)}}, [][2]time.Duration{{0, ms(1000)}}},
		{"sub-millisecond", time.Millisecond, [][2]time.Duration{{0, 400 * time.Microsecond}}, [][2]time.Duration{{0, ms(1)}}},
		{"rounded", time.Millisecond, [][2]time.Duration{{1600 * time.Microsecond, 2400 * time.Microsecond}}, [][2]time.Duration{{ms(2), ms(3)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cues []cue
			for _, c := range tt.in {
				cues = append(cues, cue{start: c[0], end: c[1]})
			}
			spaceCues(cues, tt.minDur)
			var got [][2]time.Duration
			for _, c := range cues {
				got = append(got, [2]time.Duration{c.start, c.end})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("spaceCues = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSRTPrefix(t *testing.T) {
	tests := []struct {
		speaker string
		width   int
		want    string
	}{
		{"", 42, ""},
		{"Speaker A", 42, "[Speaker A] "},
		{"Speaker Dr. Alexandra Montgomery-Smith", 42, "[Speaker Dr. Alexandra Mo…] "},
		{"Speaker A", 10, "[Spe…] "},
		{"Speaker A", 5, ""},
		{"Speaker A", 3, ""},
	}
	for _, tt := range tests {
		if got := srtPrefix(tt.speaker, tt.width); got != tt.want {
			t.Errorf("srtPrefix(%q, %d) = %q, want %q", tt.speaker, tt.width, got, tt.want)
		}
	}
}

// render writes t in f with o and returns the output.
func render(t *testing.T, tr *transcript.Transcript, f Format, o CaptionOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, tr, f, o); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.String()
}

func TestSpeakerBudget(t *testing.T) {
	text := "This line has thirty-eight characters." // 39 runes
	tr := &transcript.Transcript{Segments: []transcript.Segment{{End: 3 * time.Second, Text: text, Speaker: "A"}}}
	srt := render(t, tr, SRT, CaptionOptions{})
	if want := "[Speaker A] This line has\nthirty-eight characters.\n"; !strings.HasSuffix(srt, want) {
		t.Errorf("SRT =\n%s\nwant the prefix to push text onto a second line:\n%s", srt, want)
	}
	vtt := render(t, tr, VTT, CaptionOptions{})
	if want := "<v Speaker A>" + text + "\n"; !strings.HasSuffix(vtt, want) {
		t.Errorf("VTT =\n%s\nwant the voice span not to count:\n%s", vtt, want)
	}
}

func TestCuesInTimeOrder(t *testing.T) {
	tr := &transcript.Transcript{Segments: []transcript.Segment{
		{Start: 5 * time.Second, End: 6 * time.Second, Text: "second"},
		{Start: time.Second, End: 2 * time.Second, Text: "first"},
	}}
	want := "1\n00:00:01,000 --> 00:00:02,000\nfirst\n\n2\n00:00:05,000 --> 00:00:06,000\nsecond\n"
	if got := render(t, tr, SRT, CaptionOptions{}); got != want {
		t.Errorf("SRT of unordered segments =\n%s\nwant\n%s", got, want)
	}
}

func TestVTTEscapes(t *testing.T) {
	tr := &transcript.Transcript{Segments: []transcript.Segment{
		{End: time.Second, Text: "a<b & c-->d", Speaker: "x>y&z"},
	}}
	want := "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Speaker x&gt;y&amp;z>a&lt;b &amp; c--&gt;d\n"
	if got := render(t, tr, VTT, CaptionOptions{}); got != want {
		t.Errorf("VTT =\n%s\nwant\n%s", got, want)
	}
}

func TestOverlongWordCut(t *testing.T) {
	word := strings.Repeat("x", 100)
	tr := &transcript.Transcript{Segments: []transcript.Segment{{End: 3 * time.Second, Text: "a " + word + " b"}}}
	got := render(t, tr, SRT, CaptionOptions{MaxLineLength: 40, MaxLines: 2})
	want := "1\n00:00:00,000 --> 00:00:01,206\na\n" + word[:40] + "\n\n" +
		"2\n00:00:01,206 --> 00:00:03,000\n" + word[40:80] + "\n" + word[80:] + " b\n"
	if got != want {
		t.Errorf("SRT =\n%s\nwant\n%s", got, want)
	}
}
