#!/usr/bin/env python3
"""Writes a folder of generated letters for the batch benchmark.

    python3 benches/gen-batch.py OUT_DIR [COUNT]

COUNT letters (default 1000) are built from the body blocks of the example letters in
`letters/`, with varied recipients, subjects and lengths (about one to three pages), and a
copy of `letters/letterhead.toml` beside them. The same COUNT always gives the same letters.
"""
import pathlib
import random
import re
import shutil
import sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000

blocks = []
for md in sorted((root / "letters").glob("*.md")):
    text = md.read_text(encoding="utf-8")
    body = text.split("+++", 2)[2]
    blocks += [b.strip("\n") for b in re.split(r"\n\s*\n", body) if b.strip()]

first = ["Ada", "Bruno", "Chiara", "Dmitri", "Émilie", "Farah", "Gustavo", "Hana", "Ingrid", "José"]
last = ["Okafor", "Lindqvist", "Moreau", "Nakamura", "Oyelaran", "Petrov", "Quispe", "Rossi"]
cities = ["London, UK", "Brooklyn, NY 11201", "Geneva, Switzerland", "Oakland, CA 94612"]
subjects = ["Draft Policy on Sex Work", "Comments on the outreach guidelines",
            "Funding request for 2016", "Follow-up to our meeting"]

rng = random.Random(count)
out.mkdir(parents=True, exist_ok=True)
shutil.copy(root / "letters" / "letterhead.toml", out / "letterhead.toml")
for i in range(count):
    name = f"{rng.choice(first)} {rng.choice(last)}"
    # 3 to 18 blocks: from well under a page to about three pages.
    body = "\n\n".join(rng.sample(blocks, min(len(blocks), rng.randint(3, 18))))
    letter = f'''+++
date = 2015-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}
to = ["{name}", "{rng.randint(1, 400)} Main Street", "{rng.choice(cities)}"]
subject = "{rng.choice(subjects)}"
salutation = "Dear {name},"

[signature]
name = "Penelope Saunders"
title = "Coordinator, BPPP"
+++

{body}
'''
    (out / f"letter-{i:04d}.md").write_text(letter, encoding="utf-8")
