#!/usr/bin/env bash
# Run a command inside the provisioned Debian root (see python314.sh), in a private mount
# namespace: proc/dev/sys are mounted, and the current checkout, the venv cache and /tmp
# are bind-mounted at the same absolute paths so paths mean the same inside and out.
# Usage: scripts/in-root.sh ROOT COMMAND [ARGS...]
set -euo pipefail
root="$1"; shift
cache="${PLEX_ACTIVITIES_CACHE:-$HOME/.cache/plex-activities}"
mkdir -p "$cache/venvs"
top="$(git -C "$PWD" rev-parse --show-toplevel 2>/dev/null || pwd)"
binds=("$top" "$cache/venvs" /tmp)
[[ -n "${PLEX_ACTIVITIES_EXTRA_BIND:-}" ]] && binds+=("$PLEX_ACTIVITIES_EXTRA_BIND")

# Variables carried into the root; everything else (PIP_*, pyenv, ...) stays outside.
keep=(PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8)
while IFS='=' read -r name _; do
  case "$name" in
    CI|TERM|COLUMNS|PYTEST_ADDOPTS|HYPOTHESIS_PROFILE|PLEX_ACTIVITIES_*|PLEX_SIM_*|BENCH_*)
      keep+=("$name=${!name}") ;;
  esac
done < <(env)

exec unshare --mount --propagation private -- /bin/bash -s -- "$root" "$PWD" "${#binds[@]}" "${binds[@]}" "${#keep[@]}" "${keep[@]}" "$@" <<'INNER'
set -euo pipefail
root="$1"; cwd="$2"; shift 2
n="$1"; shift; binds=("${@:1:$n}"); shift "$n"
n="$1"; shift; keep=("${@:1:$n}"); shift "$n"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
for dir in "${binds[@]}"; do
  [[ -d "$dir" ]] || continue
  mkdir -p "$root$dir"
  mount --rbind "$dir" "$root$dir"
done
exec chroot "$root" /usr/bin/env -i "${keep[@]}" /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$cwd" "$@"
INNER
