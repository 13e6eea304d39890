package detect

import (
	"bytes"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

// Tests of the redaction guarantee: every region the engine cannot decide
// is masked, and the limits that used to let secrets through do not.

// assertMasked fails when out still holds secret, or any 24-byte piece of
// it; the message names the case, never the secret.
func assertMasked(t *testing.T, name string, out []byte, secrets ...string) {
	t.Helper()
	for i, s := range secrets {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("%s: secret %d (%d bytes) is in the output", name, i, len(s))
			continue
		}
		for j := 0; j+24 <= len(s); j += 24 {
			if bytes.Contains(out, []byte(s[j:j+24])) {
				t.Errorf("%s: part of secret %d at %d is in the output", name, i, j)
				break
			}
		}
	}
}

// pkcs8PEM returns a PEM "PRIVATE KEY" block whose PKCS#8 structure holds
// a private key of n random bytes (the size of an RSA key's PKCS#1 form:
// about 1.2 KB for 2048 bits, 2.4 KB for 4096, 4.8 KB for 8192).
func pkcs8PEM(r *rand.Rand, n int) string {
	key := make([]byte, n)
	for i := range key {
		key[i] = byte(r.Uint32())
	}
	der, err := asn1.Marshal(struct {
		Version int
		Algo    struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue `asn1:"optional"`
		}
		PrivateKey []byte
	}{
		Algo: struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue `asn1:"optional"`
		}{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}, Parameters: asn1.NullRawValue},
		PrivateKey: key,
	})
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// TestLongBase64PrivateKey: a private key of up to 8192 bits, PEM in
// base64 on one line (a JSON value, a TLS Secret from kubectl -o json or
// YAML), is found and masked whole.
func TestLongBase64PrivateKey(t *testing.T) {
	d := defaultDetector()
	r := rand.New(rand.NewPCG(40, 96))
	for _, bits := range []int{2048, 4096, 8192} {
		key := pkcs8PEM(r, bits*5/8)
		b64 := base64.StdEncoding.EncodeToString([]byte(key))
		cert := base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
		for _, tc := range []struct{ name, src string }{
			{"json value", `{"level":"info","tls_key":"` + b64 + `","msg":"loaded"}`},
			{"kubectl json", `{"apiVersion":"v1","data":{"tls.crt":"` + cert + `","tls.key":"` + b64 + `"},"kind":"Secret","metadata":{"name":"web-tls"},"type":"kubernetes.io/tls"}`},
			{"yaml", "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: " + cert + "\n  tls.key: " + b64 + "\n"},
			{"env", "TLS_KEY_B64=" + b64 + "\n"},
		} {
			name := fmt.Sprintf("RSA-%d %s", bits, tc.name)
			out := d.Redact(nil, []byte(tc.src))
			assertMasked(t, name, out, b64)
		}
	}
}

// TestManySecretsThenManifest: past hundreds of findings in one scan, the
// values of a Secret manifest are still all masked (the overlap
// resolution has no cut-off).
func TestManySecretsThenManifest(t *testing.T) {
	d := defaultDetector()
	r := rand.New(rand.NewPCG(5, 12))
	for _, n := range []int{10, 511, 600, 2000} {
		var b strings.Builder
		var secrets []string
		for range n {
			tok := ghToken(r, "ghp_", false)
			secrets = append(secrets, tok)
			b.WriteString("token=" + tok + "\n")
		}
		// The first value is a provider's token: the manifest's finding
		// is cut around it, and the second value must stay masked.
		p1 := base64.StdEncoding.EncodeToString([]byte(ghToken(r, "ghp_", false)))
		p2 := base64.StdEncoding.EncodeToString([]byte("Zx3" + hRand(r, hAlnum, 21)))
		b.WriteString("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: " + p1 + "\n  config: " + p2 + "\n")
		out := d.Redact(nil, []byte(b.String()))
		assertMasked(t, fmt.Sprintf("%d tokens then a manifest", n), out, append(secrets, p1, p2)...)
	}
}

// TestResolveKeepsCoverage: resolution of overlapping findings never
// leaves a byte of any finding unmasked, whatever their order and
// nesting (checked against the union of the spans).
func TestResolveKeepsCoverage(t *testing.T) {
	d := defaultDetector()
	ids := d.PatternIDs()
	r := rand.New(rand.NewPCG(3, 4))
	for iter := range 2000 {
		n := 1 + r.IntN(40)
		var found []Finding
		covered := make([]bool, 400)
		for range n {
			s := r.IntN(380)
			e := s + 1 + r.IntN(min(60, 400-s))
			f := Finding{PatternID: ids[r.IntN(len(ids))], Start: s, End: e, Validated: r.IntN(3) == 0}
			if r.IntN(8) == 0 {
				f = Finding{PatternID: UndecidedID, Start: s, End: e, Undecided: ReasonTimeout}
			}
			if c := d.compiledByID(f.PatternID); c != nil {
				f.pat = c.idx + 1
			}
			found = append(found, f)
			for i := s; i < e; i++ {
				covered[i] = true
			}
		}
		st := new(state)
		out := d.resolve(st, nil, found)
		got := make([]bool, 400)
		for i, f := range out {
			require.Less(t, f.Start, f.End, "iteration %d: empty finding", iter)
			if i > 0 {
				require.LessOrEqual(t, out[i-1].End, f.Start, "iteration %d: findings overlap or are out of order", iter)
			}
			for j := f.Start; j < f.End; j++ {
				got[j] = true
			}
		}
		require.Equal(t, covered, got, "iteration %d: covered bytes differ", iter)
	}
}

// TestTimeoutsUnderLoadFailClosed: many more goroutines than cores redact
// lines holding secrets and no output holds one. With a pattern whose
// search always times out (catastrophic backtracking, 1 ms bound), the
// secret next to its keyword is masked as undecided; with the default
// catalog and timeout, every secret is masked whether or not a search is
// preempted past its deadline.
func TestTimeoutsUnderLoadFailClosed(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 1))
	tok := ghToken(r, "ghp_", false)
	pass := "Vq8" + hRand(r, hAlnum, 13)
	aws := "wJalr" + hRand(r, hB64, 35)
	line := []byte(`{"ts":"2026-12-07T10:00:00Z","level":"error","msg":"login failed","password":"` + pass +
		`","auth":"token ` + tok + `","aws_secret_access_key":"` + aws + `","user":"svc-deploy"}`)
	hidden := hRand(r, hUpper, 40)
	slow := []byte("session key=" + hidden + strings.Repeat("a", 3000) + " end")
	hostile := patterns.Pattern{
		ID: "slow-key", Provider: "Test", Grants: patterns.PrivScoped,
		Keywords: []string{"key="}, Regex: `key=[A-Z0-9]{40}(a+)+b`, MaxLen: 4096,
	}
	slowD, err := New([]patterns.Pattern{hostile}, WithMatchTimeout(time.Millisecond))
	require.NoError(t, err)
	defD := defaultDetector()
	for _, tc := range []struct {
		name    string
		d       *Detector
		src     []byte
		secrets []string
	}{
		{"timed-out search", slowD, slow, []string{hidden}},
		{"default catalog", defD, line, []string{tok, pass, aws}},
	} {
		before := tc.d.Stats()
		goroutines, rounds := 64, 20
		if testing.Short() || tc.d == slowD {
			goroutines, rounds = 8, 1
		}
		var wg sync.WaitGroup
		var leaks atomic.Int64
		for range goroutines {
			wg.Go(func() {
				var out []byte
				for range rounds {
					out = tc.d.Redact(out[:0], tc.src)
					for _, s := range tc.secrets {
						if bytes.Contains(out, []byte(s)) {
							leaks.Add(1)
						}
					}
				}
			})
		}
		wg.Wait()
		assert.Zero(t, leaks.Load(), "%s: outputs holding a secret", tc.name)
		st := tc.d.Stats()
		if tc.d == slowD {
			assert.EqualValues(t, goroutines*rounds, st.Timeouts-before.Timeouts, "%s: every search times out", tc.name)
		}
		assert.GreaterOrEqual(t, st.Undecided-before.Undecided, st.Timeouts-before.Timeouts, "%s: each timeout leaves an undecided region", tc.name)
	}
}

// TestWrappedBase64EveryBreak: a text holding a secret, base64-encoded and
// wrapped at 64 and 76 columns (base64 -w 64, -w 76), with the secret
// moved one byte at a time so that a line break falls at every position
// of the encoded keyword and secret: the secret's encoded bytes are
// masked in every placement.
func TestWrappedBase64EveryBreak(t *testing.T) {
	d := defaultDetector()
	r := rand.New(rand.NewPCG(64, 76))
	tok := ghToken(r, "ghp_", false)
	pass := "Tq7" + hRand(r, hAlnum, 15)
	aws := hRand(r, hB64, 40)
	for _, width := range []int{64, 76} {
		for _, tc := range []struct{ name, text, secret string }{
			{"github token", "deploy token " + tok + " for ci\n", tok},
			{"password", "db_password=" + pass + "\n", pass},
			{"aws secret", "aws_secret_access_key = " + aws + "\n", aws},
		} {
			for shift := range width {
				plain := "# settings\n" + strings.Repeat("x", shift) + "\n" + tc.text + "# end of file, some closing words to fill a line or two\n"
				enc := base64.StdEncoding.EncodeToString([]byte(plain))
				var wrapped strings.Builder
				wrapped.WriteString("-- attachment --\n")
				for i := 0; i < len(enc); i += width {
					wrapped.WriteString(enc[i:min(len(enc), i+width)])
					wrapped.WriteByte('\n')
				}
				out := d.Redact(nil, []byte(wrapped.String()))
				// The encoded characters that only the secret's bytes
				// determine, line by line.
				s := strings.Index(plain, tc.secret)
				lo, hi := (s+2)/3*4, (s+len(tc.secret))/3*4
				for a := lo; a < hi; {
					b := min(hi, (a/width+1)*width)
					if b-a >= 8 && bytes.Contains(out, []byte(enc[a:b])) {
						t.Errorf("width %d, %s, shift %d: encoded secret bytes [%d:%d] are in the output", width, tc.name, shift, a, b)
						break
					}
					a = b
				}
			}
		}
	}
}

// TestTextAfterSecret: text that runs on after a secret (more words
// after a mnemonic, a list after a token, parameters after a URL) does
// not hide it: the valid prefix is reported, and a value longer than its
// pattern allows is masked to its end.
func TestTextAfterSecret(t *testing.T) {
	d := defaultDetector()
	r := rand.New(rand.NewPCG(17, 71))
	p, ok := patterns.ByID("bip39-mnemonic")
	require.True(t, ok)
	long := hRand(r, hAlnum, 200)
	pass := "Vq8" + hRand(r, hAlnum, 13)
	for i, ex := range p.Examples {
		fs := d.Scan([]byte(ex))
		require.Len(t, fs, 1, "mnemonic example %d", i)
		words := ex[fs[0].Start:fs[0].End]
		for _, after := range []string{" and then a few more words", " about above", ", then more"} {
			src := ex[:fs[0].End] + after + ex[fs[0].End:]
			assertMasked(t, fmt.Sprintf("mnemonic example %d followed by %q", i, after), d.Redact(nil, []byte(src)), words)
		}
		for _, before := range []string{"the new words ", "keep these safe: ", "abandon ability "} {
			src := ex[:fs[0].Start] + before + ex[fs[0].Start:]
			assertMasked(t, fmt.Sprintf("mnemonic example %d after %q", i, before), d.Redact(nil, []byte(src)), words)
		}
	}
	for _, tc := range []struct{ name, src string }{
		{"cli token then list", "deploy --token " + pass + ",k=" + long},
		{"url then long parameter", "https://user:" + pass + "@cache.internal:6379&APP_TOKEN=" + long},
		{"redis url then long parameter", "redis://user:" + pass + "@cache.internal:6379&APP_TOKEN=" + long},
		{"long assigned value", "export API_TOKEN=" + long + "\n"},
	} {
		assertMasked(t, tc.name, d.Redact(nil, []byte(tc.src)), pass[:12], long)
	}
	// An unquoted password holding punctuation a value can stop at is
	// masked to its end; the next field of a connection string is not.
	tail := "x9Kd" + hRand(r, hAlnum, 16)
	for _, stop := range []string{"&", ";", ",", "(", "<", "}"} {
		src := "login failed password=" + pass + stop + tail + " user=ops\n"
		assertMasked(t, "password holding "+stop, d.Redact(nil, []byte(src)), pass, tail)
	}
	for _, src := range []string{
		"Server=db;Password=" + pass + ";Encrypt=True;\n",
		"<settings><password>" + pass + "</password></settings>\n",
		"https://svc/login?password=" + pass + "&next=/home\n",
	} {
		out := string(d.Redact(nil, []byte(src)))
		assert.NotContains(t, out, pass, "the password is masked")
		for _, keep := range []string{";Encrypt=True;", "</password></settings>", "&next=/home"} {
			if strings.Contains(src, keep) {
				assert.Contains(t, out, keep, "the next field after the password is kept")
			}
		}
	}
}
