package detect

import (
	"math/rand/v2"

	"github.com/leakward/leakward/internal/testlog"
)

// genLog returns about size bytes of log text; every secretEvery-th line
// (when secretEvery > 0) carries a valid test token.
func genLog(size, secretEvery int, seed uint64) []byte {
	return testlog.Generate(size, seed, secretEvery, func(r *rand.Rand) string {
		return `level=warn msg="leaked" token=` + makeTok(r)
	})
}
