package detect

import (
	"encoding/base64"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/internal/testlog"
	"github.com/leakward/leakward/patterns"
)

// Hostile inputs: text built to make a scanner slow. Each generator
// returns exactly size bytes and is deterministic. Benchmarks run them at
// 1 MB and 64 MB:
//
//	go test -run '^$' -bench 'Hostile/.*/1MB$' -benchtime=3x ./detect
//	go test -run '^$' -bench 'Hostile/.*/64MB$' -benchtime=1x ./detect
//
// TestHostileWorkBounded checks that work grows linearly with size.

// hostileInput names a generator of pathological text.
type hostileInput struct {
	name string
	gen  func(size int) []byte
}

// fill repeats unit(r, i) until size bytes are written, cutting the last
// unit.
func fill(size int, seed uint64, unit func(r *rand.Rand, i int) string) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	b := make([]byte, 0, size+4096)
	for i := 0; len(b) < size; i++ {
		b = append(b, unit(r, i)...)
	}
	return b[:size]
}

// repeat fills size bytes with s.
func repeat(s string) func(int) []byte {
	return func(size int) []byte {
		return fill(size, 0, func(*rand.Rand, int) string { return s })
	}
}

const (
	hAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	hUpper = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	hB64   = hAlnum + "+/"
	hB64u  = hAlnum + "-_"
)

func hRand(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// ghToken returns a GitHub-shaped token with a valid CRC-32 checksum, or
// one whose last checksum digit is off by one when bad is set.
func ghToken(r *rand.Rand, prefix string, bad bool) string {
	random := hRand(r, hAlnum, 30)
	v := crc32.ChecksumIEEE([]byte(random))
	var sum [6]byte
	for i := 5; i >= 0; i-- {
		sum[i] = hAlnum[v%62]
		v /= 62
	}
	if bad {
		sum[5] = hAlnum[(strings.IndexByte(hAlnum, sum[5])+1)%62]
	}
	return prefix + random + string(sum[:])
}

// nestedBase64 is a log line with a GitHub token, base64-encoded levels
// times.
func nestedBase64(levels int) string {
	s := "level=error msg=\"push failed\" token=" + ghToken(rand.New(rand.NewPCG(3, 3)), "ghp_", false)
	for range levels {
		s = base64.StdEncoding.EncodeToString([]byte(s))
	}
	return s
}

// allKeywords is every keyword of the default catalog, each followed by
// "=" and nothing else.
func allKeywords() string {
	var b strings.Builder
	for _, p := range patterns.Default() {
		for _, k := range p.Keywords {
			b.WriteString(k)
			b.WriteString("= ")
		}
	}
	return b.String()
}

var hostileInputs = []hostileInput{
	{"no-newline", func(size int) []byte {
		b := testlog.Generate(size, 11, 0, nil)
		for i, c := range b {
			if c == '\n' {
				b[i] = ' '
			}
		}
		return b[:size]
	}},
	{"password-repeat", repeat("password=")},
	{"escaped-slash-keywords", repeat(`{"aws_secret_access_key":"a\/b","token":"AccountKey=x\/y"},`)},
	{"entity-keywords", repeat("&quot;token=&#x2F;&amp;sig&#61;AKIA&#43;&#x")},
	{"hex-keyword-forms", repeat("676870" + "5f" + "414b4941" + "6b65793d")},
	{"ansi-keywords", repeat("\x1b[1;31mtoken=\x1b[0m\x1b[2K AKIA\x1b[")},
	{"escaped-slash-percent", repeat(`password=a\/b%2F%3D:\/\/`)},
	{"https-repeat", repeat("https://")},
	{"ghp-repeat", repeat("ghp_")},
	{"akia-repeat", repeat("AKIA")},
	{"begin-key-repeat", repeat("-----BEGIN PRIVATE KEY-----")},
	{"begin-key-lines", repeat("-----BEGIN PRIVATE KEY-----\n")},
	{"all-keywords", repeat(allKeywords())},
	{"ghp-35-alnum", func(size int) []byte {
		return fill(size, 1, func(r *rand.Rand, _ int) string { return "ghp_" + hRand(r, hAlnum, 35) + " " })
	}},
	{"ghp-bad-checksum", func(size int) []byte {
		return fill(size, 2, func(r *rand.Rand, _ int) string { return "token=" + ghToken(r, "ghp_", true) + "\n" })
	}},
	{"akia-15", func(size int) []byte {
		return fill(size, 3, func(r *rand.Rand, _ int) string { return "AKIA" + hRand(r, hUpper, 15) + " " })
	}},
	{"jwt-fragments", func(size int) []byte {
		return fill(size, 4, func(r *rand.Rand, i int) string {
			switch i % 3 {
			case 0:
				return "eyJ" + hRand(r, hB64u, 10+r.IntN(40)) + "."
			case 1:
				return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + hRand(r, hB64u, 30) + " "
			default:
				return "Bearer eyJ" + hRand(r, hB64u, 20) + ".eyJ" + hRand(r, hB64u, 20) + ".\n"
			}
		})
	}},
	{"nested-base64", func(size int) []byte {
		s := nestedBase64(10)
		return fill(size, 0, func(*rand.Rand, int) string { return "blob=" + s + "\n" })
	}},
	{"long-base64", func(size int) []byte {
		return fill(size, 5, func(r *rand.Rand, _ int) string { return hRand(r, hB64, 4096) })
	}},
	{"base64-of-secrets", func(size int) []byte {
		return fill(size, 6, func(r *rand.Rand, _ int) string {
			return base64.StdEncoding.EncodeToString([]byte("token=" + ghToken(r, "ghp_", true) + " password=" + hRand(r, hAlnum, 20)))
		})
	}},
	{"wrapped-base64-of-secrets", func(size int) []byte {
		// One long text, base64-encoded and wrapped at 76 columns as
		// base64(1) writes it.
		var b strings.Builder
		r := rand.New(rand.NewPCG(61, 62))
		for b.Len() < size*3/4 {
			b.WriteString("token=" + ghToken(r, "ghp_", true) + " password=" + hRand(r, hAlnum, 20) + "\n")
		}
		enc := base64.StdEncoding.EncodeToString([]byte(b.String()))
		var out []byte
		for len(enc) > 0 && len(out) < size {
			n := min(76, len(enc))
			out = append(append(out, enc[:n]...), '\n')
			enc = enc[n:]
		}
		return out[:size]
	}},
	{"utf8-nul", func(size int) []byte {
		return fill(size, 7, func(r *rand.Rand, i int) string {
			junk := []string{"\x00", "\xff", "\xfe\xfe", "\xc3\x28", "\xe2\x82", "é", "\U0001F600", "\xed\xa0\x80"}
			var b strings.Builder
			b.WriteString([]string{"password=", "ghp_", "AKIA", "token: ", "api_key=", "sk-"}[i%6])
			for range 8 + r.IntN(24) {
				if r.IntN(2) == 0 {
					b.WriteString(junk[r.IntN(len(junk))])
				} else {
					b.WriteByte(hAlnum[r.IntN(62)])
				}
			}
			return b.String()
		})
	}},
	{"random-binary", func(size int) []byte {
		r := rand.New(rand.NewPCG(8, 8))
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}},
}

func BenchmarkHostile(b *testing.B) {
	d := defaultDetector()
	for _, in := range hostileInputs {
		for _, sz := range []struct {
			name string
			n    int
		}{{"1MB", 1 << 20}, {"64MB", 64 << 20}} {
			b.Run(in.name+"/"+sz.name, func(b *testing.B) {
				src := in.gen(sz.n)
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				t0 := d.Timeouts()
				var fs []Finding
				for b.Loop() {
					fs = d.AppendScan(fs[:0], src)
				}
				b.ReportMetric(float64(len(fs)), "findings/op")
				b.ReportMetric(float64(d.Timeouts()-t0)/float64(b.N), "timeouts/op")
				masked := 0
				for _, f := range fs {
					if f.Undecided != Decided {
						masked += f.Len()
					}
				}
				b.ReportMetric(float64(masked)/float64(len(src)), "undecided-frac")
			})
		}
	}
}

// TestHostileWorkBounded counts the work (weighted regex runes, see
// budget.go) that a scan of each hostile input spends at 256 KiB and at
// 2 MiB, and the text it masks as undecided. Work is counted, not timed,
// so the test means the same on a busy machine: past the head of the
// input (workHead, searched however dense), no input may cost more than
// maxWorkPerByte units per byte, eight times the text may cost at most
// about eight times the work, and ordinary logs are never masked.
func TestHostileWorkBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 2 MiB of each hostile input")
	}
	const maxWorkPerByte = 4 * workPerByte
	head := workPerByteHead * workHead
	d := defaultDetector()
	for _, in := range hostileInputs {
		t.Run(in.name, func(t *testing.T) {
			small, large := in.gen(256<<10), in.gen(2<<20)
			ws, _ := d.workOf(small)
			wl, _ := d.workOf(large)
			t.Logf("work per byte: 256KiB %6.2f  2MiB %6.2f", float64(ws)/float64(len(small)), float64(wl)/float64(len(large)))
			assert.LessOrEqual(t, wl, head+maxWorkPerByte*len(large), "%s: work of 2 MiB", in.name)
			assert.LessOrEqual(t, wl, 8*ws+head+maxWorkPerByte*(256<<10), "%s: work of 2 MiB over work of 256 KiB", in.name)
		})
	}
	for _, src := range [][]byte{cleanLog(), secretLog()} {
		for _, f := range d.Scan(src) {
			assert.Equal(t, Decided, f.Undecided, "ordinary log: %v", f)
		}
	}
}

// BenchmarkHostilePerPattern scans 256 KiB of one hostile input with a
// detector per pattern, to find the patterns it costs most: with
// LEAKWARD_HOSTILE set to the input's name,
//
//	LEAKWARD_HOSTILE=password-repeat go test -run X -bench HostilePerPattern ./detect
func BenchmarkHostilePerPattern(b *testing.B) {
	name := os.Getenv("LEAKWARD_HOSTILE")
	if name == "" {
		b.Skip("set LEAKWARD_HOSTILE to an input name")
	}
	i := slices.IndexFunc(hostileInputs, func(in hostileInput) bool { return in.name == name })
	require.GreaterOrEqual(b, i, 0, "unknown input %q", name)
	src := hostileInputs[i].gen(256 << 10)
	for _, p := range patterns.Default() {
		d, err := New([]patterns.Pattern{p})
		require.NoError(b, err, p.ID)
		b.Run(p.ID, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			var fs []Finding
			for b.Loop() {
				fs = d.AppendScan(fs[:0], src)
			}
		})
	}
}

// TestHostileInputsSized checks the generators: exact sizes, and the
// nested blob really has ten layers over a token.
func TestHostileInputsSized(t *testing.T) {
	for _, in := range hostileInputs {
		got := len(in.gen(1000))
		assert.Equal(t, 1000, got, in.name)
	}
	s := nestedBase64(10)
	for range 10 {
		b, err := base64.StdEncoding.DecodeString(s)
		require.NoError(t, err)
		s = string(b)
	}
	assert.Contains(t, s, "token=ghp_")
}

// TestDefaultCatalogRegexesHaveTimeout checks that every compiled regex of
// the default catalog carries the match timeout, the default one and a
// custom one.
func TestDefaultCatalogRegexesHaveTimeout(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want time.Duration
	}{
		{nil, DefaultMatchTimeout},
		{[]Option{WithMatchTimeout(7 * time.Millisecond)}, 7 * time.Millisecond},
	} {
		d, err := New(patterns.Default(), tc.opts...)
		require.NoError(t, err)
		require.Len(t, d.pats, len(patterns.Default()))
		for _, c := range d.pats {
			require.NotNil(t, c.re, c.p.ID)
			assert.Equal(t, tc.want, c.re.MatchTimeout, "pattern %s", c.p.ID)
		}
	}
}

// TestHostileNestedDepth: the token under ten layers of base64
// is not found (decoding stops at the configured depth), but one or two
// layers are, so the hostile input is not trivially empty.
func TestHostileNestedDepth(t *testing.T) {
	d := defaultDetector()
	for _, tc := range []struct {
		levels int
		want   bool
	}{{0, true}, {1, true}, {10, false}} {
		src := []byte("blob=" + nestedBase64(tc.levels) + "\n")
		fs := d.Scan(src)
		got := slices.ContainsFunc(fs, func(f Finding) bool { return f.PatternID == "github-pat-classic" })
		assert.Equal(t, tc.want, got, "token under %d layers of base64: findings %v", tc.levels, fs)
	}
}
