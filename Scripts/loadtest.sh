#!/usr/bin/env bash
# Load test: CLIENTS concurrent submitters on loopback (sources 127.0.0.1, .2 and .3) for SECONDS against a release
# evidence-drop, then checks the store and scans everything for the submitters' traces.
#
#   Scripts/loadtest.sh [CLIENTS] [SECONDS]        default 50 clients for 60 s
#
# Tests/Load/loadtest.py sends corpus photos (../shared/corpus) and a large generated MP4, by form post and by tus;
# some clients drop mid-upload, some send slowly, some submissions carry a PDF the server must refuse, and 503
# (busy) answers are retried. Afterwards:
#   - Tests/Load/check_store.py: every receipt is a stored file (matched through its log index and receipt code),
#     no record or blob without a receipt, nothing left in spool/, `evidence-review verify` passes;
#   - Tests/Load/anonymity_scan.py: no client address, User-Agent, Referer, original file name, message or video
#     plaintext in the data folder, the server's temp folder, the captured server output, or any file under
#     $TMPDIR (default /tmp) changed during the run (Swift build folders aside); 127.0.0.1 is searched for in the
#     data folder, and in the output except in the server's own "listening on 127.0.0.1:PORT" lines.
# Prints uploads/s, MB/s, latency percentiles, refusals, the server's peak RSS and CPU time; exits 1 on any failure.
#
# Environment: LOADTEST_ARGS (more loadtest.py options, e.g. "--video-mb 96 --drop-fraction 0.3"),
# EVIDENCE_MAX_CONCURRENT_UPLOADS (the server's upload places; default here 8, well below the 50 clients, so that
# the busy path is taken), LOG_LEVEL (the server's; default trace, the most it can say), LOADTEST_KEEP=1 keeps the work folder (it is
# always kept after a failure).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

clients="${1:-50}"
seconds="${2:-60}"
corpus="$root/../shared/corpus"
if [ ! -d "$corpus" ]; then
  echo "loadtest: $corpus is absent: the load test needs the corpus" >&2
  exit 2
fi

swift build -c release >&2
bin="$(swift build -c release --show-bin-path)"

work=$(mktemp -d "${TMPDIR:-/tmp}/evidence-loadtest.XXXXXX")
data="$work/data"
keys="$work/keys"
client="$work/client"   # the clients' results list every needle: kept out of the scan
mkdir -p "$work/server-tmp" "$keys" "$client"
export EVIDENCE_KEY_PASSPHRASE="load test passphrase $(date +%s%N)"
"$bin/evidence-review" keygen --out "$keys/reviewer.key" --passphrase-from-environment >/dev/null

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
touch "$work/marker"
sleep 1   # so that a file changed during the run has a later change time than the marker, even on coarse clocks
TMPDIR="$work/server-tmp" LOG_LEVEL="${LOG_LEVEL:-trace}" "$bin/evidence-drop" serve \
  --data "$data" --recipient "$keys/reviewer.key.pub" --host 127.0.0.1 --port "$port" \
  --public-folder "$root/Public" --max-concurrent-uploads "${EVIDENCE_MAX_CONCURRENT_UPLOADS:-8}" \
  >"$work/server.log" 2>&1 &
server=$!
failed=0
cleanup() {
  kill "$server" 2>/dev/null || true
  if [ "${LOADTEST_KEEP:-0}" = 1 ] || [ "$failed" != 0 ]; then echo "loadtest: work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || { echo "loadtest: the server did not start:" >&2; cat "$work/server.log" >&2; failed=1; exit 1; }

# Other work on the machine skews the figures: note the load when the run starts.
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
# shellcheck disable=SC2086
python3 Tests/Load/loadtest.py "http://127.0.0.1:$port" --clients "$clients" --seconds "$seconds" --corpus "$corpus" \
  --out "$client/results.json" ${LOADTEST_ARGS:-} >"$client/loadtest.out" 2>"$client/loadtest.err" || failed=1

# The server's peak resident memory and CPU time, read before it stops.
peak_rss_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server/status" 2>/dev/null || echo 0)
cpu_seconds=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$server/stat" 2>/dev/null || echo 0)
kill -TERM "$server"
server_status=0
for _ in $(seq 1 300); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server" 2>/dev/null; then
  echo "loadtest: the server did not stop within 30 s of SIGTERM" >&2
  failed=1
else
  wait "$server" || server_status=$?
fi

# The scan first, while the modification times are the server's (evidence-review opens the database too).
python3 Tests/Load/anonymity_scan.py --needles "$client/results.json" \
  --data "$data" --scan "$work" --output "$work/server.log" \
  --recent "${TMPDIR:-/tmp}" --since "$work/marker" --exclude "$client" --skip-dir-name .build --skip-dir-name .git \
  --allow 'listening on (http://)?127\.0\.0\.1:[0-9]+' \
  --out "$client/scan.json" >/dev/null || failed=1
python3 Tests/Load/check_store.py --data "$data" --review "$bin/evidence-review" --key "$keys/reviewer.key" \
  --results "$client/results.json" --out "$client/check.json" >/dev/null || failed=1

# The summary holds no needle (no address but the server's, no User-Agent, no file name).
python3 - "$client" "$clients" "$seconds" "$peak_rss_kib" "$cpu_seconds" "$server_status" "$work" "$load_at_start" \
  "${EVIDENCE_MAX_CONCURRENT_UPLOADS:-8}" <<'PY' || failed=1
import json, os, platform, sys
client, clients, seconds, rss, cpu, server_status, work, load_at_start, places = sys.argv[1:]
results = json.load(open(os.path.join(client, "results.json"))) if os.path.exists(os.path.join(client, "results.json")) else {}
check = json.load(open(os.path.join(client, "check.json"))) if os.path.exists(os.path.join(client, "check.json")) else {}
scan = json.load(open(os.path.join(client, "scan.json"))) if os.path.exists(os.path.join(client, "scan.json")) else {}
cpus = os.cpu_count()
memory = next((int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"machine: {cpus} cores ({model}), {memory} MiB, {platform.system()} {platform.release()}; load average at start {load_at_start}")
print(f"server: release build, --max-concurrent-uploads {places}, other limits default")
print(f"load: {clients} clients for {seconds} s, roles {results.get('roles')}, {results.get('video_clients')} video clients "
      f"({results.get('tus_video_clients')} by tus), large video {results.get('large_video', {}).get('bytes', 0) / 1e6:.0f} MB")
t = results.get("throughput", {})
print(f"stored: {results.get('receipts_during_load')} submissions, {results.get('files_stored_during_load')} files in "
      f"{results.get('elapsed_seconds')} s: {t.get('submissions_per_second')} uploads/s, {t.get('files_per_second')} files/s, "
      f"{t.get('stored_mb_per_second')} MB/s stored ({t.get('stored_mb')} MB), {t.get('sent_mb_per_second')} MB/s sent")
for kind, p in (results.get("latency") or {}).items():
    if p:
        print(f"latency {kind}: n={p['count']} p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, p99 {p['p99_ms']} ms, max {p['max_ms']} ms")
e = results.get("events", {})
print(f"events: {json.dumps(e, sort_keys=True)}")
print(f"statuses: {json.dumps(results.get('statuses'), sort_keys=True)}; preflight refused: {results.get('preflight', {}).get('refused')}")
print(f"findings (not failures): {results.get('findings') or 'none'}")
print(f"server: peak RSS {int(rss) / 1024:.0f} MiB, CPU {cpu} s, exit status {server_status} after SIGTERM")
print(f"store: {check.get('records')} records for {check.get('receipt_files')} receipt files ({check.get('matched')} matched), "
      f"{check.get('records_without_receipt')} without receipt, {check.get('blobs')} blobs, spool left {check.get('spool_left')}, "
      f"verify exit {check.get('verify_exit')}")
s = scan.get("scanned", {})
print(f"anonymity scan: {s.get('files')} files, {s.get('bytes', 0) / 1e6:.0f} MB, {s.get('names')} names; "
      f"{len(scan.get('hits', []))} hits, {len(scan.get('allowed', []))} allowed (server's own address lines), "
      f"modification times not 2000-01-01: {scan.get('mtime_not_constant_count')} "
      f"{[m['path'] for m in scan.get('mtime_not_constant', [])[:8]]}")
problems = results.get("failures", []) + check.get("failures", [])
for problem in problems[:30]:
    print("FAILURE: " + problem)
for hit in scan.get("hits", [])[:30]:
    print(f"HIT: {hit.get('where')} {os.path.relpath(hit['path'], work) if hit['path'].startswith(work) else hit['path']} "
          f"at {hit.get('offset', hit.get('in'))}")
if server_status != "0":
    print(f"FAILURE: the server exited with status {server_status}")
sys.exit(1 if problems or scan.get("hits") or server_status != "0" or not results or not check or not scan else 0)
PY

if [ "$failed" != 0 ]; then
  echo "loadtest: FAILED (details in $client/*.json)" >&2
  tail -n 20 "$client/loadtest.err" >&2 || true
  exit 1
fi
echo "loadtest: passed"
