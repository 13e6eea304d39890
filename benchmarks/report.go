package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	gldetect "github.com/zricethezav/gitleaks/v8/detect"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/internal/testlog"
	"github.com/leakward/leakward/patterns"
)

// glVersion is the gitleaks module version linked in.
var glVersion = "v8"

// Input shape of the labelled input: a secret every secretEvery lines, a
// decoy every decoyEvery lines.
const (
	secretEvery = 20
	decoyEvery  = 50
)

// environment is what every section shares: the detectors and inputs, and
// the figures the summary quotes.
type environment struct {
	catalog     []patterns.Pattern
	lw          *detect.Detector
	gl          *gldetect.Detector
	alternation string
	samples     []sample
	skipped     []string
	lab         labelled
	clean       input
	secrets     input

	results  map[string]measurement // by scanner name + mode + input name
	accuracy *accuracyResult
	costs    []patternCost // each pattern alone on the clean input, slowest first
}

type accuracyResult struct {
	types              int
	lwLower, lwEqual   []string // shared types where leakward's recall is lower / equal
	lwAll, glAll       typeScore
	lwShared, glShared typeScore
	// Sums of the per-type rows (mapped rules only).
	lwSharedSum, glSharedSum typeScore
}

func addScores(a, b typeScore) typeScore {
	return typeScore{labels: a.labels + b.labels, hit: a.hit + b.hit, hitAny: a.hitAny + b.hitAny, tp: a.tp + b.tp, fp: a.fp + b.fp}
}

func setup(c config) (*environment, error) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "github.com/zricethezav/gitleaks/v8" {
				glVersion = m.Version
			}
		}
	}
	env := &environment{catalog: patterns.Default(), results: map[string]measurement{}}
	progress("compiling leakward (%d patterns) and gitleaks", len(env.catalog))
	var err error
	if env.lw, err = detect.New(env.catalog); err != nil {
		return nil, fmt.Errorf("benchmarks: leakward: %w", err)
	}
	if env.gl, err = newGitleaks(); err != nil {
		return nil, fmt.Errorf("benchmarks: gitleaks: %w", err)
	}
	env.alternation = naiveAlternation(env.catalog)
	env.samples, env.skipped = prepareSamples(env.catalog)
	size := c.sizeMB << 20
	progress("generating inputs")
	env.clean = newInput("clean", testlog.Generate(size, 1, 0, nil))
	// The throughput input with secrets is the start of the labelled input.
	env.lab = genLabelled(max(size, c.labelMB<<20), 2, secretEvery, decoyEvery, env.samples)
	cut := len(env.lab.data)
	if size < cut {
		if nl := bytes.IndexByte(env.lab.data[size:], '\n'); nl >= 0 {
			cut = size + nl + 1
		}
	}
	env.secrets = newInput("secrets", env.lab.data[:cut])
	return env, nil
}

// report is the Markdown document being built.
type report struct {
	head, headline, body, tail strings.Builder
}

func (r *report) String() string {
	return r.head.String() + r.headline.String() + r.body.String() + r.tail.String()
}

func (r *report) header(env *environment, c config) {
	h := &r.head
	fmt.Fprintf(h, "# leakward benchmarks\n\n")
	fmt.Fprintf(h, "Produced by `cd benchmarks && go run .%s` — do not edit by hand.\n\n", flagsString(c))
	fmt.Fprintf(h, "| | |\n|---|---|\n")
	fmt.Fprintf(h, "| date | %s |\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(h, "| CPU | %s |\n", cpuModel())
	fmt.Fprintf(h, "| cores (NumCPU / GOMAXPROCS) | %d / %d |\n", runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(h, "| Go | %s %s/%s |\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if rev := gitRevision(); rev != "" {
		fmt.Fprintf(h, "| leakward commit | %s |\n", rev)
	}
	fmt.Fprintf(h, "| leakward | default catalog, %d patterns, decode depth %d |\n", len(env.catalog), detect.DefaultDecodeDepth)
	fmt.Fprintf(h, "| gitleaks | %s as a library, default config (%d rules, %d keywords), decode depth %d (library default) |\n",
		glVersion, len(env.gl.Config.Rules), len(env.gl.Config.Keywords), env.gl.MaxDecodeDepth)
	fmt.Fprintf(h, "| inputs | throughput: %s clean generated log, and %s generated log with a catalog example every %d lines and a decoy every %d lines; recall and precision: %s of the latter (%d secrets) |\n",
		mib(len(env.clean.data)), mib(len(env.secrets.data)), secretEvery, decoyEvery, mib(len(env.lab.data)), len(env.lab.labels))
	fmt.Fprintf(h, "| timing | best of %d; %s per figure; MB = 10⁶ bytes |\n\n", c.count, c.budget)
	fmt.Fprintf(h, "The machine is shared and noisy: read the ratios, which are measured in the same run on the same bytes, rather than the absolute figures.\n\n")
}

func flagsString(c config) string {
	var parts []string
	if c.sizeMB != 2 {
		parts = append(parts, fmt.Sprintf("-size %d", c.sizeMB))
	}
	if c.labelMB != 8 {
		parts = append(parts, fmt.Sprintf("-label-size %d", c.labelMB))
	}
	if c.budget != 400*time.Millisecond {
		parts = append(parts, "-budget "+c.budget.String())
	}
	if c.count != 1 {
		parts = append(parts, fmt.Sprintf("-count %d", c.count))
	}
	if c.big {
		parts = append(parts, "-big")
	}
	if c.sections != "all" {
		parts = append(parts, "-sections "+c.sections)
	}
	if c.corpus != "" {
		parts = append(parts, "-corpus "+c.corpus)
	}
	if c.out != "" {
		parts = append(parts, "-o "+c.out)
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

func gitRevision() string {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return ""
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no", "--", "..").Output(); err == nil && len(st) > 0 {
		rev += " (with uncommitted changes)"
	}
	return rev
}

func mib(n int) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func itoa(n int) string { return strconv.Itoa(n) }

// mbps formats a throughput.
func mbps(v float64) string {
	switch {
	case v == 0:
		return "–"
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func pct(v float64) string {
	if v < 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

func times(a, b float64) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f×", a/b)
}

// scanners returns every scanner of the throughput table, leakward first.
func (env *environment) scanners() ([]scanner, error) {
	std, err := stdlibScanner(env.alternation)
	if err != nil {
		return nil, err
	}
	r2, err := regexp2Scanner(env.alternation)
	if err != nil {
		return nil, err
	}
	out := []scanner{
		leakwardScanner("leakward", env.lw, "line"),
		leakwardScanner("leakward", env.lw, "64 KiB chunk"),
		gitleaksScanner(env.gl, "line"),
		gitleaksScanner(env.gl, "64 KiB chunk"),
		std, r2,
	}
	return append(out, rawScanners()...), nil
}

func key(s scanner, in input) string { return s.name + "|" + s.mode + "|" + in.name }

func (r *report) throughput(env *environment, c config) error {
	ss, err := env.scanners()
	if err != nil {
		return err
	}
	b := &r.body
	fmt.Fprintf(b, "## Throughput\n\n")
	fmt.Fprintf(b, "MB/s with one goroutine and with %d goroutines (each scanning the whole input), heap allocations per MB scanned, and findings (matches for the regex baselines) in one pass. ", runtime.GOMAXPROCS(0))
	fmt.Fprintf(b, "\"line\" scans each log line separately (as a logging hook does); \"64 KiB chunk\" scans line-aligned batches (as a shipper does).\n\n")
	fmt.Fprintf(b, "| scanner | fed | clean MB/s | clean MB/s ×%d | clean allocs/MB | clean findings | secrets MB/s | secrets MB/s ×%d | secrets allocs/MB | secrets findings |\n",
		runtime.GOMAXPROCS(0), runtime.GOMAXPROCS(0))
	fmt.Fprintf(b, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range ss {
		var cells []string
		for _, in := range []input{env.clean, env.secrets} {
			progress("%s (%s) on %s", s.name, s.mode, in.name)
			m := measure(s, in, c.budget, c.count, true)
			env.results[key(s, in)] = m
			cells = append(cells, mbps(m.single), mbps(m.parallel), fmt.Sprintf("%.1f", m.allocsPerMB), itoa(m.findings))
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", s.name, s.mode, strings.Join(cells, " | "))
	}
	exact, folded := catalogKeywords(env.catalog)
	fmt.Fprintf(b, "\nThe regex baselines are one alternation of the catalog's %d distinct keywords (%d matched case-insensitively) followed by `[A-Za-z0-9_.+/=-]*`: they only find candidates, with no validation, so they are a lower bound on what a hand-written regex scanner costs.\n\n",
		len(exact)+len(folded), len(folded))
	return nil
}

func (r *report) accuracy(env *environment, c config) error {
	progress("scanning the labelled input with both tools")
	lw := newScored(env.lab, leakwardFound(env.lw, env.lab.data))
	gl := newScored(env.lab, gitleaksFound(env.gl, env.lab.data, lineSpans(env.lab.data)))
	have := map[string]bool{}
	for _, s := range env.samples {
		have[s.id] = true
	}
	var ids []string
	for id := range gitleaksRules {
		if have[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	res := &accuracyResult{}
	b := &r.body
	fmt.Fprintf(b, "## Recall and precision\n\n")
	fmt.Fprintf(b, "On the labelled input (%s, %d injected secrets from the catalog's examples, %d decoy lines). ", mib(len(env.lab.data)), len(env.lab.labels), env.lab.decoys)
	fmt.Fprintf(b, "A secret counts as found when a finding of a mapped rule overlaps its byte span; \"any rule\" accepts a finding of any rule. ")
	fmt.Fprintf(b, "Precision counts findings of the mapped rules: true when on a label of the type, false when outside every injected line (findings elsewhere on an injected line count neither way). ")
	fmt.Fprintf(b, "leakward scans the whole input; gitleaks scans line by line.\n\n")
	fmt.Fprintf(b, "The examples are synthetic (random bodies with valid checksums where the format has one) and written for leakward's catalog, so read leakward's recall as a self-test and gitleaks' as how it handles the same strings.\n\n")
	fmt.Fprintf(b, "| type | gitleaks rules | secrets | leakward recall | gitleaks recall | gitleaks recall, any rule | leakward precision | gitleaks precision |\n")
	fmt.Fprintf(b, "|---|---|--:|--:|--:|--:|--:|--:|\n")
	shared := map[string]bool{}
	var lwSum, glSum typeScore
	for _, id := range ids {
		var rules []string
		for _, rule := range gitleaksRules[id] {
			if _, ok := env.gl.Config.Rules[rule]; ok {
				rules = append(rules, rule)
			}
		}
		if len(rules) == 0 {
			continue
		}
		shared[id] = true
		res.types++
		l := scoreType(env.lab, lw, id, []string{id})
		g := scoreType(env.lab, gl, id, rules)
		lwSum = addScores(lwSum, l)
		glSum = addScores(glSum, g)
		switch {
		case l.recall() < g.recall():
			res.lwLower = append(res.lwLower, id)
		case l.recall() == g.recall():
			res.lwEqual = append(res.lwEqual, id)
		}
		fmt.Fprintf(b, "| %s | %s | %d | %s | %s | %s | %s | %s |\n", id, strings.Join(rules, ", "), l.labels,
			pct(l.recall()), pct(g.recall()), pct(g.recallAny()), precisionCell(l), precisionCell(g))
	}
	res.lwShared = overall(env.lab, lw, shared)
	res.glShared = overall(env.lab, gl, shared)
	res.lwAll = overall(env.lab, lw, nil)
	res.glAll = overall(env.lab, gl, nil)
	fmt.Fprintf(b, "| **all %d shared types** | | %d | **%s** | **%s** | **%s** | %s | %s |\n\n", res.types, lwSum.labels,
		pct(lwSum.recall()), pct(glSum.recall()), pct(glSum.recallAny()), precisionCell(lwSum), precisionCell(glSum))
	res.lwSharedSum, res.glSharedSum = lwSum, glSum
	fmt.Fprintf(b, "Every finding of each tool on the labelled input, whatever its rule:\n\n")
	fmt.Fprintf(b, "| tool | findings | on a label | outside injected lines (false) | precision | recall, all %d catalog secrets | false positives by rule |\n", res.lwAll.labels)
	fmt.Fprintf(b, "|---|--:|--:|--:|--:|--:|---|\n")
	for _, t := range []struct {
		name string
		sc   scored
		s    typeScore
	}{{"leakward", lw, res.lwAll}, {"gitleaks " + glVersion, gl, res.glAll}} {
		fps := fpRules(env.lab, t.sc)
		if len(fps) > 8 {
			fps = append(fps[:8], "…")
		}
		fmt.Fprintf(b, "| %s | %d | %d | %d | %s | %s | %s |\n", t.name, len(t.sc.fs), t.s.tp, t.s.fp, pct(t.s.precision()), pct(t.s.recall()), strings.Join(fps, ", "))
	}
	fmt.Fprintf(b, "\n")
	// leakward's misses per type over the whole catalog.
	var missed []string
	for _, id := range sortedSampleIDs(env.samples) {
		s := scoreType(env.lab, lw, id, []string{id})
		if s.labels > 0 && s.hit < s.labels {
			missed = append(missed, fmt.Sprintf("%s %d/%d", id, s.hit, s.labels))
		}
	}
	fmt.Fprintf(b, "Catalog types with labelled secrets: %d. ", len(sortedSampleIDs(env.samples)))
	if len(missed) == 0 {
		fmt.Fprintf(b, "leakward found every injected secret under its own pattern id.\n\n")
	} else {
		fmt.Fprintf(b, "Types where leakward missed injected secrets under its own pattern id (found/injected): %s.\n\n", strings.Join(missed, ", "))
	}
	if len(env.skipped) > 0 {
		fmt.Fprintf(b, "Examples not injected because their pattern's regex does not locate the secret once newlines are escaped (%d): %s.\n\n", len(env.skipped), strings.Join(env.skipped, ", "))
	}
	env.accuracy = res
	return nil
}

func precisionCell(s typeScore) string {
	if s.tp+s.fp == 0 {
		return "–"
	}
	return fmt.Sprintf("%s (%d/%d)", pct(s.precision()), s.tp, s.tp+s.fp)
}

func sortedSampleIDs(ss []sample) []string {
	seen := map[string]bool{}
	var ids []string
	for _, s := range ss {
		if !seen[s.id] {
			seen[s.id] = true
			ids = append(ids, s.id)
		}
	}
	sort.Strings(ids)
	return ids
}

func (r *report) patternScaling(env *environment, c config) error {
	b := &r.body
	fmt.Fprintf(b, "## Throughput vs patterns enabled\n\n")
	fmt.Fprintf(b, "leakward with the first N patterns of the default catalog (catalog order), 64 KiB chunks, one goroutine.\n\n")
	fmt.Fprintf(b, "| patterns | clean MB/s | secrets MB/s | clean allocs/MB |\n|--:|--:|--:|--:|\n")
	for _, n := range []int{10, 50, len(env.catalog)} {
		n = min(n, len(env.catalog))
		d, err := detect.New(env.catalog[:n])
		if err != nil {
			return fmt.Errorf("benchmarks: first %d patterns: %w", n, err)
		}
		s := leakwardScanner("leakward", d, "64 KiB chunk")
		progress("leakward with %d patterns", n)
		mc := measure(s, env.clean, c.budget, c.count, false)
		ms := measure(s, env.secrets, c.budget, c.count, false)
		fmt.Fprintf(b, "| %d | %s | %s | %.1f |\n", n, mbps(mc.single), mbps(ms.single), mc.allocsPerMB)
	}
	fmt.Fprintf(b, "\n")
	return nil
}

func (r *report) sizeScaling(env *environment, c config) error {
	b := &r.body
	fmt.Fprintf(b, "## Throughput vs input size\n\n")
	fmt.Fprintf(b, "leakward, clean generated log cut into line-aligned buffers of each size, one goroutine (and %d).\n\n", runtime.GOMAXPROCS(0))
	fmt.Fprintf(b, "| buffer | buffers | MB/s | MB/s ×%d | allocs/MB |\n|--:|--:|--:|--:|--:|\n", runtime.GOMAXPROCS(0))
	type sz struct {
		name  string
		bytes int
	}
	sizes := []sz{{"one line", 0}, {"1 KiB", 1 << 10}, {"64 KiB", 64 << 10}, {"1 MiB", 1 << 20}, {"16 MiB", 16 << 20}}
	if c.big {
		sizes = append(sizes, sz{"64 MiB", 64 << 20})
	}
	s := leakwardScanner("leakward", env.lw, "64 KiB chunk")
	for _, z := range sizes {
		in := env.clean
		switch {
		case z.bytes == 0:
			in.chunks = in.lines
		case z.bytes > len(in.data):
			progress("generating %s", z.name)
			data := testlog.Generate(z.bytes, 3, 0, nil)
			in = input{name: "clean", data: data, chunks: []span{{0, len(data)}}}
		default:
			in.chunks = chunkSpans(in.data, z.bytes)
		}
		progress("leakward on %s buffers", z.name)
		m := measure(s, in, c.budget, c.count, true)
		fmt.Fprintf(b, "| %s | %d | %s | %s | %.1f |\n", z.name, len(in.chunks), mbps(m.single), mbps(m.parallel), m.allocsPerMB)
	}
	fmt.Fprintf(b, "\n")
	return nil
}

func (r *report) check(env *environment, c config) error {
	// The key: the first labelled secret of a distinctive, checksummed type.
	var k []byte
	var kt string
	for _, want := range []string{"github-pat-classic", "gitlab-pat-routable", "npm-access-token", "openai-project-key"} {
		for _, l := range env.lab.labels {
			if l.id == want {
				k, kt = env.lab.data[l.start:l.end], want
				break
			}
		}
		if k != nil {
			break
		}
	}
	if k == nil && len(env.lab.labels) > 0 {
		l := env.lab.labels[0]
		k, kt = env.lab.data[l.start:l.end], l.id
	}
	if k == nil {
		return fmt.Errorf("benchmarks: no labelled secret to check")
	}
	const storeN = 1_000_000
	progress("inline check with a %d-key store", storeN)
	rows, err := measureCheck(env.lw, k, kt, storeN, c.budget, c.count)
	if err != nil {
		return err
	}
	b := &r.body
	fmt.Fprintf(b, "## Inline key check\n\n")
	fmt.Fprintf(b, "`score.Checker.Check` on one submitted key (the default catalog, a leak store of %d keys), one goroutine.\n\n", storeN)
	fmt.Fprintf(b, "| key | decision | ns/check | allocs/check |\n|---|---|--:|--:|\n")
	for _, row := range rows {
		fmt.Fprintf(b, "| %s | %s | %.0f | %.1f |\n", row.name, row.decision, row.ns, row.allocs)
	}
	fmt.Fprintf(b, "\n")
	return nil
}

func (r *report) store(env *environment, c config) error {
	b := &r.body
	fmt.Fprintf(b, "## Leak-store lookups\n\n")
	fmt.Fprintf(b, "`score/leakstore` at the default false-positive rate, filled with synthetic digests using every core; lookups on one goroutine. A present digest runs all k probes; an absent one usually stops at the first clear bit; a key lookup adds a SHA-256.\n\n")
	fmt.Fprintf(b, "| keys | size | k | build | present digest ns | absent digest ns | absent key ns | estimated FP rate |\n|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	sizes := []uint64{1_000_000, 10_000_000}
	if c.big {
		sizes = append(sizes, 100_000_000)
	}
	for _, n := range sizes {
		progress("leak store of %d", n)
		row, err := measureStore(n, c.budget, c.count)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "| %s | %.1f MB | %d | %s | %.0f | %.0f | %.0f | %.1e |\n", humanCount(n), row.sizeMB, row.k,
			row.build.Round(10*time.Millisecond), row.hitNs, row.missNs, row.keyNs, row.fpRate)
		runtime.GC()
	}
	if !c.big {
		fmt.Fprintf(b, "\n100M keys: run with `-big`.\n")
	}
	fmt.Fprintf(b, "\n")
	return nil
}

func humanCount(n uint64) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.FormatUint(n, 10)
}

// patternCost is the time one pattern alone takes on an input.
type patternCost struct {
	id       string
	nsPerMB  float64
	findings int
}

// perPatternCosts times a detector of each single pattern on in.
func perPatternCosts(env *environment, in input, budget time.Duration) ([]patternCost, error) {
	var out []patternCost
	for _, p := range env.catalog {
		d, err := detect.New([]patterns.Pattern{p})
		if err != nil {
			return nil, fmt.Errorf("benchmarks: pattern %s: %w", p.ID, err)
		}
		m := measure(leakwardScanner("leakward", d, "buffer"), in, budget, 2, false)
		out = append(out, patternCost{id: p.ID, nsPerMB: 1e9 / m.single, findings: m.findings})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].nsPerMB > out[j].nsPerMB })
	return out, nil
}

func (r *report) perPattern(env *environment, c config) error {
	progress("timing each pattern alone on the clean input")
	costs, err := perPatternCosts(env, env.clean, min(c.budget, 100*time.Millisecond))
	if err != nil {
		return err
	}
	env.costs = costs
	r.writeCosts(&r.body, env, costs, "the clean generated log")
	if err := r.withoutSlowest(env, c, costs); err != nil {
		return err
	}
	progress("timing each pattern alone on the input with secrets")
	sc, err := perPatternCosts(env, env.secrets, min(c.budget, 100*time.Millisecond))
	if err != nil {
		return err
	}
	r.writeCosts(&r.body, env, sc, "the generated log with secrets")
	return nil
}

// withoutSlowest times the full detector with the slowest patterns
// disabled, one at a time and together, to show what each costs in
// company.
func (r *report) withoutSlowest(env *environment, c config, costs []patternCost) error {
	b := &r.body
	fmt.Fprintf(b, "The full detector with the slowest patterns disabled (`detect.WithDisabled`), 64 KiB chunks, one goroutine, clean generated log:\n\n")
	fmt.Fprintf(b, "| disabled | MB/s | secrets MB/s |\n|---|--:|--:|\n")
	var ids []string
	for _, pc := range costs[:min(3, len(costs))] {
		ids = append(ids, pc.id)
	}
	sets := [][]string{nil}
	for _, id := range ids {
		sets = append(sets, []string{id})
	}
	if len(ids) > 1 {
		sets = append(sets, ids)
	}
	var noDecode string
	for i, set := range sets {
		opts := []detect.Option{detect.WithDisabled(set...)}
		name := "none"
		if len(set) > 0 {
			name = strings.Join(set, ", ")
		}
		if i == 0 {
			// The same with decoding off, to show what nested encodings cost.
			d, err := detect.New(env.catalog, detect.WithDecodeDepth(0))
			if err != nil {
				return fmt.Errorf("benchmarks: decode depth 0: %w", err)
			}
			s := leakwardScanner("leakward", d, "64 KiB chunk")
			mc := measure(s, env.clean, c.budget, c.count, false)
			ms := measure(s, env.secrets, c.budget, c.count, false)
			noDecode = fmt.Sprintf("| none, decode depth 0 | %s | %s |\n", mbps(mc.single), mbps(ms.single))
		}
		d, err := detect.New(env.catalog, opts...)
		if err != nil {
			return fmt.Errorf("benchmarks: disabling %v: %w", set, err)
		}
		progress("full detector without %v", set)
		s := leakwardScanner("leakward", d, "64 KiB chunk")
		mc := measure(s, env.clean, c.budget, c.count, false)
		ms := measure(s, env.secrets, c.budget, c.count, false)
		fmt.Fprintf(b, "| %s | %s | %s |\n", name, mbps(mc.single), mbps(ms.single))
	}
	fmt.Fprintf(b, "%s\n", noDecode)
	return nil
}

func (r *report) writeCosts(b *strings.Builder, env *environment, costs []patternCost, what string) {
	var sum float64
	for _, pc := range costs {
		sum += pc.nsPerMB
	}
	full := env.results["leakward|64 KiB chunk|clean"]
	if what == "the generated log with secrets" {
		full = env.results["leakward|64 KiB chunk|secrets"]
	}
	fmt.Fprintf(b, "## Where leakward's time goes (%s)\n\n", what)
	fmt.Fprintf(b, "Each pattern compiled alone into its own detector and timed on the whole input, one goroutine. Each figure includes the fixed cost of one prefilter pass, so the sum over-counts; the ranking shows which patterns cost more than that pass. Sum of all %d: %.2f ms/MB", len(costs), sum/1e6)
	if full.single > 0 && strings.HasPrefix(what, "the ") {
		fmt.Fprintf(b, "; the full detector: %.2f ms/MB", 1e3/full.single)
	}
	fmt.Fprintf(b, ". Cheapest pattern: %.3f ms/MB.\n\n", costs[len(costs)-1].nsPerMB/1e6)
	fmt.Fprintf(b, "| pattern | ms/MB alone | MB/s alone | findings |\n|---|--:|--:|--:|\n")
	for _, pc := range costs[:min(12, len(costs))] {
		fmt.Fprintf(b, "| %s | %.3f | %s | %d |\n", pc.id, pc.nsPerMB/1e6, mbps(1e3/(pc.nsPerMB/1e6)), pc.findings)
	}
	fmt.Fprintf(b, "\n")
}

func (r *report) corpus(env *environment, c config) error {
	data, err := os.ReadFile(c.corpus)
	if err != nil {
		return fmt.Errorf("benchmarks: corpus: %w", err)
	}
	in := newInput("corpus", data)
	ss, err := env.scanners()
	if err != nil {
		return err
	}
	b := &r.body
	fmt.Fprintf(b, "## Throughput on %s\n\n", c.corpus)
	fmt.Fprintf(b, "%s, %d lines, not labelled.\n\n", mib(len(data)), len(in.lines))
	fmt.Fprintf(b, "| scanner | fed | MB/s | MB/s ×%d | allocs/MB | findings |\n|---|---|--:|--:|--:|--:|\n", runtime.GOMAXPROCS(0))
	for _, s := range ss {
		progress("%s (%s) on the corpus", s.name, s.mode)
		m := measure(s, in, c.budget, c.count, true)
		env.results[key(s, in)] = m
		fmt.Fprintf(b, "| %s | %s | %s | %s | %.1f | %d |\n", s.name, s.mode, mbps(m.single), mbps(m.parallel), m.allocsPerMB, m.findings)
	}
	fmt.Fprintf(b, "\n")
	lw, gl := env.results["leakward|line|corpus"], env.results["gitleaks "+glVersion+"|line|corpus"]
	lwc, glc := env.results["leakward|64 KiB chunk|corpus"], env.results["gitleaks "+glVersion+"|64 KiB chunk|corpus"]
	fmt.Fprintf(b, "leakward vs gitleaks on this file, one goroutine: **%s per line, %s per 64 KiB chunk**.\n\n", times(lw.single, gl.single), times(lwc.single, glc.single))
	progress("timing each pattern alone on the corpus")
	costs, err := perPatternCosts(env, in, min(c.budget, 100*time.Millisecond))
	if err != nil {
		return err
	}
	r.writeCosts(b, env, costs, c.corpus)
	return nil
}

// summary writes the headline: the ratios and the targets.
func (r *report) summary(env *environment) {
	h := &r.headline
	get := func(name, mode, in string) measurement { return env.results[name+"|"+mode+"|"+in] }
	gl := "gitleaks " + glVersion
	fmt.Fprintf(h, "## Headline\n\n")
	if len(env.results) > 0 {
		fmt.Fprintf(h, "| leakward vs gitleaks (one goroutine) | per line | per 64 KiB chunk |\n|---|--:|--:|\n")
		for _, in := range []string{"clean", "secrets"} {
			fmt.Fprintf(h, "| %s generated log | **%s** (%s vs %s MB/s) | **%s** (%s vs %s MB/s) |\n", in,
				times(get("leakward", "line", in).single, get(gl, "line", in).single), mbps(get("leakward", "line", in).single), mbps(get(gl, "line", in).single),
				times(get("leakward", "64 KiB chunk", in).single, get(gl, "64 KiB chunk", in).single), mbps(get("leakward", "64 KiB chunk", in).single), mbps(get(gl, "64 KiB chunk", in).single))
		}
		if _, ok := env.results["leakward|line|corpus"]; ok {
			fmt.Fprintf(h, "| corpus file | **%s** | **%s** |\n", times(get("leakward", "line", "corpus").single, get(gl, "line", "corpus").single),
				times(get("leakward", "64 KiB chunk", "corpus").single, get(gl, "64 KiB chunk", "corpus").single))
		}
		fmt.Fprintf(h, "\n")
	}
	fmt.Fprintf(h, "| target | result | met |\n|---|---|---|\n")
	if len(env.results) > 0 {
		lc, gc := get("leakward", "64 KiB chunk", "clean"), get(gl, "64 KiB chunk", "clean")
		ll, gll := get("leakward", "line", "clean"), get(gl, "line", "clean")
		worst := min(ratioOf(lc.single, gc.single), ratioOf(ll.single, gll.single))
		fmt.Fprintf(h, "| clean logs ≥ 100× gitleaks | %.0f× per line, %.0f× per chunk | %s |\n", ratioOf(ll.single, gll.single), ratioOf(lc.single, gc.single), yes(worst >= 100))
		fmt.Fprintf(h, "| clean logs ≥ 1 GB/s per core | %s MB/s per chunk, %s MB/s per line | %s |\n", mbps(lc.single), mbps(ll.single), yes(lc.single >= 1000))
		ls := get("leakward", "64 KiB chunk", "secrets")
		fmt.Fprintf(h, "| with secrets ≥ 100 MB/s | %s MB/s per chunk, %s MB/s per line | %s |\n", mbps(ls.single), mbps(get("leakward", "line", "secrets").single), yes(ls.single >= 100))
	}
	if a := env.accuracy; a != nil {
		fmt.Fprintf(h, "| recall ≥ gitleaks on every shared type | lower on %d of %d types%s | %s |\n", len(a.lwLower), a.types, listOrEmpty(a.lwLower), yes(len(a.lwLower) == 0))
		fmt.Fprintf(h, "| recall on the shared types, overall | leakward %s, gitleaks %s (mapped rules) | %s |\n", pct(a.lwSharedSum.recall()), pct(a.glSharedSum.recall()), yes(a.lwSharedSum.recall() >= a.glSharedSum.recall()))
		verdict := yes(a.lwAll.precision() > a.glAll.precision())
		if a.lwAll.precision() == a.glAll.precision() {
			verdict = "equal"
		}
		fmt.Fprintf(h, "| precision higher | leakward %s (%d false), gitleaks %s (%d false), all findings | %s |\n", pct(a.lwAll.precision()), a.lwAll.fp, pct(a.glAll.precision()), a.glAll.fp, verdict)
	}
	fmt.Fprintf(h, "\n")
	if len(env.costs) > 1 {
		top, floor := env.costs[0], env.costs[len(env.costs)-1]
		fmt.Fprintf(h, "Slowest pattern on clean logs, compiled alone: **%s**, %.2f ms/MB (%s MB/s), against %.2f ms/MB for the cheapest", top.id, top.nsPerMB/1e6, mbps(1e3/(top.nsPerMB/1e6)), floor.nsPerMB/1e6)
		if full := get("leakward", "64 KiB chunk", "clean"); full.single > 0 {
			fmt.Fprintf(h, " and %.2f ms/MB for the full detector", 1e3/full.single)
		}
		fmt.Fprintf(h, "; next: %s (%.2f ms/MB).\n\n", env.costs[1].id, env.costs[1].nsPerMB/1e6)
	}
}

func ratioOf(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func listOrEmpty(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ": " + strings.Join(ids, ", ")
}
