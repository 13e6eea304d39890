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

// clHit is one accepted match of a pattern in a text.
type clHit struct {
	start, end int
	meta       Meta
}

// clScan applies one pattern the way the catalog describes it (keyword,
// window, match containing the keyword, secret group, validator, entropy),
// so the group's vectors can be checked without the engine. Texts must be
// ASCII (regexp2 indexes runes).
func clScan(t *testing.T, p Pattern, re *regexp2.Regexp, text string) []clHit {
	t.Helper()
	hay := text
	if p.KeywordsFoldCase {
		hay = strings.ToLower(text)
	}
	maxLen := p.MaxLen
	if maxLen == 0 {
		maxLen = DefaultMaxLen
	}
	var hits []clHit
	seen := map[[2]int]bool{}
	for _, kw := range p.Keywords {
		if p.KeywordsFoldCase {
			kw = strings.ToLower(kw)
		}
		for from := 0; ; {
			i := strings.Index(hay[from:], kw)
			if i < 0 {
				break
			}
			occ := from + i
			from = occ + 1
			lo, hi := max(0, occ-maxLen-16), min(len(text), occ+len(kw)+maxLen+16)
			window := text[lo:hi]
			m, err := re.FindStringMatch(window)
			require.NoError(t, err, "%s: regex run", p.ID)
			for ; m != nil; m, err = re.FindNextMatch(m) {
				mi, ml := m.ByteRange()
				ms, me := lo+mi, lo+mi+ml
				if ms > occ || me < occ+len(kw) {
					continue
				}
				s, e := ms, me
				if g := m.GroupByName("secret"); g != nil && len(g.Captures) > 0 {
					gi, gl := g.ByteRange()
					s, e = lo+gi, lo+gi+gl
				}
				if seen[[2]int{s, e}] {
					continue
				}
				secret := []byte(text[s:e])
				var meta Meta
				if p.Validate != nil && !p.Validate(secret, &meta) {
					continue
				}
				if p.MinEntropy > 0 && Entropy(secret) < p.MinEntropy {
					continue
				}
				seen[[2]int{s, e}] = true
				hits = append(hits, clHit{s, e, meta})
			}
			require.NoError(t, err, "%s: regex run", p.ID)
		}
	}
	return hits
}

func TestCloudPatternVectors(t *testing.T) {
	ps := cloudPatterns()
	require.Len(t, ps, 29)
	for _, p := range ps {
		t.Run(p.ID, func(t *testing.T) {
			re, err := regexp2.Compile(p.Regex)
			require.NoError(t, err, "regex compiles")
			re.MatchTimeout = time.Second
			assert.GreaterOrEqual(t, len(p.Examples), 2, "examples")
			assert.GreaterOrEqual(t, len(p.NonExamples), 2, "non-examples")
			for _, kw := range p.Keywords {
				assert.GreaterOrEqual(t, len(kw), 3, "keyword %q length", kw)
			}
			for i, ex := range p.Examples {
				hits := clScan(t, p, re, ex)
				if assert.NotEmpty(t, hits, "example %d (%s): no finding", i, clPreview(ex)) {
					for _, h := range hits {
						assert.LessOrEqual(t, h.end-h.start, p.MaxLen, "example %d: secret longer than MaxLen", i)
						// A 3-byte keyword must be followed by [A-Za-z0-9._-].
						for _, kw := range p.Keywords {
							if len(kw) != 3 {
								continue
							}
							sec := ex[h.start:h.end]
							if j := strings.Index(sec, kw); j >= 0 && j+3 < len(sec) {
								c := sec[j+3]
								assert.True(t, isAlnum(c) || c == '.' || c == '_' || c == '-',
									"example %d: 3-byte keyword %q followed by %q", i, kw, c)
							}
						}
					}
				}
			}
			for i, ex := range p.NonExamples {
				hits := clScan(t, p, re, ex)
				assert.Empty(t, hits, "non-example %d (%s): unexpected finding", i, clPreview(ex))
			}
		})
	}
}

// TestCloudSecretSpans pins the secret span of the context and connection
// string patterns: the value only, never the variable name.
func TestCloudSecretSpans(t *testing.T) {
	byID := map[string]Pattern{}
	for _, p := range cloudPatterns() {
		byID[p.ID] = p
	}
	tests := []struct {
		id, text, want string
	}{
		{"aws-secret-access-key", `"SecretAccessKey": "` + clxAWSSecret2 + `",`, clxAWSSecret2},
		{"aws-session-token", "aws_session_token=" + clxSession1 + "\n", clxSession1},
		{"azure-storage-connection-string", "AccountName=acme01;AccountKey=" + clxStorageLegacy + ";EndpointSuffix=core.windows.net", clxStorageLegacy},
		{"azure-sas-token", "?sv=2024-08-04&sp=r&sig=" + clURLEscape(clxSASSig1) + "&foo=1", clURLEscape(clxSASSig1)},
		{"azure-service-bus-connection-string", "Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=" + clxSB1, clxSB1},
		{"gcp-service-account-json", `{"type": "service_account", "private_key": "` + clxGCPKey + `"}`, strings.TrimSuffix(clxGCPKey, "\n")},
		{"heroku-api-key", "HEROKU_API_KEY=" + clxHerokuUUID, clxHerokuUUID},
		{"cloudflare-api-token", "X-Auth-Key: " + clxCFGlobal, clxCFGlobal},
		{"hashicorp-vault-token", "VAULT_TOKEN='" + clxVaultLegacy + "'", clxVaultLegacy},
		{"azure-function-key", "?code=" + clxFunc1 + "&x=1", clxFunc1},
	}
	for _, tt := range tests {
		p := byID[tt.id]
		re, err := regexp2.Compile(p.Regex)
		require.NoError(t, err)
		hits := clScan(t, p, re, tt.text)
		if assert.Len(t, hits, 1, "%s in %s", tt.id, clPreview(tt.text)) {
			got := tt.text[hits[0].start:hits[0].end]
			assert.True(t, got == tt.want, "%s: got span %s, want %s", tt.id, clPreview(got), clPreview(tt.want))
		}
	}
}

// TestCloudMeta checks the facts validators record on findings.
func TestCloudMeta(t *testing.T) {
	byID := map[string]Pattern{}
	for _, p := range cloudPatterns() {
		byID[p.ID] = p
	}
	scan := func(id, text string) Meta {
		p := byID[id]
		re, err := regexp2.Compile(p.Regex)
		require.NoError(t, err)
		hits := clScan(t, p, re, text)
		require.NotEmpty(t, hits, "%s in %s", id, clPreview(text))
		return hits[0].meta
	}
	assert.Equal(t, uint64(271828182845), scan("aws-access-key-id", "id="+clxAKIA1).AWSAccountID)
	assert.Equal(t, uint64(577215664901), scan("aws-temporary-access-key-id", "id="+clxASIA2).AWSAccountID)
	m := scan("aws-bedrock-api-key", "k="+clxBedrockShort)
	assert.Equal(t, time.Date(2026, 6, 1, 8, 30, 0, 0, time.UTC).Unix(), m.IssuedAt)
	assert.Equal(t, m.IssuedAt+43200, m.ExpiresAt)
	assert.True(t, scan("azure-storage-account-key", `"value": "`+clxStorage1+`"`).Structured)
	assert.True(t, scan("grafana-service-account-token", clxGLSA1).Structured)
	assert.Equal(t, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Unix(), scan("azure-cask-key", "k="+clxCASK1).IssuedAt)
}

// TestCloudKeywordsOnLogLines guards against keywords that are common words:
// ordinary log lines must not contain them.
func TestCloudKeywordsOnLogLines(t *testing.T) {
	lines := []string{
		"2026-03-01 10:15:02 INFO  [main] o.a.c.Server - Started ServerConnector@6d3af739{HTTP/1.1}{0.0.0.0:8080}",
		"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4",
		"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
		`{"level":"warn","ts":1717171717.1,"caller":"zap/logger.go:42","msg":"session expired","user":"alice"}`,
	}
	for _, p := range cloudPatterns() {
		for _, kw := range p.Keywords {
			for _, l := range lines {
				hay, k := []byte(l), []byte(kw)
				if p.KeywordsFoldCase {
					hay, k = bytes.ToLower(hay), bytes.ToLower(k)
				}
				assert.False(t, bytes.Contains(hay, k), "%s: keyword %q in a plain log line", p.ID, kw)
			}
		}
	}
}
