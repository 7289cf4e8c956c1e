#!/usr/bin/env bash
# Run the integration in a real Home Assistant against the bundled Plex simulator.
#
# Usage: scripts/run.sh [--check [--screenshot] [--update-screenshots]] [--ha-port PORT]
#                      [--sim-port PORT]
#   (no option)   start the simulator (demo scenario) and Home Assistant with config/ and
#                 the integration from custom_components/; Ctrl-C stops both
#   --check       headless end-to-end check instead (scripts/headless/): onboard, add the
#                 integration by signing in through plex.tv's stand-in, watch activities,
#                 cancel one, check the log; exit 0/1
#   --ha-port, --sim-port  ports (check: default free ones; run: 8123 (set in config/)
#                 and 32400)
#   --screenshot  with --check: also capture the add-integration dialog
#                 (screenshot-signin.png) and the dashboard (screenshot-dashboard.png), and
#                 test the dashboard card in a real browser (screenshot-card.png), with
#                 Debian's chromium (installed with apt-get when missing); the screenshots
#                 go to a new folder under /tmp (printed), so the checkout stays unchanged
#   --update-screenshots  --check --screenshot, writing the screenshots into docs/ (the
#                 README's pictures) instead
#
# The first run provisions Python 3.14 (scripts/python314.sh, with a compiler for Home
# Assistant's source-only dependencies) and a cached venv from requirements_run.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
top="$PWD"

mode=run screenshot=0 update_screenshots=0 ha_port="" sim_port=""
while (($#)); do
  case "$1" in
    --check) mode=check ;;
    --screenshot) screenshot=1 ;;
    --update-screenshots) mode=check screenshot=1 update_screenshots=1 ;;
    --ha-port) ha_port="$2"; shift ;;
    --sim-port) sim_port="$2"; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

export PLEX_ACTIVITIES_BUILD_TOOLS=1
source scripts/lib/env.sh
venv="$(ensure_venv run requirements_run.txt)"

# Home Assistant Core expects ffmpeg and libturbojpeg on the system (it logs tracebacks
# at start-up without them). Inside the provisioned Debian root they are installed once.
if ((_in_root)); then
  in_env /bin/sh -c 'command -v ffmpeg >/dev/null && [ -e /usr/lib/x86_64-linux-gnu/libturbojpeg.so.0 ] ||
    { echo "[run] installing ffmpeg and libturbojpeg0 into the Debian root (once)" >&2;
      DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Check-Valid-Until=false install -y -qq --no-install-recommends ffmpeg libturbojpeg0 >&2 ||
      { apt-get -o Acquire::Check-Valid-Until=false update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Check-Valid-Until=false install -y -qq --no-install-recommends ffmpeg libturbojpeg0 >&2; }; }'
elif ! command -v ffmpeg >/dev/null 2>&1; then
  echo "[run] warning: no ffmpeg on PATH; Home Assistant will log errors about it" >&2
fi

if [[ "$mode" == check ]]; then
  args=(--ha-port "${ha_port:-0}" --sim-port "${sim_port:-0}")
  browser_pid=""
  profile=""
  cleanup_browser() {
    [[ -n "$browser_pid" ]] && kill "$browser_pid" 2>/dev/null && wait "$browser_pid" 2>/dev/null
    # Chromium's helpers may still be writing to the profile for a moment.
    [[ -n "$profile" ]] && { sleep 1; rm -rf "$profile" 2>/dev/null || rm -rf "$profile" 2>/dev/null; }
    return 0
  }
  trap cleanup_browser EXIT
  if ((screenshot)); then
    if ! command -v chromium >/dev/null 2>&1; then
      echo "[run] installing Debian's chromium for the screenshot" >&2
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    fi
    profile="$(mktemp -d)"
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --hide-scrollbars --user-data-dir="$profile" --remote-debugging-port=0 \
      about:blank 2>"$profile.log" &
    browser_pid=$!
    cdp_url=""
    for _ in $(seq 100); do
      cdp_url="$(grep -o 'ws://[^ ]*' "$profile.log" 2>/dev/null | head -1 || true)"
      [[ -n "$cdp_url" ]] && break
      sleep 0.2
    done
    rm -f "$profile.log"
    [[ -n "$cdp_url" ]] || { echo "run.sh: chromium did not start" >&2; exit 1; }
    # Screenshots land outside the checkout unless asked for (CI leaves it unchanged).
    if ((update_screenshots)); then
      shots="$top/docs"
    else
      shots="$(mktemp -d /tmp/plex-activities-screenshots.XXXXXX)"
    fi
    args+=(--cdp-url "$cdp_url" --screenshot-dir "$shots")
  fi
  status=0
  (cd scripts && in_env "$venv/bin/python" -m headless "${args[@]}") || status=$?
  exit "$status"
fi

# Interactive run: the repository's config/ with the integration and the dashboard linked in.
mkdir -p config/custom_components
ln -sfn ../../custom_components/plex_activities config/custom_components/plex_activities
ln -sfn ../docs/dashboard.yaml config/dashboard.yaml

# Home Assistant's own port comes from config/configuration.yaml (default 8123).
ha_port="${ha_port:-8123}"
sim_port="${sim_port:-32400}"
token="${PLEX_SIM_TOKEN:-demo}"
# plex.tv's stand-in and the GDM responder (loopback only; see scripts/demo_hass.py).
plextv_port=32443 gdm_port=32414

# Start a process in the provisioned environment in the background; $! is its pid (the
# wrappers exec, so the pid ends up being the Python process itself).
spawn() {
  if ((_in_root)); then
    "$PLEX_ACTIVITIES_CACHE/bin/in-root.sh" "$PLEX_ACTIVITIES_CACHE/sid-root" "$@" &
  else
    "$@" &
  fi
}

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "[run] stopping Home Assistant and the simulator"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "[run] stopped"
}
trap stop_all INT TERM EXIT

spawn "$venv/bin/python" -m plex_simulator --port "$sim_port" --token "$token" --scenario demo \
  --signin --plextv-port "$plextv_port" --gdm-port "$gdm_port"
pids+=($!)
spawn "$venv/bin/python" "$top/scripts/demo_hass.py" --plextv "http://127.0.0.1:$plextv_port" \
  --gdm "127.0.0.1:$gdm_port" -- --config "$top/config"
pids+=($!)

# Wait until Home Assistant answers, then say what to enter.
for _ in $(seq 600); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$ha_port/manifest.json" 2>/dev/null; then
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "run.sh: a process exited during start-up" >&2; exit 1; }
  done
  sleep 1
done

cat <<EOF

  Home Assistant:  http://localhost:$ha_port
                   (first visit: create a user; the demo dashboard is "Plex activities")
  Add the integration: Settings > Devices & services > Add integration > Plex Activities
      Sign in with Plex: press "Sign in" on the plex.tv stand-in's page that opens
      (it lists the simulator and a server shared by "alice"), or by hand:
      Server URL:  http://127.0.0.1:$sim_port
      Plex token:  $token
  Logs: config/home-assistant.log (debug for custom_components.plex_activities)
  Ctrl-C stops both.

EOF
# Run until Ctrl-C or until either process exits (the EXIT trap stops the other).
wait -n "${pids[@]}" || true
