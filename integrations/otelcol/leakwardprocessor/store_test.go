package leakwardprocessor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/leakward/leakward/score/leakstore"
)

// writeStore writes a store holding keys to file, atomically (leakstore's
// WriteFile renames a temporary file over it).
func writeStore(t *testing.T, file string, pepper []byte, keys ...string) {
	t.Helper()
	st, err := leakstore.New(leakstore.Config{Capacity: 100, Pepper: pepper})
	require.NoError(t, err)
	for _, k := range keys {
		require.NoError(t, st.Add([]byte(k)))
	}
	require.NoError(t, st.WriteFile(file))
}

// replaceFile puts b at file by renaming a temporary file over it, as a
// deployment would.
func replaceFile(t *testing.T, file string, b []byte) {
	t.Helper()
	tmp := file + ".new"
	require.NoError(t, os.WriteFile(tmp, b, 0o600))
	require.NoError(t, os.Rename(tmp, file))
}

// flip returns the bytes of file with the byte at i (from the end when
// negative) inverted.
func flip(t *testing.T, file string, i int) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	if i < 0 {
		i += len(b)
	}
	b[i] ^= 0xff
	return b
}

// contains reports whether the store in use holds key.
func contains(t *testing.T, w *storeWatcher, key string) bool {
	t.Helper()
	ok, err := w.cur.ContainsKey(context.Background(), []byte(key))
	require.NoError(t, err)
	return ok
}

func TestStoreConfig(t *testing.T) {
	assert.Equal(t, DefaultReloadInterval, createDefaultConfig().Store.ReloadInterval, "default")
	cm := confmap.NewFromStringMap(map[string]any{"store": map[string]any{"file": "/s.lwl", "reload_interval": "2m"}})
	cfg := createDefaultConfig()
	require.NoError(t, cm.Unmarshal(cfg))
	assert.Equal(t, 2*time.Minute, cfg.Store.ReloadInterval)
	require.NoError(t, cfg.Validate())
	cfg.Store.ReloadInterval = 0
	require.NoError(t, cfg.Validate(), "0 turns reloading off")
	for _, ri := range []time.Duration{-time.Second, time.Millisecond} {
		cfg.Store.ReloadInterval = ri
		err := cfg.Validate()
		require.Error(t, err, "%v", ri)
		assert.ErrorIs(t, err, ErrInvalidConfig)
		assert.Contains(t, err.Error(), "store: reload_interval "+ri.String()+" is neither 0 (off) nor at least 1s")
	}
}

// TestStoreReload drives polls by hand through the life of a store file:
// replaced, touched, corrupted, removed, restored.
func TestStoreReload(t *testing.T) {
	tok := tokens(21, 4)
	dir := t.TempDir()
	// The file's name is what a careless operator might use; no log line
	// may show it.
	file := filepath.Join(dir, "Zq7Xk9Wm3Wm3.lwl")
	writeStore(t, file, nil, tok[0])
	w, err := newStoreWatcher(file, "", time.Hour)
	require.NoError(t, err)
	core, logs := observer.New(zapcore.DebugLevel)
	w.logger = zap.New(core)
	assert.True(t, contains(t, w, tok[0]), "first store")

	steps := []struct {
		name     string
		change   func()
		swapped  bool
		err      bool
		has, not string // a key the store in use must hold, and one it must not
		reloads  uint64
		failures uint64
	}{
		{"unchanged", func() {}, false, false, tok[0], tok[1], 0, 0},
		{"new store", func() { writeStore(t, file, nil, tok[1]) }, true, false, tok[1], tok[0], 1, 0},
		{"polled again", func() {}, false, false, tok[1], tok[0], 1, 0},
		{"same store copied over it", func() {
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			replaceFile(t, file, b)
		}, false, false, tok[1], tok[0], 1, 0},
		{"corrupt, same checksum", func() { replaceFile(t, file, flip(t, file, 100)) }, false, true, tok[1], tok[0], 1, 1},
		{"still corrupt", func() {}, false, false, tok[1], tok[0], 1, 1},
		{"corrupt checksum", func() { replaceFile(t, file, flip(t, file, -1)) }, false, true, tok[1], tok[0], 1, 2},
		{"truncated", func() { replaceFile(t, file, []byte("short")) }, false, true, tok[1], tok[0], 1, 3},
		{"removed", func() { require.NoError(t, os.Remove(file)) }, false, true, tok[1], tok[0], 1, 4},
		{"still removed", func() {}, false, false, tok[1], tok[0], 1, 4},
		{"restored", func() { writeStore(t, file, nil, tok[2]) }, true, false, tok[2], tok[1], 2, 4},
	}
	for _, s := range steps {
		s.change()
		swapped, err := w.poll()
		assert.Equal(t, s.swapped, swapped, "%s: swapped", s.name)
		assert.Equal(t, s.err, err != nil, "%s: error %v", s.name, err)
		if err != nil {
			assert.True(t, strings.HasPrefix(err.Error(), "leakwardprocessor: reloading the known-leaked store: store: file: "), "%s: error prefix", s.name)
			assert.False(t, strings.Contains(err.Error(), "Zq7Xk9"), "%s: the error names the file", s.name)
		}
		assert.True(t, contains(t, w, s.has), "%s: the store in use lacks a key it should hold", s.name)
		assert.False(t, contains(t, w, s.not), "%s: the store in use holds a key of another store", s.name)
		assert.Equal(t, s.reloads, w.reloads.Load(), "%s: reloads", s.name)
		assert.Equal(t, s.failures, w.failures.Load(), "%s: failures", s.name)
	}

	var msgs []string
	for _, e := range logs.All() {
		msgs = append(msgs, e.Level.String()+" "+e.Message)
		line := e.Message + " " + fmt.Sprint(e.ContextMap())
		assert.False(t, strings.Contains(line, "Zq7Xk9"), "a log line names the file")
		assert.False(t, strings.Contains(line, dir), "a log line names the directory")
	}
	reloaded := "info known-leaked store reloaded"
	failed := "warn known-leaked store file not loaded; the store in use stays"
	assert.Equal(t, []string{reloaded, failed, failed, failed, failed, reloaded}, msgs, "one line per reload and per new failure")
}

// TestStoreReloadPepper: the pepper file is read again with each store, so
// a store and its pepper can be replaced together; a store that does not
// match the pepper is refused and the old one stays.
func TestStoreReloadPepper(t *testing.T) {
	tok := tokens(22, 3)
	dir := t.TempDir()
	file, pepperFile := filepath.Join(dir, "s.lwl"), filepath.Join(dir, "pepper")
	p1, p2 := []byte("pepper-one-0123456789"), []byte("pepper-two-9876543210")
	require.NoError(t, os.WriteFile(pepperFile, p1, 0o600))
	writeStore(t, file, p1, tok[0])
	w, err := newStoreWatcher(file, pepperFile, time.Hour)
	require.NoError(t, err)
	core, logs := observer.New(zapcore.DebugLevel)
	w.logger = zap.New(core)

	writeStore(t, file, p2, tok[1]) // the pepper file still holds p1
	swapped, err := w.poll()
	assert.False(t, swapped, "store with another pepper")
	assert.ErrorIs(t, err, leakstore.ErrPepper)
	assert.True(t, contains(t, w, tok[0]), "the old store stays")

	replaceFile(t, pepperFile, p2)
	writeStore(t, file, p2, tok[1], tok[2])
	swapped, err = w.poll()
	require.NoError(t, err)
	assert.True(t, swapped, "store and pepper replaced together")
	assert.True(t, contains(t, w, tok[2]), "the new store")
	for _, e := range logs.All() {
		for _, p := range [][]byte{p1, p2} {
			assert.False(t, strings.Contains(e.Message+fmt.Sprint(e.ContextMap()), string(p[:10])), "a log line holds a pepper")
		}
	}
}

// TestStoreReloadDuringLookups runs records through the processor while
// stores are swapped under it: a key in every store is always found
// (lookups are never dropped nor see a half-read store). Run with -race.
func TestStoreReloadDuringLookups(t *testing.T) {
	tok := tokens(23, 4)
	dir := t.TempDir()
	file := filepath.Join(dir, "s.lwl")
	writeStore(t, file, nil, tok[0], tok[1])
	cfg := testConfig()
	cfg.Store.File = file
	cfg.Store.ReloadInterval = 0 // polls are driven below
	p, sink := newLogs(t, cfg)
	w := p.(logsProcessor).r.watch
	require.NotNil(t, w)

	const rounds, workers = 8, 4
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range rounds {
				ld := plog.NewLogs()
				lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
				lr.Body().SetStr("deploy with " + tok[0])
				assert.NoError(t, p.ConsumeLogs(context.Background(), ld), "worker %d round %d", g, i)
			}
		})
	}
	for i := range rounds {
		writeStore(t, file, nil, tok[0], tok[2+i%2])
		swapped, err := w.poll()
		require.NoError(t, err)
		assert.True(t, swapped, "round %d", i)
	}
	wg.Wait()
	assert.Equal(t, uint64(rounds), w.reloads.Load(), "reloads")
	require.Len(t, sink.AllLogs(), rounds*workers)
	for i, ld := range sink.AllLogs() {
		attrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw()
		assert.Equal(t, true, attrs[DefaultLeakedAttribute], "record %d: the known-leaked key was missed", i)
	}
}

// TestStorePoller: the poller polls on each tick and returns at shutdown,
// stopping its ticker; no sleeps, the ticks are sent by the test.
func TestStorePoller(t *testing.T) {
	tok := tokens(24, 2)
	file := filepath.Join(t.TempDir(), "s.lwl")
	writeStore(t, file, nil, tok[0])
	w, err := newStoreWatcher(file, "", time.Hour)
	require.NoError(t, err)
	ticks := make(chan time.Time) // unbuffered: a send returns once the poller has taken it
	stopped := make(chan struct{})
	w.run(ticks, func() { close(stopped) })
	w.run(ticks, func() {}) // a second run starts nothing

	writeStore(t, file, nil, tok[1])
	ticks <- time.Time{}
	ticks <- time.Time{} // taken only after the first poll is done
	assert.Equal(t, uint64(1), w.reloads.Load(), "reloads after two ticks")
	assert.True(t, contains(t, w, tok[1]), "the new store is in use")

	require.NoError(t, w.shutdown(context.Background()))
	select {
	case <-w.done:
	default:
		t.Fatal("the poller still runs after shutdown")
	}
	select {
	case <-stopped:
	default:
		t.Fatal("the ticker was not stopped")
	}
	require.NoError(t, w.shutdown(context.Background()), "second shutdown")
	done := w.done
	again := false
	w.run(ticks, func() { again = true }) // after shutdown: nothing but stopping the ticker
	assert.True(t, again, "run after shutdown stops its ticker")
	assert.Equal(t, done, w.done, "run after shutdown starts no poller")
}

// TestStorePollerLifecycle: Start starts a poller when a store is set and
// reload_interval is not 0, Shutdown stops it; a processor never started
// shuts down cleanly.
func TestStorePollerLifecycle(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.lwl")
	writeStore(t, file, nil, "unused")
	for _, tc := range []struct {
		name     string
		interval time.Duration
		start    bool
		running  bool
	}{
		{"default interval", DefaultReloadInterval, true, true},
		{"reloading off", 0, true, false},
		{"never started", DefaultReloadInterval, false, false},
	} {
		cfg := testConfig()
		cfg.Store.File, cfg.Store.ReloadInterval = file, tc.interval
		p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(componentType), cfg, new(consumertest.LogsSink))
		require.NoError(t, err, tc.name)
		w := p.(logsProcessor).r.watch
		if tc.start {
			require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()), tc.name)
		}
		w.life.Lock()
		done := w.done
		w.life.Unlock()
		assert.Equal(t, tc.running, done != nil, "%s: poller running", tc.name)
		require.NoError(t, p.Shutdown(context.Background()), tc.name)
		if done != nil {
			select {
			case <-done:
			default:
				t.Errorf("%s: the poller still runs after Shutdown", tc.name)
			}
		}
	}
}
