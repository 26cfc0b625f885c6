package audiofile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestInside(t *testing.T) {
	tests := []struct {
		dir, path string
		want      bool
	}{
		{"data/audio", "data/audio/x.audio", true},
		{"data/audio", "./data/audio/x.audio", true},
		{"data/audio/", "data/audio/sub/x.audio", true},
		{"/srv/it/audio", "/srv/it/audio/x.audio", true},
		{"data/audio", "data/audio", false},
		{"data/audio", "data/audio/../x.audio", false},
		{"data/audio", "data/audio-other/x.audio", false},
		{"data/audio", "/etc/passwd", false},
		{"/srv/it/audio", "/srv/it/audio/../../../etc/passwd", false},
		{"", "anything", true},
	}
	for _, tt := range tests {
		if got := Inside(tt.dir, tt.path); got != tt.want {
			t.Errorf("Inside(%q, %q) = %v; want %v", tt.dir, tt.path, got, tt.want)
		}
	}
}

// TestWrite: a successful write leaves exactly <id>.audio with the bytes;
// a failing fill leaves nothing, not even the temporary file.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path, err := Write(dir, "job1", func(f *os.File) error {
		_, err := f.WriteString("RIFF")
		return err
	})
	if err != nil || path != Path(dir, "job1") {
		t.Fatalf("Write = %q, %v; want %q", path, err, Path(dir, "job1"))
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "RIFF" {
		t.Errorf("written file = %q, %v", b, err)
	}
	boom := errors.New("client went away")
	if _, err := Write(dir, "job2", func(f *os.File) error {
		_, _ = f.WriteString("partial")
		return boom
	}); !errors.Is(err, boom) {
		t.Errorf("Write with a failing fill = %v; want its error", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "job1"+Suffix {
		t.Errorf("audio dir holds %v; want only job1.audio", entries)
	}
	if _, err := Write(filepath.Join(dir, "missing"), "job3", func(*os.File) error { return nil }); !errors.As(err, new(*Error)) {
		t.Errorf("Write into a missing dir = %v; want an *Error", err)
	}
}

// TestRemove: inside the directory a file is removed and a missing one is
// fine; outside it nothing is removed.
func TestRemove(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	in, out := filepath.Join(dir, "a.audio"), filepath.Join(elsewhere, "a.audio")
	for _, p := range []string{in, out} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := Remove(dir, in); err != nil {
		t.Errorf("Remove inside: %v", err)
	}
	if _, err := os.Stat(in); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file inside still there: %v", err)
	}
	if err := Remove(dir, in); err != nil {
		t.Errorf("Remove of a missing file: %v; want nil", err)
	}
	if err := Remove(dir, out); !errors.Is(err, ErrOutsideDir) {
		t.Errorf("Remove outside: %v; want ErrOutsideDir", err)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("file outside: %v; want it kept", err)
	}
}
