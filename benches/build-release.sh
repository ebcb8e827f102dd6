#!/usr/bin/env bash
# Builds the release binary the benchmarks measure, target/release/letterhead: on Linux with
# glibc linked statically (`cargo release-static`, see .cargo/config.toml: no dynamic loading at
# start), elsewhere as `cargo build --release` makes it. A cold build takes several minutes (10+
# on a 2-core machine); later runs are quick. Its output goes to standard error.
#
#   bash benches/build-release.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" = Linux ] && getconf GNU_LIBC_VERSION >/dev/null 2>&1; then
    echo "== build (cargo release-static)" >&2
    cargo release-static >&2
else
    echo "== build (cargo build --release --locked)" >&2
    cargo build --release --locked >&2
fi
