package summarize

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

const jfk = "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."

// readMeeting returns testdata/meeting.txt: a made-up meeting of 28
// sentences about migrating a customer database to a cloud platform.
func readMeeting(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/meeting.txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// assertInOrder fails unless every picked sentence is one of sentences,
// each after the previous one.
func assertInOrder(t *testing.T, picked, sentences []string) {
	t.Helper()
	last := -1
	for _, p := range picked {
		i := slices.Index(sentences, p)
		if i < 0 {
			t.Fatalf("summary sentence %q is not a sentence of the text", p)
		}
		if i <= last {
			t.Fatalf("summary sentence %q (#%d) comes after #%d: order not kept", p, i, last)
		}
		last = i
	}
}

func TestExtractiveMeeting(t *testing.T) {
	text := readMeeting(t)
	sentences := splitSentences(text, "en")
	if len(sentences) != 28 {
		t.Fatalf("meeting has %d sentences, want 28", len(sentences))
	}
	const (
		goal  = "The main goal of this meeting is to agree on the plan for migrating the customer database to the new cloud platform."
		sumUp = "To sum up, we migrate the customer database to the cloud platform in three phases and switch over in May."
	)
	got := Extractive(text, "en", transcript.SummaryBullets)
	if got.Type != transcript.SummaryBullets || got.Method != MethodExtractive {
		t.Errorf("Type, Method = %q, %q, want bullets, extractive", got.Type, got.Method)
	}
	if len(got.Bullets) != 5 {
		t.Fatalf("got %d bullets, want 5 (a fifth of 28, capped at 5): %q", len(got.Bullets), got.Bullets)
	}
	assertInOrder(t, got.Bullets, sentences)
	for _, key := range []string{goal, sumUp} {
		if !slices.Contains(got.Bullets, key) {
			t.Errorf("bullets %q lack the key sentence %q", got.Bullets, key)
		}
	}
	for _, aside := range []string{"Okay.", "Great.", "Before we start, Mr. Patel asked me to say that the coffee machine on the third floor is fixed."} {
		if slices.Contains(got.Bullets, aside) {
			t.Errorf("bullets contain the aside %q", aside)
		}
	}
	if want := strings.Join(got.Bullets, "\n"); got.Text != want {
		t.Errorf("Text = %q, want the bullets joined by newlines %q", got.Text, want)
	}

	again := Extractive(text, "en", transcript.SummaryBullets)
	if !slices.Equal(again.Bullets, got.Bullets) {
		t.Errorf("second run = %q, want the first run's %q", again.Bullets, got.Bullets)
	}

	para := Extractive(text, "en", transcript.SummaryParagraph)
	if para.Type != transcript.SummaryParagraph || para.Bullets != nil {
		t.Errorf("paragraph Type, Bullets = %q, %q, want paragraph, nil", para.Type, para.Bullets)
	}
	if want := strings.Join(got.Bullets, " "); para.Text != want {
		t.Errorf("paragraph Text = %q, want %q", para.Text, want)
	}
}

func TestExtractiveLength(t *testing.T) {
	tests := []struct {
		sentences, want int
	}{
		{3, 1}, {9, 1}, {10, 2}, {15, 3}, {24, 4}, {25, 5}, {100, 5},
	}
	for _, tt := range tests {
		var b strings.Builder
		for i := range tt.sentences {
			b.WriteString("Sentence number " + strings.Repeat("x", i+1) + " talks about the project. ")
		}
		got := Extractive(b.String(), "en", transcript.SummaryBullets)
		if len(got.Bullets) != tt.want {
			t.Errorf("%d sentences: got %d bullets, want %d", tt.sentences, len(got.Bullets), tt.want)
		}
	}
}

func TestExtractiveShortAndEmpty(t *testing.T) {
	tests := []struct {
		name, text, typ string
		want            transcript.Summary
	}{
		{"empty", "", transcript.SummaryBullets, transcript.Summary{Type: "bullets", Method: "extractive"}},
		{"blank paragraph", " \n ", transcript.SummaryParagraph, transcript.Summary{Type: "paragraph", Method: "extractive"}},
		{"jfk", jfk, transcript.SummaryBullets, transcript.Summary{Type: "bullets", Text: jfk, Bullets: []string{jfk}, Method: "extractive"}},
		{"jfk paragraph", jfk, transcript.SummaryParagraph, transcript.Summary{Type: "paragraph", Text: jfk, Method: "extractive"}},
		{"two sentences", "We met. We agreed.", transcript.SummaryBullets,
			transcript.Summary{Type: "bullets", Text: "We met. We agreed.", Bullets: []string{"We met. We agreed."}, Method: "extractive"}},
		{"unknown type is bullets", "Hello.", "haiku", transcript.Summary{Type: "bullets", Text: "Hello.", Bullets: []string{"Hello."}, Method: "extractive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extractive(tt.text, "en", tt.typ)
			if got.Type != tt.want.Type || got.Text != tt.want.Text || got.Method != tt.want.Method || !slices.Equal(got.Bullets, tt.want.Bullets) {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// segmentsOf returns a transcript with one segment per text and Text the
// texts joined with spaces.
func segmentsOf(lang string, texts ...string) *transcript.Transcript {
	t := &transcript.Transcript{Language: lang, Text: strings.Join(texts, " ")}
	for i, s := range texts {
		t.Segments = append(t.Segments, transcript.Segment{Start: time.Duration(i) * time.Second, End: time.Duration(i+1) * time.Second, Text: s})
	}
	return t
}

func TestExtractiveTranscriptWithoutPunctuation(t *testing.T) {
	segs := []string{
		"okay so welcome everyone to the weekly sync",
		"today we need to decide on the new office lease",
		"the landlord offered us a five year lease on the new office",
		"the new office is closer to the train station",
		"but the lease on the new office costs more per month",
		"marketing wants the new office for the bigger meeting rooms",
		"finance says we can afford the new office lease if we sublet one floor",
		"so I propose we sign the new office lease next week",
		"any objections no good",
		"then we sign the lease and move in september",
		"thanks everyone bye",
	}
	tr := segmentsOf("en", segs...)
	got := ExtractiveTranscript(tr, transcript.SummaryBullets)
	if len(got.Bullets) != 2 {
		t.Fatalf("got %d bullets, want 2 (a fifth of 11 segments): %q", len(got.Bullets), got.Bullets)
	}
	// Each segment is a sentence, finished with a capital and a stop.
	finished := make([]string, len(segs))
	for i, s := range segs {
		finished[i] = strings.ToUpper(s[:1]) + s[1:] + "."
	}
	assertInOrder(t, got.Bullets, finished)
	if key := "Today we need to decide on the new office lease."; !slices.Contains(got.Bullets, key) {
		t.Errorf("bullets %q lack the key segment %q", got.Bullets, key)
	}

	tr.Text = "" // segments alone give the same summary
	if again := ExtractiveTranscript(tr, transcript.SummaryBullets); !slices.Equal(again.Bullets, got.Bullets) {
		t.Errorf("from segments = %q, want %q", again.Bullets, got.Bullets)
	}
}

func TestExtractiveTranscriptPrefersSentences(t *testing.T) {
	// Punctuated text is split into sentences, not at the segment
	// boundaries in the middle of them.
	tr := segmentsOf("en", "We reviewed the budget", "for the new office. The budget", "is approved. Next the office", "lease is signed. Then we move.")
	got := ExtractiveTranscript(tr, transcript.SummaryBullets)
	want := []string{"We reviewed the budget for the new office."}
	if !slices.Equal(got.Bullets, want) {
		t.Errorf("bullets = %q, want %q", got.Bullets, want)
	}
}

func TestExtractiveTranscriptNil(t *testing.T) {
	got := ExtractiveTranscript(nil, "")
	if got.Text != "" || got.Bullets != nil || got.Type != transcript.SummaryBullets {
		t.Errorf("got %+v, want an empty bullets summary", *got)
	}
}

func TestExtractiveCJK(t *testing.T) {
	text := "大家好，今天的会议讨论新数据库迁移。" +
		"我们计划把客户数据库迁移到新的云平台。" +
		"云平台的查询速度比旧服务器快三倍。" +
		"迁移分三个阶段进行。" +
		"第一阶段迁移报表数据库。" +
		"第二阶段每天晚上同步客户数据库。" +
		"第三阶段在五月切换到云平台的数据库。" +
		"预算已经批准了。" +
		"咖啡机修好了。" +
		"总之，客户数据库将在五月迁移到云平台。" +
		"谢谢大家。"
	sentences := splitSentences(text, "zh")
	if len(sentences) != 11 {
		t.Fatalf("got %d sentences, want 11: %q", len(sentences), sentences)
	}
	got := Extractive(text, "zh", transcript.SummaryParagraph)
	picked := splitSentences(got.Text, "zh")
	if len(picked) != 2 {
		t.Fatalf("paragraph %q has %d sentences, want 2", got.Text, len(picked))
	}
	assertInOrder(t, picked, sentences)
	if strings.Contains(got.Text, " ") {
		t.Errorf("paragraph %q joins Chinese sentences with a space", got.Text)
	}
	if key := "我们计划把客户数据库迁移到新的云平台。"; !slices.Contains(picked, key) {
		t.Errorf("paragraph %q lacks the key sentence %q", got.Text, key)
	}
}

func TestJoinSentences(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"One.", "Two."}, "One. Two."},
		{[]string{"一。", "二。"}, "一。二。"},
		{[]string{"一。", "Two."}, "一。 Two."},
	}
	for _, tt := range tests {
		if got := joinSentences(tt.in); got != tt.want {
			t.Errorf("joinSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExtractiveSkipsRepeats(t *testing.T) {
	// Whisper sometimes loops on one sentence; the summary keeps one copy.
	loop := "The budget for the new office was approved."
	text := "We met about the budget for the new office. " + strings.Repeat(loop+" ", 6) +
		"The new office opens in May. The budget covers the new office furniture. Lunch was good. The weather was nice. We left early."
	got := Extractive(text, "en", transcript.SummaryBullets)
	want := []string{"We met about the budget for the new office.", loop}
	if !slices.Equal(got.Bullets, want) {
		t.Errorf("bullets = %q, want %q", got.Bullets, want)
	}
}
