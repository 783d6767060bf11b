"""Follow a run's events as they happen, then read the answer.

    TWIN_API_KEY=... python examples/python/follow_events.py

`follow()` polls the events endpoint with backoff, yields each event once, in order, and ends
when the run has ended and every event was seen. Leaving the `with` block (or Ctrl-C) stops
following; the run itself goes on until it ends or is cancelled.
"""

from __future__ import annotations

import twin


def main() -> None:
    with twin.Client() as client:
        agent = client.agents.create()
        try:
            run = client.runs.start(agent.agent_id, message="Plan my week")
            with run.follow(timeout=600) as events:
                for event in events:
                    # kind: Started, RunPolicyInitialized, PolicyDecided, ToolCallResolved, Finished, ...
                    # payload: the event's body with protobuf Value trees decoded to plain data.
                    detail = event.payload.get("tool_name", "") if isinstance(event.payload, dict) else ""
                    print(f"{event.index:>12}  {event.kind:<24} {detail}")
                resume_from = events.last_index  # pass as after_index to pick up where this stopped
            run = run.refresh()
            print(f"run {run.status} after the event with index {resume_from}")
            print("answer:", run.final_output())  # None unless the run completed
        finally:
            client.agents.delete(agent.agent_id)


if __name__ == "__main__":
    main()
