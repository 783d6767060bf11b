"""Verify and read Twin webhook deliveries.

Twin POSTs a JSON body with ``X-Cobb-Signature: sha256=<hex HMAC-SHA256 of the raw body>``,
keyed with the webhook's ``signing_secret``, and ``X-Cobb-Event: <event>``. Always verify the
raw body bytes, before parsing them::

    event = twin.webhooks.unwrap(request.body, request.headers, secret)
    if event.event == "run.completed": ...

Pass a list of secrets while rotating from an old webhook to a new one. Comparisons are
constant-time. Failures raise :class:`twin.WebhookVerificationError` (a ``ValueError``) whose
``reason`` names the check that failed.
"""

from __future__ import annotations

# Annotations only (never evaluated): `import twin` does not pay for `typing`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime
    from typing import Any, Iterable, Optional, Protocol, Sequence, Union

    Body = Union[bytes, bytearray, memoryview, str]
    Secrets = Union[str, Sequence[str]]

    class _HasItems(Protocol):
        def items(self) -> Iterable[tuple[str, Any]]: ...

    # A dict, `http.server`'s `self.headers`, a framework's header object, or (name, value)
    # pairs.
    Headers = Union[_HasItems, Iterable[tuple[str, str]]]

from . import _twin
from ._twin import WebhookEvent

__all__ = [
    "verify",
    "unwrap",
    "sign",
    "WebhookEvent",
    "SIGNATURE_HEADER",
    "EVENT_HEADER",
    "DEFAULT_TOLERANCE",
    "DEFAULT_MAX_BODY",
]

SIGNATURE_HEADER = "X-Cobb-Signature"
EVENT_HEADER = "X-Cobb-Event"
DEFAULT_TOLERANCE = 300.0
DEFAULT_MAX_BODY = 1 << 20


def _body(body: Body) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"body must be bytes, not {type(body).__name__}")


def _secrets(secret: Secrets) -> list[str]:
    if isinstance(secret, str):
        return [secret]
    if isinstance(secret, (bytes, bytearray)):
        raise TypeError("secret must be a str or a sequence of str")
    secrets = list(secret)
    if not all(isinstance(s, str) for s in secrets):
        raise TypeError("secret must be a str or a sequence of str")
    return secrets


def _header(headers: Headers, name: str) -> Optional[str]:
    wanted = name.lower()
    items: Any = headers.items() if hasattr(headers, "items") else headers
    for key, value in items:
        if str(key).strip().lower() == wanted:
            return str(value)
    return None


def verify(body: Body, signature: Optional[str], secret: Secrets) -> None:
    """Checks ``signature`` (the ``X-Cobb-Signature`` value) against ``body`` with each
    secret; raises :class:`twin.WebhookVerificationError` when none matches."""
    if type(body) is bytes and type(secret) is str:  # the usual call, without the conversions
        _twin.webhooks_verify(body, signature, (secret,))
        return
    _twin.webhooks_verify(_body(body), signature, _secrets(secret))


def unwrap(
    body: Body,
    headers: Headers,
    secret: Secrets,
    *,
    tolerance: Optional[float] = DEFAULT_TOLERANCE,
    max_body: int = DEFAULT_MAX_BODY,
    now: Optional[datetime.datetime] = None,
) -> WebhookEvent:
    """Verifies a delivery and returns its :class:`twin.WebhookEvent`.

    Checks, in order: the body is at most ``max_body`` bytes; the signature matches one of
    the secrets; the body is the documented payload; ``X-Cobb-Event`` (when present) names
    the body's event; the body's ``timestamp`` is within ``tolerance`` seconds of now
    (``None`` turns that check off); ``now`` is the time to compare with (default: the
    clock; a timezone-aware ``datetime``, for tests of stored deliveries). ``headers`` is a mapping, any object with ``items()``
    (``http.server``'s ``self.headers``, a web framework's) or ``(name, value)`` pairs; names
    are matched without regard to case.
    Deliveries can repeat: deduplicate with ``event.dedupe_key``.
    """
    return _twin.webhooks_unwrap(
        _body(body),
        _header(headers, SIGNATURE_HEADER),
        _header(headers, EVENT_HEADER),
        _secrets(secret),
        tolerance=tolerance,
        max_body=max_body,
        now=now,
    )


def sign(body: Body, secret: str) -> str:
    """``"sha256=<hex>"``: the signature Twin would send for ``body``; for tests and tools."""
    return _twin.webhooks_sign(_body(body), secret)
