package score

import "context"

// LeakStore answers whether a key is known to have leaked. It is the only
// thing the scoring code needs from a leak store, so any backend (the
// embedded bloom filter in package leakstore, a remote service, a database)
// can stand behind it.
//
// ContainsKey reports whether the exact bytes of key are in the store.
// ContainsDigest does the same for a key known only by its canonical
// digest: the SHA-256 of the key's exact bytes, so that
// ContainsDigest(ctx, sha256.Sum256(key)) answers as ContainsKey(ctx, key).
// Both methods may answer true for a key that was never added (a false
// positive, at a rate the backend documents) but must never answer false
// for a key whose addition has completed.
//
// A method that cannot answer (the backend is down, the context ended, no
// store is loaded) returns a non-nil error, and its bool means nothing.
// Consumers never read an error as "not listed": a [Checker] rejects the
// key with [CodeStoreUnavailable] (see [CheckerConfig]) and
// [Scorer.ScoreFinding] returns the error. A backend that waits (on the
// network, on a lock) should stop when ctx is done and return an error
// wrapping ctx.Err(). An error must not contain the key or any part of it.
//
// Implementations must be safe for concurrent use by multiple goroutines,
// must not retain key, and should not allocate when they answer. A nil
// LeakStore means that no store is configured: the leak check does not
// run, and a Decision says so (see [Checks]). A nil *leakstore.Store or an
// empty *leakstore.Reloader is not "no store": it answers with an error.
type LeakStore interface {
	ContainsKey(ctx context.Context, key []byte) (bool, error)
	ContainsDigest(ctx context.Context, d [32]byte) (bool, error)
}
