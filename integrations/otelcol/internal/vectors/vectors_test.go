package vectors

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

func TestGitHubTokenValidates(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 100 {
		tok := GitHubToken(r)
		var m patterns.Meta
		assert.True(t, patterns.ValidateGitHubToken([]byte(tok), &m), "token %s", detect.Preview([]byte(tok)))
	}
}

func TestSamplesCoverCatalog(t *testing.T) {
	det, err := detect.New(patterns.Default())
	require.NoError(t, err)
	got := Samples(det)
	assert.Greater(t, len(got), 50, "samples found in the default catalog")
	for _, s := range got {
		assert.NotEmpty(t, s.Secrets, "secrets of the %s sample", s.PatternID)
	}
}
