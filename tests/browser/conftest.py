"""Browser tests: Debian's chromium, driven by Playwright's sync API, against pytest-django's live_server.

Every test gets a `visitor` (a fresh browser context and page) that records console errors, uncaught
page errors, CSP violations and every request URL; the fixture fails the test if any error was seen.
Screenshots are written to docs/screenshots/ only when SAVE_SCREENSHOTS=1 (CI must not rewrite
tracked files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from conftest import PASSWORD, make_user  # noqa: F401 - re-exported for the browser test modules

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
# The users of the platform work in Chinese: their browsers send Accept-Language: zh-CN.
BROWSER_LOCALE = "zh-CN"
TIMEOUT_MS = 10_000

# Bind the live server to 127.0.0.1 rather than "localhost", so a test can assert that no request
# leaves 127.0.0.1. An explicit --liveserver or DJANGO_LIVE_TEST_SERVER_ADDRESS still wins.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

# Chromium reports CSP violations as console errors too; this makes them explicit and unmistakable.
# (An init script is injected by the DevTools protocol, so the page's CSP does not block it.)
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (ev) {
  console.error("CSP violation: " + ev.violatedDirective + " blocked " + (ev.blockedURI || "inline code")
                + " at " + ev.sourceFile + ":" + ev.lineNumber);
});
"""

CHARTS_SETTLED = "() => Object.values(window.emCharts || {}).every(c => c.getZr().animation.isFinished())"


@pytest.fixture(scope="session", autouse=True)
def _media_url_for_the_live_server():
    """settings.MEDIA_URL is None (media is never served directly), but Django's LiveServerThread wraps
    the site in a media-files handler that parses MEDIA_URL and fails every request on None. A prefix
    that no URL uses keeps that handler inert; attachments still go through the scoped view.
    Session-scoped and autouse, so it is in place before the (session-scoped) live server starts."""
    with override_settings(MEDIA_URL="/media-is-never-served-directly/"):
        yield


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: `apt-get install chromium` to run the browser tests"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; in CI a missing browser is a failure, not a skip", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio loop registered as running on the main thread, so
    # Django's async-safety guard would refuse the ORM calls these tests make on that thread (test
    # data, and the transactional_db flush after each test). The tests really are synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _is_favicon_404(message: ConsoleMessage) -> bool:
    # The only tolerated error: Chromium asks for /favicon.ico on its own and the platform has none,
    # which it logs as "Failed to load resource: ... 404". Nothing else is ignored.
    url = (message.location or {}).get("url", "")
    return urlsplit(url).path == "/favicon.ico" and "404" in message.text


@dataclass
class Visitor:
    """A person at a browser: a page plus everything the browser complained about."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def log_in(self, username: str, password: str) -> Page:
        page = self.open("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form:has(input[name=username]) button[type=submit]")
        return page

    def resize(self, viewport: dict) -> None:
        self.page.set_viewport_size(viewport)

    def screenshot(self, name: str) -> None:
        """Saves docs/screenshots/<name> only when SAVE_SCREENSHOTS=1."""
        if os.environ.get("SAVE_SCREENSHOTS") == "1":
            # ECharts animates bars up from zero after data-em-ready; wait until every chart has settled.
            self.page.wait_for_function(CHARTS_SETTLED)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)

    def hosts_contacted(self) -> set[str]:
        return {urlsplit(url).netloc for url in self.requests if urlsplit(url).scheme not in ("data", "blob")}


@pytest.fixture
def visitor(browser: Browser, live_server) -> Visitor:
    """live_server makes the test transactional (the root conftest puts the reference data back)."""
    context = browser.new_context(locale=BROWSER_LOCALE, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    who = Visitor(page=page, base_url=live_server.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not _is_favicon_404(message):
            who.errors.append(f"console: {message.text} ({(message.location or {}).get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: who.errors.append(f"pageerror: {exc}"))
    page.on("request", lambda request: who.requests.append(request.url))
    yield who
    context.close()
    if who.errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(who.errors), pytrace=False)


@pytest.fixture
def demo(transactional_db):
    """The demo data set (accounts for every role, synthetic communities and grids) in the test database."""
    from emergency.core.demo import load_demo

    return load_demo()
