"""The ``twin`` command: the Twin API from a shell (``twin --help``).

Installed as a console script with the package (also ``python -m twin``). Human-readable
tables by default, ``--json`` for scripts; errors go to stderr with the problem's title and
detail, and each error class has its own exit status (see ``EXIT_CODES``). Configuration comes
from ``TWIN_API_KEY`` and ``TWIN_BASE_URL`` (or ``--base-url``), as for ``twin.Client``.

This module is imported only when the command runs, never by ``import twin``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from typing import Any, Callable, Iterable, NoReturn, Optional, Sequence, TextIO, cast

import twin

__all__ = ["main", "build_parser", "EXIT_CODES"]

# Exit statuses, one per error class. Looked up along the exception's MRO, so the most
# specific class wins; 1 is reserved for "the answer is no" (an invalid webhook signature).
EXIT_OK = 0
EXIT_INVALID_SIGNATURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_CODES: dict[type[BaseException], int] = {
    twin.WebhookVerificationError: EXIT_INVALID_SIGNATURE,
    twin.AuthenticationError: 3,
    twin.PermissionDeniedError: 4,
    twin.NotFoundError: 5,
    twin.BadRequestError: 6,
    twin.ConflictError: 7,
    twin.UnprocessableEntityError: 8,
    twin.RateLimitError: 9,
    twin.InternalServerError: 10,
    twin.APIStatusError: 11,
    twin.APITimeoutError: 12,
    twin.APIConnectionError: 13,
    twin.UnexpectedResponseError: 14,
    twin.WaitTimeoutError: 15,
    twin.InvalidCronError: 16,
    twin.OperationFailedError: 18,
    twin.ConfigurationError: EXIT_USAGE,
    twin.TwinError: 17,
    ValueError: EXIT_USAGE,
}

WEBHOOK_EVENTS = ["run.started", "run.completed", "run.failed", "run.stopped", "run.paused"]

EXIT_HELP = """\
exit status:
  0    success
  1    webhooks verify: the signature does not match
  2    usage error, invalid argument or configuration (no API key, a bad base URL)
  3    authentication failed (401)
  4    permission denied (403; also an unknown agent)
  5    not found (404)
  6    bad request (400)
  7    conflict (409)
  8    unprocessable entity (422)
  9    rate limited (429)
  10   server error (5xx)
  11   another HTTP error status
  12   timed out
  13   connection failed
  14   unexpected response (not an API answer)
  15   wait or follow ran out of time
  16   invalid cron expression
  17   another SDK error
  18   the service said the operation was not done (success: false)
  130  interrupted (Ctrl-C)

environment:
  TWIN_API_KEY   the API key (not needed by emulator, webhooks verify, cron)
  TWIN_BASE_URL  the API's base URL (default https://build.twin.so)
  TWIN_LOG       SDK log level on stderr: error, warning, info, debug, trace
"""


class UsageError(Exception):
    """A command line that parsed but cannot be carried out as given."""


# ----------------------------------------------------------------------------- output


def _text(value: Any, width: int = 60) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
    if isinstance(value, (list, tuple)):
        text = ", ".join(_text(v, width) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    text = " ".join(text.split())  # one line
    return text if len(text) <= width else text[: width - 1] + "…"


Column = tuple[str, Callable[[Any], Any]]


def _col(name: str, header: Optional[str] = None) -> Column:
    return (header or name, lambda obj: getattr(obj, name))


def print_table(rows: Iterable[Any], columns: Sequence[Column], out: TextIO) -> int:
    """Prints ``rows`` as an aligned table; returns the number of rows."""
    cells = [[_text(get(row)) for _, get in columns] for row in rows]
    headers = [h for h, _ in columns]
    if not cells:
        print("(none)", file=out)
        return 0
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    for line in [headers, *cells]:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip(), file=out)
    return len(cells)


def print_record(obj: Any, fields: Sequence[str], out: TextIO) -> None:
    """Prints one object as ``field  value`` lines."""
    width = max(len(f) for f in fields)
    for f in fields:
        print(f"{f.ljust(width)}  {_text(getattr(obj, f), 100)}", file=out)


def print_json(data: Any, out: TextIO, *, indent: Optional[int] = 2) -> None:
    print(json.dumps(data, indent=indent, ensure_ascii=False, default=str), file=out)


# --------------------------------------------------------------------- resource views

AGENT_COLUMNS = [
    _col("agent_id"),
    _col("name"),
    _col("deployment_state", "state"),
    _col("latest_run_status", "latest run"),
    _col("last_activity_at", "last activity"),
]
AGENT_FIELDS = [
    "agent_id", "name", "workspace_id", "deployment_state", "has_runs", "latest_run_id",
    "latest_run_status", "latest_run_is_finished", "latest_run_has_pending_input",
    "last_activity_at",
]
RUN_COLUMNS = [
    _col("run_id"),
    _col("status"),
    _col("outcome"),
    _col("run_kind", "kind"),
    _col("started_at", "started"),
    _col("summary"),
]
RUN_FIELDS = [
    "run_id", "agent_id", "status", "outcome", "summary", "run_number", "run_kind",
    "policy_type", "policy_model", "credits_consumed", "started_at", "last_event_at",
]
WEBHOOK_COLUMNS = [_col("webhook_id"), _col("url"), _col("status"), _col("events")]
WEBHOOK_FIELDS = ["webhook_id", "agent_id", "url", "events", "status", "created_at"]


def event_detail(event: twin.Event) -> str:
    """A short, secret-free description of an event: the tool, the outcome, the model."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    for key in ("tool_name", "related_tool_name", "outcome", "error", "model", "status"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return f"{key}={value}"
    tool = payload.get("tool")
    if isinstance(tool, dict):
        for inner in tool.values():
            if isinstance(inner, dict) and isinstance(inner.get("tool_name"), str):
                return f"tool_name={inner['tool_name']}"
    return ""


EVENT_COLUMNS = [
    _col("index"),
    _col("kind"),
    _col("recorded_at", "recorded"),
    ("detail", event_detail),
]


class EventStream:
    """Prints events one line at a time as they arrive (tables need no look-ahead)."""

    def __init__(self, out: TextIO, as_json: bool) -> None:
        self.out, self.as_json, self.count = out, as_json, 0
        self.started = time.monotonic()

    def __call__(self, event: twin.Event) -> None:
        if self.count == 0 and not self.as_json:
            print(f"{'index':>12}  {'kind':<24}  {'elapsed':>8}  detail", file=self.out)
        self.count += 1
        if self.as_json:
            print_json(event.to_dict(), self.out, indent=None)
        else:
            elapsed = f"{time.monotonic() - self.started:.1f}s"
            line = f"{event.index:>12}  {event.kind:<24}  {elapsed:>8}  {event_detail(event)}"
            print(line.rstrip(), file=self.out)
        self.out.flush()


# ---------------------------------------------------------------------------- commands


def _client(args: argparse.Namespace) -> twin.Client:
    return twin.Client(base_url=args.base_url)


def cmd_emulator(args: argparse.Namespace, out: TextIO) -> int:
    import signal
    import urllib.parse

    from . import _twin

    emulator = _twin.EmbeddedEmulator(api_key=args.api_key, port=args.port)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        ui_url = emulator.ui_url
        if args.json:
            print_json({"url": emulator.url, "api_key": emulator.api_key, "ui_url": ui_url}, out, indent=None)
        else:
            print(f"Twin emulator on {emulator.url} (Ctrl-C stops it). In another shell:", file=out)
            print(f"  export TWIN_BASE_URL={emulator.url}", file=out)
            print(f"  export TWIN_API_KEY={emulator.api_key}  # the emulator's own test key", file=out)
            link = f"{ui_url}#key={urllib.parse.quote(emulator.api_key, safe='')}"
            print(f"Watch it live (agents, runs, events, webhooks, requests, faults): {link}", file=out)
        out.flush()
        while emulator.running:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.shutdown()
    return EXIT_OK


def cmd_me(args: argparse.Namespace, out: TextIO) -> int:
    with _client(args) as client:
        me = client.me()
    if args.json:
        print_json(me.to_dict(), out)
    else:
        print_record(me, ["user_id"], out)
    return EXIT_OK


def _limited(items: Iterable[Any], limit: Optional[int]) -> list[Any]:
    result: list[Any] = []
    for item in items:
        if limit is not None and len(result) >= limit:
            break
        result.append(item)
    return result


def cmd_agents(args: argparse.Namespace, out: TextIO) -> int:
    with _client(args) as client:
        if args.action == "list":
            agents = _limited(client.agents.list(workspace_id=args.workspace), args.limit)
            if args.json:
                print_json([a.to_dict() for a in agents], out)
            else:
                print_table(agents, AGENT_COLUMNS, out)
            return EXIT_OK
        if args.action == "delete":
            client.agents.delete(args.agent)
            if args.json:
                print_json({"deleted": args.agent}, out)
            else:
                print(f"deleted agent {args.agent}", file=out)
            return EXIT_OK
        if args.action == "create":
            agent = client.agents.create(workspace_id=args.workspace)
        else:
            agent = client.agents.get(args.agent)
    if args.json:
        print_json(agent.to_dict(), out)
    else:
        print_record(agent, AGENT_FIELDS, out)
    return EXIT_OK


def _print_run(run: twin.Run, args: argparse.Namespace, out: TextIO) -> None:
    if args.json:
        print_json(run.to_dict(), out)
    else:
        print_record(run, RUN_FIELDS, out)


def _follow(run: twin.Run, args: argparse.Namespace, out: TextIO, after: Optional[int] = None) -> None:
    stream = EventStream(out, args.json)
    with run.follow(after_index=after, timeout=args.timeout) as events:
        for event in events:
            stream(event)
    if not args.json and stream.count == 0:
        print("(no events)", file=out)


def cmd_runs(args: argparse.Namespace, out: TextIO) -> int:
    with _client(args) as client:
        if args.action == "list":
            runs = _limited(client.runs.list(args.agent, status=args.status), args.limit)
            if args.json:
                print_json([r.to_dict() for r in runs], out)
            else:
                print_table(runs, RUN_COLUMNS, out)
        elif args.action == "start":
            run = client.runs.start(args.agent, mode=args.mode, message=args.message)
            if args.follow:
                if not args.json:
                    print(f"started run {run.run_id}; following its events (Ctrl-C stops following)", file=out)
                    out.flush()
                _follow(run, args, out)
                run = run.refresh()
                if not args.json:
                    print(f"run {run.run_id}: {run.status}" + (f", outcome {run.outcome}" if run.outcome else ""), file=out)
            elif args.wait:
                run = run.wait(timeout=args.timeout)
                _print_run(run, args, out)
            else:
                _print_run(run, args, out)
        elif args.action == "get":
            _print_run(client.runs.get(args.agent, args.run), args, out)
        elif args.action == "wait":
            _print_run(client.runs.wait(args.agent, args.run, timeout=args.timeout), args, out)
        elif args.action == "cancel":
            result = client.runs.cancel(args.agent, args.run, reason=args.reason)
            if args.json:
                print_json({"success": result.success, "note": result.note}, out)
            else:
                print(f"cancelled run {args.run}" + (f" ({result.note})" if result.note else ""), file=out)
    return EXIT_OK


def cmd_events(args: argparse.Namespace, out: TextIO) -> int:
    with _client(args) as client:
        if args.follow:
            stream = EventStream(out, args.json)
            with client.events.follow(args.agent, args.run, after_index=args.after, timeout=args.timeout) as follow:
                for event in follow:
                    stream(event)
            return EXIT_OK
        events = _limited(client.events.list(args.agent, args.run, after_index=args.after), args.limit)
    if args.json:
        print_json([e.to_dict() for e in events], out)
    else:
        print_table(events, EVENT_COLUMNS, out)
    return EXIT_OK


def cmd_webhooks(args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "verify":
        return cmd_webhooks_verify(args, out)
    with _client(args) as client:
        if args.action == "list":
            hooks = client.webhooks.list(args.agent)
            if args.json:
                print_json([h.to_dict() for h in hooks], out)
            else:
                print_table(hooks, WEBHOOK_COLUMNS, out)
        elif args.action == "delete":
            client.webhooks.delete(args.agent, args.webhook)
            if args.json:
                print_json({"deleted": args.webhook}, out)
            else:
                print(f"deleted webhook {args.webhook}", file=out)
        else:
            if not (args.show_secret or args.secret_file):
                raise UsageError(
                    "the signing secret is returned only once: pass --secret-file PATH to store it "
                    "(or --show-secret to print it)"
                )
            hook = client.webhooks.create(args.agent, url=args.url, events=cast(Any, args.event or WEBHOOK_EVENTS))
            if args.secret_file:
                _write_secret(args.secret_file, hook.signing_secret)
            data = hook.to_dict()
            if not args.show_secret:
                data.pop("signing_secret", None)
            if args.json:
                print_json(data, out)
            else:
                print_record(hook, WEBHOOK_FIELDS, out)
                if args.show_secret:
                    print(f"{'signing_secret'.ljust(14)}  {hook.signing_secret}", file=out)
                else:
                    print(f"signing secret written to {args.secret_file}", file=out)
    return EXIT_OK


def _write_secret(path: str, secret: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret + "\n")


def cmd_webhooks_verify(args: argparse.Namespace, out: TextIO) -> int:
    secrets = list(args.secret or [])
    if not secrets and os.environ.get("TWIN_WEBHOOK_SECRET"):
        secrets = [os.environ["TWIN_WEBHOOK_SECRET"]]
    if not secrets:
        raise UsageError("give the webhook's signing secret: --secret S (or TWIN_WEBHOOK_SECRET)")
    body = sys.stdin.buffer.read()
    twin.webhooks.verify(body, args.signature, secrets)
    if args.json:
        print_json({"valid": True}, out)
    else:
        print("signature valid", file=out)
    return EXIT_OK


def cmd_cron(args: argparse.Namespace, out: TextIO) -> int:
    if args.count < 0:
        raise UsageError("-n must be zero or more")
    times = twin.cron.next_times(args.expr, count=args.count)
    if args.json:
        print_json([t.isoformat() for t in times], out)
    else:
        for t in times:
            print(t.strftime("%a %Y-%m-%d %H:%M:%S UTC"), file=out)
    return EXIT_OK


# ------------------------------------------------------------------------------ parser


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``twin`` command (every subcommand has ``--help``)."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS lets --json and --base-url go before or after the subcommand.
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print JSON instead of tables (one object per line when following)")
    common.add_argument("--base-url", metavar="URL", default=argparse.SUPPRESS,
                        help="the API's base URL (default: TWIN_BASE_URL, else https://build.twin.so)")

    parser = argparse.ArgumentParser(
        prog="twin",
        description="The Twin API from a shell: agents, runs, events, webhooks, cron, and a local emulator.",
        epilog=EXIT_HELP,
        formatter_class=_Formatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"twin {twin.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def sub(group: Any, name: str, help: str, **kw: Any) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = group.add_parser(
            name, help=help, description=kw.pop("description", help), parents=[common],
            formatter_class=_Formatter, **kw,
        )
        return p

    p = sub(commands, "emulator", "run a local Twin emulator until Ctrl-C",
            description="Runs the Twin emulator (the local Twin API used by the demo and the tests) in "
                        "this process until Ctrl-C or SIGTERM, and prints where it listens, its key and the link to its "
                        "inspector (a web page showing agents, runs, events, webhook deliveries, requests "
                        "and faults, live).")
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument("--api-key", metavar="K", help="the key that works from the start (default: made up)")
    p.set_defaults(func=cmd_emulator)

    p = sub(commands, "me", "show the account the API key belongs to")
    p.set_defaults(func=cmd_me)

    agents = sub(commands, "agents", "list, create, show and delete agents")
    actions = agents.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub(actions, "list", "list agents (newest first)")
    p.add_argument("--workspace", metavar="ID", help="only the agents of this workspace")
    p.add_argument("--limit", type=int, metavar="N", help="at most N agents")
    p = sub(actions, "create", "create an agent")
    p.add_argument("--workspace", metavar="ID", help="the workspace to create it in")
    p = sub(actions, "get", "show one agent")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p = sub(actions, "delete", "delete an agent and its runs")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    agents.set_defaults(func=cmd_agents)

    runs = sub(commands, "runs", "list, start, show, wait for and cancel runs")
    actions = runs.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub(actions, "list", "list an agent's runs (newest first)")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p.add_argument("--status", help="only runs in this status (in_progress, completed, error, stopped, paused)")
    p.add_argument("--limit", type=int, metavar="N", help="at most N runs")
    p = sub(actions, "start", "start a run", description="Starts a run of an agent; --follow streams "
            "its events until it ends, --wait waits for it and shows the result.")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p.add_argument("--message", "-m", metavar="M", help="the user message")
    p.add_argument("--mode", choices=["run", "build"], default="run", help="run mode (default: run)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--follow", "-f", action="store_true", help="stream its events as they happen")
    how.add_argument("--wait", "-w", action="store_true", help="wait until it ends and show it")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds to follow or wait (default 600)")
    p = sub(actions, "get", "show one run")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p.add_argument("run", metavar="RUN", help="run id")
    p = sub(actions, "wait", "wait until a run ends (or pauses) and show it")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p.add_argument("run", metavar="RUN", help="run id")
    p.add_argument("--timeout", type=float, metavar="S", help="give up after S seconds (default 600)")
    p = sub(actions, "cancel", "cancel a run (a finished run stays as it is)")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p.add_argument("run", metavar="RUN", help="run id")
    p.add_argument("--reason", metavar="R", help="why, for the record")
    runs.set_defaults(func=cmd_runs)

    p = sub(commands, "events", "list a run's events, or follow them live")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p.add_argument("run", metavar="RUN", help="run id")
    p.add_argument("--follow", "-f", action="store_true", help="stream events until the run ends")
    p.add_argument("--after", type=int, metavar="INDEX", help="only events after this event index")
    p.add_argument("--limit", type=int, metavar="N", help="at most N events (listing only)")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds to follow (default 600)")
    p.set_defaults(func=cmd_events)

    hooks = sub(commands, "webhooks", "list, create and delete webhooks; verify a delivery")
    actions = hooks.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub(actions, "list", "list an agent's webhooks")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p = sub(actions, "create", "subscribe a URL to an agent's run events",
            description="Subscribes a URL to an agent's run events. The signing secret is returned only "
                        "once: store it with --secret-file, or print it with --show-secret.")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p.add_argument("--url", required=True, help="where deliveries are POSTed")
    p.add_argument("--event", action="append", choices=WEBHOOK_EVENTS, metavar="EVENT",
                   help="an event to deliver, repeatable (default: all of " + ", ".join(WEBHOOK_EVENTS) + ")")
    p.add_argument("--secret-file", metavar="PATH", help="write the signing secret to PATH (mode 0600)")
    p.add_argument("--show-secret", action="store_true", help="print the signing secret")
    p = sub(actions, "delete", "delete a webhook")
    p.add_argument("agent", metavar="AGENT", help="agent id")
    p.add_argument("webhook", metavar="WEBHOOK", help="webhook id")
    p = sub(actions, "verify", "check a delivery's signature (body on stdin)",
            description="Checks X-Cobb-Signature against the raw body read from stdin. Exit status 0 "
                        "when it matches one of the secrets, 1 when it does not.",
            epilog="example:\n  twin webhooks verify --secret \"$SECRET\" --signature \"sha256=...\" < body.json")
    p.add_argument("--secret", action="append", metavar="S",
                   help="the webhook's signing secret; repeat while rotating (default: TWIN_WEBHOOK_SECRET)")
    p.add_argument("--signature", required=True, metavar="H", help="the X-Cobb-Signature header value")
    hooks.set_defaults(func=cmd_webhooks)

    cron = sub(commands, "cron", "Twin's 7-field cron expressions (UTC, day-of-week 1 = Sunday)")
    actions = cron.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub(actions, "next", "print the next fire times of an expression",
            epilog="example:\n  twin cron next '0 0 9 * * MON-FRI *' -n 3")
    p.add_argument("expr", metavar="EXPR", help='e.g. "0 0 9 * * Mon-Fri *" (sec min hour dom month dow year)')
    p.add_argument("-n", dest="count", type=int, default=5, metavar="N", help="how many (default 5)")
    cron.set_defaults(func=cmd_cron)
    return parser


# ------------------------------------------------------------------------------- main


def _fail(message: str, code: int) -> int:
    print(f"twin: error: {message}", file=sys.stderr)
    return code


def _describe(error: BaseException) -> str:
    if isinstance(error, twin.APIStatusError):
        problem = error.problem
        text = f"{error.status} {problem.title}" if problem.title else str(error.status)
        if problem.detail:
            text += f": {problem.detail}"
        if error.request_id:
            text += f" (request id {error.request_id})"
        if error.retry_after is not None:
            text += f" (retry after {error.retry_after:g} s)"
        return text
    return str(error)


def exit_code(error: BaseException) -> int:
    """The exit status for an exception (see ``EXIT_CODES``)."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_CODES[twin.TwinError]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the ``twin`` command with ``argv`` (default ``sys.argv[1:]``); returns the exit
    status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.json = getattr(args, "json", False)
    args.base_url = getattr(args, "base_url", None)
    out = sys.stdout
    try:
        code: int = args.func(args, out)
        return code
    except KeyboardInterrupt:
        following = getattr(args, "follow", False)
        note = " (the run goes on: `twin runs cancel AGENT RUN` stops it)" if following else ""
        return _fail("interrupted" + note, EXIT_INTERRUPTED)
    except UsageError as e:
        return _fail(str(e), EXIT_USAGE)
    except twin.WebhookVerificationError as e:
        return _fail(f"signature invalid: {e} ({e.reason})", EXIT_INVALID_SIGNATURE)
    except (twin.TwinError, ValueError) as e:
        return _fail(_describe(e), exit_code(e))
    except BrokenPipeError:
        # `twin runs list AGENT | head`: the reader left; not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def run() -> NoReturn:
    """The console script's entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
