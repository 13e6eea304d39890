package detect

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

// fieldSecret returns a password-shaped value of n bytes (letters and
// digits, at least one of each), built at run time.
func fieldSecret(r *rand.Rand, n int) string {
	const letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[r.IntN(len(letters))]
	}
	b[r.IntN(n)] = byte('2' + r.IntN(8))
	return string(b)
}

func TestSecretName(t *testing.T) {
	d := defaultDetector()
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"password", true},
		{"PASSWORD", true},
		{"db.password", true},
		{"app.db.Password", true},
		{"dbPassword", true},
		{"DB_PASSWORD", true},
		{"db-passwd", true},
		{"pwd", true},
		{"passphrase", true},
		{"secret", true},
		{"client_secret", true},
		{"token", true},
		{"accessToken", true},
		{"refresh_token", true},
		{"api_key", true},
		{"apikey", true},
		{"apiKey", true},
		{"X-Api-Key", true},
		{"APIKey", true},
		{"XApiKey", true},
		{"access_key", true},
		{"private_key", true},
		{"signingKey", true},
		{"AUTHORIZATION", true},
		{"auth", true},
		{"cookie", true},
		{"Set-Cookie", true},
		{"credentials", true},
		{"session", true},
		{"jwt", true},
		{"password_value", true},
		{"token_b64", true},

		{"", false},
		{"user", false},
		{"msg", false},
		{"key", false},
		{"key_id", false},
		{"token_count", false},
		{"password_length", false},
		{"password_hash", false},
		{"passwordPolicy", false},
		{"session_id", false},
		{"access_token_expiry", false},
		{"private_key_path", false},
		{"public_key", false},
		{"csrf_token", false},
		{"next_token", false},
		{"pageToken", false},
		{"nonce", false},
		{"secret_name", false},
		{"token_type", false},
		{"auth_method", false},
		{"password.length", false},
		{"bypass", false},
		{"oauth", false},
		{"keyboard", false},
		{"monkey", false},
	} {
		assert.Equal(t, tc.want, d.SecretName(tc.name), "SecretName(%q)", tc.name)
	}
}

// TestSecretNameFollowsCatalog checks SecretName against the catalog's
// generic assignment rule: names the rule refuses as non-secrets (ids,
// lengths, paths, public keys) are refused by SecretName too, and names it
// accepts are accepted.
func TestSecretNameFollowsCatalog(t *testing.T) {
	d := defaultDetector()
	r := rand.New(rand.NewPCG(7, 8))
	value := fieldSecret(r, 32)
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"api_key", true},
		{"client_secret", true},
		{"access_token", true},
		{"auth_token", true},
		{"token_id", false},
		{"secret_name", false},
		{"token_type", false},
		{"api_key_hash", false},
		{"token_length", false},
		{"secret_path", false},
		{"token_count", false},
		{"key_version", false},
		{"public_key", false},
		{"next_token", false},
		{"csrf_token", false},
		{"idempotency_key", false},
		{"cache_key", false},
	} {
		text := tc.name + "=" + value
		inText := len(d.Scan([]byte(text))) > 0
		assert.Equal(t, tc.want, inText, "catalog on %q assigned a value", tc.name)
		assert.Equal(t, tc.want, d.SecretName(tc.name), "SecretName(%q)", tc.name)
	}
}

func TestAppendScanField(t *testing.T) {
	d := defaultDetector()
	r := rand.New(rand.NewPCG(9, 10))
	pw, long := fieldSecret(r, 12), fieldSecret(r, 24)
	for _, tc := range []struct {
		name, value string
		wantID      string // "" when nothing is found
	}{
		{"password", pw, "password-assignment"},
		{"db.password", pw, "password-assignment"},
		{"dbPassword", pw, "password-assignment"},
		{"token", pw, "password-assignment"},
		{"secret", pw + " " + pw, "password-assignment"},
		{"api_key", long, "generic-high-entropy-secret"},
		{"client_secret", long, "generic-high-entropy-secret"},
		{"AUTHORIZATION", pw, "password-assignment"},
		{"X-Api-Key", long, ""}, // any id: checked below
		{"user", pw, ""},
		{"msg", long, ""},
		{"token_count", pw, ""},
		{"password_length", pw, ""},
		{"key_id", long, ""},
		{"password", "", ""},
		{"password", "Ab3", ""},
		{"password", "********", ""},
		{"password", "${DB_PASSWORD}", ""},
		{"password", "<redacted>", ""},
		{"password", "changeme", ""},
		{"password", "true", ""},
		{"api_key", "{{ secrets.API_KEY }}", ""},
	} {
		value := []byte(tc.value)
		got := d.AppendScanField(nil, tc.name, value)
		if tc.name == "X-Api-Key" {
			require.Len(t, got, 1, "findings of a value named %q", tc.name)
		} else if tc.wantID == "" {
			assert.Empty(t, got, "findings of a value named %q", tc.name)
			continue
		} else {
			require.Len(t, got, 1, "findings of a value named %q", tc.name)
			assert.Equal(t, tc.wantID, got[0].PatternID, "pattern of the value named %q", tc.name)
		}
		assert.Equal(t, 0, got[0].Start, "start of the finding in the value named %q", tc.name)
		assert.Equal(t, len(value), got[0].End, "end of the finding in the value named %q", tc.name)
		red := d.RedactField(tc.name, tc.value)
		assert.False(t, strings.Contains(red, tc.value), "RedactField(%q, …) kept the value", tc.name)
	}
}

func TestAppendScanFieldKeepsOwnFindings(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(11, 12))
	tok := makeTok(r)
	value := []byte("id " + tok + " end")
	for _, name := range []string{"msg", "password"} {
		got := d.AppendScanField(nil, name, value)
		require.Len(t, got, 1, "findings in the value named %q", name)
		assert.Equal(t, "test-token", got[0].PatternID, "pattern in the value named %q", name)
		assert.Equal(t, 3, got[0].Start, "start in the value named %q", name)
	}
}

func TestFieldNamesOptions(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	pw := fieldSecret(r, 12)
	d, err := New(patterns.Default(), WithSecretNames("pin", "db.code", "SSN"), WithPublicNames("session", "Pass-Word"))
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"pin", true},
		{"PIN", true},
		{"user.pin", true},
		{"db.code", true},
		{"app.DB.code", true},
		{"code", false},
		{"cache.code", false},
		{"ssn", true},
		{"session", false},
		{"password", false},
		{"pass_word", false},
		{"passwd", true},
	} {
		assert.Equal(t, tc.want, d.SecretName(tc.name), "SecretName(%q)", tc.name)
		found := len(d.AppendScanField(nil, tc.name, []byte(pw))) > 0
		assert.Equal(t, tc.want, found, "finding in the value named %q", tc.name)
	}
}

func TestFieldNamesOptionErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	secret := fieldSecret(r, 12)
	for _, tc := range []struct {
		desc string
		opt  Option
	}{
		{"no names", WithSecretNames()},
		{"empty name", WithSecretNames("pin", "")},
		{"only separators", WithPublicNames("_-")},
		{"only dots", WithPublicNames("..")},
		{"empty group", WithSecretNames("db..pin")},
		{"too long", WithSecretNames(strings.Repeat(secret, 20))},
	} {
		_, err := New(nil, tc.opt)
		require.Error(t, err, tc.desc)
		assert.True(t, errors.Is(err, ErrInvalidOption), "%s: error wraps ErrInvalidOption", tc.desc)
		assert.False(t, strings.Contains(err.Error(), secret), "%s: error echoes the name", tc.desc)
	}
}

func TestSecretNameAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not stable under the race detector")
	}
	d, err := New(patterns.Default(), WithSecretNames("pin", "db.code"), WithPublicNames("session"))
	require.NoError(t, err)
	value := []byte("GET /api/v1/orders 200")
	dst := make([]Finding, 0, 4)
	for _, det := range []*Detector{defaultDetector(), d} {
		for _, name := range []string{"user", "db.path", "token_count", "a.b.c.d.e.session", "password"} {
			got := testing.AllocsPerRun(100, func() { det.SecretName(name) })
			assert.Equal(t, 0.0, got, "allocations of SecretName(%q)", name)
		}
		got := testing.AllocsPerRun(100, func() { dst = det.AppendScanField(dst[:0], "user", value) })
		assert.Equal(t, 0.0, got, "allocations of a clean field with a public name")
	}
}

// TestNameWordsBothWays checks that prevWord, which reads a name from its
// end, splits it into the same words as nextWord.
func TestNameWordsBothWays(t *testing.T) {
	for _, name := range []string{"", "_", "password", "dbPassword", "DB_PASSWORD", "X-Api-Key", "APIKey", "XApiKey",
		"a1B2c3", "key2Value", "HTTPServerURL", "__x__y__", "ÄpiKey", "snake_Case-mixedUP42x", "AB", "aB", "Ab"} {
		var fwd []string
		for i := 0; ; {
			var w string
			if w, i = nextWord(name, i); w == "" {
				break
			}
			fwd = append(fwd, w)
		}
		var back []string
		for end := len(name); ; {
			var w string
			if w, end = prevWord(name, end); w == "" {
				break
			}
			back = append([]string{w}, back...)
		}
		assert.Equal(t, fwd, back, "words of %q", name)
	}
}
