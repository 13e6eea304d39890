package leakstore

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFPRate measures the false-positive rate on absent keys and checks it
// is within ±20% of the target. The trials are sized so that 20% is at
// least 4 standard deviations of the count (about 400 expected false
// positives): at 1e-5 that needs 40M lookups, done on random digests (the
// digest of an absent key is uniformly random, so this is the same
// experiment without 40M SHA-256 computations). Seeds are fixed, so the
// result is the same on every run.
func TestFPRate(t *testing.T) {
	tests := []struct {
		p       float64
		n       uint64 // keys added
		trials  int    // absent lookups
		digests bool   // absent lookups by random digest rather than plaintext key
	}{
		{p: 1e-3, n: 100_000, trials: 400_000},
		{p: 1e-5, n: 100_000, trials: 40_000_000, digests: true},
	}
	for _, tt := range tests {
		trials := tt.trials
		if raceEnabled || testing.Short() {
			trials /= 20 // the bound below is then only checked loosely
		}
		s := newStore(t, Config{Capacity: tt.n, FPRate: tt.p})
		for i := uint64(0); i < tt.n; i++ {
			require.NoError(t, s.Add(testKey(10, i)))
		}
		fp := 0
		if tt.digests {
			r := rand.New(rand.NewPCG(11, 12))
			for i := 0; i < trials; i++ {
				if hasDigest(t, s, randDigest(r)) {
					fp++
				}
			}
		} else {
			for i := 0; i < trials; i++ {
				if has(t, s, testKey(11, uint64(i))) {
					fp++
				}
			}
		}
		got := float64(fp) / float64(trials)
		tol := 0.2
		if trials != tt.trials {
			tol = 0.8
		}
		t.Logf("p=%g n=%d: %d false positives in %d absent lookups: rate %.3g (%.1f%% of target); estimated %.3g", tt.p, tt.n, fp, trials, got, 100*got/tt.p, s.EstimatedFPRate())
		assert.InEpsilon(t, tt.p, got, tol, "measured false-positive rate at target %g", tt.p)
		assert.InEpsilon(t, tt.p, s.EstimatedFPRate(), 0.1, "EstimatedFPRate at capacity, target %g", tt.p)
		_, fillRate := s.Fill()
		assert.InEpsilon(t, tt.p, fillRate, 0.2, "Fill rate at capacity, target %g", tt.p)
	}
}
