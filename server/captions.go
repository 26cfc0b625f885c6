package server

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/export"
)

// The caption query parameters of export.srt and export.vtt, and their
// bounds.
const (
	paramMaxLineLength  = "max_line_length"
	paramMaxLines       = "max_lines"
	paramMaxCueDuration = "max_cue_duration"

	minCaptionLineLength = 10
	maxCaptionLineLength = 200
	maxCaptionLines      = 10
	minCaptionCue        = time.Second
	maxCaptionCue        = 60 * time.Second
)

// captionParams reads the caption parameters of an export request: the
// options, and the parameters in canonical form ("" when none is given),
// which a signed URL's signature covers together with the format. They
// apply to srt and vtt only; on another format they are invalid.
func captionParams(format export.Format, q url.Values) (export.CaptionOptions, string, error) {
	var (
		o     export.CaptionOptions
		canon []string
	)
	if v, ok := lastParam(q, paramMaxCueDuration); ok {
		f, err := strconv.ParseFloat(v, 64)
		d := time.Duration(f * float64(time.Second)).Round(time.Millisecond)
		if err != nil || d < minCaptionCue || d > maxCaptionCue {
			return o, "", apiErr(CodeInvalidRequest, "%s must be a number of seconds from %g to %g", paramMaxCueDuration, minCaptionCue.Seconds(), maxCaptionCue.Seconds())
		}
		o.MaxCueDuration = d
		canon = append(canon, paramMaxCueDuration+"="+strconv.FormatFloat(d.Seconds(), 'f', -1, 64))
	}
	if v, ok := lastParam(q, paramMaxLineLength); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < minCaptionLineLength || n > maxCaptionLineLength {
			return o, "", apiErr(CodeInvalidRequest, "%s must be a whole number of characters from %d to %d", paramMaxLineLength, minCaptionLineLength, maxCaptionLineLength)
		}
		o.MaxLineLength = n
		canon = append(canon, paramMaxLineLength+"="+strconv.Itoa(n))
	}
	if v, ok := lastParam(q, paramMaxLines); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxCaptionLines {
			return o, "", apiErr(CodeInvalidRequest, "%s must be a whole number from 1 to %d", paramMaxLines, maxCaptionLines)
		}
		o.MaxLines = n
		canon = append(canon, paramMaxLines+"="+strconv.Itoa(n))
	}
	if len(canon) > 0 && format != export.SRT && format != export.VTT {
		return o, "", apiErr(CodeInvalidRequest, "%s, %s and %s apply to export.srt and export.vtt only", paramMaxLineLength, paramMaxLines, paramMaxCueDuration)
	}
	return o, strings.Join(canon, "&"), nil
}

// lastParam returns the value of a query parameter and whether it is there.
// A parameter given more than once comes back with its values joined by
// commas, which fails to parse, so it is refused.
func lastParam(q url.Values, name string) (string, bool) {
	vs, ok := q[name]
	if !ok {
		return "", false
	}
	return strings.Join(vs, ","), true
}

// captionScope is what a signed export URL's signature covers: the format,
// and the canonical caption parameters when there are any.
func captionScope(format export.Format, canon string) string {
	if canon == "" {
		return string(format)
	}
	return string(format) + "?" + canon
}

// captionURLs replaces the srt and vtt entries of a job's download URLs
// with signed URLs that carry the caption parameters canon.
func (s *Server) captionURLs(urls map[string]string, jobID, keyID, canon string) {
	if canon == "" || urls == nil {
		return
	}
	exp := s.now().Add(s.cfg.DownloadURLTTL)
	for _, f := range []export.Format{export.SRT, export.VTT} {
		sig := s.signer.Query(jobID, keyID, captionScope(f, canon), exp)
		urls[string(f)] = s.public + "/v1/transcriptions/" + jobID + "/export" + f.Extension() + "?" + canon + "&" + sig
	}
}
