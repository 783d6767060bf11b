"""Secrets kept: with the API key and a signing secret set to unique markers and TWIN_LOG=debug,
a workload that triggers every error class writes neither marker to logs, reprs, str() of
exceptions or their problems. Runs in a subprocess so the logging setup is the user's."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

WORKLOAD = textwrap.dedent(
    '''
    import logging, sys
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(message)s")
    import twin
    from twin.testing import Emulator

    KEY, SECRET = sys.argv[1], sys.argv[2]
    errors = []

    def show(x):
        print(repr(x))
        print(str(x))

    def expect(fn):
        try:
            fn()
        except Exception as e:
            errors.append(e)
            show(e)
            print(e.args)
            show(getattr(e, "problem", None))
        else:
            raise SystemExit(f"expected an error from {fn}")

    with Emulator(api_key=KEY, step_ms=5) as emu:
        c = emu.client(max_retries=0)
        show(c)
        agent = c.agents.create()
        show(agent)
        show(c.webhooks.create(agent.agent_id, url="http://127.0.0.1:9/hook", events=["run.completed"]))
        show(c.api_keys.create("another key"))
        show(c.api_keys.list())
        run = c.runs.start(agent.agent_id, message="[emulator: slow events=50]")
        show(run)

        expect(lambda: c.agents.get("missing"))                       # 403
        expect(lambda: c.runs.get(agent.agent_id, "no-such-run"))     # 404
        expect(lambda: c.agents.create(agent_id=agent.agent_id))      # 409
        expect(lambda: c.workspaces.reorder(["no-such-workspace"]))   # 400
        expect(lambda: twin.Client(api_key=KEY + "x", base_url=emu.url).me())  # 401, key nearly right
        for faults in [dict(error_status=422), dict(error_status=500), dict(error_status=503)]:
            emu.set_faults(error_rate=1.0, **faults)
            expect(c.me)
        emu.set_faults(rate_limit_rate=1.0, retry_after=0)
        expect(c.me)                                                  # 429
        emu.set_faults(html_rate=1.0)
        expect(c.me)                                                  # unexpected response
        emu.set_faults(drop_rate=1.0)
        expect(c.me)                                                  # connection
        emu.set_faults(latency_ms=1000)
        expect(lambda: emu.client(timeout=0.2, max_retries=0).me())  # timeout
        emu.set_faults()
        expect(lambda: c.runs.wait(agent.agent_id, run.run_id, timeout=0.3))  # wait timeout
        body = b'{"event":"run.completed","timestamp":"2020-01-01T00:00:00Z","data":{"run_id":"r","agent_id":"a"}}'
        expect(lambda: twin.webhooks.verify(body, "sha256=" + "0" * 64, SECRET))
        expect(lambda: twin.webhooks.verify(body, "sha256=" + "0" * 64, [SECRET, SECRET + "old"]))
        signed = twin.webhooks.sign(body, SECRET)
        expect(lambda: twin.webhooks.unwrap(body, {"X-Cobb-Signature": signed}, SECRET))  # stale
        expect(lambda: twin.webhooks.unwrap(body[:-1], {"X-Cobb-Signature": signed}, SECRET))
        expect(lambda: twin.cron.validate("61 * * * * * *"))
        expect(lambda: c.schedules.set(agent.agent_id, "not cron"))
        expect(lambda: twin.Client(api_key=KEY, base_url="ftp://nowhere"))
    print("CLASSES", " ".join(sorted({type(e).__name__ for e in errors})))
    '''
)


def test_no_marker_reaches_logs_reprs_or_errors() -> None:
    key_marker = "MARKERKEY" + uuid.uuid4().hex
    secret_marker = "whsec_MARKERSECRET" + uuid.uuid4().hex
    api_key = "twin_0123456789abcdef0123456789abcdef_" + key_marker
    env = dict(os.environ, TWIN_LOG="debug")
    done = subprocess.run(
        [sys.executable, "-c", WORKLOAD, api_key, secret_marker],
        capture_output=True, text=True, timeout=120, env=env,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert key_marker not in output
    assert secret_marker not in output
    # The workload really ran: debug logs were written and every error class was raised.
    assert "GET /v1/me" in done.stderr, done.stderr[-2000:]
    classes = set(done.stdout.split("CLASSES", 1)[1].split())
    for expected in [
        "PermissionDeniedError", "NotFoundError", "ConflictError", "BadRequestError", "AuthenticationError",
        "UnprocessableEntityError", "InternalServerError", "RateLimitError", "UnexpectedResponseError",
        "APIConnectionError", "APITimeoutError", "WaitTimeoutError", "WebhookVerificationError", "InvalidCronError",
    ]:
        assert expected in classes, (expected, classes)
