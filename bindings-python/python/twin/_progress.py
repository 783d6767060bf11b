"""Live progress for ``wait()``, ``follow()``, ``wait_all()`` and ``as_completed()``.

The ``progress=`` argument of those methods:

* ``None`` or ``False`` (the default): nothing is shown.
* ``True``: one live line, updated in place, where it can be seen: under a Jupyter (IPython)
  kernel, a display updated through its ``display_id``; else, when ``sys.stderr`` is a terminal,
  a line rewritten with ``\\r`` (ended with a newline when the wait ends); else (a pipe, a log
  file, CI) nothing.
* a callable: called with a :class:`Progress` at every update (each poll round, each event,
  about once a second while waiting, and a last one with ``done=True`` when the wait ends,
  times out or is stopped); nothing is shown. For scripts and tests that want to watch a wait.
  A callable that raises stops the wait with its exception, but for the last update of a wait
  that timed out: then the ``WaitTimeoutError`` is raised all the same, with the callable's
  exception as its ``__cause__``.

Updates of a display or a terminal line are throttled to 10 a second (the last one always
shows). This module is imported on first use, so ``import twin`` does not pay for it.
"""

from __future__ import annotations

import html
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

if TYPE_CHECKING:
    from ._twin import Event, Run

__all__ = ["Progress", "ProgressArg"]

#: What ``progress=`` accepts.
ProgressArg = Union[bool, Callable[["Progress"], object], None]

# At most this many display or terminal updates a second.
_MIN_GAP = 0.1


class Progress:
    """One update of a wait's progress, given to a ``progress=`` callable (and what the live
    line shows: ``str(progress)`` is that line).

    ``kind`` says which wait: ``"wait_all"``, ``"as_completed"``, ``"wait"`` or ``"follow"``.
    A run counts as finished once it is terminal or paused, as ``run.wait()`` has it.

    The last update has ``done=True``, whatever ended the wait; ``finished == total`` tells
    a wait that saw every run finish from one that timed out or was stopped. For ``follow``:
    ``finished`` is 1 only when the run ended and every event was seen; a follow that timed
    out, was closed (``close()``, leaving its ``with`` block), left with ``break`` and
    garbage-collected, or stopped by an error, ends with ``done=True`` and ``finished=0``
    (its line then ends in ``· stopped``). A follow that was never iterated reports nothing.
    """

    __slots__ = {
        "kind": '``"wait_all"``, ``"as_completed"``, ``"wait"`` or ``"follow"``.',
        "total": "How many runs are waited for (1 for ``wait`` and ``follow``).",
        "finished": "How many of them are finished (terminal or paused) so far.",
        "counts": "The finished runs by status, e.g. ``{'completed': 4, 'error': 1}``.",
        "elapsed": "Seconds since the wait started.",
        "done": "This is the last update: the wait ended (then ``finished == total``), or timed out "
        "or was stopped (then ``finished < total``).",
        "run": "The run this update is about: for ``wait`` the run as last seen; for a batch the "
        "run that just finished (``None`` for a mere tick); ``None`` for ``follow``.",
        "events": "For ``follow``: events seen so far (0 otherwise).",
        "last_kind": "For ``follow``: the kind of the latest event (``Finished``, ...), if any.",
    }

    kind: str
    total: int
    finished: int
    counts: dict[str, int]
    elapsed: float
    done: bool
    run: Optional[Run]
    events: int
    last_kind: Optional[str]

    def __init__(
        self,
        kind: str,
        *,
        total: int = 1,
        finished: int = 0,
        counts: Optional[dict[str, int]] = None,
        elapsed: float = 0.0,
        done: bool = False,
        run: Optional[Run] = None,
        events: int = 0,
        last_kind: Optional[str] = None,
    ) -> None:
        self.kind = kind
        self.total = total
        self.finished = finished
        self.counts = dict(counts or {})
        self.elapsed = elapsed
        self.done = done
        self.run = run
        self.events = events
        self.last_kind = last_kind

    @property
    def line(self) -> str:
        """The live line: ``runs: 5/8 finished (4 completed, 1 error) · 12 s`` for a batch,
        ``run <id>: in_progress · 3.2 s`` for ``wait``, ``24 events · last Finished · 3.1 s``
        for ``follow``."""
        elapsed = _seconds(self.elapsed)
        if self.kind == "follow":
            last = f" · last {self.last_kind}" if self.last_kind else ""
            stopped = " · stopped" if self.done and self.finished < self.total else ""
            return f"{self.events} event{'' if self.events == 1 else 's'}{last} · {elapsed}{stopped}"
        if self.kind == "wait":
            run = self.run
            status: str = (run.status or "unknown") if run is not None else "waiting"
            if run is not None and run.outcome:
                status += f" ({run.outcome})"
            name = f"run {run.run_id}" if run is not None else "run"
            return f"{name}: {status} · {elapsed}"
        by_status = ", ".join(f"{n} {status}" for status, n in self.counts.items())
        detail = f" ({by_status})" if by_status else ""
        return f"runs: {self.finished}/{self.total} finished{detail} · {elapsed}"

    def __str__(self) -> str:
        return self.line

    def __repr__(self) -> str:
        return (
            f"Progress(kind={self.kind!r}, finished={self.finished}, total={self.total}, "
            f"counts={self.counts!r}, elapsed={self.elapsed:.3f}, done={self.done}, "
            f"events={self.events}, last_kind={self.last_kind!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Progress):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


def _seconds(elapsed: float) -> str:
    # Round first, then pick the form and split: 9.96 s is "10 s", 7199 s "2 h 00 min".
    if round(elapsed, 1) < 10:
        return f"{elapsed:.1f} s"
    if round(elapsed) < 3600:
        return f"{round(elapsed)} s"
    minutes = round(elapsed / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def in_kernel() -> bool:
    """Whether this runs under a Jupyter (IPython) kernel. IPython is not imported for this:
    a kernel has imported it already."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    if get is None:
        return False
    try:
        shell = get()
    except Exception:
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


class Live:
    """Where updates go: a callable, a Jupyter display, or a terminal line."""

    def __init__(self, callback: Optional[Callable[[Progress], object]] = None, *, display: bool = False,
                 stream: Any = None) -> None:
        self._callback = callback
        self._display = display
        self._handle: Any = None
        self._stream = stream
        self._shown_at = -1.0
        self._width = 0
        self._closed = False
        self._pending: Optional[Progress] = None

    def show(self, progress: Progress, *, force: bool = False) -> None:
        """Shows ``progress``: every update goes to a callable; a display or a terminal line
        gets at most 10 a second (``force`` and the last update always show)."""
        if self._closed:
            return
        if self._callback is not None:
            try:
                self._callback(progress)
            except BaseException:
                self._closed = True  # a callable that raised stops the wait: not called again
                raise
            return
        now = time.monotonic()
        if not force and not progress.done and now - self._shown_at < _MIN_GAP:
            self._pending = progress
            return
        self._pending = None
        self._shown_at = now
        line = progress.line
        if self._display:
            self._show_in_kernel(line)
        elif self._stream is not None:
            pad = " " * max(0, self._width - len(line))
            self._width = len(line)
            try:
                self._stream.write("\r" + line + pad)
                self._stream.flush()
            except (OSError, ValueError):
                self._stream = None  # the terminal went away: stop showing

    def _show_in_kernel(self, line: str) -> None:
        import IPython.display

        display: Any = getattr(IPython.display, "display")
        data = {"text/plain": line, "text/html": f"<code>{html.escape(line)}</code>"}
        if self._handle is None:
            self._handle = display(data, raw=True, display_id=True)
        else:
            self._handle.update(data, raw=True)

    def close(self, last: Optional[Progress] = None) -> None:
        """Ends the line: shows ``last`` (or an update held back by the throttle), then a
        newline on a terminal. Later calls do nothing."""
        if self._closed:
            return
        last = last or self._pending
        try:
            if last is not None:
                self.show(last, force=True)
        finally:  # a callable that raises is not called again
            self._closed = True
        if self._stream is not None and self._shown_at >= 0:
            try:
                self._stream.write("\n")
                self._stream.flush()
            except (OSError, ValueError):
                pass


def live(progress: ProgressArg) -> Optional[Live]:
    """The sink for a ``progress=`` argument, or ``None`` when nothing is to be shown."""
    if progress is None or progress is False:
        return None
    if progress is True:
        if in_kernel():
            return Live(display=True)
        stream = sys.stderr
        try:
            tty = stream is not None and stream.isatty()
        except (AttributeError, OSError, ValueError):
            tty = False
        return Live(stream=stream) if tty else None
    if callable(progress):
        return Live(progress)
    raise TypeError(f"progress must be True, False, None or a callable taking a twin.Progress, not {type(progress).__name__}")


class FollowReporter:
    """The live line of a ``follow(progress=...)``: the native follower calls ``start`` at each
    ``__next__`` (the first draws the line), ``event`` for each event, ``tick`` while it waits
    (every 50 ms) and ``close`` at the end, at ``close()`` and when the follower is dropped."""

    def __init__(self, sink: Live) -> None:
        self._sink = sink
        self._started: Optional[float] = None
        self._events = 0
        self._last: Optional[str] = None
        self._ticked = 0.0

    def start(self) -> None:
        """The first call starts the clock and draws the line; later ones do nothing."""
        if self._started is None:
            self._started = self._ticked = time.monotonic()
            self._sink.show(self._progress(), force=True)

    def _progress(self, done: bool = False, ended: bool = False) -> Progress:
        elapsed = 0.0 if self._started is None else time.monotonic() - self._started
        return Progress("follow", total=1, finished=1 if ended else 0, elapsed=elapsed,
                        done=done, events=self._events, last_kind=self._last)

    def event(self, event: Event) -> None:
        self.start()
        self._events += 1
        self._last = event.kind
        self._sink.show(self._progress())

    def tick(self) -> None:
        self.start()
        now = time.monotonic()
        if now - self._ticked >= 1.0:
            self._ticked = now
            self._sink.show(self._progress())

    def close(self, ended: bool = False) -> None:
        """The last update (``done=True``), then the line ends; later calls do nothing.
        ``ended``: the run ended and every event was seen (``finished=1``); else the follow
        stopped (``finished=0``). A follow never iterated shows nothing."""
        if self._started is None:
            self._sink.close()
        else:
            self._sink.close(self._progress(done=True, ended=ended))


def follow_reporter(progress: ProgressArg) -> Optional[FollowReporter]:
    """The reporter for ``follow(progress=...)``, or ``None`` when nothing is to be shown."""
    sink = live(progress)
    return None if sink is None else FollowReporter(sink)
