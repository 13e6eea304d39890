package detect

import (
	"math/rand/v2"
	"time"

	"github.com/leakward/leakward/internal/testlog"
)

// genLog returns about size bytes of log text; every secretEvery-th line
// (when secretEvery > 0) carries a valid test token.
func genLog(size, secretEvery int, seed uint64) []byte {
	return testlog.Generate(size, seed, secretEvery, func(r *rand.Rand) string {
		return `level=warn msg="leaked" token=` + makeTok(r)
	})
}

var testTime = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
