"""Models: real captures decoded through from_dict, round trips, pickling, reprs that hide
secrets, timezone-aware datetimes, notebook tables."""

from __future__ import annotations

import copy
import datetime
import json
import pickle
from typing import Any

import pytest

import twin

from conftest import SECRET_PART, script, vectors

LIVE = vectors("real/live-calls.json")["calls"]
RUN_EVENTS = vectors("real/run-events.json")["events"]

# (method, path prefix of the recorded call) -> (model, envelope key or None for top level)
DECODERS: list[tuple[str, str, type, Any]] = [
    ("GET", "/v1/me", twin.Me, None),
    ("GET", "/v1/schedules", twin.Schedule, "schedules"),
    ("GET", "/api/public/v1/access-api-keys", twin.ApiKey, "keys"),
    ("POST", "/api/public/v1/access-api-keys", twin.CreatedApiKey, None),
    ("POST", "/v1/workspaces", twin.Workspace, "workspace"),
    ("PUT", "/v1/workspaces/{workspace_id} (name only)", twin.Workspace, "workspace"),
    ("POST", "/v1/agents", twin.Agent, "agent"),
    ("GET", "/v1/agents/{agent_id}", twin.Agent, "agent"),
    ("GET", "/v1/agents?workspace_id=...", twin.Agent, "agents"),
    ("GET", "/v1/agents/{agent_id}/runs", twin.Run, "runs"),
    ("POST", "/v1/agents/{agent_id}/runs", twin.Run, "run"),
    ("GET", "/v1/agents/{agent_id}/instructions (after write)", twin.Instructions, "instructions"),
    ("GET", "/v1/agents/{agent_id}/instructions/history (after write)", twin.InstructionVersion, "instruction_versions"),
    ("GET", "/v1/agents/{agent_id}/webhooks (after create)", twin.Webhook, "webhooks"),
    ("POST", "/v1/agents/{agent_id}/webhooks", twin.CreatedWebhook, None),
    ("GET", "/v1/agents/{agent_id}/webhooks/{webhook_id}", twin.Webhook, None),
    ("PATCH", "/v1/agents/{agent_id}/webhooks/{webhook_id}", twin.Webhook, None),
    ("GET", "/v1/agents/{agent_id}/schedule (after PUT)", twin.Schedule, "schedule"),
]


def decoded_captures() -> list[tuple[str, type, dict[str, Any]]]:
    out = []
    for method, path, model, key in DECODERS:
        calls = [c for c in LIVE if c["method"] == method and c["path"] == path]
        assert calls, (method, path)
        for call in calls:
            body = json.loads(call["response_body"])
            items = body if key is None else body[key]
            for item in items if isinstance(items, list) else [items]:
                out.append((f"{method} {path}", model, item))
    return out


CAPTURES = decoded_captures()


@pytest.mark.parametrize(("name", "model", "item"), CAPTURES, ids=[c[0] for c in CAPTURES])
def test_real_captures_decode_and_round_trip(name: str, model: Any, item: dict[str, Any]) -> None:
    obj = model.from_dict(item)
    assert isinstance(obj, model)
    assert obj.to_dict() == item  # the JSON as received, unknown fields included
    assert model.from_json(obj.to_json()) == obj
    assert model.from_dict(copy.deepcopy(item)) == obj and hash(model.from_dict(item)) == hash(obj)
    assert pickle.loads(pickle.dumps(obj)) == obj
    for field in model._fields:
        value = getattr(obj, field)
        if isinstance(value, datetime.datetime):
            assert value.tzinfo is not None and value.utcoffset() == datetime.timedelta(0)
    text = repr(obj)
    assert text.startswith(model.__name__ + "(") and len(text) < 200


def test_real_capture_values() -> None:
    agent = twin.Agent.from_dict(json.loads(next(c for c in LIVE if c["path"] == "/v1/agents/{agent_id}")["response_body"])["agent"])
    assert agent.deployment_state == "draft" and agent.agent_id.count("-") == 4
    created = next(m for n, m, i in CAPTURES if m is twin.CreatedWebhook)
    hook = twin.CreatedWebhook.from_dict(next(i for n, m, i in CAPTURES if m is twin.CreatedWebhook))
    assert created is twin.CreatedWebhook and hook.signing_secret not in repr(hook)
    key = twin.CreatedApiKey.from_dict(next(i for n, m, i in CAPTURES if m is twin.CreatedApiKey))
    assert key.api_key not in repr(key) and key.created_at is not None
    assert key.created_at.tzinfo is datetime.timezone.utc


@pytest.mark.parametrize("item", RUN_EVENTS, ids=lambda i: str(i.get("event_index")))
def test_real_run_events(item: dict[str, Any]) -> None:
    event = twin.Event.from_dict(item)
    assert event.index == int(item["event_index"])
    assert event.kind and event.kind[0].isupper()
    assert event.agent_id == "019db95d-7d6b-79d1-9908-5276e6cd29d2"
    assert event.to_dict() == item
    assert pickle.loads(pickle.dumps(event)) == event
    json.dumps(event.payload)  # plain data


def test_unknown_fields_are_kept_and_bad_data_is_a_value_error() -> None:
    run = twin.Run.from_dict({"run_id": "r", "agent_id": "a", "status": "queued", "brand_new": [1, {"x": None}]})
    assert run.status == "queued" and not run.is_terminal
    assert run.to_dict()["brand_new"] == [1, {"x": None}]
    with pytest.raises(ValueError):
        twin.Run.from_dict({"agent_id": "a"})
    with pytest.raises(ValueError):
        twin.Run.from_json("{not json")
    with pytest.raises(TypeError):
        twin.Run.from_dict({"run_id": object()})
    assert twin.Run.from_dict({"run_id": "r", "agent_id": "a", "status": "completed"}) != run
    assert (run == "a string") is False


def test_reprs(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(outcome="success", events=7))
    done = run.wait(timeout=60, poll_interval=0.05)
    assert repr(done) == f"Run(run_id={done.run_id!r}, status='completed', outcome='success')"
    assert repr(agent) == f"Agent(agent_id={agent.agent_id!r}, name=None)"
    assert repr(twin.Me.from_dict({"user_id": "user_1"})) == "Me(user_id='user_1')"
    assert repr(next(iter(client.events.list(agent.agent_id, run.run_id)))).startswith("Event(index=")


def test_secrets_never_print(client: twin.Client, emulator: Any, agent: twin.Agent) -> None:
    key = client.api_keys.create("printable?")
    hook = client.webhooks.create(agent.agent_id, url="http://127.0.0.1:9/x", events=["run.completed"])
    secret_texts = [key.api_key, hook.signing_secret, SECRET_PART]
    shown = [repr(key), str(key), repr(hook), repr(client), repr(emulator), key._repr_html_(), hook._repr_html_()]
    bad = twin.Client(key.api_key[:-3] + "xyz", emulator.url, max_retries=0)
    with pytest.raises(twin.AuthenticationError) as e:
        bad.me()
    shown += [str(e.value), repr(e.value), repr(e.value.problem), repr(bad)]
    for text in shown:
        for secret in secret_texts:
            assert secret[-12:] not in text, text
    client.api_keys.revoke(key.key_id)


def test_objects_from_the_api_pickle_and_round_trip(client: twin.Client, agent: twin.Agent) -> None:
    key = client.api_keys.create("pickled")
    hook = client.webhooks.create(agent.agent_id, url="http://127.0.0.1:9/p", events=["run.completed"])
    listed = client.webhooks.list(agent.agent_id)[0]
    run = client.runs.start(agent.agent_id, message=script(events=7))
    for obj in [key, hook, listed, run, agent, client.me(), *client.api_keys.list(), *client.workspaces.list()]:
        again = pickle.loads(pickle.dumps(obj))
        assert again == obj and type(again) is type(obj)
        assert type(obj).from_dict(obj.to_dict()).to_dict() == obj.to_dict()
    assert pickle.loads(pickle.dumps(listed)).agent_id == agent.agent_id
    assert type(key).from_dict(key.to_dict()) == key
    # The create response has no agent_id (it is filled in from the request): from_dict
    # cannot know it, pickling keeps it.
    assert type(hook).from_dict(hook.to_dict()).agent_id == ""
    assert pickle.loads(pickle.dumps(hook)).agent_id == agent.agent_id
    run.wait(timeout=60, poll_interval=0.05)
    client.api_keys.revoke(key.key_id)


def test_exceptions_pickle_and_compare(client: twin.Client) -> None:
    with pytest.raises(twin.PermissionDeniedError) as e:
        client.agents.get("does-not-exist")
    again = pickle.loads(pickle.dumps(e.value))
    assert type(again) is twin.PermissionDeniedError
    assert (again.status, again.problem, str(again)) == (e.value.status, e.value.problem, str(e.value))
    assert again.problem.to_dict() == {"type": "about:blank", "title": "Forbidden", "status": 403,
                                       "detail": "you do not have access to this agent"}


def test_html_tables(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(events=7))
    run.wait(timeout=60, poll_interval=0.05)
    assert "<table>" in run._repr_html_() and run.run_id in run._repr_html_()
    events = client.events.list(agent.agent_id, run.run_id, page_size=3)
    html = events._repr_html_()
    assert html.count("<tr>") == 4 and "3 of 7 shown" in html and ".to_list()" in html
    assert len(list(events)) == 7  # what was shown is still iterated
    listed = client.workspaces.list()
    assert isinstance(listed, list) and isinstance(listed, twin.ModelList)
    assert listed._repr_html_().count("<tr>") == len(listed) + 1
    page = next(client.runs.list(agent.agent_id).pages())
    assert "<table>" in page._repr_html_()
    assert "<table>" in next(iter(client.events.list(agent.agent_id, run.run_id)))._repr_html_()


def test_the_field_order_users_see_is_pinned() -> None:
    """`_fields` orders `to_record()`, `to_pandas()` columns and the notebook's record tables; it
    follows codegen/models.toml, so reordering the description must be a deliberate change."""
    assert twin.Run._fields == [
        "run_id", "agent_id", "status", "is_finished", "goal", "user_email", "is_terminal", "is_paused",
        "outcome", "summary", "credits_consumed", "run_number", "run_kind", "policy_type", "policy_model",
        "started_at", "last_event_at",
    ]
    assert twin.Event._fields == ["index", "recorded_at", "kind", "payload", "raw", "agent_id", "run_id"]
    assert twin.Agent._fields == [
        "agent_id", "name", "workspace_id", "deployment_state", "has_runs", "latest_run_id", "latest_run_status",
        "latest_run_is_finished", "latest_run_has_pending_input", "last_activity_at", "icon_config",
    ]
    assert twin.WebhookEvent._fields == [
        "event", "timestamp", "run_id", "agent_id", "status", "outcome", "finished_at", "dedupe_key", "raw",
    ]
