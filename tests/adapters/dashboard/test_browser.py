"""An organizer uses the dashboard in a real browser: Debian's headless Chromium via Selenium.

The dashboard is served for real on 127.0.0.1 by the test's app; Selenium's calls block, so
they run in a worker thread while the event loop goes on serving. `make test` installs
Chromium and ChromeDriver when missing and sets STUDYBOT_BROWSER_TESTS=required, so there
the test fails rather than skips without them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from bot.app import App
from bot.clock import ManualClock
from tests.adapters.dashboard.harness import login_token, served
from tests.helpers import say

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
T = TypeVar("T")

pytestmark = pytest.mark.slow


def _missing_browser() -> str | None:
    if os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER):
        return None
    return "Chromium and ChromeDriver are not installed (`make test` installs them)"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    missing = _missing_browser()
    if missing is not None:
        if os.environ.get("STUDYBOT_BROWSER_TESTS") == "required":
            pytest.fail(missing)
        pytest.skip(missing)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",  # the tests may run as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        # The machine has no network: without these Chromium keeps trying Google's hosts.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    # A driver path given: Selenium Manager is not asked to download anything.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


async def _in_browser(step: Callable[[], T]) -> T:
    return await asyncio.to_thread(step)


def _wait_for(browser: webdriver.Chrome, by: str, value: str) -> WebElement:
    """A click only starts the navigation: wait for the next page's element to be there."""
    found: WebElement = WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((by, value))
    )
    return found


async def _seed(app: App, clock: ManualClock) -> None:
    """A small community over three days: check-ins with minutes, some in buddy rounds."""
    people = ["ana", "ben", "chloe", "dev", "eli", "fay", "gus", "hana"]
    for name in people[:5]:
        await say(app, "/buddy join", name)
    for day in range(3):
        for i, name in enumerate(people):
            if (i + day) % 3:
                await say(app, f"/checkin did:practised skills:sql minutes:{20 + 5 * i}", name)
        clock.advance(timedelta(days=1))


async def _week_in_database(app: App, first: str, last: str) -> tuple[int, int, int]:
    """Check-ins, minutes and members who checked in, straight from the table."""
    row = await app.db.fetchone(
        "SELECT COUNT(*) AS n, COALESCE(SUM(minutes), 0) AS minutes,"
        " COUNT(DISTINCT member_id) AS people FROM checkins WHERE local_date BETWEEN ? AND ?",
        (first, last),
    )
    assert row is not None
    return int(row["n"]), int(row["minutes"]), int(row["people"])


async def test_an_organizer_logs_in_reads_the_figures_and_pauses_a_member(
    app: App, clock: ManualClock, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    await _seed(app, clock)
    token = await login_token(app, "olga")
    async with served(app) as site:
        await _in_browser(lambda: browser.get(f"{site.url}/login?token={token}"))
        await _in_browser(lambda: browser.find_element(By.ID, "open-dashboard").click())
        await _in_browser(lambda: _wait_for(browser, By.ID, "figures"))
        assert await _in_browser(lambda: browser.title) == "Overview · studybot dashboard"

        def figures() -> dict[str, str]:
            shown = {
                key: browser.find_element(By.ID, key).text
                for key in ("checked-in", "checkins", "minutes")
            }
            for key in ("week-first", "week-last"):  # <time datetime="2026-03-02">
                shown[key] = browser.find_element(By.ID, key).get_attribute("datetime") or ""
            return shown

        shown = await _in_browser(figures)
        checkins, minutes, people = await _week_in_database(
            app, shown["week-first"], shown["week-last"]
        )
        assert (shown["checkins"], shown["minutes"], shown["checked-in"]) == (
            str(checkins),
            str(minutes),
            str(people),
        )
        assert checkins > 0
        await _in_browser(lambda: browser.save_screenshot(str(tmp_path / "overview.png")))

        await _in_browser(lambda: browser.get(f"{site.url}/members?search=ben"))
        row = await _in_browser(lambda: browser.find_element(By.CSS_SELECTOR, "tr[data-member]"))
        await _in_browser(lambda: row.find_element(By.LINK_TEXT, "Pause").click())
        await _in_browser(lambda: Select(_wait_for(browser, By.NAME, "weeks")).select_by_value("3"))
        await _in_browser(lambda: browser.find_element(By.ID, "confirm").click())
        notice = await _in_browser(lambda: _wait_for(browser, By.ID, "notice").text)
        assert notice == "Ben's buddy matching is paused."
        await _in_browser(lambda: browser.save_screenshot(str(tmp_path / "members.png")))

        browser.set_window_size(390, 844)  # a phone
        await _in_browser(lambda: browser.get(f"{site.url}/members"))
        overflow = await _in_browser(
            lambda: browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
        )
        assert overflow <= 0, "the page scrolls sideways on a phone"

    status = await say(app, "/buddy status", "ben")
    assert "paused until" in status.text
    for shot in ("overview.png", "members.png"):
        assert (tmp_path / shot).read_bytes().startswith(b"\x89PNG")
