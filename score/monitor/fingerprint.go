package monitor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// KeyID is a keyed fingerprint of an API key: the first 16 bytes of
// HMAC-SHA256(hmacKey, key). The monitor identifies keys only by KeyID and
// never holds a key. A KeyID is a plain comparable value, safe to copy and
// share.
//
// The redactor in package detect prints the first 4 bytes of the same HMAC
// as 8 hex digits ("hmac=1a2b3c4d"); [KeyID.Short] returns exactly those
// digits, so a key seen in a log line and a key seen in traffic can be
// matched when both sides use the same HMAC key. The 8-digit form is only a
// hint (32 bits collide among about 65,000 keys); the monitor itself
// compares all 128 bits.
type KeyID [16]byte

// Fingerprint returns the KeyID of key under hmacKey: the first 16 bytes of
// HMAC-SHA256(hmacKey, key). It allocates; compute it once per key, not
// per request, where that matters.
func Fingerprint(key, hmacKey []byte) KeyID {
	h := hmac.New(sha256.New, hmacKey)
	h.Write(key)
	var sum [sha256.Size]byte
	var id KeyID
	copy(id[:], h.Sum(sum[:0]))
	return id
}

// String returns the 32 lowercase hex digits of id.
func (id KeyID) String() string { return hex.EncodeToString(id[:]) }

// Short returns the first 8 hex digits of id, the form the redactor prints
// after "hmac=".
func (id KeyID) Short() string { return hex.EncodeToString(id[:4]) }

// MarshalText implements encoding.TextMarshaler (32 hex digits).
func (id KeyID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it accepts the 32 hex
// digits written by MarshalText.
func (id *KeyID) UnmarshalText(b []byte) error {
	p, err := ParseKeyID(string(b))
	if err != nil {
		return err
	}
	*id = p
	return nil
}

// ParseKeyID parses the 32 hex digits of a KeyID.
func ParseKeyID(s string) (KeyID, error) {
	var id KeyID
	if len(s) != 2*len(id) {
		return id, fmt.Errorf("monitor: key id has %d hex digits, want %d", len(s), 2*len(id))
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return KeyID{}, fmt.Errorf("monitor: key id is not hex")
	}
	return id, nil
}
