package export

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// parsedCue is a cue read back from SRT or VTT output. For VTT, lines are
// unescaped and the voice span is moved to speaker.
type parsedCue struct {
	start, end time.Duration
	speaker    string
	lines      []string
}

var (
	srtTiming = regexp.MustCompile(`^(\d{2,}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d),(\d{3})$`)
	vttTiming = regexp.MustCompile(`^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$`)
	vttVoice  = regexp.MustCompile(`^<v ((?:[^<>&\n]|&(?:amp|lt|gt);)+)>`)
	vttEntity = regexp.MustCompile(`&(?:amp|lt|gt);`)
)

// parseSRT reads SRT as writeSRT writes it and fails on anything that is
// not valid SubRip: numbering from 1 without gaps, a timing line, one or
// more non-blank text lines, one blank line between cues, LF endings.
func parseSRT(s string) ([]parsedCue, error) {
	if s == "" {
		return nil, nil
	}
	if strings.Contains(s, "\r") || !strings.HasSuffix(s, "\n") {
		return nil, fmt.Errorf("srt: want LF line endings and a final newline")
	}
	var cues []parsedCue
	for i, block := range strings.Split(strings.TrimSuffix(s, "\n"), "\n\n") {
		lines := strings.Split(block, "\n")
		if len(lines) < 3 {
			return nil, fmt.Errorf("srt cue %d: %d lines, want number, timing and text", i+1, len(lines))
		}
		if lines[0] != strconv.Itoa(i+1) {
			return nil, fmt.Errorf("srt cue %d: number %q", i+1, lines[0])
		}
		start, end, err := parseTiming(srtTiming, lines[1])
		if err != nil {
			return nil, fmt.Errorf("srt cue %d: %w", i+1, err)
		}
		if err := checkTextLines(lines[2:]); err != nil {
			return nil, fmt.Errorf("srt cue %d: %w", i+1, err)
		}
		cues = append(cues, parsedCue{start: start, end: end, lines: lines[2:]})
	}
	return cues, nil
}

// parseVTT reads WebVTT as writeVTT writes it and fails on anything that is
// not valid WebVTT of that shape: the header, a blank line before each
// cue, a timing line, text lines without "-->", markup other than a leading
// voice span, or "&" other than the three references.
func parseVTT(s string) ([]parsedCue, error) {
	rest, ok := strings.CutPrefix(s, "WEBVTT\n")
	if !ok {
		return nil, fmt.Errorf("vtt: no WEBVTT header line")
	}
	if rest == "" {
		return nil, nil
	}
	if strings.Contains(rest, "\r") || !strings.HasSuffix(rest, "\n") || !strings.HasPrefix(rest, "\n") {
		return nil, fmt.Errorf("vtt: want a blank line after the header, LF line endings and a final newline")
	}
	var cues []parsedCue
	for i, block := range strings.Split(strings.TrimSuffix(rest[1:], "\n"), "\n\n") {
		lines := strings.Split(block, "\n")
		if len(lines) < 2 {
			return nil, fmt.Errorf("vtt cue %d: %d lines, want timing and text", i+1, len(lines))
		}
		start, end, err := parseTiming(vttTiming, lines[0])
		if err != nil {
			return nil, fmt.Errorf("vtt cue %d: %w", i+1, err)
		}
		c := parsedCue{start: start, end: end}
		for j, line := range lines[1:] {
			if m := vttVoice.FindStringSubmatch(line); j == 0 && m != nil {
				c.speaker = unescapeVTT(m[1])
				line = line[len(m[0]):]
			}
			if strings.Contains(line, "-->") || strings.ContainsAny(line, "<>") {
				return nil, fmt.Errorf("vtt cue %d: markup or arrow in text %q", i+1, line)
			}
			if strings.Count(line, "&") != len(vttEntity.FindAllString(line, -1)) {
				return nil, fmt.Errorf("vtt cue %d: bare & in %q", i+1, line)
			}
			c.lines = append(c.lines, unescapeVTT(line))
		}
		if err := checkTextLines(c.lines); err != nil {
			return nil, fmt.Errorf("vtt cue %d: %w", i+1, err)
		}
		cues = append(cues, c)
	}
	return cues, nil
}

// unescapeVTT undoes vttEscaper.
func unescapeVTT(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(s)
}

// parseTiming reads a "start --> end" line matched by re.
func parseTiming(re *regexp.Regexp, line string) (start, end time.Duration, err error) {
	m := re.FindStringSubmatch(line)
	if m == nil {
		return 0, 0, fmt.Errorf("bad timing line %q", line)
	}
	at := func(f []string) time.Duration {
		var n [4]int64
		for i := range n {
			var e error
			if n[i], e = strconv.ParseInt(f[i], 10, 64); e != nil {
				err = e
			}
		}
		return time.Duration(n[0])*time.Hour + time.Duration(n[1])*time.Minute +
			time.Duration(n[2])*time.Second + time.Duration(n[3])*time.Millisecond
	}
	return at(m[1:5]), at(m[5:9]), err
}

// checkTextLines fails on a blank line or one with space around it.
func checkTextLines(lines []string) error {
	for _, l := range lines {
		if l == "" || strings.TrimSpace(l) != l {
			return fmt.Errorf("text line %q is blank or has space around it", l)
		}
	}
	return nil
}

// checkCues fails unless cues are timed in order without overlap, each
// ends after it starts, and each has at most o.MaxLines lines of at most
// o.MaxLineLength runes.
func checkCues(cues []parsedCue, o CaptionOptions) error {
	o = o.withDefaults()
	var prevEnd time.Duration
	for i, c := range cues {
		if c.end <= c.start {
			return fmt.Errorf("cue %d: ends at %v, not after its start %v", i+1, c.end, c.start)
		}
		if c.start < prevEnd {
			return fmt.Errorf("cue %d: starts at %v, before the previous cue ends at %v", i+1, c.start, prevEnd)
		}
		prevEnd = c.end
		if len(c.lines) > o.MaxLines {
			return fmt.Errorf("cue %d: %d lines, want at most %d", i+1, len(c.lines), o.MaxLines)
		}
		for _, l := range c.lines {
			if n := utf8.RuneCountInString(l); n > o.MaxLineLength {
				return fmt.Errorf("cue %d: line %q has %d runes, want at most %d", i+1, l, n, o.MaxLineLength)
			}
		}
	}
	return nil
}

// compact returns s without white space.
func compact(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// segmentText returns the text of t's segments in order of start, without
// white space: what the cues must show, speaker prefixes aside.
func segmentText(t *transcript.Transcript) string {
	segs := slices.Clone(t.Segments)
	slices.SortStableFunc(segs, func(a, b transcript.Segment) int {
		return cmp.Compare(clampTime(a.Start), clampTime(b.Start))
	})
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(compact(strings.ToValidUTF8(s.Text, "\uFFFD")))
	}
	return b.String()
}

// cueText returns the text of cues without white space.
func cueText(cues []parsedCue) string {
	var b strings.Builder
	for _, c := range cues {
		b.WriteString(compact(strings.Join(c.lines, "")))
	}
	return b.String()
}

// hasSpeakers reports whether any segment of t has a speaker label.
func hasSpeakers(t *transcript.Transcript) bool {
	return slices.ContainsFunc(t.Segments, func(s transcript.Segment) bool { return oneLine(s.Speaker) != "" })
}

// validate renders t as SRT and VTT with o and fails unless both are valid,
// follow o, and show all of t's text in order.
func validate(t *transcript.Transcript, o CaptionOptions) error {
	for _, f := range []Format{SRT, VTT} {
		var buf bytes.Buffer
		if err := Write(&buf, t, f, o); err != nil {
			return fmt.Errorf("%s: Write: %w", f, err)
		}
		parse := parseSRT
		if f == VTT {
			parse = parseVTT
		}
		cues, err := parse(buf.String())
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", f, err, buf.String())
		}
		if err := checkCues(cues, o); err != nil {
			return fmt.Errorf("%s: %w\n%s", f, err, buf.String())
		}
		// The SRT prefix cannot be told from the text, so check text in
		// SRT only without speakers.
		if f == VTT || !hasSpeakers(t) {
			if got, want := cueText(cues), segmentText(t); got != want {
				return fmt.Errorf("%s: cue text\n%q\nwant segment text\n%q", f, got, want)
			}
		}
	}
	return nil
}

// validateOptions are the caption options the validator test runs with.
var validateOptions = []CaptionOptions{
	{},
	{MaxLineLength: 32, MaxLines: 1, MaxCueDuration: 3 * time.Second},
	{MaxLineLength: 12, MaxLines: 3, MaxCueDuration: time.Second, MinCueDuration: -1},
	{MaxLineLength: 80, MaxLines: 3, MaxCueDuration: 20 * time.Second, MinCueDuration: 2 * time.Second},
	{MaxLineLength: 1, MaxLines: 1},
}

func TestCaptionsValid(t *testing.T) {
	for _, fix := range fixtures() {
		for _, o := range validateOptions {
			t.Run(fmt.Sprintf("%s/%d-%d-%v", fix.name, o.MaxLineLength, o.MaxLines, o.MaxCueDuration), func(t *testing.T) {
				if err := validate(fix.t, o); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// TestValidatorRejects checks that the validator catches the mistakes it
// is there to catch.
func TestValidatorRejects(t *testing.T) {
	tests := []struct {
		name, srt string
	}{
		{"numbering gap", "1\n00:00:00,000 --> 00:00:01,000\na\n\n3\n00:00:01,000 --> 00:00:02,000\nb\n"},
		{"dot in srt time", "1\n00:00:00.000 --> 00:00:01,000\na\n"},
		{"one-digit hour", "1\n0:00:00,000 --> 00:00:01,000\na\n"},
		{"minutes over 59", "1\n00:60:00,000 --> 01:00:01,000\na\n"},
		{"empty cue", "1\n00:00:00,000 --> 00:00:01,000\n"},
		{"two blank lines", "1\n00:00:00,000 --> 00:00:01,000\na\n\n\n2\n00:00:01,000 --> 00:00:02,000\nb\n"},
		{"end before start", "1\n00:00:02,000 --> 00:00:01,000\na\n"},
		{"zero length", "1\n00:00:01,000 --> 00:00:01,000\na\n"},
		{"overlap", "1\n00:00:00,000 --> 00:00:02,000\na\n\n2\n00:00:01,000 --> 00:00:03,000\nb\n"},
		{"three lines", "1\n00:00:00,000 --> 00:00:01,000\na\nb\nc\n"},
		{"long line", "1\n00:00:00,000 --> 00:00:01,000\n" + strings.Repeat("x", 43) + "\n"},
		{"crlf", "1\r\n00:00:00,000 --> 00:00:01,000\r\na\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cues, err := parseSRT(tt.srt)
			if err == nil {
				err = checkCues(cues, CaptionOptions{})
			}
			if err == nil {
				t.Errorf("validator accepted %q", tt.srt)
			}
		})
	}
	for _, vtt := range []string{
		"00:00:00.000 --> 00:00:01.000\na\n",
		"WEBVTT\n00:00:00.000 --> 00:00:01.000\na\n",
		"WEBVTT\n\n00:00:00,000 --> 00:00:01.000\na\n",
		"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na <b> c\n",
		"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na --&gt; b & c\n",
	} {
		if _, err := parseVTT(vtt); err == nil {
			t.Errorf("validator accepted %q", vtt)
		}
	}
}
