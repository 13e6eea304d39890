package trafficb

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
)

// arch is a key's everyday use.
type arch uint8

const (
	archService    arch = iota // backend service in a cloud region
	archCron                   // scheduled jobs
	archPerson                 // a developer: home, office, phone
	archOccasional             // a script run by hand now and then
	archMobile                 // embedded in a mobile app: thousands of networks by design
	archBrowser                // embedded in a web page: thousands of networks by design
	archServerless             // functions: a fresh cloud address per invocation
	archCI                     // CI runs: a fresh runner address per run
	archRelay                  // carried by a relay or aggregator
	numArch
)

var archNames = [numArch]string{
	"service", "cron", "person", "occasional", "mobile-app", "browser-app", "serverless", "ci", "relay",
}

// Behaviour labels for changes. A key has its base archetype's name unless
// one of these applies; see label.
const (
	lbTravel           = "travel"
	lbHomeMove         = "home-move"
	lbNewRegion        = "new-region"
	lbLeakedUnused     = "leaked-unused"
	lbRotated          = "rotated"
	lbRotatedQuiet     = "rotated-quiet"
	lbRotatedSuccessor = "rotated-successor"
	lbDormantReturn    = "dormant-return"
	lbDormantIdle      = "dormant-idle"
	lbNewKey           = "new-key"
	lbOrgAudit         = "org-audit"
	lbFleetLaunch      = "fleet-launch"
	lbSDKUpgrade       = "sdk-upgrade"
	lbUnused           = "unused" // a key with no owner traffic, only tried by a key tester
)

// shapeKind is the form of a daily cycle.
type shapeKind uint8

const (
	shFlat shapeKind = iota
	shBusiness
	shEvening
	shTwoPeak
	shNight
)

// params are the seed's draws from the tables in params.go.
type params struct {
	archCum    [numArch]float64
	rate       [numArch]float64
	meanCalls  float64
	readOnly   float64
	admin      float64
	prefix     string
	vendor     string
	ops        []opDef
	opIx       []int32
	reads      []int
	writes     []int
	admins     []int
	identity   []int // cheap reads a key tester or an audit calls
	expensive  []int // costly reads
	medianCost float64

	launchOp     int32
	launchCost   float64
	launchAt     int64
	launchTriers float64
	launchLag    float64 // seconds
	launchAdopt  float64

	sdks     []*sdk
	sdkAdopt float64
	sdkLag   float64 // seconds
	generic  []int32 // generic client agents
	browsers versions
	ciCloud  *provider
	relays   []*relayOp
}

// versions is a population of client versions released over time (mobile
// app builds, browser releases).
type versions struct {
	agents  []int32
	release []int64 // non-decreasing
}

// pick returns a version in use at t: mostly the newest released.
func (v *versions) pick(t int64, r *rand.Rand) int32 {
	n := 0
	for n < len(v.release) && v.release[n] <= t {
		n++
	}
	i := max(n, 1) - 1
	for i > 0 && r.Float64() < 0.4 {
		i--
	}
	return v.agents[i]
}

// relayOp is a relay or aggregator operator.
type relayOp struct {
	egress      place
	agent       int32
	passThrough bool // forwards its customers' user agents
}

// org is an organisation owning keys.
type org struct {
	tz      int
	office  []netip.Addr
	sdk     *sdk
	cloud   *provider
	region  int
	hoster  bool // runs its services on a hoster
	egress  *place
	keys    []int32
	audited bool
}

// period is an interval [from, to) in which a key is used.
type period struct{ from, to int64 }

// agentSlot is a user agent that is upgraded once, at at.
type agentSlot struct {
	a0, a1 int32
	at     int64
}

func (s agentSlot) get(t int64) int32 {
	if t >= s.at {
		return s.a1
	}
	return s.a0
}

// placeKind is how a place hands out addresses.
type placeKind uint8

const (
	plFixed   placeKind = iota // one of addrs (or, with p64, a daily privacy address in p64)
	plPool                     // a fresh address per session
	plDynamic                  // one address per period, reassigned within blocks
)

// place is where a key's calls come from.
type place struct {
	kind    placeKind
	addrs   []netip.Addr
	p64     netip.Prefix
	blocks  []netip.Prefix
	v6      netip.Prefix
	v6Share float64
	period  int64
	salt    uint64

	lastEp   int64
	lastAddr netip.Addr
}

func (pl *place) addr(w *world, t int64, r *rand.Rand) netip.Addr {
	switch pl.kind {
	case plPool:
		if pl.v6.IsValid() && r.Float64() < pl.v6Share {
			return w.pick6(pl.v6, r)
		}
		return w.pick(pl.blocks, r)
	case plDynamic:
		ep := t / pl.period
		if ep != pl.lastEp || !pl.lastAddr.IsValid() {
			pl.lastEp = ep
			pl.lastAddr = w.pick(pl.blocks, rand.New(rand.NewPCG(pl.salt, uint64(ep))))
		}
		return pl.lastAddr
	}
	if pl.p64.IsValid() {
		b := pl.p64.Addr().As16()
		v := mix(pl.salt, uint64(t/86400))
		for i := range 8 {
			b[8+i] = byte(v >> (8 * i))
		}
		return netip.AddrFrom16(b)
	}
	return pl.addrs[r.IntN(len(pl.addrs))]
}

// v4Blocks returns the /24s of the place's fixed IPv4 addresses (a drip's
// new /24 avoids them).
func (pl *place) v4Blocks() []netip.Prefix {
	var out []netip.Prefix
	for _, a := range pl.addrs {
		if a.Is4() {
			out = append(out, block(a))
		}
	}
	return out
}

// key is one key's profile.
type key struct {
	idx     int32
	base    arch
	label   string // set for changes; base name otherwise
	org     *org
	tz      int
	shape   shapeKind
	peak    float64
	weekend float64
	perDay  float64
	periods []period

	readOnly, admin bool
	ops             []int32   // op ids (interned)
	opCum           []float64 // cumulative weights
	opCost          []float64 // median units per op for this key
	unitSigma       float64
	sessMean        float64
	gapMean         float64
	daySigma        float64
	activeDays      float64 // occasional: share of days with use

	main, phone place
	office      *place
	hasPhone    bool
	agentMain   agentSlot
	agentPhone  int32
	app         *versions
	cronEvery   int64
	cronMinute  int64

	// Changes.
	travelFrom, travelTo int64
	travelTZ             int
	hotel, roam          *place
	moveAt               int64
	moved                *place
	secondAt             int64
	second               *place
	secondRamp           float64
	secondShare          float64
	leakAt, unmarkAt     int64
	upgraded             bool

	launchTry   int64
	launchCalls int
	launchShare float64

	victim bool // chosen as an attack victim
	unused bool // no owner traffic
}

func (g *gen) drawParams() {
	r := g.r
	p := &g.p
	var sum float64
	var w [numArch]float64
	for a := range numArch {
		w[a] = archetypeWeights[a].uni(r)
		sum += w[a]
		p.rate[a] = rateRanges[a].log(r)
	}
	acc := 0.0
	for a := range numArch {
		acc += w[a] / sum
		p.archCum[a] = acc
	}
	p.meanCalls = keyRanges.meanCallsPerKey.uni(r)
	p.readOnly = keyRanges.readOnlyShare.uni(r)
	p.admin = keyRanges.adminShare.uni(r)
	p.prefix = apiPrefixes[r.IntN(len(apiPrefixes))]
	p.vendor = vendors[r.IntN(len(vendors))]
	var costs []float64
	for i, o := range opTable {
		d := opDef{name: fmt.Sprintf(o.name, p.prefix), class: o.class, cost: o.cost.log(r)}
		p.ops = append(p.ops, d)
		p.opIx = append(p.opIx, g.intern(d.name))
		switch o.class {
		case opRead:
			p.reads = append(p.reads, i)
			costs = append(costs, d.cost)
			if d.cost < 0.06 {
				p.identity = append(p.identity, i)
			}
			if d.cost > 0.9 {
				p.expensive = append(p.expensive, i)
			}
		case opWrite:
			p.writes = append(p.writes, i)
		case opAdmin:
			p.admins = append(p.admins, i)
		}
	}
	slices.Sort(costs)
	p.medianCost = costs[len(costs)/2]
	if len(p.expensive) == 0 {
		p.expensive = append(p.expensive, p.reads[len(p.reads)-1])
	}
	fr := &fleetRanges
	p.launchOp = g.intern(fmt.Sprintf(launchOps[r.IntN(len(launchOps))], p.prefix))
	p.launchCost = fr.launchCost.log(r) * p.medianCost
	p.launchAt = g.start + int64(fr.launchDay.uni(r)*float64(g.end-g.start))
	p.launchTriers = fr.launchTriers.uni(r)
	p.launchLag = fr.launchLagHours.log(r) * 3600
	p.launchAdopt = fr.launchAdopt.uni(r)
	p.sdks = newSDKs(r, p.vendor, g.start, g.end)
	p.sdkAdopt = fr.sdkAdopt.uni(r)
	p.sdkLag = fr.sdkLagDays.log(r) * 86400
	for _, i := range r.Perm(len(otherAgentFormats))[:worldRanges.otherAgents.int(r)] {
		p.generic = append(p.generic, g.intern(otherAgent(otherAgentFormats[i], r)))
	}
	// Browsers: versions in circulation, the newest released mid-span.
	for i, n := 0, worldRanges.browserVersions.int(r); i < n; i++ {
		f := browserFormats[r.IntN(len(browserFormats))]
		p.browsers.agents = append(p.browsers.agents, g.intern(otherAgent(f, r)))
		rel := int64(0)
		if i == n-1 {
			rel = g.start + int64(r.Float64()*float64(g.end-g.start))
		}
		p.browsers.release = append(p.browsers.release, rel)
	}
	p.ciCloud = g.w.clouds[r.IntN(len(g.w.clouds))]
	for i := range worldRanges.relays.int(r) {
		h := g.w.hosters[r.IntN(len(g.w.hosters))]
		b := g.w.fixed24(h.v4, r)
		ro := &relayOp{egress: place{kind: plFixed}, passThrough: r.IntN(2) == 0}
		for range worldRanges.relayAddrs.int(r) {
			ro.egress.addrs = append(ro.egress.addrs, host(b, r))
		}
		if r.IntN(3) == 0 {
			ro.egress.addrs = append(ro.egress.addrs, host(sub(h.regions[0].v6, 64, r), r))
		}
		ro.agent = g.intern(fmt.Sprintf("%s/%d.%d", relayNames[(i+r.IntN(len(relayNames)))%len(relayNames)], 1+r.IntN(3), r.IntN(20)))
		p.relays = append(p.relays, ro)
	}
}

// normal draws from N(0, 1).
func normal(r *rand.Rand) float64 { return r.NormFloat64() }

// poisson draws a Poisson count with mean l.
func poisson(l float64, r *rand.Rand) int {
	if l <= 0 {
		return 0
	}
	if l > 30 {
		return max(0, int(math.Round(l+math.Sqrt(l)*normal(r))))
	}
	lim, p, n := math.Exp(-l), 1.0, 0
	for {
		p *= r.Float64()
		if p <= lim {
			return n
		}
		n++
	}
}

// geom draws a count of failures with mean m.
func geom(m float64, r *rand.Rand) int {
	if m <= 0 {
		return 0
	}
	q := m / (1 + m)
	return int(math.Log(1-r.Float64()) / math.Log(q))
}

// expDur draws an exponential duration with mean m seconds.
func expDur(m float64, r *rand.Rand) int64 { return int64(r.ExpFloat64() * m) }

func (g *gen) newOrg(audited bool) *org {
	r, w := g.r, g.w
	o := &org{
		tz:      w.tzs[r.IntN(len(w.tzs))],
		sdk:     g.p.sdks[r.IntN(len(g.p.sdks))],
		cloud:   w.clouds[r.IntN(len(w.clouds))],
		hoster:  r.Float64() < 0.15,
		audited: audited,
	}
	o.region = r.IntN(len(o.cloud.regions))
	if audited || r.Float64() < 0.6 {
		biz := w.business[r.IntN(len(w.business))]
		b := w.fixed24(biz.v4, r)
		for range 1 + r.IntN(4) {
			o.office = append(o.office, host(b, r))
		}
	}
	if r.Float64() < 0.4 {
		e := g.egress(o, r)
		o.egress = &e
	}
	g.orgs = append(g.orgs, o)
	return o
}

// egress is a service's NAT or node addresses in its org's region.
func (g *gen) egress(o *org, r *rand.Rand) place {
	var rg region
	v6 := 0.0
	if o.hoster {
		h := g.w.hosters[r.IntN(len(g.w.hosters))]
		rg = h.regions[r.IntN(len(h.regions))]
		v6 = h.v6Share
	} else {
		rg = o.cloud.regions[o.region]
		v6 = o.cloud.v6Share
	}
	return g.egressIn(rg, v6, r)
}

func (g *gen) egressIn(rg region, v6 float64, r *rand.Rand) place {
	pl := place{kind: plFixed}
	n := keyRanges.egressAddrs.int(r)
	if r.Float64() < v6 {
		p64 := sub(rg.v6, 64, r)
		for range n {
			pl.addrs = append(pl.addrs, host(p64, r))
		}
		return pl
	}
	b := g.w.fixed24(rg.v4, r)
	for range n {
		pl.addrs = append(pl.addrs, host(b, r))
	}
	return pl
}

// home is a person's home connection on isp.
func (g *gen) home(isp *provider, r *rand.Rand) place {
	switch {
	case r.Float64() < isp.v6Share:
		return place{kind: plFixed, p64: sub(isp.v6, 64, r), salt: r.Uint64()}
	case isp.dynamic:
		return place{kind: plDynamic, blocks: isp.v4, period: int64(3+r.IntN(12)) * 86400, salt: r.Uint64()}
	}
	return place{kind: plFixed, addrs: []netip.Addr{g.w.pick(isp.v4, r)}}
}

func carrierPlace(c *provider) place {
	return place{kind: plPool, blocks: c.v4, v6: c.v6, v6Share: c.v6Share}
}

// sdkSlot picks a key's library version and, maybe, its upgrade.
func (g *gen) sdkSlot(s *sdk, lag float64, r *rand.Rand) (agentSlot, bool) {
	v0 := max(0, s.nOld-1-geom(0.7, r))
	sl := agentSlot{a0: g.intern(s.agent(v0)), at: math.MaxInt64}
	sl.a1 = sl.a0
	if len(s.versions) > s.nOld && r.Float64() < g.p.sdkAdopt {
		last := len(s.versions) - 1
		at := s.releaseAt[last] + expDur(lag, r)
		if at < g.end {
			sl.a1 = g.intern(s.agent(last))
			sl.at = at
			return sl, true
		}
	}
	return sl, false
}

func (g *gen) buildPopulation() {
	r := g.r
	n := g.o.Keys
	cr := &changeShares
	for range cr.auditOrgs.int(r) {
		if len(g.keys)+5 > n || n < 40 {
			break
		}
		o := g.newOrg(true)
		size := min(cr.auditOrgKeys.int(r), max(5, n/15))
		unused := cr.auditUnused.uni(r)
		for range size {
			if len(g.keys) >= n {
				break
			}
			k := g.newKey(o)
			k.label = lbOrgAudit
			if r.Float64() < unused {
				k.unused = true
				k.periods = nil
			}
		}
	}
	for len(g.keys) < n {
		o := g.newOrg(false)
		size := 1
		if r.Float64() < 0.4 {
			size = 2 + int(r.ExpFloat64()*6)
		}
		for range size {
			if len(g.keys) >= n {
				break
			}
			g.newKey(o)
		}
	}
	// Scale rates so the mean calls per key per day lands on the seed's
	// target.
	total := 0.0
	for _, k := range g.keys {
		total += k.perDay
	}
	scale := g.p.meanCalls * float64(len(g.keys)) / max(total, 1)
	most := g.p.meanCalls * float64(len(g.keys)) * 0.02 // no key carries more than 2% of the traffic
	for _, k := range g.keys {
		k.perDay = min(k.perDay*scale, most)
	}
}

func (g *gen) newKey(o *org) *key {
	r, w, p := g.r, g.w, &g.p
	kr := &keyRanges
	k := &key{idx: int32(len(g.keys)), org: o, tz: o.tz}
	u := r.Float64()
	for a := range numArch {
		if u < p.archCum[a] || a == numArch-1 {
			k.base = a
			break
		}
	}
	k.perDay = p.rate[k.base] * math.Exp(kr.rateSigma.uni(r)*normal(r))
	k.daySigma = kr.daySigma.uni(r)
	k.peak = kr.peakRatio.log(r)
	k.weekend = kr.weekendFactor.uni(r)
	k.sessMean = kr.sessionCalls.uni(r)
	k.gapMean = kr.sessionGapSec.log(r)
	k.unitSigma = kr.unitSigma.uni(r)
	k.activeDays = 1
	k.periods = []period{{g.start, g.end}}
	k.agentMain.at = math.MaxInt64
	unitMul := kr.unitMul.log(r)

	switch k.base {
	case archMobile, archBrowser:
		k.readOnly = r.Float64() < 0.7
	case archCI:
		k.readOnly = false
	default:
		k.readOnly = r.Float64() < p.readOnly
	}
	k.admin = !k.readOnly && r.Float64() < p.admin

	switch k.base {
	case archService:
		k.shape = []shapeKind{shFlat, shBusiness, shTwoPeak, shFlat, shNight}[r.IntN(5)]
		k.main = g.serviceEgress(o, r)
		k.agentMain, k.upgraded = g.serviceAgent(o, r)
	case archCron:
		k.shape = shFlat
		k.main = g.serviceEgress(o, r)
		k.agentMain, k.upgraded = g.serviceAgent(o, r)
		k.cronEvery = []int64{1, 1, 2, 4, 6, 12, 24}[r.IntN(7)] * 3600
		k.cronMinute = int64(r.IntN(60)) * 60
	case archServerless:
		k.shape = []shapeKind{shFlat, shBusiness, shTwoPeak}[r.IntN(3)]
		rg := o.cloud.regions[o.region]
		k.main = place{kind: plPool, blocks: rg.v4, v6: rg.v6, v6Share: o.cloud.v6Share}
		k.agentMain, k.upgraded = g.sdkSlot(o.sdk, p.sdkLag, r)
		k.sessMean = 1 + r.Float64()*3
	case archCI:
		k.shape = shBusiness
		k.weekend = 0.05 + 0.15*r.Float64()
		c := p.ciCloud
		k.main = place{kind: plPool, blocks: c.v4, v6: c.v6, v6Share: c.v6Share}
		k.agentMain, k.upgraded = g.sdkSlot(o.sdk, p.sdkLag/8, r)
		k.sessMean = 5 + r.Float64()*25
		k.gapMean = 0.5 + r.Float64()*3
	case archRelay:
		k.shape = []shapeKind{shFlat, shBusiness, shTwoPeak, shEvening}[r.IntN(4)]
		ro := p.relays[r.IntN(len(p.relays))]
		k.main = ro.egress
		if ro.passThrough {
			k.agentMain, k.upgraded = g.sdkSlot(o.sdk, p.sdkLag, r)
		} else {
			k.agentMain = agentSlot{a0: ro.agent, a1: ro.agent, at: math.MaxInt64}
		}
	case archPerson, archOccasional:
		k.shape = shBusiness
		if r.Float64() < 0.25 {
			k.shape = shEvening
		}
		if k.base == archOccasional {
			k.activeDays = 0.1 + 0.4*r.Float64()
		}
		if k.base == archOccasional && r.Float64() < 0.3 {
			// A script on a rented server.
			h := w.hosters[r.IntN(len(w.hosters))]
			k.main = place{kind: plFixed, addrs: []netip.Addr{host(w.fixed24(h.v4, r), r)}}
		} else {
			k.main = g.home(w.ispIn(k.tz, nil, r), r)
			if len(o.office) > 0 && r.Float64() < 0.8 {
				k.office = &place{kind: plFixed, addrs: o.office}
			}
			k.hasPhone = r.Float64() < 0.7
			k.phone = carrierPlace(w.carrierIn(k.tz, nil, r))
		}
		switch u := r.Float64(); {
		case u < 0.5:
			k.agentMain, k.upgraded = g.sdkSlot(o.sdk, p.sdkLag*2, r)
		case u < 0.85:
			a := p.generic[r.IntN(len(p.generic))]
			k.agentMain = agentSlot{a0: a, a1: a, at: math.MaxInt64}
		default:
			a := p.browsers.agents[r.IntN(len(p.browsers.agents))]
			k.agentMain = agentSlot{a0: a, a1: a, at: math.MaxInt64}
		}
		if r.IntN(2) == 0 {
			k.agentPhone = p.generic[r.IntN(len(p.generic))]
		} else {
			k.agentPhone = p.browsers.agents[r.IntN(len(p.browsers.agents))]
		}
	case archMobile:
		k.shape = []shapeKind{shEvening, shTwoPeak}[r.IntN(2)]
		k.app = g.appVersions(r)
		k.sessMean = 2 + 4*r.Float64()
	case archBrowser:
		k.shape = []shapeKind{shEvening, shTwoPeak, shBusiness}[r.IntN(3)]
		k.app = &p.browsers
	}
	g.opMix(k, unitMul, r)
	g.keys = append(g.keys, k)
	o.keys = append(o.keys, k.idx)
	return k
}

func (g *gen) serviceEgress(o *org, r *rand.Rand) place {
	if o.egress != nil && r.Float64() < 0.6 {
		return *o.egress
	}
	return g.egress(o, r)
}

func (g *gen) serviceAgent(o *org, r *rand.Rand) (agentSlot, bool) {
	if r.Float64() < 0.7 {
		return g.sdkSlot(o.sdk, g.p.sdkLag, r)
	}
	a := g.p.generic[r.IntN(len(g.p.generic))]
	return agentSlot{a0: a, a1: a, at: math.MaxInt64}, false
}

// appVersions draws a mobile app's builds in circulation, one released
// mid-span.
func (g *gen) appVersions(r *rand.Rand) *versions {
	name := appNames[r.IntN(len(appNames))]
	v := &versions{}
	major, minor := 1+r.IntN(6), r.IntN(20)
	n := worldRanges.appVersionsAlive.int(r) + 1
	for i := range n {
		minor++
		os := []string{"iOS 17.%d; iPhone", "Android 14; SM-S9%d1"}[r.IntN(2)]
		v.agents = append(v.agents, g.intern(fmt.Sprintf("%s/%d.%d (%s)", name, major, minor, fmt.Sprintf(os, r.IntN(8)))))
		rel := int64(0)
		if i == n-1 {
			rel = g.start + int64(r.Float64()*float64(g.end-g.start))
		}
		v.release = append(v.release, rel)
	}
	return v
}

// opMix draws the operations a key calls and their weights.
func (g *gen) opMix(k *key, unitMul float64, r *rand.Rand) {
	p := &g.p
	add := func(i int, w float64) {
		if slices.Contains(k.ops, p.opIx[i]) {
			return
		}
		k.ops = append(k.ops, p.opIx[i])
		prev := 0.0
		if len(k.opCum) > 0 {
			prev = k.opCum[len(k.opCum)-1]
		}
		k.opCum = append(k.opCum, prev+w)
		k.opCost = append(k.opCost, p.ops[i].cost*unitMul)
	}
	for range 1 + r.IntN(4) {
		add(p.reads[r.IntN(len(p.reads))], r.ExpFloat64())
	}
	if !k.readOnly {
		for range 1 + r.IntN(3) {
			i := p.writes[r.IntN(len(p.writes))]
			if p.ops[i].cost > 20 && r.Float64() < 0.8 {
				continue // costly writes (fine-tuning) are rare
			}
			add(i, 0.3*r.ExpFloat64())
		}
	}
	if k.admin {
		for range 1 + r.IntN(3) {
			add(p.admins[r.IntN(len(p.admins))], 0.05*r.ExpFloat64())
		}
	}
	if len(k.ops) == 0 {
		add(p.reads[0], 1)
	}
}

// meanUnits is the key's mean units per call (without a launched operation).
func (k *key) meanUnits() float64 {
	var s, prev float64
	for i, c := range k.opCum {
		s += (c - prev) * k.opCost[i]
		prev = c
	}
	return s / k.opCum[len(k.opCum)-1] * math.Exp(k.unitSigma*k.unitSigma/2)
}

// pickOp draws one operation and its units.
func (g *gen) pickOp(k *key, t int64, r *rand.Rand) (int32, float64) {
	if k.launchTry > 0 && t > k.launchTry && r.Float64() < k.launchShare {
		return g.p.launchOp, g.p.launchCost * math.Exp(0.5*normal(r))
	}
	u := r.Float64() * k.opCum[len(k.opCum)-1]
	i, _ := slices.BinarySearch(k.opCum, u)
	i = min(i, len(k.ops)-1)
	return k.ops[i], k.opCost[i] * math.Exp(k.unitSigma*normal(r))
}

// localTZ is the key's UTC offset at t (travel moves it).
func (k *key) localTZ(t int64) int {
	if k.travelTo > 0 && t >= k.travelFrom && t < k.travelTo {
		return k.travelTZ
	}
	return k.tz
}

// context returns where a session at t comes from and with which agent.
func (g *gen) context(k *key, t int64, r *rand.Rand) (netip.Addr, int32) {
	w := g.w
	switch k.base {
	case archMobile, archBrowser:
		return w.consumerAddr(r), k.app.pick(t, r)
	case archPerson, archOccasional:
		if k.travelTo > 0 && t >= k.travelFrom && t < k.travelTo {
			if k.hasPhone && r.Float64() < 0.35 {
				return k.roam.addr(w, t, r), k.agentPhone
			}
			return k.hotel.addr(w, t, r), k.agentMain.get(t)
		}
		home := &k.main
		if k.moved != nil && t >= k.moveAt {
			home = k.moved
		}
		lt := t + int64(k.tz)*3600
		h := (lt % 86400) / 3600
		wd := (lt/86400 + 4) % 7
		work := wd >= 1 && wd <= 5 && h >= 8 && h < 18
		u := r.Float64()
		switch {
		case work && k.office != nil && u < 0.6:
			return k.office.addr(w, t, r), k.agentMain.get(t)
		case k.hasPhone && u > 0.8:
			return k.phone.addr(w, t, r), k.agentPhone
		}
		return home.addr(w, t, r), k.agentMain.get(t)
	}
	pl := &k.main
	if k.second != nil && t >= k.secondAt {
		share := k.secondShare * min(1, float64(t-k.secondAt)/k.secondRamp)
		if r.Float64() < share {
			pl = k.second
		}
	}
	return pl.addr(w, t, r), k.agentMain.get(t)
}

// weekly fills wk with the key's relative rate per local hour of the week
// (Sunday 00:00 first), mean 1.
func (k *key) weekly(wk *[168]float64) {
	lo := 1 / k.peak
	bump := func(h, c, s float64) float64 {
		d := math.Abs(h - c)
		d = math.Min(d, 24-d)
		return math.Exp(-d * d / (2 * s * s))
	}
	sum := 0.0
	for i := range 168 {
		h := float64(i%24) + 0.5
		wd := i / 24
		var v float64
		switch k.shape {
		case shFlat:
			v = lo + (1-lo)*bump(h, 14, 8)
		case shBusiness:
			v = lo + (1-lo)*bump(h, 13.5, 3.2)
		case shEvening:
			v = lo + (1-lo)*bump(h, 20.5, 2.5)
		case shTwoPeak:
			v = lo + (1-lo)*math.Max(bump(h, 9.5, 2), bump(h, 20, 2.5))
		case shNight:
			v = lo + (1-lo)*bump(h, 3, 1.5)
		}
		if (wd == 0 || wd == 6) && k.shape == shBusiness {
			v *= k.weekend
		}
		wk[i] = v
		sum += v
	}
	for i := range wk {
		wk[i] *= 168 / sum
	}
}

// expectedCalls estimates the stream's size for preallocation.
func (g *gen) expectedCalls() int {
	s := 0.0
	for _, k := range g.keys {
		for _, p := range k.periods {
			s += k.perDay * float64(p.to-p.from) / 86400
		}
	}
	return int(s) + 100000
}

// emitKey emits a key's owner traffic.
func (g *gen) emitKey(k *key) {
	if len(k.periods) == 0 {
		return
	}
	r := g.rng(1, uint64(k.idx))
	var wk [168]float64
	k.weekly(&wk)
	n := 0
	for _, p := range k.periods {
		if k.cronEvery > 0 {
			n += g.emitCron(k, p, r)
			continue
		}
		dayF, day := 1.0, int64(-1)
		for h0 := p.from - p.from%3600; h0 < p.to; h0 += 3600 {
			if d := h0 / 86400; d != day {
				day = d
				dayF = math.Exp(k.daySigma*normal(r) - k.daySigma*k.daySigma/2)
				if k.activeDays < 1 {
					if r.Float64() < k.activeDays {
						dayF /= k.activeDays
					} else {
						dayF = 0
					}
				} else if k.base == archPerson && r.Float64() < 0.08 {
					dayF = 0 // a day off
				}
			}
			lt := h0 + int64(k.localTZ(h0))*3600
			wi := ((lt/86400+4)%7)*24 + (lt%86400)/3600
			l := k.perDay / 24 * wk[wi] * dayF / k.sessMean
			for range poisson(l, r) {
				ts := h0 + r.Int64N(3600)
				if ts >= p.from && ts < p.to {
					n += g.session(k, ts, p.to, r)
				}
			}
		}
	}
	if n == 0 && len(k.periods) > 0 {
		// Keys with a period of use have at least one call in it.
		p := k.periods[0]
		n += g.session(k, p.from+r.Int64N(max(1, min(p.to-p.from, 86400))), p.to, r)
	}
	if k.launchTry > 0 && k.inUse(k.launchTry) {
		a, ag := g.context(k, k.launchTry, r)
		t := k.launchTry
		for range k.launchCalls {
			g.call(k.idx, t, a, ag, g.p.launchOp, g.p.launchCost*math.Exp(0.5*normal(r)), -1)
			t += 5 + r.Int64N(120)
		}
	}
}

// inUse reports whether t falls in one of the key's periods.
func (k *key) inUse(t int64) bool {
	for _, p := range k.periods {
		if t >= p.from && t < p.to {
			return true
		}
	}
	return false
}

// session emits one session of calls starting at ts, none at or after end.
func (g *gen) session(k *key, ts, end int64, r *rand.Rand) int {
	a, ag := g.context(k, ts, r)
	c := 0
	t := ts
	for range 1 + geom(k.sessMean-1, r) {
		if t >= end {
			break
		}
		op, units := g.pickOp(k, t, r)
		if g.call(k.idx, t, a, ag, op, units, -1) {
			c++
		}
		t += 1 + expDur(k.gapMean, r)
	}
	return c
}

// emitCron emits scheduled runs.
func (g *gen) emitCron(k *key, p period, r *rand.Rand) int {
	n := 0
	per := k.perDay * float64(k.cronEvery) / 86400
	for t := p.from - p.from%k.cronEvery + k.cronMinute; t < p.to; t += k.cronEvery {
		if t < p.from || r.Float64() < 0.02 {
			continue
		}
		a, ag := g.context(k, t, r)
		tt := t + r.Int64N(20)
		for range max(1, poisson(per, r)) {
			op, units := g.pickOp(k, tt, r)
			if tt < p.to && g.call(k.idx, tt, a, ag, op, units, -1) {
				n++
			}
			tt += 1 + r.Int64N(3)
		}
	}
	return n
}
