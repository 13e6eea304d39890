// Command redact copies its input to standard output with every credential
// replaced by a mask, and prints a summary on standard error.
//
//	go run ./examples/redact -sample              # redact the embedded sample log
//	go run ./examples/redact < app.log > clean.log
//	go run ./examples/redact -mask prefix a.log b.log
//	LEAKWARD_HMAC_KEY=... go run ./examples/redact -mask hmac < app.log
//	go run ./examples/redact -keep-lines=false < app.log  # one mask per multi-line secret
//
// Masks keep the line breaks of the secrets they replace (-keep-lines,
// on by default; see detect.WithKeepLines), so the output has as many
// lines as the input and line numbers still match the source.
//
// The summary gives lines, bytes, findings per pattern id and the
// redaction throughput: bytes redacted per second spent in the redacting
// writer, after the detector is built and warmed up on the embedded sample
// (so start-up and lazily built tables are not counted). Time spent waiting
// for input is not counted; writing the output is, since the writer
// passes its output on as it goes. When standard error is a terminal, a
// progress line is shown for large inputs. The embedded sample holds a
// secret every few lines, the slow case (see Performance in the README);
// ordinary logs redact many times faster.
//
// The exit status is 0 on success (and for -h), 1 when reading, redacting
// or writing fails, and 2 for a command-line error.
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
	"github.com/leakward/leakward/internal/cliexit"
	"github.com/leakward/leakward/patterns"
)

//go:embed sample.log
var sample []byte

func main() {
	os.Exit(cliexit.Code(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr), os.Stderr, "redact", 1))
}

// timedWriter adds the time spent in each call to w to *spent.
type timedWriter struct {
	w     io.Writer
	spent *time.Duration
}

func (t timedWriter) Write(p []byte) (int, error) {
	start := time.Now()
	n, err := t.w.Write(p)
	*t.spent += time.Since(start)
	return n, err
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
	keepLines := fs.Bool("keep-lines", true, "keep the line breaks of multi-line secrets inside their masks, so line numbers match the input")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return cliexit.UsageError{} // reported by the flag package
	}
	opts := []detect.Option{detect.WithKeepLines(*keepLines)}
	switch *mask {
	case "id":
	case "prefix":
		opts = append(opts, detect.WithMask(detect.MaskPrefix))
	case "hmac":
		key := os.Getenv("LEAKWARD_HMAC_KEY")
		if key == "" {
			return cliexit.UsageError{Msg: "-mask hmac needs the key in $LEAKWARD_HMAC_KEY"}
		}
		opts = append(opts, detect.WithMask(detect.MaskFingerprint), detect.WithFingerprintKey([]byte(key)))
	default:
		return cliexit.UsageError{Msg: fmt.Sprintf("unknown -mask %q (want id, prefix or hmac)", *mask)}
	}
	d, err := detect.New(patterns.Default(), opts...)
	if err != nil {
		return err
	}
	// Build the tables some checks make on first use, so that the
	// throughput in the summary counts redaction only.
	d.Redact(nil, sample)

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
	var spent time.Duration // in the redacting writer only
	tw := timedWriter{w, &spent}
	for _, in := range inputs {
		if _, err := io.Copy(tw, io.TeeReader(in, c)); err != nil {
			return err
		}
	}
	start := time.Now()
	err = w.Close()
	spent += time.Since(start)
	if err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if *quiet {
		return nil
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if c.progress != nil {
		fmt.Fprint(stderr, "\r")
	}
	fmt.Fprintf(stderr, "redact: %d lines, %d bytes, %d findings, redaction %.1f MB/s (%s, start-up excluded)\n",
		c.lines, c.bytes, total, float64(c.bytes)/1e6/max(spent.Seconds(), 1e-9), spent.Round(time.Microsecond))
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
