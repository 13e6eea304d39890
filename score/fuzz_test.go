package score_test

import (
	"testing"

	"github.com/leakward/leakward/score"
)

// FuzzCheck feeds arbitrary values to Check: it must not panic, and its
// decision must be consistent.
func FuzzCheck(f *testing.F) {
	k := makeKeys()
	for _, s := range []string{k.payLive, k.payTest, k.ai, k.crc, k.crcBad, k.expPast, k.leaked,
		"", " ", "<your-key>", "dmo_live_", "dct_" + k.crc[4:20], "\xff\xfe" + k.payLive, k.payLive + "\x00"} {
		f.Add([]byte(s), false)
	}
	c := newDemoChecker(f, newStore(f, k.leaked))
	th := score.DefaultThresholds()
	f.Fuzz(func(t *testing.T, key []byte, live bool) {
		d := c.Check(ctx, key, score.CheckOptions{RequireLive: live, Now: now})
		if d.Accepted != (d.Reject == "") {
			t.Fatalf("Accepted %v with Reject %q", d.Accepted, d.Reject)
		}
		if d.Accepted && d.PatternID == "" {
			t.Fatal("accepted without a pattern id")
		}
		if r := d.Result; r.Score < 0 || r.Score > 100 || r.Level != th.Level(r.Score) {
			t.Fatalf("score %d level %v", r.Score, r.Level)
		}
		if !d.Accepted && !d.Result.HasReason(d.Reject) {
			t.Fatalf("rejected with %q, which the reasons do not list", d.Reject)
		}
		if !d.Checks.Has(score.CheckedFormat) {
			t.Fatalf("checks %v lack the format check", d.Checks)
		}
		if d.Accepted && !d.Checks.Has(score.CheckedPlaceholder|score.CheckedExpiry|score.CheckedLeakStore) {
			t.Fatalf("accepted with checks %v: a store is configured and answers", d.Checks)
		}
		if d.StoreErr != nil {
			t.Fatalf("store error from a loaded store: %v", d.StoreErr)
		}
	})
}
