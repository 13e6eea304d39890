package monitor_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/leakward/leakward/score/monitor"
)

func Example() {
	m, err := monitor.New(&monitor.Config{MaxKeys: 1024, MaxNetworks: 1024})
	if err != nil {
		panic(err)
	}
	id := monitor.Fingerprint([]byte("sk-example-key"), []byte("gateway hmac key"))
	home := netip.MustParseAddr("192.0.2.10")
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

	// Ten days of ordinary use build the key's baseline.
	for i := 0; i < 120; i++ {
		m.Observe(monitor.Event{Key: id, Time: start.Add(time.Duration(i) * 2 * time.Hour),
			Addr: home, Agent: "billing-svc/2.1", Op: "GET /v1/invoices", Units: 1})
	}

	// The same key, from an unknown block, with another client.
	at := start.Add(241 * time.Hour)
	r := m.Observe(monitor.Event{Key: id, Time: at, Addr: netip.MustParseAddr("203.0.113.9"),
		Agent: "python-requests/2.31", Op: "GET /v1/invoices", Units: 1})
	fmt.Println(r.Score, r.Level, m.Alert(&r))
	for _, x := range r.Reasons() {
		fmt.Printf("  %-26s %3d  %s\n", x.Code, x.Points, x.Text)
	}
	// Output:
	// 55 high true
	//   monitor.new-network         15  source network not seen before for this key
	//   monitor.new-wide-network    20  source outside every address block this key has used
	//   monitor.new-agent           20  client not seen before for this key
}

func ExampleMonitor_MarkLeaked() {
	m, _ := monitor.New(&monitor.Config{MaxKeys: 64, MaxNetworks: 64})
	id := monitor.Fingerprint([]byte("sk-example-key"), []byte("gateway hmac key"))
	leak := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	m.MarkLeaked(id, leak) // e.g. the redactor found it in a public paste

	r := m.Observe(monitor.Event{Key: id, Time: leak.Add(time.Minute), Addr: netip.MustParseAddr("198.51.100.4")})
	fmt.Println(r.Score, r.Level, r.Reasons()[0].Code)
	// Output:
	// 90 critical monitor.after-leak
}

func ExampleFingerprint() {
	id := monitor.Fingerprint([]byte("sk-example-key"), []byte("gateway hmac key"))
	// Short is what the redactor prints as hmac=…
	fmt.Println(len(id.String()), id.Short() == id.String()[:8])
	// Output:
	// 32 true
}
