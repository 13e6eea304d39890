package leakwardprocessor

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
	"github.com/leakward/leakward/score/leakstore"
)

// Mask style names accepted in Config.Mask.
const (
	MaskID          = "id"
	MaskPrefix      = "prefix"
	MaskFingerprint = "fingerprint"
)

// Field names accepted in Config.Fields.
const (
	FieldBody       = "body"
	FieldAttributes = "attributes"
	FieldResource   = "resource"
)

// Default attribute names.
const (
	DefaultSummaryPrefix   = "leakward.redacted"
	DefaultLeakedAttribute = "leakward.known_leaked"
)

// ErrInvalidConfig is wrapped by every configuration error.
var ErrInvalidConfig = errors.New("leakwardprocessor: invalid config")

// Config is the configuration of the leakward processor. The zero value is
// not usable on its own; the collector starts from the default config
// (see NewFactory) and overlays what the user wrote. A Config is read-only
// once the processor is built and then safe for concurrent use.
type Config struct {
	// Mask is what replaces a secret: "id" writes
	// "[REDACTED:<pattern-id>]" (the default), "prefix" keeps the token's
	// fixed non-secret prefix, "fingerprint" adds a keyed HMAC so that one
	// secret can be followed across records without being stored.
	Mask string `mapstructure:"mask"`
	// FingerprintKeyEnv names the environment variable that holds the HMAC
	// key of the fingerprint mask (at least 16 bytes). Exactly one of
	// FingerprintKeyEnv and FingerprintKeyFile is required with
	// mask "fingerprint"; the key itself is never part of the config.
	FingerprintKeyEnv string `mapstructure:"fingerprint_key_env"`
	// FingerprintKeyFile is a file that holds the HMAC key; one final
	// newline is dropped.
	FingerprintKeyFile string `mapstructure:"fingerprint_key_file"`
	// Enable, when not empty, keeps only the catalog patterns with these
	// ids.
	Enable []string `mapstructure:"enable"`
	// Disable turns off the catalog patterns with these ids.
	Disable []string `mapstructure:"disable"`
	// CustomPatterns are credential formats of your own, added to the
	// catalog and always on (Enable and Disable name catalog ids only).
	// Each is held to the catalog's bounds (see CustomPattern).
	CustomPatterns []CustomPattern `mapstructure:"custom_patterns"`
	// SecretNames adds attribute and map key names whose values are
	// secrets, beyond the built-in ones (password, token, api_key, …),
	// like the redaction processor's blocked_key_patterns but matched as
	// names: without case and separators (api_key, apiKey and API-KEY are
	// one name) against a key's last component, or, for a name with a
	// dot (db.pin), against the end of its key path. A value under such a
	// name is checked as an assignment to it (see detect.WithSecretNames).
	SecretNames []string `mapstructure:"secret_names"`
	// PublicNames exempts names that the built-in rules would take for
	// secret names (detect.WithPublicNames); values under them are still
	// scanned as text.
	PublicNames []string `mapstructure:"public_names"`
	// AllowValuesFile names a file of values a team has reviewed and that
	// are never redacted (test fixtures' tokens): one entry per line,
	// "sha256:<64 hex>" or "hmac-sha256:<64 hex>" (the HMAC under the
	// fingerprint key), so the file holds digests, never the values (see
	// detect.ParseAllowValues and the AllowEntry helpers). It is read at
	// start.
	AllowValuesFile string `mapstructure:"allow_values_file"`
	// Fields lists which values and attribute maps are scanned: "body"
	// (log bodies, strings and structured values at any depth, keys
	// included), "attributes" (log record attributes; scope attributes;
	// span, span event and span link attributes) and "resource" (resource
	// attributes). The default is all three. Names, messages and other
	// string fields are scanned whatever Fields says (see the package
	// documentation).
	Fields []string `mapstructure:"fields"`
	// Store optionally names a known-leaked key store.
	Store StoreConfig `mapstructure:"store"`
	// Summary configures the attributes that count redactions.
	Summary SummaryConfig `mapstructure:"summary"`
	// MatchTimeout bounds each regex search of the detector, custom
	// patterns included; zero means detect.DefaultMatchTimeout. A search
	// that times out masks its window as undecided, so a collector on
	// starved CPUs may want more to avoid over-redaction.
	MatchTimeout time.Duration `mapstructure:"match_timeout"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// StoreConfig names a known-leaked key store file built with
// score/leakstore (for example by the leakstore command). A record in which a
// redacted secret is in the store gets the attribute Attribute set to true.
type StoreConfig struct {
	// File is the store file; empty means no store.
	File string `mapstructure:"file"`
	// PepperFile is the file holding the pepper of a peppered store.
	PepperFile string `mapstructure:"pepper_file"`
	// Attribute is the marker attribute (default "leakward.known_leaked").
	Attribute string `mapstructure:"attribute"`
	// ReloadInterval is how often File is checked for a new store
	// (default 30s; 0 turns reloading off; otherwise at least 1s). A new
	// store is read and verified whole before it replaces the one in
	// use, and lookups go on meanwhile; a missing or corrupt file leaves
	// the store in use, and is logged. The pepper file is read again with
	// each new store.
	ReloadInterval time.Duration `mapstructure:"reload_interval"`
}

// SummaryConfig configures the summary attributes. When enabled, each
// record (log record, span, or resource) in which something was redacted
// gets "<prefix>.<pattern-id>" = number of secrets of that pattern redacted in
// it, and "<prefix>.total" = their sum. Values are never recorded.
type SummaryConfig struct {
	// Enabled turns the summary attributes on (the default).
	Enabled bool `mapstructure:"enabled"`
	// Prefix is the attribute name prefix (default "leakward.redacted").
	Prefix string `mapstructure:"prefix"`
}

func createDefaultConfig() *Config {
	return &Config{
		Mask:    MaskID,
		Fields:  []string{FieldBody, FieldAttributes, FieldResource},
		Store:   StoreConfig{Attribute: DefaultLeakedAttribute, ReloadInterval: DefaultReloadInterval},
		Summary: SummaryConfig{Enabled: true, Prefix: DefaultSummaryPrefix},
	}
}

// Validate checks the configuration without reading keys or files; errors
// name the offending setting and wrap ErrInvalidConfig.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...))
	}
	switch c.Mask {
	case MaskID, MaskPrefix:
		if c.FingerprintKeyEnv != "" || c.FingerprintKeyFile != "" {
			bad("fingerprint_key_env and fingerprint_key_file need mask %q, mask is %q", MaskFingerprint, c.Mask)
		}
	case MaskFingerprint:
		if (c.FingerprintKeyEnv == "") == (c.FingerprintKeyFile == "") {
			bad("mask %q needs exactly one of fingerprint_key_env and fingerprint_key_file", MaskFingerprint)
		}
	default:
		if patterns.IDShaped(c.Mask) {
			bad("mask %q is not one of %q, %q, %q", c.Mask, MaskID, MaskPrefix, MaskFingerprint)
		} else {
			bad("mask is not one of %q, %q, %q (the value is not shown)", MaskID, MaskPrefix, MaskFingerprint)
		}
	}
	for i, id := range c.Enable {
		if _, ok := patterns.ByID(id); !ok {
			if patterns.IDShaped(id) {
				bad("enable: no pattern has id %q", id)
			} else {
				bad("enable: entry %d is not a pattern id (the value is not shown)", i)
			}
		}
	}
	for i, id := range c.Disable {
		if _, ok := patterns.ByID(id); !ok {
			if patterns.IDShaped(id) {
				bad("disable: no pattern has id %q", id)
			} else {
				bad("disable: entry %d is not a pattern id (the value is not shown)", i)
			}
		}
	}
	if len(c.Enable) > 0 && len(c.CustomPatterns) == 0 && !slices.ContainsFunc(c.Enable, func(id string) bool { return !slices.Contains(c.Disable, id) }) {
		bad("enable and disable leave no pattern on")
	}
	if len(c.Fields) == 0 {
		bad("fields is empty: name at least one of %q, %q, %q", FieldBody, FieldAttributes, FieldResource)
	}
	for i, f := range c.Fields {
		switch f {
		case FieldBody, FieldAttributes, FieldResource:
		default:
			if patterns.IDShaped(f) {
				bad("fields: %q is not one of %q, %q, %q", f, FieldBody, FieldAttributes, FieldResource)
			} else {
				bad("fields: entry %d is not one of %q, %q, %q (the value is not shown)", i, FieldBody, FieldAttributes, FieldResource)
			}
			continue
		}
		if slices.Contains(c.Fields[:i], f) {
			bad("fields: %q is listed twice", f)
		}
	}
	if c.MatchTimeout < 0 {
		bad("match_timeout %v is negative", c.MatchTimeout)
	}
	if c.Store.PepperFile != "" && c.Store.File == "" {
		bad("store: pepper_file is set but file is not")
	}
	if c.Store.File != "" && c.Store.Attribute == "" {
		bad("store: attribute is empty")
	}
	if ri := c.Store.ReloadInterval; ri < 0 || ri > 0 && ri < minReloadInterval {
		bad("store: reload_interval %v is neither 0 (off) nor at least %v", ri, minReloadInterval)
	}
	c.validateCustom(bad)
	if c.Summary.Enabled && (c.Summary.Prefix == "" || strings.HasSuffix(c.Summary.Prefix, ".")) {
		bad("summary: prefix must be non-empty and must not end with '.'")
	}
	return errors.Join(errs...)
}

// maxNameBytes bounds the length of a value that an error may quote.
// settings is a Config resolved into what the redactor needs: keys and the
// store are read, the detector is compiled.
type settings struct {
	det      *detect.Detector
	mask     detect.MaskStyle
	store    *leakstore.Reloader // nil without a store
	watch    *storeWatcher       // keeps store current; nil without a store
	body     bool
	attrs    bool
	resource bool
	summary  string // summary prefix with a final '.', or "" when off
	// summaryKeys maps each enabled pattern id to its summary attribute
	// name, and "" to the total's, so that naming them allocates nothing.
	summaryKeys map[string]string
	leakedKey   string
}

// resolve validates c, reads the fingerprint key, the pepper and the store,
// and compiles the detector, with the extra options as well.
func (c *Config) resolve(extra ...detect.Option) (*settings, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	opts := append([]detect.Option(nil), extra...)
	switch c.Mask {
	case MaskPrefix:
		opts = append(opts, detect.WithMask(detect.MaskPrefix))
	case MaskFingerprint:
		key, err := c.fingerprintKey()
		if err != nil {
			return nil, err
		}
		opts = append(opts, detect.WithMask(detect.MaskFingerprint), detect.WithFingerprintKey(key))
		clear(key)
	}
	if c.MatchTimeout > 0 {
		opts = append(opts, detect.WithMatchTimeout(c.MatchTimeout))
	}
	if len(c.SecretNames) > 0 {
		opts = append(opts, detect.WithSecretNames(c.SecretNames...))
	}
	if len(c.PublicNames) > 0 {
		opts = append(opts, detect.WithPublicNames(c.PublicNames...))
	}
	if c.AllowValuesFile != "" {
		allow, err := readAllowValues(c.AllowValuesFile)
		if err != nil {
			return nil, err
		}
		opts = append(opts, detect.WithAllowValues(allow...))
	}
	if off := c.disabled(); len(off) > 0 {
		opts = append(opts, detect.WithDisabled(off...))
	}
	det, err := detect.New(patterns.With(patterns.Default(), c.customPatterns()...), opts...)
	if err != nil {
		return nil, fmt.Errorf("leakwardprocessor: building detector: %w", err)
	}
	s := &settings{
		det:      det,
		mask:     maskStyles[c.Mask],
		body:     slices.Contains(c.Fields, FieldBody),
		attrs:    slices.Contains(c.Fields, FieldAttributes),
		resource: slices.Contains(c.Fields, FieldResource),
	}
	if c.Summary.Enabled {
		s.summary = c.Summary.Prefix + "."
		s.summaryKeys = map[string]string{"": s.summary + "total", detect.UndecidedID: s.summary + detect.UndecidedID}
		for _, id := range det.PatternIDs() {
			s.summaryKeys[id] = s.summary + id
		}
	}
	if c.Store.File != "" {
		w, err := newStoreWatcher(c.Store.File, c.Store.PepperFile, c.Store.ReloadInterval)
		if err != nil {
			return nil, err
		}
		s.store, s.watch = w.cur, w
		s.leakedKey = c.Store.Attribute
	}
	return s, nil
}

var maskStyles = map[string]detect.MaskStyle{MaskID: detect.MaskID, MaskPrefix: detect.MaskPrefix, MaskFingerprint: detect.MaskFingerprint}

// disabled returns the ids to turn off: Disable, plus every catalog id not in
// Enable when Enable is set.
func (c *Config) disabled() []string {
	off := slices.Clone(c.Disable)
	if len(c.Enable) > 0 {
		for _, p := range patterns.Default() {
			if !slices.Contains(c.Enable, p.ID) && !slices.Contains(off, p.ID) {
				off = append(off, p.ID)
			}
		}
	}
	slices.Sort(off)
	return slices.Compact(off)
}

func (c *Config) fingerprintKey() ([]byte, error) {
	var key []byte
	if c.FingerprintKeyEnv != "" {
		v, ok := os.LookupEnv(c.FingerprintKeyEnv)
		if !ok || v == "" {
			// The name is not shown: a key pasted in place of the
			// variable's name would be echoed.
			return nil, fmt.Errorf("%w: fingerprint_key_env: the environment variable it names is not set or empty", ErrInvalidConfig)
		}
		key = []byte(v)
	} else {
		k, err := readKeyFile(c.FingerprintKeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: fingerprint_key_file: %w", ErrInvalidConfig, pathless(err))
		}
		key = k
	}
	if len(key) < 16 {
		n := len(key)
		clear(key)
		return nil, fmt.Errorf("%w: fingerprint key is %d bytes, need at least 16", ErrInvalidConfig, n)
	}
	return key, nil
}

// errEmptyFile is returned by readKeyFile for a file without a key.
var errEmptyFile = errors.New("the file is empty")

// readKeyFile reads a key file, dropping one final "\n" or "\r\n". Its
// errors name neither the file nor its content (see pathless).
func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return nil, errEmptyFile
	}
	return b, nil
}

// pathless returns err with the file name of an *fs.PathError in it left
// out ("open: no such file or directory"): a key or pepper pasted in place
// of a file name would otherwise be echoed. errors.Is still sees the
// cause (fs.ErrNotExist, fs.ErrPermission…); errors that carry no path are
// returned as they are.
func pathless(err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("%s: %w", pe.Op, pe.Err)
}

// readAllowValues reads the allowlist file named by allow_values_file.
// Errors name the line, never its text.
func readAllowValues(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("leakwardprocessor: allow_values_file: %w", err)
	}
	defer f.Close()
	allow, err := detect.ParseAllowValues(f)
	if err != nil {
		return nil, fmt.Errorf("leakwardprocessor: allow_values_file: %w", err)
	}
	return allow, nil
}
