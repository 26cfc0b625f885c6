//go:build whisper

package engine

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
)

// Registry holds the configured models by name: the default one, loaded
// by the caller and always kept, and the others, loaded on first use. The
// loaded models together stay within a memory budget, each counted at its
// file size (the weights whisper keeps in memory; States come on top): to
// make room, the least recently used model that no job is using is freed,
// and when every other model is in use, a load waits for one to be
// released. It is safe for concurrent use.
type Registry struct {
	def    string
	paths  map[string]string
	sizes  map[string]int64
	budget int64
	cfg    Config
	logger *slog.Logger

	mu      sync.Mutex
	loaded  map[string]*loaded
	total   int64         // sizes of the loaded and loading models
	tick    int64         // use counter, for least-recently-used order
	changed chan struct{} // closed and replaced when a model is released or freed
}

// loaded is one model in memory or being loaded.
type loaded struct {
	m      *Model
	size   int64
	users  int
	used   int64
	pinned bool
	ready  chan struct{} // closed once m is set or the load failed
	err    error
}

// NewRegistry returns the registry of paths (name → model file), whose
// model def is already loaded as defModel. cfg gives the load options of
// the others (its ModelPath is ignored). budget is the memory, in bytes,
// all loaded models may take together; 0 means no limit. It fails when a
// file is missing, or when the default model and another one cannot fit
// in the budget together.
func NewRegistry(paths map[string]string, def string, defModel *Model, budget int64, cfg Config, logger *slog.Logger) (*Registry, error) {
	if logger == nil {
		logger = slog.Default()
	}
	if _, ok := paths[def]; !ok {
		return nil, fmt.Errorf("engine: registry: default model %q is not among the models", def)
	}
	r := &Registry{def: def, paths: paths, sizes: make(map[string]int64, len(paths)), budget: budget, cfg: cfg,
		logger: logger, loaded: make(map[string]*loaded), changed: make(chan struct{})}
	for name, path := range paths {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("engine: registry: model %q: %w", name, err)
		}
		r.sizes[name] = fi.Size()
	}
	for name, size := range r.sizes {
		if name != def && budget > 0 && r.sizes[def]+size > budget {
			return nil, fmt.Errorf("engine: registry: model %q (%d bytes) and the default %q (%d bytes) do not fit in the memory budget of %d bytes",
				name, size, def, r.sizes[def], budget)
		}
	}
	ready := make(chan struct{})
	close(ready)
	r.loaded[def] = &loaded{m: defModel, size: r.sizes[def], pinned: true, ready: ready}
	r.total = r.sizes[def]
	return r, nil
}

// Default is the name of the default model.
func (r *Registry) Default() string { return r.def }

// Names lists the model names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.paths))
	for n := range r.paths {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Has reports whether name is a configured model.
func (r *Registry) Has(name string) bool {
	_, ok := r.paths[name]
	return ok
}

// Path returns the file of model name.
func (r *Registry) Path(name string) string { return r.paths[name] }

// Loaded lists the names of the models in memory, sorted.
func (r *Registry) Loaded() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var names []string
	for n, l := range r.loaded {
		if l.m != nil {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Acquire returns model name, loading it first when needed, and a release
// func to call when the caller is done with it. It waits, until ctx ends,
// while the budget has no room because the other models are in use.
func (r *Registry) Acquire(ctx context.Context, name string) (*Model, func(), error) {
	if !r.Has(name) {
		return nil, nil, fmt.Errorf("%w %q", ErrUnknownModel, name)
	}
	for {
		r.mu.Lock()
		if l := r.loaded[name]; l != nil {
			l.users++
			r.tick++
			l.used = r.tick
			r.mu.Unlock()
			<-l.ready
			if l.err != nil {
				r.release(name, l)
				return nil, nil, l.err
			}
			return l.m, sync.OnceFunc(func() { r.release(name, l) }), nil
		}
		size := r.sizes[name]
		r.evictFor(size)
		if r.budget > 0 && r.total+size > r.budget {
			wait := r.changed
			r.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, nil, fmt.Errorf("engine: wait for memory to load model %q: %w", name, context.Cause(ctx))
			}
		}
		l := &loaded{size: size, users: 1, ready: make(chan struct{})}
		r.tick++
		l.used = r.tick
		r.loaded[name] = l
		r.total += size
		r.mu.Unlock()

		cfg := r.cfg
		cfg.ModelPath = r.paths[name]
		m, err := Load(cfg, r.logger)
		if err != nil {
			l.err = err
			close(l.ready)
			r.mu.Lock()
			delete(r.loaded, name)
			r.total -= size
			r.broadcast()
			r.mu.Unlock()
			return nil, nil, err
		}
		l.m = m
		close(l.ready)
		r.logger.Info("model loaded", "model", name, "bytes", size)
		return m, sync.OnceFunc(func() { r.release(name, l) }), nil
	}
}

// release ends one use of l.
func (r *Registry) release(name string, l *loaded) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l.users--
	r.broadcast()
}

// evictFor frees idle models, least recently used first, until size more
// bytes fit in the budget or no idle model is left. r.mu is held.
func (r *Registry) evictFor(size int64) {
	for r.budget > 0 && r.total+size > r.budget {
		var (
			victim string
			lru    *loaded
		)
		for n, l := range r.loaded {
			if !l.pinned && l.users == 0 && l.m != nil && (lru == nil || l.used < lru.used) {
				victim, lru = n, l
			}
		}
		if lru == nil {
			return
		}
		delete(r.loaded, victim)
		r.total -= lru.size
		// No job holds it, so Close does not wait.
		lru.m.Close()
		r.logger.Info("model unloaded to make room", "model", victim, "bytes", lru.size)
		r.broadcast()
	}
}

// broadcast wakes the Acquire calls waiting for room. r.mu is held.
func (r *Registry) broadcast() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// Close frees every model the registry loaded; the default model is the
// caller's. Models still in use are freed once their States are closed.
func (r *Registry) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for n, l := range r.loaded {
		if !l.pinned && l.m != nil {
			l.m.Close()
			delete(r.loaded, n)
		}
	}
}
