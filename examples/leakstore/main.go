// Command leakstore builds, checks and describes known-leaked key stores
// (see package score/leakstore).
//
//	leakstore build -o leaked.lwl [-n count] [-p 1e-6] [-digests] [-source label] [-pepper-file f] [-overfill] [file ...]
//	leakstore check [-digests] [-pepper-file f] leaked.lwl < keys
//	leakstore info leaked.lwl
//
// build reads one key per line (or, with -digests, one hex SHA-256 digest
// per line) from the files or standard input and writes a store file. A
// line is taken as exact bytes, except that a final "\r" is dropped and
// empty lines are skipped. Without -n the digests are held in memory
// (32 bytes a line) until the count is known; with -n they stream into a
// store of that capacity. On a terminal, progress goes to standard error.
//
// check answers "leaked" or "not leaked" for each line of standard input.
// It never prints a key: it shows a preview of at most its first 4
// characters (fewer for short keys) and its length. Like grep, its exit
// status can gate a pipeline: 0 when no key checked is known leaked, 1
// when at least one is, 2 on an error (even after some keys were found
// leaked).
//
// info prints a store file's header and verifies its checksum; it needs no
// pepper.
//
// build and info exit 0 on success, 1 on failure. Every command exits 2
// for a command-line error and 0 for -h; "leakstore -h" (or -help,
// --help, help) prints the usage and exits 0.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/leakward/leakward/internal/cliexit"
	"github.com/leakward/leakward/score/leakstore"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, isTerminal(os.Stderr)))
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

const usage = `usage:
  leakstore build -o out.lwl [-n count] [-p rate] [-digests] [-source label] [-pepper-file f] [-overfill] [file ...]
  leakstore check [-digests] [-pepper-file f] store.lwl < keys
  leakstore info store.lwl

check exits 0 when no key is known leaked, 1 when at least one is, 2 on error.
build and info exit 0 on success, 1 on failure, 2 on a command-line error.
`

// run executes one command and returns the exit status: 0 success (or
// -h), 1 failure (for check: a key is known leaked), 2 usage error (for
// check: any error).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, progress bool) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	failure := 1 // the exit status of an error that is not a usage error
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stderr, usage)
		return 0
	case "build":
		err = build(args[1:], stdin, stdout, stderr, progress)
	case "check":
		var leaked bool
		leaked, err = check(args[1:], stdin, stdout, stderr)
		if err == nil && leaked {
			return 1
		}
		failure = 2 // 1 means a leaked key, as grep's 0 and 1 tell a match
	case "info":
		err = info(args[1:], stdout, stderr)
	default:
		fmt.Fprint(stderr, usage)
		return 2
	}
	return cliexit.Code(err, stderr, "leakstore "+args[0], failure)
}

// parse parses args with fs. It returns flag.ErrHelp for -h, and a
// cliexit.UsageError (already reported by the flag package) for any other error.
func parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return err
	default:
		return cliexit.UsageError{}
	}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("leakstore "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func readPepper(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// A pepper file may end with a newline; it is not part of the pepper.
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b, nil
}

// lines calls f for each non-empty line of r, without the "\r\n" or "\n".
// The slice passed to f is valid only during the call.
func lines(r io.Reader, f func(line []byte, n int) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if len(line) == 0 {
			continue
		}
		if err := f(line, n); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("after line %d: %w", n, err)
	}
	return nil
}

func build(args []string, stdin io.Reader, stdout, stderr io.Writer, progress bool) error {
	fs := newFlags("build", stderr)
	out := fs.String("o", "", "output store `file` (required)")
	n := fs.Uint64("n", 0, "expected number of keys (capacity); 0: count the input first, holding digests in memory")
	p := fs.Float64("p", leakstore.DefaultFPRate, "target false-positive `rate` at capacity")
	digests := fs.Bool("digests", false, "input lines are hex SHA-256 digests, not keys")
	source := fs.String("source", "", "free-text source `label` recorded in the file")
	pepperFile := fs.String("pepper-file", "", "`file` holding a secret pepper (HMAC-SHA256 store)")
	overfill := fs.Bool("overfill", false, "with -n, keep adding past capacity instead of failing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return cliexit.UsageError{Msg: "-o is required"}
	}
	pepper, err := readPepper(*pepperFile)
	if err != nil {
		return err
	}
	inputs := []io.Reader{stdin}
	if fs.NArg() > 0 {
		inputs = inputs[:0]
		for _, name := range fs.Args() {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			inputs = append(inputs, f)
		}
	}

	start := time.Now()
	var read int
	report := func(final bool) {
		if progress && (final || read%(1<<20) == 0) {
			fmt.Fprintf(stderr, "\rread %d lines", read)
			if final {
				fmt.Fprintln(stderr)
			}
		}
	}
	var s *leakstore.Store
	var held [][32]byte
	add := func(d [32]byte) error {
		if s == nil {
			held = append(held, d)
			return nil
		}
		return s.AddDigest(d)
	}
	if *n > 0 {
		if s, err = newStore(*n, *p, pepper, *source, *overfill); err != nil {
			return err
		}
	}
	for _, in := range inputs {
		err := lines(in, func(line []byte, lineNo int) error {
			read++
			report(false)
			d := leakstore.Digest(line)
			if *digests {
				var err error
				if d, err = leakstore.ParseDigest(line); err != nil {
					return fmt.Errorf("line %d: %w", lineNo, err)
				}
			}
			if err := add(d); err != nil {
				if errors.Is(err, leakstore.ErrFull) {
					return fmt.Errorf("line %d: %w (raise -n or pass -overfill)", lineNo, err)
				}
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	report(true)
	if s == nil {
		if s, err = newStore(uint64(max(1, len(held))), *p, pepper, *source, false); err != nil {
			return err
		}
		for _, d := range held {
			if err := s.AddDigest(d); err != nil {
				return err
			}
		}
	}
	if err := s.WriteFile(*out); err != nil {
		return err
	}
	h := s.Header()
	fmt.Fprintf(stdout, "wrote %s: %d lines, count %d, capacity %d, m %d bits, k %d, %d bytes, estimated false-positive rate %.3g (target %.3g), %s\n",
		*out, read, h.Count, h.Capacity, h.M, h.K, h.FileBytes(), s.EstimatedFPRate(), h.FPRate, time.Since(start).Round(time.Millisecond))
	return nil
}

func newStore(n uint64, p float64, pepper []byte, source string, overfill bool) (*leakstore.Store, error) {
	return leakstore.New(leakstore.Config{
		Capacity:      n,
		FPRate:        p,
		Pepper:        pepper,
		Source:        source,
		AllowOverfill: overfill,
	})
}

// preview redacts a key: at most its first 4 characters (a quarter of it
// for keys shorter than 16 bytes) and its length.
func preview(key []byte) string {
	n := min(4, len(key)/4)
	return fmt.Sprintf("%q…(%d bytes)", key[:n], len(key))
}

// check reports whether any key of stdin is known leaked.
func check(args []string, stdin io.Reader, stdout, stderr io.Writer) (anyLeaked bool, err error) {
	fs := newFlags("check", stderr)
	digests := fs.Bool("digests", false, "input lines are hex SHA-256 digests, not keys")
	pepperFile := fs.String("pepper-file", "", "`file` holding the store's pepper")
	if err := parse(fs, args); err != nil {
		return false, err
	}
	if fs.NArg() != 1 {
		return false, cliexit.UsageError{Msg: "want one store file"}
	}
	pepper, err := readPepper(*pepperFile)
	if err != nil {
		return false, err
	}
	s, err := leakstore.ReadFile(fs.Arg(0), &leakstore.ReadOptions{Pepper: pepper})
	if err != nil {
		return false, err
	}
	w := bufio.NewWriter(stdout)
	ctx := context.Background()
	err = lines(stdin, func(line []byte, lineNo int) error {
		var leaked bool
		if *digests {
			d, err := leakstore.ParseDigest(line)
			if err != nil {
				return fmt.Errorf("line %d: %w", lineNo, err)
			}
			leaked, err = s.ContainsDigest(ctx, d)
			if err != nil {
				return fmt.Errorf("line %d: %w", lineNo, err)
			}
		} else {
			var err error
			if leaked, err = s.ContainsKey(ctx, line); err != nil {
				return fmt.Errorf("line %d: %w", lineNo, err)
			}
		}
		verdict := "not leaked"
		if leaked {
			verdict = "leaked"
			anyLeaked = true
		}
		_, err := fmt.Fprintf(w, "line %d %s: %s\n", lineNo, preview(line), verdict)
		return err
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return anyLeaked, err
}

func info(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("info", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return cliexit.UsageError{Msg: "want one store file"}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	h, err := leakstore.Verify(bufio.NewReaderSize(f, 1<<20), &leakstore.ReadOptions{MaxBits: leakstore.HardMaxBits})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "file:           %s (%d bytes, checksum ok)\n", fs.Arg(0), h.FileBytes())
	fmt.Fprintf(stdout, "format version: %d\n", h.Version)
	fmt.Fprintf(stdout, "digest scheme:  %s\n", h.Scheme)
	fmt.Fprintf(stdout, "m:              %d bits (%d bytes)\n", h.M, h.M/8)
	fmt.Fprintf(stdout, "k:              %d\n", h.K)
	fmt.Fprintf(stdout, "capacity:       %d (overfill allowed: %v)\n", h.Capacity, h.AllowOverfill)
	fmt.Fprintf(stdout, "count:          %d\n", h.Count)
	fmt.Fprintf(stdout, "target FP rate: %.3g\n", h.FPRate)
	fmt.Fprintf(stdout, "est. FP rate:   %.3g\n", h.EstimatedFPRate())
	fmt.Fprintf(stdout, "created:        %s\n", h.Created.Format(time.RFC3339Nano))
	fmt.Fprintf(stdout, "source:         %q\n", h.Source)
	return nil
}
