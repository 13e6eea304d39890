package patterns

// Generic and structural patterns: tokens and key blocks recognised by
// their structure (JWT, PEM, OpenSSH, OpenPGP, PuTTY, Kubernetes Secret)
// and values recognised by the name they are assigned to (passwords,
// secret-named keys, auth headers, credentials in URLs).
//
// The assignment patterns run on the most common words of logs, so their
// keywords carry the assignment operator ("password=", "key:") to keep
// prefilter hits rare, and their regexes are bounded (no nested
// quantifiers, short MaxLen).
//
// Every regex here except jwt's and kubernetes-secret-manifest's starts
// with one of its pattern's keywords (or "-----" before one), spelled as
// the keyword spells it, with costly look-behinds placed after that
// literal: the engine can then prove that each match starts at a keyword
// hit and tries the regex once there instead of searching the window
// around the hit. A regex change that
// puts a variable-length part, \s or a class before the keyword, or a
// form no keyword spells (two spaces before '='), loses that and costs
// 10 to 100 times more per hit.

// assignOp is an assignment between a key (optionally closing its quote,
// or an escaped quote) and a value: =, :=, =>, or ':' followed by a space
// or a quote (so "pam_unix(passwd:chauthtok)" is not an assignment).
const assignOp = `\\?["']?[ \t]{0,4}(?:=>|:=|=(?!=)|:(?=[ \t"'\\]))[ \t]{0,4}`

// passwordValue is a quoted, escaped-quoted or bare value. A quoted value
// must be followed by a delimiter (so "PWD="+dir, a string concatenation,
// is not a value); a bare value ends at a space, a quote or punctuation,
// and the engine masks what follows the punctuation when more of the
// value comes after it (a template such as ${X} or %(x)s leaves a value
// too short to be a password).
const passwordValue = `(?:\\"(?<secret>[^"\\\r\n]{1,128})\\"|"(?<secret>[^"\r\n]{1,128})"(?=[\s,;:})\]>/\\]|$)|'(?<secret>[^'\r\n]{1,128})'(?=[\s,;:})\]>/\\]|$)|(?<secret>(?>[^\s"'` + "`" + `,;&<>(){}\[\]\\]{1,128}))(?=[\s"'` + "`" + `,;&<>(){}\[\]\\]|$))`

// opaqueValue is a token-like value (base64, hex, base64url, with . ~ -).
// A value longer than 160 characters is matched on its first 160; the
// engine masks the rest of the run (a value longer than its pattern
// allows is never passed). A value followed by a SigV4 credential scope
// is the access key id alone (see sigV4Scope).
const opaqueValue = `(?:\\?["']?(?<secret>(?>[A-Za-z0-9+=_.~-]{16,160}))(?=` + sigV4Scope + `)|\\"(?<secret>[A-Za-z0-9+/=_.~-]{16,160})\\"|"(?<secret>[A-Za-z0-9+/=_.~-]{16,160})"|'(?<secret>[A-Za-z0-9+/=_.~-]{16,160})'|(?<secret>(?>[A-Za-z0-9+/=_.~-]{16,160}))(?=[\s"'` + "`" + `,;&<>)}\]\\]|$|[A-Za-z0-9+/=_.~-]))`

// sigV4Scope is the credential scope that follows the access key id in
// an AWS Signature Version 4 credential
// (Credential=AKIA…/20260301/us-east-1/s3/aws4_request, also in a
// presigned URL's X-Amz-Credential once percent-decoded): a date, a
// region and a service, none of them secret. A value that ends where a
// scope begins stops there, so only the key id is masked.
const sigV4Scope = `/[0-9]{8}/[A-Za-z0-9-]{1,40}/[A-Za-z0-9-]{1,40}/aws4_request(?![A-Za-z0-9_])`

// cliValue is a command-line argument value (not starting with '-').
const cliValue = `(?:"(?<secret>[^"\r\n]{1,128})"|'(?<secret>[^'\r\n]{1,128})'|(?<secret>[^\s"'` + "`" + `;&|<>\-][^\s"'` + "`" + `;&|<>]{0,127}))`

// pemBody is the base64 body of a PEM block with its line breaks, as
// written or escaped (\n, \r\n, \\n), and RFC 1421 headers.
const pemBody = `(?:[A-Za-z0-9+/=:,. \t\r\n]|-(?!----)|\\{1,2}[rnt]){40,8000}?`

// genericKeywordsPassword are the password-assignment keywords: each
// password-like key word followed by an assignment character.
var genericKeywordsPassword = func() []string {
	var out []string
	for _, k := range []string{"password", "passwd", "passwort", "passphrase", "pass", "pwd"} {
		for _, op := range []string{"=", ":", `"`, "'", " =", " :", `\"`, ">"} {
			out = append(out, k+op)
		}
	}
	return append(out, "-password ", "-passwd ", "-pass ", "-token ", "-token=", "mysql", "ConvertTo-SecureString",
		"password '", "identified by", "sshpass", "redis-cli", "docker login")
}()

// genericKeywordsSecret are the generic-high-entropy-secret keywords: the
// words a match of secretRegex starts with. "key" and "auth" end a key name
// only when followed by an assignment, a quote, '>' or a line break.
var genericKeywordsSecret = func() []string {
	out := []string{"secret", "token", "credential"}
	for _, k := range []string{"key", "auth"} {
		for _, op := range []string{"=", ":", `"`, "'", " =", " :", `\"`} {
			out = append(out, k+op)
		}
	}
	return append(out, "key_", "key-", "key>", "key\n", "key\r")
}()

// secretName checks the key name that ends at the current position. A
// cheap look-ahead first requires an assignment, a line break, a comma or
// '>' to follow (most keyword hits in logs are prose: "token refresh");
// then the name's last part (letters, digits, '_' and '-') is captured as
// "key" for the echo check, and names of non-secrets are refused: ids,
// public keys, digests, pagination.
const secretName = `(?=\\?["']?[ \t]{0,4}[=:\r\n,]|>)(?<=(?<key>[A-Za-z0-9_-]{1,100}))` +
	// Suffixes, grouped by their last letter (a look-behind is matched
	// right to left): id field name file type size path hash length url
	// ttl uri len version page_token next_token count format _at prefix
	// header cursor expiry cache_key expires checksum.
	`(?<!(?:i|fiel)d|(?:nam|fil|typ|siz)e|(?:pat|has|lengt)h|(?:ur|tt)l|uri|(?:le|versio|(?:page|next)_?toke)n|(?:coun|forma|_a)t|prefix|(?:head|curs)er|(?:expir|cache_?ke)y|expires|checksum)` +
	// Words in the name, looked for once from its start.
	`(?<=(?<![A-Za-z0-9_.-])(?![A-Za-z0-9_.-]{0,60}?(?=[pscxinPSCXIN])(?:public|pub_?key|sentry|continuation|[cx]srf|idempotency|nonce))[A-Za-z0-9_.-]{1,100})`

// secretValue is a token-like value that does not name the key (its last
// part) again, which is code: x.tokenKey = tokenKey, type PrivateKey =
// ed25519.PrivateKey.
const secretValue = `(?!\\?["']?(?:[A-Za-z0-9_]{1,40}\.)?\k<key>(?![A-Za-z0-9_]))` + opaqueValue

// assignOpKeyword is assignOp in the forms the "key" and "auth" keywords
// spell: a quote (or escaped quote) then spaces, or at most one space,
// before the operator.
const assignOpKeyword = `(?:(?:\\"|["'])[ \t]{0,4}|[ ]?)(?:=>|:=|=(?!=)|:(?=[ \t"'\\]))[ \t]{0,4}`

// k8sEnvLookbehind requires "name:" before the key name of a Kubernetes
// env entry (YAML "- name: X_SECRET" or JSON {"name": "X_SECRET", ...}),
// and the line break or comma after it.
const k8sEnvLookbehind = `(?<=name["']?[ \t]{0,4}:[ \t]{0,4}["']?[A-Za-z0-9_.-]{1,100}["']?[ \t]{0,4}(?:\r?\n|,))`

// k8sEnvValue is the separator between a Kubernetes env entry's name and
// its value (a line break or a comma, then value:).
const k8sEnvValue = `[ \t]{0,40}["']?value["']?[ \t]{0,4}:[ \t]{0,4}`

// xmlSecretValue is the content of an XML element named by the key:
// <apiSecret>value</apiSecret>.
const xmlSecretValue = `>(?<=<[A-Za-z0-9_.:-]{1,100}>)(?<secret>[A-Za-z0-9+/=_.~-]{16,160})</`

// secretRegex is the generic-high-entropy-secret regex. Each alternative
// starts with one of genericKeywordsSecret, so a match starts at a keyword
// hit; the rest of the key name is taken whole.
const secretRegex = `(?i)(?:` +
	// secret, token, credential, key_, key-: the name may go on. A name
	// with several of these words is matched from the last one (the
	// others' attempts end at once): the result is the same.
	`(?:secret|token|credential|key[_-])(?![A-Za-z0-9_.-]{0,30}?(?:secret|token|credential|key[_-]))(?>[A-Za-z0-9_.-]{0,30})` + secretName +
	`(?:(?:` + assignOp + `|["']?[ \t]{0,4}(?:\r?\n|,)` + k8sEnvLookbehind + k8sEnvValue + `)` + secretValue + `|` + xmlSecretValue + `)` +
	// key: the name ends, with an assignment, a quote, '>' or a line break.
	// (A property-list <key> element holds a name, not a value.)
	// (Not after one of the words above in the same name, whose match
	// takes every form this one takes.)
	`|key(?<!(?:secret|token|credential|key[_-])[A-Za-z0-9_.-]{0,27}key)` + secretName +
	`(?:(?:` + assignOpKeyword + `|(?:\r?\n|["'][ \t]{0,4}(?:\r?\n|,))` + k8sEnvLookbehind + k8sEnvValue + `)` + secretValue + `|(?!>(?<=<key>))` + xmlSecretValue + `)` +
	// auth: the name ends with an assignment.
	`|auth(?<!(?:secret|token|credential|key[_-])[A-Za-z0-9_.-]{0,26}auth)` + secretName + assignOpKeyword + secretValue +
	`)`

// genericPatterns returns the built-in patterns of this catalog group.
func genericPatterns() []Pattern {
	return []Pattern{
		{
			ID:          "jwt",
			Provider:    "JSON Web Token",
			Description: "signed (or unsigned) JWT: session, access or ID token",
			Grants:      PrivSession,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{".eyJ"},
			Regex:       `(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,600}\.eyJ[A-Za-z0-9_-]{2,4000}\.[A-Za-z0-9_-]{0,1400}(?![A-Za-z0-9_-]|\.[A-Za-z0-9_-])`,
			MaxLen:      6100,
			Validate:    ValidateJWT,
			Examples: []string{
				`Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQ4MjEiLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MTc2NzIyNTYwMH0.W5uLi2hCWN3WCsSgFDpTtUgM7ujTDf8av8Haf2MFaok`,
				`{"id_token":"eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguaW50ZXJuYWwuaW52YWxpZCIsImF1ZCI6ImFwaSIsInNjb3BlIjoicmVhZCB3cml0ZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAzNjAwfQ.PRRC4Sx8ui-6GWxHVMz74RbK2-9GkJb7UDAkrndPCYKqhpJ2wyCCzXrdIOD83Ts72kqabeHE7n8b5DSXOIj_IA"}`,
				`token=eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJzdmMtYmF0Y2giLCJpYXQiOjE3MjAwMDAwMDB9. next`,
				`openai.AuthenticationError: Incorrect API key provided: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ3b3JrZXItOSIsImlhdCI6MTczNjAwMDAwMH0.qL2v9cXz3mWbT7kRn5sY8pD1fG4hJ6aE0uI2oQ9wZx4. You can find your API key at the dashboard.`,
			},
			NonExamples: []string{
				// Header without "alg".
				`eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ1c2VyLTQ4MjEifQ.W5uLi2hCWN3WCsSgFDpTtUgM7ujTDf8av8Haf2MFaok`,
				// Payload is not JSON.
				`eyJhbGciOiJIUzI1NiJ9.eyJub3QganNvbg.W5uLi2hCWN3WCsSgFDpTtUgM7ujTDf8av8Haf2MFaok`,
				`data:application/json;base64,eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9`,
			},
		},
		{
			ID:          "pem-private-key",
			Provider:    "PEM",
			Description: "PEM-encoded private key (PKCS#1, SEC 1, PKCS#8, DSA, encrypted PKCS#8)",
			Grants:      PrivAdmin,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords: []string{"BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY", "BEGIN EC PRIVATE KEY",
				"BEGIN DSA PRIVATE KEY", "BEGIN ENCRYPTED PRIVATE KEY"},
			Regex:    `-----BEGIN (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----` + pemBody + `-----END (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----`,
			MaxLen:   8192,
			Validate: ValidatePEMPrivateKey,
			Examples: []string{
				"tls.key: |\n  -----BEGIN EC PRIVATE KEY-----\n  MHcCAQEEIHzBXSH8aiyJXfvhmTZv16WbBOirp1WNXJaX9ahMwkCLoAoGCCqGSM49\n  AwEHoUQDQgAEPSkq8zQv4FhXTUPbIOoF45I41fR0FHQ50mPw+taBk6+xaSMxWap8\n  LetEccSzr6oSFQIxWOQfp3gnO2O3Y3/HAg==\n  -----END EC PRIVATE KEY-----\n",
				`{"signing_key": "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJGxEjipROJ2xroPExDpbsBxfHLBtMRKUqb8wQQNANKB\n-----END PRIVATE KEY-----\n"}`,
			},
			NonExamples: []string{
				"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n",
				"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n",
				"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIHzBXSH8aiyJXfvhmTZv16WbBOirp1WNXJaX9ahMwkCLoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n",
				"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQm9ndXNDZXJ0aWZpY2F0ZUZvclRlc3RzMAoGCCqGSM49\n-----END CERTIFICATE-----\n",
			},
		},
		{
			ID:          "openssh-private-key",
			Provider:    "OpenSSH",
			Description: "OpenSSH private key (openssh-key-v1)",
			Grants:      PrivAdmin,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"BEGIN OPENSSH PRIVATE KEY"},
			Regex:       `-----BEGIN OPENSSH PRIVATE KEY-----` + pemBody + `-----END OPENSSH PRIVATE KEY-----`,
			MaxLen:      8192,
			Validate:    ValidateOpenSSHPrivateKey,
			Examples: []string{
				"$ cat ~/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACAZqJ+PmJy4WSKk5ZjRNBqnn1qcApFtGoTx4uXeQK7MAgAAAJhUmAcXVJgH\nFwAAAAtzc2gtZWQyNTUxOQAAACAZqJ+PmJy4WSKk5ZjRNBqnn1qcApFtGoTx4uXeQK7MAg\nAAAEDF+ECz2ifHk2fhr5O6gz8kQB6To+L8e9BQx7cLroK52hmon4+YnLhZIqTlmNE0Gqef\nWpwCkW0ahPHi5d5ArswCAAAAEGRlcGxveUBjaS1ydW5uZXIBAgMEBQ==\n-----END OPENSSH PRIVATE KEY-----\n",
				`DEPLOY_KEY="-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABABA0z31J\nJ9X2HBSn7jp8GeAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIEc3MZbWw1daku6B\noaOGFY9abfZqssxEbVX1hgpLJqM2AAAAoNgTgoRnPfKx6Mz9O9h3YToqLdX/7E9Ovh/g+r\nB/tMtJXthO0jrLYjfMCCsq0KwOmxGvZjJHtHseXlBjbd5kIoPf4kawgzZR0eBlXHEu62ky\nnvrw3xeIuPCexyCy4vCNGUZr9q9Tw4ePMzyQjqNwYXjy4BjF3o2u4+ZdZ/pDcit/USE5bf\n4ZD/rnMX9pzvd00e29AEduAqoTxuydQLebFeY=\n-----END OPENSSH PRIVATE KEY-----"`,
			},
			NonExamples: []string{
				"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmon4+YnLhZIqTlmNE0GqefWpwCkW0ahPHi5d5ArswC deploy@ci-runner",
				"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n...\n-----END OPENSSH PRIVATE KEY-----\n",
				"-----BEGIN OPENSSH PRIVATE KEY-----\nQSdcj5lLu64g5f2TCuFNbfJQKgOtKidcLqGNqdaEtlTWbFwUW1lihvZjDi2oRoU4abcdWq\n-----END OPENSSH PRIVATE KEY-----\n",
			},
		},
		{
			ID:          "pgp-private-key",
			Provider:    "OpenPGP",
			Description: "OpenPGP armored secret key block",
			Grants:      PrivAdmin,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"BEGIN PGP PRIVATE KEY BLOCK"},
			// The secret is the armored data (with its checksum line), not the
			// BEGIN line and armor headers: a Comment header is free text.
			// Lines may be indented (a YAML block scalar).
			Regex: `-----BEGIN PGP PRIVATE KEY BLOCK-----(?:` + armorNL + `[ \t]{0,40}[A-Za-z][A-Za-z0-9-]{0,40}:[^\r\n\\]{0,200}){0,10}` + armorNL + `(?:[ \t]{0,40}` + armorNL + `)?[ \t]{0,40}` +
				`(?<secret>[A-Za-z0-9+/](?:[A-Za-z0-9+/= \t\r\n]|\\{1,2}[rn]){40,12000}?)[ \t]*` + armorNL + `[ \t]*-----END PGP PRIVATE KEY BLOCK-----`,
			MaxLen:   12288,
			Validate: ValidatePGPPrivateKey,
			Examples: []string{
				"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxXgEQXWOrxQNKfS4nYQm6uHs9hKK/jHAPVHFtjk77LUQT3Zs3HXY2G98n6qvg8f2\nwdFSdfMI+fqHeOY3O/31WEjEGueIYjJ6XAejPJo9FixaOhdcbal7DBUQtEyh5n1l\nLO/5Z2bcNI9GShlmqoNB4K9O74VAsdHCWdHNHUNJIFNpZ25pbmcgPGNpQGJ1aWxk\nLmludmFsaWQ+\n=C37r\n-----END PGP PRIVATE KEY BLOCK-----\n",
				`GPG_SIGNING_KEY: "-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: CI signing key\n\nxXgEQXWOrxQNKfS4nYQm6uHs9hKK/jHAPVHFtjk77LUQT3Zs3HXY2G98n6qvg8f2\nwdFSdfMI+fqHeOY3O/31WEjEGueIYjJ6XAejPJo9FixaOhdcbal7DBUQtEyh5n1l\nLO/5Z2bcNI9GShlmqoNB4K9O74VAsdHCWdHNHUNJIFNpZ25pbmcgPGNpQGJ1aWxk\nLmludmFsaWQ+\n=C37r\n-----END PGP PRIVATE KEY BLOCK-----"`,
				`GPG_SIGNING_KEY: "-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: ci@example.com\n\nxXgEQXWOrxQNKfS4nYQm6uHs9hKK/jHAPVHFtjk77LUQT3Zs3HXY2G98n6qvg8f2\nwdFSdfMI+fqHeOY3O/31WEjEGueIYjJ6XAejPJo9FixaOhdcbal7DBUQtEyh5n1l\nLO/5Z2bcNI9GShlmqoNB4K9O74VAsdHCWdHNHUNJIFNpZ25pbmcgPGNpQGJ1aWxk\nLmludmFsaWQ+\n=C37r\n-----END PGP PRIVATE KEY BLOCK-----"`,
			},
			NonExamples: []string{
				// Wrong armor checksum.
				"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxXgEQXWOrxQNKfS4nYQm6uHs9hKK/jHAPVHFtjk77LUQT3Zs3HXY2G98n6qvg8f2\nwdFSdfMI+fqHeOY3O/31WEjEGueIYjJ6XAejPJo9FixaOhdcbal7DBUQtEyh5n1l\nLO/5Z2bcNI9GShlmqoNB4K9O74VAsdHCWdHNHUNJIFNpZ25pbmcgPGNpQGJ1aWxk\nLmludmFsaWQ+\n=C37s\n-----END PGP PRIVATE KEY BLOCK-----\n",
				"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ5a3kxYJKwYBBAHaRw8BAQdAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n",
				"-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n-----END PGP PRIVATE KEY BLOCK-----\n",
			},
		},
		{
			ID:          "putty-private-key",
			Provider:    "PuTTY",
			Description: "PuTTY private key file (.ppk)",
			Grants:      PrivAdmin,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"PuTTY-User-Key-File-"},
			Regex:       `PuTTY-User-Key-File-[23]: [A-Za-z0-9@.-]{3,64}(?:\r?\n|\\r\\n|\\n)(?:[^\r\n\\]{0,300}(?:\r?\n|\\r\\n|\\n)){3,80}?[ \t]{0,40}Private-MAC: [0-9a-fA-F]{40,64}`,
			MaxLen:      8192,
			Validate:    ValidatePuTTYKey,
			Examples: []string{
				"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20250114\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIFKwnTXGbL+9GB+B6SPsoTU5YT7Zvd4kiFV9l5+Q\nydxi\nPrivate-Lines: 1\nAAAAIFWm6gOMro4KsBYctM7w+FWpKoZtBT9K1vTkYN//PQDn\nPrivate-MAC: 8639ca4e92a7f6022e5ca0b8b1a4a7edae4ecf1e66c457e16bf6f3dd0ce42fe8\n",
				`{"ppk": "PuTTY-User-Key-File-2: ssh-ed25519\r\nEncryption: aes256-cbc\r\nComment: imported-openssh-key\r\nPublic-Lines: 2\r\nAAAAC3NzaC1lZDI1NTE5AAAAIFKwnTXGbL+9GB+B6SPsoTU5YT7Zvd4kiFV9l5+Q\r\nydxi\r\nPrivate-Lines: 1\r\nQ3Jk1Lq8ZpW2vX7nR4tY9mB6cF0hJ5sD3gA8eK1uI2oP7wN4zT6yV9bM0xC5lS8f\r\nPrivate-MAC: 2f6c0b7e4a1d93c58e2f70b6a4d19c3e5f8a7b21\r\n"}`,
			},
			NonExamples: []string{
				"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20250114\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIFKwnTXGbL+9GB+B6SPsoTU5YT7Zvd4kiFV9l5+Q\nydxi\nPrivate-MAC: 8639ca4e92a7f6022e5ca0b8b1a4a7edae4ecf1e66c457e16bf6f3dd0ce42fe8\n",
				"PuTTYgen writes PuTTY-User-Key-File-3 headers; see the manual.",
			},
		},
		{
			ID:               "password-assignment",
			Provider:         "Generic",
			Description:      "password assigned in configuration, code, a command line or a log line",
			Grants:           PrivFullAccount,
			Severity:         SeverityHigh,
			Confidence:       ConfidenceGeneric,
			Keywords:         genericKeywordsPassword,
			KeywordsFoldCase: true,
			// Every alternative starts with a keyword, so that the engine
			// tries the regex once at each keyword hit.
			Regex: `(?i)(?:` +
				// key = value
				// (the match starts at the password word that ends the key;
				// "pass" and "pwd" must start a word: db_pass, dbPass, not
				// bypass; "--- PASS:" is a Go test result)
				// (atomic: when the value fails there is nothing to retry),
				// or --password=value (after the same word)
				`(?<!--- )(?>(?:password|passwd|passwort|passphrase|(?<![A-Za-z])(?:pass|pwd)|(?<=(?-i:[a-z0-9]))(?-i:Pass|Pwd))(?![A-Za-z0-9_.-]))` +
				`(?:(?>` + assignOpKeyword + `)` + passwordValue +
				`|=(?<=(?<![A-Za-z0-9_])(?:-|--?[a-z0-9]{1,20})?-(?:password|passwd|pass)=)` + cliValue + `)` +
				// <password>value</password> (the words as a trie: fewer
				// retries at each "password=" hit; look-behinds after a
				// literal: they are costlier than a failed literal)
				`|p(?:ass(?:w(?:ord|d)|phrase)?|wd)>(?<=<[A-Za-z0-9_.:-]{0,40}p(?:ass(?:w(?:ord|d)|phrase)?|wd)>)(?<secret>[^<>\s]{1,128})</` +
				// --password value, --token value, --token=value (the match
				// starts at the dash before the word)
				`|(?=-(?:pass|token))(?<=(?<![A-Za-z0-9_])(?:-|--?[a-z0-9]{1,20})?)-(?:(?:password|passwd|pass|token) [ \t]*|token=)` + cliValue +
				// mysql -p<password>
				`|(?<![A-Za-z0-9_])mysql(?:dump|admin|import|show|check)?(?:\.exe)?[ \t](?:[^\r\n|;&]{0,120}?[ \t])?(?-i:-p)(?<secret>[^\s"'` + "`" + `;&|<>-][^\s"'` + "`" + `;&|<>]{2,127})` +
				// SQL: ALTER USER u WITH [ENCRYPTED] PASSWORD '…' (PostgreSQL),
				// IDENTIFIED BY '…' (MySQL, Oracle; quotes optional in Oracle)
				`|password(?<=(?<![A-Za-z0-9_])with[ \t]{1,4}(?:encrypted[ \t]{1,4})?password) '(?<secret>[^'\r\n]{1,128})'` +
				`|(?<![A-Za-z0-9_])identified by[ \t]{1,4}(?:'(?<secret>[^'\r\n]{1,128})'|"(?<secret>[^"\r\n]{1,128})"|(?<secret>(?!values\b)[A-Za-z0-9_#$]{1,128})(?=[\s;]|$))` +
				// sshpass -p …, redis-cli … -a …, docker login … -p …
				`|(?<![A-Za-z0-9_])sshpass[ \t]{1,4}-p[ \t]*` + cliValue +
				`|(?<![A-Za-z0-9_])(?:redis-cli(?:\.exe)?(?:[ \t]{1,4}(?>[^\s|;&]{1,160})){0,12}?[ \t]{1,4}(?-i:-a)|docker login(?:[ \t]{1,4}(?>[^\s|;&]{1,160})){0,12}?[ \t]{1,4}(?-i:-p))[ \t]{1,4}` + cliValue +
				// ConvertTo-SecureString "…" -AsPlainText
				`|convertto-securestring[ \t]+(?:-string[ \t]+)?(?:"(?<secret>[^"\r\n]{1,128})"|'(?<secret>[^'\r\n]{1,128})')[ \t]+-asplaintext` +
				`|convertto-securestring[ \t]+-asplaintext[ \t]+(?:-force[ \t]+)?(?:-string[ \t]+)?(?:"(?<secret>[^"\r\n]{1,128})"|'(?<secret>[^'\r\n]{1,128})')` +
				`)`,
			MaxLen:       256,
			Validate:     checkPasswordValue,
			MinEntropy:   1.5,
			NeedsContext: true,
			Examples: []string{
				`DB_PASSWORD=Tq7wLz2VbK9x`,
				`smtp.password=Wq4tY7u2Ij.Ok9Lp3`,
				`{"admin_password": "kRtqWzeLo.vya.Pb3xUd"}`,
				`{"username": "svc-backup", "password": "Vb8#kQ2zLp7w"}`,
				`smtp:\n  host: mail.internal\n  password: 'R7x!mK2pQz9'`,
				`PGPASSWORD=N8vQ2mLp9Rtw psql -h db.internal -U etl warehouse`,
				`$ mysql -h db.internal -u root -pXk8vQ2mLp9 orders`,
				`$cred = ConvertTo-SecureString "Mz4!tR9vZ2q" -AsPlainText -Force`,
				`vault login -method=userpass username=ops --password Lq8#Zx2mPv7`,
				`<connection><user>app</user><password>Jx7pQ2vLm9Zk</password></connection>`,
				`2025-01-14 10:01:02 DEBUG request body: {\"login\":\"ana\",\"password\":\"Wq92LmZpX7vB\"}`,
				`gh auth login --token Zk81vPqW3mRt9xLq`,
				`ALTER USER app WITH ENCRYPTED PASSWORD 'Tq7wLz2VbK9x';`,
				`CREATE USER 'etl'@'%' IDENTIFIED BY 'N8vQ2mLp9Rtw';`,
				`sshpass -p 'R7x!mK2pQz9' ssh root@10.0.0.5`,
				`redis-cli -h cache.internal -p 6379 -a Zq7mT2xLp9Vb ping`,
				`docker login -u deploy -p Wq92LmZpX7vB registry.internal`,
			},
			NonExamples: []string{
				`password = cfg.v2Password`,
				`password = settings.DB.getHTTPResponseCode`,
				`Jan 14 10:01:02 web1 sshd[2211]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2`,
				`Jan 14 10:01:05 web1 sshd[2211]: Accepted password for deploy from 203.0.113.9 port 52150 ssh2`,
				`Jan 14 10:03:11 web1 passwd[3301]: pam_unix(passwd:chauthtok): password changed for deploy`,
				`password=********`,
				`DB_PASSWORD=${DB_PASSWORD}`,
				`password: "{{ secrets.DB_PASSWORD }}"`,
				`conn = connect(password="%(pw)s")`,
				`password = process.env.DB_PASSWORD`,
				`password = os.environ["DB_PASSWORD"]`,
				`password: null`,
				`password: none`,
				`password=""`,
				`"password": "<redacted>"`,
				`ADMIN_PASSWORD=changeme`,
				`password_hash: "$2b$12$KIXQJ1p8yM0vWb9ZrT3eUe7f2c9yqGJbW3mZ0R1s5Lk4e8uYv6aXy"`,
				`password: $argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$9x8mLq2ZpW7vB3kQ`,
				`POSTGRES_PASSWORD_FILE=/run/secrets/db`,
				`echo "$PAT" | docker login ghcr.io -u ci --password-stdin`,
				`if password == user_input:`,
				`password = self.password`,
				`PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`,
				`bypass=true`,
				`mysql -u root -p orders`,
				`password: !vault |`,
				`--- PASS: TestLogin/valid_user (0.21s)`,
				`ALTER USER app WITH PASSWORD NULL;`,
				`CREATE USER app IDENTIFIED BY VALUES 'S:1234';`,
				`CREATE USER ops IDENTIFIED BY '${OPS_PASSWORD}';`,
				`sshpass -p "$SSHPASS" ssh root@10.0.0.5`,
				`redis-cli -h cache.internal -p 6379 ping`,
				`docker login -u deploy --password-stdin registry.internal`,
				`	// Password: Deprecated: Use AuthorizationCode instead.`,
				`for _, password := range params.Passwords {`,
				`cmd.Env = append(os.Environ(), "PWD="+cmd.Dir, "GOROOT="+root)`,
				`"dependencies": {"parse-passwd": "^1.0.0"}`,
			},
		},
		{
			ID:          "basic-auth-url",
			Provider:    "Generic",
			Description: "URL with credentials in its userinfo (user:password@ or token@)",
			Grants:      PrivFullAccount,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceContextual,
			Keywords: []string{"http://", "https://", "ftp://", "ftps://", "sftp://", "ssh://", "smtp://", "smtps://",
				"imap://", "imaps://", "ldap://", "ldaps://", "socks5://", "socks5h://", "socks4://", "rtsp://", "ws://",
				"wss://", "svn://", "nats://", "mqtt://", "mqtts://", "mssql://", "sqlserver://", "oracle://",
				"clickhouse://", "couchbase://", "couchdb://", "neo4j://", "neo4j+s://", "bolt://",
				// git+https://, svn+ssh://: the match starts at the prefix.
				"git+", "svn+"},
			KeywordsFoldCase: true,
			Regex: `(?i)(?<![A-Za-z0-9+.-])(?:git\+|svn\+)?(?:https?|ftps?|sftp|ssh|smtps?|imaps?|ldaps?|socks5h?|socks4|rtsp|wss?|svn|nats|mqtts?|mssql|sqlserver|oracle|clickhouse|couchbase|couchdb|neo4j(?:\+s)?|bolt)` +
				`://(?:[^:/?#@\s"'<>\\]{1,64}:(?<secret>[^/?#\s"'<>\\]{1,128})|(?<secret>[A-Za-z0-9_-]{20,128}))@(?=[A-Za-z0-9\[])(?![^/?#\s"'<>]{0,100}sentry)`,
			MaxLen:   224,
			Validate: checkURIPassword,
			Examples: []string{
				`git clone https://x-access-token:Zk81vPqW3mRt9xLq2w@github.com/acme/infra.git`,
				`export https_proxy=http://proxyuser:Lp93xQv7Rt2k@proxy.corp.local:3128`,
				`pip install --index-url https://build:Wq92LmZpX7vB@pypi.internal.invalid/simple pkg`,
				`remote: https://u7Kq2ZpW9xLm4vB8nR3tYc6@gitlab.internal.invalid/group/repo.git`,
				`ffmpeg -i rtsp://admin:Cam3raPw71x@192.168.10.21:554/stream1`,
			},
			NonExamples: []string{
				`SENTRY_DSN=https://e87ae705e9e50d7f9c39db772c83c7d5@o450123.ingest.sentry.io/5512345`,
				`export https_proxy=http://username:password@proxy:3128`,
				`git clone ssh://git@github.com/acme/infra.git`,
				`GET https://api.internal.invalid:8443/v1/users?page=2`,
				`https://user:${GIT_TOKEN}@github.com/acme/infra.git`,
				`https://ci:****@artifacts.internal.invalid/repo`,
				`see https://example.com/docs@v2`,
				`git@github.com:acme/infra.git`,
			},
		},
		{
			ID:          "authorization-basic-header",
			Provider:    "HTTP Basic",
			Description: "HTTP Basic credentials (Authorization header, curl -u user:password)",
			Grants:      PrivFullAccount,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceContextual,
			// "curl " with the space: user agents write curl/8.5.0.
			Keywords:         []string{"basic ", "basic\t", "curl ", "curl\t"},
			KeywordsFoldCase: true,
			// A curl password ends at white space, a quote or the end, after
			// any closing brackets, ';', ',' and XML end tags, or at an HTML
			// entity for a quote: in "$(curl -u a:pw)", "<cmd>curl -u
			// a:pw</cmd>" or "{&quot;c&quot;:&quot;curl -u a:pw&quot;}" the
			// password is "pw".
			Regex: `(?i)(?:(?<![A-Za-z0-9_-])basic[ \t]+(?<secret>[A-Za-z0-9+/]{8,684}={0,2})(?![A-Za-z0-9+/=_-])` +
				`|(?<![A-Za-z0-9_-])curl(?:[ \t]+(?>[^\s|;&]{1,160})){0,16}?[ \t]+(?:-u[ \t]*|--user[ \t]+|--user=)["']?[^\s:"'@]{1,64}:(?<secret>[^\s"'` + "`" + `]{1,128}?)(?=(?:[)\]};,]|</[A-Za-z0-9_.:-]{0,40}>)*(?:[\s"'` + "`" + `\\]|&(?:quot|apos|#0*3[49]|#x2[27]);|$)))`,
			MaxLen:   720,
			Validate: checkBasicCredentials,
			Examples: []string{
				`curl -H "Authorization: Basic YnVpbGQtYm90OlRxN3dMejJWYks5eA==" https://ci.internal.invalid/api/json`,
				`Proxy-Authorization: Basic c3ZjX2V4cG9ydDpSN3ghbUsycFF6OQ==`,
				`curl -s -u deploy:Vb8kQ2zLp7wX https://artifacts.internal.invalid/upload`,
				`out=$(curl -fsS -X POST -H "Content-Type: application/json" --user ci:Zq7mT2xLp9Vb https://ci.internal.invalid/api)`,
			},
			NonExamples: []string{
				`Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ=`,
				`Authorization: Basic dGVzdA==`,
				`WWW-Authenticate: Basic realm="Restricted"`,
				`the service uses basic configuration for all environments`,
				`curl -u "$USER:$PASS" https://artifacts.internal.invalid/upload`,
				`curl -u admin: https://artifacts.internal.invalid/upload`,
				`GET /healthz HTTP/1.1" 200 12 "-" "curl/8.5.0"`,
			},
		},
		{
			ID:          "authorization-bearer-header",
			Provider:    "Generic",
			Description: "opaque bearer token in an Authorization or API-key header",
			Grants:      PrivSession,
			Severity:    SeverityMedium,
			// Generic rather than contextual: the header carries tokens of
			// every provider, and a provider pattern matching the same
			// token, even an uncertain one, must win the overlap.
			Confidence:       ConfidenceGeneric,
			Keywords:         []string{"bearer", "authorization", "proxy-authorization", "x-api-key", "x-auth-token", "x-access-token"},
			KeywordsFoldCase: true,
			// Each alternative starts with its keyword; the look-behind
			// (a word start, or an escaped line break before) follows it.
			Regex: `(?i)(?:(?:proxy-authorization(?<=(?:^|[^A-Za-z0-9-]|\\[nrt])proxy-authorization)|authorization(?<=(?:^|[^A-Za-z0-9-]|\\[nrt])authorization))\\?["']?[ \t]*[:=][ \t]*\\?["']?(?:bearer|token|bot)[ \t]+` +
				`|bearer(?<=(?:^|[^A-Za-z0-9_-]|\\[nrt])bearer)[ \t]+` +
				`|x-(?:api-key|auth-token|access-token)(?<=(?:^|[^A-Za-z0-9_-]|\\[nrt])x-(?:api-key|auth-token|access-token))\\?["']?[ \t]*[:=][ \t]*\\?["']?)` +
				`(?<secret>[A-Za-z0-9._~+/-]{12,512}=*)(?![A-Za-z0-9._~+/=-])`,
			MaxLen:       560,
			Validate:     checkOpaqueSecret,
			MinEntropy:   3,
			NeedsContext: true,
			Examples: []string{
				`curl -H "Authorization: Bearer u7Kq2ZpW9xLm4vB8nR3tYc6D" https://api.internal.invalid/v1/jobs`,
				`GET /v2/items HTTP/1.1\r\nAuthorization: Token 8fK2qLz9Xw4mRb7TnV3pYc1H\r\n`,
				`headers = {"X-API-Key": "QSdcj5lLu64g5f2TCuFNbfJQKgOt"}`,
				`Authorization: Bot 8fK2qLz9Xw4mRb7TnV3pYc1HuQ`,
			},
			NonExamples: []string{
				`Authorization: Bearer <token>`,
				`Authorization: Bearer $TOKEN`,
				`Authorization: Bearer ${API_TOKEN}`,
				`{"access_token_type": "Bearer", "expires_in": 3600}`,
				`WWW-Authenticate: Bearer realm="api", error="invalid_token"`,
				`Authorization: Bearer YOUR_ACCESS_TOKEN`,
				`Authorization: Bearer [REDACTED]`,
				`Authorization: Bearer undefined`,
				`the client sends a bearer token with each request`,
				`Authorization: Bearer sk-proj-…abcd`,
			},
		},
		{
			ID:               "generic-high-entropy-secret",
			Provider:         "Generic",
			Description:      "high-entropy value assigned to a secret-, token-, key-, auth- or credential-named key",
			Grants:           PrivScoped,
			Severity:         SeverityMedium,
			Confidence:       ConfidenceGeneric,
			Keywords:         genericKeywordsSecret,
			KeywordsFoldCase: true,
			// Every match starts at the secret word of the key, one of the
			// keywords, so the engine tries the regex once at each keyword
			// hit (see secretRegex).
			Regex:        secretRegex,
			MaxLen:       224,
			Validate:     checkOpaqueSecret,
			MinEntropy:   3,
			NeedsContext: true,
			Examples: []string{
				`SECRET_KEY_BASE=8a1dd30319564469480aa34d5a5df7278387aeeb62e220a2add843a67488bc7f`,
				`JWT_SECRET="H8HQzAjGsgjbHZjjGGTnlflZ"`,
				`django: SECRET_KEY = 'u5DcwDRKK4PPiJyTIco5HF5K'`,
				`{"client_secret": "zl0gacLteAsUpE3lNhhsVp7O", "client_id": "web"}`,
				`api_key: VdKSCLKakyYojAbJdHUxvu4V`,
				`NEXTAUTH_SECRET=WnB5bVRnSmI4TnFjS2tZcmxiaUtETHpLVXZsWmJGSm8=`,
				"        env:\n        - name: SESSION_SECRET\n          value: \"q8Zt3LmW9xVb2KpR7nYc\"\n",
				`{"env": [{"name": "PARTNER_API_KEY", "value": "Vd7KSCLk2yYojAbJ5HUxvu4V"}]}`,
				`<settings><apiSecret>p7RkQ2vX9LmZt4WbN8sJ</apiSecret></settings>`,
				"<add key=\"x\"/><signingKey>N4vQ8mLp2RtwZ7kXb3Yc</signingKey>",
			},
			NonExamples: []string{
				`secret_key = "your-secret-key-here"`,
				`api_key: ${API_KEY}`,
				`token: "{{ secrets.DEPLOY_TOKEN }}"`,
				`auth_token = os.environ["AUTH_TOKEN"]`,
				`"public_key": "QSdcj5lLu64g5f2TCuFNbfJQKgOtKidcLqGNqdaEtlTWbFwU"`,
				`key_id: 550e8400-e29b-41d4-a716-446655440000`,
				`api_key: 550e8400-e29b-41d4-a716-446655440000`,
				`cache_key=8a1dd30319564469480aa34d5a5df727`,
				`next_page_token=CiAKGjBpNDd2Nmp2Zml2cXRp`,
				`secret_key=********************`,
				`secret: <redacted>`,
				`SECRET_KEY=changeme`,
				`token_type: bearer_access_token_value`,
				`"integrity": "sha512-QSdcj5lLu64g5f2TCuFNbfJQKgOtKidcLqGNqdaEtlTWbFwUW1lihvZjDi2oRoU4abcdWqA=="`,
				`key: sha256:8a1dd30319564469480aa34d5a5df7278387aeeb62e220a2add843a67488bc7f`,
				`sentry_key=e87ae705e9e50d7f9c39db772c83c7d5`,
				`api_key=sk-proj-…abcd`,
				`token: ghp_****************************abcd`,
				`pubkey: npub1sg6plzptd64u62a878hep2kev88swjh3tw00gjsfl8f237lmu63q0uf63m`,
				`xpub_key: xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8`,
				`Content-Security-Policy: script-src 'nonce-QSdcj5lLu64g5f2TCuFN'`,
				`csrf_token=QSdcj5lLu64g5f2TCuFNbfJQKgOt`,
				`c.googleidentitystsv1exchangetokenrequest = googleidentitystsv1exchangetokenrequest`,
				`type PrivateKey = ed25519.PrivateKey`,
				`oauth2TokenSourceKey = "oauth2.google.tokenSource"`,
				`HTTPResponseContentLengthKey: HTTPResponseContentLengthKey,`,
				`<key>CFBundleIdentifier2</key><string>com.example.app</string>`,
				"env:\n- name: SESSION_SECRET\n  valueFrom:\n    secretKeyRef: {name: app, key: session}\n",
				`Optional<Token>getAccessTokenValue1()`,
				`c.googlefirebaseappcheckv1betaexchangerecaptchaenterprisetokenrequest = googlefirebaseappcheckv1betaexchangerecaptchaenterprisetokenrequest`,
			},
		},
		{
			ID:          "kubernetes-secret-manifest",
			Provider:    "Kubernetes",
			Description: "base64 values under data: in a Kubernetes Secret manifest",
			Grants:      PrivScoped,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"kind: Secret", `kind: "Secret"`, "kind: 'Secret'", `"kind":"Secret"`, `"kind": "Secret"`},
			Regex:       k8sSecretRegex,
			MaxLen:      8192, // a TLS Secret's tls.key of an RSA-4096 key and its certificate
			Validate:    ValidateKubernetesSecretData,
			Examples: []string{
				"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\n  namespace: orders\ntype: Opaque\ndata:\n  username: b3JkZXJzX2FwcA==\n  password: VHE3d0x6MlZiSzl4\n",
				"apiVersion: v1\ndata:\n  api-token: dTdLcTJacFc5eExtNHZCOG5SM3RZYzY=\nkind: Secret\nmetadata:\n  name: ci-token\ntype: Opaque\n",
				`{"apiVersion":"v1","data":{"password":"Vmc4I2tRMnpMcDd3","user":"YWRtaW4="},"kind":"Secret","metadata":{"name":"db"}}`,
			},
			NonExamples: []string{
				"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  LOG_LEVEL: ZGVidWc=\n",
				"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\nstringData:\n  password: changeme\n",
				"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ndata:\n  password: cGFzc3dvcmQ=\n",
				"kind: SecretProviderClass\nspec:\n  parameters:\n    objects: x\n",
			},
		},
	}
}

// armorNL is a line break as written or escaped (\n, \r\n, \\n).
const armorNL = `(?:\r?\n|\\{1,2}(?:r\\{1,2})?n)`

// k8sValue is a padded base64 Secret value, as long as the manifest's
// MaxLen allows.
const k8sValue = `[A-Za-z0-9+/]{2,8192}={0,2}`

// k8sYAMLData is the entries of a YAML data: block, the secret running from
// the first value to the last; the entries share the first one's
// indentation (the next key of the enclosing map is not an entry).
const k8sYAMLData = `data:[ \t]*\r?\n(?<ind>[ \t]+)[A-Za-z0-9_.-]{1,253}:[ \t]*["']?(?<secret>` + k8sValue + `(?:["']?[ \t]*\r?\n\k<ind>[A-Za-z0-9_.-]{1,253}:[ \t]*["']?` + k8sValue + `){0,63})`

// k8sJSONData is the members of a JSON "data" object.
const k8sJSONData = `"data"[ \t]*:[ \t]*\{[ \t\r\n]*"[A-Za-z0-9_.-]{1,253}"[ \t]*:[ \t]*"(?<secret>` + k8sValue + `(?:"[ \t\r\n]*,[ \t\r\n]*"[A-Za-z0-9_.-]{1,253}"[ \t]*:[ \t]*"` + k8sValue + `){0,63})"`

// k8sSecretRegex matches a Secret manifest in YAML or JSON with kind before
// or after data; a YAML manifest may be indented (a block scalar, a list
// item).
const k8sSecretRegex = `(?:kind:[ \t]*["']?Secret["']?[ \t]*\r?\n(?:[^\r\n]{0,300}\r?\n){0,40}?[ \t]{0,40}` + k8sYAMLData +
	`|` + k8sYAMLData + `["']?[ \t]*\r?\n(?:[^\r\n]{0,300}\r?\n){0,40}?[ \t]{0,40}kind:[ \t]*["']?Secret["']?[ \t]*(?:\r?\n|$)` +
	`|"kind"[ \t]*:[ \t]*"Secret"[\s\S]{0,1500}?` + k8sJSONData +
	`|` + k8sJSONData + `[ \t\r\n]*\}[\s\S]{0,1500}?"kind"[ \t]*:[ \t]*"Secret")`
