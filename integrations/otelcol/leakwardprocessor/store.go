package leakwardprocessor

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"

	"github.com/leakward/leakward/score/leakstore"
)

// DefaultReloadInterval is how often the known-leaked store file is
// checked for changes unless store.reload_interval says otherwise.
const DefaultReloadInterval = 30 * time.Second

// minReloadInterval is the shortest store.reload_interval accepted besides
// 0 (off).
const minReloadInterval = time.Second

// storeWatcher keeps the known-leaked store in use current with its file.
// Lookups go through cur, a leakstore.Reloader (an atomic pointer), so a
// reload neither blocks them nor shows them a store half read: a new file
// is read and its checksum verified in full, off the processing path,
// before it is swapped in, and a file that cannot be read, or is corrupt,
// leaves the store in use in place.
//
// Each poll stats the file (size, modification time, device and inode);
// when one of them changed since the last poll, it reads the file's last
// 32 bytes, which in a store file are the SHA-256 checksum of all the
// rest, and reads the store again only when they differ from those of the
// store in use. Touching the file or copying the same store over it
// therefore costs a stat, a 32-byte read and one pass of the file through
// SHA-256 (to report a file corrupted since), not a second store in
// memory. A change that keeps the size,
// the modification time and the inode (an in-place rewrite that restores
// the time) is not seen. A file that fails to load is counted and logged
// once, and tried again when it changes.
//
// A storeWatcher is safe for concurrent use: polls are serialised, and
// start and shutdown may be called from any goroutine.
type storeWatcher struct {
	file, pepperFile string
	interval         time.Duration // 0: no polling
	cur              *leakstore.Reloader
	logger           *zap.Logger

	mu   sync.Mutex // serialises polls; guards seen and sum
	seen fileState  // the file as the last poll found it
	sum  [sha256.Size]byte

	// reloads counts stores swapped in after the first, failures the
	// polls that found a file they could not load.
	reloads, failures atomic.Uint64

	life    sync.Mutex // guards stop and done
	stop    chan struct{}
	done    chan struct{} // closed when the poller has returned
	stopped bool
}

// fileState is what a poll saw of the store file.
type fileState struct {
	info os.FileInfo // nil when the file could not be examined
	sum  [sha256.Size]byte
}

// same reports whether a and b show the same version of the file (or
// both no file).
func (a fileState) same(b fileState) bool {
	if a.info == nil || b.info == nil {
		return a.info == nil && b.info == nil
	}
	return os.SameFile(a.info, b.info) && a.info.Size() == b.info.Size() && a.info.ModTime().Equal(b.info.ModTime())
}

// newStoreWatcher reads the store file, which must load, and returns a
// watcher holding it. Its errors wrap ErrInvalidConfig and name no file.
func newStoreWatcher(file, pepperFile string, interval time.Duration) (*storeWatcher, error) {
	w := &storeWatcher{file: file, pepperFile: pepperFile, interval: interval, cur: new(leakstore.Reloader), logger: zap.NewNop()}
	st, _ := w.examine()
	s, err := w.load()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	w.cur.Swap(s)
	w.seen, w.sum = st, st.sum
	return w, nil
}

// examine stats the file and reads its checksum. A file too short to hold
// one gets a zero sum; the load that follows rejects it.
func (w *storeWatcher) examine() (fileState, error) {
	f, err := os.Open(w.file)
	if err != nil {
		return fileState{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileState{}, err
	}
	st := fileState{info: fi}
	if n := fi.Size(); n >= sha256.Size {
		if _, err := f.ReadAt(st.sum[:], n-sha256.Size); err != nil && err != io.EOF {
			st.sum = [sha256.Size]byte{}
		}
	}
	return st, nil
}

// load reads the pepper, when there is one, and the store file, verifying
// it whole. Its errors have no package prefix: the caller adds its own.
func (w *storeWatcher) load() (*leakstore.Store, error) {
	var ro leakstore.ReadOptions
	if w.pepperFile != "" {
		p, err := readKeyFile(w.pepperFile)
		if err != nil {
			return nil, fmt.Errorf("store: pepper_file: %w", pathless(err))
		}
		ro.Pepper = p
		defer clear(p)
	}
	s, err := leakstore.ReadFile(w.file, &ro)
	if err != nil {
		return nil, fmt.Errorf("store: file: %w", pathless(err))
	}
	return s, nil
}

// verify checks the file's header and checksum without loading it.
func (w *storeWatcher) verify() error {
	f, err := os.Open(w.file)
	if err != nil {
		return fmt.Errorf("store: file: %w", pathless(err))
	}
	defer f.Close()
	if _, err := leakstore.Verify(f, nil); err != nil {
		return fmt.Errorf("store: file: %w", pathless(err))
	}
	return nil
}

// poll examines the file once and, when its content changed, loads it and
// swaps it in; it reports whether it did. A file that cannot be examined
// or loaded leaves the store in use; the error is counted and logged the
// first time that version of the file is seen, and returned.
func (w *storeWatcher) poll() (swapped bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	st, err := w.examine()
	if st.same(w.seen) {
		return false, nil
	}
	w.seen = st
	if err != nil {
		return false, w.fail(fmt.Errorf("store: file: %w", pathless(err)))
	}
	if st.sum == w.sum {
		// Most likely the same store, touched or copied over itself;
		// verified (one pass through SHA-256, no bit array) so that a
		// file corrupted since is reported now rather than at the next
		// start.
		if err := w.verify(); err != nil {
			return false, w.fail(err)
		}
		return false, nil
	}
	s, err := w.load()
	if err != nil {
		return false, w.fail(err)
	}
	w.cur.Swap(s)
	w.sum = st.sum
	w.reloads.Add(1)
	w.logger.Info("known-leaked store reloaded", zap.Uint64("keys", s.Count()), zap.Uint64("reloads", w.reloads.Load()))
	return true, nil
}

// fail counts and logs a failed poll, and returns err with the package
// prefix. err names no file and holds no byte of the file, the pepper or a
// key (see pathless and leakstore's errors).
func (w *storeWatcher) fail(err error) error {
	err = fmt.Errorf("leakwardprocessor: reloading the known-leaked store: %w", err)
	n := w.failures.Add(1)
	w.logger.Warn("known-leaked store file not loaded; the store in use stays",
		zap.Error(err), zap.Uint64("failures", n))
	return err
}

// start starts polling every w.interval, unless the interval is 0 or the
// watcher is nil. Polling stops at shutdown.
func (w *storeWatcher) start() {
	if w == nil || w.interval <= 0 {
		return
	}
	t := time.NewTicker(w.interval)
	w.run(t.C, t.Stop)
}

// run polls on each tick of ticks in a goroutine until shutdown, then
// calls stopTicker. A second run, or a run after shutdown, does nothing.
func (w *storeWatcher) run(ticks <-chan time.Time, stopTicker func()) {
	w.life.Lock()
	defer w.life.Unlock()
	if w.done != nil || w.stopped {
		stopTicker()
		return
	}
	stop, done := make(chan struct{}), make(chan struct{})
	w.stop, w.done = stop, done
	go func() {
		defer close(done)
		defer stopTicker()
		for {
			select {
			case <-stop:
				return
			case <-ticks:
				_, _ = w.poll() // counted and logged by poll
			}
		}
	}()
}

// shutdown stops the poller and waits until it has returned (a load in
// progress completes first), or until ctx is done. It may be called
// without start, and more than once.
func (w *storeWatcher) shutdown(ctx context.Context) error {
	if w == nil {
		return nil
	}
	w.life.Lock()
	if !w.stopped {
		w.stopped = true
		if w.stop != nil {
			close(w.stop)
		}
	}
	done := w.done
	w.life.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// start and shutdown are the processor's component.StartFunc and
// component.ShutdownFunc.
func (r *redactor) start(context.Context, component.Host) error {
	r.watch.start()
	return nil
}

func (r *redactor) shutdown(ctx context.Context) error { return r.watch.shutdown(ctx) }
