"""twin: the Python SDK for the Twin REST API.

::

    import twin

    with twin.Client() as client:               # TWIN_API_KEY, TWIN_BASE_URL
        agent = client.agents.create()
        run = client.runs.start(agent.agent_id, message="Summarise my inbox")
        for event in run.follow():
            print(event.index, event.kind)
        print(run.wait().outcome)

Everything is backed by one Rust core (retries, paging, timeouts, webhook verification, cron);
every network call releases the GIL, and waits can be interrupted with Ctrl-C. Logs go to the
``logging`` logger ``"twin"`` (or set ``TWIN_LOG=debug``). ``twin.testing.Emulator`` runs a
local Twin API for tests.
"""

from __future__ import annotations

import atexit as _atexit

from . import _logging
from . import _twin
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    ConfigurationError,
    InvalidCronError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    RateLimitError,
    TwinError,
    OperationFailedError,
    UnexpectedResponseError,
    UnprocessableEntityError,
    WaitTimeoutError,
    WebhookVerificationError,
)
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
    Instructions,
    InstructionVersion,
    Me,
    Page,
    Pager,
    RawResponse,
    Run,
    Schedule,
    Webhook,
    WebhookEvent,
    Workspace,
    final_output,
)
from . import cron, testing, webhooks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Sequence, Union

    from ._async import AsyncClient, AsyncFollow, AsyncPager, AsyncRun
    from ._progress import Progress

__version__: str = _twin.__version__
__build__: str = _twin.__build__
"""The profile the native module was built with: ``"release"`` (the wheel of ``make dist``,
``pip install .`` or of the sdist) or ``"dev"`` (``make test-python``'s quick
build, with debug assertions and unoptimised SDK code)."""

__all__ = [
    "__version__",
    "__build__",
    "Client",
    "AsyncClient",
    "AsyncRun",
    "AsyncPager",
    "AsyncFollow",
    "Pager",
    "Page",
    "ModelList",
    "Follow",
    "RawResponse",
    "Attempt",
    "Progress",
    "Me",
    "ApiKey",
    "CreatedApiKey",
    "Workspace",
    "Agent",
    "Run",
    "CancelResult",
    "Event",
    "Webhook",
    "CreatedWebhook",
    "Schedule",
    "Instructions",
    "InstructionVersion",
    "WebhookEvent",
    "final_output",
    "to_pandas",
    "Problem",
    "TwinError",
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "OperationFailedError",
    "UnexpectedResponseError",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "InvalidCronError",
    "ConfigurationError",
    "webhooks",
    "cron",
    "testing",
]


def to_pandas(models: Iterable[Any], columns: Union[None, str, Sequence[str]] = None) -> Any:
    """Models (any iterable: a list, a ``Pager``, a generator) as a pandas ``DataFrame``, one
    row per model, columns named as the attributes and typed: times as timezone-aware UTC
    ``datetime64``, integers ``Int64``, booleans ``boolean`` (both nullable), text ``string``,
    JSON values (payloads, lists) ``object``.

    ``columns``: ``None`` for the model's default set (the columns of its notebook table),
    ``"all"`` for every attribute, or a list of attribute names. Secrets (``api_key``,
    ``signing_secret``) appear only when named. A ``Pager`` is walked once, keeping only the
    values. Needs pandas: ``pip install ".[pandas]"`` (the ``pandas`` extra).
    """
    if isinstance(models, (Pager, Page, ModelList)):
        return models.to_pandas(columns)
    from ._lists import to_pandas as _to_pandas

    return _to_pandas(models, columns)


_ASYNC = ("AsyncClient", "AsyncRun", "AsyncPager", "AsyncFollow")


def __getattr__(name: str) -> object:
    # `AsyncClient` (and its classes) needs `typing` at run time: it is imported on first use, so that
    # `import twin` stays fast for scripts that never use it.
    if name in _ASYNC:
        from . import _async

        value = getattr(_async, name)
        globals()[name] = value
        return value
    if name == "Progress":  # loaded with the first wait that shows progress
        from ._progress import Progress

        globals()["Progress"] = Progress
        return Progress
    raise AttributeError(f"module 'twin' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ASYNC) | {"Progress"})


_logging.setup()
# Threads still running at exit (a follower being stopped) must not log into a finalizing
# interpreter.
_atexit.register(_twin._shutdown_logging)
