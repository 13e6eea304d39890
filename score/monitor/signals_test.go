package monitor

import (
	"bytes"
	"fmt"
	"math/bits"
	"net/netip"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/score"
)

var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func testID(i int) KeyID { return Fingerprint([]byte(fmt.Sprintf("key-%d", i)), []byte("test-hmac")) }

func newTest(t *testing.T, c *Config) *Monitor {
	t.Helper()
	if c == nil {
		c = &Config{}
	}
	if c.MaxKeys == 0 {
		c.MaxKeys = 1024
	}
	if c.MaxNetworks == 0 {
		c.MaxNetworks = 1024
	}
	m, err := New(c)
	require.NoError(t, err)
	return m
}

// warm gives id an established baseline: one event every 4 hours for 10 days
// from 10.1.1.5, client svc/1.0, a read, units 10; it returns the time
// after the last event.
func warm(m *Monitor, id KeyID) time.Time {
	t := t0
	for i := 0; i < 60; i++ {
		m.Observe(Event{Key: id, Time: t, Addr: netip.MustParseAddr("10.1.1.5"), Agent: "svc/1.0", Op: "GET /v1/items", Units: 10})
		t = t.Add(4 * time.Hour)
	}
	return t
}

func base(id KeyID, at time.Time) Event {
	return Event{Key: id, Time: at, Addr: netip.MustParseAddr("10.1.1.5"), Agent: "svc/1.0", Op: "GET /v1/items", Units: 10}
}

func codes(r score.Result) []score.Code {
	var out []score.Code
	for _, x := range r.Reasons() {
		out = append(out, x.Code)
	}
	return out
}

func TestNoveltySignals(t *testing.T) {
	tests := []struct {
		name   string
		change func(e *Event)
		want   []score.Code
	}{
		{"same everything", func(e *Event) {}, nil},
		{"other host same /24", func(e *Event) { e.Addr = netip.MustParseAddr("10.1.1.200") }, nil},
		{"new /24 same /16", func(e *Event) { e.Addr = netip.MustParseAddr("10.1.2.5") }, []score.Code{CodeNewNetwork}},
		{"new /16", func(e *Event) { e.Addr = netip.MustParseAddr("10.9.2.5") },
			[]score.Code{CodeNewNetwork, CodeNewWideNetwork}},
		{"mapped v4 is v4", func(e *Event) { e.Addr = netip.MustParseAddr("::ffff:10.1.1.9") }, nil},
		{"unknown address", func(e *Event) { e.Addr = netip.Addr{} }, nil},
		{"agent version bump", func(e *Event) { e.Agent = "SVC/2.7 (linux)" }, nil},
		{"new agent", func(e *Event) { e.Agent = "python-requests/2.31" }, []score.Code{CodeNewAgent}},
		{"new write", func(e *Event) { e.Op = "POST /v1/items" }, []score.Code{CodeNewWrite}},
		{"new admin", func(e *Event) { e.Op = "POST /v1/admin/keys" }, []score.Code{CodeNewAdmin}},
		{"explicit class", func(e *Event) { e.Class = ClassAdmin }, []score.Code{CodeNewAdmin}},
		{"drip", func(e *Event) {
			e.Addr = netip.MustParseAddr("203.0.113.7")
			e.Agent = "curl/8.4"
		}, []score.Code{CodeNewNetwork, CodeNewWideNetwork, CodeNewAgent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTest(t, nil)
			id := testID(1)
			at := warm(m, id)
			e := base(id, at)
			tt.change(&e)
			got := m.Observe(e)
			assert.Equal(t, tt.want, codes(got), "event %q", tt.name)
		})
	}
}

func TestNoveltyNeedsBaseline(t *testing.T) {
	tests := []struct {
		events int
		span   time.Duration
		want   bool
	}{
		{49, 8 * 24 * time.Hour, false},
		{50, 8 * 24 * time.Hour, true},
		{200, 7*24*time.Hour - time.Second, false},
		{200, 7 * 24 * time.Hour, true},
	}
	for _, tt := range tests {
		m := newTest(t, nil)
		id := testID(2)
		for i := 0; i < tt.events; i++ {
			m.Observe(base(id, t0.Add(tt.span*time.Duration(i)/time.Duration(tt.events-1))))
		}
		e := base(id, t0.Add(tt.span+time.Minute))
		e.Agent = "curl/8"
		got := m.Observe(e)
		assert.Equal(t, tt.want, got.HasReason(CodeNewAgent), "%d events over %v", tt.events, tt.span)
	}
}

func TestAfterLeak(t *testing.T) {
	tests := []struct {
		at   time.Duration // event time relative to the leak
		want bool
	}{
		{-time.Second, false},
		{0, true},
		{time.Hour, true},
	}
	for _, tt := range tests {
		m := newTest(t, nil)
		id := testID(3)
		leak := t0.Add(10 * time.Hour)
		m.MarkLeaked(id, leak)
		got := m.Observe(base(id, leak.Add(tt.at)))
		assert.Equal(t, tt.want, got.HasReason(CodeAfterLeak), "event %v after leak", tt.at)
		if tt.want {
			assert.True(t, m.Alert(&got), "event %v after leak alerts", tt.at)
			assert.Equal(t, score.LevelCritical, got.Level)
		}
	}
}

func TestAfterLeakEarliestMarkWins(t *testing.T) {
	m := newTest(t, nil)
	id := testID(4)
	m.MarkLeaked(id, t0.Add(2*time.Hour))
	m.MarkLeaked(id, t0.Add(time.Hour))
	m.MarkLeaked(id, t0.Add(3*time.Hour))
	got := m.Observe(base(id, t0.Add(90*time.Minute)))
	assert.True(t, got.HasReason(CodeAfterLeak))
}

func TestDormant(t *testing.T) {
	tests := []struct {
		gap  time.Duration
		want bool
	}{
		{30*24*time.Hour - time.Second, false},
		{30 * 24 * time.Hour, true},
	}
	for _, tt := range tests {
		m := newTest(t, nil)
		id := testID(5)
		at := warm(m, id).Add(-4 * time.Hour) // time of the last warm event
		got := m.Observe(base(id, at.Add(tt.gap)))
		assert.Equal(t, tt.want, got.HasReason(CodeDormant), "gap %v", tt.gap)
	}
}

// slotOf returns a copy of id's state.
func slotOf(m *Monitor, id KeyID) slot {
	kh := keyHash(&id)
	sh := &m.keys[kh&m.kmask]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	s, _ := sh.lookup(&id, kh, m.kshift)
	return *s
}

func TestRateBurst(t *testing.T) {
	tests := []struct {
		name     string
		perEvent float64
		cfg      Config
		calls    int // calls in one window before the deciding call
	}{
		{"min burst 30", 1, Config{}, 0},
		{"factor 8 above peak", 1, Config{MinBurstEvents: 2}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTest(t, &tt.cfg)
			id := testID(6)
			at := warm(m, id).Truncate(5 * time.Minute).Add(5 * time.Minute)
			// The first event opens the window and settles the peak.
			m.Observe(base(id, at))
			s := slotOf(m, id)
			need := max(int(m.c.minBurst), int(m.c.burst*s.peakCount)+1)
			for i := 2; i < need; i++ {
				r := m.Observe(base(id, at.Add(time.Second)))
				require.False(t, r.HasReason(CodeRateBurst), "call %d of %d (peak %.2f)", i, need, s.peakCount)
			}
			r := m.Observe(base(id, at.Add(time.Second)))
			assert.True(t, r.HasReason(CodeRateBurst), "call %d (peak %.2f)", need, s.peakCount)
			r = m.Observe(base(id, at.Add(time.Second)))
			assert.False(t, r.HasReason(CodeRateBurst), "reported once per window")
			// The next window starts afresh and, since the burst window did not
			// raise the peak, a second burst fires again.
			next := at.Add(5 * time.Minute)
			fired := false
			for i := 0; i < need; i++ {
				r = m.Observe(base(id, next))
				fired = fired || r.HasReason(CodeRateBurst)
			}
			assert.True(t, fired, "second window")
		})
	}
}

func TestUnitsSpike(t *testing.T) {
	tests := []struct {
		name  string
		units []float64 // units of the calls in one window
		want  bool
	}{
		{"4 big calls, under min calls", []float64{40, 40, 40, 40}, false},
		{"5 calls over 8x peak", []float64{40, 40, 40, 40, 1}, true},
		{"5 calls under 8x peak", []float64{10, 10, 10, 10, 10}, false},
		{"5 calls at 8x peak", []float64{16, 16, 16, 16, 16}, false},
		{"5 calls just over", []float64{16, 16, 16, 16, 16.5}, true},
	}
	for _, tt := range tests {
		m := newTest(t, &Config{PeakHalfLife: 1 << 62})
		id := testID(7)
		at := warm(m, id).Truncate(5 * time.Minute).Add(5 * time.Minute)
		var got bool
		for _, u := range tt.units {
			e := base(id, at)
			e.Units = u
			r := m.Observe(e)
			got = got || r.HasReason(CodeUnitsSpike)
		}
		assert.Equal(t, tt.want, got, "%s: units %v (peak %.2f)", tt.name, tt.units, slotOf(m, id).peakUnits)
	}
}

// distinctNets returns n IPv4 addresses whose networks set distinct bits of
// the fan-out sketch, none in 10.0.0.0/8.
func distinctNets(m *Monitor, n int) []netip.Addr {
	var used uint64
	var out []netip.Addr
	for i := 0; len(out) < n; i++ {
		a := netip.AddrFrom4([4]byte{byte(100 + i>>16), byte(i >> 8), byte(i), 1})
		nh, _, _ := m.network(a)
		if b := uint64(1) << (nh >> 58); used&b == 0 {
			used |= b
			out = append(out, a)
		}
	}
	return out
}

func TestFanOut(t *testing.T) {
	m := newTest(t, nil)
	id := testID(8)
	at := warm(m, id).Truncate(time.Hour).Add(time.Hour)
	nets := distinctNets(m, 12)
	for i, a := range nets {
		e := base(id, at.Add(time.Duration(i)*time.Second))
		e.Addr = a
		r := m.Observe(e)
		// 9 bits set estimate 10 networks, the threshold.
		assert.Equal(t, i == 8, r.HasReason(CodeFanOut), "network %d (est %d)", i+1, m.fanEst[i+1])
	}
	assert.Equal(t, uint8(10), m.fanEst[9])
}

func TestFanOutAgainstPeak(t *testing.T) {
	m := newTest(t, nil)
	id := testID(9)
	at := warm(m, id).Truncate(time.Hour).Add(time.Hour)
	nets := distinctNets(m, 30)
	// One hour with 5 networks sets the peak to 5: the threshold is then an
	// estimate above 15.
	for _, a := range nets[:5] {
		e := base(id, at)
		e.Addr = a
		m.Observe(e)
	}
	at = at.Add(time.Hour)
	fired := 0
	for i, a := range nets[5:] {
		e := base(id, at)
		e.Addr = a
		if r := m.Observe(e); r.HasReason(CodeFanOut) {
			fired = i + 1
			break
		}
	}
	require.NotZero(t, fired)
	assert.Greater(t, int(m.fanEst[fired]), 15, "fired at %d networks", fired)
	assert.LessOrEqual(t, int(m.fanEst[fired-1]), 15, "not before %d networks", fired)
}

func TestCrossKey(t *testing.T) {
	m := newTest(t, nil)
	src := netip.MustParseAddr("198.51.100.20")
	var used uint64
	n := 0
	for i := 0; n < 20; i++ {
		id := testID(1000 + i)
		if b := uint64(1) << (keyHash(&id) >> 58); used&b == 0 {
			used |= b
		} else {
			continue
		}
		n++
		r := m.Observe(Event{Key: id, Time: t0.Add(time.Duration(n) * time.Second), Addr: src, Agent: "x"})
		// 17 bits estimate 20 keys; after that every new key is flagged.
		assert.Equal(t, n >= 17, r.HasReason(CodeCrossKey), "key %d", n)
		if n >= 17 {
			assert.True(t, m.Alert(&r), "key %d alerts", n)
		}
	}
	// A key for which the network is already known is not counted or flagged.
	known := testID(1)
	m.Observe(Event{Key: known, Time: t0, Addr: src})
	r := m.Observe(Event{Key: known, Time: t0.Add(30 * time.Second), Addr: src})
	assert.False(t, r.HasReason(CodeCrossKey))
}

func TestOpClassify(t *testing.T) {
	tests := []struct {
		op   string
		want OpClass
	}{
		{"", ClassRead},
		{"GET /v1/models", ClassRead},
		{"get /v1/items/7", ClassRead},
		{"POST /v1/chat/completions", ClassWrite},
		{"DELETE /v1/files/3", ClassWrite},
		{"s3:PutObject", ClassWrite},
		{"GET /v1/organization/ADMIN", ClassAdmin},
		{"POST /v1/api-keys", ClassAdmin},
		{"iam:CreateAccessKey", ClassAdmin},
		{"GET /v1/users", ClassAdmin},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, DefaultClassify(tt.op), "op %q", tt.op)
	}
}

func TestAgentHash(t *testing.T) {
	assert.Equal(t, agentHash("svc/1.0"), agentHash("SVC/2.0 (x)"))
	assert.NotEqual(t, agentHash("svc/1.0"), agentHash("curl/8"))
	assert.NotZero(t, agentHash(""))
}

func TestFingerprint(t *testing.T) {
	id := Fingerprint([]byte("sk-test-0000"), []byte("k"))
	// HMAC-SHA256 with key "k" of "sk-test-0000", computed independently.
	assert.Equal(t, "194fd401fa6514cf1c4fa05aede1b0c1", id.String())
	assert.Equal(t, "194fd401", id.Short())
	assert.Equal(t, id.String()[:8], id.Short())
	p, err := ParseKeyID(id.String())
	require.NoError(t, err)
	assert.Equal(t, id, p)
	_, err = ParseKeyID("zz")
	assert.EqualError(t, err, "monitor: key id has 2 hex digits, want 32")
	assert.NotEqual(t, id, Fingerprint([]byte("sk-test-0000"), []byte("other")))
}

func TestSlotSize(t *testing.T) {
	assert.Equal(t, 128, int(unsafe.Sizeof(slot{})))
	assert.Equal(t, 132, BytesPerKey)
	assert.Equal(t, 24, BytesPerNetwork)
}

func TestEviction(t *testing.T) {
	m := newTest(t, &Config{MaxKeys: 64, MaxNetworks: 64})
	leaked := testID(0)
	m.MarkLeaked(leaked, t0)
	for i := 1; i < 2000; i++ {
		m.Observe(base(testID(i), t0.Add(time.Duration(i)*time.Second)))
	}
	st := m.Stats()
	assert.LessOrEqual(t, st.Keys, 64)
	assert.NotZero(t, st.Evictions)
	r := m.Observe(base(leaked, t0.Add(time.Hour)))
	assert.True(t, r.HasReason(CodeAfterLeak), "leaked key survives eviction")
	assert.Equal(t, 64*BytesPerKey+64*BytesPerNetwork, st.Bytes)
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		c    Config
		want string
	}{
		{Config{NetworkBitsV4: 40}, "monitor: invalid config: NetworkBitsV4 40 out of range"},
		{Config{WideBitsV4: 28}, "monitor: invalid config: WideBits wider than network bits out of range"},
		{Config{Window: time.Millisecond}, "monitor: invalid config: Window 1ms out of range"},
		{Config{BurstFactor: 0.5}, "monitor: invalid config: BurstFactor 0.5 out of range"},
		{Config{Weights: &Weights{FanOut: 101}}, "monitor: invalid config: Weights 101 out of range"},
		{Config{Levels: score.Thresholds{Low: 50, Medium: 40, High: 60, Critical: 80}},
			"monitor: invalid config: Levels {50 40 60 80} out of range"},
	}
	for _, tt := range tests {
		_, err := New(&tt.c)
		require.Error(t, err, "config %+v", tt.c)
		assert.ErrorIs(t, err, ErrInvalidConfig)
		assert.EqualError(t, err, tt.want)
	}
}

func TestWeightsDisable(t *testing.T) {
	m := newTest(t, &Config{Weights: &Weights{AfterLeak: -1}})
	id := testID(11)
	m.MarkLeaked(id, t0)
	r := m.Observe(base(id, t0))
	assert.False(t, r.HasReason(CodeAfterLeak))
	assert.Zero(t, r.Score)
}

func TestSketchEstimates(t *testing.T) {
	m := newTest(t, nil)
	assert.Equal(t, uint8(0), m.fanEst[0])
	assert.Equal(t, uint8(1), m.fanEst[1])
	assert.Equal(t, uint8(255), m.fanEst[64])
	assert.Equal(t, 1, bits.OnesCount64(1))
}

func fmtSlot(s *slot) string {
	return fmt.Sprintf("events=%d peak=%.1f mean=%.1f peakUnits=%.0f fanPeak=%d classes=%b", s.events, s.peakCount, s.meanCount, s.peakUnits, s.fanPeak, s.classes)
}

// distinctKeys returns n key ids whose hashes set distinct bits of the
// cross-key sketch.
func distinctKeys(n, from int) []KeyID {
	var used uint64
	var out []KeyID
	for i := from; len(out) < n; i++ {
		id := testID(i)
		if b := uint64(1) << (keyHash(&id) >> 58); used&b == 0 {
			used |= b
			out = append(out, id)
		}
	}
	return out
}

func TestCrossKeyAgainstPeak(t *testing.T) {
	m := newTest(t, &Config{CrossKeyMin: 6})
	src := netip.MustParseAddr("198.51.100.20")
	keys := distinctKeys(40, 5000)
	// An hour with 5 new keys sets the network's peak to 5: the threshold
	// is then an estimate above 15.
	at := t0.Truncate(time.Hour)
	for _, id := range keys[:5] {
		m.Observe(Event{Key: id, Time: at, Addr: src})
	}
	at = at.Add(time.Hour)
	fired := 0
	for i, id := range keys[5:] {
		if r := m.Observe(Event{Key: id, Time: at, Addr: src}); r.HasReason(CodeCrossKey) {
			fired = i + 1
			break
		}
	}
	require.NotZero(t, fired)
	assert.Greater(t, int(m.fanEst[fired]), 15, "fired at %d keys", fired)
	assert.LessOrEqual(t, int(m.fanEst[fired-1]), 15, "not before %d keys", fired)
}

// drain is a second user: from 203.0.113.0/24 (a new wide block for a
// warmed key), one call in each of the first n of the day's sixteen
// 90-minute slots of the day starting at day; it returns the codes of
// every result.
func drain(m *Monitor, id KeyID, day time.Time, n int) [][]score.Code {
	var out [][]score.Code
	for i := 0; i < n; i++ {
		e := base(id, day.Add(time.Duration(i)*90*time.Minute+10*time.Minute))
		e.Addr = netip.MustParseAddr("203.0.113.9")
		out = append(out, codes(m.Observe(e)))
	}
	return out
}

func hasCode(rs [][]score.Code, c score.Code) bool {
	for _, r := range rs {
		for _, x := range r {
			if x == c {
				return true
			}
		}
	}
	return false
}

func TestSecondSource(t *testing.T) {
	// The block is used in the first 8 slots of day 1 and the first n of
	// day 2 (8 of them already set); the key's own network is used 26
	// hours after the block appeared.
	for _, tc := range []struct {
		name      string
		slots     int // slots used on day 2
		otherAt   time.Duration
		wantAlert bool
	}{
		{"12 slots, other networks 26h later", 12, 26 * time.Hour, true},
		{"11 slots", 11, 26 * time.Hour, false},
		{"other networks only 25h later (a migration's overlap)", 16, 25 * time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTest(t, nil)
			id := testID(1)
			day1 := warm(m, id).Truncate(24 * time.Hour).Add(24 * time.Hour)
			first := drain(m, id, day1, 8)
			assert.Contains(t, first[0], CodeNewWideNetwork)
			assert.False(t, hasCode(first, CodeSecondSource))
			m.Observe(base(id, day1.Add(10*time.Minute+tc.otherAt)))
			day2 := day1.Add(48 * time.Hour)
			second := drain(m, id, day2, tc.slots)
			assert.Equal(t, tc.wantAlert, hasCode(second, CodeSecondSource))
			if tc.wantAlert {
				last := second[len(second)-1]
				assert.Equal(t, []score.Code{CodeSecondSource}, last, "reported once, on the event that completes the slots")
				more := drain(m, id, day2.Add(24*time.Hour), 16)
				assert.False(t, hasCode(more, CodeSecondSource), "reported once per block")
			}
		})
	}
}

func TestSecondSourceProbation(t *testing.T) {
	m := newTest(t, nil)
	id := testID(2)
	day1 := warm(m, id).Truncate(24 * time.Hour).Add(24 * time.Hour)
	// A block seen in one slot (a traveller's hotel) is replaced by the
	// next new block; the drain then completes its slots and alerts.
	hotel := base(id, day1.Add(-2*time.Hour))
	hotel.Addr = netip.MustParseAddr("198.51.100.7")
	assert.Contains(t, codes(m.Observe(hotel)), CodeNewWideNetwork)
	drain(m, id, day1, 8)
	m.Observe(base(id, day1.Add(27*time.Hour)))
	assert.True(t, hasCode(drain(m, id, day1.Add(48*time.Hour), 12), CodeSecondSource))

	// A block already seen in 4 slots stays on probation against a newer
	// one within 48 hours.
	m2 := newTest(t, nil)
	day1 = warm(m2, id).Truncate(24 * time.Hour).Add(24 * time.Hour)
	drain(m2, id, day1, 4)
	other := base(id, day1.Add(8*time.Hour))
	other.Addr = netip.MustParseAddr("198.51.100.7")
	m2.Observe(other)
	m2.Observe(base(id, day1.Add(30*time.Hour)))
	assert.True(t, hasCode(drain(m2, id, day1.Add(48*time.Hour), 12), CodeSecondSource), "the first block kept probation")
}

func TestSecondSourceSnapshot(t *testing.T) {
	// Probation state survives a snapshot round trip and a merge.
	m := newTest(t, nil)
	id := testID(3)
	day1 := warm(m, id).Truncate(24 * time.Hour).Add(24 * time.Hour)
	drain(m, id, day1, 8)
	m.Observe(base(id, day1.Add(27*time.Hour)))
	var buf bytes.Buffer
	_, err := m.WriteTo(&buf)
	require.NoError(t, err)
	m2 := newTest(t, nil)
	_, err = m2.ReadFrom(&buf)
	require.NoError(t, err)
	assert.True(t, hasCode(drain(m2, id, day1.Add(48*time.Hour), 12), CodeSecondSource))
}

func TestSecondSourceMerge(t *testing.T) {
	// Two monitors each see part of a drain from one block: merged, the
	// block's slots unite and the next call from it reports second source.
	id := testID(4)
	a, b := newTest(t, nil), newTest(t, nil)
	day1 := warm(a, id).Truncate(24 * time.Hour).Add(24 * time.Hour)
	warm(b, id)
	drain(a, id, day1, 8)
	a.Observe(base(id, day1.Add(27*time.Hour)))
	day2 := day1.Add(48 * time.Hour)
	for i := 8; i < 12; i++ {
		e := base(id, day2.Add(time.Duration(i)*90*time.Minute+10*time.Minute))
		e.Addr = netip.MustParseAddr("203.0.113.9")
		assert.NotContains(t, codes(b.Observe(e)), CodeSecondSource, "b alone has 4 slots")
	}
	require.NoError(t, a.Merge(b))
	e := base(id, day2.Add(20*time.Hour))
	e.Addr = netip.MustParseAddr("203.0.113.9")
	assert.Contains(t, codes(a.Observe(e)), CodeSecondSource)
}
