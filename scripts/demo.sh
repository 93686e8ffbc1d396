#!/usr/bin/env bash
# The README's main-job command: install what is missing, then ingest a generated sample video end to
# end on the embedded defaults (embedded Postgres, filesystem store) and print its clips.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node_modules/.bin/node src/cli/main.ts run --sample "$@"
