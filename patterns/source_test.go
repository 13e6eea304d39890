package patterns

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGitLabTokenValidator(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"glrt-PdjM4NxZVIbrcpsiHjFj", true},
		{"glrt-t1_YzoxCm86MQp0OjG-whcvnaeE7TtertH9du5BEA.01.121hl1y6y", true},
		{"glrt-t1_YzoxCm86MQp0OjG-whcvnaeE7TtertH9du5BEA.01.121hl1y6z", false},
	}
	for _, tc := range cases {
		var m Meta
		got := ValidateGitLabToken([]byte(tc.in), &m)
		assert.Equal(t, tc.want, got, "ValidateGitLabToken(%s)", scPreviewLen(tc.in))
	}
}
