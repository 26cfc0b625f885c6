package summarize

import (
	"strings"
	"testing"
	"unicode"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// nonSpace returns s without white space.
func nonSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func FuzzSplitSentences(f *testing.F) {
	for _, s := range []string{"", jfk, "Mr. Smith. e.g. U.S. 3. Mai", "今天。明天！", "a...b?! \"c.\" (d.)\n\ne", "\xff. x"} {
		f.Add(s, "en")
	}
	f.Add("am 3. Mai. Ja.", "de")
	f.Fuzz(func(t *testing.T, text, lang string) {
		sentences := splitSentences(text, lang)
		for _, s := range sentences {
			if s == "" || s != strings.TrimSpace(s) {
				t.Fatalf("sentence %q is empty or untrimmed", s)
			}
		}
		// Splitting loses nothing but white space.
		if got, want := nonSpace(strings.Join(sentences, "")), nonSpace(string([]rune(text))); got != want {
			t.Fatalf("sentences %q do not add up to %q", sentences, text)
		}
	})
}

func FuzzExtractive(f *testing.F) {
	f.Add(jfk, "en", "bullets")
	f.Add("一。二。三。四。五。六。", "zh", "paragraph")
	f.Fuzz(func(t *testing.T, text, lang, typ string) {
		sum := Extractive(text, lang, typ)
		if sum.Method != MethodExtractive || len(sum.Bullets) > maxBullets {
			t.Fatalf("summary %+v: wrong method or too many bullets", *sum)
		}
		if sum.Type == transcript.SummaryBullets && sum.Text != strings.Join(sum.Bullets, "\n") {
			t.Fatalf("bullets %q do not match Text %q", sum.Bullets, sum.Text)
		}
	})
}

func FuzzParseAnswer(f *testing.F) {
	f.Add("- One\n- Two")
	f.Add("<think>x</think>1) a\n(2) b")
	f.Fuzz(func(t *testing.T, content string) {
		sum, err := parseAnswer(content, transcript.SummaryBullets)
		if err != nil {
			return
		}
		if len(sum.Bullets) == 0 || len(sum.Bullets) > maxBullets {
			t.Fatalf("parseAnswer(%q) gave %d bullets", content, len(sum.Bullets))
		}
		for _, b := range sum.Bullets {
			if b == "" {
				t.Fatalf("parseAnswer(%q) gave an empty bullet", content)
			}
		}
	})
}
