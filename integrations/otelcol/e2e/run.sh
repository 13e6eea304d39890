#!/usr/bin/env bash
# End-to-end test of the leakward processor in a real collector.
#
# Installs the collector builder (ocb) from the Go module proxy, builds a
# collector with the filelog receiver, the leakward processor and the file
# exporter, runs it on generated log lines holding synthetic secrets, stops
# it by its PID, and checks that the exported records hold no secret and that
# none was lost or duplicated, and that the collector's own metrics endpoint
# shows the processor's counters (findings by pattern equal to the input's).
# Exit status 0 means pass.
#
# Needs only go on PATH and the module proxy. Everything it builds goes to a
# temporary directory that is removed at exit (LW_E2E_KEEP=1 keeps it).
# Environment: LW_E2E_LINES (default 2000), LW_E2E_TIMEOUT seconds to wait
# for the records (default 180).
set -euo pipefail

OCB_VERSION=v0.165.0 # must equal the collector release in builder-config.yaml
LINES=${LW_E2E_LINES:-2000}
TIMEOUT=${LW_E2E_TIMEOUT:-180}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
module=$(cd "$here/.." && pwd)
repo=$(cd "$module/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/leakward-e2e.XXXXXX")
pid=""

log() { printf 'e2e: %s\n' "$*" >&2; }

cleanup() {
	status=$?
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [[ $status -ne 0 && -f "$work/collector.log" ]]; then
		log "collector log (last 40 lines):"
		tail -n 40 "$work/collector.log" >&2 || true
	fi
	if [[ "${LW_E2E_KEEP:-}" == 1 ]]; then
		log "kept $work"
	else
		rm -rf "$work"
	fi
	if [[ $status -eq 0 ]]; then
		log PASS
		echo "e2e: 1 passed, 0 failed"
	else
		log "FAIL (status $status)"
		echo "e2e: 0 passed, 1 failed"
	fi
	exit "$status"
}
trap cleanup EXIT

start=$SECONDS
real_go=$(command -v go)
mkdir -p "$work/bin" "$work/build" "$work/data"

log "installing ocb $OCB_VERSION"
GOBIN="$work/bin" go install "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION"

cp "$here/go-tidy-e.sh" "$work/go"
chmod +x "$work/go"
sed -e "s|@OUT@|$work/build|" -e "s|@GO@|$work/go|" -e "s|@MODULE@|$module|" -e "s|@REPO@|$repo|" \
	"$here/builder-config.yaml" >"$work/builder-config.yaml"

log "building the collector"
LW_GO="$real_go" "$work/bin/builder" --config "$work/builder-config.yaml" >"$work/ocb.log" 2>&1 || {
	tail -n 60 "$work/ocb.log" >&2
	exit 1
}
collector="$work/build/otelcol-leakward"
[[ -x "$collector" ]] || { log "no collector binary at $collector"; exit 1; }
log "collector built after $((SECONDS - start))s"

(cd "$module" && go build -o "$work/bin/e2etool" ./e2e/e2etool)
"$work/bin/e2etool" gen -dir "$work/data" -n "$LINES" >&2

export LW_E2E_DIR="$work/data"
LW_E2E_METRICS_PORT=$("$work/bin/e2etool" port)
export LW_E2E_METRICS_PORT
LW_E2E_FP_KEY=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
export LW_E2E_FP_KEY

"$collector" --config "$here/collector-config.yaml" >"$work/collector.log" 2>&1 &
pid=$!
log "collector running as PID $pid"

got=0
deadline=$((SECONDS + TIMEOUT))
while ((SECONDS < deadline)); do
	if ! kill -0 "$pid" 2>/dev/null; then
		log "collector exited early"
		exit 1
	fi
	got=$("$work/bin/e2etool" count -dir "$work/data" -n "$LINES")
	((got >= LINES)) && break
	sleep 1
done
log "$got of $LINES records exported"

# The processor's metrics, read while the collector runs. The records are
# out, so every value has been counted.
"$work/bin/e2etool" metrics -url "http://127.0.0.1:$LW_E2E_METRICS_PORT/metrics" -n "$LINES" >&2

log "stopping PID $pid"
kill -TERM "$pid"
for _ in $(seq 1 30); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 1
done
if kill -0 "$pid" 2>/dev/null; then
	log "collector ignored SIGTERM for 30s"
	exit 1
fi
wait "$pid" || true
pid=""

"$work/bin/e2etool" check -dir "$work/data" -n "$LINES" -also "$work/collector.log" >&2
log "done in $((SECONDS - start))s"
