package leakstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/bits-and-blooms/bloom/v3"
)

// Sentinel errors, for errors.Is. Every error about bad input or a full
// store wraps one of them; I/O errors wrap the underlying error instead.
var (
	// ErrFull is returned by Add and AddDigest when adding a new entry
	// would take the count past the capacity of a store that does not
	// allow overfill.
	ErrFull = errors.New("leakstore: store is full")
	// ErrInvalidConfig is returned by New for a Config it cannot honour.
	ErrInvalidConfig = errors.New("leakstore: invalid config")
	// ErrDigest is returned by ParseDigest for malformed hex.
	ErrDigest = errors.New("leakstore: invalid digest")
	// ErrPepper is returned when a peppered store is read without its
	// pepper or with the wrong one, or a pepper is too short.
	ErrPepper = errors.New("leakstore: pepper missing or wrong")
	// ErrBadMagic is returned when a file does not start with [Magic].
	ErrBadMagic = errors.New("leakstore: not a leak store file (bad magic)")
	// ErrVersion is returned for a file of a format version this package
	// does not read.
	ErrVersion = errors.New("leakstore: unsupported format version")
	// ErrCorrupt is returned for a file whose header is inconsistent,
	// whose checksum does not match, or that has trailing bytes.
	ErrCorrupt = errors.New("leakstore: corrupt file")
	// ErrTruncated is returned for a file that ends early.
	ErrTruncated = errors.New("leakstore: truncated file")
	// ErrTooLarge is returned for a file whose bit array or source label
	// exceeds the configured limits.
	ErrTooLarge = errors.New("leakstore: file exceeds limits")
)

// Scheme says how a store turns a canonical digest into a filter entry. It
// is a plain value, safe to copy and share.
type Scheme uint8

// Digest schemes, as recorded in the file.
const (
	// SchemeSHA256 stores the canonical digest (SHA-256 of the key) itself.
	SchemeSHA256 Scheme = 1
	// SchemeHMACSHA256 stores HMAC-SHA256(pepper, canonical digest). The
	// pepper is never written to the file.
	SchemeHMACSHA256 Scheme = 2
)

// String returns "sha256" or "hmac-sha256".
func (s Scheme) String() string {
	switch s {
	case SchemeSHA256:
		return "sha256"
	case SchemeHMACSHA256:
		return "hmac-sha256"
	}
	return fmt.Sprintf("scheme(%d)", uint8(s))
}

// Limits of the parameters.
const (
	// DefaultFPRate is the target false-positive rate when Config.FPRate
	// is zero: one in a million.
	DefaultFPRate = 1e-6
	// MinFPRate is the lowest Config.FPRate accepted.
	MinFPRate = 1e-15
	// MaxFPRate is the highest Config.FPRate accepted.
	MaxFPRate = 0.5
	// MaxK is the largest number of probes per entry (MinFPRate needs 50).
	MaxK = 64
	// MaxSourceBytes is the longest source label.
	MaxSourceBytes = 4096
	// HardMaxBits is the largest bit array (16 GiB) any store may have,
	// whatever the options. On 32-bit platforms the limit is 2³¹ − 1 bits.
	HardMaxBits = 1 << 37
)

// platformMaxBits is HardMaxBits, lowered on 32-bit platforms so that
// sizes fit in int and uint.
const platformMaxBits = min(HardMaxBits, math.MaxInt)

// Config describes a new store. The zero value is not usable: Capacity is
// required. New copies what it needs, so a Config may be reused or changed
// afterwards; like any struct it must not be changed while New reads it.
type Config struct {
	// Capacity is the number of distinct keys the store is sized for.
	Capacity uint64
	// FPRate is the target false-positive rate at Capacity, between
	// MinFPRate and MaxFPRate; zero means DefaultFPRate.
	FPRate float64
	// Pepper, when set, makes the store use SchemeHMACSHA256 with this
	// secret (at least MinPepperBytes). It is copied, and never written to
	// the file; the same pepper must be given to Read.
	Pepper []byte
	// Source is a free-text label recorded in the file (for example the
	// feed name), at most MaxSourceBytes of valid UTF-8.
	Source string
	// Created is the creation time recorded in the file; zero means now.
	Created time.Time
	// AllowOverfill lets adds continue past Capacity (the false-positive
	// rate then rises above FPRate, see [Store.EstimatedFPRate]) instead
	// of failing with ErrFull.
	AllowOverfill bool
}

// Store is a bloom filter of canonical key digests. Lookups never lock and
// never allocate; adds use atomic bit operations, so any number of
// goroutines may call ContainsKey, ContainsDigest, Add, AddDigest and
// WriteTo concurrently. A lookup that starts after an Add returned always
// answers true for that key. The lookups of a nil *Store return
// ErrNoStore and its Count is 0; other methods need a store from New or
// Read.
type Store struct {
	words  []uint64 // bit i of the filter is words[i/64] bit i%64
	m      uint64   // bits, a multiple of 64, == 64*len(words)
	k      uint32
	scheme Scheme
	pepper *pepperKey // nil for SchemeSHA256
	check  [8]byte    // pepper check value, zero for SchemeSHA256

	capacity      uint64
	fpRate        float64
	created       time.Time
	source        string
	allowOverfill bool

	count atomic.Uint64
}

// Parameters computes the bloom filter size for capacity entries at the
// target false-positive rate fpRate: m bits (rounded up to a multiple of
// 64) and k probes. It uses bloom/v3's estimate, m = ⌈−n·ln p / ln²2⌉ and
// k = ⌈ln 2 · m/n⌉.
func Parameters(capacity uint64, fpRate float64) (m uint64, k uint32, err error) {
	if capacity == 0 {
		return 0, 0, fmt.Errorf("%w: capacity must be positive", ErrInvalidConfig)
	}
	if !(fpRate >= MinFPRate && fpRate <= MaxFPRate) {
		return 0, 0, fmt.Errorf("%w: false-positive rate %g outside [%g, %g]", ErrInvalidConfig, fpRate, MinFPRate, MaxFPRate)
	}
	bound := -float64(capacity) * math.Log(fpRate) / (math.Ln2 * math.Ln2)
	if bound > platformMaxBits-64 {
		return 0, 0, fmt.Errorf("%w: %d entries at %g need %.0f bits, more than %d", ErrInvalidConfig, capacity, fpRate, bound, uint64(platformMaxBits))
	}
	bm, bk := bloom.EstimateParameters(uint(capacity), fpRate)
	m = (uint64(bm) + 63) &^ 63
	if m == 0 {
		m = 64
	}
	k = uint32(max(1, min(bk, MaxK)))
	return m, k, nil
}

// New returns an empty store sized by cfg.
func New(cfg Config) (*Store, error) {
	fp := cfg.FPRate
	if fp == 0 {
		fp = DefaultFPRate
	}
	m, k, err := Parameters(cfg.Capacity, fp)
	if err != nil {
		return nil, err
	}
	if len(cfg.Source) > MaxSourceBytes || !utf8.ValidString(cfg.Source) {
		return nil, fmt.Errorf("%w: source label must be valid UTF-8 of at most %d bytes", ErrInvalidConfig, MaxSourceBytes)
	}
	s := &Store{
		words:         newWords(m / 64),
		m:             m,
		k:             k,
		scheme:        SchemeSHA256,
		capacity:      cfg.Capacity,
		fpRate:        fp,
		created:       cfg.Created,
		source:        cfg.Source,
		allowOverfill: cfg.AllowOverfill,
	}
	if s.created.IsZero() {
		s.created = time.Now()
	}
	s.created = time.Unix(0, s.created.UnixNano()).UTC() // what the file can hold
	if cfg.Pepper != nil {
		if err := s.setPepper(cfg.Pepper); err != nil {
			return nil, err
		}
		s.check = pepperCheck(cfg.Pepper)
	}
	return s, nil
}

func (s *Store) setPepper(pepper []byte) error {
	if len(pepper) < MinPepperBytes {
		return fmt.Errorf("%w: pepper has %d bytes, want at least %d", ErrPepper, len(pepper), MinPepperBytes)
	}
	s.scheme = SchemeHMACSHA256
	s.pepper = newPepperKey(pepper)
	return nil
}

// entry maps a canonical digest to the 32 bytes the filter hashes.
func (s *Store) entry(d *[32]byte) [32]byte {
	if s.pepper != nil {
		return s.pepper.mac(d)
	}
	return *d
}

// The filter hashes an entry without further hashing: an entry is a
// SHA-256 or HMAC-SHA256 output, already uniform. Its first three
// little-endian words a, b, c drive enhanced double hashing: probe i is
// the bit ⌊x_i·m / 2⁶⁴⌋ with x_0 = a, x_{i+1} = x_i + b_i, b_{i+1} = b_i + c
// (all mod 2⁶⁴). The multiply-shift maps onto [0, m) without a division.

func (s *Store) test(e *[32]byte) bool {
	a := binary.LittleEndian.Uint64(e[0:8])
	b := binary.LittleEndian.Uint64(e[8:16])
	c := binary.LittleEndian.Uint64(e[16:24])
	words, m := s.words, s.m
	for i := s.k; i > 0; i-- {
		bit, _ := bits.Mul64(a, m)
		if atomic.LoadUint64(&words[bit>>6])&(1<<(bit&63)) == 0 {
			return false
		}
		a += b
		b += c
	}
	return true
}

func (s *Store) set(e *[32]byte) {
	a := binary.LittleEndian.Uint64(e[0:8])
	b := binary.LittleEndian.Uint64(e[8:16])
	c := binary.LittleEndian.Uint64(e[16:24])
	words, m := s.words, s.m
	for i := s.k; i > 0; i-- {
		bit, _ := bits.Mul64(a, m)
		atomic.OrUint64(&words[bit>>6], 1<<(bit&63))
		a += b
		b += c
	}
}

// ErrNoStore is returned by the lookups of a nil *Store and of a Reloader
// that holds no store: a store that failed to load must not read as an
// empty one.
var ErrNoStore = errors.New("leakstore: no store loaded")

// ContainsKey reports whether key (its exact bytes) is in the store. It
// costs one SHA-256 of key (plus two for a peppered store) and at most K
// bit probes, and does not allocate or lock. It may answer true for a key
// never added, at about [Store.EstimatedFPRate]. It does not wait, so it
// ignores ctx; its only error is ErrNoStore, for a nil *Store. It
// implements score.LeakStore.
func (s *Store) ContainsKey(_ context.Context, key []byte) (bool, error) {
	if s == nil {
		return false, ErrNoStore
	}
	d := sha256.Sum256(key)
	e := s.entry(&d)
	return s.test(&e), nil
}

// ContainsDigest reports whether the key whose canonical digest is d is in
// the store, like ContainsKey. It does not allocate.
func (s *Store) ContainsDigest(_ context.Context, d [32]byte) (bool, error) {
	if s == nil {
		return false, ErrNoStore
	}
	e := s.entry(&d)
	return s.test(&e), nil
}

// Add adds key (its exact bytes; the store keeps only its digest). It
// returns nil if the key was added or was already present (or is a false
// positive), and an error wrapping ErrFull if a new entry would take the
// count past the capacity of a store that does not allow overfill; the
// store is then unchanged.
func (s *Store) Add(key []byte) error {
	d := sha256.Sum256(key)
	return s.AddDigest(d)
}

// AddDigest adds the key whose canonical digest is d, like Add.
func (s *Store) AddDigest(d [32]byte) error {
	if s == nil {
		return fmt.Errorf("%w: nil store", ErrInvalidConfig)
	}
	e := s.entry(&d)
	if s.test(&e) {
		return nil
	}
	for {
		c := s.count.Load()
		if c >= s.capacity && !s.allowOverfill {
			return fmt.Errorf("%w: capacity %d reached", ErrFull, s.capacity)
		}
		if s.count.CompareAndSwap(c, c+1) {
			break
		}
	}
	s.set(&e)
	return nil
}

// Count returns the number of entries added: each Add that found its key
// absent counts once. Keys that were false positives when added are not
// counted; the same new key added by two goroutines at once may count
// twice.
func (s *Store) Count() uint64 {
	if s == nil {
		return 0
	}
	return s.count.Load()
}

// Capacity returns the number of entries the store was sized for.
func (s *Store) Capacity() uint64 { return s.capacity }

// M returns the size of the bit array in bits (a multiple of 64).
func (s *Store) M() uint64 { return s.m }

// K returns the number of bit probes per entry.
func (s *Store) K() int { return int(s.k) }

// SizeBytes returns the memory taken by the bit array, m/8 bytes.
func (s *Store) SizeBytes() uint64 { return s.m / 8 }

// Scheme returns the digest scheme.
func (s *Store) Scheme() Scheme { return s.scheme }

// FPRate returns the target false-positive rate at capacity.
func (s *Store) FPRate() float64 { return s.fpRate }

// Overfilled reports whether the count has passed the capacity (only
// possible when the store allows overfill).
func (s *Store) Overfilled() bool { return s.Count() > s.capacity }

// EstimatedFPRate returns the expected false-positive rate at the current
// count n: (1 − e^(−k·n/m))^k. It is O(1); [Store.Fill] gives the rate
// measured from the bits.
func (s *Store) EstimatedFPRate() float64 {
	n := float64(s.Count())
	return math.Pow(-math.Expm1(-float64(s.k)*n/float64(s.m)), float64(s.k))
}

// Fill counts the bits set and returns the fraction of the m bits set and
// the false-positive rate that fill gives, fraction^k. It reads the whole
// bit array (O(m)).
func (s *Store) Fill() (fraction, fpRate float64) {
	var n uint64
	for i := range s.words {
		n += uint64(bits.OnesCount64(atomic.LoadUint64(&s.words[i])))
	}
	fraction = float64(n) / float64(s.m)
	return fraction, math.Pow(fraction, float64(s.k))
}

// Header returns the store's parameters as WriteTo would record them now.
func (s *Store) Header() Header {
	return Header{
		Version:       FormatVersion,
		Scheme:        s.scheme,
		M:             s.m,
		K:             int(s.k),
		Capacity:      s.capacity,
		Count:         s.Count(),
		FPRate:        s.fpRate,
		Created:       s.created,
		Source:        s.source,
		AllowOverfill: s.allowOverfill,
	}
}

// newWords allocates a zeroed bit array of n words.
func newWords(n uint64) []uint64 {
	w := make([]uint64, n)
	adviseHugePages(w)
	return w
}
