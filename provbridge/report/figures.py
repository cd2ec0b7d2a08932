"""Figures of the report as inline SVG: Graphviz diagrams of trials and matplotlib plots across trials."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from provbridge.errors import ProvbridgeError
from provbridge.report.markup import element, esc, note, text_of

if TYPE_CHECKING:
    from provbridge.render import Diagram
    from provbridge.store.store import Store

SUMMARISED = ("This trial is too large to draw every statement and version: the diagram is summarised "
              "(one node per variable or file, linked when one was derived from the other), as `provbridge dot` "
              "does.")
FIT_WIDTH = 1800  # points: wider figures keep their size and scroll rather than shrink below half
_WIDTH = re.compile(r'\swidth="([0-9.]+)pt"')
_PROLOG = re.compile(r"\A(?:<\?xml[^>]*>|<!DOCTYPE[^>]*>|<!--.*?-->|\s)+", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_TAG = re.compile(r"<[^<>]*>")
_ID = re.compile(r'(\sid=")([^"]*")')
_URL = re.compile(r"(url\(#)")
_HREF = re.compile(r'(href="#)')


def inline_svg(svg: str, *, prefix: str, label: str) -> str:
    """SVG text ready to sit in an HTML page next to others: no XML prolog or metadata, every id (and the
    references to it) prefixed with ``prefix`` so that several figures never clash, and the root marked as an
    image named by ``label`` (``role="img"``, ``aria-label`` and a ``<title>``)."""
    text = _METADATA.sub("", _PROLOG.sub("", svg))

    def rename(match: re.Match[str]) -> str:
        tag = _ID.sub(lambda m: m.group(1) + prefix + m.group(2), match.group(0))
        tag = _URL.sub(lambda m: m.group(1) + prefix, tag)
        return _HREF.sub(lambda m: m.group(1) + prefix, tag)

    text = _TAG.sub(rename, text)
    start = text.find("<svg")
    end = text.find(">", start)
    if start < 0 or end < 0:
        raise ProvbridgeError("the figure is not SVG")
    opening = text[start:end].rstrip("/")
    closed = text[end - 1] == "/"
    head = f'{opening} role="img" aria-label="{esc(label)}"' + ("/>" if closed else ">")
    return text[:start] + head + f"<title>{esc(label)}</title>" + text[end + 1:]


def figure(svg: str, caption: str) -> str:
    """A ``<figure>`` holding inline SVG, with a caption: scaled to the page's width when that keeps its text
    readable (at most halved), else at its own size in a frame that scrolls sideways and opens at its right
    end, where a diagram's latest steps are (time flows left to right)."""
    width = _WIDTH.search(svg[svg.find("<svg"):svg.find(">", svg.find("<svg"))])
    fits = width is not None and float(width.group(1)) <= FIT_WIDTH
    canvas = element("div", svg, class_="canvas fit" if fits else "canvas wide")
    return element("figure", canvas + element("figcaption", esc(caption)))


def diagram_figure(diagram: Diagram, *, prefix: str, label: str) -> str:
    """A Graphviz diagram as an accessible inline figure, with its simplification notes (a summarised
    diagram says so). A Graphviz failure (not installed, too slow) becomes a note instead."""
    try:
        svg = diagram.svg()
    except ProvbridgeError as exc:
        return note(f"{label}: not drawn ({exc})")
    summarised = [text for text in diagram.notes if text.startswith("summarised")]
    notes = [note(SUMMARISED)] if summarised else []
    notes += [note(f"Note: {text}") for text in diagram.notes if text not in summarised]
    size = f"{diagram.node_count} nodes, {diagram.edge_count} edges"
    return "".join(notes) + figure(inline_svg(svg, prefix=prefix, label=f"{label} ({size})"), f"{label} ({size})")


def plot_figure(name: str, points: Sequence[tuple[int, Any]], *, trials: list[int], store: Store,
                prefix: str) -> str:
    """The line chart of metric ``name`` across ``trials`` (provbridge.manage.plot) as inline SVG; its text
    alternative lists the values. Without matplotlib, or with nothing numeric to draw, a note instead."""
    from provbridge.extras import require

    described = "; ".join(f"trial {number}: {text_of(value)}" for number, value in points)
    label = f"{name} across trials ({described})"
    try:
        matplotlib = require("matplotlib", "plots of metrics in the report")
        from provbridge.manage.plot import plot

        fig = plot(name, trials=list(trials), store=store)
        buffer = io.StringIO()
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    except ProvbridgeError as exc:
        return note(f"{name}: no plot ({exc})")
    return figure(inline_svg(buffer.getvalue(), prefix=prefix, label=label), label)
