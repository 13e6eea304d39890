package detect

// Placeholder rejection applies to every pattern's secret: documentation
// values, template references and masks are not credentials.

// placeholderWords are lowercase substrings that mark a value as a
// placeholder when they occur in it.
var placeholderWords = []string{
	"example", "placeholder", "redacted", "changeme", "change_me", "replace_me",
	"replaceme", "your_", "your-", "yourapi", "<your", "insert_", "xxxxx",
	"${", "{{", "%(", "process.env", "os.environ", "getenv(", "dummy", "<redact",
	"•••", "*****", "...", "…",
}

// knownDocValues are published documentation and emulator values.
var knownDocValues = map[string]bool{
	"AKIAIOSFODNN7EXAMPLE":                     true,
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": true,
	"sk_test_4eC39HqLyjWDarjtT1zdp7dc":         true,
	"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==": true,
	"test test test test test test test test test test test junk":                              true,
}

// IsPlaceholder reports whether a candidate secret is a placeholder, a
// mask, a template reference or a published documentation value, by the
// rules every pattern's findings go through: a known documentation value
// (AKIAIOSFODNN7EXAMPLE, …), a placeholder word (example, changeme,
// your_, ${, {{, xxxxx, *****, …), and, for values up to 128 bytes, a run
// of 6 identical bytes or fewer than 4 distinct bytes in 8 or more, and,
// at any length, an ascending run of 8 (abcdefgh, 12345678). It does not
// allocate.
func IsPlaceholder(s []byte) bool { return knownDocValues[string(s)] || isPlaceholder(s) }

// isPlaceholder applies the rules of IsPlaceholder but the documentation
// values, which the engine checks first for every candidate.
func isPlaceholder(s []byte) bool {
	if len(s) == 0 {
		return true
	}
	if containsFoldAny(s) {
		return true
	}
	// Runs of one byte do not occur in random tokens of up to 128 bytes (a
	// run of 6 in a 64-char hex string has probability about 6e-5); longer
	// structured secrets (DER in PEM) have them. Ascending runs of 8 are
	// rarer still (about 2e-13 per position in base64) and are checked at
	// any length.
	short := len(s) <= 128
	run, seq := 1, 1
	for i := 1; i < len(s); i++ {
		if short {
			// Whitespace runs are indentation inside multi-line spans.
			if s[i] == s[i-1] && s[i] != ' ' && s[i] != '\t' {
				run++
				if run >= 6 {
					return true
				}
			} else {
				run = 1
			}
		}
		if s[i] == s[i-1]+1 && isAlnum(s[i]) {
			seq++
			if seq >= 8 {
				return true
			}
		} else {
			seq = 1
		}
	}
	return short && len(s) >= 8 && !distinctAtLeast(s, 4)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// distinctAtLeast reports whether s holds at least n distinct bytes; it
// stops as soon as it has seen them.
func distinctAtLeast(s []byte, n int) bool {
	var seen [4]uint64
	for _, c := range s {
		if seen[c>>6]&(1<<(c&63)) == 0 {
			seen[c>>6] |= 1 << (c & 63)
			if n--; n <= 0 {
				return true
			}
		}
	}
	return n <= 0
}

// wordsByFirst lists, for each byte, the placeholderWords that begin with
// it in either case, so that containsFoldAny makes one pass over s and
// compares only the words that can start at each position.
var wordsByFirst = func() (t [256][]string) {
	for _, w := range placeholderWords {
		c := w[0]
		t[c] = append(t[c], w)
		if c >= 'a' && c <= 'z' {
			t[c-('a'-'A')] = append(t[c-('a'-'A')], w)
		}
	}
	return t
}()

// firstPairs marks, for every placeholder word, its first two bytes in
// every ASCII case, indexed by the pair as a 16-bit number: one bit test
// rules out almost every position before any word is compared.
var firstPairs = func() (t [1 << 16 / 64]uint64) {
	for _, w := range placeholderWords {
		for _, a := range caseForms(w[0]) {
			for _, b := range caseForms(w[1]) {
				i := uint16(a)<<8 | uint16(b)
				t[i>>6] |= 1 << (i & 63)
			}
		}
	}
	return t
}()

func caseForms(c byte) []byte {
	if c >= 'a' && c <= 'z' {
		return []byte{c, c - ('a' - 'A')}
	}
	return []byte{c}
}

// containsFoldAny reports whether s contains any of placeholderWords,
// ignoring ASCII case in s. Every word is at least 2 bytes long.
func containsFoldAny(s []byte) bool {
	for i := 0; i+1 < len(s); i++ {
		pair := uint16(s[i])<<8 | uint16(s[i+1])
		if firstPairs[pair>>6]&(1<<(pair&63)) == 0 {
			continue
		}
		for _, w := range wordsByFirst[s[i]] {
			if len(w) <= len(s)-i && equalFoldLower(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

// equalFoldLower compares b with the lowercase word w ignoring ASCII case
// in b.
func equalFoldLower(b []byte, w string) bool {
	for i := 0; i < len(w); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}
