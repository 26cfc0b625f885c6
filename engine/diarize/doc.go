// Package diarize finds who speaks when in a recording (speaker
// diarization), in pure Go on the CPU, with a small speaker-independent
// Gaussian mixture built into the binary (ubm.bin, 27 KB, derived from
// CMU Sphinx's pocketsphinx-en-us model; see UBM-LICENSE). It is a
// transcription post-processor: [Diarize] turns 16 kHz mono audio into
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
//     precomputed tables and no allocation per frame). Two filterbanks
//     read its power spectrum: 40 mel bands from 20 to 7600 Hz give the
//     MFCCs c1..c20 of the speaker Gaussians (c0, the loudness, is left
//     out), and Sphinx's front end (25 bands from 130 to 6800 Hz, c0..c12,
//     liftered, less the recording's mean taken over every fourth speech
//     frame) gives the cepstra of the background model. Every 20 ms the log
//     F0 of voiced frames is found from the normalized autocorrelation of
//     40 ms of audio.
//  3. Window embeddings: 1.5 s windows, 0.75 s apart, inside each speech
//     region. Statistics pooling over the frames louder than the file's 30th
//     energy percentile gives the mean and standard deviation of each MFCC
//     and the standard deviation of its delta (60 numbers), standardized
//     over the file and scaled to unit length. Up to 256 of the windows
//     (all of them in a conversation of a few minutes, else evenly spread)
//     also get a GMM supervector: the 256 means of the background model
//     (a speaker-independent mixture over speech sounds) MAP-adapted to
//     the window's frames (relevance 4), less the background means, in
//     units of its standard deviations and scaled by √weight; the
//     supervectors lose their mean over the recording and are scaled to
//     unit length.
//  4. Speakers and their number: spectral clustering of the supervectors.
//     The affinity graph joins each window to its p nearest by cosine; the
//     number of speakers is the largest eigengap of the graph's Laplacian,
//     p being chosen among 8 values for the largest gap relative to p (the
//     normalized maximum eigengap of Park et al., 2019); k-means on the
//     first eigenvectors labels the windows. The other windows join the
//     cluster whose embedding centroid is nearest. When the eigengap says
//     one speaker, the best split into two or more is kept if, after steps
//     5 and 6, its speakers are all told apart by more than 5 (see 6).
//  5. Resegmentation: the speech is cut into 0.25 s blocks. Each speaker is
//     modelled by a full-covariance Gaussian over its MFCC frames and a
//     Gaussian over the log F0 of its voiced frames; a Viterbi pass relabels
//     the blocks, charging a speaker change 120 nats inside a speech region
//     and 20 across a pause or at a change point (Options.ChangePoints), and
//     the models are refitted, for up to six rounds. Turn boundaries have
//     the resolution of a block.
//  6. Merging: while two speakers are not told apart (modelling the two
//     with one Gaussian loses at most 2 times the BIC penalty (P/2)·log n,
//     P being a model's free parameters and n the pair's frames, counted up
//     to a minute: a local BIC), the closest pair is merged and the blocks
//     resegmented. Options.MinSpeakers and MaxSpeakers bound the count;
//     Options.Speakers fixes it and skips the merging.
//  7. Second pass: when the first leaves two or more speakers, the
//     supervectors are projected on their first 20 principal components
//     and whitened by the covariance of each window about its speaker's
//     mean (within-class covariance normalization estimated on the
//     recording itself, with 1% of the mean variance added to the
//     diagonal), then steps 4 to 6 run again on them: the directions in
//     which one speaker's windows vary weigh less, those that tell
//     speakers apart more.
//  8. Turns are runs of blocks of one speaker inside a speech region; a turn
//     shorter than Options.MinTurn goes to a neighbour, and speakers are
//     numbered by first appearance.
//
// A recording with fewer than 8 windows of at least a second is too short
// for the spectral step: its windows are clustered by average-linkage AHC
// and its count estimated by the local BIC (segmentSpeakers), the method
// used before the background model.
//
// # Choices
//
// The speakers are found on supervectors rather than on the statistics of
// the MFCCs: a speaker-independent mixture compares a window's voice with
// the average voice sound by sound, so what a window says matters less
// than who says it, and on the real-voice set (scripts/benchdiarize) that
// took two-speaker DER from 8.2% to 4.1% and three or four speakers from
// 21.5% to 12.6% before any merging. The eigengap alone splits some single
// voices (telephone prompts recorded in several sessions); the BIC merge
// undoes most of that (count right 73% to 87%). Measured and not kept
// (real-voice set, seed 1): 3 s windows (count right 55%), one more
// cluster than the eigengap before merging (65%), relevance 2 or 8, 128 or
// 512 components, PCA of the supervectors to 8 or 20 dimensions (whitened:
// 22%), the normalized Laplacian, merge thresholds 1.5 and 3 (82%), and
// splitting clusters again on the supervectors (no split passed the BIC
// test). A background GMM trained on the recording itself was tried
// before and dropped: its components become speaker-specific. The
// second pass (step 7) gains little: count right 87% to 88% and
// 3-4-speaker DER 10.0% to 9.9% on seed 1, 72% to 73% and 13.5% to 13.1%
// on seed 2; 12, 30 or 40 components and floors of 0.1% to 10% did no
// better. Also not kept: a cepstral mean per window in the supervectors
// (count right 58%), a split into one more speaker than the merge
// leaves when they are told apart by more than 3.5 or 5, and, with the
// second pass, merge thresholds 1.75 and 2.5, relevance 3, 3.5 and 6,
// taking the largest k whose eigengap is at least 45% or 60% of the
// largest, and a third pass: none helped on both draws.
//
// # Accuracy and cost
//
// `make bench-diarization` first measures conversations of real people
// (18 readers from Debian packages: 10 wideband, 8 telephone-band; see
// scripts/benchdiarize and BENCHMARKS.md). There, without the count, seed 1
// gets the count right in 88% of conversations, a mean DER of 2.8% with
// two speakers (2-5% for two people of the same gender) and 9.9% with
// three or four; seed 2, a different draw, 73%, 4.2% and 13.1%. Four
// telephone voices, mostly women, are the worst case: one of them is
// usually merged into another. Overlapping speech is given to one speaker.
// Diarization takes about 0.5-1.5% of a short conversation's duration on
// one core; on a 62-minute recording about 12 s of CPU, 5% of whisper
// tiny's greedy transcription time.
//
// # Limits
//
// The background model is a phonetic model of US English trained by CMU
// Sphinx, not a learned speaker embedding: voices that differ only
// slightly are merged, and a speaker with less than a few seconds of
// speech is usually absorbed by another. Noise or music that passes the
// VAD is modelled like a voice. Pass Options.Speakers, or a range, when
// the count is known.
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
// 0.25 s of speech: about 20 MiB of Go heap per hour of speech, plus at
// most 256 supervectors of 3328 numbers (7 MiB) whatever the length, and
// the spectral step's 256×256 matrices. So the memory is bounded by the
// longest audio accepted (limits.max_audio_duration, 4 h by default); the
// 256 windows of the spectral step (maxSpectral) are a constant, not a
// configuration key: they bound its cost, which grows with their cube.
// Measured with scripts/benchdiarizememory on 1 h and 4 h of a repeated
// two-speaker recording (testdata/two.wav): peak resident memory 41 and
// 104 MiB (Go heap 35 and 98 MiB), 11.6 and 41.5 s of CPU. Before the
// supervectors it was 36 and 98 MiB, and 293 and 1130 MiB when the whole
// recording was read at once.
package diarize
