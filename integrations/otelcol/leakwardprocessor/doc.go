// Package leakwardprocessor is an OpenTelemetry Collector processor that
// redacts credentials in logs and traces with the leakward detector and its
// default catalog, before they leave the pipeline.
//
// # What is scanned
//
// For logs: the body (a string, bytes, or a structured map or slice at any
// depth), the log record attributes and the resource attributes. For traces:
// span, span event and span link attributes, and resource attributes. Config
// field "fields" selects among "body", "attributes" and "resource". Map keys
// are names and are never changed; only string and bytes values are.
//
// # What is written
//
// A secret is replaced in place by its mask: "[REDACTED:<pattern-id>]" by
// default, or with mask "prefix" the token's fixed prefix, or with mask
// "fingerprint" a keyed HMAC tag whose key comes from an environment variable
// or a file, never from the config text. A record (log record, span, or
// resource) in which something was redacted gets summary attributes
// "leakward.redacted.<pattern-id>" (the count of that pattern) and
// "leakward.redacted.total"; with a known-leaked store configured, a record
// that held a key found in the store also gets "leakward.known_leaked" =
// true. No attribute ever holds a secret.
//
// # Configuration
//
//	processors:
//	  leakward:
//	    mask: fingerprint               # id (default) | prefix | fingerprint
//	    fingerprint_key_env: LEAKWARD_FP_KEY
//	    disable: [generic-high-entropy-secret]
//	    fields: [body, attributes, resource]
//	    store:
//	      file: /etc/leakward/leaked.lwl
//	    summary:
//	      enabled: true
//	      prefix: leakward.redacted
//
// Config.Validate reports every mistake at once, each naming its setting;
// keys, the pepper and the store are read when the processor is built, and a
// missing or short key fails the collector's start.
//
// # Cost
//
// A value without secrets costs one scan and no allocation. A value with
// secrets is scanned a second time to write the masks and is replaced by a
// new string. The processor declares MutatesData, so the collector clones the
// data for it when a fan-out shares it with other consumers.
package leakwardprocessor
