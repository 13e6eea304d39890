package patterns

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// aiPreview returns a redacted view of a secret for test messages: its
// first four bytes and its length.
func aiPreview(s string) string {
	if len(s) <= 4 {
		return s + "…(" + strconv.Itoa(len(s)) + ")"
	}
	return s[:4] + "…(" + strconv.Itoa(len(s)) + ")"
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
