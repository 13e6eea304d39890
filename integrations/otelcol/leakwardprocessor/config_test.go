package leakwardprocessor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/leakward/leakward/score/leakstore"
)

func TestDefaultConfigIsValid(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig()
	require.NoError(t, confmap.Validate(cfg))
	assert.Equal(t, createDefaultConfig(), cfg)
}

func TestConfigUnmarshal(t *testing.T) {
	cm := confmap.NewFromStringMap(map[string]any{
		"mask":                "fingerprint",
		"fingerprint_key_env": "LW_KEY",
		"disable":             []any{"generic-high-entropy-secret"},
		"fields":              []any{"body"},
		"store":               map[string]any{"file": "/tmp/x.lwl"},
		"summary":             map[string]any{"prefix": "sec"},
		"match_timeout":       "250ms",
	})
	cfg := createDefaultConfig()
	require.NoError(t, cm.Unmarshal(cfg))
	want := createDefaultConfig()
	want.Mask = MaskFingerprint
	want.FingerprintKeyEnv = "LW_KEY"
	want.Disable = []string{"generic-high-entropy-secret"}
	want.Fields = []string{FieldBody}
	want.Store.File = "/tmp/x.lwl"
	want.Summary.Prefix = "sec"
	want.MatchTimeout = 250 * time.Millisecond
	assert.Equal(t, want, cfg)
	assert.NoError(t, cfg.Validate())
}

func TestConfigUnmarshalUnknownKey(t *testing.T) {
	cm := confmap.NewFromStringMap(map[string]any{"maks": "id"})
	err := cm.Unmarshal(createDefaultConfig())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "maks")
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"unknown mask", func(c *Config) { c.Mask = "stars" }, `mask "stars" is not one of "id", "prefix", "fingerprint"`},
		{"fingerprint without key", func(c *Config) { c.Mask = MaskFingerprint }, `mask "fingerprint" needs exactly one of fingerprint_key_env and fingerprint_key_file`},
		{"fingerprint with two keys", func(c *Config) {
			c.Mask, c.FingerprintKeyEnv, c.FingerprintKeyFile = MaskFingerprint, "K", "/k"
		}, `needs exactly one of`},
		{"key without fingerprint", func(c *Config) { c.FingerprintKeyEnv = "K" }, `fingerprint_key_env and fingerprint_key_file need mask "fingerprint", mask is "id"`},
		{"unknown enable id", func(c *Config) { c.Enable = []string{"no-such-id"} }, `enable: no pattern has id "no-such-id"`},
		{"unknown disable id", func(c *Config) { c.Disable = []string{"nope"} }, `disable: no pattern has id "nope"`},
		{"nothing left on", func(c *Config) {
			c.Enable, c.Disable = []string{"github-pat-classic"}, []string{"github-pat-classic", "aws-access-key-id"}
		}, `enable and disable leave no pattern on`},
		{"negative timeout", func(c *Config) { c.MatchTimeout = -time.Second }, `match_timeout -1s is negative`},
		{"no fields", func(c *Config) { c.Fields = nil }, `fields is empty`},
		{"unknown field", func(c *Config) { c.Fields = []string{"body", "headers"} }, `fields: "headers" is not one of "body", "attributes", "resource"`},
		{"unknown field not a name", func(c *Config) { c.Fields = []string{"body", "Headers"} }, `fields: entry 1 is not one of "body", "attributes", "resource" (the value is not shown)`},
		{"unknown enable value not a name", func(c *Config) { c.Enable = []string{"github-pat-classic", "GitHub PAT"} }, `enable: entry 1 is not a pattern id (the value is not shown)`},
		{"unknown disable id too long", func(c *Config) { c.Disable = []string{strings.Repeat("a", 65)} }, `disable: entry 0 is not a pattern id`},
		{"unknown mask not a name", func(c *Config) { c.Mask = "Stars" }, `mask is not one of "id", "prefix", "fingerprint" (the value is not shown)`},
		{"field twice", func(c *Config) { c.Fields = []string{"body", "body"} }, `fields: "body" is listed twice`},
		{"pepper without store", func(c *Config) { c.Store.PepperFile = "/p" }, `store: pepper_file is set but file is not`},
		{"store without attribute", func(c *Config) { c.Store.File, c.Store.Attribute = "/s", "" }, `store: attribute is empty`},
		{"empty summary prefix", func(c *Config) { c.Summary.Prefix = "" }, `summary: prefix must be non-empty`},
		{"summary prefix ends with dot", func(c *Config) { c.Summary.Prefix = "a." }, `summary: prefix must be non-empty and must not end with '.'`},
	}
	for _, tt := range tests {
		cfg := createDefaultConfig()
		tt.edit(cfg)
		err := cfg.Validate()
		require.Error(t, err, tt.name)
		assert.ErrorIs(t, err, ErrInvalidConfig, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
		assert.Contains(t, err.Error(), "leakwardprocessor: invalid config", tt.name)
	}
}

func TestConfigValidateReportsAll(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Mask = "x"
	cfg.Fields = []string{"y"}
	err := cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `mask "x"`)
	assert.Contains(t, err.Error(), `fields: "y" is not one of`)
}

func TestResolveErrors(t *testing.T) {
	dir := t.TempDir()
	shortKey := filepath.Join(dir, "short")
	require.NoError(t, os.WriteFile(shortKey, []byte("tiny-key-value\n"), 0o600))
	emptyKey := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(emptyKey, []byte("\n"), 0o600))
	notStore := filepath.Join(dir, "notstore")
	require.NoError(t, os.WriteFile(notStore, []byte("not a store file at all, just text"), 0o600))
	t.Setenv("LW_SHORT_KEY", "tiny-key-value")

	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"env unset", func(c *Config) { c.Mask, c.FingerprintKeyEnv = MaskFingerprint, "LW_TEST_UNSET_VARIABLE" },
			`fingerprint_key_env: the environment variable it names is not set or empty`},
		{"env key short", func(c *Config) { c.Mask, c.FingerprintKeyEnv = MaskFingerprint, "LW_SHORT_KEY" },
			`fingerprint key is 14 bytes, need at least 16`},
		{"file key short", func(c *Config) { c.Mask, c.FingerprintKeyFile = MaskFingerprint, shortKey },
			`fingerprint key is 14 bytes, need at least 16`},
		{"file key empty", func(c *Config) { c.Mask, c.FingerprintKeyFile = MaskFingerprint, emptyKey },
			`fingerprint_key_file: the file is empty`},
		{"file key missing", func(c *Config) { c.Mask, c.FingerprintKeyFile = MaskFingerprint, filepath.Join(dir, "nokey") },
			`fingerprint_key_file: open: no such file or directory`},
		{"store missing", func(c *Config) { c.Store.File = filepath.Join(dir, "none.lwl") }, `store: file:`},
		{"store not a store", func(c *Config) { c.Store.File = notStore }, `store: file:`},
	}
	for _, tt := range tests {
		cfg := createDefaultConfig()
		tt.edit(cfg)
		_, err := cfg.resolve()
		require.Error(t, err, tt.name)
		assert.ErrorIs(t, err, ErrInvalidConfig, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
		assert.NotContains(t, err.Error(), "tiny-key-value", "%s: error shows the key", tt.name)
		assert.NotContains(t, err.Error(), dir, "%s: error shows the path", tt.name)
	}
}

// TestConfigErrorsDoNotEcho puts a secret (built at run time) in every
// setting whose value an error could quote, and checks that no error from
// Validate or resolve holds it.
func TestConfigErrorsDoNotEcho(t *testing.T) {
	sec := tokens(40, 1)[0]
	dir := t.TempDir()
	secretPath := filepath.Join(dir, sec) // a file that does not exist
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"mask", func(c *Config) { c.Mask = sec }, "mask is not one of"},
		{"enable", func(c *Config) { c.Enable = []string{"github-pat-classic", sec} }, "enable: entry 1 is not a pattern id"},
		{"disable", func(c *Config) { c.Disable = []string{sec} }, "disable: entry 0 is not a pattern id"},
		{"fields", func(c *Config) { c.Fields = []string{"body", sec} }, "fields: entry 1 is not one of"},
		{"summary prefix", func(c *Config) { c.Summary.Prefix = sec + "." }, "summary: prefix must be"},
		{"fingerprint_key_env", func(c *Config) { c.Mask, c.FingerprintKeyEnv = MaskFingerprint, sec }, "fingerprint_key_env: the environment variable it names is not set"},
		{"fingerprint_key_file", func(c *Config) { c.Mask, c.FingerprintKeyFile = MaskFingerprint, sec }, "fingerprint_key_file: open: no such file"},
		{"fingerprint_key_file path", func(c *Config) { c.Mask, c.FingerprintKeyFile = MaskFingerprint, secretPath }, "fingerprint_key_file: open: no such file"},
		{"store file", func(c *Config) { c.Store.File = secretPath }, "store: file: open: no such file"},
		{"store pepper_file", func(c *Config) { c.Store.File, c.Store.PepperFile = filepath.Join(dir, "s.lwl"), secretPath }, "store: pepper_file: open: no such file"},
	}
	for _, tt := range tests {
		cfg := createDefaultConfig()
		tt.edit(cfg)
		_, err := cfg.resolve()
		require.Error(t, err, tt.name)
		assert.ErrorIs(t, err, ErrInvalidConfig, tt.name)
		msg := err.Error()
		assert.True(t, strings.Contains(msg, tt.want), "%s: the error does not say %q", tt.name, tt.want)
		assert.False(t, strings.Contains(msg, sec[4:]), "%s: the error echoes the secret", tt.name)
	}
}

func TestResolveStoreWrongPepper(t *testing.T) {
	dir := t.TempDir()
	pepper := filepath.Join(dir, "pepper")
	require.NoError(t, os.WriteFile(pepper, []byte("0123456789abcdef0123"), 0o600))
	other := filepath.Join(dir, "other")
	require.NoError(t, os.WriteFile(other, []byte("fedcba9876543210fedc"), 0o600))
	st, err := leakstore.New(leakstore.Config{Capacity: 10, Pepper: []byte("0123456789abcdef0123")})
	require.NoError(t, err)
	file := filepath.Join(dir, "s.lwl")
	require.NoError(t, st.WriteFile(file))

	cfg := createDefaultConfig()
	cfg.Store.File, cfg.Store.PepperFile = file, pepper
	_, err = cfg.resolve()
	require.NoError(t, err, "right pepper")

	cfg.Store.PepperFile = other
	_, err = cfg.resolve()
	require.Error(t, err, "wrong pepper")
	assert.ErrorIs(t, err, leakstore.ErrPepper)
}

func TestDisabledCombinesEnableAndDisable(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Enable = []string{"github-pat-classic", "github-pat-fine-grained"}
	cfg.Disable = []string{"github-pat-fine-grained"}
	s, err := cfg.resolve()
	require.NoError(t, err)
	assert.Equal(t, []string{"github-pat-classic"}, s.det.PatternIDs())
}
