"""Start a run and wait for its result: the most common job.

    TWIN_API_KEY=... python examples/python/start_and_wait.py
    # or against a local emulator: `twin emulator` prints the two variables to export
"""

from __future__ import annotations

import twin


def main() -> None:
    with twin.Client() as client:  # TWIN_API_KEY, TWIN_BASE_URL
        agent = client.agents.create()
        try:
            client.instructions.update(agent.agent_id, "Summarise my unread mail in three bullets.")
            run = client.runs.start(agent.agent_id, message="Summarise the inbox")
            print(f"started run {run.run_id}")

            # Polls with backoff until the run is completed, failed, stopped or paused.
            # Ctrl-C interrupts; timeout raises twin.WaitTimeoutError (the run goes on).
            run = run.wait(timeout=600)
            print(f"status {run.status}, outcome {run.outcome}: {run.summary}")
            print("answer:", run.final_output())  # None unless the run completed
        finally:
            client.agents.delete(agent.agent_id)


if __name__ == "__main__":
    main()
