package export

// speakerName is how exports show a diarization label: "A" becomes
// "Speaker A". An empty label stays empty.
func speakerName(label string) string {
	if label == "" {
		return ""
	}
	return "Speaker " + label
}
