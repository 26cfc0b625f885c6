package e2e

import (
	"context"
	"testing"
	"time"
)

// Service is a component that runs between Start and Stop, such as the
// worker pool or the webhook dispatcher.
type Service interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
}

// StartService starts s with ctx and stops it when the test ends, allowing
// Stop up to timeout; an error from either fails the test.
func StartService(t testing.TB, ctx context.Context, s Service, timeout time.Duration) {
	t.Helper()
	if err := s.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := s.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
}
