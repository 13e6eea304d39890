package monitor

import (
	"errors"
	"fmt"
	"github.com/leakward/leakward/score"
	"math"
	"time"
)

// Errors callers can branch on.
var (
	// ErrInvalidConfig: a Config field is out of range.
	ErrInvalidConfig = errors.New("monitor: invalid config")
	// ErrCorruptSnapshot: a snapshot is truncated, malformed or fails its
	// checksum.
	ErrCorruptSnapshot = errors.New("monitor: corrupt snapshot")
	// ErrSnapshotVersion: a snapshot was written by an unknown format
	// version.
	ErrSnapshotVersion = errors.New("monitor: unsupported snapshot version")
	// ErrIncompatible: two monitors (or a monitor and a snapshot) use
	// different network prefixes or windows and cannot be combined, or a
	// snapshot claims more keys or networks than the monitor holds.
	ErrIncompatible = errors.New("monitor: incompatible configuration")
)

// Weights are the points each signal adds to an event's score. A field left
// at 0 takes its default (the numbers in the package documentation); a
// negative value disables the signal.
type Weights struct {
	AfterLeak      int // CodeAfterLeak, default 90
	CrossKey       int // CodeCrossKey, default 60
	FanOut         int // CodeFanOut, default 60
	NewAdmin       int // CodeNewAdmin, default 40
	RateBurst      int // CodeRateBurst, default 50
	UnitsSpike     int // CodeUnitsSpike, default 50
	Dormant        int // CodeDormant, default 30
	NewWrite       int // CodeNewWrite, default 20
	NewWideNetwork int // CodeNewWideNetwork, default 20
	NewAgent       int // CodeNewAgent, default 20
	NewNetwork     int // CodeNewNetwork, default 15
	SecondSource   int // CodeSecondSource, default 50 (alone, it alerts)
}

// DefaultWeights returns the default weights.
func DefaultWeights() Weights {
	return Weights{
		AfterLeak: 90, CrossKey: 60, FanOut: 60, NewAdmin: 40, RateBurst: 50, UnitsSpike: 50,
		Dormant: 30, NewWrite: 20, NewWideNetwork: 20, NewAgent: 20, NewNetwork: 15,
		SecondSource: 50,
	}
}

// Config configures a Monitor. The zero value (or a nil *Config) means all
// defaults; each zero field takes its default.
type Config struct {
	// MaxKeys bounds the tracked keys (default 65,536). Memory is
	// BytesPerKey per key, allocated up front. It is rounded up to a power
	// of two of at least 64.
	MaxKeys int
	// MaxNetworks bounds the source networks tracked for cross-key
	// correlation (default 65,536, 24 bytes each), rounded like MaxKeys.
	MaxNetworks int

	// NetworkBitsV4 and NetworkBitsV6 are the prefix lengths that make a
	// source address's network (defaults 24 and 48; 8–32 and 16–64).
	NetworkBitsV4, NetworkBitsV6 int
	// WideBitsV4 and WideBitsV6 are the prefix lengths of the wider block
	// around it, roughly a provider or carrier allocation (defaults 16 and
	// 32; at most the network bits).
	WideBitsV4, WideBitsV6 int

	// Window is the rate and units window (default 5 minutes, at least 1s).
	Window time.Duration
	// FanOutWindow is the window for distinct networks per key and distinct
	// keys per network (default 1 hour, at least Window).
	FanOutWindow time.Duration
	// BaselineEvents and BaselineAge: a key's baseline is established once
	// it has at least BaselineEvents events (default 50) spanning at least
	// BaselineAge (default 7 days). Novelty, burst and dormancy signals need
	// an established baseline.
	BaselineEvents int
	BaselineAge    time.Duration
	// PeakHalfLife is how fast a key's remembered peak rate, units and
	// fan-out decay (default 7 days).
	PeakHalfLife time.Duration

	// BurstFactor and MinBurstEvents: a rate burst is a window with more
	// than BurstFactor (default 8) times the key's peak and at least
	// MinBurstEvents events (default 30).
	BurstFactor    float64
	MinBurstEvents int
	// UnitsFactor and MinSpikeEvents: a units spike is a window whose units
	// exceed UnitsFactor (default 8) times the key's peak units, with at
	// least MinSpikeEvents events in the window (default 5).
	UnitsFactor    float64
	MinSpikeEvents int
	// FanOutMin and FanOutFactor: fan-out is at least FanOutMin (default
	// 10) distinct networks for a key in one FanOutWindow, and more than
	// FanOutFactor (default 3) times its peak.
	FanOutMin    int
	FanOutFactor float64
	// CrossKeyMin and CrossKeyFactor: cross-key correlation is one network
	// presenting at least CrossKeyMin (default 20) distinct keys for which
	// it is a new wide network in one FanOutWindow, and more than
	// CrossKeyFactor (default 3) times the network's peak.
	CrossKeyMin    int
	CrossKeyFactor float64
	// DormantAfter is the silence after which a key with a baseline counts
	// as dormant (default 30 days).
	DormantAfter time.Duration

	// AlertScore is the score at which Monitor.Alert reports an event
	// (default 50).
	AlertScore int
	// Levels maps scores to levels; the zero value means
	// score.DefaultThresholds (the same levels as the rest of package
	// score).
	Levels score.Thresholds
	// Classify maps Event.Op to a class when Event.Class is ClassAuto
	// (default DefaultClassify). It must be safe for concurrent use and
	// should not allocate.
	Classify func(op string) OpClass
	// Weights overrides signal weights; nil means DefaultWeights.
	Weights *Weights
}

// cfg is a resolved Config in the units the hot path uses.
type cfg struct {
	maxKeys, maxNets         int
	net4, net6, wide4, wide6 int
	win, fanWin              uint32 // seconds
	baseEvents               uint32
	baseAge                  uint32
	halfLife                 float64 // seconds
	burst                    float32
	minBurst                 uint32
	unitsF                   float32
	minSpike                 uint32
	fanMin                   int
	fanF                     float32
	crossMin                 int
	crossF                   float32
	dormant                  uint32
	alert                    int
	levels                   score.Thresholds
	classify                 func(string) OpClass
	w                        Weights
}

func seconds(d time.Duration) uint32 {
	s := d / time.Second
	if s > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(s)
}

func pow2(n, min int) int {
	p := min
	for p < n {
		p <<= 1
	}
	return p
}

func (c *Config) resolve() (cfg, error) {
	var z Config
	if c == nil {
		c = &z
	}
	r := cfg{
		maxKeys: 1 << 16, maxNets: 1 << 16,
		net4: 24, net6: 48, wide4: 16, wide6: 32,
		win: 300, fanWin: 3600, baseEvents: 50, baseAge: 7 * 86400, halfLife: 7 * 86400,
		burst: 8, minBurst: 30, unitsF: 8, minSpike: 5, fanMin: 10, fanF: 3,
		crossMin: 20, crossF: 3, dormant: 30 * 86400, alert: 50,
		classify: DefaultClassify, w: DefaultWeights(),
	}
	bad := func(field string, v any) (cfg, error) {
		return cfg{}, fmt.Errorf("%w: %s %v out of range", ErrInvalidConfig, field, v)
	}
	setInt := func(dst *int, v, lo, hi int, name string) error {
		if v == 0 {
			return nil
		}
		if v < lo || v > hi {
			_, err := bad(name, v)
			return err
		}
		*dst = v
		return nil
	}
	for _, f := range []struct {
		dst       *int
		v, lo, hi int
		name      string
	}{
		{&r.maxKeys, c.MaxKeys, 1, 1 << 30, "MaxKeys"},
		{&r.maxNets, c.MaxNetworks, 1, 1 << 28, "MaxNetworks"},
		{&r.net4, c.NetworkBitsV4, 8, 32, "NetworkBitsV4"},
		{&r.net6, c.NetworkBitsV6, 16, 64, "NetworkBitsV6"},
		{&r.wide4, c.WideBitsV4, 1, 32, "WideBitsV4"},
		{&r.wide6, c.WideBitsV6, 1, 64, "WideBitsV6"},
		{&r.fanMin, c.FanOutMin, 2, 200, "FanOutMin"},
		{&r.crossMin, c.CrossKeyMin, 2, 200, "CrossKeyMin"},
		{&r.alert, c.AlertScore, 1, 100, "AlertScore"},
	} {
		if err := setInt(f.dst, f.v, f.lo, f.hi, f.name); err != nil {
			return cfg{}, err
		}
	}
	if r.wide4 > r.net4 || r.wide6 > r.net6 {
		return bad("WideBits", "wider than network bits")
	}
	r.maxKeys = pow2(r.maxKeys, 64)
	r.maxNets = pow2(r.maxNets, 64)
	durs := []struct {
		dst  *uint32
		d    time.Duration
		name string
	}{
		{&r.win, c.Window, "Window"},
		{&r.fanWin, c.FanOutWindow, "FanOutWindow"},
		{&r.baseAge, c.BaselineAge, "BaselineAge"},
		{&r.dormant, c.DormantAfter, "DormantAfter"},
	}
	for _, d := range durs {
		if d.d == 0 {
			continue
		}
		if d.d < time.Second {
			return bad(d.name, d.d)
		}
		*d.dst = seconds(d.d)
	}
	if r.fanWin < r.win {
		return bad("FanOutWindow", "shorter than Window")
	}
	if c.PeakHalfLife != 0 {
		if c.PeakHalfLife < time.Second {
			return bad("PeakHalfLife", c.PeakHalfLife)
		}
		r.halfLife = c.PeakHalfLife.Seconds()
	}
	if c.BaselineEvents != 0 {
		if c.BaselineEvents < 1 || c.BaselineEvents > 1<<30 {
			return bad("BaselineEvents", c.BaselineEvents)
		}
		r.baseEvents = uint32(c.BaselineEvents)
	}
	if c.MinBurstEvents != 0 {
		if c.MinBurstEvents < 1 || c.MinBurstEvents > 1<<30 {
			return bad("MinBurstEvents", c.MinBurstEvents)
		}
		r.minBurst = uint32(c.MinBurstEvents)
	}
	if c.MinSpikeEvents != 0 {
		if c.MinSpikeEvents < 1 || c.MinSpikeEvents > 1<<30 {
			return bad("MinSpikeEvents", c.MinSpikeEvents)
		}
		r.minSpike = uint32(c.MinSpikeEvents)
	}
	facs := []struct {
		dst  *float32
		v    float64
		name string
	}{
		{&r.burst, c.BurstFactor, "BurstFactor"},
		{&r.unitsF, c.UnitsFactor, "UnitsFactor"},
		{&r.fanF, c.FanOutFactor, "FanOutFactor"},
		{&r.crossF, c.CrossKeyFactor, "CrossKeyFactor"},
	}
	for _, f := range facs {
		if f.v == 0 {
			continue
		}
		if !(f.v >= 1 && f.v <= 1000) {
			return bad(f.name, f.v)
		}
		*f.dst = float32(f.v)
	}
	r.levels = c.Levels
	if r.levels == (score.Thresholds{}) {
		r.levels = score.DefaultThresholds()
	}
	if l := r.levels; !(0 <= l.Low && l.Low <= l.Medium && l.Medium <= l.High && l.High <= l.Critical && l.Critical <= 100) {
		return bad("Levels", l)
	}
	if c.Classify != nil {
		r.classify = c.Classify
	}
	if c.Weights != nil {
		d := DefaultWeights()
		w := *c.Weights
		for _, p := range []struct{ dst, def *int }{
			{&w.AfterLeak, &d.AfterLeak}, {&w.CrossKey, &d.CrossKey}, {&w.FanOut, &d.FanOut},
			{&w.NewAdmin, &d.NewAdmin}, {&w.RateBurst, &d.RateBurst}, {&w.UnitsSpike, &d.UnitsSpike},
			{&w.Dormant, &d.Dormant}, {&w.NewWrite, &d.NewWrite}, {&w.NewWideNetwork, &d.NewWideNetwork},
			{&w.NewAgent, &d.NewAgent}, {&w.NewNetwork, &d.NewNetwork}, {&w.SecondSource, &d.SecondSource},
		} {
			switch {
			case *p.dst == 0:
				*p.dst = *p.def
			case *p.dst > 100:
				return bad("Weights", *p.dst)
			}
		}
		r.w = w
	}
	return r, nil
}
