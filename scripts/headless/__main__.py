"""``python -m headless`` (from ``scripts/``): parse the command line, run the check."""

from __future__ import annotations

import argparse
import asyncio
import sys

import aiohttp

import headless
from headless.common import CheckError
from headless.runner import run


def main() -> int:
    """Parse the command line and run the check."""
    parser = argparse.ArgumentParser(description=headless.__doc__.split("\n", 1)[0])
    parser.add_argument("--ha-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--sim-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--cdp-url", help="DevTools websocket of a running Chromium")
    parser.add_argument(
        "--screenshot-dir", help="with --cdp-url: the folder for the screenshots"
    )
    parser.add_argument(
        "--keep-config", action="store_true", help="keep the throw-away config dir"
    )
    options = parser.parse_args()
    try:
        asyncio.run(run(options))
    except CheckError as err:
        print(f"\nHEADLESS CHECK FAILED: {err}", file=sys.stderr, flush=True)
        return 1
    except (aiohttp.ClientError, OSError, TimeoutError) as err:
        print(
            f"\nHEADLESS CHECK FAILED: {type(err).__name__}: {err}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
