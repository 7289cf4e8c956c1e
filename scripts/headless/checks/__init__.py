"""The checks, one module each; ``runner.run_checks`` calls them in order.

Each is an ``async def ...(ctx: CheckContext) -> None`` that logs what it saw and raises
``CheckError`` when something does not hold.
"""
