package leakwardprocessor

import (
	"bytes"
	"context"
	"encoding/base64"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/integrations/otelcol/internal/vectors"
	"github.com/leakward/leakward/score/leakstore"
)

// tokens returns n synthetic GitHub tokens with valid checksums.
func tokens(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]string, n)
	for i := range out {
		out[i] = vectors.GitHubToken(r)
	}
	return out
}

// testConfig is the default config with a long match timeout: the tests
// check the processor, and a regex search that times out on a loaded machine
// (or under -race) is a miss.
func testConfig() *Config {
	c := createDefaultConfig()
	c.MatchTimeout = 30 * time.Second
	return c
}

func newLogs(t testing.TB, cfg *Config) (processor.Logs, *consumertest.LogsSink) {
	t.Helper()
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(componentType), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	return p, sink
}

// strs returns every string and bytes value held in m, at any depth, with a
// path for messages.
func strs(prefix string, v pcommon.Value, out map[string]string) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		out[prefix] = v.Str()
	case pcommon.ValueTypeBytes:
		out[prefix] = string(v.Bytes().AsRaw())
	case pcommon.ValueTypeMap:
		for k, e := range v.Map().All() {
			strs(prefix+"."+k, e, out)
		}
	case pcommon.ValueTypeSlice:
		for i := 0; i < v.Slice().Len(); i++ {
			strs(prefix+"["+itoa(i)+"]", v.Slice().At(i), out)
		}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func mapStrs(prefix string, m pcommon.Map, out map[string]string) {
	v := pcommon.NewValueMap()
	m.CopyTo(v.Map())
	strs(prefix, v, out)
}

// allLogStrings returns every string in ld (bodies, attributes, resource
// attributes) keyed by a path.
func allLogStrings(ld plog.Logs) map[string]string {
	out := map[string]string{}
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		rl := ld.ResourceLogs().At(i)
		mapStrs("resource"+itoa(i), rl.Resource().Attributes(), out)
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			lrs := rl.ScopeLogs().At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				p := "record" + itoa(i) + "." + itoa(j) + "." + itoa(k)
				strs(p+".body", lrs.At(k).Body(), out)
				mapStrs(p+".attrs", lrs.At(k).Attributes(), out)
			}
		}
	}
	return out
}

// assertNoSecret fails for each secret found in any value, showing only a
// preview of the secret.
func assertNoSecret(t *testing.T, got map[string]string, secrets []string) {
	t.Helper()
	for path, s := range got {
		for _, sec := range secrets {
			assert.False(t, strings.Contains(s, sec), "%s still holds secret %s", path, detect.Preview([]byte(sec)))
		}
	}
}

// testLogs builds logs with secrets in every place the processor scans, and
// one clean record.
func testLogs(tok []string) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	rl.Resource().Attributes().PutStr("deploy.token", tok[0])
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()

	lr := lrs.AppendEmpty() // 0: string body with two secrets, attribute secret
	lr.Body().SetStr("login ok token=" + tok[1] + " retry with " + tok[2])
	lr.Attributes().PutStr("http.header.authorization", "token "+tok[3])
	lr.Attributes().PutInt("http.status", 200)

	lr = lrs.AppendEmpty() // 1: structured body, nested
	m := lr.Body().SetEmptyMap()
	m.PutStr("msg", "request done")
	inner := m.PutEmptyMap("env")
	inner.PutStr("GITHUB_TOKEN", tok[4])
	sl := inner.PutEmptySlice("args")
	sl.AppendEmpty().SetStr("--verbose")
	sl.AppendEmpty().SetStr("--token=" + tok[5])
	sl.AppendEmpty().SetEmptyMap().PutStr("deep", tok[6])
	m.PutEmptyBytes("raw").FromRaw([]byte("b:" + tok[7]))

	lr = lrs.AppendEmpty() // 2: clean
	lr.Body().SetStr("GET /healthz 200 1ms")
	lr.Attributes().PutStr("user", "alice")
	return ld
}

func TestLogsRedactsEverywhere(t *testing.T) {
	tok := tokens(1, 8)
	p, sink := newLogs(t, testConfig())
	require.NoError(t, p.ConsumeLogs(context.Background(), testLogs(tok)))
	require.Len(t, sink.AllLogs(), 1)
	got := sink.AllLogs()[0]
	require.Equal(t, 3, got.LogRecordCount(), "records out")
	assertNoSecret(t, allLogStrings(got), tok)

	res := got.ResourceLogs().At(0).Resource().Attributes()
	assert.Equal(t, "[REDACTED:github-pat-classic]", res.AsRaw()["deploy.token"], "resource attribute")
	assert.Equal(t, int64(1), res.AsRaw()["leakward.redacted.github-pat-classic"], "resource summary")

	lrs := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	r0 := lrs.At(0)
	assert.Equal(t, "login ok token=[REDACTED:github-pat-classic] retry with [REDACTED:github-pat-classic]", r0.Body().Str(), "record 0 body")
	assert.Equal(t, map[string]any{
		"http.header.authorization":            "token [REDACTED:github-pat-classic]",
		"http.status":                          int64(200),
		"leakward.redacted.github-pat-classic": int64(3),
		"leakward.redacted.total":              int64(3),
	}, r0.Attributes().AsRaw(), "record 0 attributes")

	r1 := lrs.At(1)
	body := r1.Body().Map().AsRaw()
	assert.Equal(t, "request done", body["msg"], "record 1 clean field")
	env := body["env"].(map[string]any)
	assert.Equal(t, "[REDACTED:github-pat-classic]", env["GITHUB_TOKEN"], "record 1 nested map")
	assert.Equal(t, []any{"--verbose", "--token=[REDACTED:github-pat-classic]", map[string]any{"deep": "[REDACTED:github-pat-classic]"}}, env["args"], "record 1 nested slice")
	assert.Equal(t, "b:[REDACTED:github-pat-classic]", body["raw"], "record 1 bytes become the redacted text")
	assert.Equal(t, int64(4), r1.Attributes().AsRaw()["leakward.redacted.total"], "record 1 total")

	r2 := lrs.At(2)
	assert.Equal(t, "GET /healthz 200 1ms", r2.Body().Str(), "clean record body")
	assert.Equal(t, map[string]any{"user": "alice"}, r2.Attributes().AsRaw(), "clean record attributes get no summary")
}

func TestLogsCatalogSamples(t *testing.T) {
	samples := vectors.Samples()
	require.NotEmpty(t, samples)
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, s := range samples {
		lrs.AppendEmpty().Body().SetStr(s.Text)
		lrs.AppendEmpty().Attributes().PutStr("line", s.Text)
	}
	p, sink := newLogs(t, testConfig())
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := sink.AllLogs()[0]
	assert.Equal(t, 2*len(samples), got.LogRecordCount(), "records out")
	out := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	for i, s := range samples {
		body, attr := out.At(2*i), out.At(2*i+1)
		strs := map[string]string{}
		strs[s.PatternID+" body"] = body.Body().Str()
		mapStrs(s.PatternID+" attributes", attr.Attributes(), strs)
		assertNoSecret(t, strs, []string{s.Secret()})
		v, ok := body.Attributes().Get("leakward.redacted." + s.PatternID)
		assert.True(t, ok && v.Int() >= 1, "summary of the %s sample names its pattern", s.PatternID)
	}
}

func TestLogsFields(t *testing.T) {
	tok := tokens(2, 8)
	cfg := testConfig()
	cfg.Fields = []string{FieldBody}
	p, sink := newLogs(t, cfg)
	require.NoError(t, p.ConsumeLogs(context.Background(), testLogs(tok)))
	got := sink.AllLogs()[0]
	assert.True(t, got.ResourceLogs().At(0).Resource().Attributes().AsRaw()["deploy.token"] == tok[0], "resource not scanned")
	r0 := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.True(t, r0.Attributes().AsRaw()["http.header.authorization"] == "token "+tok[3], "attributes not scanned")
	assert.False(t, strings.Contains(r0.Body().Str(), tok[1]), "body scanned")
	assert.Equal(t, int64(2), r0.Attributes().AsRaw()["leakward.redacted.total"], "summary counts the body only")
}

func TestLogsSummaryOff(t *testing.T) {
	tok := tokens(3, 8)
	cfg := testConfig()
	cfg.Summary.Enabled = false
	p, sink := newLogs(t, cfg)
	require.NoError(t, p.ConsumeLogs(context.Background(), testLogs(tok)))
	got := sink.AllLogs()[0]
	assertNoSecret(t, allLogStrings(got), tok)
	lrs := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	_, ok := lrs.At(0).Attributes().Get("leakward.redacted.total")
	assert.False(t, ok, "no summary when disabled")
	assert.Equal(t, "GET /healthz 200 1ms", lrs.At(2).Body().Str(), "clean record body")
	assert.Equal(t, map[string]any{"user": "alice"}, lrs.At(2).Attributes().AsRaw(), "clean record attributes")
}

func TestLogsDisable(t *testing.T) {
	tok := tokens(4, 8)
	cfg := testConfig()
	cfg.Disable = []string{"github-pat-classic"}
	p, sink := newLogs(t, cfg)
	require.NoError(t, p.ConsumeLogs(context.Background(), testLogs(tok)))
	r0 := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	_, ok := r0.Attributes().Get("leakward.redacted.github-pat-classic")
	assert.False(t, ok, "disabled pattern is not counted")
}

func TestLogsMasks(t *testing.T) {
	tok := tokens(5, 8)
	t.Setenv("LW_TEST_FP_KEY", "0123456789abcdef-test-key")
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"prefix", func(c *Config) { c.Mask = MaskPrefix }, "login ok token=ghp_…[REDACTED] retry with ghp_…[REDACTED]"},
		{"fingerprint", func(c *Config) { c.Mask, c.FingerprintKeyEnv = MaskFingerprint, "LW_TEST_FP_KEY" }, "login ok token=[REDACTED:github-pat-classic:hmac="},
	}
	for _, tt := range tests {
		cfg := testConfig()
		tt.edit(cfg)
		p, sink := newLogs(t, cfg)
		require.NoError(t, p.ConsumeLogs(context.Background(), testLogs(tok)), tt.name)
		got := sink.AllLogs()[0]
		assertNoSecret(t, allLogStrings(got), tok)
		body := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body().Str()
		assert.True(t, strings.HasPrefix(body, tt.want), "%s: body does not start with %q", tt.name, tt.want)
	}
}

func TestLogsKnownLeakedStore(t *testing.T) {
	tok := tokens(6, 8)
	st, err := leakstore.New(leakstore.Config{Capacity: 100})
	require.NoError(t, err)
	require.NoError(t, st.Add([]byte(tok[1]))) // record 0's body
	require.NoError(t, st.Add([]byte(tok[0]))) // the resource's
	file := filepath.Join(t.TempDir(), "leaked.lwl")
	require.NoError(t, st.WriteFile(file))

	cfg := testConfig()
	cfg.Store.File = file
	p, sink := newLogs(t, cfg)
	require.NoError(t, p.ConsumeLogs(context.Background(), testLogs(tok)))
	got := sink.AllLogs()[0]
	assertNoSecret(t, allLogStrings(got), tok)
	res := got.ResourceLogs().At(0).Resource().Attributes().AsRaw()
	assert.Equal(t, true, res[DefaultLeakedAttribute], "resource marked")
	lrs := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	assert.Equal(t, true, lrs.At(0).Attributes().AsRaw()[DefaultLeakedAttribute], "record 0 marked")
	_, ok := lrs.At(1).Attributes().Get(DefaultLeakedAttribute)
	assert.False(t, ok, "record 1 holds no known-leaked key")
}

func TestTracesRedactsAttributes(t *testing.T) {
	tok := tokens(7, 4)
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("token", tok[0])
	sp := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetName("GET /repos")
	sp.Attributes().PutStr("http.request.header.authorization", "Bearer "+tok[1])
	sp.Events().AppendEmpty().Attributes().PutStr("exception.message", "bad credentials "+tok[2])
	sp.Links().AppendEmpty().Attributes().PutStr("note", tok[3])

	sink := new(consumertest.TracesSink)
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(componentType), testConfig(), sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	assert.True(t, p.Capabilities().MutatesData, "MutatesData")
	require.NoError(t, p.ConsumeTraces(context.Background(), td))

	got := sink.AllTraces()[0]
	all := map[string]string{}
	grs := got.ResourceSpans().At(0)
	mapStrs("resource", grs.Resource().Attributes(), all)
	gsp := grs.ScopeSpans().At(0).Spans().At(0)
	mapStrs("span", gsp.Attributes(), all)
	mapStrs("event", gsp.Events().At(0).Attributes(), all)
	mapStrs("link", gsp.Links().At(0).Attributes(), all)
	assertNoSecret(t, all, tok)
	assert.Equal(t, int64(3), gsp.Attributes().AsRaw()["leakward.redacted.total"], "span summary counts span, event and link")
	assert.Equal(t, "GET /repos", gsp.Name(), "span name")
}

func TestLogsCapabilities(t *testing.T) {
	p, _ := newLogs(t, testConfig())
	assert.True(t, p.Capabilities().MutatesData, "MutatesData")
}

func TestCreateRejectsBadConfig(t *testing.T) {
	cfg := testConfig()
	cfg.Mask = "nope"
	_, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(componentType), cfg, consumertest.NewNop())
	assert.ErrorIs(t, err, ErrInvalidConfig)
	_, err = NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(componentType), cfg, consumertest.NewNop())
	assert.ErrorIs(t, err, ErrInvalidConfig)
}

func TestVerifyShutdown(t *testing.T) {
	processortest.VerifyShutdown(t, NewFactory(), testConfig())
}

func TestLogsConcurrent(t *testing.T) {
	p, sink := newLogs(t, testConfig())
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				tok := tokens(uint64(100*g+i), 8)
				assert.NoError(t, p.ConsumeLogs(context.Background(), testLogs(tok)))
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 4*20*3, sink.LogRecordCount(), "records out")
	for _, ld := range sink.AllLogs() {
		for path, s := range allLogStrings(ld) {
			assert.False(t, strings.Contains(s, "ghp_"), "%s keeps a token prefix", path)
		}
	}
}

// TestMasksMatchRedact checks that the masks the processor writes from
// findings are byte for byte what the detector's Redact writes, over the
// catalog samples and generated tokens, for each mask style.
func TestMasksMatchRedact(t *testing.T) {
	t.Setenv("LW_TEST_FP_KEY", "0123456789abcdef-test-key")
	var texts []string
	for _, s := range vectors.Samples() {
		texts = append(texts, s.Text, "prefix "+s.Text+" suffix "+s.Text)
	}
	for _, tok := range tokens(8, 5) {
		texts = append(texts, tok, "a="+tok+" b="+tok)
	}
	for _, mask := range []string{MaskID, MaskPrefix, MaskFingerprint} {
		cfg := testConfig()
		cfg.Mask = mask
		if mask == MaskFingerprint {
			cfg.FingerprintKeyEnv = "LW_TEST_FP_KEY"
		}
		s, err := cfg.resolve()
		require.NoError(t, err, mask)
		r := newRedactor(s)
		sc := new(scratch)
		for i, text := range texts {
			got, ok := r.redact(sc, []byte(text))
			require.True(t, ok, "mask %s: text %d has a secret", mask, i)
			want := s.det.Redact(nil, []byte(text))
			// Compare without printing either side: a wrong span could
			// leave secret bytes in got.
			assert.True(t, string(want) == string(got), "mask %s: text %d: got %d bytes, want %d, first difference at byte %d",
				mask, i, len(got), len(want), firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// printed returns what an exporter prints for ld or td: the OTLP JSON
// encoding, in which every key, name and string appears as text.
func printedLogs(t *testing.T, ld plog.Logs) []byte {
	t.Helper()
	b, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	return b
}

func printedTraces(t *testing.T, td ptrace.Traces) []byte {
	t.Helper()
	b, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	return b
}

// assertNotPrinted fails for each secret in printed, naming the case and
// the secret's index, never the secret.
func assertNotPrinted(t *testing.T, name string, printed []byte, secrets []string) {
	t.Helper()
	for i, sec := range secrets {
		assert.False(t, bytes.Contains(printed, []byte(sec)), "%s: secret %d is printed", name, i)
	}
}

func newTraces(t testing.TB, cfg *Config) (processor.Traces, *consumertest.TracesSink) {
	t.Helper()
	sink := new(consumertest.TracesSink)
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(componentType), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	return p, sink
}

// testTraces builds traces with one secret in each string field of a
// span, its events and links, its scope and its resource.
func testTraces(tok []string) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.SetSchemaUrl("https://schemas.example/" + tok[0])
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.SetSchemaUrl("https://schemas.example/" + tok[1])
	ss.Scope().SetName("lib/" + tok[2])
	ss.Scope().SetVersion("v1+" + tok[3])
	ss.Scope().Attributes().PutStr("scope.note", tok[4])
	sp := ss.Spans().AppendEmpty()
	sp.SetName("GET /repos?access_token=" + tok[5])
	sp.Status().SetCode(ptrace.StatusCodeError)
	sp.Status().SetMessage("401: bad credentials " + tok[6])
	sp.TraceState().FromRaw("vendor=" + tok[7])
	ev := sp.Events().AppendEmpty()
	ev.SetName("retry with " + tok[8])
	ev.Attributes().PutStr("exception.message", "bad credentials "+tok[9])
	lk := sp.Links().AppendEmpty()
	lk.Attributes().PutStr("note", tok[10])
	lk.TraceState().FromRaw("vendor=" + tok[11])
	sp.Attributes().PutStr("http.method", "GET")
	return td
}

func TestTracesRedactsNamesAndMessages(t *testing.T) {
	tok := tokens(20, 12)
	for _, fields := range [][]string{{FieldBody, FieldAttributes, FieldResource}, {FieldBody}} {
		name := strings.Join(fields, ",")
		cfg := testConfig()
		cfg.Fields = fields
		p, sink := newTraces(t, cfg)
		require.NoError(t, p.ConsumeTraces(context.Background(), testTraces(tok)), name)
		got := sink.AllTraces()[0]
		printed := printedTraces(t, got)
		rs := got.ResourceSpans().At(0)
		ss := rs.ScopeSpans().At(0)
		sp := ss.Spans().At(0)
		if len(fields) == 1 {
			// Attributes are not selected: names, messages, trace
			// states and schema URLs are still scanned, attributes are not.
			assertNotPrinted(t, name, printed, slices.Concat(tok[:4], tok[5:9], tok[11:]))
			v, _ := sp.Attributes().Get("leakward.redacted.total")
			assert.Equal(t, int64(5), v.Int(), "%s: span total: name, status, trace state, event name, link trace state", name)
			continue
		}
		assertNotPrinted(t, name, printed, tok)
		assert.Equal(t, "GET /repos?access_token=[REDACTED:github-pat-classic]", sp.Name(), "%s: span name", name)
		assert.Equal(t, "401: bad credentials [REDACTED:github-pat-classic]", sp.Status().Message(), "%s: status message", name)
		assert.Equal(t, ptrace.StatusCodeError, sp.Status().Code(), "%s: status code kept", name)
		assert.Equal(t, "retry with [REDACTED:github-pat-classic]", sp.Events().At(0).Name(), "%s: event name", name)
		assert.Equal(t, "lib/[REDACTED:github-pat-classic]", ss.Scope().Name(), "%s: scope name", name)
		assert.Equal(t, map[string]any{
			"http.method":                          "GET",
			"leakward.redacted.github-pat-classic": int64(7),
			"leakward.redacted.total":              int64(7),
		}, sp.Attributes().AsRaw(), "%s: span attributes: name, status, trace state, event name and attributes, link attributes and trace state", name)
		assert.Equal(t, int64(4), ss.Scope().Attributes().AsRaw()["leakward.redacted.total"], "%s: scope total: schema URL, name, version, attribute", name)
		assert.Equal(t, int64(1), rs.Resource().Attributes().AsRaw()["leakward.redacted.total"], "%s: resource total: schema URL", name)
	}
}

func TestLogsRedactsEventNameAndScope(t *testing.T) {
	tok := tokens(21, 6)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.SetSchemaUrl("https://schemas.example/" + tok[0])
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(tok[1])
	sl.Scope().Attributes().PutStr("scope.note", tok[2])
	lr := sl.LogRecords().AppendEmpty()
	lr.SetEventName("login." + tok[3])
	lr.SetSeverityText("INFO " + tok[4])
	lr.Body().SetStr("ok " + tok[5])
	p, sink := newLogs(t, testConfig())
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := sink.AllLogs()[0]
	assertNotPrinted(t, "logs", printedLogs(t, got), tok)
	glr := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, "login.[REDACTED:github-pat-classic]", glr.EventName(), "event name")
	assert.Equal(t, int64(3), glr.Attributes().AsRaw()["leakward.redacted.total"], "record total: event name, severity text, body")
}

func TestSecretKeys(t *testing.T) {
	tok := tokens(22, 8)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(tok[0], "resource value")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().Attributes().PutStr("x-"+tok[1], "scope value")
	lr := sl.LogRecords().AppendEmpty()
	a := lr.Attributes()
	a.PutStr("first", "1")
	a.PutStr(tok[2], "plain")          // a secret key
	a.PutStr(KeyPlaceholder, "taken")  // already there: not overwritten
	a.PutStr("token="+tok[3], tok[4])  // a second secret key, and a secret value
	a.PutStr(KeyPlaceholder+":2", "2") // also taken
	a.PutInt("last", 9)
	m := lr.Body().SetEmptyMap()
	m.PutEmptyMap("env").PutStr(tok[5], "v")
	m.PutEmptySlice("list").AppendEmpty().SetEmptyMap().PutStr(tok[6], "w")
	m.PutStr("msg", "ok")

	p, sink := newLogs(t, testConfig())
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := sink.AllLogs()[0]
	assertNotPrinted(t, "keys", printedLogs(t, got), tok[:7])

	grl := got.ResourceLogs().At(0)
	assert.Equal(t, map[string]any{
		KeyPlaceholder:                         "resource value",
		"leakward.redacted.total":              int64(1),
		"leakward.redacted.github-pat-classic": int64(1),
	}, grl.Resource().Attributes().AsRaw(), "resource key")
	assert.Equal(t, "scope value", grl.ScopeLogs().At(0).Scope().Attributes().AsRaw()[KeyPlaceholder], "scope key")

	glr := grl.ScopeLogs().At(0).LogRecords().At(0)
	var keys []string
	for k := range glr.Attributes().All() {
		keys = append(keys, k)
	}
	assert.Equal(t, []string{"first", KeyPlaceholder + ":3", KeyPlaceholder, KeyPlaceholder + ":4", KeyPlaceholder + ":2", "last",
		"leakward.redacted.github-pat-classic", "leakward.redacted.total"}, keys, "record keys, in order, unique")
	raw := glr.Attributes().AsRaw()
	assert.Equal(t, "plain", raw[KeyPlaceholder+":3"], "value of the first secret key")
	assert.Equal(t, "taken", raw[KeyPlaceholder], "existing placeholder key kept")
	assert.Equal(t, "[REDACTED:github-pat-classic]", raw[KeyPlaceholder+":4"], "value of the second secret key redacted")
	assert.Equal(t, int64(9), raw["last"], "other value kept")
	assert.Equal(t, int64(5), raw["leakward.redacted.total"], "record total: two attribute keys, one attribute value, two body keys")
	assert.Equal(t, map[string]any{
		"env":  map[string]any{KeyPlaceholder: "v"},
		"list": []any{map[string]any{KeyPlaceholder: "w"}},
		"msg":  "ok",
	}, glr.Body().Map().AsRaw(), "body keys at depth")
}

func TestBytesValues(t *testing.T) {
	tok := tokens(23, 4)
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	a := lr.Attributes()
	a.PutEmptyBytes("raw").FromRaw([]byte("auth " + tok[0]))
	a.PutEmptyBytes("binary").FromRaw(append([]byte{0xff, 0xfe, 0}, tok[1]...)) // not UTF-8
	a.PutEmptyBytes("clean").FromRaw([]byte{0xff, 0, 1, 2})
	a.PutEmptySlice("list").AppendEmpty().SetEmptyBytes().FromRaw([]byte(tok[2]))
	a.PutEmptyMap("nested").PutEmptyBytes("b").FromRaw([]byte(tok[3]))

	p, sink := newLogs(t, testConfig())
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := sink.AllLogs()[0]
	printed := printedLogs(t, got)
	assertNotPrinted(t, "bytes", printed, tok)
	for i, sec := range tok {
		b64 := base64.StdEncoding.EncodeToString([]byte(sec))
		assert.False(t, bytes.Contains(printed, []byte(b64[:len(b64)-4])), "bytes: secret %d is printed as base64", i)
	}
	ga := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
	raw := ga.AsRaw()
	assert.Equal(t, "auth [REDACTED:github-pat-classic]", raw["raw"], "bytes with a secret become text")
	bin, _ := ga.Get("binary")
	assert.Equal(t, pcommon.ValueTypeStr, bin.Type(), "binary with a secret becomes text")
	assert.True(t, utf8.ValidString(bin.Str()), "the text is valid UTF-8")
	assert.True(t, strings.HasSuffix(bin.Str(), "[REDACTED:github-pat-classic]"), "binary: mask")
	assert.Equal(t, []byte{0xff, 0, 1, 2}, raw["clean"], "clean bytes unchanged")
	assert.Equal(t, []any{"[REDACTED:github-pat-classic]"}, raw["list"], "bytes in a slice")
	assert.Equal(t, map[string]any{"b": "[REDACTED:github-pat-classic]"}, raw["nested"], "bytes in a nested map")
	assert.Equal(t, int64(4), raw["leakward.redacted.total"], "total")
}

// cleanLogs and cleanTraces fill every field the processor scans with text
// that holds no secret, keys and bytes included.
func cleanLogs() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.SetSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("github.com/example/lib")
	sl.Scope().SetVersion("v1.2.3")
	sl.Scope().Attributes().PutStr("lib.mode", "fast")
	lr := sl.LogRecords().AppendEmpty()
	lr.SetEventName("user.login")
	lr.SetSeverityText("INFO")
	m := lr.Body().SetEmptyMap()
	m.PutStr("msg", "GET /healthz 200 1ms")
	m.PutEmptyBytes("raw").FromRaw([]byte{0xff, 0, 1, 2, 'a'})
	m.PutEmptySlice("list").AppendEmpty().SetEmptyMap().PutStr("k", "v")
	lr.Attributes().PutStr("user", "alice")
	lr.Attributes().PutEmptyBytes("id").FromRaw([]byte("0123"))
	return ld
}

func cleanTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("github.com/example/lib")
	sp := ss.Spans().AppendEmpty()
	sp.SetName("GET /repos")
	sp.Status().SetMessage("not found")
	sp.TraceState().FromRaw("vendor=abc")
	sp.Events().AppendEmpty().SetName("retry")
	sp.Links().AppendEmpty().Attributes().PutStr("note", "parent batch")
	sp.Attributes().PutEmptyMap("http").PutStr("method", "GET")
	return td
}

func TestCleanDataUnchanged(t *testing.T) {
	pl, lsink := newLogs(t, testConfig())
	want := printedLogs(t, cleanLogs())
	require.NoError(t, pl.ConsumeLogs(context.Background(), cleanLogs()))
	assert.Equal(t, string(want), string(printedLogs(t, lsink.AllLogs()[0])), "clean logs")

	pt, tsink := newTraces(t, testConfig())
	wantT := printedTraces(t, cleanTraces())
	require.NoError(t, pt.ConsumeTraces(context.Background(), cleanTraces()))
	assert.Equal(t, string(wantT), string(printedTraces(t, tsink.AllTraces()[0])), "clean traces")
}

// TestRekeyPreservesOrder checks rekey on its own, without the detector.
func TestRekeyPreservesOrder(t *testing.T) {
	tests := []struct {
		keys   []string
		secret []int
		want   []string
	}{
		{[]string{"a", "s", "b"}, []int{1}, []string{"a", KeyPlaceholder, "b"}},
		{[]string{"s1", "s2", "s3"}, []int{0, 1, 2}, []string{KeyPlaceholder, KeyPlaceholder + ":2", KeyPlaceholder + ":3"}},
		{[]string{KeyPlaceholder + ":2", "s", "t"}, []int{1, 2}, []string{KeyPlaceholder + ":2", KeyPlaceholder, KeyPlaceholder + ":3"}},
	}
	for _, tt := range tests {
		m := pcommon.NewMap()
		for i, k := range tt.keys {
			m.PutInt(k, int64(i))
		}
		rekey(m, tt.secret)
		var got []string
		var vals []int64
		for k, v := range m.All() {
			got = append(got, k)
			vals = append(vals, v.Int())
		}
		assert.Equal(t, tt.want, got, "keys %v, secret %v", tt.keys, tt.secret)
		assert.Equal(t, []int64{0, 1, 2}, vals, "keys %v: values move with their entries", tt.keys)
	}
}

// TestStats checks the Stats method of both processors and that an
// undecided finding is summed under its own summary attribute.
func TestStats(t *testing.T) {
	type statser interface{ Stats() detect.Stats }
	pl, _ := newLogs(t, testConfig())
	pt, _ := newTraces(t, testConfig())
	for name, p := range map[string]any{"logs": pl, "traces": pt} {
		st, ok := p.(statser)
		require.True(t, ok, "%s processor has Stats", name)
		assert.Equal(t, detect.Stats{}, st.Stats(), "%s: a new processor has counted nothing", name)
	}
	require.NoError(t, pl.ConsumeLogs(context.Background(), testLogs(tokens(24, 8))))
	got := pl.(statser).Stats()
	assert.NotZero(t, got.Work, "scanning counts its work")
	got.Work = 0
	assert.Equal(t, detect.Stats{}, got, "nothing undecided with a long match timeout")

	s, err := testConfig().resolve()
	require.NoError(t, err)
	r := newRedactor(s)
	sc := new(scratch)
	sc.add(detect.UndecidedID)
	sc.add("github-pat-classic")
	m := pcommon.NewMap()
	r.annotate(sc, m)
	assert.Equal(t, map[string]any{
		"leakward.redacted.undecided":          int64(1),
		"leakward.redacted.github-pat-classic": int64(1),
		"leakward.redacted.total":              int64(2),
	}, m.AsRaw(), "undecided regions are counted under their id")
}

// plainValues returns n random values of size letters and digits (each with
// an upper-case letter, a lower-case letter and a digit) that the detector
// does not find on their own: secrets only by their field's name.
func plainValues(t *testing.T, seed uint64, n, size int) []string {
	t.Helper()
	s, err := testConfig().resolve()
	require.NoError(t, err)
	const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	r := rand.New(rand.NewPCG(seed, 11))
	out := make([]string, n)
	for i := range out {
		b := make([]byte, size)
		for j := range b {
			b[j] = alnum[r.IntN(len(alnum))]
		}
		b[0], b[1], b[2] = 'A'+byte(r.IntN(26)), 'a'+byte(r.IntN(26)), '2'+byte(r.IntN(8))
		require.Empty(t, s.det.AppendScan(nil, b), "plain value %d of %d bytes is found on its own", i, size)
		out[i] = string(b)
	}
	return out
}

// TestSecretNamedAttributes checks that an attribute whose name says secret
// is masked by its name, and that other names leave the same value alone,
// with the summary on and off.
func TestSecretNamedAttributes(t *testing.T) {
	short := plainValues(t, 30, 1, 12)[0]
	long := plainValues(t, 31, 1, 24)[0]
	tests := []struct {
		name  string
		value string
		want  bool // masked
	}{
		{"password", short, true},
		{"db.password", short, true},
		{"dbPassword", short, true},
		{"AUTHORIZATION", short, true},
		{"client_secret", short, true},
		{"http.request.header.cookie", short, true},
		{"api_key", long, true},
		{"X-Api-Key", long, true},
		{"user", short, false},
		{"db.user", short, false},
		{"user", long, false},
		{"token_count", short, false},
		{"password_length", short, false},
		{"key_id", short, false},
		{"session_id", short, false},
		{"public_key", long, false},
		{"password.hint", short, false},
		{"password", "abc", false}, // too short to be masked by its name
	}
	summaryOff := testConfig()
	summaryOff.Summary.Enabled = false
	for _, cfg := range []struct {
		name string
		c    *Config
	}{{"summary", testConfig()}, {"nosummary", summaryOff}} {
		p, sink := newLogs(t, cfg.c)
		for i, tt := range tests {
			ld := plog.NewLogs()
			ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes().PutStr(tt.name, tt.value)
			require.NoError(t, p.ConsumeLogs(context.Background(), ld))
			attrs := sink.AllLogs()[i].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
			v, ok := attrs.Get(tt.name)
			require.True(t, ok, "%s: attribute %q is kept", cfg.name, tt.name)
			got := v.Str()
			if !tt.want {
				assert.True(t, got == tt.value, "%s: attribute %q is changed", cfg.name, tt.name)
				assert.Equal(t, 1, attrs.Len(), "%s: attribute %q: no summary", cfg.name, tt.name)
				continue
			}
			assert.False(t, strings.Contains(got, tt.value), "%s: attribute %q still holds its value", cfg.name, tt.name)
			assert.True(t, strings.HasPrefix(got, "[REDACTED:"), "%s: attribute %q is not masked", cfg.name, tt.name)
			if cfg.c.Summary.Enabled {
				total, _ := attrs.Get("leakward.redacted.total")
				assert.Equal(t, int64(1), total.Int(), "%s: attribute %q: summary total", cfg.name, tt.name)
			} else {
				assert.Equal(t, 1, attrs.Len(), "%s: attribute %q: no summary", cfg.name, tt.name)
			}
		}
	}
}

// summaryOf returns the summary attributes of m.
func summaryOf(m pcommon.Map) map[string]int64 {
	out := map[string]int64{}
	for k, v := range m.All() {
		if strings.HasPrefix(k, DefaultSummaryPrefix) {
			out[k] = v.Int()
		}
	}
	return out
}

// wantSummary returns the summary attributes the detector's findings in
// the named values give: counts by pattern id, and the total.
func wantSummary(t *testing.T, named [][2]string) map[string]int64 {
	t.Helper()
	s, err := testConfig().resolve()
	require.NoError(t, err)
	out := map[string]int64{}
	var total int64
	for _, nv := range named {
		fs := s.det.AppendScanField(nil, nv[0], []byte(nv[1]))
		require.NotEmpty(t, fs, "the detector finds the value of %q", nv[0])
		for _, f := range fs {
			out[DefaultSummaryPrefix+"."+f.PatternID]++
			total++
		}
	}
	out[DefaultSummaryPrefix+".total"] = total
	return out
}

// TestSecretNamedNested checks names made of key paths: nested maps in
// bodies and attributes (parent.child), slices (the parent's name), bytes,
// and scope and resource attributes, with the summary counted by pattern.
func TestSecretNamedNested(t *testing.T) {
	pw := plainValues(t, 32, 10, 14)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	ra := rl.Resource().Attributes()
	ra.PutStr("service.name", "checkout")
	ra.PutStr("db.password", pw[0])
	ra.PutStr("db.user", pw[1])
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().Attributes().PutStr("client_secret", pw[2])
	lr := sl.LogRecords().AppendEmpty()
	b := lr.Body().SetEmptyMap()
	b.PutEmptyMap("credentials").PutStr("password", pw[3])
	b.PutStr("user", pw[1])
	tokens := b.PutEmptySlice("tokens")
	tokens.AppendEmpty().SetStr(pw[4])
	tokens.AppendEmpty().SetStr(pw[5])
	b.PutEmptyMap("password").PutStr("hint", pw[1])
	b.PutEmptyBytes("secret").FromRaw([]byte(pw[6]))
	b.PutEmptyMap("auth").PutEmptyMap("").PutStr("token", pw[7])
	lr.Attributes().PutEmptyMap("db").PutStr("password", pw[8])
	lr.Attributes().PutEmptyMap("db").PutStr("user", pw[1]) // replaces the map above
	lr.Attributes().PutEmptyMap("conn").PutStr("password", pw[9])

	p, sink := newLogs(t, testConfig())
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := sink.AllLogs()[0]
	printed := printedLogs(t, got)
	for i, v := range pw {
		if i == 1 {
			assert.True(t, bytes.Contains(printed, []byte(v)), "the value of the non-secret names is kept")
			continue
		}
		assert.False(t, bytes.Contains(printed, []byte(v)), "nested: value %d is printed", i)
	}

	grl := got.ResourceLogs().At(0)
	assert.Equal(t, wantSummary(t, [][2]string{{"db.password", pw[0]}}), summaryOf(grl.Resource().Attributes()), "resource summary")
	gsl := grl.ScopeLogs().At(0)
	assert.Equal(t, wantSummary(t, [][2]string{{"client_secret", pw[2]}}), summaryOf(gsl.Scope().Attributes()), "scope summary")
	glr := gsl.LogRecords().At(0)
	assert.Equal(t, wantSummary(t, [][2]string{
		{"credentials.password", pw[3]}, {"tokens", pw[4]}, {"tokens", pw[5]}, {"secret", pw[6]},
		{"auth.token", pw[7]}, {"conn.password", pw[9]},
	}), summaryOf(glr.Attributes()), "record summary: body and attributes")

	raw := glr.Body().Map().AsRaw()
	assert.Equal(t, pcommon.ValueTypeStr, mustGet(t, glr.Body().Map(), "secret").Type(), "bytes masked by name become text")
	hint, _ := raw["password"].(map[string]any)
	assert.True(t, hint["hint"] == pw[1], "password.hint is not a secret name: its value is kept")
	assert.True(t, raw["user"] == pw[1], "user is not a secret name: its value is kept")
}

func mustGet(t *testing.T, m pcommon.Map, k string) pcommon.Value {
	t.Helper()
	v, ok := m.Get(k)
	require.True(t, ok, "key %q", k)
	return v
}

// TestSecretNamedTraces checks secret names in span, event, link, scope and
// resource attributes.
func TestSecretNamedTraces(t *testing.T) {
	pw := plainValues(t, 33, 6, 16)
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("deploy.token", pw[0])
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().Attributes().PutStr("signing_key", pw[1])
	sp := ss.Spans().AppendEmpty()
	sp.Attributes().PutStr("db.password", pw[2])
	sp.Attributes().PutStr("db.user", "alice")
	sp.Events().AppendEmpty().Attributes().PutStr("session", pw[3])
	sp.Links().AppendEmpty().Attributes().PutEmptyMap("peer").PutStr("passwd", pw[4])
	sp.Events().AppendEmpty().Attributes().PutStr("note", pw[5])

	p, sink := newTraces(t, testConfig())
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	got := sink.AllTraces()[0]
	printed := printedTraces(t, got)
	assertNotPrinted(t, "traces by name", printed, pw[:5])
	assert.True(t, bytes.Contains(printed, []byte(pw[5])), "a value under a non-secret name is kept")

	grs := got.ResourceSpans().At(0)
	assert.Equal(t, wantSummary(t, [][2]string{{"deploy.token", pw[0]}}), summaryOf(grs.Resource().Attributes()), "resource summary")
	gss := grs.ScopeSpans().At(0)
	assert.Equal(t, wantSummary(t, [][2]string{{"signing_key", pw[1]}}), summaryOf(gss.Scope().Attributes()), "scope summary")
	assert.Equal(t, wantSummary(t, [][2]string{{"db.password", pw[2]}, {"session", pw[3]}, {"peer.passwd", pw[4]}}),
		summaryOf(gss.Spans().At(0).Attributes()), "span summary: span, event and link")
}

// TestConfiguredNamesAndAllowlist checks secret_names, public_names and
// allow_values_file: a configured secret name masks its value, a public
// name leaves a value the built-in rules would mask, and an allowed token
// passes while another token of the same pattern is masked.
func TestConfiguredNamesAndAllowlist(t *testing.T) {
	short := plainValues(t, 32, 1, 12)[0]
	tok := tokens(33, 2)
	allow := filepath.Join(t.TempDir(), "allow.txt")
	require.NoError(t, os.WriteFile(allow, []byte("# reviewed fixture token\n"+detect.AllowEntry([]byte(tok[0]))+"\n"), 0o600))

	cfg := testConfig()
	cfg.Summary.Enabled = false
	cfg.SecretNames = []string{"pin", "vault.unseal"}
	cfg.PublicNames = []string{"password_hint"}
	cfg.AllowValuesFile = allow
	p, sink := newLogs(t, cfg)
	tests := []struct {
		name, value string
		want        bool // masked
	}{
		{"pin", short, true},
		{"user.PIN", short, true},
		{"vault.unseal", short, true},
		{"unseal", short, false}, // the dotted name needs its path
		{"password_hint", short, false},
		{"password", short, true},
		{"note", "fixture " + tok[0], false},
		{"note", "leaked " + tok[1], true},
	}
	for i, tt := range tests {
		ld := plog.NewLogs()
		ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes().PutStr(tt.name, tt.value)
		require.NoError(t, p.ConsumeLogs(context.Background(), ld))
		v, ok := sink.AllLogs()[i].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(tt.name)
		require.True(t, ok, "attribute %q is kept", tt.name)
		if tt.want {
			assert.True(t, strings.Contains(v.Str(), "[REDACTED:"), "case %d: attribute %q is not masked", i, tt.name)
		} else {
			assert.True(t, v.Str() == tt.value, "case %d: attribute %q is changed", i, tt.name)
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.txt")
	require.NoError(t, os.WriteFile(bad, []byte(detect.AllowEntry([]byte(tok[0]))+"\n"+tok[1]+"\n"), 0o600))
	cfg.AllowValuesFile = bad
	_, err := cfg.resolve()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2", "the error names the line")
	assert.NotContains(t, err.Error(), tok[1][:12], "the error holds no part of the line")
}
