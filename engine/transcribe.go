//go:build whisper

package engine

import (
	"context"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// Transcribe runs one transcription on a temporary State. Long-lived workers
// should keep their own State from NewState instead, which saves allocating
// whisper's buffers for every job.
func (m *Model) Transcribe(ctx context.Context, samples []float32, opts Options) (*transcript.Transcript, error) {
	st, err := m.NewState()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Transcribe(ctx, samples, opts)
}
