package store

import (
	"fmt"
	"time"
)

// The rotating secrets of both drivers: Secrets, Secret and RotateSecret
// run the same steps in a driver's transaction, which reads and writes the
// versions (secretsTx); the rules are firstSecrets, checkSecrets and
// rotateSecrets.

// secretsTx reads and writes a secret's versions in a driver's
// transaction.
type secretsTx interface {
	// secrets reads the versions of name, creating version 1 at now when
	// there are none; forUpdate locks them until the transaction ends
	// where other transactions could write them (PostgreSQL).
	secrets(name string, size int, forUpdate bool, now time.Time) ([]SecretVersion, error)
	// putSecrets replaces the versions of name.
	putSecrets(name string, vs []SecretVersion) error
}

// secretVersions is Secrets, in one transaction of update.
func secretVersions[T secretsTx](update func(func(T) error) error, now func() time.Time, name string, size int) ([]SecretVersion, error) {
	if name == "" || size <= 0 {
		return nil, fmt.Errorf("store: secret %q of %d bytes: %w", name, size, ErrInvalid)
	}
	return read(update, fmt.Sprintf("secret %q", name), func(t T) ([]SecretVersion, error) {
		return t.secrets(name, size, false, now())
	})
}

// currentSecret is Secret: the current version of what Secrets returned.
func currentSecret(vs []SecretVersion, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return vs[0].Secret, nil
}

// rotateSecret is RotateSecret, in one transaction of update.
func rotateSecret[T secretsTx](update func(func(T) error) error, now func() time.Time, name string, size int, dropRetiredBefore time.Time) ([]SecretVersion, error) {
	if name == "" || size <= 0 {
		return nil, fmt.Errorf("store: rotate secret %q of %d bytes: %w", name, size, ErrInvalid)
	}
	return read(update, fmt.Sprintf("rotate secret %q", name), func(t T) ([]SecretVersion, error) {
		now := now()
		old, err := t.secrets(name, size, true, now)
		if err != nil {
			return nil, err
		}
		out, err := rotateSecrets(old, size, now, dropRetiredBefore)
		if err != nil {
			return nil, err
		}
		return out, t.putSecrets(name, out)
	})
}
