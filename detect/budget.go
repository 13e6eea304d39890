package detect

import (
	"slices"

	"github.com/leakward/leakward/patterns"
)

// Fail-closed accounting: the work budget of a scan and the undecided
// findings that mask what the engine could not decide.

// Work is counted in runes handed to regex searches, weighted by the
// size of the pattern's regex, not in time, so that what a scan decides
// does not depend on how busy the machine is.
//
// The text is cut into blocks of budgetBlock bytes aligned to offsets of
// the whole input (of the stream, for a Writer). Before any regex runs,
// the work the keyword occurrences starting in a block would cost is
// estimated from the occurrences alone; a block whose estimate exceeds
// its allowance is not searched: the windows of its occurrences are
// masked as undecided (ReasonBudget). The decision for a block depends
// only on the text around it, so a stream and a whole-text scan take the
// same one. Ordinary logs estimate under 2 units per byte, text dense
// with real secrets (every line a credential) about 20 to 60, and text
// built to be slow (a keyword every few bytes, each opening a window of
// several KiB) hundreds to thousands.
const (
	// budgetBlock is the size of a budget block.
	budgetBlock = 4 << 10
	// budgetWindow is how many consecutive blocks share their allowance.
	budgetWindow = 4
	// workPerByte is a block's allowance per byte.
	workPerByte = 16
	// workPerByteHead is the allowance per byte of the blocks in the
	// first workHead bytes of the input: single records, files and the
	// start of a stream are searched however dense their secrets.
	workPerByteHead = 64
	workHead        = 64 << 10
	// regexBytesPerUnit: a search costs, per rune, one unit plus one per
	// this many bytes of its pattern's regex (a regex of many
	// alternatives tries each of them at each position).
	regexBytesPerUnit = 512
	// workPerSearch is charged per regex search on top of its runes: the
	// fixed cost of starting one.
	workPerSearch = 32
	// workPerJob is the estimate of one decode job: decoding its region
	// and scanning the result; workPerDecodedByte that of a decoded byte,
	// which caps the estimate of a block's jobs of one encoding.
	workPerJob         = 1024
	workPerDecodedByte = 8
)

// allowance returns the work allowed for the budget block at absolute
// offset off.
func allowance(off int) int {
	if off < workHead {
		return workPerByteHead * budgetBlock
	}
	return workPerByte * budgetBlock
}

// budgetHits estimates, per budget block, the work of the keyword
// occurrences in st.hits (sorted by pattern, then start; their offsets
// relative to src, which starts at absolute offset origin) and of the
// decode jobs in st.jobs (sorted by position), drops the occurrences and
// jobs of blocks over their allowance and masks their regions.
func (d *Detector) budgetHits(st *state, src []byte, origin int) {
	hits, jobs := st.hits, st.jobs
	if len(hits) == 0 && len(jobs) == 0 {
		return
	}
	lo, hi := len(src), 0
	for _, h := range hits {
		lo, hi = min(lo, h.start), max(hi, h.start)
	}
	for _, j := range jobs {
		lo, hi = min(lo, j.pos), max(hi, j.pos)
	}
	first := (origin + lo) / budgetBlock
	n := (origin+hi)/budgetBlock - first + 1
	est := slices.Grow(st.est[:0], n)[:n]
	clear(est)
	st.est = est
	// Jobs of one encoding in a block merge into at most the block and a
	// run each side: their estimate is capped there.
	var count [len(encodingNames)]int
	cur := -1
	flush := func() {
		for e, c := range count {
			if c > 0 {
				est[cur] += min(c*workPerJob, (budgetBlock+2*maxDecodeRun)*workPerDecodedByte)
			}
			count[e] = 0
		}
	}
	for _, j := range jobs {
		if b := (origin+j.pos)/budgetBlock - first; b != cur {
			if cur >= 0 {
				flush()
			}
			cur = b
		}
		count[j.enc]++
	}
	if cur >= 0 {
		flush()
	}
	for i := 0; i < len(hits); {
		c := &d.pats[hits[i].pat]
		b := (origin+hits[i].start)/budgetBlock - first
		j, sum := i, 0
		for j < len(hits) && hits[j].pat == hits[i].pat && (origin+hits[j].start)/budgetBlock-first == b {
			if c.anchored != nil {
				sum += len(c.leads) * (c.reach + workPerSearch)
			} else {
				sum += hits[j].end - hits[j].start + 2*c.reach
			}
			j++
		}
		if c.anchored == nil {
			sum = min(sum, budgetBlock+2*c.reach) + workPerSearch
		}
		est[b] += sum * c.weight
		i = j
	}
	over := false
	for b, e := range est {
		abs := first + b
		if e == 0 {
			continue
		}
		// A block may use the allowance its budgetWindow-1 predecessors
		// left unused; a block that is masked counts as having used none.
		used := e
		for _, r := range st.recent {
			if r.block >= abs-(budgetWindow-1) && r.block < abs {
				used += r.work
			}
		}
		if used > budgetWindow*allowance(abs*budgetBlock) {
			over = true
			est[b] = -1
			continue
		}
		st.recent[st.nrecent%len(st.recent)] = blockWork{abs, e}
		st.nrecent++
	}
	if !over {
		return
	}
	// The hits and jobs of the blocks over their allowance are dropped;
	// each such block masks, as one region, the windows of its hits and
	// the regions its jobs would have decoded.
	span := st.span[:0]
	for range est {
		span = append(span, [2]int{len(src), 0})
	}
	st.span = span
	k := 0
	for _, h := range hits {
		b := (origin+h.start)/budgetBlock - first
		if est[b] >= 0 {
			hits[k] = h
			k++
			continue
		}
		c := &d.pats[h.pat]
		span[b][0] = min(span[b][0], max(0, h.start-c.reach))
		span[b][1] = max(span[b][1], min(len(src), h.end+c.reach))
	}
	st.hits = hits[:k]
	k = 0
	for _, j := range jobs {
		b := (origin+j.pos)/budgetBlock - first
		if est[b] >= 0 {
			jobs[k] = j
			k++
			continue
		}
		lo, hi := j.lo, j.hi
		if hi == 0 {
			lo, hi = max(0, j.pos-d.lim.run), min(len(src), j.pos+d.lim.run)
		}
		span[b][0] = min(span[b][0], lo)
		span[b][1] = max(span[b][1], hi)
	}
	st.jobs = jobs[:k]
	for b := range span {
		if est[b] < 0 {
			d.markUndecided(st, span[b][0], span[b][1], ReasonBudget)
		}
	}
}

// blockWork is the estimated work of a budget block that was searched.
type blockWork struct{ block, work int }

// budget counts the work a scan spends (for tests and benchmarks).
type budget struct{ spent int }

func (b *budget) add(n int) {
	if b != nil {
		b.spent += n
	}
}

// markUndecided records that src[lo:hi] was not decided, for the reason why:
// it becomes a finding of pattern UndecidedID, masked like a secret.
func (d *Detector) markUndecided(st *state, lo, hi int, why Reason) {
	if hi <= lo {
		return
	}
	if n := len(st.found); n > 0 {
		// Windows of one pattern come in start order: extend the last
		// region rather than add one per keyword.
		if l := &st.found[n-1]; l.Undecided == why && lo >= l.Start && lo <= l.End {
			if hi > l.End {
				d.undecidedBytes.Add(uint64(hi - l.End))
				l.End = hi
			}
			return
		}
	}
	st.found = append(st.found, Finding{
		PatternID:  UndecidedID,
		Start:      lo,
		End:        hi,
		Severity:   undecidedSeverity,
		Confidence: undecidedConfidence,
		Undecided:  why,
	})
	d.undecided.Add(1)
	d.undecidedBytes.Add(uint64(hi - lo))
}

// What an undecided finding says of the region it masks: it may hold a
// secret of any kind.
const (
	undecidedSeverity   = patterns.SeverityHigh
	undecidedConfidence = patterns.ConfidenceGeneric
)

// workOf returns the units a scan of src spends and whether part of it
// was masked for its budget (for tests and benchmarks).
func (d *Detector) workOf(src []byte) (spent int, out bool) {
	st := d.pool.Get().(*state)
	st.top(len(src))
	st.res = d.scan(st, st.res[:0], src, 0)
	spent = st.own.spent
	for _, f := range st.res {
		out = out || f.Undecided == ReasonBudget
	}
	d.release(st)
	return spent, out
}
