package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

// preview shows a secret safely in failure messages.
func preview(b []byte) string {
	if len(b) <= 4 {
		return "…"
	}
	return string(b[:4]) + "…(" + itoa(len(b)) + " bytes)"
}

func TestLabelsPointAtTheSecrets(t *testing.T) {
	samples, _ := prepareSamples(patterns.Default())
	require.NotEmpty(t, samples, "catalog examples")
	in := genLabelled(256<<10, 7, 5, 11, samples)
	require.NotEmpty(t, in.labels, "labels")
	byID := map[string]sample{}
	for _, s := range samples {
		byID[s.id] = s
	}
	for i, l := range in.labels {
		got := in.data[l.start:l.end]
		assert.NotContains(t, string(got), "\n", "label %d (%s) %s spans a newline", i, l.id, preview(got))
		assert.True(t, inInjected(in, span{l.start, l.end}), "label %d (%s) outside the injected lines", i, l.id)
		if i > 0 {
			assert.Greater(t, l.start, in.labels[i-1].start, "label %d (%s) out of order", i, l.id)
		}
		// The labelled bytes are the secret located in the sample alone.
		found := false
		for _, s := range samples {
			if s.id != l.id {
				continue
			}
			for _, sp := range s.secrets {
				found = found || bytes.Equal(got, []byte(s.text[sp.start:sp.end]))
			}
		}
		assert.True(t, found, "label %d (%s) %s is not a secret of its samples", i, l.id, preview(got))
	}
	assert.Positive(t, in.decoys, "decoys")
}

func TestGenerationIsDeterministic(t *testing.T) {
	samples, _ := prepareSamples(patterns.Default())
	a := genLabelled(64<<10, 3, 7, 13, samples)
	b := genLabelled(64<<10, 3, 7, 13, samples)
	assert.Equal(t, a.data, b.data, "same seed, same bytes")
	assert.Equal(t, a.labels, b.labels, "same seed, same labels")
}

func TestSpansCoverTheInput(t *testing.T) {
	tests := []struct {
		name string
		src  string
		size int
	}{
		{"empty", "", 4},
		{"no final newline", "ab\ncd", 4},
		{"final newline", "ab\ncd\n", 4},
		{"long line", "abcdefghij\nk\n", 4},
	}
	for _, tt := range tests {
		src := []byte(tt.src)
		var lines []byte
		for i, l := range lineSpans(src) {
			if i > 0 {
				lines = append(lines, '\n')
			}
			lines = append(lines, src[l.start:l.end]...)
		}
		assert.Equal(t, string(bytes.TrimSuffix(src, []byte("\n"))), string(lines), "lines of %q", tt.src)
		var chunks []byte
		for _, c := range chunkSpans(src, tt.size) {
			assert.Positive(t, c.end-c.start, "chunk of %q", tt.src)
			chunks = append(chunks, src[c.start:c.end]...)
		}
		assert.Equal(t, tt.src, string(chunks), "chunks of %q", tt.src)
	}
}

func TestScoring(t *testing.T) {
	in := labelled{
		data:     make([]byte, 100),
		labels:   []label{{10, 20, "a"}, {40, 50, "b"}},
		injected: []span{{5, 25}, {35, 55}},
	}
	sc := newScored(in, []found{
		{span{12, 18}, "ra"}, // on a's label, mapped rule
		{span{40, 50}, "x"},  // on b's label, other rule
		{span{22, 24}, "ra"}, // injected line, no label: neither
		{span{70, 80}, "ra"}, // background: false positive
	})
	got := scoreType(in, sc, "a", []string{"ra"})
	assert.Equal(t, typeScore{labels: 1, hit: 1, hitAny: 1, tp: 1, fp: 1}, got, "type a")
	got = scoreType(in, sc, "b", []string{"rb"})
	assert.Equal(t, typeScore{labels: 1, hit: 0, hitAny: 1}, got, "type b")
	all := overall(in, sc, nil)
	assert.Equal(t, typeScore{labels: 2, hit: 2, hitAny: 2, tp: 2, fp: 1}, all, "overall")
	assert.Equal(t, []string{"ra ×1"}, fpRules(in, sc), "false positives by rule")
}

func TestGitleaksOffsets(t *testing.T) {
	g, err := newGitleaks()
	require.NoError(t, err)
	// A synthetic Slack bot token body; gitleaks' rule needs only the shape.
	tok := "xoxb-2718281828-3141592653-Zq8vWm3KpL7dRt2YhN6cXbJf"
	src := []byte("noise line\nts=1 level=info slack token " + tok + " sent\n")
	fs := gitleaksFound(g, src, lineSpans(src))
	require.NotEmpty(t, fs, "gitleaks findings")
	want := bytes.Index(src, []byte(tok))
	assert.Equal(t, "slack-bot-token", fs[0].rule, "rule")
	assert.Equal(t, span{want, want + len(tok)}, fs[0].span, "span of the token")
}

func TestMeasureCountsFindings(t *testing.T) {
	src := []byte("a\nb\nc\n")
	in := newInput("t", src)
	s := scanner{name: "lines", mode: "line", newWorker: func() func([]byte, []span, []span) int {
		return func(_ []byte, lines, _ []span) int { return len(lines) }
	}}
	m := measure(s, in, 0, 1, true)
	assert.Equal(t, 3, m.findings, "findings of one pass")
	assert.Positive(t, m.single, "single-goroutine MB/s")
	assert.Positive(t, m.parallel, "parallel MB/s")
}
