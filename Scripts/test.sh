#!/usr/bin/env bash
# Installs what the tests need (Debian, as root) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh

# The independent Python decryptor needs the `cryptography` package: use the first python3 that has it.
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c "import cryptography" 2>/dev/null; then
    export EVIDENCE_PYTHON="$(command -v "$candidate")"
    break
  fi
done
: "${EVIDENCE_PYTHON:?no python3 with the cryptography package}"

if [ ! -d ../shared/corpus ]; then
  echo "test: ../shared/corpus is absent: corpus tests will be skipped" >&2
fi

swift build --build-tests
swift test --skip-build --disable-xctest
