package leakward_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// formats renders v every way a caller might print or ship it.
func formats(v any) []string {
	js, _ := json.Marshal(v)
	return []string{
		fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v),
		fmt.Sprintf("%s", v), fmt.Sprintf("%q", v), string(js),
	}
}

// secretsOf returns the secrets the detector finds in ex (at least 8
// bytes long, so that a match in output is meaningful).
func secretsOf(d *detect.Detector, ex []byte) []string {
	var out []string
	for _, f := range d.Scan(ex) {
		if s := f.Secret(ex); len(s) >= 8 {
			out = append(out, string(s))
		}
	}
	return out
}

// assertNoEcho fails if any rendering of any value holds a secret. The
// failure message names the secret only by its preview.
func assertNoEcho(t *testing.T, api string, secrets []string, values ...any) {
	t.Helper()
	for _, v := range values {
		for _, s := range formats(v) {
			for _, sec := range secrets {
				if strings.Contains(s, sec) {
					t.Errorf("%s echoes secret %s", api, detect.Preview([]byte(sec)))
				}
			}
		}
	}
}

// TestNoEcho walks every pattern's true-positive examples through every
// public entry point of detect and checks that no returned value or error,
// however formatted, contains a secret.
func TestNoEcho(t *testing.T) {
	d, err := detect.New(patterns.Default())
	require.NoError(t, err)
	for _, p := range patterns.Default() {
		for i, ex := range p.Examples {
			src := []byte(ex)
			secrets := secretsOf(d, src)
			if len(secrets) == 0 {
				continue // the catalog test reports examples without findings
			}
			name := fmt.Sprintf("%s/%d", p.ID, i)

			fs := d.Scan(src)
			assertNoEcho(t, name+" Scan", secrets, fs, fs[0], &fs[0])
			assertNoEcho(t, name+" Redact", secrets, string(d.Redact(nil, src)), d.RedactString(ex))

			var out bytes.Buffer
			w := d.NewWriter(&out)
			n, werr := w.Write(src)
			cerr := w.Close()
			assertNoEcho(t, name+" Writer", secrets, out.String(), n, werr, cerr, w)

			r := d.NewReader(bytes.NewReader(src))
			got, rerr := io.ReadAll(r)
			assertNoEcho(t, name+" Reader", secrets, string(got), rerr, r)

			var logs bytes.Buffer
			log := slog.New(d.NewHandler(slog.NewJSONHandler(&logs, nil))).With("ctx", ex)
			log.Info(ex, "attr", ex, "err", fmt.Errorf("failed: %s", ex), slog.Group("g", "v", ex))
			assertNoEcho(t, name+" slog", secrets, logs.String())

			// Error paths: a pattern built from the example text itself.
			_, perr := detect.New([]patterns.Pattern{{ID: "bad", Keywords: []string{ex}, Regex: ex + "("}})
			assertNoEcho(t, name+" New error", secrets, perr)
		}
	}
}
