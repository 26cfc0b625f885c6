// Package export renders a [transcript.Transcript] as a file a person or a
// program can use: plain text, SubRip (SRT) and WebVTT captions, and JSON.
// The CLI writes these files and the HTTP API serves them; both go through
// [Write] with a [Format] chosen by [ParseFormat].
//
// # Formats
//
//   - [TXT] is the text, one line per segment. When any segment has a
//     speaker label or a speaker-turn mark, segments are grouped into
//     paragraphs instead: a new paragraph starts when the speaker changes or
//     after a turn, paragraphs are separated by a blank line, and a labelled
//     paragraph starts with "Speaker: ".
//   - [SRT] is numbered cues from 1, "HH:MM:SS,mmm --> HH:MM:SS,mmm", LF line
//     endings and one blank line between cues. A cue of a labelled segment
//     starts with "Speaker: " on every cue, and that prefix counts towards
//     the first line's length; a label that would leave less than a third
//     of the line is shortened and ends in "…". Text is written as it is:
//     SRT has no escapes, so "<b>" in the text may show as markup.
//   - [VTT] is a "WEBVTT" header, a blank line, and cues with
//     "HH:MM:SS.mmm --> HH:MM:SS.mmm" timings, LF line endings. A labelled
//     cue starts with a voice span ("<v Speaker 1>"), which is markup and
//     does not count towards the line length. "&", "<" and ">" in the text
//     are escaped as character references.
//   - [JSON] is the whole transcript, segments and words included, with
//     times as seconds rounded to milliseconds; see [JSONTranscript].
//     [DecodeJSON] reads it back.
//
// Hours in timestamps have at least two digits and grow beyond 99 as needed.
// Negative times are written as zero.
//
// # Captions
//
// SRT and VTT cues follow [CaptionOptions]: at most MaxLines lines of at most
// MaxLineLength characters (runes), and at most MaxCueDuration on screen. A
// segment that does not fit is split into several cues at word boundaries:
//
//   - The words are the segment's Text split at white space; Chinese and
//     Japanese text may also break between characters, but not before
//     closing punctuation or after opening punctuation.
//   - When the segment has Words with timings, they are matched against the
//     text and a cue's times come from its words. Text without a matching
//     word, or a segment without Words, gets its time by spreading the time
//     around it over its characters. The first cue of a segment starts at
//     the segment's Start and the last one ends at its End.
//   - Of the ways to split a segment into cues that fit, the one chosen
//     fills cues most evenly, with a preference for ending a cue at the end
//     of a sentence or clause. A single word longer than the space on a line
//     is cut at the line length; nothing else is ever cut.
//   - Within a cue, the text takes the fewest lines it fits in, with the
//     lines made as even as possible (the lower line the longer on a tie).
//
// Segments with empty text make no cue. Cues are ordered by start time and
// never overlap: a cue that starts before the previous one ends is moved to
// that end, and a cue that runs into the next one ends where the next
// starts. A cue shorter than MinCueDuration is lengthened to it, but not
// past the next cue's start; every cue ends at least a millisecond after it
// starts.
package export
