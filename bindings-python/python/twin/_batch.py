"""Waiting for many runs: ``client.runs.wait_all`` and ``client.runs.as_completed`` (and their
``AsyncClient`` versions), and ``wait(progress=...)`` for one run.

A run is finished once it is terminal (``completed``, ``error``, ``stopped``) or paused (a
person must act), as ``run.wait()`` has it. The runs not finished yet are polled one short
call each (``GET`` of the run, bounded by the time the wait has left and interruptible by
Ctrl-C), at the pace of the core's ``wait``: the first pause between two polls of a run is
``poll_interval`` (default 0.5 s), then it grows by half each round up to 5 s. The time a round
of polls takes counts in the pause. No thread is held per run: the sync versions poll from the
calling thread, the async ones run each poll on the SDK's executor (``twin._async``) and
sleep with ``asyncio.sleep`` in between, so the event loop keeps running.

``timeout`` is as ``run.wait()``'s, for the whole batch: 600 s by default, ``None`` (or
``float("inf")``) for no limit. When it runs out, ``WaitTimeoutError`` carries ``finished`` and
``unfinished``: the runs as last seen, in the order given. The runs themselves go on.

This module is imported on first use (``import twin`` does not load it).
"""

from __future__ import annotations

import math
import time
from typing import AsyncGenerator, AsyncIterator, Iterable, Iterator, Optional

from ._exceptions import APITimeoutError, WaitTimeoutError
from ._html import ModelList
from ._progress import Live, Progress, ProgressArg, live
from ._twin import Run


__all__ = ["wait_all", "as_completed", "wait_one", "async_wait_all", "async_as_completed", "async_wait_one"]

#: The default ``timeout`` of ``run.wait()`` (the core's ``WaitOptions``); ``None`` is no limit.
DEFAULT_TIMEOUT = 600.0
#: The core's ``WaitOptions``: first pause, growth per poll, longest pause.
DEFAULT_POLL_INTERVAL = 0.5
GROWTH = 1.5
MAX_POLL_INTERVAL = 5.0
#: The longest sleep in one piece, so that an interrupt that sends no signal
#: (``_thread.interrupt_main()``) is seen soon too; a real SIGINT (Ctrl-C, the stop button)
#: interrupts the sleep at once.
SLICE = 0.1
#: While sleeping, the live line is updated (its clock) this often.
TICK = 1.0
#: Run ids named in a timeout's message, at most.
NAMED = 5

_ORDER = {"completed": 0, "error": 1, "stopped": 2, "paused": 3}


def _seconds(name: str, value: Optional[float], default: Optional[float], *, infinite: bool) -> Optional[float]:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    v = float(value)
    if infinite and v == math.inf:
        return None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive number of seconds, got {value}")
    return v


def _is_final(run: Run) -> bool:
    return run.is_terminal or run.is_paused


class _Batch:
    """The state of one wait: the runs as last seen, which are finished, the clock, the pace."""

    def __init__(
        self,
        kind: str,
        runs: Iterable[Run],
        timeout: Optional[float],
        poll_interval: Optional[float],
        progress: ProgressArg,
    ) -> None:
        self.kind = kind
        self.runs = list(runs)
        for run in self.runs:
            if not isinstance(run, Run):
                raise TypeError(f"{kind}() takes twin.Run objects, not {type(run).__name__}")
        self.limit = _seconds("timeout", timeout, None, infinite=True)
        first = _seconds("poll_interval", poll_interval, DEFAULT_POLL_INTERVAL, infinite=False)
        assert first is not None
        self.pause = first
        self.max_pause = max(MAX_POLL_INTERVAL, first)
        self.final = [False] * len(self.runs)
        self.finished_order: list[int] = []
        self.sink: Optional[Live] = live(progress)
        self.started = time.monotonic()
        self.shown_at = self.started
        self.deadline: Optional[float] = None

    def start(self) -> None:
        self.started = time.monotonic()
        self.deadline = None if self.limit is None else self.started + self.limit
        self.show(force=True)

    # The clock.

    def remaining(self) -> Optional[float]:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def wake_at(self, round_started: float) -> float:
        """When the next round starts: a pause after the last one started, not past the deadline."""
        at = round_started + self.pause
        return at if self.deadline is None else min(at, self.deadline)

    def next_round(self) -> None:
        """After the pause between rounds: the timeout when the time is up, else a longer pause
        after the next round."""
        if self.expired():
            raise self.timeout_error()
        self.pause = min(self.pause * GROWTH, self.max_pause)

    # The runs.

    def unfinished(self) -> list[int]:
        return [i for i, done in enumerate(self.final) if not done]

    def all_done(self) -> bool:
        """True (and the live line ended) once every run has finished."""
        if all(self.final):
            self.finish()
            return True
        return False

    def absorb(self, i: int, run: Run) -> bool:
        """Records the run as polled and updates the live line; true when it has just finished
        (the loops yield it)."""
        self.runs[i] = run
        if not self.final[i] and _is_final(run):
            self.final[i] = True
            self.finished_order.append(i)
            self.show(run)
            return True
        if self.kind == "wait":
            self.show(run)
        return False

    # Progress.

    def progress(self, *, done: bool = False, run: Optional[Run] = None) -> Progress:
        counts: dict[str, int] = {}
        for i in self.finished_order:
            status = self.runs[i].status or "finished"
            counts[status] = counts.get(status, 0) + 1
        counts = dict(sorted(counts.items(), key=lambda kv: (_ORDER.get(kv[0], len(_ORDER)), kv[0])))
        if self.kind == "wait" and self.runs:
            run = self.runs[0]
        return Progress(
            self.kind,
            total=len(self.runs),
            finished=len(self.finished_order),
            counts=counts,
            elapsed=time.monotonic() - self.started,
            done=done,
            run=run,
        )

    def show(self, run: Optional[Run] = None, *, force: bool = False) -> None:
        self.shown_at = time.monotonic()
        if self.sink is not None:
            self.sink.show(self.progress(run=run), force=force)

    def tick(self) -> None:
        """While sleeping: an update (the clock) about once a second."""
        if time.monotonic() - self.shown_at >= TICK:
            self.show()

    def finish(self) -> None:
        """The last update (``done=True``), then the line ends."""
        if self.sink is not None:
            self.sink.close(self.progress(done=True))

    def close(self) -> None:
        """Ends the line if the wait stopped another way (Ctrl-C, an error, a generator closed)."""
        if self.sink is not None:
            self.sink.close()

    # Timing out.

    def timeout_error(self) -> WaitTimeoutError:
        """The timeout, after the last update. A ``progress=`` callable that raises on that
        update does not replace the timeout: its exception becomes the ``__cause__``."""
        try:
            self.finish()
        except Exception as failed:
            error = self._timeout_error()
            error.__cause__ = failed
            return error
        error = self._timeout_error()
        error.__suppress_context__ = True  # an APITimeoutError being handled says nothing more
        return error

    def _timeout_error(self) -> WaitTimeoutError:
        elapsed = time.monotonic() - self.started
        finished = [r for r, f in zip(self.runs, self.final) if f]
        unfinished = [r for r, f in zip(self.runs, self.final) if not f]
        if self.kind == "wait":
            run = self.runs[0]
            message = f"run {run.run_id} still {run.status or 'unfinished'} after {elapsed:.1f}s"
        else:
            named = ", ".join(f"{r.run_id} {r.status or 'unfinished'}" for r in unfinished[:NAMED])
            more = f", and {len(unfinished) - NAMED} more" if len(unfinished) > NAMED else ""
            message = (
                f"{len(unfinished)} of {len(self.runs)} runs did not finish within "
                f"{elapsed:.1f}s: {named}{more}"
            )
        return WaitTimeoutError(message, finished=finished, unfinished=unfinished)

    def poll_args(self) -> Optional[float]:
        """The time the next poll may take; raises the timeout when none is left."""
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            raise self.timeout_error()
        return remaining


# Sync.


def _poll(batch: _Batch, i: int) -> Run:
    remaining = batch.poll_args()
    try:
        return batch.runs[i]._poll(remaining)
    except APITimeoutError:
        if batch.expired():
            raise batch.timeout_error()
        raise


def _iterate(batch: _Batch) -> Iterator[Run]:
    batch.start()
    try:
        while True:
            round_started = time.monotonic()
            for i in batch.unfinished():
                run = _poll(batch, i)
                if batch.absorb(i, run):
                    yield run
            if batch.all_done():
                return
            wake = batch.wake_at(round_started)
            while (left := wake - time.monotonic()) > 0:
                time.sleep(min(left, SLICE))  # Ctrl-C and the stop button interrupt it
                batch.tick()
            batch.next_round()
    finally:
        batch.close()


def wait_all(
    runs: Iterable[Run],
    *,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    poll_interval: Optional[float] = None,
    progress: ProgressArg = None,
) -> list[Run]:
    """``client.runs.wait_all``: every run refreshed, in the order given."""
    batch = _Batch("wait_all", runs, timeout, poll_interval, progress)
    for _ in _iterate(batch):
        pass
    return ModelList(batch.runs)


def as_completed(
    runs: Iterable[Run],
    *,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    poll_interval: Optional[float] = None,
    progress: ProgressArg = None,
) -> Iterator[Run]:
    """``client.runs.as_completed``: each run once finished, in the order they finish. The
    arguments are checked at once; the clock starts with the iteration."""
    return _iterate(_Batch("as_completed", runs, timeout, poll_interval, progress))


def wait_one(
    run: Run,
    *,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    poll_interval: Optional[float] = None,
    progress: ProgressArg = None,
) -> Run:
    """``run.wait(progress=...)``: the same wait as the core's, with a live line."""
    batch = _Batch("wait", [run], timeout, poll_interval, progress)
    for _ in _iterate(batch):
        pass
    return batch.runs[0]


# Async.


async def _apoll(batch: _Batch, i: int) -> Run:
    from ._async import _call

    remaining = batch.poll_args()
    try:
        return await _call(batch.runs[i]._poll, remaining)
    except APITimeoutError:
        if batch.expired():
            raise batch.timeout_error()
        raise


async def _aiterate(batch: _Batch) -> AsyncGenerator[Run, None]:
    import asyncio

    batch.start()
    try:
        while True:
            round_started = time.monotonic()
            for i in batch.unfinished():
                run = await _apoll(batch, i)
                if batch.absorb(i, run):
                    yield run
            if batch.all_done():
                return
            wake = batch.wake_at(round_started)
            while (left := wake - time.monotonic()) > 0:
                await asyncio.sleep(min(left, SLICE))
                batch.tick()
            batch.next_round()
    finally:
        batch.close()


async def async_wait_all(
    runs: Iterable[Run],
    *,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    poll_interval: Optional[float] = None,
    progress: ProgressArg = None,
) -> list[Run]:
    """``AsyncClient.runs.wait_all``."""
    batch = _Batch("wait_all", runs, timeout, poll_interval, progress)
    async for _ in _aiterate(batch):
        pass
    return ModelList(batch.runs)


def async_as_completed(
    runs: Iterable[Run],
    *,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    poll_interval: Optional[float] = None,
    progress: ProgressArg = None,
) -> AsyncGenerator[Run, None]:
    """``AsyncClient.runs.as_completed``: an async iterator (not a coroutine)."""
    return _aiterate(_Batch("as_completed", runs, timeout, poll_interval, progress))


async def async_wait_one(
    run: Run,
    *,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    poll_interval: Optional[float] = None,
    progress: ProgressArg = None,
) -> Run:
    """``AsyncClient.runs.wait(progress=...)``."""
    batch = _Batch("wait", [run], timeout, poll_interval, progress)
    async for _ in _aiterate(batch):
        pass
    return batch.runs[0]
