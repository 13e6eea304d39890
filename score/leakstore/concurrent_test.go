package leakstore

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentAddLookupReload runs adds, lookups, snapshots and reloads
// at once (run it with -race). Lookups of a key whose Add has returned
// must answer true, on the live store and through a Reloader that keeps
// swapping between files that all hold the base keys.
func TestConcurrentAddLookupReload(t *testing.T) {
	const (
		writers   = 2
		perWriter = 20_000
		readers   = 3
		baseKeys  = 1000
		reloads   = 40
	)
	live := newStore(t, Config{Capacity: writers * perWriter, FPRate: 1e-6})

	dir := t.TempDir()
	var paths []string
	for f := 0; f < 2; f++ {
		s := newStore(t, Config{Capacity: 2 * baseKeys, Source: fmt.Sprint("file ", f)})
		for i := uint64(0); i < baseKeys; i++ {
			require.NoError(t, s.Add(testKey(21, i)))
			require.NoError(t, s.Add(testKey(22+uint64(f), i)))
		}
		p := filepath.Join(dir, fmt.Sprintf("s%d.lwl", f))
		require.NoError(t, s.WriteFile(p))
		paths = append(paths, p)
	}
	rl := new(Reloader)
	require.NoError(t, rl.Load(paths[0], nil))

	var progress [writers]atomic.Uint64 // keys [0, progress) of writer w are added
	var stop atomic.Bool
	var misses, baseMisses atomic.Int64
	var wg, readersWG sync.WaitGroup

	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := uint64(0); i < perWriter; i++ {
				if err := live.Add(testKey(30+uint64(w), i)); err != nil {
					t.Errorf("writer %d Add %d: %v", w, i, err)
					return
				}
				progress[w].Store(i + 1)
			}
		}()
	}
	for r := 0; r < readers; r++ {
		readersWG.Add(1)
		go func() {
			defer readersWG.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 99))
			for !stop.Load() {
				w := rng.IntN(writers)
				if p := progress[w].Load(); p > 0 {
					if !has(t, live, testKey(30+uint64(w), rng.Uint64N(p))) {
						misses.Add(1)
					}
				}
				if !has(t, rl, testKey(21, rng.Uint64N(baseKeys))) {
					baseMisses.Add(1)
				}
				_ = hasDigest(t, live, randDigest(rng))
			}
		}()
	}
	wg.Add(2)
	go func() { // reloads
		defer wg.Done()
		for i := 0; i < reloads; i++ {
			if err := rl.Load(paths[i%2], nil); err != nil {
				t.Errorf("reload %d: %v", i, err)
			}
			// A failed reload keeps the current store.
			if err := rl.Load(filepath.Join(dir, "missing"), nil); err == nil {
				t.Errorf("reload of a missing file succeeded")
			}
		}
	}()
	go func() { // snapshots and stats while adding
		defer wg.Done()
		for i := 0; i < 5; i++ {
			if _, err := live.WriteTo(io.Discard); err != nil {
				t.Errorf("WriteTo during adds: %v", err)
			}
			live.Fill()
			_ = live.EstimatedFPRate()
		}
	}()
	wg.Wait()
	stop.Store(true)
	readersWG.Wait()

	assert.Zero(t, misses.Load(), "lookups that missed a key whose Add had returned")
	assert.Zero(t, baseMisses.Load(), "lookups through the Reloader that missed a base key")
	assert.Equal(t, uint64(writers*perWriter), live.Count(), "Count after concurrent adds of distinct keys")
	for w := 0; w < writers; w++ {
		for i := uint64(0); i < perWriter; i++ {
			require.True(t, has(t, live, testKey(30+uint64(w), i)), "writer %d key %d after all adds", w, i)
		}
	}
}

// TestConcurrentFull checks that concurrent adds never take the count past
// the capacity.
func TestConcurrentFull(t *testing.T) {
	s := newStore(t, Config{Capacity: 1000, FPRate: 1e-6})
	var wg sync.WaitGroup
	var added, full atomic.Int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := uint64(0); i < 500; i++ {
				switch err := s.Add(testKey(40+uint64(w), i)); {
				case err == nil:
					added.Add(1)
				case assert.ErrorIs(t, err, ErrFull):
					full.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, uint64(1000), s.Count(), "Count after 2000 concurrent adds to capacity 1000")
	assert.Equal(t, int64(1000), added.Load(), "adds accepted")
	assert.Equal(t, int64(1000), full.Load(), "adds refused")
}

func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	s := newStore(t, Config{Capacity: 1000})
	ps := newStore(t, Config{Capacity: 1000, Pepper: testPepper})
	rl := NewReloader(s)
	key := testKey(50, 1)
	d := Digest(key)
	ctx := context.Background()
	require.NoError(t, s.Add(key))
	require.NoError(t, ps.Add(key))
	tests := []struct {
		name string
		f    func()
	}{
		{"Store.ContainsKey", func() { _, _ = s.ContainsKey(ctx, key) }},
		{"Store.ContainsDigest", func() { _, _ = s.ContainsDigest(ctx, d) }},
		{"peppered Store.ContainsKey", func() { _, _ = ps.ContainsKey(ctx, key) }},
		{"Reloader.ContainsKey", func() { _, _ = rl.ContainsKey(ctx, key) }},
		{"Reloader.ContainsDigest", func() { _, _ = rl.ContainsDigest(ctx, d) }},
		{"nil *Store.ContainsKey", func() { _, _ = (*Store)(nil).ContainsKey(ctx, key) }},
		{"Store.AddDigest", func() { _ = s.AddDigest(d) }},
		{"ParseDigest", func() { _, _ = ParseDigest([]byte("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")) }},
	}
	for _, tt := range tests {
		assert.Zero(t, testing.AllocsPerRun(100, tt.f), "allocations per %s", tt.name)
	}
}
