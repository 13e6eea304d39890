package monitor

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/internal/memtest"
)

// TestSnapshotClaims reads snapshots whose header claims more than the
// data: a claim of 2^23 keys, beyond any capacity, and a claim the
// capacity allows over a sparse file of zeros or a stream of zeros. Each
// fails with a clear error, changes nothing, and allocates far less than
// the claim.
func TestSnapshotClaims(t *testing.T) {
	const maxKeys = 4096
	c := &Config{MaxKeys: maxKeys, MaxNetworks: 64}
	m := newTest(t, c)
	dir := t.TempDir()

	// 2^23 keys claimed (1 GiB of records), in a sparse file that holds them.
	huge := filepath.Join(dir, "huge")
	require.NoError(t, os.WriteFile(huge, m.header(1<<23, 0), 0o600))
	require.NoError(t, os.Truncate(huge, snapHeader+(1<<23)*keyRecBytes+4))
	// As many keys as fit (512 KiB of records), in a sparse file of zeros.
	fits := filepath.Join(dir, "fits")
	require.NoError(t, os.WriteFile(fits, m.header(maxKeys, 0), 0o600))
	fitsSize := int64(snapHeader + maxKeys*keyRecBytes + 4)
	require.NoError(t, os.Truncate(fits, fitsSize))
	zeros := func(n int64) io.Reader { return io.LimitReader(zeroReader{}, n) }

	tests := []struct {
		name     string
		open     func() io.Reader
		want     error
		msg      string
		maxAlloc int64
	}{
		{"2^23 keys, file", func() io.Reader { return openT(t, huge) }, ErrIncompatible,
			"monitor: incompatible configuration: snapshot claims 8388608 keys and 0 networks, this monitor holds at most 4096 and 64 (MaxKeys, MaxNetworks)", 16 << 10},
		{"2^23 keys, stream", func() io.Reader {
			return io.MultiReader(bytes.NewReader(m.header(1<<23, 0)), zeros(1<<30))
		}, ErrIncompatible, "", 16 << 10},
		{"capacity, sparse file", func() io.Reader { return openT(t, fits) }, ErrCorruptSnapshot,
			"monitor: corrupt snapshot: checksum mismatch over 524320 bytes", snapChunk + 16<<10},
		// A stream cannot be read twice: memory follows the bytes that
		// arrive, bounded by the capacity.
		{"capacity, stream", func() io.Reader {
			return io.MultiReader(bytes.NewReader(m.header(maxKeys, 0)), zeros(fitsSize))
		}, ErrCorruptSnapshot, "monitor: corrupt snapshot: checksum mismatch over 524320 bytes", 2*fitsSize + 16<<10},
		{"capacity, short stream", func() io.Reader {
			return io.MultiReader(bytes.NewReader(m.header(maxKeys, 0)), zeros(1000))
		}, ErrCorruptSnapshot, "monitor: corrupt snapshot: body: unexpected EOF", snapChunk + 16<<10},
	}
	for _, tt := range tests {
		var err error
		r := tt.open()
		got := allocated64(func() { _, err = m.ReadFrom(r) })
		assert.ErrorIs(t, err, tt.want, "snapshot %s", tt.name)
		if tt.msg != "" {
			assert.EqualError(t, err, tt.msg, "snapshot %s", tt.name)
		}
		assert.Less(t, got, tt.maxAlloc, "bytes allocated reading snapshot %s", tt.name)
		assert.Zero(t, m.Stats().Keys, "snapshot %s changes nothing", tt.name)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func openT(t *testing.T, path string) *os.File {
	f, err := os.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// changingReader is a seekable reader whose bytes become after once it
// has been read to the end and rewound.
type changingReader struct {
	*bytes.Reader
	after []byte
	read  bool
}

func (c *changingReader) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	c.read = c.read || c.Len() == 0
	return n, err
}

func (c *changingReader) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart && c.read && c.after != nil {
		pos, _ := c.Reader.Seek(0, io.SeekCurrent)
		c.Reader, c.after = bytes.NewReader(c.after), nil
		c.Reader.Seek(pos, io.SeekStart)
	}
	return c.Reader.Seek(off, whence)
}

// TestSnapshotChangedBetweenPasses changes a snapshot between the checksum
// pass and the read: the read fails and changes nothing.
func TestSnapshotChangedBetweenPasses(t *testing.T) {
	c := &Config{MaxKeys: 64, MaxNetworks: 64}
	m := newTest(t, c)
	feed(m, newBenchTraffic(10), 500)
	snap := snapshotOf(t, m)
	changed := bytes.Clone(snap)
	changed[snapHeader+3] ^= 1

	m2 := newTest(t, c)
	_, err := m2.ReadFrom(&changingReader{Reader: bytes.NewReader(snap), after: changed})
	assert.ErrorIs(t, err, ErrCorruptSnapshot, "snapshot changed between passes")
	assert.ErrorContains(t, err, "second read", "snapshot changed between passes")
	assert.Zero(t, m2.Stats().Keys, "a snapshot changed between passes changes nothing")

	n, err := m2.ReadFrom(&changingReader{Reader: bytes.NewReader(snap)})
	require.NoError(t, err, "unchanged seekable snapshot")
	assert.Equal(t, int64(len(snap)), n, "bytes read from a seekable snapshot")
	assert.Equal(t, m.Stats().Keys, m2.Stats().Keys, "keys read from a seekable snapshot")
}

// TestSnapshotReadFromOffset reads a snapshot that starts after other
// data in a file, and one followed by other data: each reads exactly the
// snapshot's bytes.
func TestSnapshotReadFromOffset(t *testing.T) {
	c := &Config{MaxKeys: 64, MaxNetworks: 64}
	m := newTest(t, c)
	feed(m, newBenchTraffic(10), 500)
	snap := snapshotOf(t, m)
	data := append(append([]byte("prefix"), snap...), "suffix"...)
	r := bytes.NewReader(data)
	_, err := r.Seek(6, io.SeekStart)
	require.NoError(t, err)
	m2 := newTest(t, c)
	n, err := m2.ReadFrom(r)
	require.NoError(t, err, "snapshot at offset 6")
	assert.Equal(t, int64(len(snap)), n, "bytes read from offset 6")
	assert.Equal(t, len("suffix"), r.Len(), "bytes left after the snapshot")
	assert.Equal(t, m.Stats().Keys, m2.Stats().Keys, "keys read from offset 6")
}

// allocated64 is memtest.Allocated as a signed count.
func allocated64(f func()) int64 { return int64(memtest.Allocated(f)) }
