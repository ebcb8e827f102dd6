#!/usr/bin/env bash
# Mail-merge benchmark: the example template with 5,000 generated rows (the rows of
# bench.sh's merge), into separate PDFs, and with `--combine --duplex`. Prints letters per second
# (the best of RUNS runs: the machine's load only ever slows a run down), peak memory (GNU time,
# largest of the runs) and the combined file's size, with the targets beside them: >= 3,000
# letters/s separate, >= 2,500/s combined, the combined file <= 20 MB, peak <= 40 MiB.
#
#   bash benches/merge.sh                                  # builds and uses the release binary
#   LETTERHEAD_BIN=path/to/letterhead RUNS=5 bash benches/merge.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${LETTERHEAD_BIN:-}" ]; then
    bash benches/build-release.sh
    LETTERHEAD_BIN=${CARGO_TARGET_DIR:-target}/release/letterhead
fi
BIN=$(realpath "$LETTERHEAD_BIN")
RUNS=${RUNS:-3}
export SOURCE_DATE_EPOCH=1438732800
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/merge.csv" <<'PY'
import csv, random, sys
rng = random.Random(5000)
first = ["Amara", "Björn", "Chloé", "Dmitri", "Émilie", "Farah", "Gustavo", "Hana", "José", "Zoë"]
last = ["Okafor", "Lindqvist", "Moreau", "Petrov", "Dubois", "Haddad", "Quispe", "Nakamura"]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "first_name", "last_name", "street", "city", "amount", "member_since"])
    for i in range(1, 5001):
        w.writerow([i, rng.choice(first), rng.choice(last), f"{rng.randint(1, 999)} Main Street",
                    "Springfield, IL 62701", f"${rng.randint(5, 500)}",
                    rng.choice(["", str(rng.randint(1995, 2015))])])
PY
cp letters/merge/thank-you.template.md letters/letterhead.toml "$tmp/"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

# One timed run: wall seconds on stdout's last line, peak KiB in $tmp/rss. Each run writes into
# a new folder, the last run's left alone until the end: after thousands of files are deleted,
# ext4 spends longer finding an inode for each new file than letterhead spends on the letter.
timed() {
    local dir
    dir=$(mktemp -d "$tmp/run-XXXXXX")
    echo "$dir" >"$tmp/last"
    cd "$dir"
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f %M -o "$tmp/rss" "$@"
    end=$(date +%s.%N)
    python3 -c "print($end - $start)"
}

measure() {
    local name=$1
    shift
    local best=1e9 peak=0 secs kib
    for _ in $(seq "$RUNS"); do
        secs=$(timed "$@")
        kib=$(tail -n 1 "$tmp/rss")
        best=$(python3 -c "print(min($best, $secs))")
        peak=$((kib > peak ? kib : peak))
    done
    python3 - "$name" "$best" "$peak" <<'PY'
import sys
name, secs, kib = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
print(f"{name:<28} {secs:6.2f} s  {5000 / secs:6.0f} letters/s  peak {kib / 1024:5.1f} MiB")
PY
}

# Relative to each run's folder.
merge=("$BIN" merge "$tmp/thank-you.template.md" --data "$tmp/merge.csv" --out-dir out -q)
measure "separate (>= 3,000/s)" "${merge[@]}"
measure "--combine (>= 2,500/s)" "${merge[@]}" --combine print.pdf --duplex
print=$(cat "$tmp/last")/print.pdf
size=$(stat -c %s "$print")
pages=$(pdfinfo "$print" | awk '/^Pages:/ { print $2 }')
echo "combined file: $(python3 -c "print(f'{$size / 1e6:.1f}')") MB (<= 20 MB), $pages pages"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
