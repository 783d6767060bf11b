"""The Twin SDK's main job, narrated step by step (`make demo` runs this file).

    python examples/python/quickstart.py

It starts a Twin emulator in this process and works against it, unless both TWIN_API_KEY and
TWIN_BASE_URL are set: then it runs against that server, where it creates real resources
(a workspace, an agent, a schedule, a webhook, runs) and deletes them at the end.

Exits 0 when every step worked, 1 with the failing step and error on stderr otherwise.
"""

from __future__ import annotations

import datetime
import http.server
import json
import ipaddress
import os
import sys
import threading
import time
import urllib.parse
from typing import Any, Callable, Iterator, Optional, Sequence

import twin
from twin.testing import Emulator

CRON = "0 0 9 * * Mon-Fri *"  # 7 fields: sec min hour day month day-of-week year (UTC)


# ------------------------------------------------------------------------ narration


def say(text: str = "") -> None:
    print(text, flush=True)


def show(label: str, value: object) -> None:
    say(f"   {label:<14} {value}")


def short(value: object, width: int = 70) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def when(value: Optional[datetime.datetime]) -> str:
    return "-" if value is None else value.strftime("%a %Y-%m-%d %H:%M UTC")


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    """Prints rows as an aligned table, indented under the step."""
    cells = [[short("-" if c is None else c, 44) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    for row in [list(headers), *cells]:
        say("   " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


# ----------------------------------------------------------------- webhook receiver


class Receiver:
    """A minimal webhook receiver on a loopback port: it keeps each delivery's raw body and
    headers, and answers 204 at once, as a receiver should."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.changed:
                    # Header names as sent (often lower case); twin.webhooks.unwrap ignores case.
                    receiver.deliveries.append(({k.title(): v for k, v in self.headers.items()}, body))
                    receiver.changed.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/twin-webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, wanted: set[tuple[str, str]], timeout: float = 20.0) -> list[tuple[dict[str, str], bytes]]:
        """Waits until deliveries of every (event, run_id) in ``wanted`` arrived; returns them."""

        def got() -> set[tuple[str, str]]:
            seen = set()
            for headers, body in self.deliveries:
                for run_id in {r for _, r in wanted}:
                    if run_id.encode() in body:
                        seen.add((headers.get("X-Cobb-Event", ""), run_id))
            return seen

        with self.changed:
            if not self.changed.wait_for(lambda: wanted <= got(), timeout=timeout):
                missing = ", ".join(sorted(e for e, _ in wanted - got()))
                raise RuntimeError(f"no webhook delivery of {missing} within {timeout:.0f} s")
            return [(h, b) for h, b in self.deliveries if any(r.encode() in b for _, r in wanted)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def verify_deliveries(deliveries: list[tuple[dict[str, str], bytes]], secret: str) -> None:
    """Verifies each delivery with the webhook's secret, as a receiver must, and shows it."""
    rows = []
    for headers, body in deliveries:
        event = twin.webhooks.unwrap(body, headers, secret)  # raises unless genuine and fresh
        rows.append([event.event, event.run_id, event.status, event.outcome, "verified"])
    table(rows, ["delivery", "run", "status", "outcome", "signature"])


# ------------------------------------------------------------------------- the demo


class Demo:
    def __init__(self, client: twin.Client, emulated: bool) -> None:
        self.client = client
        self.emulated = emulated
        self.cleanup: list[tuple[str, Callable[[], None]]] = []
        self.receiver: Optional[Receiver] = None
        self.secret = ""
        self.agent_id = ""

    def script(self, message: str, directive: str) -> str:
        """A user message; on the emulator it carries a directive that scripts the run."""
        return f"{message} [emulator: {directive}]" if self.emulated else message

    def loopback(self) -> bool:
        host = urllib.parse.urlsplit(self.client.base_url).hostname or ""
        try:
            return host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def step1_account_workspace_agent(self) -> None:
        me = self.client.me()
        show("account", me.user_id)
        workspace = self.client.workspaces.create("twin-sdk quickstart")
        self.cleanup.append((f"workspace {workspace.workspace_id}",
                             lambda: self.client.workspaces.delete(workspace.workspace_id)))
        show("workspace", f"{workspace.workspace_id} ({workspace.name!r})")
        agent = self.client.agents.create(workspace_id=workspace.workspace_id)
        self.agent_id = agent.agent_id
        self.cleanup.append((f"agent {agent.agent_id}", lambda: self.client.agents.delete(agent.agent_id)))
        show("agent", f"{agent.agent_id} ({agent.deployment_state})")

    def step2_instructions(self) -> None:
        for text in ["# Inbox helper\nSummarise my unread mail.",
                     "# Inbox helper\nSummarise my unread mail in three bullets, urgent first."]:
            self.client.instructions.update(self.agent_id, text)
        current = self.client.instructions.get(self.agent_id)
        show("current", short(current.content if current else None))
        history = self.client.instructions.history(self.agent_id)
        say("   history, newest first:")
        table([[v.id, v.source_type, v.content] for v in history], ["version", "source", "content"])

    def step3_schedule(self) -> None:
        self.client.schedules.set(self.agent_id, CRON)
        self.cleanup.append(("schedule", lambda: self.client.schedules.delete(self.agent_id)))
        show("cron", f"{CRON}  (UTC; day-of-week 1 = Sunday, names are clearer)")
        say("   next five fire times, computed locally by twin.cron:")
        for t in twin.cron.next_times(CRON, count=5):
            say(f"     {when(t)}")
        self.client.schedules.pause(self.agent_id)
        schedule = self.client.schedules.get(self.agent_id)
        assert schedule is not None, "the schedule just set is missing"
        show("server says", f"next_run {when(schedule.next_run)}, paused={schedule.paused}")

    def step4_webhook(self) -> None:
        if not self.loopback():
            say("   skipped: a server elsewhere cannot reach a receiver on this machine's loopback")
            return
        self.receiver = Receiver()
        show("receiver", self.receiver.url)
        hook = self.client.webhooks.create(self.agent_id, url=self.receiver.url, events=["run.started", "run.completed", "run.failed", "run.stopped", "run.paused"])
        self.secret = hook.signing_secret  # returned only once: keep it (never print it)
        self.cleanup.append((f"webhook {hook.webhook_id}",
                             lambda: self.client.webhooks.delete(self.agent_id, hook.webhook_id)))
        show("webhook", f"{hook.webhook_id} ({hook.status}) for {', '.join(hook.events)}")

    def step5_run(self) -> twin.Run:
        message = self.script("Summarise the inbox", "outcome=success events=24 step_ms=60")
        run = self.client.runs.start(self.agent_id, message=message)
        show("run", f"{run.run_id} started ({run.status})")
        started = time.monotonic()
        # progress=True: one line rewritten in place on a terminal (nothing on a pipe).
        # Ctrl-C stops following (the run goes on).
        with run.follow(timeout=300, progress=True) as follow:
            events = list(follow)
        elapsed = time.monotonic() - started
        show("followed", f"{len(events)} events in {elapsed:.1f} s, the last {events[-1].kind if events else '-'}")
        run = run.wait(timeout=60)
        show("status", f"{run.status}, outcome {run.outcome}")
        show("summary", short(run.summary))
        show("final_output", short(json.dumps(run.final_output())))
        return run

    def step6_deliveries(self, run: twin.Run) -> None:
        if self.receiver is None:
            say("   skipped (no receiver, see step 4)")
            return
        deliveries = self.receiver.wait_for({("run.started", run.run_id), ("run.completed", run.run_id)})
        verify_deliveries(deliveries, self.secret)
        headers, body = deliveries[-1]
        try:
            twin.webhooks.unwrap(body.replace(b"completed", b"COMPLETED"), headers, self.secret)
            raise RuntimeError("a tampered delivery verified")
        except twin.WebhookVerificationError as e:
            show("tampered body", f"rejected: WebhookVerificationError ({e.reason})")

    def step7_failures(self) -> None:
        if self.emulated:
            failing = self.client.runs.start(self.agent_id, message=self.script("Book the flights", "error step_ms=20"))
            failed = failing.wait(timeout=60)
            say("   a run that fails is not an exception: its status says so")
            show("failing run", f"{failed.run_id}: status {failed.status!r}, {short(failed.summary, 50)}")
        else:
            failed = None
            say("   (a failing run can only be scripted on the emulator)")

        slow = self.client.runs.start(self.agent_id, message=self.script("Reorganise the archive", "slow"))
        try:
            slow.wait(timeout=0.5)
            say("   the run ended within 0.5 s (no WaitTimeoutError to show)")
        except twin.WaitTimeoutError:
            show("wait(0.5 s)", "raised WaitTimeoutError: the run was still in progress (and goes on)")
        result = slow.cancel(reason="changed my mind")
        stopped = slow.wait(timeout=60)
        show("cancelled run", f"{stopped.run_id}: cancel success={result.success}, then status {stopped.status!r}")
        if stopped.status != "stopped":
            say("   (it ended before the cancel arrived: cancelling is best effort)")
        again = slow.cancel()
        show("cancel again", f"success={again.success}, note {again.note!r}")

        try:
            self.client.agents.get("no-such-agent")
        except twin.PermissionDeniedError as e:  # the service's answer for an unknown agent
            show("unknown agent", f"{type(e).__name__}: {e.status} {e.problem.title}: {e.problem.detail}")
        try:
            self.client.runs.get(self.agent_id, "no-such-run")
        except twin.NotFoundError as e:
            show("unknown run", f"{type(e).__name__}: {e.status} {e.problem.title}: {e.problem.detail}")

        if self.receiver is not None:
            say("   and their webhook deliveries:")
            final = {"stopped": "run.stopped", "error": "run.failed"}.get(stopped.status or "", "run.completed")
            wanted = {(final, stopped.run_id)}
            if failed is not None:
                wanted.add(("run.failed", failed.run_id))
            verify_deliveries([d for d in self.receiver.wait_for(wanted)
                               if d[0].get("X-Cobb-Event") != "run.started"], self.secret)

    def step8_runs_and_cleanup(self) -> None:
        runs = self.client.runs.list(self.agent_id, page_size=50)  # pages lazily; iterable again and again
        show("runs", f"{len(runs)} (the total the service reports)")
        table([[r.run_id, r.status, r.outcome, r.started_at and r.started_at.strftime("%H:%M:%S")] for r in runs],
              ["run", "status", "outcome", "started"])
        self.clean_up()

    def clean_up(self) -> None:
        while self.cleanup:
            what, undo = self.cleanup.pop()
            try:
                undo()
                show("deleted", what)
            except twin.TwinError as e:
                print(f"   could not delete {what}: {e}", file=sys.stderr)
        if self.receiver is not None:
            self.receiver.close()
            self.receiver = None

    def steps(self) -> Iterator[tuple[str, Callable[[], Any]]]:
        yield "Who am I; a workspace and an agent in it", self.step1_account_workspace_agent
        yield "Instructions, written twice, and their history", self.step2_instructions
        yield "A schedule: its next fire times, then paused", self.step3_schedule
        yield "A local webhook receiver, registered for all five run events", self.step4_webhook
        run: list[twin.Run] = []
        yield "A run, followed live", lambda: run.append(self.step5_run())
        yield "The signed deliveries, verified with the secret", lambda: self.step6_deliveries(run[0])
        yield "When things go wrong: a failing run, a cancelled run, API errors", self.step7_failures
        yield "The agent's runs; clean up", self.step8_runs_and_cleanup


def main() -> int:
    started = time.monotonic()
    remote = bool(os.environ.get("TWIN_API_KEY") and os.environ.get("TWIN_BASE_URL"))
    emulator: Optional[Emulator] = None
    if remote:
        client = twin.Client()
        say(f"Twin SDK {twin.__version__} quickstart against {client.base_url}")
        say("(TWIN_API_KEY and TWIN_BASE_URL are set: this creates and deletes real resources there)")
    else:
        if os.environ.get("TWIN_API_KEY"):
            say("(TWIN_API_KEY is set without TWIN_BASE_URL: using the emulator; set both to use a server)")
        emulator = Emulator()
        client = emulator.client()
        say(f"Twin SDK {twin.__version__} quickstart on an emulator started in this process ({emulator.url})")

    demo = Demo(client, emulated=emulator is not None)
    number, title = 0, "starting"
    try:
        for number, (title, action) in enumerate(demo.steps(), start=1):
            say(f"\n{number}. {title}")
            action()
    except KeyboardInterrupt:
        print(f"\ninterrupted in step {number}; cleaning up", file=sys.stderr)
        demo.clean_up()
        return 130
    except Exception as e:
        print(f"\nquickstart failed in step {number} ({title}): {type(e).__name__}: {e}", file=sys.stderr)
        demo.clean_up()
        return 1
    finally:
        client.close()
        if emulator is not None:
            emulator.close()
    say(f"\nDone in {time.monotonic() - started:.1f} s: every step worked.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
