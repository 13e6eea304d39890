package traffic

import (
	"cmp"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"

	"github.com/leakward/leakward/score/monitor/internal/evalset"
)

// plan shapes one key's own calls in GenerateStream. Generate passes nil
// and gets the archetypes exactly as they were.
type plan struct {
	scale     float64    // multiplies the archetype's call rate
	readOnly  bool       // reads only: no write or admin operations
	office    netip.Addr // person: this office instead of a random one
	tripAt    int64      // person: a 2–7 day trip starts then (0: the archetype's own 30% chance)
	homeMove  int64      // person: moves to another ISP on that day
	fixedHome bool       // person: the home /24 never changes
	region    int64      // service: a second region runs beside the first from then
	regionNet netip.Addr
	// Own calls in [quietFrom, quietTo) are not made.
	quietFrom, quietTo int64
}

// extra is the world and the fleet-wide events only GenerateStream has.
type extra struct {
	start    int64
	seed     uint64
	abroad   [][]uint16 // foreign ISPs, for travel
	relays   []relay
	launchAt int64 // a new expensive operation opens to everyone
	launchOp uint16
	families []family
	upTo     []int32 // per agent: the agent it is upgraded to, -1 none, -2 not yet known
	upAt     []int64 // per agent: the upgrade's release time
	upgraded []bool  // per key: some of its calls use an upgraded client
	inst     []evalset.Instance
}

// relay is a platform that carries many customers' keys from its own
// addresses.
type relay struct {
	nets  []netip.Addr
	agent uint16
}

// family is a client whose new release the fleet moves to.
type family struct {
	prefix, to string
	at         int64
}

// activity draws a key's rate multiplier: log-normal (σ 1.2) around
// median, between median/30 and 2.
func (g *gen) activity(median float64) float64 {
	return min(max(g.logNormal(median, 1.2), median/30), 2)
}

// Per-archetype median rate multipliers in GenerateStream: a typical key
// makes a few calls a day, a few make hundreds.
const (
	serviceScale = 0.1
	personScale  = 0.1
	ciScale      = 0.06
	batchScale   = 0.15
)

// behaviours is the benign population of GenerateStream, by share of
// Spec.Benign (counts are rounded by largest remainder).
var behaviours = []struct {
	name  string
	share float64
}{
	{"service", 0.24}, {"person", 0.15}, {"ci", 0.06}, {"batch", 0.04}, {"migrating", 0.03},
	{"new", 0.05}, {"sparse", 0.08}, {"relay", 0.06}, {"app-fleet", 0.005}, {"serverless", 0.03},
	{"new-region", 0.03}, {"travel", 0.04}, {"home-move", 0.03}, {"dormant-return", 0.015},
	{"leak-ignored", 0.01}, {"rotated", 0.01}, {"launch", 0.06}, {"org-audit", 0.06},
}

// baseBehaviours are labels that a fleet-wide client upgrade replaces
// with "sdk-upgrade".
var baseBehaviours = map[string]bool{"service": true, "person": true, "ci": true, "batch": true,
	"migrating": true, "new": true, "sparse": true}

// GenerateStream returns a labelled stream in the evalset format: s.Benign
// benign keys (default 2000) of the behaviours listed in the package doc,
// and s.PerScenario instances (default 20) of each attack kind, over
// s.Days (default 35). Attacks start in [60% of the span, end − 2 days];
// a dormant key's attack starts after its 30 days of silence. Events are
// in delivery order: time order, each event delayed by a uniform 0 to
// s.Jitter seconds. The same Spec always gives the same stream; Jitter
// changes only the order.
func GenerateStream(s Spec) *evalset.Stream {
	if s.Days <= 0 {
		s.Days = 35
	}
	s.Days = max(s.Days, 4)
	if s.Benign <= 0 {
		s.Benign = 2000
	}
	if s.PerScenario <= 0 {
		s.PerScenario = 20
	}
	if s.Start == 0 {
		s.Start = 1772323200 // 2026-03-01T00:00:00Z
	}
	g := &gen{
		r:   rand.New(rand.NewPCG(s.Seed, s.Seed^0x2545f4914f6cdd1d)),
		t:   &Traffic{Start: s.Start, agentIdx: map[string]uint16{}, opIdx: map[string]uint16{}},
		day: 86400,
		x:   &extra{start: s.Start, seed: s.Seed},
	}
	g.end = s.Start + int64(s.Days)*g.day
	// About 12 calls a key a day, plus attacks: a guess that saves most
	// regrowth of the record slice.
	g.t.Records = make([]Record, 0, (s.Benign*12+s.PerScenario*600)*s.Days)
	g.world()
	g.worldExtra()
	g.benign(s.Benign)
	benignKeys := len(g.t.Keys)
	for k := range benignKeys {
		if k < len(g.x.upgraded) && g.x.upgraded[k] && baseBehaviours[g.t.Kinds[k]] {
			g.t.Kinds[k] = "sdk-upgrade"
		}
	}
	from := s.Start + int64(s.Days)*g.day*6/10
	to := max(g.end-2*g.day, from+1)
	for kind := evalset.Replay; kind < evalset.NumKinds; kind++ {
		for range s.PerScenario {
			g.attackStream(kind, from+g.r.Int64N(to-from))
		}
	}
	return g.stream(s)
}

// span returns the time at fraction f of the stream.
func (g *gen) span(f float64) int64 {
	return g.x.start + int64(f*float64(g.end-g.x.start))
}

// between returns a time uniformly in [fraction a, fraction b) of the
// stream.
func (g *gen) between(a, b float64) int64 {
	return g.span(a + (b-a)*g.r.Float64())
}

// worldExtra adds to world: 8 foreign ISPs with 8 /16s each (networks
// seen only when travelling), 3–5 relay platforms with 2–6 cloud /24s
// each, the launch of a new expensive operation at 62–85% of the span,
// and new releases of four common clients at 45–85% of the span.
func (g *gen) worldExtra() {
	for _, o := range []byte{41, 102, 177, 181, 190, 200, 201, 213} {
		var bs []uint16
		for range 8 {
			bs = append(bs, uint16(o)<<8|uint16(g.r.IntN(256)))
		}
		g.x.abroad = append(g.x.abroad, bs)
	}
	for i := range 3 + g.r.IntN(3) {
		var rl relay
		p := g.cloud[g.r.IntN(len(g.cloud))]
		for range 2 + g.r.IntN(5) {
			rl.nets = append(rl.nets, g.addrIn(p[g.r.IntN(len(p))], -1))
		}
		rl.agent = g.agent("relay-" + itoa(i) + "/2." + itoa(g.r.IntN(9)))
		g.x.relays = append(g.x.relays, rl)
	}
	g.x.launchAt = g.between(0.62, 0.85)
	g.x.launchOp = g.op("POST /v1/video/generations")
	for _, f := range [][2]string{
		{"openai-python/1.", "openai-python/1.14.2"},
		{"okhttp/4.", "okhttp/5.0.1"},
		{"devcli/2.", "devcli/3.0"},
		{"aws-sdk-go/1.", "aws-sdk-go/1.55"},
	} {
		g.x.families = append(g.x.families, family{prefix: f[0], to: f[1], at: g.between(0.45, 0.85)})
	}
}

// upgrade returns the client key k presents at t: a client of an
// upgrading family moves to the new release 0–several days after it
// (exponential, mean 1.5 days, fixed per key); 10% of keys never move.
func (g *gen) upgrade(k int32, t int64, a uint16) uint16 {
	x := g.x
	for int(a) >= len(x.upTo) {
		x.upTo = append(x.upTo, -2)
		x.upAt = append(x.upAt, 0)
	}
	if x.upTo[a] == -2 {
		x.upTo[a] = -1
		name := g.t.Agents[a]
		for _, f := range x.families {
			if strings.HasPrefix(name, f.prefix) && name != f.to {
				to := int32(g.agent(f.to))
				x.upTo[a], x.upAt[a] = to, f.at
				break
			}
		}
	}
	if x.upTo[a] < 0 || t < x.upAt[a] {
		return a
	}
	u := unit(x.seed, uint64(k))
	if u < 0.1 {
		return a
	}
	delay := int64(-math.Log((u-0.1)/0.9) * 1.5 * float64(g.day))
	if t < x.upAt[a]+delay {
		return a
	}
	for int(k) >= len(x.upgraded) {
		x.upgraded = append(x.upgraded, false)
	}
	x.upgraded[k] = true
	return uint16(x.upTo[a])
}

// unit returns a number in (0, 1) fixed by seed and n.
func unit(seed, n uint64) float64 {
	z := seed ^ (n+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return (float64(z>>11) + 0.5) / (1 << 53)
}

// benign makes n benign keys, shuffled, organisations last.
func (g *gen) benign(n int) {
	counts := make([]int, len(behaviours))
	type rem struct {
		i int
		r float64
	}
	var rems []rem
	left := n
	for i, b := range behaviours {
		f := b.share * float64(n)
		counts[i] = int(f)
		left -= counts[i]
		rems = append(rems, rem{i, f - float64(counts[i])})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for i := 0; left > 0; i, left = i+1, left-1 {
		counts[rems[i%len(rems)].i]++
	}
	var slots []string
	orgKeys := 0
	for i, b := range behaviours {
		if b.name == "org-audit" {
			orgKeys = counts[i]
			continue
		}
		for range counts[i] {
			slots = append(slots, b.name)
		}
	}
	g.r.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	for _, b := range slots {
		g.behave(b)
	}
	for orgKeys > 0 {
		size := min(orgKeys, 8+g.r.IntN(50))
		g.org(size)
		orgKeys -= size
	}
}

// ownKey makes a service (probability pService) or person key labelled
// label (empty: by its archetype) with the given plan and returns it, its
// shape and the index of its first record.
func (g *gen) ownKey(label string, pService float64, pl *plan) (int32, keyShape, int) {
	isService := g.r.Float64() < pService
	if label == "" {
		label = "person"
		if isService {
			label = "service"
		}
	}
	k := g.key(label)
	lo := len(g.t.Records)
	var shape keyShape
	if isService {
		if pl.scale == 0 {
			pl.scale = g.activity(serviceScale)
		}
		shape = g.service(k, g.x.start, false, pl)
	} else {
		if pl.scale == 0 {
			pl.scale = g.activity(personScale)
		}
		shape = g.person(k, g.x.start, pl)
	}
	return k, shape, lo
}

// behave makes one benign key of behaviour b.
func (g *gen) behave(b string) {
	start := g.x.start
	switch b {
	case "service":
		g.service(g.key(b), start, false, &plan{scale: g.activity(serviceScale)})
	case "person":
		g.person(g.key(b), start, &plan{scale: g.activity(personScale)})
	case "ci":
		g.ci(g.key(b), start, &plan{scale: g.activity(ciScale)})
	case "batch":
		g.batch(g.key(b), start, &plan{scale: g.activity(batchScale)})
	case "migrating":
		g.service(g.key(b), start, true, &plan{scale: g.activity(serviceScale)})
	case "new":
		g.service(g.key(b), g.between(0.05, 0.95), false, &plan{scale: g.activity(serviceScale)})
	case "sparse":
		g.sparse(g.key(b))
	case "relay":
		g.relayed(g.key(b))
	case "app-fleet":
		g.app(g.key(b))
	case "serverless":
		g.serverless(g.key(b))
	case "new-region":
		g.service(g.key(b), start, false, &plan{scale: g.activity(serviceScale), region: g.between(0.3, 0.9)})
	case "travel":
		g.person(g.key(b), start, &plan{scale: g.activity(personScale), tripAt: g.span(0.5) + g.r.Int64N(max(g.end-3*g.day-g.span(0.5), 1))})
	case "home-move":
		g.person(g.key(b), start, &plan{scale: g.activity(personScale), homeMove: g.between(0.4, 0.95)})
	case "dormant-return":
		quiet, back := g.dormancy()
		pl := &plan{fixedHome: true, quietFrom: quiet, quietTo: back}
		k, shape, lo := g.ownKey(b, 0.5, pl)
		g.ensureCalls(k, lo, shape, start, quiet, 3)
		g.ensureCalls(k, lo, shape, back, back+g.day, 3)
	case "leak-ignored":
		at := g.between(0.5, 0.95)
		k, _, _ := g.ownKey(b, 0.6, &plan{})
		g.emit(Record{Time: at, Key: k, Instance: -1, Leak: true})
	case "rotated":
		at := g.between(0.5, 0.93)
		unmark := at + 600 + g.r.Int64N(2*g.day)
		pl := &plan{}
		if g.r.IntN(2) == 0 {
			pl.quietFrom, pl.quietTo = unmark, math.MaxInt64
		}
		k, _, _ := g.ownKey(b, 0.6, pl)
		g.emit(Record{Time: at, Key: k, Instance: -1, Leak: true})
		g.emit(Record{Time: unmark, Key: k, Instance: -1, Unmark: true})
	case "launch":
		k, shape, lo := g.ownKey(b, 0.6, &plan{})
		g.tryLaunch(k, lo, shape)
	}
}

// dormancy returns when a dormant key falls silent (0.5–3 days after the
// start) and when the silence ends: at least 30 days later and at least a
// day before the end, or, when the span is too short for that, 1.5 days
// before the end.
func (g *gen) dormancy() (quiet, back int64) {
	quiet = g.x.start + g.day/2 + g.r.Int64N(5*g.day/2)
	latest := g.end - g.day - g.day/2
	if slack := latest - (quiet + 30*g.day); slack > 0 {
		return quiet, quiet + 30*g.day + g.r.Int64N(slack)
	}
	quiet = min(quiet, latest-g.day)
	return quiet, max(latest, quiet+1)
}

// usual is what a key looked like before some time.
type usual struct {
	addr   netip.Addr // a host in its most used /24
	agent  uint16     // its most used client
	hourly float64    // mean units per hour since its first call
	units  float64    // median units per call
	calls  int
}

// usualOf summarises key k's own records in g.t.Records[lo:] before t
// (a key's own records are contiguous while it is generated).
func (g *gen) usualOf(k int32, lo int, t int64, shape keyShape) usual {
	nets := map[[3]byte]int{}
	agents := map[uint16]int{}
	var u usual
	var sum float64
	first := int64(math.MaxInt64)
	var units []float64
	bestNet, bestAgent := 0, 0
	var net [3]byte
	for i := lo; i < len(g.t.Records); i++ {
		r := &g.t.Records[i]
		if r.Key != k || r.Time >= t || r.Instance >= 0 || r.Leak || r.Unmark {
			continue
		}
		u.calls++
		sum += float64(r.Units)
		units = append(units, float64(r.Units))
		first = min(first, r.Time)
		if r.Addr.Is4() {
			b := r.Addr.As4()
			n := [3]byte{b[0], b[1], b[2]}
			nets[n]++
			if c := nets[n]; c > bestNet || c == bestNet && cmp.Less(string(n[:]), string(net[:])) {
				bestNet, net, u.addr = c, n, r.Addr
			}
		}
		agents[r.Agent]++
		if c := agents[r.Agent]; c > bestAgent || c == bestAgent && r.Agent < u.agent {
			bestAgent, u.agent = c, r.Agent
		}
	}
	if u.calls == 0 {
		u.agent, u.units = shape.agent, shape.units
		if len(shape.nets) > 0 {
			u.addr = shape.nets[0]
		} else {
			u.addr = g.vps()
		}
		return u
	}
	slices.Sort(units)
	u.units = units[len(units)/2]
	if !u.addr.IsValid() {
		u.addr = g.vps()
	}
	u.hourly = sum / max(float64(t-first)/3600, 24)
	return u
}

// ensureCalls gives key k at least n own calls in [from, to): a session
// from its usual network and client if it has fewer.
func (g *gen) ensureCalls(k int32, lo int, shape keyShape, from, to int64, n int) {
	have := 0
	for i := lo; i < len(g.t.Records); i++ {
		r := &g.t.Records[i]
		if r.Key == k && r.Time >= from && r.Time < to && !r.Leak && !r.Unmark {
			have++
		}
	}
	if have >= n || from >= g.end {
		return
	}
	u := g.usualOf(k, lo, g.end, shape)
	t := from + g.r.Int64N(max(min(to, g.end)-from, 1)/2+1)
	for ; have < n; have++ {
		g.put(nil, Record{Time: t, Addr: g.hostIn(u.addr), Key: k, Instance: -1, Agent: g.upgrade(k, t, u.agent),
			Op: g.pick(shape.ops), Units: float32(g.logNormal(u.units, 0.5))})
		t += 5 + g.r.Int64N(300)
	}
}

// tryLaunch: the key tries the newly launched operation from its usual
// network and client, 0–a day after the launch (exponential, mean 4 hours),
// 1–6 calls of 20,000–80,000 units (its usual calls cost tens to
// thousands); 40% keep using it 0.2–2 times a day.
func (g *gen) tryLaunch(k int32, lo int, shape keyShape) {
	at := g.x.launchAt + min(int64(g.r.ExpFloat64()*4*3600), g.day)
	u := g.usualOf(k, lo, at, shape)
	cost := func() float32 { return float32(20000 + 60000*g.r.Float64()) }
	t := at
	for n := 1 + g.r.IntN(6); n > 0; n-- {
		g.put(nil, Record{Time: t, Addr: g.hostIn(u.addr), Key: k, Instance: -1, Agent: g.upgrade(k, t, u.agent), Op: g.x.launchOp, Units: cost()})
		t += 10 + g.r.Int64N(900)
	}
	if g.r.Float64() < 0.4 {
		rate := 0.2 + 1.8*g.r.Float64()
		for t += int64(float64(g.day) / rate * g.r.ExpFloat64()); t < g.end; t += int64(float64(g.day)/rate*g.r.ExpFloat64()) + 1 {
			g.put(nil, Record{Time: t, Addr: g.hostIn(u.addr), Key: k, Instance: -1, Agent: g.upgrade(k, t, u.agent), Op: g.x.launchOp, Units: cost()})
		}
	}
}

// sparse: a key used in 1–12 sessions on random days, 1–10 calls each,
// from one home ISP /24 (70%) or cloud /24, with a common HTTP tool or an
// SDK.
func (g *gen) sparse(k int32) keyShape {
	var a netip.Addr
	if g.r.Float64() < 0.7 {
		isp := g.isps[g.r.IntN(len(g.isps))]
		a = g.addrIn(isp[g.r.IntN(len(isp))], -1)
	} else {
		a = g.vps()
	}
	agent := g.agent(tools[g.r.IntN(len(tools))])
	if g.r.IntN(2) == 0 {
		agent = g.agent(sdks[g.r.IntN(4)])
	}
	shape := keyShape{agent: agent, ops: g.mix(g.r.Float64() < 0.4, 0), units: g.logNormal(100, 1), nets: []netip.Addr{a}}
	for s := 1 + g.r.IntN(12); s > 0; s-- {
		t := g.x.start + g.r.Int64N(g.end-g.x.start)
		for n := 1 + g.r.IntN(10); n > 0; n-- {
			g.put(nil, Record{Time: t, Addr: g.sameNet(a), Key: k, Instance: -1, Agent: g.upgrade(k, t, agent),
				Op: g.pick(shape.ops), Units: float32(g.logNormal(shape.units, 0.6))})
			t += 5 + g.r.Int64N(300)
		}
	}
	return shape
}

// relayed: a customer key carried by a relay platform: every call comes
// from one of the platform's /24s (shared with all its other customers),
// with the platform's client (60%) or the customer's SDK passed through;
// rates and daily cycle as a service's.
func (g *gen) relayed(k int32) {
	rl := g.x.relays[g.r.IntN(len(g.x.relays))]
	agent := rl.agent
	if g.r.Float64() < 0.4 {
		agent = g.agent(sdks[g.r.IntN(4)])
	}
	ops := g.mix(g.r.Float64() < 0.7, 0)
	units := g.logNormal(300, 1)
	rate := g.logNormal(1, 1.2) * g.activity(serviceScale)
	peak := g.r.Float64() * 24
	for h := g.x.start; h < g.end; h += 3600 {
		hour := float64(h%g.day) / 3600
		for n := g.poisson(rate * (1 + 0.6*math.Cos(2*math.Pi*(hour-peak)/24))); n > 0; n-- {
			t := h + g.r.Int64N(3600)
			g.put(nil, Record{Time: t, Addr: g.sameNet(rl.nets[g.r.IntN(len(rl.nets))]), Key: k, Instance: -1,
				Agent: g.upgrade(k, t, agent), Op: g.pick(ops), Units: float32(g.logNormal(units, 0.6))})
		}
	}
}

// residential returns a host on a home ISP (80%) or mobile carrier
// network.
func (g *gen) residential() netip.Addr {
	if g.r.Float64() < 0.8 {
		isp := g.isps[g.r.IntN(len(g.isps))]
		return g.addrIn(isp[g.r.IntN(len(isp))], -1)
	}
	c := g.carriers[g.r.IntN(len(g.carriers))]
	return g.addrIn(c[g.r.IntN(len(c))], -1)
}

// app: a key shipped inside a mobile app: its users call from their own
// home and mobile networks, 15–250 sessions a day (log-normal per app,
// median 40; by local daytime), 1–4 calls each, with the app's iOS or
// Android client; over a month that is thousands of networks.
func (g *gen) app(k int32) {
	name := "app-" + itoa(g.r.IntN(1000)) + "/4." + itoa(g.r.IntN(9))
	agents := []uint16{g.agent(name + " (iOS)"), g.agent(name + " (Android)")}
	ops := g.mix(g.r.Float64() < 0.5, 0)
	units := g.logNormal(50, 0.8)
	perDay := min(max(g.logNormal(40, 0.7), 15), 250)
	for d := g.x.start; d < g.end; d += g.day {
		for s := g.poisson(perDay); s > 0; s-- {
			t := d + 7*3600 + g.r.Int64N(17*3600)
			a, ag := g.residential(), agents[g.r.IntN(2)]
			for n := 1 + g.r.IntN(4); n > 0; n-- {
				g.put(nil, Record{Time: t, Addr: a, Key: k, Instance: -1, Agent: ag, Op: g.pick(ops),
					Units: float32(g.logNormal(units, 0.5))})
				t += 2 + g.r.Int64N(60)
			}
		}
	}
}

// serverless: functions on one cloud provider, each invocation from a
// fresh address anywhere in the provider's 24 /16s, 1–4 calls within 10
// seconds; invocations at a log-normal rate (median 0.2 an hour, times
// the activity multiplier's spread) around the clock.
func (g *gen) serverless(k int32) {
	p := g.cloud[g.r.IntN(len(g.cloud))]
	agent := g.agent([]string{"aws-sdk-go/1.50", "gcf-node/20", "azure-functions/4.1"}[g.r.IntN(3)])
	ops := g.mix(g.r.Float64() < 0.7, 0)
	units := g.logNormal(200, 1)
	rate := 2 * g.activity(serviceScale)
	for h := g.x.start; h < g.end; h += 3600 {
		for n := g.poisson(rate); n > 0; n-- {
			t := h + g.r.Int64N(3600)
			a := g.addrIn(p[g.r.IntN(len(p))], -1)
			for c := 1 + g.r.IntN(4); c > 0; c-- {
				g.put(nil, Record{Time: t + g.r.Int64N(10), Addr: a, Key: k, Instance: -1,
					Agent: g.upgrade(k, t, agent), Op: g.pick(ops), Units: float32(g.logNormal(units, 0.5))})
			}
		}
	}
}

// regionNet returns the network of a service's second region: a /24 in
// another /16 of its provider p (70%) or of another provider.
func (g *gen) regionNet(pl *plan, p []uint16) netip.Addr {
	if pl.region == 0 {
		return netip.Addr{}
	}
	if g.r.Float64() < 0.3 {
		p = g.cloud[g.r.IntN(len(g.cloud))]
	}
	return g.addrIn(p[g.r.IntN(len(p))], -1)
}

// org: an organisation's size keys (persons working from the org's
// office 50%, services 40%, sparse 5%, never used 5%), all validated once
// at 55–95% of the span from one office host with an admin tool: 1–2
// calls of a cheap read per key, in random order over 2–30 minutes.
func (g *gen) org(size int) {
	office := g.offices[g.r.IntN(len(g.offices))]
	var keys []int32
	for range size {
		k := g.key("org-audit")
		switch u := g.r.Float64(); {
		case u < 0.5:
			g.person(k, g.x.start, &plan{scale: g.activity(personScale), office: office})
		case u < 0.9:
			g.service(k, g.x.start, false, &plan{scale: g.activity(serviceScale)})
		case u < 0.95:
			g.sparse(k)
		}
		keys = append(keys, k)
	}
	at := g.between(0.55, 0.95)
	dur := 120 + g.r.Int64N(1680)
	host := g.sameNet(office)
	agent := g.agent([]string{"curl/8.4.0", "org-admin/1.3", "python-requests/2.31.0"}[g.r.IntN(3)])
	op := g.op(readOps[0])
	g.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for i, k := range keys {
		t := at + dur*int64(i)/int64(len(keys))
		for n := 1 + g.r.IntN(2); n > 0; n-- {
			g.put(nil, Record{Time: t, Addr: host, Key: k, Instance: -1, Agent: agent, Op: op, Units: 1})
			t += 1 + g.r.Int64N(3)
		}
	}
}

// stream puts the records in delivery order (time order, delayed by the
// jitter) and converts them to the evalset format.
func (g *gen) stream(s Spec) *evalset.Stream {
	recs := g.t.Records
	// Delivery order: by due time, then by time, then in generation order
	// (a stable sort by due time of the time-sorted records).
	type slot struct {
		due, time int64
		i         int32
	}
	order := make([]slot, len(recs))
	var jr *rand.Rand
	if s.Jitter > 0 {
		jr = rand.New(rand.NewPCG(s.Seed^0x6a09e667f3bcc909, 0xbb67ae8584caa73b))
	}
	for i := range recs {
		o := slot{due: recs[i].Time, time: recs[i].Time, i: int32(i)}
		if jr != nil {
			o.due += jr.Int64N(s.Jitter + 1)
		}
		order[i] = o
	}
	slices.SortFunc(order, func(a, b slot) int {
		if c := cmp.Compare(a.due, b.due); c != 0 {
			return c
		}
		if c := cmp.Compare(a.time, b.time); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	out := &evalset.Stream{
		Start:     s.Start,
		End:       g.end,
		Keys:      g.t.Keys,
		Behaviour: g.t.Kinds,
		Instances: g.x.inst,
		Events:    make([]evalset.Event, len(recs)),
	}
	for i, o := range order {
		r := &recs[o.i]
		e := &out.Events[i]
		*e = evalset.Event{Time: r.Time, Key: r.Key, Leak: r.Leak, Unmark: r.Unmark, Instance: r.Instance}
		if r.Leak || r.Unmark {
			e.Instance = -1
			continue
		}
		e.Addr, e.Agent, e.Op, e.Units = r.Addr, g.t.Agents[r.Agent], g.t.Ops[r.Op], float64(r.Units)
	}
	g.t.Records = nil
	return out
}
