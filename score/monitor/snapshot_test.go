package monitor

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// feed observes n events of bench traffic over a few keys and returns the
// results.
func feed(m *Monitor, bt *benchTraffic, n int) []int {
	var out []int
	var e Event
	for i := 0; i < n; i++ {
		bt.next(&e)
		r := m.Observe(e)
		out = append(out, r.Score)
	}
	return out
}

func snapshotOf(t *testing.T, m *Monitor) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := m.WriteTo(&b)
	require.NoError(t, err)
	require.Equal(t, int64(b.Len()), n)
	return b.Bytes()
}

func TestSnapshotRoundTrip(t *testing.T) {
	c := &Config{MaxKeys: 256, MaxNetworks: 256}
	m1 := newTest(t, c)
	bt := newBenchTraffic(100)
	feed(m1, bt, 20000)
	m1.MarkLeaked(bt.keys[3], t0)
	snap := snapshotOf(t, m1)

	m2 := newTest(t, c)
	n, err := m2.ReadFrom(bytes.NewReader(snap))
	require.NoError(t, err)
	assert.Equal(t, int64(len(snap)), n)
	assert.Equal(t, sortedRecords(snap), sortedRecords(snapshotOf(t, m2)), "snapshot of the restored monitor")
	assert.Equal(t, m1.Stats().Keys, m2.Stats().Keys)

	// Both continue identically.
	bt2 := *bt
	assert.Equal(t, feed(m1, bt, 5000), feed(m2, &bt2, 5000), "scores after restore")
}

func TestSnapshotErrors(t *testing.T) {
	c := &Config{MaxKeys: 64, MaxNetworks: 64}
	m := newTest(t, c)
	feed(m, newBenchTraffic(10), 500)
	snap := snapshotOf(t, m)

	flip := bytes.Clone(snap)
	flip[snapHeader+40] ^= 1
	badVersion := bytes.Clone(snap)
	binary.LittleEndian.PutUint16(badVersion[4:], 9)
	huge := bytes.Clone(snap[:snapHeader])
	binary.LittleEndian.PutUint32(huge[20:], 1<<23)
	binary.LittleEndian.PutUint32(huge[24:], 0)
	full := bytes.Clone(snap[:snapHeader]) // as many keys as fit, no data
	binary.LittleEndian.PutUint32(full[20:], 64)
	binary.LittleEndian.PutUint32(full[24:], 0)

	tests := []struct {
		name string
		in   []byte
		cfg  *Config
		want error
		msg  string
	}{
		{"empty", nil, c, ErrCorruptSnapshot, "monitor: corrupt snapshot: header: EOF"},
		{"bad magic", []byte("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"), c, ErrCorruptSnapshot, "monitor: corrupt snapshot: bad magic"},
		{"version", badVersion, c, ErrSnapshotVersion, "monitor: unsupported snapshot version: version 9"},
		{"truncated", snap[:len(snap)-1], c, ErrCorruptSnapshot, fmt.Sprintf("monitor: corrupt snapshot: body: header says %d bytes, %d remain", len(snap)-snapHeader, len(snap)-snapHeader-1)},
		{"huge count, no data", huge, c, ErrIncompatible, "monitor: incompatible configuration: snapshot claims 8388608 keys and 0 networks, this monitor holds at most 64 and 64 (MaxKeys, MaxNetworks)"},
		{"full count, no data", full, c, ErrCorruptSnapshot, "monitor: corrupt snapshot: body: header says 8196 bytes, 0 remain"},
		{"flipped bit", flip, c, ErrCorruptSnapshot, fmt.Sprintf("monitor: corrupt snapshot: checksum mismatch over %d bytes", len(snap)-4)},
		{"other prefixes", snap, &Config{MaxKeys: 64, MaxNetworks: 64, NetworkBitsV4: 20}, ErrIncompatible,
			"monitor: incompatible configuration: snapshot has networks /24,/48 wide /16,/32 windows 300s,3600s"},
	}
	for _, tt := range tests {
		m2 := newTest(t, tt.cfg)
		_, err := m2.ReadFrom(bytes.NewReader(tt.in))
		require.Error(t, err, "snapshot %s", tt.name)
		assert.ErrorIs(t, err, tt.want, "snapshot %s", tt.name)
		if tt.msg != "" {
			assert.EqualError(t, err, tt.msg, "snapshot %s", tt.name)
		}
		assert.Zero(t, m2.Stats().Keys, "snapshot %s changes nothing", tt.name)
		// A stream of unknown size fails with the same sentinel.
		_, err = m2.ReadFrom(io.MultiReader(bytes.NewReader(tt.in)))
		assert.ErrorIs(t, err, tt.want, "snapshot %s, as a stream", tt.name)
		assert.Zero(t, m2.Stats().Keys, "snapshot %s, as a stream, changes nothing", tt.name)
	}
	_, err := newTest(t, c).ReadFrom(io.MultiReader(bytes.NewReader(snap[:len(snap)-1])))
	assert.EqualError(t, err, "monitor: corrupt snapshot: body: unexpected EOF", "truncated stream")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSnapshotWriteError(t *testing.T) {
	m := newTest(t, nil)
	_, err := m.WriteTo(failWriter{})
	assert.EqualError(t, err, "monitor: write snapshot: disk full")
}

// TestMerge splits one key's traffic between two monitors, as a load
// balancer would, and checks that the merged monitor knows what both saw.
func TestMerge(t *testing.T) {
	c := &Config{MaxKeys: 256, MaxNetworks: 256}
	a, b, whole := newTest(t, c), newTest(t, c), newTest(t, c)
	id := testID(20)
	nets := []netip.Addr{netip.MustParseAddr("10.1.1.5"), netip.MustParseAddr("10.2.1.5"), netip.MustParseAddr("172.16.3.3")}
	at := t0
	for i := 0; i < 400; i++ {
		e := base(id, at)
		e.Addr = nets[i%3]
		if i%2 == 0 {
			a.Observe(e)
		} else {
			b.Observe(e)
		}
		whole.Observe(e)
		at = at.Add(time.Hour)
	}
	// Only b saw this key; only a saw the leak.
	only := testID(21)
	b.Observe(base(only, t0))
	a.MarkLeaked(only, t0.Add(time.Hour))

	require.NoError(t, a.Merge(b))
	assert.ErrorContains(t, a.Merge(a), "monitor: merge with itself")
	other := newTest(t, &Config{MaxKeys: 64, MaxNetworks: 64, Window: time.Minute})
	assert.ErrorIs(t, a.Merge(other), ErrIncompatible)

	sa, sw := slotOf(a, id), slotOf(whole, id)
	assert.Equal(t, sw.events, sa.events)
	assert.Equal(t, sw.first, sa.first)
	assert.Equal(t, sw.last, sa.last)
	for _, addr := range nets {
		e := base(id, at)
		e.Addr = addr
		r := a.Observe(e)
		assert.False(t, r.HasReason(CodeNewNetwork), "network %v known after merge", addr)
	}
	r := a.Observe(base(only, t0.Add(2*time.Hour)))
	assert.True(t, r.HasReason(CodeAfterLeak), "leak mark and key merged")
}

func TestMergeSnapshotIntoNonEmpty(t *testing.T) {
	c := &Config{MaxKeys: 256, MaxNetworks: 256}
	a, b := newTest(t, c), newTest(t, c)
	feed(a, newBenchTraffic(50), 3000)
	bt := newBenchTraffic(50)
	for i := range bt.keys {
		bt.keys[i][0] ^= 0xff
	}
	feed(b, bt, 3000)
	_, err := a.ReadFrom(bytes.NewReader(snapshotOf(t, b)))
	require.NoError(t, err)
	assert.Equal(t, 100, a.Stats().Keys, "union of both key sets")
}

// sortedRecords returns the key and network records of a snapshot, each
// group sorted, so that snapshots of the same state compare equal whatever
// the slot order.
func sortedRecords(snap []byte) [2][]string {
	nk := int(binary.LittleEndian.Uint32(snap[20:]))
	nn := int(binary.LittleEndian.Uint32(snap[24:]))
	var out [2][]string
	b := snap[snapHeader:]
	for i := 0; i < nk; i++ {
		out[0] = append(out[0], string(b[i*keyRecBytes:(i+1)*keyRecBytes]))
	}
	b = b[nk*keyRecBytes:]
	for i := 0; i < nn; i++ {
		out[1] = append(out[1], string(b[i*netRecBytes:(i+1)*netRecBytes]))
	}
	slices.Sort(out[0])
	slices.Sort(out[1])
	return out
}

// TestWriteFuzzSeeds refreshes testdata/fuzz/FuzzReadFrom when run with
// -run TestWriteFuzzSeeds -seeds.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("MONITOR_WRITE_SEEDS") == "" {
		t.Skip("set MONITOR_WRITE_SEEDS=1 to rewrite the fuzz seeds")
	}
	m := newTest(t, &Config{MaxKeys: 64, MaxNetworks: 64})
	feed(m, newBenchTraffic(3), 40)
	snap := snapshotOf(t, m)
	empty := snapshotOf(t, newTest(t, &Config{MaxKeys: 64, MaxNetworks: 64}))
	dir := filepath.Join("testdata", "fuzz", "FuzzReadFrom")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, b := range map[string][]byte{"valid": snap, "empty-state": empty, "truncated": snap[:len(snap)/2], "header-only": snap[:snapHeader]} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)), 0o644))
	}
}

func FuzzReadFrom(f *testing.F) {
	f.Add([]byte(snapMagic))
	m, err := New(&Config{MaxKeys: 64, MaxNetworks: 64})
	require.NoError(f, err)
	f.Add(m.header(1<<23, 0))                                        // beyond capacity
	f.Add(append(m.header(64, 64), make([]byte, 64*keyRecBytes)...)) // at capacity, short, zeros
	f.Fuzz(func(t *testing.T, data []byte) {
		readBack(t, data)
		// The same bytes with a correct checksum, so that the record
		// decoding and merging are exercised, not only the checksum.
		if len(data) >= snapHeader+4 {
			fixed := bytes.Clone(data)
			b := fixed[:len(fixed)-4]
			binary.LittleEndian.PutUint32(fixed[len(b):], crc32.Checksum(b, castagnoli))
			readBack(t, fixed)
		}
	})
}

func readBack(t *testing.T, data []byte) {
	c := &Config{MaxKeys: 64, MaxNetworks: 64}
	m, err := New(c)
	require.NoError(t, err)
	// The bytes a snapshot of this capacity may take, and the bound on
	// what reading one may allocate: twice that while growing.
	capBytes := int64(snapHeader + 64*keyRecBytes + 64*netRecBytes + 4)
	var firstErr error
	for i, r := range []io.Reader{bytes.NewReader(data), bytes.NewBuffer(data), io.MultiReader(bytes.NewReader(data))} {
		sr := snapReader{r: r, maxKeys: 64, maxNets: 64}
		_, err := sr.read(m)
		if sr.allocBytes > 2*capBytes {
			t.Fatalf("reader %d: allocated %d bytes, more than twice the %d a snapshot of this capacity takes", i, sr.allocBytes, capBytes)
		}
		if i == 0 && err != nil && sr.allocBytes > snapChunk {
			t.Fatalf("seekable reader: a failed read allocated %d bytes, more than one chunk", sr.allocBytes)
		}
		if i == 0 {
			firstErr = err
		} else if (err == nil) != (firstErr == nil) {
			t.Fatalf("reader %d: error %v, seekable reader: %v", i, err, firstErr)
		}
	}
	if _, err := m.ReadFrom(bytes.NewReader(data)); err != nil {
		assert.Zero(t, m.Stats().Keys, "failed read changes nothing")
		return
	}
	// A snapshot that reads writes and reads again, and the monitor
	// keeps working.
	var b bytes.Buffer
	_, err = m.WriteTo(&b)
	require.NoError(t, err)
	m2, _ := New(c)
	_, err = m2.ReadFrom(&b)
	require.NoError(t, err)
	var e Event
	bt := newBenchTraffic(5)
	for i := 0; i < 20; i++ {
		bt.next(&e)
		m.Observe(e)
	}
}

// TestReadVersion1 reads a version 1 snapshot (122-byte key records,
// before the second-source state): the keys and their history come back,
// with no probation.
func TestReadVersion1(t *testing.T) {
	m := newTest(t, &Config{MaxKeys: 64, MaxNetworks: 64})
	feed(m, newBenchTraffic(10), 500)
	v2 := snapshotOf(t, m)
	nk := int(binary.LittleEndian.Uint32(v2[20:]))
	v1 := bytes.Clone(v2[:snapHeader])
	binary.LittleEndian.PutUint16(v1[4:], 1)
	rest := v2[snapHeader : len(v2)-4]
	for i := 0; i < nk; i++ {
		v1 = append(v1, rest[i*keyRecBytes:i*keyRecBytes+keyRecBytesV1]...)
	}
	v1 = append(v1, rest[nk*keyRecBytes:]...)
	v1 = binary.LittleEndian.AppendUint32(v1, crc32.Checksum(v1, castagnoli))

	m1 := newTest(t, &Config{MaxKeys: 64, MaxNetworks: 64})
	_, err := m1.ReadFrom(bytes.NewReader(v1))
	require.NoError(t, err)
	assert.Equal(t, m.Stats().Keys, m1.Stats().Keys)
	// Re-written as version 2, the records equal the original ones but for
	// the probation bytes, which version 1 did not have.
	strip := func(recs []string) []string {
		out := make([]string, len(recs))
		for i, r := range recs {
			out[i] = r[:keyRecBytesV1]
		}
		slices.Sort(out)
		return out
	}
	a, b := sortedRecords(v2), sortedRecords(snapshotOf(t, m1))
	assert.Equal(t, strip(a[0]), strip(b[0]))
	assert.Equal(t, a[1], b[1])
}
