"""progress= on wait(), follow(), wait_all() and as_completed(): a callable gets twin.Progress
records; True shows one live line where it can be seen (a Jupyter kernel's display, updated in
place; a terminal's \\r line on stderr, tested on a real pty) and nothing when the output is not
interactive. Against the in-process emulator."""

from __future__ import annotations

import gc
import json
import os
import pty
import re
import subprocess
import sys
import textwrap
import threading
import time
import tty
from typing import Any, Iterator

import pytest

import twin

from conftest import script

FAST = script(events=8, step_ms=20)
MIDDLE = script(events=10, step_ms=80, outcome="partial")
SLOW = script(events=10, step_ms=150)

LINE = re.compile(r"^runs: (\d+)/(\d+) finished( \((\d+ \w+)(, \d+ \w+)*\))? · \d+(\.\d)? s$")


def start(client: twin.Client, agent: twin.Agent, *messages: str) -> list[twin.Run]:
    return [client.runs.start(agent.agent_id, message=m) for m in messages]


# A callable.


def test_wait_all_progress_counts_go_up_to_the_total(client: twin.Client, agent: twin.Agent) -> None:
    runs = start(client, agent, SLOW, script(error=True), FAST, MIDDLE)
    records: list[twin.Progress] = []
    client.runs.wait_all(runs, poll_interval=0.05, progress=records.append)
    assert all(isinstance(p, twin.Progress) and p.kind == "wait_all" and p.total == 4 for p in records)
    finished = [p.finished for p in records]
    assert finished == sorted(finished) and finished[0] == 0 and finished[-1] == 4
    assert len(set(finished)) >= 3  # the runs finished at different times: seen one by one
    elapsed = [p.elapsed for p in records]
    assert elapsed == sorted(elapsed)
    assert [p.done for p in records].count(True) == 1 and records[-1].done
    for p in records:
        assert sum(p.counts.values()) == p.finished
        assert LINE.match(str(p)), str(p)
    assert records[-1].counts == {"completed": 3, "error": 1}
    assert str(records[-1]).startswith("runs: 4/4 finished (3 completed, 1 error) · ")
    # The record of each run that finished names it.
    named = [p.run.run_id for p in records if p.run is not None]
    assert sorted(named) == sorted(r.run_id for r in runs)


def test_as_completed_progress_and_timeout(client: twin.Client, agent: twin.Agent) -> None:
    runs = start(client, agent, FAST, script(slow=True, events=1000))
    records: list[twin.Progress] = []
    try:
        with pytest.raises(twin.WaitTimeoutError):
            for _ in client.runs.as_completed(runs, timeout=1.5, poll_interval=0.05, progress=records.append):
                pass
        assert {p.kind for p in records} == {"as_completed"}
        assert records[-1].done and (records[-1].finished, records[-1].total) == (1, 2)
        # While sleeping between polls the clock still moves, about once a second.
        assert max(b.elapsed - a.elapsed for a, b in zip(records, records[1:])) < 1.5
    finally:
        runs[1].cancel()


def test_wait_progress(client: twin.Client, agent: twin.Agent) -> None:
    (run,) = start(client, agent, MIDDLE)
    records: list[twin.Progress] = []
    done = run.wait(poll_interval=0.05, progress=records.append)
    assert done.status == "completed" and done.outcome == "partial"
    assert {p.kind for p in records} == {"wait"}
    assert records[0].run is not None and records[-1].done
    assert str(records[-1]).startswith(f"run {run.run_id}: completed (partial) · ")
    assert any(str(p).startswith(f"run {run.run_id}: in_progress · ") for p in records)
    # The same through client.runs.wait.
    more: list[twin.Progress] = []
    again = client.runs.wait(agent.agent_id, run.run_id, progress=more.append)
    assert again.status == "completed" and more[-1].done
    # progress=False is the plain native wait.
    assert run.wait(progress=False).status == "completed"


def test_follow_progress_counts_each_event(client: twin.Client, agent: twin.Agent) -> None:
    (run,) = start(client, agent, MIDDLE)
    records: list[twin.Progress] = []
    events = []
    for event in run.follow(progress=records.append):
        events.append(event)
        assert records[-1].events == len(events) and records[-1].last_kind == event.kind
    assert len(events) == 10
    assert records[0].events == 0 and records[-1].done and records[-1].events == 10
    assert str(records[-1]).startswith("10 events · last Finished · ")
    counted = [p.events for p in records]
    assert counted == sorted(counted)
    assert records[-1].finished == 1  # the run ended
    # client.events.follow takes it too; leaving the with-block early stops it: done, not finished.
    more: list[twin.Progress] = []
    with client.events.follow(agent.agent_id, run.run_id, progress=more.append) as follow:
        next(follow)
    assert more[-1].events == 1 and more[-1].done and more[-1].finished == 0
    assert more[-1].line.endswith(" · stopped")


def test_a_closed_follow_reports_stopped_not_finished(client: twin.Client, agent: twin.Agent) -> None:
    (run,) = start(client, agent, SLOW)
    got: list[twin.Progress] = []
    follow = run.follow(progress=got.append)
    assert got == []  # nothing before the first __next__
    next(follow)
    follow.close()
    assert got[-1].done and got[-1].finished == 0 and got[-1].events == 1
    calls = len(got)
    assert list(follow) == [] and len(got) == calls  # no second last update, no "finished"
    # Abandoned with break, then collected: the same last update.
    dropped: list[twin.Progress] = []
    for _ in run.follow(progress=dropped.append):
        break
    gc.collect()
    assert dropped[-1].done and dropped[-1].finished == 0
    # Never iterated: nothing at all.
    never: list[twin.Progress] = []
    unused = run.follow(progress=never.append)
    unused.close()
    del unused
    assert never == []


def test_a_callable_failing_on_the_last_update_does_not_hide_the_timeout(
    client: twin.Client, agent: twin.Agent
) -> None:
    (run,) = start(client, agent, script(events=100, step_ms=50))

    def fails_when_done(p: twin.Progress) -> None:
        if p.done:
            raise RuntimeError("boom on done")

    with pytest.raises(twin.WaitTimeoutError) as caught:
        client.runs.wait_all([run], timeout=0.3, poll_interval=0.05, progress=fails_when_done)
    assert isinstance(caught.value.__cause__, RuntimeError)
    with pytest.raises(twin.WaitTimeoutError) as caught:
        run.wait(timeout=0.3, poll_interval=0.05, progress=fails_when_done)
    assert isinstance(caught.value.__cause__, RuntimeError)
    with pytest.raises(twin.WaitTimeoutError) as caught:
        for _ in run.follow(timeout=0.3, progress=fails_when_done):
            pass
    assert isinstance(caught.value.__cause__, RuntimeError)
    run.cancel()


def test_durations_round_before_they_split() -> None:
    from twin._progress import _seconds

    assert _seconds(7199) == "2 h 00 min" and _seconds(7229) == "2 h 00 min" and _seconds(3660) == "1 h 01 min"
    assert _seconds(3599.6) == "1 h 00 min" and _seconds(3599.4) == "3599 s"
    assert _seconds(9.96) == "10 s" and _seconds(9.94) == "9.9 s"


def test_a_failing_progress_callable_stops_the_wait(client: twin.Client, agent: twin.Agent) -> None:
    (run,) = start(client, agent, MIDDLE)

    def boom(p: twin.Progress) -> None:
        if p.elapsed > 0.2:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        client.runs.wait_all([run], poll_interval=0.05, progress=boom)
    with pytest.raises(RuntimeError, match="boom"):
        for _ in run.follow(progress=boom):
            time.sleep(0.05)


# A terminal: the real sys.stderr path, on a pty.


class Terminal:
    def __init__(self, stream: Any, got: list[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
        self.stream, self.got, self._monkeypatch = stream, got, monkeypatch

    def attach(self) -> None:
        # In the test itself: pytest's capture sets sys.stderr again once fixtures are set up.
        self._monkeypatch.setattr(sys, "stderr", self.stream)

    def screen(self) -> str:
        """What the terminal got so far (and forgets it)."""
        self.stream.flush()
        time.sleep(0.1)
        text = b"".join(self.got).decode()
        self.got.clear()
        return text


@pytest.fixture()
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Terminal]:
    """A pty (raw: bytes arrive as written) to become sys.stderr; what it got."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    stream = os.fdopen(slave, "w", encoding="utf-8")
    assert stream.isatty()
    got: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            got.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    yield Terminal(stream, got, monkeypatch)
    monkeypatch.undo()
    stream.flush()
    time.sleep(0.1)
    stream.close()
    reader.join(2)
    os.close(master)


def test_wait_all_on_a_terminal_rewrites_one_line(client: twin.Client, agent: twin.Agent, terminal: Terminal) -> None:
    runs = start(client, agent, SLOW, FAST, MIDDLE)
    terminal.attach()
    started = time.monotonic()
    client.runs.wait_all(runs, poll_interval=0.05, progress=True)
    elapsed = time.monotonic() - started
    text = terminal.screen()
    assert text.startswith("\rruns: 0/3 finished · 0.0 s") and text.endswith("\n") and text.count("\n") == 1
    lines = [line.rstrip() for line in text[:-1].split("\r")[1:]]
    assert len(lines) >= 3 and all(LINE.match(line) for line in lines), lines
    assert lines[-1].startswith("runs: 3/3 finished (3 completed) · ")
    assert len(lines) <= elapsed * 10 + 3  # throttled: at most 10 updates a second


def test_wait_and_follow_on_a_terminal(client: twin.Client, agent: twin.Agent, terminal: Terminal) -> None:
    (run,) = start(client, agent, MIDDLE)
    terminal.attach()
    run.wait(poll_interval=0.05, progress=True)
    wait_text = terminal.screen()
    assert wait_text.endswith("\n") and wait_text.count("\n") == 1
    assert wait_text.split("\r")[-1].rstrip().startswith(f"run {run.run_id}: completed (partial) · ")

    (many,) = start(client, agent, script(events=400, step_ms=2))  # fast events: throttled
    started = time.monotonic()
    events = list(many.follow(progress=True))
    elapsed = time.monotonic() - started
    text = terminal.screen()
    lines = [line.rstrip() for line in text[:-1].split("\r")[1:]]
    assert text.endswith("\n") and text.count("\n") == 1
    assert lines[0] == "0 events · 0.0 s"
    assert lines[-1].startswith(f"{len(events)} events · last Finished · ")
    assert len(lines) <= elapsed * 10 + 3, (len(lines), elapsed)


def test_an_abandoned_follow_ends_its_terminal_line(client: twin.Client, agent: twin.Agent, terminal: Terminal) -> None:
    (run,) = start(client, agent, script(events=100, step_ms=50))
    terminal.attach()
    follow = run.follow(progress=True)
    assert terminal.screen() == ""  # no line before the first __next__
    for _ in follow:
        break
    del follow
    gc.collect()
    text = terminal.screen()
    assert text.startswith("\r0 events · 0.0 s") and text.endswith("\n") and text.count("\n") == 1
    assert text[:-1].split("\r")[-1].rstrip().endswith(" · stopped")
    closed = run.follow(progress=True)
    next(closed)
    closed.close()
    text = terminal.screen()
    assert text.endswith("\n") and text.count("\n") == 1
    run.cancel()


def test_nothing_shows_when_the_output_is_not_a_terminal(
    client: twin.Client, agent: twin.Agent, capfd: pytest.CaptureFixture[str]
) -> None:
    runs = start(client, agent, FAST, MIDDLE)
    assert not sys.stderr.isatty()
    client.runs.wait_all(runs, poll_interval=0.05, progress=True)
    list(client.runs.as_completed(runs, progress=True))
    runs[0].wait(progress=True)
    list(runs[1].follow(progress=True))
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_import_twin_loads_neither_batch_nor_ipython() -> None:
    code = textwrap.dedent(
        """
        import sys, twin
        from twin.testing import Emulator
        assert "twin._batch" not in sys.modules and "twin._progress" not in sys.modules
        with Emulator(step_ms=5) as emu, emu.client() as client:
            agent = client.agents.create()
            run = client.runs.start(agent.agent_id, message="x [emulator: events=8]")
            client.runs.wait_all([run], progress=True)
        assert "twin._batch" in sys.modules and "IPython" not in sys.modules
        import IPython  # imported, but no kernel: still not a notebook
        from twin import _progress
        assert not _progress.in_kernel() and _progress.live(True) is None
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok" and done.stderr == "", done.stderr


# A Jupyter kernel: the real thing, through nbclient.


def test_in_a_jupyter_kernel_one_display_is_updated_in_place(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    kernels = tmp_path / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (twin-sdk .venv)", "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    cells = [
        "import twin\nfrom twin.testing import Emulator\nemu = Emulator(step_ms=5)\nclient = emu.client()\n"
        "agent = client.agents.create()",
        "runs = [client.runs.start(agent.agent_id, message=f'x [emulator: events=10 step_ms={ms}]') for ms in (20, 60, 120)]\n"
        "print([r.status for r in client.runs.wait_all(runs, poll_interval=0.05, progress=True)])",
        "run = client.runs.start(agent.agent_id, message='x [emulator: events=10 step_ms=50 outcome=partial]')\n"
        "print(run.wait(poll_interval=0.05, progress=True).outcome)",
        "print(len(list(run.follow(progress=True))))",
        "client.close()\nemu.close()",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()

    def outputs(i: int) -> tuple[list[dict[str, Any]], str]:
        outs = nb.cells[i].outputs
        assert not [o for o in outs if o.output_type == "error"], outs
        displays = [o for o in outs if o.output_type == "display_data"]
        printed = "".join(o.get("text", "") for o in outs if o.output_type == "stream" and o.name == "stdout")
        assert not [o for o in outs if o.output_type == "stream" and o.name == "stderr"], outs  # no \r line
        return displays, printed

    displays, printed = outputs(1)
    assert printed.strip() == "['completed', 'completed', 'completed']"
    assert len(displays) == 1  # one display, updated in place (nbclient applies the updates)
    assert displays[0]["data"]["text/plain"].startswith("runs: 3/3 finished (3 completed) · ")
    assert displays[0]["data"]["text/html"].startswith("<code>runs: 3/3 finished (3 completed) · ")
    displays, printed = outputs(2)
    assert printed.strip() == "partial"
    assert len(displays) == 1 and ": completed (partial) · " in displays[0]["data"]["text/plain"]
    displays, printed = outputs(3)
    assert printed.strip() == "10"
    assert len(displays) == 1 and displays[0]["data"]["text/plain"].startswith("10 events · last Finished · ")
