package detect

import (
	"hash/maphash"
	"sync/atomic"
)

// nameCache remembers, for the field keys a logger uses again and again,
// that a key holds no secret and whether its name says secret, so that a
// record's fixed keys are checked once rather than on every record. An
// entry holds a keyed 62-bit hash of the key and two flags, never the key:
// a key that holds a finding is never cached, and nothing of it is kept.
// Two keys whose hashes agree in 62 bits (about 2^-62 for any pair, with
// a seed drawn at New) would share a decision.
//
// A nameCache is safe for concurrent use: each slot is one atomic word,
// replaced whole.
type nameCache struct {
	seed  maphash.Seed
	slots [nameSlots]atomic.Uint64
}

const (
	nameSlots = 256
	// maxCachedName bounds the keys cached: a longer key is checked every
	// time.
	maxCachedName = 64

	nameClean  = 1 // cached: the key holds no finding (always set)
	nameSecret = 2 // the key's name says secret
)

// lookup returns the cached flags of key and true, or false when key is
// not cached.
func (c *nameCache) lookup(key string) (flags uint64, h uint64, ok bool) {
	h = maphash.String(c.seed, key) &^ 3
	e := c.slots[h%nameSlots].Load()
	if e&^3 == h && e != 0 {
		return e & 3, h, true
	}
	return 0, h, false
}

// store caches flags for the key whose hash lookup returned.
func (c *nameCache) store(h, flags uint64) {
	if h != 0 {
		c.slots[h%nameSlots].Store(h | flags)
	}
}
