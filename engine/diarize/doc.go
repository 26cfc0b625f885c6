// Package diarize finds who speaks when in a recording (speaker
// diarization), in pure Go on the CPU and without a model to download. It is
// a transcription post-processor: [Diarize] turns 16 kHz mono audio into
// speaker [Turn]s, and [Apply] labels a transcript.Transcript with them,
// splitting any segment that holds two speakers. [DER] scores turns against
// a reference.
//
// # Pipeline
//
//  1. Speech regions come from a VAD: Silero's spans when the engine has the
//     model, else [EnergyVAD].
//  2. Frames: every 10 ms, a 25 ms frame is pre-emphasized, Hamming-windowed
//     and transformed by a 512-point real FFT (our own radix-2 one, with
//     precomputed tables and no allocation per frame); 40 mel bands from 20
//     to 7600 Hz, their logs and a DCT give the MFCCs c1..c20 (c0, the
//     loudness, is left out). Every 20 ms the log F0 of voiced frames is
//     found from the normalized autocorrelation of 40 ms of audio.
//  3. Window embeddings: 1.5 s windows, 0.75 s apart, inside each speech
//     region. Statistics pooling over the frames louder than the file's 30th
//     energy percentile gives the mean and standard deviation of each MFCC
//     and the standard deviation of its delta (60 numbers); each dimension is
//     standardized over the file and the vectors scaled to unit length.
//  4. Initial clusters: agglomerative clustering of the windows (average
//     linkage on cosine distance, nearest-neighbour chain, at most 1000
//     windows; the others are only assigned), cut at k clusters and refined
//     by spherical k-means.
//  5. Resegmentation: the speech is cut into 0.25 s blocks. Each speaker is
//     modelled by a full-covariance Gaussian over its MFCC frames and a
//     Gaussian over the log F0 of its voiced frames; a Viterbi pass relabels
//     the blocks, charging a speaker change 120 nats inside a speech region
//     and 20 across a pause or at a change point (Options.ChangePoints), and
//     the models are refitted, for up to six rounds. Turn boundaries have
//     the resolution of a block.
//  6. Number of speakers: segmentations into 1, 2, 3 ... speakers are built
//     in turn; the one into k is the more likely, after resegmentation, of
//     the window clusters cut at k and every split of one speaker of the
//     segmentation into k-1 (along the first principal component of its
//     windows, refined by 2-means). k speakers are accepted while every pair
//     of them is told apart: modelling the two with one Gaussian must lose
//     more than 3 times the BIC penalty (P/2)·log n, P being a model's free
//     parameters and n the pair's frames (a local BIC). One voice scores
//     1 to 2.5 for its best split, distinct voices 4 to 25. The loss grows
//     with n faster than the penalty, so n counts at most a minute, and on
//     recordings with more than 90 s of speech the speakers are found on an
//     excerpt (nine 10 s chunks spread over the recording); their models
//     then seed one resegmentation of the whole recording, so the cost is
//     linear in the length whatever the count (searching the whole
//     recording again for 1..k speakers cost O(k³) resegmentations and
//     could drift from the excerpt's answer). Options.MinSpeakers and
//     MaxSpeakers bound the count.
//  7. Turns are runs of blocks of one speaker inside a speech region; a turn
//     shorter than Options.MinTurn goes to a neighbour, and speakers are
//     numbered by first appearance.
//
// # Choices
//
// The window embeddings only seed the clustering. The decisions (who speaks
// in each block, and how many speakers there are) use Gaussian models of
// frames, which pool all of a speaker's speech rather than 1.5 s at a time:
// a stopping threshold on the cosine merge heights of the embeddings got
// the speaker count right in about half of the synthetic conversations, the
// local BIC on resegmented Gaussians in 80 to 90%. There is no random
// projection or whitening of the embeddings: whitening estimated on one
// file gives its noisiest dimensions as much weight as the ones that tell
// voices apart, and a projection of 60 numbers would only discard some.
// Pitch was added because the MFCCs hardly separate voices that differ
// mostly in pitch. Also tried and dropped: a background GMM per file with
// MAP-adapted speaker models (its components become speaker-specific, so
// adapted means no longer separate speakers), and 8-component GMM speaker
// models (four times slower, and worse at counting).
//
// On the real-voice set, measured and not kept: 3 s windows (two-speaker
// DER 9.4% to 6.8%, but three or four speakers 20.7% to 23.2%), a lower
// separation threshold (2 instead of 3: the count right in 57% instead of
// 62%), c1..c13 instead of c1..c20 in the speaker Gaussians (count right
// 47%), and a 20-3800 Hz filterbank for telephone-band audio (worse in
// every condition). Kept: a speaker change inside speech costs 120 nats
// rather than 60 (the count right in 67% instead of 62%). The separation of a split of one real reader (up to
// 4.7) overlaps that of two people of the same gender (from 1.1), so no
// threshold on it can get the count right in 90% of conversations: that
// needs a learned speaker embedding, which no package we can fetch ships.
//
// # Accuracy and cost
//
// `make bench-diarization` first measures conversations of real people
// (18 readers from Debian packages: 10 wideband, 8 telephone-band; see
// scripts/benchdiarize and BENCHMARKS.md). There, without the count, it
// gets the count right in about two thirds of conversations, a mean DER
// of about 8% with two speakers (2-3% for a man and a woman, 10-18% for
// two people of the same gender) and about 21% with three or four; the
// method's limits below are why. Overlapping speech is given to one speaker.
//
// As an extra line it builds seeded conversations of espeak-ng voices,
// with 30 dB white noise, ±4 dB level and ±5 words/min pace per turn, some
// back-to-back turns, and pieces of a real recording as one participant.
// With the energy VAD and a 0.25 s collar, two seeds of 12 conversations
// per condition gave: one voice always one speaker; two voices 10 to 13% DER
// (3% when the count is given); three voices 4 to 12%; the real speaker
// with espeak-ng voices under 2%; the count right in 79 to 88% of all
// conversations, 10-minute ones included. Errors are mostly two similar
// voices merged (two espeak-ng women whose settings differ only slightly)
// and, less often, one voice split in two. Diarization takes about 0.2% of
// the audio's duration on one core (90 ms for a minute, 6 s for an hour),
// about 2% of whisper tiny's transcription time.
//
// # Limits
//
// The features are hand-made, not a learned speaker embedding: voices that
// differ in timbre only slightly are merged, a voice whose level, pace or
// channel changes much may be split, and a speaker with less than a few
// seconds of speech is usually absorbed by another. Overlapping speech is
// given to one speaker. Noise or music that passes the VAD is modelled like
// a voice. The thresholds were tuned on synthetic voices and one real
// speaker; real recordings (rooms, telephones, many speakers) will do
// worse, so pass Options.Speakers when the count is known.
//
// # Memory
//
// Diarize reads the samples in order, a minute at a time, in at most three
// passes (the energy VAD when it runs it, the frames' energies for the
// gate, then their features), and calls Options.Release behind each pass,
// so a caller whose samples are a file mapping (audio.MappedPCM) keeps only
// a few MB of them resident. The features of a frame are kept only until
// the windows and blocks that hold it are summarized; what stays is a
// window embedding every 0.75 s and a block's float32 statistics every
// 0.25 s of speech: about 17 MiB of Go heap per hour of speech. Measured
// with scripts/benchdiarizememory on 1 h and 4 h of a repeated
// two-speaker recording: peak resident memory 36 and 98 MiB (it was 293
// and 1130 MiB when the whole recording was read at once), and about 7 s
// of CPU per hour of audio (3% of whisper tiny's greedy time).
package diarize
