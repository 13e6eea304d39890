package trafficb

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
)

// provKind is what a network operator sells.
type provKind uint8

const (
	pkCloud    provKind = iota // compute in regions
	pkHoster                   // VPS and dedicated hosting
	pkISP                      // residential broadband
	pkCarrier                  // mobile, behind carrier-grade NAT
	pkBusiness                 // business lines with static office blocks
)

// region is one cloud region: a few IPv4 /16s and an IPv6 /48.
type region struct {
	v4 []netip.Prefix
	v6 netip.Prefix
}

// provider is one network operator.
type provider struct {
	kind    provKind
	v4      []netip.Prefix // /16 blocks
	v6      netip.Prefix   // /32
	v6Share float64        // share of its customers reaching the API over IPv6
	regions []region       // clouds and hosters
	tz      int            // ISPs and carriers: the UTC offset of their country
	dynamic bool           // ISPs: home IPv4 addresses are reassigned every few days
}

// world is the address space of one seed.
type world struct {
	r        *rand.Rand
	used16   map[[2]byte]bool
	used32   map[[4]byte]bool
	reserved map[netip.Prefix]bool // /24 (IPv4) or /48 (IPv6) blocks only attackers use
	fixed    map[netip.Prefix]bool // /24 blocks handed out as someone's fixed block

	clouds, hosters, isps, carriers, business []*provider
	tzs                                       []int
}

// firstOctets are the IPv4 first octets the world draws /16s from: public
// unicast space, leaving out private, loopback, link-local, CGNAT-shared,
// documentation and multicast ranges wholesale.
var firstOctets = func() []byte {
	var o []byte
	for a := 1; a <= 223; a++ {
		switch a {
		case 10, 100, 127, 169, 172, 192, 198, 203:
			continue
		}
		o = append(o, byte(a))
	}
	return o
}()

// tzChoices are the UTC offsets a seed's population can live in.
var tzChoices = []int{-8, -7, -6, -5, -4, -3, 0, 1, 2, 3, 4, 5, 7, 8, 9, 10}

func newWorld(r *rand.Rand) *world {
	w := &world{
		r:        r,
		used16:   map[[2]byte]bool{},
		used32:   map[[4]byte]bool{},
		reserved: map[netip.Prefix]bool{},
		fixed:    map[netip.Prefix]bool{},
	}
	perm := r.Perm(len(tzChoices))
	for _, i := range perm[:worldRanges.timezones.int(r)] {
		w.tzs = append(w.tzs, tzChoices[i])
	}
	wr := &worldRanges
	cloudV6 := wr.cloudV6Share.uni(r)
	for range wr.cloudProviders.int(r) {
		p := &provider{kind: pkCloud, v6: w.new32(), v6Share: cloudV6 * 2 * r.Float64()}
		for range wr.cloudRegions.int(r) {
			rg := region{v6: sub(p.v6, 48, r)}
			for range wr.cloudRegion16s.int(r) {
				b := w.new16()
				rg.v4 = append(rg.v4, b)
				p.v4 = append(p.v4, b)
			}
			p.regions = append(p.regions, rg)
		}
		w.clouds = append(w.clouds, p)
	}
	for range wr.hosters.int(r) {
		p := &provider{kind: pkHoster, v6: w.new32(), v6Share: 0.3 * r.Float64()}
		for range 1 + r.IntN(3) {
			b := w.new16()
			p.v4 = append(p.v4, b)
			p.regions = append(p.regions, region{v4: []netip.Prefix{b}, v6: sub(p.v6, 48, r)})
		}
		w.hosters = append(w.hosters, p)
	}
	v6 := wr.ispV6Share.uni(r)
	dyn := wr.ispDynamicShare.uni(r)
	for range wr.isps.int(r) {
		p := &provider{kind: pkISP, v6: w.new32(), v6Share: v6 * 2 * r.Float64(), tz: w.tzs[r.IntN(len(w.tzs))], dynamic: r.Float64() < dyn}
		for range wr.isp16s.int(r) {
			p.v4 = append(p.v4, w.new16())
		}
		w.isps = append(w.isps, p)
	}
	cv6 := wr.carrierV6Share.uni(r)
	for range wr.carriers.int(r) {
		p := &provider{kind: pkCarrier, v6: w.new32(), v6Share: min(1, cv6*(0.5+r.Float64())), tz: w.tzs[r.IntN(len(w.tzs))]}
		for range wr.carrier16s.int(r) {
			p.v4 = append(p.v4, w.new16())
		}
		w.carriers = append(w.carriers, p)
	}
	for range wr.businessISPs.int(r) {
		p := &provider{kind: pkBusiness, v6: w.new32(), v6Share: 0.2 * r.Float64()}
		for range 1 + r.IntN(4) {
			p.v4 = append(p.v4, w.new16())
		}
		w.business = append(w.business, p)
	}
	return w
}

// new16 returns an unused IPv4 /16.
func (w *world) new16() netip.Prefix {
	for {
		b := [2]byte{firstOctets[w.r.IntN(len(firstOctets))], byte(w.r.IntN(256))}
		if !w.used16[b] {
			w.used16[b] = true
			return netip.PrefixFrom(netip.AddrFrom4([4]byte{b[0], b[1], 0, 0}), 16)
		}
	}
}

// new32 returns an unused IPv6 /32 in 2400::/6-ish global space.
func (w *world) new32() netip.Prefix {
	for {
		b := [4]byte{0x24 + byte(w.r.IntN(6)), byte(w.r.IntN(256)), byte(w.r.IntN(256)), byte(w.r.IntN(256))}
		if !w.used32[b] {
			w.used32[b] = true
			var a [16]byte
			copy(a[:], b[:])
			return netip.PrefixFrom(netip.AddrFrom16(a), 32)
		}
	}
}

// sub returns a random sub-prefix of p with bits bits.
func sub(p netip.Prefix, bits int, r *rand.Rand) netip.Prefix {
	a := p.Addr()
	if a.Is4() {
		b := a.As4()
		v := binary.BigEndian.Uint32(b[:])
		v |= uint32(r.Uint64()) &^ (^uint32(0) << (32 - p.Bits())) // random below p's bits
		binary.BigEndian.PutUint32(b[:], v)
		pp, _ := netip.AddrFrom4(b).Prefix(bits)
		return pp
	}
	b := a.As16()
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	if p.Bits() < 64 {
		hi |= r.Uint64() &^ (^uint64(0) << (64 - p.Bits()))
		lo = r.Uint64()
	} else {
		lo |= r.Uint64() &^ (^uint64(0) << (128 - p.Bits()))
	}
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	pp, _ := netip.AddrFrom16(b).Prefix(bits)
	return pp
}

// host returns a random usable address in p (IPv4: never .0 or .255).
func host(p netip.Prefix, r *rand.Rand) netip.Addr {
	if !p.Addr().Is4() {
		return sub(p, 128, r).Addr()
	}
	for {
		a := sub(p, 32, r).Addr()
		if b := a.As4(); b[3] != 0 && b[3] != 255 {
			return a
		}
	}
}

// block returns a's /24 (IPv4) or /48 (IPv6), the unit of reservation.
func block(a netip.Addr) netip.Prefix {
	if a.Is4() {
		p, _ := a.Prefix(24)
		return p
	}
	p, _ := a.Prefix(48)
	return p
}

// pick returns a random address in one of blocks (the /16s of a pool),
// avoiding blocks reserved for attackers.
func (w *world) pick(blocks []netip.Prefix, r *rand.Rand) netip.Addr {
	for {
		a := host(blocks[r.IntN(len(blocks))], r)
		if !w.reserved[block(a)] {
			return a
		}
	}
}

// pick6 returns a random address in one random /64 of p (a /32 or /48),
// avoiding reserved /48s.
func (w *world) pick6(p netip.Prefix, r *rand.Rand) netip.Addr {
	for {
		a := host(sub(p, 64, r), r)
		if !w.reserved[block(a)] {
			return a
		}
	}
}

// fixed24 hands out a fresh /24 inside one of blocks, for a fixed
// assignment (an office, a NAT gateway subnet, a relay's rack).
func (w *world) fixed24(blocks []netip.Prefix, r *rand.Rand) netip.Prefix {
	for {
		p := sub(blocks[r.IntN(len(blocks))], 24, r)
		if !w.reserved[p] && !w.fixed[p] {
			w.fixed[p] = true
			return p
		}
	}
}

// reserve24 hands out a fresh /24 inside one of blocks that no benign key
// will ever draw an address from.
func (w *world) reserve24(blocks []netip.Prefix, r *rand.Rand) netip.Prefix {
	p := w.fixed24(blocks, r)
	w.reserved[p] = true
	return p
}

// reserve48 hands out a fresh /48 inside p (a /32) that no benign key uses.
func (w *world) reserve48(p netip.Prefix, r *rand.Rand) netip.Prefix {
	for {
		q := sub(p, 48, r)
		if !w.reserved[q] {
			w.reserved[q] = true
			return q
		}
	}
}

// consumerAddr is the address of one random end user somewhere in the
// world: a home on an ISP or a phone on a carrier.
func (w *world) consumerAddr(r *rand.Rand) netip.Addr {
	var p *provider
	if r.IntN(2) == 0 {
		p = w.isps[r.IntN(len(w.isps))]
	} else {
		p = w.carriers[r.IntN(len(w.carriers))]
	}
	if r.Float64() < p.v6Share {
		return w.pick6(p.v6, r)
	}
	return w.pick(p.v4, r)
}

// ispIn returns an ISP of timezone tz when there is one, else any ISP;
// not is avoided when possible.
func (w *world) ispIn(tz int, not *provider, r *rand.Rand) *provider {
	var c []*provider
	for _, p := range w.isps {
		if p.tz == tz && p != not {
			c = append(c, p)
		}
	}
	if len(c) == 0 {
		for _, p := range w.isps {
			if p != not {
				c = append(c, p)
			}
		}
	}
	if len(c) == 0 {
		return w.isps[0]
	}
	return c[r.IntN(len(c))]
}

// carrierIn is ispIn for carriers.
func (w *world) carrierIn(tz int, not *provider, r *rand.Rand) *provider {
	var c []*provider
	for _, p := range w.carriers {
		if p.tz == tz && p != not {
			c = append(c, p)
		}
	}
	if len(c) == 0 {
		for _, p := range w.carriers {
			if p != not {
				c = append(c, p)
			}
		}
	}
	if len(c) == 0 {
		return w.carriers[0]
	}
	return c[r.IntN(len(c))]
}

// opClass is what an operation does to the account.
type opClass uint8

const (
	opRead opClass = iota
	opWrite
	opAdmin
)

// opDef is one operation of the API.
type opDef struct {
	name  string
	class opClass
	cost  float64 // median units per call
}

// opTable lists the API's operations with the range their median cost is
// drawn from (one draw per seed). "%s" is the seed's path prefix.
var opTable = []struct {
	name  string
	class opClass
	cost  span
}{
	{"GET %s/me", opRead, span{0.001, 0.01}},
	{"GET %s/models", opRead, span{0.001, 0.01}},
	{"GET %s/objects", opRead, span{0.05, 0.5}},
	{"GET %s/objects/{id}", opRead, span{0.01, 0.2}},
	{"POST %s/search", opRead, span{0.2, 3}},
	{"POST %s/completions", opRead, span{1, 20}},
	{"POST %s/embeddings", opRead, span{0.1, 2}},
	{"GET %s/usage", opRead, span{0.01, 0.05}},
	{"GET %s/files/{id}/content", opRead, span{0.1, 1}},
	{"POST %s/objects", opWrite, span{0.05, 0.5}},
	{"PUT %s/objects/{id}", opWrite, span{0.05, 0.5}},
	{"DELETE %s/objects/{id}", opWrite, span{0.01, 0.1}},
	{"POST %s/files", opWrite, span{0.2, 2}},
	{"POST %s/fine-tunes", opWrite, span{50, 500}},
	{"POST %s/keys", opAdmin, span{0.001, 0.01}},
	{"DELETE %s/keys/{id}", opAdmin, span{0.001, 0.01}},
	{"PUT %s/org/members/{id}", opAdmin, span{0.001, 0.01}},
	{"POST %s/org/webhooks", opAdmin, span{0.001, 0.01}},
	{"GET %s/org/audit-log", opAdmin, span{0.01, 0.1}},
}

// launchOps are the candidates for the operation launched mid-span.
var launchOps = []string{
	"POST %s/video/generations", "POST %s/reasoning/runs", "POST %s/agents/sessions", "POST %s/images/edits",
}

var apiPrefixes = []string{"/v1", "/api/v1", "/v2", "/api/v3"}

// vendors name the API's official client libraries.
var vendors = []string{"acme", "nimbus", "orbit", "quill", "vector", "lumen"}

// sdkFormats are client library user agents: vendor, version.
var sdkFormats = []string{
	"%s-python/%s", "%s-node/%s", "%s-go/%s", "%s-java/%s", "%s-ruby/%s", "%s-dotnet/%s",
}

// otherAgentFormats are generic HTTP clients; "%d" is a minor version.
var otherAgentFormats = []string{
	"curl/8.%d.0", "python-requests/2.%d.0", "Go-http-client/1.1", "axios/1.%d.2",
	"node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "okhttp/4.%d.0",
	"PostmanRuntime/7.%d.1", "Java-http-client/%d.0.2", "aiohttp/3.%d.1", "",
}

var browserFormats = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Safari/605.1.15",
	"Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36",
}

var appNames = []string{"Snapnote", "Tripmate", "Fitloop", "Chatterly", "Pagewise", "Recipely", "Studybee"}

var relayNames = []string{"gatewayhub", "proxyfold", "unifyapi", "routerly", "meshrelay", "pipeline-pro"}

// sdk is one client library with its versions: versions[0:nOld] are in
// use at the start, the rest are released at releaseAt.
type sdk struct {
	format, vendor string
	versions       []string
	releaseAt      []int64 // per version; 0 for those out before the span
	nOld           int
}

// agent returns the library's user agent for version i.
func (s *sdk) agent(i int) string { return fmt.Sprintf(s.format, s.vendor, s.versions[i]) }

// newSDKs draws the seed's client libraries.
func newSDKs(r *rand.Rand, vendor string, start, end int64) []*sdk {
	n := worldRanges.sdkFamilies.int(r)
	perm := r.Perm(len(sdkFormats))
	var out []*sdk
	for _, fi := range perm[:min(n, len(sdkFormats))] {
		s := &sdk{format: sdkFormats[fi], vendor: vendor}
		major, minor, patch := r.IntN(5), r.IntN(30), r.IntN(10)
		s.nOld = 2 + r.IntN(3)
		rel := worldRanges.sdkReleases.int(r)
		for i := range s.nOld + rel {
			if r.IntN(4) == 0 {
				minor++
				patch = 0
			} else {
				patch += 1 + r.IntN(3)
			}
			s.versions = append(s.versions, fmt.Sprintf("%d.%d.%d", major, minor, patch))
			if i < s.nOld {
				s.releaseAt = append(s.releaseAt, 0)
			} else {
				s.releaseAt = append(s.releaseAt, start+int64(float64(end-start)*(0.1+0.8*r.Float64())))
			}
		}
		// Releases in time order.
		for i := s.nOld + 1; i < len(s.releaseAt); i++ {
			for j := i; j > s.nOld && s.releaseAt[j] < s.releaseAt[j-1]; j-- {
				s.releaseAt[j], s.releaseAt[j-1] = s.releaseAt[j-1], s.releaseAt[j]
			}
		}
		out = append(out, s)
	}
	return out
}

// otherAgent renders a generic client format with a random version.
func otherAgent(f string, r *rand.Rand) string {
	switch strings.Count(f, "%d") {
	case 0:
		return f
	case 1:
		return fmt.Sprintf(f, 1+r.IntN(30))
	default:
		v := 110 + r.IntN(20)
		return fmt.Sprintf(f, v, v)
	}
}
