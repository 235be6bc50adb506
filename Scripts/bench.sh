#!/usr/bin/env bash
# Runs evidence-drop's benchmarks (release builds) side by side with reference implementations in the same run,
# prints one table (benchmark, ours, reference, ratio, the goal of issue 8, the load when it ran) and writes it,
# with the machine, the date, the command and the details, to docs/BENCHMARKS.md.
#
#   Scripts/bench.sh                      every benchmark
#   Scripts/bench.sh scrub_corpus ingest  only the named ones (docs/BENCHMARKS.md then holds only their rows)
#
# Benchmarks (issue 8):
#   multipart     MultipartStreamParser vs multipart-kit, in memory
#   scrub_corpus  (a) MediaScrub in process on ../shared/corpus, per format, vs ExifTool (one batch process and
#                 one process per file) and mat2
#   scrub_batch   (a) the same files cleaned through the real CLI in one command, process start-up included:
#                 `evidence-drop scrub --out-dir` on every core vs `exiftool -all= -o` in one process
#   scrub_large   (b) a 2 GiB MP4 and a 2 GiB MOV (index after the media data): MB/s and peak RSS, vs exiftool -all=
#   crypto        our SHA-256 and AES-256-GCM wrappers vs `openssl speed` on one core
#   ingest        (c) ArrivingUpload + IngestPipeline (scrub while arriving, three SHA-256, seal, store, log) on a
#                 1 GiB MP4, no HTTP, and the spooled path;
#                 vs the `openssl speed` bound for the same crypto work
#   upload        (d) one 1 GiB upload: POST /submissions and tus, vs nginx storing the body and the Python service;
#                 server peak RSS, and a 4 GiB upload's
#   concurrent    (e) 200 uploads of a 3 MB JPEG from 8 concurrent clients: req/s, p50/p99, vs nginx (2 workers) and
#                 the Python service (1 and 2 workers)
#   verify        (f) `evidence-review verify` over a store of 10,000 files, vs sha256sum over the same blobs
#   list          (g) `evidence-review list` on a store of 100,000 submissions (all, --json, a filter), vs the goal
#   profile       the work of (a)-(g) once more under valgrind's callgrind, on smaller inputs: instructions per byte,
#                 file or upload, by library and Swift module (Scripts/bench/callgrind_summary.py)
#
# References are installed when missing (Debian, as root): nginx-light, mat2, python3-venv, eatmydata (fixtures only),
# valgrind;
# the Python service goes into a throwaway virtual environment (starlette, uvicorn, cryptography, python-multipart).
# Environment: BENCH_MAIN_SCRATCH (see build_main); BENCH_RUNS (default 3) runs per figure, medians reported; BENCH_WORK a folder on the disk to use for
# the scratch data (default: a new one under /var/tmp, removed at the end); BENCH_KEEP=1 keeps it; BENCH_QUIET_LOAD
# (e.g. 2.5) waits before each benchmark until the 1-minute load is under it (at most BENCH_QUIET_WAIT seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

Scripts/setup.sh >/dev/null

bench_package=Scripts/bench
references="$root/Scripts/bench/references"
# The bench package has its own build folder, apart from the main package's .build (ignored by `.build*/`).
scratch="$root/Scripts/bench/.build"
runs=${BENCH_RUNS:-3}

rows=()
profile_rows=()
notes=()
details=()
started_pids=()
nginx_prefixes=()
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

if [ -n "${BENCH_WORK:-}" ]; then
  work="$BENCH_WORK"
  mkdir -p "$work"
else
  work=$(mktemp -d /var/tmp/evidence-bench.XXXXXX)
fi
cleanup() {
  local pid prefix
  for prefix in "${nginx_prefixes[@]}"; do
    [ -f "$prefix/nginx.pid" ] && nginx -p "$prefix" -c "$prefix/nginx.conf" -s stop 2>/dev/null || true
  done
  for pid in "${started_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${started_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${BENCH_KEEP:-0}" != 1 ] && [ -z "${BENCH_WORK:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

say() { echo "bench: $*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# A JSON field of the Python client's output.
json_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
# add_row BENCHMARK OURS REFERENCE RATIO GOAL: one row of the table, with the 1-minute load as it ends.
add_row() { rows+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"$'\t'"$5"$'\t'"$(load1)"); }
have_package() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
need_packages() {
  local missing=() package
  for package in "$@"; do have_package "$package" || missing+=("$package"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then say "missing packages: ${missing[*]} (run as root)"; return 1; fi
  say "installing ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for_port() {
  local port=$1 tries=0
  until python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null; do
    tries=$((tries + 1))
    [ $tries -lt 300 ] || { say "nothing listens on port $port"; return 1; }
    sleep 0.1
  done
}
# Peak RSS (KiB) of a process since the last reset_peak, from the kernel's VmHWM; reset by writing 5 to clear_refs.
reset_peak() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
peak_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# timed_runs CMD...: runs CMD $runs times (once only when the first run takes over $BENCH_SLOW seconds, default 60),
# its output to $work/timed.out; sets `times` to the seconds of each run.
timed_runs() {
  local start end n
  times=()
  for n in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$@" >"$work/timed.out"
    end=$(date +%s.%N)
    times+=("$(calc "%.3f" "$end - $start")")
    awk -v t="${times[-1]}" -v slow="${BENCH_SLOW:-60}" 'BEGIN { exit !(t > slow) }' && break
  done
  return 0
}

# The PIDs of a process's children (uvicorn --workers, nginx workers).
children() { ps -o pid= --ppid "$1" | tr -d ' ' || true; }

built_main=0
build_main() {
  [ $built_main = 1 ] && return 0
  # BENCH_MAIN_SCRATCH: another build folder for the release build (e.g. .build-release), so that a debug build in
  # .build can go on meanwhile.
  local scratch_path=(--scratch-path "${BENCH_MAIN_SCRATCH:-.build}")
  swift build -c release "${scratch_path[@]}" --product evidence-drop >&2
  swift build -c release "${scratch_path[@]}" --product evidence-review >&2
  bin="$(swift build -c release "${scratch_path[@]}" --show-bin-path)"
  built_main=1
}
# Build manifest caching off: the cached plan of this package misses files added to or renamed in the main one.
build_bench() { swift build -c release --disable-build-manifest-caching --package-path "$bench_package" --scratch-path "$scratch" --product "$1" >&2; }
bench_bin() { echo "$scratch/release/$1"; }

# A reviewer key pair for the fixtures and servers (PBKDF2 makes keygen take a moment: made once per run).
reviewer_key() {
  if [ ! -f "$work/reviewer.key.pub" ]; then
    build_main
    EVIDENCE_KEY_PASSPHRASE=bench-passphrase "$bin/evidence-review" keygen --out "$work/reviewer.key" --passphrase-from-environment >/dev/null
  fi
  echo "$work/reviewer.key"
}

# A phone-style MP4 of about SIZE MiB: a 4-second 720p MJPEG clip of noise (large frames, made once), copied end to
# end with ffmpeg's concat demuxer (no re-encoding), with title and location metadata; the index (moov) follows the
# media data, as phones write it.
make_mp4() {
  local mib=$1 out=$2
  [ -f "$out" ] && return 0
  if [ ! -f "$work/clip.mp4" ]; then
    ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -vf noise=alls=40:allf=t -t 4 -c:v mjpeg -q:v 2 \
      -f mp4 "$work/clip.mp4"
  fi
  local clip copies
  clip=$(stat -c %s "$work/clip.mp4")
  copies=$(((mib * 1048576 + clip - 1) / clip))
  : >"$work/concat.txt"
  for _ in $(seq "$copies"); do echo "file '$work/clip.mp4'" >>"$work/concat.txt"; done
  ffmpeg -v error -y -f concat -safe 0 -i "$work/concat.txt" -c copy -metadata title=bench-marker \
    -metadata location=+43.2389+076.8897/ -f mp4 "$out"
}

# The 3 MB JPEG of the concurrency benchmark: a 2048x1536 picture with camera, owner, time and GPS metadata.
make_photo() {
  local out=$1
  [ -f "$out" ] && return 0
  convert -seed 8 -size 2048x1536 plasma:fractal -blur 0x1 +noise Gaussian -quality 90 "$out"
  exiftool -q -overwrite_original -Make=Canon '-Model=Canon EOS 80D' -SerialNumber=032021001234 -Artist='Jane Doe' \
    '-DateTimeOriginal=2026:11:20 14:03:11' -GPSLatitude=43.2389 -GPSLatitudeRef=N -GPSLongitude=76.8897 \
    -GPSLongitudeRef=E -XMP:Creator='Jane Doe' "$out"
}

# `openssl speed` on one core, 64 KiB blocks (the chunk size of our streams): sets sha_mbs and gcm_mbs (10^6 B/s).
openssl_speed() {
  [ -n "${sha_mbs:-}" ] && return 0
  local seconds=3
  sha_mbs=$(openssl speed -mr -seconds $seconds -bytes 65536 -evp sha256 2>/dev/null | awk -F: '/^\+F:/ { printf "%.0f", $4 / 1e6 }')
  gcm_mbs=$(openssl speed -mr -seconds $seconds -bytes 65536 -evp aes-256-gcm 2>/dev/null | awk -F: '/^\+F:/ { printf "%.0f", $4 / 1e6 }')
  details+=("openssl speed (one core, 64 KiB blocks, $(openssl version | cut -d' ' -f1-2)): SHA-256 $sha_mbs MB/s, AES-256-GCM $gcm_mbs MB/s")
}

# Durable write speed of this disk: 1 GiB written and fsync'd (dd conv=fsync), in MB/s; sets disk_write_mbs.
# Measured again by every benchmark that uses it, just before its own runs: this shared disk's speed varies several
# times over within one run of this script.
disk_write_speed() {
  local start end
  start=$(date +%s.%N)
  dd if=/dev/zero of="$work/dd.test" bs=1M count=1024 conv=fsync status=none
  end=$(date +%s.%N)
  rm -f "$work/dd.test"
  disk_write_mbs=$(calc "%.0f" "1073741824 / 1e6 / ($end - $start)")
  details+=("disk (before ${FUNCNAME[1]#bench_}): 1 GiB written and fsync'd (dd conv=fsync) at $disk_write_mbs MB/s")
}

# ---------------------------------------------------------------------------------------------------------------
# Streaming multipart/form-data parsing: MultipartStreamParser vs multipart-kit 4.7.1's MultipartParser,
# same bodies fed in 64 KiB ByteBuffers; fails unless both report the same parts and bytes.
bench_multipart() {
  build_bench bench-multipart
  local output
  # Shown as it runs, kept for the table (tee to a file: `tee /dev/stderr` would truncate a log file on stderr).
  BENCH_REPETITIONS=${BENCH_RUNS:-5} "$(bench_bin bench-multipart)" | tee "$work/multipart.out" >&2
  output=$(<"$work/multipart.out")
  while IFS= read -r line; do
    line=${line#ROW$'\t'}
    add_row "$(cut -f1 <<<"$line")" "$(cut -f2 <<<"$line")" "$(cut -f3 <<<"$line")" "$(cut -f4 <<<"$line")" "-"
  done < <(grep '^ROW' <<<"$output")
  notes+=("**multipart**: bodies built in memory (random bytes for files), fed to each parser in 64 KiB ByteBuffer pieces
as Hummingbird delivers a request body; each parser counts the parts and body bytes it hands on, and before timing
both must produce byte-identical parts (checked by hash) and the counts the body was built with.")
  details+=("$(grep -v '^ROW' <<<"$output")")
}

# ---------------------------------------------------------------------------------------------------------------
# (a) Scrub throughput on ../shared/corpus, in process, per format; ExifTool in one batch process (-stay_open) and
# one process per file, and mat2 (one process per file), on the same files.
bench_scrub_corpus() {
  local corpus="$root/../shared/corpus"
  [ -d "$corpus" ] || { say "scrub_corpus: $corpus is absent, skipped"; return 0; }
  need_packages mat2 || true
  build_bench bench-scrub
  local scrub list out
  scrub=$(bench_bin bench-scrub)
  list="$work/corpus.list"
  out=/dev/shm/evidence-bench-scrub-$$
  [ -d /dev/shm ] || out="$work/scrub-out"
  "$scrub" list "$corpus" >"$list" 2>"$work/corpus.skipped"
  say "scrub_corpus: $(wc -l <"$list") files MediaScrub cleans, $(wc -l <"$work/corpus.skipped") skipped"
  local ours
  ours=$("$scrub" corpus "$list" --out "$out" --rounds 15)
  local batch_runs=() batch
  for _ in $(seq "$runs"); do batch_runs+=("$(python3 "$references/scrub_references.py" exiftool-batch "$list" "$out")"); done
  # The median batch run by total time.
  batch=$(for run in "${batch_runs[@]}"; do
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sum(f["seconds"] for f in d["formats"].values()), sys.argv[1])' "$run"
  done | sort -g | awk -v n="${#batch_runs[@]}" 'NR == int((n + 1) / 2) { $1 = ""; print substr($0, 2) }')
  local per_process mat2_result=""
  per_process=$(python3 "$references/scrub_references.py" exiftool-process "$list" "$out")
  if command -v mat2 >/dev/null; then mat2_result=$(python3 "$references/scrub_references.py" mat2 "$list" "$out"); fi
  rm -rf "$out"

  local summary
  summary=$(python3 - "$ours" "$batch" "$per_process" "$mat2_result" <<'EOF'
import json, sys
ours_text, batch, per_process, mat2 = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
mat2 = json.loads(mat2) if mat2 else None
ours, memory = {}, {}
for line in ours_text.splitlines():
    name, files, size, seconds = line.split("\t")
    target = memory if name.startswith("MEMORY-") else ours
    target[name.replace("MEMORY-", "")] = (int(files), int(size), float(seconds))

def rate(files, size, seconds):
    return (files / seconds, size / 1e6 / seconds) if seconds > 0 else (0, 0)

def total(result):
    cleaned = sum(f["cleaned"] for f in result["formats"].values())
    size = sum(f["bytes"] for f in result["formats"].values())
    seconds = sum(f["seconds"] for f in result["formats"].values())
    files = sum(f["files"] for f in result["formats"].values())
    return cleaned, files, size, seconds

o_files, o_size, o_seconds = ours["TOTAL"]
o_fps, o_mbs = rate(o_files, o_size, o_seconds)
m_fps, m_mbs = rate(*memory["TOTAL"])
rows = []
for name, result, goal in [("ExifTool, one batch process", batch, 10), ("ExifTool, one process per file", per_process, None),
                           ("mat2, one process per file", mat2, None)]:
    if result is None:
        continue
    cleaned, files, size, seconds = total(result)
    r_fps, r_mbs = rate(cleaned, size, seconds)
    ratio = o_fps / r_fps if r_fps else 0
    goal_text = (f"≥10x ExifTool batch: {'met' if ratio >= goal else 'NOT met'}" if goal else "-")
    rows.append(["(a) scrub corpus, all formats (%d files, %.1f MB) vs %s" % (o_files, o_size / 1e6, name),
                 "%.0f files/s, %.0f MB/s" % (o_fps, o_mbs),
                 "%.0f files/s, %.0f MB/s (cleaned %d of %d)" % (r_fps, r_mbs, cleaned, files),
                 "%.1fx" % ratio, goal_text])
for fmt in sorted(k for k in ours if k != "TOTAL"):
    files, size, seconds = ours[fmt]
    f_fps, f_mbs = rate(files, size, seconds)
    ref = batch["formats"].get(fmt)
    if ref and ref["cleaned"]:
        r_fps, r_mbs = rate(ref["cleaned"], ref["bytes"], ref["seconds"])
        ref_text = "%.0f files/s, %.1f MB/s (ExifTool batch, cleaned %d of %d)" % (r_fps, r_mbs, ref["cleaned"], ref["files"])
        ratio_text = "%.1fx" % (f_fps / r_fps)
    else:
        ref_text = "ExifTool cannot write it (0 of %d)" % (ref["files"] if ref else files)
        ratio_text = "-"
    rows.append(["(a) scrub corpus: %s (%d files, %.2f MB)" % (fmt, files, size / 1e6),
                 "%.0f files/s, %.1f MB/s" % (f_fps, f_mbs), ref_text, ratio_text, "-"])
for row in rows:
    print("ROW\t" + "\t".join(row))
print("NOTE\tours file to file: %d files in %.4f s per round (median of 15); the scrubber alone, memory to memory: %.0f files/s, %.0f MB/s"
      % (o_files, o_seconds, m_fps, m_mbs))
for name, result in [("ExifTool batch", batch), ("ExifTool per process", per_process), ("mat2", mat2)]:
    if result is None:
        continue
    cleaned, files, size, seconds = total(result)
    print("NOTE\t%s: cleaned %d of %d files in %.2f s; could not clean: %s" % (name, cleaned, files, seconds,
          ", ".join(p.split("/corpus/")[-1] for p in result["failed"]) or "none"))
EOF
)
  while IFS= read -r line; do
    case "$line" in
      ROW*) IFS=$'\t' read -r _ b o r rt g <<<"$line"; add_row "$b" "$o" "$r" "$rt" "$g" ;;
      NOTE*) details+=("scrub_corpus: ${line#NOTE$'\t'}") ;;
    esac
  done <<<"$summary"
  details+=("scrub_corpus: skipped by MediaScrub: $(sed 's|.*/corpus/||' "$work/corpus.skipped" | tr '\n' ';' | sed 's/;$//')")
  notes+=("**(a) scrub corpus**: the files of \`../shared/corpus\` that MediaScrub cleans (\`bench-scrub list\`; PDFs and
other types it refuses are left out for every tool), cleaned file to file: read from the page cache, the cleaned copy
written to tmpfs (\`/dev/shm\`), by \`bench-scrub corpus\` in process (15 rounds, median), by ExifTool \`-all= -o\` in one
\`-stay_open\` process (each file one \`-execute\`, timed to \`{ready}\`; its start-up left out; median of $runs passes)
and in one process per file, and by \`mat2 FILE\` per file. A tool's files/s and MB/s count only the files it
cleaned and the time spent on them. Per format, ours is beside ExifTool's batch figure for that format.")
}

# ---------------------------------------------------------------------------------------------------------------
# (a) The corpus through the command line, as an operator cleans a folder: one command each, start-up included.
bench_scrub_batch() {
  local corpus="$root/../shared/corpus"
  [ -d "$corpus" ] || { say "scrub_batch: $corpus is absent, skipped"; return 0; }
  build_main
  build_bench bench-scrub
  local list="$work/batch.list" out=/dev/shm/evidence-bench-batch-$$
  [ -d /dev/shm ] || out="$work/batch-out"
  "$(bench_bin bench-scrub)" list "$corpus" >"$list" 2>/dev/null
  local files=() bytes
  mapfile -t files < <(cut -f3 "$list")
  bytes=$(awk -F'\t' '{ s += $2 } END { print s }' "$list")
  local ours_s=() ref_s=() n start end cleaned_ours cleaned_ref
  for n in $(seq "$((runs < 5 ? 5 : runs))"); do
    rm -rf "$out"
    start=$(date +%s.%N)
    "$bin/evidence-drop" scrub --out-dir "$out/ours" "${files[@]}" >"$work/batch.ours" 2>/dev/null || true
    end=$(date +%s.%N)
    ours_s+=("$(calc "%.4f" "$end - $start")")
    start=$(date +%s.%N)
    exiftool -q -q -m -all= -o "$out/exiftool/%d%f.%e" "${files[@]}" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    ref_s+=("$(calc "%.4f" "$end - $start")")
    cleaned_ours=$(find "$out/ours" -type f | wc -l)
    cleaned_ref=$(find "$out/exiftool" -type f | wc -l)
  done
  rm -rf "$out"
  local ours ref
  ours=$(printf '%s\n' "${ours_s[@]}" | median)
  ref=$(printf '%s\n' "${ref_s[@]}" | median)
  local speedup goal
  speedup=$(awk -v a="$ref" -v b="$ours" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
  goal="≥10x ExifTool batch: $(awk -v r="$speedup" 'BEGIN { print (r >= 10 ? "met" : "NOT met") }')"
  add_row "(a) scrub corpus through the CLI, one command ($(nproc) cores; ${#files[@]} files, $(calc "%.1f" "$bytes / 1e6") MB)" \
    "$ours s, $(calc "%.0f" "${#files[@]} / $ours") files/s (cleaned $cleaned_ours)" \
    "$ref s (exiftool -all= -o, one process; wrote $cleaned_ref)" "${speedup}x" "$goal"
  details+=("scrub_batch: evidence-drop scrub --out-dir s: ${ours_s[*]}; exiftool -all= -o s: ${ref_s[*]}")
  notes+=("**(a) scrub corpus through the CLI**: the same files as (a), given to one command each and timed from start to
exit, process start-up and module loading included: \`evidence-drop scrub --out-dir OUT FILES…\` (release build, every
core) and \`exiftool -all= -o OUT/%d%f.%e FILES…\` (one process). Outputs to tmpfs; median of $((runs < 5 ? 5 : runs)) runs.")
}

# ---------------------------------------------------------------------------------------------------------------
# (b) Cleaning a 2 GiB phone-style video (index after the media data, so two passes over the file): throughput and
# peak resident memory of `evidence-drop scrub` (to a file, fsync'd) and of MediaScrub in process (to a sink that
# only counts), beside `exiftool -all=` writing the same file. An MP4 (issue 8) and the MOV of the first version.
prepare_scrub_large() {
  make_mp4 2048 "$work/large.mp4"
  if [ ! -f "$work/large.mov" ]; then
    # Raw video makes 2 GiB quickly (no encoding); ffmpeg writes mdat before moov, as phones do.
    ffmpeg -v error -f lavfi -i testsrc=size=1280x720:rate=30 -t 52 -c:v rawvideo -pix_fmt yuv420p \
      -metadata title=bench-marker -metadata location=+12.3456+045.6789/ "$work/large.mov"
  fi
}
bench_scrub_large() {
  build_main
  build_bench bench-scrub
  prepare_scrub_large
  sync
  disk_write_speed
  local scrub kind
  scrub=$(bench_bin bench-scrub)
  for kind in mp4 mov; do
    local input="$work/large.$kind" bytes
    bytes=$(stat -c %s "$input")
    local cli_s=() cli_rss=() mem_s=() mem_rss=() ref_s=() s rss
    for _ in $(seq "$runs"); do
      rm -f "$work/ours.$kind"
      /usr/bin/time -f '%e %M' -o "$work/time.txt" "$bin/evidence-drop" scrub "$input" "$work/ours.$kind" >/dev/null
      read -r s rss <"$work/time.txt"; cli_s+=("$s"); cli_rss+=("$rss")
      rm -f "$work/ours.$kind"
      IFS=$'\t' read -r s _ _ rss < <("$scrub" file "$input")
      mem_s+=("$s"); mem_rss+=("$rss")
      rm -f "$work/ref.$kind"
      /usr/bin/time -f '%e %M' -o "$work/time.txt" exiftool -q -q -all= -o "$work/ref.$kind" "$input" || true
      read -r s _ <"$work/time.txt"; ref_s+=("$s")
      rm -f "$work/ref.$kind"
    done
    local cli mem ref cli_peak mem_peak
    cli=$(printf '%s\n' "${cli_s[@]}" | median)
    mem=$(printf '%s\n' "${mem_s[@]}" | median)
    ref=$(printf '%s\n' "${ref_s[@]}" | median)
    cli_peak=$(printf '%s\n' "${cli_rss[@]}" | sort -g | tail -1)
    mem_peak=$(printf '%s\n' "${mem_rss[@]}" | sort -g | tail -1)
    local cli_mbs mem_mbs ref_mbs
    cli_mbs=$(calc "%.0f" "$bytes / 1e6 / $cli")
    mem_mbs=$(calc "%.0f" "$bytes / 1e6 / $mem")
    ref_mbs=$(calc "%.0f" "$bytes / 1e6 / $ref")
    local goal_cli goal_mem
    goal_cli=$(awk -v m="$cli_mbs" -v r="$cli_peak" 'BEGIN { print "≥1000 MB/s, RSS <64 MiB: " ((m >= 1000 && r < 65536) ? "met" : "NOT met") }')
    goal_mem=$(awk -v m="$mem_mbs" -v r="$mem_peak" 'BEGIN { print "≥1000 MB/s, RSS <64 MiB: " ((m >= 1000 && r < 65536) ? "met" : "NOT met") }')
    local label
    label="$((bytes / 1048576)) MiB $(tr a-z A-Z <<<"$kind") (moov after mdat)"
    add_row "(b) scrub a $label: evidence-drop scrub, file to file (fsync'd)" \
      "$cli_mbs MB/s, peak RSS $((cli_peak / 1024)) MiB" "$ref_mbs MB/s (exiftool -all= -o)" "$(ratio "$cli_mbs" "$ref_mbs")" "$goal_cli"
    # ExifTool's copy is not fsync'd; ours is, so the disk's durable write speed bounds ours.
    add_row "(b) scrub a $label: evidence-drop scrub vs this disk's durable write speed" \
      "$cli_mbs MB/s" "$disk_write_mbs MB/s (dd conv=fsync, 1 GiB)" "$(ratio "$cli_mbs" "$disk_write_mbs")" "-"
    add_row "(b) scrub a $label: MediaScrub in process, to a counting sink" \
      "$mem_mbs MB/s, peak RSS $((mem_peak / 1024)) MiB" "$ref_mbs MB/s (exiftool -all= -o)" "$(ratio "$mem_mbs" "$ref_mbs")" "$goal_mem"
    details+=("scrub_large $kind: $bytes bytes; evidence-drop scrub s: ${cli_s[*]} (max RSS KiB: ${cli_rss[*]}); in process s: ${mem_s[*]} (max RSS KiB: ${mem_rss[*]}); exiftool s: ${ref_s[*]}")
  done
  notes+=("**(b) scrub large**: the MP4 is a 4-second 720p MJPEG clip of noise repeated to 2 GiB with ffmpeg's concat
demuxer (no re-encoding), the MOV 52 s of raw 720p video; both have title and location metadata and their index
after the media data, so the scrubber reads them twice. \`evidence-drop scrub\` writes and fsyncs the cleaned file
(a durable write of 2 GiB; ExifTool's copy is not fsync'd, so a row holds ours to the disk's durable write speed,
\`dd conv=fsync\` of 1 GiB measured in the same run); in process, \`bench-scrub file\` scrubs the same file
to a sink that only counts. Median of $runs runs; peak RSS is the largest of the runs (\`/usr/bin/time\` %M, VmHWM).")
}

# ---------------------------------------------------------------------------------------------------------------
# Our crypto wrappers (SHA256Hasher, ChunkedStreamEncryptor/Decryptor) on one core vs `openssl speed`.
bench_crypto() {
  build_bench bench-ingest
  openssl_speed
  local output sha seal open
  output=$("$(bench_bin bench-ingest)" primitives --megabytes 1024)
  sha=$(awk -F'\t' '$1 == "sha256" { printf "%.0f", $2 }' <<<"$output")
  seal=$(awk -F'\t' '$1 == "seal" { printf "%.0f", $2 }' <<<"$output")
  open=$(awk -F'\t' '$1 == "open" { printf "%.0f", $2 }' <<<"$output")
  add_row "crypto: SHA-256 (SHA256Hasher, 64 KiB pieces, one core)" "$sha MB/s" "$sha_mbs MB/s (openssl speed -evp sha256)" "$(ratio "$sha" "$sha_mbs")" "-"
  add_row "crypto: seal, AES-256-GCM (ChunkedStreamEncryptor)" "$seal MB/s" "$gcm_mbs MB/s (openssl speed -evp aes-256-gcm)" "$(ratio "$seal" "$gcm_mbs")" "-"
  add_row "crypto: open, AES-256-GCM (ChunkedStreamDecryptor)" "$open MB/s" "$gcm_mbs MB/s (openssl speed -evp aes-256-gcm)" "$(ratio "$open" "$gcm_mbs")" "-"
  notes+=("**crypto**: our wrappers over libcrypto as the pipeline calls them (64 KiB pieces, a new output array per
call; best of 3 over 1 GB), divided by the thread's CPU time as \`openssl speed -bytes 65536\` (3 s each) divides
by CPU time, so other work on the machine skews neither: the per-core limit every other benchmark's crypto work is
measured against.")
}

# ---------------------------------------------------------------------------------------------------------------
# (c) The ingest pipeline without HTTP on a 1 GiB MP4, against the `openssl speed` bound for the same crypto work.
prepare_ingest() { make_mp4 1024 "$work/ingest.mp4"; }
bench_ingest() {
  build_bench bench-ingest
  openssl_speed
  prepare_ingest
  sync
  disk_write_speed
  local key output spooled_output
  key=$(reviewer_key)
  output=$("$(bench_bin bench-ingest)" "$work/ingest.mp4" --recipient "$key.pub" --work "$work" --runs "$runs" --path arriving)
  spooled_output=$("$(bench_bin bench-ingest)" "$work/ingest.mp4" --recipient "$key.pub" --work "$work" --runs "$runs" --path spooled)
  local bytes total receive ingest peak cpu cpu_mbs
  bytes=$(head -1 <<<"$output" | cut -f4)
  total=$(cut -f3 <<<"$output" | median)
  receive=$(cut -f1 <<<"$output" | median)
  ingest=$(cut -f2 <<<"$output" | median)
  peak=$(cut -f5 <<<"$output" | sort -g | tail -1)
  cpu=$(cut -f6 <<<"$output" | median)
  cpu_mbs=$(calc "%.0f" "$bytes / 1e6 / $cpu")
  # Per byte, a file scrubbed while it arrives needs three SHA-256 (original, cleaned, sealed) and one AES-256-GCM
  # seal: the issue's list. Through the spool it also needs a seal into the spool and an open out of it.
  local bound_listed bound_spooled ours_mbs share goal
  bound_listed=$(calc "%.0f" "1 / (3 / $sha_mbs + 1 / $gcm_mbs)")
  bound_spooled=$(calc "%.0f" "1 / (3 / $sha_mbs + 3 / $gcm_mbs)")
  ours_mbs=$(calc "%.0f" "$bytes / 1e6 / $total")
  share=$(calc "%.0f" "100 * $ours_mbs / $bound_listed")
  goal=$(awk -v s="$share" -v c="$(calc "%.0f" "100 * $cpu_mbs / $bound_listed")" 'BEGIN { print "≥70% of the crypto bound: " (s >= 70 ? "met" : "NOT met") " (" s "% wall clock, " c "% by CPU time)" }')
  add_row "(c) ingest a 1 GiB MP4 without HTTP, as a form post's file: scrubbed while it arrives + 3 SHA-256 + seal + store + log" \
    "$ours_mbs MB/s (receiving and sealing $(calc "%.0f" "$bytes / 1e6 / $receive") MB/s, recording $(calc "%.3f" "$ingest") s; $cpu_mbs MB/s of CPU time), peak RSS $((peak / 1024)) MiB" \
    "$bound_listed MB/s (openssl speed bound: 3 SHA-256 + 1 AES-256-GCM per byte, one core)" "$(ratio "$ours_mbs" "$bound_listed")" "$goal"
  local spooled_total spooled_mbs
  spooled_total=$(cut -f3 <<<"$spooled_output" | median)
  spooled_mbs=$(calc "%.0f" "$bytes / 1e6 / $spooled_total")
  add_row "(c) the same through the spool (an upload past the scrubbing threads' limit): spool, then scrub + 3 SHA-256 + seal + store + log" \
    "$spooled_mbs MB/s (spool $(calc "%.0f" "$bytes / 1e6 / $(cut -f1 <<<"$spooled_output" | median)"), ingest $(calc "%.0f" "$bytes / 1e6 / $(cut -f2 <<<"$spooled_output" | median)") MB/s)" \
    "$bound_spooled MB/s (openssl speed bound: 3 SHA-256 + 3 AES-256-GCM per byte, one core)" "$(ratio "$spooled_mbs" "$bound_spooled")" \
    "$(awk -v a="$spooled_mbs" -v b="$bound_spooled" 'BEGIN { s = 100 * a / b; printf "≥70%%: %s (%.0f%%)", (s >= 70 ? "met" : "NOT met"), s }')"
  details+=("ingest: $bytes bytes; per run (receive s, record s, total s, bytes, peak RSS KiB, CPU s), scrubbed while arriving:"$'\n'"$output"$'\n'"through the spool:"$'\n'"$spooled_output")
  if command -v eatmydata >/dev/null || need_packages eatmydata; then
    local nofsync
    nofsync=$(eatmydata "$(bench_bin bench-ingest)" "$work/ingest.mp4" --recipient "$key.pub" --work "$work" --runs 1)
    details+=("ingest while arriving, without fsync (eatmydata, diagnostic; receive s, record s, total s, bytes, peak RSS KiB, CPU s): $nofsync ($(calc "%.0f" "$bytes / 1e6 / $(cut -f3 <<<"$nofsync")") MB/s)")
  fi
  notes+=("**(c) ingest**: \`bench-ingest\` reads the MP4 in 64 KiB pieces (as request bodies arrive) into an
\`ArrivingUpload\`, as a form post's file: the original is hashed as it comes, and a scrubbing thread scrubs it, hashes
the cleaned bytes and seals them to the reviewer key on a third thread, which hashes the sealed file and writes it as a
blob (fsync'd at the end); then \`IngestPipeline.ingest\` records the file with its custody and log entries, and a
checkpoint is signed, on a fresh data folder. No copy of the original is written: the MP4's index comes after its
media data, which is streamed out before the index is seen (what the index removes in it would be zeroed after).
The bound is \`openssl speed\` on one core for the crypto that work needs per byte: three SHA-256 and one
AES-256-GCM seal. The second row is the path of an upload beyond the scrubbing threads' limit (and of a tus upload
whose running scrub was dropped):
a \`SpoolFile\` first (SHA-256, AES-256-GCM under an in-memory key, not fsync'd), then the ingest decrypts it and does
the rest, three SHA-256 and three AES-256-GCM passes per byte. Median of $runs runs.")
}

# ---------------------------------------------------------------------------------------------------------------
# Servers for (d) and (e). Each start_* sets a global: the port, and the PID to watch for memory.
start_ours() {
  build_main
  local key data
  key=$(reviewer_key)
  data="$work/server-data"
  rm -rf "$data"
  ours_port=$(free_port)
  "$bin/evidence-drop" serve --data "$data" --host 127.0.0.1 --port "$ours_port" --recipient "$key.pub" --min-free 0 \
    --max-file-size 5GiB --max-submission-size 5GiB >"$work/ours.log" 2>&1 &
  ours_pid=$!
  started_pids+=("$ours_pid")
  wait_for_port "$ours_port"
}
stop_ours() { kill "$ours_pid" 2>/dev/null || true; wait "$ours_pid" 2>/dev/null || true; rm -rf "$work/server-data"; }

# nginx storing each request body to a file: the DAV module's PUT writes the body to client_body_temp_path and
# renames it into place (answering 201), so the same multipart bytes are sent with PUT.
start_nginx() {
  need_packages nginx-light || need_packages nginx
  local prefix="$work/nginx"
  rm -rf "$prefix"
  mkdir -p "$prefix/store" "$prefix/body" "$prefix/logs"
  nginx_port=$(free_port)
  cat >"$prefix/nginx.conf" <<EOF
user $(id -un);
worker_processes 2;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log error;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $prefix/body;
  client_max_body_size 0;
  client_body_buffer_size 1m;
  keepalive_requests 10000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      root $prefix/store;
      dav_methods PUT;
      create_full_put_path on;
    }
  }
}
EOF
  nginx -p "$prefix" -c "$prefix/nginx.conf"
  nginx_prefixes+=("$prefix")
  wait_for_port "$nginx_port"
}
stop_nginx() { nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true; sleep 0.5; rm -rf "$work/nginx"; }

python_venv() {
  local venv="$work/venv"
  [ -x "$venv/bin/uvicorn" ] && return 0
  if ! python3 -m venv "$venv" 2>/dev/null; then
    need_packages python3-venv
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check starlette uvicorn cryptography python-multipart >&2
  details+=("Python service: $("$venv/bin/python" --version), $("$venv/bin/pip" freeze --disable-pip-version-check | grep -iE '^(starlette|uvicorn|cryptography|python-multipart|h11)=' | tr '\n' ' ')")
}
start_python() {
  local workers=$1
  python_venv
  python_spool="$work/python-spool"
  rm -rf "$python_spool"
  mkdir -p "$python_spool"
  python_port=$(free_port)
  (cd "$references" && BENCH_SPOOL="$python_spool" exec "$work/venv/bin/uvicorn" python_service:app --host 127.0.0.1 \
    --port "$python_port" --workers "$workers" --no-access-log --log-level warning) >"$work/python.log" 2>&1 &
  python_pid=$!
  started_pids+=("$python_pid")
  wait_for_port "$python_port"
}
stop_python() { kill "$python_pid" 2>/dev/null || true; wait "$python_pid" 2>/dev/null || true; rm -rf "$python_spool"; }

# One upload with the shared client: prints "seconds bytes"; fails unless the server answered 2xx.
upload_once() {
  local result
  result=$(python3 "$references/upload_client.py" single "$@") || { say "upload to $1 failed: $result"; return 1; }
  echo "$(json_field "$result" seconds) $(json_field "$result" bytes)"
}

# ---------------------------------------------------------------------------------------------------------------
# (d) One 1 GiB upload through POST /submissions and through tus, vs nginx storing the body and the Python service.
prepare_upload() { make_mp4 1024 "$work/ingest.mp4"; make_mp4 4096 "$work/upload4.mp4"; }
bench_upload() {
  build_main
  prepare_upload
  # The files just made are still being written back: done first, so the uploads' fsyncs do not wait for them.
  sync
  disk_write_speed
  local file="$work/ingest.mp4" s b r pid
  local ours_multi=() ours_tus=() ngx=() py=() ours_peak=0 tus_peak=0 py_peak=0
  start_ours
  for _ in $(seq "$runs"); do
    reset_peak "$ours_pid"
    r=$(upload_once "http://127.0.0.1:$ours_port/submissions" "$file")
    read -r s b <<<"$r"
    ours_multi+=("$s"); ours_peak=$(( $(peak_kib "$ours_pid") > ours_peak ? $(peak_kib "$ours_pid") : ours_peak ))
    reset_peak "$ours_pid"
    r=$(upload_once "http://127.0.0.1:$ours_port" "$file" --mode tus)
    read -r s b <<<"$r"
    ours_tus+=("$s"); tus_peak=$(( $(peak_kib "$ours_pid") > tus_peak ? $(peak_kib "$ours_pid") : tus_peak ))
  done
  stop_ours
  start_nginx
  for _ in $(seq "$runs"); do
    r=$(upload_once "http://127.0.0.1:$nginx_port/u/" "$file" --mode put)
    read -r s b <<<"$r"
    ngx+=("$s")
    rm -rf "$work/nginx/store/u"
  done
  stop_nginx
  start_python 1
  for _ in $(seq "$runs"); do
    pid=$(children "$python_pid" | head -1); pid=${pid:-$python_pid}
    reset_peak "$pid"
    r=$(upload_once "http://127.0.0.1:$python_port/submissions" "$file")
    read -r s b <<<"$r"
    py+=("$s"); py_peak=$(( $(peak_kib "$pid") > py_peak ? $(peak_kib "$pid") : py_peak ))
    rm -f "$python_spool"/*
  done
  stop_python
  local bytes m t n p
  bytes=$(stat -c %s "$file")
  m=$(calc "%.0f" "$bytes / 1e6 / $(printf '%s\n' "${ours_multi[@]}" | median)")
  t=$(calc "%.0f" "$bytes / 1e6 / $(printf '%s\n' "${ours_tus[@]}" | median)")
  n=$(calc "%.0f" "$bytes / 1e6 / $(printf '%s\n' "${ngx[@]}" | median)")
  p=$(calc "%.0f" "$bytes / 1e6 / $(printf '%s\n' "${py[@]}" | median)")
  goal_n() { awk -v a="$1" -v b="$n" -v r="$2" 'BEGIN { s = 100 * a / b; printf "≥80%% of nginx: %s (%.0f%%); RSS <100 MiB: %s", (s >= 80 ? "met" : "NOT met"), s, (r < 102400 ? "met" : "NOT met") }'; }
  goal_p() { awk -v a="$1" -v b="$p" 'BEGIN { printf "≥1.5x Python: %s", (a / b >= 1.5 ? "met" : "NOT met") }'; }
  add_row "(d) one 1 GiB upload, POST /submissions (multipart) vs nginx storing the body" "$m MB/s, server peak RSS $((ours_peak / 1024)) MiB" "$n MB/s (nginx PUT to file, 2 workers)" "$(ratio "$m" "$n")" "$(goal_n "$m" "$ours_peak")"
  add_row "(d) one 1 GiB upload, POST /submissions (multipart) vs the Python service" "$m MB/s" "$p MB/s, peak RSS $((py_peak / 1024)) MiB (Starlette+uvicorn, SHA-256+AES-GCM, 1 worker)" "$(ratio "$m" "$p")" "$(goal_p "$m")"
  add_row "(d) one 1 GiB upload through tus (8 MiB PATCHes, then the form) vs nginx" "$t MB/s, server peak RSS $((tus_peak / 1024)) MiB" "$n MB/s (nginx PUT to file, 2 workers)" "$(ratio "$t" "$n")" "$(goal_n "$t" "$tus_peak")"
  add_row "(d) one 1 GiB upload through tus vs the Python service" "$t MB/s" "$p MB/s (Python service, one request)" "$(ratio "$t" "$p")" "$(goal_p "$t")"
  # What bounds both: the disk. The sealed blob is written and fsync'd once; through tus each byte is also kept in
  # its piece first (fsync'd, so the offset survives a restart), so the disk takes every byte twice.
  add_row "(d) the multipart upload vs this disk's durable write speed (the sealed blob: each byte written once)" "$m MB/s" \
    "$disk_write_mbs MB/s (dd conv=fsync, 1 GiB)" "$(ratio "$m" "$disk_write_mbs")" "-"
  local twice
  twice=$(calc "%.0f" "$disk_write_mbs / 2")
  add_row "(d) the tus upload vs this disk's durable write speed for each byte written twice (its piece, then the sealed blob)" \
    "$t MB/s" "$twice MB/s (half of dd conv=fsync)" "$(ratio "$t" "$twice")" "-"
  details+=("upload 1 GiB ($bytes bytes), seconds per run: ours multipart ${ours_multi[*]}; ours tus ${ours_tus[*]}; nginx ${ngx[*]}; Python ${py[*]}")

  # Memory for a 4 GiB upload (one run; the server's peak RSS is what this row is about).
  prepare_upload
  start_ours
  reset_peak "$ours_pid"
  r=$(upload_once "http://127.0.0.1:$ours_port/submissions" "$work/upload4.mp4")
  read -r s b <<<"$r"
  local peak4
  peak4=$(peak_kib "$ours_pid")
  stop_ours
  rm -f "$work/upload4.mp4"
  add_row "(d) one $((b / 1048576)) MiB upload, POST /submissions: server peak RSS" "$((peak4 / 1024)) MiB, $(calc "%.0f" "$b / 1e6 / $s") MB/s" "100 MiB (goal)" \
    "$(calc "%.2fx" "102400 / $peak4")" "$(awk -v r="$peak4" 'BEGIN { print "RSS <100 MiB: " (r < 102400 ? "met" : "NOT met") }')"
  notes+=("**(d) upload**: one client for every server (\`references/upload_client.py\`, Python, body sent with
sendfile): a multipart/form-data POST with \`keep_original=0\` and one \`files\` part, as the form sends it (the
other servers get the same body); tus is POST /uploads, PATCHes of
8 MiB (as \`Public/submit.js\` sends), then the form naming the upload. MB/s is the file's bytes over the time from
the first byte sent to the answer, which for ours includes the whole ingest (the receipt is the answer). nginx
(\`nginx-light\`, 2 workers, throwaway config) stores the same multipart body with the DAV module's PUT (written to
\`client_body_temp_path\`, renamed into place, 201; no fsync); the Python service (\`references/python_service.py\`,
uvicorn, 1 worker) parses the multipart body as it streams and writes the file part SHA-256-hashed and AES-256-GCM
encrypted in 64 KiB chunks (no fsync). Ours scrubs, hashes and seals the file while it arrives and writes and fsyncs
the sealed blob (no copy of the original is written); through tus each PATCH is kept as a piece (encrypted under a
key from the upload URL, fsync'd, so the offset survives a restart) and hashed, scrubbed and sealed as it arrives, so
the form's post only finishes the last bytes and records the file. Neither nginx nor the Python service fsyncs, so
two rows hold ours to this disk's durable write speed (\`dd conv=fsync\` of 1 GiB, measured in the same run): the
multipart upload writes each byte to disk once (the sealed blob), tus twice (its piece, then the sealed blob).
Server peak RSS is VmHWM, reset before each upload (\`/proc/PID/clear_refs\`). Median of $runs runs; the 4 GiB
upload runs once.")
}

# ---------------------------------------------------------------------------------------------------------------
# (e) 200 uploads of a 3 MB JPEG from 8 concurrent clients: req/s and latency, vs nginx and the Python service.
prepare_concurrent() { make_photo "$work/photo.jpg"; }
bench_concurrent() {
  build_main
  prepare_concurrent
  local photo="$work/photo.jpg" requests=200 clients=8
  # run_concurrent URL MODE CLEAN: $runs runs, the run with the median req/s; prints "req/s p50 p99 statuses".
  run_concurrent() {
    local url=$1 mode=$2 clean=$3 results=() result
    for _ in $(seq "$runs"); do
      result=$(python3 "$references/upload_client.py" concurrent "$url" "$photo" --requests $requests --clients $clients --mode "$mode") || true
      results+=("$(json_field "$result" req_per_s) $(json_field "$result" p50_ms) $(json_field "$result" p99_ms) $(json_field "$result" statuses | tr -d ' ')")
      eval "$clean"
    done
    printf '%s\n' "${results[@]}" | sort -g | awk -v n="${#results[@]}" 'NR == int((n + 1) / 2)'
  }
  local ours ngx py1 py2
  start_ours
  ours=$(run_concurrent "http://127.0.0.1:$ours_port/submissions" multipart :)
  stop_ours
  start_nginx
  ngx=$(run_concurrent "http://127.0.0.1:$nginx_port/u/" put 'rm -rf "$work/nginx/store/u"')
  stop_nginx
  start_python 1
  py1=$(run_concurrent "http://127.0.0.1:$python_port/submissions" multipart 'rm -f "$python_spool"/*')
  stop_python
  start_python 2
  py2=$(run_concurrent "http://127.0.0.1:$python_port/submissions" multipart 'rm -f "$python_spool"/*')
  stop_python
  fmt() { awk '{ printf "%.0f req/s, p50 %.0f ms, p99 %.0f ms", $1, $2, $3 }' <<<"$1"; }
  local o n
  o=$(cut -d' ' -f1 <<<"$ours")
  n=$(cut -d' ' -f1 <<<"$ngx")
  add_row "(e) 200 uploads of a 3 MB JPEG, 8 clients, full pipeline, vs nginx" "$(fmt "$ours")" "$(fmt "$ngx") (nginx PUT, 2 workers)" "$(ratio "$o" "$n")" \
    "$(awk -v a="$o" -v b="$n" 'BEGIN { printf "above nginx (this run %.0f req/s): %s", b, (a > b ? "met" : "NOT met") }')"
  add_row "(e) the same vs the Python service, 1 worker" "$(fmt "$ours")" "$(fmt "$py1") (Python, multipart, 1 worker)" "$(ratio "$o" "$(cut -d' ' -f1 <<<"$py1")")" "-"
  add_row "(e) the same vs the Python service, 2 workers" "$(fmt "$ours")" "$(fmt "$py2") (Python, multipart, 2 workers)" "$(ratio "$o" "$(cut -d' ' -f1 <<<"$py2")")" "-"
  details+=("concurrent ($requests uploads of $(stat -c %s "$photo") bytes, $clients clients; req/s p50 p99 statuses of the median run): ours $ours; nginx $ngx; Python 1 worker $py1; Python 2 workers $py2")
  notes+=("**(e) concurrent**: the same client, \`upload_client.py concurrent\`: $clients threads, each on its own
keep-alive connection, send $requests multipart uploads of one 3 MB JPEG (2048x1536, with camera, owner, time, GPS
and XMP metadata); req/s is uploads over the wall time, latency is per request (nearest rank). Ours answers each with
its HTML receipt after the full pipeline (scrub while arriving, seal, store, log, checkpoint); nginx stores each body with
PUT to its own path; the Python service parses, hashes and encrypts. The client runs on the same 2 cores as the
server. The run with the median req/s of $runs.")
  # The crypto alone puts a ceiling on ours: three SHA-256 and one AES-256-GCM pass per byte, at openssl speed's
  # one-core rates, on both cores doing nothing else.
  openssl_speed
  local bytes minimum
  bytes=$(stat -c %s "$photo")
  minimum=$(calc "%.0f" "2 / ($bytes / 1e6 * (3 / $sha_mbs + 1 / $gcm_mbs))")
  notes+=("**(e) what bounds ours**: each upload is hashed three times (original, cleaned, sealed) and sealed once
with AES-256-GCM, while it arrives. At this run's \`openssl speed\` rates, with both cores doing nothing but that
crypto, that allows $minimum uploads a second, before HTTP, multipart parsing, scrubbing, writing and fsyncing the
blob and the database commit; nginx does none of this work.")
}

# ---------------------------------------------------------------------------------------------------------------
# (f) `evidence-review verify` over a store of 10,000 files, vs sha256sum over the same blobs.
prepare_verify() {
  need_packages eatmydata || true
  # "-v2": the stores where one submission in a hundred sends an earlier file again (bench-store); a store built
  # by an earlier version of bench.sh in BENCH_WORK has no duplicates, and is not reused.
  local key data="$work/store-10k-v2" count=${BENCH_VERIFY_FILES:-10000}
  key=$(reviewer_key)
  local eat=()
  command -v eatmydata >/dev/null && eat=(eatmydata)
  [ -f "$data/evidence.sqlite" ] && return 0
  local build
  build=$("${eat[@]}" "$(bench_bin bench-store)" --data "$data" --recipient "$key.pub" --submissions "$count" 2>"$work/store-10k-v2.log")
  # Kept beside the store, so a later run that reuses it (BENCH_WORK) still says how it was built.
  echo "store of $count submissions (one file each) built by bench-store through IngestPipeline(folder:), a checkpoint signed after every submission as the server does, ${eat[*]:+under eatmydata (fsync off), }in $(cut -f2 <<<"$build" | xargs printf '%.0f') s (load $(load1)); progress: $(grep -o '[0-9]* of [0-9]* submissions, [0-9.]* s, [0-9]* submissions/s' "$work/store-10k-v2.log" | tr '\n' ';')" >"$data.note"
}
bench_verify() {
  build_main
  build_bench bench-store
  local key data="$work/store-10k-v2" count=${BENCH_VERIFY_FILES:-10000}
  key=$(reviewer_key)
  prepare_verify
  details+=("verify: $(cat "$data.note" 2>/dev/null || echo "store built by an earlier run (BENCH_WORK)")")
  local blobs bytes
  blobs=$(find "$data/blobs" -type f | wc -l)
  bytes=$(find "$data/blobs" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  timed_runs "$bin/evidence-review" verify --data "$data"
  local plain=("${times[@]}")
  cp "$work/timed.out" "$work/verify.out"
  EVIDENCE_KEY_PASSPHRASE=bench-passphrase timed_runs "$bin/evidence-review" verify --data "$data" --key "$key"
  local keyed=("${times[@]}")
  timed_runs sh -c 'cd "$1" && find . -type f -print0 | xargs -0 sha256sum' sh "$data/blobs"
  local refs=("${times[@]}")
  local p k r
  p=$(printf '%s\n' "${plain[@]}" | median)
  k=$(printf '%s\n' "${keyed[@]}" | median)
  r=$(printf '%s\n' "${refs[@]}" | median)
  local files
  files=$(grep -o '^verified: [0-9]* files' "$work/verify.out" | grep -o '[0-9]*')
  add_row "(f) evidence-review verify, store of $files files ($blobs blobs, $(calc "%.1f" "$bytes / 1e6") MB)" \
    "$(calc "%.0f" "$files / $p") files/s ($p s)" "$(calc "%.0f" "$blobs / $r") files/s ($r s, sha256sum over every blob)" \
    "$(calc "%.2fx" "$r / $p")" "$(awk -v a="$p" -v b="$r" 'BEGIN { printf "limited by SHA-256 and reading: %s", (a <= 2 * b ? "yes (within 2x of sha256sum)" : "NO") }')"
  # Every stored checkpoint's signature is checked (one Ed25519 verification each), so the floor is sha256sum's time
  # plus those verifications at openssl speed's rate (CPU time, one core) spread over every core.
  local checkpoints ed25519 cores floor
  checkpoints=$(grep -o '[0-9]* checkpoints checked' "$work/verify.out" | grep -o '^[0-9]*')
  ed25519=$(openssl speed -mr -seconds 2 ed25519 2>/dev/null | awk -F: '/^\+F6:/ && $4 == "Ed25519" { printf "%.0f", $6 }')
  cores=$(nproc)
  floor=$(calc "%.3f" "$r + ${checkpoints:-0} / (${ed25519:-1} * $cores)")
  add_row "(f) the same verify vs its floor: sha256sum + one Ed25519 verification per checkpoint ($checkpoints) on $cores cores" \
    "$p s" "$floor s (openssl speed: $ed25519 Ed25519 verifications/s on one core)" "$(calc "%.2fx" "$floor / $p")" \
    "$(awk -v a="$p" -v b="$floor" 'BEGIN { printf "within 2x of that floor: %s", (a <= 2 * b ? "yes" : "NO") }')"
  add_row "(f) evidence-review verify --key (also decrypts every file)" \
    "$(calc "%.0f" "$files / $k") files/s ($k s)" "$(calc "%.0f" "$blobs / $r") files/s (sha256sum)" "$(calc "%.2fx" "$r / $k")" "-"
  details+=("verify: $(cat "$work/verify.out"); seconds per run: verify ${plain[*]}; verify --key ${keyed[*]}; sha256sum ${refs[*]}")
  notes+=("**(f) verify**: the store is built by \`bench-store\` (\`Scripts/bench/Sources/bench-store\`): $count
submissions of one tiny generated image each (an 8x8 PNG or JPEG with a comment, distinct bytes, but one submission in
a hundred sends an earlier one's file again, so listings have duplicates to name), each spooled with
\`SpoolFile\` and stored by \`IngestPipeline(folder:).ingest\` exactly as the server does (scrub, seal, blob, database
rows, custody, log entry, a signed checkpoint per submission); eatmydata only skips fsync while building. The
reference hashes every blob file with \`sha256sum\` (what \"limited by SHA-256 and disk read speed\" means for small
files: opening and reading each). The goal counts as met when verify takes at most twice sha256sum's time. But
verify also checks the signature of every checkpoint in the store, and bench-store, like a server under light load,
signs one per submission: $checkpoints Ed25519 verifications, which at \`openssl speed\`'s $ed25519 per second
per core take $(calc "%.2f" "${checkpoints:-0} / (${ed25519:-1} * $cores)") s on all $cores cores. The second row
holds verify to that floor as well. Median of $runs runs; the page cache is warm for both.")
}

# ---------------------------------------------------------------------------------------------------------------
# (g) `evidence-review list` on a store of 100,000 submissions: all, --json and a filtered list, vs 0.2 s.
prepare_list() {
  need_packages eatmydata || true
  local key data="$work/store-100k-v2" count=${BENCH_LIST_SUBMISSIONS:-100000}
  key=$(reviewer_key)
  local eat=()
  command -v eatmydata >/dev/null && eat=(eatmydata)
  [ -f "$data/evidence.sqlite" ] && return 0
  local build start end
  build=$("${eat[@]}" "$(bench_bin bench-store)" --data "$data" --recipient "$key.pub" --submissions "$count" 2>"$work/store-100k-v2.log")
  # One file in a hundred approved, through the reviewer's own command, for the filtered list.
  start=$(date +%s.%N)
  seq 1 100 "$count" | xargs "${eat[@]}" "$bin/evidence-review" approve --data "$data" --yes --as bench >/dev/null
  end=$(date +%s.%N)
  echo "store of $count submissions built by bench-store (IngestPipeline, a checkpoint per submission) ${eat[*]:+under eatmydata }in $(cut -f2 <<<"$build" | xargs printf '%.0f') s (load $(load1)); $(seq 1 100 "$count" | wc -l) files approved with evidence-review approve in $(calc "%.0f" "$end - $start") s; progress: $(grep -o '[0-9]* of [0-9]* submissions, [0-9.]* s, [0-9]* submissions/s' "$work/store-100k-v2.log" | tr '\n' ';')" >"$data.note"
}
bench_list() {
  build_main
  build_bench bench-store
  local key data="$work/store-100k-v2" count=${BENCH_LIST_SUBMISSIONS:-100000}
  key=$(reviewer_key)
  prepare_list
  details+=("list: $(cat "$data.note" 2>/dev/null || echo "store built by an earlier run (BENCH_WORK)")")
  local cases=("list --status all" "list --status all --json" "list --status approved" "list --type png --status all") c
  for c in "${cases[@]}"; do
    local lines
    # shellcheck disable=SC2086
    timed_runs "$bin/evidence-review" $c --data "$data"
    cp "$work/timed.out" "$work/list.out"
    lines=$(wc -l <"$work/list.out")
    local t
    t=$(printf '%s\n' "${times[@]}" | median)
    add_row "(g) evidence-review $c, $count submissions ($lines lines out)" "$t s" "0.2 s (goal)" "$(calc "%.3fx" "0.2 / $t")" \
      "$(awk -v t="$t" 'BEGIN { print "under 0.2 s: " (t < 0.2 ? "met" : "NOT met") }')"
    details+=("list: evidence-review $c: seconds per run ${times[*]}")
  done
  notes+=("**(g) list**: the store is built by \`bench-store\`, as the one for (f): $count submissions through
\`IngestPipeline.ingest\` (the server's rows, custody and log entries and a signed checkpoint, in one transaction
each); one file in a hundred is then approved with \`evidence-review approve\`. Output goes to a file (plain text, as into a pipe). Median of $runs runs.")
}

# ---------------------------------------------------------------------------------------------------------------
# Instruction counts under valgrind's callgrind: what each benchmark's work costs, counted rather than timed, so
# that the figures repeat on this noisy machine (the same binary and input give nearly the same count, whatever
# else runs) and say where the work goes. Smaller inputs than the timed benchmarks (callgrind runs ~50x slower); user
# space only (the kernel's share of reads, writes and fsync is not in them).
prepare_profile() {
  need_packages valgrind || return 0
  build_bench bench-scrub
  build_bench bench-ingest
  build_bench bench-store
  make_mp4 "${BENCH_PROFILE_MIB:-64}" "$work/profile.mp4"
  make_photo "$work/photo.jpg"
  prepare_verify
}
# valgrind 3.19 cannot read the DWARF of this toolchain's binaries ("Possibly corrupted debuginfo file"): it gets
# copies without it (the symbol table stays, so functions keep their names).
profile_binary() {
  mkdir -p "$work/profile-bin"
  cp "$1" "$work/profile-bin/" && strip --strip-debug "$work/profile-bin/$(basename "$1")"
  echo "$work/profile-bin/$(basename "$1")"
}
callgrind() {
  local out=$1
  shift
  LD_PRELOAD="$work/profile-bin/valgrind_sigsuspend.so" valgrind --tool=callgrind --callgrind-out-file="$out" "$@"
}
# profile_row NAME UNITS UNIT CALLGRIND.OUT...: one row of the instruction table.
profile_row() {
  local name=$1 units=$2 unit=$3
  shift 3
  local total per outside where
  IFS=$'\t' read -r total per outside where < <(python3 "$root/Scripts/bench/callgrind_summary.py" "$@" --row "$units")
  profile_rows+=("$name"$'\t'"$(calc "%.3f" "$total / 1e9") G"$'\t'"$(calc "%.4g" "$per") per $unit"$'\t'"$(calc "%.4g" "$outside") per $unit"$'\t'"$where")
}
# profile_server STEM NAME UNITS UNIT CLIENT-ARGS...: the server under callgrind, counting only while the client runs.
profile_server() {
  local stem=$1 name=$2 units=$3 unit=$4
  shift 4
  local key data="$work/profile-server" port pid out="$work/profile/$stem.callgrind"
  key=$(reviewer_key)
  rm -rf "$data" "$out"
  port=$(free_port)
  LD_PRELOAD="$work/profile-bin/valgrind_sigsuspend.so" valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$out" "$work/profile-bin/evidence-drop" serve --data "$data" --host 127.0.0.1 --port "$port" \
    --recipient "$key.pub" --min-free 0 --max-file-size 5GiB --max-submission-size 5GiB >"$work/profile-server.log" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  wait_for_port "$port"
  callgrind_control -i on "$pid" >/dev/null
  python3 "$references/upload_client.py" "$1" "http://127.0.0.1:$port/submissions" "${@:2}" >"$work/profile-client.out"
  callgrind_control -i off "$pid" >/dev/null
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  profile_row "$name" "$units" "$unit" "$out"
  rm -rf "$data"
}
bench_profile() {
  if ! command -v valgrind >/dev/null; then
    say "valgrind is not installed: no instruction counts"
    return 0
  fi
  build_main
  rm -rf "$work/profile"
  mkdir -p "$work/profile" "$work/profile-bin"
  cc -shared -fPIC -O2 -o "$work/profile-bin/valgrind_sigsuspend.so" "$root/Scripts/bench/valgrind_sigsuspend.c" -ldl
  local scrub ingest review key mp4="$work/profile.mp4" photo="$work/photo.jpg" bytes files corpus_bytes
  local corpus="$root/../shared/corpus" list="$work/profile/corpus.list"
  scrub=$(profile_binary "$(bench_bin bench-scrub)")
  ingest=$(profile_binary "$(bench_bin bench-ingest)")
  review=$(profile_binary "$bin/evidence-review")
  profile_binary "$bin/evidence-drop" >/dev/null
  key=$(reviewer_key)
  bytes=$(stat -c %s "$mp4")

  if [ -d "$corpus" ]; then
    "$(bench_bin bench-scrub)" list "$corpus" >"$list" 2>/dev/null
    files=$(wc -l <"$list")
    corpus_bytes=$(awk -F'\t' '{ s += $2 } END { print s }' "$list")
    callgrind "$work/profile/a.callgrind" "$scrub" corpus "$list" --out "$work/profile/scrubbed" --rounds 1 >/dev/null 2>&1
    rm -rf "$work/profile/scrubbed"
    profile_row "(a) scrub the corpus once, file to file, in process ($files files, $(calc "%.1f" "$corpus_bytes / 1e6") MB)" \
      "$corpus_bytes" byte "$work/profile/a.callgrind"
  fi
  callgrind "$work/profile/b.callgrind" "$scrub" file "$mp4" >/dev/null 2>&1
  profile_row "(b) scrub a $(calc "%.0f" "$bytes / 1048576") MiB MP4 (index after the media data), in process" "$bytes" byte \
    "$work/profile/b.callgrind"
  local path
  for path in arriving spooled; do
    callgrind "$work/profile/c-$path.callgrind" "$ingest" "$mp4" --recipient "$key.pub" --work "$work" --runs 1 --path "$path" >/dev/null 2>&1
    profile_row "(c) ingest the same MP4 without HTTP, $path" "$bytes" byte "$work/profile/c-$path.callgrind"
  done
  profile_server d-multipart "(d) the server: one upload of the MP4, POST /submissions" "$bytes" byte \
    single "$mp4" --mode multipart
  profile_server d-tus "(d) the server: one upload of the MP4 through tus" "$bytes" byte single "$mp4" --mode tus
  profile_server e-photos "(e) the server: 20 uploads of the 3 MB JPEG, 2 clients" 20 upload \
    concurrent "$photo" --requests 20 --clients 2 --mode multipart
  local store="$work/store-10k-v2" count=${BENCH_VERIFY_FILES:-10000}
  callgrind "$work/profile/f.callgrind" "$review" verify --data "$store" >/dev/null 2>&1
  profile_row "(f) evidence-review verify, $count files" "$count" file "$work/profile/f.callgrind"
  callgrind "$work/profile/g.callgrind" "$review" list --status all --json --data "$store" >/dev/null 2>&1
  profile_row "(g) evidence-review list --status all --json, $count submissions" "$count" submission "$work/profile/g.callgrind"
  notes+=("**Instruction counts**: each benchmark's work run once more under \`valgrind --tool=callgrind\`, on
smaller inputs (callgrind runs some 50 times slower): a $(calc "%.0f" "$bytes / 1048576") MiB MP4 made as for (b), the
corpus once, 20 photo uploads, and the (f) store for (f) and (g). The server runs under callgrind with counting
switched on only while the client sends (\`callgrind_control -i on\`). Counts are of user space only: the kernel's
share of reads, writes and fsync is not in them. They repeat within a few hundredths of a percent for the same binary
and input whatever else the machine runs, so they show a change in our code that the timed benchmarks' noise would
hide. valgrind does not implement the
SHA extensions, so libcrypto's SHA-256 runs its SIMD code under it (about 28 instructions a byte) where this CPU
runs SHA-NI: libcrypto's share here is larger than its share of time; the column \"outside libcrypto\" is ours and
our dependencies' alone. Instructions are grouped by the library or the Swift module (from the symbol's mangled
name) that executed them, libcrypto by the entry point our code called. Summed by
\`Scripts/bench/callgrind_summary.py\`; the profiles are kept in the work folder (BENCH_KEEP=1) for
\`callgrind_annotate\`.")
}

all_benchmarks=(multipart scrub_corpus scrub_batch scrub_large crypto ingest upload concurrent verify list profile)
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${all_benchmarks[@]}")
for name in "${selected[@]}"; do
  declare -F "bench_$name" >/dev/null || { echo "bench: unknown benchmark '$name' (known: ${all_benchmarks[*]})" >&2; exit 2; }
done
# BENCH_QUIET_LOAD=2.5: before each benchmark, wait (BENCH_QUIET_WAIT seconds in all, default 2400, polling every
# 30 s) until the 1-minute load is under that, so figures are taken while other work on the machine is light.
quiet_budget=${BENCH_QUIET_WAIT:-2400}
wait_quiet() {
  [ -n "${BENCH_QUIET_LOAD:-}" ] || return 0
  while awk -v l="$(load1)" -v q="$BENCH_QUIET_LOAD" 'BEGIN { exit !(l >= q) }'; do
    [ "$quiet_budget" -gt 0 ] || { say "load still $(load1), the wait is used up: measuring anyway"; return 0; }
    say "load $(load1): waiting for it to fall under $BENCH_QUIET_LOAD (${quiet_budget} s of waiting left)"
    sleep 30
    quiet_budget=$((quiet_budget - 30))
  done
}
# Build everything and make every input first (videos, photo, stores), so that no compiler or fixture builder runs
# beside a measurement.
build_main
swift build -c release --disable-build-manifest-caching --package-path "$bench_package" --scratch-path "$scratch" >&2
for name in "${selected[@]}"; do
  if declare -F "prepare_$name" >/dev/null; then
    say "preparing $name"
    "prepare_$name"
  fi
done
for name in "${selected[@]}"; do
  wait_quiet
  say "$name (load $(load1))"
  "bench_$name"
done

table="| Benchmark | Ours | Reference | Ratio (ours / reference) | Goal (issue 8) | Load |
|---|---|---|---|---|---|"
for row in "${rows[@]}"; do
  IFS=$'\t' read -r benchmark ours reference ratio goal load <<<"$row"
  table+=$'\n'"| $benchmark | $ours | $reference | $ratio | $goal | $load |"
done

cpu=$(grep -m1 -E '^(model name|Model|cpu model)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
memory=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
disk=$(df -h "$work" | awk 'NR == 2 { print $1 " (" $2 ")" }')
command_line="Scripts/bench.sh${*:+ $*}"

mkdir -p docs
{
  echo "# Benchmarks"
  echo
  echo "Generated by \`Scripts/bench.sh\` (do not edit by hand; run it again). Release builds; every reference runs in the"
  echo "same run as ours, side by side, so compare figures only within one table. MB/s counts the whole input in 10^6 bytes"
  echo "per second; a ratio above 1 means ours is faster (for times, the reference's time over ours). \"Load\" is the"
  echo "1-minute load average when the row's benchmark finished: this machine is shared, and figures under load are lower."
  echo "What bounds each figure, with the instruction counts below: docs/PERFORMANCE.md."
  echo
  echo "- Machine: $(nproc) cores, $(uname -m), CPU: ${cpu:-unknown}, memory: ${memory:-unknown}, disk: $disk"
  echo "- Load average at start (1, 5, 15 min): $load_at_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Toolchain: $(swift --version 2>/dev/null | head -1)"
  echo "- Command: \`$command_line\` (BENCH_RUNS=$runs)"
  echo
  echo "$table"
  echo
  if [ ${#profile_rows[@]} -gt 0 ]; then
    echo "## Instruction counts (callgrind)"
    echo
    echo "| Work | Instructions | Per unit | Per unit, outside libcrypto | Where they go |"
    echo "|---|---|---|---|---|"
    for row in "${profile_rows[@]}"; do
      IFS=$'\t' read -r work_name total per outside where <<<"$row"
      echo "| $work_name | $total | $per | $outside | $where |"
    done
    echo
  fi
  echo "## How each benchmark runs"
  echo
  for note in "${notes[@]}"; do
    echo "$note"
    echo
  done
  echo "## Details"
  echo
  echo '```'
  for detail in "${details[@]}"; do echo "$detail"; done
  echo '```'
} >docs/BENCHMARKS.md

echo
echo "$table"
echo
say "wrote docs/BENCHMARKS.md"
