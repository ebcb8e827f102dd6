#!/usr/bin/env bash
# Image budget benchmark: PDF size of a letter with a PNG logo (alpha, ~2.5 KB), total size of a
# 1,000-row merge signed with a PNG signature (each letter and the combined print file), and
# peak memory of a letter with four 9,400² scanned signatures. Compared with the budgets of
# issue 11; it only reports (exit 0 unless something breaks).
#
#   bash benches/images.sh              (builds and uses the release binary)
#   LETTERHEAD_BIN=path bash benches/images.sh   (any binary: sizes do not depend on the build)
#
# Needs: cargo (unless LETTERHEAD_BIN is set), python3, GNU /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export SOURCE_DATE_EPOCH=1438732800
export LC_ALL=C

BIN=${LETTERHEAD_BIN:-}
if [ -z "$BIN" ]; then
    bash benches/build-release.sh
    BIN=${CARGO_TARGET_DIR:-$root/target}/release/letterhead
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# png.py OUT SIZE KIND: a logo (600 × 200 RGBA, a disc and a bar on a transparent ground) or a
# SIZE² scanned signature (gray, a stroke), written row by row.
cat >"$tmp/png.py" <<'PY'
import math, struct, sys, zlib
out, kind, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
z = zlib.compressobj(9); data = bytearray()
if kind == 'logo':
    w, h, ctype = 600, 200, 6
    for y in range(h):
        row = bytearray(b'\0')
        for x in range(w):
            a = max(0.0, min(1.0, 0.5 - (math.hypot(x - 100, y - 100) - 80)))
            row += bytes((200, 30, 50, int(a * 255)) if a > 0 else
                         (40, 40, 40, 255) if 220 <= x <= 580 and 80 <= y <= 120 else (0, 0, 0, 0))
        data += z.compress(bytes(row))
else:
    w = h = size; ctype = 0
    for y in range(h):
        row = bytearray(b'\xff' * w)
        cx = int(w / 2 + w / 3 * math.sin(y / h * 6.28))
        row[max(0, cx - 20):cx + 20] = b'\x20' * len(row[max(0, cx - 20):cx + 20])
        data += z.compress(b'\0' + bytes(row))
data += z.flush()
ihdr = struct.pack('>IIBBBBB', w, h, 8, ctype, 0, 0, 0)
open(out, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', bytes(data)) + chunk(b'IEND', b''))
PY
size() { stat -c %s "$1"; }
verdict() { if [ "$1" -le "$2" ]; then echo ok; else echo MISSED; fi; }

echo "== a letter with a PNG logo"
mkdir "$tmp/logo"
python3 "$tmp/png.py" "$tmp/logo/logo.png" logo 0
printf '[organization]\nname = "Acme"\nlogo = "logo.png"\n' >"$tmp/logo/letterhead.toml"
printf '+++\nto = ["Jane Doe", "1 Main St"]\n+++\n\nHello.\n' >"$tmp/logo/letter.md"
"$BIN" render "$tmp/logo/letter.md" -o "$tmp/logo/letter.pdf" >/dev/null 2>&1
png=$(size "$tmp/logo/logo.png"); pdf=$(size "$tmp/logo/letter.pdf")
budget=$((png * 3 / 2 + 20 * 1024))
echo "logo PNG $png bytes; letter PDF $pdf bytes; budget $budget bytes: $(verdict "$pdf" "$budget")"

echo "== a 1,000-row merge with a PNG signature"
mkdir "$tmp/merge"
python3 "$tmp/png.py" "$tmp/merge/logo.png" logo 0
cp "$tmp/merge/logo.png" "$tmp/merge/sig.png"
cp "$tmp/logo/letterhead.toml" "$tmp/merge/"
printf '+++\nto = ["{{ name }}"]\nclosing = "Yours,"\n[signature]\nname = "Ada"\nimage = "sig.png"\n+++\n\nThank you, {{ name }}.\n' \
    >"$tmp/merge/t.template.md"
{ echo name; for i in $(seq 1 1000); do echo "Person $i"; done; } >"$tmp/merge/data.csv"
(cd "$tmp/merge" && "$BIN" merge t.template.md --data data.csv --out-dir out --combine print.pdf >/dev/null 2>&1)
letters=$(du -cb "$tmp"/merge/out/*.pdf | tail -1 | cut -f1)
combined=$(size "$tmp/merge/print.pdf")
all=$((letters + combined))
echo "1,000 letters $letters bytes; combined file $combined bytes; in all $all bytes;" \
    "budget 30000000: $(verdict "$all" 30000000)"

echo "== four 9,400² scanned signatures"
mkdir "$tmp/scan"
python3 "$tmp/png.py" "$tmp/scan/sig1.png" scan 9400
for i in 2 3 4; do cp "$tmp/scan/sig1.png" "$tmp/scan/sig$i.png"; done
printf '[organization]\nname = "Acme"\n' >"$tmp/scan/letterhead.toml"
{
    printf '+++\nto = ["Jane Doe"]\nclosing = "Yours,"\n'
    for i in 1 2 3 4; do printf '[[signatures]]\nname = "S%s"\nimage = "sig%s.png"\n' "$i" "$i"; done
    printf '+++\n\nHello.\n'
} >"$tmp/scan/letter.md"
/usr/bin/time -f %M -o "$tmp/peak" "$BIN" render "$tmp/scan/letter.md" -o "$tmp/scan/letter.pdf" >/dev/null 2>&1
peak=$(tail -1 "$tmp/peak")
echo "peak RSS ${peak} KB ($((peak / 1000)) MB); PDF $(size "$tmp/scan/letter.pdf") bytes;" \
    "budget 300 MB: $(verdict "$peak" 300000)"
