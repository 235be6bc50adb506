#!/usr/bin/env bash
# Installs (with apt-get, on Debian) what building, running and testing evidence-drop needs and is missing.
# Prints the Python interpreter that has the `cryptography` package, for the tests.
set -euo pipefail

needed=()
have_package() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for package in pkg-config libssl-dev zlib1g-dev libsqlite3-dev libimage-exiftool-perl imagemagick ffmpeg lame mpg123 mkvtoolnix curl openssl sqlite3 python3-cryptography time; do
  have_package "$package" || needed+=("$package")
done

if [ ${#needed[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${needed[*]} (run as root, or: sudo apt-get install -y ${needed[*]})" >&2
    exit 2
  fi
  echo "setup: installing ${needed[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >&2
fi

command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 2; }
