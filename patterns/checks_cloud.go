package patterns

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"math/bits"
	"time"
)

// This file holds the structural checks of the cloud and infrastructure
// group: AWS access key ids, Microsoft identifiable keys (Marvin32),
// Microsoft common annotated keys, Grafana tokens, Amazon Bedrock keys and
// Google service-account keys. All validators are safe for concurrent use:
// they keep no state and do not retain the secret.

// b64Val maps a byte of the standard or URL-safe base64 alphabet to its
// 6-bit value, and every other byte to 0xFF.
var b64Val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(std); i++ {
		t[std[i]] = byte(i)
	}
	t['-'] = 62
	t['_'] = 63
	return t
}()

// b64Decode decodes unpadded base64 src (either alphabet, trailing
// '=' already removed) into dst and returns the number of bytes written.
// It reports false when src holds a byte outside both alphabets, when
// len(src) mod 4 is 1, when dst is too small, or when the leftover bits of
// the last character are not zero (no encoder writes them).
func b64Decode(dst, src []byte) (int, bool) {
	if len(src)%4 == 1 {
		return 0, false
	}
	n := len(src) * 6 / 8
	if n > len(dst) {
		return 0, false
	}
	var acc uint32
	var nbits uint
	j := 0
	for _, c := range src {
		v := b64Val[c]
		if v == 0xFF {
			return 0, false
		}
		acc = acc<<6 | uint32(v)
		nbits += 6
		if nbits >= 8 {
			nbits -= 8
			dst[j] = byte(acc >> nbits)
			j++
		}
	}
	if acc&(1<<nbits-1) != 0 {
		return 0, false
	}
	return j, true
}

// trimPadding returns b without up to two trailing '=' bytes and the
// number removed.
func trimPadding(b []byte) ([]byte, int) {
	n := 0
	for n < 2 && len(b) > 0 && b[len(b)-1] == '=' {
		b = b[:len(b)-1]
		n++
	}
	return b, n
}

// ---------------------------------------------------------------------------
// AWS access key ids

// awsDocsKeyID is the access key id of the AWS documentation.
const awsDocsKeyID = "AKIAIOSFODNN7EXAMPLE"

// AWSAccountID decodes the 12-digit AWS account number carried by a
// 20-character access key id (AKIA…, ASIA…, …). Following A. Steele and
// T. Beery's analysis, the 16 characters after the 4-character prefix are
// base32 (RFC 4648, A–Z2–7); the first 6 decoded bytes, read big-endian as
// x, give account = (x & 0x7FFFFFFFFF80) >> 7. Only "new generation" ids,
// whose top bit of x is set, carry the account; for the others, and for
// anything that is not a 20-character id in that alphabet, AWSAccountID
// returns 0 and false. It does not allocate.
func AWSAccountID(keyID []byte) (uint64, bool) {
	if len(keyID) != 20 {
		return 0, false
	}
	// 10 base32 characters hold 50 bits: the first 6 bytes plus 2 bits.
	var acc uint64
	for _, c := range keyID[4:14] {
		var v byte
		switch {
		case c >= 'A' && c <= 'Z':
			v = c - 'A'
		case c >= '2' && c <= '7':
			v = c - '2' + 26
		default:
			return 0, false
		}
		acc = acc<<5 | uint64(v)
	}
	for _, c := range keyID[14:] {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return 0, false
		}
	}
	x := acc >> 2
	if x&(1<<47) == 0 {
		return 0, false
	}
	account := (x & 0x7FFFFFFFFF80) >> 7
	if account > 999_999_999_999 {
		return 0, false
	}
	return account, true
}

// ValidateAWSAccessKeyID checks an AWS access key id (AKIA, ASIA, ABIA,
// ACCA or A3T prefix plus 16 base32 characters). AWS ids carry no checksum,
// so the check is the alphabet and length only; it rejects the AWS
// documentation id AKIAIOSFODNN7EXAMPLE, and records the account number in
// m.AWSAccountID for new-generation ids (see [AWSAccountID]). It does not
// set m.Structured. It does not allocate.
func ValidateAWSAccessKeyID(secret []byte, m *Meta) bool {
	if len(secret) != 20 || string(secret) == awsDocsKeyID {
		return false
	}
	for _, c := range secret[4:] {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	if acct, ok := AWSAccountID(secret); ok && m != nil {
		m.AWSAccountID = acct
	}
	return true
}

// awsDocsSecretKey is the secret access key of the AWS documentation.
const awsDocsSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

// ValidateAWSSecretAccessKey checks a 40-character AWS secret access key:
// base64 alphabet only, not the AWS documentation value, and both upper-
// and lower-case letters (a random key lacks one of them with probability
// about 10⁻⁹; hex digests, upper-case ids and words written in one case
// lack one). It does not allocate.
func ValidateAWSSecretAccessKey(secret []byte, _ *Meta) bool {
	if len(secret) != 40 || string(secret) == awsDocsSecretKey {
		return false
	}
	var upper, lower bool
	for _, c := range secret {
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9', c == '+', c == '/':
		default:
			return false
		}
	}
	return upper && lower
}

// ---------------------------------------------------------------------------
// Marvin32 and Microsoft identifiable keys

// marvin runs the Marvin32 hash and returns its two state words.
func marvin(data []byte, seed uint64) (p0, p1 uint32) {
	p0, p1 = uint32(seed), uint32(seed>>32)
	for len(data) >= 4 {
		p0 += binary.LittleEndian.Uint32(data)
		p0, p1 = marvinBlock(p0, p1)
		data = data[4:]
	}
	switch len(data) {
	case 0:
		p0 += 0x80
	case 1:
		p0 += 0x8000 | uint32(data[0])
	case 2:
		p0 += 0x800000 | uint32(data[0]) | uint32(data[1])<<8
	case 3:
		p0 += 0x80000000 | uint32(data[0]) | uint32(data[1])<<8 | uint32(data[2])<<16
	}
	p0, p1 = marvinBlock(p0, p1)
	return marvinBlock(p0, p1)
}

// marvinBlock is Marvin32's mixing step.
func marvinBlock(p0, p1 uint32) (uint32, uint32) {
	p1 ^= p0
	p0 = bits.RotateLeft32(p0, 20)
	p0 += p1
	p1 = bits.RotateLeft32(p1, 9)
	p1 ^= p0
	p0 = bits.RotateLeft32(p0, 27)
	p0 += p1
	p1 = bits.RotateLeft32(p1, 19)
	return p0, p1
}

// Marvin32 returns the 32-bit Marvin hash of data with the given 64-bit
// seed (the low 32 bits of the seed start the first state word, the high
// 32 bits the second), folded as p0 XOR p1. It matches the reference
// implementation of SymCrypt and .NET, and is the checksum of Microsoft's
// identifiable keys. It does not allocate.
func Marvin32(data []byte, seed uint64) uint32 {
	p0, p1 := marvin(data, seed)
	return p0 ^ p1
}

// MarvinSeed returns the Marvin32 seed that Microsoft derives from an
// 8-character literal such as "Default0": its ASCII bytes read as a
// big-endian integer. It returns 0 when s is not 8 bytes long.
func MarvinSeed(s string) uint64 {
	if len(s) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64([]byte(s))
}

// Seeds of Microsoft identifiable keys (microsoft/security-utilities,
// IdentifiableMetadata.cs), as 8-character literals.
var (
	seedStorage   = MarvinSeed("Default0")
	seedsFunction = [...]uint64{MarvinSeed("Functi00"), MarvinSeed("Master00"), MarvinSeed("System00")}
	seedsMessage  = [...]uint64{MarvinSeed("Send0000"), MarvinSeed("Listen00"), MarvinSeed("Manage00"), MarvinSeed("System00")}
)

// identifiableKey checks a Microsoft identifiable key: base64 (URL-safe
// when urlSafe) of 32, 40 or 64 bytes whose encoded form has sig right
// before the 6 checksum characters, and whose last 4 decoded bytes are the
// little-endian Marvin32 of the rest under one of seeds.
func identifiableKey(secret []byte, sig string, urlSafe bool, seeds []uint64) bool {
	body, pad := trimPadding(secret)
	var n int
	switch len(body) {
	case 43:
		n = 32
	case 54:
		n = 40
	case 86:
		n = 64
	default:
		return false
	}
	if pad != 0 && pad != 4-len(body)%4 {
		return false
	}
	off := len(body) - 10
	if string(body[off:off+4]) != sig {
		return false
	}
	bad1, bad2 := byte('-'), byte('_')
	if urlSafe {
		bad1, bad2 = '+', '/'
	}
	if bytes.IndexByte(body, bad1) >= 0 || bytes.IndexByte(body, bad2) >= 0 {
		return false
	}
	var buf [64]byte
	got, ok := b64Decode(buf[:], body)
	if !ok || got != n {
		return false
	}
	want := binary.LittleEndian.Uint32(buf[n-4 : n])
	for _, seed := range seeds {
		if Marvin32(buf[:n-4], seed) == want {
			return true
		}
	}
	return false
}

// aadAlphabet is the character set of Entra ID client secrets, in the
// digit order of their checksum encoding.
const aadAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890.-_~"

// seedAAD is the checksum seed of Entra ID client secrets ("AadPwd00").
var seedAAD = MarvinSeed("AadPwd00")

// aadChecksumPrefix returns the three most significant base-66 digits of
// sum in aadAlphabet, or false when sum has fewer than three digits.
func aadChecksumPrefix(sum uint32) (a, b, c byte, ok bool) {
	var digits [6]byte // least significant first; 66^6 > 2^32
	k := 0
	for v := sum; v > 0; v /= uint32(len(aadAlphabet)) {
		digits[k] = aadAlphabet[v%uint32(len(aadAlphabet))]
		k++
	}
	if k < 3 {
		return 0, 0, 0, false
	}
	return digits[k-1], digits[k-2], digits[k-3], true
}

// ValidateAzureADClientSecret checks an Entra ID (Azure AD) application
// client secret: 3 characters, a signature ("8Q~" current, "7Q~" legacy),
// then characters of [A-Za-z0-9._~-]. A current secret ends with a
// 3-character checksum: the first three digits, most significant first, of
// Marvin32 (seed "AadPwd00") over everything before it, written in base 66
// with the digits a–z A–Z 1–9 0 . - _ ~ (microsoft/security-utilities,
// IdentifiableMetadata.cs). A valid checksum sets m.Structured; a wrong one
// rejects the secret. Legacy secrets carry no checksum and only need the
// shape. It does not allocate.
func ValidateAzureADClientSecret(secret []byte, m *Meta) bool {
	n := len(secret)
	if n < 34 || n > 40 || secret[4] != 'Q' || secret[5] != '~' {
		return false
	}
	for _, c := range secret {
		if !isAlnum(c) && c != '.' && c != '-' && c != '_' && c != '~' {
			return false
		}
	}
	switch secret[3] {
	case '7':
		return true
	case '8':
	default:
		return false
	}
	a, b, c, ok := aadChecksumPrefix(Marvin32(secret[:n-3], seedAAD))
	if !ok || secret[n-3] != a || secret[n-2] != b || secret[n-1] != c {
		return false
	}
	if m != nil {
		m.Structured = true
	}
	return true
}

// azuriteKey is the public account key of Azure's storage emulators
// (Azurite, the legacy storage emulator).
const azuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

// ValidateAzureStorageKey checks an 88-character Azure Storage account
// key. An identifiable key (signature "+ASt" at characters 77–80) must
// carry a valid Marvin32 checksum (seed "Default0"), and then sets
// m.Structured; a legacy key must decode to 64 bytes. The public key of
// the storage emulators is rejected. It does not allocate.
func ValidateAzureStorageKey(secret []byte, m *Meta) bool {
	if len(secret) != 88 || string(secret) == azuriteKey {
		return false
	}
	if string(secret[76:80]) == "+ASt" {
		if !identifiableKey(secret, "+ASt", false, []uint64{seedStorage}) {
			return false
		}
		if m != nil {
			m.Structured = true
		}
		return true
	}
	body, pad := trimPadding(secret)
	if pad != 2 || bytes.IndexByte(body, '-') >= 0 || bytes.IndexByte(body, '_') >= 0 {
		return false
	}
	var buf [64]byte
	n, ok := b64Decode(buf[:], body)
	return ok && n == 64
}

// ValidateAzureFunctionKey checks an identifiable Azure Functions key:
// 56 characters of URL-safe base64 (54 without padding) of 40 bytes, with
// "AzFu" before the checksum and a Marvin32 checksum under one of the
// seeds "Functi00", "Master00" or "System00". It sets m.Structured. It does
// not allocate.
func ValidateAzureFunctionKey(secret []byte, m *Meta) bool {
	if !identifiableKey(secret, "AzFu", true, seedsFunction[:]) {
		return false
	}
	if m != nil {
		m.Structured = true
	}
	return true
}

// ValidateAzureMessagingKey checks a Service Bus, Event Hubs or Relay
// shared access key: 44 characters of base64 of 32 bytes. An identifiable
// key (signature "+ASb", "+AEh" or "+ARm" before the checksum) must carry a
// valid Marvin32 checksum under the send, listen, manage or system seed,
// and then sets m.Structured; other keys must only decode. It does not
// allocate.
func ValidateAzureMessagingKey(secret []byte, m *Meta) bool {
	if len(secret) != 44 {
		return false
	}
	switch sig := string(secret[33:37]); sig {
	case "+ASb", "+AEh", "+ARm":
		if !identifiableKey(secret, sig, false, seedsMessage[:]) {
			return false
		}
		if m != nil {
			m.Structured = true
		}
		return true
	}
	body, pad := trimPadding(secret)
	if pad != 1 {
		return false
	}
	var buf [32]byte
	n, ok := b64Decode(buf[:], body)
	return ok && n == 32
}

// ValidateAzureSASSignature checks the sig value of an Azure shared access
// signature: base64 of a 32-byte HMAC-SHA256, possibly URL-encoded (%2B,
// %2F, %3D). It does not allocate.
func ValidateAzureSASSignature(secret []byte, _ *Meta) bool {
	var raw [64]byte
	n := 0
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		if c == '%' {
			if i+2 >= len(secret) {
				return false
			}
			switch {
			case secret[i+1] == '2' && (secret[i+2] == 'B' || secret[i+2] == 'b'):
				c = '+'
			case secret[i+1] == '2' && (secret[i+2] == 'F' || secret[i+2] == 'f'):
				c = '/'
			case secret[i+1] == '3' && (secret[i+2] == 'D' || secret[i+2] == 'd'):
				c = '='
			default:
				return false
			}
			i += 2
		}
		if n == len(raw) {
			return false
		}
		raw[n] = c
		n++
	}
	body, pad := trimPadding(raw[:n])
	if pad != 1 || len(body) != 43 {
		return false
	}
	var buf [32]byte
	got, ok := b64Decode(buf[:], body)
	return ok && got == 32
}

// ValidateAzureCASKKey checks the layout of a Microsoft common annotated
// security key (84 characters, or 88 in the long form ending "=="): 52
// alphanumeric characters, "JQQJ9", a kind character (9, D or H), a year
// character (A = 2024 … 9 = 2085 in base64 order), a month character (A–L),
// 16 reserved characters, a 4-character provider signature starting with
// a letter, and the checksum characters. The Marvin32 checksum itself is
// not checked. It records the allocation month in m.IssuedAt and sets
// m.Structured. It does not allocate.
func ValidateAzureCASKKey(secret []byte, m *Meta) bool {
	body := secret
	switch len(secret) {
	case 84:
	case 88:
		if secret[86] != '=' || secret[87] != '=' {
			return false
		}
		body = secret[:86]
	default:
		return false
	}
	for _, c := range body {
		if !isAlnum(c) {
			return false
		}
	}
	if string(body[52:57]) != "JQQJ9" {
		return false
	}
	switch body[57] {
	case '9', 'D', 'H':
	default:
		return false
	}
	year := int(b64Val[body[58]])
	month := body[59]
	if month < 'A' || month > 'L' {
		return false
	}
	if c := body[76]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return false
	}
	if m != nil {
		m.IssuedAt = time.Date(2024+year, time.Month(month-'A'+1), 1, 0, 0, 0, 0, time.UTC).Unix()
		m.Structured = true
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// ---------------------------------------------------------------------------
// Grafana

// ValidateGrafanaServiceAccountToken checks a Grafana service-account
// token: "glsa_" + 32 alphanumerics + "_" + 8 lowercase hex digits that
// spell the CRC-32 (IEEE) of the first 37 characters, least significant
// byte first. It sets m.Structured. It does not allocate.
func ValidateGrafanaServiceAccountToken(secret []byte, m *Meta) bool {
	if len(secret) != 46 || string(secret[:5]) != "glsa_" || secret[37] != '_' {
		return false
	}
	for _, c := range secret[5:37] {
		if !isAlnum(c) {
			return false
		}
	}
	sum := crc32.ChecksumIEEE(secret[:37])
	const hexdig = "0123456789abcdef"
	for i := 0; i < 4; i++ {
		b := byte(sum >> (8 * i))
		if secret[38+2*i] != hexdig[b>>4] || secret[39+2*i] != hexdig[b&15] {
			return false
		}
	}
	if m != nil {
		m.Structured = true
	}
	return true
}

// ValidateGrafanaCloudToken checks a Grafana Cloud access-policy token:
// "glc_" followed by base64 (standard or URL-safe, padding optional) of a
// JSON object of at most 512 bytes. It sets m.Structured.
func ValidateGrafanaCloudToken(secret []byte, m *Meta) bool {
	if len(secret) < 8 || string(secret[:4]) != "glc_" {
		return false
	}
	body, _ := trimPadding(secret[4:])
	var buf [512]byte
	n, ok := b64Decode(buf[:], body)
	if !ok || n < 2 || buf[0] != '{' {
		return false
	}
	if !json.Valid(buf[:n]) {
		return false
	}
	if m != nil {
		m.Structured = true
	}
	return true
}

// ---------------------------------------------------------------------------
// Amazon Bedrock

// bedrockHost is the start of the presigned URL of a short-lived key.
const bedrockHost = "bedrock.amazonaws.com"

// ValidateBedrockAPIKey checks an Amazon Bedrock API key. A long-lived
// key ("ABSK" + base64) must decode. A short-lived key
// ("bedrock-api-key-" + base64) must decode to a presigned URL of at most
// 2,304 bytes of printable ASCII starting with "bedrock.amazonaws.com";
// its X-Amz-Date and X-Amz-Expires parameters, when present, give
// m.IssuedAt and m.ExpiresAt, and m.Structured is set. It does not
// allocate.
func ValidateBedrockAPIKey(secret []byte, m *Meta) bool {
	var buf [2304]byte
	switch {
	case bytes.HasPrefix(secret, []byte("ABSK")):
		body, _ := trimPadding(secret[4:])
		if bytes.IndexByte(body, '-') >= 0 || bytes.IndexByte(body, '_') >= 0 {
			return false
		}
		_, ok := b64Decode(buf[:], body)
		return ok
	case bytes.HasPrefix(secret, []byte("bedrock-api-key-")):
		body, _ := trimPadding(secret[len("bedrock-api-key-"):])
		n, ok := b64Decode(buf[:], body)
		if !ok || !bytes.HasPrefix(buf[:n], []byte(bedrockHost)) {
			return false
		}
		u := buf[:n]
		for _, c := range u {
			if c < 0x21 || c > 0x7E {
				return false
			}
		}
		if m != nil {
			m.Structured = true
			issued := presignedDate(u)
			if issued != 0 {
				m.IssuedAt = issued
				if exp := presignedExpires(u); exp > 0 {
					m.ExpiresAt = issued + exp
				}
			}
		}
		return true
	}
	return false
}

// queryValue returns the value of parameter key (given with its '=') in
// the query string u, or nil.
func queryValue(u []byte, key string) []byte {
	for i := 0; ; {
		j := bytes.Index(u[i:], []byte(key))
		if j < 0 {
			return nil
		}
		j += i
		if j > 0 && (u[j-1] == '&' || u[j-1] == '?') {
			v := u[j+len(key):]
			if k := bytes.IndexByte(v, '&'); k >= 0 {
				v = v[:k]
			}
			return v
		}
		i = j + 1
	}
}

// presignedDate parses X-Amz-Date=YYYYMMDDTHHMMSSZ into Unix seconds.
func presignedDate(u []byte) int64 {
	v := queryValue(u, "X-Amz-Date=")
	if len(v) != 16 || v[8] != 'T' || v[15] != 'Z' {
		return 0
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, mo, d := num(v[0:4]), num(v[4:6]), num(v[6:8])
	h, mi, s := num(v[9:11]), num(v[11:13]), num(v[13:15])
	if y < 2000 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 {
		return 0
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC).Unix()
}

// presignedExpires parses X-Amz-Expires (seconds, at most a week).
func presignedExpires(u []byte) int64 {
	v := queryValue(u, "X-Amz-Expires=")
	if len(v) == 0 || len(v) > 7 {
		return 0
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	if n > 7*24*3600 {
		return 0
	}
	return n
}

// ---------------------------------------------------------------------------
// Google service-account keys

// maxPEMBody bounds the decoded size of a service-account private key
// (a 4096-bit RSA PKCS#8 key is about 2,400 bytes).
const maxPEMBody = 3072

// ValidateServiceAccountKey checks the private key of a Google
// service-account JSON file: a "-----BEGIN PRIVATE KEY-----" PEM block,
// usually with its line breaks escaped as \n inside the JSON string. The
// base64 body must decode to a PKCS#8 key that parses and whose RSA
// parameters are consistent, so a changed character fails. On success it
// sets m.Structured. It allocates only inside the final key parse.
func ValidateServiceAccountKey(secret []byte, m *Meta) bool {
	const begin, end = "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----"
	if !bytes.HasPrefix(secret, []byte(begin)) {
		return false
	}
	rest := secret[len(begin):]
	e := bytes.Index(rest, []byte(end))
	if e < 0 {
		return false
	}
	rest = rest[:e]
	// Collect the base64 characters, skipping whitespace and escaped
	// line breaks (\n, \r, \\n).
	var b64 [maxPEMBody * 4 / 3]byte
	n := 0
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c == '\\':
			for i+1 < len(rest) && rest[i+1] == '\\' {
				i++
			}
			if i+1 < len(rest) && (rest[i+1] == 'n' || rest[i+1] == 'r') {
				i++
				continue
			}
			return false
		case c == '\n' || c == '\r' || c == ' ' || c == '\t':
			continue
		case c == '=' || b64Val[c] != 0xFF && c != '-' && c != '_':
			if n == len(b64) {
				return false
			}
			b64[n] = c
			n++
		default:
			return false
		}
	}
	body, _ := trimPadding(b64[:n])
	if bytes.IndexByte(body, '=') >= 0 {
		return false
	}
	var der [maxPEMBody]byte
	dn, ok := b64Decode(der[:], body)
	if !ok || dn < 64 {
		return false
	}
	// Cheap DER frame check before the full parse: SEQUENCE with a
	// two-byte length covering exactly the decoded bytes.
	if der[0] != 0x30 || der[1] != 0x82 || int(der[2])<<8|int(der[3]) != dn-4 {
		return false
	}
	if _, err := x509.ParsePKCS8PrivateKey(der[:dn]); err != nil {
		return false
	}
	if m != nil {
		m.Structured = true
	}
	return true
}

// caseForms returns each word as written, in lowercase, in uppercase and
// with its first letter in uppercase, without repeats. Patterns list these
// forms as case-sensitive keywords instead of setting KeywordsFoldCase:
// the engine decodes base64 only around the base64 forms of case-sensitive
// keywords, and a variable name is written in one of these forms in
// practice (heroku, HEROKU, Heroku).
func caseForms(words ...string) []string {
	var out []string
	add := func(w string) {
		for _, o := range out {
			if o == w {
				return
			}
		}
		out = append(out, w)
	}
	for _, w := range words {
		add(w)
		lo, up := []byte(w), []byte(w)
		for i, c := range lo {
			if c >= 'A' && c <= 'Z' {
				lo[i] = c + 'a' - 'A'
			}
			if c >= 'a' && c <= 'z' {
				up[i] = c - ('a' - 'A')
			}
		}
		add(string(lo))
		add(string(up))
		if lo[0] >= 'a' && lo[0] <= 'z' {
			t := append([]byte{}, lo...)
			t[0] -= 'a' - 'A'
			add(string(t))
		}
	}
	return out
}

// rejectCountingRun is a Validator for long random tokens: it rejects a
// secret holding a run of 8 consecutive ascending letters or digits
// ("01234567", "abcdefgh"), which documentation fills tokens with and
// which random tokens of a few hundred characters do not hold (about
// 1e-10 per position). The engine's own check stops at 128 bytes; these
// tokens are longer. It does not allocate.
func rejectCountingRun(secret []byte, _ *Meta) bool {
	run := 1
	for i := 1; i < len(secret); i++ {
		if c := secret[i]; c == secret[i-1]+1 && (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			run++
			if run >= 8 {
				return false
			}
			continue
		}
		run = 1
	}
	return true
}
