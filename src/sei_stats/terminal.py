"""Tables for people to read: a DataFrame as a rich Table for the terminal, aligned by display width (a Chinese
character takes two columns), and as Markdown for the Dagster UI (neither needs tabulate)."""

from __future__ import annotations

import io
import math
import numbers
import re
import shutil
import sys
from typing import TextIO

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

MISSING = "—"
# Text that reads as a formatted number ("1,234.5", "-3.2%"; not "12.0 亿元"): right-aligned like one. Bare digits
# stay left: they are codes more often than counts ("3849", an industry).
_NUMBER_TEXT = re.compile(r"^[-+]?\d[\d,]*(\.\d+%?|%|,\d{3})$")
_UNBOUNDED = 100_000  # columns for a table written to a file or a pipe: never wrapped, one line per row


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _cell(value: object, float_format: str) -> str:
    if _missing(value):
        return MISSING
    if _is_number(value) and not isinstance(value, numbers.Integral):
        return format(value, float_format)
    return str(value)


def _numeric(column: pd.Series) -> bool:
    """Right-aligned: a column whose values (missing ones aside) are all numbers, or all text that reads as one."""
    present = [v for v in column if not _missing(v) and v not in (MISSING, "")]
    return bool(present) and all(_is_number(v) or (isinstance(v, str) and _NUMBER_TEXT.match(v.strip()))
                                 for v in present)


def _table(frame: pd.DataFrame, float_format: str, title: str | None) -> Table:
    # Text objects, not strings: a cell like "[2018]" is an enterprise's text, never rich markup.
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", title=Text(title) if title else None, title_justify="left",
                  show_edge=False, pad_edge=False)
    numeric = [_numeric(frame.iloc[:, i]) for i in range(frame.shape[1])]
    for name, right in zip(frame.columns, numeric):
        # numbers are never broken across lines; text wraps (by word, or by character for Chinese)
        table.add_column(Text(str(name)), justify="right" if right else "left", no_wrap=right, overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(Text(_cell(v, float_format)) for v in row))
    return table


def render_table(frame: pd.DataFrame, *, float_format: str = ",.1f", width: int | None = None,
                 title: str | None = None) -> str:
    """``frame`` as plain text lines of equal display width, without colour: at most ``width`` columns (its cells
    wrapped to fit), or its natural width when None. Trailing spaces are kept so every line has the same width."""
    console = Console(file=io.StringIO(), width=width or _UNBOUNDED, color_system=None, force_terminal=False,
                      legacy_windows=False, highlight=False, emoji=False, markup=False)
    console.print(_table(frame, float_format, title), crop=False)
    return console.file.getvalue().rstrip("\n")


def print_table(frame: pd.DataFrame, *, float_format: str = ",.1f", title: str | None = None,
                file: TextIO | None = None) -> None:
    """Print ``frame`` as an aligned table: numbers right-aligned with ``float_format``, missing values as "—", the
    header in bold. On a terminal it fits the terminal's width (cells wrap); to a file or a pipe it is plain text at
    its natural width, one line per row, so logs and tests read it whole."""
    file = file or sys.stdout
    if file.isatty():
        Console(file=file, highlight=False, emoji=False, markup=False).print(_table(frame, float_format, title))
    else:
        print(render_table(frame, float_format=float_format, title=title), file=file, flush=True)


def terminal_width(file: TextIO | None = None) -> int | None:
    """The terminal's columns when ``file`` (default stdout) is one, else None (natural width)."""
    file = file or sys.stdout
    return shutil.get_terminal_size().columns if file.isatty() else None


def markdown_table(frame: pd.DataFrame, *, float_format: str = ",.1f") -> str:
    """``frame`` as a Markdown table (the Dagster UI's metadata), missing values as "—"."""
    def cell(value: object) -> str:
        return _cell(value, float_format).replace("|", "\\|").replace("\n", " ")

    numeric = [_numeric(frame.iloc[:, i]) for i in range(frame.shape[1])]
    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |",
             "|" + "|".join("---:" if right else ":---" for right in numeric) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)
