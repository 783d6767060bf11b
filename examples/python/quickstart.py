"""The Python SDK in one page: an agent, a run followed event by event, errors, webhooks.

Runs against the real service when TWIN_API_KEY is set, else on an embedded emulator:

    python examples/python/quickstart.py
"""

from __future__ import annotations

import os

import twin
from twin.testing import Emulator


def tour(client: twin.Client) -> None:
    print("account:", client.me().user_id)

    agent = client.agents.create()
    print("agent:", agent)

    # The bracketed directive scripts the run on the emulator (outcome, number of events,
    # pace); only the emulator reads it.
    message = "Summarise the inbox [emulator: outcome=partial events=9 step_ms=20]"
    run = client.runs.start(agent.agent_id, message=message)
    for event in run.follow(timeout=120):  # Ctrl-C stops it
        print(f"  {event.index:>12}  {event.kind}")
    run = run.wait(timeout=120)
    print("run:", run)
    print("answer:", twin.final_output(list(run.events())))

    # Lists page by themselves; filters stay on every page.
    for r in client.runs.list(agent.agent_id, status="completed", page_size=50):
        print("  completed:", r.run_id, r.outcome)

    try:
        client.agents.get("no-such-agent")
    except twin.PermissionDeniedError as e:
        print("as expected:", e.status, e.problem.detail)

    hook = client.webhooks.create(agent.agent_id, url="https://example.com/hooks/twin", events=["run.completed"])
    body = b'{"event":"run.completed","timestamp":"2026-03-11T14:32:15Z","data":{"run_id":"r","agent_id":"a"}}'
    headers = {"X-Cobb-Signature": twin.webhooks.sign(body, hook.signing_secret), "X-Cobb-Event": "run.completed"}
    delivery = twin.webhooks.unwrap(body, headers, hook.signing_secret, tolerance=None)
    print("webhook delivery verified:", delivery.event, delivery.run_id)

    print("next fire times:", [t.isoformat() for t in twin.cron.next_times("0 0 9 * * MON-FRI *", count=3)])
    client.agents.delete(agent.agent_id)


def main() -> None:
    if os.environ.get("TWIN_API_KEY"):
        with twin.Client() as client:
            tour(client)
    else:
        with Emulator() as emulator, emulator.client() as client:
            tour(client)


if __name__ == "__main__":
    main()
