package patterns

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExampleSpan(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ex       string
		declared string
		want     string
		wantOK   bool
	}{
		{"longest token", "KEY=abc.def-ghi_jk and x", "", "abc.def-ghi_jk", true},
		{"padding kept", `v: "QUJDREVGR0g=="`, "", "QUJDREVGR0g==", true},
		{"first of equal", "aaaa bbbb", "", "aaaa", true},
		{"no token", " \t\n", "", "", false},
		{"declared", "u:pw123@host.example.com", "pw123", "pw123", true},
		{"declared absent", "u:pw123@host", "pw999", "", false},
		{"elided", "x -----BEGIN K-----\nAAAA\n-----END K----- y", "-----BEGIN K…END K-----", "-----BEGIN K-----\nAAAA\n-----END K-----", true},
		{"elided tail after head", "END x BEGIN y END", "BEGIN…END", "BEGIN y END", true},
		{"elided tail absent", "BEGIN y", "BEGIN…END", "", false},
	} {
		p := Pattern{Examples: []string{"other", tc.ex}}
		if tc.declared != "" {
			p.ExampleSecrets = []string{1: tc.declared}
		}
		s, e, ok := p.ExampleSpan(1)
		assert.Equal(t, tc.wantOK, ok, "%s: ok", tc.name)
		if ok {
			assert.Equal(t, tc.want, tc.ex[s:e], "%s: secret", tc.name)
		}
	}
	_, _, ok := Pattern{}.ExampleSpan(0)
	assert.False(t, ok, "no examples")
}

func TestExampleSecretsNamePatterns(t *testing.T) {
	ids := map[string]int{}
	for _, p := range Default() {
		ids[p.ID] = len(p.Examples)
	}
	for id, secs := range exampleSecrets {
		n, ok := ids[id]
		assert.True(t, ok, "declared secrets for unknown pattern %s", id)
		assert.LessOrEqual(t, len(secs), n, "declared secrets of %s beyond its examples", id)
	}
}
