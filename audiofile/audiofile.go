package jobs

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Source.AudioPath is a path as this process opens it, absolute or relative
// to the working directory, exactly as the server records uploads
// (AudioDir/<job id>.audio); URL imports are recorded the same way.

// inDir reports whether path lies inside dir; with no dir configured every
// path does.
func inDir(dir, path string) bool {
	if dir == "" {
		return true
	}
	absDir, err1 := filepath.Abs(dir)
	absPath, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(absDir, absPath)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func (p *Pool) removeAudio(path string, logger *slog.Logger) {
	removeAudio(p.cfg.AudioDir, path, logger)
}

// removeAudio deletes a job's audio file. A file that is already gone is
// fine; a path outside dir is never deleted, so a bad record cannot make
// the worker delete an arbitrary file.
func removeAudio(dir, path string, logger *slog.Logger) {
	if !inDir(dir, path) {
		logger.Warn("not removing audio outside the audio directory", "path", path, "audio_dir", dir)
		return
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		logger.Error("remove audio failed", "path", path, "err", err)
	}
}
