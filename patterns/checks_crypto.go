package patterns

// Checks for wallet secrets: Base58Check (WIF, BIP32), BIP39 mnemonics,
// Bech32 (age, Nostr), raw secp256k1 and Ed25519 keys, Monero seeds and
// Ethereum keystore files. Every check here is safe for concurrent use,
// never panics, does not retain its input and does not allocate (measured
// with Go 1.26; see CheckSolanaKey for the one exception elsewhere).

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"hash/crc32"
	"strings"
	"sync"
)

// secp256k1N is the order n of the secp256k1 group, big-endian.
var secp256k1N = [32]byte{
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
	0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
}

// validSecp256k1Scalar reports whether k (32 bytes, big-endian) is a valid
// secp256k1 private key: 0 < k < n.
func validSecp256k1Scalar(k []byte) bool {
	if len(k) != 32 {
		return false
	}
	var zero [32]byte
	return !bytes.Equal(k, zero[:]) && bytes.Compare(k, secp256k1N[:]) < 0
}

// ---------------------------------------------------------------------------
// Base58Check

const b58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// b58Index maps a byte to its Base58 digit value, or 0xFF.
var b58Index = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i := 0; i < len(b58Alphabet); i++ {
		t[b58Alphabet[i]] = byte(i)
	}
	return t
}()

// b58MaxChars bounds the Base58 strings decoded here; the work is quadratic
// in the length, so the bound keeps every call small.
const b58MaxChars = 128

// b58Decode decodes the Base58 string s into dst and returns the decoded
// length. It fails on a character outside the alphabet, on input longer
// than b58MaxChars, or when the value does not fit in dst.
func b58Decode(dst []byte, s []byte) (int, bool) {
	if len(s) == 0 || len(s) > b58MaxChars {
		return 0, false
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// The number is built big-endian in the tail of dst: dst[len(dst)-used:].
	used := 0
	for _, c := range s[zeros:] {
		v := b58Index[c]
		if v == 0xFF {
			return 0, false
		}
		carry := uint32(v)
		for j := len(dst) - 1; j >= len(dst)-used; j-- {
			carry += 58 * uint32(dst[j])
			dst[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			if used == len(dst) {
				return 0, false
			}
			used++
			dst[len(dst)-used] = byte(carry)
			carry >>= 8
		}
	}
	n := zeros + used
	if n > len(dst) {
		return 0, false
	}
	copy(dst[zeros:], dst[len(dst)-used:])
	clear(dst[:zeros])
	return n, true
}

// b58CheckDecode decodes a Base58Check string into dst and returns the
// payload length (without the 4-byte checksum) when the checksum matches.
func b58CheckDecode(dst []byte, s []byte) (int, bool) {
	n, ok := b58Decode(dst, s)
	if !ok || n < 5 {
		return 0, false
	}
	payload := dst[:n-4]
	h := sha256.Sum256(payload)
	h = sha256.Sum256(h[:])
	if !bytes.Equal(h[:4], dst[n-4:n]) {
		return 0, false
	}
	return n - 4, true
}

// CheckWIF validates a Bitcoin Wallet Import Format private key: Base58Check
// of version 0x80 (mainnet) or 0xEF (testnet), a 32-byte key in the
// secp256k1 range and, for 38-byte payloads, the compression flag 0x01. It
// rejects published development and documentation keys (such as the
// Bitcoin wiki's worked example). It sets m.Test for testnet keys and
// m.Structured when the key is accepted.
func CheckWIF(secret []byte, m *Meta) bool {
	if len(secret) != 51 && len(secret) != 52 {
		return false
	}
	var buf [40]byte
	n, ok := b58CheckDecode(buf[:], secret)
	if !ok {
		return false
	}
	switch n {
	case 33:
	case 34:
		if buf[33] != 0x01 {
			return false
		}
	default:
		return false
	}
	switch buf[0] {
	case 0x80:
	case 0xEF:
		m.Test = true
	default:
		return false
	}
	if !validSecp256k1Scalar(buf[1:33]) || isPublicKey32(buf[1:33]) {
		return false
	}
	m.Structured = true
	return true
}

// bip32Versions maps the 4-character prefix of an extended private key to
// its version bytes and whether it is a testnet key.
var bip32Versions = [...]struct {
	prefix  string
	version [4]byte
	test    bool
}{
	{"xprv", [4]byte{0x04, 0x88, 0xAD, 0xE4}, false},
	{"tprv", [4]byte{0x04, 0x35, 0x83, 0x94}, true},
	{"yprv", [4]byte{0x04, 0x9D, 0x78, 0x78}, false},
	{"zprv", [4]byte{0x04, 0xB2, 0x43, 0x0C}, false},
}

// CheckBIP32Key validates a BIP32 extended private key (xprv, tprv, yprv,
// zprv): Base58Check of 78 bytes whose version bytes match the prefix,
// whose byte 45 is 0x00 and whose key is in the secp256k1 range; a depth-0
// key must have a zero parent fingerprint and child number. It rejects
// published keys (BIP-0032 test vector 1). It sets m.Test for tprv keys
// and m.Structured when the key is accepted.
func CheckBIP32Key(secret []byte, m *Meta) bool {
	if len(secret) < 100 || len(secret) > 115 {
		return false
	}
	var buf [88]byte
	n, ok := b58CheckDecode(buf[:], secret)
	if !ok || n != 78 {
		return false
	}
	test, found := false, false
	for _, v := range bip32Versions {
		if string(secret[:4]) == v.prefix {
			if [4]byte(buf[:4]) != v.version {
				return false
			}
			test, found = v.test, true
			break
		}
	}
	if !found {
		return false
	}
	depth := buf[4]
	if depth == 0 && (buf[5]|buf[6]|buf[7]|buf[8]|buf[9]|buf[10]|buf[11]|buf[12]) != 0 {
		return false
	}
	if buf[45] != 0x00 || !validSecp256k1Scalar(buf[46:78]) || isPublicKey32(buf[46:78]) {
		return false
	}
	m.Test = test
	m.Structured = true
	return true
}

// ---------------------------------------------------------------------------
// Bech32

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// bech32Index maps a lowercase byte to its 5-bit value, or 0xFF.
var bech32Index = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i := 0; i < len(bech32Charset); i++ {
		t[bech32Charset[i]] = byte(i)
	}
	return t
}()

func bech32Polymod(chk uint32, v byte) uint32 {
	b := chk >> 25
	chk = (chk&0x1ffffff)<<5 ^ uint32(v)
	if b&1 != 0 {
		chk ^= 0x3b6a57b2
	}
	if b&2 != 0 {
		chk ^= 0x26508e6d
	}
	if b&4 != 0 {
		chk ^= 0x1ea119fa
	}
	if b&8 != 0 {
		chk ^= 0x3d4233dd
	}
	if b&16 != 0 {
		chk ^= 0x2a1462b3
	}
	return chk
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// bech32Split checks s as a BIP-173 Bech32 string (constant 1, not
// Bech32m) and returns the position of its separator. It rejects mixed
// case, characters outside 33–126, an empty human-readable part, a data
// part shorter than the 6-character checksum and strings over 90
// characters.
func bech32Split(s []byte) (sep int, ok bool) {
	if len(s) < 8 || len(s) > 90 {
		return 0, false
	}
	hasLower, hasUpper := false, false
	sep = -1
	for i, c := range s {
		if c < 33 || c > 126 {
			return 0, false
		}
		switch {
		case c >= 'a' && c <= 'z':
			hasLower = true
		case c >= 'A' && c <= 'Z':
			hasUpper = true
		}
		if c == '1' {
			sep = i
		}
	}
	if hasLower && hasUpper || sep < 1 || len(s)-sep-1 < 6 {
		return 0, false
	}
	chk := uint32(1)
	for _, c := range s[:sep] {
		chk = bech32Polymod(chk, lowerASCII(c)>>5)
	}
	chk = bech32Polymod(chk, 0)
	for _, c := range s[:sep] {
		chk = bech32Polymod(chk, lowerASCII(c)&31)
	}
	for _, c := range s[sep+1:] {
		v := bech32Index[lowerASCII(c)]
		if v == 0xFF {
			return 0, false
		}
		chk = bech32Polymod(chk, v)
	}
	return sep, chk == 1
}

// Bech32Valid reports whether s is a valid BIP-173 Bech32 string (the
// original constant, not Bech32m), in one case only. It does not allocate.
func Bech32Valid(s []byte) bool {
	_, ok := bech32Split(s)
	return ok
}

// bech32Key32 decodes a Bech32 string whose human-readable part equals hrp
// (compared in lower case) and whose data is exactly 32 bytes with zero
// padding bits, into key.
func bech32Key32(s []byte, hrp string, key *[32]byte) bool {
	sep, ok := bech32Split(s)
	if !ok || sep != len(hrp) {
		return false
	}
	for i := 0; i < sep; i++ {
		if lowerASCII(s[i]) != hrp[i] {
			return false
		}
	}
	data := s[sep+1 : len(s)-6]
	if len(data) != 52 { // 52 × 5 bits = 256 bits + 4 padding bits
		return false
	}
	var acc uint32
	bits, n := 0, 0
	for _, c := range data {
		acc = (acc<<5 | uint32(bech32Index[lowerASCII(c)])) & 0x1FFF
		bits += 5
		if bits >= 8 {
			bits -= 8
			if n == 32 {
				return false
			}
			key[n] = byte(acc >> bits)
			n++
		}
	}
	return n == 32 && acc&(1<<bits-1) == 0
}

// CheckAgeSecretKey validates an age identity "AGE-SECRET-KEY-1…": Bech32
// with human-readable part "age-secret-key-" and a 32-byte key. It rejects
// keys of one repeated byte (the age specification's example). It sets
// m.Structured when the key is accepted.
func CheckAgeSecretKey(secret []byte, m *Meta) bool {
	var key [32]byte
	if !bech32Key32(secret, "age-secret-key-", &key) || isPublicKey32(key[:]) {
		return false
	}
	m.Structured = true
	return true
}

// CheckNsec validates a Nostr private key "nsec1…" (NIP-19): Bech32 with
// human-readable part "nsec" and a 32-byte secp256k1 key in range. It
// rejects published keys (the NIP-19 example). It sets m.Structured when
// the key is accepted.
func CheckNsec(secret []byte, m *Meta) bool {
	var key [32]byte
	if !bech32Key32(secret, "nsec", &key) || !validSecp256k1Scalar(key[:]) || isPublicKey32(key[:]) {
		return false
	}
	m.Structured = true
	return true
}

// ---------------------------------------------------------------------------
// Raw keys

// publicEthereumKeys are the private keys of the first 20 accounts derived
// from Hardhat's and Anvil's default mnemonic ("test test … junk",
// m/44'/60'/0'/0/i). They are public and swept instantly on every chain.
var publicEthereumKeys = [...]string{
	"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	"7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	"47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
	"8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
	"92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
	"4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
	"dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
	"2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
	"f214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897",
	"701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82",
	"a267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1",
	"47c99abed3324a2707c28affff1267e45918ec8c3f20b8aa892e8b065d2942dd",
	"c526ee95bf44d8fc405a158bb884d9d1238d99f0612e9f33d006bb0789009aaa",
	"8166f546bab6da521a8369cab06c5d2b9e46670292d85c875ee9ec20e84ffb61",
	"ea6c44ac03bff858b476bba40716402b03e41b8e97e276d1baec7c37d42484a0",
	"689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd",
	"de9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0",
	"df57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e",
}

// publicDocKeys are 32-byte private keys published as documentation
// examples: the Bitcoin wiki's WIF worked example, the master key of
// BIP-0032 test vector 1 and the NIP-19 example nsec.
var publicDocKeys = [...]string{
	"0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d",
	"e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35",
	"67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa",
}

// publicKeySet holds publicEthereumKeys and publicDocKeys, built on first
// use.
var publicKeySet = sync.OnceValue(func() map[[32]byte]struct{} {
	m := make(map[[32]byte]struct{}, len(publicEthereumKeys)+len(publicDocKeys))
	for _, list := range [][]string{publicEthereumKeys[:], publicDocKeys[:]} {
		for _, h := range list {
			var k [32]byte
			if _, err := hex.Decode(k[:], []byte(h)); err == nil {
				m[k] = struct{}{}
			}
		}
	}
	return m
})

// isPublicKey32 reports whether the 32-byte key k is public: a published
// development or documentation key, or one byte repeated (the age
// specification's example is 32 × 0x42).
func isPublicKey32(k []byte) bool {
	if len(k) != 32 {
		return false
	}
	if _, ok := publicKeySet()[[32]byte(k)]; ok {
		return true
	}
	for _, b := range k[1:] {
		if b != k[0] {
			return false
		}
	}
	return true
}

// CheckEthereumKey validates a raw secp256k1 private key written as 64 hex
// digits (an optional "0x" is ignored): 0 < k < n. It rejects the public
// Hardhat/Anvil development keys and documentation keys. The key is
// indistinguishable from a SHA-256 digest, so the pattern that uses this
// check needs context. It sets m.Structured when the key is accepted.
func CheckEthereumKey(secret []byte, m *Meta) bool {
	if len(secret) == 66 && secret[0] == '0' && (secret[1] == 'x' || secret[1] == 'X') {
		secret = secret[2:]
	}
	if len(secret) != 64 {
		return false
	}
	var key [32]byte
	if _, err := hex.Decode(key[:], secret); err != nil {
		return false
	}
	if !validSecp256k1Scalar(key[:]) || isPublicKey32(key[:]) {
		return false
	}
	m.Structured = true
	return true
}

// CheckSolanaKey validates a Solana keypair: 64 bytes, a 32-byte Ed25519
// seed followed by its public key, written either in Base58 (87–88
// characters) or as a JSON array of 64 integers ("[12,34,…]", the Solana
// CLI's id.json). It sets m.Structured when the public half matches the
// seed. The Ed25519 derivation uses crypto/ed25519.NewKeyFromSeed, which
// Go 1.26 inlines without allocating; a compiler that does not inline it
// allocates 64 bytes per call.
func CheckSolanaKey(secret []byte, m *Meta) bool {
	var kp [64]byte
	if len(secret) > 0 && secret[0] == '[' {
		if !parseByteArray(secret, kp[:]) {
			return false
		}
	} else {
		if len(secret) < 85 || len(secret) > 90 {
			return false
		}
		var buf [72]byte
		n, ok := b58Decode(buf[:], secret)
		if !ok || n != 64 {
			return false
		}
		copy(kp[:], buf[:64])
	}
	priv := ed25519.NewKeyFromSeed(kp[:32])
	if !bytes.Equal(priv[32:], kp[32:]) {
		return false
	}
	m.Structured = true
	return true
}

// parseByteArray parses a JSON array of exactly len(dst) integers 0–255
// (whitespace allowed) into dst.
func parseByteArray(s []byte, dst []byte) bool {
	if len(s) < 2 || s[0] != '[' {
		return false
	}
	i, n := 1, 0
	for {
		for i < len(s) && isSpaceASCII(s[i]) {
			i++
		}
		v, digits := 0, 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			v = v*10 + int(s[i]-'0')
			digits++
			i++
			if digits > 3 {
				return false
			}
		}
		if digits == 0 || v > 255 || n == len(dst) {
			return false
		}
		dst[n] = byte(v)
		n++
		for i < len(s) && isSpaceASCII(s[i]) {
			i++
		}
		if i >= len(s) {
			return false
		}
		switch s[i] {
		case ',':
			i++
		case ']':
			return n == len(dst) && i == len(s)-1
		default:
			return false
		}
	}
}

func isSpaceASCII(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// ---------------------------------------------------------------------------
// BIP39

//go:embed bip39_english.txt
var bip39EnglishText string

// bip39Table indexes the BIP39 English word list, which is sorted and
// whose words have at least 3 letters: first[p] is the index of the first
// word whose three-letter prefix is p or later (p = the prefix read as a
// base-26 number). A lookup compares at most a few words.
type bip39Table struct {
	words [2048]string
	first [26*26*26 + 1]uint16
}

// prefix3 returns the base-26 value of the first three letters of w, or
// -1 when one is not in a–z.
func prefix3(w string) int {
	if len(w) < 3 {
		return -1
	}
	p := 0
	for i := 0; i < 3; i++ {
		c := w[i]
		if c < 'a' || c > 'z' {
			return -1
		}
		p = p*26 + int(c-'a')
	}
	return p
}

// bip39English is built on first use from the embedded list.
var bip39English = sync.OnceValue(func() *bip39Table {
	t := new(bip39Table)
	words := strings.Split(strings.TrimSuffix(bip39EnglishText, "\n"), "\n")
	copy(t.words[:], words)
	p := 0
	for i, w := range t.words {
		for q := prefix3(w); p <= q; p++ {
			t.first[p] = uint16(i)
		}
	}
	for ; p < len(t.first); p++ {
		t.first[p] = uint16(len(t.words))
	}
	return t
})

// BIP39WordIndex returns the index (0–2047) of w in the BIP39 English word
// list. It does not allocate.
func BIP39WordIndex(w []byte) (int, bool) {
	if len(w) > 8 {
		return 0, false
	}
	p := prefix3(string(w))
	if p < 0 {
		return 0, false
	}
	t := bip39English()
	for i := int(t.first[p]); i < int(t.first[p+1]); i++ {
		if t.words[i] == string(w) {
			return i, true
		}
	}
	return 0, false
}

// bip39MaxWords is the longest BIP39 mnemonic (256 bits of entropy).
const bip39MaxWords = 24

// bip39Checksum reports whether the word indices idx form a BIP39 mnemonic
// with a valid checksum (12, 15, 18, 21 or 24 words) and, if so, returns
// the entropy in ent (ent[:len(idx)*4/3]).
func bip39Checksum(idx []uint16, ent *[33]byte) bool {
	n := len(idx)
	if n < 12 || n > bip39MaxWords || n%3 != 0 {
		return false
	}
	clear(ent[:])
	bit := 0
	for _, v := range idx {
		for b := 10; b >= 0; b-- {
			if v>>b&1 != 0 {
				ent[bit>>3] |= 0x80 >> (bit & 7)
			}
			bit++
		}
	}
	entBytes := n * 4 / 3 // n×11 bits = ENT + ENT/32, ENT = 32n/3 bits
	csBits := n / 3
	h := sha256.Sum256(ent[:entBytes])
	got := ent[entBytes] >> (8 - csBits)
	want := h[0] >> (8 - csBits)
	return got == want
}

// splitWords calls f with each run of ASCII letters in s separated by
// ASCII whitespace; it returns false when s holds any other byte or f
// returns false.
func splitWords(s []byte, f func(w []byte) bool) bool {
	i := 0
	for i < len(s) {
		for i < len(s) && isSpaceASCII(s[i]) {
			i++
		}
		j := i
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		if j < len(s) && !isSpaceASCII(s[j]) {
			return false
		}
		if j > i && !f(s[i:j]) {
			return false
		}
		i = j
	}
	return true
}

// hardhatMnemonic is the public default mnemonic of Hardhat and Anvil.
const hardhatMnemonic = "test test test test test test test test test test test junk"

// BIP39Valid reports whether s (lowercase words separated by ASCII
// whitespace) is a BIP39 English mnemonic of 12, 15, 18, 21 or 24 words
// whose checksum matches. It does not reject public test mnemonics; see
// CheckBIP39. It does not allocate.
func BIP39Valid(s []byte) bool {
	var ent [33]byte
	_, ok := bip39Parse(s, &ent)
	return ok
}

// bip39Parse parses and checks the mnemonic s, returning its entropy
// length in bytes.
func bip39Parse(s []byte, ent *[33]byte) (int, bool) {
	var idx [bip39MaxWords]uint16
	n := 0
	ok := splitWords(s, func(w []byte) bool {
		if n == len(idx) {
			return false
		}
		i, found := BIP39WordIndex(w)
		if !found {
			return false
		}
		idx[n] = uint16(i)
		n++
		return true
	})
	if !ok || !bip39Checksum(idx[:n], ent) {
		return 0, false
	}
	return n * 4 / 3, true
}

// CheckBIP39 validates a BIP39 English mnemonic (see BIP39Valid) and
// rejects public test mnemonics: Hardhat's "test test … junk" and any
// mnemonic whose entropy is one repeated byte (the published test vectors
// "abandon … about", "legal winner … yellow", "zoo … wrong" and the like).
// It sets m.Structured when the mnemonic is valid.
func CheckBIP39(secret []byte, m *Meta) bool {
	var ent [33]byte
	n, ok := bip39Parse(secret, &ent)
	if !ok {
		return false
	}
	if sameWords(secret, hardhatMnemonic) {
		return false
	}
	repeated := true
	for _, b := range ent[1:n] {
		if b != ent[0] {
			repeated = false
			break
		}
	}
	if repeated {
		return false
	}
	m.Structured = true
	return true
}

// sameWords reports whether the whitespace-separated words of s equal
// those of the single-space-separated phrase.
func sameWords(s []byte, phrase string) bool {
	ok := splitWords(s, func(w []byte) bool {
		word, rest, _ := strings.Cut(phrase, " ")
		if word != string(w) {
			return false
		}
		phrase = rest
		return true
	})
	return ok && phrase == ""
}

// FindMnemonics scans src for BIP39 English mnemonics without any keyword.
// It looks at runs of lowercase list words separated by one or two ASCII
// whitespace bytes; a word must not touch a letter, digit or '_'. A
// candidate is 12, 15, 18, 21 or 24 consecutive words of a run that starts
// at the beginning of the run or of a line and ends at the end of the run
// or of a line, so a mnemonic may be split over lines but does not share a
// line with other list words. Candidates are tried longest first; those
// whose checksum matches, and that are not public test mnemonics (see
// CheckBIP39), are reported to yield as byte spans, in order, without
// overlaps. It runs in time linear in len(src) and does not allocate.
//
// About 1 in 16 random 12-word candidates passes the checksum (1 in 256
// for 24 words). Requiring candidates to fill whole lines or runs keeps
// the number tried per run small; prose rarely holds a line of 12 list
// words because the commonest English words ("the", "of", "and", "to",
// "is") are not in the list. What it misses: mnemonics with other list
// words on the same line ("backup " + phrase), numbered words ("1. word"),
// words separated by commas, and other languages.
func FindMnemonics(src []byte, yield func(start, end int)) {
	var r mnemonicRun
	i := 0
	for i < len(src) {
		c := src[i]
		if c < 'a' || c > 'z' {
			i++
			continue
		}
		j := i + 1
		for j < len(src) && src[j] >= 'a' && src[j] <= 'z' {
			j++
		}
		word := j-i >= 3 && j-i <= 8 &&
			(i == 0 || !isWordByte(src[i-1])) && (j == len(src) || !isWordByte(src[j]))
		v, ok := 0, false
		if word {
			v, ok = BIP39WordIndex(src[i:j])
		}
		switch {
		case !ok:
			r.flush(src, yield)
		case r.n == 0:
			r.add(src, i, j, v, true, yield)
		default:
			gap := src[r.ends[r.n-1]:i]
			if !shortSpace(gap) {
				r.flush(src, yield)
				r.add(src, i, j, v, true, yield)
			} else {
				r.add(src, i, j, v, bytes.IndexByte(gap, '\n') >= 0, yield)
			}
		}
		i = j
	}
	r.flush(src, yield)
}

// isWordByte reports whether c is an ASCII letter, digit or '_'.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// shortSpace reports whether gap is one or two ASCII whitespace bytes.
func shortSpace(gap []byte) bool {
	if len(gap) == 0 || len(gap) > 2 {
		return false
	}
	for _, c := range gap {
		if !isSpaceASCII(c) {
			return false
		}
	}
	return true
}

// mnemonicRunWords is how many words of a run FindMnemonics keeps: the
// longest candidate plus the word after it.
const mnemonicRunWords = bip39MaxWords + 1

// mnemonicRun holds the last words of a run of list words.
type mnemonicRun struct {
	starts, ends [mnemonicRunWords]int
	idx          [mnemonicRunWords]uint16
	lineStart    [mnemonicRunWords]bool // the word starts the run or a line
	n            int                    // words held
	consumed     int                    // first word a candidate may start at
	ent          [33]byte
}

// add appends a word; when it starts a line, the candidates ending just
// before it are tried.
func (r *mnemonicRun) add(src []byte, start, end, v int, lineStart bool, yield func(start, end int)) {
	if r.n == len(r.idx) {
		r.drop(1)
	}
	r.starts[r.n], r.ends[r.n], r.idx[r.n], r.lineStart[r.n] = start, end, uint16(v), lineStart
	r.n++
	if lineStart && r.n > 1 {
		r.tryEndingAt(src, r.n-1, yield)
	}
}

// flush tries the candidates ending at the end of the run and empties it.
func (r *mnemonicRun) flush(src []byte, yield func(start, end int)) {
	if r.n >= 12 {
		r.tryEndingAt(src, r.n, yield)
	}
	r.n, r.consumed = 0, 0
}

// tryEndingAt tries the candidates made of words [k, e), longest first,
// that start at a line start and not inside an earlier finding.
func (r *mnemonicRun) tryEndingAt(src []byte, e int, yield func(start, end int)) {
	for n := bip39MaxWords; n >= 12; n -= 3 {
		k := e - n
		if k < r.consumed || !r.lineStart[k] || !bip39Checksum(r.idx[k:e], &r.ent) {
			continue
		}
		s, end := r.starts[k], r.ends[e-1]
		var m Meta
		if CheckBIP39(src[s:end], &m) {
			yield(s, end)
			r.consumed = e
			return
		}
	}
}

// drop removes the first d words.
func (r *mnemonicRun) drop(d int) {
	copy(r.starts[:], r.starts[d:r.n])
	copy(r.ends[:], r.ends[d:r.n])
	copy(r.idx[:], r.idx[d:r.n])
	copy(r.lineStart[:], r.lineStart[d:r.n])
	r.n -= d
	r.consumed = max(0, r.consumed-d)
}

// FindBase58Keys scans src for WIF and Solana private keys without any
// keyword: tokens of 51–52 (WIF) or 85–90 (Solana) Base58 characters that
// do not touch an ASCII letter or digit, and that pass CheckWIF or
// CheckSolanaKey. It calls yield with the pattern id
// ("bitcoin-wif-private-key" or "solana-private-key") and the byte span of
// each key, in order. A random token passes CheckWIF with probability
// 2^-32 and CheckSolanaKey with 2^-256, so no context is needed; JSON-array
// Solana keys are not covered. It runs in time linear in len(src) and does
// not allocate (beyond what CheckSolanaKey allocates per candidate).
func FindBase58Keys(src []byte, yield func(id string, start, end int)) {
	i := 0
	for i < len(src) {
		if !isAlnumASCII(src[i]) {
			i++
			continue
		}
		j := i
		b58 := true
		for j < len(src) && isAlnumASCII(src[j]) {
			if b58Index[src[j]] == 0xFF {
				b58 = false
			}
			j++
		}
		if b58 {
			var m Meta
			switch n := j - i; {
			case (n == 51 || n == 52) && CheckWIF(src[i:j], &m):
				yield("bitcoin-wif-private-key", i, j)
			case n >= 85 && n <= 90 && CheckSolanaKey(src[i:j], &m):
				yield("solana-private-key", i, j)
			}
		}
		i = j
	}
}

func isAlnumASCII(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// ---------------------------------------------------------------------------
// Monero

// moneroPrefixLen is the number of leading letters of each English word
// that the checksum covers.
const moneroPrefixLen = 3

// publicMoneroSeed is a widely published stagenet test seed.
const publicMoneroSeed = "sequence atlas unveil summon pebbles tuesday beer rudely snake rockets different fuselage woven tagged bested dented vegan hover rapid fawns obvious muppet randomly seasons randomly"

// CheckMoneroMnemonic validates a 25-word Monero (Electrum-style) English
// seed by its checksum word: the 25th word's first three letters equal
// those of word i of the first 24, where i = CRC-32 (IEEE) of the
// concatenated three-letter prefixes of the 24 words, mod 24. It does not
// check that the words are in Monero's word list (the list is not
// shipped). It rejects a widely published stagenet test seed and sets
// m.Structured when the checksum matches.
func CheckMoneroMnemonic(secret []byte, m *Meta) bool {
	if !moneroChecksumOK(secret) || sameWords(secret, publicMoneroSeed) {
		return false
	}
	m.Structured = true
	return true
}

// moneroChecksumOK reports whether secret is 25 lowercase words whose last
// word is the checksum word of the first 24.
func moneroChecksumOK(secret []byte) bool {
	var words [25][]byte
	n := 0
	ok := splitWords(secret, func(w []byte) bool {
		if n == len(words) {
			return false
		}
		words[n] = w
		n++
		return true
	})
	if !ok || n != 25 {
		return false
	}
	crc := uint32(0)
	for _, w := range words[:24] {
		crc = crc32.Update(crc, crc32.IEEETable, w[:min(len(w), moneroPrefixLen)])
	}
	want := words[crc%24]
	got := words[24]
	return bytes.Equal(want[:min(len(want), moneroPrefixLen)], got[:min(len(got), moneroPrefixLen)])
}

// ---------------------------------------------------------------------------
// Ethereum keystore

// CheckKeystoreJSON validates the "crypto" object of an Ethereum V3
// keystore file: it holds a hex "ciphertext", a "kdf" of "scrypt" or
// "pbkdf2" and a 64-hex-digit "mac". It sets m.Encrypted (the key needs the
// file's password) and m.Structured.
func CheckKeystoreJSON(secret []byte, m *Meta) bool {
	ct, ok := jsonStringField(secret, `"ciphertext"`)
	if !ok || len(ct) < 32 || !isHex(ct) {
		return false
	}
	kdf, ok := jsonStringField(secret, `"kdf"`)
	if !ok || string(kdf) != "scrypt" && string(kdf) != "pbkdf2" {
		return false
	}
	mac, ok := jsonStringField(secret, `"mac"`)
	if !ok || len(mac) != 64 || !isHex(mac) {
		return false
	}
	m.Encrypted = true
	m.Structured = true
	return true
}

// jsonStringField finds the quoted key in s and returns the string value
// that follows it (`"key" : "value"`), without unescaping.
func jsonStringField(s []byte, key string) ([]byte, bool) {
	i := bytes.Index(s, []byte(key))
	if i < 0 {
		return nil, false
	}
	i += len(key)
	for i < len(s) && isSpaceASCII(s[i]) {
		i++
	}
	if i >= len(s) || s[i] != ':' {
		return nil, false
	}
	i++
	for i < len(s) && isSpaceASCII(s[i]) {
		i++
	}
	if i >= len(s) || s[i] != '"' {
		return nil, false
	}
	i++
	j := bytes.IndexByte(s[i:], '"')
	if j < 0 {
		return nil, false
	}
	return s[i : i+j], true
}

func isHex(s []byte) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return len(s) > 0
}
