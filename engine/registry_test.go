//go:build whisper

package engine_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/enginetest"
)

// TestRegistry loads models lazily within the budget: a second model
// waits while the first is in use, then replaces it.
func TestRegistry(t *testing.T) {
	def := testModel(t)
	path := def.Info().Path
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths := map[string]string{"tiny": path, "a": enginetest.LinkModel(t, path, dir, "a.bin"), "b": enginetest.LinkModel(t, path, dir, "b.bin")}
	size := fi.Size()

	if _, err := engine.NewRegistry(paths, "tiny", def, 2*size-1, engine.Config{}, nil); err == nil {
		t.Error("NewRegistry with a budget below the default plus one model: no error")
	}
	reg, err := engine.NewRegistry(paths, "tiny", def, 2*size+size/2, engine.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Close)
	if got := reg.Names(); !slices.Equal(got, []string{"a", "b", "tiny"}) {
		t.Errorf("Names = %v", got)
	}
	if _, _, err := reg.Acquire(context.Background(), "nope"); !errors.Is(err, engine.ErrUnknownModel) {
		t.Errorf("Acquire(nope) = %v, want ErrUnknownModel", err)
	}
	if got := reg.Loaded(); !slices.Equal(got, []string{"tiny"}) {
		t.Errorf("Loaded before use = %v, want only the default", got)
	}

	a, releaseA, err := reg.Acquire(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if a == def || !slices.Equal(reg.Loaded(), []string{"a", "tiny"}) {
		t.Fatalf("after Acquire(a): same model as the default %v, loaded %v", a == def, reg.Loaded())
	}
	// b does not fit while a is in use: Acquire waits, here until its deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, _, err := reg.Acquire(ctx, "b"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire(b) while a is in use = %v, want to wait until the deadline", err)
	}
	releaseA()
	b, releaseB, err := reg.Acquire(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	defer releaseB()
	if got := reg.Loaded(); !slices.Equal(got, []string{"b", "tiny"}) {
		t.Errorf("Loaded after b replaced a = %v, want [b tiny]", got)
	}
	st, err := b.NewState()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tr, err := st.Transcribe(context.Background(), jfk(t), engine.Options{Language: "en", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(normalize(tr.Text), jfkPhrase) {
		t.Errorf("model b heard %q", tr.Text)
	}
}

// TestRegistryConcurrentLoad: jobs that ask for the same model at once
// share one load.
func TestRegistryConcurrentLoad(t *testing.T) {
	def := testModel(t)
	path := def.Info().Path
	paths := map[string]string{"tiny": path, "a": enginetest.LinkModel(t, path, t.TempDir(), "a.bin")}
	reg, err := engine.NewRegistry(paths, "tiny", def, 0, engine.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Close)
	const n = 4
	got := make(chan *engine.Model, n)
	for range n {
		go func() {
			m, release, err := reg.Acquire(context.Background(), "a")
			if err != nil {
				t.Error(err)
				got <- nil
				return
			}
			release()
			got <- m
		}()
	}
	first := <-got
	for range n - 1 {
		if m := <-got; m != first || m == nil {
			t.Errorf("concurrent Acquire gave models %p and %p, want one shared", first, m)
		}
	}
	if l := reg.Loaded(); !slices.Equal(l, []string{"a", "tiny"}) {
		t.Errorf("Loaded = %v", l)
	}
}
