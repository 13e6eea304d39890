package traffic

import (
	"math"
	"net/netip"

	"github.com/leakward/leakward/score/monitor/internal/evalset"
)

// attackCalls collects one instance's calls.
type attackCalls struct {
	g     *gen
	inst  int32
	start int64
	n     int
}

func (a *attackCalls) call(t int64, addr netip.Addr, key int32, agent, op uint16, units float64) {
	if t >= a.g.end {
		return
	}
	a.g.emit(Record{Time: t, Addr: addr, Key: key, Instance: a.inst, Agent: agent, Op: op, Units: float32(units)})
	if a.n == 0 || t < a.start {
		a.start = t
	}
	a.n++
}

// logUniform returns an integer log-uniform in [lo, hi].
func (g *gen) logUniform(lo, hi int) int {
	return int(math.Exp(math.Log(float64(lo)) + g.r.Float64()*math.Log(float64(hi)/float64(lo))))
}

// pickNote returns the index of the variant u falls in, by cumulative
// weights.
func pickNote(u float64, weights ...float64) int {
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	return len(weights) - 1
}

// attackStream adds one instance of kind whose first anomalous call is at
// at (dormant: after its silence). Victims are keys with a service (60%)
// or person history from the start, at the usual activity spread; their
// own calls are benign. Each instance's Note names its variant as
// "where/client" or a shape name.
//
//   - Replay: 10–300 bots (log-uniform) on home and mobile networks (70%)
//     or cloud hosts, 1–5 calls each over 1–6 hours; one tool client for
//     all (60%) or the victim's own client; the victim's operations.
//   - AfterLeak: the leak notice comes 5 minutes to 2 days before the
//     first call; 1–20 calls 5 s–10 min apart from a VPS with a tool
//     (45%), a VPS with the victim's client (30%), or a home network with
//     a tool.
//   - KeyTesting: one VPS /24 (the instance's Source) tries 20–200 keys
//     (log-uniform) over 5–60 minutes, 1–2 cheap reads each, with a tool.
//     Of the tried keys 95% ("dump", 60% of instances), 50% ("mixed",
//     30%) or 10% ("established", a stolen set) have no history; the
//     others are victims with a history like any other.
//   - Billing: spend per hour 15–150 times the key's mean (at least
//     30,000 units an hour) for 1–16 hours, on a write operation, each
//     call costing at least the key's median. "burst/vps" (30%): 20–200
//     calls per 5 minutes for 1–6 hours from 1–3 VPS networks with a tool
//     (70%) or the victim's client; "usual-net/own-client" (25%): 5–60
//     calls per 5 minutes for 1–8 hours from the key's most used /24 and
//     client; "sustained-few/vps" (25%) and "sustained-few/usual-net":
//     1–4 calls per 5 minutes for 4–16 hours of an image operation the
//     key never used, each costing at least 10 times its median. Victims
//     are services (80%) or persons.
//   - PrivEsc: a key that only ever read starts write and admin calls
//     (the first anomalous call is one), 3–40 calls over 10 minutes to 6
//     hours, 40% of them reads: from the key's most used /24 and client
//     (40%), a VPS with a tool (35%) or a VPS with the key's client.
//   - Drip: 0.5–4 calls an hour for 1–5 days from one /24: a VPS (40%),
//     a new /24 in a /16 the key already uses (35%), or a home network;
//     a tool or the victim's client; in 30% one call looks at the
//     organisation or makes a key. The owner keeps calling as usual.
//   - Dormant: a key active for its first 0.5–3 days, silent for at least
//     30 days, then 3–60 calls over 5 minutes to 6 hours from a VPS with
//     a tool (40%), a VPS with the key's old client (30%) or a home
//     network with a tool; the owner never comes back.
func (g *gen) attackStream(kind evalset.Kind, at int64) {
	in := evalset.Instance{Kind: kind}
	ac := &attackCalls{g: g, inst: int32(len(g.x.inst))}
	tool := g.agent(tools[g.r.IntN(len(tools))])
	switch kind {
	case evalset.Replay:
		k, shape, _, u := g.victim(0.6, &plan{}, at)
		in.Victims = []int32{k}
		resid, own := g.r.Float64() < 0.7, g.r.Float64() < 0.4
		ag := tool
		in.Note = "cloud"
		if resid {
			in.Note = "residential"
		}
		if own {
			ag = u.agent
			in.Note += "/own-client"
		} else {
			in.Note += "/tool"
		}
		span := 3600 + g.r.Int64N(5*3600)
		for i := range g.logUniform(10, 300) {
			a := g.vps()
			if resid {
				a = g.residential()
			}
			for n := range 1 + g.r.IntN(5) {
				t := at + g.r.Int64N(span)
				if i == 0 && n == 0 {
					t = at
				}
				ac.call(t, a, k, ag, g.pick(shape.ops), g.logNormal(u.units, 0.6))
			}
		}
	case evalset.AfterLeak:
		k, shape, _, u := g.victim(0.6, &plan{}, at)
		in.Victims = []int32{k}
		g.emit(Record{Time: at - 300 - g.r.Int64N(2*g.day), Key: k, Instance: -1, Leak: true})
		var a netip.Addr
		ag := tool
		switch pickNote(g.r.Float64(), 0.45, 0.30, 0.25) {
		case 0:
			a, in.Note = g.vps(), "vps/tool"
		case 1:
			a, ag, in.Note = g.vps(), u.agent, "vps/own-client"
		default:
			a, in.Note = g.residential(), "residential/tool"
		}
		t := at
		for n := 1 + g.r.IntN(20); n > 0; n-- {
			ac.call(t, g.hostIn(a), k, ag, g.pick(shape.ops), g.logNormal(u.units, 0.6))
			t += 5 + g.r.Int64N(600)
		}
	case evalset.KeyTesting:
		a := g.vps()
		in.Source = netip.PrefixFrom(a, 24).Masked()
		unknown := 0.95
		switch pickNote(g.r.Float64(), 0.6, 0.3, 0.1) {
		case 0:
			in.Note = "dump"
		case 1:
			unknown, in.Note = 0.5, "mixed"
		default:
			unknown, in.Note = 0.1, "established"
		}
		span := 300 + g.r.Int64N(3300)
		probe := g.op(readOps[0])
		for i := range g.logUniform(20, 200) {
			var k int32
			if g.r.Float64() < unknown {
				k = g.key("tried-unknown")
			} else {
				k, _, _, _ = g.victim(0.6, &plan{}, at)
			}
			in.Victims = append(in.Victims, k)
			t := at + g.r.Int64N(span)
			if i == 0 {
				t = at
			}
			for n := 1 + g.r.IntN(2); n > 0; n-- {
				ac.call(t, g.sameNet(a), k, tool, probe, 1)
				t += 1 + g.r.Int64N(5)
			}
		}
	case evalset.Billing:
		k, _, _, u := g.victim(0.8, &plan{}, at)
		in.Victims = []int32{k}
		hourly := max(u.hourly*float64(g.logUniform(15, 150)), 30000)
		minUnits := u.units // a burst's calls cost what the key's usually do, or more
		var addrs []netip.Addr
		ag := tool
		var perWindow [2]int
		var dur int64
		op := g.op(writeOps[0])
		switch pickNote(g.r.Float64(), 0.3, 0.25, 0.25, 0.2) {
		case 0:
			for range 1 + g.r.IntN(3) {
				addrs = append(addrs, g.vps())
			}
			if g.r.Float64() >= 0.7 {
				ag = u.agent
			}
			perWindow, dur, in.Note = [2]int{20, 200}, 3600+g.r.Int64N(5*3600), "burst/vps"
		case 1:
			addrs, ag = []netip.Addr{u.addr}, u.agent
			perWindow, dur, in.Note = [2]int{5, 60}, 3600+g.r.Int64N(7*3600), "usual-net/own-client"
		case 2:
			addrs, op = []netip.Addr{g.vps()}, g.op("POST /v1/images/generations")
			perWindow, dur, in.Note = [2]int{1, 4}, 4*3600+g.r.Int64N(12*3600), "sustained-few/vps"
			minUnits = 10 * u.units
		default:
			addrs, ag, op = []netip.Addr{u.addr}, u.agent, g.op("POST /v1/images/generations")
			perWindow, dur, in.Note = [2]int{1, 4}, 4*3600+g.r.Int64N(12*3600), "sustained-few/usual-net"
			minUnits = 10 * u.units
		}
		c := perWindow[0] + g.r.IntN(perWindow[1]-perWindow[0]+1)
		units := max(hourly/12/float64(c), minUnits)
		for w := at; w < at+dur; w += 300 {
			for n := range c {
				t := w + g.r.Int64N(300)
				if w == at && n == 0 {
					t = at
				}
				a := addrs[g.r.IntN(len(addrs))]
				ac.call(t, g.hostIn(a), k, g.upgrade(k, t, ag), op, units*(0.7+0.6*g.r.Float64()))
			}
		}
	case evalset.PrivEsc:
		k, shape, _, u := g.victim(0.6, &plan{readOnly: true}, at)
		in.Victims = []int32{k}
		a, ag := u.addr, u.agent
		switch pickNote(g.r.Float64(), 0.4, 0.35, 0.25) {
		case 0:
			in.Note = "usual-net/own-client"
		case 1:
			a, ag, in.Note = g.vps(), tool, "vps/tool"
		default:
			a, in.Note = g.vps(), "vps/own-client"
		}
		var raise []uint16
		for _, s := range append(append([]string{}, adminOps...), writeOps...) {
			raise = append(raise, g.op(s))
		}
		span := 600 + g.r.Int64N(6*3600-600)
		n := 3 + g.r.IntN(38)
		for i := range n {
			t, op := at+g.r.Int64N(span), raise[g.r.IntN(len(raise))]
			if i == 0 {
				t = at
			} else if g.r.Float64() < 0.4 {
				op = g.pick(shape.ops)
			}
			ac.call(t, g.hostIn(a), k, g.upgrade(k, t, ag), op, g.logNormal(u.units, 0.6))
		}
	case evalset.Drip:
		k, shape, lo, u := g.victim(0.6, &plan{}, at)
		in.Victims = []int32{k}
		var a netip.Addr
		pOwn := 0.4
		switch pickNote(g.r.Float64(), 0.4, 0.35, 0.25) {
		case 0:
			a, in.Note = g.vps(), "vps"
		case 1:
			a, in.Note, pOwn = g.newNetBeside(k, lo, u.addr), "same-16", 0.6
		default:
			a, in.Note = g.residential(), "residential"
		}
		ag := tool
		if g.r.Float64() < pOwn {
			ag = u.agent
			in.Note += "/own-client"
		} else {
			in.Note += "/tool"
		}
		rate := 0.5 + 3.5*g.r.Float64()
		end := at + (1+g.r.Int64N(5))*g.day
		recon := g.r.Float64() < 0.3
		for t := at; t < end; t += int64(3600/rate*g.r.ExpFloat64()) + 1 {
			op := g.pick(shape.ops)
			if recon && t > at {
				op, recon = g.op(adminOps[g.r.IntN(len(adminOps))]), false
			}
			ac.call(t, g.sameNet(a), k, ag, op, g.logNormal(u.units, 0.6))
		}
	case evalset.Dormant:
		quiet, back := g.dormancy()
		at = back
		pl := &plan{fixedHome: true, quietFrom: quiet, quietTo: math.MaxInt64}
		k, shape, lo := g.ownKey("", 0.6, pl)
		g.ensureCalls(k, lo, shape, g.x.start, quiet, 3)
		u := g.usualOf(k, lo, at, shape)
		in.Victims = []int32{k}
		var a netip.Addr
		ag := tool
		switch pickNote(g.r.Float64(), 0.4, 0.3, 0.3) {
		case 0:
			a, in.Note = g.vps(), "vps/tool"
		case 1:
			a, ag, in.Note = g.vps(), u.agent, "vps/own-client"
		default:
			a, in.Note = g.residential(), "residential/tool"
		}
		span := 300 + g.r.Int64N(6*3600-300)
		for i := range 3 + g.r.IntN(58) {
			t := at + g.r.Int64N(span)
			if i == 0 {
				t = at
			}
			ac.call(t, g.hostIn(a), k, ag, g.pick(shape.ops), g.logNormal(u.units, 0.6))
		}
	}
	in.Start = ac.start
	g.x.inst = append(g.x.inst, in)
}

// newNetBeside returns a host in a /24 of near's /16 that key k (records
// from lo) has never called from.
func (g *gen) newNetBeside(k int32, lo int, near netip.Addr) netip.Addr {
	b := near.As4()
	used := [256]bool{}
	for i := lo; i < len(g.t.Records); i++ {
		r := &g.t.Records[i]
		if r.Key == k && r.Addr.Is4() {
			if a := r.Addr.As4(); a[0] == b[0] && a[1] == b[1] {
				used[a[2]] = true
			}
		}
	}
	o3 := g.r.IntN(256)
	for i := 0; used[o3] && i < 256; i++ {
		o3 = (o3 + 1) % 256
	}
	return netip.AddrFrom4([4]byte{b[0], b[1], byte(o3), byte(1 + g.r.IntN(254))})
}

// victim makes a key with a service (probability pService) or person
// history and at least 3 own calls before at, and returns it with what
// it looked like before at.
func (g *gen) victim(pService float64, pl *plan, at int64) (int32, keyShape, int, usual) {
	k, shape, lo := g.ownKey("", pService, pl)
	g.ensureCalls(k, lo, shape, g.x.start, at, 3)
	return k, shape, lo, g.usualOf(k, lo, at, shape)
}
