package patterns

// Wallet secrets (catalog group 8) and age identities (group 7).
//
// Several wallet formats have no literal prefix (BIP39 mnemonics, WIF and
// Solana keys, raw secp256k1 keys, Monero seeds), so their patterns are
// anchored on context words and give up the bare value: a mnemonic or WIF
// key pasted with no key name, label or command next to it is not found
// by these patterns. FindMnemonics scans for mnemonics without keywords.

// Regex building blocks shared by the patterns below.
const (
	// reB58 is one Base58 character.
	reB58 = `[1-9A-HJ-NP-Za-km-z]`
	// reCtxGap is what may stand between a context word and the value on
	// the same line, optionally ending the line (a value printed on the
	// next line, as by `bitcoin-cli dumpprivkey`).
	// A Kubernetes env entry puts the value on the next line after
	// "value" ("- name: WALLET_MNEMONIC\n  value: \"…\"").
	reCtxGap = `[^\r\n]{0,60}?(?:\r?\n[ \t]{0,24}(?:(?i:value)[ \t]{0,4}:[ \t]{0,4}["']?)?)?`
	// reDelim ends a key name before a word-list value: an assignment,
	// a quote, a bracket or a colon, then optional space and quote.
	reDelim = `[:="'\x60>\[(]\s{0,3}["']?`
)

// cryptoPatterns returns the built-in patterns of this catalog group.
func cryptoPatterns() []Pattern {
	return []Pattern{
		{
			ID:          "ethereum-private-key",
			Provider:    "Ethereum",
			Description: "raw secp256k1 private key (Ethereum and EVM chains) next to a key name",
			Grants:      PrivWalletFunds,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceContextual,
			Keywords: []string{
				"private_key", "privatekey", "private-key", "private key", "privkey",
				"new wallet(", "accounts: [", "accounts:[",
			},
			KeywordsFoldCase: true,
			// The gap may not name a hash, digest, fingerprint, address or
			// public key: those are 64-hex values too.
			Regex: `(?i:private[_ -]?key|privkey|new wallet\(|accounts:\s?\[)` +
				`(?:(?!(?i:hash|digest|fingerprint|sha|checksum|address|pub))[^\r\n]){0,40}?` +
				`(?<![0-9A-Fa-f])(?:0x)?(?<secret>[0-9a-fA-F]{64})(?![0-9A-Za-z])`,
			MaxLen:       160,
			Validate:     CheckEthereumKey,
			MinEntropy:   3.0,
			NeedsContext: true,
			Examples: []string{
				"DEPLOYER_PRIVATE_KEY=0xd5cdfe700a7af02d9a514228bd34ad0c63621fdde9be7e9249fdcb9edfbd6907",
				`const signer = new Wallet("f697f8cf6aadb602ed2f45d0d74a1a2afc49a4ca6f044dcb28f94c924595637a", provider);`,
				`    sepolia: { url: SEPOLIA_RPC, accounts: ["0x63bcd418d1d063bd25acc786ed4f3bd31d586603c845e783127b45febf864ed1"] },`,
				"forge script script/Deploy.s.sol --rpc-url $RPC_URL --private-key 0xef5b9716a4650d28d9be8d2f8a4263ee18b4d86166a3a5406ed38079d53ae01c --broadcast",
			},
			NonExamples: []string{
				// Anvil/Hardhat account #0: public.
				"PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
				`{"privateKey": "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"}`,
				// Transaction hash and digests without a key name.
				"tx 0x44f29cc002fd8c3b7aa3a3767c012b7418bd35751b4814fab86ba8e1abac3278 confirmed in block 19023311",
				"sha256:b902534495b7e572dd9d48a8db8003628f36edc01a470f43f817f02c3b08a6ed  wallet.tar.gz",
				"private_key_sha256: 0b7f6435c86b9080180ac2032d6d5c22597edd459adc449bca17c575188fa7e5",
				"private_key_fingerprint=102d110f86aefbcf8710767c84679a8094dece767ed91860273623c83d996e39",
				// The group order n itself is out of range.
				"PRIVATE_KEY=FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
			},
		},
		{
			ID:          "bip39-mnemonic",
			Words:       true,
			Provider:    "BIP39 wallets",
			Description: "BIP39 English mnemonic (seed or recovery phrase) next to a context word",
			Grants:      PrivWalletFunds,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceContextual,
			Keywords:    []string{"mnemonic", "seed", "phrase", "words", "wallet"},
			// Context word, a key name or label on the same line, a
			// delimiter, then 12–24 lowercase words on one line.
			KeywordsFoldCase: true,
			Regex: `(?i:mnemonic|seed|phrase|words|wallet)[^\r\n]{0,40}?(?:` + reDelim + `|` + kubeEnvValue + `["']?)` +
				`(?<secret>[a-z]{3,8}(?:[ \t]{1,2}[a-z]{3,8}){11,23})(?![A-Za-z0-9_])`,
			MaxLen:       320,
			Validate:     CheckBIP39,
			NeedsContext: true,
			Examples: []string{
				`MNEMONIC="friend left tobacco elephant bulb avocado better rice bread parade any exist"`,
				`{"mnemonic": "home else rocket scatter click tuition gather uphold gorilla text minimum traffic", "path": "m/44'/60'/0'/0/0"}`,
				"Your 24-word seed phrase: punch rubber drive bag sugar talk citizen olive stereo news thrive ridge priority update either mule cruel genuine depend code excuse taxi charge pull",
				"wallet = restore(phrase='install enforce across skirt page whip maximum conduct rural tip author person near welcome scene govern butter second')",
				"seed_words: health leisure poem rival foil forum grass slot process sorry ten curious acoustic must cupboard",
			},
			NonExamples: []string{
				// Hardhat/Anvil default mnemonic and the BIP39 test vectors.
				`mnemonic: "test test test test test test test test test test test junk"`,
				`MNEMONIC="abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"`,
				`seed phrase: legal winner thank year wave sausage worth useful legal winner thank yellow`,
				// Last word changed: checksum fails.
				`MNEMONIC="friend left tobacco elephant bulb avocado better rice bread parade any exit"`,
				// List words in prose, no 12-word run after a delimiter.
				"the wallet seed is derived from twelve words chosen at random from a list",
			},
		},
		{
			ID:          "bitcoin-wif-private-key",
			Provider:    "Bitcoin",
			Description: "Bitcoin private key in Wallet Import Format next to a context word",
			Grants:      PrivWalletFunds,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceContextual,
			Keywords: []string{
				"privkey", "private key", "private_key", "privatekey", "private-key",
				"wif:", "wif=", "wif_", "wif ", `"wif"`, "'wif'",
			},
			KeywordsFoldCase: true,
			Regex: `(?i:["']?wif|privkey|private[ _-]?key)` + reCtxGap +
				`(?<![A-Za-z0-9])(?<secret>5[HJK]` + reB58 + `{49}|[KL]` + reB58 + `{51}|9` + reB58 + `{50}|c` + reB58 + `{51})(?![A-Za-z0-9])`,
			MaxLen:       160,
			Validate:     CheckWIF,
			NeedsContext: true,
			Examples: []string{
				`bitcoin-cli importprivkey L38K7gzQGTWmJapBWHUyaPVPKJywxN1iRV8wU3ebp2ebJRFjwRBE "savings" false`,
				"WIF: 5JFvpbLybNvKPT5KTapHEqxEncfeRbxWYvBS4ioGEerubJ6yC7n",
				"TESTNET_PRIVKEY=cPzFSQb2T8rtmTbVceQBVZe8wEuHYro9VYwuXN7gd6C4c7m3zC5r",
				"$ bitcoin-cli -testnet dumpprivkey mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef\n91uVfef4155v7bMxfFDPkcRb4cjb3mRNC1NickxqcXm7cNz2xvo",
			},
			NonExamples: []string{
				// Last character changed: checksum fails.
				"WIF: 5JFvpbLybNvKPT5KTapHEqxEncfeRbxWYvBS4ioGEerubJ6yC7o",
				// The Bitcoin wiki's worked example is public.
				"private key (WIF): 5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ",
				// An address is not a key.
				"private key for 1BoatSLRHtKNngkdXEeobR76b53LETtpyT is kept offline",
				// Right shape, no context word.
				"L38K7gzQGTWmJapBWHUyaPVPKJywxN1iRV8wU3ebp2ebJRFjwRBE",
			},
		},
		{
			ID:          "bip32-extended-private-key",
			Provider:    "Bitcoin (BIP32)",
			Description: "BIP32 extended private key (xprv, tprv, yprv, zprv)",
			Grants:      PrivWalletFunds,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"xprv", "tprv", "yprv", "zprv"},
			Regex:       `(?<![A-Za-z0-9])(?<secret>[xtyz]prv` + reB58 + `{100,112})(?![A-Za-z0-9])`,
			MaxLen:      120,
			Validate:    CheckBIP32Key,
			Examples: []string{
				"descriptor: wpkh([d34db33f/84h/0h/0h]xprv9ydyqxCsj4QwhHPtodShK28sSHfcWGhRVTEom7WufbW1u3WQBxTNXDoawJbi7PXwVaT1HckjZcgXEG85XwspWU5uvQ1DBihjjnJSD3SjnFJ/0/*)",
				"ELECTRUM_ZPRV=zprvAdSTaPBcyZoF6tsVNYfuYQVHucL1bCMWiFNvmzikigwyNZgWeDbs3CtTiK8rByDW9aSP7d3dTHLJLXjFu8Jrg5MZu3tGnE1nX79q22DVjxp",
				`{"network": "testnet", "tprv": "tprv8hCGxH8KaSTPfwtrqQ15R4cmTJPj5FXmjN2HNhUeewLwwMQTsdSEtdoD7oGqSS7Ev3GhDQPtG1xA9XRd8WoZs7aVTZMdchiKZYhjMvuTomJ"}`,
				"yprvAKD9e3CW2RFE19az3KkSJEerFvnLEcbQaJgGT1RJdLiZW2yJFyfcppxKtWcKuvh7jNi5orgHVqbY5v5KKfiBCRvYk9zAUczxTddP8hUPs9f",
			},
			NonExamples: []string{
				// Public extended key.
				"xpub: xpub6CDe6xJGJZwgW3y5zVQNmbZ174e8WWaH2g6ebp8YKURnDKxnHNL8fxxPYD4w5T1tAiF6CPA2xcsGC3wqop3enmbuAEtzNhQYpvSQGdTd7wg",
				// Last character changed: checksum fails.
				"xprv9ydyqxCsj4QwhHPtodShK28sSHfcWGhRVTEom7WufbW1u3WQBxTNXDoawJbi7PXwVaT1HckjZcgXEG85XwspWU5uvQ1DBihjjnJSD3SjnFK",
				// BIP-0032 test vector 1, master key: public.
				"xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
				// Truncated.
				"xprv9ydyqxCsj4QwhHPtodShK28sSHfcWGhRVTEom7WufbW1u3WQ",
			},
		},
		{
			ID:          "solana-private-key",
			Provider:    "Solana",
			Description: "Solana keypair (Ed25519 seed and public key) in Base58 or as a JSON byte array",
			Grants:      PrivWalletFunds,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceContextual,
			Keywords: []string{
				"solana", "keypair", "secretkey", "secret_key", "id.json",
				"private_key", "privatekey", "private-key", "private key",
			},
			KeywordsFoldCase: true,
			Regex: `(?i:solana|keypair|secret_?key|id\.json|private[ _-]?key)` + reCtxGap +
				`(?<secret>(?<![A-Za-z0-9])` + reB58 + `{85,90}(?![A-Za-z0-9])` +
				`|\[\s{0,8}(?:\d{1,3}\s{0,8},\s{0,8}){63}\d{1,3}\s{0,8}\])`,
			MaxLen:       1024,
			Validate:     CheckSolanaKey,
			NeedsContext: true,
			Examples: []string{
				"SOLANA_PRIVATE_KEY=2cFeM4xYFW2cdBEo6q2qZVfBkobb8Fiiopiva7NZj33t4R8GVvoVwg6UrGtU8wwZiEiTfJwxwFbJ9DH3xwT2H4Cj",
				"const payer = Keypair.fromSecretKey(new Uint8Array([80,106,218,183,36,83,191,83,208,97,232,247,205,83,70,157,245,55,88,179,134,51,6,29,160,118,189,220,219,34,71,123,24,235,94,134,182,59,30,248,71,4,96,118,116,243,173,51,176,13,95,153,175,116,6,54,32,186,15,61,242,227,64,228]));",
				"$ cat ~/.config/solana/id.json\n[15, 205, 80, 162, 175, 190, 199, 237, 7, 229, 139, 55, 173, 212, 190, 193, 126, 144, 99, 1, 68, 114, 245, 212, 188, 163, 143, 186, 105, 140, 133, 228, 2, 125, 16, 94, 71, 179, 224, 67, 178, 247, 104, 130, 103, 181, 250, 201, 41, 116, 174, 226, 213, 32, 167, 197, 241, 60, 241, 59, 24, 253, 243, 86]",
				`{"keypair": "KKoHZcXiPYNTtQcB8qFphsVdcT9pRcRr5EYaimLkcRtNjaZ9JtTod5W7CTNbZfnL1u6C2S4QZvUhw3b8iC9FmNM"}`,
			},
			NonExamples: []string{
				// A transaction signature is 64 Base58-encoded bytes too.
				"solana confirm -v 28PUpBNsDD3X3WDvwYNXEyqmGXfFC7es788ipaQqWnbv1ZHRQRLeU1uEkZhmBzkaaQbGT387BeoU45nqgPqbNYkk",
				// A public key (address).
				"solana address: 95FFfU8CqKiqwtaKmfV7Fz1NvRTow2GQ8fJnJLyF2dWd",
				// One byte of the public half changed.
				"const payer = Keypair.fromSecretKey(new Uint8Array([80,106,218,183,36,83,191,83,208,97,232,247,205,83,70,157,245,55,88,179,134,51,6,29,160,118,189,220,219,34,71,123,24,235,94,134,182,59,30,248,71,4,96,118,116,243,173,51,176,13,95,153,175,116,6,54,32,186,15,61,242,227,64,229]));",
				// Last character changed.
				"SOLANA_PRIVATE_KEY=2cFeM4xYFW2cdBEo6q2qZVfBkobb8Fiiopiva7NZj33t4R8GVvoVwg6UrGtU8wwZiEiTfJwxwFbJ9DH3xwT2H4Ck",
			},
		},
		{
			ID:          "nostr-nsec",
			Provider:    "Nostr",
			Description: "Nostr private key (NIP-19 nsec)",
			Grants:      PrivFullAccount,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"nsec1"},
			Regex:       `(?<![A-Za-z0-9])(?<secret>nsec1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58})(?![A-Za-z0-9])`,
			MaxLen:      80,
			Validate:    CheckNsec,
			Examples: []string{
				"NOSTR_NSEC=nsec1yep7ejpepmdf5nlp4gjghnsqea9yja0pdaauj22m8m88y2q6l0aqtnwpk4",
				`{"relay": "wss://relay.damus.io", "key": "nsec180svlczktv2mp59ne8llf4xg6a5ynu3ekr6wrskze6q6s0jahrwsqw5ymv"}`,
			},
			NonExamples: []string{
				// Public key.
				"npub14lhze9zy7ya6du7ulqw8lzm0clh5ccpx4udfckn8anyxg2tfd9tssyxpjv",
				// Last character changed: checksum fails.
				"NOSTR_NSEC=nsec1yep7ejpepmdf5nlp4gjghnsqea9yja0pdaauj22m8m88y2q6l0aqtnwpk5",
				// The NIP-19 example key is public.
				"nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5",
			},
		},
		{
			ID:          "ethereum-keystore-json",
			Provider:    "Ethereum",
			Description: "Ethereum V3 keystore file (encrypted key; open to offline password guessing)",
			Grants:      PrivWalletFunds,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{`"ciphertext"`},
			// The secret is the "crypto" object, with up to one level of
			// nested objects (cipherparams, kdfparams).
			Regex:    `"[Cc]rypto"\s{0,4}:\s{0,4}(?<secret>\{(?>[^{}]+|\{[^{}]*\})*\})`,
			MaxLen:   1536,
			Validate: CheckKeystoreJSON,
			Examples: []string{
				`{"address":"8f0b1f4e5f2a6c4b9d7e3a1c2b4d6e8f0a1b2c3d","crypto":{"cipher":"aes-128-ctr","ciphertext":"102d110f86aefbcf8710767c84679a8094dece767ed91860273623c83d996e39","cipherparams":{"iv":"71a1d1c0c4f1b3fc20554bb498ffb2da"},"kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"p":1,"r":8,"salt":"34cc349645a012b206c0916d703bf0884490974b68e950289d8a9842c058af1b"},"mac":"30693afe89224e2ece8285be4e8a1989d946348a71a8c91628580178c23545d7"},"id":"5d2e7f91-3c4a-4b8e-9f06-2a7c1e94b3d8","version":3}`,
				"{\n  \"version\": 3,\n  \"id\": \"3184bff6-1535-4de8-a9ad-fcddb6d1115e\",\n  \"Crypto\": {\n    \"ciphertext\": \"471c2e51214494b4dbf15149a69fe6a2fa9a33b7887f8ccb7a6993f845d5245a\",\n    \"cipherparams\": {\"iv\": \"7dde28fcbf1f3dfe0e02730778264351\"},\n    \"cipher\": \"aes-128-ctr\",\n    \"kdf\": \"pbkdf2\",\n    \"kdfparams\": {\"dklen\": 32, \"salt\": \"0264fd2a474dab23c4719b701b9655f2c10e7a531f8429cd3400ee47279f313c\", \"c\": 262144, \"prf\": \"hmac-sha256\"},\n    \"mac\": \"7e6d597e9369d34a00636ac926e9dbe986405bcf815e3b32afc5900f013b9f94\"\n  }\n}",
			},
			NonExamples: []string{
				// Not a keystore: an unknown kdf, no mac.
				`{"crypto":{"ciphertext":"102d110f86aefbcf8710767c84679a8094dece767ed91860273623c83d996e39","kdf":"argon2id"}}`,
				// An encrypted blob of another format.
				`{"ciphertext": "34cc349645a012b206c0916d703bf0884490974b68e950289d8a9842c058af1b", "nonce": "71a1d1c0c4f1b3fc20554bb4"}`,
				// mac is not 32 bytes of hex.
				`{"crypto":{"cipher":"aes-128-ctr","ciphertext":"102d110f86aefbcf8710767c84679a8094dece767ed91860273623c83d996e39","kdf":"scrypt","mac":"30693afe"},"version":3}`,
			},
		},
		{
			ID:          "monero-mnemonic",
			Words:       true,
			Provider:    "Monero",
			Description: "Monero 25-word seed next to a context word",
			Grants:      PrivWalletFunds,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceContextual,
			Keywords:    []string{"monero", "xmr_", "xmr-", "xmr ", "seed"},
			// Monero English words are 3 to 12 letters; the checksum needs
			// only their three-letter prefixes.
			KeywordsFoldCase: true,
			Regex: `(?i:monero|xmr[_ -]|seed)[^\r\n]{0,40}?(?:` + reDelim + `|` + kubeEnvValue + `["']?)` +
				`(?<secret>[a-z]{3,12}(?:[ \t]{1,2}[a-z]{3,12}){24})(?![A-Za-z0-9_])`,
			MaxLen:       420,
			Validate:     CheckMoneroMnemonic,
			NeedsContext: true,
			Examples: []string{
				`monero-wallet-cli --restore-deterministic-wallet --electrum-seed="bite bluntly distance dedicated berries dying dehydrate different dice atrium alerts bested dolphin blender begun buffet dozen aggravate dodge boat anybody deity alley atrium alley"`,
				"XMR_WALLET_SEED: aplomb dewdrop dwindling building duke adrenalin adjust eagle adept degrees cobra akin cuddled acoustic ascend aglow cedar drowning daily ankle aggravate auctions apply alchemy degrees",
			},
			NonExamples: []string{
				// A widely published stagenet test seed.
				`--electrum-seed="sequence atlas unveil summon pebbles tuesday beer rudely snake rockets different fuselage woven tagged bested dented vegan hover rapid fawns obvious muppet randomly seasons randomly"`,
				// Checksum word changed.
				"XMR_WALLET_SEED: aplomb dewdrop dwindling building duke adrenalin adjust eagle adept degrees cobra akin cuddled acoustic ascend aglow cedar drowning daily ankle aggravate auctions apply alchemy cobra",
				// 24 words only.
				"monero seed: aplomb dewdrop dwindling building duke adrenalin adjust eagle adept degrees cobra akin cuddled acoustic ascend aglow cedar drowning daily ankle aggravate auctions apply alchemy",
			},
		},
		{
			ID:          "exchange-api-secret",
			Provider:    "Crypto exchanges (Binance, Kraken, KuCoin, Bitfinex, Coinbase)",
			Description: "exchange API secret assigned to a secret-named key near the exchange's name",
			Grants:      PrivWalletFunds,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceContextual,
			Keywords:    []string{"binance", "kraken", "kucoin", "bitfinex", "coinbase"},
			// Exchange name, then later on the line (within 160 bytes, room for
			// an API key value in between) a key name containing
			// "secret" or "private key", an assignment and the value.
			KeywordsFoldCase: true,
			Regex: `(?i:binance|kraken|kucoin|bitfinex|coinbase)[^\r\n]{0,160}?` +
				`(?i:secret|private[_-]?key)[A-Za-z0-9_-]{0,16}(?:\\?["']?\s{0,3}(?::=|=>|[:=>])\s{0,3}|` + kubeEnvValue + `)\\?["']?` +
				`(?<secret>[A-Za-z0-9+/_=-]{32,100})(?![A-Za-z0-9+/_=-])`,
			MaxLen:       320,
			MinEntropy:   3.3,
			NeedsContext: true,
			Examples: []string{
				"BINANCE_API_SECRET=DhU4XgaOzyx7J3SdoVwgP4FmErxTM1cHho4PAAANvkYfQv9NomBbjl2y4y5qtO2o",
				"exchange = ccxt.kraken({'apiKey': 'SoJGr297EYx8ZXnd1mof4efXgMxhV8az36a4sMzMJ5xu09kc24Qo4YXgInJMnyIL', 'secret': 'avbwm2Z7DF5SvAzN7o9mxm7m13UP6b8J5bDIbngvD2Z+n9bH+A5NxZ+ZpENpxCBTfN7GrwqewQnTFs7l/fLUJQ=='})",
				`kucoin: {api_key: "64f1c2a9e4b0d1a2b3c4d5e6", api_secret: "07baca0c-1b77-4de5-af6a-571088ebc874", passphrase: "trading"}`,
				"BITFINEX_SECRET_KEY: 32enswFwTjT7fXwZ8Qz8IpCRMRz5KaeHCk7FeRvH4SU",
			},
			NonExamples: []string{
				// Template reference.
				"BINANCE_API_SECRET=${BINANCE_API_SECRET}",
				// The API key (an identifier), not the secret.
				"BINANCE_API_KEY=SoJGr297EYx8ZXnd1mof4efXgMxhV8az36a4sMzMJ5xu09kc24Qo4YXgInJMnyIL",
				// Too short to be a secret.
				"coinbase secret: changeme",
			},
		},
		{
			ID:          "age-secret-key",
			Provider:    "age",
			Description: "age encryption identity (also used by SOPS)",
			Grants:      PrivDataStore,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"AGE-SECRET-KEY-1"},
			Regex:       `(?<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Za-z0-9])`,
			MaxLen:      80,
			Validate:    CheckAgeSecretKey,
			Examples: []string{
				"# created: 2026-01-05T10:00:00Z\n# public key: age1wq5zyu5trd698j08aars2pddajs90umn9qdp6vcxsmlux2hegc7qrut72d\nAGE-SECRET-KEY-1UL092EEQPMJW2UY6UWNVL9PFW32U3EWXG5AV0C726K3CR3KTAMQSTP5DDW",
				"SOPS_AGE_KEY=AGE-SECRET-KEY-1ZXV8JN42E07A0L4TXUEM83QAN0VE3T57P3G93HJ78J0X3GKXMQ5SS35QNG",
			},
			NonExamples: []string{
				// Recipient (public key).
				"recipients: age1wq5zyu5trd698j08aars2pddajs90umn9qdp6vcxsmlux2hegc7qrut72d",
				// Last character changed: checksum fails.
				"SOPS_AGE_KEY=AGE-SECRET-KEY-1ZXV8JN42E07A0L4TXUEM83QAN0VE3T57P3G93HJ78J0X3GKXMQ5SS35QNH",
				// The age specification's example identity (32 × 0x42).
				"AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX",
			},
		},
	}
}
