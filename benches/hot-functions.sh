#!/usr/bin/env bash
# Writes link/hot-functions.txt: the functions the release binary runs for the common commands,
# run by run (one letter first), each run's new ones in name order. `build.rs` hands the list to the linker, which places these
# functions together at the start of the program's code; everything else follows as before.
#
#   bash benches/hot-functions.sh      (from anywhere; needs valgrind, python3, nm)
#
# Why: the kernel maps a program's code in 64 KiB windows around each page it touches. Spread
# over the whole 9.7 MB of code, the 2 MB a letter runs touched almost all of it (7 MB of a
# one-letter run's 11.6 MiB resident); packed together they touch about 2.4 MB. The output is
# the same bytes either way.
#
# The names carry the compiler's hashes, which change with the toolchain and the dependencies'
# versions, and new functions are not listed: run this again after such a change. A stale list
# costs only locality (the linker skips names it does not know), never correctness;
# `benches/bench.sh` prints how many of the listed functions the binary still has.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

for tool in valgrind python3 nm cargo; do
    command -v "$tool" >/dev/null || { echo "hot-functions: $tool is required" >&2; exit 1; }
done

bash benches/build-release.sh
BIN=${CARGO_TARGET_DIR:-$root/target}/release/letterhead
export SOURCE_DATE_EPOCH=1438732800

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/profiles"

# profile NAME COMMAND...: one callgrind run, its function names kept in $tmp/profiles.
n=0
profile() {
    local name=$1
    shift
    n=$((n + 1))
    valgrind --tool=callgrind --demangle=no --compress-strings=no --dump-instr=no \
        --callgrind-out-file="$tmp/profiles/$(printf %02d $n)-$name.%p" "$@" \
        >/dev/null 2>"$tmp/$name.err" ||
        { echo "hot-functions: the $name run failed:" >&2; cat "$tmp/$name.err" >&2; exit 1; }
}

python3 benches/gen-batch.py "$tmp/batch" 100 >/dev/null
food=tests/real/foodbank

# The most common first: one letter, then the other layouts, a batch, merges and joins.
profile seed "$BIN" render letters/amnesty-draft-policy.md -o "$tmp/seed.pdf" -q
profile seed2 "$BIN" render letters/comments-on-outreach-guidelines.md -o "$tmp/seed2.pdf" -q
profile din "$BIN" render letters/din/bauantrag.md -o "$tmp/din.pdf" -q
profile window "$BIN" render letters/window/grant-report.md -o "$tmp/window.pdf" -q
profile pdfa "$BIN" render letters/amnesty-draft-policy.md -o "$tmp/a.pdf" --pdfa -q
profile check "$BIN" check letters/amnesty-draft-policy.md -q
profile batch "$BIN" render "$tmp/batch" --out-dir "$tmp/batch-out" -q
profile batch-again "$BIN" render "$tmp/batch" --out-dir "$tmp/batch-out" -q
profile merge "$BIN" merge letters/merge/thank-you.template.md \
    --data letters/merge/supporters.csv --out-dir "$tmp/merge" -q
profile combine "$BIN" merge letters/merge/thank-you.template.md \
    --data letters/merge/supporters.csv --out-dir "$tmp/merge-c" --combine "$tmp/print.pdf" \
    --duplex -q
profile images "$BIN" merge "$food/thank-you.template.md" --data "$food/donors.csv" \
    -l "$food/letterhead.toml" --out-dir "$tmp/food" --combine "$tmp/food.pdf" -q
profile join "$BIN" combine "$tmp/print.pdf" "$tmp/food.pdf" -o "$tmp/join.pdf" -q

nm "$BIN" | awk '$2 ~ /^[tTwW]$/ { print $3 }' >"$tmp/symbols"
mkdir -p link
python3 - "$tmp/symbols" "$tmp/profiles" link/hot-functions.txt <<'EOF'
import pathlib, sys
known = set(pathlib.Path(sys.argv[1]).read_text().split())
order, seen = [], set()
for profile in sorted(pathlib.Path(sys.argv[2]).iterdir()):
    # callgrind marks a recursive call's frames with 'N. Its order of functions follows their
    # addresses, so each run's new names are sorted: the list changes only when they do.
    names = {line[3:].strip().split("'")[0]
             for line in profile.read_text(errors="replace").splitlines()
             if line.startswith("fn=")}
    new = sorted(name for name in names if name in known and name not in seen)
    seen.update(new)
    order += new
pathlib.Path(sys.argv[3]).write_text("".join(n + "\n" for n in order))
print(f"hot-functions: {len(order)} functions in {sys.argv[3]}")
EOF
