// Package leakwardzap redacts credentials in zap logs: a zapcore.Core that
// wraps another and removes secrets from each entry before the wrapped core
// encodes it.
//
// The rule is to redact what the wrapped encoder will print: each value is
// rendered the way zap renders it, and the rendering is redacted. Regions
// the detector cannot decide (a regex timeout, a work budget or a limit
// reached) are masked as secrets are (by default "[REDACTED:undecided]"),
// and counted:
// [Core.Stats] returns the detector's counters.
//
// # What is redacted
//
// The entry: its message, logger name (zap.Logger.Named), stack trace, and
// caller file and function.
//
// Keys: every field key, namespace name (zap.Namespace) and key added inside
// an object marshaler. A key that holds a secret is replaced whole by
// [RedactedKey].
//
// Values:
//   - strings (zap.String, zap.Any of a string) and byte strings
//     (zap.ByteString) are redacted in place;
//   - binary values (zap.Binary, zap.Any of a []byte, AddBinary inside an
//     object), which zap prints in base64: the bytes are scanned as text, and
//     the base64 form as printed; if either holds a secret, the field is
//     logged as a string holding the redacted text of the bytes (or, if only
//     the base64 form held one, the redacted base64 form);
//   - fmt.Stringer values (zap.Stringer): String is called once and its
//     result logged as a redacted string; a nil pointer prints "<nil>" and a
//     panic prints "PANIC=<value>", redacted, under the key followed by
//     "Error", as zap does;
//   - errors (zap.Error, zap.NamedError, zap.Errors) are rendered by zap's
//     own code through an encoder that redacts, so everything zap prints for
//     them is redacted: the Error text, the "<key>Verbose" form of an error
//     that implements fmt.Formatter, the "<key>Causes" array of an error
//     group (an error with an Errors() []error method, as go.uber.org/multierr
//     builds) at any depth, and the "PANIC=<value>" text of a panicking Error;
//   - reflected values (zap.Reflect, zap.Any of a struct, map or slice) are
//     encoded as zap's JSON encoder does (encoding/json without HTML
//     escaping), keys included; if that holds a secret, the field is logged
//     as the redacted JSON string. A value that cannot be encoded is logged
//     as zap logs it, the error text under the key followed by "Error",
//     redacted;
//   - object and array marshalers (zap.Object, zap.Array, zap.Strings,
//     zap.Inline, zap.Dict) are marshalled through an encoder that applies
//     all of the above to what they add, at any depth. An error one returns
//     is redacted before zap prints it, and a panic in one is recovered and
//     logged as "PANIC=<value>", redacted, under the key followed by "Error"
//     (zap itself would let that panic through).
//
// Numbers, booleans, times and durations are passed through. Fields added
// with With are redacted once, when they are added.
//
// # Field names
//
// A field's name is context for its value: zap.String("password", v) is
// redacted when the text password=v would be, though v alone has no shape a
// pattern knows. The name is the field's key, after the path of the
// namespaces it is in (zap.Namespace, in With or in the entry, and
// OpenNamespace inside an object) and of the objects it is a member of
// (zap.Object, zap.Dict, an element of zap.Objects), joined with '.':
// zap.Namespace("db") then zap.String("password", v) is db.password, and
// AddString("password", v) inside zap.Object("db", m) is too. Members of
// an inline object (zap.Inline) are beside it, without its key. The
// elements of an array are checked with the array's name.
//
// A value whose name says secret (detect.Detector.SecretName: password,
// api_key, dbPassword, X-Api-Key, AUTHORIZATION, a name given to
// detect.WithSecretNames, and not password_length or key_id) is checked as
// detect.Detector.RedactField checks it: scanned alone first, and, when
// that finds nothing, as an assignment to its name, with the catalog's
// rules for such values (placeholders, short and empty values are kept).
// This applies to strings, byte strings, Stringer and error text, the
// JSON of reflected values (a struct's members are checked by their own
// names in that JSON, not by the field's) and what object and array
// marshalers add. A value whose name does not say secret is scanned alone,
// and the name costs one check that does not allocate. Binary values and
// numbers are not checked by name.
//
// # Where it goes in the chain
//
// Core.Check adds the Core itself to the checked entry, so its Write runs
// and hands the redacted entry to the wrapped core's Write. A sampler
// (zapcore.NewSamplerWithOptions) or a tee should therefore wrap this Core,
// not be wrapped by it: a sampler inside would not be consulted. When this
// Core is the first to accept an entry at DPanicLevel or above, Check also
// records the redacted entry, so the message zap panics with after writing
// is redacted too.
//
// # Cost
//
// Each message, key and string field is scanned once: the detector writes
// its redaction into a pooled buffer, which is compared with the input. A
// clean entry of strings and numbers allocates nothing; an entry in which
// something is redacted allocates the new strings and one copy of the field
// slice. An error field reaches the wrapped core as an inline object
// marshaler (same output), which allocates. Reflected fields are encoded
// twice when clean; a binary field is also base64-encoded once to be
// scanned.
//
// # Not promised
//
// Texts are scanned as given, not as the encoder escapes them. A custom
// reflected encoder (EncoderConfig.NewReflectedEncoder) is not consulted:
// reflected values are scanned in their JSON form. Times are passed to the
// encoder's time encoder unscanned. An error field reaches the wrapped core
// as an inline object marshaler rather than a zapcore.ErrorType field (the
// output is the same). A secret split across two fields or keys is not
// found.
package leakwardzap
