"""Twin's 7-field cron schedules: ``sec min hour day-of-month month day-of-week year``,
evaluated in UTC, with day-of-week **1 = Sunday** … 7 = Saturday (names ``MON``–``SUN`` avoid
the confusion)::

    twin.cron.validate("0 0 9 * * MON-FRI *")
    twin.cron.next_times("0 15 17 * * 5 *", count=3)   # Thursdays 17:15 UTC

Invalid expressions raise :class:`twin.InvalidCronError` (a ``ValueError``) naming the field.
"""

from __future__ import annotations

# Annotations only (never evaluated): `import twin` does not pay for `typing`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime
    from typing import Optional

from . import _twin

__all__ = ["validate", "next_times"]


def validate(expr: str) -> None:
    """Raises :class:`twin.InvalidCronError` unless ``expr`` is a valid Twin schedule."""
    _twin.cron_validate(expr)


def next_times(
    expr: str, *, count: int = 5, after: Optional[datetime.datetime] = None
) -> list[datetime.datetime]:
    """The next ``count`` fire times strictly after ``after`` (a timezone-aware datetime;
    default now), as UTC datetimes. Fewer are returned when the schedule runs out."""
    if after is not None and after.tzinfo is None:
        raise ValueError("after must be a timezone-aware datetime")
    return _twin.cron_next_times(expr, count=count, after=after)
