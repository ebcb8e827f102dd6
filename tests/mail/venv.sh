#!/usr/bin/env bash
# The Python environment of the email tests: a venv at DIR with aiosmtpd (the SMTP server the
# tests send to) and trustme (its throw-away certificate authority), from PyPI. Made once;
# tests running at the same time wait for each other. Prints the venv's python.
#   bash tests/mail/venv.sh DIR
set -euo pipefail
dir="$1"
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c "import aiosmtpd, trustme" 2>/dev/null; then
    rm -rf "$dir"
    python3 -m venv "$dir" >&2
    "$dir/bin/pip" install -q --disable-pip-version-check "aiosmtpd==1.4.6" "trustme==1.2.1" >&2
fi
echo "$dir/bin/python"
