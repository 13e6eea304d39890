// Package cliexit is the exit-status rule of the example programs: 0 for
// success and for -h, 2 for a command-line error, another status for any
// other failure.
package cliexit

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// UsageError is a command-line error: exit status 2. An empty Msg means
// the flag package has already reported it.
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// Code reports err on stderr after prefix and returns the exit status: 0
// for nil and flag.ErrHelp, 2 for a UsageError, failure for any other
// error.
func Code(err error, stderr io.Writer, prefix string, failure int) int {
	var ue UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if ue.Msg != "" {
			fmt.Fprintf(stderr, "%s: %s\n", prefix, ue.Msg)
		}
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return failure
	}
}
