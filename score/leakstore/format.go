package leakstore

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Magic is the first 8 bytes of every store file.
const Magic = "\x89LWLEAK\n"

// FormatVersion is the file format version this package writes and reads.
const FormatVersion = 1

// headerBytes is the size of the fixed part of the header.
const headerBytes = 72

// DefaultMaxBits is the largest bit array Read accepts when
// ReadOptions.MaxBits is zero: 2³⁴ bits, a 2 GiB array, enough for about
// 600 million keys at one in a million.
const DefaultMaxBits = 1 << 34

// ReadOptions limits and configures reading. A nil *ReadOptions or the
// zero value means defaults. Read only reads it, so one ReadOptions may be
// shared by concurrent reads.
type ReadOptions struct {
	// MaxBits is the largest bit array accepted, in bits; zero means
	// DefaultMaxBits. Values above HardMaxBits are lowered to it. The
	// header is checked against it, and against the size of the input
	// when known, before anything is allocated.
	MaxBits uint64
	// Pepper is the secret of a SchemeHMACSHA256 store; it is required for
	// such a store and must be nil for a SchemeSHA256 one.
	Pepper []byte
}

func (o *ReadOptions) maxBits() uint64 {
	if o == nil || o.MaxBits == 0 {
		return min(DefaultMaxBits, platformMaxBits)
	}
	return min(o.MaxBits, platformMaxBits)
}

func (o *ReadOptions) pepper() []byte {
	if o == nil {
		return nil
	}
	return o.Pepper
}

// Header is the self-description at the start of a store file. It is a
// plain value, safe to copy; its methods only read it.
type Header struct {
	// Version is the format version, FormatVersion.
	Version int
	// Scheme is the digest scheme.
	Scheme Scheme
	// M is the bit array size in bits, a multiple of 64.
	M uint64
	// K is the number of probes per entry.
	K int
	// Capacity is the number of entries the store was sized for.
	Capacity uint64
	// Count is the number of entries added when the file was written.
	Count uint64
	// FPRate is the target false-positive rate at Capacity.
	FPRate float64
	// Created is the creation time, in UTC, to the nanosecond.
	Created time.Time
	// Source is the free-text source label.
	Source string
	// AllowOverfill says whether adds may pass Capacity.
	AllowOverfill bool
}

// FileBytes returns the size of the file h describes.
func (h *Header) FileBytes() uint64 {
	return headerBytes + uint64(len(h.Source)) + h.M/8 + sha256.Size
}

// EstimatedFPRate returns the expected false-positive rate at Count, as
// [Store.EstimatedFPRate].
func (h *Header) EstimatedFPRate() float64 {
	return math.Pow(-math.Expm1(-float64(h.K)*float64(h.Count)/float64(h.M)), float64(h.K))
}

const flagAllowOverfill = 1

// WriteTo writes the store to w in the format described in the package
// documentation. It may run while other goroutines add: the file holds
// every entry whose Add returned before WriteTo was called, and may hold
// some added during the call. It allocates a 64 KiB buffer.
func (s *Store) WriteTo(w io.Writer) (int64, error) {
	h := sha256.New()
	cw := &countWriter{w: w, h: h}
	var fixed [headerBytes]byte
	s.putHeader(&fixed)
	cw.write(fixed[:])
	cw.write([]byte(s.source))
	buf := make([]byte, 0, 64<<10)
	for i := range s.words {
		buf = binary.LittleEndian.AppendUint64(buf, atomic.LoadUint64(&s.words[i]))
		if len(buf) == cap(buf) {
			cw.write(buf)
			buf = buf[:0]
		}
	}
	cw.write(buf)
	cw.h = nil
	cw.write(h.Sum(buf[:0]))
	if cw.err != nil {
		return cw.n, fmt.Errorf("leakstore: write: %w", cw.err)
	}
	return cw.n, nil
}

func (s *Store) putHeader(b *[headerBytes]byte) {
	le := binary.LittleEndian
	copy(b[0:8], Magic)
	le.PutUint16(b[8:], FormatVersion)
	b[10] = byte(s.scheme)
	if s.allowOverfill {
		b[11] = flagAllowOverfill
	}
	le.PutUint32(b[12:], s.k)
	le.PutUint64(b[16:], s.m)
	le.PutUint64(b[24:], s.capacity)
	le.PutUint64(b[32:], s.count.Load())
	le.PutUint64(b[40:], math.Float64bits(s.fpRate))
	le.PutUint64(b[48:], uint64(s.created.UnixNano()))
	copy(b[56:64], s.check[:])
	le.PutUint32(b[64:], uint32(len(s.source)))
	// b[68:72] reserved, zero
}

// countWriter keeps the first error, counts bytes and feeds a hash.
type countWriter struct {
	w   io.Writer
	h   hash.Hash
	n   int64
	err error
}

func (c *countWriter) write(p []byte) {
	if c.err != nil || len(p) == 0 {
		return
	}
	if c.h != nil {
		c.h.Write(p)
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
}

// WriteFile writes the store to path atomically: to a temporary file in
// the same directory, synced, then renamed over path.
func (s *Store) WriteFile(path string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("leakstore: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if _, err = s.WriteTo(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("leakstore: write: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("leakstore: sync: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("leakstore: close: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("leakstore: %w", err)
	}
	return nil
}

// parseHeader validates the fixed header; it allocates nothing.
// With checkPepper false, the pepper in opts is ignored.
func parseHeader(b *[headerBytes]byte, opts *ReadOptions, checkPepper bool) (h Header, check [8]byte, err error) {
	le := binary.LittleEndian
	if string(b[0:8]) != Magic {
		return h, check, ErrBadMagic
	}
	if v := le.Uint16(b[8:]); v != FormatVersion {
		return h, check, fmt.Errorf("%w: file has version %d, this package reads %d", ErrVersion, v, FormatVersion)
	}
	h.Version = FormatVersion
	h.Scheme = Scheme(b[10])
	if h.Scheme != SchemeSHA256 && h.Scheme != SchemeHMACSHA256 {
		return h, check, fmt.Errorf("%w: unknown digest scheme %d", ErrCorrupt, b[10])
	}
	if b[11]&^flagAllowOverfill != 0 {
		return h, check, fmt.Errorf("%w: unknown flags %#x", ErrCorrupt, b[11])
	}
	h.AllowOverfill = b[11]&flagAllowOverfill != 0
	k := le.Uint32(b[12:])
	if k < 1 || k > MaxK {
		return h, check, fmt.Errorf("%w: k = %d outside [1, %d]", ErrCorrupt, k, MaxK)
	}
	h.K = int(k)
	h.M = le.Uint64(b[16:])
	if h.M == 0 || h.M%64 != 0 {
		return h, check, fmt.Errorf("%w: m = %d is not a positive multiple of 64", ErrCorrupt, h.M)
	}
	if limit := opts.maxBits(); h.M > limit {
		return h, check, fmt.Errorf("%w: bit array of %d bits exceeds the limit of %d", ErrTooLarge, h.M, limit)
	}
	h.Capacity = le.Uint64(b[24:])
	h.Count = le.Uint64(b[32:])
	if h.Capacity == 0 {
		return h, check, fmt.Errorf("%w: capacity is zero", ErrCorrupt)
	}
	if h.Count > h.Capacity && !h.AllowOverfill {
		return h, check, fmt.Errorf("%w: count %d exceeds capacity %d", ErrCorrupt, h.Count, h.Capacity)
	}
	h.FPRate = math.Float64frombits(le.Uint64(b[40:]))
	if !(h.FPRate >= MinFPRate && h.FPRate <= MaxFPRate) {
		return h, check, fmt.Errorf("%w: false-positive rate outside [%g, %g]", ErrCorrupt, MinFPRate, MaxFPRate)
	}
	h.Created = time.Unix(0, int64(le.Uint64(b[48:]))).UTC()
	copy(check[:], b[56:64])
	srcLen := le.Uint32(b[64:])
	if srcLen > MaxSourceBytes {
		return h, check, fmt.Errorf("%w: source label of %d bytes exceeds %d", ErrTooLarge, srcLen, MaxSourceBytes)
	}
	if le.Uint32(b[68:]) != 0 {
		return h, check, fmt.Errorf("%w: reserved header bytes are not zero", ErrCorrupt)
	}
	if h.Scheme == SchemeSHA256 && check != [8]byte{} {
		return h, check, fmt.Errorf("%w: pepper check value set in an unpeppered file", ErrCorrupt)
	}
	if !checkPepper {
		return h, check, nil
	}
	switch pepper := opts.pepper(); h.Scheme {
	case SchemeSHA256:
		if pepper != nil {
			return h, check, fmt.Errorf("%w: a pepper was given for an unpeppered (sha256) store", ErrPepper)
		}
	case SchemeHMACSHA256:
		if len(pepper) == 0 {
			return h, check, fmt.Errorf("%w: the store uses hmac-sha256 and no pepper was given", ErrPepper)
		}
		if len(pepper) < MinPepperBytes {
			return h, check, fmt.Errorf("%w: pepper has %d bytes, want at least %d", ErrPepper, len(pepper), MinPepperBytes)
		}
		if pepperCheck(pepper) != check {
			return h, check, fmt.Errorf("%w: the pepper does not match the store", ErrPepper)
		}
	}
	// Source is filled in by the caller once read.
	return h, check, nil
}

// lenReader is implemented by bytes.Buffer (and bytes.Reader and
// strings.Reader): the number of unread bytes.
type lenReader interface{ Len() int }

// reader reads one store, tracking what it allocates (for tests).
//
// A store is read so that nothing sized by the header is allocated before
// the checksum has been verified: from a reader that can seek, a first
// pass streams the whole file through the checksum with one fixed buffer,
// then a second pass re-reads it into a bit array of the verified size
// (and checks the checksum again, against changes between the passes).
// A reader that cannot seek cannot be read twice: its bit array grows as
// data arrives, so memory follows the bytes really delivered, never the
// header's claim.
type reader struct {
	r          io.Reader
	opts       *ReadOptions
	seeker     io.Seeker // when set, read in two passes from start
	start      int64     // offset of the store in seeker
	size       int64     // bytes from start to the end of seeker
	remaining  int64     // bytes left in r when known, else -1
	whole      bool      // r holds the store and nothing after it (ReadFile)
	allocBytes uint64
	verify     bool   // check only: no bit array, no pepper
	header     Header // the header read, when verify is set
	buf        []byte // chunk buffer, kept across passes
	src        []byte // source label, kept across passes
}

// newReader prepares to read a store from r: it finds how many bytes r
// holds (seeking to the end and back, or from a Len method) when it can.
func newReader(r io.Reader, opts *ReadOptions) (*reader, error) {
	rd := &reader{r: r, opts: opts, remaining: -1}
	if s, ok := r.(io.Seeker); ok {
		if start, err := s.Seek(0, io.SeekCurrent); err == nil {
			end, err := s.Seek(0, io.SeekEnd)
			if err == nil {
				if _, err := s.Seek(start, io.SeekStart); err != nil {
					return nil, fmt.Errorf("leakstore: seek: %w", err)
				}
				if end >= start {
					rd.seeker, rd.start, rd.size, rd.remaining = s, start, end-start, end-start
					return rd, nil
				}
			}
		}
	}
	if l, ok := r.(lenReader); ok {
		rd.remaining = int64(l.Len())
	}
	return rd, nil
}

// Read reads a store written by WriteTo from r, reading exactly the
// file's bytes. It validates the header before allocating anything, and
// allocates the bit array only once the SHA-256 checksum has been
// verified: a reader that can seek (an *os.File, a bytes.Reader) is read
// twice, first through the checksum with a fixed 64 KiB buffer, then into
// the bit array; from any other reader the bit array is grown as data
// arrives, so a stream never costs more than about twice the bytes it
// really held. Bad input gives an error wrapping ErrBadMagic, ErrVersion,
// ErrCorrupt, ErrTruncated, ErrTooLarge or ErrPepper; Read never panics.
// After an error, r's position is unspecified.
func Read(r io.Reader, opts *ReadOptions) (*Store, error) {
	rd, err := newReader(r, opts)
	if err != nil {
		return nil, err
	}
	return rd.read()
}

// ReadFile reads a store file; see Read. A file with bytes after the
// checksum is rejected with ErrCorrupt. A regular file is read twice (see
// Read), so a file whose header claims a large bit array costs a read of
// the file, not memory, before its checksum fails.
func ReadFile(path string, opts *ReadOptions) (*Store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("leakstore: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("leakstore: %w", err)
	}
	rd := &reader{r: f, opts: opts, remaining: -1}
	if fi.Mode().IsRegular() {
		rd.seeker, rd.size, rd.remaining, rd.whole = f, fi.Size(), fi.Size(), true
	}
	return rd.read()
}

// ReadHeader reads and validates only the header (fixed part and source
// label) from r, without the pepper (opts.Pepper is ignored). It does not
// verify the checksum; Verify does.
func ReadHeader(r io.Reader, opts *ReadOptions) (Header, error) {
	h, _, err := readHeader(r, opts)
	return h, err
}

// Verify reads a whole store file from r and checks its header and
// checksum as Read does, in one pass with a fixed buffer: it never
// allocates the bit array, and ignores the pepper (opts.Pepper). It
// returns the header.
func Verify(r io.Reader, opts *ReadOptions) (Header, error) {
	rd, err := newReader(r, opts)
	if err != nil {
		return Header{}, err
	}
	rd.seeker = nil // one pass is enough
	rd.verify = true
	if _, err := rd.read(); err != nil {
		return Header{}, err
	}
	return rd.header, nil
}

func readHeader(r io.Reader, opts *ReadOptions) (Header, [headerBytes]byte, error) {
	var fixed [headerBytes]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return Header{}, fixed, readErr(err, "header")
	}
	h, _, err := parseHeader(&fixed, opts, false)
	if err != nil {
		return Header{}, fixed, err
	}
	srcLen := binary.LittleEndian.Uint32(fixed[64:])
	src := make([]byte, srcLen)
	if _, err := io.ReadFull(r, src); err != nil {
		return Header{}, fixed, readErr(err, "source label")
	}
	if !utf8.Valid(src) {
		return Header{}, fixed, fmt.Errorf("%w: source label is not valid UTF-8", ErrCorrupt)
	}
	h.Source = string(src)
	return h, fixed, nil
}

func readErr(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: file ends inside the %s", ErrTruncated, what)
	}
	return fmt.Errorf("leakstore: read %s: %w", what, err)
}

const chunkBytes = 64 << 10

// read reads one store: in one pass when verifying or when r cannot seek,
// else in two (see reader).
func (rd *reader) read() (*Store, error) {
	if rd.verify || rd.seeker == nil {
		return rd.pass(false, nil)
	}
	var first [headerBytes]byte
	if _, err := rd.pass(true, &first); err != nil {
		return nil, err
	}
	if _, err := rd.seeker.Seek(rd.start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("leakstore: seek: %w", err)
	}
	rd.remaining = rd.size
	return rd.pass(false, &first)
}

// pass reads the store once. With checkOnly set it verifies the header
// and checksum, allocating only the chunk buffer and the source label,
// and copies the fixed header to *fixedOut. Otherwise it also loads the
// bit array: when fixedOut is non-nil, a first pass verified the file
// with that fixed header, so the array is allocated at once, and the
// header must not have changed since.
func (rd *reader) pass(checkOnly bool, fixedOut *[headerBytes]byte) (*Store, error) {
	var fixed [headerBytes]byte
	if _, err := io.ReadFull(rd.r, fixed[:]); err != nil {
		return nil, readErr(err, "header")
	}
	verified := !checkOnly && fixedOut != nil
	if verified && fixed != *fixedOut {
		return nil, fmt.Errorf("%w: the header changed between the checksum pass and the read", ErrCorrupt)
	}
	h, check, err := parseHeader(&fixed, rd.opts, !rd.verify)
	if err != nil {
		return nil, err
	}
	if checkOnly {
		*fixedOut = fixed
	}
	srcLen := uint64(binary.LittleEndian.Uint32(fixed[64:]))
	total := headerBytes + srcLen + h.M/8 + sha256.Size // M ≤ HardMaxBits: no overflow
	if rd.remaining >= 0 {
		switch {
		case uint64(rd.remaining) < total:
			return nil, fmt.Errorf("%w: file has %d bytes, its header says %d", ErrTruncated, rd.remaining, total)
		case uint64(rd.remaining) > total && rd.whole:
			return nil, fmt.Errorf("%w: file has %d bytes after the checksum", ErrCorrupt, uint64(rd.remaining)-total)
		}
	}
	sum := sha256.New()
	sum.Write(fixed[:])

	if uint64(cap(rd.src)) < srcLen {
		rd.src = make([]byte, srcLen)
		rd.allocBytes += srcLen
	}
	src := rd.src[:srcLen]
	if _, err := io.ReadFull(rd.r, src); err != nil {
		return nil, readErr(err, "source label")
	}
	sum.Write(src)

	load := !checkOnly && !rd.verify
	nwords := h.M / 64
	var words []uint64
	if load && verified {
		words = newWords(nwords)[:0]
		rd.allocBytes += nwords * 8
	}
	bufLen := min(chunkBytes, h.M/8)
	if uint64(cap(rd.buf)) < bufLen {
		rd.buf = make([]byte, bufLen)
		rd.allocBytes += bufLen
	}
	buf := rd.buf[:bufLen]
	for left := h.M / 8; left > 0; {
		n := min(left, bufLen)
		if _, err := io.ReadFull(rd.r, buf[:n]); err != nil {
			return nil, readErr(err, "bit array")
		}
		sum.Write(buf[:n])
		left -= n
		if !load {
			continue
		}
		if uint64(len(words))+n/8 > uint64(cap(words)) {
			// Unverified data: grow with what has arrived.
			var grown []uint64
			if c := min(nwords, max(2*uint64(cap(words)), 1<<16)); c == nwords {
				grown = newWords(nwords)[:len(words)]
			} else {
				grown = make([]uint64, len(words), c)
			}
			rd.allocBytes += uint64(cap(grown)) * 8
			copy(grown, words)
			words = grown
		}
		for i := uint64(0); i < n; i += 8 {
			words = append(words, binary.LittleEndian.Uint64(buf[i:]))
		}
	}
	var got [sha256.Size]byte
	if _, err := io.ReadFull(rd.r, got[:]); err != nil {
		return nil, readErr(err, "checksum")
	}
	var want [sha256.Size]byte
	if sum.Sum(want[:0]); want != got {
		if verified {
			return nil, fmt.Errorf("%w: checksum mismatch on the second read (the file changed)", ErrCorrupt)
		}
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	if !utf8.Valid(src) {
		return nil, fmt.Errorf("%w: source label is not valid UTF-8", ErrCorrupt)
	}
	if rd.verify {
		h.Source = string(src)
		rd.header = h
		return nil, nil
	}
	if !load {
		return nil, nil
	}
	s := &Store{
		words:         words,
		m:             h.M,
		k:             uint32(h.K),
		scheme:        h.Scheme,
		check:         check,
		capacity:      h.Capacity,
		fpRate:        h.FPRate,
		created:       h.Created,
		source:        string(src),
		allowOverfill: h.AllowOverfill,
	}
	s.count.Store(h.Count)
	if h.Scheme == SchemeHMACSHA256 {
		if err := s.setPepper(rd.opts.pepper()); err != nil {
			return nil, err
		}
	}
	return s, nil
}
