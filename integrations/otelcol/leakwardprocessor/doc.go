// Package leakwardprocessor is an OpenTelemetry Collector processor that
// redacts credentials in logs and traces with the leakward detector and its
// default catalog, before they leave the pipeline.
//
// # What is scanned
//
// Every string field of the data is scanned, map keys included:
//
//   - Always, whatever "fields" says: the log record event name and
//     severity text; the span name, status message and trace state; span
//     event names and span link trace states; the instrumentation scope's
//     name and version; the schema URLs of resources and scopes.
//   - "body": the log body, a string, bytes, or a map or slice at any depth,
//     keys included.
//   - "attributes": log record attributes, instrumentation scope
//     attributes, span, span event and span link attributes, keys and values
//     at any depth.
//   - "resource": resource attributes, keys and values at any depth.
//
// Not scanned: trace and span ids, flags, timestamps, span kind, status
// code, severity number, dropped counts, and int, double and boolean
// values. Metrics and profiles are not supported.
//
// Each value, key and name is scanned on its own, not as an exporter
// prints it: a pattern that needs a nearby keyword (a "password=" before a
// password) finds a secret in a free-text string only when both are in it.
//
// A string or bytes value in a map (attributes and map bodies) is also
// known by its name, the keys of the maps it is in joined with '.'
// (db.password for {"db": {"password": …}}; an element of a slice has the
// slice's name, and an empty key adds nothing). When the value alone holds
// no secret and the name says secret (see the detector's SecretName:
// password, db.password, api_key, X-Api-Key, authorization, session…), the
// value is checked as the assignment name=value would be in text, with the
// catalog's rules for such values (placeholders, entropy, length; nothing
// shorter than 4 bytes). So "db.password" = "Tq7wLz2VbK9x" is masked and
// counted under the pattern that found it, where "user", "password.hint"
// or "token_count" with the same value is not. A string body, a name or a
// message has no name: it is scanned alone.
//
// # What is written
//
// A secret is replaced in place by the mask the detector writes (its
// Redact): "[REDACTED:<pattern-id>]" by default, or with mask "prefix" the
// token's fixed prefix, or with mask "fingerprint" a keyed HMAC tag whose
// key comes from an environment variable or a file, never from the config
// text. A region the detector could not decide is masked as
// "[REDACTED:undecided]".
//
// A map key that holds a secret is replaced by [KeyPlaceholder],
// "[REDACTED:key]"; a second one in the same map by "[REDACTED:key]:2", and
// so on, skipping names the map already has. The map is rebuilt in its
// order; the value stays with its entry and is redacted like any other.
//
// A bytes value is scanned as raw bytes (exporters print it as base64,
// which would hide a secret from a scan of the printed text). Bytes that
// hold a secret are replaced by a string value, the redacted text, with
// bytes that are not UTF-8 written as U+FFFD; bytes without a secret are
// left as bytes.
//
// A record (log record or span, or the scope or resource) in which
// something was redacted gets summary attributes
// "leakward.redacted.<pattern-id>" (the count of that pattern, with
// "leakward.redacted.undecided" for undecided regions) and
// "leakward.redacted.total". Secrets in a span's events and links are
// counted on the span; secrets in a scope's or resource's name, version,
// schema URL or attributes on the scope's or resource's attributes. With a
// known-leaked store configured, a record that held a key found in the
// store also gets "leakward.known_leaked" = true. No attribute ever holds a
// secret.
//
// # Custom patterns
//
// Config.CustomPatterns adds credential formats of the operator's own to
// the catalog: an id, keywords, a regex, and optionally min_len,
// min_entropy and examples. Each is checked by detect.CheckCustom when the
// configuration is validated and compiled with the catalog, so it runs
// under the same bounds: only in windows around its keywords, each regex
// search under match_timeout, counted against the detector's work budget.
// A regex that backtracks catastrophically times out, and the window it
// searched is masked as "[REDACTED:undecided]" and counted, never passed.
// Its findings are masked "[REDACTED:<id>]" and summarised as
// "leakward.redacted.<id>" like a built-in pattern's.
//
// # Reloading the known-leaked store
//
// The store file is read when the processor is built (a missing or
// corrupt file fails the start) and, unless store.reload_interval is 0,
// checked every interval (default DefaultReloadInterval) from Start until
// Shutdown: when the file's size, modification time or inode changed and
// its checksum (its last 32 bytes) differs from the store in use, the new
// store is read and verified whole, then swapped in atomically. Lookups
// never wait and never see a half-read store. A file that cannot be read,
// is corrupt or does not match the pepper leaves the store in use, and is
// logged once through the collector's logger, without the file name or any
// byte of the file or pepper.
//
// # Counters
//
// The processors the factory creates have a method
//
//	Stats() detect.Stats
//
// (assert to an interface with that method) returning the counters of
// their detector since it was built: regex searches that timed out,
// undecided regions and their bytes. Per record, undecided regions are in
// the summary attribute "leakward.redacted.undecided".
//
// # Metrics
//
// The processor reports through the collector's own telemetry
// (component.TelemetrySettings.MeterProvider), so the collector's metrics
// endpoint shows, per processor instance, cumulative counters:
// leakward.processor.scanned (By), leakward.processor.findings
// ({finding}, attribute "pattern"), leakward.processor.undecided
// ({region}, attribute "reason") and leakward.processor.timeouts
// ({search}). The README's table says what each counts. The detector
// reports to a detect.Counters; the collector reads it when it collects.
//
// # Configuration
//
//	processors:
//	  leakward:
//	    mask: fingerprint               # id (default) | prefix | fingerprint
//	    fingerprint_key_env: LEAKWARD_FP_KEY
//	    disable: [generic-high-entropy-secret]
//	    fields: [body, attributes, resource]
//	    custom_patterns:
//	      - id: acme-internal-token
//	        keywords: [acme_]
//	        regex: '(?<![a-z0-9_])acme_[0-9a-f]{24}(?![0-9a-f])'
//	        max_len: 29
//	    store:
//	      file: /etc/leakward/leaked.lwl
//	      reload_interval: 5m           # default 30s; 0 reads it once
//	    summary:
//	      enabled: true
//	      prefix: leakward.redacted
//
// Config.Validate reports every mistake at once, each naming its setting
// (a custom pattern by its index and id); keys, the pepper and the store
// are read when the processor is built, and a
// missing or short key fails the collector's start. An error quotes a value
// only when it has the shape of a name (1 to 64 bytes of lowercase letters,
// digits and '-'); otherwise it gives the entry's index. It never shows a
// file name or an environment variable's name, which a misplaced key could
// have taken.
//
// # Cost
//
// A value, key or name without secrets costs one scan and no allocation;
// a value whose name does not say secret costs only the name check more. A
// value with secrets is scanned once, its masks written from the findings,
// and is replaced by a new string; a map with a secret key is rebuilt. The processor declares MutatesData, so the collector clones the
// data for it when a fan-out shares it with other consumers.
package leakwardprocessor
