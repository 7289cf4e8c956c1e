"""The dashboard card in a real browser: its rows, live progress, cancel from the card."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from headless.browser import save_screenshot
from headless.common import CheckError, log, wait_for

if TYPE_CHECKING:
    from headless.context import CheckContext

# Finds the card's rows through every shadow root of the frontend.
_CARD_ROWS_JS = """
(() => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'PLEX-ACTIVITIES-CARD' && el.shadowRoot) {
        found.push(el);
      } else if (el.shadowRoot) {
        walk(el.shadowRoot);
      }
    }
  };
  walk(document);
  if (!found.length) return null;
  return [...found[0].shadowRoot.querySelectorAll('li[data-uuid]')].map((li) => ({
    uuid: li.dataset.uuid,
    title: li.querySelector('.title')?.textContent ?? '',
    progress: li.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow'),
    cancellable: !!li.querySelector('button.cancel'),
  }));
})()
"""

# Clicks a button of one row ("cancel", then "yes") inside the card's shadow root.
_CARD_CLICK_JS = """
((uuid, button) => {
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'PLEX-ACTIVITIES-CARD' && el.shadowRoot) return el;
      if (el.shadowRoot) { const card = walk(el.shadowRoot); if (card) return card; }
    }
    return null;
  };
  const card = walk(document);
  const target = card?.shadowRoot
    .querySelector(`li[data-uuid="${uuid}"] button.${button}`);
  if (!target) return false;
  target.click();
  return true;
})(%s, %s)
"""


async def check_card(ctx: CheckContext) -> None:
    """The dashboard card in a real browser: rows, live progress, cancel."""
    async with ctx.page("/dashboard-plex/card") as browser:

        async def rows() -> list[dict[str, Any]] | None:
            return await browser.evaluate(_CARD_ROWS_JS) or None

        first = await wait_for("the card to show the simulator's activities", rows)
        log(f"card shows {len(first)} activities: {[r['title'] for r in first]}")
        before = {r["uuid"]: r["progress"] for r in first}

        async def progress_moved() -> str | None:
            for row in await rows() or []:
                old = before.get(row["uuid"])
                if old is not None and row["progress"] not in (None, old):
                    return f"{row['title']}: {old} -> {row['progress']}"
            return None

        moved = await wait_for(
            "a progress change in the card, without reload", progress_moved
        )
        log(f"card progress moved without reload: {moved}")

        async def cancellable_row() -> dict[str, Any] | None:
            return next((r for r in await rows() or [] if r["cancellable"]), None)

        row = await wait_for("a cancellable activity in the card", cancellable_row)
        await save_screenshot(browser, ctx.screenshot_path("screenshot-card.png"))
        uuid = json.dumps(row["uuid"])
        if not await browser.evaluate(_CARD_CLICK_JS % (uuid, json.dumps("cancel"))):
            raise CheckError("the card's cancel button could not be clicked")
        if not await browser.evaluate(_CARD_CLICK_JS % (uuid, json.dumps("yes"))):
            raise CheckError("the card's confirmation could not be clicked")

        async def row_gone() -> bool:
            return all(r["uuid"] != row["uuid"] for r in await rows() or [])

        await wait_for(f"{row['title']!r} to leave the card after cancel", row_gone)

        async def entity_gone() -> bool:
            states = await ctx.ha.states()
            return all(
                s["attributes"].get("uuid") != row["uuid"] for s in states.values()
            )

        await wait_for("the cancelled activity's entity to go", entity_gone)
        log(f"cancelled {row['title']!r} from the card; its row and entity are gone")
