#!/usr/bin/env python3
"""Typographic measurements of the example and test letters (issue 12, "Measure it").

Renders every example letter (letters/, merge templates left out) and every test letter under
tests/typography/ with the built binary into a temporary folder, reads the PDFs back with
`pdftotext -bbox` (word boxes), `pdftotext` and `mutool draw -F txt` (extraction order), and
reports per letter:

- words outside the margins (letterhead.toml's margins; the letterhead, the continuation
  header and the footer may sit in the top and bottom margins, never past the left or right);
- hyphenated line ends and the longest run of consecutive ones in a paragraph;
- final-hyphen fragments (a paragraph's penultimate line ends in a hyphen, so its last line
  starts with a word's tail: what TeX's \\finalhyphendemerits penalizes);
- worst, median and tightest inter-word space on justified lines, as a multiple of the
  normal space; a letter set ragged right is also set justified (a copy of its letterhead with
  `align = "justify"`, passed with `--letterhead`) and measured there, so every letter reports
  its justified spacing;
- lines starting with forbidden punctuation (; : ! ? » ) ] } , . and closing quotes, a
  spaced em or en dash inside a paragraph) or ending with an opening quote or bracket;
- the last page: how far down its content reaches, its lines, and whether it holds only
  notations (enclosures, cc, P.S.);
- the extraction order of `pdftotext` and `mutool draw -F txt` against the source words.

`--check` exits 1 on a fault not listed in benches/typography-known.txt, or on a listed fault
that no longer occurs. `--json` prints the measurements as JSON. Standard library only: CI has
no pip packages for it. See benches/README.md.
"""

import argparse
import difflib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWN = ROOT / "benches" / "typography-known.txt"
EPOCH = "1438732800"

# The faults `--check` fails on, and the labels the known-faults list uses for them.
FAULTS = ("outside-margins", "forbidden-break", "final-hyphen", "notations-alone", "loose-line")

# Points per unit of the letterhead's lengths (src/length.rs).
UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}

# Words the layout adds around the notations, per language (src/lang.rs: enclosures, cc, ps).
NOTATION_LABELS = {
    "en": ["Enclosure", "Enclosures", "cc", "P.S."],
    "de": ["Anlage", "Anlagen", "Kopie an", "PS"],
    "fr": ["Pièce jointe", "Pièces jointes", "Copie à", "PS"],
    "es": ["Anexo", "Anexos", "c.c.", "P.S."],
}
# "Page 2 of 3" (src/lang.rs: page_of), to recognise continuation headers and page numbers.
PAGE_OF = re.compile(r"\b(Page|Seite|Página)\s+\d+\s+(of|von|sur|de)\s+\d+\b")
# Closing quotes per language: the closing quote of one language opens in another (German
# „…“ closes with the English opening quote).
CLOSING_QUOTES = {"en": "”’", "de": "“‘", "fr": "»›", "es": "»”"}
OPENING_QUOTES = {"en": "“‘", "de": "„‚", "fr": "«‹", "es": "«“"}
FORBIDDEN_START = ";:!?»)]},."
FORBIDDEN_END = "([{"
DASHES = ("—", "–")
HYPHENS = ("-", "\u2010", "\u00ad")
LIST_MARKER = re.compile(r"^([•◦▪‣·–—*-]|\d+[.)]|[a-zA-Z][.)]|[ivxlc]+[.)])$")
# Word gaps next to these are fixed (French spaces before ; : ! ? », after «), not glue.
FIXED_SPACE_NEIGHBOURS = set("«»‹›;:!?")

# Tolerances, in points: pdftotext's boxes are rounded and a glyph's advance may reach a hair
# past the measure.
MARGIN_TOL = 0.5
FLUSH_TOL = 1.0
# The widest word space a justified line may have, as a multiple of the normal space
# (src/paragraph.rs: LOOSE_SPACE_RATIO); wider lines are counted as loose.
LOOSE = 1.6
# The keys of a measurement that come from the justified setting.
SPACING_KEYS = ("justified_lines", "worst_spacing", "worst_spacing_line", "median_spacing",
                "tightest_spacing", "loose_lines")


def key(word):
    """A word reduced for comparison: NFKC (ligatures to letters), lower case, letters and
    digits only, so that quotes, dashes and hyphens never make two words differ."""
    return "".join(c for c in unicodedata.normalize("NFKC", word).lower() if c.isalnum())


def keys(text):
    return [k for k in (key(w) for w in text.split()) if k]


def length(value, default):
    if value is None:
        return default
    m = re.fullmatch(r"\s*([0-9.]+)\s*(pt|mm|cm|in)\s*", str(value))
    if not m:
        raise SystemExit(f"typography.py: cannot read the length `{value}`")
    return float(m.group(1)) * UNITS[m.group(2)]


# ---------------------------------------------------------------------------------------------
# The letter and its letterhead


def front_matter(path):
    """The letter's front matter (TOML between +++ lines) and its Markdown body."""
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\ufeff?\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+[ \t]*(\r?\n|$)", text, re.S)
    if not m:
        return {}, text
    return tomllib.loads(m.group(1)), text[m.end():]


def find_letterhead(letter, front):
    """The letterhead.toml the binary uses: the one the front matter names, or the nearest
    one in the letter's folder or above (src/app/load.rs)."""
    if "letterhead" in front:
        return (letter.parent / front["letterhead"]).resolve()
    for folder in [letter.parent, *letter.parent.parents]:
        if (folder / "letterhead.toml").is_file():
            return folder / "letterhead.toml"
    return None


def letterhead_settings(path):
    """Margins, alignment, language and the furniture's words from a letterhead.toml, with
    the defaults of src/config.rs."""
    conf = tomllib.loads(path.read_text(encoding="utf-8")) if path else {}
    page, style = conf.get("page", {}), conf.get("style", {})
    org, footer = conf.get("organization", {}), conf.get("footer", {})
    din = str(page.get("layout", "block")).startswith("din5008")
    m = page.get("margins", {})
    inch = 72.0
    lang = str(style.get("language", "en-US"))[:2].lower()
    url = re.sub(r"^[a-z]+://", "", str(org.get("url", "")))
    letterhead_words = " ".join(
        [org.get("name", ""), org.get("tagline", ""), url, org.get("email", ""),
         org.get("phone", ""), *org.get("address", [])]
    )
    footer_words = " ".join(
        [footer.get("text", "")] + [" ".join(col) for col in footer.get("columns", [])]
    )
    return {
        "top": length(m.get("top"), inch),
        "bottom": length(m.get("bottom"), inch),
        "left": length(m.get("left"), 25 * UNITS["mm"] if din else inch),
        "right": length(m.get("right"), 20 * UNITS["mm"] if din else inch),
        "justify": style.get("align", "left") == "justify",
        "lang": lang if lang in NOTATION_LABELS else "en",
        "tag": style.get("language", "en-US"),
        "letterhead_keys": set(keys(letterhead_words)),
        "footer_keys": set(keys(footer_words)),
    }


def justified_twin(letterhead, out):
    """A copy of a ragged-right letterhead in `out`, set justified: `align = "justify"` in
    its [style] table (added when missing), and every relative file name it holds (a logo, a
    font) made absolute, since the copy sits elsewhere."""
    text = letterhead.read_text(encoding="utf-8") if letterhead else '[organization]\nname = "x"\n'
    base = letterhead.parent if letterhead else ROOT

    def absolute(m):
        value = m.group(2)
        if value and not os.path.isabs(value) and (base / value).is_file():
            value = str((base / value).resolve())
        return f"{m.group(1)}\"{value}\""

    text = re.sub(r'(=\s*)"([^"\n]*)"', absolute, text)
    lines = text.splitlines()
    table, at = None, None
    for i, line in enumerate(lines):
        if m := re.match(r"\s*\[([^\]]+)\]\s*(#.*)?$", line):
            table = m.group(1).strip()
            if table == "style":
                at = i
        elif table == "style" and re.match(r"\s*align\s*=", line):
            lines[i] = 'align = "justify"'
            at = None
            break
    if at is not None:
        lines.insert(at + 1, 'align = "justify"')
    elif not any(re.match(r"\s*\[style\]", l) for l in lines):
        lines += ["", "[style]", 'align = "justify"']
    twin = out / f"justified-{len(list(out.glob('justified-*')))}.toml"
    twin.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return twin


def strip_markdown(body):
    """The body's words as a reader sees them: link targets, HTML comments and table rules
    dropped; the rest of Markdown's marks are punctuation, which `key` drops anyway."""
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    body = re.sub(r"(?m)^[ \t]*(>[ \t]?)+", "", body)  # block quotes: their paragraphs stay apart
    body = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", body)
    body = re.sub(r"<((?:https?|mailto):[^>]*)>", r"\1", body)
    return body


def source_words(front, body):
    """The words of the letter in reading order: recipient, subject, salutation, body,
    closing, signatures, enclosures, cc, P.S."""
    parts = list(front.get("to", []))
    parts += [front.get("subject", ""), front.get("salutation", ""), strip_markdown(body)]
    parts.append(front.get("closing", ""))
    signatures = front.get("signatures", []) or ([front["signature"]] if "signature" in front else [])
    for sig in signatures:
        parts += [sig.get(k, "") for k in ("name", "title", "email", "phone")]
    parts += list(front.get("enclosures", [])) + list(front.get("cc", [])) + [front.get("ps", "")]
    return keys(" ".join(parts))


def source_paragraphs(front, body):
    """Key sequences of the source's paragraphs (blank-line separated blocks, list items,
    front-matter strings), to tell whether a page break falls inside a paragraph."""
    blocks = []
    for block in re.split(r"\n\s*\n", strip_markdown(body)):
        items = re.split(r"\n\s*(?:[-*+]|\d+[.)])\s+", "\n" + block)
        blocks += [keys(item) for item in items]
    for k in ("to", "enclosures", "cc"):
        blocks += [keys(s) for s in front.get(k, [])]
    blocks += [keys(front.get(k, "")) for k in ("ps", "salutation", "subject", "closing")]
    return [b for b in blocks if b]


# ---------------------------------------------------------------------------------------------
# Reading the PDF back


WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>'
)


def unescape(text):
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def read_pages(pdf):
    """Pages of word boxes from `pdftotext -bbox`: (width, height, [(x0, y0, x1, y1, text)])."""
    out = run(["pdftotext", "-bbox", str(pdf), "-"])
    pages = []
    for line in out.splitlines():
        if "<page " in line:
            w, h = re.findall(r'"([\d.]+)"', line)[:2]
            pages.append((float(w), float(h), []))
        elif m := WORD.search(line):
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            pages[-1][2].append((x0, y0, x1, y1, unescape(m.group(5))))
    return pages


def lines_of(words):
    """Words grouped into lines by their vertical centre, each split into segments where two
    words stand farther apart than two line heights (table cells, the DIN information block
    beside the address)."""
    rows = []
    for w in sorted(words, key=lambda w: ((w[1] + w[3]) / 2, w[0])):
        mid, h = (w[1] + w[3]) / 2, w[3] - w[1]
        if rows and abs(rows[-1]["mid"] - mid) < 0.3 * min(h, rows[-1]["h"]):
            rows[-1]["words"].append(w)
        else:
            rows.append({"mid": mid, "h": h, "words": [w]})
    lines = []
    for row in rows:
        seg = []
        for w in sorted(row["words"]):
            if seg and w[0] - seg[-1][2] > 2 * row["h"]:
                lines.append(seg)
                seg = []
            seg.append(w)
        lines.append(seg)
    result = []
    for seg in lines:
        heights = sorted(w[3] - w[1] for w in seg)
        result.append({
            "words": seg,
            "x0": seg[0][0], "x1": seg[-1][2],
            "y0": min(w[1] for w in seg), "y1": max(w[3] for w in seg),
            "h": heights[len(heights) // 2],
            "text": " ".join(w[4] for w in seg),
        })
    result.sort(key=lambda l: (round(l["y1"], 1), l["x0"]))
    return result


def run(cmd, env=None):
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"typography.py: `{' '.join(cmd)}` failed:\n{done.stderr}")
    return done.stdout


# ---------------------------------------------------------------------------------------------
# Measuring


def classify(pages, s):
    """Marks each line as furniture (letterhead, continuation header, footer) or body, and
    lists the words outside the margins."""
    outside, lines = [], []
    for n, (width, height, words) in enumerate(pages, 1):
        for line in lines_of(words):
            lines.append(line)
            ks = set(keys(line["text"]))
            in_bottom = line["y0"] >= height - s["bottom"] - MARGIN_TOL
            footer = (line["y0"] > height * 0.7 and ks
                      and (ks <= s["footer_keys"] | {k for k in ks if k.isdigit()}
                           or PAGE_OF.search(line["text"])))
            header = n > 1 and line["y1"] < s["top"] + 1.5 * line["h"] and PAGE_OF.search(line["text"])
            letterhead = n == 1 and line["y0"] < height / 3 and ks and ks <= s["letterhead_keys"]
            line["page"] = n
            line["body"] = not (footer or header or letterhead)
            for w in line["words"]:
                where = None
                if w[0] < s["left"] - MARGIN_TOL:
                    where = f"{s['left'] - w[0]:.1f} pt left of the margin"
                elif w[2] > width - s["right"] + MARGIN_TOL:
                    where = f"{w[2] - (width - s['right']):.1f} pt right of the margin"
                elif in_bottom and not footer:
                    where = "in the bottom margin"
                elif line["body"] and w[3] <= s["top"] and not letterhead:
                    where = "in the top margin"
                if where:
                    outside.append(f"p{n} `{w[4]}` {where}")
    return [l for l in lines if l["body"]], outside


def is_marker_line(line, space):
    """A list item's first line: a marker, then a fixed gap unlike the line's word spaces."""
    ws = line["words"]
    if len(ws) < 2 or not LIST_MARKER.match(ws[0][4]):
        return False
    gap = ws[1][0] - ws[0][2]
    rest = [b[0] - a[2] for a, b in zip(ws[1:], ws[2:])]
    return gap > 1.5 * space and (not rest or abs(gap - statistics.median(rest)) > 0.3)


def paragraphs(lines, pairs, spaces):
    """Marks the first and last line of every paragraph. Within a page a paragraph starts
    after a vertical gap larger than 1.15 × the letter's usual line pitch, at a new segment
    of a row, or at a list marker; across a page break the paragraph goes on when the page's
    last line ends in a hyphen or its last word and the next page's first word follow each
    other inside one source paragraph."""
    pitches = [round(b["y1"] - a["y1"], 1) for a, b in zip(lines, lines[1:])
               if a["page"] == b["page"] and 0 < b["y1"] - a["y1"] < 3 * a["h"]]
    pitch = statistics.mode(pitches) if pitches else 0
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else None
        space = spaces.get(round(line["h"] * 2) / 2, line["h"] * 0.2)
        if prev is None:
            start = True
        elif prev["page"] != line["page"]:
            a, b = keys(prev["text"]), keys(line["text"])
            joined = prev["text"].endswith(HYPHENS)
            start = not (joined or (a and b and (a[-1], b[0]) in pairs))
        else:
            same_row = abs(prev["y1"] - line["y1"]) < 0.3 * line["h"]
            start = (same_row or line["y1"] - prev["y1"] > 1.15 * pitch
                     or is_marker_line(line, space) or abs(line["h"] - prev["h"]) > 0.5)
        line["start"] = start
        if prev is not None:
            prev["end"] = start
    if lines:
        lines[-1]["end"] = True


def normal_spaces(lines, s, width):
    """The normal word space per line height: the median word gap on lines set at their
    natural width (every line of a ragged letter; in a justified letter, lines that stop
    short of the right margin, which are set without stretch). Gaps next to French fixed
    spaces and list markers are left out; the median ignores the rest of the outliers."""
    gaps = {}
    for line in lines:
        flush = line["x1"] >= width - s["right"] - FLUSH_TOL
        if s["justify"] and flush:
            continue
        for a, b in zip(line["words"], line["words"][1:]):
            if fixed_gap(a, b) or LIST_MARKER.match(a[4]):
                continue
            gaps.setdefault(round(line["h"] * 2) / 2, []).append(b[0] - a[2])
    return {h: statistics.median(g) for h, g in gaps.items() if len(g) >= 5}


def fixed_gap(a, b):
    return a[4][-1] in FIXED_SPACE_NEIGHBOURS or b[4][0] in FIXED_SPACE_NEIGHBOURS


def measure(letter, pdf, settings, front, body):
    pages = read_pages(pdf)
    s = settings
    width = pages[0][0]
    lines, outside = classify(pages, s)
    spaces = normal_spaces(lines, s, width)
    src = source_paragraphs(front, body)
    pairs = {(p[i], p[i + 1]) for p in src for i in range(len(p) - 1)}
    paragraphs(lines, pairs, spaces)

    # Hyphenated line ends, runs, and final-hyphen fragments.
    hyphens, run_, longest, finals = 0, 0, 0, []
    for i, line in enumerate(lines):
        if line["start"]:
            run_ = 0
        last = line["words"][-1][4]
        hyphenated = len(last) > 1 and last.endswith(HYPHENS) and last[-2].isalpha() and not line["end"]
        if hyphenated:
            hyphens += 1
            run_ += 1
            longest = max(longest, run_)
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and nxt["end"]:
                finals.append(f"p{nxt['page']} `{last}` / `{nxt['text'][:40]}`")
        else:
            run_ = 0

    # Justified spacing: lines flush with both margins' measure, not a paragraph's last line.
    ratios = []
    if s["justify"]:
        for line in lines:
            if line["end"] or line["x1"] < width - s["right"] - FLUSH_TOL or len(line["words"]) < 2:
                continue
            if line["x0"] > s["left"] + 0.25 * (width - s["left"] - s["right"]):
                continue
            space = spaces.get(round(line["h"] * 2) / 2)
            ws = line["words"][1:] if is_marker_line(line, space or 3) else line["words"]
            gaps = [b[0] - a[2] for a, b in zip(ws, ws[1:]) if not fixed_gap(a, b)]
            if space and gaps:
                ratios.append((max(gaps) / space, line))

    # Forbidden breaks.
    closing = CLOSING_QUOTES[s["lang"]]
    opening = OPENING_QUOTES[s["lang"]] + FORBIDDEN_END
    forbidden = []
    for line in lines:
        first, last = line["words"][0][4], line["words"][-1][4]
        head = first[0]
        bad = None
        if head in FORBIDDEN_START or (head in closing and not first[1:2].isalnum()):
            bad = f"starts with `{head}`"
        elif first in DASHES and not line["start"]:
            bad = f"starts with a spaced `{first}`"
        elif last in opening or last[-1] in "«‹" or (last[-1] in opening and len(last) == 1):
            bad = f"ends with `{last[-1]}`"
        if bad:
            forbidden.append(f"p{line['page']} {bad}: `{line['text'][:50]}`")

    # The last page.
    n = len(pages)
    last_lines = [l for l in lines if l["page"] == n]
    _, height, _ = pages[-1]
    area = height - s["top"] - s["bottom"]
    reach = max((l["y1"] for l in last_lines), default=s["top"]) - s["top"]
    labels = NOTATION_LABELS[s["lang"]]
    notation_keys = set(keys(" ".join(labels + list(front.get("enclosures", []))
                                      + list(front.get("cc", [])) + [front.get("ps", "")])))
    last_keys = [k for l in last_lines for k in keys(l["text"])]
    notations_alone = (n > 1 and bool(last_keys)
                       and all(k in notation_keys or k.isdigit() for k in last_keys))

    # Extraction order.
    expected = source_words(front, body)
    order = {
        "pdftotext": order_score(expected, run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"])),
        "mutool": order_score(expected, run(["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(pdf)])),
    }

    worst = max(ratios, key=lambda r: r[0]) if ratios else None
    loose = [f"p{line['page']} {ratio:.2f}×: `{line['text'][:50]}`"
             for ratio, line in ratios if ratio > LOOSE + 0.005]
    tightest = min(ratios, key=lambda r: r[0]) if ratios else None
    faults = {
        "outside-margins": outside,
        "forbidden-break": forbidden,
        "final-hyphen": finals,
        "notations-alone": [f"p{n}: `{last_lines[0]['text'][:50]}`"] if notations_alone else [],
        # Only where the letter is justified: a ragged letter's justified setting is a measure.
        "loose-line": loose if s["justify"] else [],
    }
    return {
        "letter": str(letter.relative_to(ROOT)) if letter.is_relative_to(ROOT) else str(letter),
        "pages": n,
        "language": s["tag"],
        "align": "justify" if s["justify"] else "left",
        "outside_margins": len(outside),
        "hyphenated_lines": hyphens,
        "longest_hyphen_run": longest,
        "final_hyphens": len(finals),
        "justified_lines": len(ratios),
        "worst_spacing": round(worst[0], 2) if worst else None,
        "worst_spacing_line": f"p{worst[1]['page']} `{worst[1]['text'][:60]}`" if worst else None,
        "median_spacing": round(statistics.median(r for r, _ in ratios), 2) if ratios else None,
        "tightest_spacing": round(tightest[0], 2) if tightest else None,
        "loose_lines": len(loose),
        "spacing_set": "as set" if s["justify"] else None,
        "forbidden_breaks": len(forbidden),
        "last_page_reach_pt": round(reach, 1),
        "last_page_reach_pct": round(100 * reach / area),
        "last_page_lines": len(last_lines),
        "notations_alone": notations_alone,
        "order": order,
        "faults": {k: v for k, v in faults.items() if v},
    }


def order_score(expected, extracted):
    """How much of the source a reader extracts in order: the longest common subsequence of
    the source's words and the extracted words (line-end hyphens joined), as a share of the
    source; `missing` source words are not extracted at all, `moved` ones out of order."""
    words = []
    join = False
    for line in extracted.splitlines():
        if line.startswith(("warning: ", "error: ")):
            continue  # MuPDF's diagnostics ("ICC support is not available")
        toks = line.split()
        for j, tok in enumerate(toks):
            if join and j == 0 and words:
                words[-1] += tok
            else:
                words.append(tok)
        join = bool(toks) and toks[-1].endswith(HYPHENS) and len(toks[-1]) > 1 and toks[-1][-2].isalpha()
    got = [k for k in (key(w) for w in words) if k]
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    matched = sum(b.size for b in matcher.get_matching_blocks())
    pool = {}
    for k in got:
        pool[k] = pool.get(k, 0) + 1
    missing = 0
    for k in expected:
        if pool.get(k, 0) > 0:
            pool[k] -= 1
        else:
            missing += 1
    return {
        "in_order_pct": round(100 * matched / len(expected), 1) if expected else 100.0,
        "missing": missing,
        "moved": len(expected) - matched - missing,
    }


# ---------------------------------------------------------------------------------------------
# Running


def letters():
    found = []
    for folder in (ROOT / "letters", ROOT / "tests" / "typography"):
        for path in sorted(folder.rglob("*.md")):
            if not path.name.lower().endswith(".template.md") and path.name != "README.md":
                found.append(path)
    return found


def binary():
    if os.environ.get("LETTERHEAD_BIN"):
        return Path(os.environ["LETTERHEAD_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "letterhead"


def render(bin_, path, pdf, letterhead=None):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    extra = ["--letterhead", str(letterhead)] if letterhead else []
    run([str(bin_), "render", "-q", str(path), "-o", str(pdf), *extra], env)
    return pdf


def read_known(path):
    known, problems = {}, []
    if not path.exists():
        return known, problems
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        entry, _, comment = raw.partition("#")
        if not entry.strip():
            continue
        parts = entry.split()
        if len(parts) != 2 or parts[1] not in FAULTS or not comment.strip():
            problems.append(f"{path.name}:{n}: expected `LETTER KIND  # why`, KIND one of "
                            f"{', '.join(FAULTS)}: `{raw}`")
            continue
        known[(parts[0], parts[1])] = n
    return known, problems


def fmt_spacing(r):
    if r["worst_spacing"] is None:
        return "—"
    star = "" if r["spacing_set"] == "as set" else "*"
    return f"{r['worst_spacing']:.2f}× / {r['median_spacing']:.2f}×{star}"


def fmt_order(o):
    extra = []
    if o["moved"]:
        extra.append(f"{o['moved']} moved")
    if o["missing"]:
        extra.append(f"{o['missing']} missing")
    return f"{o['in_order_pct']:.1f} %" + (f" ({', '.join(extra)})" if extra else "")


def report(results, elapsed):
    for r in results:
        print(f"{r['letter']}  ({r['pages']} pages, {r['language']}, {r['align']})")
        rows = [
            ("words outside the margins", r["outside_margins"]),
            ("hyphenated line ends (longest run)", f"{r['hyphenated_lines']} ({r['longest_hyphen_run']})"),
            ("final-hyphen fragments", r["final_hyphens"]),
            ("justified spacing, worst / median", fmt_spacing(r)
             + (f" over {r['justified_lines']} lines ({r['spacing_set']}), tightest "
                f"{r['tightest_spacing']:.2f}×, {r['loose_lines']} above {LOOSE}×"
                if r["worst_spacing"] else "")),
            ("forbidden line starts and ends", r["forbidden_breaks"]),
            ("last page: reach, lines", f"{r['last_page_reach_pt']} pt ({r['last_page_reach_pct']} % of the text area), {r['last_page_lines']} lines"),
            ("last page holds only notations", "yes" if r["notations_alone"] else "no"),
            ("pdftotext order", fmt_order(r["order"]["pdftotext"])),
            ("mutool draw -F txt order", fmt_order(r["order"]["mutool"])),
        ]
        for name, value in rows:
            print(f"  {name:<38} {value}")
        if r["worst_spacing_line"]:
            print(f"  {'widest justified line':<38} {r['worst_spacing_line']}")
        for kind, items in r["faults"].items():
            for item in items:
                print(f"  ! {kind}: {item}")
        print()
    print("summary")
    print("| letter | pages | outside | hyphens (run) | final hyphens | justified worst / median | forbidden | last page | notations alone | pdftotext | mutool |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['letter']} | {r['pages']} | {r['outside_margins']} | {r['hyphenated_lines']} ({r['longest_hyphen_run']}) "
              f"| {r['final_hyphens']} | {fmt_spacing(r)} | {r['forbidden_breaks']} "
              f"| {r['last_page_reach_pct']} %, {r['last_page_lines']} lines | {'yes' if r['notations_alone'] else 'no'} "
              f"| {fmt_order(r['order']['pdftotext'])} | {fmt_order(r['order']['mutool'])} |")
    print("\n* set justified for the measurement (the letter itself is ragged right)")
    print(f"{len(results)} letters measured in {elapsed:.1f} s")


def check(results, known_path):
    known, problems = read_known(known_path)
    seen = set()
    for r in results:
        for kind, items in r["faults"].items():
            entry = (r["letter"], kind)
            if entry in known:
                seen.add(entry)
            else:
                problems.append(f"new fault: {r['letter']} {kind}: {items[0]}"
                                + (f" (and {len(items) - 1} more)" if len(items) > 1 else ""))
    rel = known_path.relative_to(ROOT) if known_path.is_relative_to(ROOT) else known_path
    for entry, n in sorted(known.items(), key=lambda e: e[1]):
        if entry not in seen:
            problems.append(f"fixed: {entry[0]} {entry[1]} no longer occurs: remove line {n} "
                            f"of {rel}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="exit 1 on a fault not in the known-faults list, or a listed fault that is gone")
    ap.add_argument("--json", action="store_true", help="print the measurements as JSON")
    ap.add_argument("--known", type=Path, default=KNOWN, help="the known-faults list")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="write the PDFs (and the justified copies) into DIR, to look at them")
    ap.add_argument("letters", nargs="*", type=Path,
                    help="letters to measure (default: letters/ and tests/typography/)")
    args = ap.parse_args()
    start = time.monotonic()
    paths = [p.resolve() for p in args.letters] or letters()
    bin_ = binary()
    if not bin_.exists():
        raise SystemExit(f"typography.py: no binary at `{bin_}`: run `cargo test --locked` "
                         "first, or set LETTERHEAD_BIN")
    results = []
    with tempfile.TemporaryDirectory(prefix="typography-") as tmp:
        out = Path(tmp)
        if args.keep:
            out = args.keep.resolve()
            out.mkdir(parents=True, exist_ok=True)
        for i, path in enumerate(paths):
            front, body = front_matter(path)
            letterhead = find_letterhead(path, front)
            settings = letterhead_settings(letterhead)
            pdf = render(bin_, path, out / f"{i:02}-{path.stem}.pdf")
            result = measure(path, pdf, settings, front, body)
            if not settings["justify"]:
                # The same letter set justified, for its spacing only.
                twin = justified_twin(letterhead, out)
                pdf = render(bin_, path, out / f"{i:02}-{path.stem}-justified.pdf", twin)
                justified = measure(path, pdf, letterhead_settings(twin), front, body)
                result.update({k: justified[k] for k in SPACING_KEYS})
                result["spacing_set"] = "set justified"
            results.append(result)
    elapsed = time.monotonic() - start
    if args.json:
        json.dump({"letters": results, "seconds": round(elapsed, 2)}, sys.stdout,
                  ensure_ascii=False, indent=1)
        print()
    else:
        report(results, elapsed)
    if args.check:
        problems = check(results, args.known)
        for p in problems:
            print(f"typography: {p}", file=sys.stderr)
        if problems:
            sys.exit(1)
        print("typography: no faults beyond the known ones", file=sys.stderr)


if __name__ == "__main__":
    main()
