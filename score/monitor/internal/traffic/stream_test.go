package traffic

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/leakward/leakward/score/monitor/internal/evalset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkStream asserts what every stream promises: events inside the span
// and well formed, delivery order within jitter seconds of time order,
// attack calls only on their instance's victims at or after its start
// (with one call at the start), no attack call on a benign key, and the
// shape each kind's doc promises.
func checkStream(t *testing.T, name string, s *evalset.Stream, spec Spec) {
	t.Helper()
	require.Equal(t, len(s.Keys), len(s.Behaviour), "%s: one label per key", name)
	victim := make([]bool, len(s.Keys))
	var perKind [evalset.NumKinds]int
	for i, in := range s.Instances {
		perKind[in.Kind]++
		assert.NotEmpty(t, in.Victims, "%s: instance %d has victims", name, i)
		assert.NotEmpty(t, in.Note, "%s: instance %d names its variant", name, i)
		assert.Equal(t, in.Kind == evalset.KeyTesting, in.Source.IsValid(), "%s: instance %d: Source only for key testing", name, i)
		if in.Kind != evalset.KeyTesting {
			assert.Len(t, in.Victims, 1, "%s: instance %d: one victim", name, i)
		}
		for _, v := range in.Victims {
			victim[v] = true
		}
	}
	for k := evalset.Replay; k < evalset.NumKinds; k++ {
		assert.Equal(t, spec.PerScenario, perKind[k], "%s: instances of %s", name, k)
	}
	firstAt := make([]int64, len(s.Instances))
	for i := range firstAt {
		firstAt[i] = math.MaxInt64
	}
	var latest int64 = s.Start
	late := int64(0)
	for i, e := range s.Events {
		if e.Time < s.Start || e.Time >= s.End || int(e.Key) >= len(s.Keys) || e.Key < 0 {
			t.Fatalf("%s: event %d (%s key) at %d is outside the span [%d, %d) or keys", name, i, s.Behaviour[e.Key], e.Time, s.Start, s.End)
		}
		late = max(late, latest-e.Time)
		latest = max(latest, e.Time)
		if e.Leak || e.Unmark {
			if e.Instance != -1 || e.Addr.IsValid() || e.Leak == e.Unmark {
				t.Fatalf("%s: notice %d is malformed", name, i)
			}
			continue
		}
		if !e.Addr.IsValid() || e.Agent == "" || e.Op == "" || e.Units <= 0 {
			t.Fatalf("%s: call %d is malformed", name, i)
		}
		if e.Instance < 0 {
			continue
		}
		if int(e.Instance) >= len(s.Instances) {
			t.Fatalf("%s: call %d names instance %d of %d", name, i, e.Instance, len(s.Instances))
		}
		in := &s.Instances[e.Instance]
		if !slices.Contains(in.Victims, e.Key) {
			t.Fatalf("%s: call %d of instance %d is not on one of its victims", name, i, e.Instance)
		}
		if in.Source.IsValid() && !in.Source.Contains(e.Addr) {
			t.Fatalf("%s: call %d of instance %d is not from its Source", name, i, e.Instance)
		}
		firstAt[e.Instance] = min(firstAt[e.Instance], e.Time)
	}
	assert.LessOrEqual(t, late, spec.Jitter, "%s: delivery order is within the jitter of time order", name)
	for i, in := range s.Instances {
		assert.Equal(t, in.Start, firstAt[i], "%s: instance %d (%s) starts at its first call", name, i, in.Kind)
	}
	for k, v := range victim {
		if !v {
			assert.NotEqual(t, "tried-unknown", s.Behaviour[k], "%s: key %d", name, k)
		}
	}

	// What each kind's victim did before the attack.
	span := s.End - s.Start
	for i, in := range s.Instances {
		if in.Kind == evalset.Dormant {
			continue
		}
		if in.Start < s.Start+span*6/10 || in.Start > s.End-2*86400 {
			t.Errorf("%s: instance %d (%s) starts outside the attack period", name, i, in.Kind)
		}
	}
	own := map[int32][]evalset.Event{} // victims' own calls
	first := map[int32]evalset.Event{} // instances' first calls
	for _, in := range s.Instances {
		if in.Kind == evalset.Dormant || in.Kind == evalset.PrivEsc || in.Kind == evalset.Drip {
			own[in.Victims[0]] = nil
		}
	}
	for _, e := range s.Events {
		if e.Instance < 0 && !e.Leak && !e.Unmark {
			if o, ok := own[e.Key]; ok {
				own[e.Key] = append(o, e)
			}
		}
		if _, ok := first[e.Instance]; e.Instance >= 0 && !ok {
			first[e.Instance] = e
		}
	}
	for i, in := range s.Instances {
		v := in.Victims[0]
		switch in.Kind {
		case evalset.Dormant:
			assert.NotEmpty(t, own[v], "%s: dormant instance %d: the key was used before", name, i)
			for _, e := range own[v] {
				if e.Time > in.Start-30*86400 {
					t.Errorf("%s: dormant instance %d: the owner called %d s before the attack", name, i, in.Start-e.Time)
					break
				}
			}
		case evalset.PrivEsc:
			for _, e := range own[v] {
				if !strings.HasPrefix(e.Op, "GET ") {
					t.Errorf("%s: priv-esc instance %d: the owner made a %q call", name, i, e.Op)
					break
				}
			}
		case evalset.Drip:
			if !strings.HasPrefix(in.Note, "same-16") {
				continue
			}
			first := first[int32(i)]
			near, fresh := false, true
			for _, e := range own[v] {
				if e.Time >= in.Start || !e.Addr.Is4() {
					continue
				}
				a, b := e.Addr.As4(), first.Addr.As4()
				if a[0] == b[0] && a[1] == b[1] {
					near = true
					fresh = fresh && a[2] != b[2]
				}
			}
			assert.True(t, near && fresh, "%s: drip instance %d: a new /24 in a /16 the key used", name, i)
		}
	}
}

func TestGenerateStreamSeeds(t *testing.T) {
	spec := Spec{Benign: 300, PerScenario: 4}
	for seed := uint64(1); seed <= 20; seed++ {
		spec.Seed, spec.Jitter = seed, int64(seed%3)
		s := GenerateStream(spec)
		checkStream(t, fmt.Sprintf("seed %d", seed), s, spec)
	}
}

func TestGenerateStreamDefault(t *testing.T) {
	// Default size: counts, not time, are asserted.
	spec := Spec{Seed: 1, PerScenario: 20}
	s := GenerateStream(spec)
	checkStream(t, "default", s, spec)
	assert.Less(t, len(s.Events), 1_100_000, "a default run stays near a million events")
	assert.Equal(t, int64(35*86400), s.End-s.Start, "default span")
	seen := map[string]int{}
	for _, b := range s.Behaviour {
		seen[b]++
	}
	for _, b := range behaviours {
		assert.Positive(t, seen[b.name], "behaviour %s", b.name)
	}
	assert.Positive(t, seen["sdk-upgrade"], "behaviour sdk-upgrade")
	var leaks, unmarks int
	for _, e := range s.Events {
		if e.Leak {
			leaks++
		}
		if e.Unmark {
			unmarks++
		}
	}
	assert.Equal(t, seen["leak-ignored"]+seen["rotated"]+spec.PerScenario, leaks, "leak notices: ignored, rotated, after-leak")
	assert.Equal(t, seen["rotated"], unmarks, "unmark notices")
}

func TestGenerateStreamDeterministic(t *testing.T) {
	spec := Spec{Seed: 5, Benign: 400, PerScenario: 3}
	a, b := GenerateStream(spec), GenerateStream(spec)
	assert.True(t, slices.Equal(a.Events, b.Events), "same spec, same events")
	assert.Equal(t, a.Keys, b.Keys)
	assert.Equal(t, a.Behaviour, b.Behaviour)
	assert.Equal(t, a.Instances, b.Instances)

	spec.Seed = 6
	c := GenerateStream(spec)
	assert.False(t, slices.Equal(a.Events, c.Events), "another seed, other events")
}

func TestGenerateStreamJitter(t *testing.T) {
	for _, jitter := range []int64{1, 2, 30} {
		spec := Spec{Seed: 9, Benign: 300, PerScenario: 3}
		plain := GenerateStream(spec)
		spec.Jitter = jitter
		s := GenerateStream(spec)
		checkStream(t, fmt.Sprintf("jitter %d", jitter), s, spec)
		assert.False(t, slices.Equal(plain.Events, s.Events), "jitter %d reorders", jitter)
		a, b := slices.Clone(plain.Events), slices.Clone(s.Events)
		slices.SortFunc(a, compareEvents)
		slices.SortFunc(b, compareEvents)
		assert.True(t, slices.Equal(a, b), "jitter %d changes only the order", jitter)
	}
}

func TestGenerateStreamLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 benign keys")
	}
	spec := Spec{Seed: 2, Benign: 10000, PerScenario: 10}
	s := GenerateStream(spec)
	checkStream(t, "10k", s, spec)
	assert.GreaterOrEqual(t, len(s.Keys), 10000)
}

// TestGenerateUnchanged pins Generate's output: the plan hooks that
// GenerateStream uses must not change it.
func TestGenerateUnchanged(t *testing.T) {
	tr := Generate(Spec{Seed: 3, Days: 12, Benign: 200, PerScenario: 6})
	h := sha256.New()
	var b [8]byte
	for _, r := range tr.Records {
		binary.LittleEndian.PutUint64(b[:], uint64(r.Time))
		h.Write(b[:])
		a := r.Addr.As16()
		h.Write(a[:])
		fmt.Fprintf(h, "%d %d %v %d %d %d %v|", r.Key, r.Instance, r.Units, r.Agent, r.Op, r.Scenario, r.Leak)
	}
	for _, k := range tr.Keys {
		h.Write(k[:])
	}
	for _, s := range [][]string{tr.Kinds, tr.Agents, tr.Ops} {
		for _, x := range s {
			h.Write([]byte(x))
		}
	}
	fmt.Fprintf(h, "%v", tr.Instances)
	assert.Equal(t, 183712, len(tr.Records))
	assert.Equal(t, "73b35dbc646718d2836efec61bd2dea971697d30ad474b20895fe5e77f987d2b", fmt.Sprintf("%x", h.Sum(nil)))
}

func compareEvents(a, b evalset.Event) int {
	return cmp.Or(cmp.Compare(a.Time, b.Time), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Instance, b.Instance),
		a.Addr.Compare(b.Addr), strings.Compare(a.Op, b.Op), strings.Compare(a.Agent, b.Agent),
		cmp.Compare(a.Units, b.Units), cmp.Compare(b2i(a.Leak), b2i(b.Leak)), cmp.Compare(b2i(a.Unmark), b2i(b.Unmark)))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func BenchmarkGenerateStream(b *testing.B) {
	// The default size: 2,000 benign keys, 20 instances per kind, 35 days.
	events := 0
	for i := 0; b.Loop(); i++ {
		s := GenerateStream(Spec{Seed: uint64(i%3 + 1)})
		events = len(s.Events)
	}
	b.ReportMetric(float64(events), "events")
}
