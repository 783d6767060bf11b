"""Load: 16 threads x 500 calls through one client against the emulator, with zero errors;
p50 and p99 latency are printed (``make test`` runs 16 x 100; TWIN_LOAD_CALLS=500 the full size)."""

from __future__ import annotations

import os
import threading
import time

import twin
from twin.testing import Emulator

THREADS = 16
CALLS = int(os.environ.get("TWIN_LOAD_CALLS", "100"))


def test_sixteen_threads_share_one_client_without_errors() -> None:
    with Emulator(step_ms=5) as emu, emu.client() as client:
        agent = client.agents.create()
        latencies: list[float] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def worker(n: int) -> None:
            mine = []
            try:
                for i in range(CALLS):
                    started = time.perf_counter()
                    if i % 4 == 0:
                        assert client.me().user_id.startswith("user_")
                    elif i % 4 == 1:
                        assert client.agents.get(agent.agent_id).agent_id == agent.agent_id
                    elif i % 4 == 2:
                        client.instructions.update(agent.agent_id, f"thread {n} call {i}")
                    else:
                        assert isinstance(list(client.runs.list(agent.agent_id)), list)
                    mine.append(time.perf_counter() - started)
            except BaseException as e:  # noqa: BLE001 - any failure counts
                with lock:
                    errors.append(e)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - wall
        history = client.instructions.history(agent.agent_id)

    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    print(f"load: {THREADS}x{CALLS} calls in {wall:.2f}s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, errors {len(errors)}")
    assert not errors, errors[:3]
    assert len(latencies) == THREADS * CALLS
    assert len(history) == THREADS * (CALLS // 4 + (1 if CALLS % 4 > 2 else 0)), "every write landed once"
