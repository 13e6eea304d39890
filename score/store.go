package score

// LeakStore answers whether a key is known to have leaked. It is the only
// thing the scoring code needs from a leak store, so any backend (the
// embedded bloom filter in package leakstore, a remote service, a database)
// can stand behind it.
//
// ContainsKey reports whether the exact bytes of key are in the store.
// ContainsDigest does the same for a key known only by its canonical
// digest: the SHA-256 of the key's exact bytes, so that
// ContainsDigest(sha256.Sum256(key)) == ContainsKey(key). Both methods may
// answer true for a key that was never added (a false positive, at a rate
// the backend documents) but must never answer false for a key whose
// addition has completed.
//
// Implementations must be safe for concurrent use by multiple goroutines,
// must not retain key, and should not allocate. Consumers treat a nil
// LeakStore (and a nil pointer inside one, where the implementation allows
// it, as *leakstore.Store and *leakstore.Reloader do) as an empty store:
// nothing is known to have leaked.
type LeakStore interface {
	ContainsKey(key []byte) bool
	ContainsDigest(d [32]byte) bool
}
