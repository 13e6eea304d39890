package trafficb

import (
	"math"
	"math/rand/v2"
)

// span is a closed range a parameter is drawn from.
type span struct{ lo, hi float64 }

// uni draws uniformly from s.
func (s span) uni(r *rand.Rand) float64 { return s.lo + (s.hi-s.lo)*r.Float64() }

// log draws log-uniformly from s (both ends > 0).
func (s span) log(r *rand.Rand) float64 {
	return math.Exp(math.Log(s.lo) + (math.Log(s.hi)-math.Log(s.lo))*r.Float64())
}

// int draws an integer uniformly from [lo, hi].
func (s span) int(r *rand.Rand) int {
	lo, hi := int(s.lo), int(s.hi)
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// worldRanges size the address world. Each seed draws one value per row.
var worldRanges = struct {
	cloudProviders   span // providers renting compute (services, serverless, CI)
	cloudRegions     span // regions per cloud provider
	cloudRegion16s   span // IPv4 /16 blocks per region
	cloudV6Share     span // share of cloud egress that is IPv6
	hosters          span // VPS and hosting providers (relays, attackers, some services)
	isps             span // residential ISPs
	isp16s           span // IPv4 /16 blocks per ISP
	ispV6Share       span // share of homes on an ISP that reach the API over IPv6
	ispDynamicShare  span // share of ISPs that reassign home IPv4 addresses every few days
	carriers         span // mobile carriers (CGNAT pools)
	carrier16s       span // IPv4 /16 blocks per carrier
	carrierV6Share   span // share of carrier sessions over IPv6
	businessISPs     span // ISPs hosting organisations' office blocks
	timezones        span // distinct UTC offsets the population lives in
	relays           span // relay or aggregator operators
	relayAddrs       span // egress addresses per relay operator
	sdkFamilies      span // official client libraries in use
	sdkReleases      span // releases per library during the span
	otherAgents      span // generic HTTP clients in use (curl, requests, ...)
	browserVersions  span // browser user agents in circulation
	appVersionsAlive span // mobile app versions in circulation at once
}{
	cloudProviders:   span{3, 7},
	cloudRegions:     span{2, 8},
	cloudRegion16s:   span{1, 3},
	cloudV6Share:     span{0.0, 0.35},
	hosters:          span{4, 12},
	isps:             span{8, 40},
	isp16s:           span{1, 10},
	ispV6Share:       span{0.0, 0.6},
	ispDynamicShare:  span{0.1, 0.6},
	carriers:         span{3, 12},
	carrier16s:       span{1, 6},
	carrierV6Share:   span{0.2, 0.8},
	businessISPs:     span{3, 10},
	timezones:        span{2, 8},
	relays:           span{2, 6},
	relayAddrs:       span{2, 8},
	sdkFamilies:      span{2, 6},
	sdkReleases:      span{1, 3},
	otherAgents:      span{3, 7},
	browserVersions:  span{4, 10},
	appVersionsAlive: span{2, 5},
}

// archetypeWeights are the relative weights of each base archetype, one
// draw per seed, normalised over the rows. An archetype is how a key is
// used from day to day; a change (below) is applied on top.
var archetypeWeights = [numArch]span{
	archService:    {0.15, 0.35}, // backend service in a cloud region, daily cycle
	archCron:       {0.03, 0.10}, // scheduled jobs at fixed times
	archPerson:     {0.15, 0.35}, // a person moving between home, office and phone
	archOccasional: {0.05, 0.20}, // a script run by hand now and then
	archMobile:     {0.003, 0.02},
	archBrowser:    {0.003, 0.02},
	archServerless: {0.03, 0.10}, // fresh cloud address per invocation
	archCI:         {0.03, 0.10}, // fresh runner address per CI run
	archRelay:      {0.03, 0.10}, // carried by a relay or aggregator
}

// rateRanges are the median calls per day of each archetype (one draw per
// seed, log-uniform), before all rates are scaled so that the mean over
// keys lands in meanCallsPerKeyDay.
var rateRanges = [numArch]span{
	archService:    {20, 200},
	archCron:       {5, 60},
	archPerson:     {4, 40},
	archOccasional: {0.3, 4},
	archMobile:     {60, 600},
	archBrowser:    {40, 400},
	archServerless: {10, 150},
	archCI:         {5, 60},
	archRelay:      {5, 60},
}

// changeShares are the shares of keys given one benign change (one draw per
// seed). A key gets at most one change.
var changeShares = struct {
	travel, homeMove, newRegion, leakedUnused, rotated, rotatedQuiet span
	dormantReturn, dormantIdle, newKey                               span
	auditOrgs                                                        span // organisations that audit their keys (count, not share)
	auditOrgKeys                                                     span // keys per audited organisation
	auditUnused                                                      span // share of an audited org's keys with no other use
}{
	travel:        span{0.02, 0.06},
	homeMove:      span{0.01, 0.04},
	newRegion:     span{0.01, 0.04},
	leakedUnused:  span{0.002, 0.01},
	rotated:       span{0.002, 0.01},
	rotatedQuiet:  span{0.002, 0.008},
	dormantReturn: span{0.005, 0.02},
	dormantIdle:   span{0.01, 0.03},
	newKey:        span{0.03, 0.10},
	auditOrgs:     span{1, 4},
	auditOrgKeys:  span{5, 60},
	auditUnused:   span{0, 0.15},
}

// fleetRanges shape changes many keys make at once.
var fleetRanges = struct {
	launchDay      span // when a new expensive operation launches (fraction of the span)
	launchCost     span // its units per call, as a multiple of the median call
	launchTriers   span // share of eligible keys that try it
	launchLagHours span // mean delay from launch to a key's first try
	launchCalls    span // calls in a first try
	launchAdopt    span // share of triers that keep using it
	sdkAdopt       span // share of a library's users that upgrade within the span
	sdkLagDays     span // mean delay from release to upgrade
}{
	launchDay:      span{0.25, 0.7},
	launchCost:     span{20, 300},
	launchTriers:   span{0.1, 0.4},
	launchLagHours: span{3, 36},
	launchCalls:    span{1, 6},
	launchAdopt:    span{0.1, 0.5},
	sdkAdopt:       span{0.3, 0.8},
	sdkLagDays:     span{0.5, 8},
}

// keyRanges are per-key draws (each key draws its own value).
var keyRanges = struct {
	rateSigma       span // lognormal spread of a key's rate around its archetype's median
	daySigma        span // lognormal day-to-day variation of a key's volume
	peakRatio       span // busiest hour over quietest hour of a daily cycle
	weekendFactor   span // weekend volume relative to weekdays (business shapes)
	sessionCalls    span // mean calls per session
	sessionGapSec   span // mean seconds between calls in a session
	unitSigma       span // lognormal spread of units per call
	unitMul         span // a key's units multiplier (model size, payloads)
	readOnlyShare   span // share of keys restricted to reads (per seed)
	adminShare      span // share of write keys that also call admin operations (per seed)
	egressAddrs     span // NAT or node addresses of a service
	travelDays      span
	travelTZShift   span // hours
	regionRampDays  span // days for a new region to take its share
	regionShare     span // final share of traffic in a new region
	rotateDelayHour span // leak notice to unmark
	dormantActive   span // days of use before a dormant key goes silent
	meanCallsPerKey span // target mean calls per key per day (per seed)
}{
	rateSigma:       span{0.6, 1.3},
	daySigma:        span{0.1, 0.6},
	peakRatio:       span{1.5, 20},
	weekendFactor:   span{0.05, 0.6},
	sessionCalls:    span{1, 6},
	sessionGapSec:   span{2, 90},
	unitSigma:       span{0.15, 0.9},
	unitMul:         span{0.3, 3},
	readOnlyShare:   span{0.3, 0.6},
	adminShare:      span{0.05, 0.2},
	egressAddrs:     span{1, 6},
	travelDays:      span{2, 12},
	travelTZShift:   span{2, 10},
	regionRampDays:  span{0.5, 5},
	regionShare:     span{0.2, 0.7},
	rotateDelayHour: span{0.3, 72},
	dormantActive:   span{0.7, 3.5},
	meanCallsPerKey: span{6.5, 10},
}

// attackRanges shape attack instances (each instance draws its own values).
var attackRanges = struct {
	historyDays      span // days of the victim's history before an attack starts (at least)
	replayNetworks   span // distinct networks in a replay
	replayHours      span
	replayCallsHour  span
	afterLeakHours   span // leak notice to abuse (leak first)
	leakLateHours    span // abuse to leak notice (abuse first)
	afterLeakCallsH  span
	afterLeakDurH    span
	testKeys         span // keys presented by a key tester
	testEstablished  span // share of established keys (harvest shapes)
	testGapFastSec   span
	testGapSlowSec   span
	billingFactor    span // hourly units over the key's busiest hour before the attack
	billingHours     span
	billingPerWindow span // expensive calls per 5 minutes (few-expensive shape)
	privescHours     span
	privescCallsHour span
	dripCallsHour    span
	dripDays         span
	dormantCallsHour span
	dormantHours     span
}{
	historyDays:      span{5, 7},
	replayNetworks:   span{8, 120},
	replayHours:      span{1, 48},
	replayCallsHour:  span{5, 150},
	afterLeakHours:   span{0.1, 72},
	leakLateHours:    span{0.2, 18},
	afterLeakCallsH:  span{2, 120},
	afterLeakDurH:    span{2, 96},
	testKeys:         span{15, 120},
	testEstablished:  span{0.5, 1},
	testGapFastSec:   span{0.2, 5},
	testGapSlowSec:   span{30, 600},
	billingFactor:    span{5, 50},
	billingHours:     span{2, 18},
	billingPerWindow: span{1, 4},
	privescHours:     span{0.5, 24},
	privescCallsHour: span{1, 40},
	dripCallsHour:    span{0.3, 5},
	dripDays:         span{2, 12},
	dormantCallsHour: span{1, 60},
	dormantHours:     span{1, 72},
}
