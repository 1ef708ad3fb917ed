"""The briefing as one self-contained HTML page: what the .docx says, in its order, for the screen and for print.

The Jinja2 template ``templates/briefing.html.j2`` (autoescaped) holds the layout, ``templates/briefing.css``
is inlined into it, the charts are their SVG files as ``data:image/svg+xml`` URIs: the page can be
forwarded alone. Printed it is A4 with the official margins (``@page``), the content 156 mm wide; on
the screen the same 156 mm column. Tables of seven columns or more are set in 小五 (9 pt), the others in
五号. A simulated briefing has a red 模拟数据 band fixed at the top of the window and, printed, 模拟数据 in red in
the top margin of every page (an ``@page`` margin box: the fixed band would repeat on every page too, but over
the first lines of the text block, so print hides it).
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import jinja2

from .document import SIMULATED_NOTE, SOURCE_PREFIX, STAMP, Briefing, Figure, Table, end_notes, labelled

TEMPLATE = "briefing.html.j2"
WIDE_TABLE = 7  # columns from which a table is set in 小五


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sei_stats", "templates"), autoescape=True,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )


def svg_data_uri(path: Path) -> str:
    """An SVG file as a data: URI (base64: no character of the file needs escaping)."""
    return "data:image/svg+xml;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _table(table: Table) -> dict:
    text = table.formatted()
    css = ["text" if table.formats[c] == "text" else "num" for c in table.frame.columns]
    if css and css[0] == "text":
        css[0] = "text stub"  # the row labels
    rows = [list(zip(css, (str(v) for v in row))) for row in text.itertuples(index=False, name=None)]
    return {"label": table.label, "heads": [str(c) for c in table.frame.columns], "rows": rows,
            "notes": list(table.notes), "wide": len(css) >= WIDE_TABLE}


def _figure(figure: Figure) -> dict:
    return {"label": figure.label, "uri": svg_data_uri(figure.svg), "source": labelled(SOURCE_PREFIX, figure.source)}


def briefing_html(briefing: Briefing) -> str:
    """The whole page of ``briefing``."""
    sections = [{"title": s.title, "paragraphs": list(s.paragraphs), "tables": [_table(t) for t in s.tables],
                 "figures": [_figure(f) for f in s.figures]} for s in briefing.sections]
    return _environment().get_template(TEMPLATE).render(
        title=briefing.title, period_label=briefing.period_label, issuer=briefing.issuer,
        headline=briefing.headline, sections=sections, end_notes=end_notes(briefing),
        simulated=briefing.simulated, published=briefing.published, stamp=STAMP, simulated_note=SIMULATED_NOTE,
    )


def write_html(briefing: Briefing, path: Path) -> Path:
    """Write ``briefing`` as one UTF-8 HTML file at ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(briefing_html(briefing), encoding="utf-8")
    return path
