#!/usr/bin/env bash
# Install coe-paper in .venv and assemble the bundled paper (build/orientation-paper.docx).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
.venv/bin/coe-paper validate
.venv/bin/coe-paper assemble "$@"
