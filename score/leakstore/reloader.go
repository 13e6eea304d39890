package leakstore

import (
	"context"
	"sync/atomic"
)

// Reloader holds the current store and lets a whole new one be swapped in
// while lookups go on: a lookup loads the current pointer atomically and
// never blocks or fails during a swap (it answers from the old store or the
// new one). Its zero value holds no store: its lookups, like those of a
// nil *Reloader, return ErrNoStore until a store is swapped in. A Reloader is safe for concurrent use by multiple goroutines;
// it must not be copied after first use.
type Reloader struct {
	cur atomic.Pointer[Store]
}

// NewReloader returns a Reloader holding s (which may be nil).
func NewReloader(s *Store) *Reloader {
	r := new(Reloader)
	r.cur.Store(s)
	return r
}

// Current returns the store in use, or nil.
func (r *Reloader) Current() *Store {
	if r == nil {
		return nil
	}
	return r.cur.Load()
}

// Swap makes s the current store and returns the previous one.
func (r *Reloader) Swap(s *Store) (old *Store) { return r.cur.Swap(s) }

// Load reads the store file at path (see ReadFile) and, only if it reads
// without error, makes it current. On error the current store stays in
// use. Lookups keep running on the old store while the file is read.
func (r *Reloader) Load(path string, opts *ReadOptions) error {
	s, err := ReadFile(path, opts)
	if err != nil {
		return err
	}
	r.cur.Store(s)
	return nil
}

// ContainsKey reports whether the current store contains key; see
// [Store.ContainsKey]. It returns ErrNoStore when no store is current.
func (r *Reloader) ContainsKey(ctx context.Context, key []byte) (bool, error) {
	return r.Current().ContainsKey(ctx, key)
}

// ContainsDigest reports whether the current store contains the key whose
// canonical digest is d; see [Store.ContainsDigest]. It returns ErrNoStore
// when no store is current.
func (r *Reloader) ContainsDigest(ctx context.Context, d [32]byte) (bool, error) {
	return r.Current().ContainsDigest(ctx, d)
}
