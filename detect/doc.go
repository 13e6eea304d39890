// Package detect is leakward's engine: it finds credentials in text,
// redacts them, and does both on streams and log records.
//
// # Building a Detector
//
// [New] compiles a list of [patterns.Pattern] once; the built-in catalog
// is [patterns.Default]. A [Detector] is immutable and safe for concurrent
// use by any number of goroutines; build one and share it.
//
//	d, err := detect.New(patterns.Default())
//
// Options tune it: [WithDisabled] drops patterns by id, [WithMatchTimeout]
// bounds each regex search, [WithDecodeDepth] sets how many layers of
// base64, percent and JSON escaping are undone, [WithMask] and
// [WithFingerprintKey] choose what [Detector.Redact] writes.
//
// Patterns of your own join the catalog with patterns.With. A pattern that
// comes from a configuration file rather than code goes through
// [CheckCustom] first: it holds it to the catalog's bounds and to the
// rules a built-in pattern's tests enforce, with errors that never quote
// the pattern's keywords or regex.
//
// # Scanning
//
// [Detector.Scan] returns a [Finding] per credential: the pattern id and the
// byte offsets of the secret itself, sorted and never overlapping, with
// facts such as whether a checksum validated it, whether it is a test-mode
// value, how it was encoded, and what a validator decoded (the AWS account
// id of a key id, a JWT's expiry). A Finding holds no secret: its String,
// GoString, %v/%+v/%#v and JSON forms show the id, the offsets and the
// length only; [Finding.Secret] gives the bytes back from the scanned text
// when the caller needs them. [Detector.AppendScan] reuses a caller's slice.
//
// # How a scan works
//
//  1. One prefilter pass finds every occurrence of every pattern's keywords
//     (a 4-byte gram hash tested against a 32 KiB bit table; sub-linear in
//     the number of patterns).
//  2. Around each occurrence, the pattern's regex runs in a window bounded
//     by the pattern's MaxLen; a match must contain the keyword.
//  3. The candidate secret goes through the pattern's validator (checksum
//     or structure), its minimum entropy, and placeholder rejection
//     ([IsPlaceholder]).
//  4. Encoded text is decoded and scanned again, one level deeper
//     (DefaultDecodeDepth levels at most), where a trigger shows it may
//     hold a secret: runs of base64 (standard or URL-safe, also wrapped
//     at 64 or 76 columns) or of hex digits around the encoded form of a
//     distinctive keyword; percent-encoding around %2F, %2B, %3D, %40,
//     %3A, %24 or %25, and, in text decoded once, around every escape
//     that was escaped again (%2520), a form's '+' also read as a space;
//     JSON escapes around \u00 or :\/\/; the lines holding HTML
//     references for /, + or =, or the references of a keyword's quotes
//     (&quot;ciphertext&quot;); and, near any keyword, the JSON text up to
//     a \/ (encoders that escape every slash), and the keyword's line when
//     it holds ANSI colour sequences or HTML references. Findings in
//     decoded text cover the encoded bytes. Keywords matched regardless of
//     case give base64 and hex forms in lower case, capitalised and upper
//     case.
//  5. Overlapping findings are resolved deterministically: validated over
//     unvalidated, then, for two findings of one pattern, the one that
//     contains the other (a secret whose percent-encoded padding only its
//     decoded form holds), then provider-specific over generic, then higher
//     confidence, then text as written over decoded, then the longer span,
//     then catalog order. A finding that strictly contains a better one is
//     cut into its parts around it rather than dropped, so no byte of it
//     goes unredacted (the other values of a Secret manifest, the rest of
//     a Basic credential around a decoded token). A generic container is
//     also cut around a provider's finding, or a decoded one, inside it,
//     validated or not; any container around a finding of its own pattern,
//     as validated, in base64 or hex it holds (a Secret manifest encoded in
//     another one's data). Findings of patterns
//     linked by LinkWith (an AWS key id and its secret) that lie near each
//     other share a Link number.
//
// Text without keywords costs the prefilter alone and allocates nothing.
//
// # Redacting
//
// [Detector.Redact] appends a copy of the text with every secret replaced
// by a mask: "[REDACTED:<pattern-id>]" by default, a kept non-secret prefix
// ("ghp_…[REDACTED]") with [MaskPrefix], or a keyed fingerprint
// ("[REDACTED:github-pat-classic:hmac=1a2b3c4d]") with [MaskFingerprint].
// [Detector.NewWriter] and [Detector.NewReader] redact streams with output
// byte-identical to Redact of the whole input, whatever the chunking.
// [Detector.NewHandler] wraps a log/slog handler. [WithKeepLines] makes
// masks keep the line breaks of multi-line secrets, so that a 5-line PEM
// block becomes 5 lines of mask and line numbers still match the source.
//
// # Streams and log sinks
//
// A [Writer] holds back the last [Detector.Horizon] bytes until more
// input comes, so that a secret split across writes is still found.
// [Writer.Flush] writes out everything written so far, as bufio's does:
// what the end of the input so far leaves undecided (an unfinished line,
// an open PEM block) is masked as undecided, never written in part, so a
// process that flushes and exits loses nothing and leaks nothing. For log
// sinks, [Detector.NewLineWriter] writes each line as soon as its line
// break is written and the engine can decide it, holding back only an
// open multi-line construct (a private key block begun and not ended, a
// Secret manifest, wrapped base64), up to a bound after which the held
// lines are masked as undecided:
//
//	w := d.NewLineWriter(os.Stderr, 0)
//	log.SetOutput(w)
//	defer w.Flush()
//
// # Structured fields
//
// A field of a log record or a span has a name, and the name is context
// the value lacks: "password" with a value of no distinctive shape is a
// credential, as password=value in text is. [Detector.SecretName] tells
// which names say secret (password, db.password, dbPassword, X-Api-Key,
// AUTHORIZATION; not token_count, password_length or key_id);
// [WithSecretNames] and [WithPublicNames] add names. [Detector.AppendScanField]
// and [Detector.RedactField] check a value with its name: a secret-named
// value is checked as the assignment name=value, then password=value, in
// text would be, by the catalog's own rules and pattern ids, so a
// placeholder ("********", "${DB_PASSWORD}", "<redacted>"), an empty value
// and one shorter than 4 bytes are left alone. The slog Handler does this
// for every attribute, with its group path.
//
// # Allowlists
//
// [WithAllowValues] exempts exact values a team has reviewed, such as the
// test tokens of a fixture. Entries are digests, "sha256:" or
// "hmac-sha256:" and 64 hex digits, so the allowlist holds no secret: a
// keyed entry ([AllowEntryKeyed]) uses the key of [WithFingerprintKey] and
// starts with the fingerprint [MaskFingerprint] prints for the value; an
// unkeyed one ([AllowEntry]) suits values with enough entropy not to be
// guessed from their hash. [ParseAllowValues] reads one entry per line,
// with # comments, and reports a bad line by its number, never its text.
// A candidate whose value is exactly an allowed one, after decoding, is
// neither reported nor masked, and is counted by Stats().Allowed. Only
// candidates are hashed, so the check costs nothing on text without
// them and allocates nothing; undecided regions and values that run on
// past their pattern's end are never allowed.
//
// [Detector.Exempt] returns a view that does not run some patterns, for
// one call site (a handler, a writer, a field): it shares the compiled
// Detector, so it costs a pass over the patterns, not a compilation.
//
// Spans are as narrow as the secret: in an AWS SigV4 credential
// (Credential=AKIA…/20260301/us-east-1/s3/aws4_request, also
// percent-encoded in a presigned URL) only the access key id is masked,
// and the scope after it is left as is.
//
// # Redaction guarantee
//
// When in doubt, mask. Every region the engine cannot decide is reported
// as a finding of pattern [UndecidedID] and masked like a secret, never
// passed, and counted by [Detector.Stats]:
//
//   - a regex search that exceeds its match timeout ([ReasonTimeout]): the
//     window it searched;
//   - text whose keywords and decoding would cost more than the work
//     budget ([ReasonBudget]): the windows of those keywords and the
//     regions they would have decoded. Work is estimated in weighted runes
//     searched and regions decoded, never in time, so what is masked
//     depends on the text alone: blocks of 4 KiB past the first 64 KiB of
//     an input may spend 16 units per byte, averaged over 16 KiB; the
//     first 64 KiB 64. Ordinary logs spend under 2, text dense with real
//     secrets 20 to 60, text built to be slow hundreds or more;
//   - a value that runs on past the end its pattern allows
//     ([ReasonLimit]): the rest of the run.
//
// Resolution of overlapping findings never unmasks a byte that some
// finding covered: parts of a worse finding that no kept finding covers
// are kept as pieces of it. Encoded runs are decoded up to the length of
// the base64 form of the longest enabled pattern's secret (16 KiB each
// side of a trigger with the default catalog), so an RSA-8192 private key
// in base64 on one line is decoded whole; blocks of wrapped base64 (lines of 64 or 76 characters) are
// decoded whatever they hold.
//
// The wrappers apply the same rule to what they print: [Detector.NewHandler]
// redacts each value in the form its inner handler will print it, and a
// value it cannot render is replaced by [RedactedUnrenderable].
//
// # Metrics
//
// [WithObserver] sets an [Observer] that the Detector, its Writers,
// Readers and Handlers report to, synchronously: bytes checked, each
// finding returned or masked, by pattern id (undecided regions with their
// [Reason]), regex searches that timed out, and the change in bytes a
// Writer holds back ([EventKind] says what each counts). [Counters] is a
// ready Observer for metrics: atomic totals, findings by pattern id,
// undecided regions by reason.
//
//	var c detect.Counters
//	d, err := detect.New(patterns.Default(), detect.WithObserver(&c))
//	…
//	c.ByPattern() // map[github-pat-classic:3 password-assignment:1]
//
// Without an Observer, reporting costs one comparison per call. With
// one, it is one Observe call per check plus one per finding; a check
// that finds nothing allocates nothing.
//
// # Limits
//
// A timed-out search depends on the machine: under heavy load an
// ordinary search can exceed the timeout, and its window is then masked
// (over-redaction, counted by Stats.Timeouts), not passed. A secret with
// no distinctive shape is found only next to a keyword that names it.
// Base64 inside base64 is not decoded. Detection is offline: no key is
// checked against its provider.
package detect
