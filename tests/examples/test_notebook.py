"""The notebooks of examples/notebooks run top to bottom in a real Jupyter kernel (ipykernel,
driven by nbclient) on the project's Python: any cell that raises fails the test. Then the
outputs are checked. quickstart.ipynb: HTML tables for models and lists, a live progress
display updated in place, verified deliveries, the simulated stop button. batch.ipynb: six runs
waited for on one live line, answers as they finish, a typed DataFrame and a plot."""

from __future__ import annotations

import json
import pathlib
import re
import sys
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOKS = ROOT / "examples" / "notebooks"


def execute(notebook: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: Any) -> nbformat.NotebookNode:
    # A kernelspec for this interpreter (the .venv with the wheel), found first.
    kernels = tmp_path_factory.mktemp("jupyter") / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (twin-sdk .venv)", "language": "python",
    }))
    monkeypatch_module.setenv("JUPYTER_PATH", str(kernels.parents[1]))
    for name in ("TWIN_API_KEY", "TWIN_BASE_URL"):
        monkeypatch_module.delenv(name, raising=False)
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: Any) -> nbformat.NotebookNode:
    return execute("quickstart.ipynb", tmp_path_factory, monkeypatch_module)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: Any) -> nbformat.NotebookNode:
    return execute("batch.ipynb", tmp_path_factory, monkeypatch_module)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def outputs(nb: nbformat.NotebookNode, contains: str) -> list[Any]:
    """The outputs of the code cell whose source contains ``contains``."""
    cells = [c for c in nb.cells if c.cell_type == "code" and contains in c.source]
    assert len(cells) == 1, contains
    return list(cells[0].outputs)


def html(nb: nbformat.NotebookNode, contains: str) -> str:
    return "".join(o["data"]["text/html"] for o in outputs(nb, contains)
                   if o.output_type in ("execute_result", "display_data") and "text/html" in o.get("data", {}))


def text(nb: nbformat.NotebookNode, contains: str) -> str:
    return "".join(o.get("text", "") for o in outputs(nb, contains) if o.output_type == "stream")


def ran_without_error(nb: nbformat.NotebookNode) -> None:
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]


def test_every_cell_ran_without_error(executed: nbformat.NotebookNode) -> None:
    ran_without_error(executed)


def test_the_first_cell_links_to_the_emulators_inspector(executed: nbformat.NotebookNode) -> None:
    found = re.search(r'<a href="http://127\.0\.0\.1:(\d+)/_emulator/ui#key=twin_[0-9a-f]{32}_[^"]+"',
                      html(executed, "emulator.ui_url"))
    assert found, "no link to the inspector"
    assert f"on http://127.0.0.1:{found.group(1)}\n" in text(executed, "emulator.ui_url")


def test_models_and_lists_render_as_html_tables(executed: nbformat.NotebookNode) -> None:
    assert "<caption>Me</caption>" in html(executed, "client.me()")
    assert "<caption>Agent</caption>" in html(executed, "agent = client.agents.create")
    history = html(executed, "client.instructions.history")
    assert history.count("<tr>") == 3 and "Inbox helper" in history  # header + two versions
    assert "paused" in html(executed, "client.schedules.pause")
    webhooks = html(executed, "client.webhooks.list")
    assert "run.paused" in webhooks and "signing_secret" not in webhooks
    events = html(executed, "run.events()")  # 20 rows at most; the caption says how to see all
    assert "Event · 20 of 24 shown · all of them: .to_list() or .to_pandas()" in events
    assert events.count("<tr>") == 21 and "<th style='text-align:left;white-space:nowrap'>run_id</th>" not in events
    runs = html(executed, "client.runs.list(agent.agent_id)")
    for status in ("completed", "error", "stopped"):
        assert f">{status}<" in runs
    assert "<caption>Agent" in html(executed, "client.agents.list(")


def test_the_run_is_followed_on_one_updating_line(executed: nbformat.NotebookNode) -> None:
    cell = outputs(executed, "progress=True) as follow")
    displays = [o for o in cell if o.output_type == "display_data"]
    assert len(displays) == 1  # one line, updated in place (nbclient applies the updates)
    assert "24 events" in displays[0]["data"]["text/html"] and "Finished" in displays[0]["data"]["text/html"]
    assert ">completed<" in html(executed, "progress=True) as follow")
    assert "'answer': 'Done: Summarise the inbox'" in "".join(
        o["data"]["text/plain"] for o in outputs(executed, "twin.final_output(events)") if o.output_type == "execute_result")


def test_deliveries_errors_and_the_stop_button(executed: nbformat.NotebookNode) -> None:
    deliveries = html(executed, "verified({")
    assert ">run.started<" in deliveries and ">run.completed<" in deliveries
    errors = text(executed, "no-such-agent")
    assert "failing run: status 'error'" in errors
    assert "PermissionDeniedError: 403 Forbidden: you do not have access to this agent" in errors
    assert "NotFoundError: 404 Not Found" in errors
    stop = text(executed, "_thread.interrupt_main")
    assert "KeyboardInterrupt: stopped waiting; the run is still in_progress" in stop
    assert "now: stopped" in stop
    assert text(executed, "cleaned up").strip() == "cleaned up"


def test_the_batch_waits_tabulates_and_plots(batch: nbformat.NotebookNode) -> None:
    ran_without_error(batch)
    waited = outputs(batch, "client.runs.wait_all(runs")
    displays = [o for o in waited if o.output_type == "display_data"]
    assert len(displays) == 1  # one live line, updated in place
    line = displays[0]["data"]["text/plain"]
    assert "6/6 finished" in line and "1 error" in line, line
    table = html(batch, "client.runs.wait_all(runs")  # the six runs, in the order started
    assert table.count(">completed<") == 5 and table.count(">error<") == 1
    answers = text(batch, "client.runs.as_completed(more").splitlines()
    assert len(answers) == 3 and all("completed, success: {'answer': 'Done: Summarise folder" in a for a in answers)
    assert text(batch, "listed.to_pandas()").startswith("9 runs;")
    frame = html(batch, "listed.to_pandas()")
    assert "<table" in frame and "dataframe" in frame and frame.count("<tr") == 10  # header + 9 runs
    plots = [o for o in outputs(batch, "plt.show()") if "image/png" in o.get("data", {})]
    assert len(plots) == 1 and len(plots[0]["data"]["image/png"]) > 1000
    assert text(batch, "cleaned up").strip() == "cleaned up"


@pytest.mark.parametrize("name", ["quickstart.ipynb", "batch.ipynb"])
def test_the_notebook_is_committed_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code")
