package patterns_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// hardNegatives are texts from the reference catalog's list of hard
// negatives, written in the contexts they appear in (configs, logs,
// manifests). None of them holds a credential.
var hardNegatives = []struct {
	name string
	text string
}{
	// Vendor documentation and emulator values.
	{"aws doc key id", `aws_access_key_id = AKIAIOSFODNN7EXAMPLE`},
	{"aws doc secret", `aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`},
	{"stripe doc key", `stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"`},
	{"hardhat mnemonic", `mnemonic: "test test test test test test test test test test test junk"`},
	{"hardhat key", `PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 # hardhat account #0`},
	{"azurite", `AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;`},

	// Placeholders.
	{"x run", `OPENAI_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`},
	{"X run", `GITHUB_TOKEN=XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`},
	{"star run", `api_key: "********************************"`},
	{"bullets", `token: ••••••••••••••••`},
	{"angle placeholder", `api_key: <your-api-key>`},
	{"upper placeholder", `OPENAI_API_KEY=YOUR_API_KEY`},
	{"changeme", `DB_PASSWORD=changeme`},
	{"env reference", `password: ${DB_PASSWORD}`},
	{"actions secret", `token: ${{ secrets.DEPLOY_TOKEN }}`},
	{"template secret", `api_key: "{{ secrets.API_KEY }}"`},
	{"node env", `const apiKey = process.env.OPENAI_API_KEY;`},
	{"python environ", `api_key = os.environ["OPENAI_API_KEY"]`},

	// Checksummed formats with a wrong checksum.
	{"github bad crc", `GITHUB_TOKEN=ghp_I7SoASbMjdqbwoof6lwxgTEe7ECcbkCasYLj`},
	{"npm bad crc", `//registry.npmjs.org/:_authToken=npm_yXBT9vDHuITYyx0pCVUiQw42EZEjJy12i9JB`},
	{"gitlab routable bad crc", `GITLAB_TOKEN=glpat-dTdLcTJacFc5eExtNHZCOG5SM3RZYzY2Dx8nqPLw.01.0w1a2b3c4`},
	{"grafana bad crc", `GRAFANA_TOKEN=glsa_T87YvqnmuOM0Ti3tj0yOjjylAItXOYBU_abfdc90a`},
	{"atlassian bad crc", `JIRA_TOKEN=ATATT3xFfGF0XNwiMy9XiKxeVK0xtH7QEu4fo5EllAKReCaFqHvl-RhKH4aKSmiA1-m5IVF45bl2xhm6wWnbrL88Baf9wnO16T4ksJtqfySB5PqNHifsYMXn6K-2S2zd3aKLyx8aUrxKqa93CvBPGpcsIM7dR2xZHYYU8IV_nNE_UMv63A-LuT=71D5EB8F`},
	{"azure identifiable bad checksum", `AccountKey=oVkcU3EM2eiB8Sp4pf6bnqfKYPNUzbREZTLh05c9phTQ45ShvlSmM24bM6SO+XJmTvmSj1guk+nf+AStYqKvlw==`},
	{"wif bad checksum", `wif: 5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTK`},
	{"xprv bad checksum", `xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHj`},
	{"bip39 bad checksum", `seed phrase: abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon`},
	{"age bad checksum", `AGE-SECRET-KEY-1K0WKDS8W2AV6026QGKQQRWU8WAM96AGHZQFJVAKW7PZM38CYSWUZA2M39S`},

	// Hex and base64 that are not secrets.
	{"git sha", `commit 11f6ad8ec52a2984abaafd7c3b516503785c2072 (HEAD -> main, origin/main)`},
	{"git sha in log", `2025-01-14T10:01:02Z deploy: checked out revision=11f6ad8ec52a2984abaafd7c3b516503785c2072`},
	{"sha256 digest", `2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881  release-v1.4.2.tar.gz`},
	{"md5 digest", `md5sum: 9dd4e461268c8034f5c8564e155c67a6  backup.sql.gz`},
	{"image digest", `image: ghcr.io/acme/api@sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881`},
	{"tx hash", `tx 0x1dc491ceffccaddeff8e32a06d8c9bb4c1ae4cf1c1e56af7cb8df88fbc308cf2 confirmed in block 19000000`},
	{"block hash json", `{"blockHash":"0x1dc491ceffccaddeff8e32a06d8c9bb4c1ae4cf1c1e56af7cb8df88fbc308cf2","blockNumber":"0x121eac0"}`},
	{"uuid tenant", `AZURE_TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47`},
	{"uuid client", `client_id: 3b5e7c1a-9d2f-4e8b-a6c4-1f0d2e3c4b5a`},
	{"etag", `ETag: "33a64df551425fcc55e4d42a148795d9f25f89d4"`},
	{"weak etag", `If-None-Match: W/"5e15153d-120f"`},
	{"npm integrity", `"integrity": "sha512-EhtHdKdZkkopKcSkEvtuMbmqp0ZGaEDvzEp21pqUFJ4jZOOYPWRv6vqhtRF4XlyekK7cMNpqa+rVUg7MmcZiag=="`},
	{"go.sum", `github.com/stretchr/testify v1.9.0 h1:WU5RmuSZMSspQzt92Kl/8Gje/LqXVbbV0A6ExSTWewY=`},
	{"data uri", `<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUpdG8m6XXv2fETDdwqBCapN64lvn1OdYac3UQCjkwQ==">`},
	{"amz id", `x-amz-id-2: NJD6YMaD18dekDDA4wR6sl6TZ622r/TduNBpcDPxxDtRd4MHMK2fMBQJZza765j1Feh6aR7B0psj`},
	{"csp nonce", `Content-Security-Policy: script-src 'self' 'nonce-JLjxaOsIkU47PoWVchDt5g=='`},
	{"sentry dsn", `SENTRY_DSN=https://e87ae705e9e50d7f9c39db772c83c7d5@o450123.ingest.sentry.io/5512345`},
	{"base64 blob", `event payload=eyJldmVudCI6ImNoZWNrb3V0IiwiaXRlbXMiOlt7InNrdSI6IkEtMTAwIiwicXR5IjoyfV0sInRzIjoxNzM2ODQ5MDAwfQ==`},

	// Public keys and addresses.
	{"pem public key", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"},
	{"ssh public key", `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBEOW3UJm7a454GSG9etUSvuClmZAK/6fE5nMhHFVUJ deploy@ci-runner`},
	{"age recipient", `age -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p -o secrets.age secrets.txt`},
	{"nostr npub", `nostr: npub1sg6plzptd64u62a878hep2kev88swjh3tw00gjsfl8f237lmu63q0uf63m`},
	{"xpub", `xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8`},
	{"bitcoin address", `withdraw to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq`},
	{"ethereum address", `"from": "0x742d35Cc6634C0532925a3b844Bc454e4438f44e"`},

	// Truncated and masked keys, hashes and indirections.
	{"truncated openai", `OPENAI_API_KEY=sk-proj-…abcd`},
	{"masked github", `GITHUB_TOKEN=ghp_****************************abcd`},
	{"bcrypt", `admin:$2b$12$KIXQJ1p8yM0vWb9ZrT3eUe7f2c9yqGJbW3mZ0R1s5Lk4e8uYv6aXy`},
	{"bcrypt assigned", `password_hash = "$2b$12$KIXQJ1p8yM0vWb9ZrT3eUe7f2c9yqGJbW3mZ0R1s5Lk4e8uYv6aXy"`},
	{"masked password", `password=********`},
	{"password stdin", `echo "$CR_PAT" | docker login ghcr.io -u ci-bot --password-stdin`},
	{"password file", `PASSWORD_FILE=/run/secrets/db`},
	{"postgres password file", `POSTGRES_PASSWORD_FILE=/run/secrets/db`},

	// Log lines that mention credentials without holding one.
	{"sshd failed", `Jan 14 10:01:02 web1 sshd[2211]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2`},
	{"sshd accepted", `Jan 14 10:01:05 web1 sshd[2211]: Accepted password for deploy from 203.0.113.9 port 52150 ssh2`},
	{"pam passwd", `Jan 14 10:03:11 web1 passwd[3301]: pam_unix(passwd:chauthtok): password changed for deploy`},
	{"sudo pwd", `Jan 14 10:04:00 web1 sudo: deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`},
}

// TestHardNegatives checks that no hard negative of the reference catalog
// produces a finding of any built-in pattern.
func TestHardNegatives(t *testing.T) {
	d, err := detect.New(patterns.Default())
	require.NoError(t, err)
	for _, hn := range hardNegatives {
		for _, f := range d.Scan([]byte(hn.text)) {
			assert.Fail(t, "hard negative produced a finding",
				"%s (%s): got %s at [%d:%d] (%s), want none",
				hn.name, detect.Preview([]byte(hn.text)), f.PatternID, f.Start, f.End, detect.Preview([]byte(hn.text[f.Start:f.End])))
		}
	}
}
