"""twin.testing.Emulator itself: several at once, admin helpers, closing."""

from __future__ import annotations

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
