"""The native module of the Twin SDK (private: use the ``twin`` package).

Type stubs, checked against the module by ``python -m mypy.stubtest twin._twin``.
"""

import datetime
from typing import Any, ClassVar, Generic, Iterable, Iterator, Optional, Sequence, TypeVar

from typing_extensions import Self, final

__version__: str
__all__ = [
    "Agent",
    "AgentsResource",
    "ApiKey",
    "ApiKeysResource",
    "CancelResult",
    "CancelToken",
    "Client",
    "CreatedApiKey",
    "CreatedWebhook",
    "EmbeddedEmulator",
    "Event",
    "EventsResource",
    "Follow",
    "InstructionVersion",
    "Instructions",
    "InstructionsResource",
    "Me",
    "Page",
    "PageIterator",
    "Pager",
    "Run",
    "RunsResource",
    "Schedule",
    "SchedulesResource",
    "Webhook",
    "WebhookEvent",
    "WebhooksResource",
    "Workspace",
    "WorkspacesResource",
    "__version__",
    "_shutdown_logging",
    "cron_next_times",
    "cron_validate",
    "final_output",
    "problem_from_response",
    "webhooks_sign",
    "webhooks_unwrap",
    "webhooks_verify",
]

_T = TypeVar("_T")

class _Model:
    """What every model has: attributes, a short repr, ``==``, ``to_dict()``, ``from_dict()``,
    pickling, and a table in Jupyter."""

    _fields: ClassVar[list[str]]
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def to_dict(self) -> Any:
        """The JSON object as received (unknown fields included), as plain Python data."""
    def to_json(self) -> str:
        """The JSON object as received, as a string."""
    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Decodes from a dict shaped as the API sends it (e.g. a stored ``to_dict()``);
        ``ValueError`` when it does not fit."""
    @classmethod
    def from_json(cls, data: str) -> Self:
        """Decodes from a JSON string shaped as the API sends it."""
    @classmethod
    def _restore(cls, data: str, extra: Optional[str] = None) -> Self: ...
    def __reduce__(self) -> tuple[Any, tuple[str, Optional[str]]]: ...
    def _repr_html_(self) -> str: ...

@final
class Me(_Model):
    """The account an API key belongs to."""

    @property
    def user_id(self) -> str: ...

@final
class ApiKey(_Model):
    """An API key, as listed (never the key itself)."""

    @property
    def key_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def display_prefix(self) -> str: ...
    @property
    def created_at(self) -> Optional[datetime.datetime]: ...
    @property
    def last_used_at(self) -> Optional[datetime.datetime]: ...

@final
class CreatedApiKey(_Model):
    """A key just created: the listed fields plus ``api_key``, the secret, shown only once."""

    @property
    def api_key(self) -> str: ...
    @property
    def key_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def display_prefix(self) -> str: ...
    @property
    def created_at(self) -> Optional[datetime.datetime]: ...
    @property
    def last_used_at(self) -> Optional[datetime.datetime]: ...

@final
class Workspace(_Model):
    """A workspace: a folder of agents."""

    @property
    def workspace_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def position(self) -> int: ...
    @property
    def agent_count(self) -> int: ...
    @property
    def icon_config(self) -> Optional[str]: ...
    @property
    def created_at(self) -> Optional[datetime.datetime]: ...
    @property
    def updated_at(self) -> Optional[datetime.datetime]: ...

@final
class Agent(_Model):
    """An agent."""

    @property
    def agent_id(self) -> str: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def workspace_id(self) -> Optional[str]: ...
    @property
    def deployment_state(self) -> Optional[str]: ...
    @property
    def has_runs(self) -> bool: ...
    @property
    def latest_run_id(self) -> Optional[str]: ...
    @property
    def latest_run_status(self) -> Optional[str]: ...
    @property
    def latest_run_is_finished(self) -> bool: ...
    @property
    def latest_run_has_pending_input(self) -> bool: ...
    @property
    def last_activity_at(self) -> Optional[datetime.datetime]: ...
    @property
    def icon_config(self) -> Optional[str]: ...

@final
class CancelResult(_Model):
    """The answer to a cancel; ``note`` is the service's remark, if any."""

    @property
    def success(self) -> bool: ...
    @property
    def note(self) -> Optional[str]: ...

@final
class Run(_Model):
    """A run of an agent. A run from a client can ``refresh()``, ``wait()``, ``cancel()``,
    list its ``events()`` and ``follow()`` them (these block; with ``AsyncClient`` use
    ``client.runs``/``client.events``)."""

    @property
    def run_id(self) -> str: ...
    @property
    def agent_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def is_finished(self) -> bool: ...
    @property
    def is_terminal(self) -> bool: ...
    @property
    def is_paused(self) -> bool: ...
    @property
    def outcome(self) -> Optional[str]: ...
    @property
    def summary(self) -> Optional[str]: ...
    @property
    def credits_consumed(self) -> Optional[int]: ...
    @property
    def run_number(self) -> Optional[int]: ...
    @property
    def run_kind(self) -> Optional[str]: ...
    @property
    def policy_type(self) -> Optional[str]: ...
    @property
    def policy_model(self) -> Optional[str]: ...
    @property
    def started_at(self) -> Optional[datetime.datetime]: ...
    @property
    def last_event_at(self) -> Optional[datetime.datetime]: ...
    def refresh(self) -> Run:
        """The run as it is now (a new ``Run``)."""
    def wait(self, *, timeout: Optional[float] = None, poll_interval: Optional[float] = None) -> Run:
        """Waits until the run is terminal or paused; see ``RunsResource.wait``."""
    def cancel(self, *, reason: Optional[str] = None) -> CancelResult:
        """Cancels the run."""
    def events(self, *, after_index: Optional[int] = None, limit: Optional[int] = None) -> Pager[Event]:
        """The run's events so far, paged lazily."""
    def follow(self, *, after_index: Optional[int] = None, timeout: Optional[float] = None) -> Follow:
        """The run's events as they happen, until it ends."""

@final
class Event(_Model):
    """A run event: ``kind`` (``Started``, ``ToolCallResolved``, ``Finished``, ...) and
    ``payload`` (its body with protobuf Value trees decoded to plain data)."""

    @property
    def index(self) -> int: ...
    @property
    def recorded_at(self) -> Optional[datetime.datetime]: ...
    @property
    def kind(self) -> str: ...
    @property
    def payload(self) -> Any: ...
    @property
    def raw(self) -> Any: ...
    @property
    def agent_id(self) -> Optional[str]: ...
    @property
    def run_id(self) -> Optional[str]: ...

@final
class Webhook(_Model):
    """A webhook subscription of an agent."""

    @property
    def webhook_id(self) -> str: ...
    @property
    def agent_id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def events(self) -> list[str]: ...
    @property
    def status(self) -> str: ...
    @property
    def created_at(self) -> Optional[datetime.datetime]: ...
    @property
    def updated_at(self) -> Optional[datetime.datetime]: ...

@final
class CreatedWebhook(_Model):
    """A webhook just created, with its ``signing_secret`` (returned only once)."""

    @property
    def signing_secret(self) -> str: ...
    @property
    def webhook_id(self) -> str: ...
    @property
    def agent_id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def events(self) -> list[str]: ...
    @property
    def status(self) -> str: ...
    @property
    def created_at(self) -> Optional[datetime.datetime]: ...
    @property
    def updated_at(self) -> Optional[datetime.datetime]: ...

@final
class Schedule(_Model):
    """An agent's cron schedule (7 fields, UTC, day-of-week 1 = Sunday)."""

    @property
    def agent_id(self) -> str: ...
    @property
    def cron(self) -> str: ...
    @property
    def paused(self) -> bool: ...
    @property
    def auto_paused(self) -> bool: ...
    @property
    def consecutive_failures(self) -> int: ...
    @property
    def next_run(self) -> Optional[datetime.datetime]: ...

@final
class Instructions(_Model):
    """An agent's current instructions."""

    @property
    def content(self) -> str: ...
    @property
    def content_hash(self) -> Optional[str]: ...
    @property
    def updated_at(self) -> Optional[datetime.datetime]: ...
    @property
    def source_id(self) -> Optional[str]: ...

@final
class InstructionVersion(_Model):
    """One version in an agent's instruction history."""

    @property
    def id(self) -> int: ...
    @property
    def content(self) -> str: ...
    @property
    def content_hash(self) -> Optional[str]: ...
    @property
    def created_at(self) -> Optional[datetime.datetime]: ...
    @property
    def source_type(self) -> Optional[str]: ...
    @property
    def source_id(self) -> Optional[str]: ...

@final
class WebhookEvent(_Model):
    """A verified webhook delivery."""

    @property
    def event(self) -> str: ...
    @property
    def timestamp(self) -> datetime.datetime: ...
    @property
    def run_id(self) -> str: ...
    @property
    def agent_id(self) -> str: ...
    @property
    def status(self) -> Optional[str]: ...
    @property
    def outcome(self) -> Optional[str]: ...
    @property
    def finished_at(self) -> Optional[datetime.datetime]: ...
    @property
    def dedupe_key(self) -> tuple[str, str, str]: ...
    @property
    def raw(self) -> Any: ...

@final
class Pager(Generic[_T]):
    """A list fetched lazily page by page, keeping every filter. Iterate it for items, or
    call ``pages()`` for pages; each page is one request. Ctrl-C interrupts a slow page."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> _T: ...
    def pages(self) -> PageIterator[_T]:
        """The remaining pages (items already fetched come first)."""
    @property
    def total(self) -> Optional[int]:
        """The total the service reported with the last page, if any."""
    def _repr_html_(self) -> str: ...

@final
class PageIterator(Generic[_T]):
    """The pages of a ``Pager``."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> Page[_T]: ...

@final
class Page(Generic[_T]):
    """One page: ``items``, the service's ``total`` (if any), ``has_next``."""

    @property
    def items(self) -> list[_T]: ...
    @property
    def total(self) -> Optional[int]: ...
    @property
    def has_next(self) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_T]: ...
    def _repr_html_(self) -> str: ...

@final
class Follow:
    """A run's events as they happen (an iterator); ends once the run is terminal or paused
    and every event was seen. A context manager: leaving it stops following."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> Event: ...
    @property
    def last_index(self) -> Optional[int]:
        """The index of the last event yielded: pass it as ``after_index`` to resume."""
    def close(self) -> None:
        """Stops following (safe from another thread)."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *_args: object) -> None: ...

@final
class CancelToken:
    """Stops a ``wait`` from another thread (used by ``AsyncClient``)."""

    def __new__(cls) -> Self: ...
    def cancel(self) -> None: ...
    @property
    def cancelled(self) -> bool: ...

@final
class ApiKeysResource:
    """API keys of the account: ``client.api_keys``."""

    def list(self) -> list[ApiKey]: ...
    def create(self, name: str) -> CreatedApiKey: ...
    def revoke(self, key_id: str) -> None: ...

@final
class WorkspacesResource:
    """Workspaces: ``client.workspaces``."""

    def list(self) -> list[Workspace]: ...
    def create(self, name: str) -> Workspace: ...
    def update(self, workspace_id: str, *, name: str, icon_config: Optional[str] = None) -> Workspace: ...
    def delete(self, workspace_id: str) -> None: ...
    def reorder(self, workspace_ids: Sequence[str]) -> None: ...

@final
class AgentsResource:
    """Agents: ``client.agents``."""

    def list(self, *, workspace_id: Optional[str] = None, limit: Optional[int] = None) -> Pager[Agent]: ...
    def create(
        self,
        *,
        workspace_id: Optional[str] = None,
        owner_user_id: Optional[str] = None,
        is_subagent: Optional[bool] = None,
        derived_from_agent_id: Optional[str] = None,
        agent_id: Optional[str] = None,
    ) -> Agent: ...
    def get(self, agent_id: str) -> Agent:
        """An unknown agent raises ``PermissionDeniedError`` (the service's 403)."""
    def delete(self, agent_id: str) -> None: ...
    def move(self, agent_id: str, workspace_id: str) -> None: ...

@final
class RunsResource:
    """Runs of agents: ``client.runs``."""

    def list(
        self,
        agent_id: str,
        *,
        status: Optional[str] = None,
        run_id: Optional[str] = None,
        started_after: Optional[datetime.datetime] = None,
        started_before: Optional[datetime.datetime] = None,
        policy_type: Optional[str] = None,
        policy_group: Optional[str] = None,
        page_size: Optional[int] = None,
    ) -> Pager[Run]: ...
    def start(
        self,
        agent_id: str,
        *,
        mode: str = "run",
        message: Optional[str] = None,
        skip_deploy_check: Optional[bool] = None,
    ) -> Run: ...
    def get(self, agent_id: str, run_id: str) -> Run:
        """``NotFoundError`` when the agent has no such run."""
    def cancel(self, agent_id: str, run_id: str, *, reason: Optional[str] = None) -> CancelResult: ...
    def delete(self, agent_id: str, run_id: str) -> None: ...
    def wait(
        self,
        agent_id: str,
        run_id: str,
        *,
        timeout: Optional[float] = None,
        poll_interval: Optional[float] = None,
        _cancel: Optional[CancelToken] = None,
    ) -> Run:
        """Polls until the run is terminal or paused. ``timeout`` (seconds; default 600,
        ``float("inf")`` for none) raises ``WaitTimeoutError``. Ctrl-C interrupts it."""

@final
class EventsResource:
    """Run events: ``client.events``."""

    def list(
        self, agent_id: str, run_id: str, *, after_index: Optional[int] = None, limit: Optional[int] = None
    ) -> Pager[Event]: ...
    def follow(
        self, agent_id: str, run_id: str, *, after_index: Optional[int] = None, timeout: Optional[float] = None
    ) -> Follow: ...

@final
class WebhooksResource:
    """Webhooks of agents: ``client.webhooks``."""

    def create(self, agent_id: str, *, url: str, events: Sequence[str]) -> CreatedWebhook: ...
    def list(self, agent_id: str) -> list[Webhook]: ...
    def get(self, agent_id: str, webhook_id: str) -> Webhook: ...
    def update(
        self,
        agent_id: str,
        webhook_id: str,
        *,
        url: Optional[str] = None,
        events: Optional[Sequence[str]] = None,
        status: Optional[str] = None,
    ) -> Webhook: ...
    def delete(self, agent_id: str, webhook_id: str) -> None: ...

@final
class SchedulesResource:
    """Cron schedules of agents: ``client.schedules``."""

    def get(self, agent_id: str) -> Optional[Schedule]: ...
    def set(self, agent_id: str, cron: str) -> None:
        """An invalid expression raises ``InvalidCronError`` before any request."""
    def delete(self, agent_id: str) -> None: ...
    def pause(self, agent_id: str) -> None: ...
    def resume(self, agent_id: str) -> None: ...
    def list(self) -> list[Schedule]: ...

@final
class InstructionsResource:
    """Instructions of agents: ``client.instructions``."""

    def get(self, agent_id: str) -> Optional[Instructions]: ...
    def update(
        self, agent_id: str, content: str, *, source_type: Optional[str] = None, source_id: Optional[str] = None
    ) -> None: ...
    def history(self, agent_id: str, *, limit: Optional[int] = None) -> list[InstructionVersion]: ...

@final
class Client:
    """A client of the Twin API; one client serves many threads. ``api_key`` defaults to
    ``TWIN_API_KEY``, ``base_url`` to ``TWIN_BASE_URL`` then ``https://build.twin.so``.
    Timeouts are seconds."""

    def __new__(
        cls,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        timeout: float = 60.0,
        connect_timeout: float = 10.0,
        total_timeout: float = 120.0,
        max_retries: int = 2,
    ) -> Self: ...
    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def total_timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    @property
    def api_keys(self) -> ApiKeysResource: ...
    @property
    def workspaces(self) -> WorkspacesResource: ...
    @property
    def agents(self) -> AgentsResource: ...
    @property
    def runs(self) -> RunsResource: ...
    @property
    def events(self) -> EventsResource: ...
    @property
    def webhooks(self) -> WebhooksResource: ...
    @property
    def schedules(self) -> SchedulesResource: ...
    @property
    def instructions(self) -> InstructionsResource: ...
    def me(self) -> Me:
        """The account the API key belongs to."""
    def close(self) -> None:
        """Closes the connections; later calls raise ``RuntimeError``."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *_args: object) -> None: ...

@final
class EmbeddedEmulator:
    """A Twin emulator in this process (``twin.testing.Emulator`` wraps it)."""

    def __new__(
        cls,
        *,
        api_key: Optional[str] = None,
        step_ms: Optional[int] = None,
        seed: Optional[int] = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> Self: ...
    @property
    def url(self) -> str: ...
    @property
    def api_key(self) -> str: ...
    @property
    def running(self) -> bool: ...
    def shutdown(self) -> None: ...

def final_output(events: Iterable[Event]) -> Any:
    """A run's answer from its events: the ``output`` of ``Finished``, else of the latest
    ``llm`` tool call; ``None`` when there is none."""

def webhooks_sign(body: bytes, secret: str) -> str: ...
def webhooks_verify(body: bytes, signature: Optional[str], secrets: Sequence[str]) -> None: ...
def webhooks_unwrap(
    body: bytes,
    signature: Optional[str],
    event: Optional[str],
    secrets: Sequence[str],
    *,
    tolerance: Optional[float] = 300.0,
    max_body: int = 1048576,
    now: Optional[datetime.datetime] = None,
) -> WebhookEvent: ...
def cron_validate(expr: str) -> None: ...
def cron_next_times(
    expr: str, *, count: int = 5, after: Optional[datetime.datetime] = None
) -> list[datetime.datetime]: ...
def problem_from_response(
    status: int, body: bytes, content_type: Optional[str] = None, allow: Optional[str] = None
) -> Any:
    """The ``twin.Problem`` the SDK reads from an error response."""
def _shutdown_logging() -> None: ...
