"""HTML tables for Jupyter (``_repr_html_``), imported only when a notebook asks."""

from __future__ import annotations

# Annotations only (never evaluated): `import twin` does not pay for `typing`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Optional

# Fields never shown, even in a notebook.
_SECRETS = frozenset({"api_key", "signing_secret"})
# Long fields shown as a short JSON excerpt.
_MAX_CELL = 120


class ModelList(list):  # type: ignore[type-arg]
    """A ``list`` of models that renders as a table in Jupyter."""

    def _repr_html_(self) -> str:
        return table(self)


def _cell(name: str, value: Any) -> str:
    import datetime as _dt
    import html
    import json

    if name in _SECRETS:
        return "<i>hidden</i>"
    if value is None:
        return '<span style="color:#999">—</span>'
    if isinstance(value, _dt.datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    if len(text) > _MAX_CELL:
        text = text[: _MAX_CELL - 1] + "…"
    return html.escape(text)


def _fields(obj: Any) -> list[str]:
    fields = list(getattr(type(obj), "_fields", ()))
    return [f for f in fields if f not in ("raw",)]


def record(obj: Any) -> str:
    """One model as a two-column table."""
    import html

    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(f)}</th>"
        f"<td style='text-align:left'>{_cell(f, getattr(obj, f))}</td></tr>"
        for f in _fields(obj)
    )
    return f"<table><caption>{html.escape(type(obj).__name__)}</caption>{rows}</table>"


def table(items: Iterable[Any], caption: Optional[str] = None) -> str:
    """Models as rows, one column per field."""
    import html

    items = list(items)
    if not items:
        return f"<p>{html.escape(caption or 'no items')}</p>"
    fields = _fields(items[0])
    head = "".join(f"<th style='text-align:left'>{html.escape(f)}</th>" for f in fields)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{_cell(f, getattr(i, f))}</td>" for f in fields) + "</tr>"
        for i in items
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def pager(items: list[Any], total: Optional[int], has_next: bool, kind: str) -> str:
    """The first page of a pager."""
    caption = f"{kind} · {len(items)} shown"
    if total is not None:
        caption += f" of {total}"
    if has_next:
        caption += " · more pages: iterate to fetch them"
    return table(items, caption)
