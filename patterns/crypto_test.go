package patterns_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// cryptoIDs are the patterns defined in crypto.go.
var cryptoIDs = []string{
	"ethereum-private-key", "bip39-mnemonic", "bitcoin-wif-private-key",
	"bip32-extended-private-key", "solana-private-key", "nostr-nsec",
	"ethereum-keystore-json", "monero-mnemonic", "exchange-api-secret",
	"age-secret-key",
}

// cryptoPreview shows the first 4 bytes and the length of a secret-bearing
// text, never all of it.
func cryptoPreview(s string) string {
	return fmt.Sprintf("%.4q…(%d bytes)", s, len(s))
}

// cryptoKeywordSpans returns the byte spans of p's keywords in text.
func cryptoKeywordSpans(p patterns.Pattern, text string) [][2]int {
	hay := text
	if p.KeywordsFoldCase {
		hay = strings.ToLower(text)
	}
	var out [][2]int
	for _, kw := range p.Keywords {
		k := kw
		if p.KeywordsFoldCase {
			k = strings.ToLower(kw)
		}
		for i := 0; ; {
			j := strings.Index(hay[i:], k)
			if j < 0 {
				break
			}
			out = append(out, [2]int{i + j, i + j + len(k)})
			i += j + 1
		}
	}
	return out
}

// cryptoFindSecrets emulates the engine on a short text: every regex match that
// contains a keyword occurrence and whose secret passes the validator and
// the entropy floor yields its secret's byte span.
func cryptoFindSecrets(t *testing.T, p patterns.Pattern, text string) [][2]int {
	t.Helper()
	re, err := regexp2.Compile(p.Regex, regexp2.None)
	require.NoError(t, err, "pattern %s: regex does not compile", p.ID)
	re.MatchTimeout = time.Second
	spans := cryptoKeywordSpans(p, text)
	var found [][2]int
	m, err := re.FindStringMatch(text)
	for ; err == nil && m != nil; m, err = re.FindNextMatch(m) {
		ms, ml := m.ByteRange()
		contains := false
		for _, s := range spans {
			if s[0] >= ms && s[1] <= ms+ml {
				contains = true
				break
			}
		}
		if !contains {
			continue
		}
		ss, sl := ms, ml
		if g := m.GroupByName("secret"); g != nil && len(g.Captures) > 0 {
			ss, sl = g.ByteRange()
		}
		secret := []byte(text[ss : ss+sl])
		if p.Validate != nil {
			var meta patterns.Meta
			if !p.Validate(secret, &meta) {
				continue
			}
		}
		if p.MinEntropy > 0 && patterns.Entropy(secret) < p.MinEntropy {
			continue
		}
		found = append(found, [2]int{ss, ss + sl})
	}
	require.NoError(t, err, "pattern %s: regex error", p.ID)
	return found
}

func TestCryptoPatternsShape(t *testing.T) {
	for _, id := range cryptoIDs {
		p, ok := patterns.ByID(id)
		require.True(t, ok, "pattern %s is not in the catalog", id)
		assert.NotEmpty(t, p.Provider, "pattern %s: provider", id)
		assert.NotEmpty(t, p.Description, "pattern %s: description", id)
		assert.GreaterOrEqual(t, len(p.Examples), 2, "pattern %s: examples", id)
		assert.GreaterOrEqual(t, len(p.NonExamples), 2, "pattern %s: non-examples", id)
		assert.NotEmpty(t, p.Keywords, "pattern %s: keywords", id)
		for _, kw := range p.Keywords {
			assert.GreaterOrEqual(t, len(kw), 3, "pattern %s: keyword %q too short", id, kw)
		}
		re, err := regexp2.Compile(p.Regex, regexp2.None)
		require.NoError(t, err, "pattern %s: regex", id)
		assert.NotEqual(t, -1, re.GroupNumberFromName("secret"), "pattern %s: no secret group", id)
	}
}

// TestCryptoExamples runs the vectors through the regex, keyword and
// validator directly, without the engine.
func TestCryptoExamples(t *testing.T) {
	for _, id := range cryptoIDs {
		p, ok := patterns.ByID(id)
		require.True(t, ok, "pattern %s is not in the catalog", id)
		t.Run(id, func(t *testing.T) {
			for i, ex := range p.Examples {
				got := cryptoFindSecrets(t, p, ex)
				assert.NotEmpty(t, got, "example %d %s: no finding", i, cryptoPreview(ex))
				for _, sp := range got {
					// The secret never includes the surrounding quotes or spaces.
					s := ex[sp[0]:sp[1]]
					assert.Equal(t, strings.TrimSpace(strings.Trim(s, `"'`)), s,
						"example %d %s: secret span has padding", i, cryptoPreview(ex))
				}
			}
			for i, ex := range p.NonExamples {
				got := cryptoFindSecrets(t, p, ex)
				assert.Empty(t, got, "non-example %d %s: unexpected finding", i, cryptoPreview(ex))
			}
		})
	}
}

// TestCryptoSecretSpans checks that the secret is exactly the value.
func TestCryptoSecretSpans(t *testing.T) {
	tests := []struct {
		id   string
		text string
		want string
	}{
		{"ethereum-private-key", "DEPLOYER_PRIVATE_KEY=0xd5cdfe700a7af02d9a514228bd34ad0c63621fdde9be7e9249fdcb9edfbd6907",
			"d5cdfe700a7af02d9a514228bd34ad0c63621fdde9be7e9249fdcb9edfbd6907"},
		{"bip39-mnemonic", `{"mnemonic": "home else rocket scatter click tuition gather uphold gorilla text minimum traffic", "n": 1}`,
			"home else rocket scatter click tuition gather uphold gorilla text minimum traffic"},
		{"bitcoin-wif-private-key", "$ bitcoin-cli -testnet dumpprivkey mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef\n91uVfef4155v7bMxfFDPkcRb4cjb3mRNC1NickxqcXm7cNz2xvo\n",
			"91uVfef4155v7bMxfFDPkcRb4cjb3mRNC1NickxqcXm7cNz2xvo"},
		{"monero-mnemonic", "XMR_WALLET_SEED: aplomb dewdrop dwindling building duke adrenalin adjust eagle adept degrees cobra akin cuddled acoustic ascend aglow cedar drowning daily ankle aggravate auctions apply alchemy degrees\n",
			"aplomb dewdrop dwindling building duke adrenalin adjust eagle adept degrees cobra akin cuddled acoustic ascend aglow cedar drowning daily ankle aggravate auctions apply alchemy degrees"},
		{"exchange-api-secret", "BINANCE_API_SECRET='DhU4XgaOzyx7J3SdoVwgP4FmErxTM1cHho4PAAANvkYfQv9NomBbjl2y4y5qtO2o'",
			"DhU4XgaOzyx7J3SdoVwgP4FmErxTM1cHho4PAAANvkYfQv9NomBbjl2y4y5qtO2o"},
	}
	for _, tt := range tests {
		p, ok := patterns.ByID(tt.id)
		require.True(t, ok, tt.id)
		got := cryptoFindSecrets(t, p, tt.text)
		require.Len(t, got, 1, "%s in %s", tt.id, cryptoPreview(tt.text))
		assert.True(t, tt.text[got[0][0]:got[0][1]] == tt.want,
			"%s in %s: secret span [%d,%d) is not the value", tt.id, cryptoPreview(tt.text), got[0][0], got[0][1])
	}
}

// TestCryptoRegexTimeBounded runs each regex through the engine over
// hostile input near its keywords and checks the work it costs (counted,
// not timed) stays within the bound every hostile input meets.
func TestCryptoRegexTimeBounded(t *testing.T) {
	for _, id := range cryptoIDs {
		p, _ := patterns.ByID(id)
		d, err := detect.New([]patterns.Pattern{p})
		require.NoError(t, err, id)
		var b bytes.Buffer
		for b.Len() < 4*p.MaxLen {
			b.WriteString(p.Keywords[0])
			b.WriteString(`: "abandon ability able about above absent absorb abstract [1,2,3, {"a":{"b":`)
			b.WriteString(strings.Repeat("1", 50))
		}
		d.Scan(b.Bytes())
		st := d.Stats()
		assert.LessOrEqual(t, st.Work, uint64(hostileWorkMax(b.Len())), "pattern %s: work", id)
		assert.Zero(t, st.Timeouts, "pattern %s: regex searches timed out", id)
	}
}
