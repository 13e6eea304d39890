package trafficb

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"

	"github.com/leakward/leakward/score/monitor/internal/evalset"
)

// attackAgents are clients attackers use besides the fleet's generic ones.
var attackAgents = []string{
	"python-requests/2.31.0", "curl/7.88.1", "Go-http-client/2.0", "python-httpx/0.27.0",
	"Mozilla/5.0", "aiohttp/3.9.5", "",
}

// maxAttackCalls bounds one instance's calls.
const maxAttackCalls = 8000

// attack is one planned instance; emit writes its calls.
type attack struct {
	in   evalset.Instance
	emit func(g *gen, inst int32, r *rand.Rand)
}

// planAttacks chooses victims, times and shapes of every instance.
func (g *gen) planAttacks() {
	var plans []attack
	for kind := evalset.Replay; kind < evalset.NumKinds; kind++ {
		for i := range g.o.PerKind {
			r := g.rng(3, uint64(kind)<<32|uint64(i))
			var a *attack
			switch kind {
			case evalset.Replay:
				a = g.planReplay(r)
			case evalset.AfterLeak:
				a = g.planAfterLeak(r)
			case evalset.KeyTesting:
				a = g.planKeyTesting(r)
			case evalset.Billing:
				a = g.planBilling(r)
			case evalset.PrivEsc:
				a = g.planPrivEsc(r)
			case evalset.Drip:
				a = g.planDrip(r)
			case evalset.Dormant:
				a = g.planDormant(r)
			}
			if a != nil {
				a.in.Kind = kind
				plans = append(plans, *a)
			}
		}
	}
	g.attacks = plans
	for _, a := range plans {
		g.insts = append(g.insts, a.in)
	}
}

// emitAttacks writes every planned instance's calls.
func (g *gen) emitAttacks() {
	for i, a := range g.attacks {
		a.emit(g, int32(i), g.rng(4, uint64(i)))
	}
}

// attackBases are the archetypes attacks on one key pick victims from.
var attackBases = []arch{archService, archCron, archPerson, archOccasional, archServerless, archCI, archRelay}

// victim picks an unattacked key with a base in bases whose history
// before the start suits the attack, and the start. ok filters further.
func (g *gen) victim(r *rand.Rand, bases []arch, minPerDay float64, ok func(*key) bool) (*key, int64) {
	perm := r.Perm(len(g.keys))
	hist := attackRanges.historyDays.uni(r)
	for _, i := range perm {
		k := g.keys[i]
		if k.victim || k.unused || k.changed() || k.org == nil || k.org.audited || !slices.Contains(bases, k.base) || len(k.periods) == 0 {
			continue
		}
		if k.perDay < minPerDay || (ok != nil && !ok(k)) {
			continue
		}
		lo := k.periods[0].from + days(hist)
		hi := min(k.periods[0].to, g.end-days(1.5))
		if hi <= lo || k.perDay*float64(lo-k.periods[0].from)/86400 < 15 {
			continue
		}
		k.victim = true
		return k, lo + r.Int64N(hi-lo)
	}
	return nil, 0
}

// attackAgent draws the client an attacker presents.
func (g *gen) attackAgent(r *rand.Rand) int32 {
	if r.IntN(2) == 0 {
		return g.p.generic[r.IntN(len(g.p.generic))]
	}
	return g.intern(attackAgents[r.IntN(len(attackAgents))])
}

// opMode is what an attacker calls.
type opMode uint8

const (
	opsOwner     opMode = iota // the owner's operations and units
	opsExpensive               // costly reads
	opsEnumerate               // cheap listing and reads
)

var opModeNames = []string{"owner-ops", "expensive-ops", "enumerate"}

func (g *gen) attackOp(k *key, m opMode, t int64, r *rand.Rand) (int32, float64) {
	p := &g.p
	switch m {
	case opsExpensive:
		i := p.expensive[r.IntN(len(p.expensive))]
		return p.opIx[i], p.ops[i].cost * math.Exp(0.5*normal(r)) * (1 + 3*r.Float64())
	case opsEnumerate:
		i := p.reads[r.IntN(len(p.reads))]
		if p.ops[i].cost > 1 {
			i = p.identity[r.IntN(len(p.identity))]
		}
		return p.opIx[i], p.ops[i].cost * math.Exp(0.3*normal(r))
	}
	return g.pickOp(k, t, r)
}

// hostingAddr is one address on a random hoster or cloud.
func (g *gen) hostingAddr(r *rand.Rand) netip.Addr {
	w := g.w
	if r.IntN(2) == 0 {
		h := w.hosters[r.IntN(len(w.hosters))]
		if r.Float64() < h.v6Share {
			return w.pick6(h.v6, r)
		}
		return w.pick(h.v4, r)
	}
	c := w.clouds[r.IntN(len(w.clouds))]
	return w.pick(c.v4, r)
}

// run emits calls from start for dur seconds at perHour calls per hour
// (exponential gaps); the first call is at start. next returns each call;
// accept, when set, thins calls by time.
func (g *gen) run(k int32, inst int32, start, dur int64, perHour float64, r *rand.Rand,
	next func(t int64) (netip.Addr, int32, int32, float64), accept func(t int64) bool) {
	n := 0
	for t := start; t < start+dur && t < g.end && n < maxAttackCalls; t += 1 + expDur(3600/perHour, r) {
		if n > 0 && accept != nil && !accept(t) {
			continue
		}
		a, ag, op, u := next(t)
		if g.call(k, t, a, ag, op, u, inst) {
			n++
		}
	}
}

// budget shortens dur so that perHour*dur stays within the call bound.
func budget(perHour float64, dur int64) int64 {
	if m := int64(float64(maxAttackCalls) / perHour * 3600); dur > m {
		return m
	}
	return dur
}

func (g *gen) planReplay(r *rand.Rand) *attack {
	ar := &attackRanges
	k, start := g.victim(r, attackBases, 0, nil)
	if k == nil {
		return nil
	}
	shape := []string{"burst-many-networks", "proxy-rotation", "vps-pool", "ipv6-rotation"}[r.IntN(4)]
	hours := ar.replayHours.log(r)
	rate := ar.replayCallsHour.log(r)
	if shape == "burst-many-networks" {
		hours, rate = min(hours, 4), rate*4
	}
	dur := budget(rate, int64(hours*3600))
	var pool []netip.Addr
	var v6 []netip.Prefix
	switch shape {
	case "burst-many-networks", "vps-pool":
		for range ar.replayNetworks.int(r) {
			if shape == "burst-many-networks" && r.IntN(2) == 0 {
				pool = append(pool, g.w.consumerAddr(r))
			} else {
				pool = append(pool, g.hostingAddr(r))
			}
		}
	case "ipv6-rotation":
		for range 2 + r.IntN(5) {
			h := g.w.hosters[r.IntN(len(g.w.hosters))]
			v6 = append(v6, g.w.reserve48(h.v6, r))
		}
	}
	agentMode := []string{"copied", "generic", "per-network"}[r.IntN(3)]
	agent := g.attackAgent(r)
	perNet := map[netip.Addr]int32{}
	ops := opMode(r.IntN(3))
	leak := int64(0)
	note := []string{shape, "agent=" + agentMode, opModeNames[ops]}
	if r.Float64() < 0.4 {
		leak = start + int64((2+70*r.Float64())*3600)
		note = append(note, "leak-notice-after")
	}
	return &attack{
		in: evalset.Instance{Victims: []int32{k.idx}, Note: strings.Join(note, "; ")},
		emit: func(g *gen, inst int32, r *rand.Rand) {
			if leak > 0 {
				g.notice(k.idx, leak, flagLeak)
			}
			g.run(k.idx, inst, start, dur, rate, r, func(t int64) (netip.Addr, int32, int32, float64) {
				var a netip.Addr
				switch {
				case len(pool) > 0:
					a = pool[r.IntN(len(pool))]
				case len(v6) > 0:
					a = host(sub(v6[r.IntN(len(v6))], 64, r), r)
				default:
					a = g.w.consumerAddr(r)
				}
				ag := agent
				switch agentMode {
				case "copied":
					ag = k.agentMain.get(t)
				case "per-network":
					if x, ok := perNet[a]; ok {
						ag = x
					} else {
						ag = g.attackAgent(r)
						perNet[a] = ag
					}
				}
				op, u := g.attackOp(k, ops, t, r)
				return a, ag, op, u
			}, nil)
		},
	}
}

func (g *gen) planAfterLeak(r *rand.Rand) *attack {
	ar := &attackRanges
	k, start := g.victim(r, attackBases, 0, nil)
	if k == nil {
		return nil
	}
	shape := []string{"leak-then-abuse", "abuse-then-leak"}[r.IntN(2)]
	var leak int64
	if shape == "leak-then-abuse" {
		leak = max(g.start+3600, start-int64(ar.afterLeakHours.log(r)*3600))
	} else {
		leak = start + int64(ar.leakLateHours.log(r)*3600)
	}
	netStyle := []string{"vps", "residential", "cloud"}[r.IntN(3)]
	var addrs []netip.Addr
	for range 1 + r.IntN(3) {
		switch netStyle {
		case "vps":
			h := g.w.hosters[r.IntN(len(g.w.hosters))]
			addrs = append(addrs, g.w.pick(h.v4, r))
		case "residential":
			addrs = append(addrs, g.w.consumerAddr(r))
		default:
			c := k.org.cloud // the owner's own provider, another block
			addrs = append(addrs, g.w.pick(c.v4, r))
		}
	}
	rate := ar.afterLeakCallsH.log(r)
	dur := budget(rate, int64(ar.afterLeakDurH.log(r)*3600))
	copyAgent := r.IntN(2) == 0
	agent := g.attackAgent(r)
	ops := opMode(r.IntN(3))
	agentNote := "agent=generic"
	if copyAgent {
		agentNote = "agent=copied"
	}
	return &attack{
		in: evalset.Instance{Victims: []int32{k.idx}, Note: strings.Join([]string{shape, netStyle, agentNote, opModeNames[ops]}, "; ")},
		emit: func(g *gen, inst int32, r *rand.Rand) {
			g.notice(k.idx, leak, flagLeak)
			g.run(k.idx, inst, start, dur, rate, r, func(t int64) (netip.Addr, int32, int32, float64) {
				ag := agent
				if copyAgent {
					ag = k.agentMain.get(t)
				}
				op, u := g.attackOp(k, ops, t, r)
				return addrs[r.IntN(len(addrs))], ag, op, u
			}, nil)
		},
	}
}

func (g *gen) planKeyTesting(r *rand.Rand) *attack {
	ar := &attackRanges
	shape := []string{"dump-fast", "dump-slow", "harvest-many-owners", "mixed"}[r.IntN(4)]
	n := ar.testKeys.int(r)
	var share float64
	switch shape {
	case "harvest-many-owners":
		share = ar.testEstablished.uni(r)
	case "mixed":
		share = 0.2 + 0.3*r.Float64()
	default:
		share = 0.15 * r.Float64()
	}
	start := g.start + days(1) + r.Int64N(max(1, g.end-g.start-days(2.5)))
	// Established keys of many different owners, within a budget of an
	// eighth of the population over all instances.
	est := int(math.Round(share * float64(n)))
	est = min(est, g.o.Keys/8-g.tried)
	var tried []int32
	orgs := map[*org]bool{}
	for _, i := range r.Perm(len(g.keys)) {
		if len(tried) >= est {
			break
		}
		k := g.keys[i]
		if k.victim || k.unused || k.changed() || k.org == nil || k.org.audited || orgs[k.org] ||
			len(k.periods) == 0 || k.periods[0].from > start-days(2) {
			continue
		}
		orgs[k.org] = true
		k.victim = true
		tried = append(tried, k.idx)
	}
	g.tried += len(tried)
	for len(tried) < n {
		k := &key{idx: int32(len(g.keys)), label: lbUnused, unused: true}
		g.keys = append(g.keys, k)
		tried = append(tried, k.idx)
	}
	r.Shuffle(len(tried), func(i, j int) { tried[i], tried[j] = tried[j], tried[i] })

	var src netip.Prefix
	var addrs []netip.Addr
	rotate64 := false
	switch u := r.Float64(); {
	case u < 0.7:
		var blocks []netip.Prefix
		if r.IntN(2) == 0 {
			blocks = g.w.hosters[r.IntN(len(g.w.hosters))].v4
		} else {
			c := g.w.clouds[r.IntN(len(g.w.clouds))]
			blocks = c.v4
		}
		src = g.w.reserve24(blocks, r)
		for range 1 + r.IntN(4) {
			addrs = append(addrs, host(src, r))
		}
	default:
		h := g.w.hosters[r.IntN(len(g.w.hosters))]
		p48 := g.w.reserve48(h.v6, r)
		if r.IntN(2) == 0 {
			src = sub(p48, 64, r)
			addrs = append(addrs, host(src, r), host(src, r))
		} else {
			src, rotate64 = p48, true
		}
	}
	gap := ar.testGapFastSec.log(r)
	if shape == "dump-slow" || r.IntN(4) == 0 {
		gap = ar.testGapSlowSec.log(r)
	}
	agent := g.attackAgent(r)
	op := g.p.opIx[g.p.identity[r.IntN(len(g.p.identity))]]
	note := fmt.Sprintf("%s; %d keys, %d established; gap %.0fs", shape, len(tried), g.triedIn(tried), gap)
	return &attack{
		in: evalset.Instance{Victims: tried, Source: src, Note: note},
		emit: func(g *gen, inst int32, r *rand.Rand) {
			t := start
			for _, v := range tried {
				var a netip.Addr
				if rotate64 {
					a = host(sub(src, 64, r), r)
				} else {
					a = addrs[r.IntN(len(addrs))]
				}
				for range 1 + r.IntN(3) {
					g.call(v, t, a, agent, op, 0.001, inst)
					t += 1 + r.Int64N(3)
				}
				t += expDur(gap, r)
			}
		},
	}
}

// triedIn counts established (owned) keys among tried.
func (g *gen) triedIn(tried []int32) int {
	n := 0
	for _, v := range tried {
		if !g.keys[v].unused {
			n++
		}
	}
	return n
}

// history returns the key's largest units in one clock hour before t,
// from the calls emitted so far.
func (g *gen) history(k int32, t int64) (peak float64) {
	hours := map[int64]float64{}
	for i := range g.recs {
		rc := &g.recs[i]
		if rc.key != k || rc.t >= t || rc.flags != 0 || rc.inst >= 0 {
			continue
		}
		hours[rc.t/3600] += rc.units
	}
	for _, u := range hours {
		peak = max(peak, u)
	}
	return peak
}

func (g *gen) planBilling(r *rand.Rand) *attack {
	ar := &attackRanges
	k, start := g.victim(r, []arch{archService, archCron, archPerson, archServerless, archCI, archRelay}, 2, nil)
	if k == nil {
		return nil
	}
	shape := []string{"usual-net-volume", "usual-net-few-expensive", "usual-net-new-op", "new-net-burst"}[r.IntN(4)]
	factor := ar.billingFactor.log(r)
	dur := int64(ar.billingHours.log(r) * 3600)
	if shape == "new-net-burst" {
		dur = int64((1 + 2*r.Float64()) * 3600)
	}
	perWindow := ar.billingPerWindow.int(r)
	p := &g.p
	op := int32(-1)
	if shape == "usual-net-few-expensive" || shape == "usual-net-new-op" {
		i := p.expensive[r.IntN(len(p.expensive))]
		if shape == "usual-net-new-op" {
			for _, j := range r.Perm(len(p.expensive)) {
				if !slices.Contains(k.ops, p.opIx[p.expensive[j]]) {
					i = p.expensive[j]
					break
				}
			}
		}
		op = p.opIx[i]
	}
	var vps netip.Addr
	agent := k.agentMain.get(start)
	if shape == "new-net-burst" {
		vps = g.hostingAddr(r)
		if r.IntN(2) == 0 {
			agent = g.attackAgent(r)
		}
	}
	return &attack{
		in: evalset.Instance{Victims: []int32{k.idx}},
		emit: func(g *gen, inst int32, r *rand.Rand) {
			// The spike is sized against the history the key really has:
			// its busiest hour so far (with a fleet floor for thin ones).
			peak := g.history(k.idx, start)
			target := factor * max(peak, 20*g.p.medianCost) // units per hour
			var perHour, unitsPer, scale float64
			if op >= 0 {
				perHour = float64(perWindow) * 12
				unitsPer = target / perHour
			} else {
				mean := max(k.meanUnits(), g.p.medianCost*0.1)
				perHour = min(2000, max(6, target/mean))
				scale = max(1, target/(perHour*mean))
			}
			d := budget(perHour, dur)
			g.insts[inst].Note = fmt.Sprintf("%s; x%.0f busiest hour before; %.0f calls/h for %.1fh", shape, factor, perHour, float64(d)/3600)
			ctxHour := int64(-1)
			var a netip.Addr
			var ag int32
			g.run(k.idx, inst, start, d, perHour, r, func(t int64) (netip.Addr, int32, int32, float64) {
				if vps.IsValid() {
					a, ag = vps, agent
				} else if t/3600 != ctxHour {
					ctxHour = t / 3600
					a, ag = g.context(k, t, r)
				}
				if op >= 0 {
					return a, ag, op, unitsPer * math.Exp(0.3*normal(r))
				}
				o, u := g.pickOp(k, t, r)
				return a, ag, o, u * scale
			}, nil)
		},
	}
}

func (g *gen) planPrivEsc(r *rand.Rand) *attack {
	ar := &attackRanges
	k, start := g.victim(r, append([]arch{archOccasional}, attackBases...), 0.5, func(k *key) bool { return k.readOnly })
	if k == nil {
		return nil
	}
	shape := []string{"usual-net-admin", "usual-net-writes", "new-net-admin", "interleaved-writes"}[r.IntN(4)]
	dur := int64(ar.privescHours.log(r) * 3600)
	rate := ar.privescCallsHour.log(r)
	if shape == "interleaved-writes" {
		rate = 1 + 3*r.Float64()
		dur = max(dur, 3*3600)
	}
	var vps netip.Addr
	agent := int32(-1)
	if shape == "new-net-admin" {
		vps = g.hostingAddr(r)
		agent = g.attackAgent(r)
	}
	nAdmin := 0
	if strings.HasSuffix(shape, "admin") {
		nAdmin = 2 + r.IntN(7)
	}
	p := &g.p
	note := fmt.Sprintf("%s; %d admin calls; %.1f writes/h for %.1fh", shape, nAdmin, rate, float64(dur)/3600)
	return &attack{
		in: evalset.Instance{Victims: []int32{k.idx}, Note: note},
		emit: func(g *gen, inst int32, r *rand.Rand) {
			where := func(t int64) (netip.Addr, int32) {
				if vps.IsValid() {
					return vps, agent
				}
				return g.context(k, t, r)
			}
			t := start
			for range nAdmin {
				a, ag := where(t)
				i := p.admins[r.IntN(len(p.admins))]
				g.call(k.idx, t, a, ag, p.opIx[i], p.ops[i].cost, inst)
				t += 20 + r.Int64N(300)
			}
			g.run(k.idx, inst, t, dur, rate, r, func(t int64) (netip.Addr, int32, int32, float64) {
				a, ag := where(t)
				i := p.writes[r.IntN(len(p.writes))]
				if p.ops[i].cost > 20 {
					i = p.writes[0]
				}
				return a, ag, p.opIx[i], p.ops[i].cost * math.Exp(0.3*normal(r))
			}, nil)
		},
	}
}

// knownV4 returns a /16 the key's fixed or home addresses use, if any.
func (k *key) knownV4(r *rand.Rand) (netip.Prefix, []netip.Prefix, bool) {
	switch {
	case len(k.main.addrs) > 0 && k.main.addrs[0].Is4():
		p, _ := k.main.addrs[0].Prefix(16)
		return p, k.main.v4Blocks(), true
	case k.main.kind == plDynamic:
		return k.main.blocks[r.IntN(len(k.main.blocks))], nil, true
	}
	return netip.Prefix{}, nil, false
}

func (g *gen) planDrip(r *rand.Rand) *attack {
	ar := &attackRanges
	want := []string{"new-24-in-known-16", "same-provider-other-block", "residential", "vps"}[r.IntN(4)]
	k, start := g.victim(r, []arch{archService, archCron, archPerson, archOccasional}, 0, func(k *key) bool {
		if want == "new-24-in-known-16" {
			_, _, ok := k.knownV4(r)
			return ok
		}
		return true
	})
	if k == nil {
		return nil
	}
	var a netip.Addr
	switch want {
	case "new-24-in-known-16":
		p16, own, _ := k.knownV4(r)
		for {
			a = host(p16, r)
			if !slices.Contains(own, block(a)) && !g.w.reserved[block(a)] {
				break
			}
		}
	case "same-provider-other-block":
		if k.base == archPerson || k.base == archOccasional {
			a = g.w.pick(g.w.ispIn(k.tz, nil, r).v4, r)
		} else {
			a = g.w.pick(k.org.cloud.v4, r)
		}
	case "residential":
		a = g.w.consumerAddr(r)
	default:
		a = g.hostingAddr(r)
	}
	mean := ar.dripCallsHour.log(r)
	rate := mean
	dur := days(ar.dripDays.uni(r))
	follow := r.IntN(2) == 0
	var wk [168]float64
	k.weekly(&wk)
	top := slices.Max(wk[:])
	if follow {
		rate *= top // thinning below brings the mean back to rate
	}
	cycle := "flat"
	if follow {
		cycle = "owner-hours"
	}
	note := fmt.Sprintf("%s; %.1f calls/h, %s; copies agent and ops", want, mean, cycle)
	return &attack{
		in: evalset.Instance{Victims: []int32{k.idx}, Note: note},
		emit: func(g *gen, inst int32, r *rand.Rand) {
			var accept func(int64) bool
			if follow {
				accept = func(t int64) bool {
					lt := t + int64(k.tz)*3600
					wi := ((lt/86400+4)%7)*24 + (lt%86400)/3600
					return r.Float64()*top < wk[wi]
				}
			}
			g.run(k.idx, inst, start, dur, rate, r, func(t int64) (netip.Addr, int32, int32, float64) {
				op, u := g.pickOp(k, t, r)
				return a, k.agentMain.get(t), op, u
			}, accept)
		},
	}
}

func (g *gen) planDormant(r *rand.Rand) *attack {
	if !g.canDormant() {
		return nil
	}
	ar := &attackRanges
	var k *key
	for _, i := range r.Perm(len(g.keys)) {
		c := g.keys[i]
		if c.label == lbDormantIdle && !c.victim && len(c.periods) == 1 {
			k = c
			break
		}
	}
	if k == nil {
		return nil
	}
	lo := k.periods[0].to + days(dormantMinDays)
	hi := g.end - 3*3600
	if hi <= lo {
		return nil
	}
	k.victim = true
	start := lo + r.Int64N(hi-lo)
	shape := []string{"new-net-new-client", "new-net-copied-client", "same-provider-new-block", "residential-copied-client"}[r.IntN(4)]
	var a netip.Addr
	agent := k.agentMain.get(start)
	switch shape {
	case "new-net-new-client":
		a = g.hostingAddr(r)
		agent = g.attackAgent(r)
	case "new-net-copied-client":
		a = g.hostingAddr(r)
	case "same-provider-new-block":
		if p16, _, ok := k.knownV4(r); ok {
			a = host(p16, r)
		} else {
			a = g.w.pick(k.org.cloud.v4, r)
		}
	default:
		a = g.w.consumerAddr(r)
	}
	rate := ar.dormantCallsHour.log(r)
	dur := budget(rate, int64(ar.dormantHours.log(r)*3600))
	ops := opMode(r.IntN(3))
	note := fmt.Sprintf("%s; %s; %.0f calls/h; idle %.0f days", shape, opModeNames[ops], rate, float64(start-k.periods[0].to)/86400)
	return &attack{
		in: evalset.Instance{Victims: []int32{k.idx}, Note: note},
		emit: func(g *gen, inst int32, r *rand.Rand) {
			g.run(k.idx, inst, start, dur, rate, r, func(t int64) (netip.Addr, int32, int32, float64) {
				op, u := g.attackOp(k, ops, t, r)
				return a, agent, op, u
			}, nil)
		},
	}
}
