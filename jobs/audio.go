package jobs

import (
	"errors"
	"log/slog"

	"github.com/instanttranscriber/instanttranscriber/audiofile"
)

// Source.AudioPath is a path as this process opens it, absolute or relative
// to the working directory, exactly as the server records uploads
// (audiofile.Path); URL imports are recorded the same way.

func (p *Pool) removeAudio(path string, logger *slog.Logger) {
	removeAudio(p.cfg.AudioDir, path, logger)
}

// removeAudio deletes a job's audio file through audiofile.Remove, which
// never deletes a path outside dir, and logs what went wrong.
func removeAudio(dir, path string, logger *slog.Logger) {
	err := audiofile.Remove(dir, path)
	switch {
	case errors.Is(err, audiofile.ErrOutsideDir):
		logger.Warn("not removing audio outside the audio directory", "path", path, "audio_dir", dir)
	case err != nil:
		logger.Error("remove audio failed", "path", path, "err", err)
	}
}
