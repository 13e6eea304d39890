package patterns

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"hash/crc32"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// preview shows a secret in test messages without revealing it.
func clPreview(s string) string {
	if len(s) <= 4 {
		return fmt.Sprintf("%q(len %d)", s, len(s))
	}
	return fmt.Sprintf("%q…(len %d)", s[:4], len(s))
}

// testRand returns a deterministic generator for synthetic test keys.
func clRand(seed uint64) *mrand.Rand { return mrand.New(mrand.NewPCG(seed, 0x5eed)) }

func clRandBytes(r *mrand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func clRandFrom(r *mrand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	clAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	clB64   = clAlnum + "+/"
	clB32   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

// makeIdentifiableKey builds a Microsoft identifiable key of n bytes from
// random bytes: the signature sig is placed right before the checksum in
// the encoded form and the last 4 bytes are Marvin32 under seed.
func makeIdentifiableKey(t testing.TB, r *mrand.Rand, n int, sig string, seed uint64, urlSafe bool) string {
	t.Helper()
	raw := clRandBytes(r, n)
	enc := []byte(base64.RawStdEncoding.EncodeToString(raw))
	off := len(enc) - 10
	copy(enc[off:], sig)
	raw, err := base64.RawStdEncoding.DecodeString(string(enc[:off+4]) + strings.Repeat("A", len(enc)-off-4))
	require.NoError(t, err)
	binary.LittleEndian.PutUint32(raw[n-4:], Marvin32(raw[:n-4], seed))
	key := base64.StdEncoding.EncodeToString(raw)
	require.Equal(t, sig, key[off:off+4], "signature survives re-encoding")
	if urlSafe {
		key = strings.NewReplacer("+", "-", "/", "_").Replace(key)
	}
	return key
}

// mutations returns copies of s with the byte at each position replaced
// by a different byte from alphabet (positions holding a byte outside
// alphabet, such as padding, are skipped).
func clMutations(s, alphabet string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(alphabet, rune(s[i])) {
			continue
		}
		j := strings.IndexByte(alphabet, s[i])
		b := []byte(s)
		b[i] = alphabet[(j+7)%len(alphabet)]
		out = append(out, string(b))
	}
	return out
}

func TestMarvinKnownAnswers(t *testing.T) {
	// Vectors from microsoft/security-utilities MarvinTests.cs and
	// MarvinShared.cs (which take them from SymCrypt and skeeto/marvin32).
	// The 64-bit value is p1<<32 | p0.
	const seed0, seed1, seed2 = 0x004fb61a001bdbcc, 0x804fb61a001bdbcc, 0x804fb61a801bdbcc
	tests := []struct {
		seed uint64
		data string
		want uint64
	}{
		{0xd53cd9cecd0893b7, "abc", 0x22c74339492769bf},
		{0xddddeeeeffff000, "abcdefghijklmnopqrstuvwxyz", 0xa128eb7e7260aca2},
		{seed0, "", 0x30ed35c100cd3c7d},
		{seed0, "\xaf", 0x48e73fc77d75ddc1},
		{seed0, "\xe7\x0f", 0xb5f6e1fc485dbff8},
		{seed0, "\x37\xf4\x95", 0xf0b07c789b8cf7e8},
		{seed0, "\x86\x42\xdc\x59", 0x7008f2e87e9cf556},
		{seed0, "\x15\x3f\xb7\x98\x26", 0xe6c08c6da2afa997},
		{seed0, "\x09\x32\xe6\x24\x6c\x47", 0x6f04bf1a5ea24060},
		{seed0, "\xab\x42\x7e\xa8\xd1\x0f\xc7", 0xe11847e4f0678c41},
		{seed1, "", 0x10a9d5d3996fd65d},
		{seed1, "\xaf", 0x68201f91960ebf91},
		{seed1, "\xe7\x0f", 0x64b581631f6ab378},
		{seed1, "\x37\xf4\x95", 0xe1f2dfa6e5131408},
		{seed1, "\x86\x42\xdc\x59", 0x36289d9654fb49f6},
		{seed1, "\x15\x3f\xb7\x98\x26", 0x0a06114b13464dbd},
		{seed1, "\x09\x32\xe6\x24\x6c\x47", 0xd6dd5e40ad1bc2ed},
		{seed1, "\xab\x42\x7e\xa8\xd1\x0f\xc7", 0xe203987dba252fb3},
		{seed2, "\x00", 0xa37fb0da2ecae06c},
		{seed2, "\xff", 0xfecef370701ae054},
		{seed2, "\x00\xff", 0xa638e75700048880},
		{seed2, "\xff\x00", 0xbdfb46d969730e2a},
		{seed2, "\xff\x00\xff", 0x9d8577c0fe0d30bf},
		{seed2, "\x00\xff\x00", 0x4f9fbdde15099497},
		{seed2, "\x00\xff\x00\xff", 0x24eaa279d9a529ca},
		{seed2, "\xff\x00\xff\x00", 0xd3bec7726b057943},
		{seed2, "\xff\x00\xff\x00\xff", 0x920b62bbca3e0b72},
		{seed2, "\x00\xff\x00\xff\x00", 0x1d7ddf9dfdf3c1bf},
		{seed2, "\x00\xff\x00\xff\x00\xff", 0xec21276a17e821a5},
		{seed2, "\xff\x00\xff\x00\xff\x00", 0x6911a53ca8c12254},
		{seed2, "\xff\x00\xff\x00\xff\x00\xff", 0xfdfd187b1d3ce784},
		{seed2, "\x00\xff\x00\xff\x00\xff\x00", 0x71876f2efb1b0ee8},
	}
	for _, tt := range tests {
		p0, p1 := marvin([]byte(tt.data), tt.seed)
		got := uint64(p1)<<32 | uint64(p0)
		assert.Equal(t, tt.want, got, "marvin(%x, %#x)", tt.data, tt.seed)
		assert.Equal(t, uint32(tt.want)^uint32(tt.want>>32), Marvin32([]byte(tt.data), tt.seed),
			"Marvin32(%x, %#x)", tt.data, tt.seed)
	}
}

func TestMarvinSeed(t *testing.T) {
	// Constants of IdentifiableMetadata.cs.
	tests := []struct {
		in   string
		want uint64
	}{
		{"Default0", 0x44656661756c7430},
		{"Functi00", 0x46756e6374693030},
		{"Master00", 0x4d61737465723030},
		{"System00", 0x53797374656d3030},
		{"Send0000", 0x53656e6430303030},
		{"Listen00", 0x4c697374656e3030},
		{"Manage00", 0x4d616e6167653030},
		{"short", 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, MarvinSeed(tt.in), "MarvinSeed(%q)", tt.in)
	}
}

// makeAWSKeyID encodes account into a new-generation key id with the
// given prefix and random trailing bits.
func makeAWSKeyID(r *mrand.Rand, prefix string, account uint64) string {
	x := uint64(1)<<47 | account<<7 | uint64(r.IntN(128))
	var raw [10]byte
	for i := 0; i < 6; i++ {
		raw[i] = byte(x >> (8 * (5 - i)))
	}
	copy(raw[6:], clRandBytes(r, 4))
	return prefix + clBase32(raw[:])
}

func clBase32(b []byte) string {
	var sb strings.Builder
	var acc uint64
	var n uint
	for _, c := range b {
		acc = acc<<8 | uint64(c)
		n += 8
		for n >= 5 {
			n -= 5
			sb.WriteByte(clB32[(acc>>n)&31])
		}
	}
	return sb.String()
}

func TestAWSAccountID(t *testing.T) {
	r := clRand(1)
	tests := []struct {
		in     string
		want   uint64
		wantOK bool
	}{
		// Published example (A. Steele, "AWS Access Key ID formats"; account
		// as decoded in T. Beery, "A short note on AWS KEY ID").
		{"ASIAY34FZKBOKMUTVV7A", 609629065308, true},
		// Constructed by encoding: new-generation ids.
		{makeAWSKeyID(r, "AKIA", 123456789012), 123456789012, true},
		{makeAWSKeyID(r, "ASIA", 1), 1, true},
		{makeAWSKeyID(r, "AKIA", 999999999999), 999999999999, true},
		// Old generation: top bit clear (5th character A–P).
		{"AKIAIOSFODNN7EXAMPLE", 0, false},
		{"AKIAJ" + clRandFrom(r, clB32, 15), 0, false},
		// Not an id.
		{"ASIAY34FZKBOKMUTVV7", 0, false},
		{"ASIAY34FZKBOKMUTVV71", 0, false},
		{"asiay34fzkbokmutvv7a", 0, false},
	}
	for _, tt := range tests {
		got, ok := AWSAccountID([]byte(tt.in))
		assert.Equal(t, tt.wantOK, ok, "AWSAccountID(%s) ok", tt.in)
		assert.Equal(t, tt.want, got, "AWSAccountID(%s)", tt.in)
	}
	// The account sits in characters 4–12 (0-based): changing one of them changes
	// the account, changing the last ones does not.
	base := "ASIAY34FZKBOKMUTVV7A"
	for i := 4; i < 12; i++ {
		b := []byte(base)
		b[i] = clB32[(strings.IndexByte(clB32, b[i])+1)%32]
		got, _ := AWSAccountID(b)
		assert.NotEqual(t, uint64(609629065308), got, "changed character %d of %s", i, b)
	}
}

func TestValidateAWSAccessKeyID(t *testing.T) {
	r := clRand(2)
	tests := []struct {
		in          string
		want        bool
		wantAccount uint64
	}{
		{"ASIAY34FZKBOKMUTVV7A", true, 609629065308},
		{makeAWSKeyID(r, "AKIA", 210987654321), true, 210987654321},
		{"AKIAJ" + clRandFrom(r, clB32, 15), true, 0},
		{"A3TX" + clRandFrom(r, clB32, 16), true, 0},
		{"AKIAIOSFODNN7EXAMPLE", false, 0},
		{"AKIA" + clRandFrom(r, clB32, 15) + "0", false, 0},
		{"AKIA" + clRandFrom(r, clB32, 15), false, 0},
	}
	for _, tt := range tests {
		var m Meta
		assert.Equal(t, tt.want, ValidateAWSAccessKeyID([]byte(tt.in), &m), "ValidateAWSAccessKeyID(%s)", tt.in)
		assert.Equal(t, tt.wantAccount, m.AWSAccountID, "account of %s", tt.in)
		assert.False(t, m.Structured, "Structured for %s", tt.in)
	}
}

func TestValidateAWSSecretAccessKey(t *testing.T) {
	r := clRand(3)
	good := clRandFrom(r, clB64, 38) + "a1"
	assert.True(t, ValidateAWSSecretAccessKey([]byte(good), nil), "random key %s", clPreview(good))
	for _, bad := range []string{
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		good[:39],
		good[:39] + "-",
		strings.ToLower(good),
		strings.Repeat("AB12", 10),
	} {
		assert.False(t, ValidateAWSSecretAccessKey([]byte(bad), nil), "ValidateAWSSecretAccessKey(%s)", clPreview(bad))
	}
}

// makeGrafanaSAToken builds a glsa_ token with a valid checksum.
func makeGrafanaSAToken(r *mrand.Rand) string {
	head := "glsa_" + clRandFrom(r, clAlnum, 32)
	sum := crc32.ChecksumIEEE([]byte(head))
	var le [4]byte
	binary.LittleEndian.PutUint32(le[:], sum)
	return fmt.Sprintf("%s_%x", head, le[:])
}

func TestValidateGrafanaServiceAccountToken(t *testing.T) {
	// Known answer computed independently: CRC-32 of the 37 characters
	// "glsa_" + 32 zeros is 0xfe492116 (Python zlib.crc32); little-endian
	// hex "162149fe".
	known := "glsa_" + strings.Repeat("0", 32) + "_162149fe"
	assert.Equal(t, uint32(0xfe492116), crc32.ChecksumIEEE([]byte(known[:37])))
	var m Meta
	assert.True(t, ValidateGrafanaServiceAccountToken([]byte(known), &m), "known token")
	assert.True(t, m.Structured)

	tok := makeGrafanaSAToken(clRand(4))
	assert.True(t, ValidateGrafanaServiceAccountToken([]byte(tok), nil), "generated %s", clPreview(tok))
	for _, bad := range clMutations(tok[5:], clAlnum) {
		bad = "glsa_" + bad
		assert.False(t, ValidateGrafanaServiceAccountToken([]byte(bad), nil), "mutated %s", clPreview(bad))
	}
	assert.False(t, ValidateGrafanaServiceAccountToken([]byte(strings.ToUpper(tok[:45])+tok[45:]), nil))
	assert.False(t, ValidateGrafanaServiceAccountToken([]byte(tok[:45]), nil))
}

func TestIdentifiableKeys(t *testing.T) {
	r := clRand(5)
	type kind struct {
		name     string
		n        int
		sig      string
		seed     uint64
		urlSafe  bool
		validate Validator
		legacy   bool // a key without the signature is accepted as legacy
	}
	kinds := []kind{
		{"storage", 64, "+ASt", MarvinSeed("Default0"), false, ValidateAzureStorageKey, true},
		{"function", 40, "AzFu", MarvinSeed("Functi00"), true, ValidateAzureFunctionKey, false},
		{"function master", 40, "AzFu", MarvinSeed("Master00"), true, ValidateAzureFunctionKey, false},
		{"function system", 40, "AzFu", MarvinSeed("System00"), true, ValidateAzureFunctionKey, false},
		{"service bus send", 32, "+ASb", MarvinSeed("Send0000"), false, ValidateAzureMessagingKey, true},
		{"event hubs listen", 32, "+AEh", MarvinSeed("Listen00"), false, ValidateAzureMessagingKey, true},
		{"relay manage", 32, "+ARm", MarvinSeed("Manage00"), false, ValidateAzureMessagingKey, true},
	}
	for _, k := range kinds {
		alphabet := clB64
		if k.urlSafe {
			alphabet = clAlnum + "-_"
		}
		for range 20 {
			key := makeIdentifiableKey(t, r, k.n, k.sig, k.seed, k.urlSafe)
			var m Meta
			require.True(t, k.validate([]byte(key), &m), "%s: generated %s", k.name, clPreview(key))
			assert.True(t, m.Structured, "%s: Structured", k.name)
			sigAt := len(strings.TrimRight(key, "=")) - 10
			for _, bad := range clMutations(key, alphabet) {
				var m Meta
				if k.legacy && bad[sigAt:sigAt+4] != k.sig {
					// Without its signature the key reads as a legacy
					// key: accepted, but not as a confirmed one.
					k.validate([]byte(bad), &m)
					assert.False(t, m.Structured, "%s: mutated signature %s", k.name, clPreview(bad))
					continue
				}
				assert.False(t, k.validate([]byte(bad), &m), "%s: mutated %s", k.name, clPreview(bad))
			}
		}
		// A wrong seed fails.
		key := makeIdentifiableKey(t, r, k.n, k.sig, MarvinSeed("Wrong000"), k.urlSafe)
		assert.False(t, k.validate([]byte(key), nil), "%s: wrong seed", k.name)
	}
	// Function keys without padding are accepted; with the standard
	// alphabet they are not.
	fk := makeIdentifiableKey(t, r, 40, "AzFu", MarvinSeed("Functi00"), true)
	assert.True(t, ValidateAzureFunctionKey([]byte(strings.TrimRight(fk, "=")), nil), "unpadded function key")
}

// makeAADSecret builds a current Entra ID client secret with a valid
// checksum.
func makeAADSecret(r *mrand.Rand) string {
	const body = clAlnum + "._-~"
	head := clRandFrom(r, clAlnum, 3) + "8Q~" + clRandFrom(r, clAlnum, 1) + clRandFrom(r, body, 30)
	a, b, c, ok := aadChecksumPrefix(Marvin32([]byte(head), MarvinSeed("AadPwd00")))
	if !ok {
		return makeAADSecret(r)
	}
	return head + string([]byte{a, b, c})
}

func TestAADChecksumPrefix(t *testing.T) {
	// Expected digits computed independently (Python, base 66, most
	// significant first).
	tests := []struct {
		in     uint32
		want   string
		wantOK bool
	}{
		{0xDEADBEEF, "c_7", true},
		{0x12345678, "qgw", true},
		{66 * 66 * 66 * 66 * 66, "baa", true},
		{65, "", false},
	}
	for _, tt := range tests {
		a, b, c, ok := aadChecksumPrefix(tt.in)
		assert.Equal(t, tt.wantOK, ok, "aadChecksumPrefix(%#x) ok", tt.in)
		if ok {
			assert.Equal(t, tt.want, string([]byte{a, b, c}), "aadChecksumPrefix(%#x)", tt.in)
		}
	}
}

func TestValidateAzureADClientSecret(t *testing.T) {
	r := clRand(14)
	for range 20 {
		s := makeAADSecret(r)
		var m Meta
		require.True(t, ValidateAzureADClientSecret([]byte(s), &m), "generated %s", clPreview(s))
		assert.True(t, m.Structured)
		for _, bad := range clMutations(s, clAlnum+"._-~") {
			if bad[3:6] == "7Q~" {
				continue // became a legacy secret, which has no checksum
			}
			assert.False(t, ValidateAzureADClientSecret([]byte(bad), nil), "mutated %s", clPreview(bad))
		}
	}
	legacy := clRandFrom(r, clAlnum, 3) + "7Q~" + clRandFrom(r, clAlnum+"._-~", 31)
	var m Meta
	assert.True(t, ValidateAzureADClientSecret([]byte(legacy), &m), "legacy %s", clPreview(legacy))
	assert.False(t, m.Structured)
	for _, bad := range []string{legacy[:30], legacy[:3] + "9Q~" + legacy[6:], legacy[:10] + "!" + legacy[11:]} {
		assert.False(t, ValidateAzureADClientSecret([]byte(bad), nil), "ValidateAzureADClientSecret(%s)", clPreview(bad))
	}
}

func TestValidateAzureStorageKeyLegacy(t *testing.T) {
	r := clRand(6)
	legacy := base64.StdEncoding.EncodeToString(clRandBytes(r, 64))
	var m Meta
	assert.True(t, ValidateAzureStorageKey([]byte(legacy), &m), "legacy key %s", clPreview(legacy))
	assert.False(t, m.Structured)
	emulator := "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
	assert.False(t, ValidateAzureStorageKey([]byte(emulator), nil), "emulator key")
	assert.False(t, ValidateAzureStorageKey([]byte(legacy[:86]+"A="), nil), "bad padding")
	assert.False(t, ValidateAzureStorageKey([]byte(legacy[:85]+"B=="), nil), "non-zero leftover bits")
}

func TestValidateAzureMessagingKeyLegacy(t *testing.T) {
	r := clRand(7)
	legacy := base64.StdEncoding.EncodeToString(clRandBytes(r, 32))
	assert.True(t, ValidateAzureMessagingKey([]byte(legacy), nil), "legacy key %s", clPreview(legacy))
	assert.False(t, ValidateAzureMessagingKey([]byte(legacy[:43]), nil), "short key")
}

func TestValidateAzureSASSignature(t *testing.T) {
	r := clRand(8)
	sig := base64.StdEncoding.EncodeToString(clRandBytes(r, 32))
	esc := strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(sig)
	assert.True(t, ValidateAzureSASSignature([]byte(sig), nil), "plain %s", clPreview(sig))
	assert.True(t, ValidateAzureSASSignature([]byte(esc), nil), "escaped %s", clPreview(esc))
	assert.True(t, ValidateAzureSASSignature([]byte(strings.ToLower(esc[:0])+esc), nil))
	for _, bad := range []string{sig[:43], sig[:42] + "==", sig + "A", strings.Replace(esc, "%3D", "%3X", 1)} {
		assert.False(t, ValidateAzureSASSignature([]byte(bad), nil), "ValidateAzureSASSignature(%s)", clPreview(bad))
	}
}

// makeCASKKey lays out a common annotated key (checksum characters random).
func makeCASKKey(r *mrand.Rand, kind, year, month byte, provider string, long bool) string {
	key := clRandFrom(r, clAlnum, 52) + "JQQJ9" + string(kind) + string(year) + string(month) +
		clRandFrom(r, clAlnum, 16) + provider + clRandFrom(r, clAlnum, 4)
	if long {
		key += clRandFrom(r, clAlnum, 2) + "=="
	}
	return key
}

func TestValidateAzureCASKKey(t *testing.T) {
	r := clRand(9)
	tests := []struct {
		in         string
		want       bool
		wantIssued int64
	}{
		{makeCASKKey(r, '9', 'C', 'E', "ACOG", false), true, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Unix()},
		{makeCASKKey(r, 'D', 'A', 'A', "AZEG", true), true, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()},
		{makeCASKKey(r, 'H', 'b', 'L', "msql", false), true, time.Date(2051, 12, 1, 0, 0, 0, 0, time.UTC).Unix()},
		{makeCASKKey(r, 'X', 'C', 'E', "ACOG", false), false, 0},
		{makeCASKKey(r, '9', 'C', 'M', "ACOG", false), false, 0},
		{makeCASKKey(r, '9', 'C', 'E', "1COG", false), false, 0},
		{makeCASKKey(r, '9', 'C', 'E', "ACOG", false)[:83], false, 0},
		{strings.Replace(makeCASKKey(r, '9', 'C', 'E', "ACOG", false), "JQQJ9", "JQQJ8", 1), false, 0},
	}
	for _, tt := range tests {
		var m Meta
		assert.Equal(t, tt.want, ValidateAzureCASKKey([]byte(tt.in), &m), "ValidateAzureCASKKey(%s)", clPreview(tt.in))
		assert.Equal(t, tt.wantIssued, m.IssuedAt, "IssuedAt of %s", clPreview(tt.in))
	}
}

// makeBedrockShortKey builds a short-lived Bedrock key around a presigned
// URL signed at the given time.
func makeBedrockShortKey(r *mrand.Rand, at time.Time) string {
	u := "bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=ASIA" + clRandFrom(r, clB32, 16) + "%2F" + at.Format("20060102") + "%2Fus-east-1%2Fbedrock%2Faws4_request" +
		"&X-Amz-Date=" + at.Format("20060102T150405Z") + "&X-Amz-Expires=43200" +
		"&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE" + clURLEscape(clRandFrom(r, clB64, 600)) +
		"&X-Amz-Signature=" + clRandFrom(r, "0123456789abcdef", 64) + "&X-Amz-SignedHeaders=host&Version=1"
	return "bedrock-api-key-" + base64.StdEncoding.EncodeToString([]byte(u))
}

func TestValidateBedrockAPIKey(t *testing.T) {
	r := clRand(10)
	at := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	short := makeBedrockShortKey(r, at)
	require.True(t, strings.HasPrefix(short, "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t"))
	var m Meta
	assert.True(t, ValidateBedrockAPIKey([]byte(short), &m), "short-lived %s", clPreview(short))
	assert.True(t, m.Structured)
	assert.Equal(t, at.Unix(), m.IssuedAt)
	assert.Equal(t, at.Unix()+43200, m.ExpiresAt)

	long := "ABSK" + base64.StdEncoding.EncodeToString([]byte("BedrockAPIKey-"+clRandFrom(r, clAlnum, 8)+"-at-123456789012:"+clRandFrom(r, clB64, 60)))
	m = Meta{}
	assert.True(t, ValidateBedrockAPIKey([]byte(long), &m), "long-lived %s", clPreview(long))
	assert.False(t, m.Structured)

	other := "bedrock-api-key-" + base64.StdEncoding.EncodeToString([]byte("example.amazonaws.com/?Action=x"))
	spaced := "bedrock-api-key-" + base64.StdEncoding.EncodeToString([]byte("bedrock.amazonaws.com/ with space"))
	for _, bad := range []string{other, spaced, short[:len(short)-3] + "!", "ABSK" + "abc_def-", "bedrock-api-key-"} {
		assert.False(t, ValidateBedrockAPIKey([]byte(bad), nil), "ValidateBedrockAPIKey(%s)", clPreview(bad))
	}
}

func TestValidateGrafanaCloudToken(t *testing.T) {
	r := clRand(11)
	js := `{"o":"1234567","n":"stack-7654321-hm-read-logs","k":"` + clRandFrom(r, clAlnum, 24) + `","m":{"r":"prod-us-east-0"}}`
	tok := "glc_" + base64.StdEncoding.EncodeToString([]byte(js))
	var m Meta
	assert.True(t, ValidateGrafanaCloudToken([]byte(tok), &m), "token %s", clPreview(tok))
	assert.True(t, m.Structured)
	assert.True(t, ValidateGrafanaCloudToken([]byte(strings.TrimRight(tok, "=")), nil), "unpadded")
	notJSON := "glc_" + base64.StdEncoding.EncodeToString([]byte(`{"o":"1234567","n":`))
	for _, bad := range []string{notJSON, "glc_" + "eyJ!", tok[:len(tok)-6], "glx_" + tok[4:]} {
		assert.False(t, ValidateGrafanaCloudToken([]byte(bad), nil), "ValidateGrafanaCloudToken(%s)", clPreview(bad))
	}
}

// makeServiceAccountPEM returns a PKCS#8 RSA key as PEM, with line breaks
// escaped as in a JSON string when escaped is true.
func makeServiceAccountPEM(t testing.TB, bitsN int, escaped bool) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bitsN)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	s := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if escaped {
		s = strings.ReplaceAll(s, "\n", `\n`)
	}
	return s
}

func TestValidateServiceAccountKey(t *testing.T) {
	plain := makeServiceAccountPEM(t, 2048, false)
	esc := strings.ReplaceAll(plain, "\n", `\n`)
	for _, s := range []string{plain, esc, strings.ReplaceAll(plain, "\n", `\\n`), strings.TrimSuffix(esc, `\n`)} {
		var m Meta
		assert.True(t, ValidateServiceAccountKey([]byte(s), &m), "ValidateServiceAccountKey(%s)", clPreview(s))
		assert.True(t, m.Structured)
	}
	// One character changed anywhere in the base64 body fails: either the
	// DER no longer parses or the RSA parameters disagree.
	lines := strings.Split(plain, "\n")
	body := strings.Join(lines[1:len(lines)-2], "")
	r := clRand(12)
	for range 40 {
		i := r.IntN(len(body) - 4)
		b := []byte(body)
		b[i] = clB64[(strings.IndexByte(clB64, b[i])+11)%64]
		bad := "-----BEGIN PRIVATE KEY-----\n" + string(b) + "\n-----END PRIVATE KEY-----\n"
		assert.False(t, ValidateServiceAccountKey([]byte(bad), nil), "changed body character %d", i)
	}
	for _, bad := range []string{
		strings.Replace(plain, "PRIVATE KEY", "PUBLIC KEY", 2),
		plain[:len(plain)/2],
		"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----",
	} {
		assert.False(t, ValidateServiceAccountKey([]byte(bad), nil), "ValidateServiceAccountKey(%s)", clPreview(bad))
	}
}

func TestCloudValidatorsDoNotAllocate(t *testing.T) {
	r := clRand(13)
	js := `{"o":"1","n":"x","k":"` + clRandFrom(r, clAlnum, 24) + `"}`
	inputs := []struct {
		name string
		v    Validator
		in   string
	}{
		{"aws id", ValidateAWSAccessKeyID, "ASIAY34FZKBOKMUTVV7A"},
		{"aws secret", ValidateAWSSecretAccessKey, clRandFrom(r, clB64, 38) + "a1"},
		{"storage", ValidateAzureStorageKey, makeIdentifiableKey(t, r, 64, "+ASt", MarvinSeed("Default0"), false)},
		{"function", ValidateAzureFunctionKey, makeIdentifiableKey(t, r, 40, "AzFu", MarvinSeed("Master00"), true)},
		{"messaging", ValidateAzureMessagingKey, makeIdentifiableKey(t, r, 32, "+ASb", MarvinSeed("Manage00"), false)},
		{"sas", ValidateAzureSASSignature, clURLEscape(base64.StdEncoding.EncodeToString(clRandBytes(r, 32)))},
		{"aad", ValidateAzureADClientSecret, makeAADSecret(r)},
		{"cask", ValidateAzureCASKKey, makeCASKKey(r, '9', 'C', 'E', "ACOG", false)},
		{"grafana sa", ValidateGrafanaServiceAccountToken, makeGrafanaSAToken(r)},
		{"grafana cloud", ValidateGrafanaCloudToken, "glc_" + base64.StdEncoding.EncodeToString([]byte(js))},
		{"bedrock", ValidateBedrockAPIKey, makeBedrockShortKey(r, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))},
	}
	for _, in := range inputs {
		b := []byte(in.in)
		var m Meta
		require.True(t, in.v(b, &m), "%s accepts %s", in.name, clPreview(in.in))
		allocs := testing.AllocsPerRun(50, func() {
			m = Meta{}
			in.v(b, &m)
		})
		assert.Zero(t, allocs, "%s allocations", in.name)
	}
}

// FuzzCloudValidators checks that no validator panics on any input and
// that each keeps the Validator promises (see checkValidator).
func FuzzCloudValidators(f *testing.F) {
	f.Add([]byte("ASIAY34FZKBOKMUTVV7A"))
	f.Add([]byte("glsa_" + strings.Repeat("0", 32) + "_162149fe"))
	f.Add([]byte("bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9YLUFtei1EYXRlPQ=="))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----"))
	vs := []struct {
		name string
		v    Validator
	}{
		{"ValidateAWSAccessKeyID", ValidateAWSAccessKeyID}, {"ValidateAWSSecretAccessKey", ValidateAWSSecretAccessKey},
		{"ValidateAzureStorageKey", ValidateAzureStorageKey}, {"ValidateAzureFunctionKey", ValidateAzureFunctionKey},
		{"ValidateAzureMessagingKey", ValidateAzureMessagingKey}, {"ValidateAzureSASSignature", ValidateAzureSASSignature},
		{"ValidateAzureCASKKey", ValidateAzureCASKKey}, {"ValidateAzureADClientSecret", ValidateAzureADClientSecret},
		{"ValidateGrafanaServiceAccountToken", ValidateGrafanaServiceAccountToken}, {"ValidateGrafanaCloudToken", ValidateGrafanaCloudToken},
		{"ValidateBedrockAPIKey", ValidateBedrockAPIKey}, {"ValidateServiceAccountKey", ValidateServiceAccountKey},
	}
	for _, p := range cloudPatterns() {
		for _, ex := range p.Examples {
			f.Add([]byte(ex))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range vs {
			checkValidator(t, v.name, v.v, b)
		}
	})
}

func TestRejectCountingRun(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"ya29.a0AfH6SMBx7Kq2Lr9TzVw3Np8Yd", true},
		{"hvs.CAESIJ0123456789abcdefghij", false},
		{"ya29.abcdefghXYZ", false},
		{"ya29.ABCDEFGH", false},
		{"ya29.abcdefg1234567", true},
		{"", true},
	} {
		got := rejectCountingRun([]byte(tc.in), nil)
		assert.Equal(t, tc.want, got, "input %q", tc.in)
	}
}
