package detect

import (
	"encoding/json"
	"fmt"

	"github.com/leakward/leakward/patterns"
)

// Encoding says how a secret was written in the scanned text.
type Encoding uint8

// Encodings a finding can carry.
const (
	// EncodingNone: the secret appears as is.
	EncodingNone Encoding = iota
	// EncodingBase64: the secret was found after base64-decoding a run of
	// the text; the finding's span covers the encoded bytes.
	EncodingBase64
	// EncodingPercent: the secret was found after percent-decoding.
	EncodingPercent
	// EncodingJSON: the secret was found after undoing JSON string escapes.
	EncodingJSON
	// EncodingANSI: the secret was found after removing ANSI terminal
	// escape sequences (colours in a log line); the span may include
	// sequences inside the secret, never ones around it.
	EncodingANSI
	// EncodingHTML: the secret was found after decoding HTML character
	// references (&quot;, &#43;, &#x2F;).
	EncodingHTML
	// EncodingHex: the secret was found after hex-decoding a run of the
	// text; the finding's span covers the hex digits.
	EncodingHex
)

var encodingNames = [...]string{"none", "base64", "percent", "json", "ansi", "html", "hex"}

// String returns the lowercase name of e.
func (e Encoding) String() string {
	if int(e) < len(encodingNames) {
		return encodingNames[e]
	}
	return fmt.Sprintf("encoding(%d)", uint8(e))
}

// MarshalText implements encoding.TextMarshaler.
func (e Encoding) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UndecidedID is the pattern id of an undecided finding: a region the
// engine could not decide (a regex search that timed out, text past the
// work budget, a limit reached) and therefore reports, and masks, as if it
// held a secret. Its Undecided field says why.
const UndecidedID = "undecided"

// Reason says why a region was left undecided.
type Reason uint8

// Reasons of undecided findings.
const (
	// Decided: the finding is an ordinary one.
	Decided Reason = iota
	// ReasonTimeout: a regex search of the region exceeded its match
	// timeout.
	ReasonTimeout
	// ReasonBudget: the scan spent its work budget before the region.
	ReasonBudget
	// ReasonLimit: a size limit cut the region (a decode window, a
	// value longer than its pattern allows).
	ReasonLimit
	// ReasonUnrenderable: a logging wrapper could not render a value to
	// check it and replaced it whole. It is reported to an Observer; no
	// Finding carries it.
	ReasonUnrenderable
)

var reasonNames = [...]string{"decided", "timeout", "budget", "limit", "unrenderable"}

// String returns the lowercase name of r.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// MarshalText implements encoding.TextMarshaler.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Finding is one credential found in a scanned text. It holds offsets into
// the text and facts about the credential, never the secret itself: a
// Finding can be logged, printed or marshalled safely. Its String and
// GoString show only the pattern id, the offsets and the length.
//
// A Finding is a plain value and safe to copy and share.
type Finding struct {
	// PatternID is the id of the pattern that matched.
	PatternID string
	// Start and End are the byte offsets of the secret itself in the
	// scanned text (End exclusive). For an encoded secret they cover the
	// encoded bytes.
	Start, End int
	// Severity is the pattern's base severity.
	Severity patterns.Severity
	// Grants is the pattern's privilege class.
	Grants patterns.Privilege
	// Confidence is how sure the match is: ConfidenceValidated when a
	// checksum or structure was confirmed, else the pattern's confidence
	// (lowered one step for patterns marked Uncertain).
	Confidence patterns.Confidence
	// Validated reports that a checksum or parsed structure confirmed the
	// secret.
	Validated bool
	// Test reports a test, sandbox or testnet value.
	Test bool
	// Entropy is the Shannon entropy of the secret in bits per byte.
	Entropy float64
	// Encoding says how the secret was written in the text (the outermost
	// layer when several were undone).
	Encoding Encoding
	// Link is non-zero for findings that belong to one credential (an AWS
	// key id and its secret key share the same Link).
	Link int
	// Meta holds facts a validator decoded (AWS account id, JWT expiry…).
	Meta patterns.Meta
	// Undecided is non-zero for an undecided finding (PatternID
	// UndecidedID): a region masked because the engine could not decide
	// it, and why.
	Undecided Reason

	pat int32 // 1 + the index of the pattern in its Detector, or 0
}

// Len returns the length in bytes of the secret's span.
func (f Finding) Len() int { return f.End - f.Start }

// Secret returns the secret's bytes in src, the text f was found in. The
// result aliases src. It is the only way to get at the secret; handle it
// with care.
func (f Finding) Secret(src []byte) []byte {
	if f.Start < 0 || f.End > len(src) || f.Start > f.End {
		return nil
	}
	return src[f.Start:f.End]
}

// String describes f without its secret, for example
// "github-pat-classic[10:50] (40 bytes)".
func (f Finding) String() string {
	return fmt.Sprintf("%s[%d:%d] (%d bytes)", f.PatternID, f.Start, f.End, f.End-f.Start)
}

// GoString is like String, so that %#v does not print more than %v.
func (f Finding) GoString() string { return "detect.Finding{" + f.String() + "}" }

// Format implements fmt.Formatter so that every verb (%v, %+v, %#v, %s, %q)
// prints the safe description.
func (f Finding) Format(s fmt.State, verb rune) {
	switch {
	case verb == 'v' && s.Flag('#'):
		fmt.Fprint(s, f.GoString())
	case verb == 'q':
		fmt.Fprintf(s, "%q", f.String())
	default:
		fmt.Fprint(s, f.String())
	}
}

// MarshalJSON renders f with its offsets and facts; it holds no secret.
func (f Finding) MarshalJSON() ([]byte, error) {
	type meta struct {
		AWSAccountID uint64 `json:"aws_account_id,omitempty"`
		ExpiresAt    int64  `json:"expires_at,omitempty"`
		IssuedAt     int64  `json:"issued_at,omitempty"`
		Encrypted    bool   `json:"encrypted,omitempty"`
	}
	return json.Marshal(struct {
		PatternID  string             `json:"pattern_id"`
		Start      int                `json:"start"`
		End        int                `json:"end"`
		Severity   string             `json:"severity"`
		Grants     patterns.Privilege `json:"grants"`
		Confidence string             `json:"confidence"`
		Validated  bool               `json:"validated"`
		Test       bool               `json:"test"`
		Entropy    float64            `json:"entropy"`
		Encoding   Encoding           `json:"encoding"`
		Link       int                `json:"link,omitempty"`
		Undecided  Reason             `json:"undecided,omitzero"`
		Meta       meta               `json:"meta"`
	}{
		f.PatternID, f.Start, f.End, f.Severity.String(), f.Grants, f.Confidence.String(),
		f.Validated, f.Test, f.Entropy, f.Encoding, f.Link, f.Undecided,
		meta{f.Meta.AWSAccountID, f.Meta.ExpiresAt, f.Meta.IssuedAt, f.Meta.Encrypted},
	})
}

// Preview returns a redacted preview of a secret: its first 4 bytes and its
// length, as "ghp_…(40)". Shorter secrets (under 12 bytes) show no bytes at
// all. Use it in messages that must say which secret without saying it.
func Preview(secret []byte) string {
	if len(secret) < 12 {
		return fmt.Sprintf("…(%d)", len(secret))
	}
	return fmt.Sprintf("%s…(%d)", safePrefix(secret[:4]), len(secret))
}

// safePrefix returns b as a string with non-printable bytes replaced.
func safePrefix(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c >= 0x7f {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}
