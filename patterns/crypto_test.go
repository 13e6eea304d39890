package patterns_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// TestCryptoRegexTimeBounded runs each regex through the engine over
// hostile input near its keywords and checks the work it costs (counted,
// not timed) stays within the bound every hostile input meets.
func TestCryptoRegexTimeBounded(t *testing.T) {
	for _, id := range cryptoIDs {
		p, _ := patterns.ByID(id)
		d, err := detect.New([]patterns.Pattern{p})
		require.NoError(t, err, id)
		var b bytes.Buffer
		for b.Len() < 4*p.MaxLen {
			b.WriteString(p.Keywords[0])
			b.WriteString(`: "abandon ability able about above absent absorb abstract [1,2,3, {"a":{"b":`)
			b.WriteString(strings.Repeat("1", 50))
		}
		d.Scan(b.Bytes())
		st := d.Stats()
		assert.LessOrEqual(t, st.Work, uint64(hostileWorkMax(b.Len())), "pattern %s: work", id)
		assert.Zero(t, st.Timeouts, "pattern %s: regex searches timed out", id)
	}
}
