"""What lists do beyond iterating: indexing past the first page, text reprs, ``to_pandas()``.
Imported on first use (pandas only inside ``to_pandas``), so ``import twin`` stays fast."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Optional, Sequence, Union

_REPR_ITEMS = 3

# Column types by attribute name (the same name has the same type in every model).
# generated field kinds: begin (codegen/models.toml)
_BOOLS = frozenset(
    {
        "auto_paused", "has_runs", "is_finished", "is_paused", "is_terminal",
        "latest_run_has_pending_input", "latest_run_is_finished", "paused", "success"
    }
)
_INTS = frozenset(
    {
        "agent_count", "consecutive_failures", "credits_consumed", "id", "index", "position",
        "run_number"
    }
)
_OBJECTS = frozenset(
    {
        "dedupe_key", "events", "payload", "raw"
    }
)
# generated field kinds: end

PANDAS_MISSING = 'to_pandas() needs pandas, an optional extra of twin-sdk: pip install ".[pandas]" (in the twin-sdk checkout), or pip install "pandas>=1.5"'


def getitem(pager: Any, key: Any) -> Any:
    """``pager[key]`` beyond the cheap case (a non-negative index within the first page).
    An index out of range raises ``IndexError`` before any walk when the first page tells
    (the whole list, or the service's ``total``), or when no list could be that long."""
    import itertools
    import operator
    import sys

    from ._html import ModelList

    if isinstance(key, slice):
        start, stop, step = key.start, key.stop, key.step
        if any(v is not None and operator.index(v) < 0 for v in (start, stop)) or (step is not None and step < 0):
            return ModelList(list(pager)[key])  # counts from the end: the whole list
        items, _total, has_next = pager._first_page()
        if not has_next or (stop is not None and stop <= len(items)):
            return ModelList(items[key])
        # islice takes at most sys.maxsize: no list is longer, so a larger bound changes nothing.
        start, stop = (None if v is None else min(operator.index(v), sys.maxsize) for v in (start, stop))
        return ModelList(itertools.islice(pager, start, stop, step))
    try:
        index = operator.index(key)
    except TypeError:
        raise TypeError(f"Pager indices must be integers or slices, not {type(key).__name__}") from None
    out_of_range = IndexError("Pager index out of range")
    items, total, has_next = pager._first_page()
    if not has_next:  # the first page is the whole list
        if -len(items) <= index < len(items):
            return items[index]
        raise out_of_range
    if index >= sys.maxsize or index < -sys.maxsize or (total is not None and not -total <= index < total):
        raise out_of_range
    if index < 0:
        walked = list(pager)  # counts from the end: the whole list
    else:
        walked = list(itertools.islice(pager, index + 1))
    try:
        return walked[index]
    except IndexError:
        raise out_of_range from None


def _items_text(items: Sequence[Any], more: bool) -> str:
    shown = [repr(i) for i in items[:_REPR_ITEMS]]
    if more or len(items) > _REPR_ITEMS:
        shown.append("…")
    return ", ".join(shown)


def _n(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def pager_repr(kind: str, items: Sequence[Any], total: Optional[int], has_next: bool) -> str:
    """E.g. ``<Pager[Run] 12 total: Run(...), Run(...), Run(...), … (first page: 3 items)>``."""
    if not items:
        return f"<Pager[{kind}] no items>" if total in (None, 0) else f"<Pager[{kind}] {total} total, first page empty>"
    text = _items_text(items, has_next)
    if total is not None:
        first = f" (first page: {_n(len(items))})" if has_next else ""
        return f"<Pager[{kind}] {total} total: {text}{first}>"
    if has_next:
        return f"<Pager[{kind}] first page: {_n(len(items))}, more pages follow: {text}>"
    return f"<Pager[{kind}] {_n(len(items))}: {text}>"


def page_repr(kind: str, items: Sequence[Any], total: Optional[int], has_next: bool) -> str:
    """E.g. ``<Page[Run] 3 items of 12 total, more pages follow: Run(...), …>``."""
    count = _n(len(items)) + (f" of {total} total" if total is not None else "")
    more = ", more pages follow" if has_next else ""
    return f"<Page[{kind}] {count}{more}: {_items_text(items, False) or 'no items'}>"


def _model_type(kind: Optional[str]) -> Any:
    if not kind:
        return None
    from . import _twin

    return getattr(_twin, kind, None)


# One unit for every time column, empty or not (pandas 2 infers seconds for an empty one and
# microseconds otherwise); pandas 1 has nanoseconds only.
def time_dtype(pd: Any) -> str:
    major = str(getattr(pd, "__version__", "2")).split(".")[0]
    return "datetime64[ns, UTC]" if major in ("0", "1") else "datetime64[us, UTC]"


_INT64_MAX = 2**63 - 1


def _series(pd: Any, name: str, values: list[Any]) -> Any:
    import datetime as _dt

    present = [v for v in values if v is not None]
    if name.endswith("_at") or name in ("timestamp", "next_run") or (present and all(isinstance(v, _dt.datetime) for v in present)):
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True).astype(time_dtype(pd))
    if name in _BOOLS or (present and all(isinstance(v, bool) for v in present)):
        return pd.Series(pd.array(values, dtype="boolean"))
    if name in _INTS or (present and all(isinstance(v, int) and not isinstance(v, bool) for v in present)):
        if all(isinstance(v, int) and -_INT64_MAX - 1 <= v <= _INT64_MAX for v in present):
            return pd.Series(pd.array(values, dtype="Int64"))
        if all(isinstance(v, int) and 0 <= v < 2**64 for v in present):  # the core's u64 (index, ...)
            return pd.Series(pd.array(values, dtype="UInt64"))
        return pd.Series(values, dtype=object)
    if name in _OBJECTS or not all(isinstance(v, str) for v in present):
        return pd.Series(values, dtype=object)
    return pd.Series(pd.array(values, dtype="string"))


def to_pandas(models: Iterable[Any], columns: Union[None, str, Sequence[str]] = None, kind: Optional[str] = None) -> Any:
    """See ``twin.to_pandas``; ``kind`` names the model type of a list that may be empty."""
    try:
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise ImportError(PANDAS_MISSING) from None
    from ._html import columns_for

    names: Optional[list[str]] = None
    model_type = _model_type(kind)
    if model_type is not None:
        names = columns_for(model_type, columns)
    values: dict[str, list[Any]] = {}
    for model in models:  # one walk: the models are not kept, only their values
        if not getattr(type(model), "_fields", None):
            raise TypeError(
                f"to_pandas() takes twin models (Run, Event, Agent, ...), not {type(model).__name__}; "
                "for dicts (to_record() outputs), use pandas.DataFrame(records)"
            )
        if names is None:
            names = columns_for(type(model), columns)
        for name in names:
            values.setdefault(name, []).append(getattr(model, name, None))
    if names is None:  # no model, no kind: only the columns asked for
        names = [] if columns is None or isinstance(columns, str) else list(columns)
    return pd.DataFrame({name: _series(pd, name, values.get(name, [])) for name in names}, columns=names)
