"""The emulator's inspector (/_emulator/ui) in a real browser: Debian's headless Chromium,
driven by selenium through Debian's chromedriver (`make ui-tools` installs both), against an
emulator of the installed wheel (`twin.testing.Emulator`).

While the browser watches, a script does what a developer's program would: creates an agent,
registers a local webhook receiver (which verifies every delivery with twin.webhooks.unwrap),
sets a schedule, starts a run, and injects a fault. The rendered DOM must show the run going
from in_progress to completed, its events (the same indexes the API lists), both deliveries
answered 200 with a verified signature, the injected fault in the fault panel and in the
request log, and never the key. The page is used with the keyboard only (the key typed into
the login form and Enter, Enter on a run, Enter on "Clear faults"). A screenshot is written to
target/ui/inspector.png (README's docs/inspector.png is a copy of it). Last, a run of 2,100
events: the page shows the first 2,000 and says so.
"""

from __future__ import annotations

import http.server
import os
import pathlib
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

import twin
from twin.testing import Emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "target" / "ui" / "inspector.png"
CHROMIUM = os.environ.get("TWIN_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TWIN_CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT_S = 30

T = TypeVar("T")


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    for path in (CHROMIUM, CHROMEDRIVER):
        assert os.access(path, os.X_OK), f"{path} is missing: run `make ui-tools` (apt-get install chromium chromium-driver)"
    profile = tempfile.mkdtemp(prefix="twin-ui-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # As root in a container, on a closed network: no sandbox, no GPU, no background traffic.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1440,1000",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Receiver:
    """A local webhook receiver: verifies each delivery with the webhook's secret (401 when it
    does not verify) and remembers the events it accepted."""

    def __init__(self) -> None:
        self.secret = ""
        self.accepted: list[str] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    event = twin.webhooks.unwrap(body, self.headers, receiver.secret)
                except twin.WebhookVerificationError:
                    self.send_response(401)
                else:
                    receiver.accepted.append(event.event)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/twin-hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait(driver: WebDriver, what: str, check: Callable[[WebDriver], T]) -> T:
    """Waits for `check` to return something truthy; on timeout, fails with `what` and a
    screenshot of the page next to the expected one."""

    def safe(d: WebDriver) -> Any:
        try:
            return check(d)
        except StaleElementReferenceException:  # the section was redrawn under us
            return None

    try:
        result: T = WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until(safe)
        return result
    except TimeoutException:
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT.with_name("failure.png")))
        pytest.fail(f"the page never showed {what} (see {SCREENSHOT.with_name('failure.png')})")


def texts(driver: WebDriver, css: str) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]


def run_status(driver: WebDriver, run_id: str) -> str:
    cells = driver.find_elements(By.CSS_SELECTOR, f'tr[data-run="{run_id}"] td.status')
    return cells[0].text if cells else ""


def test_the_inspector_shows_a_session_live(browser: WebDriver) -> None:
    receiver = Receiver()
    with Emulator(step_ms=250) as emu:
        try:
            session(browser, emu, receiver)
        finally:
            receiver.close()


def session(driver: WebDriver, emu: Emulator, receiver: Receiver) -> None:
    # The page asks for the key; a wrong one is refused.
    driver.get(emu.ui_url)
    key_box = wait(driver, "the login form", lambda d: d.find_element(By.ID, "key"))
    assert driver.switch_to.active_element == key_box  # focused: type and press Enter
    assert not driver.find_element(By.ID, "app").is_displayed()  # nothing shown before the key
    key_box.send_keys("not-the-key", Keys.ENTER)
    wait(driver, "the refusal of a wrong key",
         lambda d: "not the emulator's admin key" in d.find_element(By.ID, "login-error").text)
    driver.find_element(By.ID, "key").send_keys(emu.api_key, Keys.ENTER)
    wait(driver, "the inspector after logging in", lambda d: d.find_element(By.ID, "app").is_displayed())
    wait(driver, "the live indicator", lambda d: d.find_element(By.ID, "live").text.startswith("live"))

    # The script: an agent, a local receiver, a schedule, a run of 16 events (about 4 s).
    client = emu.client(max_retries=0)
    agent = client.agents.create()
    hook = client.webhooks.create(agent.agent_id, url=receiver.url, events=["run.started", "run.completed"])
    receiver.secret = hook.signing_secret
    client.schedules.set(agent.agent_id, "0 0 9 * * 2 *")
    run = client.runs.start(agent.agent_id, message="Summarise the week [emulator: events=16]")

    agent_box = wait(driver, "the agent", lambda d: d.find_element(By.CSS_SELECTOR, f'[data-agent="{agent.agent_id}"]'))
    wait(driver, "the agent's webhook and schedule",
         lambda d: receiver.url in agent_box.text and "schedule 0 0 9 * * 2 *" in agent_box.text)
    assert hook.signing_secret not in driver.page_source

    # Live: the run is seen running, then completed, without reloading the page.
    wait(driver, "the run in progress", lambda d: run_status(d, run.run_id) == "in_progress")
    button = driver.find_element(By.CSS_SELECTOR, f'button[data-key="run:{run.run_id}"]')
    button.send_keys(Keys.ENTER)  # the keyboard selects a run
    wait(driver, "the first events", lambda d: len(d.find_elements(By.CSS_SELECTOR, "#events li.event")) >= 1)
    wait(driver, "the run completed", lambda d: run_status(d, run.run_id) == "completed")
    row = driver.find_element(By.CSS_SELECTOR, f'tr[data-run="{run.run_id}"]')
    assert row.find_element(By.CSS_SELECTOR, "td.outcome").text == "success"

    # Its events: the same indexes as the API lists, Started first, Finished last.
    listed = [e.index for e in client.events.list(agent.agent_id, run.run_id)]
    assert len(listed) == 16
    shown = wait(driver, "all 16 events", lambda d: (
        lambda items: items if len(items) == 16 else None)(d.find_elements(By.CSS_SELECTOR, "#events li.event")))
    assert [int(li.get_attribute("data-index") or "0") for li in shown] == listed
    assert shown[0].get_attribute("data-kind") == "Started"
    assert shown[-1].get_attribute("data-kind") == "Finished"
    assert "completed" in shown[-1].find_element(By.CSS_SELECTOR, "pre.payload").text
    # The raw JSON only on demand.
    raw = shown[0].find_element(By.CSS_SELECTOR, "pre.raw")
    assert raw.text == ""
    shown[0].find_element(By.TAG_NAME, "summary").send_keys(Keys.ENTER)
    wait(driver, "the raw JSON of the first event", lambda d: f'"event_index": {listed[0]}' in raw.text)
    shown[0].find_element(By.TAG_NAME, "summary").send_keys(Keys.ENTER)  # and closed again
    wait(driver, "the raw JSON closed", lambda d: not raw.is_displayed())

    # Both deliveries, answered 200 by the receiver, which verified them; the page says so too.
    def deliveries(d: WebDriver) -> Any:
        rows = d.find_elements(By.CSS_SELECTOR, "#deliveries tbody tr")
        seen = {r.find_element(By.CSS_SELECTOR, "td.event-name").text: r for r in rows}
        return seen if set(seen) == {"run.started", "run.completed"} and all(
            r.find_element(By.CSS_SELECTOR, "td.receiver").text == "200" for r in rows) else None

    rows = wait(driver, "both deliveries answered 200", deliveries)
    for event, delivery_row in rows.items():
        assert delivery_row.find_element(By.CSS_SELECTOR, "td.signature").text == "verifies", event
        assert receiver.url in delivery_row.text
    assert sorted(receiver.accepted) == ["run.completed", "run.started"]

    # A fault: the next GET /v1/agents answers 503.
    emu.set_faults(error_rate=1.0, error_status=503, route="/v1/agents", methods=["GET"], times=1)
    with pytest.raises(twin.APIStatusError) as failed:
        list(client.agents.list())
    assert failed.value.status == 503
    wait(driver, "the active fault",
         lambda d: "active" in d.find_element(By.ID, "faults-state").text
         and '"error_status":503' in d.find_element(By.ID, "faults-state").text)
    faulted = wait(driver, "the faulted request in the log", lambda d: [
        r for r in d.find_elements(By.CSS_SELECTOR, "#requests tbody tr.fault")
        if "/v1/agents" in r.text and "503" in r.text and "fault: error" in r.text])
    assert len(faulted) == 1
    paths = texts(driver, "#requests tbody td code")
    assert "/v1/agents" in paths and f"/v1/agents/{agent.agent_id}/runs" in paths
    assert emu.api_key not in driver.page_source

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000

    # Cleared from the page, with the keyboard.
    driver.find_element(By.ID, "faults-clear").send_keys(Keys.ENTER)
    wait(driver, "the faults cleared", lambda d: d.find_element(By.ID, "faults-state").text == "No faults injected.")
    assert emu.faults()["config"]["error_rate"] == 0

    # The link printed on start-up carries the key in its fragment: straight in, and the
    # fragment is removed from the address bar.
    driver.find_element(By.ID, "logout").send_keys(Keys.ENTER)
    wait(driver, "the login form after logging out", lambda d: d.find_element(By.ID, "login").is_displayed())
    assert not driver.find_element(By.ID, "app").is_displayed()
    driver.get(f"{emu.ui_url}#key={emu.api_key}")
    wait(driver, "the inspector opened by the link", lambda d: d.find_element(By.ID, "app").is_displayed())
    assert driver.execute_script("return location.href") == emu.ui_url
    wait(driver, "the run again", lambda d: run_status(d, run.run_id) == "completed")

    # A long run: the page shows its first 2,000 events and says so.
    long = client.runs.start(agent.agent_id, message="[emulator: events=2100 step_ms=1]").wait(timeout=60)
    assert long.status == "completed"
    wait(driver, "the long run", lambda d: run_status(d, long.run_id) == "completed")
    driver.find_element(By.CSS_SELECTOR, f'button[data-key="run:{long.run_id}"]').send_keys(Keys.ENTER)
    wait(driver, "the first 2,000 events of 2,100", lambda d: d.find_element(By.ID, "events-title").text.endswith(
        ": 2100 (completed), the first 2000 shown"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#events li.event")) == 2000
