package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// JSONTranscript is a transcript as the JSON export writes it. The API can
// embed it in its own responses.
type JSONTranscript struct {
	Language string        `json:"language"`
	Duration Seconds       `json:"duration"`
	Text     string        `json:"text"`
	Segments []JSONSegment `json:"segments"`
	// Speakers, Summary and Warnings come from post-processing and are left
	// out when absent.
	Speakers []JSONSpeaker `json:"speakers,omitempty"`
	Summary  *JSONSummary  `json:"summary,omitempty"`
	Warnings []string      `json:"warnings,omitempty"`
}

// JSONSpeaker is a speaker found by diarization.
type JSONSpeaker struct {
	Label        string  `json:"label"`
	SpeakingTime Seconds `json:"speaking_time"`
	// Name is the name the user gave the speaker; left out when none.
	Name string `json:"name,omitempty"`
}

// JSONSummary is a summary: the text, and the bullets for type "bullets".
type JSONSummary struct {
	Type    string   `json:"type"`
	Text    string   `json:"text"`
	Bullets []string `json:"bullets,omitempty"`
	Method  string   `json:"method"`
}

// JSONSegment is a segment in a [JSONTranscript]. ID is its index, from 0.
// Speaker, SpeakerTurnNext and Words are left out when they are empty.
type JSONSegment struct {
	ID              int        `json:"id"`
	Start           Seconds    `json:"start"`
	End             Seconds    `json:"end"`
	Text            string     `json:"text"`
	Speaker         string     `json:"speaker,omitempty"`
	SpeakerTurnNext bool       `json:"speaker_turn_next,omitempty"`
	Words           []JSONWord `json:"words,omitempty"`
}

// JSONWord is a word in a [JSONSegment].
type JSONWord struct {
	Word        string  `json:"word"`
	Start       Seconds `json:"start"`
	End         Seconds `json:"end"`
	Probability float32 `json:"probability"`
	Speaker     string  `json:"speaker,omitempty"`
}

// NewJSONTranscript returns t in its JSON form. Times are rounded to the
// millisecond and negative ones become zero; a probability that is not a
// finite number becomes zero.
func NewJSONTranscript(t *transcript.Transcript) JSONTranscript {
	j := JSONTranscript{
		Language: t.Language,
		Duration: Seconds(t.Duration),
		Text:     t.Text,
		Segments: make([]JSONSegment, 0, len(t.Segments)),
	}
	for i, s := range t.Segments {
		js := JSONSegment{
			ID:              i,
			Start:           Seconds(s.Start),
			End:             Seconds(s.End),
			Text:            s.Text,
			Speaker:         s.Speaker,
			SpeakerTurnNext: s.SpeakerTurnNext,
		}
		for _, w := range s.Words {
			p := w.Probability
			if math.IsNaN(float64(p)) || math.IsInf(float64(p), 0) {
				p = 0
			}
			js.Words = append(js.Words, JSONWord{Word: w.Text, Start: Seconds(w.Start), End: Seconds(w.End), Probability: p, Speaker: w.Speaker})
		}
		j.Segments = append(j.Segments, js)
	}
	for _, sp := range t.Speakers {
		j.Speakers = append(j.Speakers, JSONSpeaker{Label: sp.Label, SpeakingTime: Seconds(sp.SpeakingTime), Name: sp.Name})
	}
	if t.Summary != nil {
		j.Summary = &JSONSummary{Type: t.Summary.Type, Text: t.Summary.Text, Bullets: t.Summary.Bullets, Method: t.Summary.Method}
	}
	j.Warnings = t.Warnings
	return j
}

// Transcript returns j as a transcript. Segment IDs are not kept.
func (j JSONTranscript) Transcript() *transcript.Transcript {
	t := &transcript.Transcript{
		Language: j.Language,
		Duration: time.Duration(j.Duration),
		Text:     j.Text,
	}
	for _, js := range j.Segments {
		s := transcript.Segment{
			Start:           time.Duration(js.Start),
			End:             time.Duration(js.End),
			Text:            js.Text,
			Speaker:         js.Speaker,
			SpeakerTurnNext: js.SpeakerTurnNext,
		}
		for _, w := range js.Words {
			s.Words = append(s.Words, transcript.Word{Text: w.Word, Start: time.Duration(w.Start), End: time.Duration(w.End), Probability: w.Probability, Speaker: w.Speaker})
		}
		t.Segments = append(t.Segments, s)
	}
	for _, sp := range j.Speakers {
		t.Speakers = append(t.Speakers, transcript.Speaker{Label: sp.Label, SpeakingTime: time.Duration(sp.SpeakingTime), Name: sp.Name})
	}
	if j.Summary != nil {
		t.Summary = &transcript.Summary{Type: j.Summary.Type, Text: j.Summary.Text, Bullets: j.Summary.Bullets, Method: j.Summary.Method}
	}
	t.Warnings = j.Warnings
	return t
}

// writeJSON writes t as an indented [JSONTranscript] followed by a newline.
func writeJSON(w io.Writer, t *transcript.Transcript) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(NewJSONTranscript(t))
}

// DecodeJSON reads a transcript written by the JSON export. Times are kept
// to the millisecond. It fails on malformed JSON, on anything after the
// object, and on a time that is negative or beyond what a time.Duration
// holds.
func DecodeJSON(r io.Reader) (*transcript.Transcript, error) {
	dec := json.NewDecoder(r)
	var j JSONTranscript
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("export: decode json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("export: decode json: data after the transcript")
	}
	return j.Transcript(), nil
}

// Seconds is a time offset that JSON shows as a number of seconds with at
// most three decimals, such as 1.23.
type Seconds time.Duration

// maxMillis is the most milliseconds a [Seconds] can hold.
const maxMillis = math.MaxInt64 / int64(time.Millisecond)

// MarshalJSON writes s in seconds, rounded to the millisecond, with trailing
// zeros removed; a negative s is written as 0.
func (s Seconds) MarshalJSON() ([]byte, error) {
	ms := int64(max(time.Duration(s), 0).Round(time.Millisecond) / time.Millisecond)
	b := strconv.AppendInt(nil, ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return b, nil
}

// UnmarshalJSON reads a number of seconds, rounded to the millisecond. It
// fails on a negative number or one too large for a time.Duration.
func (s *Seconds) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	v, err := strconv.ParseFloat(string(data), 64)
	if err != nil {
		return fmt.Errorf("seconds: %s is not a number", data)
	}
	ms := math.Round(v * 1000)
	if !(ms >= 0 && ms <= float64(maxMillis)) {
		return fmt.Errorf("seconds: %s out of range", data)
	}
	*s = Seconds(time.Duration(ms) * time.Millisecond)
	return nil
}
