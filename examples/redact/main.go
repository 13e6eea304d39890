// Command redact copies its input to standard output with every credential
// replaced by a mask, and prints a summary on standard error.
//
//	go run ./examples/redact -sample              # redact the embedded sample log
//	go run ./examples/redact < app.log > clean.log
//	go run ./examples/redact -mask prefix a.log b.log
//	LEAKWARD_HMAC_KEY=... go run ./examples/redact -mask hmac < app.log
//
// The summary gives lines, bytes, findings per pattern id and throughput.
// When standard error is a terminal, a progress line is shown for large
// inputs.
package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

//go:embed sample.log
var sample []byte

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "redact:", err)
		os.Exit(1)
	}
}

// counter counts lines and bytes passing through it.
type counter struct {
	lines, bytes int64
	progress     func(int64)
	next         int64
}

func (c *counter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' {
			c.lines++
		}
	}
	c.bytes += int64(len(p))
	if c.progress != nil && c.bytes >= c.next {
		c.progress(c.bytes)
		c.next = c.bytes + 64<<20
	}
	return len(p), nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("redact", flag.ContinueOnError)
	fs.SetOutput(stderr)
	useSample := fs.Bool("sample", false, "redact the embedded sample log instead of stdin or files")
	mask := fs.String("mask", "id", "mask style: id, prefix or hmac (key from $LEAKWARD_HMAC_KEY, at least 16 bytes)")
	quiet := fs.Bool("q", false, "no summary on stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := []detect.Option{}
	switch *mask {
	case "id":
	case "prefix":
		opts = append(opts, detect.WithMask(detect.MaskPrefix))
	case "hmac":
		key := os.Getenv("LEAKWARD_HMAC_KEY")
		if key == "" {
			return errors.New("-mask hmac needs the key in $LEAKWARD_HMAC_KEY")
		}
		opts = append(opts, detect.WithMask(detect.MaskFingerprint), detect.WithFingerprintKey([]byte(key)))
	default:
		return fmt.Errorf("unknown -mask %q (want id, prefix or hmac)", *mask)
	}
	d, err := detect.New(patterns.Default(), opts...)
	if err != nil {
		return err
	}

	var inputs []io.Reader
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	switch {
	case *useSample:
		inputs = append(inputs, bytesReader(sample))
	case fs.NArg() > 0:
		for _, name := range fs.Args() {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			closers = append(closers, f)
			inputs = append(inputs, f)
		}
	default:
		inputs = append(inputs, stdin)
	}

	out := bufio.NewWriterSize(stdout, 256<<10)
	w := d.NewWriter(out)
	counts := map[string]int{}
	w.OnFinding(func(f detect.Finding) { counts[f.PatternID]++ })
	c := &counter{}
	if isTerminal(stderr) && !*quiet {
		c.progress = func(n int64) {
			if n > 0 {
				fmt.Fprintf(stderr, "\rredact: %d MB read", n>>20)
			}
		}
	}
	start := time.Now()
	for _, in := range inputs {
		if _, err := io.Copy(w, io.TeeReader(in, c)); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if *quiet {
		return nil
	}
	el := time.Since(start).Seconds()
	total := 0
	for _, n := range counts {
		total += n
	}
	if c.progress != nil {
		fmt.Fprint(stderr, "\r")
	}
	fmt.Fprintf(stderr, "redact: %d lines, %d bytes, %d findings, %.1f MB/s\n", c.lines, c.bytes, total, float64(c.bytes)/1e6/max(el, 1e-9))
	for _, id := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(stderr, "  %-36s %d\n", id, counts[id])
	}
	return nil
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
