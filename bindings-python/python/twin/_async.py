"""``AsyncClient``: the same surface as :class:`twin.Client` with ``async def`` methods.

Each short call (a get, a page, one poll of a wait) runs the blocking native call on a thread of
the SDK's own executor (``twin-async-*``, :data:`WORKERS` threads, shared by every
``AsyncClient``; never the event loop's default executor), where it releases the GIL, so the
event loop keeps running. Nothing holds a thread for a whole wait: ``wait`` polls one short
call at a time with ``asyncio.sleep`` in between (as ``wait_all``), and ``follow`` looks at its
follower without waiting, sleeping on the loop between looks. Runs come back as
:class:`AsyncRun`, whose ``refresh``, ``wait``, ``cancel`` and ``final_output`` are coroutines
and ``follow`` an async iterator. Pagers and ``follow`` are async iterators. Cancelling the
awaiting task stops a ``wait`` or ``follow`` at its next sleep.

Needs an asyncio event loop (anyio on its asyncio backend works; trio does not). ``asyncio``
is imported on first use, so ``import twin`` stays fast.
"""

from __future__ import annotations

import builtins
import datetime
import os
import threading
from typing import TYPE_CHECKING, Any, AsyncGenerator, AsyncIterator, Callable, Generic, Iterable, Mapping, Optional, Sequence, TypeVar, Union, cast

from . import _twin
from ._html import ModelList
from ._twin import (
    Agent,
    ApiKey,
    Attempt,
    CancelResult,
    Client,
    CreatedApiKey,
    CreatedWebhook,
    Event,
    Follow,
    InstructionVersion,
    Instructions,
    Me,
    Page,
    Pager,
    RawResponse,
    Run,
    Schedule,
    Webhook,
    Workspace,
)

__all__ = ["AsyncClient", "AsyncPager", "AsyncFollow", "AsyncRun", "WORKERS"]

T = TypeVar("T")
_DONE = object()

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from ._progress import ProgressArg
    from ._twin import _Outcome, _RunMode, _RunStatus, _WebhookEventName, _WebhookStatus

#: Threads of the SDK's executor, shared by every ``AsyncClient`` of the process. Each call on
#: it is short (a wait is many polls), so a few serve many concurrent waits.
WORKERS = 8
#: ``AsyncFollow``: the first and the longest sleep on the loop between two looks at the
#: follower (which polls the service on its own thread and hands events over).
FOLLOW_FIRST_PAUSE = 0.005
FOLLOW_PAUSE = 0.05

_executor_lock = threading.Lock()
_executor_state: Optional[tuple[int, ThreadPoolExecutor]] = None


def _executor() -> ThreadPoolExecutor:
    """The SDK's executor, made on first use (and afresh in a forked child)."""
    global _executor_state
    with _executor_lock:
        if _executor_state is None or _executor_state[0] != os.getpid():
            from concurrent.futures import ThreadPoolExecutor

            _executor_state = (os.getpid(), ThreadPoolExecutor(WORKERS, thread_name_prefix="twin-async"))
        return _executor_state[1]


async def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` on the SDK's executor, in a copy of the caller's context (as
    ``asyncio.to_thread``)."""
    import asyncio
    import contextvars
    import functools

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "twin.AsyncClient needs a running asyncio event loop (asyncio.run, or anyio on its "
            "asyncio backend); under trio, call twin.Client in trio.to_thread.run_sync"
        ) from None
    context = contextvars.copy_context()
    return await loop.run_in_executor(_executor(), functools.partial(context.run, fn, *args, **kwargs))


def _same(item: T) -> T:
    return item


def _sync_run(run: Union[Run, AsyncRun]) -> Run:
    return run._run if isinstance(run, AsyncRun) else run


async def _as_async_runs(runs: AsyncGenerator[Run, None]) -> AsyncIterator[AsyncRun]:
    try:
        async for run in runs:
            yield AsyncRun(run)
    finally:
        await runs.aclose()  # ends its live line now, not when collected


class AsyncPager(Generic[T]):
    """An async lazily paged list. ``async for`` it as often as you like: each iteration is a
    new walk that fetches every page afresh (the first one is kept for looks); ``pages()``
    iterates whole pages. ``await pager.to_list()``, ``await
    pager.to_pandas()``, ``await pager.count()``.

    What cannot await works from the kept first page only, and never fetches: ``len(pager)``
    (the service's total, as ``len()`` of a ``Pager``), ``bool(pager)``, ``pager[i]`` within
    the first page, the repr and the notebook table. Before the first page is known (no
    iteration started, no ``count()``) they raise ``TypeError`` saying what to await instead.
    """

    def __init__(self, pager: Pager[Any], wrap: Optional[Callable[[Any], T]] = None) -> None:
        self._pager = pager
        # How an item of the native pager is handed out (a Run as an AsyncRun).
        self._wrap: Callable[[Any], T] = wrap if wrap is not None else cast("Callable[[Any], T]", _same)

    def __aiter__(self) -> AsyncIterator[T]:
        return self._walk()

    async def _walk(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page:
                yield self._wrap(item)

    async def pages(self) -> AsyncIterator[Page[Any]]:
        """The pages, fetched afresh, one request each (the first one is kept for looks). A
        page holds the native models (``Run``, not ``AsyncRun``: ``AsyncRun(run)`` wraps one)."""
        pages = self._pager.pages()
        while True:
            page = await _call(next, pages, _DONE)
            if page is _DONE:
                return
            yield cast("Page[Any]", page)

    async def to_list(self) -> ModelList[T]:
        """Every item, in a ``ModelList`` (one request per page; cancelling stops between
        pages)."""
        items: ModelList[T] = ModelList()
        async for page in self.pages():
            items.extend(self._wrap(item) for item in page)
        return items

    async def to_pandas(self, columns: Union[None, str, Sequence[str]] = None) -> Any:
        """Every item as a pandas ``DataFrame`` (see ``twin.to_pandas``), built in a worker
        thread."""
        return await _call(self._pager.to_pandas, columns)

    async def count(self) -> int:
        """How many items: the total the service reports (runs, events; fetches the first page
        if needed), or, for a list with no total (agents), every page fetched and counted."""
        try:
            return await _call(len, self._pager)
        except TypeError:
            n = 0
            async for page in self.pages():
                n += len(page)
            return n

    @property
    def total(self) -> Optional[int]:
        """The total the service reported with the last page fetched (runs, events), if any;
        ``None`` before the first page (``await pager.count()`` fetches it)."""
        return self._pager.total

    def _kept(self, what: str) -> tuple[list[T], Optional[int], bool]:
        kept = self._pager._kept()
        if kept is None:
            raise TypeError(
                f"{what} of an AsyncPager needs its first page, which it cannot fetch without await: "
                "use `await pager.count()`, `await pager.to_list()`, or iterate it first"
            )
        items, total, has_next = kept
        return [self._wrap(item) for item in items], total, has_next

    def __len__(self) -> int:
        self._kept("len()")
        return len(self._pager)  # the first page is kept: no request

    def __bool__(self) -> bool:
        return bool(self._kept("bool()")[0])

    def __getitem__(self, key: Any) -> Any:
        items, _total, has_next = self._kept("indexing")
        if isinstance(key, slice):
            if not has_next or (
                key.stop is not None and 0 <= key.stop <= len(items) and (key.start or 0) >= 0 and (key.step or 1) > 0
            ):
                return items[key]
        elif 0 <= key < len(items) or (not has_next and -len(items) <= key < 0):
            return items[key]
        raise TypeError(
            f"AsyncPager[{key!r}] is past the kept first page ({len(items)} items) and would block: "
            f"use `(await pager.to_list())[{key!r}]`"
        )

    def __repr__(self) -> str:
        kept = self._pager._kept()
        if kept is None:
            return f"<AsyncPager[{self._pager._kind}] first page not fetched yet: await pager.to_list()>"
        from ._lists import pager_repr

        return "<Async" + pager_repr(self._pager._kind, *kept)[1:]

    def _repr_html_(self) -> str:
        import html

        kept = self._pager._kept()
        if kept is None:
            return f"<p>{html.escape(repr(self))}</p>"
        from ._html import pager

        items, total, has_next = kept
        return pager(items, total, has_next, self._pager._kind)


class AsyncFollow:
    """An async iterator over a run's events as they happen; ``aclose()`` stops it (as does
    leaving ``async with``). The follower polls the service on a thread of its own (as
    ``Follow``'s); ``__anext__`` looks for its next event without waiting and sleeps on the
    event loop between looks, so no executor thread is held. A cancelled ``__anext__`` (e.g.
    ``asyncio.wait_for(anext(follow), 1)``) takes no event: the next one still comes."""

    def __init__(self, follow: Follow) -> None:
        self._follow = follow

    def __aiter__(self) -> AsyncFollow:
        return self

    async def __anext__(self) -> Event:
        import asyncio

        pause = FOLLOW_FIRST_PAUSE
        while True:
            ready, event = self._follow._next_ready()
            if ready:
                if event is None:
                    raise StopAsyncIteration
                return event
            await asyncio.sleep(pause)
            pause = min(pause * 2, FOLLOW_PAUSE)

    @property
    def last_index(self) -> Optional[int]:
        """The index of the last event yielded (or the ``after_index`` it started from): pass
        it as ``after_index`` to resume. Always readable."""
        return self._follow.last_index

    async def aclose(self) -> None:
        """Stops following."""
        self._follow.close()

    async def __aenter__(self) -> AsyncFollow:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._follow.close()


class AsyncRun:
    """A run from an ``AsyncClient``: the same fields as :class:`twin.Run` (a snapshot, as
    fetched), with coroutine methods (``await run.refresh()``, ``await run.wait()``, ``await
    run.cancel()``, ``await run.final_output()``) and async iterators (``run.events()``,
    ``run.follow()``). ``AsyncRun(run)`` wraps a ``twin.Run``; ``.sync_run`` is the
    ``twin.Run`` underneath."""

    __slots__ = ("_run",)

    # The fields, read from the wrapped Run (declared for type checkers; see `__getattr__`).
    if TYPE_CHECKING:
        # generated fields of Run: begin (codegen/models.toml)
        run_id: str
        agent_id: str
        status: Optional[_RunStatus]
        is_finished: bool
        goal: Optional[str]
        user_email: Optional[str]
        is_terminal: bool
        is_paused: bool
        outcome: Optional[_Outcome]
        summary: Optional[str]
        credits_consumed: Optional[int]
        run_number: Optional[int]
        run_kind: Optional[_RunMode]
        policy_type: Optional[str]
        policy_model: Optional[str]
        started_at: Optional[datetime.datetime]
        last_event_at: Optional[datetime.datetime]
        # generated fields: end
        request_id: Optional[str]

    def __init__(self, run: Run) -> None:
        if not isinstance(run, Run):
            raise TypeError(f"AsyncRun() takes a twin.Run, not {type(run).__name__}")
        self._run = run

    def __getattr__(self, name: str) -> Any:
        # Only the data of the Run (its fields, to_dict, to_json, ...): its blocking methods
        # have coroutine versions here.
        if name in _RUN_DATA:
            return getattr(self._run, name)
        raise AttributeError(f"'AsyncRun' object has no attribute {name!r}")

    def __dir__(self) -> builtins.list[str]:
        return sorted(set(object.__dir__(self)) | _RUN_DATA)

    @property
    def sync_run(self) -> Run:
        """The ``twin.Run`` underneath (its methods block)."""
        return self._run

    async def refresh(self) -> AsyncRun:
        """The run as it is now (a new ``AsyncRun``)."""
        return AsyncRun(await _call(self._run.refresh))

    async def wait(
        self,
        *,
        timeout: Optional[float] = 600.0,
        poll_interval: Optional[float] = None,
        progress: ProgressArg = None,
    ) -> AsyncRun:
        """Waits until the run is terminal or paused, polling with ``asyncio.sleep`` in between
        (no thread held); otherwise as ``Run.wait``. Cancelling the task stops it."""
        from . import _batch

        done = await _batch.async_wait_one(self._run, timeout=timeout, poll_interval=poll_interval, progress=progress)
        return AsyncRun(done)

    async def cancel(self, *, reason: Optional[str] = None) -> CancelResult:
        """Cancels the run."""
        return await _call(self._run.cancel, reason=reason)

    async def final_output(self) -> Any:
        """As ``Run.final_output`` (reads all the run's events)."""
        return await _call(self._run.final_output)

    def events(self, *, after_index: Optional[int] = None, page_size: Optional[int] = None) -> AsyncPager[Event]:
        """Not a coroutine: the run's events so far, an async iterator that fetches pages as it
        goes."""
        return AsyncPager(self._run.events(after_index=after_index, page_size=page_size))

    def follow(
        self, *, after_index: Optional[int] = None, timeout: Optional[float] = None, progress: ProgressArg = None
    ) -> AsyncFollow:
        """Not a coroutine: the run's events as they happen, an async iterator; see
        ``AsyncClient().events.follow``."""
        return AsyncFollow(self._run.follow(after_index=after_index, timeout=timeout, progress=progress))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AsyncRun):
            return self._run == other._run
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._run)

    def __repr__(self) -> str:
        return "Async" + repr(self._run)

    def _repr_html_(self) -> str:
        return self._run._repr_html_()


#: What `AsyncRun` reads from its Run: the fields and the data methods.
_RUN_DATA = frozenset(Run._fields) | {"request_id", "to_dict", "to_record", "to_json"}


class _Resource:
    def __init__(self, sync: Any) -> None:
        self._sync = sync


class AsyncApiKeys(_Resource):
    """API keys of the account, as coroutines: ``AsyncClient().api_keys`` (same arguments as
    ``Client().api_keys``)."""

    async def list(self) -> ModelList[ApiKey]:
        return await _call(self._sync.list)

    async def create(self, name: str) -> CreatedApiKey:
        return await _call(self._sync.create, name)

    async def revoke(self, key_id: str) -> None:
        await _call(self._sync.revoke, key_id)


class AsyncWorkspaces(_Resource):
    """Workspaces, as coroutines: ``AsyncClient().workspaces`` (same arguments as
    ``Client().workspaces``)."""

    async def list(self) -> ModelList[Workspace]:
        return await _call(self._sync.list)

    async def create(self, name: str) -> Workspace:
        return await _call(self._sync.create, name)

    async def update(
        self, workspace_id: str, *, name: str, icon_config: Optional[str] = None
    ) -> Workspace:
        return await _call(self._sync.update, workspace_id, name=name, icon_config=icon_config)

    async def delete(self, workspace_id: str) -> None:
        await _call(self._sync.delete, workspace_id)

    async def reorder(self, workspace_ids: Sequence[str]) -> None:
        await _call(self._sync.reorder, list(workspace_ids))


class AsyncAgents(_Resource):
    """Agents, as coroutines: ``AsyncClient().agents`` (same arguments as
    ``Client().agents``)."""

    def list(
        self, *, workspace_id: Optional[str] = None, page_size: Optional[int] = None
    ) -> AsyncPager[Agent]:
        """Not a coroutine: returns an async iterator that fetches pages as it goes."""
        return AsyncPager(self._sync.list(workspace_id=workspace_id, page_size=page_size))

    async def create(
        self,
        *,
        workspace_id: Optional[str] = None,
        owner_user_id: Optional[str] = None,
        is_subagent: Optional[bool] = None,
        derived_from_agent_id: Optional[str] = None,
        agent_id: Optional[str] = None,
    ) -> Agent:
        return await _call(
            self._sync.create,
            workspace_id=workspace_id,
            owner_user_id=owner_user_id,
            is_subagent=is_subagent,
            derived_from_agent_id=derived_from_agent_id,
            agent_id=agent_id,
        )

    async def get(self, agent_id: str) -> Agent:
        return await _call(self._sync.get, agent_id)

    async def delete(self, agent_id: str) -> None:
        await _call(self._sync.delete, agent_id)

    async def move(self, agent_id: str, *, workspace_id: str) -> None:
        await _call(self._sync.move, agent_id, workspace_id=workspace_id)


class AsyncRuns(_Resource):
    """Runs of agents, as coroutines: ``AsyncClient().runs`` (same arguments as
    ``Client().runs``)."""

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
    ) -> AsyncPager[AsyncRun]:
        """Not a coroutine: returns an async iterator that fetches pages as it goes."""
        return AsyncPager(
            self._sync.list(
                agent_id,
                status=status,
                run_id=run_id,
                user_email=user_email,
                goal=goal,
                started_after=started_after,
                started_before=started_before,
                policy_type=policy_type,
                policy_group=policy_group,
                page_size=page_size,
            ),
            AsyncRun,
        )

    async def start(
        self,
        agent_id: str,
        *,
        mode: _RunMode = "run",
        message: Optional[str] = None,
        skip_deploy_check: Optional[bool] = None,
    ) -> AsyncRun:
        return AsyncRun(
            await _call(self._sync.start, agent_id, mode=mode, message=message, skip_deploy_check=skip_deploy_check)
        )

    async def get(self, agent_id: str, run_id: str) -> AsyncRun:
        return AsyncRun(await _call(self._sync.get, agent_id, run_id))

    async def cancel(self, agent_id: str, run_id: str, *, reason: Optional[str] = None) -> CancelResult:
        return await _call(self._sync.cancel, agent_id, run_id, reason=reason)

    async def delete(self, agent_id: str, run_id: str) -> None:
        await _call(self._sync.delete, agent_id, run_id)

    async def wait(
        self,
        agent_id: str,
        run_id: str,
        *,
        timeout: Optional[float] = 600.0,
        poll_interval: Optional[float] = None,
        progress: ProgressArg = None,
    ) -> AsyncRun:
        """Polls until the run is terminal or paused and returns it: one short call at a time
        on the SDK's executor, ``asyncio.sleep`` in between (no thread is held for the wait;
        cancelling the task stops it at once). Otherwise as ``Client().runs.wait``."""
        run = await self.get(agent_id, run_id)
        if run.is_terminal or run.is_paused:
            return run
        return await run.wait(timeout=timeout, poll_interval=poll_interval, progress=progress)

    async def wait_all(
        self,
        runs: Iterable[Union[AsyncRun, Run]],
        *,
        timeout: Optional[float] = 600.0,
        poll_interval: Optional[float] = None,
        progress: ProgressArg = None,
    ) -> builtins.list[AsyncRun]:
        """Waits for every run until each is terminal or paused and returns them refreshed, in
        the order given. Each poll is one short call on the SDK's executor, with
        ``asyncio.sleep`` between rounds: the event loop keeps running; cancelling the task
        stops the wait. Otherwise as ``Client().runs.wait_all``."""
        from . import _batch

        done = await _batch.async_wait_all(
            [_sync_run(r) for r in runs], timeout=timeout, poll_interval=poll_interval, progress=progress
        )
        return ModelList(AsyncRun(r) for r in done)

    def as_completed(
        self,
        runs: Iterable[Union[AsyncRun, Run]],
        *,
        timeout: Optional[float] = 600.0,
        poll_interval: Optional[float] = None,
        progress: ProgressArg = None,
    ) -> AsyncIterator[AsyncRun]:
        """Not a coroutine: an async iterator that yields each run (refreshed) once it is
        terminal or paused, in the order they finish; otherwise as
        ``Client().runs.as_completed``."""
        from . import _batch

        return _as_async_runs(
            _batch.async_as_completed(
                [_sync_run(r) for r in runs], timeout=timeout, poll_interval=poll_interval, progress=progress
            )
        )


class AsyncEvents(_Resource):
    """Run events, as coroutines: ``AsyncClient().events`` (same arguments as
    ``Client().events``)."""

    def list(
        self, agent_id: str, run_id: str, *, after_index: Optional[int] = None, page_size: Optional[int] = None
    ) -> AsyncPager[Event]:
        """Not a coroutine: returns an async iterator that fetches pages as it goes."""
        return AsyncPager(self._sync.list(agent_id, run_id, after_index=after_index, page_size=page_size))

    def follow(
        self,
        agent_id: str,
        run_id: str,
        *,
        after_index: Optional[int] = None,
        timeout: Optional[float] = None,
        progress: ProgressArg = None,
    ) -> AsyncFollow:
        """Not a coroutine: returns an async iterator over events as they happen (with
        ``progress``, a live line as ``Client().events.follow``)."""
        return AsyncFollow(
            self._sync.follow(
                agent_id, run_id, after_index=after_index, timeout=timeout, progress=progress
            )
        )


class AsyncWebhooks(_Resource):
    """Webhooks of agents, as coroutines: ``AsyncClient().webhooks`` (same arguments as
    ``Client().webhooks``)."""

    async def create(self, agent_id: str, *, url: str, events: Sequence[_WebhookEventName]) -> CreatedWebhook:
        return await _call(self._sync.create, agent_id, url=url, events=list(events))

    async def list(self, agent_id: str) -> ModelList[Webhook]:
        return await _call(self._sync.list, agent_id)

    async def get(self, agent_id: str, webhook_id: str) -> Webhook:
        return await _call(self._sync.get, agent_id, webhook_id)

    async def update(
        self,
        agent_id: str,
        webhook_id: str,
        *,
        url: Optional[str] = None,
        events: Optional[Sequence[_WebhookEventName]] = None,
        status: Optional[_WebhookStatus] = None,
    ) -> Webhook:
        return await _call(
            self._sync.update,
            agent_id,
            webhook_id,
            url=url,
            events=None if events is None else list(events),
            status=status,
        )

    async def delete(self, agent_id: str, webhook_id: str) -> None:
        await _call(self._sync.delete, agent_id, webhook_id)


class AsyncSchedules(_Resource):
    """Cron schedules of agents, as coroutines: ``AsyncClient().schedules`` (same arguments as
    ``Client().schedules``)."""

    async def get(self, agent_id: str) -> Optional[Schedule]:
        return await _call(self._sync.get, agent_id)

    async def set(self, agent_id: str, cron: str) -> None:
        await _call(self._sync.set, agent_id, cron)

    async def delete(self, agent_id: str) -> None:
        await _call(self._sync.delete, agent_id)

    async def pause(self, agent_id: str) -> None:
        await _call(self._sync.pause, agent_id)

    async def resume(self, agent_id: str) -> None:
        await _call(self._sync.resume, agent_id)

    async def list(self) -> ModelList[Schedule]:
        return await _call(self._sync.list)


class AsyncInstructions(_Resource):
    """Instructions of agents, as coroutines: ``AsyncClient().instructions`` (same arguments as
    ``Client().instructions``)."""

    async def get(self, agent_id: str) -> Optional[Instructions]:
        return await _call(self._sync.get, agent_id)

    async def update(
        self,
        agent_id: str,
        content: str,
        *,
        source_type: Optional[str] = None,
        source_id: Optional[str] = None,
    ) -> None:
        await _call(self._sync.update, agent_id, content, source_type=source_type, source_id=source_id)

    async def history(self, agent_id: str, *, limit: Optional[int] = None) -> ModelList[InstructionVersion]:
        return await _call(self._sync.history, agent_id, limit=limit)


class AsyncClient:
    """An asyncio client of the Twin API, with the same arguments as :class:`twin.Client`::

        async with twin.AsyncClient() as client:
            agent = await client.agents.get(agent_id)
            async for run in client.runs.list(agent_id):
                ...
    """

    def __init__(
        self,
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
    ) -> None:
        self._attach(
            Client(
                api_key,
                base_url,
                timeout=timeout,
                connect_timeout=connect_timeout,
                total_timeout=total_timeout,
                max_retries=max_retries,
                ca_cert_pem=ca_cert_pem,
                system_roots=system_roots,
                on_attempt=on_attempt,
            )
        )

    @classmethod
    def _over(cls, client: Client) -> AsyncClient:
        """An ``AsyncClient`` over a blocking ``Client``."""
        self = cls.__new__(cls)
        self._attach(client)
        return self

    def _attach(self, client: Client) -> None:
        self._client = client
        self.api_keys = AsyncApiKeys(self._client.api_keys)
        self.workspaces = AsyncWorkspaces(self._client.workspaces)
        self.agents = AsyncAgents(self._client.agents)
        self.runs = AsyncRuns(self._client.runs)
        self.events = AsyncEvents(self._client.events)
        self.webhooks = AsyncWebhooks(self._client.webhooks)
        self.schedules = AsyncSchedules(self._client.schedules)
        self.instructions = AsyncInstructions(self._client.instructions)

    @property
    def base_url(self) -> str:
        """The base URL requests go to, without a trailing slash."""
        return self._client.base_url

    @property
    def timeout(self) -> Optional[float]:
        """Seconds allowed for one attempt; ``None``: no limit."""
        return self._client.timeout

    @property
    def connect_timeout(self) -> Optional[float]:
        """Seconds allowed to connect; ``None``: no limit."""
        return self._client.connect_timeout

    @property
    def total_timeout(self) -> Optional[float]:
        """Seconds allowed for a whole call, retries included; ``None``: no limit."""
        return self._client.total_timeout

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt."""
        return self._client.max_retries

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._client.closed

    @property
    def sync_client(self) -> Client:
        """The blocking client this one runs on (shares its connections)."""
        return self._client

    def with_options(self, **options: Any) -> AsyncClient:
        """An ``AsyncClient`` with other limits that shares this one's connections; the same
        keywords as ``Client.with_options`` (``timeout``, ``total_timeout``,
        ``connect_timeout``, ``max_retries``; ``None`` is no limit)."""
        return AsyncClient._over(self._client.with_options(**options))

    async def request(
        self, method: str, path: str, *, params: Optional[Mapping[str, Any]] = None, json: Any = None
    ) -> RawResponse:
        """As ``Client.request``: any route, with this client's key, retries, time limits,
        errors and redaction."""
        return await _call(self._client.request, method, path, params=params, json=json)

    async def me(self) -> Me:
        """The account the API key belongs to."""
        return await _call(self._client.me)

    async def close(self) -> None:
        """Closes the client's connections; later calls raise ``RuntimeError``."""
        self._client.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self.base_url!r})"


def _copy_docs() -> None:
    # Each coroutine documents itself with its blocking counterpart's docstring (help()).
    pairs = {
        AsyncApiKeys: _twin.ApiKeysResource,
        AsyncWorkspaces: _twin.WorkspacesResource,
        AsyncAgents: _twin.AgentsResource,
        AsyncRuns: _twin.RunsResource,
        AsyncEvents: _twin.EventsResource,
        AsyncWebhooks: _twin.WebhooksResource,
        AsyncSchedules: _twin.SchedulesResource,
        AsyncInstructions: _twin.InstructionsResource,
    }
    for async_cls, sync_cls in pairs.items():
        for name, function in vars(async_cls).items():
            if not name.startswith("_") and callable(function) and not function.__doc__:
                function.__doc__ = getattr(sync_cls, name).__doc__


_copy_docs()
