package store

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"
)

// mustKey creates k and fails the test on error.
func mustKey(t *testing.T, s *Store, k Key) Key {
	t.Helper()
	got, err := s.CreateKey(k)
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	return got
}

func TestKeys(t *testing.T) {
	s, clock := clockedStore(t)
	if n, _ := s.CountKeys(); n != 0 {
		t.Fatalf("CountKeys on a new store = %d; want 0", n)
	}
	admin := mustKey(t, s, Key{Name: "admin", Hash: sha256.Sum256([]byte("secret-1")), Admin: true})
	clock.Advance(time.Second)
	user := mustKey(t, s, Key{Name: "user", Hash: sha256.Sum256([]byte("secret-2")), QuotaSeconds: 3600})
	if admin.ID == "" || !admin.CreatedAt.Equal(t0) || admin.Revoked() {
		t.Errorf("CreateKey = %+v; want an ID, CreatedAt %s, not revoked", admin, t0)
	}
	if _, err := s.CreateKey(Key{Name: "dup", Hash: admin.Hash}); !errors.Is(err, ErrExists) {
		t.Errorf("CreateKey with a used hash: %v; want ErrExists", err)
	}

	tests := []struct {
		secret string
		want   string
		err    error
	}{
		{"secret-1", admin.ID, nil},
		{"secret-2", user.ID, nil},
		{"secret-3", "", ErrNotFound},
	}
	for _, tt := range tests {
		got, err := s.KeyByHash(sha256.Sum256([]byte(tt.secret)))
		if !errors.Is(err, tt.err) || got.ID != tt.want {
			t.Errorf("KeyByHash(%s) = %q, %v; want %q, %v", tt.secret, got.ID, err, tt.want, tt.err)
		}
	}

	clock.Advance(time.Minute)
	revoked, err := s.RevokeKey(user.ID)
	if err != nil || !revoked.RevokedAt.Equal(clock.Now()) {
		t.Fatalf("RevokeKey = %+v, %v; want RevokedAt %s", revoked, err, clock.Now())
	}
	clock.Advance(time.Minute)
	again, err := s.RevokeKey(user.ID)
	if err != nil || !again.RevokedAt.Equal(revoked.RevokedAt) {
		t.Errorf("second RevokeKey = %s, %v; want the first RevokedAt %s", again.RevokedAt, err, revoked.RevokedAt)
	}
	if got, err := s.KeyByHash(user.Hash); err != nil || !got.Revoked() || got.QuotaSeconds != 3600 {
		t.Errorf("KeyByHash of a revoked key = %+v, %v; want it, revoked", got, err)
	}
	if _, err := s.RevokeKey("0190b9a0-0000-7000-8000-000000000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("RevokeKey of an unknown key: %v; want ErrNotFound", err)
	}

	keys, err := s.ListKeys()
	if err != nil || len(keys) != 2 || keys[0].ID != admin.ID || keys[1].ID != user.ID || !keys[0].Admin {
		t.Errorf("ListKeys = %+v, %v; want admin then user", keys, err)
	}
	if n, _ := s.CountKeys(); n != 2 {
		t.Errorf("CountKeys = %d; want 2", n)
	}
}

func TestGetKey(t *testing.T) {
	s, clock := clockedStore(t)
	k := mustKey(t, s, Key{Name: "user", Hash: sha256.Sum256([]byte("secret")), QuotaSeconds: 600})
	got, err := s.GetKey(k.ID)
	if err != nil || got.ID != k.ID || got.Name != "user" || got.QuotaSeconds != 600 || got.Hash != k.Hash || !got.CreatedAt.Equal(t0) {
		t.Errorf("GetKey = %+v, %v; want %+v", got, err, k)
	}
	clock.Advance(time.Minute)
	if _, err := s.RevokeKey(k.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetKey(k.ID); err != nil || !got.Revoked() {
		t.Errorf("GetKey of a revoked key = %+v, %v; want it, revoked", got, err)
	}
	for _, id := range []string{"0190b9a0-0000-7000-8000-000000000000", "not-a-uuid", ""} {
		if _, err := s.GetKey(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("GetKey(%q): %v; want ErrNotFound", id, err)
		}
	}
}

// TestRevokeLastAdmin: the only valid admin key cannot be revoked; once
// another admin key exists it can, and then the other one is the last.
func TestRevokeLastAdmin(t *testing.T) {
	s, _ := clockedStore(t)
	first := mustKey(t, s, Key{Name: "first", Hash: sha256.Sum256([]byte("a1")), Admin: true})
	user := mustKey(t, s, Key{Name: "user", Hash: sha256.Sum256([]byte("u1"))})
	if _, err := s.RevokeKey(first.ID); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("RevokeKey(only admin): %v; want ErrLastAdmin", err)
	}
	if got, _ := s.GetKey(first.ID); got.Revoked() {
		t.Fatal("the refused revocation was written")
	}
	if _, err := s.RevokeKey(user.ID); err != nil {
		t.Errorf("RevokeKey(user) with one admin: %v", err)
	}
	second := mustKey(t, s, Key{Name: "second", Hash: sha256.Sum256([]byte("a2")), Admin: true})
	if _, err := s.RevokeKey(first.ID); err != nil {
		t.Fatalf("RevokeKey(first) with a second admin: %v", err)
	}
	// A revoked admin does not count: second is now the last one.
	if _, err := s.RevokeKey(second.ID); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("RevokeKey(second) after first was revoked: %v; want ErrLastAdmin", err)
	}
	// Revoking the already revoked first key again stays a no-op.
	if _, err := s.RevokeKey(first.ID); err != nil {
		t.Errorf("RevokeKey(first) again: %v", err)
	}
}
