package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// Write writes t to w in format f. opts shapes the cues of [SRT] and [VTT]
// and is ignored by the other formats; zero fields take their defaults. It
// fails for a nil transcript, for a format not in [Formats] (wrapping
// [ErrUnknownFormat]) and when w fails.
func Write(w io.Writer, t *transcript.Transcript, f Format, opts CaptionOptions) error {
	if t == nil {
		return errors.New("export: write: nil transcript")
	}
	bw := bufio.NewWriter(w)
	switch f {
	case TXT:
		writeTXT(bw, t)
	case SRT:
		writeSRT(bw, t, opts)
	case VTT:
		writeVTT(bw, t, opts)
	case JSON:
		if err := writeJSON(bw, t); err != nil {
			return fmt.Errorf("export: write %s: %w", f, err)
		}
	default:
		return fmt.Errorf("export: write %q: %w", string(f), ErrUnknownFormat)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: write %s: %w", f, err)
	}
	return nil
}
