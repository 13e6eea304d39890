package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/score"
	"github.com/leakward/leakward/score/leakstore"
)

// splitmix64 is a fast, well-mixed 64-bit hash used to derive synthetic
// digests from an index.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// syntheticDigest returns the i-th digest of set seed: 32 random-looking
// bytes standing for the SHA-256 of a leaked key.
func syntheticDigest(seed, i uint64) (d [32]byte) {
	base := splitmix64(seed<<40 ^ i)
	for w := range 4 {
		binary.LittleEndian.PutUint64(d[w*8:], splitmix64(base+uint64(w)))
	}
	return d
}

// storeRow is the leak-store figures for one store size.
type storeRow struct {
	capacity             uint64
	sizeMB               float64
	k                    int
	build                time.Duration
	hitNs, missNs, keyNs float64
	fpRate               float64
}

// measureStore builds a store of n synthetic digests with every core and
// times lookups of present digests, absent digests and absent keys (a key
// lookup adds one SHA-256).
func measureStore(n uint64, budget time.Duration, count int) (storeRow, error) {
	row := storeRow{capacity: n}
	s, err := leakstore.New(leakstore.Config{Capacity: n, Source: "benchmarks"})
	if err != nil {
		return row, fmt.Errorf("benchmarks: leak store of %d: %w", n, err)
	}
	start := time.Now()
	procs := uint64(runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	errs := make([]error, procs)
	for w := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += procs {
				if err := s.AddDigest(syntheticDigest(1, i)); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	row.build = time.Since(start)
	for _, err := range errs {
		if err != nil {
			return row, fmt.Errorf("benchmarks: filling leak store: %w", err)
		}
	}
	row.sizeMB = float64(s.SizeBytes()) / 1e6
	row.k = s.K()
	row.fpRate = s.EstimatedFPRate()
	ctx := context.Background()
	var lookupErr error
	found := func(ok bool, err error) bool {
		if err != nil {
			lookupErr = err
		}
		return ok
	}
	hits := 0
	row.hitNs = nsPerOp(budget, count, func(i int) {
		if found(s.ContainsDigest(ctx, syntheticDigest(1, uint64(i)*7919%n))) {
			hits++
		}
	})
	if hits == 0 {
		return row, fmt.Errorf("benchmarks: leak store of %d lost its digests", n)
	}
	row.missNs = nsPerOp(budget, count, func(i int) {
		if found(s.ContainsDigest(ctx, syntheticDigest(2, uint64(i)))) {
			hits++
		}
	})
	var key [40]byte
	copy(key[:], "lwbench_absent_key_")
	row.keyNs = nsPerOp(budget, count, func(i int) {
		binary.LittleEndian.PutUint64(key[24:], uint64(i))
		if found(s.ContainsKey(ctx, key[:])) {
			hits++
		}
	})
	if lookupErr != nil {
		return row, fmt.Errorf("benchmarks: leak store lookup: %w", lookupErr)
	}
	return row, nil
}

// checkRow is one case of the inline key check.
type checkRow struct {
	name     string
	ns       float64
	allocs   float64
	decision string
}

// measureCheck times score.Checker.Check on a recognised key, the same key
// listed in a leak store of storeN keys, and an unrecognised value.
func measureCheck(d *detect.Detector, key []byte, keyType string, storeN uint64, budget time.Duration, count int) ([]checkRow, error) {
	st, err := leakstore.New(leakstore.Config{Capacity: storeN + 1})
	if err != nil {
		return nil, fmt.Errorf("benchmarks: check store: %w", err)
	}
	for i := range storeN {
		if err := st.AddDigest(syntheticDigest(3, i)); err != nil {
			return nil, fmt.Errorf("benchmarks: check store: %w", err)
		}
	}
	checker, err := score.NewChecker(d, score.CheckerConfig{Store: st})
	if err != nil {
		return nil, fmt.Errorf("benchmarks: checker: %w", err)
	}
	opts := score.CheckOptions{Now: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	unknown := []byte("q7Vx2LmP9sKd4RtY8wBn3HcJ6fGa1ZeU5oTi0NbM")
	var rows []checkRow
	run := func(name string, key []byte) {
		var dec score.Decision
		ns := nsPerOp(budget, count, func(int) { dec = checker.Check(ctx, key, opts) })
		allocs := testingAllocs(func() { dec = checker.Check(ctx, key, opts) })
		verdict := "accepted"
		if !dec.Accepted {
			verdict = "rejected: " + string(dec.Reject)
		}
		rows = append(rows, checkRow{name: name, ns: ns, allocs: allocs, decision: verdict})
	}
	run("recognised "+keyType+", not in the store", key)
	run("unrecognised 40-char value", unknown)
	if err := st.Add(key); err != nil {
		return nil, fmt.Errorf("benchmarks: check store: %w", err)
	}
	run("recognised "+keyType+", listed in the store", key)
	return rows, nil
}

// testingAllocs returns the average heap allocations of f over 1000 runs.
func testingAllocs(f func()) float64 {
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 1000 {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / 1000
}
