package leakstore

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKey returns a synthetic key (never a real credential) for index i
// of set seed.
func testKey(seed, i uint64) []byte {
	b := make([]byte, 0, 40)
	b = append(b, "lwtest_"...)
	b = binary.BigEndian.AppendUint64(b, seed)
	b = binary.BigEndian.AppendUint64(b, i)
	return fmt.Appendf(b[:7], "%016x%016x", seed, i)
}

// lookup is what *Store and *Reloader share with score.LeakStore.
type lookup interface {
	ContainsKey(ctx context.Context, key []byte) (bool, error)
	ContainsDigest(ctx context.Context, d [32]byte) (bool, error)
}

// has reports whether l lists key, and fails the test if it cannot say.
func has(t testing.TB, l lookup, key []byte) bool {
	t.Helper()
	ok, err := l.ContainsKey(context.Background(), key)
	if err != nil {
		t.Errorf("ContainsKey: %v", err)
	}
	return ok
}

// hasDigest reports whether l lists the key of digest d, and fails the
// test if it cannot say.
func hasDigest(t testing.TB, l lookup, d [32]byte) bool {
	t.Helper()
	ok, err := l.ContainsDigest(context.Background(), d)
	if err != nil {
		t.Errorf("ContainsDigest: %v", err)
	}
	return ok
}

// randDigest returns a pseudo-random digest from r.
func randDigest(r *rand.Rand) [32]byte {
	var d [32]byte
	for i := 0; i < 32; i += 8 {
		binary.LittleEndian.PutUint64(d[i:], r.Uint64())
	}
	return d
}

// preview redacts a key for test messages: first 4 characters + length.
func preview(key []byte) string {
	return fmt.Sprintf("%.4s…(%d bytes)", key, len(key))
}

var testTime = time.Date(2026, 11, 28, 12, 0, 0, 123456789, time.UTC)

func newStore(t testing.TB, cfg Config) *Store {
	t.Helper()
	if cfg.Created.IsZero() {
		cfg.Created = testTime
	}
	s, err := New(cfg)
	require.NoError(t, err, "New(%+v)", cfg)
	return s
}

func TestParameters(t *testing.T) {
	tests := []struct {
		n uint64
		p float64
	}{
		{1_500_000, 1e-6}, {10_000_000, 1e-6}, {1_000_000, 1e-3}, {100_000, 1e-5}, {1000, 0.01},
	}
	for _, tt := range tests {
		m, k, err := Parameters(tt.n, tt.p)
		require.NoError(t, err, "Parameters(%d, %g)", tt.n, tt.p)
		bound := -float64(tt.n) * math.Log(tt.p) / (math.Ln2 * math.Ln2)
		assert.GreaterOrEqual(t, float64(m), bound, "Parameters(%d, %g) m", tt.n, tt.p)
		assert.LessOrEqual(t, float64(m), bound*1.01, "Parameters(%d, %g) m within 1%% of the bloom bound", tt.n, tt.p)
		assert.Zero(t, m%64, "Parameters(%d, %g) m multiple of 64", tt.n, tt.p)
		kOpt := math.Ln2 * float64(m) / float64(tt.n)
		assert.InDelta(t, kOpt, float64(k), 1, "Parameters(%d, %g) k", tt.n, tt.p)
	}
	// 1.5M keys at 1e-6: ≈ 5.4 MB.
	s := newStore(t, Config{Capacity: 1_500_000, FPRate: 1e-6})
	assert.InDelta(t, 5.39e6, float64(s.SizeBytes()), 0.02e6, "SizeBytes for 1.5M at 1e-6")
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"zero capacity", Config{}, ErrInvalidConfig},
		{"fp too high", Config{Capacity: 10, FPRate: 0.9}, ErrInvalidConfig},
		{"fp negative", Config{Capacity: 10, FPRate: -1}, ErrInvalidConfig},
		{"fp NaN", Config{Capacity: 10, FPRate: math.NaN()}, ErrInvalidConfig},
		{"too big", Config{Capacity: 1 << 40, FPRate: 1e-6}, ErrInvalidConfig},
		{"short pepper", Config{Capacity: 10, Pepper: []byte("short")}, ErrPepper},
		{"long source", Config{Capacity: 10, Source: string(make([]byte, MaxSourceBytes+1))}, ErrInvalidConfig},
		{"bad utf8 source", Config{Capacity: 10, Source: "\xff"}, ErrInvalidConfig},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		assert.ErrorIs(t, err, tt.want, tt.name)
	}
}

func TestAddContains(t *testing.T) {
	for _, pepper := range [][]byte{nil, []byte("0123456789abcdef-synthetic-pepper")} {
		s := newStore(t, Config{Capacity: 1000, FPRate: 1e-6, Pepper: pepper})
		for i := uint64(0); i < 500; i++ {
			key := testKey(1, i)
			require.NoError(t, s.Add(key), "Add(%s)", preview(key))
		}
		for i := uint64(500); i < 1000; i++ {
			require.NoError(t, s.AddDigest(Digest(testKey(1, i))), "AddDigest(%d)", i)
		}
		assert.Equal(t, uint64(1000), s.Count(), "Count after 1000 adds")
		for i := uint64(0); i < 1000; i++ {
			key := testKey(1, i)
			assert.True(t, has(t, s, key), "ContainsKey(%s)", preview(key))
			assert.True(t, hasDigest(t, s, sha256.Sum256(key)), "ContainsDigest(%s)", preview(key))
		}
		absent := 0
		for i := uint64(0); i < 1000; i++ {
			if has(t, s, testKey(2, i)) {
				absent++
			}
		}
		assert.Zero(t, absent, "false positives among 1000 absent keys at 1e-6")
		// Re-adding a present key is fine even when full.
		assert.NoError(t, s.Add(testKey(1, 3)), "re-Add of a present key when full")
		err := s.Add(testKey(3, 0))
		assert.ErrorIs(t, err, ErrFull, "Add past capacity")
		assert.False(t, has(t, s, testKey(3, 0)), "refused key must not be added")
		assert.Equal(t, uint64(1000), s.Count(), "Count after refused add")
		assert.False(t, s.Overfilled())
	}
}

func TestOverfill(t *testing.T) {
	s := newStore(t, Config{Capacity: 1000, FPRate: 1e-3, AllowOverfill: true})
	at := 0.0
	for i := uint64(0); i < 10000; i++ {
		require.NoError(t, s.Add(testKey(4, i)), "Add %d to an overfillable store", i)
		if i == 999 {
			at = s.EstimatedFPRate()
		}
	}
	assert.True(t, s.Overfilled(), "Overfilled after 10000 adds to capacity 1000")
	assert.InDelta(t, 1e-3, at, 0.2e-3, "EstimatedFPRate at capacity")
	assert.Greater(t, s.EstimatedFPRate(), 0.1, "EstimatedFPRate at 10x capacity")
}

// TestNoStore: a nil *Store, a nil *Reloader and an empty Reloader do not
// answer "not listed"; they return ErrNoStore, so a store that failed to
// load is never read as an empty one.
func TestNoStore(t *testing.T) {
	ctx := context.Background()
	var s *Store
	var r *Reloader
	var zr Reloader
	tests := []struct {
		name string
		l    lookup
	}{
		{"nil *Store", s},
		{"nil *Reloader", r},
		{"zero Reloader", &zr},
		{"Reloader of a nil *Store", NewReloader(nil)},
	}
	for _, tt := range tests {
		got, err := tt.l.ContainsKey(ctx, []byte("x"))
		assert.ErrorIs(t, err, ErrNoStore, "%s ContainsKey error", tt.name)
		assert.False(t, got, "%s ContainsKey", tt.name)
		got, err = tt.l.ContainsDigest(ctx, [32]byte{})
		assert.ErrorIs(t, err, ErrNoStore, "%s ContainsDigest error", tt.name)
		assert.False(t, got, "%s ContainsDigest", tt.name)
	}
	assert.Zero(t, s.Count())
	assert.ErrorIs(t, s.AddDigest([32]byte{}), ErrInvalidConfig)

	// Once a store is swapped in, the Reloader answers.
	st := newStore(t, Config{Capacity: 10})
	require.NoError(t, st.Add([]byte("x")))
	zr.Swap(st)
	got, err := zr.ContainsKey(ctx, []byte("x"))
	require.NoError(t, err, "ContainsKey after Swap")
	assert.True(t, got, "ContainsKey after Swap")
}

func TestPepperMAC(t *testing.T) {
	for _, n := range []int{16, 32, 64, 65, 200} {
		pepper := bytes.Repeat([]byte{0xa5}, n)
		d := Digest([]byte("lwtest_mac"))
		m := hmac.New(sha256.New, pepper)
		m.Write(d[:])
		want := m.Sum(nil)
		got := newPepperKey(pepper).mac(&d)
		assert.Equal(t, want, got[:], "mac with a %d-byte pepper", n)
	}
}

func TestParseDigest(t *testing.T) {
	d := Digest([]byte("lwtest_digest"))
	hexd := FormatDigest(d)
	got, err := ParseDigest([]byte(hexd))
	require.NoError(t, err)
	assert.Equal(t, d, got)
	got, err = ParseDigest(bytes.ToUpper([]byte(hexd)))
	require.NoError(t, err)
	assert.Equal(t, d, got, "upper case")
	for _, bad := range []string{"", hexd[:63], hexd + "0", hexd[:10] + "g" + hexd[11:]} {
		_, err := ParseDigest([]byte(bad))
		assert.ErrorIs(t, err, ErrDigest, "ParseDigest of %d chars", len(bad))
	}
}

func TestRoundTrip(t *testing.T) {
	pepper := []byte("synthetic-pepper-for-tests-only!")
	for _, tt := range []struct {
		name string
		cfg  Config
	}{
		{"sha256", Config{Capacity: 2000, FPRate: 1e-4, Source: "feed: synthetic ✓"}},
		{"hmac", Config{Capacity: 2000, FPRate: 1e-3, Pepper: pepper, AllowOverfill: true}},
	} {
		s := newStore(t, tt.cfg)
		for i := uint64(0); i < 1500; i++ {
			require.NoError(t, s.Add(testKey(5, i)))
		}
		var buf bytes.Buffer
		n, err := s.WriteTo(&buf)
		require.NoError(t, err, tt.name)
		assert.Equal(t, int64(buf.Len()), n, tt.name)
		hdr := s.Header()
		assert.Equal(t, hdr.FileBytes(), uint64(n), "%s FileBytes", tt.name)

		opts := &ReadOptions{Pepper: tt.cfg.Pepper}
		got, err := Read(bytes.NewReader(buf.Bytes()), opts)
		require.NoError(t, err, "%s Read", tt.name)
		assert.Equal(t, hdr, got.Header(), "%s header after Read", tt.name)
		assert.Equal(t, s.words, got.words, "%s bits after Read", tt.name)

		// Through a reader of unknown size (progressive allocation).
		got2, err := Read(struct{ io.Reader }{bytes.NewReader(buf.Bytes())}, opts)
		require.NoError(t, err, "%s Read of unknown size", tt.name)
		assert.Equal(t, s.words, got2.words, "%s bits after Read of unknown size", tt.name)

		path := filepath.Join(t.TempDir(), "store.lwl")
		require.NoError(t, s.WriteFile(path), tt.name)
		got3, err := ReadFile(path, opts)
		require.NoError(t, err, "%s ReadFile", tt.name)
		for i := uint64(0); i < 3000; i++ {
			key := testKey(5, i)
			assert.Equal(t, has(t, s, key), has(t, got3, key), "%s ContainsKey(%s) after ReadFile", tt.name, preview(key))
		}
		hr, err := ReadHeader(bytes.NewReader(buf.Bytes()), opts)
		require.NoError(t, err, "%s ReadHeader", tt.name)
		assert.Equal(t, hdr, hr, "%s ReadHeader", tt.name)

		// Re-writing gives identical bytes.
		var buf2 bytes.Buffer
		_, err = got.WriteTo(&buf2)
		require.NoError(t, err)
		assert.Equal(t, buf.Bytes(), buf2.Bytes(), "%s rewrite", tt.name)
	}
}
