package patterns

import (
	"fmt"
	"math"
	"sync"
)

// Severity is the base severity of a credential type before context
// adjustments (live or test, exposure, known-leaked). The zero value is
// SeverityInfo.
type Severity uint8

// Severities, lowest first. They follow the letters of the catalog
// (I, L, M, H, C).
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the lowercase name of s ("info" … "critical").
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// Privilege is the privilege class of what a credential grants, using the
// names of the catalog's legend ("cloud-root", "payment", …).
type Privilege string

// Privilege classes of the catalog.
const (
	PrivCloudRoot    Privilege = "cloud-root"
	PrivFullAccount  Privilege = "full-account"
	PrivAdmin        Privilege = "admin"
	PrivScoped       Privilege = "scoped"
	PrivReadOnly     Privilege = "read-only"
	PrivPayment      Privilege = "payment"
	PrivTestMode     Privilege = "test-mode"
	PrivMessaging    Privilege = "messaging"
	PrivDataStore    Privilege = "data-store"
	PrivSupplyChain  Privilege = "supply-chain"
	PrivCI           Privilege = "ci"
	PrivWalletFunds  Privilege = "wallet-funds"
	PrivBillingAbuse Privilege = "billing-abuse"
	PrivSession      Privilege = "session"
	PrivIdentifier   Privilege = "identifier"
)

// Confidence says how sure a match of a pattern is to be a real credential,
// from the shape of the format alone. The engine raises a finding to
// ConfidenceValidated when the pattern's validator accepted a checksum or
// structure.
type Confidence uint8

// Confidence levels, weakest first.
const (
	// ConfidenceGeneric: a keyword-assigned value with enough entropy.
	ConfidenceGeneric Confidence = iota
	// ConfidenceContextual: a random-looking value recognised only next to a
	// keyword (variable name, header, host).
	ConfidenceContextual
	// ConfidenceDistinctive: a distinctive prefix or fixed marker.
	ConfidenceDistinctive
	// ConfidenceValidated: a checksum or a parsed structure confirmed it.
	ConfidenceValidated
)

var confidenceNames = [...]string{"generic", "contextual", "distinctive", "validated"}

// String returns the lowercase name of c.
func (c Confidence) String() string {
	if int(c) < len(confidenceNames) {
		return confidenceNames[c]
	}
	return fmt.Sprintf("confidence(%d)", uint8(c))
}

// Meta holds facts a validator decoded from a secret. The engine passes a
// zeroed Meta to each validator call and copies it onto the finding. Meta
// never holds the secret or any part of it.
type Meta struct {
	// AWSAccountID is the 12-digit AWS account decoded from an access key
	// id, or 0 when the id does not encode one.
	AWSAccountID uint64
	// ExpiresAt is the expiry (Unix seconds) a token carries, such as a
	// JWT's exp claim; 0 when unknown.
	ExpiresAt int64
	// IssuedAt is the issue time (Unix seconds) a token carries; 0 when
	// unknown.
	IssuedAt int64
	// Test is set by a validator that recognised a test, sandbox or testnet
	// value (for example a tprv key or a TestPyPI token).
	Test bool
	// Encrypted is set when the secret is itself encrypted and needs a
	// passphrase (an ENCRYPTED PEM block, a keystore file).
	Encrypted bool
	// Structured is set when the validator confirmed a checksum or parsed
	// structure, as opposed to only rejecting obvious non-secrets.
	Structured bool
}

// Validator checks a candidate secret's structure or checksum. It returns
// false to reject the candidate. It may record decoded facts in m. A
// Validator must not retain secret, must not panic on any input, and must
// run in time linear in len(secret).
type Validator func(secret []byte, m *Meta) bool

// Pattern describes one credential format. A Pattern is plain data: build
// your own to extend the catalog and pass it to detect.New with the
// built-ins. Patterns are values; the engine copies what it needs when it
// compiles them, so a Pattern may be reused or changed afterwards.
//
// How the engine uses a Pattern: it looks for the Keywords with one
// multi-literal prefilter over the input; around each keyword occurrence it
// runs Regex over a window reaching MaxLen bytes (plus a little slack for
// look-arounds) before and after the keyword; it keeps matches that contain
// the keyword occurrence; the secret is the group named "secret", or the
// whole match when the regex has no such group; then it applies the
// Validator, MinEntropy and placeholder rejection.
type Pattern struct {
	// ID is the stable identifier, lowercase kebab case (the catalog's ids).
	ID string
	// Provider names who issues the credential ("OpenAI", "GitHub", …).
	Provider string
	// Description says what the credential is, in a few words.
	Description string
	// Grants is the privilege class of what the credential grants.
	Grants Privilege
	// Severity is the base severity before context adjustments.
	Severity Severity
	// Confidence is how sure a match of the shape alone is to be real.
	Confidence Confidence
	// Keywords are literal strings of at least 3 bytes, one of which every
	// match contains. The prefilter finds them; a 3-byte keyword must be
	// followed in every match by an ASCII letter, digit, '-', '_' or '.'.
	Keywords []string
	// KeywordsFoldCase makes the keywords match regardless of ASCII case.
	KeywordsFoldCase bool
	// Regex locates the secret, in regexp2 syntax. A group named "secret"
	// marks the secret inside the match; without one the whole match is
	// the secret.
	Regex string
	// MaxLen is the longest match the regex can produce, in bytes; it
	// bounds the window the regex runs in. 0 means 256.
	MaxLen int
	// Validate, when set, checks the candidate's checksum or structure.
	Validate Validator
	// MinEntropy, when above 0, rejects secrets whose Shannon entropy in
	// bits per byte is lower.
	MinEntropy float64
	// NeedsContext records that the secret alone is not recognisable: the
	// keywords are context words (a variable name, a header, a host) rather
	// than part of the token.
	NeedsContext bool
	// TestMarkers are substrings of the match (the secret and whatever
	// context the regex matched around it, such as a paired key id) that
	// mark a test, sandbox or development value (for example "_test_").
	TestMarkers []string
	// Generic marks a detector that is not specific to one provider
	// (passwords, bearer and basic authorization headers, credentials in
	// URLs, high-entropy assigned values). When a generic finding overlaps
	// a provider-specific one of equal confidence, the specific one wins.
	Generic bool
	// LinkWith lists ids of patterns whose findings near a finding of this
	// pattern (within LinkDistance bytes) belong to the same credential, such
	// as an AWS access key id and its secret key. The engine gives linked
	// findings the same non-zero Finding.Link.
	LinkWith []string
	// Uncertain records that the format is partly unconfirmed; findings of
	// the pattern carry a lower confidence.
	Uncertain bool
	// Words records that the secret is a sequence of words (a mnemonic),
	// which a greedy regex can stretch over the words around it: when the
	// Validator rejects a match, its runs of whole words are judged in
	// turn, longest first.
	Words bool
	// Examples are texts that each contain at least one finding of this
	// pattern (true positives). Tests run them.
	Examples []string
	// ExampleSecrets declares, by index into Examples, the secret an
	// example holds where it is not the example's longest token: the
	// secret as written, or "head…tail" for a long one. See ExampleSpan.
	ExampleSecrets []string
	// NonExamples are texts that must produce no finding of this pattern
	// (false positives, hard negatives). Tests run them.
	NonExamples []string
}

// LinkDistance is how near, in bytes, findings must be to be linked by
// Pattern.LinkWith.
const LinkDistance = 1024

// DefaultMaxLen is the window reach used when Pattern.MaxLen is 0.
const DefaultMaxLen = 256

// Entropy returns the Shannon entropy of b in bits per byte (0 for an empty
// slice). It does not allocate. It computes log2(n) − Σ c·log2(c) / n over
// the byte counts c, with c·log2(c) from a table for small counts.
func Entropy(b []byte) float64 {
	if len(b) == 0 {
		return 0
	}
	var counts [256]uint32
	for _, c := range b {
		counts[c]++
	}
	t := clog2c()
	var sum float64
	// Visit each distinct byte once, through b itself: cheaper than the
	// 256 counters for the short secrets this is called on.
	for _, x := range b {
		c := counts[x]
		counts[x] = 0
		switch {
		case c <= 1:
			// 0·log2(0) and 1·log2(1) are 0.
		case int(c) < len(t):
			sum += t[c]
		default:
			sum += float64(c) * math.Log2(float64(c))
		}
	}
	n := float64(len(b))
	return math.Log2(n) - sum/n
}

// clog2c is the table of c·log2(c) for c < 1024, built on first use.
var clog2c = sync.OnceValue(func() *[1024]float64 {
	var t [1024]float64
	for c := 2; c < len(t); c++ {
		t[c] = float64(c) * math.Log2(float64(c))
	}
	return &t
})
