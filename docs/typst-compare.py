#!/usr/bin/env python3
"""Sets the seed letter (letters/amnesty-draft-policy.md) with letterhead and, with the same
words, with Typst as PDF/UA-1, and prints both structure trees side by side as read by
poppler's `pdfinfo -struct-text`: the comparison in docs/accessibility.md.

    python3 docs/typst-compare.py [LETTER.md]   (from anywhere; not run in CI)

Needs the Python package `typst` (PyPI; `pip install typst` in a venv, with this script run
by that venv's python3), poppler-utils, and the letterhead binary the tests built
($CARGO_TARGET_DIR/debug/letterhead, or LETTERHEAD_BIN). Typst scans no system fonts here:
it uses the fonts it bundles, so its output is the same on every machine.
"""

import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LETTER = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "letters" / "amnesty-draft-policy.md"
BIN = Path(
    os.environ.get("LETTERHEAD_BIN")
    or Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug" / "letterhead"
)
EPOCH = "1438732800"


def typst_string(text: str) -> str:
    """`text` as a Typst string literal, shown as it is (no markup)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typst_source(letter: Path) -> str:
    """The letter's words as a Typst document: the same parts, set the way a Typst user
    would write a block letter (bold subject, line breaks in the address), tagged by Typst."""
    text = letter.read_text()
    front, body = re.match(r"\+\+\+\n(.*?)\n\+\+\+\n(.*)", text, re.S).groups()
    meta = tomllib.loads(front)
    head = tomllib.loads((letter.parent / "letterhead.toml").read_text())
    org = head["organization"]
    sig = meta.get("signature", {})
    date = meta["date"]
    out = [
        f"#set document(title: {typst_string(meta.get('subject', 'Letter'))},"
        f" author: {typst_string(sig.get('name', org['name']))})",
        '#set text(lang: "en", region: "US", size: 10.5pt)',
        "#set page(paper: \"us-letter\", margin: 1in,"
        f" footer: align(center, text(size: 8pt, {typst_string(head['footer']['text'])})))",
        "#set par(leading: 0.65em)",
        f"#text(size: 16pt, fill: rgb(\"#7a1f3d\"), weight: \"bold\", {typst_string(org['name'])}) \\",
        f"#text(size: 8pt, tracking: 1pt, upper({typst_string(org['tagline'])})) \\",
        f"#link({typst_string(org['url'])}, {typst_string(re.sub('^https?://', '', org['url']))})",
        "",
        f"#{typst_string(date.strftime('%A %B ') + str(date.day) + date.strftime(', %Y'))}",
        "",
        " \\\n".join(f"#{typst_string(line)}" for line in meta["to"]),
        "",
        f"#strong({typst_string(meta['subject'])})",
        "",
        f"#{typst_string(meta['salutation'])}",
        "",
    ]
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = block.strip().split("\n")
        if lines[0].startswith("- "):
            out.extend(f"- #{typst_string(line[2:].strip())}" for line in lines)
        else:
            out.append(f"#{typst_string(' '.join(lines))}")
        out.append("")
    if meta.get("closing"):
        out.append(f"#{typst_string(meta['closing'])}")
        out.append("")
    out.append("#v(3em)")
    # The signature block as letterhead sets it: name, title, then the contact lines with
    # their labels, the address and number as links.
    signature = [f"#{typst_string(sig[k])}" for k in ("name", "title") if sig.get(k)]
    if sig.get("email"):
        signature.append(
            f"#{typst_string('Email: ')}#link({typst_string('mailto:' + sig['email'])},"
            f" {typst_string(sig['email'])})"
        )
    if sig.get("phone"):
        tel = "tel:" + re.sub(r"[^+0-9]", "", sig["phone"])
        signature.append(
            f"#{typst_string('Phone: ')}#link({typst_string(tel)}, {typst_string(sig['phone'])})"
        )
    out.append(" \\\n".join(signature))
    return "\n".join(out) + "\n"


def tree(pdf: Path) -> list[str]:
    """The structure tree as `pdfinfo -struct-text` prints it, one line per element: its
    role, how many pieces of content (marked-content sequences, annotations) it holds itself,
    and the start of its text."""
    text = subprocess.run(
        ["pdfinfo", "-struct-text", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    out: list[list] = []  # [indent, role, pieces, text]
    stack: list[tuple[int, int]] = []  # (depth, index in out)
    for line in text.splitlines():
        trimmed = line.lstrip()
        depth = (len(line) - len(trimmed)) // 2
        if not trimmed or trimmed.startswith("/"):
            continue
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if trimmed.startswith('"') or trimmed.startswith("Object "):
            if stack:
                element = out[stack[-1][1]]
                element[2] += 1
                if trimmed.startswith('"') and len(element[3]) < 24:
                    element[3] += trimmed.strip('"')
            continue
        role = re.split(r"[\s:]", trimmed)[0]
        stack.append((depth, len(out)))
        out.append([depth, role, 0, ""])
    lines = []
    for depth, role, pieces, words in out:
        words = words if len(words) <= 24 else words[:23] + "…"
        shown = f"{'  ' * depth}{role}"
        if pieces:
            shown += f" ×{pieces}" if pieces > 1 else ""
            shown += f" “{words}”" if words else ""
        lines.append(shown)
    return lines


def main() -> None:
    import typst  # the PyPI package; imported here so --help works without it

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours = tmp / "letterhead.pdf"
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
        subprocess.run(
            [str(BIN), "render", str(LETTER), "-o", str(ours)], check=True, env=env
        )
        source = tmp / "letter.typ"
        source.write_text(typst_source(LETTER))
        theirs = tmp / "typst.pdf"
        typst.compile(
            str(source), output=str(theirs), pdf_standards=["ua-1"], ignore_system_fonts=True
        )
        left, right = tree(ours), tree(theirs)
        width = max(len(line) for line in left) + 2
        version = getattr(typst, "__version__", "")
        print(f"{'letterhead':<{width}}Typst (PyPI typst {version})")
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ""
            b = right[i] if i < len(right) else ""
            print(f"{a:<{width}}{b}".rstrip())


if __name__ == "__main__":
    main()
