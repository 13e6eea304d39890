package patterns

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
)

// Validators of the database and generic groups: placeholder rejection for
// passwords and assigned values, and structure checks for JWTs, PEM,
// OpenSSH, OpenPGP and PuTTY key blocks, HTTP Basic credentials and
// Kubernetes Secret data.

// gnPlaceholderWords are whole values (compared ignoring ASCII case) that
// stand for a password or secret in documentation, templates and code.
var gnPlaceholderWords = [...]string{
	"password", "passwd", "pass", "pwd", "passphrase", "secret", "changeme",
	"change_me", "change-me", "changeit", "mypassword", "yourpassword",
	"your_password", "your-password", "dbpassword", "db_password",
	"userpassword", "user_password", "newpassword", "oldpassword",
	"null", "nil", "none", "undefined", "empty", "true", "false", "yes",
	"no", "on", "off", "redacted", "removed", "hidden", "masked", "filtered",
	"sanitized", "string", "str", "text", "value", "required", "optional",
	"todo", "tbd", "fixme", "sample", "secretvalue", "secret_value",
	"prompt", "stdin", "token", "mytoken", "your_token", "apikey", "api_key",
	"omitted", "notset", "not_set", "unset", "default",
}

// gnReferenceMarkers are substrings (lowercase) that mark a value as a
// reference to a secret stored elsewhere rather than the secret itself.
var gnReferenceMarkers = [...]string{
	"process.env", "os.environ", "getenv", "env[", "env(", "environ[",
	"secrets.", "vault:", "***", "password", "passwd", "<redacted",
	"[redacted", "[filtered", "(redacted", "(hidden",
}

// gnLower returns c lowercased when it is an ASCII upper-case letter.
func gnLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// gnEqualFold reports whether b equals the lowercase word w, ignoring
// ASCII case in b.
func gnEqualFold(b []byte, w string) bool {
	if len(b) != len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if gnLower(b[i]) != w[i] {
			return false
		}
	}
	return true
}

// gnContainsFold reports whether b contains the lowercase word w, ignoring
// ASCII case in b.
func gnContainsFold(b []byte, w string) bool {
	for i := 0; i+len(w) <= len(b); i++ {
		if gnEqualFold(b[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// gnHasPrefixFold reports whether b starts with the lowercase word w,
// ignoring ASCII case in b.
func gnHasPrefixFold(b []byte, w string) bool {
	return len(b) >= len(w) && gnEqualFold(b[:len(w)], w)
}

func gnIsIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func gnIsIdent(c byte) bool {
	return gnIsIdentStart(c) || c >= '0' && c <= '9'
}

func gnIsDigit(c byte) bool { return c >= '0' && c <= '9' }

// isPlaceholderSecret reports whether a password or assigned secret value
// is a placeholder: a documentation word, a mask, a template or variable
// reference, a printf verb, or a value in angle brackets. It is the shared
// check of every connection-string and assignment pattern.
func isPlaceholderSecret(s []byte) bool {
	if len(s) == 0 {
		return true
	}
	for _, w := range gnPlaceholderWords {
		if gnEqualFold(s, w) {
			return true
		}
	}
	for _, w := range gnReferenceMarkers {
		if gnContainsFold(s, w) {
			return true
		}
	}
	// Masks: only mask characters (including the bullet U+2022).
	mask := true
	for _, c := range s {
		switch c {
		case '*', 'x', 'X', '.', '#', '?', '-', '_', 0xE2, 0x80, 0xA2:
		default:
			mask = false
		}
	}
	if mask {
		return true
	}
	first, last := s[0], s[len(s)-1]
	switch {
	case first == '<' && last == '>', first == '[' && last == ']',
		first == '{' && last == '}', first == '(' && last == ')',
		first == '%' && last == '%' && len(s) > 2,                // %DB_PASSWORD%
		first == '_' && last == '_' && len(s) > 4 && s[1] == '_': // __PASSWORD__
		return true
	}
	if len(s) >= 2 {
		switch string(s[:2]) {
		case "${", "$(", "{{", "{%", "<%", "#{", "%(", "$$":
			return true
		}
	}
	// printf verbs: %s, %v, %q, %d.
	if len(s) == 2 && first == '%' {
		return true
	}
	// A bare variable reference: $NAME, $env:NAME.
	if first == '$' && len(s) > 1 {
		rest := s[1:]
		if gnHasPrefixFold(rest, "env:") {
			return true
		}
		ident := gnIsIdentStart(rest[0])
		for _, c := range rest {
			if !gnIsIdent(c) {
				ident = false
				break
			}
		}
		if ident {
			return true
		}
	}
	return false
}

// gnHashPrefixes start password hashes (crypt, bcrypt, argon2, LDAP and
// Django formats), which are not the password.
var gnHashPrefixes = [...]string{
	"$2a$", "$2b$", "$2x$", "$2y$", "$argon2", "$1$", "$5$", "$6$", "$apr1$",
	"$pbkdf2", "$scrypt", "$y$", "{ssha}", "{sha}", "{ssha256}", "{ssha512}",
	"{crypt}", "{bcrypt}", "{pbkdf2}", "pbkdf2_sha256$", "bcrypt$", "argon2$",
	"sha1$", "md5$",
}

// checkURIPassword rejects the password component of a connection URI
// when it is a placeholder.
func checkURIPassword(secret []byte, _ *Meta) bool {
	if isPlaceholderSecret(secret) {
		return false
	}
	// A token used alone as userinfo must look random.
	token := len(secret) >= 20
	for _, c := range secret {
		if !gnIsIdent(c) && c != '-' {
			token = false
			break
		}
	}
	if token && (Entropy(secret) < 3 || gnProviderShaped(secret)) {
		return false
	}
	return true
}

// checkPasswordValue accepts a value assigned to a password-named key or
// flag unless it is a placeholder, a hash, a file path, an identifier
// expression from code, or too short to be a password.
func checkPasswordValue(secret []byte, _ *Meta) bool {
	if len(secret) < 4 || len(secret) > 128 || isPlaceholderSecret(secret) {
		return false
	}
	for _, p := range gnHashPrefixes {
		if gnHasPrefixFold(secret, p) {
			return false
		}
	}
	switch {
	case secret[0] == '/', secret[0] == '~' && len(secret) > 1 && secret[1] == '/',
		secret[0] == '.' && len(secret) > 1 && (secret[1] == '/' || secret[1] == '.'),
		len(secret) > 2 && secret[1] == ':' && (secret[2] == '\\' || secret[2] == '/'),
		gnHasPrefixFold(secret, "file:"):
		return false
	}
	// YAML tags such as !vault (Ansible) or !Ref (CloudFormation).
	if secret[0] == '!' && len(secret) > 1 && gnIsIdentStart(secret[1]) {
		ident := true
		for _, c := range secret[1:] {
			if !gnIsIdent(c) {
				ident = false
				break
			}
		}
		if ident {
			return false
		}
	}
	digits, letters := true, true
	for i, c := range secret {
		if !gnIsDigit(c) {
			digits = false
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (c == '.' || c == ':') && i == len(secret)-1) {
			letters = false
		}
	}
	if digits && len(secret) < 6 {
		return false
	}
	// Version numbers and constraints: 1.0.0, ^1.2, >=2.0.1.
	version, dot := true, false
	for _, c := range secret {
		switch {
		case c == '.':
			dot = true
		case gnIsDigit(c), c == '^', c == '~', c == '<', c == '>', c == '=', c == '*', c == 'x', c == '-':
		default:
			version = false
		}
	}
	if version && dot {
		return false
	}
	// A short word is prose or code ("First pass: number nodes",
	// "password := range", "Password: Required."), and a value naming
	// the key again ("PASS=PASS") is not the password.
	if letters && len(secret) < 16 || gnContainsFold(secret, "pass") {
		return false
	}
	// Identifier expressions from code: args.pw, self.config.secret, getPw().
	// A segment whose characters change class (lower case, upper case,
	// digit) three times or more, and at least once every four characters
	// (oSfgTcwEY, Aa3bC9d8E7), is random, not a name (getUserPassword).
	if gnIsIdentStart(secret[0]) {
		dotted, dots, flips, seg := true, 0, 0, 0
		for i, c := range secret {
			if c == '.' {
				if i+1 >= len(secret) || !gnIsIdentStart(secret[i+1]) {
					dotted = false
					break
				}
				dots, flips, seg = dots+1, 0, i+1
				continue
			}
			if i > seg && gnCharClass(c) != gnCharClass(secret[i-1]) {
				flips++
			}
			if n := i - seg + 1; flips >= 3 && flips*4 >= n && (i+1 == len(secret) || secret[i+1] == '.') {
				dotted = false
				break
			}
			if c == '(' && i+1 < len(secret) && secret[len(secret)-1] == ')' {
				return false
			}
			if !gnIsIdent(c) {
				dotted = false
				break
			}
		}
		if dotted && dots > 0 {
			return false
		}
	}
	return true
}

// gnCharClass is 1 for a lower-case letter, 2 for an upper-case one, 3
// for a digit and 0 otherwise.
func gnCharClass(c byte) int {
	switch {
	case c >= 'a' && c <= 'z':
		return 1
	case c >= 'A' && c <= 'Z':
		return 2
	case c >= '0' && c <= '9':
		return 3
	}
	return 0
}

// gnIsUUID reports whether s has the 8-4-4-4-12 hexadecimal UUID shape.
func gnIsUUID(s []byte) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHexDigitAny(c) {
				return false
			}
		}
	}
	return true
}

func isHexDigitAny(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// gnChecksummedPrefixes start token formats that carry a checksum and have
// their own pattern. A value with one of these prefixes that reaches a
// generic check failed (or will get) its own pattern's checksum test: a
// wrong checksum marks a fake or mistyped token, a hard negative.
var gnChecksummedPrefixes = [...]string{
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "npm_", "glpat-", "glrt-", "gldt-",
	"glsa_", "glc_", "atatt", "atbb", "atctt", "bbdc-", "xprv", "tprv", "yprv", "zprv",
	"age-secret-key-", "nsec1", "pypi-",
}

// gnMSSignatures are the 4-character signatures of Microsoft identifiable
// keys, which sit just before the 6 checksum characters.
var gnMSSignatures = [...]string{
	"+ASt", "AzFu", "ACDb", "AzSe", "APIM", "+ASb", "+AEh", "+ARm", "+ABa", "+ACR", "AzCa", "AIoT", "+AMC",
}

// gnProviderShaped reports whether a value belongs to a checksummed
// provider format (by prefix or Microsoft signature) or is 0x-prefixed
// hex (hashes, addresses and keys the crypto patterns judge). Generic
// checks leave such values to the provider patterns.
func gnProviderShaped(s []byte) bool {
	for _, p := range gnChecksummedPrefixes {
		if gnHasPrefixFold(s, p) {
			return true
		}
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		hex := true
		for _, c := range s[2:] {
			if !isHexDigitAny(c) {
				hex = false
				break
			}
		}
		if hex {
			return true
		}
	}
	n := len(s)
	for n > 0 && s[n-1] == '=' {
		n--
	}
	if n >= 40 {
		sig := s[n-10 : n-6]
		for _, w := range gnMSSignatures {
			if string(sig) == w {
				return true
			}
		}
	}
	return false
}

// gnDigestPrefixes start content digests and integrity strings.
var gnDigestPrefixes = [...]string{"sha1-", "sha256-", "sha384-", "sha512-", "sha256:", "sha512:", "md5-", "h1:"}

// checkOpaqueSecret accepts a random-looking value (at least 12 bytes)
// assigned to a secret-named key or sent in an auth header. It rejects
// placeholders, UUIDs, digests and word-like values, and asks for more
// entropy of short values: the threshold is log2(len)-0.7 bits per byte,
// capped at 3.5 (random 16-char alphanumerics average about 3.75).
func checkOpaqueSecret(secret []byte, _ *Meta) bool {
	if len(secret) < 12 || isPlaceholderSecret(secret) || gnIsUUID(secret) || gnProviderShaped(secret) {
		return false
	}
	for _, p := range gnDigestPrefixes {
		if gnHasPrefixFold(secret, p) {
			return false
		}
	}
	var lower, upper, digit, other int
	for _, c := range secret {
		switch {
		case c >= 'a' && c <= 'z':
			lower++
		case c >= 'A' && c <= 'Z':
			upper++
		case c >= '0' && c <= '9':
			digit++
		default:
			other++
		}
	}
	// Words and identifiers have no digits; random tokens of this size
	// almost always do (a 40-char alphanumeric token lacks one with
	// probability 0.1%). Long base64 with '+' or '/' is let through.
	if digit == 0 && (len(secret) < 40 || !gnHasAny(secret, "+/")) {
		return false
	}
	if digit <= 4 && gnIdentifierPath(secret) {
		return false
	}
	want := 3.5
	switch n := len(secret); {
	case n < 16:
		want = 3.0
	case n < 20:
		want = 3.3
	case n < 24:
		want = 3.4
	}
	return Entropy(secret) >= want
}

// gnHasAny reports whether s holds any byte of set.
func gnHasAny(s []byte, set string) bool {
	for _, c := range s {
		for i := 0; i < len(set); i++ {
			if c == set[i] {
				return true
			}
		}
	}
	return false
}

// gnIdentifierPath reports whether s is a dotted, dashed or underscored
// path of identifiers ("oauth2.google.tokenSource", "key_ima_ext_0"):
// at least one separator, and every segment starts with a letter or is
// all digits.
func gnIdentifierPath(s []byte) bool {
	seps := 0
	start, numeric := true, false
	for _, c := range s {
		switch {
		case c == '.' || c == '_' || c == '-' || c == '/':
			if start {
				return false
			}
			seps++
			start, numeric = true, false
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			if numeric {
				return false
			}
			start = false
		case c >= '0' && c <= '9':
			if start {
				numeric = true
			}
			start = false
		default:
			return false
		}
	}
	return seps > 0 && !start
}

// ---- base64 helpers ----

// gnArmor decodes the base64 body of an armored or PEM block. It skips
// spaces, tabs, CR, LF and the two-character escapes \n, \r, \t (with any
// number of backslashes, as in JSON inside JSON). It stops at '=' padding.
// Decoded bytes go to dst while it has room; each decoded byte is also
// passed to sum when sum is not nil. It returns the number of bytes written,
// the total number decoded, and false on a byte outside the alphabet.
func gnArmor(dst []byte, body []byte, sum *uint32) (n, total int, ok bool) {
	var acc uint32
	var nbits uint
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '\\':
			for i < len(body) && body[i] == '\\' {
				i++
			}
			if i >= len(body) || (body[i] != 'n' && body[i] != 'r' && body[i] != 't') {
				return n, total, false
			}
			continue
		case '=':
			// Padding: only padding and separators may follow.
			for ; i < len(body); i++ {
				switch body[i] {
				case '=', ' ', '\t', '\r', '\n', '\\', 'n', 'r':
				default:
					return n, total, false
				}
			}
			return n, total, true
		}
		v := b64Val[c]
		if v == 0xFF {
			return n, total, false
		}
		acc = acc<<6 | uint32(v)
		nbits += 6
		if nbits >= 8 {
			nbits -= 8
			b := byte(acc >> nbits)
			if n < len(dst) {
				dst[n] = b
				n++
			}
			if sum != nil {
				*sum = crc24Update(*sum, b)
			}
			total++
		}
	}
	return n, total, true
}

// crc24Update adds one byte to an OpenPGP CRC-24 (RFC 4880 section 6.1).
func crc24Update(crc uint32, b byte) uint32 {
	crc ^= uint32(b) << 16
	for i := 0; i < 8; i++ {
		crc <<= 1
		if crc&0x1000000 != 0 {
			crc ^= 0x1864CFB
		}
	}
	return crc & 0xFFFFFF
}

// gnNextLine returns the line of b starting at i and the index after its
// terminator. A terminator is LF, CRLF, or the escapes \n or \r\n (with
// any number of backslashes).
// gnTrimIndent returns line without its leading spaces and tabs (armor
// indented in a YAML block scalar).
func gnTrimIndent(line []byte) []byte {
	for len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
		line = line[1:]
	}
	return line
}

func gnNextLine(b []byte, i int) (line []byte, next int) {
	start := i
	for i < len(b) {
		switch b[i] {
		case '\n':
			end := i
			if end > start && b[end-1] == '\r' {
				end--
			}
			return b[start:end], i + 1
		case '\\':
			j := i
			for j < len(b) && b[j] == '\\' {
				j++
			}
			if j < len(b) && (b[j] == 'n' || b[j] == 'r') {
				end := i
				k := j + 1
				if b[j] == 'r' {
					// \r\n: skip the escaped \n too.
					for k < len(b) && b[k] == '\\' {
						k++
					}
					if k < len(b) && b[k] == 'n' {
						k++
					}
				}
				return b[start:end], k
			}
			i = j
			continue
		}
		i++
	}
	return b[start:], len(b)
}

// ---- JWT ----

// gnB64URLDecode decodes unpadded (or padded) base64url src into dst.
func gnB64URLDecode(dst, src []byte) (int, bool) {
	for len(src) > 0 && src[len(src)-1] == '=' {
		src = src[:len(src)-1]
	}
	if len(src)%4 == 1 || len(src)*6/8 > len(dst) {
		return 0, false
	}
	var acc uint32
	var nbits uint
	n := 0
	for _, c := range src {
		v := b64Val[c]
		if v == 0xFF || c == '+' || c == '/' {
			return 0, false
		}
		acc = acc<<6 | uint32(v)
		nbits += 6
		if nbits >= 8 {
			nbits -= 8
			dst[n] = byte(acc >> nbits)
			n++
		}
	}
	return n, true
}

func gnSkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// gnJSONString returns the index after the JSON string starting at b[i]
// (which must be '"'), or -1.
func gnJSONString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// gnJSONValue returns the index after the JSON value starting at b[i], or
// -1. Nested objects and arrays are skipped by bracket counting.
func gnJSONValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return gnJSONString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = gnJSONString(b, i)
				if i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	start := i
	for i < len(b) {
		c := b[i]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		if !(gnIsIdent(c) || c == '-' || c == '+' || c == '.') {
			return -1
		}
		i++
	}
	if i == start {
		return -1
	}
	return i
}

// gnJSONInt parses the integer part of a JSON number.
func gnJSONInt(v []byte) (int64, bool) {
	if len(v) == 0 || !gnIsDigit(v[0]) {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !gnIsDigit(c) {
			break
		}
		if n > (1<<62)/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// gnJSONOpen checks that b starts (after spaces) with a JSON object and
// returns the index of its first member, or -1. An empty object returns
// len(b) when nothing but spaces follows it.
func gnJSONOpen(b []byte) int {
	i := gnSkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return -1
	}
	i = gnSkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		if gnSkipSpace(b, i+1) == len(b) {
			return len(b)
		}
		return -1
	}
	return i
}

// gnJSONMember reads the top-level member of a JSON object starting at
// b[i] (as returned by gnJSONOpen or a previous call). It returns the key
// (without quotes), the raw value, and the index of the next member, which
// is len(b) after the last one; ok is false when the object is malformed.
// It is an iterator rather than a callback so that b stays on the caller's
// stack.
func gnJSONMember(b []byte, i int) (key, val []byte, next int, ok bool) {
	ks := i
	ke := gnJSONString(b, i)
	if ke < 0 {
		return nil, nil, 0, false
	}
	i = gnSkipSpace(b, ke)
	if i >= len(b) || b[i] != ':' {
		return nil, nil, 0, false
	}
	vs := gnSkipSpace(b, i+1)
	ve := gnJSONValue(b, vs)
	if ve < 0 {
		return nil, nil, 0, false
	}
	i = gnSkipSpace(b, ve)
	if i >= len(b) {
		return nil, nil, 0, false
	}
	switch b[i] {
	case '}':
		if gnSkipSpace(b, i+1) != len(b) {
			return nil, nil, 0, false
		}
		next = len(b)
	case ',':
		next = gnSkipSpace(b, i+1)
		if next >= len(b) {
			return nil, nil, 0, false
		}
	default:
		return nil, nil, 0, false
	}
	return b[ks+1 : ke-1], b[vs:ve], next, true
}

// ValidateJWT checks a JSON Web Token: three '.'-separated base64url parts
// whose header decodes to a JSON object with an "alg" member and whose
// payload decodes to a JSON object. It records the exp and iat claims in m.
// For the registered JWS algorithms the signature must have the length the
// algorithm gives (43 characters for HS256, 342 for RS256 with a 2048-bit
// key, none for alg "none"), so that a truncated or extended token is
// refused; other algorithms accept any signature.
func ValidateJWT(secret []byte, m *Meta) bool {
	d1, d2 := -1, -1
	for i, c := range secret {
		if c == '.' {
			if d1 < 0 {
				d1 = i
			} else if d2 < 0 {
				d2 = i
			} else {
				return false
			}
		}
	}
	if d1 <= 0 || d2 <= d1+1 {
		return false
	}
	var hb [512]byte
	n, ok := gnB64URLDecode(hb[:], secret[:d1])
	if !ok {
		return false
	}
	i := gnJSONOpen(hb[:n])
	if i < 0 {
		return false
	}
	var alg []byte
	for i < n {
		key, val, next, ok := gnJSONMember(hb[:n], i)
		if !ok {
			return false
		}
		if string(key) == "alg" && len(val) > 2 && val[0] == '"' {
			alg = val[1 : len(val)-1]
		}
		i = next
	}
	if alg == nil || !gnJWTSigLenOK(alg, len(secret)-d2-1) {
		return false
	}
	var pb [3072]byte
	n, ok = gnB64URLDecode(pb[:], secret[d1+1:d2])
	if !ok {
		return false
	}
	var exp, iat int64
	i = gnJSONOpen(pb[:n])
	if i < 0 {
		return false
	}
	for i < n {
		key, val, next, ok := gnJSONMember(pb[:n], i)
		if !ok {
			return false
		}
		switch string(key) {
		case "exp":
			exp, _ = gnJSONInt(val)
		case "iat":
			iat, _ = gnJSONInt(val)
		}
		i = next
	}
	sig := secret[d2+1:]
	for _, c := range sig {
		if b64Val[c] == 0xFF || c == '+' || c == '/' {
			return false
		}
	}
	m.ExpiresAt, m.IssuedAt = exp, iat
	m.Structured = true
	return true
}

// gnJWTSigLenOK reports whether a base64url signature of n characters fits
// the JWS algorithm alg (RFC 7518, RFC 8037): HMAC gives the hash size;
// RSA the modulus size (1024 to 8192 bits); ECDSA twice the curve size;
// EdDSA 64 (Ed25519) or 114 (Ed448) bytes; "none" no signature. An
// algorithm not listed accepts any length.
func gnJWTSigLenOK(alg []byte, n int) bool {
	switch string(alg) {
	case "none":
		return n == 0
	case "HS256":
		return n == 43
	case "ES256", "ES256K":
		return n == 86
	case "HS384":
		return n == 64
	case "HS512":
		return n == 86
	case "ES384":
		return n == 128
	case "ES512":
		return n == 176
	case "EdDSA", "Ed25519", "Ed448":
		return n == 86 || n == 152
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		// 1024, 2048, 3072, 4096 and 8192-bit moduli.
		return n == 171 || n == 342 || n == 512 || n == 683 || n == 1366
	}
	return true
}

// ---- PEM, OpenSSH, OpenPGP, PuTTY ----

// gnPEMParts splits a PEM block into the label between "-----BEGIN " and
// "-----" and the body between the BEGIN line and "-----END".
func gnPEMParts(s []byte) (label, body []byte, ok bool) {
	const begin = "-----BEGIN "
	if len(s) < len(begin) || string(s[:len(begin)]) != begin {
		return nil, nil, false
	}
	i := len(begin)
	j := i
	for j+5 <= len(s) && string(s[j:j+5]) != "-----" {
		j++
	}
	if j+5 > len(s) {
		return nil, nil, false
	}
	label = s[i:j]
	rest := s[j+5:]
	k := -1
	for x := 0; x+8 <= len(rest); x++ {
		if string(rest[x:x+8]) == "-----END" {
			k = x
			break
		}
	}
	if k < 0 {
		return nil, nil, false
	}
	return label, rest[:k], true
}

// gnSkipHeaders returns body without its leading blank lines and RFC 1421
// header lines (lines holding ':'), and reports whether a header said
// ENCRYPTED (Proc-Type: 4,ENCRYPTED).
func gnSkipHeaders(body []byte) (rest []byte, encrypted bool) {
	i := 0
	for i < len(body) {
		line, next := gnNextLine(body, i)
		if gnSkipSpace(line, 0) == len(line) {
			i = next
			continue
		}
		colon := false
		for _, c := range line {
			if c == ':' {
				colon = true
				break
			}
		}
		if !colon {
			break
		}
		if gnContainsFold(line, "encrypted") {
			encrypted = true
		}
		i = next
	}
	return body[i:], encrypted
}

// pkcs8Info is the outer structure of a PKCS#8 PrivateKeyInfo, used to
// accept key algorithms crypto/x509 does not parse.
type pkcs8Info struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
}

// dsaPrivateKey is the OpenSSL DSA private key structure.
type dsaPrivateKey struct {
	Version       int
	P, Q, G, Y, X *big.Int
}

// ValidatePEMPrivateKey checks a PEM private key block (escaped "\n"
// forms included): the body must decode and parse as PKCS#1 (RSA), SEC 1
// (EC), PKCS#8, OpenSSL DSA or, for ENCRYPTED blocks, a DER sequence. It
// sets m.Encrypted for ENCRYPTED and Proc-Type encrypted blocks.
func ValidatePEMPrivateKey(secret []byte, m *Meta) bool {
	label, body, ok := gnPEMParts(secret)
	if !ok {
		return false
	}
	body, legacyEnc := gnSkipHeaders(body)
	der := make([]byte, len(body)*3/4+3)
	n, total, ok := gnArmor(der, body, nil)
	if !ok || n != total || n < 32 {
		return false
	}
	der = der[:n]
	if legacyEnc {
		m.Encrypted = true
		return der[0] == 0x30 || n >= 64
	}
	switch string(label) {
	case "RSA PRIVATE KEY":
		_, err := x509.ParsePKCS1PrivateKey(der)
		ok = err == nil
	case "EC PRIVATE KEY":
		_, err := x509.ParseECPrivateKey(der)
		ok = err == nil
	case "PRIVATE KEY":
		if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
			ok = true
		} else {
			var info pkcs8Info
			rest, err := asn1.Unmarshal(der, &info)
			ok = err == nil && len(rest) == 0 && len(info.PrivateKey) > 0
		}
	case "DSA PRIVATE KEY":
		var k dsaPrivateKey
		rest, err := asn1.Unmarshal(der, &k)
		ok = err == nil && len(rest) == 0 && k.X != nil && k.X.Sign() > 0
	case "ENCRYPTED PRIVATE KEY":
		var seq asn1.RawValue
		rest, err := asn1.Unmarshal(der, &seq)
		ok = err == nil && len(rest) == 0 && seq.Tag == asn1.TagSequence
		m.Encrypted = ok
	default:
		return false
	}
	if ok {
		m.Structured = true
	}
	return ok
}

// gnSSHString reads an SSH wire-format string (uint32 length + bytes) at
// b[i:] and returns it with the index after it.
func gnSSHString(b []byte, i int) ([]byte, int, bool) {
	if i+4 > len(b) {
		return nil, 0, false
	}
	n := int(b[i])<<24 | int(b[i+1])<<16 | int(b[i+2])<<8 | int(b[i+3])
	i += 4
	if n < 0 || n > len(b)-i {
		return nil, 0, false
	}
	return b[i : i+n], i + n, true
}

// ValidateOpenSSHPrivateKey checks an OpenSSH private key block (escaped
// "\n" forms included): the body decodes to "openssh-key-v1\0" followed by
// a cipher name, a KDF, one or more keys and a public key whose type name
// is readable. A cipher other than "none" sets m.Encrypted.
func ValidateOpenSSHPrivateKey(secret []byte, m *Meta) bool {
	label, body, ok := gnPEMParts(secret)
	if !ok || string(label) != "OPENSSH PRIVATE KEY" {
		return false
	}
	var buf [512]byte
	n, total, ok := gnArmor(buf[:], body, nil)
	if !ok || total < 64 {
		return false
	}
	b := buf[:n]
	const magic = "openssh-key-v1\x00"
	if len(b) < len(magic) || string(b[:len(magic)]) != magic {
		return false
	}
	i := len(magic)
	cipher, i, ok := gnSSHString(b, i)
	if !ok || len(cipher) == 0 || len(cipher) > 64 {
		return false
	}
	kdf, i, ok := gnSSHString(b, i)
	if !ok || len(kdf) == 0 || len(kdf) > 64 {
		return false
	}
	if _, i, ok = gnSSHString(b, i); !ok {
		return false
	}
	if i+4 > len(b) {
		return false
	}
	nkeys := int(b[i])<<24 | int(b[i+1])<<16 | int(b[i+2])<<8 | int(b[i+3])
	if nkeys < 1 || nkeys > 64 {
		return false
	}
	i += 4
	// The public key blob starts with its key type string.
	if i+8 > len(b) {
		return false
	}
	i += 4
	typ, _, ok := gnSSHString(b, i)
	if !ok || len(typ) < 7 {
		return false
	}
	for _, c := range typ {
		if !(gnIsIdent(c) || c == '-' || c == '@' || c == '.') {
			return false
		}
	}
	m.Encrypted = string(cipher) != "none"
	m.Structured = true
	return true
}

// ValidatePGPPrivateKey checks an OpenPGP armored private key: either the
// whole block (from "-----BEGIN PGP PRIVATE KEY BLOCK-----") or only its
// base64 data, as the pgp-private-key pattern reports it. The data must
// decode, its first packet must be a secret-key packet (tag 5), and the
// CRC-24 checksum line, when present, must match.
func ValidatePGPPrivateKey(secret []byte, m *Meta) bool {
	data := secret
	if gnHasPrefixFold(secret, "-----begin ") {
		label, body, ok := gnPEMParts(secret)
		if !ok || string(label) != "PGP PRIVATE KEY BLOCK" {
			return false
		}
		// Skip the BEGIN line's terminator and the armor headers, which
		// end at the first blank line (which may be missing without
		// headers).
		_, i := gnNextLine(body, 0)
		for j := i; j < len(body); {
			line, next := gnNextLine(body, j)
			line = gnTrimIndent(line)
			if len(line) == 0 {
				i = next
				break
			}
			hasColon := false
			for _, c := range line {
				if c == ':' {
					hasColon = true
					break
				}
			}
			if !hasColon {
				break
			}
			j = next
			i = next
		}
		data = body[i:]
	}
	// Split off the "=XXXX" checksum line.
	var want uint32
	haveSum := false
	for j := 0; j < len(data); {
		line, next := gnNextLine(data, j)
		line = gnTrimIndent(line)
		if len(line) == 5 && line[0] == '=' && (j > 0) {
			var v uint32
			for _, c := range line[1:] {
				x := b64Val[c]
				if x == 0xFF {
					return false
				}
				v = v<<6 | uint32(x)
			}
			want, haveSum = v, true
			data = data[:j]
			break
		}
		j = next
	}
	var first [4]byte
	crc := uint32(0xB704CE)
	n, total, ok := gnArmor(first[:], data, &crc)
	if !ok || n < 2 || total < 32 {
		return false
	}
	tag := -1
	switch c := first[0]; {
	case c&0x80 == 0:
		return false
	case c&0x40 != 0:
		tag = int(c & 0x3F)
	default:
		tag = int(c>>2) & 0x0F
	}
	if tag != 5 {
		return false
	}
	if haveSum {
		if crc != want {
			return false
		}
		m.Structured = true
	}
	return true
}

// ValidatePuTTYKey checks a PuTTY private key file (.ppk version 2 or 3):
// an Encryption line, Public-Lines and Private-Lines counts followed by that
// many base64 lines, and a hex Private-MAC. An encryption other than "none"
// sets m.Encrypted. The MAC itself is not verified.
func ValidatePuTTYKey(secret []byte, m *Meta) bool {
	const head = "PuTTY-User-Key-File-"
	if len(secret) < len(head)+2 || string(secret[:len(head)]) != head {
		return false
	}
	v := secret[len(head)]
	if v != '2' && v != '3' {
		return false
	}
	var encSeen, pubSeen, privSeen, macSeen bool
	encrypted := false
	want := 0 // base64 lines still expected
	for i := 0; i < len(secret); {
		line, next := gnNextLine(secret, i)
		line = gnTrimIndent(line)
		i = next
		if want > 0 {
			if len(line) == 0 || len(line) > 128 {
				return false
			}
			for _, c := range line {
				if b64Val[c] == 0xFF && c != '=' {
					return false
				}
			}
			want--
			continue
		}
		switch {
		case gnHasPrefixFold(line, "encryption: "):
			encSeen = true
			encrypted = !gnEqualFold(line[len("encryption: "):], "none")
		case gnHasPrefixFold(line, "public-lines: "), gnHasPrefixFold(line, "private-lines: "):
			k := 0
			for x := 0; x < len(line); x++ {
				if line[x] == ':' {
					k = x + 2
					break
				}
			}
			cnt, ok := gnJSONInt(line[k:])
			if !ok || cnt < 1 || cnt > 64 {
				return false
			}
			want = int(cnt)
			if line[1] == 'u' {
				pubSeen = true
			} else {
				privSeen = true
			}
		case gnHasPrefixFold(line, "private-mac: "):
			mac := line[len("private-mac: "):]
			if len(mac) != 40 && len(mac) != 64 {
				return false
			}
			for _, c := range mac {
				if !isHexDigitAny(c) {
					return false
				}
			}
			macSeen = true
		}
	}
	if !(encSeen && pubSeen && privSeen && macSeen) || want > 0 {
		return false
	}
	m.Encrypted = encrypted
	m.Structured = true
	return true
}

// ---- HTTP Basic, Kubernetes Secret ----

// checkBasicCredentials accepts the two forms of authorization-basic-header:
// the base64 credentials of a Basic header (ValidateBasicAuth), or the
// password of curl -u user:password. A value that is base64 of printable
// text, or padded base64, is a Basic header value and gets no second
// chance as a password; a password made only of base64 letters must mix
// letters and digits.
func checkBasicCredentials(secret []byte, m *Meta) bool {
	if ValidateBasicAuth(secret, m) {
		return true
	}
	b64, letter, digit, pad := true, false, false, false
	for _, c := range secret {
		switch {
		case c == '=':
			pad = true
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letter = true
		case c == '+' || c == '/':
		default:
			b64 = false
		}
	}
	if b64 {
		if pad || !letter || !digit || gnPrintableBase64(secret) {
			return false
		}
	}
	return checkPasswordValue(secret, m)
}

// gnPrintableBase64 reports whether s is base64 (with or without padding)
// of printable ASCII text.
func gnPrintableBase64(s []byte) bool {
	if len(s)%4 == 1 {
		return false
	}
	var buf [512]byte
	n, total, ok := gnArmor(buf[:], s, nil)
	if !ok || n != total || n == 0 {
		return false
	}
	for _, c := range buf[:n] {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return true
}

// ValidateBasicAuth checks the credentials of an HTTP Basic Authorization
// header: the value base64-decodes to printable "user:password" whose
// password is not a placeholder (a long user with an empty password, as
// API keys are sent, is accepted).
func ValidateBasicAuth(secret []byte, m *Meta) bool {
	var buf [512]byte
	src := secret
	for len(src) > 0 && src[len(src)-1] == '=' {
		src = src[:len(src)-1]
	}
	if len(src)%4 == 1 {
		return false
	}
	n, total, ok := gnArmor(buf[:], src, nil)
	if !ok || n != total || n < 3 {
		return false
	}
	dec := buf[:n]
	colon := -1
	for i, c := range dec {
		if c < 0x20 || c > 0x7E {
			return false
		}
		if c == ':' && colon < 0 {
			colon = i
		}
	}
	if colon < 0 {
		return false
	}
	user, pw := dec[:colon], dec[colon+1:]
	switch {
	case len(pw) == 0:
		if len(user) < 16 || isPlaceholderSecret(user) {
			return false
		}
	case isPlaceholderSecret(pw):
		return false
	}
	m.Structured = true
	return true
}

// ValidateKubernetesSecretData checks the data block of a Kubernetes
// Secret manifest as matched, from its first value to its last: "key: value"
// entries (YAML lines or JSON members) whose values are padded standard
// base64. It rejects the block when every value decodes to a placeholder.
// It does not set m.Structured: base64 is no checksum, and a provider's
// finding decoded from one of the values must win the overlap.
func ValidateKubernetesSecretData(secret []byte, _ *Meta) bool {
	real := 0
	for i := 0; ; {
		e := i
		for e < len(secret) && !gnIsValueEnd(secret[e]) {
			e++
		}
		val := secret[i:e]
		if len(val) == 0 || len(val)%4 != 0 {
			return false
		}
		var buf [96]byte
		n, total, ok := gnArmor(buf[:], val, nil)
		if !ok || total == 0 {
			return false
		}
		if n != total || !isPlaceholderSecret(buf[:n]) {
			real++
		}
		// The next value follows the next key's ':'.
		j := e
		for j < len(secret) && secret[j] != ':' {
			j++
		}
		if j >= len(secret) {
			break
		}
		for j++; j < len(secret) && (secret[j] == ' ' || secret[j] == '\t' || secret[j] == '"' || secret[j] == '\''); j++ {
		}
		i = j
	}
	if real == 0 {
		return false
	}
	return true
}

func gnIsValueEnd(c byte) bool {
	return c == '\n' || c == '\r' || c == '"' || c == '\'' || c == ',' || c == ' ' || c == '\t' || c == '}'
}
