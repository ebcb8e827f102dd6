#!/usr/bin/env python3
"""Times letterhead and Typst side by side on the same words: the seed letter
(letters/amnesty-draft-policy.md), set by letterhead and, as docs/typst-compare.py writes it,
by Typst (US Letter, 1 in margins, the same text). Runs are interleaved, one of each in turn,
so both see the same machine load; medians are reported, with the load average.

    python3 benches/vs-typst.py            (run by a python3 that can `import typst`)

- one letter: letterhead as a whole process (`render LETTER -o OUT.pdf`: start-up, fonts,
  layout, PDF, written to disk), against Typst compiling in a warm Python process (its
  start-up and font loading not counted, which favours Typst);
- 1,000 letters: letterhead rendering a folder of 1,000 copies in one process (`-j 2`),
  against Typst compiling the same source 1,000 times in one process.

Wall and CPU seconds (user + system) are both given: on a loaded machine the CPU figure is
the steadier one. Needs the release binary (target/release/letterhead as `bash benches/build-release.sh` builds
it, or LETTERHEAD_BIN) and
the PyPI package `typst`. Not run in CI.
"""

import importlib.util
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "letters" / "amnesty-draft-policy.md"
BIN = Path(
    os.environ.get("LETTERHEAD_BIN")
    or Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "letterhead"
)
RUNS = int(os.environ.get("RUNS", "20"))
BATCH = int(os.environ.get("BATCH", "1000"))
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1438732800")


def typst_source() -> str:
    spec = importlib.util.spec_from_file_location("compare", ROOT / "docs" / "typst-compare.py")
    compare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compare)
    return compare.typst_source(LETTER)


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def ours(args: list[str]) -> tuple[float, float]:
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run([str(BIN), *args], check=True, env=ENV, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, children_cpu() - cpu


def theirs(typst, source: Path, out: Path, times: int) -> tuple[float, float]:
    cpu, start = self_cpu(), time.perf_counter()
    for _ in range(times):
        typst.compile(str(source), output=str(out), ignore_system_fonts=True)
    return time.perf_counter() - start, self_cpu() - cpu


def median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> None:
    import typst

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = tmp / "letter.typ"
        source.write_text(typst_source())
        folder = tmp / "batch"
        folder.mkdir()
        shutil.copy(ROOT / "letters" / "letterhead.toml", folder / "letterhead.toml")
        text = LETTER.read_text()
        for i in range(BATCH):
            (folder / f"letter-{i:04}.md").write_text(text)
        one = ["render", str(LETTER), "-o", str(tmp / "ours.pdf"), "--ignore-system-fonts"]
        # Warm both (page cache, Typst's fonts) before timing.
        ours(one)
        theirs(typst, source, tmp / "theirs.pdf", 1)
        load = os.getloadavg()[0]
        single_ours, single_theirs, batch_ours, batch_theirs = [], [], [], []
        for _ in range(RUNS):
            single_ours.append(ours(one))
            single_theirs.append(theirs(typst, source, tmp / "theirs.pdf", 1))
        for _ in range(max(1, RUNS // 5)):
            batch_ours.append(ours(["render", str(folder), "-j", "2", "-q", "--ignore-system-fonts"]))
            batch_theirs.append(theirs(typst, source, tmp / "theirs.pdf", BATCH))
        load = max(load, os.getloadavg()[0])
        pages = lambda p: subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True).stdout
        print(f"machine: {os.cpu_count()} cores, load average up to {load:.1f}; "
              f"typst {typst.__version__}; {RUNS} interleaved runs, medians")
        for name, path in (("letterhead", tmp / "ours.pdf"), ("Typst", tmp / "theirs.pdf")):
            count = [l for l in pages(path).splitlines() if l.startswith("Pages:")]
            print(f"  {name}: {count[0].split()[1]} pages, {path.stat().st_size:,} bytes")
        (w1, c1), (w2, c2) = median(single_ours), median(single_theirs)
        print("| what | letterhead | Typst (Python, in process) |")
        print("| --- | --- | --- |")
        print(f"| one letter, wall ms | {w1 * 1e3:.1f} | {w2 * 1e3:.1f} |")
        print(f"| one letter, CPU ms | {c1 * 1e3:.1f} | {c2 * 1e3:.1f} |")
        (w1, c1), (w2, c2) = median(batch_ours), median(batch_theirs)
        print(f"| {BATCH:,} letters, letters/s (wall) | {BATCH / w1:,.0f} | {BATCH / w2:,.0f} |")
        print(f"| {BATCH:,} letters, CPU ms per letter | {c1 / BATCH * 1e3:.2f} | {c2 / BATCH * 1e3:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
