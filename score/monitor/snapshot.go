package monitor

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
)

// Snapshot format, version 2, all integers little-endian:
//
//	header   32 bytes: magic "LWKM", version uint16, reserved uint16,
//	         network bits v4, v6, wide bits v4, v6 (uint8 each),
//	         Window and FanOutWindow in seconds (uint32 each),
//	         key count, network count (uint32 each), reserved uint32
//	keys     key count × 128-byte records
//	networks network count × 22-byte records
//	trailer  CRC-32C (Castagnoli) of everything before it, uint32
//
// Version 1 snapshots (122-byte key records, without the second-source
// probation state) are still read.
//
// The key and network counts are bounded by the reading monitor's MaxKeys
// and MaxNetworks (at most 2^30 and 2^28), so the body is at most 2^37
// bytes and sizes fit an int64.
const (
	snapMagic     = "LWKM"
	snapVersion   = 2
	snapHeader    = 32
	keyRecBytes   = 128
	keyRecBytesV1 = 122
	netRecBytes   = 22
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (m *Monitor) header(nKeys, nNets int) []byte {
	h := make([]byte, snapHeader)
	copy(h, snapMagic)
	binary.LittleEndian.PutUint16(h[4:], snapVersion)
	h[8], h[9], h[10], h[11] = byte(m.c.net4), byte(m.c.net6), byte(m.c.wide4), byte(m.c.wide6)
	binary.LittleEndian.PutUint32(h[12:], m.c.win)
	binary.LittleEndian.PutUint32(h[16:], m.c.fanWin)
	binary.LittleEndian.PutUint32(h[20:], uint32(nKeys))
	binary.LittleEndian.PutUint32(h[24:], uint32(nNets))
	return h
}

// compatible reports whether states with these parameters can be combined.
func (m *Monitor) compatible(o *cfg) bool {
	return m.c.net4 == o.net4 && m.c.net6 == o.net6 && m.c.wide4 == o.wide4 && m.c.wide6 == o.wide6 &&
		m.c.win == o.win && m.c.fanWin == o.fanWin
}

// WriteTo writes a snapshot of m's state to w: a versioned binary format
// ending in a CRC-32C. It copies one shard at a time under that shard's
// lock, so events observed meanwhile may or may not be included. It holds
// the encoded state in memory (about 122 bytes per key) before writing.
func (m *Monitor) WriteTo(w io.Writer) (int64, error) {
	var body bytes.Buffer
	nKeys, nNets := 0, 0
	var rec [keyRecBytes]byte
	for i := range m.keys {
		sh := &m.keys[i]
		sh.mu.Lock()
		for j := range sh.slots {
			if sh.tags[j] != 0 {
				encodeSlot(&rec, &sh.slots[j])
				body.Write(rec[:])
				nKeys++
			}
		}
		sh.mu.Unlock()
	}
	var nrec [netRecBytes]byte
	for i := range m.nets.sh {
		sh := &m.nets.sh[i]
		sh.mu.Lock()
		for j := range sh.e {
			if sh.e[j].h != 0 {
				encodeNet(&nrec, &sh.e[j])
				body.Write(nrec[:])
				nNets++
			}
		}
		sh.mu.Unlock()
	}
	h := m.header(nKeys, nNets)
	crc := crc32.Update(crc32.Update(0, castagnoli, h), castagnoli, body.Bytes())
	var tr [4]byte
	binary.LittleEndian.PutUint32(tr[:], crc)
	var n int64
	for _, b := range [][]byte{h, body.Bytes(), tr[:]} {
		k, err := w.Write(b)
		n += int64(k)
		if err != nil {
			return n, fmt.Errorf("monitor: write snapshot: %w", err)
		}
	}
	return n, nil
}

// ReadFrom reads a snapshot written by WriteTo and merges it into m, as
// Merge does; into a new Monitor this restores the written state. The
// snapshot must have been written with the same network prefixes and
// windows, and hold no more keys than m's MaxKeys and no more networks
// than its MaxNetworks (else ErrIncompatible). Nothing is changed unless
// the whole snapshot is read and its checksum matches (else
// ErrCorruptSnapshot or ErrSnapshotVersion).
//
// Nothing is allocated on the header's word: the counts it claims are
// checked against m's capacity and, when r can seek or has a Len method,
// against the bytes r holds, before the body is read. A reader that can
// seek (an *os.File, a bytes.Reader) is read twice: first through the
// checksum with one 64 KiB buffer, then into memory once verified. From
// any other reader the body is read in 64 KiB chunks, memory growing
// with the bytes actually delivered, up to the capacity bound (about 128
// bytes per key of MaxKeys). ReadFrom returns the snapshot's bytes read
// (on success, its size); after an error, r's position is unspecified.
func (m *Monitor) ReadFrom(r io.Reader) (int64, error) {
	sr := snapReader{r: r, maxKeys: int64(m.c.maxKeys), maxNets: int64(m.c.maxNets)}
	b, err := sr.read(m)
	if err != nil {
		return sr.n, err
	}
	nKeys, nNets, recBytes := sr.nKeys, sr.nNets, sr.recBytes
	var s slot
	for i := int64(0); i < nKeys; i++ {
		if !decodeSlot(b[i*recBytes:(i+1)*recBytes], &s) {
			return sr.n, fmt.Errorf("%w: key record %d", ErrCorruptSnapshot, i)
		}
	}
	for i := int64(0); i < nKeys; i++ {
		decodeSlot(b[i*recBytes:(i+1)*recBytes], &s)
		m.mergeSlot(&s)
	}
	b = b[nKeys*recBytes:]
	var e netEntry
	for i := int64(0); i < nNets; i++ {
		decodeNet((*[netRecBytes]byte)(b[i*netRecBytes:]), &e)
		m.mergeNet(&e)
	}
	return sr.n, nil
}

// snapChunk is the largest read, and the fixed buffer of the checksum
// pass.
const snapChunk = 64 << 10

// snapReader reads and verifies one snapshot, counting the bytes read and
// the bytes it allocates (for tests).
type snapReader struct {
	r                io.Reader
	maxKeys, maxNets int64 // capacity of the monitor read into
	n                int64 // snapshot bytes read in the last pass
	allocBytes       int64

	nKeys, nNets, recBytes int64 // from the header
}

func (sr *snapReader) readFull(b []byte) error {
	k, err := io.ReadFull(sr.r, b)
	sr.n += int64(k)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// snapSize returns r's seeker and position when it can seek, and the bytes
// left in r (-1 when unknown).
func snapSize(r io.Reader) (seeker io.Seeker, start, left int64, err error) {
	if s, ok := r.(io.Seeker); ok {
		if start, err := s.Seek(0, io.SeekCurrent); err == nil {
			if end, err := s.Seek(0, io.SeekEnd); err == nil {
				if _, err := s.Seek(start, io.SeekStart); err != nil {
					return nil, 0, -1, fmt.Errorf("monitor: seek snapshot: %w", err)
				}
				if end >= start {
					return s, start, end - start, nil
				}
			}
		}
	}
	if l, ok := r.(interface{ Len() int }); ok {
		return nil, 0, int64(l.Len()), nil
	}
	return nil, 0, -1, nil
}

// read reads the header and the body, checks the counts against the
// capacity and the input size, and verifies the checksum before
// returning the body (records, without the trailer).
func (sr *snapReader) read(m *Monitor) ([]byte, error) {
	seeker, start, left, err := snapSize(sr.r)
	if err != nil {
		return nil, err
	}
	var h [snapHeader]byte
	if err := sr.readFull(h[:]); err != nil {
		if sr.n == 0 {
			err = io.EOF
		}
		return nil, fmt.Errorf("%w: header: %v", ErrCorruptSnapshot, err)
	}
	if string(h[:4]) != snapMagic {
		return nil, fmt.Errorf("%w: bad magic", ErrCorruptSnapshot)
	}
	sr.recBytes = keyRecBytes
	switch v := binary.LittleEndian.Uint16(h[4:]); v {
	case snapVersion:
	case 1:
		sr.recBytes = keyRecBytesV1
	default:
		return nil, fmt.Errorf("%w: version %d", ErrSnapshotVersion, v)
	}
	o := cfg{net4: int(h[8]), net6: int(h[9]), wide4: int(h[10]), wide6: int(h[11]),
		win: binary.LittleEndian.Uint32(h[12:]), fanWin: binary.LittleEndian.Uint32(h[16:])}
	if !m.compatible(&o) {
		return nil, fmt.Errorf("%w: snapshot has networks /%d,/%d wide /%d,/%d windows %ds,%ds",
			ErrIncompatible, o.net4, o.net6, o.wide4, o.wide6, o.win, o.fanWin)
	}
	sr.nKeys = int64(binary.LittleEndian.Uint32(h[20:]))
	sr.nNets = int64(binary.LittleEndian.Uint32(h[24:]))
	if sr.nKeys > sr.maxKeys || sr.nNets > sr.maxNets {
		return nil, fmt.Errorf("%w: snapshot claims %d keys and %d networks, this monitor holds at most %d and %d (MaxKeys, MaxNetworks)",
			ErrIncompatible, sr.nKeys, sr.nNets, sr.maxKeys, sr.maxNets)
	}
	size := sr.nKeys*sr.recBytes + sr.nNets*netRecBytes + 4
	if left >= 0 && left-snapHeader < size {
		return nil, fmt.Errorf("%w: body: header says %d bytes, %d remain", ErrCorruptSnapshot, size, max(0, left-snapHeader))
	}
	crc0 := crc32.Update(0, castagnoli, h[:])

	recs := size - 4
	var body []byte
	var tr [4]byte
	if seeker != nil {
		// First pass: the checksum alone, through one fixed buffer.
		buf := make([]byte, max(4, min(recs, snapChunk)))
		sr.allocBytes += int64(len(buf))
		crc := crc0
		for rest := recs; rest > 0; {
			k := min(rest, int64(len(buf)))
			if err := sr.readFull(buf[:k]); err != nil {
				return nil, fmt.Errorf("%w: body: %v", ErrCorruptSnapshot, err)
			}
			crc = crc32.Update(crc, castagnoli, buf[:k])
			rest -= k
		}
		if err := sr.readFull(tr[:]); err != nil {
			return nil, fmt.Errorf("%w: body: %v", ErrCorruptSnapshot, err)
		}
		if crc != binary.LittleEndian.Uint32(tr[:]) {
			return nil, fmt.Errorf("%w: checksum mismatch over %d bytes", ErrCorruptSnapshot, snapHeader+recs)
		}
		// Second pass: the verified size at once.
		if _, err := seeker.Seek(start+snapHeader, io.SeekStart); err != nil {
			return nil, fmt.Errorf("monitor: seek snapshot: %w", err)
		}
		sr.n = snapHeader
		body = make([]byte, recs)
		sr.allocBytes += recs
		if err := sr.readFull(body); err != nil {
			return nil, fmt.Errorf("%w: body: %v", ErrCorruptSnapshot, err)
		}
	} else {
		// One pass, growing with the data that arrives: doubling, but
		// straight to the full size when the rest is small.
		body = make([]byte, 0, min(recs, snapChunk))
		sr.allocBytes += int64(cap(body))
		for int64(len(body)) < recs {
			if len(body) == cap(body) {
				next := min(recs, 2*int64(cap(body)))
				if recs-next < next/2 {
					next = recs
				}
				grown := make([]byte, len(body), next)
				sr.allocBytes += next
				copy(grown, body)
				body = grown
			}
			k := min(recs-int64(len(body)), int64(cap(body)-len(body)), snapChunk)
			if err := sr.readFull(body[len(body) : int64(len(body))+k]); err != nil {
				return nil, fmt.Errorf("%w: body: %v", ErrCorruptSnapshot, err)
			}
			body = body[:int64(len(body))+k]
		}
	}
	if err := sr.readFull(tr[:]); err != nil {
		return nil, fmt.Errorf("%w: body: %v", ErrCorruptSnapshot, err)
	}
	if crc32.Update(crc0, castagnoli, body) != binary.LittleEndian.Uint32(tr[:]) {
		if seeker != nil {
			return nil, fmt.Errorf("%w: checksum mismatch on the second read (the input changed)", ErrCorruptSnapshot)
		}
		return nil, fmt.Errorf("%w: checksum mismatch over %d bytes", ErrCorruptSnapshot, snapHeader+recs)
	}
	return body, nil
}

func encodeSlot(b *[keyRecBytes]byte, s *slot) {
	le := binary.LittleEndian
	copy(b[0:16], s.id[:])
	le.PutUint64(b[16:], s.fanBits)
	for i, v := range [...]uint32{s.first, s.last, s.leak, s.events, s.win, s.fanWin, s.winCount,
		math.Float32bits(s.winUnits), math.Float32bits(s.peakCount), math.Float32bits(s.peakUnits), math.Float32bits(s.meanCount)} {
		le.PutUint32(b[24+4*i:], v)
	}
	for i, v := range s.nets {
		le.PutUint32(b[68+4*i:], v)
	}
	for i, v := range s.wide {
		le.PutUint16(b[100+2*i:], v)
	}
	for i, v := range s.agents {
		le.PutUint16(b[108+2*i:], v)
	}
	b[116], b[117], b[118], b[119], b[120], b[121] = s.fanPeak, s.classes, s.flags, s.netRef, s.waRef, s.hands
	le.PutUint16(b[122:], s.pWide)
	le.PutUint16(b[124:], s.pStart)
	le.PutUint16(b[126:], s.pMask)
}

// decodeSlot decodes a key record (of either version: b is 122 or 128
// bytes) and reports whether it is valid: in use, finite non-negative
// floats, no class beyond admin.
func decodeSlot(b []byte, s *slot) bool {
	le := binary.LittleEndian
	s.pWide, s.pStart, s.pMask = 0, 0, 0
	v1 := len(b) < keyRecBytes
	if !v1 {
		s.pWide, s.pStart, s.pMask = le.Uint16(b[122:]), le.Uint16(b[124:]), le.Uint16(b[126:])
	}
	b = b[:keyRecBytesV1]
	copy(s.id[:], b[0:16])
	s.fanBits = le.Uint64(b[16:])
	u := func(i int) uint32 { return le.Uint32(b[24+4*i:]) }
	f := func(i int) float32 { return math.Float32frombits(u(i)) }
	s.first, s.last, s.leak, s.events, s.win, s.fanWin, s.winCount = u(0), u(1), u(2), u(3), u(4), u(5), u(6)
	s.winUnits, s.peakCount, s.peakUnits, s.meanCount = f(7), f(8), f(9), f(10)
	for i := range s.nets {
		s.nets[i] = le.Uint32(b[68+4*i:])
	}
	for i := range s.wide {
		s.wide[i] = le.Uint16(b[100+2*i:])
	}
	for i := range s.agents {
		s.agents[i] = le.Uint16(b[108+2*i:])
	}
	s.fanPeak, s.classes, s.flags, s.netRef, s.waRef, s.hands = b[116], b[117], b[118], b[119], b[120], b[121]
	if v1 || s.pWide == 0 {
		s.flags &^= fOther | fSecond // no probation state
	}
	for _, v := range [...]float32{s.winUnits, s.peakCount, s.peakUnits, s.meanCount} {
		if !(v >= 0 && v <= math.MaxFloat32) {
			return false
		}
	}
	return s.flags&fOcc != 0 && s.classes < 1<<(ClassAdmin+1) && s.first <= s.last
}

func encodeNet(b *[netRecBytes]byte, e *netEntry) {
	le := binary.LittleEndian
	le.PutUint64(b[0:], e.h)
	le.PutUint64(b[8:], e.bits)
	le.PutUint32(b[16:], e.win)
	b[20], b[21] = e.peak, e.flags
}

func decodeNet(b *[netRecBytes]byte, e *netEntry) {
	le := binary.LittleEndian
	e.h, e.bits, e.win, e.peak, e.flags = le.Uint64(b[0:]), le.Uint64(b[8:]), le.Uint32(b[16:]), b[20], b[21]
	if e.h == 0 {
		e.h = 1
	}
}

// Merge adds other's state to m, so that monitors behind a load balancer,
// each seeing part of the traffic, can be combined (other is unchanged).
// For a key both know: networks, blocks, clients and operation classes
// are united; first and leak times take the earliest, last the latest;
// event counts, counts of the same window and peaks of calls and units
// add up (each monitor saw part of the calls); fan-out sketches of the
// same window are united and their peaks take the maximum. A window older
// than the other's is closed first. Merging the same state twice counts
// its calls twice. Both must use the same network prefixes and windows.
func (m *Monitor) Merge(other *Monitor) error {
	if other == m {
		return errors.New("monitor: merge with itself")
	}
	if !m.compatible(&other.c) {
		return fmt.Errorf("%w: network prefixes or windows differ", ErrIncompatible)
	}
	var buf []slot
	for i := range other.keys {
		sh := &other.keys[i]
		sh.mu.Lock()
		buf = buf[:0]
		for j := range sh.slots {
			if sh.tags[j] != 0 {
				buf = append(buf, sh.slots[j])
			}
		}
		sh.mu.Unlock()
		for j := range buf {
			m.mergeSlot(&buf[j])
		}
	}
	var nbuf []netEntry
	for i := range other.nets.sh {
		sh := &other.nets.sh[i]
		sh.mu.Lock()
		nbuf = nbuf[:0]
		for _, e := range sh.e {
			if e.h != 0 {
				nbuf = append(nbuf, e)
			}
		}
		sh.mu.Unlock()
		for j := range nbuf {
			m.mergeNet(&nbuf[j])
		}
	}
	return nil
}

func minNonZero(a, b uint32) uint32 {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

func satAdd(a, b uint32) uint32 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxUint32
}

// mergeSlot merges the state src of one key into m.
func (m *Monitor) mergeSlot(src *slot) {
	kh := keyHash(&src.id)
	sh := &m.keys[kh&m.kmask]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	d, isNew := sh.lookup(&src.id, kh, m.kshift)
	if isNew {
		*d = *src
		d.flags |= fOcc
		return
	}
	d.first = minNonZero(d.first, src.first)
	d.last = max(d.last, src.last)
	d.leak = minNonZero(d.leak, src.leak)
	d.events = satAdd(d.events, src.events)
	d.classes |= src.classes

	// Rate windows: close the older one, add counts of the same window.
	if src.win > d.win {
		m.rollRate(d, src.win)
	}
	if src.win == d.win {
		d.winCount = satAdd(d.winCount, src.winCount)
		d.winUnits += src.winUnits
		d.flags |= src.flags & (fBurst | fUnits)
	}
	d.peakCount += src.peakCount
	d.peakUnits += src.peakUnits
	d.meanCount += src.meanCount

	if src.fanWin > d.fanWin {
		m.rollFan(d, src.fanWin)
	}
	if src.fanWin == d.fanWin {
		d.fanBits |= src.fanBits
		d.flags |= src.flags & fFan
	}
	d.fanPeak = max(d.fanPeak, src.fanPeak)

	for _, v := range src.nets {
		if v != 0 {
			d.seenNet(v)
		}
	}
	for _, v := range src.wide {
		if v != 0 {
			d.seenWide(v)
		}
	}
	for _, v := range src.agents {
		if v != 0 {
			d.seenAgent(v)
		}
	}

	// Second-source probation: the same block unites its slots and flags;
	// else the block seen in more slots stays.
	switch {
	case src.pWide == 0:
	case src.pWide == d.pWide:
		if int16(src.pStart-d.pStart) < 0 {
			d.pStart = src.pStart
		}
		d.pMask |= src.pMask
		d.flags |= src.flags & (fOther | fSecond)
	case d.pWide == 0 || bits.OnesCount16(src.pMask) > bits.OnesCount16(d.pMask):
		d.pWide, d.pStart, d.pMask = src.pWide, src.pStart, src.pMask
		d.flags = d.flags&^(fOther|fSecond) | src.flags&(fOther|fSecond)
	}
}

// mergeNet merges the cross-key state of one network into m.
func (m *Monitor) mergeNet(src *netEntry) {
	s := &m.nets.sh[src.h&m.nets.smask]
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.find(src.h)
	switch {
	case d.win == 0:
		*d = *src
	case src.win == d.win:
		d.bits |= src.bits
		d.flags |= src.flags
		d.peak = max(d.peak, src.peak)
	case src.win > d.win:
		p := d.peak
		*d = *src
		d.peak = max(p, src.peak)
	default:
		d.peak = max(d.peak, src.peak)
	}
}
