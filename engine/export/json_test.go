package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// transcriptsEqual reports whether a and b are equal, treating nil and
// empty slices alike.
func transcriptsEqual(a, b *transcript.Transcript) bool {
	norm := func(t *transcript.Transcript) transcript.Transcript {
		c := *t
		if len(c.Segments) == 0 {
			c.Segments = nil
		}
		c.Segments = append([]transcript.Segment(nil), c.Segments...)
		for i := range c.Segments {
			if len(c.Segments[i].Words) == 0 {
				c.Segments[i].Words = nil
			}
		}
		return c
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func TestJSONRoundTrip(t *testing.T) {
	for _, fix := range fixtures() {
		if fix.name == "hours" {
			continue // has a negative start and sub-millisecond times
		}
		t.Run(fix.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, fix.t, JSON, CaptionOptions{}); err != nil {
				t.Fatal(err)
			}
			got, err := DecodeJSON(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !transcriptsEqual(got, fix.t) {
				t.Errorf("DecodeJSON(Write(t)) =\n%+v\nwant\n%+v", got, fix.t)
			}
		})
	}
}

func TestJSONRoundTripRoundsTimes(t *testing.T) {
	in := hoursTranscript()
	var buf bytes.Buffer
	if err := Write(&buf, in, JSON, CaptionOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range got.Segments {
		want := clampTime(in.Segments[i].Start)
		if s.Start != want {
			t.Errorf("segment %d start = %v, want %v", i, s.Start, want)
		}
		want = clampTime(in.Segments[i].End)
		if s.End != want {
			t.Errorf("segment %d end = %v, want %v", i, s.End, want)
		}
	}
}

func TestSecondsMarshal(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0"},
		{1230 * time.Millisecond, "1.23"},
		{1234567 * time.Microsecond, "1.235"},
		{5 * time.Millisecond, "0.005"},
		{time.Second, "1"},
		{-time.Second, "0"},
		{100 * time.Hour, "360000"},
		{time.Duration(math.MaxInt64), "9223372036.854"},
	}
	for _, tt := range tests {
		got, err := json.Marshal(Seconds(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("Marshal(Seconds(%v)) = %s, %v, want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestSecondsUnmarshal(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"1.23", 1230 * time.Millisecond, false},
		{"0", 0, false},
		{"2", 2 * time.Second, false},
		{"0.0004", 0, false},
		{"1e3", 1000 * time.Second, false},
		{"9223372036.854", 9223372036854 * time.Millisecond, false},
		{"9223372036.855", 0, true},
		{"-0.5", 0, true},
		{"1e300", 0, true},
		{`"1.5"`, 0, true},
	}
	for _, tt := range tests {
		var got Seconds
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr || time.Duration(got) != tt.want {
			t.Errorf("Unmarshal(%s) = %v, %v, want %v, error %v", tt.in, time.Duration(got), err, tt.want, tt.wantErr)
		}
	}
}

func TestJSONShape(t *testing.T) {
	in := &transcript.Transcript{
		Segments: []transcript.Segment{
			{Text: "plain"},
			{Text: "full", Speaker: "A", SpeakerTurnNext: true, Words: []transcript.Word{
				{Text: "full", Start: time.Second, End: 2 * time.Second, Probability: float32(math.NaN())},
			}},
		},
	}
	var buf bytes.Buffer
	if err := Write(&buf, in, JSON, CaptionOptions{}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	segs := got["segments"].([]any)
	plain, full := segs[0].(map[string]any), segs[1].(map[string]any)
	for _, k := range []string{"speaker", "speaker_turn_next", "words"} {
		if _, ok := plain[k]; ok {
			t.Errorf("segment without %s has the key", k)
		}
		if _, ok := full[k]; !ok {
			t.Errorf("segment with %s lacks the key", k)
		}
	}
	if id := full["id"]; id != 1.0 {
		t.Errorf("second segment id = %v, want 1", id)
	}
	word := full["words"].([]any)[0].(map[string]any)
	if word["word"] != "full" || word["start"] != 1.0 || word["end"] != 2.0 || word["probability"] != 0.0 {
		t.Errorf("word = %v, want full from 1 to 2 with NaN probability as 0", word)
	}
	empty := &transcript.Transcript{}
	buf.Reset()
	if err := Write(&buf, empty, JSON, CaptionOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"segments": []`) {
		t.Errorf("empty transcript: want \"segments\": [], got %s", buf.String())
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"not json", "hello"},
		{"truncated", `{"segments":[`},
		{"negative time", `{"segments":[{"start":-1}]}`},
		{"huge time", `{"duration":1e300}`},
		{"string time", `{"duration":"1"}`},
		{"trailing data", `{} {}`},
		{"wrong type", `{"segments":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeJSON(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("DecodeJSON(%s) = %+v, want an error", tt.in, got)
			}
			if !strings.HasPrefix(err.Error(), "export: decode json: ") {
				t.Errorf("error %q lacks the op prefix", err)
			}
		})
	}
	if _, err := DecodeJSON(strings.NewReader("{")); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("DecodeJSON({) = %v, want it to wrap io.ErrUnexpectedEOF", err)
	}
}
