#!/usr/bin/env bash
# PDF/A validation: the example letters rendered with --pdfa go through Apache PDFBox
# Preflight, the strongest PDF/A validator installable from the registries CI reaches (Debian's
# libpdfbox2-java; veraPDF is not packaged in any of them). Preflight checks PDF/A-1b, the
# stricter ancestor of the PDF/A-2b letterhead writes, so three of its findings are not faults
# in PDF/A-2b and are allowed, each by its exact message:
#   1.4    cross-reference streams (PDF/A-2 allows them; ISO 19005-2, 6.1.4),
#   3.1.11 no CIDSet in a subset CID font (optional in PDF/A-2, 6.2.11.4.2),
#   7.11.2 pdfaid:part is 2, not 1.
# Anything else fails. As a control, a letter written without --pdfa must fail.
#
#   bash tests/pdfa.sh     (after a build; LETTERHEAD=path/to/binary to choose it)
#
# Needs java (default-jre-headless), libpdfbox2-java, libactivation-java, libjaxb-api-java
# (`.ci/run` installs them; Preflight needs the last two on Java 11+ without depending on them).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${LETTERHEAD:-${CARGO_TARGET_DIR:-target}/debug/letterhead}
export SOURCE_DATE_EPOCH=1438732800

command -v java >/dev/null || { echo "pdfa: java is required" >&2; exit 1; }
[ -x "$BIN" ] || { echo "pdfa: build first (no $BIN)" >&2; exit 1; }
CP=""
for jar in preflight pdfbox2 fontbox2 xmpbox commons-logging javax.activation jaxb-api; do
    [ -f "/usr/share/java/$jar.jar" ] || { echo "pdfa: /usr/share/java/$jar.jar is missing" >&2; exit 1; }
    CP="$CP${CP:+:}/usr/share/java/$jar.jar"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# validate PDF: prints Preflight's findings that are not allowed; exit 1 when there are any.
validate() {
    local out status=0
    out=$(java -cp "$CP" org.apache.pdfbox.preflight.Validator_A1b "$1" 2>&1) || status=$?
    if [ "$status" = 0 ]; then
        return 0
    fi
    local problems
    problems=$(printf '%s\n' "$out" | grep -E '^[0-9]+(\.[0-9]+)* : ' \
        | grep -v -F -e '1.4 : Trailer Syntax error, /XRef cross reference streams are not allowed' \
        | grep -v -E '^3\.1\.11 : Invalid Font definition, [A-Z]{6}\+[^:]*: The CIDSet entry is missing for the Composite Subset$' \
        | grep -v -F -e '7.11.2 : Error on MetaData, part must be 1' || true)
    if [ -n "$problems" ] || ! grep -q ' : ' <<<"$out"; then
        printf '%s\n' "${problems:-$out}"
        return 1
    fi
}

echo "== render the examples as PDF/A"
mkdir -p "$work/plain"
cp letters/*.md letters/letterhead.toml "$work/"
cp -r letters/din letters/window "$work/"
rm -f "$work"/din/*.pdf "$work"/window/*.pdf
# A logo and a scanned signature (RGB PNGs), a table, several signatories.
mkdir -p "$work/images"
python3 - "$work/images" <<'PY'
import struct, sys, zlib
def png(path, w, h, rgb):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
png(sys.argv[1] + "/logo.png", 600, 600, (122, 31, 61))
png(sys.argv[1] + "/sig.png", 900, 300, (20, 20, 90))
PY
printf '[organization]\nname = "Acme"\nlogo = "logo.png"\n' > "$work/images/letterhead.toml"
# The same with an SVG logo, drawn as vector graphics.
mkdir -p "$work/svg"
printf '%s\n' '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 30" width="60" height="30">' \
    '<rect width="28" height="28" rx="4" fill="#7a1f3d"/><circle cx="45" cy="15" r="10" fill="none"' \
    ' stroke="#1f4e79" stroke-width="3"/></svg>' > "$work/svg/logo.svg"
printf '[organization]\nname = "Acme"\nlogo = "logo.svg"\n' > "$work/svg/letterhead.toml"
printf '%s\n' '+++' 'to = ["A"]' '+++' '' 'With a vector logo.' > "$work/svg/letter.md"
printf '%s\n' '+++' 'to = ["A"]' 'closing = "Yours,"' '[[signatures]]' 'name = "A"' 'image = "sig.png"' \
    '[[signatures]]' 'name = "B"' '+++' '' '| a | b |' '|--|--:|' '| 1 | 2 |' > "$work/images/letter.md"
"$BIN" render -q --pdfa "$work"/*.md "$work"/din/*.md "$work"/window/*.md "$work"/images/*.md \
    "$work"/svg/*.md
"$BIN" render -q "$work"/amnesty-draft-policy.md -o "$work/plain/amnesty-draft-policy.pdf"

failed=0
count=0
for pdf in "$work"/*.pdf "$work"/din/*.pdf "$work"/window/*.pdf "$work"/images/*.pdf "$work"/svg/*.pdf; do
    count=$((count + 1))
    if problems=$(validate "$pdf"); then
        echo "ok: ${pdf#"$work"/} (PDF/A-2b; Preflight finds only PDF/A-1b rules)"
    else
        echo "FAILED: ${pdf#"$work"/}:" >&2
        printf '%s\n' "$problems" >&2
        failed=1
    fi
done
[ "$count" -ge 6 ] || { echo "pdfa: expected at least 6 PDFs, found $count" >&2; exit 1; }
if validate "$work/plain/amnesty-draft-policy.pdf" >/dev/null; then
    echo "pdfa: Preflight passed a letter written without --pdfa; it is not checking" >&2
    exit 1
fi
echo "ok: a letter without --pdfa fails Preflight (the control)"
exit "$failed"
