package monitor

import (
	"math/bits"
	"sync"
)

// netEntry is the cross-key state of one source network: 24 bytes.
type netEntry struct {
	h     uint64 // network hash; 0 means empty
	bits  uint64 // linear-counting bitmap of keys new to this network in the window
	win   uint32 // window start
	peak  uint8  // decaying peak of the estimate
	flags uint8  // fFan: flagged in this window
}

const netWays = 4

type netShard struct {
	mu    sync.Mutex
	e     []netEntry
	bmask uint64
	n     int
	_     [64]byte
}

// netTable is a fixed-size, sharded, 4-way set-associative table of source
// networks; a full bucket evicts the network whose window is oldest.
type netTable struct {
	sh    []netShard
	smask uint64
}

func (nt *netTable) init(n int) {
	nsh := n / 1024
	switch {
	case nsh < 1:
		nsh = 1
	case nsh > 64:
		nsh = 64
	}
	nt.sh = make([]netShard, nsh)
	nt.smask = uint64(nsh - 1)
	per := n / nsh
	for i := range nt.sh {
		nt.sh[i].e = make([]netEntry, per)
		nt.sh[i].bmask = uint64(per/netWays - 1)
	}
}

func (nt *netTable) len() int {
	n := 0
	for i := range nt.sh {
		s := &nt.sh[i]
		s.mu.Lock()
		n += s.n
		s.mu.Unlock()
	}
	return n
}

// find returns the entry for h, taking an empty or the stalest entry of
// its bucket when absent. Callers hold the shard lock.
func (s *netShard) find(h uint64) *netEntry {
	base := int((h>>8)&s.bmask) * netWays
	b := s.e[base : base+netWays : base+netWays]
	v := -1
	for i := range b {
		if b[i].h == h {
			return &b[i]
		}
		if v < 0 || b[v].h != 0 && (b[i].h == 0 || b[i].win < b[v].win) {
			v = i
		}
	}
	if b[v].h == 0 {
		s.n++
	}
	b[v] = netEntry{h: h}
	return &b[v]
}

// observe counts key kh as new to network nh at t and reports whether the
// network is flagged for cross-key correlation in t's window.
func (nt *netTable) observe(c *cfg, est *[65]uint8, nh, kh uint64, t uint32) bool {
	if nh == 0 {
		nh = 1
	}
	s := &nt.sh[nh&nt.smask]
	s.mu.Lock()
	e := s.find(nh)
	ws := t - t%c.fanWin
	switch {
	case ws > e.win:
		if e.win != 0 {
			p := float32(e.peak) * decayBy(c.halfLife, ws-e.win)
			if e.flags == 0 {
				p = max(p, float32(est[bits.OnesCount64(e.bits)]))
			}
			e.peak = uint8(min(p+0.5, 255))
		}
		e.win, e.bits, e.flags = ws, 0, 0
	case ws < e.win && e.win-t > c.fanWin:
		s.mu.Unlock()
		return false
	}
	e.bits |= 1 << (kh >> 58)
	flagged := e.flags != 0
	if !flagged {
		n := est[bits.OnesCount64(e.bits)]
		if int(n) >= c.crossMin && float32(n) > c.crossF*float32(e.peak) {
			e.flags, flagged = 1, true
		}
	}
	s.mu.Unlock()
	return flagged
}
