#!/usr/bin/env bash
# The long chaos soak (issue 13): the real integration in Home Assistant's test harness
# against the simulator over loopback, activities and faults at random, checked after
# every quiet period (tests/soak). New seeds every run, one per 5 minutes.
# Prints what it did (steps, faults by kind, divergences) and exits non-zero on any
# divergence.
#
# Usage: scripts/soak.sh --minutes N     (e.g. `nice scripts/soak.sh --minutes 60`)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

minutes=10
while (( $# )); do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    *) echo "usage: $0 --minutes N" >&2; exit 2 ;;
  esac
done
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || { echo "--minutes takes a whole number" >&2; exit 2; }

source scripts/lib/env.sh
venv="$(ensure_venv test-current requirements_test.txt requirements_tools.txt)"

episodes=$(( (minutes + 4) / 5 ))
seeds=""
for (( i = 0; i < episodes; i++ )); do
  seeds+="${seeds:+,}$(( (RANDOM << 15 | RANDOM) + 1000 ))"
done
report="$(mktemp /tmp/plex-soak.XXXXXX.jsonl)"
export PLEX_ACTIVITIES_SOAK_SEEDS="$seeds"
export PLEX_ACTIVITIES_SOAK_SECONDS=$(( minutes * 60 / episodes ))
export PLEX_ACTIVITIES_SOAK_REPORT="$report"
printf 'Soak: %s min, seeds %s\n' "$minutes" "$seeds"

status=0
in_env "$venv/bin/python" -m pytest tests/soak/test_chaos.py -o addopts="" \
  -p no:cacheprovider -q --timeout $(( minutes * 60 + 900 )) || status=$?

in_env "$venv/bin/python" -m tests.soak.report "$report" || status=1
rm -f "$report"
exit "$status"
