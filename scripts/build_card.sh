#!/usr/bin/env bash
# Build the dashboard card (frontend/) into the one ES module the integration ships:
# custom_components/plex_activities/frontend/plex-activities-card.js. Needs node and npm.
#
# Usage: scripts/build_card.sh [--check]
#   (no option)  npm ci, then write the module (commit it with the sources)
#   --check      npm ci, then build in memory and fail unless the shipped module is
#                exactly that build (and at most 30 KB gzipped); writes nothing
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../frontend"

npm ci --no-audit --no-fund --loglevel=error
if [[ "${1:-}" == "--check" ]]; then
  npm run --silent build -- --check
else
  npm run --silent build
fi
