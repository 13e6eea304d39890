package score

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// Exposure says where a credential was found. The caller supplies it; the
// detector cannot know it. The zero value is ExposureUnknown.
type Exposure uint8

// Exposures, from least to most exposed at the default weights.
const (
	// ExposureUnknown: the caller did not say.
	ExposureUnknown Exposure = iota
	// ExposureUserInput: submitted by its owner to the caller, such as a
	// key pasted into a signup or settings form.
	ExposureUserInput
	// ExposureLog: a log line, trace or telemetry record.
	ExposureLog
	// ExposureSourceCode: source code or configuration in a repository or
	// build artefact.
	ExposureSourceCode
	// ExposurePublic: public text anyone can read, such as a paste site, a
	// public repository, an issue tracker or a web page.
	ExposurePublic

	numExposures
)

var exposureNames = [numExposures]string{"unknown", "user-input", "log", "source-code", "public"}

// exposureList is the names of exposureNames for error messages.
var exposureList = strings.Join(exposureNames[:], ", ")

// String returns the lowercase name of e ("unknown", "log", …), the suffix
// of its reason code.
func (e Exposure) String() string {
	if e < numExposures {
		return exposureNames[e]
	}
	return fmt.Sprintf("exposure(%d)", uint8(e))
}

// ParseExposure returns the Exposure whose String is name.
func ParseExposure(name string) (Exposure, error) {
	for i, n := range exposureNames {
		if n == name {
			return Exposure(i), nil
		}
	}
	// The name comes from callers' input and may be a secret read from the
	// wrong place: it is described by its length, never quoted. Every
	// name that could be quoted safely is a known one.
	return 0, fmt.Errorf("%w: a %d-byte name, want one of %s", ErrUnknownExposure, len(name), exposureList)
}

// Prefixes of the reason codes built from a name. A privilege code is
// CodePrivilegePrefix followed by the class name ("privilege.cloud-root"),
// or CodePrivilegeOther for a class the weights do not list; severity and
// confidence codes are built from the names of patterns.Severity and
// patterns.Confidence, and exposure codes from Exposure.String.
const (
	// CodePrivilegePrefix starts the code of a privilege class.
	CodePrivilegePrefix = "privilege."
	// CodeSeverityPrefix starts the code of a base severity.
	CodeSeverityPrefix = "severity."
	// CodeConfidencePrefix starts the code of a confidence.
	CodeConfidencePrefix = "confidence."
	// CodeExposurePrefix starts the code of an exposure.
	CodeExposurePrefix = "exposure."
)

// Reason codes of the score. A privilege, severity and confidence reason
// is listed for every scored credential; the others only when they apply.
const (
	// CodePrivilegeOther: a privilege class the weights do not list.
	CodePrivilegeOther Code = "privilege.other"
	// CodeTest: a test, sandbox or testnet value.
	CodeTest Code = "mode.test"
	// CodeKnownLeaked: the leak store lists the secret. The score is raised
	// to at least the critical threshold.
	CodeKnownLeaked Code = "store.known-leaked"
	// CodeStoreUnavailable: the leak store could not answer (it returned
	// an error, or a Checker requires a store and has none), so whether the
	// secret leaked is unknown. It carries 0 points; a Checker rejects
	// with it unless it fails open (CheckerConfig.StoreFailOpen).
	CodeStoreUnavailable Code = "store.unavailable"
	// CodeLinked: found next to its pair (an access key id and its secret).
	CodeLinked Code = "fact.linked"
	// CodeAWSAccount: the AWS account id was decoded from the key id.
	CodeAWSAccount Code = "fact.aws-account"
	// CodeExpired: the token carries an expiry that has passed.
	CodeExpired Code = "fact.expired"
	// CodeEncrypted: the secret is itself encrypted and needs a passphrase.
	CodeEncrypted Code = "fact.encrypted"
)

// Errors returned by New, ParseExposure and ScoreFinding.
var (
	// ErrWeights reports a weight outside [-MaxWeight, MaxWeight].
	ErrWeights = errors.New("score: weight out of range")
	// ErrThresholds reports level thresholds that are not increasing
	// within 1…100.
	ErrThresholds = errors.New("score: thresholds must satisfy 1 <= low < medium < high < critical <= 100")
	// ErrUnknownExposure reports an exposure name ParseExposure does not know.
	ErrUnknownExposure = errors.New("score: unknown exposure")
	// ErrStoreUnavailable reports a leak store that could not answer. It
	// is wrapped by ScoreFinding's error and Decision.StoreErr, together
	// with the store's error.
	ErrStoreUnavailable = errors.New("score: leak store unavailable")
)

// MaxWeight bounds every weight: a single input moves the score by at most
// this many points.
const MaxWeight = 100

// Weights are the points each input adds to a score (negative points
// lower it). [DefaultWeights] returns the documented defaults; the package
// documentation lists them as a table.
type Weights struct {
	// Privilege maps a privilege class to its base points.
	Privilege map[patterns.Privilege]int
	// OtherPrivilege is used for a class missing from Privilege, such as
	// the empty class or one a custom pattern invents.
	OtherPrivilege int
	// Severity is indexed by the catalog's base severity.
	Severity [patterns.SeverityCritical + 1]int
	// Confidence is indexed by how sure the finding is; a finding the
	// engine validated counts as patterns.ConfidenceValidated.
	Confidence [patterns.ConfidenceValidated + 1]int
	// Exposure is indexed by where the credential was found.
	Exposure [numExposures]int
	// Test applies to test, sandbox and testnet values.
	Test int
	// KnownLeaked applies when the leak store lists the secret; the score
	// is then raised to at least the critical threshold.
	KnownLeaked int
	// Linked applies to a finding linked to its pair.
	Linked int
	// AWSAccount applies when an AWS account id was decoded.
	AWSAccount int
	// Expired applies when the token's expiry is before Input.Now.
	Expired int
	// Encrypted applies to secrets that are themselves encrypted.
	Encrypted int
}

// DefaultWeights returns the default weights. The result is a fresh copy
// that the caller may change and pass in Config.Weights.
func DefaultWeights() Weights {
	return Weights{
		Privilege: map[patterns.Privilege]int{
			patterns.PrivWalletFunds:  50,
			patterns.PrivCloudRoot:    50,
			patterns.PrivPayment:      45,
			patterns.PrivFullAccount:  40,
			patterns.PrivAdmin:        40,
			patterns.PrivSupplyChain:  40,
			patterns.PrivDataStore:    35,
			patterns.PrivCI:           35,
			patterns.PrivBillingAbuse: 35,
			patterns.PrivSession:      30,
			patterns.PrivMessaging:    30,
			patterns.PrivScoped:       25,
			patterns.PrivReadOnly:     15,
			patterns.PrivIdentifier:   5,
			patterns.PrivTestMode:     0,
		},
		OtherPrivilege: 20,
		Severity:       [...]int{0, 5, 10, 15, 20},
		Confidence:     [...]int{-10, 0, 10, 15},
		Exposure:       [numExposures]int{0, 0, 10, 10, 25},
		Test:           -15,
		KnownLeaked:    30,
		Linked:         10,
		AWSAccount:     5,
		Expired:        -40,
		Encrypted:      -30,
	}
}

// Thresholds are the lowest scores of each level; a score below Low is
// LevelNone. The zero value means the defaults: low 1, medium 30, high 55,
// critical 80.
type Thresholds struct {
	Low, Medium, High, Critical int
}

// DefaultThresholds returns the default level thresholds.
func DefaultThresholds() Thresholds {
	return Thresholds{Low: 1, Medium: 30, High: 55, Critical: 80}
}

// Level returns the level score falls in.
func (t Thresholds) Level(score int) Level {
	switch {
	case score >= t.Critical:
		return LevelCritical
	case score >= t.High:
		return LevelHigh
	case score >= t.Medium:
		return LevelMedium
	case score >= t.Low:
		return LevelLow
	}
	return LevelNone
}

func (t Thresholds) valid() bool {
	return 1 <= t.Low && t.Low < t.Medium && t.Medium < t.High && t.High < t.Critical && t.Critical <= 100
}

// Config configures a Scorer. The zero value means the defaults.
type Config struct {
	// Weights, when nil, means DefaultWeights.
	Weights *Weights
	// Thresholds, when zero, means DefaultThresholds.
	Thresholds Thresholds
	// Store, when set, marks findings whose secret it lists as known-leaked
	// in ScoreFinding. Nil means no store: ScoreFinding does not look
	// secrets up. A store error is returned, never read as "not listed".
	Store LeakStore
}

// Input is what the score weighs for one credential.
type Input struct {
	// Grants is the privilege class of what the credential grants.
	Grants patterns.Privilege
	// Severity is the catalog's base severity.
	Severity patterns.Severity
	// Confidence is how sure the finding is.
	Confidence patterns.Confidence
	// Validated is set when a checksum or structure confirmed the value;
	// it counts as patterns.ConfidenceValidated.
	Validated bool
	// Test is set for test, sandbox and testnet values. A test value is
	// weighed as privilege class test-mode, whatever Grants says.
	Test bool
	// Linked is set when the credential was found next to its pair.
	Linked bool
	// KnownLeaked is set when a leak store lists the secret.
	KnownLeaked bool
	// Exposure is where the credential was found.
	Exposure Exposure
	// Meta holds facts the detector decoded.
	Meta patterns.Meta
	// Now is the time expiries are compared with. When zero, expiry is
	// not evaluated, so that a score depends on nothing but its Input.
	Now time.Time
}

// Scorer computes risk scores. It is immutable after New and safe for
// concurrent use.
type Scorer struct {
	priv       map[patterns.Privilege]reasonWeight
	other      reasonWeight
	severity   [patterns.SeverityCritical + 1]reasonWeight
	confidence [patterns.ConfidenceValidated + 1]reasonWeight
	exposure   [numExposures]reasonWeight
	test       reasonWeight
	leaked     reasonWeight
	unavail    reasonWeight
	linked     reasonWeight
	awsAccount reasonWeight
	expired    reasonWeight
	encrypted  reasonWeight
	levels     Thresholds
	store      LeakStore
}

// reasonWeight is a precomputed reason: building a Result copies it and
// allocates nothing.
type reasonWeight = Reason

// New returns a Scorer for c. It returns ErrWeights or ErrThresholds
// (wrapped, naming the offending entry) for an invalid configuration.
func New(c Config) (*Scorer, error) {
	w := c.Weights
	if w == nil {
		d := DefaultWeights()
		w = &d
	}
	for _, row := range weightRows(w) {
		if row.Points < -MaxWeight || row.Points > MaxWeight {
			return nil, fmt.Errorf("%w: %s is %d, want -%d…%d", ErrWeights, row.Code, row.Points, MaxWeight, MaxWeight)
		}
	}
	t := c.Thresholds
	if t == (Thresholds{}) {
		t = DefaultThresholds()
	}
	if !t.valid() {
		return nil, fmt.Errorf("%w: got %d, %d, %d, %d", ErrThresholds, t.Low, t.Medium, t.High, t.Critical)
	}
	s := &Scorer{
		priv:       make(map[patterns.Privilege]reasonWeight, len(w.Privilege)),
		other:      Reason{CodePrivilegeOther, w.OtherPrivilege, "grants an unclassified privilege"},
		test:       Reason{CodeTest, w.Test, "test, sandbox or testnet value"},
		leaked:     Reason{CodeKnownLeaked, w.KnownLeaked, "listed in the known-leaked store"},
		unavail:    Reason{CodeStoreUnavailable, 0, textStoreUnavailable},
		linked:     Reason{CodeLinked, w.Linked, "found next to its paired id or secret"},
		awsAccount: Reason{CodeAWSAccount, w.AWSAccount, "AWS account id decoded from the key id"},
		expired:    Reason{CodeExpired, w.Expired, "token expiry has passed"},
		encrypted:  Reason{CodeEncrypted, w.Encrypted, "secret is encrypted and needs a passphrase"},
		levels:     t,
		store:      c.Store,
	}
	for p, pts := range w.Privilege {
		s.priv[p] = Reason{Code(CodePrivilegePrefix + string(p)), pts, privilegeText(p)}
	}
	for i, pts := range w.Severity {
		sev := patterns.Severity(i)
		s.severity[i] = Reason{Code(CodeSeverityPrefix + sev.String()), pts, "base severity " + sev.String()}
	}
	for i, pts := range w.Confidence {
		s.confidence[i] = Reason{Code(CodeConfidencePrefix + patterns.Confidence(i).String()), pts, confidenceText[i]}
	}
	for i, pts := range w.Exposure {
		s.exposure[i] = Reason{Code(CodeExposurePrefix + exposureNames[i]), pts, exposureText[i]}
	}
	return s, nil
}

var defaultScorer = func() *Scorer {
	s, err := New(Config{})
	if err != nil {
		panic(err) // the defaults are constants; TestDefaults covers this
	}
	return s
}()

// Default returns a Scorer with the default configuration and no store.
func Default() *Scorer { return defaultScorer }

// Thresholds returns the level thresholds s uses.
func (s *Scorer) Thresholds() Thresholds { return s.levels }

// Score returns the risk of in. The score is the sum of the points of the
// listed reasons, raised to the critical threshold for a known-leaked
// secret, then clamped to 0…100. Score does not allocate.
func (s *Scorer) Score(in Input) Result {
	var r Result
	s.score(&r, &in)
	return r
}

func (s *Scorer) score(r *Result, in *Input) {
	sum := 0
	add := func(x Reason) {
		sum += x.Points
		r.AddReason(x)
	}
	grants := in.Grants
	if in.Test {
		grants = patterns.PrivTestMode // a test value grants sandbox access only
	}
	if p, ok := s.priv[grants]; ok {
		add(p)
	} else {
		add(s.other)
	}
	if in.Severity <= patterns.SeverityCritical {
		add(s.severity[in.Severity])
	} else {
		add(s.severity[patterns.SeverityCritical])
	}
	conf := in.Confidence
	if in.Validated || conf > patterns.ConfidenceValidated {
		conf = patterns.ConfidenceValidated
	}
	add(s.confidence[conf])
	if in.Test {
		add(s.test)
	}
	if in.Exposure != ExposureUnknown && in.Exposure < numExposures {
		add(s.exposure[in.Exposure])
	}
	if in.Linked {
		add(s.linked)
	}
	if in.Meta.AWSAccountID != 0 {
		add(s.awsAccount)
	}
	if in.Meta.ExpiresAt != 0 && !in.Now.IsZero() && in.Meta.ExpiresAt <= in.Now.Unix() {
		add(s.expired)
	}
	if in.Meta.Encrypted {
		add(s.encrypted)
	}
	if in.KnownLeaked {
		x := s.leaked
		if sum+x.Points < s.levels.Critical {
			x.Points = s.levels.Critical - sum // always critical
		}
		add(x)
	}
	r.Score = min(max(sum, 0), 100)
	r.Level = s.levels.Level(r.Score)
}

// FindingInput returns the Input for a finding of the detector, found at
// exposure e. KnownLeaked and Now are left for the caller to set.
func FindingInput(f detect.Finding, e Exposure) Input {
	return Input{
		Grants:     f.Grants,
		Severity:   f.Severity,
		Confidence: f.Confidence,
		Validated:  f.Validated,
		Test:       f.Test,
		Linked:     f.Link != 0,
		Exposure:   e,
		Meta:       f.Meta,
	}
}

// ScoreFinding scores f, a finding in src, found at exposure e, with
// expiries compared with now (zero: not evaluated). When the Scorer has a
// store, it is asked with ctx about the secret's bytes in src; for a
// finding inside encoded text (f.Encoding is not none) those are the
// encoded bytes, which a store of plain keys does not list. ScoreFinding
// does not allocate when the store does not and answers.
//
// When the store cannot answer, ScoreFinding returns an error wrapping
// ErrStoreUnavailable and the store's error, with the score computed
// without the store and a store.unavailable reason (0 points) listed
// last. That score is a lower bound: had the store listed the secret, the
// level would be critical. A caller that must not under-rate a secret
// during an outage treats the error as a known leak.
func (s *Scorer) ScoreFinding(ctx context.Context, src []byte, f detect.Finding, e Exposure, now time.Time) (Result, error) {
	in := FindingInput(f, e)
	in.Now = now
	var err error
	if s.store != nil {
		if secret := f.Secret(src); len(secret) > 0 {
			leaked, serr := s.store.ContainsKey(ctx, secret)
			if serr != nil {
				err = fmt.Errorf("%w: %w", ErrStoreUnavailable, serr)
			} else {
				in.KnownLeaked = leaked
			}
		}
	}
	var r Result
	s.score(&r, &in)
	if err != nil {
		r.AddReason(s.unavail)
	}
	return r, err
}

// weightRow is one line of the weights table.
type weightRow struct {
	Code   Code
	Points int
}

// weightRows lists every weight of w with its reason code, in the order
// of the package documentation's table. New validates them; a test
// compares them with the table in doc.go.
func weightRows(w *Weights) []weightRow {
	var rows []weightRow
	privs := make([]patterns.Privilege, 0, len(w.Privilege))
	for p := range w.Privilege {
		privs = append(privs, p)
	}
	// Highest points first, then by name, so the order is stable.
	sort.Slice(privs, func(i, j int) bool {
		pi, pj := w.Privilege[privs[i]], w.Privilege[privs[j]]
		if pi != pj {
			return pi > pj
		}
		return privs[i] < privs[j]
	})
	for _, p := range privs {
		rows = append(rows, weightRow{Code(CodePrivilegePrefix + string(p)), w.Privilege[p]})
	}
	rows = append(rows, weightRow{CodePrivilegeOther, w.OtherPrivilege})
	for i := len(w.Severity) - 1; i >= 0; i-- {
		rows = append(rows, weightRow{Code(CodeSeverityPrefix + patterns.Severity(i).String()), w.Severity[i]})
	}
	for i := len(w.Confidence) - 1; i >= 0; i-- {
		rows = append(rows, weightRow{Code(CodeConfidencePrefix + patterns.Confidence(i).String()), w.Confidence[i]})
	}
	rows = append(rows, weightRow{CodeTest, w.Test})
	for i := len(w.Exposure) - 1; i >= 1; i-- {
		rows = append(rows, weightRow{Code(CodeExposurePrefix + exposureNames[i]), w.Exposure[i]})
	}
	rows = append(rows,
		weightRow{CodeKnownLeaked, w.KnownLeaked},
		weightRow{CodeLinked, w.Linked},
		weightRow{CodeAWSAccount, w.AWSAccount},
		weightRow{CodeExpired, w.Expired},
		weightRow{CodeEncrypted, w.Encrypted},
	)
	return rows
}

var confidenceText = [...]string{
	"generic keyword assignment with enough entropy",
	"random-looking value next to a keyword",
	"distinctive prefix or fixed marker",
	"checksum or structure validated",
}

var exposureText = [numExposures]string{
	"exposure unknown",
	"submitted by its owner",
	"found in a log",
	"found in source code",
	"found in public text",
}

func privilegeText(p patterns.Privilege) string {
	switch p {
	case patterns.PrivWalletFunds:
		return "moves crypto funds irreversibly"
	case patterns.PrivCloudRoot:
		return "administers cloud resources"
	case patterns.PrivPayment:
		return "moves money"
	case patterns.PrivFullAccount:
		return "acts as the account owner"
	case patterns.PrivAdmin:
		return "manages members, keys or billing"
	case patterns.PrivSupplyChain:
		return "publishes code, packages or images"
	case patterns.PrivDataStore:
		return "reads and writes a data store"
	case patterns.PrivCI:
		return "runs CI jobs and reads their secrets"
	case patterns.PrivBillingAbuse:
		return "spends paid compute and reads stored data"
	case patterns.PrivSession:
		return "short-lived bearer session"
	case patterns.PrivMessaging:
		return "sends messages as the owner"
	case patterns.PrivScoped:
		return "permissions chosen at creation"
	case patterns.PrivReadOnly:
		return "reads data only"
	case patterns.PrivIdentifier:
		return "identifier, secret only with its pair"
	case patterns.PrivTestMode:
		return "sandbox access only"
	}
	return "grants " + string(p)
}
