"""Paging across several pages, in the three styles, with filters kept on later pages."""

from __future__ import annotations

import datetime
import uuid

import pytest

import twin
from twin.testing import Emulator

from conftest import script


def test_agents_page_by_cursor_and_keep_the_workspace_filter(client: twin.Client) -> None:
    ws = client.workspaces.create("paging")
    elsewhere = client.workspaces.create("paging elsewhere")
    ids = {client.agents.create(workspace_id=ws.workspace_id, agent_id=str(uuid.uuid4())).agent_id for _ in range(5)}
    client.agents.create(workspace_id=elsewhere.workspace_id)
    pager = client.agents.list(workspace_id=ws.workspace_id, page_size=2)
    assert isinstance(pager, twin.Pager)
    pages = list(pager.pages())
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [p.has_next for p in pages] == [True, True, False]
    assert all(isinstance(p, twin.Page) for p in pages)
    seen = [a.agent_id for p in pages for a in p.items]
    assert len(seen) == 5 and set(seen) == ids
    assert all(a.workspace_id == ws.workspace_id for p in pages for a in p)
    # Item iteration crosses the same pages lazily.
    assert {a.agent_id for a in client.agents.list(workspace_id=ws.workspace_id, page_size=2)} == ids


def test_runs_page_by_number_and_keep_filters(client: twin.Client, agent: twin.Agent) -> None:
    runs = [client.runs.start(agent.agent_id, message=script(events=7, step_ms=1)) for _ in range(5)]
    for r in runs:
        r.wait(timeout=60, poll_interval=0.05)
    failing = client.runs.start(agent.agent_id, message=script(events=7, step_ms=1, error=True))
    failing.wait(timeout=60, poll_interval=0.05)
    pager = client.runs.list(agent.agent_id, status="completed", page_size=2)
    pages = list(pager.pages())
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [p.total for p in pages] == [5, 5, 5] and pager.total == 5
    listed = [r.run_id for p in pages for r in p.items]
    assert sorted(listed) == sorted(r.run_id for r in runs)
    assert all(r.status == "completed" for p in pages for r in p)
    everything = list(client.runs.list(agent.agent_id, page_size=4))
    assert len(everything) == 6
    assert {r.run_id for r in client.runs.list(agent.agent_id, status="error")} == {failing.run_id}
    assert [r.run_id for r in client.runs.list(agent.agent_id, run_id=runs[2].run_id)] == [runs[2].run_id]
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    assert list(client.runs.list(agent.agent_id, started_after=future, page_size=2)) == []
    past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    assert len(list(client.runs.list(agent.agent_id, started_after=past, status="completed", page_size=2))) == 5


def test_events_page_by_index_and_keep_after_index(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(events=30, step_ms=1))
    run.wait(timeout=60, poll_interval=0.05)
    pages = list(client.events.list(agent.agent_id, run.run_id, page_size=7).pages())
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    events = [e for p in pages for e in p.items]
    indexes = [e.index for e in events]
    assert len(events) == 30 and indexes == sorted(set(indexes))
    start = events[9].index
    after = list(client.events.list(agent.agent_id, run.run_id, after_index=start, page_size=5))
    assert [e.index for e in after] == indexes[10:]
    assert list(run.events(page_size=500)) == events


def test_pager_repr_total_and_walks(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(events=7))
    run.wait(timeout=60, poll_interval=0.05)
    pager = client.events.list(agent.agent_id, run.run_id, page_size=3)
    assert pager.total is None  # nothing fetched yet
    text = repr(pager)  # fetches (and keeps) the first page
    assert text.startswith("<Pager[Event] 7 total: Event(index=") and text.endswith(", … (first page: 3 items)>")
    assert pager.total == 7
    # A Pager is not an iterator: each iter() is a walk of its own.
    with pytest.raises(TypeError):
        next(pager)  # type: ignore[call-overload]
    walk = iter(pager)
    assert iter(walk) is walk
    first = next(walk)
    assert first.kind == "Started"
    assert len(list(walk)) == 6 and next(walk, None) is None
    assert [e.index for e in pager] == [e.index for e in pager] and len(list(pager)) == 7
    # pages(): a new walk each time too.
    assert [len(p) for p in pager.pages()] == [3, 3, 1]
    assert [len(p) for p in pager.pages()] == [3, 3, 1]


def test_every_walk_fetches_afresh_even_after_a_look(client: twin.Client, agent: twin.Agent,
                                                     emulator: Emulator) -> None:
    """A list shown (repr, table, len) and then changed is walked as it is now, whether it
    fits on one page or not: the first page kept for looks is never where a walk starts."""
    first = client.runs.start(agent.agent_id, message=script(events=7, step_ms=1))
    first.wait(timeout=60, poll_interval=0.05)
    one_page = client.runs.list(agent.agent_id)  # fits on one page
    two_pages = client.runs.list(agent.agent_id, page_size=1)
    for pager in (one_page, two_pages):
        assert "1 total" in repr(pager) and len(pager) == 1 and pager._repr_html_()
    newer = client.runs.start(agent.agent_id, message=script(events=7, step_ms=1))
    newer.wait(timeout=60, poll_interval=0.05)
    for pager in (one_page, two_pages):
        walked = [r.run_id for r in pager]
        assert sorted(walked) == sorted([first.run_id, newer.run_id]), walked
        assert len(pager) == 2  # the walk's first page is the one kept now
    # A walk on a closed client fails instead of replaying the kept page.
    with emulator.client() as own:
        closing = own.runs.list(agent.agent_id)
        assert len(closing) == 2
    with pytest.raises(RuntimeError, match="closed"):
        list(closing)


def test_a_list_that_cannot_be_fetched_shows_why_in_a_notebook(client: twin.Client) -> None:
    pager = client.runs.list("no-such-agent")
    assert "first page not fetched" in repr(pager)
    html = pager._repr_html_()
    assert "first page not fetched" in html and "PermissionDeniedError" in html and "<script" not in html
