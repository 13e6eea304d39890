package patterns

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gnPreview names a secret in a failure message without printing it.
func gnPreview(s string) string {
	if len(s) < 12 {
		return fmt.Sprintf("…(%d)", len(s))
	}
	return fmt.Sprintf("%s…(%d)", s[:4], len(s))
}

func TestIsPlaceholderSecret(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"password", true}, {"PASSWORD", true}, {"pass", true}, {"changeme", true},
		{"${DB_PASSWORD}", true}, {"$DB_PASSWORD", true}, {"$env:DB_PASS", true},
		{"****", true}, {"********", true}, {"xxxxxxxx", true}, {"•••••", true},
		{"<password>", true}, {"[REDACTED]", true}, {"{{ secrets.X }}", true},
		{"%s", true}, {"%(pw)s", true}, {"%DB_PASSWORD%", true}, {"__PASSWORD__", true},
		{"process.env.DB_PASSWORD", true}, {`os.environ["X"]`, true}, {"null", true},
		{"none", true}, {"", true}, {"<redacted>", true}, {"ab***cd", true}, {"mypassword1", true},
		{"Tq7wLz2VbK9x", false}, {"hunter22", false}, {"admin", false}, {"postgres", false},
		{"$ecret-9x!", false}, {"p@ss:w0rd", false},
	}
	for _, tt := range tests {
		got := isPlaceholderSecret([]byte(tt.in))
		assert.Equal(t, tt.want, got, "isPlaceholderSecret(%s)", gnPreview(tt.in))
	}
}

func TestCheckPasswordValue(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Tq7wLz2VbK9x", true}, {"hunter22", true}, {"Vb8#kQ2zLp7w", true}, {"123456", true},
		{"abc", false}, {"1234", false}, {"********", false}, {"changeme", false},
		{"$2b$12$KIXQJ1p8yM0vWb9ZrT3eUe7f2c9yqGJbW3mZ0R1s5Lk4e8uYv6aXy", false},
		{"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$9x8mLq2ZpW7vB3kQ", false},
		{"{SSHA}9x8mLq2ZpW7vB3kQ", false}, {"/run/secrets/db", false}, {"./secrets/pw.txt", false},
		{`C:\secrets\pw.txt`, false}, {"self.password", false}, {"args.db_pw", false},
		{"getPassword()", false}, {"!vault", false}, {"!Ref", false}, {"true", false},
		{strings.Repeat("a1", 65), false},
		{"^1.0.0", false}, {">=2.1.0", false}, {"1.2.3", false},
		{"range", false}, {"Required.", false}, {"TestGoList", false}, {"MyPass123", false},
		{"correct horse battery staple", true}, {"letmeinplease123", true},
	}
	for _, tt := range tests {
		got := checkPasswordValue([]byte(tt.in), &Meta{})
		assert.Equal(t, tt.want, got, "checkPasswordValue(%s)", gnPreview(tt.in))
	}
}

func TestCheckOpaqueSecret(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"H8HQzAjGsgjbHZjjGGTnlflZ", true},
		{"8a1dd30319564469480aa34d5a5df727", true},
		{"WnB5bVRnSmI4TnFjS2tZcmxiaUtETHpLVXZsWmJGSm8=", true},
		{"u7Kq2ZpW9xLm", true},
		{"550e8400-e29b-41d4-a716-446655440000", false},
		{"sha512-QSdcj5lLu64g5f2TCuFNbfJQKgOt", false},
		{"bearer_access_token_value", false},
		{"AuthenticationRequired", false},
		{"your-secret-key-here", false},
		{"aaaaaaaaaaaaaaaa1", false},
		{"short1", false},
		{"HTTPResponseContentLengthKey", false},
		{"oauth2.google.tokenSource", false},
		{"riscv_hwprobe_key_ima_ext_0", false},
		{"X-Amz-Content-Sha256", false},
		{"5PQfYd5eVrgUYche1B9V-6bPRH283qGhFTFvd40YLkV", true},
		{"ghp_I7SoASbMjdqbwoof6lwxgTEe7ECcbkCasYLj", false},
		{"0x1dc491ceffccaddeff8e32a06d8c9bb4c1ae4cf1c1e56af7cb8df88fbc308cf2", false},
		{"oVkcU3EM2eiB8Sp4pf6bnqfKYPNUzbREZTLh05c9phTQ45ShvlSmM24bM6SO+XJmTvmSj1guk+nf+AStYqKvlw==", false},
	}
	for _, tt := range tests {
		got := checkOpaqueSecret([]byte(tt.in), &Meta{})
		assert.Equal(t, tt.want, got, "checkOpaqueSecret(%s)", gnPreview(tt.in))
	}
}

func TestCheckURIPassword(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Tq7wLz2VbK9x", true}, {"Rk%40p9%2Fz31Lm", true}, {"admin", true},
		{"u7Kq2ZpW9xLm4vB8nR3tYc6", true},
		{"password", false}, {"pass", false}, {"changeme", false}, {"${DB_PASSWORD}", false},
		{"****", false}, {"<password>", false}, {"%s", false},
		// A long token-shaped userinfo with little entropy.
		{"aaaaaaaaaabbbbbbbbbbcc", false},
	}
	for _, tt := range tests {
		got := checkURIPassword([]byte(tt.in), &Meta{})
		assert.Equal(t, tt.want, got, "checkURIPassword(%s)", gnPreview(tt.in))
	}
}

// gnJWT builds an HS256-shaped token with a fixed signature.
func gnJWT(header, payload string) string {
	e := base64.RawURLEncoding
	return e.EncodeToString([]byte(header)) + "." + e.EncodeToString([]byte(payload)) + ".W5uLi2hCWN3WCsSgFDpTtUgM7ujTDf8av8Haf2MFaok"
}

// gnJWTSig builds a token with a synthetic signature of n base64url
// characters.
func gnJWTSig(header, payload string, n int) string {
	e := base64.RawURLEncoding
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	sig := make([]byte, n)
	for i := range sig {
		sig[i] = alphabet[(i*37+11)%64]
	}
	return e.EncodeToString([]byte(header)) + "." + e.EncodeToString([]byte(payload)) + "." + string(sig)
}

// jwtCase is a token and what ValidateJWT must say of it.
type jwtCase struct {
	name     string
	in       string
	want     bool
	exp, iat int64
}

func TestValidateJWT(t *testing.T) {
	tests := []jwtCase{
		{"claims", gnJWT(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"u1","iat":1735689600,"exp":1767225600}`), true, 1767225600, 1735689600},
		{"nested claims", gnJWTSig(`{"alg":"RS256","kid":"a\"b"}`, `{"aud":["a","b"],"ctx":{"exp":5},"exp":1700003600.5}`, 342), true, 1700003600, 0},
		{"no exp", gnJWTSig(`{"alg":"ES256"}`, `{"sub":"u1"}`, 86), true, 0, 0},
		{"unsigned", strings.TrimSuffix(gnJWT(`{"alg":"none"}`, `{"sub":"u1"}`), "W5uLi2hCWN3WCsSgFDpTtUgM7ujTDf8av8Haf2MFaok"), true, 0, 0},
		{"no alg", gnJWT(`{"typ":"JWT"}`, `{"sub":"u1"}`), false, 0, 0},
		{"payload not json", gnJWT(`{"alg":"HS256"}`, `not json`), false, 0, 0},
		{"payload truncated", gnJWT(`{"alg":"HS256"}`, `{"sub":"u1"`), false, 0, 0},
		{"header array", gnJWT(`["alg"]`, `{"sub":"u1"}`), false, 0, 0},
		{"two parts", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9", false, 0, 0},
		{"four parts", gnJWT(`{"alg":"HS256"}`, `{"sub":"u1"}`) + ".x", false, 0, 0},
		{"std alphabet", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.ab+/cd", false, 0, 0},
		{"unsigned with signature", gnJWT(`{"alg":"none"}`, `{"sub":"u1"}`), false, 0, 0},
		{"unknown alg any signature", gnJWTSig(`{"alg":"XY1"}`, `{"sub":"u1"}`, 7), true, 0, 0},
	}
	// Each registered algorithm: the right signature length passes, one
	// character fewer (truncated) or more (extended) fails.
	for _, a := range []struct {
		alg string
		n   []int
	}{
		{"HS256", []int{43}}, {"HS384", []int{64}}, {"HS512", []int{86}},
		{"RS256", []int{171, 342, 512, 683, 1366}}, {"RS384", []int{342}}, {"RS512", []int{683}},
		{"PS256", []int{342}}, {"PS384", []int{512}}, {"PS512", []int{342}},
		{"ES256", []int{86}}, {"ES256K", []int{86}}, {"ES384", []int{128}}, {"ES512", []int{176}},
		{"EdDSA", []int{86, 152}},
	} {
		h := `{"alg":"` + a.alg + `","typ":"JWT"}`
		for _, n := range a.n {
			tests = append(tests,
				jwtCase{a.alg + " right length", gnJWTSig(h, `{"sub":"u1"}`, n), true, 0, 0},
				jwtCase{a.alg + " truncated", gnJWTSig(h, `{"sub":"u1"}`, n-1), false, 0, 0},
				jwtCase{a.alg + " extended", gnJWTSig(h, `{"sub":"u1"}`, n+1), false, 0, 0})
		}
	}
	for _, tt := range tests {
		var m Meta
		got := ValidateJWT([]byte(tt.in), &m)
		assert.Equal(t, tt.want, got, "ValidateJWT(%s) %s", gnPreview(tt.in), tt.name)
		if tt.want {
			assert.Equal(t, tt.exp, m.ExpiresAt, "ExpiresAt of %s", tt.name)
			assert.Equal(t, tt.iat, m.IssuedAt, "IssuedAt of %s", tt.name)
			assert.True(t, m.Structured, "Structured of %s", tt.name)
		}
	}
}

// gnPEM encodes der as a PEM block of the given type.
func gnPEM(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func TestValidatePEMPrivateKey(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	_, edk, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	p8rsa, err := x509.MarshalPKCS8PrivateKey(rk)
	require.NoError(t, err)
	p8ed, err := x509.MarshalPKCS8PrivateKey(edk)
	require.NoError(t, err)
	sec1, err := x509.MarshalECPrivateKey(ek)
	require.NoError(t, err)
	// An EncryptedPrivateKeyInfo-shaped sequence: algorithm + octets.
	encDER, err := asn1.Marshal(struct {
		Algo asn1.RawValue
		Data []byte
	}{asn1.RawValue{FullBytes: []byte{0x30, 0x03, 0x06, 0x01, 0x2a}}, make([]byte, 64)})
	require.NoError(t, err)
	rsaPEM := gnPEM("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk))

	tests := []struct {
		name      string
		in        string
		want      bool
		encrypted bool
	}{
		{"pkcs1", rsaPEM, true, false},
		{"pkcs8 rsa", gnPEM("PRIVATE KEY", p8rsa), true, false},
		{"pkcs8 ed25519", gnPEM("PRIVATE KEY", p8ed), true, false},
		{"sec1", gnPEM("EC PRIVATE KEY", sec1), true, false},
		{"escaped newlines", strings.ReplaceAll(gnPEM("EC PRIVATE KEY", sec1), "\n", `\n`), true, false},
		{"double-escaped newlines", strings.ReplaceAll(gnPEM("EC PRIVATE KEY", sec1), "\n", `\\n`), true, false},
		{"crlf", strings.ReplaceAll(gnPEM("PRIVATE KEY", p8ed), "\n", "\r\n"), true, false},
		{"encrypted pkcs8", gnPEM("ENCRYPTED PRIVATE KEY", encDER), true, true},
		{"legacy encrypted", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,8A1DD30319564469480AA34D5A5DF727\n\n" +
			base64.StdEncoding.EncodeToString(make([]byte, 96)) + "\n-----END RSA PRIVATE KEY-----\n", true, true},
		{"wrong label", gnPEM("RSA PRIVATE KEY", sec1), false, false},
		{"truncated", rsaPEM[:len(rsaPEM)/2] + "\n-----END RSA PRIVATE KEY-----\n", false, false},
		{"elided body", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n", false, false},
		{"public key", gnPEM("PUBLIC KEY", p8ed), false, false},
	}
	for _, tt := range tests {
		var m Meta
		got := ValidatePEMPrivateKey([]byte(tt.in), &m)
		assert.Equal(t, tt.want, got, "ValidatePEMPrivateKey(%s)", tt.name)
		assert.Equal(t, tt.encrypted, m.Encrypted, "Encrypted of %s", tt.name)
	}
}

// gnSSHString encodes an SSH wire string.
func gnSSHStr(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...)
}

// gnOpenSSH builds an openssh-key-v1 ed25519 key block.
func gnOpenSSH(t *testing.T, cipher string) string {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	kdf, opts := "none", []byte(nil)
	if cipher != "none" {
		kdf, opts = "bcrypt", append(gnSSHStr(make([]byte, 16)), 0, 0, 0, 16)
	}
	b := []byte("openssh-key-v1\x00")
	b = append(b, gnSSHStr([]byte(cipher))...)
	b = append(b, gnSSHStr([]byte(kdf))...)
	b = append(b, gnSSHStr(opts)...)
	b = append(b, 0, 0, 0, 1)
	b = append(b, gnSSHStr(append(gnSSHStr([]byte("ssh-ed25519")), gnSSHStr(pub)...))...)
	b = append(b, gnSSHStr(append(gnSSHStr([]byte("ssh-ed25519")), gnSSHStr(priv)...))...)
	return gnPEM("OPENSSH PRIVATE KEY", b)
}

func TestValidateOpenSSHPrivateKey(t *testing.T) {
	plain := gnOpenSSH(t, "none")
	enc := gnOpenSSH(t, "aes256-ctr")
	tests := []struct {
		name      string
		in        string
		want      bool
		encrypted bool
	}{
		{"none", plain, true, false},
		{"aes256-ctr", enc, true, true},
		{"escaped", strings.ReplaceAll(plain, "\n", `\n`), true, false},
		{"bad magic", gnPEM("OPENSSH PRIVATE KEY", append([]byte("openssh-key-v2\x00"), make([]byte, 80)...)), false, false},
		{"pem label", strings.ReplaceAll(plain, "OPENSSH ", "RSA "), false, false},
		{"truncated", plain[:60] + "\n-----END OPENSSH PRIVATE KEY-----\n", false, false},
	}
	for _, tt := range tests {
		var m Meta
		got := ValidateOpenSSHPrivateKey([]byte(tt.in), &m)
		assert.Equal(t, tt.want, got, "ValidateOpenSSHPrivateKey(%s)", tt.name)
		assert.Equal(t, tt.encrypted, m.Encrypted, "Encrypted of %s", tt.name)
	}
}

// gnPGP builds an armored block holding a secret-key packet, with its
// CRC-24 line.
func gnPGP(headers string, sum bool) string {
	body := make([]byte, 100)
	for i := range body {
		body[i] = byte(i*37 + 11)
	}
	body[0] = 4
	pkt := append([]byte{0xC5, byte(len(body))}, body...)
	crc := uint32(0xB704CE)
	for _, b := range pkt {
		crc = crc24Update(crc, b)
	}
	enc := base64.StdEncoding.EncodeToString(pkt)
	var sb strings.Builder
	sb.WriteString("-----BEGIN PGP PRIVATE KEY BLOCK-----\n" + headers + "\n")
	for len(enc) > 64 {
		sb.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	sb.WriteString(enc + "\n")
	if sum {
		sb.WriteString("=" + base64.StdEncoding.EncodeToString([]byte{byte(crc >> 16), byte(crc >> 8), byte(crc)}) + "\n")
	}
	sb.WriteString("-----END PGP PRIVATE KEY BLOCK-----\n")
	return sb.String()
}

func TestValidatePGPPrivateKey(t *testing.T) {
	good := gnPGP("", true)
	tests := []struct {
		name       string
		in         string
		want       bool
		structured bool
	}{
		{"checksum", good, true, true},
		{"headers", gnPGP("Version: GnuPG v2\nComment: build key\n", true), true, true},
		{"no checksum", gnPGP("", false), true, false},
		{"escaped", strings.ReplaceAll(good, "\n", `\n`), true, true},
		{"public key packet", strings.Replace(good, "xW", "xm", 1), false, false},
		{"data only", good[strings.Index(good, "\n\n")+2 : strings.Index(good, "\n-----END")], true, true},
		{"escaped data only", strings.ReplaceAll(good[strings.Index(good, "\n\n")+2:strings.Index(good, "\n-----END")], "\n", `\n`), true, true},
	}
	for _, tt := range tests {
		var m Meta
		got := ValidatePGPPrivateKey([]byte(tt.in), &m)
		assert.Equal(t, tt.want, got, "ValidatePGPPrivateKey(%s)", tt.name)
		assert.Equal(t, tt.structured, m.Structured, "Structured of %s", tt.name)
	}
	// Changing any one body character breaks the CRC-24.
	lines := strings.Split(good, "\n")
	for i := 0; i < len(lines[2]); i++ {
		l := []byte(lines[2])
		if l[i] == 'A' {
			l[i] = 'B'
		} else {
			l[i] = 'A'
		}
		changed := strings.Join(append(append(append([]string{}, lines[:2]...), string(l)), lines[3:]...), "\n")
		assert.False(t, ValidatePGPPrivateKey([]byte(changed), &Meta{}), "one char changed at %d", i)
	}
}

func TestValidatePuTTYKey(t *testing.T) {
	v3 := "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20250114\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIFKwnTXGbL+9GB+B6SPsoTU5YT7Zvd4kiFV9l5+Q\nydxi\nPrivate-Lines: 1\nAAAAIFWm6gOMro4KsBYctM7w+FWpKoZtBT9K1vTkYN//PQDn\nPrivate-MAC: 8639ca4e92a7f6022e5ca0b8b1a4a7edae4ecf1e66c457e16bf6f3dd0ce42fe8"
	tests := []struct {
		name      string
		in        string
		want      bool
		encrypted bool
	}{
		{"v3 none", v3, true, false},
		{"v2 encrypted", strings.NewReplacer("File-3", "File-2", "Encryption: none", "Encryption: aes256-cbc",
			"8639ca4e92a7f6022e5ca0b8b1a4a7edae4ecf1e66c457e16bf6f3dd0ce42fe8", "2f6c0b7e4a1d93c58e2f70b6a4d19c3e5f8a7b21").Replace(v3), true, true},
		{"crlf", strings.ReplaceAll(v3, "\n", "\r\n"), true, false},
		{"escaped", strings.ReplaceAll(v3, "\n", `\n`), true, false},
		{"missing private lines", strings.Replace(v3, "Private-Lines: 1\nAAAAIFWm6gOMro4KsBYctM7w+FWpKoZtBT9K1vTkYN//PQDn\n", "", 1), false, false},
		{"short mac", strings.Replace(v3, "8639ca4e92a7f602", "", 1), false, false},
		{"line count", strings.Replace(v3, "Public-Lines: 2", "Public-Lines: 3", 1), false, false},
		{"version 1", strings.Replace(v3, "File-3", "File-1", 1), false, false},
	}
	for _, tt := range tests {
		var m Meta
		got := ValidatePuTTYKey([]byte(tt.in), &m)
		assert.Equal(t, tt.want, got, "ValidatePuTTYKey(%s)", tt.name)
		assert.Equal(t, tt.encrypted, m.Encrypted, "Encrypted of %s", tt.name)
	}
}

func TestCheckBasicCredentials(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		in   string
		want bool
	}{
		{b64("build-bot:Tq7wLz2VbK9x"), true},
		{strings.TrimRight(b64("build-bot:Tq7wLz2VbK9x"), "="), true},
		{b64("sk_live_0123456789abcdefghij:"), true},
		{"Vb8kQ2zLp7wX", true},
		{"p@ss:w0rd!", true},
		{b64("username:password"), false},
		{b64("admin:changeme"), false},
		{b64("test"), false},
		{b64("ab:\x01\x02"), false},
		{b64("short:"), false},
		{"configuration", false},
		{"hunter", false},
		{"dGVzdDE", false}, // base64 of "test1"
		{"$PASS", false},
	}
	for _, tt := range tests {
		got := checkBasicCredentials([]byte(tt.in), &Meta{})
		assert.Equal(t, tt.want, got, "checkBasicCredentials(%s)", gnPreview(tt.in))
	}
}

func TestValidateKubernetesSecretData(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"b3JkZXJzX2FwcA==\n  password: VHE3d0x6MlZiSzl4", true},
		{`Vmc4I2tRMnpMcDd3","user":"YWRtaW4=`, true},
		{"VHE3d0x6MlZiSzl4", true},
		{"cGFzc3dvcmQ=", false},                       // "password"
		{"cGFzc3dvcmQ=\n  user: Y2hhbmdlbWU=", false}, // all placeholders
		{"VHE3d0x6MlZiSzl\n  user: YWRtaW4=", false},  // not padded
		{"VHE3d0x6MlZiSzl4\n  user: YW!taW4=", false}, // bad alphabet
	}
	for _, tt := range tests {
		var m Meta
		got := ValidateKubernetesSecretData([]byte(tt.in), &m)
		assert.Equal(t, tt.want, got, "ValidateKubernetesSecretData(%s)", gnPreview(tt.in))
		// Base64 is no checksum: a provider finding decoded from a value
		// must win the overlap.
		assert.False(t, m.Structured, "Structured of %s", gnPreview(tt.in))
	}
}

func TestGenericValidatorsAllocs(t *testing.T) {
	jwt := []byte(gnJWT(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"u1","iat":1735689600,"exp":1767225600}`))
	basic := []byte(base64.StdEncoding.EncodeToString([]byte("build-bot:Tq7wLz2VbK9x")))
	pw := []byte("Tq7wLz2VbK9x")
	tok := []byte("H8HQzAjGsgjbHZjjGGTnlflZ")
	for name, f := range map[string]func(){
		"ValidateJWT":           func() { ValidateJWT(jwt, &Meta{}) },
		"checkBasicCredentials": func() { checkBasicCredentials(basic, &Meta{}) },
		"checkPasswordValue":    func() { checkPasswordValue(pw, &Meta{}) },
		"checkOpaqueSecret":     func() { checkOpaqueSecret(tok, &Meta{}) },
		"checkURIPassword":      func() { checkURIPassword(pw, &Meta{}) },
	} {
		got := testing.AllocsPerRun(50, f)
		assert.Zero(t, got, "allocations of %s", name)
	}
}

func TestGenericValidatorsNoPanic(t *testing.T) {
	inputs := []string{"", "-", "-----BEGIN ", "-----BEGIN PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----\n-----END",
		"PuTTY-User-Key-File-", "PuTTY-User-Key-File-3: x\nPublic-Lines: 99999999999999999999", "..", "a.b.", "eyJ.eyJ.",
		"\\", "\\\\\\", "=", "==", ":", "%", "$", "!", "{", "<", strings.Repeat("\\n", 50), strings.Repeat("A", 5000)}
	for _, in := range inputs {
		b := []byte(in)
		for name, v := range map[string]Validator{
			"jwt": ValidateJWT, "pem": ValidatePEMPrivateKey, "openssh": ValidateOpenSSHPrivateKey,
			"pgp": ValidatePGPPrivateKey, "putty": ValidatePuTTYKey, "basic": checkBasicCredentials,
			"k8s": ValidateKubernetesSecretData, "pw": checkPasswordValue, "opaque": checkOpaqueSecret, "uri": checkURIPassword,
		} {
			assert.NotPanics(t, func() { v(b, &Meta{}) }, "%s on %s", name, gnPreview(in))
		}
	}
}
