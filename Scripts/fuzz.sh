#!/usr/bin/env bash
# Fuzzes MediaScrub's parsers with libFuzzer and AddressSanitizer, one target per container family.
#
#   Scripts/fuzz.sh FORMAT SECONDS [libFuzzer options...]
#
# FORMAT is a target, one of Tests/Fuzz/Targets/*.swift (avi, flac, gif, isobmff, jpeg, matroska, mp3, ogg, png, riff,
# sniff, webp),
# or `all` for each in turn, SECONDS each. A thrown ScrubError is fine; a trap, a sanitizer report, an input taking
# over 10 s or one allocating past the memory limits is a failure: the script prints the report, names the input
# and exits non-zero (for `all`, after running the remaining targets). Everything is written under .build/fuzz,
# nothing outside the repository (../shared is only read):
#   lib/             MediaScrub, built once with coverage and sanitizers and linked into every target
#   TARGET           the fuzzers, rebuilt only when a source (or this script) is newer
#   seeds/TARGET/    the files of ../shared/corpus with the target's extensions, cut to its largest input and
#                    remade each run (empty when the corpus is absent)
#   corpus/TARGET/   the inputs libFuzzer found that reach new code, kept from run to run
#   crashes/TARGET/  crash-*, timeout-*, oom-* inputs
#   logs/TARGET.log  libFuzzer's output of the last run (follow a long run with tail -f)
# Each target also gets the magic words of its format from Tests/Fuzz/Dictionaries/TARGET.dict.
# Reproduce a failure (the trap and its stack) with: .build/fuzz/TARGET .build/fuzz/crashes/TARGET/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."

# No legitimate allocation for a 1 MiB input comes near 512 MiB (the largest held structure is capped at 64 MiB).
fuzz_options=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1)
# Sources/CZlib holds the module map of the system zlib that MediaScrub imports; the fuzzers link it with -lz.
swift_flags=(-O -wmo -g -sanitize=fuzzer,address -parse-as-library -swift-version 6 -use-ld=lld -I Sources/CZlib)

usage() {
  echo "usage: Scripts/fuzz.sh FORMAT SECONDS [libFuzzer options...]; FORMAT: all $(all_targets | tr '\n' ' ')" >&2
  exit 2
}

all_targets() {
  for file in Tests/Fuzz/Targets/*.swift; do basename "$file" .swift; done
}

# The corpus file extensions (lower case) that seed each target.
seed_extensions() {
  case $1 in
    jpeg) echo "jpg jpeg" ;;
    png) echo "png" ;;
    gif) echo "gif" ;;
    webp) echo "webp" ;;
    riff) echo "wav aif aiff" ;;
    mp3) echo "mp3" ;;
    flac) echo "flac" ;;
    ogg) echo "ogg opus" ;;
    isobmff) echo "heic heif avif mp4 m4v mov m4a 3gp 3g2" ;;
    avi) echo "avi" ;;
    matroska) echo "mkv webm" ;;
    sniff) for target in $(all_targets); do [ "$target" = sniff ] || seed_extensions "$target"; done ;;
  esac
}

# The largest input, in bytes. 256 KiB holds every header structure, several 64 KiB reader blocks and more than
# the 136 KiB that MP3 and FLAC hold back to find trailing tags, and keeps runs fast; ISO BMFF gets 1 MiB because
# phones write the index after the media data. Longer corpus files are cut to this length rather than skipped:
# the cut keeps the headers, and a cut file is itself a good hostile input.
max_len() {
  case $1 in
    isobmff | sniff) echo $((1024 * 1024)) ;;
    *) echo $((256 * 1024)) ;;
  esac
}

# True when $1 is missing or older than any of the other files.
stale() {
  local output=$1 input
  shift
  [ -e "$output" ] || return 0
  for input in "$@"; do [ "$input" -nt "$output" ] && return 0; done
  return 1
}

build_library() {
  local sources=(Sources/MediaScrub/*.swift)
  local headers=(Sources/CZlib/*)
  # The list of sources is part of the stamp, so deleting a file also rebuilds.
  local stamp
  stamp=$(printf '%s\n' "${swift_flags[@]}" "${sources[@]}")
  if [ "$(cat .build/fuzz/lib/inputs 2>/dev/null)" = "$stamp" ] && ! stale .build/fuzz/lib/libMediaScrub.a "${sources[@]}" "${headers[@]}" "$0"; then
    return
  fi
  echo "fuzz: building MediaScrub with sanitizers" >&2
  rm -rf .build/fuzz/lib
  mkdir -p .build/fuzz/lib
  swiftc "${swift_flags[@]}" -module-name MediaScrub -emit-module -emit-module-path .build/fuzz/lib/MediaScrub.swiftmodule \
    -emit-library -static -o .build/fuzz/lib/libMediaScrub.a "${sources[@]}"
  echo "$stamp" >.build/fuzz/lib/inputs
}

build_target() {
  local target=$1
  local sources=(Tests/Fuzz/FuzzSupport.swift "Tests/Fuzz/Targets/$target.swift")
  stale ".build/fuzz/$target" .build/fuzz/lib/libMediaScrub.a "${sources[@]}" "$0" || return 0
  echo "fuzz: building the $target fuzzer" >&2
  swiftc "${swift_flags[@]}" -I .build/fuzz/lib -L .build/fuzz/lib -lMediaScrub -lz "${sources[@]}" -o ".build/fuzz/$target"
}

# Copies the matching corpus files into seeds/TARGET, named by content hash (which also drops duplicates).
make_seeds() {
  local target=$1 seeds=.build/fuzz/seeds/$1 corpus=../shared/corpus length
  length=$(max_len "$target")
  rm -rf "$seeds"
  mkdir -p "$seeds"
  [ -d "$corpus" ] || return 0
  local patterns=() extension
  for extension in $(seed_extensions "$target"); do patterns+=(-o -iname "*.$extension"); done
  local file
  while IFS= read -r -d '' file; do
    head -c "$length" "$file" >"$seeds/new"
    mv "$seeds/new" "$seeds/$(sha1sum "$seeds/new" | cut -d' ' -f1)"
  done < <(find -L "$corpus" -type f \( -false "${patterns[@]}" \) -print0)
}

# The target's dictionary of magic words (box, chunk and marker names compared as strings, which libFuzzer cannot
# see through); sniff gets every family's words.
dictionary() {
  local target=$1
  if [ "$target" = sniff ]; then
    cat Tests/Fuzz/Dictionaries/*.dict >.build/fuzz/sniff.dict
    echo .build/fuzz/sniff.dict
  else
    echo "Tests/Fuzz/Dictionaries/$target.dict"
  fi
}

# Runs one target; prints a summary line, or the sanitizer report and the failing input.
run_target() {
  local target=$1 seconds=$2
  shift 2
  local corpus=.build/fuzz/corpus/$target crashes=.build/fuzz/crashes/$target log=.build/fuzz/logs/$target.log
  mkdir -p "$corpus" "$crashes" .build/fuzz/logs
  make_seeds "$target"
  local seed_count
  seed_count=$(find ".build/fuzz/seeds/$target" -type f | wc -l)
  echo "fuzz: $target for ${seconds} s ($seed_count seeds, $(find "$corpus" -type f | wc -l) inputs in the corpus)" >&2
  local status=0
  "./.build/fuzz/$target" "${fuzz_options[@]}" -max_len="$(max_len "$target")" -dict="$(dictionary "$target")" \
    -max_total_time="$seconds" -artifact_prefix="$crashes/" "$@" \
    "$corpus" ".build/fuzz/seeds/$target" >"$log" 2>&1 || status=$?
  local stats
  stats=$(grep -E '^#[0-9]+.*cov:' "$log" | tail -n 1 | sed -E 's/ +/ /g' || true)
  if [ $status -ne 0 ]; then
    tail -n 60 "$log" | swift demangle --simplified >&2
    local written
    written=$(grep -o 'Test unit written to .*' "$log" | sed 's/^Test unit written to //' || true)
    echo "fuzz: $target FAILED (exit $status); input: ${written:-see $log}" >&2
    return 1
  fi
  echo "fuzz: $target ok: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" || true); last status: ${stats:-none}" >&2
}

[ $# -ge 2 ] || usage
format=$1 seconds=$2
shift 2
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage  # libFuzzer reads 0 as "no limit"
if [ "$format" = all ]; then
  mapfile -t targets < <(all_targets)
else
  [ -f "Tests/Fuzz/Targets/$format.swift" ] || usage
  targets=("$format")
fi

# Swift's own crash backtracer would take the trap first, and then libFuzzer writes no crash input.
export SWIFT_BACKTRACE=enable=no
symbolizer="$(dirname "$(command -v swiftc)")/llvm-symbolizer"
[ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"

build_library
for target in "${targets[@]}"; do build_target "$target"; done

failed=()
for target in "${targets[@]}"; do
  run_target "$target" "$seconds" "$@" || failed+=("$target")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in: ${failed[*]} (inputs in .build/fuzz/crashes/)" >&2
  exit 1
fi
