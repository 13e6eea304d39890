package patterns_test

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pathToken returns a string of n characters of alphabet from r.
func pathToken(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// pathB64 returns the standard base64 of the first text make builds whose
// encoding holds no '/' or '+' (a token that fits a URL path segment).
func pathB64(t *testing.T, make func() string) string {
	t.Helper()
	for range 1000 {
		if e := base64.StdEncoding.EncodeToString([]byte(make())); !strings.ContainsAny(e, "/+=") {
			return e
		}
	}
	require.FailNow(t, "no base64 without '/', '+' and '=' in 1000 tries")
	return ""
}

// TestURLPathSegment checks tokens of base64 alphabets written as a URL
// path segment: the token ends at the '/' that starts the next segment,
// and Redact keeps that segment. Near misses must give no finding of the
// pattern. Tokens are built at run time; messages name the case only.
func TestURLPathSegment(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(19, 14))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	whsec := "whsec_" + pathToken(r, alnum, 32)
	ref := pathB64(t, func() string { return "reftkn:01:2718281828:" + pathToken(r, alnum, 27) })
	bedrock := "bedrock-api-key-" + pathB64(t, func() string {
		return "bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Credential=" + pathToken(r, alnum, 40) + "&Version=1"
	})
	require.True(t, strings.HasPrefix(ref, "cmVmdGtu"), "reference token prefix")
	hits := []struct{ name, id, text, secret string }{
		{"stripe webhook secret, next segment", "stripe-webhook-secret", "GET /hooks/{T}/verify HTTP/1.1\n", whsec},
		{"stripe webhook secret, query", "stripe-webhook-secret", "GET /hooks/{T}?x=1\n", whsec},
		{"stripe webhook secret, last segment", "stripe-webhook-secret", "path=/run/secrets/{T}", whsec},
		{"stripe webhook secret, slash inside", "stripe-webhook-secret", "STRIPE_WEBHOOK_SECRET={T}\n", whsec[:20] + "/" + whsec[20:]},
		{"artifactory reference token, next segment", "artifactory-token", "GET /api/tokens/{T}/status\n", ref},
		{"artifactory reference token, after a path", "artifactory-token", "curl https://acme.test/artifactory/{T}/x\n", ref},
		{"bedrock key, next segment", "aws-bedrock-api-key", "POST /keys/{T}/rotate HTTP/1.1\n", bedrock},
		{"bedrock key, alone", "aws-bedrock-api-key", "AWS_BEARER_TOKEN_BEDROCK={T}\n", bedrock},
	}
	for _, c := range hits {
		text := strings.Replace(c.text, "{T}", c.secret, 1)
		s := strings.Index(text, c.secret)
		found := false
		for _, f := range d.Scan([]byte(text)) {
			found = found || f.PatternID == c.id && f.Start == s && f.End == s+len(c.secret)
		}
		assert.True(t, found, "%s: no %s finding with the token's span", c.name, c.id)
		red := d.RedactString(text)
		assert.False(t, strings.Contains(red, c.secret), "%s: the token survives Redact", c.name)
		assert.True(t, strings.HasSuffix(red, text[s+len(c.secret):]), "%s: Redact does not keep the text after the token", c.name)
	}
	misses := []struct{ name, id, text string }{
		{"stripe webhook secret too short before the slash", "stripe-webhook-secret", "GET /hooks/" + whsec[:26] + "/verify\n"},
		{"reference token with a segment too short", "artifactory-token", "GET /api/" + ref[:40] + "/" + ref[40:60] + "/x\n"},
		{"reference token not a reftkn", "artifactory-token", "GET /api/cmVmdGtu" + pathToken(r, alnum, 56) + "/x\n"},
		{"ABSK after a slash, inside base64", "aws-bedrock-api-key", "data: " + pathToken(r, alnum, 40) + "/ABSK" + pathToken(r, alnum, 120) + "/" + pathToken(r, alnum, 8) + "\n"},
		{"bedrock key with a body not its host", "aws-bedrock-api-key", "GET /keys/bedrock-api-key-" + pathB64(t, func() string { return "example.test/?" + pathToken(r, alnum, 40) }) + "/x\n"},
	}
	for _, c := range misses {
		for _, f := range d.Scan([]byte(c.text)) {
			assert.NotEqual(t, c.id, f.PatternID, "%s: reported", c.name)
		}
	}
}
