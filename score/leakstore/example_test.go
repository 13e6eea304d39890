package leakstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/leakward/leakward/score"
	"github.com/leakward/leakward/score/leakstore"
)

// Both the store and the reloader stand behind the scoring interface.
var (
	_ score.LeakStore = (*leakstore.Store)(nil)
	_ score.LeakStore = (*leakstore.Reloader)(nil)
)

func Example() {
	s, err := leakstore.New(leakstore.Config{
		Capacity: 1000,
		FPRate:   1e-6,
		Source:   "synthetic example feed",
		Created:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	// From a plaintext key (synthetic)...
	_ = s.Add([]byte("lw_example_0123456789abcdef"))
	// ...or from a feed of hex SHA-256 digests (this one is the digest of
	// "lw_example_hex_feed_entry").
	d, _ := leakstore.ParseDigest([]byte("049a4e870c4d367890f5d5447ea1aaab8089e64230163c12e5b14dc775209f84"))
	_ = s.AddDigest(d)

	// A lookup takes a context and returns an error, as score.LeakStore
	// asks; a loaded store never waits and never fails.
	ctx := context.Background()
	fmt.Println(s.ContainsKey(ctx, []byte("lw_example_0123456789abcdef")))
	fmt.Println(s.ContainsKey(ctx, []byte("lw_example_not_leaked")))
	fmt.Println(s.ContainsDigest(ctx, d))
	fmt.Println(s.ContainsKey(ctx, []byte("lw_example_hex_feed_entry")))
	fmt.Printf("m=%d k=%d bytes=%d count=%d\n", s.M(), s.K(), s.SizeBytes(), s.Count())
	// Output:
	// true <nil>
	// false <nil>
	// true <nil>
	// true <nil>
	// m=28800 k=20 bytes=3600 count=2
}

func ExampleRead() {
	s, _ := leakstore.New(leakstore.Config{Capacity: 100, Created: time.Unix(0, 0)})
	_ = s.Add([]byte("lw_example_round_trip_key"))
	var file bytes.Buffer
	if _, err := s.WriteTo(&file); err != nil {
		panic(err)
	}
	got, err := leakstore.Read(bytes.NewReader(file.Bytes()), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.ContainsKey(context.Background(), []byte("lw_example_round_trip_key")))

	corrupt := bytes.Clone(file.Bytes())
	corrupt[100] ^= 1
	_, err = leakstore.Read(bytes.NewReader(corrupt), nil)
	fmt.Println(errors.Is(err, leakstore.ErrCorrupt), err)
	_, err = leakstore.Read(bytes.NewReader(file.Bytes()[:50]), nil)
	fmt.Println(errors.Is(err, leakstore.ErrTruncated), err)
	// Output:
	// true <nil>
	// true leakstore: corrupt file: checksum mismatch
	// true leakstore: truncated file: file ends inside the header
}

func ExampleStore_Add_full() {
	s, _ := leakstore.New(leakstore.Config{Capacity: 1})
	fmt.Println(s.Add([]byte("lw_example_first_key")))
	err := s.Add([]byte("lw_example_second_key"))
	fmt.Println(errors.Is(err, leakstore.ErrFull), err)
	// Output:
	// <nil>
	// true leakstore: store is full: capacity 1 reached
}

func ExampleReloader() {
	ctx := context.Background()
	var current leakstore.Reloader // zero value: no store yet
	var store score.LeakStore = &current
	// Until a store is loaded, lookups fail instead of answering "not
	// leaked", so a score.Checker rejects with store.unavailable.
	fmt.Println(store.ContainsKey(ctx, []byte("lw_example_reloaded_key")))

	s, _ := leakstore.New(leakstore.Config{Capacity: 10})
	_ = s.Add([]byte("lw_example_reloaded_key"))
	current.Swap(s) // or current.Load(path, nil) to read a file
	fmt.Println(store.ContainsKey(ctx, []byte("lw_example_reloaded_key")))
	// Output:
	// false leakstore: no store loaded
	// true <nil>
}
