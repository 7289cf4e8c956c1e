#!/usr/bin/env bash
# The performance benchmark (issue 5): the real integration inside Home Assistant's test
# harness against the simulator over loopback. Prints a table, writes
# benchmark-results.json (or $BENCH_OUTPUT) and exits non-zero when a target is missed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/env.sh
venv="$(ensure_venv test-current requirements_test.txt requirements_tools.txt)"
in_env "$venv/bin/python" -m pytest benchmarks -o addopts="" -p no:cacheprovider -s -q \
  --timeout 1800 "$@"
