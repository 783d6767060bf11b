"""Every loop bounded (issue 11): a server whose pages never advance cannot make a pager or a
follow run forever. The emulator's paging faults play that server: ``ignore_after_index``
(events from the first one again), ``repeat_cursor`` (agents: the same ``next_cursor`` again),
``inflate_totals`` (``total_runs``/``total_count`` of 2**63, page 1 for every runs page).

Each test drains the iterator itself under a hard guard (a number of items and a wall-clock
bound), so on a client that loops it fails instead of hanging."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import pytest

import twin
from twin.testing import Emulator

from conftest import script

MAX_ITEMS = 10_000
LIST_BOUND = 20.0  # seconds for a list that must end after a couple of pages
MAX_REQUESTS = 10  # requests a hostile list may take before it ends
FOLLOW_TIMEOUT = 2.0
FOLLOW_SLACK = 1.5  # follow(timeout=T) must end within T + this


@dataclass
class Drained:
    items: list[Any] = field(default_factory=list)
    error: Optional[BaseException] = None
    guard: Optional[str] = None  # why the test's guard stopped the iteration
    elapsed: float = 0.0

    def ending(self) -> str:
        if self.guard is not None:
            return f"the test's guard ({self.guard})"
        if self.error is not None:
            return f"{type(self.error).__name__}: {self.error}"
        return "the end of the iteration"


def drain(iterable: Iterable[Any], bound: float) -> Drained:
    """Iterates until the end, the first exception, MAX_ITEMS items or `bound` seconds."""
    d = Drained()
    start = time.monotonic()
    it = iter(iterable)
    while True:
        if len(d.items) >= MAX_ITEMS:
            d.guard = f"still going after {MAX_ITEMS} items"
            break
        if time.monotonic() - start > bound:
            d.guard = f"still going after {bound} s ({len(d.items)} items)"
            break
        try:
            d.items.append(next(it))
        except StopIteration:
            break
        except twin.TwinError as e:
            d.error = e
            break
    d.elapsed = time.monotonic() - start
    close = getattr(it, "close", None)
    if close is not None:
        close()
    return d


def does_not_advance(d: Drained) -> bool:
    return isinstance(d.error, twin.UnexpectedResponseError) and "does not advance" in str(d.error)


def assert_does_not_advance(d: Drained) -> None:
    assert does_not_advance(d), (
        f"expected UnexpectedResponseError('... does not advance ...'), got {d.ending()} "
        f"after {len(d.items)} items in {d.elapsed:.2f} s"
    )


def assert_increasing(indexes: list[int]) -> None:
    for a, b in zip(indexes, indexes[1:]):
        assert a < b, f"event index {b} yielded after {a} ({len(indexes)} events yielded)"


def assert_few_requests(emulator: Emulator) -> None:
    n = emulator.faults()["stats"]["matched"]
    assert n <= MAX_REQUESTS, f"{n} requests for a list that brings nothing new"


def events_route(run: twin.Run) -> str:
    return f"/v1/agents/{run.agent_id}/runs/{run.run_id}/events"


def finished_run(client: twin.Client, agent: twin.Agent, events: int) -> tuple[twin.Run, list[int]]:
    run = client.runs.start(agent.agent_id, message=script(events=events, step_ms=1))
    run.wait(timeout=60, poll_interval=0.05)
    indexes = [e.index for e in run.events()]
    assert len(indexes) == events
    return run, indexes


# ---------------------------------------------------------------------------------- events list


def test_events_list_whose_after_index_is_ignored_ends_with_does_not_advance(
    client: twin.Client, agent: twin.Agent, no_faults: Emulator
) -> None:
    run, all_indexes = finished_run(client, agent, 12)
    no_faults.set_faults(ignore_after_index=True, route=events_route(run))
    # Full pages of 3: the second page is the first again.
    d = drain(client.events.list(agent.agent_id, run.run_id, page_size=3), LIST_BOUND)
    got = [e.index for e in d.items]
    assert_increasing(got)
    assert_does_not_advance(d)
    assert got == all_indexes[:3]
    assert_few_requests(no_faults)


def test_events_list_with_an_inflated_total_and_ignored_after_index_ends_with_does_not_advance(
    client: twin.Client, agent: twin.Agent, no_faults: Emulator
) -> None:
    run, all_indexes = finished_run(client, agent, 12)
    no_faults.set_faults(ignore_after_index=True, inflate_totals=True, route=events_route(run))
    # Not a full page, but the total claims 2**63 events: the same 12 come back each time.
    d = drain(client.events.list(agent.agent_id, run.run_id), LIST_BOUND)
    got = [e.index for e in d.items]
    assert_increasing(got)
    assert_does_not_advance(d)
    assert got == all_indexes
    assert_few_requests(no_faults)


@pytest.mark.parametrize("limit", [None, 5])
def test_events_list_with_an_inflated_total_ends_after_every_event_once(
    client: twin.Client, agent: twin.Agent, no_faults: Emulator, limit: Optional[int]
) -> None:
    run, all_indexes = finished_run(client, agent, 12)
    no_faults.set_faults(inflate_totals=True, route=events_route(run))
    d = drain(client.events.list(agent.agent_id, run.run_id, page_size=limit), LIST_BOUND)
    got = [e.index for e in d.items]
    assert_increasing(got)
    # An empty page after the last event ends it, or the total that never comes is reported
    # as a list that does not advance; never a loop.
    assert d.guard is None and (d.error is None or does_not_advance(d)), d.ending()
    assert got == all_indexes
    assert_few_requests(no_faults)


# --------------------------------------------------------------------------------------- agents


@pytest.mark.parametrize("limit", [2, None])
def test_agents_list_whose_cursor_repeats_ends_with_does_not_advance(
    client: twin.Client, no_faults: Emulator, limit: Optional[int]
) -> None:
    ws = client.workspaces.create("hostile paging")
    made = {client.agents.create(workspace_id=ws.workspace_id, agent_id=str(uuid.uuid4())).agent_id
            for _ in range(3)}
    no_faults.set_faults(repeat_cursor=True, route="/v1/agents", methods=["GET"])
    d = drain(client.agents.list(workspace_id=ws.workspace_id, page_size=limit), LIST_BOUND)
    assert_does_not_advance(d)
    page = min(limit or 10, 3)
    assert len(d.items) <= 2 * page, f"{len(d.items)} agents from a list of 3"
    assert {a.agent_id for a in d.items} <= made
    assert_few_requests(no_faults)


# ----------------------------------------------------------------------------------------- runs


@pytest.mark.parametrize("page_size", [2, None])
def test_runs_list_with_a_total_of_two_to_the_63_lists_each_run_once_and_ends(
    client: twin.Client, agent: twin.Agent, no_faults: Emulator, page_size: Optional[int]
) -> None:
    no_faults._admin("POST", "/_emulator/seed", {"agent_id": agent.agent_id, "runs": 5})
    no_faults.set_faults(inflate_totals=True, route=f"/v1/agents/{agent.agent_id}/runs")
    d = drain(client.runs.list(agent.agent_id, page_size=page_size), LIST_BOUND)
    ids = [r.run_id for r in d.items]
    assert len(set(ids)) == len(ids), f"a run listed twice ({len(ids)} runs yielded, ended by {d.ending()})"
    # Page 1 again and again brings nothing new while 2**63 runs are due.
    assert d.guard is None and (d.error is None or does_not_advance(d)), d.ending()
    assert len(ids) == min(page_size or 100, 5)
    assert_few_requests(no_faults)
    # len() does not trust such a total, so list() (which preallocates len() slots) ends as
    # iterating does, not with a MemoryError.
    pager = client.runs.list(agent.agent_id, page_size=page_size)
    with pytest.raises(TypeError, match="more than any list len[(][)] trusts"):
        len(pager)
    assert pager.total == 2**63
    try:
        assert len(list(pager)) == len(ids)
    except twin.UnexpectedResponseError as e:
        assert "does not advance" in str(e)


# --------------------------------------------------------------------------------------- follow


def assert_ended_in_time(d: Drained) -> None:
    assert d.elapsed <= FOLLOW_TIMEOUT + FOLLOW_SLACK, (
        f"follow(timeout={FOLLOW_TIMEOUT}) took {d.elapsed:.2f} s (ended by {d.ending()})"
    )


FOLLOW_BOUND = FOLLOW_TIMEOUT + FOLLOW_SLACK + 3


def test_follow_times_out_while_events_keep_coming(
    client: twin.Client, agent: twin.Agent, no_faults: Emulator
) -> None:
    # An event every millisecond for 100 s; each poll takes 20 ms, so none comes back empty.
    run = client.runs.start(agent.agent_id, message=script(events=100000, step_ms=1))
    no_faults.set_faults(latency_ms=20, route=events_route(run))
    try:
        d = drain(run.follow(timeout=FOLLOW_TIMEOUT), FOLLOW_BOUND)
    finally:
        no_faults.set_faults()
        run.cancel()
    assert_increasing([e.index for e in d.items])
    assert isinstance(d.error, twin.WaitTimeoutError), (
        f"expected WaitTimeoutError, got {d.ending()} after {len(d.items)} events in {d.elapsed:.2f} s"
    )
    assert d.items, "events were coming"
    assert_ended_in_time(d)


def test_follow_whose_after_index_is_ignored_yields_each_event_once(
    client: twin.Client, agent: twin.Agent, no_faults: Emulator
) -> None:
    run, all_indexes = finished_run(client, agent, 12)
    no_faults.set_faults(ignore_after_index=True, route=events_route(run))
    d = drain(run.follow(timeout=FOLLOW_TIMEOUT), FOLLOW_BOUND)
    got = [e.index for e in d.items]
    assert_increasing(got)
    assert d.guard is None, d.ending()
    if d.error is None:
        assert got == all_indexes
    else:
        assert does_not_advance(d) or isinstance(d.error, twin.WaitTimeoutError), d.ending()
        assert got == all_indexes[: len(got)]
    assert_ended_in_time(d)


def test_follow_of_a_live_run_whose_after_index_is_ignored_ends_in_time(
    client: twin.Client, agent: twin.Agent, no_faults: Emulator
) -> None:
    run = client.runs.start(agent.agent_id, message=script(events=100000, step_ms=2))
    no_faults.set_faults(ignore_after_index=True, route=events_route(run))
    try:
        d = drain(run.follow(timeout=FOLLOW_TIMEOUT), FOLLOW_BOUND)
    finally:
        no_faults.set_faults()
        run.cancel()
    assert_increasing([e.index for e in d.items])
    assert does_not_advance(d) or isinstance(d.error, twin.WaitTimeoutError), (
        f"expected WaitTimeoutError or UnexpectedResponseError('... does not advance ...'), got "
        f"{d.ending()} after {len(d.items)} events in {d.elapsed:.2f} s"
    )
    assert_ended_in_time(d)
