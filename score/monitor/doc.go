// Package monitor watches how API keys are used and scores each call for
// signs of misuse: a leaked key being replayed, tested or abused for
// billing. It is meant to sit in a gateway or service that sees every call,
// and to keep up with it: about a microsecond per event, no allocation per
// event, fixed memory.
//
// # Events and keys
//
// An [Event] names the key by its [KeyID], a keyed fingerprint: the first
// 16 bytes of HMAC-SHA256(hmacKey, key), computed by [Fingerprint]. The
// monitor never sees or holds the key itself. The redactor in package
// detect prints the first 8 hex digits of the same HMAC ("hmac=1a2b3c4d"),
// which is [KeyID.Short], so a key seen in a log line and a key seen in
// traffic can be matched. An event also carries its time (a parameter: the
// monitor never reads the clock, so replays are deterministic), the source
// address, the client string, the operation and its units (cost, tokens or
// bytes).
//
// Source addresses are grouped into networks (IPv4 /24, IPv6 /48) and wide
// blocks around them (IPv4 /16, IPv6 /32), roughly a provider's or a mobile
// carrier's allocation; both are configurable. Operations are classified
// as read, write or admin by [DefaultClassify], by Config.Classify, or by
// the caller through Event.Class.
//
// # Signals and weights
//
// [Monitor.Observe] returns a [score.Result]: the points of the signals
// that fired, capped at 100, the level (by default the levels of package
// score: low from 1, medium from 30, high from 55, critical from 80) and
// one reason per signal. [Monitor.Alert]
// reports a score of at least Config.AlertScore (default 50). Signals
// marked "baseline" need an established baseline: by default 50 events
// over at least 7 days.
//
//	code                       points  fires when
//	monitor.after-leak             90  the key is used at or after its MarkLeaked time
//	monitor.cross-key              60  one network presents ≥ 20 keys in an hour for which it is
//	                                   a new wide block (or that are new), > 3× its own peak
//	monitor.fan-out                60  baseline; ≥ 10 distinct networks in an hour, > 3× the key's peak
//	monitor.rate-burst             50  baseline; ≥ 30 calls in 5 minutes and > 8× the key's peak
//	monitor.units-spike            50  baseline; units in 5 minutes > 8× the key's peak (≥ 5 calls)
//	monitor.new-admin              40  baseline; first admin operation
//	monitor.dormant                30  baseline; first call after ≥ 30 days of silence
//	monitor.new-write              20  baseline; first write operation
//	monitor.new-wide-network       20  baseline; source outside the key's recent wide blocks
//	monitor.new-agent              20  baseline; client product not among the key's recent ones
//	monitor.new-network            15  baseline; source network not among the key's recent ones
//	monitor.second-source          50  baseline; a new wide block used in 12 of the day's sixteen
//	                                   90-minute slots, while the key's other networks are used
//	                                   26 hours or more after the block appeared (once per block)
//
// The weights are chosen so that one strong signal alerts on its own
// (after-leak, cross-key, fan-out, rate burst, units spike) and weak ones
// alert only together: a new network in a new block from a new client
// (15+20+20) alerts, a phone moving to another carrier block (15+20) does
// not, nor does a rare admin call from a known network and client (40),
// but an admin call from a new block does (20+40). Second source catches
// the user of a leaked key who copies the owner's client and operations
// and calls slowly from one new block: people use a key in their waking
// hours, not around the clock, and a service that moves to a new block
// leaves its old networks within a day. A
// key's peaks (calls, units and networks per window) decay with a half-life
// of 7 days; the mean calls per active window is kept as an EWMA. Windows
// that fire do not raise the peaks, so sustained abuse keeps firing once
// per window. All thresholds and weights are in [Config] and [Weights].
//
// # Memory
//
// Each tracked key takes [BytesPerKey] (132) bytes, a 128-byte slot and a 4-byte tag: its recent 8 networks,
// 4 wide blocks and 4 client products (each replaced by CLOCK), windows and
// peaks, a 64-bit linear-counting sketch of distinct networks in the
// fan-out window, and the block on probation for second source with the
// slots of the day it was used in. Keys live in a table of Config.MaxKeys slots; each key
// may sit in either of two buckets of 8 (two-choice hashing: the table
// holds over 95% of MaxKeys before it evicts), and a new key whose two
// buckets are full evicts the least recently used of those 16 keys
// (sampled LRU), leaked keys last. Cross-key correlation keeps a table of
// Config.MaxNetworks networks ([BytesPerNetwork], 24, bytes each) with a
// 64-bit sketch of distinct keys each. Nothing grows after [New].
//
// # Snapshots and merging
//
// [Monitor.WriteTo] writes a versioned snapshot with a CRC-32C checksum
// and [Monitor.ReadFrom] merges one back in, so a restart loses nothing.
// A snapshot is checked before it costs memory: the counts its header
// claims must fit the reading monitor's MaxKeys and MaxNetworks and the
// bytes the input holds, and from a file (any reader that can seek) the
// checksum is verified in a first pass with a fixed 64 KiB buffer before
// the body is read into memory; a stream is read in 64 KiB chunks, so
// memory follows the bytes delivered, never the claim.
// [Monitor.Merge] combines another monitor's state, so monitors behind a
// load balancer can be joined: networks, clients and classes are united,
// counters of the same window are added, peaks take the maximum.
//
// # Concurrency and order
//
// A Monitor is safe for concurrent use. Events may arrive out of order: up
// to one window late they count as if on time; see [Monitor.Observe].
//
// # Speed and accuracy
//
// On a shared 2-core AMD EPYC (go1.26), one goroutine, 1,048,576 tracked
// keys (138 MB of tables), steady state: about 800 ns and 0 allocations per
// event, 1.2–1.4 million events/s; 250 ns at 4,096 keys; two goroutines
// sharing one monitor 1.8 million events/s:
//
//	go test -run XXX -bench Observe -benchtime 1s ./score/monitor
//
// TestScenarios replays 21 days of generated traffic (package
// internal/traffic: about 7.5 million events, 5,000 benign keys of six
// kinds, 100 instances of each attack, attacks in days 14–18). With the
// default Config, on seed 1 (the seed the defaults were settled on): replay
// 100%, after-leak 100%, drip 98%, billing 100%, tester 100% of instances
// detected; false alarms on 5 of 5,000 benign keys (0.10%), all people
// whose rarely used client first appeared from a new block. Seeds 42 and 7:
// drip 93% and 98%, replay 99% and 97%, false alarms 0.04% and 0.12%. The
// median attack is detected on its first call (replay p90: 11 calls;
// tester median: 9–12 keys tried).
//
//	go test -run TestScenarios -v ./score/monitor
//
// # What it does not promise
//
// The signals are statistical. A careful attacker who copies the key
// owner's client string and operation mix and calls from the owner's
// networks at the owner's rate is invisible to them. One who copies the
// client string and calls slowly from a new network scores 35 (a new
// network in a new block), like a person travelling, and alerts only once
// the block has been used around the clock with the owner's networks still
// in use more than a day later (second source): a drain that stops within
// a day is most of the drip instances missed above. A new key, or one
// with few calls, has no baseline and gets only after-leak and cross-key
// signals. The 64-bit sketches count up to about 250 distinct items with
// roughly 15% error near the thresholds. The CRC detects corruption, not
// tampering.
package monitor
