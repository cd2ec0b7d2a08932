"""HTML building blocks for the report: escaped text, accessible tables, notes and the inline style sheet."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

MAX_TEXT = 200  # characters of one table cell before it is cut with an ellipsis

STYLE = """
.pb-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1b1b1b; line-height: 1.4; max-width: 1200px; }
.pb-report h1 { font-size: 1.6em; margin: 0.4em 0; }
.pb-report h2 { font-size: 1.3em; margin: 1.2em 0 0.4em; border-bottom: 1px solid #c8c8c8; }
.pb-report h3 { font-size: 1.1em; margin: 1em 0 0.3em; }
.pb-report h4 { font-size: 1em; margin: 0.8em 0 0.2em; }
.pb-report table { border-collapse: collapse; margin: 0.3em 0 0.8em; font-size: 0.9em; }
.pb-report caption { text-align: left; font-weight: 600; padding: 0.2em 0; }
.pb-report th, .pb-report td { border: 1px solid #c8c8c8; padding: 0.2em 0.5em; text-align: left;
  vertical-align: top; }
.pb-report thead th { background: #eef1f6; }
.pb-report tbody th { font-weight: 600; background: #f7f8fa; }
.pb-report td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pb-report code, .pb-report pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.9em; }
.pb-report code.hash { word-break: break-all; }
.pb-report pre { background: #f7f8fa; border: 1px solid #c8c8c8; padding: 0.5em; overflow: auto; }
.pb-report pre .add { color: #0a5d00; background: #e6ffec; }
.pb-report pre .del { color: #8b0000; background: #ffebe9; }
.pb-report .status-changed, .pb-report .status-different { background: #fff4ce; }
.pb-report .status-added { background: #e6ffec; }
.pb-report .status-removed { background: #ffebe9; }
.pb-report .note { color: #4a4a4a; font-style: italic; margin: 0.2em 0; }
.pb-report figure { margin: 0.5em 0 1em; }
.pb-report figure .canvas { overflow: auto; max-height: 80vh; border: 1px solid #e0e0e0; }
.pb-report figure .canvas.fit svg { max-width: 100%; height: auto; }
.pb-report figure .canvas.wide { direction: rtl; }
.pb-report figure .canvas.wide > svg { direction: ltr; }
.pb-report figcaption { font-size: 0.9em; color: #4a4a4a; }
.pb-report dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; }
.pb-report dl.facts dt { font-weight: 600; }
.pb-report dl.facts dd { margin: 0; }
.pb-report nav ul { columns: 2; }
.pb-report details > summary { cursor: pointer; }
"""


def esc(value: Any) -> str:
    """``value`` as HTML text with ``& < > " '`` escaped (safe in element content and quoted attributes)."""
    return html.escape(str(value), quote=True)


def text_of(value: Any, limit: int = MAX_TEXT) -> str:
    """A value as display text: None empty, floats as Python writes them (short ones) or with 6 digits."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        short = repr(value)
        text = short if len(short) <= 12 else f"{value:.6g}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def element(tag: str, content: str, **attributes: Any) -> str:
    """``<tag attrs>content</tag>``; ``content`` is markup already, attribute values are escaped
    (``class_`` for ``class``; None values are left out)."""
    attrs = "".join(f' {name.rstrip("_").replace("_", "-")}="{esc(value)}"'
                    for name, value in attributes.items() if value is not None)
    return f"<{tag}{attrs}>{content}</{tag}>"


def note(text: str) -> str:
    """A remark on how something was simplified or why it is missing."""
    return element("p", esc(text), class_="note")


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str | None = None,
          row_header: bool = True, status_column: str | None = "status", label: str | None = None) -> str:
    """An accessible table: column headers with ``scope="col"``, the first cell of each row a header with
    ``scope="row"`` (``row_header``); numbers right-aligned; a row whose ``status_column`` holds a status gets
    the class ``status-<status>``. Every value is escaped."""
    head = "".join(element("th", esc(c), scope="col") for c in columns)
    status_at = list(columns).index(status_column) if status_column is not None and status_column in columns else None
    body: list[str] = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            text = esc(text_of(value))
            if i == 0 and row_header:
                cells.append(element("th", text, scope="row"))
            else:
                cells.append(element("td", text, class_="num" if is_number(value) else None))
        status = row[status_at] if status_at is not None else None
        body.append(element("tr", "".join(cells), class_=f"status-{status}" if status else None))
    parts = [element("caption", esc(caption)) if caption else "",
             element("thead", element("tr", head)), element("tbody", "".join(body))]
    return element("table", "".join(parts), aria_label=label if label and not caption else None)


def facts(pairs: Iterable[tuple[str, Any]]) -> str:
    """A description list of ``(term, value)``; empty values are left out."""
    items = "".join(element("dt", esc(term)) + element("dd", esc(text_of(value, 400)))
                    for term, value in pairs if value not in (None, "", []))
    return element("dl", items, class_="facts")


def unified_diff(text: str) -> str:
    """A unified diff in ``<pre>``, added and removed lines marked (by class and by their +/- sign)."""
    lines = []
    for line in text.rstrip("\n").splitlines():
        kind = "add" if line.startswith("+") and not line.startswith("+++") else (
            "del" if line.startswith("-") and not line.startswith("---") else None)
        lines.append(element("span", esc(line), class_=kind) if kind else esc(line))
    return element("pre", "\n".join(lines))


def section(ident: str, heading: str, level: int, content: str) -> str:
    """``<section>`` labelled by its heading (``<hN id=...>``)."""
    head = element(f"h{level}", esc(heading), id=f"{ident}-h")
    return element("section", head + content, id=ident, aria_labelledby=f"{ident}-h")


def document(title: str, body: str, *, generator: str) -> str:
    """A complete, self-contained HTML5 document: inline style, no script, a Content-Security-Policy that
    forbids every request (so nothing in it, not even a user's value, can reach the network)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<meta name=\"generator\" content=\"{esc(generator)}\">\n<title>{esc(title)}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n<div class=\"pb-report\">\n{body}\n</div>\n</body>\n</html>\n"
    )


def fragment(body: str) -> str:
    """The report's markup for embedding (a notebook output): its scoped style sheet and content."""
    return f'<div class="pb-report"><style>{STYLE}</style>{body}</div>'
