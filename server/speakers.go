package server

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// maxSpeakerNameRunes bounds a speaker name.
const maxSpeakerNameRunes = 64

// speakerNamePunct is the punctuation a speaker name may hold besides
// letters, marks, digits and spaces.
const speakerNamePunct = ".,'’-_()&"

// patchRequest is the body of PATCH /v1/transcriptions/{id}. A null name
// removes the name of that label.
type patchRequest struct {
	SpeakerNames map[string]*string `json:"speaker_names"`
}

// patchTranscription names the speakers of a completed job. Nothing is
// run again: the names are stored on the job and applied whenever the
// transcript is shown or exported. The same request twice gives the same
// job.
func (s *Server) patchTranscription(c echo.Context) error {
	var in patchRequest
	if err := decodeStrict(http.MaxBytesReader(c.Response(), c.Request().Body, maxJSONBody), &in); err != nil {
		return err
	}
	if in.SpeakerNames == nil {
		return apiErr(CodeInvalidRequest, "speaker_names is required, e.g. {\"speaker_names\": {\"A\": \"Ana\"}}")
	}
	keyID := keyOf(c).ID
	j, err := s.store.GetJobForKey(c.Param("id"), keyID)
	if err != nil {
		return notFoundJob(err)
	}
	if j.Status != store.Completed {
		return apiErr(CodeNotReady, "the transcription is %s; speakers can be named once it is completed", j.Status)
	}
	tr, err := s.transcript(j)
	if err != nil {
		return err
	}
	labels := make([]string, 0, len(tr.Speakers))
	for _, sp := range tr.Speakers {
		labels = append(labels, sp.Label)
	}
	names, err := validateSpeakerNames(in.SpeakerNames, labels)
	if err != nil {
		return err
	}
	j, err = s.store.SetSpeakerNames(j.ID, keyID, names)
	if errors.Is(err, store.ErrNotFinished) {
		return apiErr(CodeNotReady, "the transcription is not completed")
	}
	if err != nil {
		return notFoundJob(err)
	}
	if tr, err = s.transcript(j); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toJobResponse(j, tr, true))
}

// validateSpeakerNames checks a speaker_names object against the labels
// of the transcript and returns it as the store takes it ("" removes a
// name). A name is trimmed, 1-64 characters of letters, marks, digits,
// spaces and the punctuation in speakerNamePunct.
func validateSpeakerNames(in map[string]*string, labels []string) (map[string]string, error) {
	if len(labels) == 0 {
		return nil, apiErr(CodeInvalidRequest, "this transcription has no speaker labels to name (create it with speaker_labels=true)")
	}
	if len(in) == 0 {
		return nil, apiErr(CodeInvalidRequest, "speaker_names is empty; name at least one of the labels %s", strings.Join(labels, ", "))
	}
	out := make(map[string]string, len(in))
	for label, name := range in {
		if !slices.Contains(labels, label) {
			return nil, apiErr(CodeInvalidRequest, "speaker_names: unknown speaker label %q; this transcription has %s", label, strings.Join(labels, ", "))
		}
		if name == nil {
			out[label] = ""
			continue
		}
		n := strings.TrimSpace(*name)
		if l := utf8.RuneCountInString(n); l < 1 || l > maxSpeakerNameRunes {
			return nil, apiErr(CodeInvalidRequest, "speaker_names.%s: a name is 1 to %d characters (null removes it)", label, maxSpeakerNameRunes)
		}
		for _, r := range n {
			if !(unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || r == ' ' || strings.ContainsRune(speakerNamePunct, r)) {
				return nil, apiErr(CodeInvalidRequest, "speaker_names.%s: %q is not allowed; use letters, digits, spaces and %s", label, r, speakerNamePunct)
			}
		}
		out[label] = n
	}
	return out, nil
}
