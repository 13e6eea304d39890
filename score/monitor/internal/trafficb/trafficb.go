// Package trafficb is an independent model of API key usage, labelled with
// attacks, for judging the usage monitor on traffic it was not tuned on.
//
// Generate builds a world (cloud regions, hosters, ISPs, carriers, office
// blocks, client libraries, an API), a population of keys with daily
// cycles and benign changes, and attack instances of every
// [evalset.Kind], all drawn from wide ranges per seed (see params.go). The
// result is an [evalset.Stream]: events in delivery order, each attacker
// call labelled with its instance, each key labelled with its behaviour.
//
// Generate is deterministic for a given Options; it holds no shared state
// and is safe to call from several goroutines at once.
package trafficb

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/leakward/leakward/score/monitor/internal/evalset"
)

// Options choose the stream. The zero value means the defaults. Options
// is a plain value, safe to copy and share.
type Options struct {
	// Seed chooses the world, the population, the parameters drawn from
	// the tables in params.go and the attacks.
	Seed uint64
	// Days is the span's length (default 35). Dormant keys need at least
	// 32 days; shorter spans have no dormant instances.
	Days int
	// Keys is the number of keys with an owner (default 3000). The stream
	// also holds keys that only appear in attacks (never-used keys a key
	// tester presents) and keys that replace rotated ones.
	Keys int
	// PerKind is the number of attack instances of each kind (default 10;
	// negative means none).
	PerKind int
	// Jitter is the largest delay between a call and its delivery, in
	// whole seconds (default 0: events are delivered in time order).
	Jitter time.Duration
	// Start is the span's first second (default 2026-03-01T00:00:00Z).
	Start time.Time
}

func (o Options) withDefaults() Options {
	if o.Days <= 0 {
		o.Days = 35
	}
	if o.Keys <= 0 {
		o.Keys = 3000
	}
	if o.PerKind == 0 {
		o.PerKind = 10
	}
	if o.PerKind < 0 {
		o.PerKind = 0
	}
	if o.Jitter < 0 {
		o.Jitter = 0
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	}
	return o
}

// rec is one event while the stream is built: strings and addresses are
// indexes into the generator's tables.
type rec struct {
	t     int64
	units float64
	key   int32
	addr  int32
	agent int32
	op    int32
	inst  int32
	seq   int32
	delay int32
	flags uint8
}

const (
	flagLeak = 1 << iota
	flagUnmark
)

// gen holds one generation's state.
type gen struct {
	o          Options
	seed       uint64
	r          *rand.Rand // structure: world, keys, changes, attacks
	start, end int64
	w          *world
	p          params

	keys  []*key
	orgs  []*org
	insts []evalset.Instance

	attacks []attack
	tried   int // established keys tried by key testers so far

	recs   []rec
	addrs  []netip.Addr
	addrIx map[netip.Addr]int32
	strs   []string
	strIx  map[string]int32
}

// Generate returns the stream o describes.
func Generate(o Options) *evalset.Stream {
	o = o.withDefaults()
	g := &gen{
		o:      o,
		seed:   mix(o.Seed, 0x7261666669636221),
		start:  o.Start.Unix(),
		end:    o.Start.Unix() + int64(o.Days)*86400,
		addrIx: map[netip.Addr]int32{},
		strIx:  map[string]int32{},
	}
	g.r = g.rng(0, 0)
	g.intern("") // index 0: no agent, no op
	g.w = newWorld(g.r)
	g.drawParams()
	g.buildPopulation()
	g.assignChanges()
	g.assignFleet()
	g.planAttacks()
	g.recs = make([]rec, 0, g.expectedCalls()*11/10+1024)
	for _, k := range g.keys {
		g.emitKey(k)
	}
	g.emitNotices()
	g.emitAudits()
	g.emitAttacks()
	return g.stream()
}

// rng returns the random stream for one purpose and index.
func (g *gen) rng(purpose, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed, mix(purpose, i)))
}

// mix is a splitmix64 finaliser over two words.
func mix(a, b uint64) uint64 {
	z := a ^ (b+0x9e3779b97f4a7c15)*0xbf58476d1ce4e5b9
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intern returns s's index in the string table.
func (g *gen) intern(s string) int32 {
	if i, ok := g.strIx[s]; ok {
		return i
	}
	i := int32(len(g.strs))
	g.strs = append(g.strs, s)
	g.strIx[s] = i
	return i
}

// call records one call; calls outside the span are dropped.
func (g *gen) call(key int32, t int64, a netip.Addr, agent, op int32, units float64, inst int32) bool {
	if t < g.start || t >= g.end {
		return false
	}
	ai, ok := g.addrIx[a]
	if !ok {
		ai = int32(len(g.addrs))
		g.addrs = append(g.addrs, a)
		g.addrIx[a] = ai
	}
	g.recs = append(g.recs, rec{t: t, units: units, key: key, addr: ai, agent: agent, op: op, inst: inst, seq: int32(len(g.recs))})
	return true
}

// notice records a leak notice or an unmark.
func (g *gen) notice(key int32, t int64, flags uint8) {
	if t < g.start || t >= g.end {
		return
	}
	g.recs = append(g.recs, rec{t: t, key: key, addr: -1, inst: -1, seq: int32(len(g.recs)), flags: flags})
}

// stream sorts the records into delivery order and renders the stream.
func (g *gen) stream() *evalset.Stream {
	if j := int(g.o.Jitter / time.Second); j > 0 {
		jr := g.rng(9, 0)
		for i := range g.recs {
			g.recs[i].delay = int32(jr.IntN(j + 1))
		}
	}
	slices.SortFunc(g.recs, func(a, b rec) int {
		da, db := a.t+int64(a.delay), b.t+int64(b.delay)
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	s := &evalset.Stream{
		Start:     g.start,
		End:       g.end,
		Keys:      make([][16]byte, len(g.keys)),
		Behaviour: make([]string, len(g.keys)),
		Instances: g.insts,
		Events:    make([]evalset.Event, len(g.recs)),
	}
	idr := g.rng(10, 0)
	for i, k := range g.keys {
		for j := 0; j < 16; j += 8 {
			v := idr.Uint64()
			for b := range 8 {
				s.Keys[i][j+b] = byte(v >> (8 * b))
			}
		}
		s.Behaviour[i] = k.label
	}
	first := make([]int64, len(g.insts))
	for i := range first {
		first[i] = math.MaxInt64
	}
	for i, r := range g.recs {
		e := &s.Events[i]
		e.Time = r.t
		e.Key = r.key
		e.Instance = r.inst
		if r.flags != 0 {
			e.Leak = r.flags&flagLeak != 0
			e.Unmark = r.flags&flagUnmark != 0
			continue
		}
		e.Addr = g.addrs[r.addr]
		e.Agent = g.strs[r.agent]
		e.Op = g.strs[r.op]
		e.Units = r.units
		if r.inst >= 0 && r.t < first[r.inst] {
			first[r.inst] = r.t
		}
	}
	g.recs = nil
	for i := range s.Instances {
		s.Instances[i].Start = first[i]
	}
	return s
}
