// Package leakward finds credentials in text, redacts them and scores their
// risk, in-process and at log-pipeline speed. This package holds only
// documentation; the work is done by three packages:
//
//   - [github.com/leakward/leakward/patterns]: the catalog of credential
//     formats as data. [patterns.Default] returns one [patterns.Pattern] per
//     credential type: its id, provider, what it grants, the literal keywords
//     that anchor it, a regex, and a validator where the format has
//     structure (CRC-32 checksums, Base58Check, BIP39, bech32, JWT headers,
//     PEM blocks that parse, …).
//   - [github.com/leakward/leakward/detect]: the engine. [detect.New]
//     compiles patterns into a [detect.Detector], which scans, redacts,
//     redacts streams ([detect.Writer], [detect.Reader]) and wraps a
//     log/slog handler ([detect.Handler]). It finds secrets as written and
//     encoded (base64, hex, percent, JSON and HTML escapes, ANSI colours),
//     decoding only around a trigger.
//   - [github.com/leakward/leakward/score]: risk decisions. A score from 0
//     to 100 with a level and machine-readable reasons for a finding or a
//     submitted key, the store of known-leaked key digests
//     ([github.com/leakward/leakward/score/leakstore]) and a monitor of key
//     usage ([github.com/leakward/leakward/score/monitor]).
//
// # Five minutes
//
// Build a detector once and share it; it is immutable and safe for
// concurrent use:
//
//	d, err := detect.New(patterns.Default())
//	if err != nil { … }
//
// Scan returns where each secret is, never the secret itself:
//
//	for _, f := range d.Scan(line) {
//		fmt.Println(f.PatternID, f.Start, f.End, f.Validated) // f prints no secret
//	}
//
// Redact copies text with every secret masked ("[REDACTED:github-pat-classic]"
// by default; a kept prefix or a keyed HMAC fingerprint by option):
//
//	clean := d.Redact(dst[:0], line)
//
// For streams, wrap an io.Writer; output is the same whatever the chunking
// of the input:
//
//	w := d.NewWriter(os.Stdout)
//	io.Copy(w, os.Stdin)
//	w.Close()
//
// For log/slog, wrap the handler:
//
//	logger := slog.New(d.NewHandler(slog.NewJSONHandler(os.Stderr, nil)))
//
// # How it is fast
//
// One multi-literal prefilter looks for every pattern's keywords in a single
// pass (a 4-byte gram hash tested against a table that fits in L1 cache);
// regexes run only in small windows around keyword occurrences, and
// validators, entropy and placeholder checks only on regex matches. Clean
// text costs about as much as the prefilter and allocates nothing.
//
// # What is not promised
//
// Secrets with no distinctive shape (a random 32-character value) are found
// only next to a keyword that names them (a variable name, a header, a
// host). Detection is offline: no key is ever checked against its provider.
// Regex searches are bounded by a match timeout: a pathological custom
// pattern gives a miss, counted by [detect.Detector.Timeouts], not a hang.
package leakward
