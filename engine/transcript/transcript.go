// Package transcript holds the result of a transcription: the value the
// engine produces, the exporters render and the API stores. It has no cgo and
// no dependencies, so every layer can import it.
package transcript

import "time"

// Transcript is the full result of transcribing one audio file.
type Transcript struct {
	// Language is the ISO 639-1 code of the spoken language, either the one
	// requested or the one whisper detected.
	Language string
	// Duration is the length of the decoded audio.
	Duration time.Duration
	// Text is the whole transcript: the segment texts joined and trimmed.
	Text string
	// Segments are the timed pieces of the transcript, in order.
	Segments []Segment
	// Speakers lists the speakers diarization found, with their speaking
	// time; nil when speaker labels were not requested.
	Speakers []Speaker
	// Summary is set when a summary was requested.
	Summary *Summary
	// Warnings are user-facing notes about degraded post-processing, such
	// as an LLM summary that fell back to the extractive one.
	Warnings []string
}

// Speaker is one speaker found by diarization.
type Speaker struct {
	// Label is "A", "B", ... in order of first appearance.
	Label string
	// SpeakingTime is the total time attributed to the speaker.
	SpeakingTime time.Duration
	// Name is the name the user gave the speaker, "" for none; exports
	// show it instead of "Speaker A".
	Name string
}

// Summary types.
const (
	SummaryBullets   = "bullets"
	SummaryParagraph = "paragraph"
)

// Summary is a summary of the transcript.
type Summary struct {
	// Type is SummaryBullets or SummaryParagraph.
	Type string
	// Text is the paragraph, or the bullets joined by newlines.
	Text string
	// Bullets holds the bullet points when Type is SummaryBullets.
	Bullets []string
	// Method is "extractive" or "llm".
	Method string
}

// Segment is one timed piece of a transcript, as whisper emits it.
type Segment struct {
	// Start and End are offsets from the start of the audio.
	Start time.Duration
	End   time.Duration
	// Text is the segment's text with surrounding whitespace removed.
	Text string
	// Speaker is the diarization label ("A", "B", ...) of the speaker with
	// the most overlap, set by post-processing.
	Speaker string
	// SpeakerTurnNext is tinydiarize's prediction that the speaker changes
	// after this segment. It is only set with a tdrz model and option.
	SpeakerTurnNext bool
	// Words are the segment's words with their own timings, when token
	// timestamps were requested.
	Words []Word
}

// Word is one word of a segment with its timing and confidence.
type Word struct {
	Text        string
	Start       time.Duration
	End         time.Duration
	Probability float32
	// Speaker is the diarization label of the word, like Segment.Speaker.
	Speaker string
}

// MapTimes replaces every segment and word time t with f(t). The engine
// uses it to map times from speech-only audio back to the original.
func (t *Transcript) MapTimes(f func(time.Duration) time.Duration) {
	for i := range t.Segments {
		s := &t.Segments[i]
		s.Start, s.End = f(s.Start), f(s.End)
		for j := range s.Words {
			w := &s.Words[j]
			w.Start, w.End = f(w.Start), f(w.End)
		}
	}
}
