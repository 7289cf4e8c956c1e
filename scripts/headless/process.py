"""Process control: free ports, the throw-away configuration, child processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
import signal
import socket
import tempfile

from headless.common import DOMAIN, ROOT, CheckError, log


def free_port() -> int:
    """Return a loopback TCP port that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_config_dir(port: int) -> Path:
    """Create a throw-away Home Assistant configuration from the repository's."""
    config = Path(tempfile.mkdtemp(prefix="plex-activities-check-"))
    text = (ROOT / "config" / "configuration.yaml").read_text(encoding="utf-8")
    text += f"\nhttp:\n  server_host: 127.0.0.1\n  server_port: {port}\n"
    (config / "configuration.yaml").write_text(text, encoding="utf-8")
    (config / "custom_components").mkdir()
    (config / "custom_components" / DOMAIN).symlink_to(
        ROOT / "custom_components" / DOMAIN
    )
    (config / "dashboard.yaml").symlink_to(ROOT / "docs" / "dashboard.yaml")
    return config


class Process:
    """A child process whose output is kept (and optionally echoed)."""

    def __init__(
        self, name: str, *args: str, env: dict[str, str] | None = None
    ) -> None:
        """Remember how to start the process."""
        self.name = name
        self.args = args
        self.env = env
        self.lines: list[str] = []
        self.proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._line_event = asyncio.Event()

    async def start(self) -> None:
        """Start the process and collect its combined output."""
        self.proc = await asyncio.create_subprocess_exec(
            *self.args,
            cwd=ROOT,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None  # noqa: S101
        assert self.proc.stdout is not None  # noqa: S101
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._line_event.set()

    async def wait_for_line(self, prefix: str, timeout: float) -> str:  # noqa: ASYNC109
        """Return the first output line starting with prefix."""
        async with asyncio.timeout(timeout):
            while True:
                for line in self.lines:
                    if line.startswith(prefix):
                        return line
                if self.proc is not None and self.proc.returncode is not None:
                    raise CheckError(
                        f"{self.name} exited with {self.proc.returncode}:\n"
                        + "\n".join(self.lines[-30:])
                    )
                self._line_event.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1):
                        await self._line_event.wait()

    @property
    def running(self) -> bool:
        """Return whether the process still runs."""
        return self.proc is not None and self.proc.returncode is None

    async def stop(self, timeout: float = 60.0) -> int | None:  # noqa: ASYNC109
        """Stop the process with SIGTERM (SIGKILL after timeout); return its status."""
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(timeout):
                    await self.proc.wait()
            except TimeoutError:
                log(f"{self.name} did not stop within {timeout:.0f} s; killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                await self.proc.wait()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        return self.proc.returncode
