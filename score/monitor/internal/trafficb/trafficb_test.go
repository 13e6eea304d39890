package trafficb

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/score/monitor/internal/evalset"
)

// small is a stream size that replays quickly.
var small = Options{Keys: 400, PerKind: 4}

func with(o Options, seed uint64) Options {
	o.Seed = seed
	return o
}

func TestDeterministic(t *testing.T) {
	a := Generate(with(small, 7))
	b := Generate(with(small, 7))
	c := Generate(with(small, 8))
	assert.Equal(t, a.Keys, b.Keys, "same seed: key ids")
	assert.Equal(t, a.Behaviour, b.Behaviour, "same seed: behaviours")
	assert.Equal(t, a.Instances, b.Instances, "same seed: instances")
	assert.True(t, slices.Equal(a.Events, b.Events), "same seed: events")
	assert.NotEqual(t, a.Keys[0], c.Keys[0], "another seed: key ids")
	assert.False(t, slices.Equal(a.Events, c.Events), "another seed: events")
}

// failOnce reports each distinct message once (streams have a million
// events; one line per broken rule is enough).
type failOnce struct {
	t    *testing.T
	seen map[string]bool
}

func (f *failOnce) check(ok bool, format string, args ...any) {
	if ok {
		return
	}
	f.t.Helper()
	if f.seen[format] {
		return
	}
	f.seen[format] = true
	f.t.Errorf(format, args...)
}

// checkLabels checks the stream's labels against its events.
func checkLabels(t *testing.T, name string, s *evalset.Stream) {
	t.Helper()
	f := &failOnce{t: t, seen: map[string]bool{}}
	victimOf := map[int32][]int{}
	for i, in := range s.Instances {
		require.NotEmpty(t, in.Victims, "%s: instance %d (%s) has victims", name, i, in.Kind)
		for _, v := range in.Victims {
			require.True(t, v >= 0 && int(v) < len(s.Keys), "%s: instance %d victim %d exists", name, i, v)
			victimOf[v] = append(victimOf[v], i)
		}
		f.check(in.Start >= s.Start && in.Start < s.End, "%s: instance %d (%s) starts in the span", name, i, in.Kind)
		if in.Kind == evalset.KeyTesting {
			f.check(in.Source.IsValid(), "%s: key testing instance %d has a source", name, i)
		}
	}
	// Per instance and victim: whether it has a labelled call at/after Start.
	hit := map[[2]int32]bool{}
	for _, e := range s.Events {
		require.True(t, e.Key >= 0 && int(e.Key) < len(s.Keys), "%s: event key exists", name)
		if e.Leak || e.Unmark {
			f.check(e.Instance == -1, "%s: a notice carries an instance", name)
			f.check(!e.Addr.IsValid(), "%s: a notice carries an address", name)
			continue
		}
		f.check(e.Time >= s.Start && e.Time < s.End, "%s: a call outside the span", name)
		f.check(e.Addr.IsValid(), "%s: a call without an address", name)
		if e.Instance < 0 {
			continue
		}
		require.True(t, int(e.Instance) < len(s.Instances), "%s: event instance exists", name)
		in := &s.Instances[e.Instance]
		f.check(slices.Contains(victimOf[e.Key], int(e.Instance)), "%s: instance %d has a call on a key that is not its victim", name, e.Instance)
		f.check(e.Time >= in.Start, "%s: instance %d has a call before its start", name, e.Instance)
		hit[[2]int32{e.Instance, e.Key}] = true
	}
	for i, in := range s.Instances {
		for _, v := range in.Victims {
			f.check(hit[[2]int32{int32(i), v}], "%s: instance %d (%s) victim %d has no labelled call", name, i, in.Kind, v)
		}
	}
	for k, b := range s.Behaviour {
		if b == lbOrgAudit {
			f.check(len(victimOf[int32(k)]) == 0, "%s: audited key %d is a victim", name, k)
		}
	}
}

// checkSources checks that no benign call comes from a key tester's
// network.
func checkSources(t *testing.T, name string, s *evalset.Stream) {
	t.Helper()
	f := &failOnce{t: t, seen: map[string]bool{}}
	for i, in := range s.Instances {
		if !in.Source.IsValid() {
			continue
		}
		for _, e := range s.Events {
			f.check(e.Instance == int32(i) || !e.Addr.IsValid() || !in.Source.Contains(e.Addr),
				"%s: an event outside instance %d comes from its source", name, i)
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"small", with(small, 1)},
		{"jitter", Options{Seed: 2, Keys: 300, PerKind: 3, Jitter: 2 * time.Second}},
		{"short span", Options{Seed: 3, Keys: 300, PerKind: 3, Days: 12}},
	}
	for _, tt := range tests {
		s := Generate(tt.o)
		checkLabels(t, tt.name, s)
		checkSources(t, tt.name, s)
	}
}

func TestKinds(t *testing.T) {
	s := Generate(with(small, 5))
	var got [evalset.NumKinds]int
	for _, in := range s.Instances {
		got[in.Kind]++
	}
	for k := evalset.Replay; k < evalset.NumKinds; k++ {
		assert.Equal(t, small.PerKind, got[k], "instances of %s", k)
	}
	short := Generate(Options{Seed: 5, Keys: 300, PerKind: 2, Days: 20})
	for _, in := range short.Instances {
		assert.NotEqual(t, evalset.Dormant, in.Kind, "a 20-day span has no dormant instances")
	}
	none := Generate(Options{Seed: 5, Keys: 200, PerKind: -1})
	assert.Empty(t, none.Instances, "PerKind < 0: no attacks")
}

func TestJitter(t *testing.T) {
	tests := []struct {
		jitter time.Duration
		want   int64 // largest lateness allowed
	}{
		{0, 0},
		{2 * time.Second, 2},
		{90 * time.Second, 90},
	}
	for _, tt := range tests {
		s := Generate(Options{Seed: 11, Keys: 300, PerKind: 2, Jitter: tt.jitter})
		var latest, most int64
		reordered := 0
		for _, e := range s.Events {
			if e.Time < latest {
				reordered++
				most = max(most, latest-e.Time)
			}
			latest = max(latest, e.Time)
		}
		assert.LessOrEqual(t, most, tt.want, "jitter %v: an event delivered too late", tt.jitter)
		if tt.want > 0 {
			assert.Positive(t, reordered, "jitter %v: some events out of time order", tt.jitter)
		} else {
			assert.Zero(t, reordered, "no jitter: time order")
		}
	}
}

func TestBehaviours(t *testing.T) {
	// Over a few seeds, every named behaviour shows up.
	seen := map[string]bool{}
	for seed := uint64(1); seed <= 3; seed++ {
		for _, b := range Generate(Options{Seed: seed, Keys: 800, PerKind: 2}).Behaviour {
			seen[b] = true
		}
	}
	want := []string{
		"service", "cron", "person", "occasional", "mobile-app", "browser-app", "serverless", "ci", "relay",
		lbTravel, lbHomeMove, lbNewRegion, lbLeakedUnused, lbRotated, lbRotatedQuiet, lbRotatedSuccessor,
		lbDormantReturn, lbDormantIdle, lbNewKey, lbOrgAudit, lbFleetLaunch, lbSDKUpgrade, lbUnused,
	}
	for _, b := range want {
		assert.True(t, seen[b], "behaviour %q appears", b)
	}
}

func TestNotices(t *testing.T) {
	s := Generate(Options{Seed: 4, Keys: 800, PerKind: 3})
	leaks, unmarks := map[int32]int64{}, map[int32]int64{}
	for _, e := range s.Events {
		switch {
		case e.Leak:
			leaks[e.Key] = e.Time
		case e.Unmark:
			unmarks[e.Key] = e.Time
		}
	}
	for k, b := range s.Behaviour {
		switch b {
		case lbLeakedUnused:
			assert.Contains(t, leaks, int32(k), "leaked-unused key %d has a leak notice", k)
		case lbRotated, lbRotatedQuiet:
			if l, ok := leaks[int32(k)]; ok && unmarks[int32(k)] > 0 {
				assert.Less(t, l, unmarks[int32(k)], "rotated key %d: leak before unmark", k)
			}
		}
	}
	for i, in := range s.Instances {
		if in.Kind == evalset.AfterLeak {
			assert.Contains(t, leaks, in.Victims[0], "after-leak instance %d has a leak notice", i)
		}
	}
}

func TestDefaultSize(t *testing.T) {
	if testing.Short() {
		t.Skip("default size")
	}
	s := Generate(Options{Seed: 1})
	n := 0
	v6 := 0
	for _, e := range s.Events {
		if e.Addr.IsValid() {
			n++
			if e.Addr.Is6() {
				v6++
			}
		}
	}
	perKeyDay := float64(n) / 3000 / 35
	assert.True(t, n > 400_000 && n < 1_300_000, "calls %d in a plausible range", n)
	assert.True(t, perKeyDay > 4 && perKeyDay < 14, "calls per key per day %.1f", perKeyDay)
	assert.True(t, v6 > n/200 && v6 < n*3/4, "IPv6 share %d of %d", v6, n)
	assert.Len(t, s.Instances, 70, "instances")
	checkLabels(t, "default", s)
}

func TestManySeeds(t *testing.T) {
	for seed := uint64(100); seed < 124; seed++ {
		o := Options{Seed: seed, Keys: 150 + int(seed%4)*50, PerKind: 3, Days: 20 + int(seed%3)*10}
		name := fmt.Sprintf("seed %d", seed)
		var s *evalset.Stream
		require.NotPanics(t, func() { s = Generate(o) }, name)
		assert.NotEmpty(t, s.Events, name)
		assert.Len(t, s.Behaviour, len(s.Keys), name)
		checkLabels(t, name, s)
	}
	// Degenerate sizes generate without panicking.
	for _, o := range []Options{{Keys: 1}, {Keys: 3, Days: 1}, {Keys: 10, Days: 2, PerKind: 20}} {
		require.NotPanics(t, func() { Generate(o) }, "keys %d days %d", o.Keys, o.Days)
	}
}

func TestConcurrent(t *testing.T) {
	// Generate shares only read-only tables: concurrent calls are safe and
	// give the same streams.
	o := Options{Seed: 3, Keys: 200, PerKind: 2}
	want := Generate(o)
	got := make([]*evalset.Stream, 3)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = Generate(o) })
	}
	wg.Wait()
	for i, s := range got {
		assert.True(t, slices.Equal(want.Events, s.Events), "goroutine %d: same events", i)
	}
}

func TestBenignKeysHaveNoAttackCalls(t *testing.T) {
	s := Generate(with(small, 9))
	victim := make([]bool, len(s.Keys))
	for _, in := range s.Instances {
		for _, v := range in.Victims {
			victim[v] = true
		}
	}
	bad := 0
	for _, e := range s.Events {
		if e.Instance >= 0 && !victim[e.Key] {
			bad++
		}
	}
	assert.Zero(t, bad, "attack calls on keys that are no victim")
}

func BenchmarkGenerate(b *testing.B) {
	for _, keys := range []int{300, 3000} {
		b.Run(fmt.Sprint(keys), func(b *testing.B) {
			events := 0
			for i := 0; i < b.N; i++ {
				events = len(Generate(Options{Seed: uint64(i), Keys: keys}).Events)
			}
			b.ReportMetric(float64(events), "events/op")
		})
	}
}
