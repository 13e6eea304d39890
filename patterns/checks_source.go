package patterns

import (
	"bytes"
	"encoding/base64"
	"hash/crc32"
	"strings"
)

// This file holds the offline checks of the source-hosting, package-registry
// and communications groups. Each check is a Validator: it never panics,
// never allocates, never retains the secret and runs in time linear in the
// secret's length (the base-58 size check is quadratic in a length the
// pattern bounds to 73 bytes). Each sets Meta.Structured when it accepts.
// The algorithm names (GH-CRC, GL-CRC, ATL-CRC, ATL-DC, PYPI, DISCORD) are
// those of the credential catalog.

// scBase62Digits is the digit alphabet of GitHub's checksum: digits, then
// upper case, then lower case.
const scBase62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// scBase62Value returns the value of one base-62 digit, or -1.
func scBase62Value(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 36
	}
	return -1
}

// scBase36Lower returns the value of one lowercase base-36 digit, or -1.
func scBase36Lower(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	}
	return -1
}

// scHexUpper returns the value of one upper-case hex digit, or -1.
func scHexUpper(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func scIsAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func scIsBase64URL(c byte) bool { return scIsAlnum(c) || c == '-' || c == '_' }

func scIsDigit(c byte) bool { return c >= '0' && c <= '9' }

// ValidateGitHubToken is the GH-CRC check of GitHub tokens (ghp_, gho_,
// ghu_, ghs_, ghr_) and npm access tokens (npm_). The last 36 bytes of the
// secret are a 30-character alphanumeric random part R and a 6-character
// checksum C; C is CRC-32 (IEEE) of R written in base 62 (digits, upper
// case, lower case), most significant digit first, zero-padded. The prefix
// is not covered by the checksum and is not checked here, so any prefix
// length works. A random string passes with probability 2⁻³².
func ValidateGitHubToken(secret []byte, m *Meta) bool {
	n := len(secret)
	if n < 36 {
		return false
	}
	random := secret[n-36 : n-6]
	for _, c := range random {
		if !scIsAlnum(c) {
			return false
		}
	}
	var want uint64
	for _, c := range secret[n-6:] {
		v := scBase62Value(c)
		if v < 0 {
			return false
		}
		want = want*62 + uint64(v)
	}
	if uint64(crc32.ChecksumIEEE(random)) != want {
		return false
	}
	m.Structured = true
	return true
}

// ValidateGitLabRoutable is the GL-CRC check of GitLab routable tokens
// (glpat-, glrt-t1_, and any instance or custom prefix). The secret ends in
// P "." [V "."] L C: P is an unpadded base64url payload of 27 to 300
// characters, V an optional 2-character lowercase base-36 version (tokens
// made before 2025-04 lack it), L the length of P in 2 lowercase base-36
// digits, and C the CRC-32 (IEEE) of everything before C, prefix included,
// in 7 lowercase base-36 digits, zero-padded. The check locates P through
// L, so whatever precedes P is taken as the prefix and covered by the CRC.
func ValidateGitLabRoutable(secret []byte, m *Meta) bool {
	n := len(secret)
	if n < 37 {
		return false
	}
	var want uint64
	for _, c := range secret[n-7:] {
		v := scBase36Lower(c)
		if v < 0 {
			return false
		}
		want = want*36 + uint64(v)
	}
	l0, l1 := scBase36Lower(secret[n-9]), scBase36Lower(secret[n-8])
	if l0 < 0 || l1 < 0 || secret[n-10] != '.' {
		return false
	}
	plen := l0*36 + l1
	if plen < 27 || plen > 300 || plen%4 == 1 {
		return false
	}
	end := n - 10 // the dot after P, or after the version
	if end >= 3 && secret[end-3] == '.' {
		v0, v1 := scBase36Lower(secret[end-2]), scBase36Lower(secret[end-1])
		if v0 >= 0 && v1 >= 0 {
			end -= 3
		}
	}
	if end < plen {
		return false
	}
	for _, c := range secret[end-plen : end] {
		if !scIsBase64URL(c) {
			return false
		}
	}
	if uint64(crc32.ChecksumIEEE(secret[:n-7])) != want {
		return false
	}
	m.Structured = true
	return true
}

// ValidateGitLabToken checks a GitLab token of any form: a routable token
// (it contains ".") must pass the GL-CRC check of ValidateGitLabRoutable;
// legacy forms carry no checksum and are accepted as they are.
func ValidateGitLabToken(secret []byte, m *Meta) bool {
	for _, c := range secret {
		if c == '.' {
			return ValidateGitLabRoutable(secret, m)
		}
	}
	return true
}

var scEqualsSign = []byte{'='}

// ValidateAtlassianToken is the ATL-CRC check of Bitbucket app passwords
// (ATBB…), Atlassian API tokens (ATATT3xFfGF0…) and Bitbucket access tokens
// (ATCTT3xFfGN0…). The last 8 bytes are CRC-32 (IEEE) of everything before
// them, as big-endian upper-case hex. "%3D", "%3d" and `\=` are read as
// "=" before the CRC is computed, as they appear in URLs and escaped
// strings; the ATATT and ATCTT forms must end in "=" before the checksum.
func ValidateAtlassianToken(secret []byte, m *Meta) bool {
	n := len(secret)
	if n < 12 {
		return false
	}
	var want uint32
	for _, c := range secret[n-8:] {
		v := scHexUpper(c)
		if v < 0 {
			return false
		}
		want = want<<4 | uint32(v)
	}
	body := secret[:n-8]
	var crc uint32
	var last byte
	start := 0
	for i := 0; i < len(body); {
		skip := 0
		switch {
		case body[i] == '%' && i+2 < len(body) && body[i+1] == '3' && (body[i+2] == 'D' || body[i+2] == 'd'):
			skip = 3
		case body[i] == '\\' && i+1 < len(body) && body[i+1] == '=':
			skip = 2
		}
		if skip == 0 {
			last = body[i]
			i++
			continue
		}
		crc = crc32.Update(crc, crc32.IEEETable, body[start:i])
		crc = crc32.Update(crc, crc32.IEEETable, scEqualsSign)
		last = '='
		i += skip
		start = i
	}
	crc = crc32.Update(crc, crc32.IEEETable, body[start:])
	if crc != want {
		return false
	}
	if (bytes.HasPrefix(secret, []byte("ATATT")) || bytes.HasPrefix(secret, []byte("ATCTT"))) && last != '=' {
		return false
	}
	m.Structured = true
	return true
}

// scDecodeBase64Any decodes src, standard or URL-safe alphabet, with or
// without padding, into dst, which must be large enough
// (base64.RawStdEncoding.DecodedLen of the unpadded length). It returns the
// decoded length, or -1 when src is not base64 or does not fit.
func scDecodeBase64Any(dst, src []byte) int {
	for len(src) > 0 && src[len(src)-1] == '=' {
		src = src[:len(src)-1]
	}
	if len(src)%4 == 1 || base64.RawStdEncoding.DecodedLen(len(src)) > len(dst) {
		return -1
	}
	enc := base64.RawStdEncoding
	if bytes.IndexByte(src, '-') >= 0 || bytes.IndexByte(src, '_') >= 0 {
		enc = base64.RawURLEncoding
	}
	k, err := enc.Decode(dst, src)
	if err != nil {
		return -1
	}
	return k
}

// ValidateAtlassianDC is the ATL-DC check of Jira and Confluence Data
// Center personal access tokens and Bitbucket Data Center HTTP access
// tokens (BBDC-…). After an optional "BBDC-" the secret base64-decodes to a
// decimal id (1 to 20 digits, not zero), ":" and 20 random bytes. It is a
// structure check; there is no checksum.
func ValidateAtlassianDC(secret []byte, m *Meta) bool {
	secret = bytes.TrimPrefix(secret, []byte("BBDC-"))
	var buf [48]byte
	k := scDecodeBase64Any(buf[:], secret)
	if k < 0 {
		return false
	}
	b := buf[:k]
	colon := bytes.IndexByte(b, ':')
	if colon < 1 || colon > 20 || len(b)-colon-1 != 20 {
		return false
	}
	zero := true
	for _, c := range b[:colon] {
		if !scIsDigit(c) {
			return false
		}
		if c != '0' {
			zero = false
		}
	}
	if zero {
		return false
	}
	m.Structured = true
	return true
}

// PyPI macaroon locations, as they appear in the location field.
var (
	scPypiLocation     = []byte("pypi.org")
	scTestPyPILocation = []byte("test.pypi.org")
)

// scMacaroonField reads one v2 macaroon field (type byte, varint length,
// data) at b[i:]. It returns the type, the data's bounds and the index
// after the field; ok is false when the field is cut short. A type of 0
// (end of section) has no length or data.
func scMacaroonField(b []byte, i int) (typ byte, start, end, next int, ok bool) {
	if i >= len(b) {
		return 0, 0, 0, 0, false
	}
	typ = b[i]
	i++
	if typ == 0 {
		return 0, i, i, i, true
	}
	var n, shift uint
	for {
		if i >= len(b) || shift > 14 {
			return 0, 0, 0, 0, false
		}
		c := b[i]
		i++
		n |= uint(c&0x7f) << shift
		if c < 0x80 {
			break
		}
		shift += 7
	}
	if n > uint(len(b)-i) {
		return 0, 0, 0, 0, false
	}
	return typ, i, i + int(n), i + int(n), true
}

// ValidatePyPIToken is the PYPI check of PyPI and TestPyPI API tokens. After
// "pypi-" the secret is the unpadded base64url encoding of a version-2
// macaroon: 0x02, a location field (type 1) holding "pypi.org" or
// "test.pypi.org", an identifier field (type 2), an end of section, caveat
// sections, an end of caveats, and a 32-byte signature field (type 6). A
// TestPyPI token sets m.Test. Tokens longer than 1,360 characters are
// checked up to their first caveat only.
func ValidatePyPIToken(secret []byte, m *Meta) bool {
	src, ok := bytes.CutPrefix(secret, []byte("pypi-"))
	if !ok {
		return false
	}
	var buf [1020]byte
	full := true
	if base64.RawURLEncoding.DecodedLen(len(src)) > len(buf) {
		src = src[:len(buf)/3*4]
		full = false
	}
	if len(src)%4 == 1 {
		return false
	}
	k, err := base64.RawURLEncoding.Decode(buf[:], src)
	if err != nil {
		return false
	}
	b := buf[:k]
	if len(b) < 2 || b[0] != 0x02 {
		return false
	}
	// Header: location, identifier, end of section.
	typ, s, e, i, ok := scMacaroonField(b, 1)
	if !ok || typ != 1 {
		return false
	}
	loc := b[s:e]
	test := bytes.Equal(loc, scTestPyPILocation)
	if !test && !bytes.Equal(loc, scPypiLocation) {
		return false
	}
	typ, s, e, i, ok = scMacaroonField(b, i)
	if !ok || typ != 2 || e-s < 8 {
		return false
	}
	if typ, _, _, i, ok = scMacaroonField(b, i); !ok || typ != 0 {
		return false
	}
	if full {
		// Caveat sections, each ended by 0; an empty section ends them.
		for sections := 0; ; sections++ {
			if sections > 64 {
				return false
			}
			fields := 0
			for {
				typ, _, _, i, ok = scMacaroonField(b, i)
				if !ok {
					return false
				}
				if typ == 0 {
					break
				}
				if typ != 1 && typ != 2 && typ != 4 {
					return false
				}
				fields++
			}
			if fields == 0 {
				break
			}
		}
		typ, s, e, i, ok = scMacaroonField(b, i)
		if !ok || typ != 6 || e-s != 32 || i != len(b) {
			return false
		}
	}
	m.Test = test
	m.Structured = true
	return true
}

// ValidateDiscordBotToken is the DISCORD check of Discord bot tokens: the
// part before the first "." base64url-decodes to the bot's decimal user id,
// 17 to 20 digits without a leading zero.
func ValidateDiscordBotToken(secret []byte, m *Meta) bool {
	dot := bytes.IndexByte(secret, '.')
	if dot < 0 {
		return false
	}
	var buf [24]byte
	k := scDecodeBase64Any(buf[:], secret[:dot])
	if k < 17 || k > 20 || buf[0] == '0' {
		return false
	}
	for _, c := range buf[:k] {
		if !scIsDigit(c) {
			return false
		}
	}
	m.Structured = true
	return true
}

// scBase58Digits is the Bitcoin base-58 alphabet.
const scBase58Digits = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// scBase58Value returns the value of one Bitcoin-alphabet base-58 digit, or -1.
func scBase58Value(c byte) int {
	return strings.IndexByte(scBase58Digits, c)
}

// scBase58DecodedLen returns the length in bytes of the base-58 decoding of
// s (each leading '1' is one zero byte), or -1 when s holds a character
// outside the alphabet or decodes to more than 64 bytes.
func scBase58DecodedLen(s []byte) int {
	var num [64]byte // big-endian, significant bytes at the end
	used := 0
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	for _, c := range s[zeros:] {
		carry := scBase58Value(c)
		if carry < 0 {
			return -1
		}
		for j := len(num) - 1; j >= len(num)-used; j-- {
			carry += 58 * int(num[j])
			num[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			if used == len(num) {
				return -1
			}
			used++
			num[len(num)-used] = byte(carry)
			carry >>= 8
		}
	}
	return zeros + used
}

// ValidateArtifactoryToken checks JFrog Artifactory credentials. An API key
// ("AKCp" + 69 characters) must be base 58 and decode to 54 bytes. A
// reference token ("cmVmdGtu…") must base64-decode to
// "reftkn:" digits ":" digits ":" and a random part of base64 characters.
// Both are structure checks; neither format has a public checksum.
func ValidateArtifactoryToken(secret []byte, m *Meta) bool {
	switch {
	case bytes.HasPrefix(secret, []byte("AKCp")):
		if scBase58DecodedLen(secret) != 54 {
			return false
		}
	case bytes.HasPrefix(secret, []byte("cmVmdGtu")):
		var buf [96]byte
		k := scDecodeBase64Any(buf[:], secret)
		if k < 0 {
			return false
		}
		b, ok := bytes.CutPrefix(buf[:k], []byte("reftkn:"))
		if !ok {
			return false
		}
		for range 2 {
			d := 0
			for d < len(b) && scIsDigit(b[d]) {
				d++
			}
			if d == 0 || d == len(b) || b[d] != ':' {
				return false
			}
			b = b[d+1:]
		}
		if len(b) < 8 {
			return false
		}
		for _, c := range b {
			if !scIsBase64URL(c) && c != '+' && c != '/' {
				return false
			}
		}
	default:
		return false
	}
	m.Structured = true
	return true
}

// ValidateSentryOrgToken checks a Sentry organization auth token,
// "sntrys_" + base64 JSON + "_" + secret: the JSON part must decode to an
// object that starts with {"iat": and names "region_url".
func ValidateSentryOrgToken(secret []byte, m *Meta) bool {
	rest, ok := bytes.CutPrefix(secret, []byte("sntrys_"))
	if !ok {
		return false
	}
	us := bytes.LastIndexByte(rest, '_')
	if us < 0 || len(rest)-us-1 < 32 {
		return false
	}
	var buf [768]byte
	k := scDecodeBase64Any(buf[:], rest[:us])
	if k < 0 {
		return false
	}
	j := bytes.TrimSpace(buf[:k])
	if !bytes.HasPrefix(j, []byte(`{"iat":`)) || j[len(j)-1] != '}' ||
		!bytes.Contains(j, []byte(`"region_url"`)) {
		return false
	}
	m.Structured = true
	return true
}
