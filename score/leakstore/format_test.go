package leakstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testPepper = []byte("synthetic-pepper-for-tests-only!")

// smallFile returns a small store file holding keys testKey(7, 0..n-1).
func smallFile(t testing.TB, pepper []byte, n uint64) []byte {
	t.Helper()
	s := newStore(t, Config{Capacity: 16, FPRate: 1e-3, Pepper: pepper, Source: "small"})
	for i := uint64(0); i < n; i++ {
		require.NoError(t, s.Add(testKey(7, i)))
	}
	var buf bytes.Buffer
	_, err := s.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

// readAll reads file through the three entry points: a bytes.Reader
// (known length), a plain io.Reader (unknown length) and ReadFile.
func readAll(t *testing.T, file []byte, opts *ReadOptions) [3]error {
	t.Helper()
	var errs [3]error
	_, errs[0] = Read(bytes.NewReader(file), opts)
	_, errs[1] = Read(io.MultiReader(bytes.NewReader(file)), opts)
	path := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(path, file, 0o600))
	_, errs[2] = ReadFile(path, opts)
	return errs
}

func TestReadCorruption(t *testing.T) {
	for _, pepper := range [][]byte{nil, testPepper} {
		file := smallFile(t, pepper, 8)
		opts := &ReadOptions{Pepper: pepper}
		s, err := Read(bytes.NewReader(file), opts)
		require.NoError(t, err, "the intact file must read")
		for i := uint64(0); i < 8; i++ {
			require.True(t, has(t, s, testKey(7, i)), "key %d in the intact file", i)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "f")
		// Every single-bit flip and every whole-byte flip is an error.
		for pos := range file {
			for _, mask := range []byte{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff} {
				bad := bytes.Clone(file)
				bad[pos] ^= mask
				got, err := Read(bytes.NewReader(bad), opts)
				if !assert.Error(t, err, "Read with byte %d ^ %#x must fail", pos, mask) {
					continue
				}
				assert.Nil(t, got, "Read with byte %d ^ %#x returns no store", pos, mask)
				assert.True(t, isSentinel(err), "Read with byte %d ^ %#x: %v wraps no sentinel", pos, mask, err)
				_, err = Verify(bytes.NewReader(bad), nil)
				assert.Error(t, err, "Verify with byte %d ^ %#x must fail", pos, mask)
			}
			bad := bytes.Clone(file)
			bad[pos] ^= 0xff
			require.NoError(t, os.WriteFile(path, bad, 0o600))
			_, err := ReadFile(path, opts)
			assert.Error(t, err, "ReadFile with byte %d flipped", pos)
		}
		hdr, err := Verify(bytes.NewReader(file), nil)
		require.NoError(t, err, "Verify of the intact file, without the pepper")
		assert.Equal(t, s.Header(), hdr, "Verify returns the header")
		// Every truncation is ErrTruncated.
		for n := 0; n < len(file); n++ {
			_, err := Verify(bytes.NewReader(file[:n]), nil)
			assert.ErrorIs(t, err, ErrTruncated, "Verify with the file cut to %d of %d bytes", n, len(file))
			for i, err := range readAll(t, file[:n], opts) {
				assert.ErrorIs(t, err, ErrTruncated, "reader %d with the file cut to %d of %d bytes", i, n, len(file))
			}
		}
		// Trailing bytes are rejected by ReadFile; a stream reads exactly the file.
		long := append(bytes.Clone(file), 0)
		errs := readAll(t, long, opts)
		assert.NoError(t, errs[0], "bytes.Reader with a trailing byte")
		assert.NoError(t, errs[1], "stream with a trailing byte")
		assert.ErrorIs(t, errs[2], ErrCorrupt, "ReadFile with a trailing byte")
	}
}

func isSentinel(err error) bool {
	for _, s := range []error{ErrBadMagic, ErrVersion, ErrCorrupt, ErrTruncated, ErrTooLarge, ErrPepper} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// withHeader returns file with its header changed by edit and the
// checksum recomputed, so that only header validation can reject it.
func withHeader(file []byte, edit func(h []byte)) []byte {
	bad := bytes.Clone(file)
	edit(bad[:headerBytes])
	body := bad[:len(bad)-32]
	sum := sha256Sum(body)
	copy(bad[len(bad)-32:], sum[:])
	return bad
}

func TestReadHeaderErrors(t *testing.T) {
	file := smallFile(t, nil, 4)
	peppered := smallFile(t, testPepper, 4)
	le := binary.LittleEndian
	tests := []struct {
		name string
		file []byte
		opts *ReadOptions
		want error
	}{
		{"magic", withHeader(file, func(h []byte) { h[0] = 'X' }), nil, ErrBadMagic},
		{"empty", nil, nil, ErrTruncated},
		{"version 2", withHeader(file, func(h []byte) { le.PutUint16(h[8:], 2) }), nil, ErrVersion},
		{"version 0", withHeader(file, func(h []byte) { le.PutUint16(h[8:], 0) }), nil, ErrVersion},
		{"scheme 0", withHeader(file, func(h []byte) { h[10] = 0 }), nil, ErrCorrupt},
		{"scheme 3", withHeader(file, func(h []byte) { h[10] = 3 }), nil, ErrCorrupt},
		{"flags", withHeader(file, func(h []byte) { h[11] = 2 }), nil, ErrCorrupt},
		{"k 0", withHeader(file, func(h []byte) { le.PutUint32(h[12:], 0) }), nil, ErrCorrupt},
		{"k 65", withHeader(file, func(h []byte) { le.PutUint32(h[12:], 65) }), nil, ErrCorrupt},
		{"m 0", withHeader(file, func(h []byte) { le.PutUint64(h[16:], 0) }), nil, ErrCorrupt},
		{"m 100", withHeader(file, func(h []byte) { le.PutUint64(h[16:], 100) }), nil, ErrCorrupt},
		{"m huge", withHeader(file, func(h []byte) { le.PutUint64(h[16:], 1<<62) }), nil, ErrTooLarge},
		{"m above option", file, &ReadOptions{MaxBits: 64}, ErrTooLarge},
		{"m larger than file", withHeader(file, func(h []byte) { le.PutUint64(h[16:], 1<<30) }), nil, ErrTruncated},
		{"capacity 0", withHeader(file, func(h []byte) { le.PutUint64(h[24:], 0) }), nil, ErrCorrupt},
		{"count > capacity", withHeader(file, func(h []byte) { le.PutUint64(h[32:], 17) }), nil, ErrCorrupt},
		{"fp 0", withHeader(file, func(h []byte) { le.PutUint64(h[40:], 0) }), nil, ErrCorrupt},
		{"fp NaN", withHeader(file, func(h []byte) { le.PutUint64(h[40:], math.Float64bits(math.NaN())) }), nil, ErrCorrupt},
		{"fp 1", withHeader(file, func(h []byte) { le.PutUint64(h[40:], math.Float64bits(1)) }), nil, ErrCorrupt},
		{"check set", withHeader(file, func(h []byte) { h[56] = 1 }), nil, ErrCorrupt},
		{"source long", withHeader(file, func(h []byte) { le.PutUint32(h[64:], MaxSourceBytes+1) }), nil, ErrTooLarge},
		{"reserved", withHeader(file, func(h []byte) { h[70] = 1 }), nil, ErrCorrupt},
		{"pepper given", file, &ReadOptions{Pepper: testPepper}, ErrPepper},
		{"pepper missing", peppered, nil, ErrPepper},
		{"pepper wrong", peppered, &ReadOptions{Pepper: []byte("another-synthetic-pepper-value")}, ErrPepper},
		{"pepper short", peppered, &ReadOptions{Pepper: []byte("x")}, ErrPepper},
	}
	for _, tt := range tests {
		errs := readAll(t, tt.file, tt.opts)
		for i, err := range errs {
			assert.ErrorIs(t, err, tt.want, "%s (reader %d)", tt.name, i)
		}
		if len(tt.file) >= headerBytes {
			_, err := ReadHeader(bytes.NewReader(tt.file), tt.opts)
			if tt.want != ErrTruncated && tt.want != ErrPepper { // ReadHeader ignores the pepper
				assert.ErrorIs(t, err, tt.want, "%s (ReadHeader)", tt.name)
			}
		}
	}
}

// TestReadBeforeAllocating checks that a header claiming a huge array is
// rejected, or read progressively, without allocating the claimed size.
func TestReadBeforeAllocating(t *testing.T) {
	file := smallFile(t, nil, 4)
	le := binary.LittleEndian
	claim := withHeader(file, func(h []byte) { le.PutUint64(h[16:], 1<<33) }) // 1 GiB claimed
	rd := reader{r: io.MultiReader(bytes.NewReader(claim)), remaining: -1}
	_, err := rd.read()
	assert.ErrorIs(t, err, ErrTruncated, "stream claiming 1 GiB")
	assert.Less(t, rd.allocBytes, uint64(2<<20), "bytes allocated for a stream claiming 1 GiB")

	for _, r := range []io.Reader{bytes.NewReader(claim), bytes.NewBuffer(claim)} {
		rd, err := newReader(r, nil)
		require.NoError(t, err)
		_, err = rd.read()
		assert.ErrorIs(t, err, ErrTruncated, "sized reader %T claiming 1 GiB", r)
		assert.Zero(t, rd.allocBytes, "bytes allocated for a sized reader %T claiming 1 GiB", r)
	}

	// A bad checksum from a seekable reader costs no bit array.
	bad := bytes.Clone(file)
	bad[len(bad)-1] ^= 1
	rd2, err := newReader(bytes.NewReader(bad), nil)
	require.NoError(t, err)
	_, err = rd2.read()
	assert.ErrorIs(t, err, ErrCorrupt, "seekable reader with a bad checksum")
	h, err := ReadHeader(bytes.NewReader(file), nil)
	require.NoError(t, err)
	chunkAndLabel := min(h.M/8, chunkBytes) + uint64(len(h.Source)) // no bit array
	assert.Equal(t, chunkAndLabel, rd2.allocBytes, "bytes allocated for a seekable reader with a bad checksum")
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "store.lwl")
	s := newStore(t, Config{Capacity: 100})
	require.NoError(t, s.WriteFile(path))
	require.NoError(t, s.Add(testKey(8, 1)))
	require.NoError(t, s.WriteFile(path))
	got, err := ReadFile(path, nil)
	require.NoError(t, err)
	assert.True(t, has(t, got, testKey(8, 1)))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary files left behind")
	err = s.WriteFile(filepath.Join(dir, "missing", "x"))
	assert.Error(t, err, "WriteFile into a missing directory")
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n < len(p) {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriteToError(t *testing.T) {
	s := newStore(t, Config{Capacity: 100_000})
	for _, n := range []int{0, 100, 1 << 17} {
		_, err := s.WriteTo(&failWriter{n: n})
		assert.ErrorContains(t, err, "disk full", "WriteTo failing after %d bytes", n)
	}
}

func TestAdviseHugePages(t *testing.T) {
	for _, n := range []int{0, 1, 1 << 16, 1<<19 + 3, 1 << 20} {
		w := make([]uint64, n)
		adviseHugePages(w)
		for i := range w {
			w[i] = 1
		}
		for i := 1; i < n; i *= 2 {
			require.Equal(t, uint64(1), w[i], "word %d of %d after advice", i, n)
		}
	}
}

func sha256Sum(b []byte) [32]byte { return Digest(b) }
