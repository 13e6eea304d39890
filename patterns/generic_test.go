package patterns_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

const (
	gnJWTHS256 = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQ4MjEiLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MTc2NzIyNTYwMH0.W5uLi2hCWN3WCsSgFDpTtUgM7ujTDf8av8Haf2MFaok`
	gnECKey    = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIHzBXSH8aiyJXfvhmTZv16WbBOirp1WNXJaX9ahMwkCLoAoGCCqGSM49\nAwEHoUQDQgAEPSkq8zQv4FhXTUPbIOoF45I41fR0FHQ50mPw+taBk6+xaSMxWap8\nLetEccSzr6oSFQIxWOQfp3gnO2O3Y3/HAg==\n-----END EC PRIVATE KEY-----"
	gnPGPData  = "xXgEQXWOrxQNKfS4nYQm6uHs9hKK/jHAPVHFtjk77LUQT3Zs3HXY2G98n6qvg8f2\nwdFSdfMI+fqHeOY3O/31WEjEGueIYjJ6XAejPJo9FixaOhdcbal7DBUQtEyh5n1l\nLO/5Z2bcNI9GShlmqoNB4K9O74VAsdHCWdHNHUNJIFNpZ25pbmcgPGNpQGJ1aWxk\nLmludmFsaWQ+\n=C37r"
	gnPPK      = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20250114\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIFKwnTXGbL+9GB+B6SPsoTU5YT7Zvd4kiFV9l5+Q\nydxi\nPrivate-Lines: 1\nAAAAIFWm6gOMro4KsBYctM7w+FWpKoZtBT9K1vTkYN//PQDn\nPrivate-MAC: 8639ca4e92a7f6022e5ca0b8b1a4a7edae4ecf1e66c457e16bf6f3dd0ce42fe8"
	gnSSHEnc   = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABABA0z31J\nJ9X2HBSn7jp8GeAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIEc3MZbWw1daku6B\noaOGFY9abfZqssxEbVX1hgpLJqM2AAAAoNgTgoRnPfKx6Mz9O9h3YToqLdX/7E9Ovh/g+r\nB/tMtJXthO0jrLYjfMCCsq0KwOmxGvZjJHtHseXlBjbd5kIoPf4kawgzZR0eBlXHEu62ky\nnvrw3xeIuPCexyCy4vCNGUZr9q9Tw4ePMzyQjqNwYXjy4BjF3o2u4+ZdZ/pDcit/USE5bf\n4ZD/rnMX9pzvd00e29AEduAqoTxuydQLebFeY=\n-----END OPENSSH PRIVATE KEY-----"
)

func TestGenericSpans(t *testing.T) {
	escapedEC := strings.ReplaceAll(gnECKey, "\n", `\n`)
	gnCheckSpans(t, []gnSpanCase{
		{"jwt", `Authorization: Bearer ` + gnJWTHS256 + `"`, gnJWTHS256},
		{"pem-private-key", "key:\n" + gnECKey + "\n", gnECKey},
		{"pem-private-key", `{"private_key":"` + escapedEC + `\n"}`, escapedEC},
		{"openssh-private-key", "x\n" + gnSSHEnc + "\n", gnSSHEnc},
		{"pgp-private-key", "-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: ci@example.com\n\n" + gnPGPData + "\n-----END PGP PRIVATE KEY BLOCK-----\n", gnPGPData},
		{"pgp-private-key", "gpg:\n  key: |\n    -----BEGIN PGP PRIVATE KEY BLOCK-----\n    Comment: ci\n    \n    " + strings.ReplaceAll(gnPGPData, "\n", "\n    ") + "\n    -----END PGP PRIVATE KEY BLOCK-----\n  other: 1\n", strings.ReplaceAll(gnPGPData, "\n", "\n    ")},
		{"putty-private-key", "ppk: |\n    " + strings.ReplaceAll(gnPPK, "\n", "\n    ") + "\nnext: 1\n", strings.ReplaceAll(gnPPK, "\n", "\n    ")},
		{"password-assignment", `DB_PASSWORD=Tq7wLz2VbK9x`, "Tq7wLz2VbK9x"},
		{"password-assignment", `"password": "Vb8#kQ2z Lp7w"`, "Vb8#kQ2z Lp7w"},
		{"password-assignment", `{\"password\":\"Wq92LmZpX7vB\"}`, "Wq92LmZpX7vB"},
		{"password-assignment", `login?user=ana&password=Zk81vPqW3m&next=/`, "Zk81vPqW3m"},
		{"password-assignment", `$db_pass = 'Lq8#Zx2mPv7';`, "Lq8#Zx2mPv7"},
		{"password-assignment", `smtpPass: "R7xmK2pQz9"`, "R7xmK2pQz9"},
		{"password-assignment", `mysqldump -h db -uroot -pXk8vQ2mLp9 shop > shop.sql`, "Xk8vQ2mLp9"},
		{"password-assignment", `ConvertTo-SecureString -AsPlainText -Force -String 'Mz4!tR9vZ2q'`, "Mz4!tR9vZ2q"},
		{"password-assignment", `terraform login --token=Zk81vPqW3mRt9xLq`, "Zk81vPqW3mRt9xLq"},
		{"basic-auth-url", `https://x-access-token:Zk81vPqW3mRt9xLq2w@github.com/acme/infra.git`, "Zk81vPqW3mRt9xLq2w"},
		{"basic-auth-url", `http://svc:Lp93%40xQv7@proxy:3128`, "Lp93%40xQv7"},
		{"basic-auth-url", `pip install git+https://ci:Zq7mT2xLp9Vb@git.internal.invalid/org/lib.git`, "Zq7mT2xLp9Vb"},
		{"basic-auth-url", `svn co svn+ssh://deploy:Wq92LmZpX7vB@svn.internal.invalid/repo`, "Wq92LmZpX7vB"},
		{"basic-auth-url", `https://u7Kq2ZpW9xLm4vB8nR3tYc6@gitlab.internal.invalid/g/r.git`, "u7Kq2ZpW9xLm4vB8nR3tYc6"},
		{"authorization-basic-header", `Authorization: Basic YnVpbGQtYm90OlRxN3dMejJWYks5eA==`, "YnVpbGQtYm90OlRxN3dMejJWYks5eA=="},
		{"authorization-basic-header", `curl -fsS --user "deploy:Vb8kQ2zLp7wX" https://a.internal.invalid`, "Vb8kQ2zLp7wX"},
		{"authorization-basic-header", `out=$(curl -s -u deploy:Vb8kQ2zLp7wX)`, "Vb8kQ2zLp7wX"},
		{"authorization-basic-header", `steps: [curl -u deploy:Vb8kQ2zLp7wX]`, "Vb8kQ2zLp7wX"},
		{"authorization-basic-header", `<cmd>curl -u deploy:Vb8kQ2zLp7wX</cmd>`, "Vb8kQ2zLp7wX"},
		{"authorization-basic-header", `run("curl -u deploy:Vb8k(Q2)zLp7wX")`, "Vb8k(Q2)zLp7wX"},
		{"authorization-basic-header", "curl\t-u deploy:Vb8kQ2zLp7wX https://a.internal.invalid", "Vb8kQ2zLp7wX"},
		{"authorization-bearer-header", `-H 'Authorization: Bearer u7Kq2ZpW9xLm4vB8nR3tYc6D'`, "u7Kq2ZpW9xLm4vB8nR3tYc6D"},
		{"authorization-bearer-header", `x-auth-token: 8fK2qLz9Xw4mRb7TnV3pYc1H`, "8fK2qLz9Xw4mRb7TnV3pYc1H"},
		{"authorization-bearer-header", `Proxy-Authorization: Bearer u7Kq2ZpW9xLm4vB8nR3tYc6D`, "u7Kq2ZpW9xLm4vB8nR3tYc6D"},
		{"authorization-bearer-header", `{"log":"GET /\nAuthorization: Token 8fK2qLz9Xw4mRb7TnV3pYc1H\n"}`, "8fK2qLz9Xw4mRb7TnV3pYc1H"},
		{"generic-high-entropy-secret", `JWT_SECRET="H8HQzAjGsgjbHZjjGGTnlflZ"`, "H8HQzAjGsgjbHZjjGGTnlflZ"},
		{"generic-high-entropy-secret", `client_secret=zl0gacLteAsUpE3lNhhsVp7O&grant_type=client_credentials`, "zl0gacLteAsUpE3lNhhsVp7O"},
		{"generic-high-entropy-secret", "env:\n- name: SESSION_SECRET\n  value: \"q8Zt3LmW9xVb2KpR7nYc\"\n", "q8Zt3LmW9xVb2KpR7nYc"},
		{"generic-high-entropy-secret", "env:\n  - name: PARTNER_API_KEY\n    value: Vd7KSCLk2yYojAbJ5HUxvu4V\n", "Vd7KSCLk2yYojAbJ5HUxvu4V"},
		{"generic-high-entropy-secret", `[{"name":"PARTNER_API_KEY","value":"Vd7KSCLk2yYojAbJ5HUxvu4V"}]`, "Vd7KSCLk2yYojAbJ5HUxvu4V"},
		{"generic-high-entropy-secret", `<apiSecret>p7RkQ2vX9LmZt4WbN8sJ</apiSecret>`, "p7RkQ2vX9LmZt4WbN8sJ"},
		{"generic-high-entropy-secret", `<add><ApiKey>p7RkQ2vX9LmZt4WbN8sJ</ApiKey></add>`, "p7RkQ2vX9LmZt4WbN8sJ"},
		{"generic-high-entropy-secret", `settings.secret_key   =   'u5DcwDRKK4PPiJyTIco5HF5K'`, "u5DcwDRKK4PPiJyTIco5HF5K"},
		// A SigV4 credential: the value is the key id, not its scope.
		{"generic-high-entropy-secret", "Credential=GOOG1EX7Q2LMZ9WPTK4RV8NB3C/20260301/us-east-1/s3/aws4_request, SignedHeaders=host", "GOOG1EX7Q2LMZ9WPTK4RV8NB3C"},
		{"generic-high-entropy-secret", `{"credential": "GOOG1EX7Q2LMZ9WPTK4RV8NB3C/20260301/auto/s3/aws4_request"}`, "GOOG1EX7Q2LMZ9WPTK4RV8NB3C"},
		{"kubernetes-secret-manifest",
			"kind: Secret\nmetadata:\n  name: db\ndata:\n  username: b3JkZXJzX2FwcA==\n  password: VHE3d0x6MlZiSzl4\ntype: Opaque\n",
			"b3JkZXJzX2FwcA==\n  password: VHE3d0x6MlZiSzl4"},
		// Indented (a list item, a block scalar): the data block ends at
		// the enclosing map's next key.
		{"kubernetes-secret-manifest",
			"items:\n- kind: Secret\n  data:\n    username: b3JkZXJzX2FwcA==\n    password: VHE3d0x6MlZiSzl4\n  type: Opaque\n",
			"b3JkZXJzX2FwcA==\n    password: VHE3d0x6MlZiSzl4"},
		{"kubernetes-secret-manifest",
			"manifest: |\n  data:\n    api-token: dTdLcTJacFc5eExtNHZCOG5SM3RZYzY=\n  kind: Secret\nport: 8080\n",
			"dTdLcTJacFc5eExtNHZCOG5SM3RZYzY="},
	})
}

// TestGenericMeta checks the facts validators decode, through the engine.
func TestGenericMeta(t *testing.T) {
	d, err := gnDetector()
	require.NoError(t, err)
	tests := []struct {
		name      string
		text      string
		id        string
		exp, iat  int64
		encrypted bool
	}{
		{"jwt claims", "token=" + gnJWTHS256, "jwt", 1767225600, 1735689600, false},
		{"ec key", gnECKey, "pem-private-key", 0, 0, false},
		{"encrypted openssh", gnSSHEnc, "openssh-private-key", 0, 0, true},
	}
	for _, tt := range tests {
		fs := d.Scan([]byte(tt.text))
		require.Len(t, fs, 1, "findings in %s", tt.name)
		f := fs[0]
		assert.Equal(t, tt.id, f.PatternID, "pattern of %s", tt.name)
		assert.True(t, f.Validated, "validated %s", tt.name)
		assert.Equal(t, tt.exp, f.Meta.ExpiresAt, "ExpiresAt of %s", tt.name)
		assert.Equal(t, tt.iat, f.Meta.IssuedAt, "IssuedAt of %s", tt.name)
		assert.Equal(t, tt.encrypted, f.Meta.Encrypted, "Encrypted of %s", tt.name)
	}
}

// TestGenericKeywords checks the keyword rules of the group: at least 4
// bytes, and none of the bare words that flood logs.
func TestGenericKeywords(t *testing.T) {
	ids := map[string]bool{
		"postgres-uri": true, "mysql-uri": true, "mongodb-uri": true, "redis-uri": true, "amqp-uri": true,
		"jdbc-url-password": true, "sqlserver-connection-string": true, "planetscale-credential": true,
		"neon-api-key": true, "jwt": true, "pem-private-key": true, "openssh-private-key": true,
		"pgp-private-key": true, "putty-private-key": true, "password-assignment": true, "basic-auth-url": true,
		"authorization-basic-header": true, "authorization-bearer-header": true,
		"generic-high-entropy-secret": true, "kubernetes-secret-manifest": true,
	}
	banned := map[string]bool{"password": true, "pass": true, "pwd": true, "auth": true, "key": true, "://": true}
	n := 0
	for _, p := range patterns.Default() {
		if !ids[p.ID] {
			continue
		}
		n++
		for _, k := range p.Keywords {
			assert.GreaterOrEqual(t, len(k), 4, "keyword %q of %s", k, p.ID)
			assert.False(t, banned[strings.ToLower(k)], "keyword %q of %s floods logs", k, p.ID)
		}
		assert.LessOrEqual(t, p.MaxLen, 12288, "MaxLen of %s", p.ID)
	}
	assert.Equal(t, len(ids), n, "patterns of the group in Default")
}

// TestGenericHostile scans inputs built to make the group's regexes
// backtrack, or dense with their keywords, and checks that they finish in
// bounded time.
func TestGenericHostile(t *testing.T) {
	d, err := gnDetector()
	require.NoError(t, err)
	inputs := map[string]string{
		"password repeats": strings.Repeat("password=password:", 4000),
		"pass quotes":      strings.Repeat(`pass="'`, 6000),
		"key runs":         strings.Repeat("secret_key_token_auth=", 3000),
		"userinfo":         "https://" + strings.Repeat("a:b@", 5000),
		"userinfo colons":  "postgres://" + strings.Repeat(":", 20000),
		"jwt segments":     strings.Repeat("eyJhbGciOiJIUzI1NiJ9.eyJ", 2000),
		"pem no end":       "-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("QUJD\n", 6000),
		"pgp no end":       "-----BEGIN PGP PRIVATE KEY BLOCK-----\n" + strings.Repeat("x", 40000),
		"putty no mac":     "PuTTY-User-Key-File-3: ssh-ed25519\n" + strings.Repeat("Public-Lines: 1\n", 3000),
		"k8s many lines":   "kind: Secret\n" + strings.Repeat("data:\n  a: QUJD\n", 3000),
		"sqlserver":        strings.Repeat("Server=a;", 3000) + "Password=x",
		"jdbc":             "jdbc:mysql:" + strings.Repeat("?&;:", 5000),
		"curl":             "curl " + strings.Repeat("-u a ", 5000),
		"bearer":           strings.Repeat("Authorization: Bearer ", 3000),
		"mysql":            "mysql " + strings.Repeat(" -x", 10000),
		"convertto":        strings.Repeat("ConvertTo-SecureString ", 3000),
		"redis azure":      "a.redis.cache.windows.net:6380" + strings.Repeat(",ab=cd", 5000),
		"basic":            strings.Repeat("Basic QUJDRA== ", 4000),
	}
	// Work is counted, not timed (detect.Stats.Work: weighted runes
	// searched), so the bound means the same on a busy machine: the
	// engine's work budget holds each input to a fixed multiple of its
	// length, and text past it is masked, never passed.
	for name, in := range inputs {
		before := d.Stats()
		d.Scan([]byte(in))
		after := d.Stats()
		work := after.Work - before.Work
		assert.LessOrEqual(t, work, uint64(hostileWorkMax(len(in))), "work of %s (%d bytes)", name, len(in))
		if n := after.Timeouts - before.Timeouts; n > 0 {
			// A timed-out search masks its region: check it did.
			assert.NotZero(t, after.Undecided-before.Undecided, "%s: %d timeouts left no undecided region", name, n)
		}
	}
}

// hostileWorkMax is the most work a scan of n bytes may spend: the
// allowance of the head of an input (searched however dense) and a
// multiple of the length past it.
func hostileWorkMax(n int) int { return 256*min(n, 64<<10) + 64*n }
