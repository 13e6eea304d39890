package leakwardprocessor

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
	"github.com/leakward/leakward/patterns"
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
	assert.Equal(t, []byte("b:[REDACTED:github-pat-classic]"), body["raw"], "record 1 bytes")
	assert.Equal(t, int64(4), r1.Attributes().AsRaw()["leakward.redacted.total"], "record 1 total")

	r2 := lrs.At(2)
	assert.Equal(t, "GET /healthz 200 1ms", r2.Body().Str(), "clean record body")
	assert.Equal(t, map[string]any{"user": "alice"}, r2.Attributes().AsRaw(), "clean record attributes get no summary")
}

func TestLogsCatalogSamples(t *testing.T) {
	det, err := detect.New(patterns.Default(), detect.WithMatchTimeout(30*time.Second))
	require.NoError(t, err)
	samples := vectors.Samples(det)
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
		assertNoSecret(t, strs, s.Secrets)
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
	assert.Equal(t, tok[0], got.ResourceLogs().At(0).Resource().Attributes().AsRaw()["deploy.token"], "resource not scanned")
	r0 := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, "token "+tok[3], r0.Attributes().AsRaw()["http.header.authorization"], "attributes not scanned")
	assert.NotContains(t, r0.Body().Str(), tok[1], "body scanned")
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
		assert.True(t, strings.HasPrefix(body, tt.want), "%s: body %q, want prefix %q", tt.name, body, tt.want)
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
			assert.NotContains(t, s, "ghp_", "%s keeps a token prefix", path)
		}
	}
}

// TestMasksMatchRedact checks that the masks the processor writes from
// findings are byte for byte what the detector's Redact writes, over the
// catalog samples and generated tokens, for each mask style.
func TestMasksMatchRedact(t *testing.T) {
	t.Setenv("LW_TEST_FP_KEY", "0123456789abcdef-test-key")
	det, err := detect.New(patterns.Default(), detect.WithMatchTimeout(30*time.Second))
	require.NoError(t, err)
	var texts []string
	for _, s := range vectors.Samples(det) {
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
