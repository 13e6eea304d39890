package trafficb

import (
	"math"
	"math/rand/v2"
	"net/netip"
)

// dormantMinDays is how long a dormant key stays silent at least.
const dormantMinDays = 30

// days converts days to seconds.
func days(d float64) int64 { return int64(d * 86400) }

// canDormant reports whether the span is long enough for dormant keys.
func (g *gen) canDormant() bool { return g.o.Days >= dormantMinDays+2 }

// candidates returns the keys with no change yet whose base is in bases.
func (g *gen) candidates(bases ...arch) []*key {
	var out []*key
	for _, k := range g.keys {
		if k.label != "" || k.unused {
			continue
		}
		for _, b := range bases {
			if k.base == b {
				if b == archOccasional && k.main.kind == plFixed && len(k.main.addrs) == 1 && k.office == nil && !k.hasPhone {
					break // a script on a server has no home to move or leave
				}
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// take picks n keys from c at random.
func take(c []*key, n int, r *rand.Rand) []*key {
	n = min(n, len(c))
	perm := r.Perm(len(c))
	out := make([]*key, n)
	for i := range n {
		out[i] = c[perm[i]]
	}
	return out
}

// count turns a share of the population into a number of keys.
func (g *gen) count(s span, r *rand.Rand) int {
	return int(math.Round(s.uni(r) * float64(g.o.Keys)))
}

// assignChanges gives some keys one benign change each.
func (g *gen) assignChanges() {
	r, w := g.r, g.w
	cs := &changeShares
	kr := &keyRanges
	span := float64(g.o.Days)
	all := []arch{archService, archCron, archPerson, archOccasional, archMobile, archBrowser, archServerless, archCI, archRelay}

	if g.canDormant() {
		// Idle dormant keys: enough that attacks do not take them all.
		n := max(g.count(cs.dormantIdle, r), g.o.PerKind*3/2+2)
		for _, k := range take(g.candidates(archService, archPerson, archOccasional, archCron), n, r) {
			k.label = lbDormantIdle
			g.dormant(k, false, r)
		}
		for _, k := range take(g.candidates(archService, archPerson, archOccasional, archCron), g.count(cs.dormantReturn, r), r) {
			k.label = lbDormantReturn
			g.dormant(k, true, r)
		}
	}
	for _, k := range take(g.candidates(archPerson), g.count(cs.travel, r), r) {
		k.label = lbTravel
		k.travelFrom = g.start + days(2+r.Float64()*max(0, span-6))
		k.travelTo = k.travelFrom + days(kr.travelDays.uni(r))
		shift := int(kr.travelTZShift.uni(r))
		if r.IntN(2) == 0 {
			shift = -shift
		}
		k.travelTZ = (k.tz+shift+36)%24 - 12
		isp := w.ispIn(k.travelTZ, nil, r)
		k.hotel = &place{kind: plDynamic, blocks: isp.v4, period: int64(2+r.IntN(3)) * 86400, salt: r.Uint64()}
		if r.Float64() < 0.6 {
			c := carrierPlace(w.carrierIn(k.travelTZ, nil, r))
			k.roam = &c
		} else {
			k.roam = &k.phone // roaming traffic leaves through the home carrier
		}
	}
	for _, k := range take(g.candidates(archPerson, archOccasional), g.count(cs.homeMove, r), r) {
		k.label = lbHomeMove
		k.moveAt = g.start + days(3+r.Float64()*max(0, span-5))
		var pl place
		switch r.IntN(3) {
		case 0: // a new provider
			pl = g.home(w.ispIn(k.tz, nil, r), r)
		case 1: // same provider, a new address in another block
			isp := w.ispIn(k.tz, nil, r)
			pl = place{kind: plFixed, addrs: []netip.Addr{w.pick(isp.v4, r)}}
			if len(k.main.addrs) > 0 {
				if p, _ := k.main.addrs[0].Prefix(16); k.main.addrs[0].Is4() {
					pl.addrs[0] = w.pick([]netip.Prefix{p}, r)
				}
			}
		default: // the provider turns IPv6 on
			isp := w.ispIn(k.tz, nil, r)
			pl = place{kind: plFixed, p64: sub(isp.v6, 64, r), salt: r.Uint64()}
		}
		k.moved = &pl
	}
	for _, k := range take(g.candidates(archService, archCron, archServerless), g.count(cs.newRegion, r), r) {
		k.label = lbNewRegion
		k.secondAt = g.start + days(3+r.Float64()*max(0, span-6))
		k.secondRamp = float64(days(kr.regionRampDays.uni(r)))
		k.secondShare = kr.regionShare.uni(r)
		c := k.org.cloud
		ri := k.org.region
		if r.IntN(2) == 0 || len(c.regions) < 2 {
			c = w.clouds[r.IntN(len(w.clouds))]
		}
		nr := r.IntN(len(c.regions))
		if c == k.org.cloud && nr == ri && len(c.regions) > 1 {
			nr = (nr + 1) % len(c.regions)
		}
		rg := c.regions[nr]
		var pl place
		if k.base == archServerless {
			pl = place{kind: plPool, blocks: rg.v4, v6: rg.v6, v6Share: c.v6Share}
		} else {
			pl = g.egressIn(rg, c.v6Share, r)
		}
		k.second = &pl
	}
	for _, k := range take(g.candidates(all...), g.count(cs.leakedUnused, r), r) {
		k.label = lbLeakedUnused
		k.leakAt = g.start + days(2+r.Float64()*max(0, span-3))
	}
	for _, k := range take(g.candidates(all...), g.count(cs.rotated, r), r) {
		k.label = lbRotated
		k.leakAt = g.start + days(2+r.Float64()*max(0, span-4))
		k.unmarkAt = k.leakAt + int64(kr.rotateDelayHour.log(r)*3600)
	}
	for _, k := range take(g.candidates(all...), g.count(cs.rotatedQuiet, r), r) {
		k.label = lbRotatedQuiet
		k.leakAt = g.start + days(2+r.Float64()*max(0, span-4))
		delay := int64(kr.rotateDelayHour.log(r) * 3600)
		k.unmarkAt = k.leakAt + delay
		stop := k.leakAt + int64(r.Float64()*float64(delay))
		k.periods = []period{{g.start, stop}}
		// The owner moves to a new key with the same setup.
		s := *k
		s.idx = int32(len(g.keys))
		s.label = lbRotatedSuccessor
		s.leakAt, s.unmarkAt = 0, 0
		s.periods = []period{{stop + r.Int64N(7200), g.end}}
		g.keys = append(g.keys, &s)
		k.org.keys = append(k.org.keys, s.idx)
	}
	for _, k := range take(g.candidates(all...), g.count(cs.newKey, r), r) {
		k.label = lbNewKey
		k.periods = []period{{g.start + days(1+r.Float64()*max(0, span-4)), g.end}}
	}
}

// dormant gives k a few days of use at the start, then silence; with
// back, the owner returns after at least dormantMinDays.
func (g *gen) dormant(k *key, back bool, r *rand.Rand) {
	s := g.start + r.Int64N(86400)
	a := days(keyRanges.dormantActive.uni(r))
	k.activeDays = 1
	k.perDay = max(k.perDay, 3)
	k.periods = []period{{s, s + a}}
	if back {
		lo := s + a + days(dormantMinDays)
		hi := g.end - 3600
		if hi > lo {
			k.periods = append(k.periods, period{lo + r.Int64N(hi-lo), g.end})
		}
	}
}

// assignFleet applies fleet-wide changes (a launch tried by many keys) and
// sets the remaining labels.
func (g *gen) assignFleet() {
	r := g.r
	p := &g.p
	for _, k := range g.keys {
		switch k.base {
		case archMobile, archBrowser:
			continue
		}
		if k.unused || k.label == lbDormantIdle || r.Float64() >= p.launchTriers {
			continue
		}
		t := p.launchAt + expDur(p.launchLag, r)
		if !k.inUse(t) {
			continue
		}
		k.launchTry = t
		k.launchCalls = fleetRanges.launchCalls.int(r)
		if r.Float64() < p.launchAdopt {
			k.launchShare = 0.02 + 0.1*r.Float64()
		}
		if k.label == "" {
			k.label = lbFleetLaunch
		}
	}
	for _, k := range g.keys {
		if k.label != "" {
			continue
		}
		if k.upgraded {
			k.label = lbSDKUpgrade
		} else {
			k.label = archNames[k.base]
		}
	}
}

// changed reports whether the key carries a change label (not a base
// name nor a fleet-wide change), which keeps it out of attack victims.
func (k *key) changed() bool {
	switch k.label {
	case lbFleetLaunch, lbSDKUpgrade:
		return false
	}
	return k.label != archNames[k.base]
}

// emitNotices emits leak notices and unmarks of benign changes.
func (g *gen) emitNotices() {
	for _, k := range g.keys {
		if k.leakAt > 0 {
			g.notice(k.idx, k.leakAt, flagLeak)
		}
		if k.unmarkAt > 0 {
			g.notice(k.idx, k.unmarkAt, flagUnmark)
		}
	}
}

// emitAudits emits audited organisations validating all their keys from
// their office.
func (g *gen) emitAudits() {
	r := g.rng(2, 0)
	p := &g.p
	for _, o := range g.orgs {
		if !o.audited || len(o.office) == 0 {
			continue
		}
		var agent int32
		if r.IntN(2) == 0 {
			agent = p.generic[r.IntN(len(p.generic))]
		} else {
			sl, _ := g.sdkSlot(o.sdk, 0, r)
			agent = sl.a0
		}
		op := p.opIx[p.identity[r.IntN(len(p.identity))]]
		a := o.office[r.IntN(len(o.office))]
		for range 1 + r.IntN(2) {
			// A weekday morning in the org's timezone.
			d := 1 + r.Int64N(int64(max(1, g.o.Days-2)))
			t := g.start + d*86400 - int64(o.tz)*3600 + 9*3600 + r.Int64N(6*3600)
			for _, i := range r.Perm(len(o.keys)) {
				for range 1 + r.IntN(2) {
					g.call(o.keys[i], t, a, agent, op, 0.001, -1)
					t += 1 + r.Int64N(5)
				}
			}
		}
	}
}
