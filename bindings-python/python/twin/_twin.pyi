"""The native module of the Twin SDK (private: use the ``twin`` package).

Type stubs, checked against the module by ``python -m mypy.stubtest twin._twin``.
"""

import builtins
import datetime
from typing import Any, Callable, ClassVar, Generic, Iterable, Iterator, Literal, Mapping, Optional, Sequence, SupportsIndex, TypeVar, Union, overload

from typing_extensions import Self, final

from twin._html import ModelList
from twin._progress import ProgressArg

__version__: str
__build__: str
"""The profile this module was built with: ``"release"`` or ``"dev"`` (debug assertions on)."""
__all__ = [
    "Agent",
    "AgentsResource",
    "ApiKey",
    "ApiKeysResource",
    "Attempt",
    "CancelResult",
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
    "PagerIterator",
    "RawResponse",
    "Run",
    "RunsResource",
    "Schedule",
    "SchedulesResource",
    "Webhook",
    "WebhookEvent",
    "WebhooksResource",
    "Workspace",
    "WorkspacesResource",
    "__build__",
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

# The values the service documents for its enum-like fields, for type checkers (the SDK keeps
# a value it does not know as it came). The names are private to the stubs: write the strings.
_RunStatus = Literal["in_progress", "completed", "error", "stopped", "paused"]
_Outcome = Literal["success", "partial", "fail"]
_RunMode = Literal["run", "build"]
_DeploymentState = Literal["draft", "deployed", "not_deployed"]
_WebhookStatus = Literal["active", "disabled"]
_WebhookEventName = Literal["run.started", "run.completed", "run.failed", "run.stopped", "run.paused"]
# Event types are many and growing: the common ones, and any other string.
_EventKind = Union[
    Literal[
        "Started",
        "UserTick",
        "RunPolicyInitialized",
        "PolicyDecisionRequested",
        "PolicyDecided",
        "StreamStarted",
        "Tick",
        "ToolCallStarted",
        "ToolCallResolved",
        "Finished",
    ],
    str,
]

class _Model:
    """What every model has: attributes, a short repr, ``==``, ``to_record()``, ``to_dict()``, ``from_dict()``,
    pickling, and a table in Jupyter."""

    _fields: ClassVar[list[str]]
    @property
    def request_id(self) -> Optional[str]:
        """The request id (`x-request-id`) the service sent with the answer this came in: set on what
        `me()`, `get`, `create`, `start`, `update`, `cancel` and `run.refresh()` return, when the
        service sent one; `None` otherwise (lists, waits, `instructions.get`, `schedules.get`,
        `from_dict`).
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def to_dict(self) -> Any:
        """The JSON object as received (unknown fields included), as plain Python data."""
    def to_record(self) -> dict[str, Any]:
        """The attributes by name (every field in ``_fields`` but ``raw``), with their typed
        values (``datetime``s, ints, bools): what tables and ``to_pandas()`` show. Unlike
        ``to_dict()``, which is the JSON as received (wire names, times as strings).
        Secrets (``api_key``, ``signing_secret``) are included, as in ``to_dict()``; only
        tables and ``to_pandas()`` leave them out unless named."""
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

    # generated fields: begin (codegen/models.toml)
    @property
    def user_id(self) -> str:
        """`user_` followed by a ULID."""
    # generated fields: end

@final
class ApiKey(_Model):
    """An API key, as listed (never the key itself)."""

    # generated fields: begin (codegen/models.toml)
    @property
    def key_id(self) -> str:
        """32 hex digits."""
    @property
    def name(self) -> str:
        """The name given at creation."""
    @property
    def display_prefix(self) -> str:
        """The first characters of the secret part, to recognise the key."""
    @property
    def created_at(self) -> Optional[datetime.datetime]:
        """When the key was created."""
    @property
    def last_used_at(self) -> Optional[datetime.datetime]:
        """When the key was last used, if ever."""
    # generated fields: end

@final
class CreatedApiKey(_Model):
    """A key just created: the listed fields plus ``api_key``, the secret, shown only once."""

    # generated fields: begin (codegen/models.toml)
    @property
    def api_key(self) -> str:
        """The full key, to store in a secret manager now: it cannot be read again."""
    @property
    def key_id(self) -> str:
        """The key's id (used to revoke it)."""
    @property
    def name(self) -> str:
        """The name given at creation."""
    @property
    def display_prefix(self) -> str:
        """The key's first characters, to recognise it."""
    @property
    def created_at(self) -> Optional[datetime.datetime]:
        """When the key was created."""
    @property
    def last_used_at(self) -> Optional[datetime.datetime]:
        """When the key was last used, if ever."""
    # generated fields: end

@final
class Workspace(_Model):
    """A workspace: a folder of agents."""

    # generated fields: begin (codegen/models.toml)
    @property
    def workspace_id(self) -> str:
        """A UUIDv7."""
    @property
    def name(self) -> str:
        """Its display name."""
    @property
    def position(self) -> int:
        """Order among the account's workspaces."""
    @property
    def agent_count(self) -> int:
        """How many agents it holds."""
    @property
    def icon_config(self) -> Optional[str]:
        """A JSON-encoded string, as the API stores it."""
    @property
    def created_at(self) -> Optional[datetime.datetime]:
        """When it was created."""
    @property
    def updated_at(self) -> Optional[datetime.datetime]:
        """When it was last changed."""
    # generated fields: end

@final
class Agent(_Model):
    """An agent."""

    # generated fields: begin (codegen/models.toml)
    @property
    def agent_id(self) -> str:
        """A UUIDv7."""
    @property
    def name(self) -> Optional[str]:
        """Its display name; `None` until the agent has been built."""
    @property
    def workspace_id(self) -> Optional[str]:
        """The workspace it belongs to."""
    @property
    def deployment_state(self) -> Optional[_DeploymentState]:
        """`draft`, `deployed`, `not_deployed`, or a newer value."""
    @property
    def has_runs(self) -> bool:
        """It has been run at least once."""
    @property
    def latest_run_id(self) -> Optional[str]:
        """Its most recent run, if any."""
    @property
    def latest_run_status(self) -> Optional[_RunStatus]:
        """The status of its most recent run (`in_progress`, `completed`, ...)."""
    @property
    def latest_run_is_finished(self) -> bool:
        """Its most recent run has finished."""
    @property
    def latest_run_has_pending_input(self) -> bool:
        """The latest run waits for a person."""
    @property
    def last_activity_at(self) -> Optional[datetime.datetime]:
        """When something last happened to it (a run, an edit)."""
    @property
    def icon_config(self) -> Optional[str]:
        """A JSON-encoded string, as the API stores it."""
    # generated fields: end

@final
class CancelResult(_Model):
    """The answer to a cancel; ``note`` is the service's remark, if any."""

    # generated fields: begin (codegen/models.toml)
    @property
    def success(self) -> bool:
        """`True`: the run is stopped or was already over."""
    @property
    def note(self) -> Optional[str]:
        """The service's remark, e.g. `run already completed`; `None` when there is none."""
    # generated fields: end

@final
class Run(_Model):
    """A run of an agent. A run from a client can ``refresh()``, ``wait()``, ``cancel()``,
    list its ``events()`` and ``follow()`` them (these block; with ``AsyncClient`` use
    ``client.runs``/``client.events``)."""

    # generated fields: begin (codegen/models.toml)
    @property
    def run_id(self) -> str:
        """A UUIDv7."""
    @property
    def agent_id(self) -> str:
        """The agent that runs."""
    @property
    def status(self) -> Optional[_RunStatus]:
        """`in_progress`, `completed`, `error`, `stopped`, `paused`, or a newer value; `None`
        when the service sent none (then `is_terminal` goes by `is_finished`)."""
    @property
    def is_finished(self) -> bool:
        """The service's own flag: the run is over."""
    @property
    def goal(self) -> Optional[str]:
        """What the run was asked to do, if the service says."""
    @property
    def user_email(self) -> Optional[str]:
        """The email of the user who started it, if the service says."""
    @property
    def is_terminal(self) -> bool:
        """`completed`, `error` or `stopped`: the run will not change again."""
    @property
    def is_paused(self) -> bool:
        """Waiting for a person (`paused`)."""
    @property
    def outcome(self) -> Optional[_Outcome]:
        """`success`, `partial` or `fail`, for a completed run."""
    @property
    def summary(self) -> Optional[str]:
        """The service's one-line summary of what the run did, once it has one."""
    @property
    def credits_consumed(self) -> Optional[int]:
        """Credits the run used so far."""
    @property
    def run_number(self) -> Optional[int]:
        """The run's number within its agent (0 in the start response, then 1, 2, ...)."""
    @property
    def run_kind(self) -> Optional[_RunMode]:
        """`run` or `build`."""
    @property
    def policy_type(self) -> Optional[str]:
        """`runner_v2` for a run, `builder_v3` for a build."""
    @property
    def policy_model(self) -> Optional[str]:
        """The model that drives the run, e.g. `claude-sonnet-4-6`."""
    @property
    def started_at(self) -> Optional[datetime.datetime]:
        """When the run started."""
    @property
    def last_event_at(self) -> Optional[datetime.datetime]:
        """When its latest event was recorded."""
    # generated fields: end
    def refresh(self) -> Run:
        """The run as it is now (a new `Run`)."""
    def wait(
        self, *, timeout: Optional[float] = 600.0, poll_interval: Optional[float] = None, progress: ProgressArg = None
    ) -> Run:
        """Waits until the run is terminal or paused; see `client.runs.wait`. `progress=True`
        shows a live line (status, elapsed); a callable gets a `twin.Progress` per update.
        """
    def _poll(self, remaining: Optional[float] = None) -> Run:
        """One poll of `twin._batch` (wait_all, as_completed, wait with progress): the run as
        it is now, the call bounded by `remaining` seconds (what the wait has left), and
        interruptible by Ctrl-C.
        """
    def cancel(self, *, reason: Optional[str] = None) -> CancelResult:
        """Cancels the run."""
    def final_output(self) -> Any:
        """The run's answer, honestly: `None` unless the run `completed`; then the output of
        its latest `Finished` event, else of its latest `llm` tool call, else its `summary`.
        Reads all the run's events (one or more requests)."""
    def events(self, *, after_index: Optional[int] = None, page_size: Optional[int] = None) -> Pager[Event]:
        """The run's events so far, paged lazily (`page_size` events a page, at most 500)."""
    def follow(
        self, *, after_index: Optional[int] = None, timeout: Optional[float] = None, progress: ProgressArg = None
    ) -> Follow:
        """The run's events as they happen, until it ends; see `client.events.follow`.
        `progress=True` shows a live line (events seen, last kind, elapsed).
        """

@final
class Event(_Model):
    """A run event: ``kind`` (``Started``, ``ToolCallResolved``, ``Finished``, ...) and
    ``payload`` (its body with protobuf Value trees decoded to plain data)."""

    # generated fields: begin (codegen/models.toml)
    @property
    def index(self) -> int:
        """The global, sparse, growing `event_index`."""
    @property
    def recorded_at(self) -> Optional[datetime.datetime]:
        """When the service recorded it (not in `index` order)."""
    @property
    def kind(self) -> _EventKind:
        """The event type as sent: `Started`, `RunPolicyInitialized`, `PolicyDecided`,
        `ToolCallStarted`, `ToolCallResolved`, `Finished`, ..."""
    @property
    def payload(self) -> Any:
        """The event's body as plain data (dicts, lists, strings, numbers)."""
    @property
    def raw(self) -> Any:
        """The event as received."""
    @property
    def agent_id(self) -> Optional[str]:
        """The agent, from the event's envelope."""
    @property
    def run_id(self) -> Optional[str]:
        """The run, from the event's envelope."""
    # generated fields: end

@final
class Webhook(_Model):
    """A webhook subscription of an agent."""

    # generated fields: begin (codegen/models.toml)
    @property
    def webhook_id(self) -> str:
        """A UUIDv7."""
    @property
    def agent_id(self) -> str:
        """The agent whose runs it reports."""
    @property
    def url(self) -> str:
        """Where deliveries are POSTed."""
    @property
    def events(self) -> list[_WebhookEventName]:
        """Subscribed event types, e.g. `["run.completed"]`."""
    @property
    def status(self) -> _WebhookStatus:
        """`active` or `disabled` (or a newer value)."""
    @property
    def created_at(self) -> Optional[datetime.datetime]:
        """When it was created."""
    @property
    def updated_at(self) -> Optional[datetime.datetime]:
        """When it was last changed."""
    # generated fields: end

@final
class CreatedWebhook(_Model):
    """A webhook just created, with its ``signing_secret`` (returned only once)."""

    # generated fields: begin (codegen/models.toml)
    @property
    def signing_secret(self) -> str:
        """The secret deliveries are signed with; store it now."""
    @property
    def webhook_id(self) -> str:
        """A UUIDv7."""
    @property
    def agent_id(self) -> str:
        """The agent whose runs it reports."""
    @property
    def url(self) -> str:
        """Where deliveries are POSTed."""
    @property
    def events(self) -> list[_WebhookEventName]:
        """The run events delivered, e.g. `run.completed`."""
    @property
    def status(self) -> _WebhookStatus:
        """`active` or `disabled`."""
    @property
    def created_at(self) -> Optional[datetime.datetime]:
        """When it was created."""
    @property
    def updated_at(self) -> Optional[datetime.datetime]:
        """When it was last changed."""
    # generated fields: end

@final
class Schedule(_Model):
    """An agent's cron schedule (7 fields, UTC, day-of-week 1 = Sunday)."""

    # generated fields: begin (codegen/models.toml)
    @property
    def agent_id(self) -> str:
        """The agent it starts."""
    @property
    def cron(self) -> str:
        """The 7-field cron expression (UTC; day-of-week 1 = Sunday)."""
    @property
    def paused(self) -> bool:
        """Paused by a user: it does not fire."""
    @property
    def auto_paused(self) -> bool:
        """Paused by the service after repeated failures."""
    @property
    def consecutive_failures(self) -> int:
        """Failed runs in a row it started."""
    @property
    def next_run(self) -> Optional[datetime.datetime]:
        """When it fires next, as the service computed it."""
    # generated fields: end

@final
class Instructions(_Model):
    """An agent's current instructions."""

    # generated fields: begin (codegen/models.toml)
    @property
    def content(self) -> str:
        """The instructions' text (Markdown)."""
    @property
    def content_hash(self) -> Optional[str]:
        """A hash of `content`, if the service sent one."""
    @property
    def updated_at(self) -> Optional[datetime.datetime]:
        """When they were last written."""
    @property
    def source_id(self) -> Optional[str]:
        """What wrote them, e.g. `api:instructions:<time>`."""
    # generated fields: end

@final
class InstructionVersion(_Model):
    """One version in an agent's instruction history."""

    # generated fields: begin (codegen/models.toml)
    @property
    def id(self) -> int:
        """The version's id; higher is newer."""
    @property
    def content(self) -> str:
        """The instructions' text in this version."""
    @property
    def content_hash(self) -> Optional[str]:
        """A hash of `content`, if the service sent one."""
    @property
    def created_at(self) -> Optional[datetime.datetime]:
        """When this version was written."""
    @property
    def source_type(self) -> Optional[str]:
        """What kind of writer made it, e.g. `api`."""
    @property
    def source_id(self) -> Optional[str]:
        """What wrote it, e.g. `api:instructions:<time>`."""
    # generated fields: end

@final
class WebhookEvent(_Model):
    """A verified webhook delivery."""

    # generated fields: begin (codegen/models.toml)
    @property
    def event(self) -> _WebhookEventName:
        """The event name, e.g. `run.completed`."""
    @property
    def timestamp(self) -> datetime.datetime:
        """When Twin emitted it."""
    @property
    def run_id(self) -> str:
        """The run it is about."""
    @property
    def agent_id(self) -> str:
        """The agent of that run."""
    @property
    def status(self) -> Optional[_RunStatus]:
        """The run's status when it was sent (`in_progress`, `completed`, `error`, `stopped`,
        `paused`)."""
    @property
    def outcome(self) -> Optional[_Outcome]:
        """`success`, `partial` or `fail`; only on `run.completed`."""
    @property
    def finished_at(self) -> Optional[datetime.datetime]:
        """When the run ended (terminal events only)."""
    @property
    def dedupe_key(self) -> tuple[str, str, str]:
        """`(agent_id, run_id, event)`: deliveries repeat, so drop ones already handled."""
    @property
    def raw(self) -> Any:
        """The whole body, as parsed."""
    # generated fields: end

@final
class Pager(Generic[_T]):
    """A list fetched lazily page by page, keeping every filter. Iterate it for items as often
    as you like (each ``iter()`` is a new walk that fetches every page afresh, one request
    each, so it shows what changed meanwhile), or call ``pages()`` for pages. Only the latest
    first page is kept, for the repr, the table, ``len()``, ``bool()`` and small indexes: a
    long list never fills memory. Ctrl-C interrupts a slow page."""

    def __iter__(self) -> Iterator[_T]: ...
    def pages(self) -> PageIterator[_T]:
        """The pages, fetched afresh, one request each (the first one is kept for looks)."""
    @property
    def total(self) -> Optional[int]:
        """The total the service reported with the last page fetched, if it reports one (runs,
        events); `None` before the first page. `len(pager)` fetches the first page if needed."""
    def __len__(self) -> int:
        """The total the service reports (runs, events), fetching the first page if needed; a
        list with no total (agents) raises ``TypeError``: ``len(pager.to_list())`` counts it."""
    def __bool__(self) -> bool:
        """Whether the list has an item (fetches the first page if needed)."""
    @overload
    def __getitem__(self, key: SupportsIndex, /) -> _T: ...
    @overload
    def __getitem__(self, key: slice, /) -> ModelList[_T]: ...
    def to_list(self) -> ModelList[_T]:
        """Every item, in a `ModelList` (one request per page)."""
    def to_pandas(self, columns: Union[None, str, Sequence[str]] = None) -> Any:
        """Every item as a pandas `DataFrame`, one row per item and typed columns (see
        `twin.to_pandas`). Needs pandas: `pip install ".[pandas]"`."""
    def _first_page(self) -> tuple[list[_T], Optional[int], bool]: ...
    def _kept(self) -> Optional[tuple[list[_T], Optional[int], bool]]: ...
    @property
    def _kind(self) -> str: ...
    def _repr_html_(self) -> str: ...

@final
class PagerIterator(Generic[_T]):
    """One iteration over a ``Pager``'s items, from ``iter(pager)``."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> _T: ...

@final
class PageIterator(Generic[_T]):
    """The pages of a ``Pager``: a new walk each ``pages()``."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> Page[_T]: ...

@final
class Page(Generic[_T]):
    """One page: ``items``, the service's ``total`` (if any), ``has_next``."""

    @property
    def items(self) -> ModelList[_T]:
        """The page's items, in the service's order."""
    @property
    def total(self) -> Optional[int]:
        """The total the service reported for the whole list (runs, events), if any."""
    @property
    def has_next(self) -> bool:
        """Another page follows this one."""
    def to_list(self) -> ModelList[_T]:
        """The page's items, in a `ModelList` (a copy)."""
    def to_pandas(self, columns: Union[None, str, Sequence[str]] = None) -> Any:
        """The page's items as a pandas `DataFrame` (see `twin.to_pandas`)."""
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, key: SupportsIndex, /) -> _T: ...
    @overload
    def __getitem__(self, key: slice, /) -> ModelList[_T]: ...
    def __iter__(self) -> Iterator[_T]: ...
    def _repr_html_(self) -> str: ...

@final
class Follow:
    """A run's events as they happen (an iterator); ends once the run is terminal or paused
    and every event was seen. A context manager: leaving it stops following."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> Event: ...
    def _next_ready(self) -> tuple[bool, Optional[Event]]:
        """One look without waiting, for `AsyncFollow` (which sleeps on the event loop between
        looks): `(True, event)`, `(True, None)` once the follow ended, `(False, None)` when no
        event is ready yet. An event is taken from the follower only when it is returned, so a
        cancelled `__anext__` loses none.
        """
    @property
    def last_index(self) -> Optional[int]:
        """The `index` of the last event yielded (or the `after_index` it started from): pass it as
        `after_index` to resume.
        """
    def close(self) -> None:
        """Stops following; iteration then ends. Safe to call from another thread. With
        `progress=`, the live line ends (its last update says the follow stopped).
        """
    def __enter__(self) -> Self: ...
    def __exit__(self, *_args: object) -> None: ...

@final
class ApiKeysResource:
    """API keys of the account: ``client.api_keys``."""

    def list(self) -> ModelList[ApiKey]:
        """Every key of the account."""
    def create(self, name: str) -> CreatedApiKey:
        """Creates a key; its secret is in `.api_key`, only this once."""
    def revoke(self, key_id: str) -> None:
        """Revokes a key; it stops working at once."""

@final
class WorkspacesResource:
    """Workspaces: ``client.workspaces``."""

    def list(self) -> ModelList[Workspace]:
        """Every workspace, in order."""
    def create(self, name: str) -> Workspace:
        """Creates a workspace."""
    def update(self, workspace_id: str, *, name: str, icon_config: Optional[str] = None) -> Workspace:
        """Renames a workspace and optionally sets its icon (a JSON-encoded string)."""
    def delete(self, workspace_id: str) -> None:
        """Deletes a workspace."""
    def reorder(self, workspace_ids: Sequence[str]) -> None:
        """Sets the order of the workspaces."""

@final
class AgentsResource:
    """Agents: ``client.agents``."""

    def list(self, *, workspace_id: Optional[str] = None, page_size: Optional[int] = None) -> Pager[Agent]:
        """The agents, fetched lazily page by page (by cursor); `page_size` agents a page (the service's
        default is 10).
        """
    def create(
        self,
        *,
        workspace_id: Optional[str] = None,
        owner_user_id: Optional[str] = None,
        is_subagent: Optional[bool] = None,
        derived_from_agent_id: Optional[str] = None,
        agent_id: Optional[str] = None,
    ) -> Agent:
        """Creates an agent. Passing `agent_id` makes the call safe to retry."""
    def get(self, agent_id: str) -> Agent:
        """One agent. An unknown agent is a `PermissionDeniedError` (403, "you do not have access to
        this agent"): the service never says 404 for agents.
        """
    def delete(self, agent_id: str) -> None:
        """Deletes an agent."""
    def move(self, agent_id: str, *, workspace_id: str) -> None:
        """Moves an agent to another workspace (`workspace_id` by keyword: two ids side by side are
        easy to swap).
        """

@final
class RunsResource:
    """Runs of agents: ``client.runs``."""

    def list(
        self,
        agent_id: str,
        *,
        status: Optional[_RunStatus] = None,
        run_id: Optional[str] = None,
        user_email: Optional[str] = None,
        goal: Optional[str] = None,
        started_after: Optional[datetime.datetime] = None,
        started_before: Optional[datetime.datetime] = None,
        policy_type: Optional[str] = None,
        policy_group: Optional[str] = None,
        page_size: Optional[int] = None,
    ) -> Pager[Run]:
        """The agent's runs, newest first, fetched lazily page by page; filters apply to every page.
        Times are timezone-aware `datetime`s.
        """
    def start(
        self,
        agent_id: str,
        *,
        mode: _RunMode = "run",
        message: Optional[str] = None,
        skip_deploy_check: Optional[bool] = None,
    ) -> Run:
        """Starts a run. `mode` is `"run"` (default) or `"build"`. Never retried once it may have
        reached the service.
        """
    def get(self, agent_id: str, run_id: str) -> Run:
        """One run; `NotFoundError` when the agent has no such run."""
    def cancel(self, agent_id: str, run_id: str, *, reason: Optional[str] = None) -> CancelResult:
        """Cancels a run. Cancelling a finished run still succeeds, with a `note`."""
    def delete(self, agent_id: str, run_id: str) -> None:
        """Deletes a run."""
    def wait(
        self,
        agent_id: str,
        run_id: str,
        *,
        timeout: Optional[float] = 600.0,
        poll_interval: Optional[float] = None,
        progress: ProgressArg = None,
    ) -> Run:
        """Polls until the run is terminal or paused and returns it. `timeout` in seconds (default 600;
        `None` for no limit) raises `WaitTimeoutError`; `poll_interval` is the first pause
        (default 0.5 s), growing to 5 s. Ctrl-C interrupts it. `progress=True` shows a live line
        (Jupyter display, `\\r` line on a terminal, nothing otherwise); a callable gets a
        `twin.Progress` at each update.
        """
    def wait_all(
        self,
        runs: Iterable[Run],
        *,
        timeout: Optional[float] = 600.0,
        poll_interval: Optional[float] = None,
        progress: ProgressArg = None,
    ) -> builtins.list[Run]:
        """Waits for every run until each is terminal or paused (as `wait`) and returns them
        refreshed, in the order given (a `twin.ModelList`). Polls only the unfinished runs, one
        short call each, at `wait`'s pace (first pause `poll_interval`, default 0.5 s, growing by
        half to 5 s); no thread is held per run. `timeout` (seconds, the whole batch; default 600
        as `wait`, `None` for no limit) raises `WaitTimeoutError` with `.finished` and
        `.unfinished` (the runs as last seen). Ctrl-C interrupts it. `progress=True` shows a live
        line (`runs: 5/8 finished (4 completed, 1 error) · 12 s`); a callable gets a
        `twin.Progress` at each update.
        """
    def as_completed(
        self,
        runs: Iterable[Run],
        *,
        timeout: Optional[float] = 600.0,
        poll_interval: Optional[float] = None,
        progress: ProgressArg = None,
    ) -> Iterator[Run]:
        """An iterator that yields each run (refreshed) as soon as it is terminal or paused, in the
        order they finish; same polling, `timeout`, `progress` and errors as `wait_all`
        (`WaitTimeoutError.finished` holds the runs already yielded).
        """

@final
class EventsResource:
    """Run events: ``client.events``."""

    def list(
        self, agent_id: str, run_id: str, *, after_index: Optional[int] = None, page_size: Optional[int] = None
    ) -> Pager[Event]:
        """The run's events so far, paged lazily by `after_index`; `page_size` events a page (at most
        and by default 500).
        """
    def follow(
        self,
        agent_id: str,
        run_id: str,
        *,
        after_index: Optional[int] = None,
        timeout: Optional[float] = None,
        progress: ProgressArg = None,
    ) -> Follow:
        """The run's events as they happen: iterating blocks until the next event, and ends once the
        run is terminal or paused and every event was seen. `timeout` (seconds; default `None`, no
        limit) raises `WaitTimeoutError`. Ctrl-C interrupts it; `close()` stops it. `progress=True` shows a live
        line while iterating (events seen, last kind, elapsed: Jupyter display, `\\r` line on a
        terminal, nothing otherwise); a callable gets a `twin.Progress` at each update.
        """

@final
class WebhooksResource:
    """Webhooks of agents: ``client.webhooks``."""

    def create(self, agent_id: str, *, url: str, events: Sequence[_WebhookEventName]) -> CreatedWebhook:
        """Subscribes `url` to `events` (`run.started`, `run.completed`, `run.failed`, `run.stopped`,
        `run.paused`). Keep the returned `signing_secret`.
        """
    def list(self, agent_id: str) -> ModelList[Webhook]:
        """The agent's webhooks."""
    def get(self, agent_id: str, webhook_id: str) -> Webhook:
        """One webhook."""
    def update(
        self,
        agent_id: str,
        webhook_id: str,
        *,
        url: Optional[str] = None,
        events: Optional[Sequence[_WebhookEventName]] = None,
        status: Optional[_WebhookStatus] = None,
    ) -> Webhook:
        """Changes a webhook's url, events or status (`active`/`disabled`)."""
    def delete(self, agent_id: str, webhook_id: str) -> None:
        """Deletes a webhook."""

@final
class SchedulesResource:
    """Cron schedules of agents: ``client.schedules``."""

    def get(self, agent_id: str) -> Optional[Schedule]:
        """The agent's schedule, or `None`."""
    def set(self, agent_id: str, cron: str) -> None:
        """Sets the schedule; an invalid expression raises `InvalidCronError` before any request."""
    def delete(self, agent_id: str) -> None:
        """Removes the schedule."""
    def pause(self, agent_id: str) -> None:
        """Pauses the schedule."""
    def resume(self, agent_id: str) -> None:
        """Resumes the schedule."""
    def list(self) -> ModelList[Schedule]:
        """Every schedule of the account."""

@final
class InstructionsResource:
    """Instructions of agents: ``client.instructions``."""

    def get(self, agent_id: str) -> Optional[Instructions]:
        """The agent's instructions, or `None` when it has none."""
    def update(
        self, agent_id: str, content: str, *, source_type: Optional[str] = None, source_id: Optional[str] = None
    ) -> None:
        """Replaces the agent's instructions."""
    def history(self, agent_id: str, *, limit: Optional[int] = None) -> ModelList[InstructionVersion]:
        """Every version, the current one included, newest first (the order the service gives; one version was captured live)."""

@final
class Attempt:
    """One HTTP attempt of a call, as handed to `Client(on_attempt=...)`: never the key, a query
    string or a body."""

    @property
    def method(self) -> str:
        """The HTTP method, e.g. `GET`."""
    @property
    def route(self) -> str:
        """The route with its ids replaced by names, e.g. `/v1/agents/{agent_id}/runs`."""
    @property
    def status(self) -> Optional[int]:
        """The HTTP status, when an answer came (any status, 2xx or not)."""
    @property
    def attempt(self) -> int:
        """1 for the first attempt, 2 for the first retry, ..."""
    @property
    def duration(self) -> float:
        """Seconds from sending the request to the end of reading the answer (or the failure)."""
    @property
    def request_id(self) -> Optional[str]:
        """The request id the service sent (`x-request-id`), if any."""
    @property
    def error(self) -> Optional[Literal["timeout", "connection", "too_large", "other"]]:
        """Why no answer came: `timeout`, `connection`, `too_large` or `other`; `None` when an answer
        came.
        """

@final
class RawResponse:
    """The answer to `client.request()`: always a 2xx (any other status raises the usual
    `twin.APIStatusError`)."""

    @property
    def status(self) -> int:
        """The HTTP status, e.g. 200."""
    @property
    def headers(self) -> dict[str, str]:
        """The headers the SDK reads, by lowercase name, when sent: `content-type`, `x-request-id`,
        `retry-after`, `allow`. The key never appears.
        """
    @property
    def json(self) -> Any:
        """The body decoded from JSON (dicts, lists, strings, numbers); `None` when empty."""
    @property
    def request_id(self) -> Optional[str]:
        """The request id the service sent (`x-request-id`), if any."""

@final
class Client:
    """A client of the Twin API; one client serves many threads. ``api_key`` defaults to
    ``TWIN_API_KEY``, ``base_url`` to ``TWIN_BASE_URL`` then ``https://build.twin.so``.
    Timeouts are seconds, ``None`` for no limit (defaults: ``timeout`` 60 per attempt,
    ``connect_timeout`` 10, ``total_timeout`` 120 for a call with its retries); no key or a bad
    base URL raises ``twin.ConfigurationError``. HTTPS certificates are always verified, against Mozilla's roots
    and, unless ``system_roots=False``, the system's trust store (``SSL_CERT_FILE`` /
    ``SSL_CERT_DIR`` when set); ``ca_cert_pem`` (PEM text or bytes) adds certificates to
    those, e.g. a private CA's. ``on_attempt``, a callable, receives a ``twin.Attempt`` for
    every HTTP attempt (retries included), on the thread making the call."""

    def __new__(
        cls,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        timeout: Optional[float] = 60.0,
        connect_timeout: Optional[float] = 10.0,
        total_timeout: Optional[float] = 120.0,
        max_retries: int = 2,
        ca_cert_pem: Optional[Union[str, bytes]] = None,
        system_roots: bool = True,
        on_attempt: Optional[Callable[[Attempt], object]] = None,
    ) -> Self: ...
    @property
    def base_url(self) -> str:
        """The base URL requests go to, without a trailing slash."""
    @property
    def timeout(self) -> Optional[float]:
        """Seconds allowed for one attempt; `None`: no limit."""
    @property
    def connect_timeout(self) -> Optional[float]:
        """Seconds allowed to connect; `None`: no limit."""
    @property
    def total_timeout(self) -> Optional[float]:
        """Seconds allowed for a whole call, retries included; `None`: no limit."""
    @property
    def max_retries(self) -> int:
        """Retries after the first attempt."""
    @property
    def closed(self) -> bool:
        """Whether `close()` was called."""
    @property
    def api_keys(self) -> ApiKeysResource:
        """API keys of the account: list, create, revoke."""
    @property
    def workspaces(self) -> WorkspacesResource:
        """Workspaces: list, create, update, delete, reorder."""
    @property
    def agents(self) -> AgentsResource:
        """Agents: list (paged), create, get, delete, move."""
    @property
    def runs(self) -> RunsResource:
        """Runs: list (paged), start, get, wait, cancel, delete."""
    @property
    def events(self) -> EventsResource:
        """Run events: list (paged), follow as they happen."""
    @property
    def webhooks(self) -> WebhooksResource:
        """Webhooks of agents: create, list, get, update, delete."""
    @property
    def schedules(self) -> SchedulesResource:
        """Cron schedules of agents: get, set, pause, resume, delete, list."""
    @property
    def instructions(self) -> InstructionsResource:
        """Instructions of agents: get, update, history."""
    def with_options(
        self,
        *,
        timeout: Optional[float] = ...,
        total_timeout: Optional[float] = ...,
        connect_timeout: Optional[float] = ...,
        max_retries: int = ...,
    ) -> Client:
        """A client with other limits that shares this one's connections (and key and base URL), for
        one call or several: `client.with_options(timeout=5, max_retries=0).agents.get(id)`. Each of
        `timeout`, `total_timeout`, `connect_timeout` (seconds, `None` for no limit) and
        `max_retries` left out keeps this client's. Closing either closes only that one.
        """
    def request(
        self,
        method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "get", "post", "put", "patch", "delete"],
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
    ) -> RawResponse:
        """Calls any route of the API, for what the SDK does not model yet, with this client's key,
        retries, time limits, errors and redaction: `method` is `GET`, `POST`, `PUT`, `PATCH` or
        `DELETE`; `path` the part after the base URL (`/v1/agents/abc`, segments unencoded);
        `params` the query (`None` values left out); `json` the body. Returns a `twin.RawResponse`
        (status, headers, decoded JSON, request id); an error status raises as from any call.
        `POST` and `PATCH` are retried only when they certainly were not sent.
        """
    def me(self) -> Me:
        """The account the API key belongs to."""
    def close(self) -> None:
        """Closes the client's connections; later calls raise `RuntimeError`."""
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
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:41234`."""
    @property
    def api_key(self) -> str:
        """The key that works from the start and opens the admin routes."""
    @property
    def ui_url(self) -> str:
        """The inspector's page, e.g. `http://127.0.0.1:41234/_emulator/ui`."""
    @property
    def running(self) -> bool:
        """Whether it is still running."""
    def shutdown(self) -> None:
        """Stops the emulator (idempotent)."""

def final_output(events: Iterable[Event]) -> Any:
    """A run's answer picked from its events: the `output` of `Finished`, else of the latest `llm` tool
    call; `None` when there is none.
    """

def webhooks_sign(body: bytes, secret: str) -> str:
    """`sha256=<hex HMAC-SHA256 of body keyed with secret>`, as Twin signs deliveries."""
def webhooks_verify(body: bytes, signature: Optional[str], secrets: Sequence[str]) -> None:
    """Checks a signature header against the body with each secret (constant-time)."""
def webhooks_unwrap(
    body: bytes,
    signature: Optional[str],
    event: Optional[str],
    secrets: Sequence[str],
    *,
    tolerance: Optional[float] = 300.0,
    max_body: int = 1048576,
    now: Optional[datetime.datetime] = None,
) -> WebhookEvent:
    """Verifies and reads a delivery: size cap, signature, payload, event header, timestamp."""
def cron_validate(expr: str) -> None:
    """Raises `InvalidCronError` (naming the faulty field) unless `expr` is a valid schedule."""
def cron_next_times(
    expr: str, *, count: int = 5, after: Optional[datetime.datetime] = None
) -> list[datetime.datetime]:
    """The next `count` fire times strictly after `after` (default: now), in UTC."""
def problem_from_response(
    status: int, body: bytes, content_type: Optional[str] = None, allow: Optional[str] = None
) -> Any:
    """The `twin.Problem` the SDK reads from an error response (status, body, content type and `Allow`
    header), for replaying stored responses and for the shared test vectors.
    """
def _shutdown_logging() -> None: ...
