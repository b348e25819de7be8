#!/usr/bin/env bash
# Install what the tests need (Debian packages, then the package with its dev and bench extras in .venv) and run the
# checks and tests. CI (.ci/run) runs this same script. Debian packages are installed with apt-get (as root, or via sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in git pandoc libreoffice-writer-nogui python3-uno fonts-crosextra-carlito fonts-crosextra-caladea fontconfig \
           poppler-utils chromium hunspell-en-gb; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev,bench]'  # bench: pandoc 3, whose drafts the import tests read too
export PATH="$PWD/.venv/bin:$PATH"

# Tests that need LibreOffice, pandoc or Chromium fail instead of skipping here.
export COE_REQUIRE_CLIENTS=1

ruff check src tests bench scripts
mypy
python -m pytest -q
