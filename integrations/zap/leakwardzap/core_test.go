package leakwardzap

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/multierr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// token returns a synthetic classic GitHub token with a valid checksum.
func token(r *rand.Rand) string {
	body := make([]byte, 30)
	for i := range body {
		body[i] = base62[r.IntN(len(base62))]
	}
	v := crc32.ChecksumIEEE(body)
	var sum [6]byte
	for i := 5; i >= 0; i-- {
		sum[i] = base62[v%62]
		v /= 62
	}
	return "ghp_" + string(body) + string(sum[:])
}

func tokens(t testing.TB, seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 3))
	out := make([]string, n)
	for i := range out {
		out[i] = token(r)
		var m patterns.Meta
		require.True(t, patterns.ValidateGitHubToken([]byte(out[i]), &m), "generated token %s", detect.Preview([]byte(out[i])))
	}
	return out
}

// defaultDetector has a long match timeout: the tests check the Core, and a
// regex search that times out on a loaded machine (or under -race) is a miss.
var defaultDetector = func() *detect.Detector {
	d, err := detect.New(patterns.Default(), detect.WithMatchTimeout(30*time.Second))
	if err != nil {
		panic(err)
	}
	return d
}()

func newObserved(level zapcore.Level) (*zap.Logger, *observer.ObservedLogs) {
	obs, logs := observer.New(level)
	return zap.New(NewCore(obs, defaultDetector)), logs
}

// allText renders every entry, message and fields (context included), as
// the observer holds them.
func allText(logs *observer.ObservedLogs) string {
	var b strings.Builder
	for _, e := range logs.All() {
		b.WriteString(e.Message)
		fmt.Fprintf(&b, " %v\n", e.ContextMap())
	}
	return b.String()
}

func assertNoSecret(t *testing.T, where, got string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		assert.False(t, strings.Contains(got, s), "%s still holds secret %s", where, detect.Preview([]byte(s)))
	}
}

type stringer struct {
	s     string
	calls *atomic.Int32
}

func (s stringer) String() string {
	if s.calls != nil {
		s.calls.Add(1)
	}
	return s.s
}

type verboseErr struct{ msg, detail string }

func (e verboseErr) Error() string { return e.msg }
func (e verboseErr) Format(f fmt.State, verb rune) {
	io.WriteString(f, e.msg)
	if f.Flag('+') {
		io.WriteString(f, "\n"+e.detail)
	}
}

type creds struct {
	User  string
	Token string
}

type credsObject struct{ user, token string }

func (c credsObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("user", c.user)
	enc.AddByteString("token", []byte(c.token))
	enc.AddInt("n", 1)
	return enc.AddObject("inner", credsInner{c.token})
}

type credsInner struct{ token string }

func (c credsInner) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("auth", "token "+c.token)
	return enc.AddReflected("r", creds{Token: c.token})
}

func TestCoreRedactsMessageAndFields(t *testing.T) {
	tok := tokens(t, 1, 12)
	log, logs := newObserved(zapcore.DebugLevel)
	log.Info("clone with "+tok[0],
		zap.String("url", "https://x:"+tok[1]+"@example.invalid"),
		zap.ByteString("raw", []byte("token="+tok[2])),
		zap.Stringer("cfg", stringer{s: "GITHUB_TOKEN=" + tok[3]}),
		zap.Error(errors.New("auth failed for "+tok[4])),
		zap.NamedError("verbose", verboseErr{msg: "plain", detail: "detail " + tok[5]}),
		zap.Reflect("creds", creds{User: "alice", Token: tok[6]}),
		zap.Any("anystr", "x "+tok[7]),
		zap.Object("obj", credsObject{user: "bob", token: tok[8]}),
		zap.Strings("list", []string{"a", tok[9]}),
		zap.Int("count", 3),
		zap.String("clean", "nothing here"),
	)
	require.Equal(t, 1, logs.Len())
	e := logs.All()[0]
	assert.Equal(t, "clone with [REDACTED:github-pat-classic]", e.Message, "message")
	got := e.ContextMap()
	assert.Equal(t, "https://x:[REDACTED:github-pat-classic]@example.invalid", got["url"], "string field")
	assert.Equal(t, "token=[REDACTED:github-pat-classic]", got["raw"], "byte string field")
	assert.Equal(t, "GITHUB_TOKEN=[REDACTED:github-pat-classic]", got["cfg"], "stringer field")
	assert.Equal(t, "auth failed for [REDACTED:github-pat-classic]", got["error"], "error field")
	assert.Equal(t, "plain", got["verbose"], "error with a secret only in its verbose form")
	assert.Equal(t, "plain\ndetail [REDACTED:github-pat-classic]", got["verboseVerbose"], "verbose form of an error")
	assert.Equal(t, `{"User":"alice","Token":"[REDACTED:github-pat-classic]"}`, got["creds"], "reflected field")
	assert.Equal(t, "x [REDACTED:github-pat-classic]", got["anystr"], "zap.Any of a string")
	assert.Equal(t, map[string]any{
		"user": "bob", "token": "[REDACTED:github-pat-classic]", "n": 1,
		"inner": map[string]any{"auth": "token [REDACTED:github-pat-classic]", "r": `{"User":"","Token":"[REDACTED:github-pat-classic]"}`},
	}, got["obj"], "object field")
	assert.Equal(t, []any{"a", "[REDACTED:github-pat-classic]"}, got["list"], "array field")
	assert.Equal(t, int64(3), got["count"], "int field")
	assert.Equal(t, "nothing here", got["clean"], "clean field")
	assertNoSecret(t, "entry", allText(logs), tok)
}

func TestCoreWithRedactsOnce(t *testing.T) {
	tok := tokens(t, 2, 2)
	var calls atomic.Int32
	log, logs := newObserved(zapcore.DebugLevel)
	child := log.With(zap.Stringer("cfg", stringer{s: "key " + tok[0], calls: &calls}), zap.String("tok", tok[1]))
	for range 3 {
		child.Info("request")
	}
	assert.Equal(t, int32(1), calls.Load(), "Stringer calls for a With field logged three times")
	require.Equal(t, 3, logs.Len())
	for _, e := range logs.All() {
		assert.Equal(t, map[string]any{"cfg": "key [REDACTED:github-pat-classic]", "tok": "[REDACTED:github-pat-classic]"}, e.ContextMap(), "With fields")
	}
	assertNoSecret(t, "entries", allText(logs), tok)
}

func TestCoreStaysInChain(t *testing.T) {
	tok := tokens(t, 3, 1)
	obs1, logs1 := observer.New(zapcore.InfoLevel)
	obs2, logs2 := observer.New(zapcore.InfoLevel)
	log := zap.New(zapcore.NewTee(NewCore(obs1, defaultDetector), NewCore(obs2, defaultDetector)))
	log.Info("t " + tok[0])
	log.Debug("below level " + tok[0])
	if ce := log.Check(zapcore.WarnLevel, "checked "+tok[0]); ce != nil {
		ce.Write(zap.String("k", tok[0]))
	}
	for i, logs := range []*observer.ObservedLogs{logs1, logs2} {
		assert.Equal(t, 2, logs.Len(), "entries in tee branch %d", i)
		assertNoSecret(t, fmt.Sprintf("tee branch %d", i), allText(logs), tok)
	}
}

func TestCoreLevel(t *testing.T) {
	obs, _ := observer.New(zapcore.WarnLevel)
	c := NewCore(obs, defaultDetector)
	assert.False(t, c.Enabled(zapcore.InfoLevel), "info on a warn core")
	assert.True(t, c.Enabled(zapcore.ErrorLevel), "error on a warn core")
	ce := c.Check(zapcore.Entry{Level: zapcore.InfoLevel}, nil)
	assert.Nil(t, ce, "Check below level")
	require.NoError(t, c.Sync())
}

func TestCoreLeavesCallerFieldsAlone(t *testing.T) {
	tok := tokens(t, 4, 1)
	obs, logs := observer.New(zapcore.DebugLevel)
	c := NewCore(obs, defaultDetector)
	fields := []zapcore.Field{zap.String("a", tok[0]), zap.Int("b", 1)}
	require.NoError(t, c.Write(zapcore.Entry{Message: "m"}, fields))
	assert.Equal(t, tok[0], fields[0].String, "caller's field slice is not modified")
	assert.Equal(t, "[REDACTED:github-pat-classic]", logs.All()[0].ContextMap()["a"], "written field")
}

func TestCorePanickingStringerAndNilError(t *testing.T) {
	log, logs := newObserved(zapcore.DebugLevel)
	var nilStringer *nilPtrStringer
	log.Info("m", zap.Stringer("s", nilStringer), zap.Error(nil), zap.Error(panicErr{}))
	require.Equal(t, 1, logs.Len())
	assert.Contains(t, logs.All()[0].ContextMap(), "s", "zap still reports the nil Stringer")
}

type nilPtrStringer struct{ s string }

func (n *nilPtrStringer) String() string { return n.s }

type panicErr struct{}

func (panicErr) Error() string { panic("boom") }

func TestCoreCatalogExamples(t *testing.T) {
	log, logs := newObserved(zapcore.DebugLevel)
	var secrets [][]string // secrets of each entry
	for _, p := range patterns.Default() {
		for _, ex := range p.Examples {
			fs := defaultDetector.Scan([]byte(ex))
			if len(fs) == 0 {
				continue
			}
			var own []string
			for _, f := range fs {
				own = append(own, string(f.Secret([]byte(ex))))
			}
			secrets = append(secrets, own)
			log.Warn(ex, zap.String("line", ex))
		}
	}
	require.Greater(t, len(secrets), 100, "catalog examples with findings")
	require.Equal(t, len(secrets), logs.Len(), "entries")
	for i, e := range logs.All() {
		assertNoSecret(t, fmt.Sprintf("catalog entry %d", i), e.Message+" "+e.ContextMap()["line"].(string), secrets[i])
	}
}

func TestCoreCleanWriteDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	c := NewCore(zapcore.NewNopCore(), defaultDetector)
	ent := zapcore.Entry{
		Message: "GET /api/v1/items/42 200 12ms", LoggerName: "api.items",
		Caller: zapcore.EntryCaller{Defined: true, File: "/src/api/items.go", Line: 42, Function: "api.(*Items).Get"},
		Stack:  "api.(*Items).Get\n\t/src/api/items.go:42",
	}
	fields := []zapcore.Field{
		zap.String("user", "alice"), zap.Int("status", 200), zap.Binary("etag", []byte{0x9f, 0x01, 0x7a}),
		zap.Namespace("req"), zap.ByteString("path", []byte("/api/v1/items/42")),
	}
	allocs := testing.AllocsPerRun(100, func() { _ = c.Write(ent, fields) })
	assert.Zero(t, allocs, "allocations of Write on a clean entry")
}

func BenchmarkCore(b *testing.B) {
	tok := tokens(b, 9, 1)[0]
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	bare := zapcore.NewCore(enc, zapcore.AddSync(io.Discard), zapcore.DebugLevel)
	cases := []struct {
		name   string
		msg    string
		fields []zapcore.Field
	}{
		{"clean", "GET /api/v1/items/42 200 12ms", []zapcore.Field{zap.String("user", "alice"), zap.String("path", "/api/v1/items/42"), zap.Int("status", 200)}},
		{"secret", "clone failed for https://x:" + tok + "@example.invalid/org/repo.git", []zapcore.Field{zap.String("user", "alice"), zap.String("token", tok), zap.Int("status", 401)}},
	}
	for _, tc := range cases {
		for _, core := range []struct {
			name string
			c    zapcore.Core
		}{{"bare", bare}, {"leakward", NewCore(bare, defaultDetector)}} {
			b.Run(tc.name+"/"+core.name, func(b *testing.B) {
				log := zap.New(core.c)
				b.ReportAllocs()
				b.SetBytes(int64(len(tc.msg)))
				for b.Loop() {
					log.Info(tc.msg, tc.fields...)
				}
			})
		}
	}
}

// encoderKinds are the encoders the printed-form tests write through.
var encoderKinds = []struct {
	name string
	new  func(zapcore.EncoderConfig) zapcore.Encoder
}{
	{"json", zapcore.NewJSONEncoder},
	{"console", zapcore.NewConsoleEncoder},
}

// testEncoderConfig prints everything an entry can carry, without the time.
func testEncoderConfig() zapcore.EncoderConfig {
	cfg := zap.NewProductionEncoderConfig()
	cfg.TimeKey = ""
	cfg.NameKey = "logger"
	cfg.FunctionKey = "func"
	return cfg
}

// encode calls write with a core that encodes with newEnc into a buffer,
// wrapped in a leakward Core when wrap is set, and returns what was
// written. A panic that escapes write is recovered and its value appended
// to the output, since a crash prints it too.
func encode(newEnc func(zapcore.EncoderConfig) zapcore.Encoder, wrap bool, write func(zapcore.Core)) (out string) {
	var buf bytes.Buffer
	var c zapcore.Core = zapcore.NewCore(newEnc(testEncoderConfig()), zapcore.AddSync(&buf), zapcore.DebugLevel)
	if wrap {
		c = NewCore(c, defaultDetector)
	}
	defer func() {
		if r := recover(); r != nil {
			out = buf.String() + fmt.Sprint("\npanic: ", r)
		}
	}()
	write(c)
	return buf.String()
}

// leaks reports whether out holds secret or its base64 form at any
// alignment (the characters that depend on the secret's bytes alone).
func leaks(out, secret string) bool {
	if strings.Contains(out, secret) {
		return true
	}
	for pad := range 3 {
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00", pad) + secret))
		if strings.Contains(out, enc[4:len(enc)-4]) {
			return true
		}
	}
	return false
}

// awsKeyID returns a synthetic AWS access key id (AKIA and 16 base32
// characters).
func awsKeyID(r *rand.Rand) string {
	const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := []byte("AKIA")
	for range 16 {
		b = append(b, base32[r.IntN(len(base32))])
	}
	return string(b)
}

type binObject struct{ b []byte }

func (o binObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddBinary("blob", o.b)
	return nil
}

type panicStringer struct{ v string }

func (p panicStringer) String() string { panic(p.v) }

type panicErrorText struct{ v string }

func (p panicErrorText) Error() string { panic(errors.New(p.v)) }

// group is an error group as zap sees one (multierr's interface), which can
// nest.
type group struct {
	msg  string
	errs []error
}

func (g group) Error() string   { return g.msg }
func (g group) Errors() []error { return g.errs }

type panicGroup struct{ v string }

func (panicGroup) Error() string     { return "group" }
func (p panicGroup) Errors() []error { panic(p.v) }

type panicObject struct{ v string }

func (p panicObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("before", "x")
	panic(p.v)
}

type panicArray struct{ v string }

func (p panicArray) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	enc.AppendString("x")
	panic(p.v)
}

type failingObject struct{ v string }

func (f failingObject) MarshalLogObject(zapcore.ObjectEncoder) error {
	return errors.New("cannot marshal " + f.v)
}

type jsonFails struct{ v string }

func (j jsonFails) MarshalJSON() ([]byte, error) { return nil, errors.New("bad value " + j.v) }

type jsonPanics struct{ v string }

func (j jsonPanics) MarshalJSON() ([]byte, error) { panic("bad value " + j.v) }

// TestCoreRedactsPrintedForms writes each way a value reaches zap's
// encoders, holding a secret, through the JSON and console encoders, and
// checks that the bare core prints the secret (so the case exercises a
// leak) and the leakward core does not, and prints want instead.
func TestCoreRedactsPrintedForms(t *testing.T) {
	const pat = "[REDACTED:github-pat-classic]"
	cases := []struct {
		name  string
		want  string // in the leakward output
		write func(c zapcore.Core, tok string)
	}{
		{"message", pat, func(c zapcore.Core, tok string) { zap.New(c).Info("clone " + tok) }},
		{"zap.Binary", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Binary("blob", []byte("token="+tok)))
		}},
		{"zap.Any of []byte", pat, func(c zapcore.Core, tok string) { zap.New(c).Info("m", zap.Any("blob", []byte(tok))) }},
		{"AddBinary in an object", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Object("o", binObject{[]byte("\x00\x01" + tok)}))
		}},
		{"binary in a nested dict", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Dict("d", zap.Dict("e", zap.Binary("b", []byte(tok)))))
		}},
		{"field key", RedactedKey, func(c zapcore.Core, tok string) { zap.New(c).Info("m", zap.Int("token="+tok, 1)) }},
		{"string field key", RedactedKey, func(c zapcore.Core, tok string) { zap.New(c).Info("m", zap.String(tok, "v")) }},
		{"namespace", RedactedKey, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Namespace("ns "+tok), zap.Int("n", 1))
		}},
		{"namespace in an object", RedactedKey, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Dict("d", zap.Namespace(tok), zap.Int("n", 1)))
		}},
		{"key in an object", RedactedKey, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Dict("d", zap.Bool(tok, true)))
		}},
		{"With key", RedactedKey, func(c zapcore.Core, tok string) { zap.New(c).With(zap.Int(tok, 1)).Info("m") }},
		{"logger name", pat, func(c zapcore.Core, tok string) { zap.New(c).Named("svc").Named(tok).Info("m") }},
		{"stack, caller file and function", pat, func(c zapcore.Core, tok string) {
			_ = c.Write(zapcore.Entry{
				Message: "m",
				Caller:  zapcore.EntryCaller{Defined: true, File: "/src/" + tok + "/main.go", Line: 7, Function: "main." + tok},
				Stack:   "main.run\n\t/src/" + tok + ".go:7",
			}, nil)
		}},
		{"error", pat, func(c zapcore.Core, tok string) { zap.New(c).Info("m", zap.Error(errors.New("auth "+tok))) }},
		{"verbose error", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Error(verboseErr{msg: "plain", detail: "detail " + tok}))
		}},
		{"multierr causes", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Error(multierr.Combine(errors.New("a"), verboseErr{msg: "b", detail: "d " + tok})))
		}},
		{"nested group causes", pat, func(c zapcore.Core, tok string) {
			inner := group{msg: "inner", errs: []error{errors.New("x"), errors.New("y " + tok)}}
			zap.New(c).Info("m", zap.NamedError("e", group{msg: "outer", errs: []error{inner}}))
		}},
		{"errors.Join", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Error(errors.Join(errors.New("a"), errors.New("b "+tok))))
		}},
		{"zap.Errors", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Errors("errs", []error{errors.New("a"), errors.New("b " + tok)}))
		}},
		{"error in an object", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Dict("d", zap.Error(verboseErr{msg: "e " + tok, detail: tok})))
		}},
		{"error returned by MarshalLogObject", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Object("o", failingObject{tok}))
		}},
		{"panicking Stringer", "PANIC=", func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Stringer("s", panicStringer{"bad " + tok}))
		}},
		{"panicking Stringer in With", "PANIC=", func(c zapcore.Core, tok string) {
			zap.New(c).With(zap.Stringer("s", panicStringer{"bad " + tok})).Info("m")
		}},
		{"panicking Error", "PANIC=", func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Error(panicErrorText{"bad " + tok}))
		}},
		{"panicking Errors", "PANIC=", func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Error(panicGroup{"bad " + tok}))
		}},
		{"panicking cause", "PANIC=", func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Error(group{msg: "g", errs: []error{panicErrorText{"bad " + tok}}}))
		}},
		{"panicking MarshalLogObject", "PANIC=", func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Object("o", panicObject{"bad " + tok}))
		}},
		{"panicking MarshalLogArray", "PANIC=", func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Array("a", panicArray{"bad " + tok}))
		}},
		{"map with a secret key", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Any("m", map[string]int{tok: 1}))
		}},
		{"reflected slice", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Reflect("r", []creds{{Token: tok}}))
		}},
		{"reflected in an array", pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Array("a", zapcore.ArrayMarshalerFunc(func(enc zapcore.ArrayEncoder) error {
				return enc.AppendReflected(map[string]string{"k": tok})
			})))
		}},
		{"MarshalJSON error", "bad value " + pat, func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Reflect("r", jsonFails{tok}))
		}},
		{"MarshalJSON panic", "PANIC=", func(c zapcore.Core, tok string) {
			zap.New(c).Info("m", zap.Reflect("r", jsonPanics{tok}))
		}},
		{"Panic message", pat, func(c zapcore.Core, tok string) { zap.New(c).Panic("boom " + tok) }},
		{"DPanic message in development", pat, func(c zapcore.Core, tok string) {
			zap.New(c, zap.Development()).DPanic("boom " + tok)
		}},
	}
	for i, tc := range cases {
		tok := tokens(t, 100+uint64(i), 1)[0]
		for _, ek := range encoderKinds {
			where := tc.name + "/" + ek.name
			bare := encode(ek.new, false, func(c zapcore.Core) { tc.write(c, tok) })
			require.True(t, leaks(bare, tok), "%s: the bare core does not print the secret; the case tests nothing", where)
			got := encode(ek.new, true, func(c zapcore.Core) { tc.write(c, tok) })
			assert.False(t, leaks(got, tok), "%s: the secret or its base64 form is printed", where)
			assert.True(t, strings.Contains(got, tc.want), "%s: output lacks %q", where, tc.want)
			if ek.name == "json" && !strings.Contains(got, "\npanic: ") {
				for line := range strings.Lines(got) {
					assert.True(t, json.Valid([]byte(line)), "%s: output is not JSON", where)
				}
			}
		}
	}
}

// TestCoreBinaryBase64Form logs bytes that hold no secret as text but whose
// base64 form, the one zap prints, does.
func TestCoreBinaryBase64Form(t *testing.T) {
	id := awsKeyID(rand.New(rand.NewPCG(7, 7)))
	printed := "AAA/" + id + "/AAA"
	raw, err := base64.StdEncoding.DecodeString(printed)
	require.NoError(t, err, "decoding the constructed base64 form")
	require.Empty(t, defaultDetector.Scan(raw), "the raw bytes hold no finding")
	for _, ek := range encoderKinds {
		for _, f := range []zapcore.Field{zap.Binary("b", raw), zap.Dict("d", zap.Binary("b", raw))} {
			bare := encode(ek.new, false, func(c zapcore.Core) { zap.New(c).Info("m", f) })
			require.True(t, strings.Contains(bare, id), "%s/%s: the bare core does not print the key id", ek.name, f.Key)
			got := encode(ek.new, true, func(c zapcore.Core) { zap.New(c).Info("m", f) })
			assert.False(t, strings.Contains(got, id), "%s/%s: the key id is printed", ek.name, f.Key)
			assert.True(t, strings.Contains(got, "AAA/[REDACTED:"), "%s/%s: the redacted base64 form is not printed", ek.name, f.Key)
		}
	}
}

func TestAnyOfBytesIsBinary(t *testing.T) {
	assert.Equal(t, zapcore.BinaryType, zap.Any("k", []byte("x")).Type, "zap.Any of []byte")
	assert.Equal(t, zapcore.BinaryType, zap.Binary("k", []byte("x")).Type, "zap.Binary")
}

type cleanObject struct{}

func (cleanObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("s", "v")
	enc.AddBinary("b", []byte{0, 1, 2, 0xff})
	enc.OpenNamespace("ns")
	enc.AddDuration("d", time.Second)
	return enc.AddReflected("r", map[string]any{"a": 1, "b": "<x&y>"})
}

// TestCoreCleanEntryUnchanged checks that an entry without a secret prints
// exactly as it does through the bare core, for every kind of value.
func TestCoreCleanEntryUnchanged(t *testing.T) {
	var nilStringer *nilPtrStringer
	write := func(c zapcore.Core) {
		log := zap.New(c).Named("svc").With(zap.String("user", "alice"), zap.Stringer("st", stringer{s: "cfg"}))
		log.Info("GET /items 200",
			zap.String("s", "v"), zap.ByteString("bs", []byte("v")), zap.Binary("bin", []byte{0, 1, 2, 0xfe, 0xff}),
			zap.Any("anybytes", []byte("text")), zap.Int("n", 3), zap.Float64("f", 1.5), zap.Duration("d", time.Second),
			zap.Stringer("nil", nilStringer), zap.Stringer("panics", panicStringer{"boom"}),
			zap.Error(multierr.Combine(errors.New("a"), verboseErr{msg: "b", detail: "trace"})),
			zap.NamedError("verbose", verboseErr{msg: "plain", detail: "trace"}),
			zap.NamedError("panicky", panicErr{}),
			zap.Errors("errs", []error{errors.New("x"), nil, errors.New("y")}),
			zap.Reflect("r", creds{User: "alice"}), zap.Any("m", map[string]any{"k": []int{1, 2}, "h": "<a&b>"}),
			zap.Reflect("fails", jsonFails{"x"}),
			zap.Object("o", cleanObject{}), zap.Inline(cleanObject{}), zap.Strings("list", []string{"a", "b"}),
			zap.Object("failing", failingObject{"x"}),
			zap.Namespace("ns"), zap.String("inner", "v"))
		_ = c.Write(zapcore.Entry{
			Message: "m", LoggerName: "a.b",
			Caller: zapcore.EntryCaller{Defined: true, File: "/src/app/main.go", Line: 7, Function: "main.run"},
			Stack:  "main.run\n\t/src/app/main.go:7",
		}, []zapcore.Field{zap.Int("n", 1)})
	}
	for _, ek := range encoderKinds {
		bare := encode(ek.new, false, write)
		got := encode(ek.new, true, write)
		assert.Equal(t, bare, got, "%s: clean output through the leakward core", ek.name)
	}
}

func TestCoreStats(t *testing.T) {
	d, err := detect.New(patterns.Default(), detect.WithMatchTimeout(30*time.Second))
	require.NoError(t, err)
	c := NewCore(zapcore.NewNopCore(), d)
	zap.New(c).Info("m " + tokens(t, 11, 1)[0])
	assert.Equal(t, d.Stats(), c.Stats(), "Core.Stats is the detector's")
}

// memberObject adds one string member, key, to the object it marshals.
type memberObject struct{ key, value string }

func (o memberObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString(o.key, o.value)
	return nil
}

// nestedObject adds its member inside an object of its own, after opening a
// namespace, and once more as a byte string.
type nestedObject struct{ ns, key, value string }

func (o nestedObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.OpenNamespace(o.ns)
	enc.AddByteString(o.key, []byte(o.value))
	return enc.AddObject("inner", memberObject{o.key, o.value})
}

// nsObject adds its member after opening a namespace.
type nsObject struct{ ns, key, value string }

func (o nsObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.OpenNamespace(o.ns)
	enc.AddString(o.key, o.value)
	return nil
}

// fieldSecrets returns values that no pattern finds alone, but that are
// credentials as the values of secret-named fields: a password and an API
// key. They are built at run time and never printed.
func fieldSecrets() (password, apiKey string) {
	return strings.Join([]string{"Tq7w", "Lz2V", "bK9x"}, ""),
		strings.Join([]string{"u7Kq2ZpW", "9xLm4vB8", "nR3tYc6D"}, "")
}

func TestCoreRedactsSecretNamedFields(t *testing.T) {
	pw, key := fieldSecrets()
	for _, ek := range encoderKinds {
		out := encode(ek.new, true, func(c zapcore.Core) {
			zap.New(c).Info("login", zap.String("password", pw), zap.String("api_key", key))
		})
		assert.False(t, leaks(out, pw), "%s: password field printed its value", ek.name)
		assert.False(t, leaks(out, key), "%s: api_key field printed its value", ek.name)
		assert.True(t, strings.Contains(out, `"password"`), "%s: the key password is kept", ek.name)

		out = encode(ek.new, true, func(c zapcore.Core) {
			zap.New(c).Info("login", zap.String("user", pw), zap.String("id", key))
		})
		assert.True(t, strings.Contains(out, pw) && strings.Contains(out, key),
			"%s: fields named user and id were changed", ek.name)
	}
}

// TestCoreFieldNames checks each kind of field whose value zap prints as
// text under names that say secret (the value is redacted) and names that
// do not (the value is printed as given), in both encoders.
func TestCoreFieldNames(t *testing.T) {
	pw, key := fieldSecrets()
	kinds := []struct {
		name  string
		write func(log *zap.Logger, name, value string)
	}{
		{"String", func(log *zap.Logger, n, v string) { log.Info("m", zap.String(n, v)) }},
		{"ByteString", func(log *zap.Logger, n, v string) { log.Info("m", zap.ByteString(n, []byte(v))) }},
		{"Stringer", func(log *zap.Logger, n, v string) { log.Info("m", zap.Stringer(n, stringer{s: v})) }},
		{"NamedError", func(log *zap.Logger, n, v string) { log.Info("m", zap.NamedError(n, errors.New(v))) }},
		{"Reflect", func(log *zap.Logger, n, v string) { log.Info("m", zap.Reflect(n, v)) }},
		{"Strings", func(log *zap.Logger, n, v string) { log.Info("m", zap.Strings(n, []string{"a", v})) }},
		{"Namespace", func(log *zap.Logger, n, v string) {
			log.Info("m", zap.Namespace("db"), zap.String(n, v))
		}},
		{"With Namespace", func(log *zap.Logger, n, v string) {
			log.With(zap.Namespace("db")).With(zap.Namespace("primary")).Info("m", zap.String(n, v))
		}},
		{"With", func(log *zap.Logger, n, v string) { log.With(zap.String(n, v)).Info("m") }},
		{"Object member", func(log *zap.Logger, n, v string) { log.Info("m", zap.Object("db", memberObject{n, v})) }},
		{"Inline member", func(log *zap.Logger, n, v string) { log.Info("m", zap.Inline(memberObject{n, v})) }},
		{"nested Object members", func(log *zap.Logger, n, v string) {
			log.Info("m", zap.Object("cfg", nestedObject{"db", n, v}))
		}},
	}
	names := []struct {
		name   string
		secret bool
	}{
		{"password", true},
		{"api_key", true},
		{"dbPassword", true},
		{"X-Api-Key", true},
		{"client_secret", true},
		{"AUTHORIZATION", true},
		{"user", false},
		{"password_length", false},
		{"token_count", false},
		{"key_id", false},
		{"next_page_token", false},
		{"public_key", false},
	}
	for _, k := range kinds {
		for _, n := range names {
			for _, v := range []struct{ name, value string }{{"password", pw}, {"api key", key}} {
				for _, ek := range encoderKinds {
					out := encode(ek.new, true, func(c zapcore.Core) { k.write(zap.New(c), n.name, v.value) })
					if n.secret {
						assert.False(t, leaks(out, v.value), "%s %s %q: the %s value is printed", ek.name, k.name, n.name, v.name)
					} else {
						assert.True(t, strings.Contains(out, v.value), "%s %s %q: the %s value is not printed as given", ek.name, k.name, n.name, v.name)
					}
				}
			}
		}
	}
}

// TestCoreFieldNamePaths checks that a field's name includes its namespace
// path and object keys, joined with '.': names given with dots to the
// detector match only there.
func TestCoreFieldNamePaths(t *testing.T) {
	d, err := detect.New(patterns.Default(), detect.WithMatchTimeout(30*time.Second),
		detect.WithSecretNames("db.pin"), detect.WithPublicNames("debug.password"))
	require.NoError(t, err)
	pw, _ := fieldSecrets()
	cases := []struct {
		name   string
		with   []zapcore.Field
		fields []zapcore.Field
		secret bool
	}{
		{"pin", nil, []zapcore.Field{zap.String("pin", pw)}, false},
		{"db.pin with With", []zapcore.Field{zap.Namespace("db")}, []zapcore.Field{zap.String("pin", pw)}, true},
		{"db.pin in With", []zapcore.Field{zap.Namespace("db"), zap.String("pin", pw)}, nil, true},
		{"app.db.pin with With", []zapcore.Field{zap.Namespace("app")}, []zapcore.Field{zap.Namespace("db"), zap.String("pin", pw)}, true},
		{"db.pin", nil, []zapcore.Field{zap.Namespace("db"), zap.String("pin", pw)}, true},
		{"app.db.pin", nil, []zapcore.Field{zap.Namespace("app"), zap.Namespace("db"), zap.String("pin", pw)}, true},
		{"db.pin in an object", nil, []zapcore.Field{zap.Object("db", memberObject{"pin", pw})}, true},
		{"db.pin in an inline object", nil, []zapcore.Field{zap.Namespace("db"), zap.Inline(memberObject{"pin", pw})}, true},
		{"x.db.pin in an object's namespace", nil, []zapcore.Field{zap.Object("x", nsObject{"db", "pin", pw})}, true},
		{"x.y.pin in objects", nil, []zapcore.Field{zap.Object("x", nsObject{"y", "pin", pw})}, false},
		{"db.pin in an object in an array", nil, []zapcore.Field{zap.Objects("db", []memberObject{{"pin", pw}})}, true},
		{"db.pin after the namespace", nil, []zapcore.Field{zap.String("pin", pw), zap.Namespace("db")}, false},
		{"password", nil, []zapcore.Field{zap.String("password", pw)}, true},
		{"debug.password", nil, []zapcore.Field{zap.Namespace("debug"), zap.String("password", pw)}, false},
	}
	for _, tc := range cases {
		for _, ek := range encoderKinds {
			var buf bytes.Buffer
			inner := zapcore.NewCore(ek.new(testEncoderConfig()), zapcore.AddSync(&buf), zapcore.DebugLevel)
			zap.New(NewCore(inner, d)).With(tc.with...).Info("m", tc.fields...)
			got := strings.Contains(buf.String(), pw)
			assert.Equal(t, !tc.secret, got, "%s %s: value printed", ek.name, tc.name)
		}
	}
}

func TestCoreSecretNamedCleanWriteDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	c := NewCore(zapcore.NewNopCore(), defaultDetector).With([]zapcore.Field{zap.Namespace("app")})
	fields := []zapcore.Field{
		zap.String("user", "alice"), zap.Namespace("db"), zap.String("token_count", "12"),
		zap.ByteString("password_length", []byte("12")), zap.String("host", "db.example.invalid"),
	}
	allocs := testing.AllocsPerRun(100, func() { _ = c.Write(zapcore.Entry{Message: "m"}, fields) })
	assert.Zero(t, allocs, "allocations of Write with names that do not say secret, in namespaces")
}
