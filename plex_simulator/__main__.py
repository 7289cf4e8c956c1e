"""Command line: ``python -m plex_simulator``.

Starts a simulator, prints its URL and token, and runs until SIGINT or
SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from plex_simulator.scenario import run_demo
from plex_simulator.server import PlexSimulator
from plex_simulator.signin_demo import start_signin_standins


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv: The arguments without the program name; ``sys.argv`` when None.

    Returns:
        The parsed options.
    """
    parser = argparse.ArgumentParser(
        prog="python -m plex_simulator",
        description="Run a simulated Plex Media Server.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument(
        "--port", type=int, default=32400, help="port to bind (0 picks a free one)"
    )
    parser.add_argument("--token", default="demo", help="the accepted X-Plex-Token")
    parser.add_argument(
        "--scenario",
        choices=("demo", "idle"),
        default="demo",
        help="demo: a busy server; idle: no activities",
    )
    parser.add_argument("--name", default="Plex Simulator", help="the server name")
    parser.add_argument(
        "--machine-identifier",
        default="simulated0machine0identifier0001",
        help="the server id (two simulators for one Home Assistant need two)",
    )
    parser.add_argument(
        "--refuse-websocket",
        action="store_true",
        help="refuse websocket upgrades like a proxy would (EventSource still works)",
    )
    parser.add_argument(
        "--signin",
        action="store_true",
        help="also run plex.tv's stand-in and a GDM responder (loopback)",
    )
    parser.add_argument("--plextv-port", type=int, default=0, help="with --signin")
    parser.add_argument("--gdm-port", type=int, default=0, help="with --signin")
    return parser.parse_args(argv)


async def serve(options: argparse.Namespace) -> None:
    """Run the simulator until SIGINT or SIGTERM.

    Args:
        options: The parsed command line.
    """
    sim = PlexSimulator(
        host=options.host,
        port=options.port,
        token=options.token,
        friendly_name=options.name,
        machine_identifier=options.machine_identifier,
    )
    sim.websocket_enabled = not options.refuse_websocket
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    await sim.start()
    scenario: asyncio.Task[None] | None = None
    standins = None
    try:
        print(f"Plex simulator: {sim.url}")
        if options.signin:
            standins = await start_signin_standins(
                sim, plextv_port=options.plextv_port, gdm_port=options.gdm_port
            )
            print(f"plex.tv stand-in: {standins.plextv.url}")
            print(f"GDM responder: {standins.gdm.host}:{standins.gdm.port}")
        print(f"Token: {sim.token}", flush=True)
        if options.scenario == "demo":
            scenario = asyncio.create_task(run_demo(sim), name="plex-simulator-demo")
        await stop.wait()
    finally:
        if scenario is not None:
            scenario.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await scenario
        if standins is not None:
            await standins.stop()
        await sim.stop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments without the program name; ``sys.argv`` when None.

    Returns:
        The exit status.
    """
    options = parse_args(argv)
    try:
        asyncio.run(serve(options))
    except OSError as err:
        print(f"plex_simulator: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
