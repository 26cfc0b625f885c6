// Package audio turns an audio file into what whisper consumes: 16 kHz mono
// float32 samples in [-1, 1].
//
// The format is found by magic bytes, never by file name. WAV (integer PCM
// of 8 to 32 bits, 32- and 64-bit float, A-law and mu-law, plain or
// WAVE_FORMAT_EXTENSIBLE), MP3 (github.com/hajimehoshi/go-mp3) and FLAC
// (github.com/mewkiz/flac) are decoded in Go. Everything else (Ogg, Opus,
// M4A/MP4, WebM/Matroska, AAC, AMR, WMA, other WAV codecs, video
// containers) goes through an ffmpeg binary when one is installed, and
// otherwise fails with ErrNeedsFFmpeg naming the format. ffmpeg is told the
// sniffed demuxer and reads a file: URL, so input this package did not
// recognise, such as a playlist naming other files, never reaches it.
//
// The cost of a file is bounded before and while it is decoded: source
// rates above 384 kHz and more than 24 channels are refused, and one second
// of Options.MaxDuration pays for 8 channels at 48 kHz of decoding work, so
// audio with more samples times channels is held to a shorter duration.
//
// Decoded audio is averaged to mono and resampled with a polyphase
// Kaiser-windowed sinc filter (80 dB stopband from the lower Nyquist
// frequency), block by block, so memory holds the 16 kHz result and little
// else. Options.MaxDuration is checked against the headers before decoding
// and enforced while decoding.
//
// Probe reports the format and duration from headers alone where the format
// allows, for enforcing quotas at upload time: it reads frame headers but
// decodes no frame of WAV, MP3 or FLAC, and keeps none of what ffmpeg
// decodes when a container has no duration. Its memory does not grow with
// the number of frames. Error messages never hold the input's file name.
//
// Every error is an *Error wrapping one of the sentinel errors (ErrEmpty,
// ErrTruncated, ErrCorrupt, ErrNotAudio, ErrNoSamples, ErrTooLong,
// ErrNeedsFFmpeg), a context error or an I/O error; a panic inside a
// decoder library is recovered and reported as ErrCorrupt. Audio data that ends early is not an
// error: the complete frames are returned and PCM.Truncated is set.
package audio
