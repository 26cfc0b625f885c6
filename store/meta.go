package store

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"
)

// metaSecretsPrefix prefixes the meta key of a rotating secret's versions;
// metaSecretPrefix (store.go) was the single secret of earlier builds.
const metaSecretsPrefix = "secrets."

// SecretVersion is one version of a rotating secret, such as the key that
// signs download URLs. What a version signs names its ID, so that a
// rotation keeps verifying what older versions signed until they are
// dropped.
type SecretVersion struct {
	// ID is "1", "2", ...: one more than the previous version's.
	ID     string    `json:"id"`
	Secret []byte    `json:"secret"`
	Since  time.Time `json:"since"`
	// RetiredAt is zero for the current version, the one that signs.
	RetiredAt time.Time `json:"retired_at,omitzero"`
}

// Secrets returns the versions of the rotating secret called name, the
// current one first, creating version 1 of size random bytes on first use.
// A secret stored by earlier builds under meta/secret.<name> becomes
// version 1. A stored version of another size is an error rather than a
// silent rotation.
func (s *Store) Secrets(name string, size int) ([]SecretVersion, error) {
	return secretVersions(s.update, s.now, name, size)
}

// Secret returns the current version of the rotating secret called name
// (see Secrets).
func (s *Store) Secret(name string, size int) ([]byte, error) {
	return currentSecret(s.Secrets(name, size))
}

// RotateSecret makes a new current version of the secret called name,
// retires the current one, and drops the versions retired before
// dropRetiredBefore (the zero time keeps them all; a time after now drops
// every old version, so that only the new one verifies). It returns the
// versions that remain, the new one first.
func (s *Store) RotateSecret(name string, size int, dropRetiredBefore time.Time) ([]SecretVersion, error) {
	return rotateSecret(s.update, s.now, name, size, dropRetiredBefore)
}

// secrets reads the versions of name, creating or migrating version 1; a
// bbolt write transaction is the only one, so forUpdate changes nothing.
func (t *txn) secrets(name string, size int, _ bool, now time.Time) ([]SecretVersion, error) {
	meta := t.bucket(bucketMeta)
	var vs []SecretVersion
	if v := meta.Get([]byte(metaSecretsPrefix + name)); v != nil {
		if err := json.Unmarshal(v, &vs); err != nil {
			return nil, fmt.Errorf("decode secret versions: %w", err)
		}
	}
	if len(vs) == 0 {
		legacy := []byte(metaSecretPrefix + name)
		var err error
		if vs, err = firstSecrets(meta.Get(legacy), size, now); err != nil {
			return nil, err
		}
		if err := t.putSecrets(name, vs); err != nil {
			return nil, err
		}
		if err := meta.Delete(legacy); err != nil {
			return nil, err
		}
	}
	if err := checkSecrets(vs, size); err != nil {
		return nil, err
	}
	return vs, nil
}

func (t *txn) putSecrets(name string, vs []SecretVersion) error {
	b, err := json.Marshal(vs)
	if err != nil {
		return err
	}
	return t.bucket(bucketMeta).Put([]byte(metaSecretsPrefix+name), b)
}

func newSecretVersion(id string, size int, now time.Time) (SecretVersion, error) {
	v := SecretVersion{ID: id, Secret: make([]byte, size), Since: now}
	_, err := rand.Read(v.Secret)
	return v, err
}
