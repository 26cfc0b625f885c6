package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/failure"
)

// WithModels lets jobs name their model (store.JobOptions.Model) among
// reg's (EngineModels of the engine's registry in the service). A job that
// names none, or reg's default, runs on the pool's own States of the
// default model; another model is loaded by reg on first use, and the job
// runs on a State of it made for the job, while it still holds a pool
// State as its worker slot. A Janitor ignores it.
func WithModels(reg Models) Option {
	return func(o *options) { o.models = reg }
}

// modelState returns the State a job transcribes on: state itself for the
// default model, or a new State of the named model and a func that frees
// it and releases the model.
func (p *Pool) modelState(ctx context.Context, state Transcriber, name string) (Transcriber, func(), error) {
	if name == "" || p.models == nil || name == p.models.Default() {
		return state, func() {}, nil
	}
	m, release, err := p.models.Acquire(ctx, name)
	if errors.Is(err, engine.ErrUnknownModel) {
		return nil, nil, &Error{Code: failure.InvalidOption, Message: fmt.Sprintf("model %q is not configured on this server", name), Err: err}
	}
	if err != nil {
		return nil, nil, err
	}
	s, err := m.NewTranscriber()
	if err != nil {
		release()
		return nil, nil, err
	}
	return s, func() { _ = s.Close(); release() }, nil
}
