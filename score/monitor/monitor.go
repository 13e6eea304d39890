package monitor

import (
	"encoding/binary"
	"math"
	"math/bits"
	"net/netip"
	"sync"
	"time"
	"unsafe"

	"github.com/leakward/leakward/score"
)

// Reason codes the monitor emits. Their meaning never changes.
const (
	CodeAfterLeak      score.Code = "monitor.after-leak"
	CodeCrossKey       score.Code = "monitor.cross-key"
	CodeFanOut         score.Code = "monitor.fan-out"
	CodeNewAdmin       score.Code = "monitor.new-admin"
	CodeRateBurst      score.Code = "monitor.rate-burst"
	CodeUnitsSpike     score.Code = "monitor.units-spike"
	CodeDormant        score.Code = "monitor.dormant"
	CodeNewWrite       score.Code = "monitor.new-write"
	CodeNewWideNetwork score.Code = "monitor.new-wide-network"
	CodeNewAgent       score.Code = "monitor.new-agent"
	CodeNewNetwork     score.Code = "monitor.new-network"
	CodeSecondSource   score.Code = "monitor.second-source"
)

const (
	textAfterLeak      = "key used after it became known-leaked"
	textCrossKey       = "source network presented many keys new to it in one window"
	textFanOut         = "key used from many distinct networks in one window"
	textNewAdmin       = "first admin operation for a key with an established baseline"
	textRateBurst      = "call rate far above the key's own peak"
	textUnitsSpike     = "units far above the key's own peak"
	textDormant        = "dormant key used again"
	textNewWrite       = "first write operation for a key that only read"
	textNewWideNetwork = "source outside every address block this key has used"
	textNewAgent       = "client not seen before for this key"
	textNewNetwork     = "source network not seen before for this key"
	textSecondSource   = "key used around the clock from a new address block while its usual networks stay in use"
)

// Event is one use of a key, as a gateway or service sees it.
type Event struct {
	// Key is the keyed fingerprint of the key used (see Fingerprint).
	Key KeyID
	// Time is when the call happened. The monitor never reads the clock;
	// it works at one-second resolution between 1970 and 2106.
	Time time.Time
	// Addr is the source address; the zero Addr means unknown and skips
	// the network signals. IPv4-mapped IPv6 addresses count as IPv4.
	Addr netip.Addr
	// Agent is the client string (User-Agent or SDK name). Only its
	// product token, before the first '/', space, ';' or '(', matters.
	Agent string
	// Op is the operation (endpoint or method), classified when Class is
	// ClassAuto.
	Op string
	// Class is the operation class; ClassAuto classifies Op.
	Class OpClass
	// Units is the cost of the call (tokens, bytes, currency); 0 if unknown.
	Units float64
}

// BytesPerKey is the memory for each tracked key, a 128-byte slot and a
// 4-byte tag: MaxKeys × BytesPerKey bytes are allocated by New and never
// grow.
const BytesPerKey = int(unsafe.Sizeof(slot{})) + 4

// BytesPerNetwork is the memory for each network tracked for cross-key
// correlation.
const BytesPerNetwork = int(unsafe.Sizeof(netEntry{}))

// slot flags.
const (
	fOcc    = 1 << iota // slot in use
	fBurst              // rate burst reported in the current window
	fUnits              // units spike reported in the current window
	fFan                // fan-out reported in the current fan-out window
	fOther              // the usual networks were used well after the probation block appeared
	fSecond             // second source reported for the probation block
)

// slot is the fixed-size state of one key: 128 bytes.
type slot struct {
	id        KeyID
	fanBits   uint64 // linear-counting bitmap of networks in the fan-out window
	first     uint32 // seconds since 1970 of the first event, 0 before any
	last      uint32 // latest event
	leak      uint32 // known-leaked since, 0 if not
	events    uint32 // saturating
	win       uint32 // start of the rate window
	fanWin    uint32 // start of the fan-out window
	winCount  uint32
	winUnits  float32
	peakCount float32   // decaying peak of events per window
	peakUnits float32   // decaying peak of units per window
	meanCount float32   // EWMA of events per active window
	nets      [8]uint32 // recent networks (CLOCK)
	wide      [4]uint16 // recent wide blocks (CLOCK)
	agents    [4]uint16 // recent client products (CLOCK)
	fanPeak   uint8
	classes   uint8 // bit per OpClass seen
	flags     uint8
	netRef    uint8 // CLOCK reference bits for nets
	waRef     uint8 // CLOCK reference bits: wide (0–3), agents (4–7)
	hands     uint8 // CLOCK hands: nets (0–2), wide (3–4), agents (5–6)
	// Probation of a new wide block (the second-source signal).
	pWide  uint16 // the block, 0 for none
	pStart uint16 // hour it appeared (hours since 1970, modulo 2^16)
	pMask  uint16 // 90-minute slots of the day it was used in
}

const ways = 8 // slots per bucket; a key's two buckets are the eviction sample

type keyShard struct {
	mu        sync.Mutex
	slots     []slot
	tags      []uint32 // per slot: 0 empty, else a hash tag of its key
	bmask     uint64
	n         int
	evictions uint64
	_         [64]byte // keep shards' locks on separate cache lines
}

// Monitor turns a stream of key-usage events into per-event risk results
// with reasons. It holds a fixed-size table of keys (MaxKeys, evicting the
// least recently used of 16 candidate keys when full, leaked keys last) and
// a fixed-size table of source networks.
//
// A Monitor is safe for concurrent use: keys and networks are split into
// shards, each with its own lock, and Observe takes at most one lock at a
// time. Events may arrive out of order; see Observe for the tolerance.
type Monitor struct {
	c      cfg
	keys   []keyShard
	kmask  uint64
	kshift uint
	nets   netTable
	fanEst [65]uint8
}

// New returns a Monitor configured by c (nil means defaults). It allocates
// all of its memory: MaxKeys × BytesPerKey plus MaxNetworks ×
// BytesPerNetwork bytes.
func New(c *Config) (*Monitor, error) {
	rc, err := c.resolve()
	if err != nil {
		return nil, err
	}
	m := &Monitor{c: rc}
	nsh := rc.maxKeys / 1024
	switch {
	case nsh < 1:
		nsh = 1
	case nsh > 64:
		nsh = 64
	}
	m.keys = make([]keyShard, nsh)
	m.kmask = uint64(nsh - 1)
	m.kshift = uint(bits.TrailingZeros(uint(nsh)))
	per := rc.maxKeys / nsh
	for i := range m.keys {
		m.keys[i].slots = make([]slot, per)
		m.keys[i].tags = make([]uint32, per)
		m.keys[i].bmask = uint64(per/ways - 1)
	}
	m.nets.init(rc.maxNets)
	for z := range m.fanEst {
		m.fanEst[z] = linearCount(z)
	}
	return m, nil
}

// linearCount estimates the distinct items that set z of 64 bits.
func linearCount(z int) uint8 {
	if z >= 64 {
		return 255
	}
	v := math.Round(-64 * math.Log(1-float64(z)/64))
	if v > 255 {
		v = 255
	}
	return uint8(v)
}

// secOf converts t to whole seconds since 1970, clamped to [1, 2^32-1].
func secOf(t time.Time) uint32 {
	u := t.Unix()
	switch {
	case u < 1:
		return 1
	case u > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(u)
}

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func keyHash(id *KeyID) uint64 {
	return mix64(binary.LittleEndian.Uint64(id[:8]) ^ binary.LittleEndian.Uint64(id[8:])*0x9e3779b97f4a7c15)
}

// network returns hashes of the network and of the wide block of a; ok is
// false for the zero Addr.
func (m *Monitor) network(a netip.Addr) (nh, wh uint64, ok bool) {
	if !a.IsValid() {
		return 0, 0, false
	}
	a = a.Unmap()
	if a.Is4() {
		b := a.As4()
		v := uint64(binary.BigEndian.Uint32(b[:]))
		n := v &^ (1<<(32-m.c.net4) - 1)
		w := v &^ (1<<(32-m.c.wide4) - 1)
		return mix64(n | uint64(m.c.net4)<<40 | 4<<48), mix64(w | uint64(m.c.wide4)<<40 | 4<<48 | 1<<56), true
	}
	b := a.As16()
	v := binary.BigEndian.Uint64(b[:8])
	n := v &^ (1<<(64-m.c.net6) - 1)
	w := v &^ (1<<(64-m.c.wide6) - 1)
	if m.c.net6 == 64 {
		n = v
	}
	if m.c.wide6 == 64 {
		w = v
	}
	return mix64(n ^ 0x6a09e667f3bcc908 ^ uint64(m.c.net6)), mix64(w ^ 0xbb67ae8584caa73b ^ uint64(m.c.wide6)), true
}

func nz32(x uint64) uint32 {
	if v := uint32(x >> 32); v != 0 {
		return v
	}
	return 1
}

func nz16(x uint64) uint16 {
	if v := uint16(x >> 16); v != 0 {
		return v
	}
	return 1
}

// lookup finds id's slot in the shard, or takes one. A key may live in
// either of two buckets of 8 slots (two-choice hashing keeps the table
// nearly full before it evicts); a 4-byte tag per slot, in its own array,
// lets a lookup read one cache line per bucket. A new key takes an empty
// slot, else the least recently used of the 16, not known-leaked if any
// other is available. isNew reports a slot just taken.
func (sh *keyShard) lookup(id *KeyID, h uint64, shift uint) (s *slot, isNew bool) {
	tag := uint32(h>>32) | 1
	b1 := int((h>>shift)&sh.bmask) * ways
	b2 := int((mix64(h)>>shift)&sh.bmask) * ways
	t1 := sh.tags[b1 : b1+ways : b1+ways]
	t2 := sh.tags[b2 : b2+ways : b2+ways]
	for i, t := range t1 {
		if t == tag && sh.slots[b1+i].id == *id {
			return &sh.slots[b1+i], false
		}
	}
	for i, t := range t2 {
		if t == tag && sh.slots[b2+i].id == *id {
			return &sh.slots[b2+i], false
		}
	}
	// Two choices: the bucket with more empty slots. Slots are never
	// freed, so the empty slots of a bucket are its last ones.
	v, e1, e2 := -1, 0, 0
	for i := 0; i < ways; i++ {
		if t1[i] == 0 {
			e1++
		}
		if t2[i] == 0 {
			e2++
		}
	}
	switch {
	case e1 > 0 && e1 >= e2:
		v = b1 + ways - e1
	case e2 > 0:
		v = b2 + ways - e2
	}
	if v < 0 {
		v = b1
		for i := 0; i < ways; i++ {
			if older(&sh.slots[b1+i], &sh.slots[v]) {
				v = b1 + i
			}
			if older(&sh.slots[b2+i], &sh.slots[v]) {
				v = b2 + i
			}
		}
		sh.evictions++
	} else {
		sh.n++
	}
	sh.tags[v] = tag
	sh.slots[v] = slot{id: *id, flags: fOcc}
	return &sh.slots[v], true
}

// older reports whether a should be evicted before b: unleaked before
// leaked, then least recently used first.
func older(a, b *slot) bool {
	if (a.leak == 0) != (b.leak == 0) {
		return a.leak == 0
	}
	return a.last < b.last
}

// result accumulates reasons for one event.
type result struct {
	r   score.Result
	pts int
}

func (x *result) add(code score.Code, w int, text string) {
	if w <= 0 {
		return
	}
	x.pts += w
	x.r.AddReason(score.Reason{Code: code, Points: w, Text: text})
}

// Observe records e and returns its risk: the score (0–100), the level and
// a reason per signal that fired. It does not allocate.
//
// Signals about a window (rate burst, units spike, fan-out) are reported
// once, on the event that crosses the threshold; the cross-key signal, once
// a network is flagged, is reported on each further event from it that
// uses a key new to it in that window. After-leak is reported on every
// event at or after the leak time.
//
// Out-of-order events: an event up to one Window late (default 5 minutes)
// counts in the current rate window, and up to one FanOutWindow late in
// the current fan-out and cross-key windows, as if it were on time. An
// event later than that still teaches the key's networks, clients and
// operation classes and still triggers after-leak and novelty signals,
// but is left out of rate, units, fan-out and cross-key counts and never
// counts as a dormant key's return. Clocks never move backwards.
func (m *Monitor) Observe(e Event) score.Result {
	var x result
	t := secOf(e.Time)
	nh, wh, hasNet := m.network(e.Addr)
	class := e.Class
	if class == ClassAuto || class > ClassAdmin {
		class = m.c.classify(e.Op)
		if class == ClassAuto || class > ClassAdmin {
			class = ClassRead
		}
	}
	ag := agentHash(e.Agent)
	kh := keyHash(&e.Key)
	w := &m.c.w

	sh := &m.keys[kh&m.kmask]
	sh.mu.Lock()
	s, _ := sh.lookup(&e.Key, kh, m.kshift)
	firstUse := s.events == 0
	if s.first == 0 {
		s.first, s.last = t, t
	}
	established := s.events >= m.c.baseEvents && s.last-s.first >= m.c.baseAge

	if s.leak != 0 && t >= s.leak {
		x.add(CodeAfterLeak, w.AfterLeak, textAfterLeak)
	}
	if established && t > s.last && t-s.last >= m.c.dormant {
		x.add(CodeDormant, w.Dormant, textDormant)
	}

	// Rate and units against the key's own peak.
	if m.rollRate(s, t) {
		if s.winCount < math.MaxUint32 {
			s.winCount++
		}
		s.winUnits += float32(e.Units)
		if established {
			if s.flags&fBurst == 0 && s.winCount >= m.c.minBurst && float32(s.winCount) > m.c.burst*s.peakCount {
				s.flags |= fBurst
				x.add(CodeRateBurst, w.RateBurst, textRateBurst)
			}
			if s.flags&fUnits == 0 && s.winUnits > 0 && s.winCount >= m.c.minSpike && s.winUnits > m.c.unitsF*s.peakUnits {
				s.flags |= fUnits
				x.add(CodeUnitsSpike, w.UnitsSpike, textUnitsSpike)
			}
		}
	}

	// Networks: novelty, then fan-out.
	novelWide := false
	if hasNet {
		n32, w16 := nz32(nh), nz16(wh)
		newNet := !s.seenNet(n32)
		novelWide = !s.seenWide(w16)
		if established && newNet {
			x.add(CodeNewNetwork, w.NewNetwork, textNewNetwork)
		}
		if established && novelWide {
			x.add(CodeNewWideNetwork, w.NewWideNetwork, textNewWideNetwork)
		}
		if established {
			m.probation(&x, s, w16, novelWide, t)
		}
		if m.rollFan(s, t) {
			s.fanBits |= 1 << (nh >> 58)
			est := m.fanEst[bits.OnesCount64(s.fanBits)]
			if established && s.flags&fFan == 0 && int(est) >= m.c.fanMin && float32(est) > m.c.fanF*float32(s.fanPeak) {
				s.flags |= fFan
				x.add(CodeFanOut, w.FanOut, textFanOut)
			}
		}
	}

	if !s.seenAgent(ag) && established {
		x.add(CodeNewAgent, w.NewAgent, textNewAgent)
	}
	if cb := uint8(1) << class; s.classes&cb == 0 {
		if established {
			switch class {
			case ClassAdmin:
				x.add(CodeNewAdmin, w.NewAdmin, textNewAdmin)
			case ClassWrite:
				x.add(CodeNewWrite, w.NewWrite, textNewWrite)
			}
		}
		s.classes |= cb
	}

	if s.events < math.MaxUint32 {
		s.events++
	}
	if t > s.last {
		s.last = t
	}
	sh.mu.Unlock()

	if hasNet && (firstUse || novelWide) && m.nets.observe(&m.c, &m.fanEst, nh, kh, t) {
		x.add(CodeCrossKey, w.CrossKey, textCrossKey)
	}

	x.r.Score = min(x.pts, 100)
	x.r.Level = m.c.levels.Level(x.r.Score)
	return x.r
}

// Second source: a new wide block that the key then uses around the clock
// (in 12 of the day's sixteen 90-minute slots), while its other networks
// are still used more than a day after the block appeared, is a second
// user of the key (a leaked key drained slowly), not the owner moving or
// travelling: people use a key in their waking hours, and a service that
// moves stops using its old networks within a day. One block per key is on
// probation: a newer block replaces it while it has been seen in fewer
// than secondKeep slots, or when it is older than secondStale hours.
const (
	secondSlots   = 12 // of the day's sixteen 90-minute slots
	secondOverlap = 26 // hours after the block appeared before use elsewhere counts
	secondKeep    = 4  // slots that keep a block on probation against a newer one
	secondStale   = 48 // hours after which a newer block replaces it anyway
)

// probation updates s's probation block with an event from wide block w16
// at t (novel: a block the key had not used) and reports second source.
// Hours are kept modulo 2^16 (7 years); differences are signed.
func (m *Monitor) probation(x *result, s *slot, w16 uint16, novel bool, t uint32) {
	h := uint16(t / 3600)
	age := int16(h - s.pStart)
	if novel && w16 != s.pWide {
		if s.pWide == 0 || bits.OnesCount16(s.pMask) < secondKeep || age < 0 || age > secondStale {
			s.pWide, s.pStart, s.pMask = w16, h, 0
			s.flags &^= fOther | fSecond
			age = 0
		}
	}
	if s.pWide == 0 {
		return
	}
	if w16 != s.pWide {
		if age >= secondOverlap {
			s.flags |= fOther
		}
		return
	}
	s.pMask |= 1 << (t % 86400 / 5400)
	if s.flags&(fOther|fSecond) == fOther && bits.OnesCount16(s.pMask) >= secondSlots {
		s.flags |= fSecond
		x.add(CodeSecondSource, m.c.w.SecondSource, textSecondSource)
	}
}

// decay returns the factor a peak keeps after dt seconds.
func (m *Monitor) decay(dt uint32) float32 { return decayBy(m.c.halfLife, dt) }

func decayBy(halfLife float64, dt uint32) float32 {
	return float32(math.Exp2(-float64(dt) / halfLife))
}

const ewmaAlpha = 0.1

// rollRate moves s's rate window to t's and reports whether the event at t
// counts in it.
func (m *Monitor) rollRate(s *slot, t uint32) bool {
	ws := t - t%m.c.win
	switch {
	case ws > s.win:
		if s.win != 0 {
			d := m.decay(ws - s.win)
			c := float32(s.winCount)
			if s.flags&fBurst == 0 {
				s.peakCount = max(s.peakCount*d, c)
			} else {
				s.peakCount *= d
			}
			if s.flags&fUnits == 0 {
				s.peakUnits = max(s.peakUnits*d, s.winUnits)
			} else {
				s.peakUnits *= d
			}
			if s.winCount > 0 {
				s.meanCount += ewmaAlpha * (c - s.meanCount)
			}
		}
		s.win, s.winCount, s.winUnits = ws, 0, 0
		s.flags &^= fBurst | fUnits
		return true
	case ws == s.win:
		return true
	}
	return s.win-t <= m.c.win
}

// rollFan moves s's fan-out window to t's and reports whether the event at
// t counts in it.
func (m *Monitor) rollFan(s *slot, t uint32) bool {
	ws := t - t%m.c.fanWin
	switch {
	case ws > s.fanWin:
		if s.fanWin != 0 {
			p := float32(s.fanPeak) * m.decay(ws-s.fanWin)
			if s.flags&fFan == 0 {
				p = max(p, float32(m.fanEst[bits.OnesCount64(s.fanBits)]))
			}
			s.fanPeak = uint8(min(p+0.5, 255))
		}
		s.fanWin, s.fanBits = ws, 0
		s.flags &^= fFan
		return true
	case ws == s.fanWin:
		return true
	}
	return s.fanWin-t <= m.c.fanWin
}

// seenNet reports whether n is among s's recent networks and remembers it
// (CLOCK replacement over 8 entries).
func (s *slot) seenNet(n uint32) bool {
	for i, v := range s.nets {
		if v == n {
			s.netRef |= 1 << i
			return true
		}
	}
	h := s.hands & 7
	for s.netRef&(1<<h) != 0 {
		s.netRef &^= 1 << h
		h = (h + 1) & 7
	}
	s.nets[h] = n
	s.netRef |= 1 << h
	s.hands = s.hands&^7 | (h+1)&7
	return false
}

// seenWide is seenNet for the 4 wide blocks (reference bits 0–3, hand in
// bits 3–4).
func (s *slot) seenWide(w uint16) bool {
	for i, v := range s.wide {
		if v == w {
			s.waRef |= 1 << i
			return true
		}
	}
	h := s.hands >> 3 & 3
	for s.waRef&(1<<h) != 0 {
		s.waRef &^= 1 << h
		h = (h + 1) & 3
	}
	s.wide[h] = w
	s.waRef |= 1 << h
	s.hands = s.hands&^(3<<3) | ((h+1)&3)<<3
	return false
}

// seenAgent is seenNet for the 4 client products (reference bits 4–7, hand
// in bits 5–6).
func (s *slot) seenAgent(a uint16) bool {
	for i, v := range s.agents {
		if v == a {
			s.waRef |= 16 << i
			return true
		}
	}
	h := s.hands >> 5 & 3
	for s.waRef&(16<<h) != 0 {
		s.waRef &^= 16 << h
		h = (h + 1) & 3
	}
	s.agents[h] = a
	s.waRef |= 16 << h
	s.hands = s.hands&^(3<<5) | ((h+1)&3)<<5
	return false
}

// MarkLeaked records that the key id became known-leaked at time at (the
// earliest mark wins). Every later event with the key scores CodeAfterLeak.
// A leaked key is evicted only when every key in its two buckets is leaked.
func (m *Monitor) MarkLeaked(id KeyID, at time.Time) {
	kh := keyHash(&id)
	sh := &m.keys[kh&m.kmask]
	sh.mu.Lock()
	s, _ := sh.lookup(&id, kh, m.kshift)
	if t := secOf(at); s.leak == 0 || t < s.leak {
		s.leak = t
	}
	sh.mu.Unlock()
}

// Alert reports whether r, a result from Observe, reaches Config.AlertScore.
func (m *Monitor) Alert(r *score.Result) bool { return r.Score >= m.c.alert }

// Stats are counters describing a Monitor's tables.
type Stats struct {
	// Keys is the number of tracked keys; MaxKeys the capacity.
	Keys, MaxKeys int
	// Evictions counts keys dropped to make room.
	Evictions uint64
	// Networks is the number of networks tracked for cross-key
	// correlation; MaxNetworks the capacity.
	Networks, MaxNetworks int
	// Bytes is the memory held by both tables.
	Bytes int
}

// Stats returns the current counters.
func (m *Monitor) Stats() Stats {
	st := Stats{MaxKeys: m.c.maxKeys, MaxNetworks: m.c.maxNets}
	for i := range m.keys {
		sh := &m.keys[i]
		sh.mu.Lock()
		st.Keys += sh.n
		st.Evictions += sh.evictions
		sh.mu.Unlock()
	}
	st.Networks = m.nets.len()
	st.Bytes = m.c.maxKeys*BytesPerKey + m.c.maxNets*BytesPerNetwork
	return st
}
