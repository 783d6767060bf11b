"""twin.testing.Emulator itself: several at once, admin helpers, closing."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

import twin
from twin.testing import Emulator


def test_emulator_lifecycle_and_admin() -> None:
    with Emulator(api_key="my-test-key", step_ms=5) as emu, Emulator() as other:
        assert emu.url.startswith("http://127.0.0.1:") and emu.url != other.url
        assert emu.api_key == "my-test-key" and other.api_key.startswith("twin_")
        assert repr(emu) == f"Emulator(url={emu.url!r})" and other.api_key not in repr(other)
        client = emu.client(max_retries=0)
        assert isinstance(client, twin.Client) and client.base_url == emu.url
        client.agents.create()
        assert len(list(client.agents.list())) == 1
        assert len(list(other.client().agents.list())) == 0
        emu.set_faults(error_rate=1.0, error_status=500, route="/v1/agents", times=1)
        with pytest.raises(twin.InternalServerError):
            list(client.agents.list())
        state = emu.faults()
        assert state["config"]["error_status"] == 500 and state["stats"]["errors"] == 1
        emu.set_faults()
        assert emu.faults()["config"]["error_rate"] == 0
        with pytest.raises(ValueError, match="400"):
            emu.set_faults(error_rate=2.0)
        assert emu.deliveries() == []
        emu.reset()
        assert list(client.agents.list()) == []
        assert client.me().user_id  # the start key survives a reset
    emu.close()  # idempotent
    with pytest.raises(twin.APIConnectionError):
        twin.Client("my-test-key", emu.url, max_retries=0).me()


def test_ui_url_serves_the_inspector_behind_the_key() -> None:
    with Emulator(api_key="ui-test-key") as emu:
        assert emu.ui_url == emu.url + "/_emulator/ui"
        assert "ui-test-key" not in emu.ui_url
        with urllib.request.urlopen(emu.ui_url, timeout=30) as page:
            assert page.headers["content-type"].startswith("text/html")
            assert "Twin emulator inspector" in page.read().decode()
        state_url = emu.ui_url + "/state"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(state_url, timeout=30)
        assert refused.value.code == 401
        refused.value.close()
        agent = emu.client().agents.create()
        request = urllib.request.Request(state_url, headers={"x-api-key": emu.api_key})
        with urllib.request.urlopen(request, timeout=30) as answer:
            state = json.loads(answer.read())
        assert [a["agent_id"] for a in state["agents"]] == [agent.agent_id]
        assert any(r["method"] == "POST" and r["path"] == "/v1/agents" and r["status"] == 201
                   for r in state["requests"]["items"])


def _pattern(emu: Emulator) -> list[bool]:
    """Which of 24 calls an injected 50% error rate lets through."""
    emu.set_faults(error_rate=0.5, error_status=500, route="/v1/me")
    client = emu.client(max_retries=0)
    seen = []
    for _ in range(24):
        try:
            client.me()
            seen.append(True)
        except twin.InternalServerError:
            seen.append(False)
    return seen


def test_emulator_seed_host_port_and_async_client() -> None:
    import asyncio
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Emulator(seed=7, host="127.0.0.1", port=port) as a, Emulator(seed=7) as b, Emulator(seed=8) as c:
        assert a.url == f"http://127.0.0.1:{port}"
        first, again, other = _pattern(a), _pattern(b), _pattern(c)
        assert first == again, "the same seed gave other faults"
        assert first != other and True in first and False in first

        async def main() -> str:
            async with a.async_client(max_retries=3) as client:
                assert isinstance(client, twin.AsyncClient) and client.max_retries == 3
                a.set_faults()
                return (await client.me()).user_id

        assert asyncio.run(main())
    with pytest.raises(ValueError, match="IP address"):
        Emulator(host="localhost:80")


PLUGIN_TESTS = '''
import twin

def test_one(twin_client, twin_emulator):
    assert isinstance(twin_client, twin.Client) and twin_client.base_url == twin_emulator.url
    agent = twin_client.agents.create()
    run = twin_client.runs.start(agent.agent_id, message="hi [emulator: outcome=partial events=7]")
    assert run.wait(timeout=60).outcome == "partial"
    twin_emulator.set_faults(error_rate=1, error_status=503, route="/v1/me")

def test_two_starts_clean(twin_client):
    assert list(twin_client.agents.list()) == []   # test_one's agent is gone
    assert twin_client.me().user_id                 # and so are its faults
'''


def test_the_pytest_plugin_gives_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_with_twin=PLUGIN_TESTS)
    # A subprocess: the plugin comes from the installed wheel's entry point, as for users.
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    off = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "no:twin")
    off.assert_outcomes(errors=2)  # without the plugin, no such fixtures
