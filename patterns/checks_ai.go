package patterns

import "strconv"

// Regex building blocks and validators shared by the AI and payment groups.

// Token boundaries for prefixed tokens whose alphabet includes '_' and '-':
// the token may not continue a longer word on either side.
const (
	aiTokenStart = `(?<![A-Za-z0-9_-])`
	aiTokenEnd   = `(?![A-Za-z0-9_-])`
)

// aiAssignPrefix matches a name that starts with a context word kw (any case,
// not inside a longer word) followed by up to 24 name characters and an
// assignment: `KW_API_KEY=`, `"kw_key": "`, `kw.api_key = '`,
// `os.environ["KW_KEY"] = "`, `kw := "`, `Kw:ApiKey" value="`,
// `kw.Client("`, `kw.Client(api_key="`, `require('kw')('`, or a YAML block
// `kw:` whose next, indented line names a key, token or secret, an XML
// element `<KW_KEY>`, JSON nested in a JSON string `\"kw_key\":\"`, or a
// Kubernetes env entry `name: KW_KEY` whose next line is `value: `. It
// consumes the opening quote, if any.
func aiAssignPrefix(kw string) string {
	return `(?<![A-Za-z0-9])(?i:` + kw + `)[\w.:-]{0,24}?["'\\\])]{0,4}[ \t]*` +
		`(?:(?::=|=>|[:=>])[ \t]*` + aiNestedKey + `|(?i:value)[ \t]*=[ \t]*|\(\s*(?:[A-Za-z_]\w{0,20}\s*=\s*)?` +
		`|` + kubeEnvValue + `)` +
		`\\?["'` + "`" + `]?`
}

// kubeEnvValue is the step from the name of a Kubernetes container env
// entry to its value on the next line: "- name: KW_KEY\n  value: ".
const kubeEnvValue = `\r?\n[ \t]{0,24}(?:-[ \t]{1,4})?value[ \t]{0,4}:[ \t]{0,4}`

// aiNestedKey optionally matches the next line of a YAML block, indented,
// when its name mentions a key, token or secret: `\n  api_key: `.
const aiNestedKey = `(?:\r?\n[ \t]+["']?(?i:[\w.-]{0,16}(?:key|token|secret)[\w.-]{0,8})["']?[ \t]*:[ \t]*)?`

// aiAssign returns a regex that finds a secret of shape body assigned to a
// name that starts with kw (see aiAssignPrefix). The secret may not be
// followed by a letter or digit.
func aiAssign(kw, body string) string {
	return aiAssignPrefix(kw) + `(?<secret>` + body + `)(?![A-Za-z0-9])`
}

// aiHostAuthPrefix matches an API host (a regex such as `api\.cohere\.(?:ai|com)`)
// followed, within reach bytes, by an authorization header value introduced
// by scheme (such as `Bearer\s+`), as in a curl command or an HTTP client
// call.
func aiHostAuthPrefix(host, scheme string, reach int) string {
	return `(?i:` + host + `)[\s\S]{0,` + strconv.Itoa(reach) + `}?(?i:` + scheme + `)`
}

// aiHostReach is how far after the host aiHostAuth looks for the header.
const aiHostReach = 200

// aiHostAuth returns a regex that finds a secret of shape body sent with a
// request to host (see aiHostAuthPrefix), within aiHostReach bytes.
func aiHostAuth(host, scheme, body string) string {
	return aiHostAuthWithin(host, scheme, body, aiHostReach)
}

// aiHostAuthWithin is aiHostAuth with the header within reach bytes of the
// host.
func aiHostAuthWithin(host, scheme, body string, reach int) string {
	return aiHostAuthPrefix(host, scheme, reach) + `(?<secret>` + body + `)(?![A-Za-z0-9])`
}

// openAIMarker is base64 of "OpenAI", the fixed middle of OpenAI keys.
const openAIMarker = "T3BlbkFJ"

// checkOpenAIMarker returns a Validator for OpenAI keys made of a prefix of
// prefixLen bytes, two equal halves and the openAIMarker between them. It
// rejects a candidate whose marker is not exactly in the middle. The marker
// is a fixed byte string, not a checksum, so it does not set m.Structured.
func checkOpenAIMarker(prefixLen int) Validator {
	return func(secret []byte, _ *Meta) bool {
		n := len(secret) - prefixLen - len(openAIMarker)
		if n <= 0 || n%2 != 0 {
			return false
		}
		at := prefixLen + n/2
		return string(secret[at:at+len(openAIMarker)]) == openAIMarker
	}
}

// groqMarker is base64 of "XgroqX", found at byte 24 of every Groq key.
const groqMarker = "WGdyb3FY"

// checkGroqMarker rejects a Groq key candidate that is not 56 bytes long or
// lacks groqMarker at byte 24.
func checkGroqMarker(secret []byte, _ *Meta) bool {
	return len(secret) == 56 && string(secret[24:32]) == groqMarker
}

// checkAnthropicSuffix rejects an Anthropic key candidate that does not end
// in "AA" after a 93-byte body.
func checkAnthropicSuffix(secret []byte, _ *Meta) bool {
	n := len(secret)
	return n >= 95 && secret[n-1] == 'A' && secret[n-2] == 'A'
}

// checkLetterAndDigit returns a Validator that rejects a candidate with no
// ASCII letter or no ASCII digit after its first skip bytes (a fixed prefix).
// Random keys of 20 or more alphanumeric characters nearly always have both;
// words, identifiers and numbers do not.
func checkLetterAndDigit(skip int) Validator {
	return func(secret []byte, _ *Meta) bool {
		if len(secret) < skip {
			return false
		}
		var letter, digit bool
		for _, c := range secret[skip:] {
			switch {
			case c >= '0' && c <= '9':
				digit = true
			case c|0x20 >= 'a' && c|0x20 <= 'z':
				letter = true
			}
		}
		return letter && digit
	}
}

// checkUpperLowerDigit returns a Validator that rejects a candidate lacking
// an upper-case letter, a lower-case letter or a digit after its first skip
// bytes. In 40 or more random base64url characters each is missing with
// probability below 0.1%; in kebab-case names and words they are not.
func checkUpperLowerDigit(skip int) Validator {
	return func(secret []byte, _ *Meta) bool {
		if len(secret) < skip {
			return false
		}
		var upper, lower, digit bool
		for _, c := range secret[skip:] {
			switch {
			case c >= '0' && c <= '9':
				digit = true
			case c >= 'a' && c <= 'z':
				lower = true
			case c >= 'A' && c <= 'Z':
				upper = true
			}
		}
		return upper && lower && digit
	}
}
