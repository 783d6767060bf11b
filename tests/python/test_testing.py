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
