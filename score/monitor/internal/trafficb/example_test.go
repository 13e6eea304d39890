package trafficb_test

import (
	"fmt"

	"github.com/leakward/leakward/score/monitor/internal/evalset"
	"github.com/leakward/leakward/score/monitor/internal/trafficb"
)

func ExampleGenerate() {
	s := trafficb.Generate(trafficb.Options{Seed: 1, Keys: 300, PerKind: 2})
	var n [evalset.NumKinds]int
	for _, in := range s.Instances {
		n[in.Kind]++
	}
	for k := evalset.Replay; k < evalset.NumKinds; k++ {
		fmt.Println(k, n[k])
	}
	// Output:
	// replay 2
	// after-leak 2
	// key-testing 2
	// billing 2
	// priv-esc 2
	// drip 2
	// dormant 2
}
