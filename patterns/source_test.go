package patterns

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run the Examples and NonExamples of the source and
// communications groups through a small model of the engine: regexp2 over
// the whole text, a keyword occurrence inside the match, the "secret"
// group, Validate and MinEntropy. The engine's own placeholder rejection is
// not modelled, so the vectors here do not rely on it. The shared catalog
// harness runs the same vectors through the real engine.

// scFinding is a match that the model accepts.
type scFinding struct {
	start, end int
	match      int // length of the whole regex match
}

func scFindings(t *testing.T, p Pattern, text string) []scFinding {
	t.Helper()
	re, err := regexp2.Compile(p.Regex)
	require.NoError(t, err, "regex of %s", p.ID)
	re.MatchTimeout = time.Second
	var out []scFinding
	m, err := re.FindStringMatch(text)
	for ; m != nil && err == nil; m, err = re.FindNextMatch(m) {
		mi, ml := m.ByteRange()
		ms, me := mi, mi+ml
		if !scHasKeyword(p, text[ms:me]) {
			continue
		}
		s, e := ms, me
		if g := m.GroupByName("secret"); g != nil && len(g.Captures) > 0 {
			gi, gl := g.ByteRange()
			s, e = gi, gi+gl
		}
		secret := []byte(text[s:e])
		if p.Validate != nil {
			var meta Meta
			if !p.Validate(secret, &meta) {
				continue
			}
		}
		if p.MinEntropy > 0 && Entropy(secret) < p.MinEntropy {
			continue
		}
		out = append(out, scFinding{start: s, end: e, match: ml})
	}
	require.NoError(t, err, "regex of %s timed out", p.ID)
	return out
}

func scHasKeyword(p Pattern, match string) bool {
	for _, k := range p.Keywords {
		if p.KeywordsFoldCase && strings.Contains(strings.ToLower(match), strings.ToLower(k)) {
			return true
		}
		if strings.Contains(match, k) {
			return true
		}
	}
	return false
}

func scCheckGroup(t *testing.T, ps []Pattern, wantIDs []string) {
	var got []string
	for _, p := range ps {
		got = append(got, p.ID)
	}
	assert.Equal(t, wantIDs, got, "pattern ids")
	for _, p := range ps {
		t.Run(p.ID, func(t *testing.T) {
			assert.NotEmpty(t, p.Provider, "Provider")
			assert.NotEmpty(t, p.Description, "Description")
			assert.NotEmpty(t, p.Grants, "Grants")
			assert.GreaterOrEqual(t, len(p.Examples), 2, "Examples")
			assert.GreaterOrEqual(t, len(p.NonExamples), 2, "NonExamples")
			for _, k := range p.Keywords {
				assert.GreaterOrEqual(t, len(k), 3, "keyword %q", k)
			}
			maxLen := p.MaxLen
			if maxLen == 0 {
				maxLen = DefaultMaxLen
			}
			for i, ex := range p.Examples {
				fs := scFindings(t, p, ex)
				if assert.NotEmpty(t, fs, "Example %d (%s): no finding", i, scPreviewLen(ex)) {
					for _, f := range fs {
						assert.LessOrEqual(t, f.match, maxLen, "Example %d: match longer than MaxLen", i)
						if len(p.Keywords) > 0 && len(p.Keywords[0]) == 3 {
							// a 3-byte keyword must be followed by [A-Za-z0-9._-]
							k := bytes.Index([]byte(ex[f.start:f.end]), []byte(p.Keywords[0]))
							if k >= 0 && f.start+k+3 < len(ex) {
								c := ex[f.start+k+3]
								assert.True(t, scIsAlnum(c) || c == '.' || c == '_' || c == '-',
									"Example %d: 3-byte keyword followed by %q", i, c)
							}
						}
					}
				}
			}
			for i, ne := range p.NonExamples {
				fs := scFindings(t, p, ne)
				assert.Empty(t, fs, "NonExample %d (%s): unexpected finding", i, scPreviewLen(ne))
			}
		})
	}
}

var scSourceIDs = []string{
	"github-pat-classic", "github-oauth-token", "github-app-user-token", "github-app-installation-token",
	"github-refresh-token", "github-pat-fine-grained", "gitlab-pat", "gitlab-pat-routable",
	"gitlab-runner-token", "gitlab-other-token", "bitbucket-app-password", "atlassian-api-token",
	"atlassian-dc-pat", "npm-access-token", "npm-legacy-token", "pypi-upload-token", "rubygems-api-key",
	"nuget-api-key", "docker-hub-pat", "crates-io-token", "clojars-token", "artifactory-token",
	"sonarqube-token", "sentry-user-token", "sentry-org-token", "postman-api-key", "azure-devops-pat",
}

func TestSourcePatternVectors(t *testing.T) {
	scCheckGroup(t, sourcePatterns(), scSourceIDs)
}

// TestSourceCheckedExamplesValidate makes sure the checksummed Examples
// are accepted by the validator itself, not only by the regex.
func TestSourceCheckedExamplesValidate(t *testing.T) {
	for _, p := range sourcePatterns() {
		if p.Validate == nil {
			continue
		}
		for i, ex := range p.Examples {
			fs := scFindings(t, p, ex)
			for _, f := range fs {
				var m Meta
				ok := p.Validate([]byte(ex[f.start:f.end]), &m)
				assert.True(t, ok, "%s Example %d", p.ID, i)
			}
		}
	}
}

func TestGitLabTokenValidator(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"glrt-PdjM4NxZVIbrcpsiHjFj", true},
		{"glrt-t1_YzoxCm86MQp0OjG-whcvnaeE7TtertH9du5BEA.01.121hl1y6y", true},
		{"glrt-t1_YzoxCm86MQp0OjG-whcvnaeE7TtertH9du5BEA.01.121hl1y6z", false},
	}
	for _, tc := range cases {
		var m Meta
		got := ValidateGitLabToken([]byte(tc.in), &m)
		assert.Equal(t, tc.want, got, "ValidateGitLabToken(%s)", scPreviewLen(tc.in))
	}
}
