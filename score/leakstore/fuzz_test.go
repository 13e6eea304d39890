package leakstore

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateSeeds = flag.Bool("update", false, "rewrite the seed corpus in testdata/fuzz/FuzzRead")

// fuzzMaxBits is the bit limit FuzzRead reads with.
const fuzzMaxBits = 1 << 16

// FuzzRead feeds arbitrary bytes to Read through a seekable reader (read
// in two passes), a sized stream and an unsized one: it must never panic,
// never allocate more than the limits allow, never allocate the bit array
// from a seekable reader before the checksum matched, give the same answer
// whatever the reader, and a file it accepts must write back to the same
// bytes.
func FuzzRead(f *testing.F) {
	for _, n := range []uint64{0, 3} {
		f.Add(smallFile(f, nil, n))
		f.Add(smallFile(f, testPepper, n))
	}
	// A valid header claiming the whole limit, over zeros.
	claim := smallFile(f, nil, 0)
	claim = claim[:headerBytes+binary.LittleEndian.Uint32(claim[64:])]
	binary.LittleEndian.PutUint64(claim[16:], fuzzMaxBits)
	f.Add(append(claim, make([]byte, fuzzMaxBits/8+32)...))
	kinds := []string{"seekable", "sized stream", "stream"}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []*ReadOptions{{MaxBits: fuzzMaxBits}, {MaxBits: fuzzMaxBits, Pepper: testPepper}} {
			var firstErr error
			for i, kind := range kinds {
				var r io.Reader
				switch i {
				case 0:
					r = bytes.NewReader(data)
				case 1:
					r = bytes.NewBuffer(data)
				default:
					r = io.MultiReader(bytes.NewReader(data))
				}
				rd, err := newReader(r, opts)
				if err != nil {
					t.Fatalf("%s: newReader: %v", kind, err)
				}
				s, err := rd.read()
				// Bit array (twice while growing), source label, one chunk.
				if limit := uint64(2*fuzzMaxBits/8 + MaxSourceBytes + chunkBytes); rd.allocBytes > limit {
					t.Fatalf("%s: Read allocated %d bytes, limit %d", kind, rd.allocBytes, limit)
				}
				if i == 0 && err != nil && rd.allocBytes > MaxSourceBytes+chunkBytes {
					t.Fatalf("%s: a failed read allocated %d bytes, more than the label and one chunk", kind, rd.allocBytes)
				}
				if i == 0 {
					firstErr = err
				} else if (err == nil) != (firstErr == nil) {
					t.Fatalf("%s: error %v, seekable reader: %v", kind, err, firstErr)
				}
				if err != nil {
					if s != nil || !isSentinel(err) {
						t.Fatalf("%s: store %v with error %v (want nil and a sentinel)", kind, s != nil, err)
					}
					continue
				}
				var buf bytes.Buffer
				if _, err := s.WriteTo(&buf); err != nil {
					t.Fatal(err)
				}
				if n := buf.Len(); n > len(data) || !bytes.Equal(buf.Bytes(), data[:n]) {
					t.Fatalf("%s: a %d-byte file read and written back differs", kind, len(data))
				}
			}
		}
	})
}

// TestFuzzSeeds writes the seed corpus with -update.
func TestFuzzSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("run with -update to rewrite testdata/fuzz/FuzzRead")
	}
	good := smallFile(t, nil, 3)
	seeds := map[string][]byte{
		"sha256":     good,
		"hmac":       smallFile(t, testPepper, 3),
		"empty":      smallFile(t, nil, 0),
		"truncated":  good[:len(good)/2],
		"header":     good[:headerBytes],
		"bad-sum":    append(bytes.Clone(good[:len(good)-1]), good[len(good)-1]^1),
		"huge-m":     withHeader(good, func(h []byte) { h[23] = 0x40 }),
		"trailing":   append(bytes.Clone(good), 'x'),
		"overfill":   smallFileOverfill(t),
		"bad-source": withHeader(good, func(h []byte) { h[64] = 200 }),
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzRead")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, b := range seeds {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
}

func smallFileOverfill(t testing.TB) []byte {
	s := newStore(t, Config{Capacity: 2, FPRate: 0.01, AllowOverfill: true})
	for i := uint64(0); i < 5; i++ {
		require.NoError(t, s.Add(testKey(60, i)))
	}
	var buf bytes.Buffer
	_, err := s.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}
