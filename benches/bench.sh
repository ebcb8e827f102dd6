#!/usr/bin/env bash
# Benchmark: wall time, peak memory and PDF size of `letterhead render` on the seed letter, a
# one-page cut of it and a ~10-page letter, compared with the targets from the spec. It only
# reports: a missed target is printed, never an error (exit 0 unless something actually breaks).
#
#   bash benches/bench.sh          (from the repository root; or from anywhere)
#
# Needs: cargo, pdfinfo (poppler-utils), python3. Uses hyperfine and GNU /usr/bin/time when
# installed, and falls back to python3 timing loops otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export SOURCE_DATE_EPOCH=1438732800   # deterministic output (dates, /ID)
export LC_ALL=C

RUNS=30
WARMUP=3
MEM_RUNS=5          # peak RSS is the maximum over this many runs
SEED=letters/amnesty-draft-policy.md
LETTERHEAD=$root/letters/letterhead.toml
BIN=${CARGO_TARGET_DIR:-$root/target}/release/letterhead

for tool in cargo pdfinfo python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

bash benches/build-release.sh
# The functions build.rs places first (see benches/hot-functions.sh): a list made before the
# toolchain or a dependency changed names fewer of them, and a run maps more of the binary.
if [[ -f link/hot-functions.txt ]] && command -v nm >/dev/null; then
    listed=$(wc -l <link/hot-functions.txt)
    present=$(nm "$BIN" | awk '{ print $NF }' | sort -u | comm -12 - <(sort -u link/hot-functions.txt) | wc -l)
    echo "hot functions: $present of the $listed listed are in the binary (bash benches/hot-functions.sh renews the list)"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# render LETTER.md OUT.pdf: one run of the binary under test (stdout/stderr discarded).
render() { "$BIN" render "$1" -l "$LETTERHEAD" -o "$2" >/dev/null 2>&1; }
pages() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }

echo "== generate letters in $tmp"
cp "$SEED" "$tmp/seed.md"
# Front matter: everything up to and including the second `+++` line; body: the rest.
awk 'n < 2 { print } /^\+\+\+[[:space:]]*$/ { n++ }' "$SEED" >"$tmp/front.md"
awk 'n >= 2 { print } /^\+\+\+[[:space:]]*$/ { n++ }' "$SEED" >"$tmp/body.md"

# The body's blocks (paragraphs, the list) in order, one file each: body-block-001.md, ...
python3 - "$tmp/body.md" "$tmp" <<'EOF'
import pathlib, re, sys
body = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", body) if b.strip()]
for i, b in enumerate(blocks, 1):
    pathlib.Path(sys.argv[2], f"body-block-{i:03d}.md").write_text(b + "\n", encoding="utf-8")
EOF
blocks=("$tmp"/body-block-*.md)

# make_letter OUT.md COPIES [BLOCKS]: the front matter, then the first BLOCKS body blocks (all
# of them by default), the whole sequence repeated COPIES times.
make_letter() {
    local out=$1 copies=$2 nblocks=${3:-${#blocks[@]}} c i
    cat "$tmp/front.md" >"$out"
    for ((c = 0; c < copies; c++)); do
        for ((i = 0; i < nblocks; i++)); do
            printf '\n' >>"$out"
            cat "${blocks[$i]}" >>"$out"
        done
    done
}

render "$tmp/seed.md" "$tmp/seed.pdf"
seed_pages=$(pages "$tmp/seed.pdf")
echo "seed letter ($SEED): $seed_pages page(s), ${#blocks[@]} body blocks"

# A true one-page letter: the longest prefix of the seed body that still fits on one page.
one_blocks=0
for ((k = ${#blocks[@]}; k >= 1; k--)); do
    make_letter "$tmp/one-page.md" 1 "$k"
    render "$tmp/one-page.md" "$tmp/one-page.pdf"
    if [ "$(pages "$tmp/one-page.pdf")" -eq 1 ]; then one_blocks=$k; break; fi
done
if [ "$one_blocks" -eq 0 ]; then
    echo "bench: could not cut the seed letter down to one page" >&2
    exit 1
fi
echo "one-page letter: the first $one_blocks of ${#blocks[@]} body blocks of the seed, 1 page"

# The ~10-page letter: the seed body repeated, starting at 5 copies and rescaled until pdfinfo
# counts 9-11 pages.
copies=5
ten_pages=0
for attempt in 1 2 3 4 5 6; do
    make_letter "$tmp/ten-page.md" "$copies"
    render "$tmp/ten-page.md" "$tmp/ten-page.pdf"
    ten_pages=$(pages "$tmp/ten-page.pdf")
    if [ "$ten_pages" -ge 9 ] && [ "$ten_pages" -le 11 ]; then break; fi
    next=$(( (copies * 10 + ten_pages / 2) / ten_pages ))
    if [ "$next" -eq "$copies" ]; then next=$(( ten_pages < 9 ? copies + 1 : copies - 1 )); fi
    echo "  body x$copies gives $ten_pages pages; trying x$next"
    copies=$next
done
echo "ten-page letter: seed body x$copies, $ten_pages pages (pdfinfo)"
if [ "$ten_pages" -lt 9 ] || [ "$ten_pages" -gt 11 ]; then
    echo "warning: the long letter is $ten_pages pages, not 9-11" >&2
fi

# measure NAME: wall time (mean/min ms), peak RSS (KiB), PDF size (bytes) of rendering NAME.md.
measure() {
    local name=$1 md="$tmp/$1.md" pdf="$tmp/$1.pdf"
    echo "== measure $name"
    if command -v hyperfine >/dev/null; then
        hyperfine --shell=none --warmup "$WARMUP" --runs "$RUNS" --style basic \
            --export-json "$tmp/$name.json" \
            -- "$BIN render $md -l $LETTERHEAD -o $pdf" >"$tmp/$name.hyperfine.log"
        python3 - "$tmp/$name.json" >"$tmp/$name.time" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["mean"] * 1000, r["min"] * 1000)
EOF
    else
        python3 - "$WARMUP" "$RUNS" "$BIN" render "$md" -l "$LETTERHEAD" -o "$pdf" \
            >"$tmp/$name.time" <<'EOF'
import subprocess, sys, time
warmup, runs, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
times = []
for i in range(warmup + runs):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if i >= warmup:
        times.append((time.perf_counter() - t) * 1000)
print(sum(times) / len(times), min(times))
EOF
    fi
    local peak=0 kib i
    for ((i = 0; i < MEM_RUNS; i++)); do
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f %M -o "$tmp/$name.rss" "$BIN" render "$md" -l "$LETTERHEAD" -o "$pdf" \
                >/dev/null 2>&1
            kib=$(tail -n 1 "$tmp/$name.rss")
        else
            # ru_maxrss of the only child this fresh python3 has waited for (KiB on Linux).
            kib=$(python3 - "$BIN" render "$md" -l "$LETTERHEAD" -o "$pdf" <<'EOF'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
            )
        fi
        if [ "$kib" -gt "$peak" ]; then peak=$kib; fi
    done
    echo "$peak" >"$tmp/$name.peak"
    echo "$name $(pages "$pdf") $(cat "$tmp/$name.time") $peak $(stat -c %s "$pdf")" >>"$tmp/results"
}

: >"$tmp/results"
measure seed
measure one-page
measure ten-page

if command -v hyperfine >/dev/null; then timer="hyperfine $(hyperfine --version | awk '{ print $2 }')"
else timer="python3 loop"; fi
if [ -x /usr/bin/time ]; then memer="/usr/bin/time -f %M"; else memer="python3 getrusage"; fi
echo
echo "== results ($RUNS runs after $WARMUP warm-up, $timer; peak RSS: max of $MEM_RUNS runs, $memer)"
python3 - "$tmp/results" "$SEED" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, pages, mean, mn, kib, size = line.split()
    rows[name] = dict(pages=int(pages), mean=float(mean), min=float(mn),
                      mb=int(kib) * 1024 / 1e6, size=int(size), kib=int(size) / 1024)

def ok(good):
    return "ok" if good else "MISSED"

print(f"{'letter':<10} {'pages':>5} {'mean ms':>8} {'min ms':>7} {'peak MB':>8} "
      f"{'PDF bytes':>10} {'PDF KiB':>8}")
for name, r in rows.items():
    print(f"{name:<10} {r['pages']:>5} {r['mean']:>8.2f} {r['min']:>7.2f} {r['mb']:>8.1f} "
          f"{r['size']:>10} {r['kib']:>8.1f}")

seed, one, ten = rows["seed"], rows["one-page"], rows["ten-page"]
print()
print("targets (spec)                          measured                      status")
checks = [
    ("one-page letter wall time <= 3 ms", f"{one['mean']:.2f} ms mean (min {one['min']:.2f})",
     one["mean"] <= 3),
    ("one-page letter peak memory <= 10 MiB", f"{one['mb'] / 1.048576:.1f} MiB",
     one["mb"] / 1.048576 <= 10),
    (f"seed letter wall time <= 3 ms ({seed['pages']} pp)", f"{seed['mean']:.2f} ms mean",
     seed["mean"] <= 3),
    ("seed PDF <= 12 KiB", f"{seed['kib']:.1f} KiB ({seed['size']} bytes)", seed["kib"] <= 12),
    (f"{ten['pages']}-page time <= 1 ms a page", f"{ten['mean'] / ten['pages']:.2f} ms a page",
     ten["mean"] / ten["pages"] <= 1),
]
for target, measured, good in checks:
    print(f"{target:<39} {measured:<29} {ok(good)}")
print(f"(for reference: {ten['pages']}-page / seed time = {ten['mean'] / seed['mean']:.2f}x; "
      f"the seed {sys.argv[2]} is {seed['pages']} page(s))")
EOF

# The batch: generated letters of one to three pages in one folder (benches/gen-batch.py),
# rendered by one process with all cores. Into a fresh folder each run (a new one, nothing
# deleted just before: after thousands of files are deleted, ext4 spends longer finding an
# inode for each new file than letterhead spends setting the letter) and again into the folder
# it filled, where every PDF is up to date and none is written. Memory for 100, 1,000 and
# 10,000 letters, to see that it stays flat.
echo
echo "== batch: 100, 1,000 and 10,000 generated letters"
for n in 100 1000 10000; do python3 benches/gen-batch.py "$tmp/batch-$n" "$n"; done
"$BIN" render "$tmp/batch-1000" --out-dir "$tmp/filled" -q --report json >"$tmp/batch.jsonl"
batch_pages=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["pages"])' "$tmp/batch.jsonl")
echo "1,000 letters, $batch_pages pages"
BATCH_RUNS=${BATCH_RUNS:-5}
batch_times=$(python3 - "$BIN" "$tmp" "$BATCH_RUNS" <<'PY'
import statistics, subprocess, sys, time
bin, tmp, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def timed(out):
    t = time.perf_counter()
    subprocess.run([bin, "render", f"{tmp}/batch-1000", "--out-dir", out, "-q"], check=True)
    return time.perf_counter() - t
fresh = [timed(f"{tmp}/fresh-{i}") for i in range(runs)]
filled = [timed(f"{tmp}/filled") for i in range(runs)]
print(statistics.median(fresh), statistics.median(filled))
PY
)
read -r fresh_secs filled_secs <<<"$batch_times"
rm -rf "$tmp"/fresh-*
peak() {
    rm -rf "$tmp/peak-out"
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M -o "$tmp/batch.rss" "$BIN" render "$1" --out-dir "$tmp/peak-out" -q >/dev/null 2>&1
        tail -n 1 "$tmp/batch.rss"
    else
        python3 - "$BIN" "$1" "$tmp/peak-out" <<'PY'
import resource, subprocess, sys
subprocess.run([sys.argv[1], "render", sys.argv[2], "--out-dir", sys.argv[3], "-q"], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
    fi
}
peak_100=$(peak "$tmp/batch-100")
peak_1000=$(peak "$tmp/batch-1000")
peak_10000=$(peak "$tmp/batch-10000")
rm -rf "$tmp/peak-out"
python3 - "$fresh_secs" "$filled_secs" "$peak_100" "$peak_1000" "$peak_10000" "$(nproc)" <<'EOF_PY'
import sys
fresh, filled = float(sys.argv[1]), float(sys.argv[2])
p100, p1000, p10000 = (int(v) / 1024 for v in sys.argv[3:6])
cores = sys.argv[6]
print(f"batch of 1,000 letters ({cores} cores), median: {fresh:.3f} s into a fresh folder "
      f"({1000 / fresh:.0f} letters/s), {filled:.3f} s into the filled one ({1000 / filled:.0f}/s)")
print(f"peak memory: {p100:.1f} MiB (100 letters), {p1000:.1f} MiB (1,000), {p10000:.1f} MiB (10,000)")
for what, secs in [("fresh folder", fresh), ("PDFs up to date", filled)]:
    rate = 1000 / secs
    print(f"{'>= 2,000 letters/s, ' + what:<39} {rate:>6.0f} letters/s{'':<13} {'ok' if rate >= 2000 else 'MISSED'}")
top = max(p100, p1000, p10000)
print(f"{'batch peak memory <= 16 MiB, flat':<39} {top:>6.1f} MiB{'':<19} {'ok' if top <= 16 else 'MISSED'}")
EOF_PY

# The worst inputs within the limits: a 10 MB letter of one word (broken between characters
# as a last resort) and 11 MB of `[` (Markdown's link brackets, never closed). Each must end,
# rendered or refused with a clear message, within 3 s.
echo
echo "== worst cases"
python3 - "$tmp" <<'PY'
import pathlib, sys
head = '+++\nto = ["A"]\n+++\n\n'
out = pathlib.Path(sys.argv[1])
(out / "one-word.md").write_text(head + "a" * 10_000_000 + "\n")
(out / "brackets.md").write_text(head + "[" * 11_000_000 + "\n")
PY
for name in one-word brackets; do
    start=$(date +%s.%N)
    code=0
    "$BIN" render "$tmp/$name.md" -q -o "$tmp/$name.pdf" 2>"$tmp/$name.err" || code=$?
    end=$(date +%s.%N)
    python3 - "$name" "$start" "$end" "$code" <<'PY'
import sys
name, start, end, code = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
secs = end - start
print(f"{name + ' (exit ' + code + ')':<39} {secs:>6.2f} s{'':<21} {'ok' if secs < 3 else 'MISSED'} (< 3 s)")
PY
done

# Long letters: the seed's body 10, 100 and 1,000 times over (about as many pages, plus one),
# and as much text again in paragraphs that are all different ("distinct": the seed's words
# drawn at random, so no paragraph is set from the cache of set paragraphs, whose lines the
# repeated bodies share). Time per page should stay flat (<= 1 ms) and memory should not grow
# with the document (a 1,000-page letter under 60 MiB): wall time the median of 3 runs,
# memory the largest.
echo
echo "== long letters: the seed body 10, 100 and 1,000 times, and 1,000 bodies' worth of distinct text"
for copies in 10 100 1000 distinct; do
    python3 - "$tmp/front.md" "$tmp/body.md" "$copies" "$tmp/long-$copies.md" <<'PY'
import pathlib, random, re, sys
front, body = (pathlib.Path(p).read_text(encoding="utf-8") for p in sys.argv[1:3])
if sys.argv[3] == "distinct":
    words = re.findall(r"[A-Za-z][a-z]+", body)
    rng = random.Random(1000)
    paragraphs, size = [], 0
    while size < len(body) * 1000:
        words_in = rng.randint(40, 120)
        paragraphs.append(" ".join(rng.choice(words) for _ in range(words_in)).capitalize() + ".")
        size += len(paragraphs[-1]) + 2
    text = front + "\n" + "\n\n".join(paragraphs) + "\n"
else:
    text = front + ("\n" + body) * int(sys.argv[3])
pathlib.Path(sys.argv[4]).write_text(text, encoding="utf-8")
PY
    python3 - "$BIN" "$LETTERHEAD" "$tmp/long-$copies.md" "$tmp/long-$copies.pdf" <<'PY' >"$tmp/long-$copies.time"
import resource, statistics, subprocess, sys, time
bin, lh, md, pdf = sys.argv[1:5]
walls = []
for _ in range(3):
    t = time.perf_counter()
    subprocess.run([bin, "render", md, "-l", lh, "-o", pdf, "-q"], check=True)
    walls.append(time.perf_counter() - t)
print(statistics.median(walls), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
    read -r secs kib <"$tmp/long-$copies.time"
    python3 - "$copies" "$secs" "$kib" "$(pages "$tmp/long-$copies.pdf")" "$(stat -c %s "$tmp/long-$copies.pdf")" <<'PY'
import sys
copies, secs, kib, pages, size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
per_page = secs * 1000 / pages
what = "distinct text" if copies == "distinct" else "body x" + copies
print(f"{what + ', ' + str(pages) + ' pages, ' + f'{size / 1024:.0f} KiB':<39} "
      f"{per_page:>6.2f} ms/page, peak {kib / 1024:6.1f} MiB  {'ok' if per_page <= 1 else 'MISSED'} (<= 1 ms/page)")
if pages >= 900:
    label = "1,000 pages of distinct text < 60 MiB" if copies == "distinct" else "1,000-page letter under 60 MiB"
    print(f"{label:<39} {kib / 1024:>6.1f} MiB{'':<19} {'ok' if kib / 1024 < 60 else 'MISSED'}")
PY
    rm -f "$tmp/long-$copies.md" "$tmp/long-$copies.pdf"
done

# Mail merge: the example template with 5,000 generated rows, separate PDFs and the combined
# print file in the same run.
echo
echo "== merge: 5,000 rows"
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
runs=0
merge_run() {
    # A new folder each run (see the batch above): nothing deleted just before.
    runs=$((runs + 1))
    "$@" merge "$tmp/thank-you.template.md" --data "$tmp/merge.csv" --out-dir "$tmp/merge-out-$runs" \
        --combine "$tmp/print-$runs.pdf" --duplex -q
}
start=$(date +%s.%N)
merge_run "$BIN"
end=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
    merge_run /usr/bin/time -f %M -o "$tmp/merge.rss" "$BIN"
    merge_kib=$(tail -n 1 "$tmp/merge.rss")
else
    merge_kib=0
fi
python3 - "$start" "$end" "$merge_kib" "$(stat -c %s "$tmp/print-1.pdf")" "$(pdfinfo "$tmp/print-1.pdf" | awk '/^Pages:/ { print $2 }')" <<'PY'
import sys
start, end, kib, size, pages = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
secs = end - start
rate = 5000 / secs
mib = kib / 1024
print(f"merge of 5,000 rows, separate PDFs and --combine --duplex: {secs:.2f} s, {rate:.0f} letters/s, "
      f"peak {mib:.1f} MiB; combined file {size / 1e6:.1f} MB, {pages} pages")
print(f"{'merge --combine >= 2,500 letters/s':<39} {rate:>6.0f} letters/s{'':<13} {'ok' if rate >= 2500 else 'MISSED'}")
print(f"{'combined file <= 20 MB':<39} {size / 1e6:>6.1f} MB{'':<20} {'ok' if size <= 20e6 else 'MISSED'}")
print(f"{'merge peak memory <= 40 MiB':<39} {mib:>6.1f} MiB{'':<19} {'ok' if 0 < mib <= 40 else 'MISSED'}")
PY
