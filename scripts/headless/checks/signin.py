"""Sign in with Plex through plex.tv's stand-in, the way a newcomer does.

Through the config-flow REST API: the menu, **Sign in with Plex**, the external step to
the stand-in's sign-in page, where the check presses **Sign in** (in Chromium when there
is a browser, else with the page's own request), the server choice (the simulator and a
server shared by "alice"), and the entry. With a browser it first captures the flow's
first step, as a user sees it, for the README (``screenshot-signin.png``). At the end of
the run a second sign-in adds alice's server, the only one left, and checks that it
shows none of alice's own activities.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from headless.browser import Browser, save_screenshot
from headless.checks.activities import integration_sensors
from headless.common import DOMAIN, CheckError, log, wait_for

if TYPE_CHECKING:
    from headless.context import CheckContext

FLOW_PATH = "/api/config/config_entries/flow"
# The server "alice" shares with the demo account (plex_simulator.signin_demo).
SHARED_SERVER = "Alice's Plex"
# The "my" redirect opens Add integration > Plex Activities in the frontend.
ADD_INTEGRATION_PATH = f"/_my_redirect/config_flow_start?domain={DOMAIN}"
# The page's text, shadow roots included (the frontend is web components).
DEEP_TEXT = """(function deep(node) {
  let text = node.shadowRoot ? deep(node.shadowRoot) : "";
  for (const child of node.childNodes) {
    text += child.nodeType === 3 ? child.textContent : deep(child);
  }
  return text;
})(document.body)"""
# Press the "OK" of Home Assistant's "Do you want to set up …?" confirmation.
CONFIRM = """(function () {
  const found = [];
  (function walk(node) {
    if (node.nodeType === 1) found.push(node);
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.children || []) walk(child);
  })(document.documentElement);
  const ok = found.find((el) => /^(ha-button|mwc-button|button)$/i.test(el.tagName)
    && el.textContent.trim() === "OK");
  if (ok) ok.click();
  return Boolean(ok);
})()"""


async def signin_screenshot(ctx: CheckContext) -> None:
    """Open the add-integration dialog in the browser and capture its menu."""
    async with ctx.page(ADD_INTEGRATION_PATH) as browser:

        async def menu_shown() -> bool:
            text = str(await browser.evaluate(DEEP_TEXT))
            if "Do you want to set up" in text:
                await browser.evaluate(CONFIRM)
            return "Sign in with Plex" in text

        try:
            await wait_for(
                "the add-integration dialog with Sign in with Plex", menu_shown, 40
            )
        except CheckError:
            where = await browser.evaluate("location.href")
            text = " ".join(str(await browser.evaluate(DEEP_TEXT)).split())
            await save_screenshot(browser, ctx.screenshot_path("signin-failed.png"))
            raise CheckError(f"at {where} the page shows: {text[:600]}") from None
        await asyncio.sleep(1)  # the dialog's opening animation
        await save_screenshot(browser, ctx.screenshot_path("screenshot-signin.png"))


async def press_sign_in(ctx: CheckContext, url: str) -> None:
    """Sign in on the stand-in's page: its button in Chromium, or its own request."""
    if ctx.cdp_url is not None:
        async with Browser(ctx.session, ctx.cdp_url) as browser:
            await browser.goto(url)
            await browser.evaluate("document.getElementById('signin').click()")

            async def signed_in() -> bool:
                text = await browser.evaluate(
                    "document.getElementById('result').textContent"
                )
                return str(text).startswith("Signed in")

            await wait_for("the stand-in's page to sign in", signed_in, timeout=20)
        return
    code = parse_qs(urlsplit(url).fragment.removeprefix("?"))["code"][0]
    async with ctx.session.post(
        f"{ctx.plextv_url}/auth/claim", data={"code": code}
    ) as response:
        if response.status != 200:
            raise CheckError(f"the stand-in refused the sign-in: {response.status}")


async def signed_in_step(ctx: CheckContext) -> tuple[str, dict[str, Any]]:
    """Open a flow, sign in on the stand-in; return the flow's path and next step."""
    ha = ctx.ha
    _, flow = await ha.request(
        "POST", FLOW_PATH, json_body={"handler": DOMAIN, "show_advanced_options": False}
    )
    if flow.get("type") != "menu" or flow.get("menu_options") != ["signin", "manual"]:
        raise CheckError(f"the flow did not offer signing in first: {flow}")
    flow_url = f"{FLOW_PATH}/{flow['flow_id']}"
    _, step = await ha.request("POST", flow_url, json_body={"next_step_id": "signin"})
    if step.get("type") != "external" or not step["url"].startswith(ctx.plextv_url):
        raise CheckError(f"the flow did not send the user to plex.tv: {step}")
    await press_sign_in(ctx, step["url"])
    log("signed in on the plex.tv stand-in")

    async def progressed() -> dict[str, Any] | None:
        _, current = await ha.request("GET", flow_url)
        return None if current.get("type") == "external" else current

    step = await wait_for("the flow to see the sign-in", progressed, timeout=30)
    return flow_url, step


async def sign_in(ctx: CheckContext) -> None:
    """Add the integration by signing in with Plex, choosing the simulator."""
    ha = ctx.ha
    if ctx.has_browser:
        await signin_screenshot(ctx)
    flow_url, step = await signed_in_step(ctx)
    if step.get("step_id") != "select_server":
        raise CheckError(f"the flow did not offer the account's servers: {step}")
    (field,) = step["data_schema"]
    options = field["selector"]["select"]["options"]
    labels = sorted(option["label"] for option in options)
    if labels != [f"{SHARED_SERVER} (alice)", "Plex Simulator"]:
        raise CheckError(f"unexpected servers: {labels}")
    simulator = next(o["value"] for o in options if o["label"] == "Plex Simulator")
    _, result = await ha.request("POST", flow_url, json_body={"server": simulator})
    if result.get("type") != "create_entry" or result.get("title") != "Plex Simulator":
        raise CheckError(f"signing in did not create the simulator's entry: {result}")
    log(f"config entry created by signing in: {result['title']!r}")


async def add_shared_server(ctx: CheckContext) -> None:
    """Sign in again: only alice's shared server is left, and it shows only our work.

    Alice's own library scan runs there; Plex shows a shared user only the activities
    it started, so the entry's Activities sensor stays at 0 and no activity sensor
    appears for it.
    """
    ha = ctx.ha
    _, result = await signed_in_step(ctx)
    if result.get("type") != "create_entry" or result.get("title") != SHARED_SERVER:
        raise CheckError(f"signing in again did not add {SHARED_SERVER}: {result}")
    log(f"config entry created for the shared server: {result['title']!r}")

    async def shared_states(attribute: str) -> list[dict[str, Any]]:
        """Return the states of the shared server's sensors with `attribute`."""
        return [
            state
            for state in (await integration_sensors(ha, attribute)).values()
            if str(state["attributes"].get("friendly_name")).startswith(SHARED_SERVER)
        ]

    (state,) = await wait_for(
        f"the Activities sensor of {SHARED_SERVER}",
        lambda: shared_states("activities"),
    )
    if state["state"] != "0" or state["attributes"]["activities"]:
        raise CheckError(f"{SHARED_SERVER} shows someone else's activities: {state}")
    if theirs := [s["entity_id"] for s in await shared_states("uuid")]:
        raise CheckError(f"activity sensors of alice's own work: {theirs}")
    log(f"{state['entity_id']} = 0: alice's own scan is not shown to a shared user")
