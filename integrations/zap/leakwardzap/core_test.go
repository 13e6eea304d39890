package leakwardzap

import (
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
	ent := zapcore.Entry{Message: "GET /api/v1/items/42 200 12ms"}
	fields := []zapcore.Field{zap.String("user", "alice"), zap.Int("status", 200)}
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
