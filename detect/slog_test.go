package detect

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

type valuer struct{ s string }

func (v valuer) LogValue() slog.Value { return slog.StringValue(v.s) }

type plain struct{ Token string }

func TestHandlerRedactsEverything(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(31, 32))
	toks := make([]string, 9)
	for i := range toks {
		toks[i] = makeTok(r)
	}
	for name, mk := range map[string]func(io.Writer) slog.Handler{
		"json": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(d.NewHandler(mk(&buf))).With("preset", "t="+toks[0]).WithGroup("g")
			log.Info("login with "+toks[1],
				"s", toks[2],
				slog.Group("inner", "x", toks[3]),
				"err", fmt.Errorf("auth failed for %s", toks[4]),
				"str", stringer{"key " + toks[5]},
				"val", valuer{toks[6]},
				"any", plain{toks[7]},
				"bytes", []byte(toks[8]),
				"n", 42,
			)
			out := buf.String()
			for i, tok := range toks {
				if strings.Contains(out, tok[4:34]) {
					t.Errorf("secret %d survived in %s output", i, name)
				}
			}
			// out may hold a secret: never print it.
			assert.True(t, strings.Contains(out, "[REDACTED:test-token]"), "%s output has no mask", name)
			assert.True(t, strings.Contains(out, "42"), "%s output lost a clean value", name)
		})
	}
}

type countingHandler struct {
	slog.Handler
	attrs *int
}

func (c countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	*c.attrs += len(as)
	return countingHandler{c.Handler.WithAttrs(as), c.attrs}
}

func TestHandlerWithAttrsRedactsOnce(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(33, 34))
	tok := makeTok(r)
	var buf bytes.Buffer
	n := 0
	h := d.NewHandler(countingHandler{slog.NewJSONHandler(&buf, nil), &n})
	log := slog.New(h).With("tok", tok)
	for i := 0; i < 3; i++ {
		log.Info("x")
	}
	assert.Equal(t, 1, n, "WithAttrs reaches the inner handler once")
	if bytes.Contains(buf.Bytes(), []byte(tok)) {
		t.Error("the WithAttrs secret survived")
	}
	assert.Equal(t, 3, bytes.Count(buf.Bytes(), []byte("[REDACTED:test-token]")))
	assert.True(t, h.Enabled(context.Background(), slog.LevelInfo))
	assert.False(t, h.Enabled(context.Background(), slog.LevelDebug))
}

func TestHandlerPassesErrors(t *testing.T) {
	d := newTest(t)
	boom := errors.New("boom")
	h := d.NewHandler(failing{boom})
	err := h.Handle(context.Background(), slog.NewRecord(testTime, slog.LevelInfo, "m", 0))
	require.ErrorIs(t, err, boom)
}

type failing struct{ err error }

func (f failing) Enabled(context.Context, slog.Level) bool  { return true }
func (f failing) Handle(context.Context, slog.Record) error { return f.err }
func (f failing) WithAttrs([]slog.Attr) slog.Handler        { return f }
func (f failing) WithGroup(string) slog.Handler             { return f }

// Value types whose printed forms differ: each hides its text in one form
// and shows it in another.

// jsonOnly shows s in MarshalJSON only.
type jsonOnly struct{ s string }

func (j jsonOnly) String() string               { return "jsonOnly" }
func (j jsonOnly) MarshalJSON() ([]byte, error) { return json.Marshal(map[string]string{"k": j.s}) }

// textOnly shows s in MarshalText (which encoding/json calls too), never
// in String.
type textOnly struct{ s string }

func (x textOnly) String() string               { return "textOnly" }
func (x textOnly) MarshalText() ([]byte, error) { return []byte("t:" + x.s), nil }

// creds shows Pass under its json tag and in %+v.
type creds struct {
	User string
	Pass string `json:"password"`
}

// blob holds bytes: base64 in JSON, decimal numbers in %+v.
type blob struct {
	Name string
	Data []byte
}

// panicStringer panics in String with its text.
type panicStringer struct{ s string }

func (p panicStringer) String() string { panic("cannot print " + p.s) }

// panicJSON panics in MarshalJSON with its text; its String hides it.
type panicJSON struct{ s string }

func (p panicJSON) String() string               { return "panicJSON" }
func (p panicJSON) MarshalJSON() ([]byte, error) { panic("cannot marshal " + p.s) }

// failJSON returns an error holding its text from MarshalJSON.
type failJSON struct{ s string }

func (f failJSON) String() string               { return "failJSON" }
func (f failJSON) MarshalJSON() ([]byte, error) { return nil, errors.New("bad value " + f.s) }

// panicValuer panics in LogValue with its text.
type panicValuer struct{ s string }

func (p panicValuer) LogValue() slog.Value { panic("cannot log " + p.s) }

// handlerKinds are the wrapped handlers the Handler is tested over: slog's
// two, and one it does not know (checked in both forms).
var handlerKinds = []struct {
	name string
	mk   func(io.Writer) slog.Handler
}{
	{"json", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, noTime) }},
	{"text", func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, noTime) }},
	{"wrapped-json", func(w io.Writer) slog.Handler { return wrapped{slog.NewJSONHandler(w, noTime)} }},
	{"wrapped-text", func(w io.Writer) slog.Handler { return wrapped{slog.NewTextHandler(w, noTime)} }},
}

// noTime drops the time so that outputs compare equal.
var noTime = &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}}

// wrapped is a handler the Handler does not recognise.
type wrapped struct{ slog.Handler }

func (w wrapped) WithAttrs(as []slog.Attr) slog.Handler { return wrapped{w.Handler.WithAttrs(as)} }
func (w wrapped) WithGroup(n string) slog.Handler       { return wrapped{w.Handler.WithGroup(n)} }

// valueCases log s in each kind of value and name: a secret s must not
// reach the output in any form.
var valueCases = []struct {
	name string
	log  func(l *slog.Logger, s string)
	// unrenderable: a method the value's forms call panics or fails, in
	// one form at least.
	unrenderable bool
}{
	{"json.RawMessage", func(l *slog.Logger, s string) { l.Info("m", "v", json.RawMessage(`{"token":"`+s+`"}`)) }, false},
	{"json.Marshaler", func(l *slog.Logger, s string) { l.Info("m", "v", jsonOnly{s}) }, false},
	{"TextMarshaler", func(l *slog.Logger, s string) { l.Info("m", "v", textOnly{s}) }, false},
	{"json tag password", func(l *slog.Logger, s string) { l.Info("m", "v", creds{"alice", s}) }, false},
	{"pointer to struct", func(l *slog.Logger, s string) { l.Info("m", "v", &creds{"alice", s}) }, false},
	{"[]byte field", func(l *slog.Logger, s string) { l.Info("m", "v", blob{"b", []byte("token " + s)}) }, false},
	{"[]byte attribute", func(l *slog.Logger, s string) { l.Info("m", "v", []byte("token "+s)) }, false},
	{"map", func(l *slog.Logger, s string) { l.Info("m", "v", map[string]any{"a": []string{s}}) }, false},
	{"error", func(l *slog.Logger, s string) { l.Info("m", "err", fmt.Errorf("auth failed for %s", s)) }, false},
	{"in a group", func(l *slog.Logger, s string) { l.Info("m", slog.Group("g", "v", creds{"alice", s})) }, false},
	{"WithAttrs", func(l *slog.Logger, s string) { l.With("v", blob{"b", []byte(s)}).Info("m") }, false},
	{"panicking String", func(l *slog.Logger, s string) { l.Info("m", "v", panicStringer{s}) }, true},
	{"panicking MarshalJSON", func(l *slog.Logger, s string) { l.Info("m", "v", panicJSON{s}) }, true},
	{"failing MarshalJSON", func(l *slog.Logger, s string) { l.Info("m", "v", failJSON{s}) }, true},
	{"panicking LogValue", func(l *slog.Logger, s string) { l.Info("m", "v", panicValuer{s}) }, true},
	{"key", func(l *slog.Logger, s string) { l.Info("m", "token "+s, 1) }, false},
	{"group key", func(l *slog.Logger, s string) { l.Info("m", slog.Group("token "+s, "a", 1)) }, false},
	{"nested key", func(l *slog.Logger, s string) { l.Info("m", slog.Group("g", "token "+s, 1)) }, false},
	{"WithGroup name", func(l *slog.Logger, s string) { l.WithGroup("token "+s).Info("m", "a", 1) }, false},
	{"WithAttrs key", func(l *slog.Logger, s string) { l.With("token "+s, 1).Info("m") }, false},
	{"message", func(l *slog.Logger, s string) { l.Info("token " + s) }, false},
}

func TestHandlerRedactsPrintedForms(t *testing.T) {
	d := defaultDetector()
	tok := ghToken(rand.New(rand.NewPCG(41, 42)), "ghp_", false)
	forms := map[string]string{
		"raw":                      tok[4:],
		"base64":                   base64.StdEncoding.EncodeToString([]byte(tok))[8:],
		"in base64 after a prefix": base64.StdEncoding.EncodeToString([]byte("token " + tok))[12:],
		"decimal":                  strings.Trim(fmt.Sprint([]byte(tok[4:20])), "[]"),
		"decimal JSON":             strings.Trim(strings.ReplaceAll(fmt.Sprint([]byte(tok[4:20])), " ", ","), "[]"),
	}
	for _, hk := range handlerKinds {
		for _, c := range valueCases {
			var buf bytes.Buffer
			c.log(slog.New(d.NewHandler(hk.mk(&buf))), tok)
			for form, s := range forms {
				if bytes.Contains(buf.Bytes(), []byte(s)) {
					t.Errorf("%s handler, %s: the secret is printed (%s)", hk.name, c.name, form)
				}
			}
			// Where the wrapped handler alone prints the secret, a mask
			// takes its place.
			var bare bytes.Buffer
			c.log(slog.New(hk.mk(&bare)), tok)
			if bytes.Contains(bare.Bytes(), []byte(tok[4:])) && !bytes.Contains(buf.Bytes(), []byte("[REDACTED:")) {
				t.Errorf("%s handler, %s: no mask in the output", hk.name, c.name)
			}
		}
	}
}

func TestHandlerPassesCleanValuesUnchanged(t *testing.T) {
	d := defaultDetector()
	const clean = "hello"
	for _, hk := range handlerKinds {
		for _, c := range valueCases {
			var got, want bytes.Buffer
			c.log(slog.New(d.NewHandler(hk.mk(&got))), clean)
			c.log(slog.New(hk.mk(&want)), clean)
			w := want.String()
			if strings.Contains(w, "PANIC") || strings.Contains(w, "!ERROR") || strings.Contains(w, "LogValue panicked") {
				// The wrapped handler would print the panic or error text.
				assert.Contains(t, got.String(), RedactedUnrenderable, "%s handler, %s", hk.name, c.name)
				continue
			}
			if c.unrenderable && strings.Contains(got.String(), RedactedUnrenderable) {
				// A handler the Handler does not know is checked in a
				// form that fails.
				assert.True(t, strings.HasPrefix(hk.name, "wrapped"), "%s handler, %s: replaced", hk.name, c.name)
				continue
			}
			assert.Equal(t, want.String(), got.String(), "%s handler, %s", hk.name, c.name)
		}
	}
}

func TestHandlerUnrenderable(t *testing.T) {
	d := defaultDetector()
	for _, tc := range []struct {
		handler string
		v       any
		want    string
	}{
		{"json", panicJSON{"x"}, RedactedUnrenderable},
		{"json", failJSON{"x"}, RedactedUnrenderable},
		{"json", make(chan int), RedactedUnrenderable},
		{"json", (*textOnly)(nil), "null"},
		{"text", panicStringer{"x"}, RedactedUnrenderable},
		{"text", (*panicStringer)(nil), "<nil>"},
		{"text", panicJSON{"x"}, "panicJSON"},
		{"wrapped-json", panicJSON{"x"}, RedactedUnrenderable},
		{"wrapped-text", failJSON{"x"}, RedactedUnrenderable},
	} {
		for _, hk := range handlerKinds {
			if hk.name != tc.handler {
				continue
			}
			var buf bytes.Buffer
			slog.New(d.NewHandler(hk.mk(&buf))).Info("m", "v", tc.v)
			assert.Contains(t, buf.String(), tc.want, "%s handler, %T", tc.handler, tc.v)
		}
	}
}

func TestHandlerPlaceholderKey(t *testing.T) {
	d := defaultDetector()
	tok := ghToken(rand.New(rand.NewPCG(43, 44)), "ghp_", false)
	var buf bytes.Buffer
	l := slog.New(d.NewHandler(slog.NewJSONHandler(&buf, noTime)))
	l.WithGroup("id "+tok).Info("m", "token="+tok, 1, slog.Group(tok, "a", 2))
	got := buf.String()
	want := `{"level":"INFO","msg":"m","[REDACTED:key]":{"[REDACTED:key]":1,"[REDACTED:key]":{"a":2}}}` + "\n"
	if got != want {
		// got may hold the secret: print only what replaced it.
		t.Errorf("keys and group names holding a secret: got %d placeholders in a different line, want %s",
			strings.Count(got, RedactedKey), want)
	}
}

// countingValue counts the calls of its methods.
type countingValue struct {
	s        string
	marshals *atomic.Int32
}

func (c countingValue) MarshalJSON() ([]byte, error) {
	c.marshals.Add(1)
	return json.Marshal(c.s)
}

type countingValuer struct {
	s     string
	calls *atomic.Int32
}

func (c countingValuer) LogValue() slog.Value {
	c.calls.Add(1)
	return slog.StringValue(c.s)
}

// TestHandlerRendersOnce counts renders: the Handler renders a value once
// per form and the wrapped handler renders it only when it is clean; a
// LogValuer is resolved once in all.
func TestHandlerRendersOnce(t *testing.T) {
	d := defaultDetector()
	tok := ghToken(rand.New(rand.NewPCG(45, 46)), "ghp_", false)
	for _, tc := range []struct {
		name         string
		s            string
		wantMarshals int32
	}{
		{"clean", "clean", 2}, // the Handler's check and the wrapped handler's print
		{"secret", tok, 1},    // the check: the wrapped handler prints the redacted string
	} {
		var marshals, valuers atomic.Int32
		var buf bytes.Buffer
		l := slog.New(d.NewHandler(slog.NewJSONHandler(&buf, nil)))
		l.Info("m", "v", countingValue{s: tc.s, marshals: &marshals}, "lv", countingValuer{tc.s, &valuers})
		assert.Equal(t, tc.wantMarshals, marshals.Load(), "%s: MarshalJSON calls", tc.name)
		assert.Equal(t, int32(1), valuers.Load(), "%s: LogValue calls", tc.name)
	}
}

func TestHandlerCleanRecordAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not stable under the race detector")
	}
	d := defaultDetector()
	bare := slog.New(slog.NewJSONHandler(io.Discard, nil))
	red := slog.New(d.NewHandler(slog.NewJSONHandler(io.Discard, nil)))
	slogRecord(red)
	want := testing.AllocsPerRun(100, func() { slogRecord(bare) })
	got := testing.AllocsPerRun(100, func() { slogRecord(red) })
	assert.Equal(t, want, got, "allocations of a clean record, through the Handler and without it")
}

// TestHandlerConcurrent logs through one Handler from several goroutines
// (run with -race): the render scratch is pooled, never shared.
func TestHandlerConcurrent(t *testing.T) {
	d := defaultDetector()
	tok := ghToken(rand.New(rand.NewPCG(47, 48)), "ghp_", false)
	var buf bytes.Buffer
	l := slog.New(d.NewHandler(wrapped{slog.NewJSONHandler(&buf, nil)}))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 20 {
				l.Info("m", "g", g, "i", i, "v", creds{"alice", tok}, "b", blob{"b", []byte("hello world, hello")})
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 80, bytes.Count(buf.Bytes(), []byte("\n")), "lines")
	if bytes.Contains(buf.Bytes(), []byte(tok[4:])) {
		t.Error("the secret survived concurrent logging")
	}
}

// TestHandlerIssueSecretNames is the reported case: values without a
// distinctive shape, in fields named password and api_key, are redacted by
// both handlers.
func TestHandlerIssueSecretNames(t *testing.T) {
	d := defaultDetector()
	pw, key := "Tq7wLz2VbK9x", "u7Kq2ZpW9xLm4vB8nR3tYc6D"
	for name, mk := range map[string]func(io.Writer) slog.Handler{
		"json": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
	} {
		var buf bytes.Buffer
		slog.New(d.NewHandler(mk(&buf))).Info("login", "password", pw, "api_key", key)
		out := buf.String()
		assert.False(t, strings.Contains(out, pw), "%s output kept the password", name)
		assert.False(t, strings.Contains(out, key), "%s output kept the api key", name)
		assert.True(t, strings.Contains(out, "[REDACTED:password-assignment]"), "%s output has no password mask", name)
		assert.True(t, strings.Contains(out, "[REDACTED:generic-high-entropy-secret]"), "%s output has no api key mask", name)
	}
}

func TestHandlerSecretNames(t *testing.T) {
	d, err := New(patterns.Default(), WithSecretNames("db.pin"), WithPublicNames("session"))
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(41, 42))
	v := fieldSecret(r, 12)
	const pin = 83920471
	pinText := "83920471"
	for _, tc := range []struct {
		desc   string
		log    func(*slog.Logger)
		secret string
		want   bool // redacted
	}{
		{"flat", func(l *slog.Logger) { l.Info("m", "password", v) }, v, true},
		{"group attr", func(l *slog.Logger) { l.Info("m", slog.Group("db", "password", v)) }, v, true},
		{"nested groups", func(l *slog.Logger) { l.Info("m", slog.Group("app", slog.Group("db", "Password", v))) }, v, true},
		{"WithGroup", func(l *slog.Logger) { l.WithGroup("db").Info("m", "passwd", v) }, v, true},
		{"With", func(l *slog.Logger) { l.With("secret", v).Info("m") }, v, true},
		{"camelCase", func(l *slog.Logger) { l.Info("m", "dbPassword", v) }, v, true},
		{"header", func(l *slog.Logger) { l.Info("m", "X-Api-Key", v) }, v, true},
		{"upper case", func(l *slog.Logger) { l.Info("m", "AUTHORIZATION", v) }, v, true},
		{"any value", func(l *slog.Logger) { l.Info("m", "token", stringer{v}) }, v, true},
		{"bytes value", func(l *slog.Logger) { l.Info("m", "token", []byte(v)) }, v, true},
		{"user name in group", func(l *slog.Logger) { l.Info("m", slog.Group("db", slog.Int("pin", pin))) }, pinText, true},
		{"user name in inline group", func(l *slog.Logger) { l.Info("m", slog.Group("db", slog.Group("", slog.Int("pin", pin)))) }, pinText, true},
		{"user name in WithGroup", func(l *slog.Logger) { l.WithGroup("app").WithGroup("db").Info("m", "pin", pinText) }, pinText, true},

		{"user name elsewhere", func(l *slog.Logger) { l.Info("m", slog.Group("cache", slog.Int("pin", pin))) }, pinText, false},
		{"public by option", func(l *slog.Logger) { l.Info("m", "session", v) }, v, false},
		{"user", func(l *slog.Logger) { l.Info("m", "user", v) }, v, false},
		{"msg", func(l *slog.Logger) { l.Info("m", "msg2", v) }, v, false},
		{"count", func(l *slog.Logger) { l.Info("m", "token_count", v) }, v, false},
		{"length", func(l *slog.Logger) { l.Info("m", "password_length", v) }, v, false},
		{"id", func(l *slog.Logger) { l.Info("m", "key_id", v) }, v, false},
		{"group named password", func(l *slog.Logger) { l.Info("m", slog.Group("password", "user", v)) }, v, false},
		{"masked", func(l *slog.Logger) { l.Info("m", "password", "********") }, "********", false},
		{"template", func(l *slog.Logger) { l.Info("m", "password", "${DB_PASSWORD}") }, "${DB_PASSWORD}", false},
		{"redacted", func(l *slog.Logger) { l.Info("m", "password", "<redacted>") }, "<redacted>", false},
		{"empty", func(l *slog.Logger) { l.Info("m", "password", "") }, `password=""`, false},
	} {
		for form, mk := range map[string]func(io.Writer) slog.Handler{
			"json": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
			"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		} {
			secret := tc.secret
			if tc.desc == "empty" && form == "json" {
				secret = `"password":""`
			}
			var buf bytes.Buffer
			tc.log(slog.New(d.NewHandler(mk(&buf))))
			got := !strings.Contains(buf.String(), secret)
			assert.Equal(t, tc.want, got, "%s, %s: value redacted", tc.desc, form)
		}
	}
}

func TestHandlerSecretNameCleanAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not stable under the race detector")
	}
	d := defaultDetector()
	bare := slog.New(slog.NewJSONHandler(io.Discard, nil)).WithGroup("g")
	red := slog.New(d.NewHandler(slog.NewJSONHandler(io.Discard, nil))).WithGroup("g")
	rec := func(l *slog.Logger) {
		l.LogAttrs(context.Background(), slog.LevelInfo, "m", slog.String("password", "********"),
			slog.Int("token_count", 3), slog.String("user", "alice"))
	}
	rec(red)
	want := testing.AllocsPerRun(100, func() { rec(bare) })
	got := testing.AllocsPerRun(100, func() { rec(red) })
	assert.Equal(t, want, got, "allocations of a clean record with secret names, through the Handler and without it")
}

// TestHandlerCachedNames logs the same keys many times: the cache of
// checked keys must not change a decision. A key holding a secret is
// masked every time, a secret-named key keeps redacting its value, and a
// clean key's later secret value is still found.
func TestHandlerCachedNames(t *testing.T) {
	d, err := New(patterns.Default())
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(49, 50))
	tok := ghToken(r, "ghp_", false)
	pw := fieldSecret(r, 14)
	var buf bytes.Buffer
	l := slog.New(d.NewHandler(slog.NewJSONHandler(&buf, noTime)))
	for i := range 3 {
		buf.Reset()
		l.Info("m", "token="+tok, 1, "password", pw, "note", "clean text", "user", "alice")
		got := buf.String()
		assert.Equal(t, 1, strings.Count(got, RedactedKey), "round %d: the key holding a secret is masked", i)
		assert.False(t, strings.Contains(got, tok) || strings.Contains(got, pw), "round %d: a secret was printed", i)
		assert.Contains(t, got, `"note":"clean text"`, "round %d", i)
	}
	// The clean key "note", now cached, with a secret value.
	buf.Reset()
	l.Info("m", "note", "see "+tok)
	assert.False(t, strings.Contains(buf.String(), tok), "a cached clean key's secret value was printed")
	// A cached key whose name says secret keeps its meaning.
	buf.Reset()
	l.Info("m", "password", pw)
	assert.False(t, strings.Contains(buf.String(), pw), "a cached secret-named key's value was printed")

	// Only keys without findings are cached.
	var cached int
	for i := range d.names.slots {
		if d.names.slots[i].Load() != 0 {
			cached++
		}
	}
	assert.Equal(t, 3, cached, "cached keys: note, user and password, not the key holding a secret")
}
