package export

import "github.com/instanttranscriber/instanttranscriber/engine/transcript"

// speakerName is how exports show a diarization label of t: the name the
// user gave that speaker in t.Speakers, else "A" becomes "Speaker A". An
// empty label stays empty. Names are kept to one line.
func speakerName(t *transcript.Transcript, label string) string {
	if label == "" {
		return ""
	}
	for _, sp := range t.Speakers {
		if sp.Label == label && sp.Name != "" {
			return oneLine(sp.Name)
		}
	}
	return "Speaker " + label
}
