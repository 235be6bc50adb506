#!/usr/bin/env bash
# Builds evidence-drop (release), makes a demo reviewer key outside the data folder, and runs the server.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh
swift build -c release
bin="$(swift build -c release --show-bin-path)"

key_dir="${EVIDENCE_DEMO_KEYS:-$HOME/evidence-demo-keys}"
data="${EVIDENCE_DATA:-$PWD/evidence-data}"
port="${EVIDENCE_PORT:-8080}"
export EVIDENCE_KEY_PASSPHRASE="${EVIDENCE_KEY_PASSPHRASE:-demo passphrase, change me}"

mkdir -p "$key_dir"
if [ ! -f "$key_dir/reviewer.key" ]; then
  "$bin/evidence-review" keygen --out "$key_dir/reviewer.key" --passphrase-from-environment
fi

cat <<TXT

evidence-drop demo
  web form:      http://127.0.0.1:$port/
  data folder:   $data
  reviewer key:  $key_dir/reviewer.key (demo passphrase: "$EVIDENCE_KEY_PASSPHRASE")

Send two photos from the form (or: curl -F files=@photo.jpg -F files=@other.jpg http://127.0.0.1:$port/submissions),
then in another terminal:
  export EVIDENCE_KEY_PASSPHRASE='$EVIDENCE_KEY_PASSPHRASE'
  $bin/evidence-review list --data "$data" --key "$key_dir/reviewer.key"
  $bin/evidence-review show 1 --data "$data" --key "$key_dir/reviewer.key"
  $bin/evidence-review export 1 --data "$data" --key "$key_dir/reviewer.key" --to ./exported
  (cd exported && sha256sum -c manifest.sha256)
  $bin/evidence-review approve 1 --data "$data" --note "checked"
  $bin/evidence-review reject 2 --data "$data" --reason "not relevant"

Stop the server with Ctrl-C.
TXT

exec "$bin/evidence-drop" serve --data "$data" --port "$port" --recipient "$key_dir/reviewer.key.pub" --public-folder "$PWD/Public"
