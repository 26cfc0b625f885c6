package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/diarize"
)

// voices are the espeak-ng voices speakers are drawn from. Some pairs are
// close (m1 and m3, f2 and f5), as real speakers can be.
var voices = []string{"en+m3", "en+f2", "en+m7", "en+f4", "en+m1", "en+f3", "en+m5", "en+f5", "en+m4", "en+f1"}

// sentences are what the speakers say; a conversation uses each at most
// once, so that no stretch of audio repeats exactly.
var sentences = []string{
	"Good morning, thanks for joining the call today.",
	"I think we should start with the budget for next quarter.",
	"Sure.",
	"That sounds reasonable to me, but let me check the numbers first.",
	"Can you share the spreadsheet with the rest of the team?",
	"We shipped the new release on Tuesday and the feedback has been positive.",
	"Okay, what about the delay on the server migration?",
	"The vendor needs two more weeks to finish the hardware installation.",
	"Right, that makes sense.",
	"I would rather not wait that long, because the old machines are failing.",
	"Let's schedule a follow up meeting for Thursday afternoon.",
	"Yes, absolutely.",
	"Did anyone look at the customer survey results from last month?",
	"Most people liked the interface, although a few found the settings page confusing.",
	"We could add a short tutorial the first time someone opens it.",
	"No, I don't think so.",
	"The weather has been terrible all week, it rained every single day.",
	"My train was late again this morning, so I missed the first part.",
	"Who is responsible for the documentation?",
	"Maria wrote most of it, and Tom reviewed the examples.",
	"Great, then we can publish it as soon as the translation is done.",
	"How long will the translation take?",
	"Probably about ten days, depending on the number of languages.",
	"Interesting.",
	"I agree with everything that has been said so far.",
	"One more thing: the office will be closed on Friday for maintenance.",
	"Should we move the workshop to the following Monday then?",
	"Monday works for me, but I have another appointment at eleven.",
	"Then let's say nine thirty, right after the stand up.",
	"Perfect, I'll send out the invitation after this call.",
	"Is there anything else we need to discuss today?",
	"Not from my side, thank you.",
	"Have you tried the new coffee machine in the kitchen?",
	"It makes a strange noise, but the espresso is surprisingly good.",
	"We lost two customers last week to a cheaper competitor.",
	"Price is not everything; our support is much faster than theirs.",
	"Could you walk me through the numbers on slide four?",
	"Revenue grew by eight percent, mostly from the enterprise plans.",
	"What happened to the mobile app? I haven't heard about it in a while.",
	"It's on hold until we hire another developer.",
	"Hmm, I see.",
	"The interviews are next Wednesday, we have three strong candidates.",
	"Please make sure someone from the design team joins them.",
	"I can do that, my calendar is pretty empty that day.",
	"Thanks, I really appreciate it.",
	"By the way, the parking garage will be repainted over the weekend.",
	"So we have to park on the street? That's annoying.",
	"Only for two days, and the city lot around the corner is free.",
	"Let me summarize what we decided so far.",
	"First, the budget review moves to next week.",
	"Second, the documentation goes out once the translation is ready.",
	"And third, we start interviewing on Wednesday.",
	"Did I miss anything?",
	"You forgot the server migration, but that depends on the vendor.",
	"True, I'll add a note about it to the minutes.",
	"Exactly.",
	"I was on holiday in Portugal last month, the food was amazing.",
	"Which city did you visit?",
	"Mostly Lisbon, and then a few days on the coast near Porto.",
	"I have always wanted to go there, maybe next summer.",
	"The quarterly report is due on the fifteenth, not the twentieth.",
	"Oh, that changes things, we need to hurry.",
	"Don't worry, most of the sections are already written.",
	"Alright, let's wrap up and get back to work.",
}

// speaker is one participant of a synthetic conversation.
type speaker struct {
	voice string
	speed int
	real  bool // speaks the real recording's pieces instead of espeak-ng
}

// plan is a conversation before synthesis: who says what, and the pause
// before each turn.
type plan struct {
	speakers []speaker
	turns    []plannedTurn
}

type plannedTurn struct {
	speaker int
	speed   int // the speaker's rate, jittered per turn
	text    string
	pause   time.Duration // silence before the turn; 0 is back to back
	gain    float64
}

// newPlan draws a conversation of n speakers and about turns turns, each
// turn's level varied by up to gainJitter dB. With realParts > 0, speaker 0
// is the real recording and says each of its realParts pieces once at
// most, so that no audio repeats.
func newPlan(rng *rand.Rand, n, turns int, realParts int, gainJitter float64) plan {
	real := realParts > 0
	p := plan{}
	for i, v := range rng.Perm(len(voices))[:n] {
		p.speakers = append(p.speakers, speaker{voice: voices[v], speed: 135 + rng.IntN(40), real: real && i == 0})
	}
	order := rng.Perm(n) // everyone speaks early
	texts := rng.Perm(len(sentences))
	next := func() string {
		if len(texts) == 0 { // a long conversation: say things again
			texts = rng.Perm(len(sentences))
		}
		t := sentences[texts[0]]
		texts = texts[1:]
		return t
	}
	prev := -1
	for t := range max(turns, n) {
		s := 0
		if t < n {
			s = order[t]
		} else if n > 1 {
			var choices []int
			for c := range n {
				if c != prev && !(real && c == 0 && realParts == 0) {
					choices = append(choices, c)
				}
			}
			if len(choices) == 0 {
				break
			}
			s = choices[rng.IntN(len(choices))]
		}
		if real && s == 0 {
			if realParts == 0 {
				break // the real speaker has said everything
			}
			realParts--
		}
		text := next()
		if rng.IntN(3) == 0 && (len(texts) > turns || turns > len(sentences)) {
			text += " " + next()
		}
		pause := time.Duration(150+rng.IntN(850)) * time.Millisecond
		if t > 0 && rng.IntN(7) == 0 {
			pause = time.Duration(rng.IntN(50)) * time.Millisecond // back to back
		}
		if t == 0 {
			pause = 500 * time.Millisecond
		}
		p.turns = append(p.turns, plannedTurn{speaker: s, speed: p.speakers[s].speed + rng.IntN(11) - 5, text: text, pause: pause, gain: math.Pow(10, (rng.Float64()*2-1)*gainJitter/20)})
		prev = s
	}
	return p
}

// utterances lists what the plan needs synthesized.
func (p plan) utterances() []utterance {
	var out []utterance
	for _, t := range p.turns {
		if s := p.speakers[t.speaker]; !s.real {
			out = append(out, utterance{voice: s.voice, speed: t.speed, text: t.text})
		}
	}
	return out
}

// conversation is a rendered plan: audio and the reference turns.
type conversation struct {
	samples  []float32
	ref      []diarize.Turn
	speakers int
}

// render assembles the plan's audio. realParts are the pieces the real
// speaker says, in turn; noise is added at snr dB below the speech.
func (p plan) render(rng *rand.Rand, syn *synthesizer, realParts [][]float32, snr float64) conversation {
	c := conversation{speakers: len(p.speakers)}
	next := 0
	for _, t := range p.turns {
		s := p.speakers[t.speaker]
		var x []float32
		if s.real {
			x = realParts[next]
			next++
		} else {
			x = syn.get(utterance{voice: s.voice, speed: t.speed, text: t.text})
		}
		c.samples = append(c.samples, make([]float32, int(t.pause.Seconds()*16000))...)
		start := len(c.samples)
		for _, v := range x {
			c.samples = append(c.samples, v*float32(t.gain))
		}
		c.ref = append(c.ref, diarize.Turn{Start: at(start), End: at(len(c.samples)), Speaker: t.speaker})
	}
	c.samples = append(c.samples, make([]float32, 8000)...)
	addNoise(rng, &c, snr)
	return c
}

func at(sample int) time.Duration { return time.Duration(sample) * time.Second / 16000 }
func idx(d time.Duration) int     { return int(d * 16000 / time.Second) }

// duration returns the length of the conversation.
func (c conversation) duration() time.Duration { return at(len(c.samples)) }

// voiceNames lists the plan's espeak-ng voices and their pace.
func (p plan) voiceNames() string {
	s := ""
	for i, sp := range p.speakers {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%s@%d", sp.voice, sp.speed)
	}
	return s
}
