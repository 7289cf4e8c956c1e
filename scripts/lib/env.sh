# Shared by scripts/test.sh and scripts/run.sh: a Python 3.14 and cached virtual environments.
# shellcheck shell=bash
PLEX_ACTIVITIES_CACHE="${PLEX_ACTIVITIES_CACHE:-$HOME/.cache/plex-activities}"
export PLEX_ACTIVITIES_CACHE

shopt -s inherit_errexit
_python="$(bash "$(dirname "${BASH_SOURCE[0]}")/../python314.sh" ${PLEX_ACTIVITIES_BUILD_TOOLS:+--with-build-tools})"
_in_root=0
_env_python="$_python"
if [[ "$_python" == "$PLEX_ACTIVITIES_CACHE/bin/python3.14" ]]; then
  _in_root=1
  _env_python=/usr/bin/python3.14
fi

# Run a command with the provisioned interpreter's environment (inside the Debian root when
# Python came from there, directly otherwise).
in_env() {
  if (( _in_root )); then
    "$PLEX_ACTIVITIES_CACHE/bin/in-root.sh" "$PLEX_ACTIVITIES_CACHE/sid-root" "$@"
  else
    "$@"
  fi
}

# ensure_venv NAME REQUIREMENTS_FILE [MORE_FILES_THAT_AFFECT_IT...]: print the path of a venv
# under the cache built from REQUIREMENTS_FILE, rebuilding it only when the files change.
ensure_venv() {
  local name="$1" requirements="$2"; shift 2
  local venv="$PLEX_ACTIVITIES_CACHE/venvs/$name"
  local digest lock_fd
  digest="$( { echo "$_python"; cat "$requirements" "$@"; } | sha256sum | cut -d' ' -f1)"
  mkdir -p "$PLEX_ACTIVITIES_CACHE/venvs"
  # One build at a time per venv: concurrent runs wait instead of clobbering it.
  exec {lock_fd}>"$PLEX_ACTIVITIES_CACHE/venvs/.$name.lock"
  flock "$lock_fd"
  # The digest is written last, so it marks a complete build. (Not `-x bin/python`: when
  # Python comes from the Debian root, that link points into the root and looks broken here.)
  if [[ "$(cat "$venv/.requirements-digest" 2>/dev/null)" != "$digest" ]]; then
    printf '[env] building %s from %s (once per change of requirements)\n' "$venv" "$requirements" >&2
    rm -rf "$venv"
    mkdir -p "$PLEX_ACTIVITIES_CACHE/venvs"
    in_env "$_env_python" -m venv "$venv" >&2
    in_env "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    in_env "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
    echo "$digest" >"$venv/.requirements-digest"
  fi
  exec {lock_fd}>&-
  echo "$venv"
}
