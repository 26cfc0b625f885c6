package store

import "fmt"

// read runs fn in one transaction of run, a driver's view or update, and
// returns what fn read; an error is wrapped as the store's "store: op: ...".
func read[T, V any](run func(func(T) error) error, op string, fn func(T) (V, error)) (V, error) {
	var v V
	err := run(func(t T) error {
		var err error
		v, err = fn(t)
		return err
	})
	if err != nil {
		var zero V
		return zero, fmt.Errorf("store: %s: %w", op, err)
	}
	return v, nil
}
