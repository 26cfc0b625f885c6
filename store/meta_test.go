package store

import (
	"bytes"
	"testing"
	"time"
)

// TestRotateSecret: rotation adds a current version and keeps the old ones
// until they were retired before the cut-off; versions survive a reopen.
func TestRotateSecret(t *testing.T) {
	s, clock := clockedStore(t)
	v1, err := s.Secrets("urls", 32)
	if err != nil || len(v1) != 1 || v1[0].ID != "1" || !v1[0].RetiredAt.IsZero() {
		t.Fatalf("Secrets on first use = %+v, %v; want version 1, current", v1, err)
	}

	clock.Advance(time.Hour)
	v2, err := s.RotateSecret("urls", 32, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v2) != 2 || v2[0].ID != "2" || v2[1].ID != "1" || !v2[1].RetiredAt.Equal(clock.Now()) ||
		!bytes.Equal(v2[1].Secret, v1[0].Secret) || bytes.Equal(v2[0].Secret, v1[0].Secret) {
		t.Fatalf("after one rotation = %+v; want 2 (new secret) then 1 (same secret, retired now)", v2)
	}
	if cur, _ := s.Secret("urls", 32); !bytes.Equal(cur, v2[0].Secret) {
		t.Error("Secret does not return the current version")
	}

	// Version 1 was retired an hour before this rotation; a cut-off of 30
	// minutes ago drops it and keeps version 2, retired now.
	clock.Advance(time.Hour)
	v3, err := s.RotateSecret("urls", 32, clock.Now().Add(-30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if ids := versionIDs(v3); ids != "3,2" {
		t.Errorf("after dropping versions retired before 30 min ago: %s; want 3,2", ids)
	}

	// A cut-off after now drops every old version.
	v4, err := s.RotateSecret("urls", 32, clock.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if ids := versionIDs(v4); ids != "4" {
		t.Errorf("after dropping all old versions: %s; want 4", ids)
	}

	s = reopen(t, s)
	got, err := s.Secrets("urls", 32)
	if err != nil || versionIDs(got) != "4" || !bytes.Equal(got[0].Secret, v4[0].Secret) {
		t.Errorf("Secrets after reopen = %+v, %v; want version 4", got, err)
	}
	if _, err := s.Secrets("urls", 16); err == nil {
		t.Error("Secrets with another size succeeded; want an error")
	}
}

// TestSecretMigration: the single secret of earlier builds becomes version
// 1, so download URLs signed with it keep verifying.
func TestSecretMigration(t *testing.T) {
	s := newTestStore(t, nil)
	legacy := bytes.Repeat([]byte{7}, 32)
	if err := s.update(func(tx *txn) error {
		return tx.bucket(bucketMeta).Put([]byte(metaSecretPrefix+"urls"), legacy)
	}); err != nil {
		t.Fatal(err)
	}
	vs, err := s.Secrets("urls", 32)
	if err != nil || versionIDs(vs) != "1" || !bytes.Equal(vs[0].Secret, legacy) {
		t.Fatalf("Secrets over a legacy secret = %+v, %v; want version 1 holding it", vs, err)
	}
	// The legacy copy is gone, so a rotation that drops version 1 removes
	// the secret from the file (and from later backups).
	var left []byte
	s.view(func(tx *txn) error { left = tx.bucket(bucketMeta).Get([]byte(metaSecretPrefix + "urls")); return nil })
	if left != nil {
		t.Error("the legacy secret is still stored after migration")
	}
}

func versionIDs(vs []SecretVersion) string {
	var b bytes.Buffer
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(v.ID)
	}
	return b.String()
}
