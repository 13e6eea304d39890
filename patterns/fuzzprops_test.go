package patterns

import (
	"bytes"
	"testing"
)

// checkValidator checks the properties every Validator promises, on one
// input: it leaves the input as it was; a second call decides the same and
// records the same facts (idempotent); a Meta that is not zeroed changes
// nothing of the decision; what it records for an accepted input is consistent (an AWS
// account has at most 12 digits, a token that carries both times does not
// expire before it is issued). Messages name the validator, never the
// input.
func checkValidator(t *testing.T, name string, v Validator, in []byte) {
	t.Helper()
	orig := bytes.Clone(in)
	var m1, m2 Meta
	ok1 := v(in, &m1)
	if !bytes.Equal(in, orig) {
		t.Fatalf("%s changed its input", name)
	}
	ok2 := v(in, &m2)
	if ok1 != ok2 || m1 != m2 {
		t.Fatalf("%s is not idempotent: %v then %v", name, ok1, ok2)
	}
	var dirty Meta
	dirty.AWSAccountID, dirty.Test = 1, true
	if okDirty := v(in, &dirty); okDirty != ok1 {
		t.Fatalf("%s decides %v on a zeroed Meta, %v on a used one", name, ok1, okDirty)
	}
	if !ok1 {
		return
	}
	if m1.AWSAccountID > 999_999_999_999 {
		t.Fatalf("%s recorded an AWS account of more than 12 digits", name)
	}
	if m1.IssuedAt != 0 && m1.ExpiresAt != 0 && m1.ExpiresAt < m1.IssuedAt {
		t.Fatalf("%s recorded an expiry before the issue time", name)
	}
}
