#!/usr/bin/env bash
# The README's test command: install what is missing, typecheck, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npm test
