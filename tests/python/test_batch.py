"""Waiting for many runs: client.runs.wait_all and client.runs.as_completed, sync and async,
against the in-process emulator with scripted runs that end at different times (and one that
never ends, for timeouts and interrupts)."""

from __future__ import annotations

import _thread
import asyncio
import os
import threading
import time
from typing import Any

import pytest

import twin
from twin.testing import Emulator

from conftest import API_KEY, script

# Scripted durations: ~ events × step_ms.
FAST = script(events=8, step_ms=20)  # ~0.15 s
MIDDLE = script(events=10, step_ms=80, outcome="partial")  # ~0.8 s
SLOW = script(events=10, step_ms=200, outcome="fail")  # ~2 s
NEVER = script(slow=True, events=100000)  # 1 s an event: still going when the tests end


def start(client: twin.Client, agent: twin.Agent, *messages: str) -> list[twin.Run]:
    return [client.runs.start(agent.agent_id, message=m) for m in messages]


def test_wait_all_returns_the_runs_refreshed_in_the_order_given(client: twin.Client, agent: twin.Agent) -> None:
    runs = start(client, agent, SLOW, script(error=True), FAST, script(pause=True), MIDDLE)
    assert all(r.status == "in_progress" for r in runs)
    started = time.monotonic()
    done = client.runs.wait_all(runs, poll_interval=0.05, timeout=60)
    elapsed = time.monotonic() - started
    assert isinstance(done, twin.ModelList) and isinstance(done, list)
    assert [r.run_id for r in done] == [r.run_id for r in runs]
    assert [(r.status, r.outcome) for r in done] == [
        ("completed", "fail"),
        ("error", None),
        ("completed", "success"),
        ("paused", None),  # a person must act: finished as far as wait() goes
        ("completed", "partial"),
    ]
    assert 1.0 < elapsed < 15, elapsed  # as long as the slowest run, not their sum
    # Already finished runs come back at once, after one poll each.
    started = time.monotonic()
    again = client.runs.wait_all(done, timeout=float("inf"))
    assert time.monotonic() - started < 1
    assert [r.status for r in again] == [r.status for r in done]


def test_wait_all_of_nothing_is_an_empty_list(client: twin.Client) -> None:
    assert client.runs.wait_all([]) == []
    assert list(client.runs.as_completed(iter(()))) == []


def test_as_completed_yields_each_run_as_it_finishes(client: twin.Client, agent: twin.Agent) -> None:
    runs = start(client, agent, SLOW, MIDDLE, FAST)  # given slowest first
    seen: list[tuple[str, float]] = []
    started = time.monotonic()
    for run in client.runs.as_completed(runs, poll_interval=0.05, timeout=60):
        assert run.is_terminal
        seen.append((run.run_id, time.monotonic() - started))
    assert [run_id for run_id, _ in seen] == [runs[2].run_id, runs[1].run_id, runs[0].run_id]
    # Each came as soon as it finished, not all at the end.
    assert seen[0][1] < 1.0 and seen[1][1] < 2.0 and seen[2][1] > 1.5, seen


def test_wait_all_timeout_carries_the_finished_and_the_unfinished(client: twin.Client, agent: twin.Agent) -> None:
    runs = start(client, agent, NEVER, FAST, NEVER)
    started = time.monotonic()
    with pytest.raises(twin.WaitTimeoutError) as caught:
        client.runs.wait_all(runs, timeout=1.0, poll_interval=0.05)
    elapsed = time.monotonic() - started
    try:
        assert 0.95 < elapsed < 3, elapsed
        e = caught.value
        assert isinstance(e, TimeoutError) and isinstance(e, twin.TwinError)
        assert [(r.run_id, r.status) for r in e.finished] == [(runs[1].run_id, "completed")]
        assert [(r.run_id, r.status) for r in e.unfinished] == [
            (runs[0].run_id, "in_progress"),
            (runs[2].run_id, "in_progress"),
        ]
        assert str(e).startswith("2 of 3 runs did not finish within 1.")
        assert runs[0].run_id in str(e) and runs[2].run_id in str(e) and runs[1].run_id not in str(e)
        # The runs go on.
        assert runs[0].refresh().status == "in_progress"
    finally:
        for run in (runs[0], runs[2]):
            run.cancel()


def test_as_completed_timeout_after_yielding_the_runs_that_finished(client: twin.Client, agent: twin.Agent) -> None:
    runs = start(client, agent, NEVER, FAST)
    got = client.runs.as_completed(runs, timeout=1.0, poll_interval=0.05)
    try:
        first = next(got)
        assert first.run_id == runs[1].run_id and first.status == "completed"
        with pytest.raises(twin.WaitTimeoutError) as caught:
            next(got)
        assert [r.run_id for r in caught.value.finished] == [runs[1].run_id]
        assert [r.run_id for r in caught.value.unfinished] == [runs[0].run_id]
    finally:
        runs[0].cancel()


def test_the_timeout_is_wait_s(client: twin.Client, agent: twin.Agent) -> None:
    # timeout: None is wait()'s default (600 s), inf no limit, anything not positive refused as
    # by wait(); the arguments are checked before any request.
    (run,) = start(client, agent, FAST)
    for bad in (0, -1, float("nan")):
        with pytest.raises(ValueError):
            run.wait(timeout=bad)
        with pytest.raises(ValueError):
            client.runs.wait_all([run], timeout=bad)
        with pytest.raises(ValueError):
            client.runs.as_completed([run], timeout=bad)
    with pytest.raises(ValueError):
        client.runs.wait_all([run], poll_interval=0)
    with pytest.raises(TypeError):
        client.runs.wait_all([run.run_id])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        client.runs.wait_all([run], progress="yes")  # type: ignore[arg-type]
    assert client.runs.wait_all([run], timeout=float("inf"))[0].status == "completed"
    assert client.runs.wait_all([run])[0].status == "completed"


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def test_wait_all_polls_from_the_calling_thread(client: twin.Client, agent: twin.Agent) -> None:
    # No thread per run: forty runs are polled one call at a time, by the one worker thread
    # that runs a call (reused from call to call).
    client.runs.wait_all(start(client, agent, FAST))
    before = os_threads(), threading.active_count()
    runs = start(client, agent, *[MIDDLE] * 40)
    counts: list[tuple[int, int]] = []
    done = client.runs.wait_all(
        runs, poll_interval=0.05, progress=lambda p: counts.append((os_threads(), threading.active_count()))
    )
    assert [r.status for r in done] == ["completed"] * 40
    assert max(n for n, _ in counts) <= before[0] + 1, (before, counts)
    assert max(n for _, n in counts) == before[1]


def test_ctrl_c_stops_a_wait_all_within_a_second(client: twin.Client, agent: twin.Agent) -> None:
    runs = start(client, agent, NEVER, NEVER, NEVER)
    sent: list[float] = []

    def interrupt() -> None:
        sent.append(time.monotonic())
        _thread.interrupt_main()  # what Jupyter's stop button does to a cell

    timer = threading.Timer(0.7, interrupt)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.runs.wait_all(runs, timeout=float("inf"), poll_interval=0.05)
        stopped = time.monotonic() - sent[0]
        assert stopped < 1.0, stopped
        assert all(r.refresh().status == "in_progress" for r in runs)  # the runs go on
    finally:
        timer.join()
        for run in runs:
            run.cancel()


def test_ctrl_c_stops_as_completed_too(client: twin.Client, agent: twin.Agent) -> None:
    runs = start(client, agent, FAST, NEVER)
    timer = threading.Timer(0.8, _thread.interrupt_main)
    got: list[str] = []
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            for run in client.runs.as_completed(runs, timeout=float("inf"), poll_interval=0.05):
                got.append(run.run_id)
        assert time.monotonic() - started < 2.0
        assert got == [runs[0].run_id]
    finally:
        timer.join()
        runs[1].cancel()


# Async.


async def _ticker(ticks: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        ticks.append(time.monotonic())
        await asyncio.sleep(0.01)


def test_async_wait_all_keeps_the_event_loop_running(emulator: Emulator, agent: twin.Agent) -> None:
    async def main() -> tuple[list[twin.Run], list[twin.Run], list[float], float]:
        async with twin.AsyncClient(API_KEY, emulator.url) as client:
            runs = [await client.runs.start(agent.agent_id, message=m) for m in (SLOW, FAST, MIDDLE)]
            ticks: list[float] = []
            stop = asyncio.Event()
            ticker = asyncio.ensure_future(_ticker(ticks, stop))
            started = time.monotonic()
            done = await client.runs.wait_all(runs, poll_interval=0.05, timeout=60)
            elapsed = time.monotonic() - started
            stop.set()
            await ticker
            return runs, done, ticks, elapsed

    runs, done, ticks, elapsed = asyncio.run(main())
    assert [r.run_id for r in done] == [r.run_id for r in runs]
    assert [(r.status, r.outcome) for r in done] == [
        ("completed", "fail"),
        ("completed", "success"),
        ("completed", "partial"),
    ]
    # The ticker ran all along: ~100 ticks a second, no gap longer than one poll.
    assert len(ticks) > elapsed * 40, (len(ticks), elapsed)
    assert max(b - a for a, b in zip(ticks, ticks[1:])) < 0.3


def test_async_as_completed_in_finishing_order(emulator: Emulator, agent: twin.Agent) -> None:
    async def main() -> tuple[list[twin.Run], list[twin.Run], int]:
        async with twin.AsyncClient(API_KEY, emulator.url) as client:
            runs = [await client.runs.start(agent.agent_id, message=m) for m in (SLOW, MIDDLE, FAST)]
            ticks: list[float] = []
            stop = asyncio.Event()
            ticker = asyncio.ensure_future(_ticker(ticks, stop))
            order = [run async for run in client.runs.as_completed(runs, poll_interval=0.05, timeout=60)]
            stop.set()
            await ticker
            return runs, order, len(ticks)

    runs, order, ticks = asyncio.run(main())
    assert [r.run_id for r in order] == [runs[2].run_id, runs[1].run_id, runs[0].run_id]
    assert all(r.is_terminal for r in order)
    assert ticks > 50


def test_async_wait_all_timeout_and_cancel(emulator: Emulator, client: twin.Client, agent: twin.Agent) -> None:
    async def main() -> tuple[Any, float, list[twin.Run]]:
        async with twin.AsyncClient(API_KEY, emulator.url) as client:
            runs = [await client.runs.start(agent.agent_id, message=m) for m in (FAST, NEVER)]
            with pytest.raises(twin.WaitTimeoutError) as caught:
                await client.runs.wait_all(runs, timeout=0.8, poll_interval=0.05)
            # Cancelling the awaiting task stops the wait at once.
            task = asyncio.ensure_future(client.runs.wait_all(runs, timeout=float("inf"), poll_interval=0.05))
            await asyncio.sleep(0.3)
            task.cancel()
            started = time.monotonic()
            with pytest.raises(asyncio.CancelledError):
                await task
            return caught.value, time.monotonic() - started, runs

    e, cancel_took, runs = asyncio.run(main())
    try:
        assert [r.run_id for r in e.finished] == [runs[0].run_id]
        assert [(r.run_id, r.status) for r in e.unfinished] == [(runs[1].run_id, "in_progress")]
        assert cancel_took < 0.5
    finally:
        client.runs.cancel(agent.agent_id, runs[1].run_id)  # the async client is closed


def test_async_wait_and_follow_with_progress(emulator: Emulator, agent: twin.Agent) -> None:
    async def main() -> tuple[twin.Run, list[twin.Progress], list[twin.Event], list[twin.Progress]]:
        async with twin.AsyncClient(API_KEY, emulator.url) as client:
            run = await client.runs.start(agent.agent_id, message=MIDDLE)
            waited: list[twin.Progress] = []
            done = await client.runs.wait(agent.agent_id, run.run_id, poll_interval=0.05, progress=waited.append)
            followed: list[twin.Progress] = []
            events = [e async for e in client.events.follow(agent.agent_id, run.run_id, progress=followed.append)]
            return done, waited, events, followed

    done, waited, events, followed = asyncio.run(main())
    assert done.status == "completed" and done.outcome == "partial"
    assert waited[-1].done and waited[-1].run is not None and waited[-1].run.status == "completed"
    assert {p.kind for p in waited} == {"wait"}
    assert followed[-1].done and followed[-1].events == len(events) == 10
    assert followed[-1].last_kind == "Finished"
