package monitor

import "fmt"

// OpClass is the class of an operation: what a call can do with a key's
// privileges. The zero value, ClassAuto, asks the monitor to classify
// [Event.Op] itself.
type OpClass uint8

// Operation classes.
const (
	// ClassAuto: classify Event.Op with Config.Classify (or DefaultClassify).
	ClassAuto OpClass = iota
	// ClassRead: reads and queries.
	ClassRead
	// ClassWrite: creates, changes or deletes data, or spends (a completion
	// call on an AI API is a write in the default classification).
	ClassWrite
	// ClassAdmin: manages keys, users, roles, billing or organisation
	// settings.
	ClassAdmin
)

var classNames = [...]string{"auto", "read", "write", "admin"}

// String returns the lowercase name of c.
func (c OpClass) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("class(%d)", uint8(c))
}

// adminWords mark administrative operations; writeWords and writeMethods
// mark writes. All lowercase; matched case-insensitively.
var (
	adminWords = [...]string{
		"admin", "/iam", "iam:", "/keys", "apikey", "api_key", "api-key", "/users", "/members",
		"/roles", "permission", "/policies", "/billing", "/org", "/tokens", "/secrets",
		"createuser", "createaccesskey", "attachpolicy", "putuserpolicy",
	}
	writeMethods = [...]string{"post ", "put ", "patch ", "delete "}
	writeWords   = [...]string{"create", "delete", "update", "write", "upload", "insert", "put", "remove", "send"}
)

// DefaultClassify classifies an operation string such as "GET /v1/models",
// "POST /v1/chat/completions" or "s3:PutObject" by words in it: admin words
// (admin, /iam, /keys, /users, /roles, /billing, /org, /tokens, …) make it
// ClassAdmin; a write method (POST, PUT, PATCH, DELETE) or a write verb
// (create, delete, update, write, upload, insert, put, remove, send) makes
// it ClassWrite; anything else, including the empty string, is ClassRead.
// It does not allocate. It is a heuristic: pass Config.Classify or set
// Event.Class when the service knows better.
func DefaultClassify(op string) OpClass {
	for _, w := range writeMethods {
		if hasPrefixFold(op, w) {
			return classifyWords(op, ClassWrite)
		}
	}
	return classifyWords(op, ClassRead)
}

// wordStarts has a bit for each lowercase two-byte start of an admin or
// write word, so that classifyWords compares words only where one can
// start: one table lookup per byte of op.
var wordStarts = func() (tab [1 << 16 / 64]uint64) {
	for _, ws := range [][]string{adminWords[:], writeWords[:]} {
		for _, w := range ws {
			v := uint16(w[0])<<8 | uint16(w[1])
			tab[v>>6] |= 1 << (v & 63)
		}
	}
	return tab
}()

// classifyWords returns ClassAdmin if op contains an admin word, else
// ClassWrite if it contains a write word, else class.
func classifyWords(op string, class OpClass) OpClass {
	for i := 0; i+1 < len(op); i++ {
		v := uint16(lower(op[i]))<<8 | uint16(lower(op[i+1]))
		if wordStarts[v>>6]&(1<<(v&63)) == 0 {
			continue
		}
		rest := op[i:]
		for _, w := range adminWords {
			if hasPrefixFold(rest, w) {
				return ClassAdmin
			}
		}
		if class == ClassRead {
			for _, w := range writeWords {
				if hasPrefixFold(rest, w) {
					class = ClassWrite
					break
				}
			}
		}
	}
	return class
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold reports whether s starts with the lowercase ASCII word w,
// ignoring case.
func hasPrefixFold(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if lower(s[i]) != w[i] {
			return false
		}
	}
	return true
}

// agentHash hashes the product token of a client string (the text before
// the first '/', space, ';' or '('), ignoring case, so that "svc/1.4" and
// "svc/1.5" are the same client. The result is never 0.
func agentHash(agent string) uint16 {
	h := uint32(2166136261)
	for i := 0; i < len(agent); i++ {
		c := agent[i]
		if c == '/' || c == ' ' || c == ';' || c == '(' {
			break
		}
		h ^= uint32(lower(c))
		h *= 16777619
	}
	v := uint16(h ^ h>>16)
	if v == 0 {
		v = 1
	}
	return v
}
