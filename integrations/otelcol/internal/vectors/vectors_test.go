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

// TestSamplesCoverCatalog checks that every example of every pattern is a
// vector, and that the default detector finds each one's secret with its
// span and pattern id.
func TestSamplesCoverCatalog(t *testing.T) {
	det, err := detect.New(patterns.Default())
	require.NoError(t, err)
	got := Samples()
	want := map[string]int{}
	for _, p := range patterns.Default() {
		want[p.ID] = len(p.Examples)
	}
	have := map[string]int{}
	for _, s := range got {
		have[s.PatternID]++
		found := false
		for _, f := range det.Scan([]byte(s.Text)) {
			found = found || f.PatternID == s.PatternID && f.Start == s.Start && f.End == s.End
		}
		assert.True(t, found, "%s sample %s: no finding of the pattern at [%d,%d)", s.PatternID, detect.Preview([]byte(s.Text)), s.Start, s.End)
	}
	assert.Equal(t, want, have, "samples per pattern")
}
