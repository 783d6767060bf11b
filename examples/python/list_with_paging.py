"""List agents and runs: lists page lazily, and filters apply to every page.

    TWIN_API_KEY=... python examples/python/list_with_paging.py
"""

from __future__ import annotations

import itertools

import twin


def main() -> None:
    with twin.Client() as client:
        agent = client.agents.create()
        try:
            for i in range(5):
                client.runs.start(agent.agent_id, message=f"Task {i}").wait()

            # Iterate items: each page is fetched when the previous one is used up.
            runs = client.runs.list(agent.agent_id, status="completed", page_size=2)
            for run in runs:
                print(f"{run.run_id}  {run.status:<10} {run.outcome}")
            print(f"{runs.total} completed runs in all")

            # Or whole pages, e.g. to checkpoint between them.
            for number, page in enumerate(client.runs.list(agent.agent_id, page_size=2).pages(), start=1):
                print(f"page {number}: {len(page)} runs, more after it: {page.has_next}")

            # Stop early: only the pages needed are requested.
            first_three = list(itertools.islice(client.agents.list(page_size=2), 3))
            print("first agents:", [a.agent_id for a in first_three])
        finally:
            client.agents.delete(agent.agent_id)


if __name__ == "__main__":
    main()
