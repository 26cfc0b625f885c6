// Package audiofile owns the files in the audio directory: their names
// (<job id>.audio, and *.tmp while one is being written), the durable write
// (temporary file, fsync, rename, directory fsync) that uploads and URL
// imports share, and removal, which never touches a path outside the
// directory. The API, the job runner and the janitor all go through it.
package audiofile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Suffix ends the name of a job's audio file: <job id>.audio.
const Suffix = ".audio"

// TempSuffix ends the name of every file being written in the audio
// directory; the janitor removes stale ones.
const TempSuffix = ".tmp"

// ErrOutsideDir is the error of Remove for a path outside the directory.
var ErrOutsideDir = errors.New("audiofile: path outside the audio directory")

// Path is where the audio of job jobID lives in dir.
func Path(dir, jobID string) string {
	return filepath.Join(dir, jobID+Suffix)
}

// JobID returns the job ID of an audio file's base name, and whether name
// is one.
func JobID(name string) (string, bool) {
	return strings.CutSuffix(name, Suffix)
}

// IsTemp reports whether the base name is that of a file being written.
func IsTemp(name string) bool {
	return strings.HasSuffix(name, TempSuffix)
}

// Error is a failed file operation of Write: Op is "create", "sync",
// "close" or "rename".
type Error struct {
	Op  string
	Err error
}

func (e *Error) Error() string { return "audiofile: " + e.Op + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// Write saves the audio of job jobID in dir so that Path(dir, jobID) never
// holds a partial file: fill writes to a temporary file in dir (named
// <id>.*.tmp); when it returns nil the file is synced, closed and renamed
// into place and dir is synced. Any failure removes the temporary file and
// returns fill's error as it is, or an *Error.
func Write(dir, jobID string, fill func(f *os.File) error) (string, error) {
	f, err := os.CreateTemp(dir, jobID+".*"+TempSuffix)
	if err != nil {
		return "", &Error{"create", err}
	}
	tmp := f.Name()
	defer func() {
		if f != nil {
			_ = f.Close()
		}
		if tmp != "" {
			_ = os.Remove(tmp)
		}
	}()
	if err := fill(f); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", &Error{"sync", err}
	}
	err = f.Close()
	f = nil
	if err != nil {
		return "", &Error{"close", err}
	}
	final := Path(dir, jobID)
	if err := os.Rename(tmp, final); err != nil {
		return "", &Error{"rename", err}
	}
	tmp = ""
	syncDir(dir)
	return final, nil
}

// syncDir makes a rename in dir durable; where directories cannot be
// synced it does nothing.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// Remove deletes a job's audio file at path, as recorded in the job's
// Source.AudioPath (absolute or relative to the working directory). A file
// that is already gone is no error; a path outside dir is never deleted
// (ErrOutsideDir), so that a bad record cannot delete an arbitrary file.
func Remove(dir, path string) error {
	if !Inside(dir, path) {
		return ErrOutsideDir
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Inside reports whether path lies inside dir; with no dir configured every
// path does.
func Inside(dir, path string) bool {
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
