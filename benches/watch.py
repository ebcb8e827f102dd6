#!/usr/bin/env python3
"""Time from saving a letter to its new PDF under `letterhead watch`.

    python3 benches/watch.py [BINARY] [SAVES]

BINARY defaults to target/release/letterhead (build it with `bash benches/build-release.sh`).
Copies the one-page example letter and its letterhead into a temporary folder, starts
`letterhead watch` there, then saves the letter SAVES times (default 20), each by writing a new
file and renaming it over the old one as editors do, and waits for the watch to say it wrote
the PDF. Prints the median and the slowest save-to-PDF time. The time includes the debounce
(30 ms of quiet after the last event) and the render.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/letterhead")
SAVES = int(sys.argv[2]) if len(sys.argv) > 2 else 20
LETTER = "comments-on-outreach-guidelines.md"


def main():
    folder = tempfile.mkdtemp()
    try:
        shutil.copy(os.path.join(ROOT, "letters/letterhead.toml"), folder)
        shutil.copy(os.path.join(ROOT, "letters", LETTER), folder)
        path = os.path.join(folder, LETTER)
        with open(path, encoding="utf-8") as f:
            original = f.read()
        proc = subprocess.Popen(
            [BINARY, "watch", LETTER],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wrote = threading.Condition()
        count = [0]

        def read():
            for line in proc.stderr:
                if line.startswith("wrote "):
                    with wrote:
                        count[0] += 1
                        wrote.notify_all()

        threading.Thread(target=read, daemon=True).start()

        def wait_for(n):
            with wrote:
                if not wrote.wait_for(lambda: count[0] >= n, timeout=30):
                    sys.exit("the watch did not render within 30 s")

        wait_for(1)
        time.sleep(0.5)
        times = []
        for i in range(SAVES):
            tmp = path + ".swp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(original + f"\nSaved {i} times.\n")
            start = time.perf_counter()
            os.rename(tmp, path)
            wait_for(i + 2)
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.2)
        proc.send_signal(2)
        proc.wait(timeout=30)
        print(
            f"{SAVES} saves: median {statistics.median(times):.0f} ms, "
            f"slowest {max(times):.0f} ms from save to PDF (exit {proc.returncode})"
        )
    finally:
        shutil.rmtree(folder)


main()
