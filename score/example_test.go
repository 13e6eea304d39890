package score_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
	"github.com/leakward/leakward/score"
	"github.com/leakward/leakward/score/leakstore"
)

func ExampleScorer_Score() {
	r := score.Default().Score(score.Input{
		Grants:     patterns.PrivCloudRoot,
		Severity:   patterns.SeverityCritical,
		Confidence: patterns.ConfidenceContextual,
		Exposure:   score.ExposureLog,
	})
	fmt.Println(r.Score, r.Level)
	for _, x := range r.Reasons() {
		fmt.Printf("%-24s %+4d  %s\n", x.Code, x.Points, x.Text)
	}
	// Output:
	// 80 critical
	// privilege.cloud-root      +50  administers cloud resources
	// severity.critical         +20  base severity critical
	// confidence.contextual      +0  random-looking value next to a keyword
	// exposure.log              +10  found in a log
}

func ExampleNew() {
	// A service that treats anything in its logs as public.
	w := score.DefaultWeights()
	w.Exposure[score.ExposureLog] = w.Exposure[score.ExposurePublic]
	s, err := score.New(score.Config{Weights: &w, Thresholds: score.Thresholds{Low: 1, Medium: 20, High: 40, Critical: 70}})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := s.Score(score.Input{Grants: patterns.PrivMessaging, Severity: patterns.SeverityHigh,
		Confidence: patterns.ConfidenceDistinctive, Exposure: score.ExposureLog})
	fmt.Println(r.Score, r.Level)

	_, err = score.New(score.Config{Thresholds: score.Thresholds{Low: 10, Medium: 5, High: 50, Critical: 90}})
	fmt.Println(err)
	// Output:
	// 80 critical
	// score: thresholds must satisfy 1 <= low < medium < high < critical <= 100: got 10, 5, 50, 90
}

func ExampleScorer_ScoreFinding() {
	d, err := detect.New(demoPatterns())
	if err != nil {
		fmt.Println(err)
		return
	}
	k := makeKeys()
	line := []byte(`level=info msg="charge" api_key=` + k.payLive)
	for _, f := range d.Scan(line) {
		// Default has no leak store, so this never fails; with a store,
		// an error means the store could not answer (see ScoreFinding).
		r, err := score.Default().ScoreFinding(context.Background(), line, f, score.ExposureLog, time.Time{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(f, r.Score, r.Level)
	}
	// Output:
	// demo-pay-key[32:73] (41 bytes) 85 critical
}

func ExampleChecker_Check() {
	ctx := context.Background()
	d, err := detect.New(demoPatterns())
	if err != nil {
		fmt.Println(err)
		return
	}
	k := makeKeys()
	store, err := leakstore.New(leakstore.Config{Capacity: 100})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = store.Add([]byte(k.leaked))
	c, err := score.NewChecker(d, score.CheckerConfig{Store: store})
	if err != nil {
		fmt.Println(err)
		return
	}
	want := score.CheckOptions{Types: []string{"demo-pay-key"}, RequireLive: true}
	for _, key := range []string{k.payLive, k.payTest, k.leaked, k.ai, "${PAY_KEY}", "hello"} {
		dec := c.Check(ctx, []byte(key), want)
		fmt.Println(dec.Accepted, dec.Reject, dec.Result.Level, dec.Checks)
	}

	// A decision marshals without the key.
	b, _ := json.MarshalIndent(c.Check(ctx, []byte(k.payTest), want), "", "  ")
	os.Stdout.Write(append(b, '\n'))
	// Output:
	// true  high format|placeholder|type|test-key|expiry|leak-store
	// false check.test-mode low format|placeholder|type|test-key|expiry|leak-store
	// false store.known-leaked critical format|placeholder|type|test-key|expiry|leak-store
	// false check.unexpected-type high format|placeholder|type|test-key|expiry|leak-store
	// false check.placeholder none format|placeholder|leak-store
	// false check.unrecognised none format|placeholder|leak-store
	// {
	//   "accepted": false,
	//   "reject": "check.test-mode",
	//   "pattern_id": "demo-pay-key",
	//   "checks": [
	//     "format",
	//     "placeholder",
	//     "type",
	//     "test-key",
	//     "expiry",
	//     "leak-store"
	//   ],
	//   "score": 15,
	//   "level": "low",
	//   "reasons": [
	//     {
	//       "code": "check.test-mode",
	//       "points": 0,
	//       "text": "a test or sandbox key where a live key is required"
	//     },
	//     {
	//       "code": "privilege.test-mode",
	//       "points": 0,
	//       "text": "sandbox access only"
	//     },
	//     {
	//       "code": "severity.critical",
	//       "points": 20,
	//       "text": "base severity critical"
	//     },
	//     {
	//       "code": "confidence.distinctive",
	//       "points": 10,
	//       "text": "distinctive prefix or fixed marker"
	//     },
	//     {
	//       "code": "mode.test",
	//       "points": -15,
	//       "text": "test, sandbox or testnet value"
	//     },
	//     {
	//       "code": "exposure.user-input",
	//       "points": 0,
	//       "text": "submitted by its owner"
	//     }
	//   ]
	// }
}

// downStore is a leak store whose backend is down.
type downStore struct{}

var errDown = errors.New("leak service: connection refused")

func (downStore) ContainsKey(context.Context, []byte) (bool, error)      { return false, errDown }
func (downStore) ContainsDigest(context.Context, [32]byte) (bool, error) { return false, errDown }

// A store that cannot answer rejects the key with store.unavailable: an
// outage never reads as "not leaked". StoreFailOpen accepts instead, and
// the Decision still says the leak check did not run.
func ExampleCheckerConfig_storeUnavailable() {
	ctx := context.Background()
	d, err := detect.New(demoPatterns())
	if err != nil {
		fmt.Println(err)
		return
	}
	key := []byte(makeKeys().payLive)
	for _, cfg := range []score.CheckerConfig{
		{Store: downStore{}},                      // the default: fail closed
		{Store: downStore{}, StoreFailOpen: true}, // fail open: accept during the outage
		{RequireStore: true},                      // a store is required and none was loaded
		{},                                        // no store, by choice
	} {
		c, err := score.NewChecker(d, cfg)
		if err != nil {
			fmt.Println(err)
			return
		}
		dec := c.Check(ctx, key, score.CheckOptions{})
		fmt.Printf("accepted=%v reject=%q leak-checked=%v err=%v\n",
			dec.Accepted, dec.Reject, dec.Checks.Has(score.CheckedLeakStore), dec.StoreErr)
	}
	// Output:
	// accepted=false reject="store.unavailable" leak-checked=false err=score: leak store unavailable: leak service: connection refused
	// accepted=true reject="" leak-checked=false err=score: leak store unavailable: leak service: connection refused
	// accepted=false reject="store.unavailable" leak-checked=false err=score: leak store unavailable: no store configured
	// accepted=true reject="" leak-checked=false err=<nil>
}
