package leakstore

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Digest returns the canonical digest of key: the SHA-256 of its exact
// bytes (no trimming, no case folding). Leak feeds that share digests
// instead of keys must use the same definition.
func Digest(key []byte) [32]byte { return sha256.Sum256(key) }

// ParseDigest decodes a canonical digest written as 64 hexadecimal digits
// (either case). It does not allocate. On error the message names the
// offending position but never repeats the input.
func ParseDigest(hexDigest []byte) ([32]byte, error) {
	var d [32]byte
	if len(hexDigest) != 64 {
		return d, fmt.Errorf("%w: hex digest has %d characters, want 64", ErrDigest, len(hexDigest))
	}
	for i := 0; i < 32; i++ {
		hi, ok1 := unhex(hexDigest[2*i])
		lo, ok2 := unhex(hexDigest[2*i+1])
		if !ok1 || !ok2 {
			pos := 2 * i
			if ok1 {
				pos++
			}
			return [32]byte{}, fmt.Errorf("%w: non-hex character at offset %d", ErrDigest, pos)
		}
		d[i] = hi<<4 | lo
	}
	return d, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// FormatDigest returns d as 64 lowercase hexadecimal digits.
func FormatDigest(d [32]byte) string { return hex.EncodeToString(d[:]) }

// MinPepperBytes is the shortest pepper New and Read accept. A pepper
// should be 32 random bytes kept outside the store file.
const MinPepperBytes = 16

// pepperKey holds the HMAC-SHA256 pads derived from a pepper. Entries of a
// peppered store are HMAC-SHA256(pepper, canonical digest), so a feed of
// plain SHA-256 digests can still be loaded into a peppered store.
type pepperKey struct {
	ipad, opad [sha256.BlockSize]byte
}

func newPepperKey(pepper []byte) *pepperKey {
	var p pepperKey
	key := pepper
	if len(key) > sha256.BlockSize {
		s := sha256.Sum256(key)
		key = s[:]
	}
	copy(p.ipad[:], key)
	copy(p.opad[:], key)
	for i := range p.ipad {
		p.ipad[i] ^= 0x36
		p.opad[i] ^= 0x5c
	}
	return &p
}

// mac returns HMAC-SHA256(pepper, d) without allocating.
func (p *pepperKey) mac(d *[32]byte) [32]byte {
	var buf [sha256.BlockSize + sha256.Size]byte
	copy(buf[:], p.ipad[:])
	copy(buf[sha256.BlockSize:], d[:])
	inner := sha256.Sum256(buf[:])
	copy(buf[:], p.opad[:])
	copy(buf[sha256.BlockSize:], inner[:])
	return sha256.Sum256(buf[:])
}

// pepperCheckLabel is MACed with the pepper to produce the 8-byte check
// value stored in peppered files, so that loading with a wrong pepper fails
// instead of silently answering "not leaked" for every key.
const pepperCheckLabel = "leakward leakstore pepper check v1"

func pepperCheck(pepper []byte) [8]byte {
	m := hmac.New(sha256.New, pepper)
	m.Write([]byte(pepperCheckLabel))
	var c [8]byte
	copy(c[:], m.Sum(nil))
	return c
}
