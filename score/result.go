package score

import (
	"encoding/json"
	"fmt"
)

// Level is a coarse risk level derived from a score. The zero value is
// LevelNone.
type Level uint8

// Levels, lowest first.
const (
	LevelNone Level = iota
	LevelLow
	LevelMedium
	LevelHigh
	LevelCritical
)

var levelNames = [...]string{"none", "low", "medium", "high", "critical"}

// String returns the lowercase name of l.
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// MarshalText implements encoding.TextMarshaler.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// Code is a stable, machine-readable reason code such as
// "privilege.wallet-funds" or "store.known-leaked". Codes never change
// meaning once published.
type Code string

// Reason explains one contribution to a score. It never holds the secret.
type Reason struct {
	// Code is the stable machine-readable code.
	Code Code `json:"code"`
	// Points is the contribution to the score; it may be negative.
	Points int `json:"points"`
	// Text is a short human explanation.
	Text string `json:"text"`
}

// MaxReasons is the most reasons a Result holds; further reasons are
// counted in the score but not listed.
const MaxReasons = 16

// Result is a risk decision: a score from 0 to 100, its level and the
// reasons behind it. Reasons are stored inline so that producing a Result
// does not allocate. A Result is a value; it is not safe to modify from
// several goroutines at once, but copies are independent.
type Result struct {
	// Score is the risk from 0 (none) to 100 (worst).
	Score int
	// Level is the level Score falls in.
	Level Level

	reasons [MaxReasons]Reason
	n       int
}

// Reasons returns the reasons in the order they were added. The slice
// aliases r: it is valid until r changes.
func (r *Result) Reasons() []Reason { return r.reasons[:r.n] }

// AddReason appends a reason (dropped beyond MaxReasons) without changing
// Score or Level.
func (r *Result) AddReason(reason Reason) {
	if r.n < MaxReasons {
		r.reasons[r.n] = reason
		r.n++
	}
}

// HasReason reports whether r lists a reason with the given code.
func (r *Result) HasReason(code Code) bool {
	for _, x := range r.reasons[:r.n] {
		if x.Code == code {
			return true
		}
	}
	return false
}

// MarshalJSON renders r as {"score":…,"level":"…","reasons":[…]}.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Score   int      `json:"score"`
		Level   Level    `json:"level"`
		Reasons []Reason `json:"reasons"`
	}{r.Score, r.Level, r.reasons[:r.n]})
}
