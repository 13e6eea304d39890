// Package leakstore answers "has this key been seen leaked?" in-process,
// in nanoseconds, without keeping any key at rest: a bloom filter of key
// digests that can be built from plaintext keys or from a feed of SHA-256
// digests, written to a checksummed file, and hot-reloaded.
//
// A [*Store] (and a [*Reloader] holding one) satisfies score.LeakStore.
// Its lookups take a context, which they ignore since they never wait, and
// fail only when there is no store: a nil *Store or an empty Reloader
// returns [ErrNoStore], so a store that failed to load is never mistaken
// for an empty one.
//
// # Digests
//
// The canonical digest of a key is the SHA-256 of its exact bytes
// ([Digest]); leak feeds that share digests instead of keys use the same
// definition, written as 64 hex digits ([ParseDigest]). A store never sees
// more than digests: [Store.Add] and [Store.ContainsKey] hash the key and
// forget it.
//
// For low-entropy secrets such as passwords, whose digests can be reversed
// by guessing, a store can be peppered ([Config].Pepper): it then holds
// HMAC-SHA256(pepper, digest) instead of the digest ([SchemeHMACSHA256]).
// Because the HMAC is taken over the canonical digest, a peppered store can
// still be built from a digest feed. The pepper is never written to the
// file, which records the scheme and an 8-byte check value
// (HMAC-SHA256(pepper, "leakward leakstore pepper check v1"), truncated)
// so that reading with a wrong pepper fails with [ErrPepper] instead of
// answering "not leaked" to everything.
//
// # Filter
//
// A store of capacity n and target false-positive rate p has
// m = ⌈−n·ln p / ln²2⌉ bits rounded up to a multiple of 64, and
// k = ⌈ln 2 · m/n⌉ probes ([Parameters], from bloom/v3's
// EstimateParameters): 1.5M keys at 10⁻⁶ take 5.4 MB and 20 probes. The
// digest is already uniformly random, so it is not hashed again: its first
// three little-endian 64-bit words drive enhanced double hashing, and each
// probe maps onto [0, m) by a multiply-shift. A lookup by key therefore
// costs one SHA-256 and at most k memory probes; by digest, only the
// probes. The filter's own bit layout and probing are this package's, not
// bloom/v3's, so that bits can be set and read atomically and the file
// layout is fixed.
//
// A store refuses, with [ErrFull], an add that would take its count past
// its capacity, unless [Config].AllowOverfill is set; in both cases
// [Store.EstimatedFPRate] reports the rate at the current count and
// [Store.Fill] the rate measured from the bits. A false positive is
// possible at about that rate; a false negative is not.
//
// # Concurrency
//
// Lookups never lock, block or allocate. The bit array is a []uint64 read
// with atomic loads and written with atomic ORs, so adds may run while any
// number of goroutines look up, and a lookup that starts after an add has
// returned finds the key. A [Reloader] holds the current store behind an
// atomic pointer: [Reloader.Load] reads a new file while lookups continue
// on the old store, then swaps it in; a failed load leaves the old one in
// place.
//
// On Linux, bit arrays of 4 MiB and more are advised to use transparent
// huge pages: a lookup touches k random cache lines, and with 4 KiB pages
// almost every probe also misses the TLB.
//
// # File format
//
// All integers are little-endian. Version 1:
//
//	offset  size  field
//	0       8     magic "\x89LWLEAK\n"
//	8       2     format version, 1
//	10      1     digest scheme: 1 sha256, 2 hmac-sha256
//	11      1     flags: bit 0 allow overfill; other bits zero
//	12      4     k, 1..64
//	16      8     m in bits, a positive multiple of 64
//	24      8     capacity, > 0
//	32      8     count (≤ capacity unless overfill is allowed)
//	40      8     target false-positive rate, IEEE 754 binary64
//	48      8     creation time, Unix nanoseconds (signed)
//	56      8     pepper check value (zero for sha256)
//	64      4     source label length L, ≤ 4096
//	68      4     reserved, zero
//	72      L     source label, UTF-8
//	72+L    m/8   bit array: m/64 uint64 words; bit i is bit i%64 of word i/64
//	72+L+m/8 32   SHA-256 of all preceding bytes
//
// [Read] checks every header field against these rules and against
// [ReadOptions].MaxBits (default [DefaultMaxBits], 2 GiB of bits) before
// allocating anything, and when the reader's size is known ([ReadFile], a
// reader that can seek, or one with a Len method) it checks that the bytes
// the header claims are there. Nothing sized by the header is allocated
// before the checksum is verified: a regular file or any reader that can
// seek is read twice, first through the SHA-256 with one 64 KiB buffer,
// then into a bit array of the verified size, checking the checksum again
// in case the file changed in between; a reader that cannot seek is read
// once, its bit array grown as data arrives, so memory follows the bytes
// really delivered (at most about twice them, and never more than
// MaxBits), not the header's claim. A 2 GiB file of zeros with a valid
// header therefore costs a read of 2 GiB (a few seconds of SHA-256) and
// under 1 MiB of memory before it fails. Errors wrap [ErrBadMagic],
// [ErrVersion], [ErrCorrupt], [ErrTruncated], [ErrTooLarge] or
// [ErrPepper], and carry sizes and header fields, never file bytes; no
// input makes Read panic. The format is canonical: a file that reads
// writes back byte for byte.
//
// # Performance
//
// On a shared 2-core AMD EPYC virtual machine (SHA-NI, go1.26, lightly
// loaded), with 40-byte keys, from
//
//	go test ./score/leakstore -run XXX -bench 'Contains|Build' -benchtime=300ms
//
//	                          1M keys, 1e-6    10M keys, 1e-6
//	ContainsKey, present        146 ns           355–403 ns
//	ContainsKey, absent         138 ns           300–320 ns
//	ContainsDigest, present      43 ns           198–211 ns
//	ContainsDigest, absent       28 ns            43–48 ns
//
// with 0 allocations. A SHA-256 of a 40-byte key costs about 85 ns here;
// the rest is memory latency: a present key reads k = 20 random cache lines
// of a 36 MB array, and on this machine one DRAM access takes 150 ns, so
// the 10M figures are bound by the memory, not the code, and grow when
// other processes share the memory bus (2–4x under heavy load). Adding
// costs about 200 ns a key from one goroutine: 1.5M keys take 0.3 s (1.4 s
// with the example's build command, reading a file, under load). The bit
// array is within 0.01% of the bloom bound. With LEAKSTORE_BENCH_100M=1
// the benchmarks also run at 100M keys (360 MB; several minutes to build).
//
// # What is not promised
//
// A store cannot list or remove its keys, and cannot be resized: build a
// new one and swap it in. [Store.Count] counts adds that found their key
// absent, so it may undercount by the keys that were false positives and
// overcount a key added by two goroutines at the same instant. The file
// checksum detects corruption, not tampering: anyone who can write the
// file can forge one.
package leakstore
