#!/usr/bin/env bash
# Benchmark: a merge of 1,000 rows (the merge example's supporters, repeated with addresses at
# localhost) sent as emails, each with its letter attached, to a local SMTP server (the email
# tests' aiosmtpd server: STARTTLS with a throw-away certificate, AUTH, every message stored).
# Reports wall time, messages per second and peak memory for:
#   merge            the PDFs only, for comparison;
#   merge --email    the PDFs and an .eml file each;
#   merge --send     the PDFs, sent (the journal written and synced per message);
#   rerun --send     the same command again: every row skipped by the journal.
# It only reports (exit 0 unless something breaks).
#
#   bash benches/mail.sh [ROWS]      (default 1000; BIN=path uses that binary instead of a
#                                     release build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rows=${1:-1000}
export SOURCE_DATE_EPOCH=1438732800
export LC_ALL=C

if [ -z "${BIN:-}" ]; then
    bash benches/build-release.sh
    BIN=${CARGO_TARGET_DIR:-$root/target}/release/letterhead
fi

tmp=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

python=$(bash tests/mail/venv.sh "${CARGO_TARGET_DIR:-$root/target}/tmp/smtp-venv")

echo "== $rows rows in $tmp"
cp letters/letterhead.toml letters/merge/thank-you.template.md "$tmp/"
sed 's/@example.org/@localhost/g' letters/merge/thank-you.email.template.md >"$tmp/email.md"
python3 - "$rows" "$tmp/data.csv" <<'EOF'
import csv, sys
rows, out = int(sys.argv[1]), sys.argv[2]
with open("letters/merge/supporters.csv", newline="", encoding="utf-8") as f:
    source = list(csv.reader(f))
header, base = source[0], source[1:]
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(header)
    for i in range(rows):
        r = list(base[i % len(base)])
        r[0] = str(i + 1)
        r[-1] = r[-1].replace("@example.org", "-%d@localhost" % (i + 1))
        w.writerow(r)
EOF

"$python" tests/mail/smtpd.py --store "$tmp/store" --ready "$tmp/port" --tls "$tmp/ca.pem" \
    --auth bench:bench >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 200); do [ -f "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")

# measure NAME ARGS...: wall time and peak RSS of one run.
measure() {
    local name=$1
    shift
    python3 - "$name" "$rows" "$@" <<'EOF'
import resource, subprocess, sys, time
name, rows, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
start = time.monotonic()
code = subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1000  # kB -> MB
print(f"{name:<16} exit {code}  {wall:7.2f} s  {rows / wall:8.1f} rows/s  peak {peak:6.1f} MB")
EOF
}

merge=("$BIN" merge "$tmp/thank-you.template.md" --data "$tmp/data.csv" -q)
echo "== results ($rows rows; binary $BIN)"
measure "merge" "${merge[@]}" --out-dir "$tmp/pdf"
measure "merge --email" "${merge[@]}" --out-dir "$tmp/eml" --email "$tmp/email.md"
export SSL_CERT_FILE=$tmp/ca.pem LETTERHEAD_SMTP_USER=bench LETTERHEAD_SMTP_PASSWORD=bench
measure "merge --send" "${merge[@]}" --out-dir "$tmp/sent" --email "$tmp/email.md" \
    --send "smtp://127.0.0.1:$port"
measure "rerun --send" "${merge[@]}" --out-dir "$tmp/sent" --email "$tmp/email.md" \
    --send "smtp://127.0.0.1:$port"
stored=$(find "$tmp/store" -name '*.eml' | wc -l)
echo "stored on the server: $stored messages ($(du -sh "$tmp/store" | cut -f1))"
