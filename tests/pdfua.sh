#!/usr/bin/env bash
# PDF/UA: every example letter, `init`'s starter letter, the realistic corpus (tests/real) and
# the merge examples with their combined print files must pass `pdfua check` (PyPI `pdfua`: the machine-checkable subset of PDF/UA-1 — structure
# tree, MarkInfo, Lang, alternative text, table structure, link descriptions, the XMP
# identification) with zero findings.
#
#   bash tests/pdfua.sh     (after a build; LETTERHEAD=path/to/binary to choose it;
#                            PDFUA=path/to/pdfua, else a venv in target/pdfua-venv is made)
#
# Letters whose font has CFF outlines go through printpdf's writer, which tags nothing: the
# corpus uses TrueType fonts only.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${LETTERHEAD:-${CARGO_TARGET_DIR:-target}/debug/letterhead}
export SOURCE_DATE_EPOCH=1438732800
[ -x "$BIN" ] || { echo "pdfua: build first (no $BIN)" >&2; exit 1; }

PDFUA=${PDFUA:-}
if [ -z "$PDFUA" ]; then
    venv=${CARGO_TARGET_DIR:-target}/pdfua-venv
    if [ ! -x "$venv/bin/pdfua" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check 'pdfua==0.1.3'
    fi
    PDFUA=$venv/bin/pdfua
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/letters"
cp letters/*.md letters/letterhead.toml "$work/letters/"
"$BIN" render -q "$work"/letters/*.md
for layout in din din-a window; do
    cp -r "letters/$layout" "$work/$layout"
    rm -f "$work/$layout"/*.pdf
    "$BIN" render -q "$work/$layout"/*.md
done
"$BIN" init "$work/init" 2>/dev/null
"$BIN" render -q "$work/init/example-letter.md"
cp -r tests/real "$work/real"
find "$work/real" -name '*.pdf' -delete
"$BIN" render -q "$work/real"
# The combined print files of the merge examples: one structure tree for the whole file.
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
"$BIN" merge -q "$work/real/foodbank/thank-you.template.md" --data "$work/real/foodbank/donors.csv" \
    --combine "$work/real/foodbank/print.pdf"
# Two print files joined by `letterhead combine`, as the shards of a merge are.
"$BIN" combine -q "$work/merge/print.pdf" "$work/real/foodbank/print.pdf" -o "$work/merge/joined.pdf"

# A link broken inside its address: its pieces carry replacement text (`/ActualText`).
mkdir -p "$work/broken-link"
printf '[organization]\nname = "Acme"\n' >"$work/broken-link/letterhead.toml"
printf '+++\nto = ["A"]\n+++\n\nThe data, in an address too long for a line: %s\n' \
    "https://example.org/survey/2026/raw-data/nitrate-and-turbidity-by-town-and-month-for-every-well-we-test.csv" \
    >"$work/broken-link/letter.md"
"$BIN" render -q "$work/broken-link/letter.md"

mapfile -t pdfs < <(find "$work" -name '*.pdf' | sort)
echo "${#pdfs[@]} PDFs"
[ "${#pdfs[@]}" -ge 10 ] || { echo "pdfua: expected at least 10 PDFs" >&2; exit 1; }

failed=0
for pdf in "${pdfs[@]}"; do
    name=${pdf#"$work"/}
    if out=$("$PDFUA" check "$pdf" 2>&1); then
        echo "ok: $name"
    else
        echo "FAIL $name:" >&2
        echo "$out" | grep -E '^\s*\[(WARN|ERROR|INFO)' -A 2 >&2 || echo "$out" >&2
        failed=1
    fi
done
if [ "$failed" -ne 0 ]; then
    echo "pdfua: some letters have findings" >&2
    exit 1
fi
echo "== all ${#pdfs[@]} letters pass pdfua check with zero findings"
