package score

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

// docSection returns the lines of doc.go between the heading "# name" and
// the next heading.
func docSection(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open("doc.go")
	require.NoError(t, err)
	defer f.Close()
	var out []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "// # ") {
			in = line == "// # "+name
			continue
		}
		if in {
			out = append(out, line)
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out, "doc.go has no section %q", name)
	return out
}

var docWeightRow = regexp.MustCompile(`^//\t([a-z-]+\.[a-z-]+)\s+([+-]\d+)\s+\S`)

func TestDocWeightsTableMatchesCode(t *testing.T) {
	var got []weightRow
	for _, line := range docSection(t, "Weights") {
		m := docWeightRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		pts, err := strconv.Atoi(m[2])
		require.NoError(t, err, "doc.go row %q", line)
		got = append(got, weightRow{Code(m[1]), pts})
	}
	d := DefaultWeights()
	want := weightRows(&d)
	assert.Equal(t, want, got, "doc.go weights table (got) vs DefaultWeights (want)")
	// Every privilege class of the catalog has its own row.
	for _, p := range []patterns.Privilege{
		patterns.PrivCloudRoot, patterns.PrivFullAccount, patterns.PrivAdmin, patterns.PrivScoped,
		patterns.PrivReadOnly, patterns.PrivPayment, patterns.PrivTestMode, patterns.PrivMessaging,
		patterns.PrivDataStore, patterns.PrivSupplyChain, patterns.PrivCI, patterns.PrivWalletFunds,
		patterns.PrivBillingAbuse, patterns.PrivSession, patterns.PrivIdentifier,
	} {
		_, ok := d.Privilege[p]
		assert.True(t, ok, "DefaultWeights has no weight for privilege %q", p)
	}
}

var docLevelRow = regexp.MustCompile(`^//\t(none|low|medium|high|critical)\s+(\d+)–(\d+)$`)

func TestDocLevelsTableMatchesCode(t *testing.T) {
	th := DefaultThresholds()
	seen := 0
	for _, line := range docSection(t, "Levels") {
		m := docLevelRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		seen++
		lo, _ := strconv.Atoi(m[2])
		hi, _ := strconv.Atoi(m[3])
		assert.Equal(t, m[1], th.Level(lo).String(), "doc.go row %q: level of %d", line, lo)
		assert.Equal(t, m[1], th.Level(hi).String(), "doc.go row %q: level of %d", line, hi)
		if lo > 0 {
			assert.NotEqual(t, m[1], th.Level(lo-1).String(), "doc.go row %q: level of %d", line, lo-1)
		}
		if hi < 100 {
			assert.NotEqual(t, m[1], th.Level(hi+1).String(), "doc.go row %q: level of %d", line, hi+1)
		}
	}
	assert.Equal(t, 5, seen, "level rows in doc.go")
}

func codes(r Result) []Code {
	var out []Code
	for _, x := range r.Reasons() {
		out = append(out, x.Code)
	}
	return out
}

func sumPoints(r Result) int {
	s := 0
	for _, x := range r.Reasons() {
		s += x.Points
	}
	return s
}

func TestScoreReasons(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	base := Input{Grants: patterns.PrivScoped, Severity: patterns.SeverityMedium, Confidence: patterns.ConfidenceContextual}
	with := func(f func(*Input)) Input { in := base; f(&in); return in }
	// base: scoped 25 + medium 10 + contextual 0 = 35.
	tests := []struct {
		name      string
		in        Input
		wantScore int
		wantLevel Level
		wantCodes []Code
	}{
		{"base", base, 35, LevelMedium, []Code{"privilege.scoped", "severity.medium", "confidence.contextual"}},
		{"privilege.wallet-funds", with(func(in *Input) { in.Grants = patterns.PrivWalletFunds }), 60, LevelHigh,
			[]Code{"privilege.wallet-funds", "severity.medium", "confidence.contextual"}},
		{"privilege.cloud-root", with(func(in *Input) { in.Grants = patterns.PrivCloudRoot }), 60, LevelHigh,
			[]Code{"privilege.cloud-root", "severity.medium", "confidence.contextual"}},
		{"privilege.payment", with(func(in *Input) { in.Grants = patterns.PrivPayment }), 55, LevelHigh,
			[]Code{"privilege.payment", "severity.medium", "confidence.contextual"}},
		{"privilege.admin", with(func(in *Input) { in.Grants = patterns.PrivAdmin }), 50, LevelMedium,
			[]Code{"privilege.admin", "severity.medium", "confidence.contextual"}},
		{"privilege.full-account", with(func(in *Input) { in.Grants = patterns.PrivFullAccount }), 50, LevelMedium,
			[]Code{"privilege.full-account", "severity.medium", "confidence.contextual"}},
		{"privilege.supply-chain", with(func(in *Input) { in.Grants = patterns.PrivSupplyChain }), 50, LevelMedium,
			[]Code{"privilege.supply-chain", "severity.medium", "confidence.contextual"}},
		{"privilege.billing-abuse", with(func(in *Input) { in.Grants = patterns.PrivBillingAbuse }), 45, LevelMedium,
			[]Code{"privilege.billing-abuse", "severity.medium", "confidence.contextual"}},
		{"privilege.ci", with(func(in *Input) { in.Grants = patterns.PrivCI }), 45, LevelMedium,
			[]Code{"privilege.ci", "severity.medium", "confidence.contextual"}},
		{"privilege.data-store", with(func(in *Input) { in.Grants = patterns.PrivDataStore }), 45, LevelMedium,
			[]Code{"privilege.data-store", "severity.medium", "confidence.contextual"}},
		{"privilege.messaging", with(func(in *Input) { in.Grants = patterns.PrivMessaging }), 40, LevelMedium,
			[]Code{"privilege.messaging", "severity.medium", "confidence.contextual"}},
		{"privilege.session", with(func(in *Input) { in.Grants = patterns.PrivSession }), 40, LevelMedium,
			[]Code{"privilege.session", "severity.medium", "confidence.contextual"}},
		{"privilege.read-only", with(func(in *Input) { in.Grants = patterns.PrivReadOnly }), 25, LevelLow,
			[]Code{"privilege.read-only", "severity.medium", "confidence.contextual"}},
		{"privilege.identifier", with(func(in *Input) { in.Grants = patterns.PrivIdentifier }), 15, LevelLow,
			[]Code{"privilege.identifier", "severity.medium", "confidence.contextual"}},
		{"privilege.test-mode", with(func(in *Input) { in.Grants = patterns.PrivTestMode }), 10, LevelLow,
			[]Code{"privilege.test-mode", "severity.medium", "confidence.contextual"}},
		{"privilege.other empty", with(func(in *Input) { in.Grants = "" }), 30, LevelMedium,
			[]Code{"privilege.other", "severity.medium", "confidence.contextual"}},
		{"privilege.other custom", with(func(in *Input) { in.Grants = "telepathy" }), 30, LevelMedium,
			[]Code{"privilege.other", "severity.medium", "confidence.contextual"}},
		{"severity.critical", with(func(in *Input) { in.Severity = patterns.SeverityCritical }), 45, LevelMedium,
			[]Code{"privilege.scoped", "severity.critical", "confidence.contextual"}},
		{"severity.high", with(func(in *Input) { in.Severity = patterns.SeverityHigh }), 40, LevelMedium,
			[]Code{"privilege.scoped", "severity.high", "confidence.contextual"}},
		{"severity.low", with(func(in *Input) { in.Severity = patterns.SeverityLow }), 30, LevelMedium,
			[]Code{"privilege.scoped", "severity.low", "confidence.contextual"}},
		{"severity.info", with(func(in *Input) { in.Severity = patterns.SeverityInfo }), 25, LevelLow,
			[]Code{"privilege.scoped", "severity.info", "confidence.contextual"}},
		{"severity out of range counts as critical", with(func(in *Input) { in.Severity = 9 }), 45, LevelMedium,
			[]Code{"privilege.scoped", "severity.critical", "confidence.contextual"}},
		{"confidence.validated", with(func(in *Input) { in.Confidence = patterns.ConfidenceValidated }), 50, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.validated"}},
		{"confidence.validated by flag", with(func(in *Input) { in.Validated = true }), 50, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.validated"}},
		{"confidence.distinctive", with(func(in *Input) { in.Confidence = patterns.ConfidenceDistinctive }), 45, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.distinctive"}},
		{"confidence.generic", with(func(in *Input) { in.Confidence = patterns.ConfidenceGeneric }), 25, LevelLow,
			[]Code{"privilege.scoped", "severity.medium", "confidence.generic"}},
		{"mode.test", with(func(in *Input) { in.Test = true }), 0, LevelNone,
			[]Code{"privilege.test-mode", "severity.medium", "confidence.contextual", "mode.test"}},
		{"mode.test on a live payment type", Input{Grants: patterns.PrivPayment, Severity: patterns.SeverityCritical,
			Confidence: patterns.ConfidenceDistinctive, Test: true}, 15, LevelLow,
			[]Code{"privilege.test-mode", "severity.critical", "confidence.distinctive", "mode.test"}},
		{"exposure.public", with(func(in *Input) { in.Exposure = ExposurePublic }), 60, LevelHigh,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "exposure.public"}},
		{"exposure.source-code", with(func(in *Input) { in.Exposure = ExposureSourceCode }), 45, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "exposure.source-code"}},
		{"exposure.log", with(func(in *Input) { in.Exposure = ExposureLog }), 45, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "exposure.log"}},
		{"exposure.user-input", with(func(in *Input) { in.Exposure = ExposureUserInput }), 35, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "exposure.user-input"}},
		{"exposure out of range is unknown", with(func(in *Input) { in.Exposure = 200 }), 35, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual"}},
		{"fact.linked", with(func(in *Input) { in.Linked = true }), 45, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "fact.linked"}},
		{"fact.aws-account", with(func(in *Input) { in.Meta.AWSAccountID = 123456789012 }), 40, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "fact.aws-account"}},
		{"fact.expired", with(func(in *Input) { in.Meta.ExpiresAt = now.Unix() - 1; in.Now = now }), 0, LevelNone,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "fact.expired"}},
		{"fact.expired at the second", with(func(in *Input) { in.Meta.ExpiresAt = now.Unix(); in.Now = now }), 0, LevelNone,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "fact.expired"}},
		{"not yet expired", with(func(in *Input) { in.Meta.ExpiresAt = now.Unix() + 1; in.Now = now }), 35, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual"}},
		{"expiry ignored without Now", with(func(in *Input) { in.Meta.ExpiresAt = 1 }), 35, LevelMedium,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual"}},
		{"fact.encrypted", with(func(in *Input) { in.Meta.Encrypted = true }), 5, LevelLow,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "fact.encrypted"}},
		{"store.known-leaked raises to critical", with(func(in *Input) { in.KnownLeaked = true }), 80, LevelCritical,
			[]Code{"privilege.scoped", "severity.medium", "confidence.contextual", "store.known-leaked"}},
		{"store.known-leaked on a test key", with(func(in *Input) {
			in.KnownLeaked, in.Test, in.Grants = true, true, patterns.PrivTestMode
		}), 80, LevelCritical,
			[]Code{"privilege.test-mode", "severity.medium", "confidence.contextual", "mode.test", "store.known-leaked"}},
		{"store.known-leaked above critical adds its weight", with(func(in *Input) {
			in.KnownLeaked, in.Grants, in.Severity = true, patterns.PrivCloudRoot, patterns.SeverityCritical
		}), 100, LevelCritical,
			[]Code{"privilege.cloud-root", "severity.critical", "confidence.contextual", "store.known-leaked"}},
		{"clamped at 100", Input{
			Grants: patterns.PrivWalletFunds, Severity: patterns.SeverityCritical, Validated: true,
			Exposure: ExposurePublic, Linked: true,
		}, 100, LevelCritical,
			[]Code{"privilege.wallet-funds", "severity.critical", "confidence.validated", "exposure.public", "fact.linked"}},
		{"clamped at 0", Input{
			Grants: patterns.PrivTestMode, Severity: patterns.SeverityInfo, Confidence: patterns.ConfidenceGeneric, Test: true,
		}, 0, LevelNone,
			[]Code{"privilege.test-mode", "severity.info", "confidence.generic", "mode.test"}},
		{"zero input", Input{}, 10, LevelLow,
			[]Code{"privilege.other", "severity.info", "confidence.generic"}},
	}
	s := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Score(tt.in)
			assert.Equal(t, tt.wantScore, got.Score, "score of %s", tt.name)
			assert.Equal(t, tt.wantLevel, got.Level, "level of %s", tt.name)
			assert.Equal(t, tt.wantCodes, codes(got), "reason codes of %s", tt.name)
			assert.Equal(t, min(max(sumPoints(got), 0), 100), got.Score, "score of %s vs sum of reason points", tt.name)
			for _, x := range got.Reasons() {
				assert.NotEmpty(t, x.Text, "text of reason %s", x.Code)
			}
		})
	}
}

func TestLevelBoundaries(t *testing.T) {
	custom := Thresholds{Low: 10, Medium: 20, High: 30, Critical: 40}
	tests := []struct {
		th    Thresholds
		score int
		want  Level
	}{
		{DefaultThresholds(), -1, LevelNone},
		{DefaultThresholds(), 0, LevelNone},
		{DefaultThresholds(), 1, LevelLow},
		{DefaultThresholds(), 29, LevelLow},
		{DefaultThresholds(), 30, LevelMedium},
		{DefaultThresholds(), 54, LevelMedium},
		{DefaultThresholds(), 55, LevelHigh},
		{DefaultThresholds(), 79, LevelHigh},
		{DefaultThresholds(), 80, LevelCritical},
		{DefaultThresholds(), 100, LevelCritical},
		{custom, 9, LevelNone},
		{custom, 10, LevelLow},
		{custom, 19, LevelLow},
		{custom, 20, LevelMedium},
		{custom, 29, LevelMedium},
		{custom, 30, LevelHigh},
		{custom, 39, LevelHigh},
		{custom, 40, LevelCritical},
	}
	for _, tt := range tests {
		got := tt.th.Level(tt.score)
		assert.Equal(t, tt.want, got, "Thresholds%+v.Level(%d)", tt.th, tt.score)
	}
}

func TestScoreLevelBoundariesThroughScorer(t *testing.T) {
	// Weights chosen so that the score equals the privilege weight.
	for _, tt := range []struct {
		points int
		want   Level
	}{{0, LevelNone}, {1, LevelLow}, {29, LevelLow}, {30, LevelMedium}, {54, LevelMedium}, {55, LevelHigh}, {79, LevelHigh}, {80, LevelCritical}} {
		w := Weights{Privilege: map[patterns.Privilege]int{patterns.PrivScoped: tt.points}}
		s, err := New(Config{Weights: &w})
		require.NoError(t, err, "New with privilege weight %d", tt.points)
		got := s.Score(Input{Grants: patterns.PrivScoped})
		assert.Equal(t, tt.points, got.Score, "score with privilege weight %d", tt.points)
		assert.Equal(t, tt.want, got.Level, "level with privilege weight %d", tt.points)
	}
}

func TestNewConfig(t *testing.T) {
	tooBig := DefaultWeights()
	tooBig.Exposure[ExposurePublic] = MaxWeight + 1
	tooSmall := DefaultWeights()
	tooSmall.Privilege[patterns.PrivAdmin] = -MaxWeight - 1
	edge := DefaultWeights()
	edge.Expired = -MaxWeight
	tests := []struct {
		name    string
		c       Config
		wantErr error
		wantMsg string
	}{
		{"zero", Config{}, nil, ""},
		{"edge weight", Config{Weights: &edge}, nil, ""},
		{"weight too big", Config{Weights: &tooBig}, ErrWeights, "score: weight out of range: exposure.public is 101, want -100…100"},
		{"weight too small", Config{Weights: &tooSmall}, ErrWeights, "score: weight out of range: privilege.admin is -101, want -100…100"},
		{"thresholds ok", Config{Thresholds: Thresholds{1, 2, 3, 100}}, nil, ""},
		{"low zero", Config{Thresholds: Thresholds{0, 30, 55, 80}}, ErrThresholds, ""},
		{"not increasing", Config{Thresholds: Thresholds{1, 30, 30, 80}}, ErrThresholds, ""},
		{"critical above 100", Config{Thresholds: Thresholds{1, 30, 55, 101}}, ErrThresholds, ""},
		{"partial", Config{Thresholds: Thresholds{Critical: 90}}, ErrThresholds,
			"score: thresholds must satisfy 1 <= low < medium < high < critical <= 100: got 0, 0, 0, 90"},
	}
	for _, tt := range tests {
		s, err := New(tt.c)
		if tt.wantErr == nil {
			require.NoError(t, err, "New(%s)", tt.name)
			require.NotNil(t, s, "New(%s)", tt.name)
			continue
		}
		require.ErrorIs(t, err, tt.wantErr, "New(%s)", tt.name)
		assert.Nil(t, s, "New(%s)", tt.name)
		if tt.wantMsg != "" {
			assert.Equal(t, tt.wantMsg, err.Error(), "New(%s) error text", tt.name)
		}
	}
}

func TestCustomThresholdsAndKnownLeaked(t *testing.T) {
	s, err := New(Config{Thresholds: Thresholds{Low: 10, Medium: 20, High: 30, Critical: 95}})
	require.NoError(t, err)
	got := s.Score(Input{Grants: patterns.PrivIdentifier, KnownLeaked: true})
	assert.Equal(t, 95, got.Score, "score of a known-leaked identifier")
	assert.Equal(t, LevelCritical, got.Level, "level of a known-leaked identifier")
	assert.Equal(t, DefaultThresholds(), Default().Thresholds(), "default scorer thresholds")
}

func TestScoreDeterministic(t *testing.T) {
	in := Input{Grants: patterns.PrivCloudRoot, Severity: patterns.SeverityHigh, Validated: true,
		Exposure: ExposureLog, Meta: patterns.Meta{AWSAccountID: 1}, Linked: true}
	first := Default().Score(in)
	for i := 0; i < 50; i++ {
		s, err := New(Config{}) // fresh map iteration order each time
		require.NoError(t, err)
		assert.Equal(t, first, s.Score(in), "score run %d", i)
	}
}

func TestScoreAllocs(t *testing.T) {
	s := Default()
	in := Input{Grants: patterns.PrivBillingAbuse, Severity: patterns.SeverityCritical,
		Confidence: patterns.ConfidenceDistinctive, Exposure: ExposurePublic, KnownLeaked: true}
	var r Result
	got := testing.AllocsPerRun(100, func() { r = s.Score(in) })
	assert.Equal(t, 0.0, got, "allocs per Score")
	assert.Equal(t, LevelCritical, r.Level)
}

func TestExposureNames(t *testing.T) {
	for e := ExposureUnknown; e < numExposures; e++ {
		got, err := ParseExposure(e.String())
		require.NoError(t, err, "ParseExposure(%q)", e.String())
		assert.Equal(t, e, got, "ParseExposure(%q)", e.String())
	}
	_, err := ParseExposure("nowhere")
	require.ErrorIs(t, err, ErrUnknownExposure)
	assert.Equal(t, "score: unknown exposure: a 7-byte name, want one of unknown, user-input, log, source-code, public", err.Error())
	assert.Equal(t, "exposure(9)", Exposure(9).String())
}

// TestParseExposureNoEcho: an unknown name is described by its length and
// never quoted, whatever its shape: a short lowercase word may be a
// password, and a config value read from the wrong variable may be a key.
func TestParseExposureNoEcho(t *testing.T) {
	// Built at run time so that no secret-shaped literal is in the source.
	body := strings.Repeat("Zq7", 12)
	tests := []struct {
		name  string
		input string
	}{
		{"short lowercase word", "hunter" + "two"},
		{"hyphenated word", "correct-horse"},
		{"near miss", "Public"},
		{"secret shaped", "sk-" + "proj-" + body},
		{"long", strings.Repeat("q", 300)},
		{"control bytes", "pub\x00lic\n"},
		{"invalid UTF-8", "\xff\xfepublic"},
	}
	for _, tt := range tests {
		_, err := ParseExposure(tt.input)
		require.ErrorIs(t, err, ErrUnknownExposure, tt.name)
		if strings.Contains(err.Error(), tt.input) {
			t.Errorf("ParseExposure error for the %s input echoes it", tt.name)
		}
		want := fmt.Sprintf("a %d-byte name", len(tt.input))
		assert.Contains(t, err.Error(), want, "ParseExposure error for the %s input names its length", tt.name)
	}
}

func TestResultJSON(t *testing.T) {
	r := Default().Score(Input{Grants: patterns.PrivPayment, Severity: patterns.SeverityCritical, Confidence: patterns.ConfidenceDistinctive})
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"score":75,"level":"high","reasons":[
		{"code":"privilege.payment","points":45,"text":"moves money"},
		{"code":"severity.critical","points":20,"text":"base severity critical"},
		{"code":"confidence.distinctive","points":10,"text":"distinctive prefix or fixed marker"}]}`, string(b))
}

func BenchmarkScore(b *testing.B) {
	s := Default()
	in := Input{Grants: patterns.PrivCloudRoot, Severity: patterns.SeverityCritical, Validated: true,
		Exposure: ExposureLog, Meta: patterns.Meta{AWSAccountID: 1}, Linked: true}
	b.ReportAllocs()
	var r Result
	for b.Loop() {
		r = s.Score(in)
	}
	if r.Level != LevelCritical {
		b.Fatalf("level %v, want critical", r.Level)
	}
}

var docCheckRow = regexp.MustCompile(`^//\t((?:check|store)\.[a-z-]+)\s{2,}\S`)

func TestDocCheckCodesMatchCode(t *testing.T) {
	var got []Code
	for _, line := range docSection(t, "Checking a submitted key") {
		if m := docCheckRow.FindStringSubmatch(line); m != nil {
			got = append(got, Code(m[1]))
		}
	}
	want := []Code{CodeMalformed, CodeUnrecognised, CodeUnexpectedType, CodeChecksum,
		CodePlaceholder, CodeTestMode, CodeExpiredKey, CodeUndecided, CodeKnownLeaked, CodeStoreUnavailable}
	assert.Equal(t, want, got, "rejection codes in doc.go (got) vs the code (want)")
}
