package server

import "strings"

// whisperLanguages are the language codes whisper.cpp 1.9.1 knows (its
// g_lang table), so a bad language is refused at request time rather than
// failing the job later.
var whisperLanguages = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range []string{"en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue"} {
		m[l] = true
	}
	return m
}()

// normalizeLanguage returns the lower-cased language code, "" for auto
// detection, or ok=false for a code whisper does not know.
func normalizeLanguage(v string) (string, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" || v == "auto" {
		return "", true
	}
	return v, whisperLanguages[v]
}
