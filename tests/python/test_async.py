"""AsyncClient: the same surface with async def; pagers and follow as async iterators."""

from __future__ import annotations

import asyncio
import time

import pytest

import twin
from twin.testing import Emulator

from conftest import API_KEY, script


def test_async_client_basics(emulator: Emulator) -> None:
    async def main() -> None:
        async with twin.AsyncClient(API_KEY, emulator.url) as client:
            assert client.base_url == emulator.url
            me = await client.me()
            assert me.user_id.startswith("user_")
            ws = await client.workspaces.create("async")
            agents = [await client.agents.create(workspace_id=ws.workspace_id) for _ in range(3)]
            listed = [a.agent_id async for a in client.agents.list(workspace_id=ws.workspace_id, page_size=2)]
            assert sorted(listed) == sorted(a.agent_id for a in agents)
            pages = [len(p) async for p in client.agents.list(workspace_id=ws.workspace_id, page_size=2).pages()]
            assert pages == [2, 1]
            agent = agents[0]
            run = await client.runs.start(agent.agent_id, message=script(outcome="partial", events=9))
            kinds = [e.kind async for e in client.events.follow(agent.agent_id, run.run_id, timeout=60)]
            assert kinds[0] == "Started" and kinds[-1] == "Finished" and len(kinds) == 9
            done = await client.runs.wait(agent.agent_id, run.run_id, timeout=60, poll_interval=0.05)
            assert (done.status, done.outcome) == ("completed", "partial")
            events = await client.events.list(agent.agent_id, run.run_id, page_size=4).to_list()
            assert len(events) == 9
            runs = await client.runs.list(agent.agent_id).to_list()
            assert [r.run_id for r in runs] == [run.run_id]
            with pytest.raises(twin.PermissionDeniedError):
                await client.agents.get("missing")
            with pytest.raises(twin.InvalidCronError):
                await client.schedules.set(agent.agent_id, "nope")
            await client.schedules.set(agent.agent_id, "0 0 9 * * * *")
            schedule = await client.schedules.get(agent.agent_id)
            assert schedule is not None and schedule.cron == "0 0 9 * * * *"
            await client.instructions.update(agent.agent_id, "hello")
            assert [v.content for v in await client.instructions.history(agent.agent_id)] == ["hello"]
            hook = await client.webhooks.create(agent.agent_id, url="http://127.0.0.1:9/", events=["run.failed"])
            assert [w.webhook_id for w in await client.webhooks.list(agent.agent_id)] == [hook.webhook_id]
            key = await client.api_keys.create("async key")
            await client.api_keys.revoke(key.key_id)

    asyncio.run(main())


def test_async_calls_run_concurrently(no_faults: Emulator) -> None:
    no_faults.set_faults(latency_ms=200, route="/v1/me")

    async def main() -> float:
        async with twin.AsyncClient(API_KEY, no_faults.url) as client:
            started = time.perf_counter()
            users = await asyncio.gather(*(client.me() for _ in range(8)))
            assert len({u.user_id for u in users}) == 1
            return time.perf_counter() - started

    # Serially 1.6 s; the default executor has min(32, cores + 4) threads.
    assert asyncio.run(main()) < 8 * 0.2 * 0.75


def test_cancelling_a_task_stops_its_wait(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(slow=True, events=50))

    async def main(base_url: str) -> None:
        async with twin.AsyncClient(API_KEY, base_url) as ac:
            task = asyncio.ensure_future(ac.runs.wait(agent.agent_id, run.run_id, timeout=600))
            await asyncio.sleep(0.3)
            task.cancel()
            started = time.perf_counter()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert time.perf_counter() - started < 2

    asyncio.run(main(client.base_url))
    run.cancel()
