package server

import (
	"bytes"
	"compress/zlib"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// OpenAI's response shapes. Fields whisper.cpp does not give us keep
// OpenAI's types with neutral values: tokens [], temperature 0 (the
// request's temperature is validated but not used), no_speech_prob 0.
// avg_logprob is the mean log probability of the segment's words and
// compression_ratio the text's size over its zlib size, as OpenAI computes
// them; seek is the start of the segment's 30-second window in 10 ms
// frames.

// textResponse is response_format=json.
type textResponse struct {
	Text  string         `json:"text"`
	Usage *durationUsage `json:"usage,omitempty"`
}

// durationUsage is the usage of a transcription: the audio's seconds,
// rounded up.
type durationUsage struct {
	Type    string `json:"type"`
	Seconds int64  `json:"seconds"`
}

// verboseResponse is response_format=verbose_json.
type verboseResponse struct {
	Task     string           `json:"task"`
	Language string           `json:"language"`
	Duration export.Seconds   `json:"duration"`
	Text     string           `json:"text"`
	Segments []verboseSegment `json:"segments,omitempty"`
	Words    []verboseWord    `json:"words,omitempty"`
	Usage    *durationUsage   `json:"usage,omitempty"`
}

type verboseSegment struct {
	ID               int            `json:"id"`
	Seek             int            `json:"seek"`
	Start            export.Seconds `json:"start"`
	End              export.Seconds `json:"end"`
	Text             string         `json:"text"`
	Tokens           []int          `json:"tokens"`
	Temperature      float64        `json:"temperature"`
	AvgLogprob       float64        `json:"avg_logprob"`
	CompressionRatio float64        `json:"compression_ratio"`
	NoSpeechProb     float64        `json:"no_speech_prob"`
}

type verboseWord struct {
	Word  string         `json:"word"`
	Start export.Seconds `json:"start"`
	End   export.Seconds `json:"end"`
}

// renderOpenAI writes a completed job's transcript in the requested
// response_format. srt, vtt and text are text/plain, as OpenAI serves them.
func (s *Server) renderOpenAI(c echo.Context, in openAIRequest, translate bool, j store.Job, tr *export.JSONTranscript) error {
	var usage *durationUsage
	if !translate {
		// OpenAI reports usage for transcriptions only.
		usage = &durationUsage{Type: "duration", Seconds: int64(math.Ceil(time.Duration(tr.Duration).Seconds()))}
	}
	switch in.ResponseFormat {
	case formatText:
		return c.Blob(http.StatusOK, echo.MIMETextPlainCharsetUTF8, []byte(tr.Text+"\n"))
	case formatSRT, formatVTT:
		var buf bytes.Buffer
		if err := export.Write(&buf, tr.Transcript(), export.Format(in.ResponseFormat), export.CaptionOptions{}); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, echo.MIMETextPlainCharsetUTF8, buf.Bytes())
	case formatVerboseJSON:
		return c.JSON(http.StatusOK, verbose(tr, in, translate, usage))
	default:
		return c.JSON(http.StatusOK, textResponse{Text: tr.Text, Usage: usage})
	}
}

// verbose builds the verbose_json body: segments unless only word
// timestamps were asked for, words when they were.
func verbose(tr *export.JSONTranscript, in openAIRequest, translate bool, usage *durationUsage) verboseResponse {
	r := verboseResponse{
		Task:     "transcribe",
		Language: languageName(tr.Language),
		Duration: tr.Duration,
		Text:     tr.Text,
		Usage:    usage,
	}
	if translate {
		// The language of the output, as OpenAI reports it.
		r.Task, r.Language = "translate", "english"
	}
	const window = 30 * time.Second
	for i, seg := range tr.Segments {
		if in.Segments {
			r.Segments = append(r.Segments, verboseSegment{
				ID:               i,
				Seek:             int(time.Duration(seg.Start)/window) * int(window/(10*time.Millisecond)),
				Start:            seg.Start,
				End:              seg.End,
				Text:             seg.Text,
				Tokens:           []int{},
				AvgLogprob:       avgLogprob(seg.Words),
				CompressionRatio: compressionRatio(seg.Text),
			})
		}
		if in.Words {
			for _, w := range seg.Words {
				if text := strings.TrimSpace(w.Word); text != "" {
					r.Words = append(r.Words, verboseWord{Word: text, Start: w.Start, End: w.End})
				}
			}
		}
	}
	if in.Segments && r.Segments == nil {
		r.Segments = []verboseSegment{}
	}
	if in.Words && r.Words == nil {
		r.Words = []verboseWord{}
	}
	return r
}

// avgLogprob is the mean natural log of the words' probabilities, 0 when
// there are none.
func avgLogprob(words []export.JSONWord) float64 {
	var sum float64
	n := 0
	for _, w := range words {
		if w.Probability > 0 {
			sum += math.Log(float64(w.Probability))
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// compressionRatio is len(text) over the length of its zlib compression,
// whisper's measure of repetitive output; 0 for empty text.
func compressionRatio(text string) float64 {
	if text == "" {
		return 0
	}
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write([]byte(text))
	zw.Close()
	return float64(len(text)) / float64(buf.Len())
}
