#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) from the seeds, and prints how many inputs
# each executed without a crash. Needs the nightly toolchain and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(letter letterhead_toml typeset font)
for target in "${targets[@]}"; do
    seeds=fuzz/seeds/letter
    [ "$target" = letterhead_toml ] && seeds=fuzz/seeds/letterhead_toml
    mkdir -p "fuzz/corpus/$target"
    max_len=65536
    if [ "$target" = font ]; then
        # Font files are not committed as seeds: the bundled symbol faces (TrueType) and, when
        # installed, a URW face (CFF, fonts-urw-base35) are copied in.
        seeds=fuzz/corpus/font-seeds
        mkdir -p "$seeds"
        cp fonts/noto-symbols/*.ttf "$seeds/"
        for otf in /usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf \
            /usr/share/fonts/opentype/urw-base35/NimbusSans-Bold.otf; do
            [ -f "$otf" ] && cp "$otf" "$seeds/"
        done
        max_len=131072
    fi
    # No sanitizer: letterhead forbids unsafe code; what is hunted is panics, hangs and
    # unbounded memory, which libFuzzer catches alone, at several times the speed.
    cargo +nightly fuzz run --sanitizer none "$target" "fuzz/corpus/$target" "$seeds" -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -max_len="$max_len" 2>"fuzz/$target.log" || {
        echo "$target: crashed; see fuzz/$target.log and fuzz/artifacts/$target/" >&2
        tail -n 30 "fuzz/$target.log" >&2
        exit 1
    }
    runs=$(grep -o 'Done [0-9]* runs' "fuzz/$target.log" | tail -n 1)
    echo "$target: ${runs:-?} in ${seconds} s, no crash"
done
