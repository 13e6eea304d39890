// Command signup is a small HTTP service that checks API keys submitted to
// a signup or key-registration flow (see score.Checker).
//
//	go run ./examples/signup [-addr 127.0.0.1:8080] (-store leaked.lwl [-pepper-file f] [-store-fail-open] | -no-store)
//	        [-types openai-project-key,anthropic-api-key] [-allow-test] [-max-body 8192]
//
// It serves one endpoint:
//
//	POST /keys   {"key": "sk-..."}
//
// and answers
//
//	201 Created               the key is accepted: {"accepted":true,"pattern_id":…,"checks":[…],"score":…,"level":…,"reasons":[…]}
//	422 Unprocessable Entity  the key is rejected: the same object with "accepted":false and "reject"
//	503 Service Unavailable   the leak store could not answer: the same object with "reject":"store.unavailable"
//	                          and a Retry-After header; the client may submit the key again later
//	400 Bad Request           the body is not one JSON object with a string "key": {"error":"…"}
//	413 Content Too Large     the body is longer than -max-body
//	415, 405                  wrong content type or method
//
// With -store it loads a known-leaked key store built by examples/leakstore
// (pass -pepper-file when the store was built with one); keys listed in it
// are rejected with "store.known-leaked". A store file that is missing,
// corrupt or read with the wrong pepper stops the service at startup: it
// is never taken for an empty store. Running without a store is a choice
// made with -no-store; each answer's "checks" then lacks "leak-store". A
// store that cannot answer a lookup rejects the key with
// "store.unavailable" (503), or, with -store-fail-open, accepts it
// without the leak check (failing open: a leaked key gets through while
// the store is down). -types limits the accepted credential types to the
// given pattern ids. Test and sandbox keys are rejected unless -allow-test
// is given.
//
// The service never logs a key or echoes one back: each request logs its
// outcome (status, pattern id, rejection code, checks, store error,
// duration) and errors name byte offsets, never content.
//
// The exit status is 0 after a clean shutdown (SIGINT or SIGTERM) and for
// -h, 1 when the store does not load or the server fails, and 2 for a
// command-line error.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/internal/cliexit"
	"github.com/leakward/leakward/patterns"
	"github.com/leakward/leakward/score"
	"github.com/leakward/leakward/score/leakstore"
)

// defaultMaxBody is the default request body limit: a JSON object with the
// longest key the checker accepts, plus room for escapes.
const defaultMaxBody = 8 << 10

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	os.Exit(cliexit.Code(run(os.Args[1:], os.Stderr, log), os.Stderr, "signup", 1))
}

// config is the command line.
type config struct {
	addr       string
	storePath  string
	pepperPath string
	noStore    bool // run without a leak store, by choice
	failOpen   bool // accept keys while the store cannot answer
	types      []string
	allowTest  bool
	maxBody    int64
}

// parseFlags parses the command line; the flag package writes its usage
// and errors to stderr. Errors other than flag.ErrHelp are usageErrors.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("signup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`address` to listen on")
	fs.StringVar(&c.storePath, "store", "", "known-leaked key store `file` built by examples/leakstore (or -no-store)")
	fs.StringVar(&c.pepperPath, "pepper-file", "", "`file` holding the store's pepper, if it was built with one")
	fs.BoolVar(&c.noStore, "no-store", false, "run without a known-leaked key store: keys are not checked for leaks")
	fs.BoolVar(&c.failOpen, "store-fail-open", false, "accept keys when the store cannot answer (fails open; default: reject with store.unavailable)")
	types := fs.String("types", "", "comma-separated pattern `ids` to accept (default: any recognised type)")
	fs.BoolVar(&c.allowTest, "allow-test", false, "accept test and sandbox keys")
	fs.Int64Var(&c.maxBody, "max-body", defaultMaxBody, "request body limit in `bytes`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, cliexit.UsageError{} // reported by the flag package
	}
	if fs.NArg() > 0 {
		// Not quoted: a key pasted on the command line by mistake.
		return c, cliexit.UsageError{Msg: fmt.Sprintf("unexpected arguments: %d after the flags", fs.NArg())}
	}
	switch {
	case c.storePath == "" && !c.noStore:
		return c, cliexit.UsageError{Msg: "-store is required; pass -no-store to run without the leak check"}
	case c.storePath != "" && c.noStore:
		return c, cliexit.UsageError{Msg: "-store and -no-store exclude each other"}
	case c.storePath == "" && c.pepperPath != "":
		return c, cliexit.UsageError{Msg: "-pepper-file needs -store"}
	case c.storePath == "" && c.failOpen:
		return c, cliexit.UsageError{Msg: "-store-fail-open needs -store"}
	}
	if c.maxBody < 16 {
		return c, cliexit.UsageError{Msg: fmt.Sprintf("-max-body %d is too small", c.maxBody)}
	}
	for _, t := range strings.Split(*types, ",") {
		if t = strings.TrimSpace(t); t != "" {
			c.types = append(c.types, t)
		}
	}
	return c, nil
}

func run(args []string, stderr io.Writer, log *slog.Logger) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	checker, err := buildChecker(patterns.Default(), c)
	if err != nil {
		return err // a store that does not load stops the service
	}
	srv := &http.Server{
		Addr:              c.addr,
		Handler:           newHandler(checker, score.CheckOptions{Types: c.types, RequireLive: !c.allowTest}, c.maxBody, log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Listen first, so the log line gives the address in use (with port 0,
	// the one the system chose) and a client that read it can connect.
	l, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	log.Info("listening", "addr", l.Addr().String(), "store", c.storePath != "", "store_fail_open", c.failOpen,
		"types", len(c.types), "allow_test", c.allowTest)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// buildChecker compiles the patterns of ps that recognise a key on its own
// (score.KeyPatterns), without decoding, and loads the store file unless
// c.noStore says to run without one. Every id in c.types must name such a
// pattern. An error reading the store is returned, never taken for an
// empty store.
func buildChecker(ps []patterns.Pattern, c config) (*score.Checker, error) {
	ps = score.KeyPatterns(ps)
	for i, t := range c.types {
		found := false
		for j := range ps {
			if ps[j].ID == t {
				found = true
				break
			}
		}
		if !found {
			return nil, cliexit.UsageError{Msg: fmt.Sprintf("-types: %s is not a pattern that recognises a bare key", describeID(i, t))}
		}
	}
	d, err := detect.New(ps, detect.WithDecodeDepth(0))
	if err != nil {
		return nil, err
	}
	cfg := score.CheckerConfig{RequireStore: !c.noStore, StoreFailOpen: c.failOpen}
	if c.storePath != "" {
		var opts leakstore.ReadOptions
		if c.pepperPath != "" {
			if opts.Pepper, err = readPepper(c.pepperPath); err != nil {
				return nil, err
			}
		}
		s, err := leakstore.ReadFile(c.storePath, &opts)
		if err != nil {
			return nil, fmt.Errorf("-store: %w", err)
		}
		cfg.Store = s
	}
	return score.NewChecker(d, cfg)
}

// describeID names entry i of -types when it has the shape of a pattern id
// (patterns.IDShaped), and
// otherwise only its position and length: it may be a key typed in the
// wrong flag.
func describeID(i int, id string) string {
	if patterns.IDShaped(id) {
		return fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("entry %d (%d bytes)", i+1, len(id))
}

// readPepper reads a pepper file; a final newline is not part of it.
func readPepper(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return bytes.TrimRight(b, "\r\n"), nil
}

// handler serves POST /keys. It is safe for concurrent use.
type handler struct {
	checker *score.Checker
	opts    score.CheckOptions
	maxBody int64
	log     *slog.Logger
}

func newHandler(c *score.Checker, opts score.CheckOptions, maxBody int64, log *slog.Logger) http.Handler {
	h := &handler{checker: c, opts: opts, maxBody: maxBody, log: log}
	mux := http.NewServeMux()
	mux.Handle("/keys", h)
	return mux
}

// request is the accepted body. Key is a pointer to tell a missing key
// from an empty one.
type request struct {
	Key *string `json:"key"`
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status, d := h.serve(w, r)
	attrs := []any{"method", r.Method, "path", r.URL.Path, "status", status, "duration", time.Since(start)}
	level := slog.LevelInfo
	if d != nil {
		attrs = append(attrs, "pattern_id", d.PatternID, "level", d.Result.Level.String(), "checks", d.Checks.String())
		if !d.Accepted {
			attrs = append(attrs, "reject", string(d.Reject))
		}
		if d.StoreErr != nil {
			// Our store's errors never hold the key (see score.LeakStore).
			attrs = append(attrs, "store_error", d.StoreErr.Error())
			level = slog.LevelWarn
		}
	}
	h.log.Log(r.Context(), level, "key check", attrs...)
}

// serve answers one request and returns the status and, when the key was
// checked, the decision. Nothing it writes or returns holds the key.
func (h *handler) serve(w http.ResponseWriter, r *http.Request) (int, *score.Decision) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return writeError(w, http.StatusMethodNotAllowed, "use POST"), nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return writeError(w, http.StatusUnsupportedMediaType, "content type must be application/json"), nil
		}
	}
	body := http.MaxBytesReader(w, r.Body, h.maxBody)
	var req request
	if status, msg := decode(body, &req); status != 0 {
		return writeError(w, status, msg), nil
	}
	key := []byte(*req.Key)
	d := h.checker.Check(r.Context(), key, h.opts)
	clear(key)
	status := http.StatusCreated
	switch {
	case d.Reject == score.CodeStoreUnavailable:
		// Nothing is wrong with the key as far as we know: the client may
		// submit it again once the store answers.
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "30")
	case !d.Accepted:
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, d)
	return status, &d
}

// decode reads exactly one JSON object with a string "key" from body. On
// failure it returns a status and a message that quotes nothing from the
// body, since the body holds a key.
func decode(body io.Reader, req *request) (int, string) {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(req)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return http.StatusBadRequest, "malformed JSON: trailing data after the object"
		}
		if req.Key == nil {
			return http.StatusBadRequest, `malformed request: missing field "key"`
		}
		return 0, ""
	}
	var (
		tooBig *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return http.StatusBadRequest, "malformed JSON: empty body"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadRequest, "malformed JSON: unexpected end of body"
	case errors.As(err, &syntax):
		return http.StatusBadRequest, fmt.Sprintf("malformed JSON at byte offset %d", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "key" {
			return http.StatusBadRequest, fmt.Sprintf(`malformed request: "key" must be a string (byte offset %d)`, typ.Offset)
		}
		return http.StatusBadRequest, fmt.Sprintf("malformed request: the body must be a JSON object (byte offset %d)", typ.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		// The field name is client text and may be the key itself.
		return http.StatusBadRequest, `malformed request: unknown field; the only field is "key"`
	}
	return http.StatusBadRequest, "malformed JSON"
}

func writeError(w http.ResponseWriter, status int, msg string) int {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{msg})
	return status
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
