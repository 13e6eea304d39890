package patterns

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aiPreview returns a redacted view of a secret for test messages: its
// first four bytes and its length.
func aiPreview(s string) string {
	if len(s) <= 4 {
		return s + "…(" + strconv.Itoa(len(s)) + ")"
	}
	return s[:4] + "…(" + strconv.Itoa(len(s)) + ")"
}

// aiEngineOnlyNonExamples are hard negatives that the engine's generic
// placeholder and documentation-value rejection handles, not the pattern;
// aiGroupFindings does not model that step, so it skips them.
var aiEngineOnlyNonExamples = map[string]bool{
	`stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"`: true,
}

// window slack added on both sides of MaxLen, as the engine does for
// look-arounds.
const aiTestSlack = 16

// aiGroupFindings models the engine on one pattern: it finds each keyword
// occurrence in text, runs the regex in the window MaxLen (+ slack) bytes
// around it, keeps matches that contain the occurrence, takes the secret
// group, and applies Validate and MinEntropy. It returns the accepted
// secrets and, for each, the whole match.
func aiGroupFindings(t *testing.T, p Pattern, re *regexp2.Regexp, text string) (secrets, matches []string) {
	t.Helper()
	maxLen := p.MaxLen
	if maxLen == 0 {
		maxLen = DefaultMaxLen
	}
	hay := text
	if p.KeywordsFoldCase {
		hay = strings.ToLower(text)
	}
	seen := map[[2]int]bool{}
	for _, kw := range p.Keywords {
		if p.KeywordsFoldCase {
			kw = strings.ToLower(kw)
		}
		for off := 0; ; {
			i := strings.Index(hay[off:], kw)
			if i < 0 {
				break
			}
			k := off + i
			off = k + 1
			lo := max(0, k-maxLen-aiTestSlack)
			hi := min(len(text), k+len(kw)+maxLen+aiTestSlack)
			win := text[lo:hi]
			m, err := re.FindStringMatch(win)
			require.NoError(t, err, "pattern %s: regex error", p.ID)
			for ; m != nil; m, err = re.FindNextMatch(m) {
				require.NoError(t, err, "pattern %s: regex error", p.ID)
				ms, ml := m.ByteRange()
				ms += lo
				if ms > k || ms+ml < k+len(kw) {
					continue
				}
				ss, sl := ms, ml
				if g := m.GroupByName("secret"); g != nil && len(g.Captures) > 0 {
					ss, sl = g.ByteRange()
					ss += lo
				}
				if seen[[2]int{ss, sl}] {
					continue
				}
				seen[[2]int{ss, sl}] = true
				secret := text[ss : ss+sl]
				if p.Validate != nil && !p.Validate([]byte(secret), &Meta{}) {
					continue
				}
				if p.MinEntropy > 0 && Entropy([]byte(secret)) < p.MinEntropy {
					continue
				}
				secrets = append(secrets, secret)
				matches = append(matches, text[ms:ms+ml])
			}
		}
	}
	return secrets, matches
}

var aiKebabID = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// aiCheckGroup runs the shape checks and every vector of ps.
func aiCheckGroup(t *testing.T, ps []Pattern, wantIDs []string) {
	t.Helper()
	var gotIDs []string
	for _, p := range ps {
		gotIDs = append(gotIDs, p.ID)
	}
	assert.Equal(t, wantIDs, gotIDs, "catalog ids of the group")

	for _, p := range ps {
		t.Run(p.ID, func(t *testing.T) {
			assert.Regexp(t, aiKebabID, p.ID)
			assert.NotEmpty(t, p.Provider, "Provider")
			assert.NotEmpty(t, p.Description, "Description")
			assert.NotEmpty(t, p.Grants, "Grants")
			assert.NotEmpty(t, p.Keywords, "Keywords")
			assert.Positive(t, p.MaxLen, "MaxLen")
			assert.GreaterOrEqual(t, len(p.Examples), 2, "Examples")
			assert.GreaterOrEqual(t, len(p.NonExamples), 2, "NonExamples")
			if p.NeedsContext {
				assert.Equal(t, ConfidenceContextual, p.Confidence, "context-only patterns are contextual")
			}
			for _, kw := range p.Keywords {
				assert.GreaterOrEqual(t, len(kw), 3, "keyword %q", kw)
			}
			re, err := regexp2.Compile(p.Regex)
			require.NoError(t, err, "Regex of %s", p.ID)
			re.MatchTimeout = time.Second

			for _, ex := range p.Examples {
				secrets, matches := aiGroupFindings(t, p, re, ex)
				if !assert.NotEmpty(t, secrets, "example %q: no finding", aiRedactExample(ex)) {
					continue
				}
				for i, s := range secrets {
					assert.LessOrEqual(t, len(matches[i]), p.MaxLen, "example %q: match of %s longer than MaxLen", aiRedactExample(ex), aiPreview(s))
					assert.NotContains(t, s, "\n", "example %q: secret %s spans lines", aiRedactExample(ex), aiPreview(s))
				}
			}
			for _, nx := range p.NonExamples {
				if aiEngineOnlyNonExamples[nx] {
					continue
				}
				secrets, _ := aiGroupFindings(t, p, re, nx)
				for _, s := range secrets {
					assert.Fail(t, "non-example matched", "non-example %q: found %s", aiRedactExample(nx), aiPreview(s))
				}
			}
		})
	}
}

// aiRedactExample shortens a vector for failure messages so that no full
// synthetic secret is printed: each run of 12 or more token characters is
// cut to its first 4 bytes and length.
func aiRedactExample(s string) string {
	var b bytes.Buffer
	run := 0
	flush := func(end int) {
		if run >= 12 {
			b.WriteString(aiPreview(s[end-run : end]))
		} else {
			b.WriteString(s[end-run : end])
		}
		run = 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == '-' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' {
			run++
			continue
		}
		flush(i)
		b.WriteByte(c)
	}
	flush(len(s))
	return b.String()
}

func TestAIPatterns(t *testing.T) {
	aiCheckGroup(t, aiPatterns(), []string{
		"openai-project-key", "openai-service-account-key", "openai-admin-key", "openai-legacy-user-key",
		"anthropic-api-key", "anthropic-admin-key", "huggingface-user-token", "huggingface-org-token",
		"google-api-key", "cohere-api-key", "mistral-api-key", "groq-api-key", "replicate-api-token",
		"perplexity-api-key", "xai-api-key", "deepseek-api-key", "openrouter-api-key", "together-api-key",
		"fireworks-api-key", "elevenlabs-api-key", "pinecone-api-key", "langsmith-api-key",
		"langfuse-secret-key", "nvidia-api-key", "cerebras-api-key", "tavily-api-key", "llamacloud-api-key",
		"weightsandbiases-api-key", "voyage-api-key", "stability-api-key", "assemblyai-api-key",
		"deepgram-api-key", "azure-openai-key",
	})
}

// Synthetic bodies for the validator tests (not real keys).
const (
	aiTestHalf58 = "Qm9ndXNCb2R5MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QQ"
	aiTestHalf20 = "Zk3pQ8rT1vWx5yB7nM2c"
)

func TestCheckOpenAIMarker(t *testing.T) {
	h58 := aiTestHalf58[:58]
	tests := []struct {
		name   string
		secret string
		prefix int
		want   bool
	}{
		{"admin 58+58", "sk-admin-" + h58 + "T3BlbkFJ" + h58, 9, true},
		{"project 58+58", "sk-proj-" + h58 + "T3BlbkFJ" + h58, 8, true},
		{"legacy 20+20", "sk-" + aiTestHalf20 + "T3BlbkFJ" + aiTestHalf20, 3, true},
		{"marker off centre", "sk-" + aiTestHalf20 + "xT3BlbkFJ" + aiTestHalf20[1:], 3, false},
		{"one marker byte changed", "sk-" + aiTestHalf20 + "T3BlbkFK" + aiTestHalf20, 3, false},
		{"odd remainder", "sk-" + aiTestHalf20 + "T3BlbkFJ" + aiTestHalf20 + "x", 3, false},
		{"prefix only", "sk-", 3, false},
		{"empty", "", 3, false},
	}
	for _, tt := range tests {
		got := checkOpenAIMarker(tt.prefix)([]byte(tt.secret), &Meta{})
		assert.Equal(t, tt.want, got, "checkOpenAIMarker(%d)(%s): %s", tt.prefix, aiPreview(tt.secret), tt.name)
	}
}

func TestCheckGroqMarker(t *testing.T) {
	good := "gsk_" + "Ab3dEf6hIj9kLm2nOp5q" + "WGdyb3FY" + "Rs8tUv1wXy4zAb7cDe0fGh3i"
	tests := []struct {
		name   string
		secret string
		want   bool
	}{
		{"marker at 24", good, true},
		{"one marker byte changed", strings.Replace(good, "WGdyb3FY", "WGdyb3FZ", 1), false},
		{"one byte short", good[:55], false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		got := checkGroqMarker([]byte(tt.secret), &Meta{})
		assert.Equal(t, tt.want, got, "checkGroqMarker(%s): %s", aiPreview(tt.secret), tt.name)
	}
}

func TestCheckAnthropicSuffix(t *testing.T) {
	body := strings.Repeat("aB3-_x9Z", 12)[:93]
	tests := []struct {
		name   string
		secret string
		want   bool
	}{
		{"AA suffix", "sk-ant-api03-" + body + "AA", true},
		{"last byte changed", "sk-ant-api03-" + body + "AB", false},
		{"too short", "AA", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		got := checkAnthropicSuffix([]byte(tt.secret), &Meta{})
		assert.Equal(t, tt.want, got, "checkAnthropicSuffix(%s): %s", aiPreview(tt.secret), tt.name)
	}
}

func TestCheckLetterAndDigit(t *testing.T) {
	tests := []struct {
		secret string
		skip   int
		want   bool
	}{
		{"abc123", 0, true},
		{"abcdef", 0, false},
		{"123456", 0, false},
		{"sk-123456", 3, false},
		{"sk-12345a", 3, true},
		{"sk", 3, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got := checkLetterAndDigit(tt.skip)([]byte(tt.secret), &Meta{})
		assert.Equal(t, tt.want, got, "checkLetterAndDigit(%d)(%q)", tt.skip, tt.secret)
	}
}

func TestCheckUpperLowerDigit(t *testing.T) {
	tests := []struct {
		secret string
		skip   int
		want   bool
	}{
		{"pa-aB3", 3, true},
		{"pa-ab3", 3, false},
		{"pa-AB3", 3, false},
		{"pa-aBc", 3, false},
		{"pa", 3, false},
	}
	for _, tt := range tests {
		got := checkUpperLowerDigit(tt.skip)([]byte(tt.secret), &Meta{})
		assert.Equal(t, tt.want, got, "checkUpperLowerDigit(%d)(%q)", tt.skip, tt.secret)
	}
}

func TestAIValidatorsDoNotAllocate(t *testing.T) {
	secret := []byte("sk-" + aiTestHalf20 + "T3BlbkFJ" + aiTestHalf20)
	v := checkOpenAIMarker(3)
	ld := checkLetterAndDigit(3)
	var m Meta
	got := testing.AllocsPerRun(100, func() {
		v(secret, &m)
		ld(secret, &m)
		checkGroqMarker(secret, &m)
		checkAnthropicSuffix(secret, &m)
	})
	assert.Zero(t, got, "allocations per validator call")
}

func TestAIValidatorsNeverPanic(t *testing.T) {
	var ps []Pattern
	ps = append(ps, aiPatterns()...)
	ps = append(ps, paymentPatterns()...)
	inputs := [][]byte{nil, {}, []byte("A"), []byte("AA"), []byte("sk-"), []byte("T3BlbkFJ"), []byte("gsk_WGdyb3FY")}
	for n := 0; n <= 200; n += 7 {
		inputs = append(inputs, bytes.Repeat([]byte{'a', '1', 'A', '-'}, n)[:n])
	}
	for _, p := range ps {
		if p.Validate == nil {
			continue
		}
		for _, in := range inputs {
			assert.NotPanics(t, func() { p.Validate(in, &Meta{}) }, "%s validator on %d bytes", p.ID, len(in))
		}
	}
}
