"""What a briefing says, apart from how it is written: sections of sentences, tables and figures.

sei_stats.briefing.content builds a Briefing from the marts; the writers (docx, html, xlsx) only lay it
out, so the three files of one briefing say the same thing. Table values stay numbers (fractions for
rates and shares, 亿元 for money) until a writer formats them with ``FORMATS``: one decimal, 百分点
for differences of rates and shares.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

# How a column's numbers are written (docx and HTML); the .xlsx keeps the number with the cell format beside it.
#   yi:    an amount in 亿元, one decimal          12,345.6
#   pct:   a rate or share (a fraction), one decimal   12.3%
#   pp:    a difference of two rates or shares (a fraction), one decimal, in 百分点   +1.2
#   int:   a count                                 1,234
#   text:  as it is
FORMATS = ("yi", "pct", "pp", "int", "text")
XLSX_FORMATS = {"yi": "#,##0.0", "pct": "0.0%", "pp": "+0.0;-0.0;0.0", "int": "#,##0", "text": "@"}
MISSING = "—"
# A value withheld by the disclosure control (sei_stats.protection): printed as the mark, explained by the note.
SUPPRESSED_MARK = "…"
SUPPRESSED_NOTE = ("“…”表示该数据可能识别或推断单个企业，依《中华人民共和国统计法》第二十五条不予公布"
                   "（包括为防止由合计或相邻月份推算而一并隐去的数据）。")


class _Suppressed:
    """The one value a table holds for a suppressed cell (never a number: nothing can add it by mistake)."""

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED = _Suppressed()


def is_missing(value) -> bool:
    """Whether a table value is no value: None, NaN, pd.NA or NaT (a text column's pd.NA is no "<NA>")."""
    if value is None:
        return True
    if value is SUPPRESSED:
        return False
    if isinstance(value, float):
        return math.isnan(value)
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def half_up(value, shift: int, places: int) -> Decimal:
    """``value`` × 10**shift rounded half up (四舍五入) to ``places`` decimals, as Excel shows the stored number.

    Worked on the float's shortest decimal form, so 2310.25 gives 2310.3 and a rate of 0.1235 gives 12.4 (binary
    rounding would give 2310.2 and 12.3, and the .docx would contradict the .xlsx). Like Excel, a negative value
    that rounds to zero keeps its sign (-0.0).
    """
    exact = Decimal(repr(float(value))).scaleb(shift)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(value) -> Decimal:
    """A rate or share (a fraction) in percent, one decimal, rounded half up as the tables are: sentences use it."""
    return half_up(value, 2, 1)


def format_value(value, kind: str) -> str:
    """``value`` as the documents write it (MISSING for no value), as the .xlsx shows it with XLSX_FORMATS: a
    difference (pp) has the sign of the value, +0.0 and -0.0 included, and no sign when it is exactly zero."""
    if value is SUPPRESSED:
        return SUPPRESSED_MARK
    if is_missing(value):
        return MISSING
    if kind == "text":
        return str(value)
    if kind == "yi":
        return f"{half_up(value, 0, 1):,.1f}"
    if kind == "pct":
        return f"{half_up(value, 2, 1):.1f}%"
    if kind == "pp":
        return "0.0" if value == 0 else f"{half_up(value, 2, 1):+.1f}"
    if kind == "int":
        return f"{half_up(value, 0, 0):,.0f}"
    raise ValueError(f"unknown format {kind!r}: one of {FORMATS}")


@dataclass(frozen=True)
class Table:
    """A numbered table: its caption names it and its unit; every column has a format in ``formats``."""
    number: int
    caption: str                      # without the number: "六大领域产值 (亿元)"
    frame: pd.DataFrame               # the columns as printed, values as numbers or text
    formats: dict[str, str]           # column -> one of FORMATS
    notes: tuple[str, ...] = ()       # under the table: sources, parts that do not add up
    sheet: str = ""                   # the .xlsx sheet's name (at most 31 characters)

    @property
    def label(self) -> str:
        return f"表{self.number} {self.caption}"

    def formatted(self) -> pd.DataFrame:
        """The table as text, every value written by its column's format."""
        return pd.DataFrame({c: [format_value(v, self.formats[c]) for v in self.frame[c]] for c in self.frame.columns})


@dataclass(frozen=True)
class Figure:
    """A numbered chart drawn for the page (sei_stats.charts' document size): PNG for Word, SVG for HTML."""
    number: int
    caption: str
    png: Path
    svg: Path
    source: str

    @property
    def label(self) -> str:
        return f"图{self.number} {self.caption}"


@dataclass(frozen=True)
class Section:
    title: str                                    # "一、总体情况"
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Briefing:
    """One briefing: the monthly 统计快报 of a report period, or the annual evaluation of a year."""
    kind: str                                     # "monthly" or "annual"
    title: str                                    # 大连市战略性新兴产业统计快报
    period_label: str                             # 2020年1–6月 / 2020年
    issuer: str                                   # 大连市统计局
    headline: str                                 # the headline sentence
    sections: tuple[Section, ...]
    quality: str                                  # one line of data quality
    sources: tuple[str, ...]                      # what the figures come from: the publish, the plan
    simulated: bool                               # 模拟数据 on every page
    file_stem: str                                # brief-2020-06 / evaluation-2020
    published: str = ""                           # the publish id the figures were read from

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    @property
    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]


STAMP = "模拟数据"
# The wording the three writers share (full-width punctuation: the documents are Chinese text).
SIMULATED_NOTE = "（模拟数据，非正式统计数据）"   # after the title of a simulated briefing
SOURCE_PREFIX = "资料来源："                      # under a figure, and the sources at the end
NOTE_PREFIX = "说明："                            # the data-quality line at the end
VERSION_PREFIX = "数据版本："                       # the publish id, when no source names it

# A line that names what it is already: "来源: …", "资料来源：…", "数据质量：…", "规划目标：…".
_LABEL = re.compile(r"^[^\s，,。：:；;、《》（）()]{1,8}\s*[：:]")


def labelled(prefix: str, text: str) -> str:
    """``text`` after ``prefix`` ("资料来源：") unless it begins with a label of its own ("来源: …")."""
    return text if _LABEL.match(text) else prefix + text


def end_notes(briefing: Briefing) -> list[str]:
    """The lines a briefing's documents end with: its sources (unlabelled ones joined after 资料来源：, a labelled
    one as it is), the data-quality line (after 说明： unless labelled), the publish id unless a line names it."""
    lines: list[str] = []
    plain: list[str] = []
    for source in briefing.sources:
        if _LABEL.match(source):
            if plain:
                lines.append(SOURCE_PREFIX + "；".join(plain))
                plain = []
            lines.append(source)
        else:
            plain.append(source)
    if plain:
        lines.append(SOURCE_PREFIX + "；".join(plain))
    if briefing.quality:
        lines.append(labelled(NOTE_PREFIX, briefing.quality))
    if briefing.published and not any(briefing.published in line for line in lines):
        lines.append(VERSION_PREFIX + briefing.published)
    return lines
