package detect

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
)

// Structured fields: a log record's field, a span attribute or a JSON
// member has a name and a value, and the name is context the value alone
// lacks. "password" with the value "Tq7wLz2VbK9x" is as much a credential
// as the text password=Tq7wLz2VbK9x, which the catalog finds; the value
// alone has no shape a pattern knows.
//
// A field whose name says secret is checked as the assignment would be in
// text: the engine scans the text name=value, and, when that finds nothing
// in the value, password=value (quoted when the value holds spaces or
// punctuation), with the catalog's own rules for such values (placeholder,
// entropy, emptiness, length); findings outside the value are dropped. A
// field whose name does not say secret is scanned as its value alone.

// SecretName reports whether name, the name of a structured field, says
// that its value is a secret. A dotted name is a group path (db.password):
// its last component decides. The component is split into words at
// non-alphanumeric bytes and at camelCase boundaries, and compared without
// regard to case; it says secret when its last word is one of password,
// passwd, passwort, passphrase, pass, pwd, secret, token, credential(s),
// creds, authorization, auth, bearer, cookie, session, jwt, apikey,
// accesskey, secretkey, privatekey, or "key" after api, access, secret,
// private, signing, encryption, master, app or client (trailing words such
// as value, str or b64 are skipped first). Names with a word the catalog
// treats as public (public, pub, pubkey, nonce, csrf, xsrf, idempotency,
// sentry, continuation) and page or next tokens do not. So password,
// db.password, dbPassword, X-Api-Key and AUTHORIZATION say secret;
// token_count, password_length, key_id and session_id do not.
// Names added with WithPublicNames and WithSecretNames override these
// rules, public first.
//
// SecretName is safe for concurrent use and does not allocate.
func (d *Detector) SecretName(name string) bool {
	return d.secretPath("", name)
}

// secretPath is SecretName of the path prefix.key (key alone when prefix
// is empty), without building it.
func (d *Detector) secretPath(prefix, key string) bool {
	last := key
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		last = key[i+1:]
	} else if key == "" && prefix != "" {
		last = prefix[strings.LastIndexByte(prefix, '.')+1:]
	}
	if o := &d.opts; len(o.publicNames) > 0 || len(o.secretNames) > 0 {
		if o.userName(o.publicNames, prefix, key, last) {
			return false
		}
		if o.userName(o.secretNames, prefix, key, last) {
			return true
		}
	}
	return builtinSecretName(last)
}

// maxNameBytes bounds a user-given name, normalized.
const maxNameBytes = 128

// userName reports whether m holds the normalized last component, or, for
// names given with dots, a normalized dotted tail of prefix.key.
func (o *options) userName(m map[string]bool, prefix, key, last string) bool {
	if len(m) == 0 {
		return false
	}
	var buf [maxNameBytes]byte
	if n, ok := normalizeName(buf[:0], last, false); ok && m[string(n)] {
		return true
	}
	if !o.dottedNames {
		return false
	}
	n, ok := buf[:0], true
	if prefix != "" {
		n, ok = normalizeName(n, prefix, true)
		if ok && len(n) < maxNameBytes {
			n = append(n, '.')
		}
	}
	if ok {
		n, ok = normalizeName(n, key, true)
	}
	if !ok {
		return false
	}
	if m[string(n)] {
		return true
	}
	for i, c := range n {
		if c == '.' && m[string(n[i+1:])] {
			return true
		}
	}
	return false
}

// normalizeName appends s to dst lowercased, with bytes other than ASCII
// letters, digits and non-ASCII bytes dropped ('.' kept when dots is
// set). It reports false when the result would not fit in maxNameBytes;
// it never grows dst beyond that, so a stack buffer of that size is not
// reallocated.
func normalizeName(dst []byte, s string, dots bool) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c >= 0x80, c == '.' && dots:
		default:
			continue
		}
		if len(dst) == maxNameBytes {
			return dst, false
		}
		dst = append(dst, c)
	}
	return dst, true
}

// WithSecretNames adds field names whose values are secrets, beyond those
// SecretName knows. Names are compared without case and without
// separators (api_key, apiKey and API-KEY are one name) against a field
// name's last component; a name with a dot (db.pin) is compared against
// the end of the field's group path instead. An empty name, or one with no
// letter or digit, or longer than 128 bytes, is an error.
func WithSecretNames(names ...string) Option {
	return optionFunc(func(o *options) error {
		return o.addNames(&o.secretNames, "WithSecretNames", names)
	})
}

// WithPublicNames adds field names whose values are not secrets by their
// name, overriding SecretName's rules and WithSecretNames: such a field is
// scanned as its value alone, as any field whose name does not say
// secret. Names are compared as for WithSecretNames, with the same errors.
func WithPublicNames(names ...string) Option {
	return optionFunc(func(o *options) error {
		return o.addNames(&o.publicNames, "WithPublicNames", names)
	})
}

func (o *options) addNames(m *map[string]bool, opt string, names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("%w: %s without names", ErrInvalidOption, opt)
	}
	for i, name := range names {
		// The name is not shown: it may be a secret passed in the wrong
		// place.
		n, ok := normalizeName(nil, name, true)
		n = []byte(strings.Trim(string(n), "."))
		if !ok || len(n) == 0 || strings.Contains(string(n), "..") {
			return fmt.Errorf("%w: %s name %d (of %d bytes) is empty, has no letter or digit, is longer than %d bytes or has an empty group",
				ErrInvalidOption, opt, i, len(name), maxNameBytes)
		}
		if *m == nil {
			*m = make(map[string]bool)
		}
		(*m)[string(n)] = true
		if strings.IndexByte(string(n), '.') >= 0 {
			o.dottedNames = true
		}
	}
	return nil
}

// Word classes of builtinSecretName.
const (
	wordOther  = iota
	wordSecret // the last word of a secret name
	wordKey    // key, keys: secret after a wordOwner
	wordOwner  // makes a following key secret
	wordValue  // names a form or encoding after a secret word
	wordPaging // before "token": a pagination cursor
	wordPublic // anywhere in a name: public, as in the catalog's generic rule
)

// maxWordBytes is the longest word wordClass knows.
const maxWordBytes = 16

// wordClass returns the class of a name word, compared without regard to
// ASCII case. It does not allocate.
func wordClass(w string) int {
	if len(w) > maxWordBytes {
		return wordOther
	}
	var buf [maxWordBytes]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(w)]) {
	case "password", "passwd", "passwort", "passphrase", "pass", "pwd", "passcode", "secret", "secrets",
		"token", "tokens", "credential", "credentials", "creds", "authorization", "auth",
		"bearer", "cookie", "cookies", "session", "jwt", "apikey", "accesskey", "secretkey",
		"privatekey", "signingkey":
		return wordSecret
	case "key", "keys":
		return wordKey
	case "api", "access", "private", "signing", "encryption", "master", "app", "client":
		return wordOwner
	case "value", "val", "str", "string", "text", "plain", "plaintext", "raw", "b64", "base64", "hex", "bytes":
		return wordValue
	case "page", "next":
		return wordPaging
	case "public", "pub", "pubkey", "nonce", "csrf", "xsrf", "idempotency", "sentry", "continuation":
		return wordPublic
	}
	return wordOther
}

// builtinSecretName applies SecretName's built-in rules to one name
// component. It reads the last words first, from the end: almost every
// name is decided there without splitting the rest.
func builtinSecretName(s string) bool {
	last, end := prevWord(s, len(s))
	if last == "" {
		return false
	}
	lc := wordClass(last)
	if lc == wordValue {
		if w, e := prevWord(s, end); w != "" {
			last, end, lc = w, e, wordClass(w)
		}
	}
	if lc != wordSecret && lc != wordKey && lc != wordOwner {
		return false
	}
	prev, _ := prevWord(s, end)
	pc := wordClass(prev)
	switch {
	case lc == wordSecret:
		// "secret" is also an owner of "key": secret_key.
		if pc == wordPaging && (strings.EqualFold(last, "token") || strings.EqualFold(last, "tokens")) {
			return false
		}
	case lc == wordKey:
		if pc != wordOwner && !strings.EqualFold(prev, "secret") {
			return false
		}
	default:
		return false
	}
	for i := 0; ; {
		var w string
		if w, i = nextWord(s, i); w == "" {
			return true
		}
		if wordClass(w) == wordPublic {
			return false
		}
	}
}

// prevWord returns the last word of s[:end] (as nextWord splits words)
// and its start, or "" when there is none.
func prevWord(s string, end int) (string, int) {
	for end > 0 && !isAlnum(s[end-1]) {
		end--
	}
	if end == 0 {
		return "", 0
	}
	j := end - 1
	for j > 0 {
		c, p := s[j], s[j-1]
		if !isAlnum(p) || isUpper(c) && (isLower(p) || isDigit(p) || isUpper(p) && j+1 < end && isLower(s[j+1])) {
			break
		}
		j--
	}
	return s[j:end], j
}

// nextWord returns the word of s that starts at or after i, and the
// offset after it, or "" at the end. Words are runs of ASCII letters and
// digits, split before an upper-case letter that follows a lower-case
// letter or digit (dbPassword) or that starts a word after an acronym
// (APIKey).
func nextWord(s string, i int) (string, int) {
	for i < len(s) && !isAlnum(s[i]) {
		i++
	}
	start := i
	for i++; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) || isUpper(c) && (isLower(s[i-1]) || isDigit(s[i-1]) ||
			isUpper(s[i-1]) && i+1 < len(s) && isLower(s[i+1])) {
			break
		}
	}
	if start >= len(s) {
		return "", len(s)
	}
	return s[start:i], i
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// minFieldSecret is the shortest value of a secret-named field that is
// checked as an assignment: the catalog's password rule refuses shorter.
const minFieldSecret = 4

// fieldScratch is per-call scratch memory of AppendScanField, pooled.
type fieldScratch struct {
	buf []byte
	fs  []Finding
}

var fieldPool = sync.Pool{New: func() any { return new(fieldScratch) }}

// AppendScanField appends to dst the findings in value, the value of a
// structured field named name (a dotted group path allowed), and returns
// the extended slice. Offsets are into value. The value is scanned as
// Scan would; when that finds nothing and SecretName(name) holds, the
// value is checked as an assignment to its name (see SecretName and the
// package documentation): the same checks, and pattern ids, as
// name=value and password=value in text. A placeholder, an empty value and
// one shorter than 4 bytes are never masked by name alone.
//
// AppendScanField is safe for concurrent use. It allocates nothing when it
// finds nothing and the name does not say secret, beyond growing dst;
// scratch memory for secret-named fields is pooled.
func (d *Detector) AppendScanField(dst []Finding, name string, value []byte) []Finding {
	n := len(dst)
	dst = d.appendScanField(dst, "", name, value)
	d.observe(len(value), dst[n:])
	return dst
}

// RedactField returns value, the value of a structured field named name,
// with the secrets AppendScanField finds replaced by masks, or value
// itself when there are none.
//
// RedactField is safe for concurrent use.
func (d *Detector) RedactField(name, value string) string {
	if !d.SecretName(name) {
		return d.RedactString(value)
	}
	return d.redactNamed(name, value)
}

// redactNamed is RedactField for a name that says secret, whose last
// component is that of key. It reports the check to the Observer.
func (d *Detector) redactNamed(key, value string) string {
	src := bytesOf(value)
	sc := fieldPool.Get().(*fieldScratch)
	fs := d.appendScanAt(sc.fs[:0], src, 0)
	if len(fs) == 0 {
		fs = d.appendNamed(fs, key, src)
	}
	d.observe(len(src), fs)
	r := value
	if len(fs) > 0 {
		r = string(d.applyMasks(make([]byte, 0, len(value)+32*len(fs)), src, fs))
	}
	sc.fs = fs
	putFieldScratch(sc)
	return r
}

// appendScanField is AppendScanField for the field prefix.key.
func (d *Detector) appendScanField(dst []Finding, prefix, key string, value []byte) []Finding {
	n := len(dst)
	dst = d.appendScanAt(dst, value, 0)
	if len(dst) > n || !d.secretPath(prefix, key) {
		return dst
	}
	return d.appendNamed(dst, key, value)
}

// appendNamed checks value as the value of a secret-named field whose
// key (the last component of its path) is key.
func (d *Detector) appendNamed(dst []Finding, key string, value []byte) []Finding {
	if len(value) < minFieldSecret || isPlaceholder(value) || knownDocValues[string(value)] {
		return dst
	}
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	sc := fieldPool.Get().(*fieldScratch)
	defer putFieldScratch(sc)
	n := len(dst)
	if assignableKey(key) {
		// The name as written: the catalog's generic rule (api_key=…)
		// reports under its own id.
		dst = d.appendAssigned(sc, dst, key, value)
	}
	if len(dst) == n {
		dst = d.appendAssigned(sc, dst, "password", value)
	}
	return dst
}

// appendAssigned scans key=value (value quoted when it holds a byte that
// ends a bare value) and appends the findings that lie in value, shifted to
// offsets into value and cut to it.
func (d *Detector) appendAssigned(sc *fieldScratch, dst []Finding, key string, value []byte) []Finding {
	quote := byte(0)
	for _, c := range value {
		if bareStop(c) {
			quote = '"'
			break
		}
	}
	if quote != 0 && bytes.IndexByte(value, '"') >= 0 {
		quote = '\''
		if bytes.IndexByte(value, '\'') >= 0 {
			quote = 0 // neither quote fits: the bare form, as in text
		}
	}
	b := append(sc.buf[:0], key...)
	b = append(b, '=')
	if quote != 0 {
		b = append(b, quote)
	}
	off := len(b)
	b = append(b, value...)
	if quote != 0 {
		b = append(b, quote)
	}
	sc.buf = b
	sc.fs = d.appendScanAt(sc.fs[:0], b, 0)
	for _, f := range sc.fs {
		if f.End <= off {
			continue
		}
		f.Start = max(f.Start, off) - off
		f.End = min(f.End, off+len(value)) - off
		if f.Start < f.End {
			dst = append(dst, f)
		}
	}
	return dst
}

// assignableKey reports whether key can stand before '=' as the catalog's
// assignment rules read a key name.
func assignableKey(key string) bool {
	if key == "" || len(key) > 100 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; !isAlnum(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// bareStop reports whether c ends a bare value in the catalog's password
// rule.
func bareStop(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\v', '\f', '"', '\'', '`', ',', ';', '&', '<', '>', '(', ')', '{', '}', '[', ']', '\\':
		return true
	}
	return false
}

func putFieldScratch(sc *fieldScratch) {
	if cap(sc.buf) > maxPooledCap || cap(sc.fs) > 1024 {
		return
	}
	sc.buf, sc.fs = sc.buf[:0], sc.fs[:0]
	fieldPool.Put(sc)
}
