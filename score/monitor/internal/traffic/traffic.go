// Package traffic generates deterministic, labelled key-usage traffic for
// evaluating the monitor. It is one model of traffic, written from how
// such traffic looks and not from how the monitor decides; its
// assumptions are listed here and on each generator function.
//
// # Two outputs
//
// [Generate] returns the original model as a [Traffic]: 21 days, benign
// keys of six kinds (services with daily cycles, people moving between
// home, office, phone and travel networks, CI bursts, nightly batches,
// new and migrated deployments) and five attack scenarios (replay from
// many networks, use after leak, slow drip from one new network, billing
// spike, a source testing many keys). Its output is pinned by a test.
//
// [GenerateStream] returns the evalset format ([evalset.Stream]): 35 days,
// seven attack kinds (the five above plus privilege escalation and a
// dormant key reactivated) in several variants each (Instance.Note), and
// a benign population that also makes the changes a monitor must not
// mistake for misuse. It reuses Generate's archetypes through a per-key
// plan (activity, read-only, office, trip, home move, second region,
// silences) that Generate does not set.
//
// # Assumptions of GenerateStream
//
//   - Address world: 6 cloud providers (24 /16s each), 12 home ISPs (16
//     /16s each), 4 mobile carriers, 300 office /24s, 8 foreign ISPs seen
//     only when travelling, 3–5 relay platforms with 2–6 cloud /24s each.
//   - Activity: each key's rate is its archetype's times a log-normal
//     multiplier (σ 1.2) around 0.06–0.15, so a typical key makes a few
//     calls a day and a few make hundreds; about 400 calls a key over 35
//     days on average, and about 850,000 events at the default size
//     (2,000 benign keys, 20 instances per kind).
//   - Benign behaviours, by share of keys (labels in Stream.Behaviour):
//     service 24%, person 15%, ci 6%, batch 4%, migrating 3%, new 5%,
//     sparse 8% (1–12 sessions in the whole span), relay 6% (a relay
//     platform's /24s shared by all its customers), app-fleet 0.5% (a key
//     inside an app: thousands of home and mobile networks), serverless
//     3% (a fresh cloud address per invocation), new-region 3% (a second
//     cloud /16, sometimes another provider, beside the first), travel 4%
//     (a 2–7 day trip, half of them abroad), home-move 3% (a new ISP),
//     dormant-return 1.5% (active 0.5–3 days, silent ≥ 30 days, back from
//     its usual networks and clients), leak-ignored 1% (a leak notice,
//     and the owner carries on), rotated 1% (leak notice, then Unmark 10
//     minutes to 2 days later, then the owner carries on or stops),
//     launch 6% (tries a newly launched expensive operation within hours
//     of its fleet-wide launch), org-audit 6% (organisations of 8–57 keys
//     validated from their office in minutes). Keys of the first seven
//     behaviours whose client moved to a new release during the span
//     (four client families; each key 0–several days after the release,
//     10% never) are labelled sdk-upgrade.
//   - Attacks start between 60% of the span and 2 days before the end, so
//     victims have weeks of history; a dormant key's attack starts after
//     its silence of at least 30 days (shorter only when the span is).
//     Every victim has at least 3 own calls before the attack; Start is
//     the first anomalous call. The kinds and their variants are listed
//     on attackStream.
//   - Delivery: events are in time order, or with Spec.Jitter each event
//     is delayed by a uniform 0 to Jitter seconds.
//   - Not modelled: time zones (all daily cycles are in UTC), IPv6 beyond
//     phones, keys shared between unrelated owners, attackers that copy
//     the owner's daily cycle, benign keys whose owners are also
//     attacked.
//
// The same Spec always gives the same output. Generate and
// GenerateStream may run concurrently; what they return is not safe for
// concurrent mutation.
package traffic

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
)

// Scenario labels a record.
type Scenario uint8

// Scenarios. Benign is the zero value.
const (
	Benign Scenario = iota
	Replay
	AfterLeak
	Drip
	Billing
	Tester
	NumScenarios
)

var scenarioNames = [...]string{"benign", "replay", "after-leak", "drip", "billing", "tester"}

// String returns the scenario's name.
func (s Scenario) String() string {
	if int(s) < len(scenarioNames) {
		return scenarioNames[s]
	}
	return "scenario?"
}

// Record is one call, or with Leak set one leak notice (the key was found
// leaked at Time; no call).
type Record struct {
	Time     int64 // unix seconds
	Addr     netip.Addr
	Key      int32 // index into Traffic.Keys
	Instance int32 // index into Traffic.Instances; -1 for benign calls
	Units    float32
	Agent    uint16 // index into Traffic.Agents
	Op       uint16 // index into Traffic.Ops
	Scenario Scenario
	Leak     bool
	// Unmark: the key's leak mark was cleared at Time (a rotation; no
	// call). Only GenerateStream makes these.
	Unmark bool
}

// Instance is one attack.
type Instance struct {
	Scenario Scenario
	Victim   int32 // attacked key, -1 for Tester
	Start    int64
	Calls    int // attack calls
}

// Traffic is a generated stream, sorted by time (stable in generation
// order within a second).
type Traffic struct {
	Records   []Record
	Keys      [][16]byte
	Kinds     []string // per key: benign kind, "victim" or "tested"
	Agents    []string
	Ops       []string
	Instances []Instance
	Start     int64
	agentIdx  map[string]uint16
	opIdx     map[string]uint16
}

// Spec sizes a generation. Defaults are Generate's; GenerateStream's
// differ where noted.
type Spec struct {
	Seed uint64
	// Days is the total span (default 21; attacks fall in the last third;
	// GenerateStream: 35, attacks from 60% of the span to 2 days before
	// the end).
	Days int
	// Benign is the number of benign keys (default 3000; GenerateStream:
	// 2000).
	Benign int
	// PerScenario is the number of instances per attack scenario (default
	// 100; GenerateStream: per attack kind, default 20).
	PerScenario int
	Start       int64 // unix seconds (default 2026-03-01T00:00:00Z)
	// Jitter is GenerateStream's out-of-order delivery: each event is
	// delivered 0 to Jitter seconds after its time (uniform), so an event
	// is never delivered after one more than Jitter seconds younger.
	Jitter int64
}

// Op names, by class as a gateway would see them.
var (
	readOps  = []string{"GET /v1/models", "GET /v1/items", "GET /v1/files", "GET /v1/items/search"}
	writeOps = []string{"POST /v1/chat/completions", "POST /v1/embeddings", "PUT /v1/files", "DELETE /v1/items"}
	adminOps = []string{"GET /v1/organization/members", "POST /v1/api-keys"}
	tools    = []string{"python-requests/2.31.0", "curl/8.4.0", "Go-http-client/1.1", "node-fetch/1.0", "axios/1.6.2"}
	sdks     = []string{"openai-python/1.12.0", "okhttp/4.12.0", "Apache-HttpClient/4.5.14", "aws-sdk-go/1.50", "svc-%d/1.4", "Faraday v2.7"}
)

type gen struct {
	r   *rand.Rand
	t   *Traffic
	day int64
	end int64
	// address world: /16 blocks as (o1<<8 | o2)
	cloud    [][]uint16 // per provider
	isps     [][]uint16
	carriers [][]uint16
	ciPools  [][]uint16 // per CI provider, blocks inside cloud
	offices  []netip.Addr
	// x holds what only GenerateStream uses; nil for Generate.
	x *extra
}

// Generate returns the traffic for s.
func Generate(s Spec) *Traffic {
	if s.Days == 0 {
		s.Days = 21
	}
	if s.Benign == 0 {
		s.Benign = 3000
	}
	if s.PerScenario == 0 {
		s.PerScenario = 100
	}
	if s.Start == 0 {
		s.Start = 1772323200 // 2026-03-01T00:00:00Z
	}
	g := &gen{
		r:   rand.New(rand.NewPCG(s.Seed, s.Seed^0x5851f42d4c957f2d)),
		t:   &Traffic{Start: s.Start, agentIdx: map[string]uint16{}, opIdx: map[string]uint16{}},
		day: 86400,
	}
	g.end = s.Start + int64(s.Days)*g.day
	g.world()
	kinds := []struct {
		name string
		p    float64
		f    func(k int32)
	}{
		{"service", 0.40, func(k int32) { g.service(k, s.Start, false, nil) }},
		{"person", 0.25, func(k int32) { g.person(k, s.Start, nil) }},
		{"ci", 0.12, func(k int32) { g.ci(k, s.Start, nil) }},
		{"batch", 0.08, func(k int32) { g.batch(k, s.Start, nil) }},
		{"migrating", 0.05, func(k int32) { g.service(k, s.Start, true, nil) }},
		{"new", 0.10, func(k int32) { g.service(k, s.Start+g.r.Int64N(int64(s.Days-1)*g.day), false, nil) }},
	}
	for i := 0; i < s.Benign; i++ {
		u := g.r.Float64()
		for j, kd := range kinds {
			if u < kd.p || j == len(kinds)-1 {
				k := g.key(kd.name)
				kd.f(k)
				break
			}
			u -= kd.p
		}
	}
	attackFrom := s.Start + int64(s.Days)*g.day*2/3
	attackTo := g.end - 3*g.day
	for sc := Replay; sc < NumScenarios; sc++ {
		for i := 0; i < s.PerScenario; i++ {
			at := attackFrom + g.r.Int64N(attackTo-attackFrom)
			g.attack(sc, at, s.Start)
		}
	}
	slices.SortStableFunc(g.t.Records, func(a, b Record) int { return cmp.Compare(a.Time, b.Time) })
	return g.t
}

func (g *gen) key(kind string) int32 {
	var id [16]byte
	binary.LittleEndian.PutUint64(id[:8], g.r.Uint64())
	binary.LittleEndian.PutUint64(id[8:], g.r.Uint64())
	g.t.Keys = append(g.t.Keys, id)
	g.t.Kinds = append(g.t.Kinds, kind)
	return int32(len(g.t.Keys) - 1)
}

func (g *gen) agent(s string) uint16 {
	if i, ok := g.t.agentIdx[s]; ok {
		return i
	}
	g.t.Agents = append(g.t.Agents, s)
	i := uint16(len(g.t.Agents) - 1)
	g.t.agentIdx[s] = i
	return i
}

func (g *gen) op(s string) uint16 {
	if i, ok := g.t.opIdx[s]; ok {
		return i
	}
	g.t.Ops = append(g.t.Ops, s)
	i := uint16(len(g.t.Ops) - 1)
	g.t.opIdx[s] = i
	return i
}

// world lays out address blocks: 6 cloud providers with 24 /16s each, 12
// home ISPs with 16 /16s each, 4 mobile carriers with 6 /16s each, 2 CI
// providers running in 3 cloud /16s each, and 300 office /24s.
func (g *gen) world() {
	used := map[uint16]bool{}
	block := func(o1 byte) uint16 {
		for {
			b := uint16(o1)<<8 | uint16(g.r.IntN(256))
			if !used[b] {
				used[b] = true
				return b
			}
		}
	}
	cloudO1 := []byte{3, 13, 18, 34, 35, 52}
	for _, o := range cloudO1 {
		var bs []uint16
		for i := 0; i < 24; i++ {
			bs = append(bs, block(o))
		}
		g.cloud = append(g.cloud, bs)
	}
	ispO1 := []byte{24, 50, 67, 71, 73, 76, 81, 86, 90, 98, 108, 174}
	for _, o := range ispO1 {
		var bs []uint16
		for i := 0; i < 16; i++ {
			bs = append(bs, block(o))
		}
		g.isps = append(g.isps, bs)
	}
	for _, o := range []byte{107, 166, 172, 208} {
		var bs []uint16
		for i := 0; i < 6; i++ {
			bs = append(bs, block(o))
		}
		g.carriers = append(g.carriers, bs)
	}
	g.ciPools = [][]uint16{g.cloud[0][:3], g.cloud[3][:3]}
	for i := 0; i < 300; i++ {
		isp := g.isps[g.r.IntN(len(g.isps))]
		g.offices = append(g.offices, g.addrIn(isp[g.r.IntN(len(isp))], -1))
	}
}

// addrIn returns an address in block b, in /24 o3 (random if o3 < 0).
func (g *gen) addrIn(b uint16, o3 int) netip.Addr {
	if o3 < 0 {
		o3 = g.r.IntN(256)
	}
	return netip.AddrFrom4([4]byte{byte(b >> 8), byte(b), byte(o3), byte(1 + g.r.IntN(254))})
}

// sameNet returns another host in a's /24.
func (g *gen) sameNet(a netip.Addr) netip.Addr {
	b := a.As4()
	b[3] = byte(1 + g.r.IntN(254))
	return netip.AddrFrom4(b)
}

// put emits one of a key's own calls, shaped by its plan (nil: as is).
func (g *gen) put(pl *plan, rec Record) {
	if pl != nil && rec.Time >= pl.quietFrom && rec.Time < pl.quietTo {
		return
	}
	if g.x != nil {
		if rec.Time < g.x.start {
			return
		}
		rec.Agent = g.upgrade(rec.Key, rec.Time, rec.Agent)
	}
	g.emit(rec)
}

func (g *gen) emit(rec Record) {
	if rec.Time >= g.end {
		return
	}
	g.t.Records = append(g.t.Records, rec)
}

// poisson samples a Poisson count with mean mu.
func (g *gen) poisson(mu float64) int {
	if mu <= 0 {
		return 0
	}
	if mu > 30 {
		n := int(math.Round(mu + math.Sqrt(mu)*g.r.NormFloat64()))
		return max(n, 0)
	}
	l, k, p := math.Exp(-mu), 0, 1.0
	for {
		p *= g.r.Float64()
		if p < l {
			return k
		}
		k++
	}
}

func (g *gen) logNormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*g.r.NormFloat64())
}

// opMix is a key's operations: reads, and writes for most keys.
type opMix struct {
	ops    []uint16
	weight []float64
}

func (g *gen) mix(writes bool, admin float64) opMix {
	var m opMix
	n := 1 + g.r.IntN(3)
	for _, i := range g.r.Perm(len(readOps))[:n] {
		m.ops = append(m.ops, g.op(readOps[i]))
		m.weight = append(m.weight, g.r.Float64()+0.2)
	}
	if writes {
		for _, i := range g.r.Perm(len(writeOps))[:1+g.r.IntN(2)] {
			m.ops = append(m.ops, g.op(writeOps[i]))
			m.weight = append(m.weight, g.r.Float64()+0.2)
		}
	}
	if admin > 0 {
		m.ops = append(m.ops, g.op(adminOps[g.r.IntN(len(adminOps))]))
		m.weight = append(m.weight, admin)
	}
	return m
}

func (g *gen) pick(m opMix) uint16 {
	var sum float64
	for _, w := range m.weight {
		sum += w
	}
	u := g.r.Float64() * sum
	for i, w := range m.weight {
		if u < w {
			return m.ops[i]
		}
		u -= w
	}
	return m.ops[len(m.ops)-1]
}

// keyShape is what a victim's attacker can see of normal use.
type keyShape struct {
	agent uint16
	ops   opMix
	units float64
	// nets are the key's usual addresses (one host of each usual /24).
	nets []netip.Addr
}

// service: a backend in one or two /24s of a cloud provider (30% spread
// over two /16s), one SDK client, reads (40%) or reads and writes (60%),
// 3% also calling an admin endpoint now and then. Calls follow a daily
// cycle (amplitude 0.3–0.9, random peak hour) with quieter weekends; the
// mean rate is log-normal (median 1 per hour, 0.2–40). Units per call are
// log-normal around a per-key median. A migrating service moves, on a day
// between day 3 and the end, to a /24 in a new /16 of its provider with a
// new client version, overlapping old and new for 1–24 hours. A plan
// (GenerateStream) scales the rate, can make the key read-only, and can
// start a second region at plan.region that takes half of the calls from
// then on.
func (g *gen) service(k int32, from int64, migrate bool, pl *plan) keyShape {
	p := g.cloud[g.r.IntN(len(g.cloud))]
	b1 := p[g.r.IntN(len(p))]
	nets := []netip.Addr{g.addrIn(b1, -1)}
	if g.r.Float64() < 0.5 {
		b := b1
		if g.r.Float64() < 0.3 {
			b = p[g.r.IntN(len(p))]
		}
		nets = append(nets, g.addrIn(b, -1))
	}
	sdk := sdks[g.r.IntN(len(sdks))]
	agentName := sdk
	if sdk == "svc-%d/1.4" {
		agentName = "svc-" + itoa(g.r.IntN(1000)) + "/1.4"
	}
	agent := g.agent(agentName)
	admin := 0.0
	if g.r.Float64() < 0.03 {
		admin = 0.005
	}
	writes := g.r.Float64() < 0.6
	if pl != nil && pl.readOnly {
		writes, admin = false, 0
	}
	shape := keyShape{agent: agent, ops: g.mix(writes, admin), units: g.logNormal(300, 1), nets: nets}
	rate := min(max(g.logNormal(1, 1.2), 0.2), 40)
	if pl != nil {
		rate *= pl.scale
		pl.regionNet = g.regionNet(pl, p)
	}
	amp := 0.3 + 0.6*g.r.Float64()
	peak := g.r.Float64() * 24
	weekend := 0.4 + 0.6*g.r.Float64()
	var moveAt, overlap int64 = math.MaxInt64, 0
	var newNet netip.Addr
	newAgent := agent
	if migrate {
		moveAt = from + 3*g.day + g.r.Int64N(max(g.end-from-4*g.day, g.day))
		overlap = 3600 + g.r.Int64N(23*3600)
		newNet = g.addrIn(p[g.r.IntN(len(p))], -1)
		newAgent = g.agent(agentName[:len(agentName)-1] + "5")
	}
	for h := from - from%3600; h < g.end; h += 3600 {
		hour := float64(h%g.day) / 3600
		lam := rate * (1 + amp*math.Cos(2*math.Pi*(hour-peak)/24))
		if wd := (h / g.day) % 7; wd == 2 || wd == 3 { // 1970-01-01 was a Thursday
			lam *= weekend
		}
		n := g.poisson(lam)
		for i := 0; i < n; i++ {
			t := h + g.r.Int64N(3600)
			if t < from {
				continue
			}
			a, ag := nets[g.r.IntN(len(nets))], agent
			if t >= moveAt+overlap || t >= moveAt && g.r.IntN(2) == 0 {
				a, ag = newNet, newAgent
			}
			if pl != nil && pl.region > 0 && t >= pl.region && g.r.IntN(2) == 0 {
				a = pl.regionNet
			}
			g.put(pl, Record{Time: t, Addr: g.sameNet(a), Key: k, Instance: -1, Agent: ag,
				Op: g.pick(shape.ops), Units: float32(g.logNormal(shape.units, 0.6))})
		}
	}
	return shape
}

// person: a developer's key used from a home ISP /24 (moving to another
// /24 of the same ISP every ~10 days), an office /24 on weekdays, a phone
// on a mobile carrier (a random /24 of the carrier's 6 /16s each session;
// 30% of phone sessions over IPv6, a random /48 of the carrier's /32), and
// for 30% of people a 2–5 day trip using hotel and café networks of random
// ISPs. Two or three clients (a CLI, a phone app, sometimes scripts with a
// common HTTP library) on computers, the phone app on the phone. 1–6
// sessions a day between 8:00 and 23:00, 1–20 calls each. A plan
// (GenerateStream) scales the sessions, can make the key read-only, fix
// the office (an organisation's) or the home /24, place a 2–7 day trip
// (half of them on foreign ISPs), or move home to another ISP.
func (g *gen) person(k int32, from int64, pl *plan) keyShape {
	isp := g.isps[g.r.IntN(len(g.isps))]
	home := g.addrIn(isp[g.r.IntN(len(isp))], -1)
	office := g.offices[g.r.IntN(len(g.offices))]
	if pl != nil && pl.office.IsValid() {
		office = pl.office
	}
	ci := g.r.IntN(len(g.carriers))
	carrier := g.carriers[ci]
	agents := []uint16{g.agent("devcli/2." + itoa(g.r.IntN(9))), g.agent([]string{"app-ios/3.2", "app-android/3.2"}[g.r.IntN(2)])}
	if g.r.Float64() < 0.4 {
		agents = append(agents, g.agent(tools[g.r.IntN(len(tools))]))
	}
	writes := g.r.Float64() < 0.5
	if pl != nil && pl.readOnly {
		writes = false
	}
	shape := keyShape{agent: agents[0], ops: g.mix(writes, 0), units: g.logNormal(100, 1), nets: []netip.Addr{home, office}}
	tripAt, tripEnd := int64(math.MaxInt64), int64(0)
	if g.r.Float64() < 0.3 {
		tripAt = from + g.r.Int64N(g.end-from)
		tripEnd = tripAt + (2+g.r.Int64N(4))*g.day
	}
	perDay := 1 + 5*g.r.Float64()
	var hotels [][]uint16 // ISPs a trip uses
	hotels = g.isps
	if pl != nil {
		perDay *= pl.scale
		if pl.tripAt > 0 {
			tripAt, tripEnd = pl.tripAt, pl.tripAt+(2+g.r.Int64N(6))*g.day
			if g.r.IntN(2) == 0 {
				hotels = g.x.abroad
			}
		}
	}
	moved := false
	for d := from - from%g.day; d < g.end; d += g.day {
		if pl != nil && pl.homeMove > 0 && d >= pl.homeMove && !moved {
			isp = g.isps[g.r.IntN(len(g.isps))]
			home = g.addrIn(isp[g.r.IntN(len(isp))], -1)
			moved = true
		}
		if g.r.Float64() < 0.1 && (pl == nil || !pl.fixedHome) { // DHCP renumbering
			home = g.addrIn(isp[g.r.IntN(len(isp))], int(home.As4()[2]))
			if g.r.Float64() < 0.5 {
				b := home.As4()
				home = g.addrIn(uint16(b[0])<<8|uint16(b[1]), -1)
			}
		}
		wd := (d / g.day) % 7
		for s := g.poisson(perDay); s > 0; s-- {
			t := d + 8*3600 + g.r.Int64N(15*3600)
			var a netip.Addr
			onPhone := false
			u := g.r.Float64()
			switch {
			case t >= tripAt && t < tripEnd:
				hi := hotels[g.r.IntN(len(hotels))]
				a = g.addrIn(hi[g.r.IntN(len(hi))], -1)
				if u < 0.3 {
					a, onPhone = g.phone(ci, carrier), true
				}
			case u < 0.45:
				a = home
			case u < 0.75 && wd != 2 && wd != 3:
				a = office
			default:
				a, onPhone = g.phone(ci, carrier), true
			}
			ag := agents[0]
			if len(agents) > 2 && g.r.IntN(2) == 0 {
				ag = agents[2]
			}
			if onPhone {
				ag = agents[1]
			}
			for n := 1 + g.r.IntN(20); n > 0; n-- {
				g.put(pl, Record{Time: t, Addr: g.hostIn(a), Key: k, Instance: -1, Agent: ag,
					Op: g.pick(shape.ops), Units: float32(g.logNormal(shape.units, 0.6))})
				t += 10 + g.r.Int64N(120)
			}
		}
	}
	return shape
}

func (g *gen) hostIn(a netip.Addr) netip.Addr {
	if a.Is4() {
		return g.sameNet(a)
	}
	return a
}

func (g *gen) phone(ci int, carrier []uint16) netip.Addr {
	if g.r.Float64() < 0.3 {
		var b [16]byte
		b[0], b[1], b[2], b[3] = 0x26, 0x00, 0x10, byte(ci)
		binary.BigEndian.PutUint64(b[4:12], g.r.Uint64())
		b[15] = 1
		return netip.AddrFrom16(b)
	}
	return g.addrIn(carrier[g.r.IntN(len(carrier))], -1)
}

// ci: builds on a hosted CI provider whose runners are spread over 3 /16s
// of a cloud provider, each build on a random runner /24. 0.5–8 builds per
// weekday (a fifth of that at weekends) during working hours, each 10–300
// calls (log-normal per build around a per-key median of 10–60) over 2–10
// minutes. A plan (GenerateStream) scales the builds.
func (g *gen) ci(k int32, from int64, pl *plan) keyShape {
	pool := g.ciPools[g.r.IntN(len(g.ciPools))]
	agent := g.agent([]string{"ci-deploy/1.0", "pytest/8.0", "terraform/1.7"}[g.r.IntN(3)])
	ops := g.mix(g.r.Float64() < 0.7, 0)
	median := 10 + 50*g.r.Float64()
	perDay := 0.5 + 7.5*g.r.Float64()
	units := g.logNormal(50, 1)
	if pl != nil {
		perDay *= pl.scale
	}
	shape := keyShape{agent: agent, ops: ops, units: units}
	for d := from - from%g.day; d < g.end; d += g.day {
		mu := perDay
		if wd := (d / g.day) % 7; wd == 2 || wd == 3 {
			mu /= 5
		}
		for b := g.poisson(mu); b > 0; b-- {
			t := d + 7*3600 + g.r.Int64N(12*3600)
			runner := g.addrIn(pool[g.r.IntN(len(pool))], -1)
			calls := min(max(int(g.logNormal(median, 0.5)), 10), 300)
			dur := 120 + g.r.Int64N(480)
			for i := 0; i < calls; i++ {
				g.put(pl, Record{Time: t + g.r.Int64N(dur), Addr: runner, Key: k, Instance: -1, Agent: agent,
					Op: g.pick(ops), Units: float32(g.logNormal(units, 0.5))})
			}
		}
	}
	return shape
}

// batch: a nightly job at a fixed hour (±10 minutes) from one cloud /24,
// 10–150 calls over 10–30 minutes, and on 10% of nights a retry that
// doubles it. A plan (GenerateStream) scales the calls.
func (g *gen) batch(k int32, from int64, pl *plan) keyShape {
	p := g.cloud[g.r.IntN(len(g.cloud))]
	a := g.addrIn(p[g.r.IntN(len(p))], -1)
	agent := g.agent(sdks[g.r.IntN(4)])
	ops := g.mix(true, 0)
	hour := int64(g.r.IntN(24)) * 3600
	calls := 10 + g.r.IntN(140)
	units := g.logNormal(1000, 1)
	if pl != nil {
		calls = max(1, int(float64(calls)*pl.scale))
	}
	shape := keyShape{agent: agent, ops: ops, units: units, nets: []netip.Addr{a}}
	for d := from - from%g.day; d < g.end; d += g.day {
		n := calls
		if g.r.Float64() < 0.1 {
			n *= 2
		}
		t := d + hour + g.r.Int64N(1200) - 600
		dur := 600 + g.r.Int64N(1200)
		for i := 0; i < n; i++ {
			g.put(pl, Record{Time: t + g.r.Int64N(dur), Addr: g.sameNet(a), Key: k, Instance: -1, Agent: agent,
				Op: g.pick(ops), Units: float32(g.logNormal(units, 0.5))})
		}
	}
	return shape
}

func (g *gen) vps() netip.Addr {
	p := g.cloud[g.r.IntN(len(g.cloud))]
	return g.addrIn(p[g.r.IntN(len(p))], -1)
}

// attack adds one instance of sc starting at at. Victims are fresh keys
// with a service (60%) or person (40%) history from the start; their own
// calls are labelled benign.
//
//   - Replay: 30–300 bots (log-uniform) on home ISP networks, 1–5 calls
//     each, spread over 1–6 hours; the same tool client for all bots (60%)
//     or the victim's own client string (40%); the victim's operations.
//   - AfterLeak: the key is reported leaked at at; from 5 minutes to 2
//     days later an attacker calls 1–20 times from one VPS with a tool
//     client (70%) or the victim's client.
//   - Drip: from one VPS /24, 0.5–4 calls an hour for 1–5 days; a tool
//     client (85%) or the victim's (15%); the victim's operations, and in
//     30% of instances one call to look at the organisation or make a key.
//   - Billing: from 1–3 VPS networks for 1–6 hours, 20–200 completion
//     calls per 5 minutes of 1,000–4,000 units each; a tool client (70%)
//     or the victim's. Victims are services.
//   - Tester: one VPS /24 tries 30–300 keys (log-uniform) over 5–60
//     minutes with 1–2 calls each; 90% of the keys are unknown (revoked or
//     never used), 10% are keys of other victims' kind with a history.
func (g *gen) attack(sc Scenario, at, from int64) {
	inst := int32(len(g.t.Instances))
	victim := int32(-1)
	var shape keyShape
	if sc != Tester {
		victim = g.key("victim")
		if sc == Billing || g.r.Float64() < 0.6 {
			shape = g.service(victim, from, false, nil)
		} else {
			shape = g.person(victim, from, nil)
		}
	}
	tool := g.agent(tools[g.r.IntN(len(tools))])
	client := func(pTool float64) uint16 {
		if g.r.Float64() < pTool {
			return tool
		}
		return shape.agent
	}
	calls := 0
	add := func(t int64, a netip.Addr, key int32, ag, op uint16, units float64) {
		if t >= g.end {
			return
		}
		calls++
		g.emit(Record{Time: t, Addr: a, Key: key, Instance: inst, Agent: ag, Op: op, Units: float32(units), Scenario: sc})
	}
	switch sc {
	case Replay:
		bots := int(math.Exp(math.Log(30) + g.r.Float64()*math.Log(10)))
		span := 3600 + g.r.Int64N(5*3600)
		ag := client(0.6)
		for i := 0; i < bots; i++ {
			isp := g.isps[g.r.IntN(len(g.isps))]
			a := g.addrIn(isp[g.r.IntN(len(isp))], -1)
			for n := 1 + g.r.IntN(5); n > 0; n-- {
				add(at+g.r.Int64N(span), a, victim, ag, g.pick(shape.ops), g.logNormal(shape.units, 0.6))
			}
		}
	case AfterLeak:
		g.emit(Record{Time: at, Key: victim, Instance: inst, Scenario: sc, Leak: true})
		t := at + 300 + g.r.Int64N(2*g.day)
		a, ag := g.vps(), client(0.7)
		for n := 1 + g.r.IntN(20); n > 0; n-- {
			add(t, a, victim, ag, g.pick(shape.ops), g.logNormal(shape.units, 0.6))
			t += 5 + g.r.Int64N(600)
		}
	case Drip:
		a, ag := g.vps(), client(0.85)
		rate := 0.5 + 3.5*g.r.Float64()
		end := at + (1+g.r.Int64N(5))*g.day
		recon := g.r.Float64() < 0.3
		for t := at; t < end; t += int64(3600/rate*g.r.ExpFloat64()) + 1 {
			op := g.pick(shape.ops)
			if recon {
				op, recon = g.op(adminOps[g.r.IntN(len(adminOps))]), false
			}
			add(t, g.sameNet(a), victim, ag, op, g.logNormal(shape.units, 0.6))
		}
	case Billing:
		nets := 1 + g.r.IntN(3)
		var addrs []netip.Addr
		for i := 0; i < nets; i++ {
			addrs = append(addrs, g.vps())
		}
		ag := client(0.7)
		op := g.op(writeOps[0])
		end := at + 3600 + g.r.Int64N(5*3600)
		for w := at; w < end; w += 300 {
			for n := 20 + g.r.IntN(181); n > 0; n-- {
				add(w+g.r.Int64N(300), g.sameNet(addrs[g.r.IntN(nets)]), victim, ag, op, 1000+3000*g.r.Float64())
			}
		}
	case Tester:
		a := g.vps()
		keys := int(math.Exp(math.Log(30) + g.r.Float64()*math.Log(10)))
		span := 300 + g.r.Int64N(3300)
		ag := g.agent(tools[g.r.IntN(len(tools))])
		probe := g.op(readOps[0])
		for i := 0; i < keys; i++ {
			var k int32
			if g.r.Float64() < 0.9 {
				k = g.key("tested")
			} else {
				k = g.key("tested")
				if g.r.Float64() < 0.6 {
					g.service(k, from, false, nil)
				} else {
					g.person(k, from, nil)
				}
			}
			t := at + g.r.Int64N(span)
			for n := 1 + g.r.IntN(2); n > 0; n-- {
				add(t, g.sameNet(a), k, ag, probe, 1)
				t += 1 + g.r.Int64N(5)
			}
		}
	}
	g.t.Instances = append(g.t.Instances, Instance{Scenario: sc, Victim: victim, Start: at, Calls: calls})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
