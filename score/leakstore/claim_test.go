package leakstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/internal/memtest"
)

// sparseStore writes, in dir, a sparse file whose header claims a bit
// array of m bits and whose size matches the claim (plus extra bytes,
// which may be negative): the array and the checksum read as zeros, so
// only the checksum can reject it. It costs no disk.
func sparseStore(t *testing.T, dir string, m uint64, extra int64) string {
	t.Helper()
	file := smallFile(t, nil, 0)
	srcLen := uint64(binary.LittleEndian.Uint32(file[64:]))
	head := bytes.Clone(file[:headerBytes+srcLen])
	binary.LittleEndian.PutUint64(head[16:], m)
	path := filepath.Join(dir, "sparse.lwl")
	require.NoError(t, os.WriteFile(path, head, 0o600))
	require.NoError(t, os.Truncate(path, int64(headerBytes+srcLen+m/8+32)+extra))
	return path
}

// TestReadSparseClaim reads a 2 GiB sparse file with a valid header at the
// default limit: the checksum must fail before the 2 GiB bit array is
// allocated.
func TestReadSparseClaim(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 2 GiB (of holes)")
	}
	path := sparseStore(t, t.TempDir(), DefaultMaxBits, 0)
	var err error
	got := memtest.Allocated(func() { _, err = ReadFile(path, nil) })
	assert.ErrorIs(t, err, ErrCorrupt, "ReadFile of a sparse file claiming 2 GiB")
	assert.ErrorContains(t, err, "checksum mismatch", "ReadFile of a sparse file claiming 2 GiB")
	assert.Less(t, got, uint64(1<<20), "bytes allocated by ReadFile of a sparse file claiming 2 GiB")

}

// TestReloadSparseClaim loads a 256 MiB sparse file with a valid header
// into a Reloader: the load fails without allocating the array, and the
// old store stays.
func TestReloadSparseClaim(t *testing.T) {
	path := sparseStore(t, t.TempDir(), 1<<31, 0)
	old := newStore(t, Config{Capacity: 10})
	require.NoError(t, old.Add(testKey(9, 1)))
	rl := NewReloader(old)
	var err error
	got := memtest.Allocated(func() { err = rl.Load(path, nil) })
	assert.ErrorIs(t, err, ErrCorrupt, "Reloader.Load of a sparse file claiming 256 MiB")
	assert.Less(t, got, uint64(1<<20), "bytes allocated by Reloader.Load of a sparse file claiming 256 MiB")
	assert.Same(t, old, rl.Current(), "a failed Load keeps the old store")
}

// TestReadClaimBeyondFile reads files whose header claims more bytes than
// the file holds, or more than the limit: each is rejected from the header
// alone, before the bit array is read or allocated.
func TestReadClaimBeyondFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		m     uint64
		extra int64
		opts  *ReadOptions
		want  error
	}{
		{"one byte short of 2 GiB", DefaultMaxBits, -1, nil, ErrTruncated},
		{"16 GiB claimed, 1 KiB file", HardMaxBits, -(HardMaxBits/8 - 1024), &ReadOptions{MaxBits: HardMaxBits}, ErrTruncated},
		{"2 GiB above the default limit", 2 * DefaultMaxBits, 0, nil, ErrTooLarge},
		{"1 MiB above a 64 KiB limit", 1 << 23, 0, &ReadOptions{MaxBits: 1 << 19}, ErrTooLarge},
	}
	for _, tt := range tests {
		path := sparseStore(t, dir, tt.m, tt.extra)
		var err error
		got := memtest.Allocated(func() { _, err = ReadFile(path, tt.opts) })
		assert.ErrorIs(t, err, tt.want, "ReadFile, %s", tt.name)
		assert.Less(t, got, uint64(64<<10), "bytes allocated by ReadFile, %s", tt.name)

		f, err := os.Open(path)
		require.NoError(t, err)
		got = memtest.Allocated(func() { _, err = Read(f, tt.opts) })
		f.Close()
		assert.ErrorIs(t, err, tt.want, "Read of an *os.File, %s", tt.name)
		assert.Less(t, got, uint64(64<<10), "bytes allocated by Read of an *os.File, %s", tt.name)
	}
}

// changingReader is a seekable reader whose bytes become after (when
// set) once it has been read to the end and rewound.
type changingReader struct {
	*bytes.Reader
	after []byte
	read  bool // read to the end
}

func (c *changingReader) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	c.read = c.read || c.Len() == 0
	return n, err
}

func (c *changingReader) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart && c.read && c.after != nil {
		c.Reader, c.after = bytes.NewReader(c.after), nil
	}
	return c.Reader.Seek(off, whence)
}

// TestReadChangedBetweenPasses rewrites the file between the checksum pass
// and the read: the read fails instead of returning unverified bits.
func TestReadChangedBetweenPasses(t *testing.T) {
	file := smallFile(t, nil, 3)
	bits := bytes.Clone(file)
	bits[len(bits)-40] ^= 1 // in the bit array, checksum not updated
	other := smallFile(t, nil, 4)
	bigger := withHeader(file, func(h []byte) { binary.LittleEndian.PutUint64(h[16:], 1<<20) })
	tests := []struct {
		name  string
		after []byte
		want  string
	}{
		{"bit flipped", bits, "second read"},
		{"other valid store", other, "header changed"},
		{"header changed", bigger, "header changed"},
	}
	for _, tt := range tests {
		s, err := Read(&changingReader{Reader: bytes.NewReader(file), after: tt.after}, nil)
		assert.Nil(t, s, "store read from a file changed between passes, %s", tt.name)
		assert.ErrorIs(t, err, ErrCorrupt, "file changed between passes, %s", tt.name)
		assert.ErrorContains(t, err, tt.want, "file changed between passes, %s", tt.name)
	}
	s, err := Read(&changingReader{Reader: bytes.NewReader(file)}, nil)
	require.NoError(t, err, "unchanged seekable reader")
	assert.True(t, has(t, s, testKey(7, 2)), "key 2 read from a seekable reader")
}

// TestReadSeekError checks that a reader whose seek fails after the size
// was taken gives an error, not a store.
func TestReadSeekError(t *testing.T) {
	file := smallFile(t, nil, 3)
	_, err := Read(&failSeeker{Reader: bytes.NewReader(file), ok: 3}, nil)
	assert.ErrorContains(t, err, "leakstore: seek", "seek failing before the second pass")
	_, err = Read(&failSeeker{Reader: bytes.NewReader(file), ok: 2}, nil)
	assert.ErrorContains(t, err, "leakstore: seek", "seek failing while the size is taken")
	s, err := Read(&failSeeker{Reader: bytes.NewReader(file), ok: 0}, nil)
	require.NoError(t, err, "a reader that cannot seek is read as a stream")
	assert.True(t, has(t, s, testKey(7, 2)), "key 2 read from a stream")
}

// failSeeker fails every seek after the first ok.
type failSeeker struct {
	*bytes.Reader
	ok int
}

func (f *failSeeker) Seek(off int64, whence int) (int64, error) {
	if f.ok == 0 {
		return 0, errors.New("seek refused")
	}
	f.ok--
	return f.Reader.Seek(off, whence)
}
