"""Ids with reserved characters reach the emulator as exactly one path segment."""

from __future__ import annotations

import pytest

import twin

IDS = ["a/b", "..", ".", "q?x=1#frag", "100%", "%2F", "with space", "ünï-cødé", "emoji-🙂"]


@pytest.mark.parametrize("agent_id", IDS)
def test_reserved_characters_in_ids(client: twin.Client, agent_id: str) -> None:
    made = client.agents.create(agent_id=agent_id)
    try:
        assert made.agent_id == agent_id
        assert client.agents.get(agent_id).agent_id == agent_id
        client.instructions.update(agent_id, "hello")
        assert [v.content for v in client.instructions.history(agent_id)] == ["hello"]
    finally:
        client.agents.delete(agent_id)
    with pytest.raises(twin.PermissionDeniedError):
        client.agents.get(agent_id)


def test_empty_ids_are_refused_before_sending(client: twin.Client) -> None:
    with pytest.raises(ValueError):
        client.agents.get("")
