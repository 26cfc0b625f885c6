package main

import (
	"bytes"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/server"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// countBarrier is a real store whose CountKeys returns only once n callers
// have read the count, so that nodes starting together all see no key.
type countBarrier struct {
	store.Backend
	wg *sync.WaitGroup
}

func (b countBarrier) CountKeys() (int, error) {
	n, err := b.Backend.CountKeys()
	b.wg.Done()
	b.wg.Wait()
	return n, err
}

// TestEnsureAdminKeyNodesTogether starts several nodes at once with the
// same INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY on one empty store: every one
// starts, and the key exists once.
func TestEnsureAdminKeyNodesTogether(t *testing.T) {
	const secret = "itk_" + "0123456789abcdefghijABCDEFGHIJ0123456789"
	t.Setenv(envInitialAdminKey, secret)
	st, err := store.Open(filepath.Join(t.TempDir(), "k.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const nodes = 4
	var wg sync.WaitGroup
	wg.Add(nodes)
	errs := make([]error, nodes)
	var starts sync.WaitGroup
	for i := range nodes {
		starts.Go(func() {
			errs[i] = ensureAdminKey(countBarrier{st, &wg}, io.Discard, slog.New(slog.DiscardHandler))
		})
	}
	starts.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
	keys, err := st.ListKeys()
	if err != nil || len(keys) != 1 || !keys[0].Admin {
		t.Fatalf("keys = %+v, %v; want the one admin key", keys, err)
	}
	hash, _ := server.HashChosenAPIKey(secret)
	if !bytes.Equal(keys[0].Hash[:], hash[:]) {
		t.Fatal("the admin key is not the chosen one")
	}
}
