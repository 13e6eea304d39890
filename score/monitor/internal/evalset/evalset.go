// Package evalset is the common shape of a labelled key-usage stream and
// the one rule by which a monitor's alerts on it are judged. Traffic
// models produce a Stream; an evaluation replays its events through a
// monitor, collects the alerts and calls Judge.
//
// The judging rule: an attack instance is detected when an alert on its
// victim key (for key testing: on one of the tried keys, or on any key
// from the testing network) falls within 24 hours after the instance's
// first anomalous call. A benign key is one that is no instance's victim
// or tried key; it counts as a false alarm if any alert names it.
//
// Nothing here is safe for concurrent use.
package evalset

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// Kind is the kind of an attack instance.
type Kind uint8

// Attack kinds. Benign is the zero value.
const (
	Benign     Kind = iota
	Replay          // a leaked key replayed from many networks
	AfterLeak       // a key used by someone else after its leak was noticed
	KeyTesting      // one network tries many keys (a dump being tested)
	Billing         // a billing spike: the key's spend rises far above its history
	PrivEsc         // privilege escalation: a read-only key starts write or admin calls
	Drip            // a slow drip of calls from one new address
	Dormant         // a dormant key (idle for weeks) reactivated by someone else
	NumKinds
)

var kindNames = [...]string{"benign", "replay", "after-leak", "key-testing", "billing", "priv-esc", "drip", "dormant"}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Window is how long after an instance's start an alert still detects it.
const Window = 24 * 3600

// Event is one call, or one notice about a key (Leak, Unmark).
type Event struct {
	Time  int64 // unix seconds, when the call happened
	Key   int32 // index into Stream.Keys
	Addr  netip.Addr
	Agent string // client string, e.g. "openai-python/1.12.0"
	Op    string // operation, e.g. "POST /v1/chat/completions"
	Units float64
	// Leak: the key was found leaked at Time (a leak feed notice; no call).
	Leak bool
	// Unmark: the key's owner rotated it and the leak mark is cleared at
	// Time (no call).
	Unmark bool
	// Instance is the attack instance this call belongs to, -1 for a
	// benign call or a notice.
	Instance int32
}

// Instance is one attack.
type Instance struct {
	Kind Kind
	// Victims are the attacked keys: one key, or for key testing the tried
	// keys.
	Victims []int32
	// Source is the attacker's network for key testing (alerts on any key
	// from an address in it count); the zero Prefix otherwise.
	Source netip.Prefix
	// Start is the time of the first anomalous call (unix seconds).
	Start int64
	// Note is a free-form description of how the attack was shaped (for
	// breaking results down); it may be empty.
	Note string
}

// Stream is one labelled stream.
type Stream struct {
	Start, End int64
	Keys       [][16]byte // key fingerprints (the monitor's KeyID)
	// Behaviour labels each key's benign behaviour ("service", "travel",
	// "org-audit", ...); a victim's label is its behaviour before the
	// attack. Labels are free-form and break false alarms down.
	Behaviour []string
	Instances []Instance
	// Events in delivery order (which may differ from time order by the
	// stream's delivery jitter).
	Events []Event
}

// Alert is one alert raised by a monitor.
type Alert struct {
	Time int64 // the alerting event's time
	Key  int32
	Addr netip.Addr
	// Reason is a short code for the signal(s) behind the alert, used to
	// break false alarms down; it may be empty.
	Reason string
}

// Report is what Judge measured.
type Report struct {
	Instances [NumKinds]int
	Detected  [NumKinds]int
	// Delays are the seconds from each detected instance's start to its
	// first counting alert, per kind.
	Delays [NumKinds][]int64
	// Missed lists the indexes of missed instances.
	Missed []int

	BenignKeys, BenignAlerted int
	// ByBehaviour counts benign keys and those alerted, per behaviour.
	ByBehaviour map[string][2]int
	// FalseReasons counts false-alarm keys by the Reason of their first alert.
	FalseReasons map[string]int
}

// Judge scores alerts against s's labels.
func Judge(s *Stream, alerts []Alert) Report {
	r := Report{ByBehaviour: map[string][2]int{}, FalseReasons: map[string]int{}}
	attacked := make([]bool, len(s.Keys))
	// For each key, the instances it is a victim of.
	byKey := map[int32][]int{}
	for i, in := range s.Instances {
		r.Instances[in.Kind]++
		for _, v := range in.Victims {
			attacked[v] = true
			byKey[v] = append(byKey[v], i)
		}
	}
	first := make([]int64, len(s.Instances))
	for i := range first {
		first[i] = -1
	}
	hit := func(i int, t int64) {
		in := &s.Instances[i]
		if t < in.Start || t > in.Start+Window {
			return
		}
		if first[i] < 0 || t < first[i] {
			first[i] = t
		}
	}
	falseKey := make([]bool, len(s.Keys))
	sorted := slices.Clone(alerts)
	slices.SortStableFunc(sorted, func(a, b Alert) int {
		switch {
		case a.Time < b.Time:
			return -1
		case a.Time > b.Time:
			return 1
		}
		return 0
	})
	for _, a := range sorted {
		for _, i := range byKey[a.Key] {
			hit(i, a.Time)
		}
		if a.Addr.IsValid() {
			for i := range s.Instances {
				in := &s.Instances[i]
				if in.Kind == KeyTesting && in.Source.IsValid() && in.Source.Contains(a.Addr) {
					hit(i, a.Time)
				}
			}
		}
		if !attacked[a.Key] && !falseKey[a.Key] {
			falseKey[a.Key] = true
			r.FalseReasons[a.Reason]++
		}
	}
	for i, in := range s.Instances {
		if first[i] >= 0 {
			r.Detected[in.Kind]++
			r.Delays[in.Kind] = append(r.Delays[in.Kind], first[i]-in.Start)
		} else {
			r.Missed = append(r.Missed, i)
		}
	}
	for k := range s.Keys {
		if attacked[k] {
			continue
		}
		b := ""
		if k < len(s.Behaviour) {
			b = s.Behaviour[k]
		}
		c := r.ByBehaviour[b]
		c[0]++
		r.BenignKeys++
		if falseKey[k] {
			c[1]++
			r.BenignAlerted++
		}
		r.ByBehaviour[b] = c
	}
	return r
}

// Rate returns the detected fraction of kind k's instances (1 when there
// are none).
func (r *Report) Rate(k Kind) float64 {
	if r.Instances[k] == 0 {
		return 1
	}
	return float64(r.Detected[k]) / float64(r.Instances[k])
}

// FalseRate returns the fraction of benign keys alerted.
func (r *Report) FalseRate() float64 {
	if r.BenignKeys == 0 {
		return 0
	}
	return float64(r.BenignAlerted) / float64(r.BenignKeys)
}

// MedianDelay returns the median seconds to detection of kind k (-1 when
// nothing was detected).
func (r *Report) MedianDelay(k Kind) int64 {
	d := slices.Clone(r.Delays[k])
	if len(d) == 0 {
		return -1
	}
	slices.Sort(d)
	return d[len(d)/2]
}

// String formats r as a table: one row per attack kind, then false alarms
// by behaviour.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %9s %8s %12s\n", "kind", "detected", "rate", "median delay")
	for k := Kind(1); k < NumKinds; k++ {
		if r.Instances[k] == 0 {
			continue
		}
		fmt.Fprintf(&b, "%-12s %4d/%-4d %7.1f%% %11ds\n", k, r.Detected[k], r.Instances[k], 100*r.Rate(k), r.MedianDelay(k))
	}
	fmt.Fprintf(&b, "benign keys alerted: %d/%d (%.3f%%)\n", r.BenignAlerted, r.BenignKeys, 100*r.FalseRate())
	names := make([]string, 0, len(r.ByBehaviour))
	for n := range r.ByBehaviour {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := r.ByBehaviour[n]
		if c[1] > 0 {
			fmt.Fprintf(&b, "  %-22s %d/%d\n", n, c[1], c[0])
		}
	}
	return b.String()
}
