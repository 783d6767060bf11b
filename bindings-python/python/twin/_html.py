"""HTML tables for Jupyter (``_repr_html_``), and the columns that tables and ``to_pandas()``
show. Imported by ``import twin`` (for ``ModelList``): nothing heavy at module level."""

from __future__ import annotations

# Annotations only (never evaluated): `import twin` does not pay for `typing`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Optional, Sequence, TypeVar, Union

    _T = TypeVar("_T")

# Fields never shown, even in a notebook (and left out of `to_pandas()` unless named).
_SECRETS = frozenset({"api_key", "signing_secret"})
# Long fields shown as a short excerpt: in a one-model record, and in a table's cells.
_MAX_CELL = 120
_MAX_TABLE_CELL = 60
# Rows shown in a table; the caption says how many more exist.
MAX_ROWS = 20
# Ids longer than this show their first 8 characters (the full id on hover).
_SHORT_ID = 8

# The columns a table (and `to_pandas()`) shows by default, the interesting ones first. A
# model not listed shows every field. Never a secret; no `agent_id`/`run_id` on event rows
# (every row of a run's events has the same ones).
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "Run": ("run_id", "run_number", "status", "outcome", "started_at", "last_event_at", "goal", "summary"),
    "Event": ("index", "recorded_at", "kind", "payload"),
    "Agent": ("agent_id", "name", "deployment_state", "latest_run_status", "last_activity_at", "latest_run_id", "workspace_id"),
    "Webhook": ("webhook_id", "url", "events", "status", "created_at", "updated_at"),
    "CreatedWebhook": ("webhook_id", "url", "events", "status", "created_at", "updated_at"),
    "ApiKey": ("key_id", "name", "display_prefix", "created_at", "last_used_at"),
    "CreatedApiKey": ("key_id", "name", "display_prefix", "created_at", "last_used_at"),
    "Workspace": ("workspace_id", "name", "agent_count", "position", "created_at", "updated_at"),
    "Schedule": ("agent_id", "cron", "paused", "next_run", "auto_paused", "consecutive_failures"),
    "Instructions": ("updated_at", "content_hash", "source_id", "content"),
    "InstructionVersion": ("id", "created_at", "source_type", "source_id", "content_hash", "content"),
    "WebhookEvent": ("event", "timestamp", "agent_id", "run_id", "status", "outcome", "finished_at"),
}


# `list["_T"]`: generic for type checkers, a plain `list` subclass at run time (no `typing`).
class ModelList(list["_T"]):
    """A ``list`` of models that renders as a table in Jupyter, with ``to_list()`` and
    ``to_pandas()`` like every list of the SDK."""

    def to_list(self) -> ModelList[_T]:
        """A copy (a ``ModelList``)."""
        return ModelList(self)

    def to_pandas(self, columns: Union[None, str, Sequence[str]] = None) -> Any:
        """The models as a pandas ``DataFrame`` (see ``twin.to_pandas``)."""
        from ._lists import to_pandas

        return to_pandas(self, columns)

    def _repr_html_(self) -> str:
        return table(self)


def all_fields(model_type: Any) -> list[str]:
    """Every attribute of a model type, in order, but ``raw`` (the JSON: ``to_dict()``)."""
    return [f for f in getattr(model_type, "_fields", ()) if f != "raw"]


def columns_for(model_type: Any, columns: Union[None, str, Sequence[str]] = None) -> list[str]:
    """The columns to show: the model's default set (``None``), every field but secrets
    (``"all"``), or the names given (checked)."""
    fields = all_fields(model_type)
    if columns is None:
        default = DEFAULT_COLUMNS.get(getattr(model_type, "__name__", ""))
        return list(default) if default else [f for f in fields if f not in _SECRETS]
    if isinstance(columns, str):
        if columns == "all":
            return [f for f in fields if f not in _SECRETS]
        raise ValueError(f'columns= takes a list of attribute names, or "all"; got {columns!r}')
    chosen = list(columns)
    unknown = [c for c in chosen if c not in fields]
    if unknown and fields:
        name = getattr(model_type, "__name__", "the model")
        raise ValueError(f"{name} has no attribute {', '.join(map(repr, unknown))}; its attributes: {', '.join(fields)}")
    return chosen


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")


def _cell(name: str, value: Any, limit: int = _MAX_CELL, short_ids: bool = False) -> str:
    import datetime as _dt
    import html
    import json

    if name in _SECRETS:
        return "<i>hidden</i>"
    if value is None:
        return '<span style="color:#999">—</span>'
    if isinstance(value, _dt.datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    if short_ids and _is_id(name) and isinstance(value, str) and len(text) > _SHORT_ID + 4:
        return f'<span title="{html.escape(text)}">{html.escape(text[:_SHORT_ID])}…</span>'
    if len(text) > limit:
        return f'<span title="{html.escape(text[:1000])}">{html.escape(text[: limit - 1])}…</span>'
    return html.escape(text)


def _nowrap(name: str, value: Any) -> bool:
    import datetime as _dt

    return _is_id(name) or isinstance(value, (_dt.datetime, bool, int))


def record(obj: Any) -> str:
    """One model as a two-column table (every field; secrets hidden)."""
    import html

    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(f)}</th>"
        f"<td style='text-align:left'>{_cell(f, getattr(obj, f))}</td></tr>"
        for f in all_fields(type(obj))
    )
    return f"<table><caption>{html.escape(type(obj).__name__)}</caption>{rows}</table>"


def _hint(more_rows: bool, more_columns: bool) -> str:
    parts = []
    if more_rows:
        parts.append("all of them: .to_list() or .to_pandas()")
    if more_columns:
        parts.append('every column: .to_pandas(columns="all")')
    return " · ".join(parts)


def table(items: Iterable[Any], caption: Optional[str] = None, more: bool = False) -> str:
    """Models as rows (at most ``MAX_ROWS``), the model's default columns. ``caption`` is
    what the list is (the counts are added); ``more``: the list goes on past ``items``."""
    import html

    items = list(items)
    if not items:
        return f"<p>{html.escape(caption or 'no items')}</p>"
    model_type = type(items[0])
    fields = columns_for(model_type)
    shown = items[:MAX_ROWS]
    head = "".join(f"<th style='text-align:left;white-space:nowrap'>{html.escape(f)}</th>" for f in fields)
    rows = []
    for i in shown:
        cells = []
        for f in fields:
            value = getattr(i, f, None)
            style = "text-align:left;white-space:nowrap" if _nowrap(f, value) else "text-align:left"
            cells.append(f"<td style='{style}'>{_cell(f, value, _MAX_TABLE_CELL, short_ids=True)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if caption is None:
        caption = f"{model_type.__name__} · {len(shown)} of {len(items)} shown"
    more_columns = len(fields) < len(all_fields(model_type))
    hint = _hint(more or len(shown) < len(items), more_columns)
    text = caption + (f" · {hint}" if hint else "")
    return (
        f"<table><caption>{html.escape(text)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _caption(kind: str, shown: int, page: int, total: Optional[int], has_next: bool) -> str:
    if total is not None:
        count = f"{shown} of {total} shown"
    elif has_next:
        count = f"{shown} of the first page's {page} shown, more pages follow"
    else:
        count = f"{shown} of {page} shown"
    return f"{kind} · {count}"


def pager(items: list[Any], total: Optional[int], has_next: bool, kind: str) -> str:
    """A pager's first page (at most ``MAX_ROWS`` of it), with a caption saying how many
    more exist and how to see them."""
    shown = min(len(items), MAX_ROWS)
    if not items:
        return table(items, f"{kind} · no items")
    return table(items, _caption(kind, shown, len(items), total, has_next), more=has_next)


def page(items: list[Any], total: Optional[int], has_next: bool, kind: str) -> str:
    """One page of a list."""
    shown = min(len(items), MAX_ROWS)
    if not items:
        return table(items, f"{kind} · an empty page")
    caption = f"{kind} · page of {len(items)} · {shown} shown"
    if total is not None:
        caption += f" · {total} in the whole list"
    if has_next:
        caption += " · more pages follow"
    return table(items, caption, more=shown < len(items))


def unavailable(kind: str, error: str) -> str:
    """What a list shows in a notebook when its first page cannot be fetched."""
    import html

    return f"<p><b>{html.escape(kind)}</b> list: first page not fetched: <code>{html.escape(error)}</code></p>"
