package evalset

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestJudge(t *testing.T) {
	s := &Stream{
		Keys:      make([][16]byte, 6),
		Behaviour: []string{"service", "service", "person", "victim", "tried", "tried"},
		Instances: []Instance{
			{Kind: Replay, Victims: []int32{3}, Start: 1000},
			{Kind: KeyTesting, Victims: []int32{4, 5}, Source: netip.MustParsePrefix("198.51.100.0/24"), Start: 5000},
			{Kind: Drip, Victims: []int32{3}, Start: 200000},
		},
	}
	alerts := []Alert{
		{Time: 900, Key: 3},               // before the replay: counts for nothing
		{Time: 1000 + Window + 1, Key: 3}, // too late for the replay
		{Time: 7000, Key: 1, Addr: netip.MustParseAddr("198.51.100.7")}, // from the testing network
		{Time: 8000, Key: 2, Reason: "x"},                               // a false alarm
		{Time: 9000, Key: 2, Reason: "y"},                               // the same key again
	}
	r := Judge(s, alerts)
	assert.Equal(t, 0, r.Detected[Replay], "replay alerted only outside its window")
	assert.Equal(t, 1, r.Detected[KeyTesting], "an alert from the testing network detects key testing")
	assert.Equal(t, int64(2000), r.MedianDelay(KeyTesting))
	assert.Equal(t, 0, r.Detected[Drip])
	assert.Equal(t, []int{0, 2}, r.Missed)
	assert.Equal(t, 3, r.BenignKeys, "keys 0, 1, 2 are benign")
	assert.Equal(t, 2, r.BenignAlerted, "key 1 (from the testing network) and key 2")
	assert.Equal(t, [2]int{2, 1}, r.ByBehaviour["service"])
	assert.Equal(t, map[string]int{"": 1, "x": 1}, r.FalseReasons, "a key counts once, by its first alert")
	assert.InDelta(t, 2.0/3, r.FalseRate(), 1e-9)
	assert.Equal(t, 1.0, r.Rate(Billing), "a kind with no instances")
}
