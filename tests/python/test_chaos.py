"""Faults survived: a mixed workload over every endpoint family against an emulator that
injects 503s, dropped connections, 429s with Retry-After, truncated bodies and latency spikes.

Shown: every call returns the right result or raises a ``twin`` exception (nothing else
escapes); no run is started twice (the emulator's count equals the starts seen to succeed plus
at most those whose outcome could not be known); at least 99% of calls that are safe to retry
succeed; no call outlives its total timeout by more than a second.

``make test`` runs 300 calls; ``make chaos`` runs 2,000 (``TWIN_CHAOS_CALLS``).
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections import Counter
from typing import Any, Callable

import pytest

import twin
from twin.testing import Emulator

CALLS = int(os.environ.get("TWIN_CHAOS_CALLS", "300"))
TOTAL_TIMEOUT = 30.0
FAULTS = dict(
    error_rate=0.15, error_status=503, drop_rate=0.05, rate_limit_rate=0.10, retry_after=[0, 1],
    truncate_rate=0.05, spike_rate=0.02, spike_ms=300,
)
# A hostile network: five retries instead of the default two, and the time they need
# (backoff 0.5 s doubling to 8 s, plus Retry-After) within the total timeout.
MAX_RETRIES = 5
# The calls are spread over threads sharing the client, so pauses overlap.
WORKERS = 10


class Workload:
    def __init__(self, client: twin.Client, agent_id: str, workspace_id: str) -> None:
        self.c, self.agent_id, self.workspace_id = client, agent_id, workspace_id
        self.runs: list[str] = []
        self.webhooks: list[str] = []

    # Each operation returns normally only if the result is right; it raises twin errors as
    # they come. (name, safe to retry, function)
    def ops(self) -> list[tuple[str, bool, Callable[[], None]]]:
        c, a = self.c, self.agent_id
        return [
            ("me", True, lambda: self.check(c.me().user_id.startswith("user_"))),
            ("agents.get", True, lambda: self.check(c.agents.get(a).agent_id == a)),
            ("agents.list", True, lambda: self.check(all(x.workspace_id == self.workspace_id for x in self.first_page(c.agents.list(workspace_id=self.workspace_id, page_size=5))))),
            ("agents.move", True, lambda: c.agents.move(a, workspace_id=self.workspace_id)),
            ("agents.create+id", True, lambda: self.check(c.agents.create(agent_id=f"chaos-{uuid.uuid4()}", workspace_id=self.workspace_id).agent_id.startswith("chaos-"))),
            ("workspaces.list", True, lambda: self.check(any(w.workspace_id == self.workspace_id for w in c.workspaces.list()))),
            ("workspaces.update", True, lambda: self.check(c.workspaces.update(self.workspace_id, name="chaos").name == "chaos")),
            ("workspaces.reorder", True, lambda: c.workspaces.reorder([self.workspace_id])),
            ("api_keys.list", True, lambda: self.check(len(c.api_keys.list()) >= 1)),
            ("runs.list", True, lambda: self.check(all(r.agent_id == a for r in self.first_page(c.runs.list(a, page_size=5))))),
            ("runs.get", True, self.get_run),
            ("runs.cancel", True, self.cancel_run),
            ("events.list", True, self.list_events),
            ("webhooks.list", True, lambda: self.check(all(w.agent_id == a for w in c.webhooks.list(a)))),
            ("schedules.set", True, lambda: c.schedules.set(a, "0 0 0 1 1 * 2099")),
            ("schedules.get", True, lambda: c.schedules.get(a)),
            ("schedules.list", True, lambda: c.schedules.list()),
            ("instructions.update", True, lambda: c.instructions.update(a, "Be calm under fire.")),
            ("instructions.history", True, lambda: self.check(isinstance(c.instructions.history(a, limit=3), list))),
            ("runs.start", False, self.start_run),
            ("webhooks.create", False, self.create_webhook),
            ("workspaces.create", False, lambda: self.check(c.workspaces.create("chaos ws").name == "chaos ws")),
            ("agents.create", False, lambda: self.check(bool(c.agents.create(workspace_id=self.workspace_id).agent_id))),
        ]

    @staticmethod
    def first_page(pager: Any) -> list[Any]:
        """One call: the first page only (iterating a whole list is many calls)."""
        page = next(iter(pager.pages()), None)
        return [] if page is None else page.items

    @staticmethod
    def check(ok: bool) -> None:
        if not ok:
            raise AssertionError("wrong result")

    def start_run(self) -> None:
        run = self.c.runs.start(self.agent_id, message="[emulator: events=7 step_ms=1]")
        self.check(run.agent_id == self.agent_id and run.status == "in_progress")
        self.runs.append(run.run_id)

    def get_run(self) -> None:
        if self.runs:
            run_id = random.choice(self.runs)
            self.check(self.c.runs.get(self.agent_id, run_id).run_id == run_id)

    def cancel_run(self) -> None:
        if self.runs:
            self.check(self.c.runs.cancel(self.agent_id, random.choice(self.runs)).success)

    def list_events(self) -> None:
        if self.runs:
            events = list(self.c.events.list(self.agent_id, random.choice(self.runs), page_size=3))
            self.check(all(e.index > 0 for e in events))

    def create_webhook(self) -> None:
        hook = self.c.webhooks.create(self.agent_id, url="http://127.0.0.1:9/hook", events=["run.completed"])
        self.check(hook.url == "http://127.0.0.1:9/hook")


def test_workload_survives_injected_faults() -> None:
    with Emulator(step_ms=5) as emu:
        setup = emu.client()
        ws = setup.workspaces.create("chaos")
        agent = setup.agents.create(workspace_id=ws.workspace_id)
        client = emu.client(total_timeout=TOTAL_TIMEOUT, timeout=5.0, max_retries=MAX_RETRIES)
        work = Workload(client, agent.agent_id, ws.workspace_id)
        ops = work.ops()
        emu.set_faults(**FAULTS)

        outcomes: Counter[str] = Counter()
        tally = Counter()  # safe_total, safe_ok, starts_ok, starts_unknown
        failed_safe: Counter[str] = Counter()  # "operation: outcome" of safe calls that failed
        overruns: list[float] = []
        lock = threading.Lock()

        def worker(seed: int, calls: int) -> None:
            rng = random.Random(seed)
            for _ in range(calls):
                name, safe, op = rng.choice(ops)
                started = time.monotonic()
                unknown = False
                try:
                    op()
                    outcome = "ok"
                except (twin.APIConnectionError, twin.UnexpectedResponseError) as e:
                    outcome, unknown = type(e).__name__, True  # it may have reached the service
                except twin.TwinError as e:
                    outcome = type(e).__name__
                except BaseException as e:  # noqa: BLE001 - a wrong result or a foreign exception
                    outcome = f"ESCAPED {type(e).__name__}: {e}"
                with lock:
                    overruns.append(time.monotonic() - started - TOTAL_TIMEOUT)
                    outcomes[outcome] += 1
                    tally["starts_ok"] += name == "runs.start" and outcome == "ok"
                    tally["starts_unknown"] += name == "runs.start" and unknown
                    tally["safe_total"] += safe
                    tally["safe_ok"] += safe and outcome == "ok"
                    if safe and outcome != "ok":
                        failed_safe[f"{name}: {outcome}"] += 1

        threads = [threading.Thread(target=worker, args=(i, CALLS // WORKERS)) for i in range(WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        worst_overrun = max(overruns)
        starts_ok, starts_unknown = tally["starts_ok"], tally["starts_unknown"]
        safe_ok, safe_total = tally["safe_ok"], tally["safe_total"]

        stats = emu.faults()["stats"]
        emu.set_faults()
        runs_started = emu._admin("GET", "/_emulator/state")["runs_started"]

    summary = (
        f"chaos: {sum(outcomes.values())} calls, {dict(outcomes)}; safe {safe_ok}/{safe_total} "
        f"(failed: {dict(failed_safe)}); "
        f"runs started {runs_started} (seen ok {starts_ok}, unknown {starts_unknown}); "
        f"max overrun {max(worst_overrun, 0.0):.2f}s; faults {stats}"
    )
    print(summary)
    escaped = [o for o in outcomes if o.startswith("ESCAPED")]
    assert not escaped, summary
    assert stats["errors"] > 0 and stats["dropped"] > 0 and stats["rate_limited"] > 0 and stats["truncated"] > 0, summary
    assert starts_ok <= runs_started <= starts_ok + starts_unknown, summary
    # >= 99% of the safe calls succeed. Measured at 2,000 calls: 1,666/1,668 (stop 20) and
    # 1,664/1,668 (stop 21), about 0.2% failing after five retries. At make test's 300 calls
    # (258 safe) 1% is 2 failures, which such a rate exceeds in a few runs in a hundred (3
    # failures seen once in 9 runs): the smoke run allows 5 (expected ~0.6; 6 or more has
    # odds below 1 in 1,000); make chaos (2,000 calls) keeps the 99% bar.
    allowed = 0.01 * safe_total if safe_total >= 1000 else 5
    assert safe_total - safe_ok <= allowed, summary
    assert worst_overrun <= 1.0, summary
