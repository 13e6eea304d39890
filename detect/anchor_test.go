package detect

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnchorable(t *testing.T) {
	for _, tc := range []struct {
		re        string
		keywords  []string
		fold      bool
		wantOK    bool
		wantLeads []int
	}{
		{`(?<![A-Za-z0-9_])ghp_[A-Za-z0-9]{36}`, []string{"ghp_"}, false, true, []int{0}},
		{`(?:AKIA|ABIA|A3T[A-Z0-9])[A-Z2-7]{16}`, []string{"AKIA", "ABIA", "A3T"}, false, true, []int{0}},
		{`do[por]_v1_[a-f0-9]{64}`, []string{"dop_v1_", "doo_v1_", "dor_v1_"}, false, true, []int{0}},
		{`(?i)postgres(?:ql)?://x`, []string{"postgres://", "postgresql://"}, true, true, []int{0}},
		{`-----BEGIN (?:RSA )?PRIVATE KEY-----`, []string{"BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY"}, false, true, []int{5}},
		{`(?<secret>sk_(?:live|test)_[a-z]{8})`, []string{"sk_live_", "sk_test_"}, false, true, []int{0}},
		// A case-insensitive regex needs case-folded keywords.
		{`(?i)ghp_[a-z]{4}`, []string{"ghp_"}, false, false, nil},
		// One alternative does not start with a keyword.
		{`ghp_[a-z]{4}|token=[a-z]{4}`, []string{"ghp_"}, false, false, nil},
		// The keyword comes after a variable-length run.
		{`[A-Za-z0-9]{14}\.atlasv1\.[a-z]+`, []string{".atlasv1."}, false, false, nil},
		{`eyJ[A-Za-z0-9_-]{5,600}\.eyJ`, []string{".eyJ"}, false, false, nil},
		// \s is a category the walker does not enumerate.
		{`key\s*=\s*x`, []string{"key"}, false, true, []int{0}},
		{`\s*key=x`, []string{"key"}, false, false, nil},
		// A back-reference or a negated class before the keyword.
		{`[^a]ghp_`, []string{"ghp_"}, false, false, nil},
		{`(a)\1ghp_`, []string{"ghp_"}, false, false, nil},
		// An optional prefix shorter than the lead limit.
		{`(?:x-)?api-key: \w+`, []string{"api-key: "}, false, true, []int{0, 2}},
		{`broken(`, []string{"broken"}, false, false, nil},
	} {
		leads, ok := anchorable(tc.re, tc.keywords, tc.fold)
		assert.Equal(t, tc.wantOK, ok, "anchorable(%q)", tc.re)
		assert.Equal(t, tc.wantLeads, leads, "leads of %q", tc.re)
	}
}

// TestAnchoredMatchesGeneral checks that an anchored pattern finds the
// same secrets as the general search.
func TestAnchoredMatchesGeneral(t *testing.T) {
	d := newTest(t)
	c := &d.pats[0]
	if c.anchored == nil {
		t.Fatal("test-token should be anchored")
	}
	src := genLog(1<<18, 3, 41)
	want := d.Scan(src)
	c.anchored = nil // force the general search
	got := d.Scan(src)
	assert.Equal(t, want, got)
	assert.NotEmpty(t, want)
}

func TestBase64Forms(t *testing.T) {
	for _, k := range []string{"ghp_", "hf_", "postgres://", "AKIA"} {
		forms := base64Forms(k)
		assert.NotEmpty(t, forms, k)
		for _, f := range forms {
			assert.GreaterOrEqual(t, len(f), 4, "form %q of %q", f, k)
		}
		// Every alignment of k inside random data encodes to text that
		// holds one of the forms.
		for pad := 0; pad < 3; pad++ {
			for _, before := range []string{"\x00\x00", "\xff\xff", "ab"} {
				enc := base64.StdEncoding.EncodeToString([]byte(before[:pad] + k + "tail"))
				hit := false
				for _, f := range forms {
					hit = hit || strings.Contains(enc, f)
				}
				assert.True(t, hit, "%q at alignment %d after %q: %s holds no form of %v", k, pad, before[:pad], enc, forms)
			}
		}
	}
}

// TestDefaultCatalogAnchoring guards the anchoring proof of the built-in
// catalog: a pattern edit that makes a regex start somewhere other than at
// a keyword silently turns one regex attempt per keyword hit into a window
// search. The generic patterns, whose keywords are the most frequent in
// logs, must stay anchored, and the count must not drop.
func TestDefaultCatalogAnchoring(t *testing.T) {
	d := defaultDetector()
	n := 0
	for i := range d.pats {
		if d.pats[i].anchored != nil {
			n++
		}
	}
	assert.GreaterOrEqual(t, n, 113, "anchored built-in patterns")
	for _, id := range []string{"password-assignment", "generic-high-entropy-secret", "authorization-bearer-header", "authorization-basic-header", "github-pat-classic", "aws-access-key-id"} {
		c := d.compiledByID(id)
		require.NotNil(t, c, id)
		assert.NotNil(t, c.anchored, "%s is not anchored", id)
	}
}
