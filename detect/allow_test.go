package detect

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

var allowKey = []byte("allowlist-fingerprint-key-0123456789")

// randAlnum returns n random letters and digits, at least one digit.
func randAlnum(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = b62[r.IntN(len(b62))]
	}
	b[n/2] = '7'
	return string(b)
}

// oneOff returns s with its last byte changed to another letter or digit.
func oneOff(s string) string {
	i := strings.IndexByte(b62, s[len(s)-1])
	return s[:len(s)-1] + string(b62[(i+1)%len(b62)])
}

// holds reports whether text holds value; tests use it with messages that
// name the case, never the value.
func holds(text, value string) bool { return strings.Contains(text, value) }

func TestAllowValues(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 1))
	allowed := randAlnum(r, 32)
	other := oneOff(allowed)
	keyed, err := AllowEntryKeyed(allowKey, []byte(allowed))
	require.NoError(t, err)
	unrelated := AllowEntry([]byte(randAlnum(r, 32)))
	tests := []struct {
		name string
		opts []Option
	}{
		{"sha256", []Option{WithAllowValues(AllowEntry([]byte(allowed)))}},
		{"sha256 upper case", []Option{WithAllowValues(strings.ToUpper(AllowEntry([]byte(allowed))))}},
		{"hmac", []Option{WithFingerprintKey(allowKey), WithAllowValues(keyed)}},
		{"hmac before key", []Option{WithAllowValues(unrelated, keyed), WithFingerprintKey(allowKey)}},
		{"hmac with mask", []Option{WithMask(MaskFingerprint), WithFingerprintKey(allowKey), WithAllowValues(keyed)}},
		{"two options", []Option{WithAllowValues(unrelated), WithAllowValues(" " + AllowEntry([]byte(allowed)) + " ")}},
	}
	for _, tc := range tests {
		d := newTest(t, tc.opts...)
		src := "test_secret=" + allowed + "\ntest_secret=" + other + "\n"
		got := d.RedactString(src)
		assert.True(t, holds(got, allowed), "%s: allowed value was masked", tc.name)
		assert.False(t, holds(got, other), "%s: value one byte off the allowed one passed", tc.name)
		fs := d.Scan([]byte(src))
		if assert.Len(t, fs, 1, tc.name) {
			assert.Equal(t, "test-secret", fs[0].PatternID, tc.name)
			assert.Equal(t, strings.Index(src, other), fs[0].Start, tc.name)
		}
		assert.Equal(t, uint64(2), d.Stats().Allowed, "%s: one allowed value per scan", tc.name)
	}

	// Without the allowlist both are masked.
	got := newTest(t).RedactString("test_secret=" + allowed)
	assert.False(t, holds(got, allowed), "no allowlist: value passed")

	// A keyed entry's first FingerprintLen digits are the mask's.
	d := newTest(t, WithFingerprintKey(allowKey))
	assert.Equal(t, AllowHMACPrefix+d.Fingerprint([]byte(allowed)), keyed[:len(AllowHMACPrefix)+FingerprintLen])
}

func TestAllowValuesDefaultCatalog(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 2))
	apiKey := randAlnum(r, 24)
	password := randAlnum(r, 14)
	long := randAlnum(r, 160)
	slashed := randAlnum(r, 12) + "/" + randAlnum(r, 12)
	pw, err := AllowEntryKeyed(allowKey, []byte(password))
	require.NoError(t, err)
	d, err := New(patterns.Default(), WithFingerprintKey(allowKey),
		WithAllowValues(AllowEntry([]byte(apiKey)), AllowEntry([]byte(long)), AllowEntry([]byte(slashed)), pw))
	require.NoError(t, err)

	tests := []struct {
		name  string
		text  string
		value string
		kept  bool
	}{
		{"assignment", "api_key=" + apiKey, apiKey, true},
		{"assignment one off", "api_key=" + oneOff(apiKey), oneOff(apiKey), false},
		{"json", `{"api_key": "` + apiKey + `"}`, apiKey, true},
		// Found once percent-decoded: the decoded value is compared.
		{"percent-encoded", "GET /x?api_key=" + strings.ReplaceAll(slashed, "/", "%2F") + "&v=1", slashed, true},
		{"password", "DB_PASSWORD=" + password, password, true},
		{"password one off", "DB_PASSWORD=" + oneOff(password), oneOff(password), false},
		// The allowed 160 bytes are the start of a longer value: not
		// the allowed value, masked whole.
		{"runs on", "api_key=" + long + "Zq9Zq9", long, false},
		{"exact long", "api_key=" + long, long, true},
	}
	for _, tc := range tests {
		got := d.RedactString(tc.text)
		if tc.kept {
			assert.NotEqual(t, tc.text, defaultDetector().RedactString(tc.text), "%s: not found without the allowlist", tc.name)
		}
		if tc.kept {
			assert.Equal(t, tc.text, got, "%s: allowed value masked", tc.name)
		} else {
			assert.False(t, holds(got, tc.value), "%s: value passed", tc.name)
			assert.False(t, holds(got, tc.value[:12]), "%s: part of the value passed", tc.name)
		}
	}

	// Fields checked by name go through the same check.
	assert.Equal(t, password, d.RedactField("password", password), "field: allowed password masked")
	assert.False(t, holds(d.RedactField("password", oneOff(password)), oneOff(password)), "field: one-off password passed")
}

func TestAllowErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 3))
	secret := randAlnum(r, 40)
	hexish := strings.Repeat("ab", 31) + "zz" // 64 characters, not hex
	good := AllowEntry([]byte("a reviewed test value"))
	keyed, err := AllowEntryKeyed(allowKey, []byte("another reviewed value"))
	require.NoError(t, err)

	entries, err := ParseAllowValues(strings.NewReader("# reviewed test tokens\n\n" +
		strings.ToUpper(good) + "   # fixture\r\n\t" + keyed + "\n#" + secret + "\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{good, keyed}, entries)

	tests := []struct {
		name   string
		text   string
		line   int
		reason string
	}{
		{"raw secret", "# list\n" + good + "\n" + secret + "\n", 3, "does not start with"},
		{"secret after prefix", "sha256:" + secret + "\n", 1, "characters long"},
		{"not hex", good + "\n\nhmac-sha256:" + hexish, 3, "not hexadecimal"},
		{"hash in entry", "sha256:" + strings.Repeat("0", 32) + "#" + secret, 1, "characters long"},
		{"short", "sha256:0123", 1, "characters long"},
		{"long line", good + "\n" + strings.Repeat(secret, 200) + "\n", 2, "longer than"},
	}
	for _, tc := range tests {
		_, err := ParseAllowValues(strings.NewReader(tc.text))
		var ae *AllowError
		if !assert.True(t, errors.As(err, &ae), "%s: want *AllowError", tc.name) {
			continue
		}
		assert.Equal(t, tc.line, ae.Line, tc.name)
		assert.Contains(t, ae.Reason, tc.reason, tc.name)
		assert.Contains(t, err.Error(), fmt.Sprintf("line %d:", tc.line), tc.name)
		assert.False(t, holds(err.Error(), secret) || holds(err.Error(), secret[:12]), "%s: error echoes the line", tc.name)
		assert.False(t, holds(err.Error(), "ababab"), "%s: error echoes the digest", tc.name)
	}

	_, err = ParseAllowValues(iotest.ErrReader(errors.New("disk gone")))
	assert.ErrorContains(t, err, "disk gone")

	// Arguments of WithAllowValues: the position, never the text.
	_, err = New(testPatterns(), WithAllowValues(good, secret))
	var ae *AllowError
	require.True(t, errors.As(err, &ae), "argument: want *AllowError")
	assert.Equal(t, 2, ae.Line)
	assert.ErrorIs(t, err, ErrInvalidOption)
	assert.Contains(t, err.Error(), "allow value 2:")
	assert.False(t, holds(err.Error(), secret), "argument: error echoes it")

	// Keyed entries need the key.
	_, err = New(testPatterns(), WithAllowValues(keyed))
	assert.ErrorIs(t, err, ErrInvalidOption)
	assert.ErrorContains(t, err, "no fingerprint key")

	_, err = AllowEntryKeyed([]byte("short"), []byte(secret))
	assert.ErrorIs(t, err, ErrInvalidOption)
	assert.False(t, holds(err.Error(), secret), "keyed entry: error echoes the value")
}

func TestAllowNeverUnmasksUndecided(t *testing.T) {
	// A value past its pattern's end is undecided: allowing the bytes
	// of the whole run, or of the run-on part, exempts nothing.
	r := rand.New(rand.NewPCG(18, 4))
	long := randAlnum(r, 200)
	d, err := New(patterns.Default(), WithAllowValues(AllowEntry([]byte(long)), AllowEntry([]byte(long[160:]))))
	require.NoError(t, err)
	fs := d.Scan([]byte("api_key=" + long))
	require.NotEmpty(t, fs)
	var undecided bool
	for _, f := range fs {
		undecided = undecided || f.Undecided != Decided
	}
	assert.True(t, undecided, "the run past 160 bytes is undecided")
	got := d.RedactString("api_key=" + long)
	assert.False(t, holds(got, long[150:170]), "undecided run passed")
	assert.Zero(t, d.Stats().Allowed)
}

func TestAllowHotPathAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are asserted without -race (sync.Pool drops items under it)")
	}
	r := rand.New(rand.NewPCG(18, 5))
	allowed := randAlnum(r, 32)
	keyed, err := AllowEntryKeyed(allowKey, []byte(allowed))
	require.NoError(t, err)
	d := newTest(t, WithFingerprintKey(allowKey), WithAllowValues(AllowEntry([]byte(randAlnum(r, 32))), keyed))
	src := []byte("x=1 test_secret=" + allowed + " test_secret=" + randAlnum(r, 32) + "\n")
	dst := d.AppendScan(nil, src)
	require.Len(t, dst, 1)
	allocs := testing.AllocsPerRun(100, func() { dst = d.AppendScan(dst[:0], src) })
	assert.Zero(t, allocs, "AppendScan with an allowed and a masked value")

	st := d.pool.Get().(*state)
	defer d.pool.Put(st)
	v := []byte(allowed)
	allocs = testing.AllocsPerRun(100, func() {
		if !d.allowedValue(st, v) {
			t.Fatal("allowed value not found")
		}
	})
	assert.Zero(t, allocs, "allowedValue")

	clean := genLog(1<<16, 0, 1)
	allocs = testing.AllocsPerRun(20, func() {
		if d.Scan(clean) != nil {
			t.Fatal("findings in clean text")
		}
	})
	assert.Zero(t, allocs, "Scan of clean text with an allowlist")
}

func TestExempt(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 6))
	tok := makeTok(r)
	sec := randAlnum(r, 32)
	src := []byte("token=" + tok + " test_secret=" + sec + "\n")
	ids := func(fs []Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.PatternID)
		}
		return out
	}
	d := newTest(t, WithDisabled("test-generic"))
	v, err := d.Exempt("test-token", "test-generic")
	require.NoError(t, err)
	assert.Equal(t, []string{"test-token", "test-secret"}, ids(d.Scan(src)), "original")
	assert.Equal(t, []string{"test-secret"}, ids(v.Scan(src)), "view")
	assert.False(t, holds(v.RedactString(string(src)), sec), "view: other pattern still masked")
	assert.True(t, holds(v.RedactString(string(src)), tok), "view: exempt pattern masked")
	assert.False(t, holds(d.RedactString(string(src)), tok), "original: exempt pattern passed")
	assert.NotContains(t, v.PatternIDs(), "test-token")
	assert.Contains(t, d.PatternIDs(), "test-token")
	_, ok := v.Pattern("test-token")
	assert.False(t, ok, "view reports an exempt pattern")

	// Shared, not recompiled.
	require.Len(t, v.pats, len(d.pats))
	assert.Same(t, d.pats[0].re, v.pats[0].re)
	assert.Same(t, d.pf, v.pf)

	vv, err := v.Exempt("test-secret")
	require.NoError(t, err)
	assert.Empty(t, vv.Scan(src), "view of a view")
	assert.Equal(t, []string{"test-secret"}, ids(v.Scan(src)), "view after a view of it")

	// Errors name the id only when it has the shape of one.
	_, err = d.Exempt("test-secret", "no-such-pattern")
	assert.ErrorIs(t, err, ErrInvalidOption)
	assert.ErrorContains(t, err, `"no-such-pattern"`)
	_, err = d.Exempt(tok)
	assert.ErrorIs(t, err, ErrInvalidOption)
	assert.False(t, holds(err.Error(), tok), "Exempt error echoes its argument")
	_, err = d.Exempt(UndecidedID)
	assert.ErrorIs(t, err, ErrInvalidOption, "undecided cannot be exempted")

	// Cost: a few allocations, whatever the size of the catalog.
	def := defaultDetector()
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := def.Exempt("generic-high-entropy-secret"); err != nil {
			t.Fatal(err)
		}
	})
	assert.LessOrEqual(t, allocs, 6.0)
}

// TestExemptHandler uses a view where Detectors are used most, a slog
// Handler, whose field key cache a view has its own of.
func TestExemptHandler(t *testing.T) {
	v, err := defaultDetector().Exempt("generic-high-entropy-secret")
	require.NoError(t, err)
	pw := randAlnum(rand.New(rand.NewPCG(18, 9)), 14)
	var buf bytes.Buffer
	log := slog.New(v.NewHandler(slog.NewTextHandler(&buf, nil)))
	for range 3 { // the key is cached after the first record
		log.Info("login", "user", "ana", "password", pw)
	}
	assert.False(t, holds(buf.String(), pw), "view handler: password passed")
	assert.Equal(t, 3, strings.Count(buf.String(), "password=[REDACTED:password-assignment]"))
}

// TestExemptIsDisabled checks that a view finds what a Detector built
// without the patterns finds, on the default catalog.
func TestExemptIsDisabled(t *testing.T) {
	src := secretLog()[:256<<10]
	key := func(fs []Finding) []string {
		out := make([]string, len(fs))
		for i, f := range fs {
			out[i] = fmt.Sprintf("%s[%d:%d]", f.PatternID, f.Start, f.End)
		}
		return out
	}
	for _, ids := range [][]string{{"generic-high-entropy-secret"}, {"aws-access-key-id", "password-assignment"}} {
		v, err := defaultDetector().Exempt(ids...)
		require.NoError(t, err)
		dis, err := New(patterns.Default(), WithDisabled(ids...))
		require.NoError(t, err)
		want := key(dis.Scan(src))
		got := key(v.Scan(src))
		assert.Equal(t, want, got, "%v", ids)
		assert.NotEqual(t, key(defaultDetector().Scan(src)), got, "%v: exempting changed nothing", ids)
	}
}

func TestExemptConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 7))
	var b strings.Builder
	for range 200 {
		fmt.Fprintf(&b, "token=%s test_secret=%s ok\n", makeTok(r), randAlnum(r, 32))
	}
	src := []byte(b.String())
	d := newTest(t, WithAllowValues(AllowEntry([]byte(randAlnum(r, 32)))))
	v, err := d.Exempt("test-token")
	require.NoError(t, err)
	wantD, wantV := d.Redact(nil, src), v.Redact(nil, src)
	require.NotEqual(t, wantD, wantV)
	var wg sync.WaitGroup
	errs := make([]bool, 8)
	for g := range 8 {
		wg.Go(func() {
			det, want := d, wantD
			if g%2 == 1 {
				det, want = v, wantV
			}
			var dst []byte
			for range 20 {
				dst = det.Redact(dst[:0], src)
				if string(dst) != string(want) {
					errs[g] = true
				}
			}
		})
	}
	wg.Wait()
	assert.False(t, slices.Contains(errs, true), "a concurrent scan differed")
}

// TestSigV4Scope checks that only the access key id of a SigV4
// credential is masked, in a header and in a presigned URL, and that the
// signature is left as the catalog has it (no pattern claims it).
func TestSigV4Scope(t *testing.T) {
	d := defaultDetector()
	keyID := "AKIASLLB" + "353NC34M3APY" // a catalog example, built at run time
	sig := strings.Repeat("9f2c4e1a7b3d5f60", 4)
	scope := "/20260301/us-east-1/s3/aws4_request"
	esc := strings.ReplaceAll(scope, "/", "%2F")
	tests := []struct {
		name, text, want string
	}{
		{"header",
			"Authorization: AWS4-HMAC-SHA256 Credential=" + keyID + scope + ", SignedHeaders=host;x-amz-date, Signature=" + sig,
			"Authorization: AWS4-HMAC-SHA256 Credential=[REDACTED:aws-access-key-id]" + scope + ", SignedHeaders=host;x-amz-date, Signature=" + sig},
		{"presigned",
			"GET /b/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + keyID + esc + "&X-Amz-Date=20260301T101502Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" + sig,
			"GET /b/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[REDACTED:aws-access-key-id]" + esc + "&X-Amz-Date=20260301T101502Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" + sig},
		{"presigned unescaped",
			"https://b.s3.amazonaws.com/o?X-Amz-Credential=" + keyID + scope + "&X-Amz-Signature=" + sig,
			"https://b.s3.amazonaws.com/o?X-Amz-Credential=[REDACTED:aws-access-key-id]" + scope + "&X-Amz-Signature=" + sig},
		{"json",
			`{"credential": "` + keyID + scope + `"}`,
			`{"credential": "[REDACTED:aws-access-key-id]` + scope + `"}`},
		// A key id of another SigV4 service, which no provider pattern
		// knows: the generic value is the key id alone.
		{"other service",
			"credential=GOOG1E" + "X7Q2LMZ9WPTK4RV8NB3C" + scope,
			"credential=[REDACTED:generic-high-entropy-secret]" + scope},
	}
	for _, tc := range tests {
		got := d.RedactString(tc.text)
		assert.True(t, got == tc.want, "%s: got a redaction other than the key id alone", tc.name)
		assert.False(t, holds(got, keyID), "%s: key id passed", tc.name)
	}
}

// BenchmarkScanAllow measures Scan with and without an allowlist of 1,000
// entries, on clean text (no candidate is hashed) and on text with a
// secret every ~20 lines (each candidate is hashed, none is allowed).
func BenchmarkScanAllow(b *testing.B) {
	r := rand.New(rand.NewPCG(18, 8))
	var sha, keyed []string
	for range 1000 {
		v := []byte(randAlnum(r, 32))
		sha = append(sha, AllowEntry(v))
		k, _ := AllowEntryKeyed(allowKey, v)
		keyed = append(keyed, k)
	}
	lists := []struct {
		name string
		opts []Option
	}{
		{"none", nil},
		{"sha256x1000", []Option{WithAllowValues(sha...)}},
		{"hmacx1000", []Option{WithFingerprintKey(allowKey), WithAllowValues(keyed...)}},
	}
	for _, l := range lists {
		d, err := New(patterns.Default(), l.opts...)
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range []struct {
			name string
			src  []byte
		}{{"clean", cleanLog()}, {"secrets", secretLog()}} {
			b.Run(in.name+"/"+l.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.src)))
				b.ReportAllocs()
				var dst []Finding
				for b.Loop() {
					dst = d.AppendScan(dst[:0], in.src)
				}
				if in.name == "clean" && len(dst) != 0 {
					b.Fatal("findings in clean text")
				}
				b.ReportMetric(float64(len(dst)), "findings/op")
			})
		}
	}
}

// TestExemptCoversDetectorFields fails when Detector gains a field, so
// that whoever adds it decides whether a view made by Exempt shares it
// (copied in Exempt), owns it (set up in setup) or starts it at zero (a
// counter).
func TestExemptCoversDetectorFields(t *testing.T) {
	var got []string
	typ := reflect.TypeFor[Detector]()
	for i := range typ.NumField() {
		got = append(got, typ.Field(i).Name)
	}
	want := []string{
		"pats", "pf", "opts", "maxWin", "lim", "exempt", // shared or copied by Exempt
		"pool", "hmacs", "names", // owned: setup
		"timeouts", "undecided", "undecidedBytes", "work", "allowed", // counters, zero in a view
		"lineOnce", "lines", // built on first use by each Detector (lines.go)
	}
	assert.ElementsMatch(t, want, got, "Detector's fields: a new one must be handled in Exempt or setup")
}
