package cliexit

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"testing"
)

func TestCode(t *testing.T) {
	for _, tc := range []struct {
		err     error
		failure int
		want    int
		out     string
	}{
		{nil, 1, 0, ""},
		{flag.ErrHelp, 1, 0, ""},
		{fmt.Errorf("parse: %w", flag.ErrHelp), 1, 0, ""},
		{UsageError{}, 1, 2, ""},
		{UsageError{"-o is required"}, 1, 2, "p: -o is required\n"},
		{errors.New("disk full"), 1, 1, "p: disk full\n"},
		{errors.New("disk full"), 2, 2, "p: disk full\n"},
	} {
		var buf bytes.Buffer
		got := Code(tc.err, &buf, "p", tc.failure)
		if got != tc.want || buf.String() != tc.out {
			t.Errorf("Code(%v, failure %d) = %d, %q; want %d, %q", tc.err, tc.failure, got, buf.String(), tc.want, tc.out)
		}
	}
}
