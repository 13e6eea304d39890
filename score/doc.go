// Package score turns findings, submitted keys and key usage into risk
// decisions: a score from 0 to 100, a level and machine-readable reasons.
//
// # Scores
//
// A [Scorer] weighs one credential, described by an [Input] (or taken from
// a detect.Finding by [Scorer.ScoreFinding]). Each input that applies adds
// a [Reason]: a stable [Code], the points it contributed and a short text.
// The score is the sum of the listed points, raised to the critical
// threshold when the secret is known to have leaked, then clamped to
// 0…100. The same Input always gives the same [Result]: nothing is random
// and the clock is read only from Input.Now. No reason holds the secret or
// any part of it.
//
// A privilege, a severity and a confidence reason are listed for every
// credential, even when they contribute 0 points; the other reasons are
// listed only when they apply. A test, sandbox or testnet value (a Stripe
// sk_test_ key, a tprv wallet key) is weighed as privilege test-mode
// whatever its type grants when live, and also gets mode.test.
//
// # Weights
//
// The default points of each input, as returned by [DefaultWeights]. A
// test reads this table and compares it with the code.
//
//	Code                        Points  Input
//	privilege.cloud-root           +50  administers cloud resources
//	privilege.wallet-funds         +50  moves crypto funds irreversibly
//	privilege.payment              +45  moves money (charges, refunds, payouts)
//	privilege.admin                +40  manages members, keys or billing
//	privilege.full-account         +40  acts as the account owner
//	privilege.supply-chain         +40  publishes code, packages or images
//	privilege.billing-abuse        +35  spends paid compute, reads stored data
//	privilege.ci                   +35  runs CI jobs and reads their secrets
//	privilege.data-store           +35  reads and writes a data store
//	privilege.messaging            +30  sends mail, SMS or chat as the owner
//	privilege.session              +30  short-lived bearer session
//	privilege.scoped               +25  permissions chosen at creation
//	privilege.read-only            +15  reads data only
//	privilege.identifier            +5  not a secret without its pair
//	privilege.test-mode             +0  sandbox access only
//	privilege.other                +20  a class the weights do not list
//	severity.critical              +20  catalog base severity C
//	severity.high                  +15  catalog base severity H
//	severity.medium                +10  catalog base severity M
//	severity.low                    +5  catalog base severity L
//	severity.info                   +0  catalog base severity I
//	confidence.validated           +15  checksum or structure confirmed
//	confidence.distinctive         +10  distinctive prefix or fixed marker
//	confidence.contextual           +0  random value next to a keyword
//	confidence.generic             -10  keyword assignment with entropy
//	mode.test                      -15  test, sandbox or testnet value
//	exposure.public                +25  public paste, repository, web page
//	exposure.source-code           +10  source code or configuration
//	exposure.log                   +10  log line, trace or telemetry
//	exposure.user-input             +0  submitted by its owner
//	store.known-leaked             +30  listed in the leak store; always critical
//	fact.linked                    +10  found next to its paired id or secret
//	fact.aws-account                +5  AWS account id decoded from the key id
//	fact.expired                   -40  token expiry before Input.Now
//	fact.encrypted                 -30  encrypted, needs a passphrase
//
// A store.unavailable reason (0 points) is listed when the leak store
// could not answer. An unknown exposure adds no reason. For a known-leaked secret the
// store.known-leaked reason carries whichever is larger: its weight or the
// points needed to reach the critical threshold, so the listed points
// still add up to the score (before clamping).
//
// Some worked examples at the defaults: an AWS secret access key
// (cloud-root, critical, contextual) in a log line scores 50+20+0+10 = 80,
// critical; an OpenAI project key (billing-abuse, critical, distinctive)
// submitted by its owner scores 35+20+10+0 = 65, high; a Stripe test key
// (payment when live, critical, distinctive, test) scores 0+20+10-15 = 15,
// low; an
// expired session JWT (session, high, validated) scores 30+15+15-40 = 20,
// low.
//
// # Levels
//
// A score maps to a [Level] by [Thresholds], the lowest score of each
// level. The defaults ([DefaultThresholds]):
//
//	Level     Scores
//	none      0–0
//	low       1–29
//	medium    30–54
//	high      55–79
//	critical  80–100
//
// Weights and thresholds are configurable through [Config]; its zero
// value means the defaults. [New] rejects weights outside ±[MaxWeight]
// and thresholds that do not increase within 1…100.
//
// # Checking a submitted key
//
// A [Checker] answers, for a key pasted into a signup or key-registration
// form, whether to accept it. [Checker.Check] trims surrounding white
// space, scans the value alone and accepts it only when one finding covers
// the whole value. Otherwise the [Decision] is a rejection, and its Result
// lists a rejection reason (0 points) first:
//
//	check.malformed        empty, too long, or text around the key
//	check.unrecognised     not a credential the detector recognises
//	check.unexpected-type  a credential, but not of a type the caller expects
//	check.checksum         the shape of a checksummed type, but the check fails
//	check.placeholder      a placeholder or documentation example
//	check.test-mode        a test or sandbox key where a live one is required
//	check.expired          a token whose expiry has passed
//	check.undecided        the detector could not decide it (fail closed)
//	store.known-leaked     listed in the leak store
//	store.unavailable      the leak store could not answer
//
// When the key was recognised, the Result also holds its risk score as
// user input, so that a service can store the level with the key. Build
// the Checker's detector from [KeyPatterns] with decoding off: patterns
// that need context cannot recognise a bare key, and the generic ones are
// the slowest to run. A Decision's [Checks] say which checks ran (format,
// placeholder, type, test-key, expiry, leak-store), so that a service can
// tell "not listed" from "not looked up".
//
// # The leak store fails closed
//
// A [LeakStore] lookup takes a context and returns an error when it cannot
// answer, and no consumer reads that error as "not listed". A [Checker]
// whose store errors rejects the key with store.unavailable and puts the
// error in Decision.StoreErr; [CheckerConfig].RequireStore does the same
// when no store is configured, so that a store file that failed to load
// is an outage, not an empty list. [CheckerConfig].StoreFailOpen accepts
// such keys instead; this is failing open, and the Decision still lists
// store.unavailable and lacks the leak-store check. Without a store and
// without RequireStore, keys are not looked up, and Decisions say so.
// [Scorer.ScoreFinding] returns a failing store's error with a score that
// ignores the store and lists store.unavailable (0 points).
//
// Load a store file at startup and treat an error as fatal, or as an
// explicit choice to run without one:
//
//	store, err := leakstore.ReadFile("leaked.lwl", nil)
//	if err != nil {
//		return err // a missing or corrupt store is not an empty one
//	}
//	chk, err := score.NewChecker(det, score.CheckerConfig{Store: store})
//
// # Concurrency and cost
//
// A [Scorer] and a [Checker] are immutable after construction and safe
// for concurrent use. [Scorer.Score] and [Scorer.ScoreFinding] do not
// allocate (unless the store fails: its error is wrapped).
// [Checker.Check] of a recognised key costs one detector scan of the key,
// one store lookup (a SHA-256 of the key) and one score; it adds no
// allocation to the scan's, and the scan dominates its time. The
// rejection paths for unrecognised values also run the regexes of the
// patterns whose keywords the value contains (see [Checker.Check]).
//
// # What is not promised
//
// The score ranks; it is not a probability. Weights reflect the catalog's
// privilege classes, not what a particular key was granted: a read-only
// key of a type whose class is full-account scores as full-account.
// Check recognises a value by its own shape; types that the catalog can
// only recognise next to a keyword (a bare 40-character AWS secret access
// key, for example) are not recognised by Check.
package score
