"""A small base for the simulator's helper sites (plex.tv's stand-in) on loopback."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web


@dataclass(kw_only=True)
class LoopbackSite:
    """An aiohttp application served on a loopback port; subclasses build the app."""

    host: str = "127.0.0.1"
    port: int = 0
    _runner: web.AppRunner | None = field(default=None, repr=False)

    def build_app(self) -> web.Application:
        """Return the application to serve."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        """Return the base URL, e.g. ``http://127.0.0.1:40000``."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Bind the port (a free one when 0) and start serving."""
        runner = web.AppRunner(
            self.build_app(), access_log=None, handle_signals=False, shutdown_timeout=1
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self.port = site.port
        self._runner = runner

    async def stop(self) -> None:
        """Stop serving; calling it twice is fine."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
