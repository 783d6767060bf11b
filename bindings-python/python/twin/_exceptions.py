"""The exceptions of the Twin SDK: plain Python classes, raised by the native module.

Every exception the SDK raises on purpose is a :class:`TwinError`::

    TwinError
    ├── APIError
    │   ├── APIStatusError            .status .problem .request_id .retry_after
    │   │   ├── BadRequestError            400
    │   │   ├── AuthenticationError        401
    │   │   ├── PermissionDeniedError      403 (also an unknown agent)
    │   │   ├── NotFoundError              404
    │   │   ├── ConflictError              409
    │   │   ├── UnprocessableEntityError   422
    │   │   ├── RateLimitError             429
    │   │   └── InternalServerError        5xx
    │   ├── APIConnectionError        .maybe_sent (on every APIError)
    │   │   └── APITimeoutError
    │   ├── OperationFailedError      a 2xx saying it was not done (success: false) .detail
    │   └── UnexpectedResponseError   a 2xx that is not an API answer, or undecodable
    ├── WaitTimeoutError              (also TimeoutError) wait()/follow() ran out of time
    ├── WebhookVerificationError      (also ValueError) .reason
    ├── InvalidCronError              (also ValueError)
    └── ConfigurationError            (also ValueError) a client that cannot be built: no API
                                      key, a base URL that is not http(s), a bad timeout

Other invalid arguments (an empty id, a negative wait timeout) raise the built-in
``ValueError`` or ``TypeError`` before any request is sent. Messages never contain an API key or a secret.
"""

from __future__ import annotations

# Annotations only (never evaluated): `import twin` does not pay for `typing`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Mapping, Optional

    from ._twin import Run

__all__ = [
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
]


class Problem:
    """RFC 9457 problem details of a failed request, read from whatever body the service
    sent (problem+json, the legacy shapes, plain text, HTML); always present on an
    :class:`APIStatusError`.

    ``type``, ``title``, ``status``, ``detail``, ``instance`` are the standard members; any
    other member (``code``, ``details``, ``allow``, ...) is in ``extensions`` and readable as
    an attribute too (``problem.code``).
    """

    # A dict of slots gives each attribute its docstring (help(twin.Problem)).
    __slots__ = {
        "type": "A URI naming the kind of problem; ``about:blank`` when the service gave none.",
        "title": "A short summary of the kind of problem, e.g. ``Forbidden``.",
        "status": "The HTTP status, when known.",
        "detail": "What went wrong this time, e.g. ``you do not have access to this agent``.",
        "instance": "A URI naming this occurrence, if the service sent one.",
        "extensions": "Any other member of the problem (``code``, ``details``, ``allow``, ...).",
    }

    type: str
    title: str
    status: Optional[int]
    detail: Optional[str]
    instance: Optional[str]
    extensions: dict[str, Any]

    def __init__(
        self,
        type: str = "about:blank",
        title: str = "",
        status: Optional[int] = None,
        detail: Optional[str] = None,
        instance: Optional[str] = None,
        extensions: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.extensions = dict(extensions or {})

    def __getattr__(self, name: str) -> Any:
        # Only called for names that are not slots: the extension members.
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self.extensions[name]
        except KeyError:
            raise AttributeError(f"problem has no member {name!r}") from None

    def to_dict(self) -> dict[str, Any]:
        """The problem as an RFC 9457 JSON object (absent members left out)."""
        out: dict[str, Any] = {"type": self.type, "title": self.title}
        for key in ("status", "detail", "instance"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out.update(self.extensions)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = [f"type={self.type!r}", f"title={self.title!r}", f"status={self.status!r}"]
        if self.detail is not None:
            parts.append(f"detail={self.detail!r}")
        return f"Problem({', '.join(parts)})"

    def __reduce__(self) -> Any:
        return (
            Problem,
            (self.type, self.title, self.status, self.detail, self.instance, self.extensions),
        )


class TwinError(Exception):
    """Base class of every exception the Twin SDK raises on purpose."""

    message: str

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message)
        self.message = message
        for key, value in kwargs.items():
            setattr(self, key, value)
        self._kwargs = kwargs

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.message, self._kwargs))


def _rebuild(cls: type[TwinError], message: str, kwargs: dict[str, Any]) -> TwinError:
    return cls(message, **kwargs)


class APIError(TwinError):
    """A request to the API failed: an error status, no usable response, or a response that
    is not an API answer.

    ``maybe_sent`` is true when the request may have reached the service and been acted on
    although no answer says so: the connection dropped or timed out after sending, or the
    answer was 408 or 5xx. For a call that is not safe to repeat (starting a run, creating an
    object without an id) check before trying again: it may have happened. It is false when
    the request certainly did not get through (refused, DNS, TLS) and for other answers."""

    status: Optional[int]
    problem: Optional[Problem]
    request_id: Optional[str]
    retry_after: Optional[float]
    maybe_sent: bool

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        problem: Optional[Problem] = None,
        request_id: Optional[str] = None,
        retry_after: Optional[float] = None,
        maybe_sent: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            message,
            status=status,
            problem=problem,
            request_id=request_id,
            retry_after=retry_after,
            maybe_sent=maybe_sent,
            **kwargs,
        )


class APIStatusError(APIError):
    """The service answered with a status outside 2xx. ``problem`` holds the details;
    ``request_id`` and ``retry_after`` (seconds) are set when the response carried them."""

    status: int
    problem: Problem

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (request id {self.request_id})"
        return self.message


class BadRequestError(APIStatusError):
    """400 Bad Request."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden. The service also answers this for an agent that does not exist."""


class NotFoundError(APIStatusError):
    """404 Not Found (also a run that an agent does not have)."""


class ConflictError(APIStatusError):
    """409 Conflict."""


class UnprocessableEntityError(APIStatusError):
    """422 Unprocessable Entity: the request body was refused."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests; see ``retry_after`` (seconds, at most 3600). Calls that are safe
    to repeat were retried first; a call that is not (starting a run) never is."""


class InternalServerError(APIStatusError):
    """A 5xx status (after the SDK's retries, for calls that are safe to repeat)."""


class APIConnectionError(APIError):
    """No usable response: the connection failed, dropped, or the body was cut off."""


class APITimeoutError(APIConnectionError):
    """A call or one of its attempts ran past its time limit."""


class OperationFailedError(APIError):
    """The service answered 2xx but said the operation was not done: ``{"success": false,
    "error": "..."}`` (setting, pausing, resuming or deleting a schedule, moving an agent,
    writing instructions, cancelling a run, reordering workspaces), ``{"deleted": false}``
    (deleting a workspace), ``{"revoked": false}`` (revoking a key), or ``{"workspace": null}``
    after an update. Nothing was changed. ``detail`` has the service's own words, if any."""

    status: int
    detail: Optional[str]

    def __init__(
        self, message: str, *, status: int = 200, detail: Optional[str] = None, **kwargs: Any
    ) -> None:
        super().__init__(message, status=status, detail=detail, **kwargs)


class UnexpectedResponseError(APIError):
    """A 2xx response that is not an API answer (``application/grpc``, ``text/html``) or
    could not be decoded. ``body_excerpt`` has the first characters of the body, with
    secret-looking members redacted."""

    content_type: Optional[str]
    body_excerpt: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        content_type: Optional[str] = None,
        body_excerpt: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            message, status=status, content_type=content_type, body_excerpt=body_excerpt, **kwargs
        )


class WaitTimeoutError(TwinError, TimeoutError):
    """``wait()``, ``follow()``, ``wait_all()`` or ``as_completed()`` gave up: a run was still
    going when the timeout ran out (the runs go on).

    From ``wait_all()`` and ``as_completed()`` (and ``wait(progress=...)``), ``finished`` holds
    the runs that finished (terminal or paused) and ``unfinished`` the others, each as last
    seen, in the order given; both are empty for the other waits."""

    finished: list[Run]
    unfinished: list[Run]

    def __init__(
        self,
        message: str,
        *,
        finished: Optional[Iterable[Run]] = None,
        unfinished: Optional[Iterable[Run]] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            message, finished=list(finished or ()), unfinished=list(unfinished or ()), **kwargs
        )


class WebhookVerificationError(TwinError, ValueError):
    """A webhook delivery failed verification. ``reason`` names the check:
    ``MissingHeader``, ``MalformedHeader``, ``NoMatch``, ``NoSecrets``, ``BodyTooLarge``,
    ``EventMismatch``, ``StaleTimestamp`` or ``InvalidPayload``."""

    reason: str

    def __init__(self, message: str, *, reason: str = "", **kwargs: Any) -> None:
        super().__init__(message, reason=reason, **kwargs)


class InvalidCronError(TwinError, ValueError):
    """A cron expression is not a valid 7-field Twin schedule; the message names the field."""


class ConfigurationError(TwinError, ValueError):
    """A client cannot be built from its configuration: no API key (none given and no
    ``TWIN_API_KEY``), a base URL that is not an http(s) URL, a timeout that is not a positive
    number of seconds or ``None``, certificates that are not PEM. Nothing was sent."""
