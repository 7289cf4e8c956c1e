"""Headless end-to-end check: the integration in a real Home Assistant, no browser needed.

Run by ``scripts/run.sh --check`` (``python -m headless`` from ``scripts/``) with the run
venv's Python (inside the Debian root when Python 3.14 came from there). It

1. starts the Plex simulator (demo scenario, a distinctive random token) and a real Home
   Assistant with a throw-away copy of ``config/`` on free loopback ports,
2. onboards Home Assistant through its REST API and adds the integration through the
   config-flow REST API,
3. waits for activity sensors to appear and for their progress to move,
4. cancels a cancellable activity with ``plex_activities.cancel`` and waits for its
   sensor to disappear,
5. optionally (``--cdp-url`` and ``--screenshot-dir``) takes a screenshot of the demo
   dashboard and tests the dashboard card through a Chromium started by run.sh (Chrome
   DevTools protocol),
6. stops both and checks Home Assistant's log for tracebacks and for the token.

Exits 0 when everything holds; otherwise prints what failed and exits 1.

The package, by concern: ``common`` (errors, logging, waiting), ``process`` (child
processes, ports, the throw-away configuration), ``ha_client`` (Home Assistant's REST and
websocket API), ``browser`` (Chromium over DevTools), ``context`` (what every check gets),
``checks/`` (one module per check) and ``runner`` (starts everything, runs the checks in
order, stops everything). A new check is a module under ``checks/`` with an
``async def ...(ctx: CheckContext) -> None`` that raises ``CheckError`` when it fails,
plus one call in ``runner.run_checks``.
"""
