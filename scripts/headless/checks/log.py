"""After the run: Home Assistant's log holds no traceback and never the token."""

from __future__ import annotations

from typing import TYPE_CHECKING

from headless.common import CheckError, log

if TYPE_CHECKING:
    from pathlib import Path

    from headless.process import Process


def check_log(ha_proc: Process, config: Path, token: str) -> None:
    """Fail when Home Assistant's log holds a traceback or the token."""
    text = "\n".join(ha_proc.lines)
    log_file = config / "home-assistant.log"
    if log_file.exists():
        text += "\n" + log_file.read_text(encoding="utf-8", errors="replace")
    problems = []
    if "Traceback" in text:
        index = text.index("Traceback")
        problems.append(
            "Home Assistant logged a traceback:\n" + text[max(0, index - 800) :][:4000]
        )
    if token in text:
        problems.append("Home Assistant's log contains the Plex token")
    if problems:
        raise CheckError("\n".join(problems))
    lines = text.count("\n")
    log(f"Home Assistant log ({lines} lines): no traceback, no token")
