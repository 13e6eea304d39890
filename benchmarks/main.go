// Command benchmarks compares leakward with gitleaks, naive regex
// alternations and the raw limits of the machine on the same bytes, in one
// process, and prints the results as a Markdown report.
//
//	cd benchmarks && go run .               # print the report
//	cd benchmarks && go run . -o RESULTS.md # write it
//	go run . -corpus /path/to/any.log      # add the throughput table on a file
//	go run . -big                          # add 64 MiB buffers and a 100M-key store
//
// See README.md for what each figure means.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// config holds the command-line settings.
type config struct {
	out      string
	corpus   string
	sizeMB   int
	labelMB  int
	budget   time.Duration
	count    int
	big      bool
	sections string
}

func main() {
	var c config
	flag.StringVar(&c.out, "o", "", "also write the report to this file (e.g. RESULTS.md)")
	flag.StringVar(&c.corpus, "corpus", "", "also measure throughput on this file")
	flag.IntVar(&c.sizeMB, "size", 2, "size of each generated throughput input, in MiB")
	flag.IntVar(&c.labelMB, "label-size", 8, "size of the labelled input of the recall and precision section, in MiB")
	flag.DurationVar(&c.budget, "budget", 400*time.Millisecond, "time spent on each throughput figure")
	flag.IntVar(&c.count, "count", 1, "repetitions per figure; the best is kept")
	flag.BoolVar(&c.big, "big", false, "add 64 MiB buffers and a 100M-key leak store (slow, needs ~1 GB of memory)")
	flag.StringVar(&c.sections, "sections", "all", "comma-separated sections to run: throughput,accuracy,patterns,sizes,perpattern,check,store (or all)")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(c config) error {
	if c.sizeMB < 1 || c.labelMB < 1 || c.count < 1 || c.budget <= 0 {
		return fmt.Errorf("benchmarks: -size, -label-size, -count and -budget must be positive")
	}
	start := time.Now()
	env, err := setup(c)
	if err != nil {
		return err
	}
	var r report
	r.header(env, c)
	want := func(s string) bool {
		return c.sections == "all" || strings.Contains(","+c.sections+",", ","+s+",")
	}
	steps := []struct {
		name string
		f    func(*report, *environment, config) error
	}{
		{"throughput", (*report).throughput},
		{"accuracy", (*report).accuracy},
		{"patterns", (*report).patternScaling},
		{"sizes", (*report).sizeScaling},
		{"check", (*report).check},
		{"store", (*report).store},
		{"perpattern", (*report).perPattern},
	}
	for _, s := range steps {
		if !want(s.name) {
			continue
		}
		progress("== %s", s.name)
		if err := s.f(&r, env, c); err != nil {
			return err
		}
	}
	if c.corpus != "" {
		progress("== corpus %s", c.corpus)
		if err := r.corpus(env, c); err != nil {
			return err
		}
	}
	r.summary(env)
	fmt.Fprintf(&r.tail, "\nThe whole run took %s.\n", time.Since(start).Round(time.Second))
	text := r.String()
	fmt.Print(text)
	if c.out != "" {
		if err := os.WriteFile(c.out, []byte(text), 0o644); err != nil {
			return fmt.Errorf("benchmarks: %w", err)
		}
		progress("wrote %s", c.out)
	}
	return nil
}

// progress reports what is running on standard error.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// cpuModel returns the CPU model name from /proc/cpuinfo, or GOARCH.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
