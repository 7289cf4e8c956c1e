"""Start Home Assistant for the demo and the headless check, with plex.tv and GDM on loopback.

Usage: python scripts/demo_hass.py --plextv URL --gdm HOST:PORT -- --config DIR [...]

The integration talks to Plex's real plex.tv and GDM group unless Python code inside Home
Assistant's process says otherwise (`custom_components/plex_activities/endpoints.py`):
there is no option, YAML key or environment variable for it, so no user can point it
anywhere else. This launcher is that code for the demo: it imports the integration from
the configuration directory exactly as Home Assistant will (same module name, so the
same module object), points `endpoints.ACTIVE` at the loopback stand-ins that
`python -m plex_simulator --signin` runs, then hands over to Home Assistant's own `main`.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from urllib.parse import urlsplit


def main() -> int:
    """Point the integration at the stand-ins, then run Home Assistant."""
    parser = argparse.ArgumentParser(prog="demo_hass.py")
    parser.add_argument("--plextv", required=True, help="plex.tv stand-in's URL")
    parser.add_argument("--gdm", required=True, help="GDM responder's HOST:PORT")
    parser.add_argument("hass_args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    hass_args = [a for a in options.hass_args if a != "--"]
    config_dir = hass_args[hass_args.index("--config") + 1]
    gdm_host, _, gdm_port = options.gdm.rpartition(":")
    plextv_host = urlsplit(options.plextv).hostname or ""
    for host in (gdm_host, plextv_host):  # the demo never leaves loopback
        if not ipaddress.ip_address(host).is_loopback:
            parser.error(f"{host} is not a loopback address")

    sys.path.insert(0, config_dir)
    try:
        from custom_components.plex_activities import endpoints  # noqa: PLC0415
    finally:
        sys.path.remove(config_dir)
    endpoints.ACTIVE = endpoints.PlexEndpoints(
        plextv_url=options.plextv,
        auth_app_url=f"{options.plextv}/auth",
        gdm_target=(gdm_host, int(gdm_port)),
    )

    from homeassistant.__main__ import main as hass_main  # noqa: PLC0415

    sys.argv = ["hass", *hass_args]
    return hass_main()


if __name__ == "__main__":
    sys.exit(main())
