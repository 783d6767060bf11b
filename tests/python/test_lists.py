"""Lists in a notebook: a Pager is iterated again and again, has len/indexing/to_list and a
repr that shows items; every list has to_pandas() with typed columns; tables show a default
set of columns, short ids and at most 20 rows (issue 13, points 1, 2 and 4)."""

from __future__ import annotations

import asyncio
import collections
import html as _html
import logging
import re
import subprocess
import sys
import threading
import time
import uuid
from typing import cast

import pandas as pd  # type: ignore[import-untyped, unused-ignore]
import pytest

import twin
from twin.testing import Emulator

from conftest import API_KEY, script

RUN_COLUMNS = ["run_id", "run_number", "status", "outcome", "started_at", "last_event_at", "goal", "summary"]


class Story:
    """An agent with five completed runs (the first one has 30 events), in a workspace of its own
    with two more agents."""

    def __init__(self, client: twin.Client) -> None:
        self.workspace = client.workspaces.create("lists " + uuid.uuid4().hex[:6])
        self.agent = client.agents.create(workspace_id=self.workspace.workspace_id, agent_id=str(uuid.uuid4()))
        self.others = [client.agents.create(workspace_id=self.workspace.workspace_id) for _ in range(2)]
        first = client.runs.start(self.agent.agent_id, message=script(events=30, step_ms=1))
        first.wait(timeout=60, poll_interval=0.05)
        self.runs = [first]
        for _ in range(4):
            run = client.runs.start(self.agent.agent_id, message=script(events=7, step_ms=1))
            self.runs.append(run.wait(timeout=60, poll_interval=0.05))
        self.long_run = first


@pytest.fixture(scope="module")
def story(client: twin.Client) -> Story:
    return Story(client)


def _walk(pager: twin.Pager[twin.Run]) -> list[str]:
    return [r.run_id for r in pager]


# 1. Lists you can use again.


def test_a_pager_is_iterated_again_and_again(client: twin.Client, story: Story) -> None:
    runs = client.runs.list(story.agent.agent_id, page_size=2)  # three pages
    first = _walk(runs)
    assert len(first) == 5 and sorted(first) == sorted(r.run_id for r in story.runs)
    assert _walk(runs) == first and _walk(runs) == first  # a notebook cell run again
    assert collections.Counter(r.status for r in runs) == collections.Counter(r.status for r in runs) == {"completed": 5}
    # Two walks at once do not disturb each other.
    a, b = iter(runs), iter(runs)
    assert [next(a).run_id, next(a).run_id, next(b).run_id] == [first[0], first[1], first[0]]
    assert [r.run_id for r in b] == first[1:] and [r.run_id for r in a] == first[2:]
    assert [len(p) for p in runs.pages()] == [2, 2, 1] == [len(p) for p in runs.pages()]
    # The same for events and agents.
    events = client.events.list(story.agent.agent_id, story.long_run.run_id, page_size=7)
    assert [e.index for e in events] == [e.index for e in events] and len(list(events)) == 30
    agents = client.agents.list(workspace_id=story.workspace.workspace_id, page_size=2)
    assert {a.agent_id for a in agents} == {a.agent_id for a in agents} and len(list(agents)) == 3


def test_a_pager_is_not_its_own_iterator(client: twin.Client, story: Story) -> None:
    runs = client.runs.list(story.agent.agent_id)
    assert iter(runs) is not cast(object, runs) and iter(runs) is not iter(runs)
    assert not hasattr(runs, "__next__")
    with pytest.raises(TypeError):
        next(runs)  # type: ignore[call-overload]


def test_a_walk_after_the_kept_first_page_sees_new_items_once(client: twin.Client, agent: twin.Agent) -> None:
    runs = [client.runs.start(agent.agent_id, message=script(events=7, step_ms=1)) for _ in range(3)]
    for r in runs:
        r.wait(timeout=60, poll_interval=0.05)
    pager = client.runs.list(agent.agent_id, page_size=2)
    assert len(_walk(pager)) == 3
    newer = client.runs.start(agent.agent_id, message=script(events=7, step_ms=1))
    newer.wait(timeout=60, poll_interval=0.05)
    again = _walk(pager)  # fresher: the new run, and no run twice
    assert len(again) == 4 and len(set(again)) == 4 and newer.run_id in again


def test_len_total_and_bool(client: twin.Client, story: Story, agent: twin.Agent) -> None:
    runs = client.runs.list(story.agent.agent_id, page_size=2)
    assert runs.total is None  # nothing fetched yet
    assert len(runs) == 5 and runs.total == 5 and bool(runs)
    events = client.events.list(story.agent.agent_id, story.long_run.run_id, page_size=7)
    assert len(events) == 30
    assert len(client.runs.list(agent.agent_id)) == 0 and not client.runs.list(agent.agent_id)
    # Agents: the service reports no total.
    agents = client.agents.list(workspace_id=story.workspace.workspace_id, page_size=2)
    assert agents  # `if pager:` needs no len()
    with pytest.raises(TypeError, match=re.escape("len(pager.to_list())")):
        len(agents)
    assert len(agents.to_list()) == 3
    # ... unless the whole list fits on the first page.
    assert len(client.agents.list(workspace_id=story.workspace.workspace_id, page_size=10)) == 3
    empty = client.workspaces.create("empty")
    assert not client.agents.list(workspace_id=empty.workspace_id)


def test_indexing(client: twin.Client, story: Story) -> None:
    runs = client.runs.list(story.agent.agent_id, page_size=2)
    everything = _walk(runs)
    assert runs[0].run_id == everything[0] and runs[1].run_id == everything[1]  # the first page
    assert runs[3].run_id == everything[3] and runs[4].run_id == everything[4]  # walks on
    assert runs[-1].run_id == everything[-1] and runs[-5].run_id == everything[0]
    assert [r.run_id for r in runs[:2]] == everything[:2]
    assert [r.run_id for r in runs[1:4]] == everything[1:4]
    assert [r.run_id for r in runs[::2]] == everything[::2]
    assert [r.run_id for r in runs[-2:]] == everything[-2:]
    assert isinstance(runs[1:3], twin.ModelList)
    with pytest.raises(IndexError):
        runs[5]
    with pytest.raises(IndexError):
        runs[-6]
    with pytest.raises(TypeError):
        runs["x"]  # type: ignore[call-overload]
    page = next(runs.pages())
    assert page[0].run_id == everything[0] and [r.run_id for r in page[0:2]] == everything[:2]


def test_indexes_out_of_range_raise_index_error_without_a_walk(client: twin.Client, story: Story) -> None:
    runs = client.runs.list(story.agent.agent_id, page_size=2)  # three pages, a total of 5
    events = client.events.list(story.agent.agent_id, story.long_run.run_id, page_size=2)  # 15 pages
    bool(runs), bool(events)  # the first pages are kept
    seen: list[str] = []

    class Requests(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler, logger = Requests(), logging.getLogger("twin")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        for pager in (runs, events):
            for index in (10**30, -(10**30), 2**63, -(2**63) - 1):
                with pytest.raises(IndexError):
                    pager[index]
        with pytest.raises(IndexError):
            runs[5]
        with pytest.raises(IndexError):
            runs[-6]
        assert seen == []  # the totals told: no page fetched
        seen.clear()
        assert events[-30].index == events[0].index and seen  # in range: walked
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert [r.run_id for r in runs[3 : 10**30]] == _walk(runs)[3:]
    assert len(runs[10**30 : 10**31]) == 0


def test_to_list_on_every_list(client: twin.Client, story: Story) -> None:
    runs = client.runs.list(story.agent.agent_id, page_size=2)
    listed = runs.to_list()
    assert isinstance(listed, twin.ModelList) and [r.run_id for r in listed] == _walk(runs)
    assert runs.to_list() == listed
    page = next(runs.pages())
    assert isinstance(page.to_list(), twin.ModelList) and page.to_list() == page.items
    hooks = client.webhooks.list(story.agent.agent_id)
    assert isinstance(hooks, twin.ModelList) and isinstance(hooks.to_list(), twin.ModelList)
    assert hooks.to_list() == hooks and hooks.to_list() is not hooks


def test_reprs_show_items(client: twin.Client, story: Story) -> None:
    runs = client.runs.list(story.agent.agent_id, page_size=2)
    text = repr(runs)
    first = _walk(runs)
    assert text.startswith(f"<Pager[Run] 5 total: Run(run_id={first[0]!r}, status='completed'")
    assert text.endswith(", … (first page: 2 items)>") and "pages_fetched" not in text
    agents = repr(client.agents.list(workspace_id=story.workspace.workspace_id, page_size=2))
    assert agents.startswith("<Pager[Agent] first page: 2 items, more pages follow: Agent(agent_id=")
    assert repr(client.agents.list(workspace_id=story.workspace.workspace_id)).startswith("<Pager[Agent] 3 items: Agent(")
    assert repr(client.runs.list(story.others[0].agent_id)) == "<Pager[Run] no items>"
    page = next(runs.pages())
    assert repr(page).startswith(f"<Page[Run] 2 items of 5 total, more pages follow: Run(run_id={first[0]!r}")
    # A pager whose first page cannot be fetched still has a repr.
    with Emulator(api_key=API_KEY) as emu:
        c = emu.client()
        closed = c.agents.list()
        c.close()
        assert repr(closed).startswith("<Pager[Agent] (first page not fetched: ")


# 2. Data out.


def test_to_pandas_typed_columns(client: twin.Client, story: Story) -> None:
    runs = client.runs.list(story.agent.agent_id, page_size=2)
    df = runs.to_pandas()
    assert isinstance(df, pd.DataFrame) and len(df) == 5
    assert list(df.columns) == RUN_COLUMNS
    assert list(df["run_id"]) == _walk(runs)
    assert str(df["started_at"].dtype).startswith("datetime64[") and str(df["started_at"].dt.tz) == "UTC"
    assert df["started_at"].iloc[0] == runs[0].started_at
    assert df["run_number"].dtype == "Int64" and df["status"].dtype == "string"
    full = runs.to_pandas(columns="all")
    assert list(full.columns) == [f for f in twin.Run._fields if f != "raw"]
    assert full["is_finished"].dtype == "boolean" and bool(full["is_finished"].all())
    assert full["credits_consumed"].dtype == "Int64"
    some = runs.to_pandas(columns=["status", "run_id"])
    assert list(some.columns) == ["status", "run_id"]
    with pytest.raises(ValueError, match="no attribute 'nope'"):
        runs.to_pandas(columns=["nope"])
    # Events: no repeated agent_id/run_id, payloads as objects.
    events = client.events.list(story.agent.agent_id, story.long_run.run_id).to_pandas()
    assert list(events.columns) == ["index", "recorded_at", "kind", "payload"] and len(events) == 30
    assert events["index"].dtype == "Int64" and events["payload"].dtype == object
    # Every list type; an empty list keeps its typed columns.
    page = next(runs.pages()).to_pandas()
    assert list(page.columns) == RUN_COLUMNS and len(page) == 2
    empty = client.runs.list(story.others[0].agent_id).to_pandas()
    assert list(empty.columns) == RUN_COLUMNS and len(empty) == 0 and empty["run_number"].dtype == "Int64"
    agents = client.agents.list(workspace_id=story.workspace.workspace_id).to_pandas()
    assert len(agents) == 3 and agents.columns[0] == "agent_id" and agents["last_activity_at"].dtype.kind == "M"
    workspaces = client.workspaces.list().to_pandas()
    assert workspaces["agent_count"].dtype == "Int64"


def test_twin_to_pandas_and_secrets(client: twin.Client, story: Story) -> None:
    runs = list(client.runs.list(story.agent.agent_id))
    df = twin.to_pandas(runs)
    assert list(df.columns) == RUN_COLUMNS and len(df) == 5
    assert len(twin.to_pandas(r for r in runs if r.run_id != runs[0].run_id)) == 4
    assert list(twin.to_pandas(client.runs.list(story.agent.agent_id), columns=["run_id"]).columns) == ["run_id"]
    assert len(twin.to_pandas([])) == 0
    hook = client.webhooks.create(story.agent.agent_id, url="http://127.0.0.1:9/pd", events=["run.completed"])
    try:
        created = twin.to_pandas([hook], columns="all")
        assert "signing_secret" not in created.columns and "webhook_id" in created.columns
        named = twin.to_pandas([hook], columns=["webhook_id", "signing_secret"])
        assert named["signing_secret"].iloc[0] == hook.signing_secret  # only when named
        hooks = client.webhooks.list(story.agent.agent_id).to_pandas()
        assert list(hooks["webhook_id"]) == [hook.webhook_id] and hooks["created_at"].dtype.kind == "M"
    finally:
        client.webhooks.delete(story.agent.agent_id, hook.webhook_id)


def test_to_pandas_refuses_what_is_not_a_model(client: twin.Client, story: Story) -> None:
    runs = client.runs.list(story.agent.agent_id)
    with pytest.raises(TypeError, match="not dict"):
        twin.to_pandas([r.to_record() for r in runs])
    with pytest.raises(TypeError, match="not NoneType"):
        twin.to_pandas([runs[0], None])


def test_to_pandas_u64_and_time_units(client: twin.Client, story: Story) -> None:
    events = list(client.events.list(story.agent.agent_id, story.long_run.run_id))
    huge = events[0].to_dict()
    huge["event_index"] = 2**64 - 1  # the core takes any u64
    frame = twin.to_pandas([*events, twin.Event.from_dict(huge)])
    assert frame["index"].dtype == "UInt64" and int(frame["index"].iloc[-1]) == 2**64 - 1
    assert int(frame["index"].iloc[0]) == events[0].index and len(frame) == len(events) + 1
    # An empty list's time columns have the unit of a full one.
    full = client.runs.list(story.agent.agent_id).to_pandas()
    empty = client.runs.list(story.others[0].agent_id).to_pandas()
    assert len(empty) == 0 and len(full) == 5
    for name in ("started_at", "last_event_at"):
        assert empty[name].dtype == full[name].dtype == "datetime64[us, UTC]"
    assert twin.to_pandas([], columns=["created_at"])["created_at"].dtype == "datetime64[us, UTC]"


def test_to_record_is_typed_and_attribute_named(client: twin.Client, story: Story) -> None:
    run = story.runs[1]
    record = run.to_record()
    assert list(record) == [f for f in twin.Run._fields if f != "raw"]
    assert record["started_at"] == run.started_at and record["started_at"].tzinfo is not None
    assert record["is_finished"] is True and record["run_number"] == run.run_number
    assert isinstance(run.to_dict()["started_at"], str)  # the wire JSON, by contrast
    event = next(iter(client.events.list(story.agent.agent_id, run.run_id)))
    assert "raw" not in event.to_record() and event.to_record()["kind"] == "Started"
    assert client.me().to_record() == {"user_id": client.me().user_id}


def test_pandas_is_optional_and_imported_only_by_to_pandas() -> None:
    code = (
        "import sys, twin\n"
        "assert 'pandas' not in sys.modules\n"
        "sys.modules['pandas'] = None  # as if not installed\n"
        "try:\n"
        "    twin.to_pandas([])\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert 'pip install ".[pandas]"' in out, out


# 4. Tables that fit.


def _headers(html: str) -> list[str]:
    return re.findall(r"<th[^>]*>([^<]*)</th>", html)


def test_tables_default_columns_short_ids_and_captions(client: twin.Client, story: Story) -> None:
    runs = client.runs.list(story.agent.agent_id, page_size=2)
    html = runs._repr_html_()
    assert _headers(html) == RUN_COLUMNS
    run_id = runs[0].run_id
    assert f'<span title="{run_id}">{run_id[:8]}…</span>' in html and f">{run_id}<" not in html
    assert "white-space:nowrap" in html
    assert "2 of 5 shown" in html and ".to_list()" in html and 'columns=&quot;all&quot;' in html
    # Events: no agent_id/run_id columns; 20 rows of 30, and the caption says so.
    events = client.events.list(story.agent.agent_id, story.long_run.run_id)._repr_html_()
    assert _headers(events) == ["index", "recorded_at", "kind", "payload"]
    assert events.count("<tr>") == 21 and "20 of 30 shown" in events and ".to_pandas()" in events
    assert f">{story.agent.agent_id[:8]}…<" not in events
    page = next(client.events.list(story.agent.agent_id, story.long_run.run_id).pages())._repr_html_()
    assert page.count("<tr>") == 21 and "20 shown" in page
    listed = twin.ModelList(client.events.list(story.agent.agent_id, story.long_run.run_id))
    assert listed._repr_html_().count("<tr>") == 21 and "20 of 30 shown" in listed._repr_html_()
    agents = client.agents.list(workspace_id=story.workspace.workspace_id, page_size=2)._repr_html_()
    assert _headers(agents)[:3] == ["agent_id", "name", "deployment_state"] and "more pages follow" in agents
    # One model: every field, full ids.
    record = story.runs[1]._repr_html_()
    assert story.runs[1].run_id in record and "policy_model" in record


def test_tables_escape_and_hide_secrets(client: twin.Client, story: Story) -> None:
    data = story.runs[1].to_dict()
    data["goal"] = "<script>alert(1)</script>"
    odd = twin.Run.from_dict(data)
    assert odd.goal == "<script>alert(1)</script>"
    html = twin.ModelList([odd])._repr_html_()
    assert "<script>" not in html and _html.escape("<script>alert(1)</script>") in html
    hook = client.webhooks.create(story.agent.agent_id, url="http://127.0.0.1:9/t", events=["run.completed"])
    try:
        table = twin.ModelList([hook])._repr_html_()
        assert hook.signing_secret not in table and "signing_secret" not in table
        assert hook.signing_secret not in hook._repr_html_() and "<i>hidden</i>" in hook._repr_html_()
    finally:
        client.webhooks.delete(story.agent.agent_id, hook.webhook_id)


# Async.


def test_async_pager_is_reusable_and_has_data_out(emulator: Emulator, story: Story) -> None:
    async def main() -> None:
        async with twin.AsyncClient(API_KEY, emulator.url) as client:
            runs = client.runs.list(story.agent.agent_id, page_size=2)
            with pytest.raises(TypeError, match=re.escape("await pager.count()")):
                len(runs)  # the first page is not known yet, and len() cannot await
            assert runs.total is None and repr(runs).startswith("<AsyncPager[Run] first page not fetched yet")
            first = [r.run_id async for r in runs]
            assert [r.run_id async for r in runs] == first and len(first) == 5
            assert len(runs) == 5 and runs.total == 5 and bool(runs)
            assert runs[0].run_id == first[0] and [r.run_id for r in runs[:2]] == first[:2]
            with pytest.raises(TypeError, match="to_list"):
                runs[3]  # past the kept first page: would block
            assert repr(runs).startswith(f"<AsyncPager[Run] 5 total: Run(run_id={first[0]!r}")
            assert [r.run_id for r in await runs.to_list()] == first
            assert isinstance(await runs.to_list(), twin.ModelList)
            assert [len(p) async for p in runs.pages()] == [2, 2, 1] == [len(p) async for p in runs.pages()]
            df = await runs.to_pandas()
            assert list(df.columns) == RUN_COLUMNS and len(df) == 5 and df["run_number"].dtype == "Int64"
            assert await client.runs.list(story.agent.agent_id).count() == 5
            agents = client.agents.list(workspace_id=story.workspace.workspace_id, page_size=2)
            assert await agents.count() == 3
            assert "<table" in agents._repr_html_()

    asyncio.run(main())


def test_walks_in_threads(client: twin.Client, story: Story, no_faults: Emulator) -> None:
    runs = client.runs.list(story.agent.agent_id, page_size=2)
    expected = _walk(runs)
    # Each thread its own walk of one Pager: no interference.
    got: list[list[str]] = []
    threads = [threading.Thread(target=lambda: got.append(_walk(runs))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [expected] * 4
    # One walk shared by two threads while a page is slow: the second is refused, not mixed in.
    no_faults.set_faults(latency_ms=600, route=f"/v1/agents/{story.agent.agent_id}/runs", methods=["GET"])
    walk = iter(client.runs.list(story.agent.agent_id, page_size=2))
    first: list[twin.Run] = []
    slow = threading.Thread(target=lambda: first.append(next(walk)))
    slow.start()
    time.sleep(0.2)
    with pytest.raises(RuntimeError, match="being advanced in another thread"):
        next(walk)
    slow.join()
    assert first[0].run_id == expected[0]
