// Package summarize makes short summaries of transcripts: abstractive ones
// from an OpenAI-compatible LLM when one is configured, and extractive ones,
// which pick the transcript's most central sentences, otherwise or when the
// LLM fails.
//
// # LLM summaries
//
// [Summarizer.Summarize] sends POST {base_url}/chat/completions with the
// configured model, temperature 0, a system prompt that asks for a faithful
// summary in the transcript's language (at most 5 bullet points, or one
// paragraph of at most 5 sentences) and the transcript as the user message,
// cut at a word boundary after [LLMConfig].MaxInputChars characters (a
// warning says so). The API key goes in "Authorization: Bearer"; it is a
// [Secret], which prints and logs as "[redacted]", and neither it nor a
// password in the base URL appears in warnings, errors or logs.
//
// Each request is bounded by LLMConfig.Timeout. A timeout, a 5xx or a 429 is
// retried up to LLMConfig.MaxRetries times after 1 s, 2 s, 4 s ... (or the
// server's Retry-After in seconds, capped at 30 s); other failures are not
// retried. The answer, choices[0].message.content, is split into lines;
// list markers ("-", "*", "•", "1.", "1)", "(1)"), a leading "<think>"
// block and a first line such as "Here is the summary:" are removed. When
// no usable answer comes, the extractive summary is returned with a warning
// such as "llm summary failed (timeout); extractive summary used", whose
// reason is one of timeout, "http NNN", invalid response, empty response or
// request failed. transcript.Summary.Method is "llm" or "extractive".
//
// The HTTP client is the caller's: an LLM on localhost is the usual case,
// so a client that refuses private addresses will fail every request.
//
// # Extractive summaries
//
// [Extractive] and [ExtractiveTranscript] run TextRank over TF-IDF vectors:
//
//  1. Sentences end at ".", "!", "?" or "…" followed by a space, at the CJK
//     stops "。", "！" and "？", and at blank lines. A full stop after a
//     title ("Mr.", "Dr."), an initial ("J."), a word with inner dots
//     ("e.g.", "U.S.", "z.B."), a German ordinal ("3. Mai") or before a
//     lower-case word does not end a sentence. When sentences average more
//     than 40 words, the text is taken to lack punctuation, as whisper
//     output often does with greedy decoding, and for a transcript the
//     sentences are rebuilt from its word timings: a pause of 450 ms or
//     more ends one once it has 5 words, except after an English word that
//     does not end sentences ("the", "and", "of", ...); a run of 40 words
//     without such a pause is cut at the longest gap of its second half.
//     Segment boundaries, which fall wherever whisper's windows did, do not
//     end sentences; a segment without word timings is a sentence of its
//     own. Rebuilt sentences get a capital and a full stop. Plain text is
//     split at its lines instead.
//  2. Each sentence becomes terms: lower-cased runs of Unicode letters and
//     digits, without one-letter words and stop words, and character
//     bigrams for Chinese and Japanese. Stop word lists exist for English
//     (with spoken fillers such as "um" and "yeah"; also used when the
//     language is unknown), German, French and Spanish; other languages
//     rely on inverse document frequency alone.
//  3. Each sentence is a TF-IDF vector (1+ln tf, smoothed idf) of unit
//     length; the sentences form a graph weighted by cosine similarity, and
//     PageRank (damping 0.85) runs on it until the ranks change by less
//     than 1e-6 or for 100 iterations. Above 2500 sentences, similarity to
//     the centroid of all sentences replaces the quadratic graph.
//  4. The best-ranked sentences are picked, a fifth of them, at least 1 and
//     at most 5, preferring sentences of at least 3 terms and skipping
//     repeats (cosine similarity 0.9 or more with a picked one). They are
//     returned in their original order: as bullets, or joined with spaces
//     (nothing between CJK sentences) as a paragraph. Equal scores are
//     ordered by position, so the result is deterministic.
//
// A text of one or two sentences is returned whole, as one bullet; an empty
// one gives a summary with empty Text and no bullets.
//
// # Limits
//
// Extractive summaries only quote: they cannot merge, shorten or resolve
// "he" and "that". There is no stemming, so "budget" and "budgets" are
// different terms. The sentence splitter is tuned for English and the
// languages that punctuate like it; a sentence that ends in an
// abbreviation ("... in the U.S. Then ...") is joined to the next one, and
// Thai, Khmer and other scripts without sentence punctuation are split
// into sentences poorly. Long monologues without punctuation give
// segment-sized bullets, which may start or end mid-sentence. An LLM summary
// is only as faithful as the model; the prompt asks it not to add facts
// but cannot make sure.
package summarize
