// Package patterns is leakward's catalog of credential formats, as data.
//
// A [Pattern] describes one credential type: a stable id (lowercase kebab
// case, such as "github-pat-classic" or "aws-access-key-id"), the provider,
// what it grants ([Privilege], [Severity]), how sure a match of its shape
// is ([Confidence]), the literal keywords the engine's prefilter looks for,
// a regex (regexp2 syntax) that locates the secret, an optional [Validator]
// for formats with a checksum or structure, a minimum entropy, test-mode
// markers, and its own true-positive and false-positive examples, which
// the tests run.
//
// [Default] returns the built-in catalog, one pattern per credential type
// in eight groups: AI and LLM providers; cloud and infrastructure; source
// hosting, CI and package registries; payments; communications; databases
// and connection strings; generic and structural detectors (passwords,
// authorization headers, JWTs, private keys); crypto wallets.
//
// # Validators
//
// Formats with structure are validated, not only matched: GitHub and npm
// tokens (CRC-32 in base 62), GitLab routable tokens (CRC-32 in base 36),
// Grafana service-account tokens, Atlassian and Bitbucket tokens (CRC-32),
// Microsoft identifiable keys (Marvin32 with per-kind seeds), Bitcoin WIF
// and BIP32 keys (Base58Check), BIP39 mnemonics (SHA-256 checksum over the
// embedded English word list), bech32 age and Nostr keys, AWS key ids (the
// account id is decoded), PyPI macaroons, JWT headers, PEM and OpenSSH
// private keys that parse, Ethereum keys in range. The validators are
// exported so that other code can check a single value.
//
// # Your own patterns
//
// A Pattern is plain data. [With] adds patterns to a list or replaces
// built-ins of the same id; [Without] drops ids. Pass the result to
// detect.New, which checks every pattern and reports a bad one by id.
package patterns
