#!/usr/bin/env bash
# The whole test suite: ruff check, ruff format --check, mypy --strict on custom_components,
# and pytest with coverage, on Python 3.14 (provisioned by scripts/python314.sh if needed).
#
# Usage: scripts/test.sh [--floor] [extra pytest arguments]
#   --floor   test against the minimum Home Assistant in hacs.json (2026.8.0) instead of 2026.10.4
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/env.sh

target=current
requirements=requirements_test.txt
if [[ "${1:-}" == "--floor" ]]; then
  target=floor
  requirements=requirements_test_floor.txt
  shift
fi

venv="$(ensure_venv "test-$target" "$requirements" requirements_tools.txt)"

step() { printf '\n==> %s\n' "$*"; }
step "ruff check"
in_env "$venv/bin/ruff" check .
step "ruff format --check"
in_env "$venv/bin/ruff" format --check .
step "mypy (strict) custom_components"
in_env "$venv/bin/mypy" custom_components
step "pytest ($target Home Assistant target)"
in_env "$venv/bin/python" -m pytest "$@"
