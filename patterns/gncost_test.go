package patterns_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/internal/testlog"
	"github.com/leakward/leakward/patterns"
)

// gnCostIDs are the patterns of the generic and database groups.
var gnCostIDs = []string{
	"jwt", "pem-private-key", "openssh-private-key", "pgp-private-key", "putty-private-key",
	"password-assignment", "basic-auth-url", "authorization-basic-header", "authorization-bearer-header",
	"generic-high-entropy-secret", "kubernetes-secret-manifest",
	"postgres-uri", "mysql-uri", "mongodb-uri", "redis-uri", "amqp-uri", "jdbc-url-password",
	"sqlserver-connection-string", "planetscale-credential", "neon-api-key",
}

// gnCostInput is a named benchmark input of about size bytes.
type gnCostInput struct {
	name string
	make func(size int) []byte
}

func gnRepeat(s string) func(int) []byte {
	return func(size int) []byte { return []byte(strings.Repeat(s, size/len(s)+1)[:size]) }
}

// gnCostInputs are clean generated logs and texts dense with the group's
// keywords.
var gnCostInputs = []gnCostInput{
	{"clean", func(size int) []byte { return testlog.Generate(size, 1, 0, nil)[:size] }},
	{"password=", gnRepeat("password=")},
	{"pwd=;", gnRepeat("pwd=a;")},
	{"server=;", gnRepeat("Server=a;")},
	{"begin-key", gnRepeat("-----BEGIN PRIVATE KEY-----")},
	{"token=", gnRepeat("token=")},
	{"secret_key:", gnRepeat("secret_key: ")},
	{"key-runs", gnRepeat("secret_key_token_auth=")},
	{"basic", gnRepeat("Authorization: Basic ")},
	{"curl", gnRepeat("curl -s ")},
	{"jwt", gnRepeat("eyJhbGciOiJIUzI1NiJ9.eyJ")},
	{"https", gnRepeat("https://a:b")},
	{"bearer", gnRepeat("Bearer ")},
	{"kind-secret", gnRepeat("kind: Secret\n")},
}

// gnPatternByID returns the default pattern with the id.
func gnPatternByID(t testing.TB, id string) patterns.Pattern {
	for _, p := range patterns.Default() {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no pattern %s", id)
	return patterns.Pattern{}
}

// BenchmarkGroupPatternCost scans each input with a detector of one
// pattern of the group.
func BenchmarkGroupPatternCost(b *testing.B) {
	for _, id := range gnCostIDs {
		d, err := detect.New([]patterns.Pattern{gnPatternByID(b, id)})
		require.NoError(b, err)
		for _, in := range gnCostInputs {
			src := in.make(1 << 18)
			b.Run(id+"/"+in.name, func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				var dst []detect.Finding
				for b.Loop() {
					dst = d.AppendScan(dst[:0], src)
				}
			})
		}
	}
}
