"""Report periods: 'YYYY-MM', figures cumulative from January (1–X月). One home for their rules.

Part of the shared core: imports nothing else of sei_stats, so the contracts in schemas/ may use it.
"""

from __future__ import annotations

import re

# A report period as folders, partitions and returns write it.
PATTERN = r"\d{4}-(?:0[1-9]|1[0-2])"
_PERIOD = re.compile(PATTERN)


def is_period(text: object) -> bool:
    """True for a string 'YYYY-MM' with a month 01–12."""
    return isinstance(text, str) and _PERIOD.fullmatch(text) is not None


def parse(text: object, what: str = "period") -> str:
    """``text`` itself when it is a report period, else ValueError naming ``what``."""
    if not is_period(text):
        raise ValueError(f"{what} {text!r} is not YYYY-MM (a month 01–12)")
    return str(text)


def year(period: str) -> int:
    return int(parse(period)[:4])


def month(period: str) -> int:
    return int(parse(period)[5:])


def index(period: str) -> int:
    """Months since year 0: consecutive periods differ by one."""
    return year(period) * 12 + month(period) - 1


def of_index(number: int) -> str:
    """The period ``number`` months after January of year 0 (inverse of ``index``)."""
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def shift(period: str, months: int) -> str:
    """The period ``months`` later (earlier when negative)."""
    return of_index(index(period) + months)


def previous(period: str) -> str:
    """The period a month earlier (December of last year for January); the report period before is
    sei_stats.calendar's ``previous_reported``."""
    return shift(period, -1)


def same_period_last_year(period: str) -> str:
    return shift(period, -12)


def span(start: str, end: str) -> list[str]:
    """Every period from ``start`` to ``end``, both included."""
    first, last = index(parse(start, "start")), index(parse(end, "end"))
    if first > last:
        raise ValueError(f"start {start} is after end {end}")
    return [of_index(i) for i in range(first, last + 1)]


def cumulative_label(month: int) -> str:
    """The span 1–X月 a cumulative figure to ``month`` covers ('1–3月'; January alone '1月'). Knows no calendar:
    sei_stats.calendar labels report periods with it, refusing a month that is none."""
    return "1月" if month == 1 else f"1–{month}月"


def first_day(period: str) -> str:
    """The DATE the warehouse keys a period by: 'YYYY-MM-01'."""
    return f"{parse(period)}-01"


# The annual report (年报) of a year: its folders (raw/annual/YYYY) and period are the year, 'YYYY'.
YEAR_PATTERN = r"\d{4}"
_YEAR = re.compile(YEAR_PATTERN)


def is_year(text: object) -> bool:
    """True for a string 'YYYY': the period of an annual report."""
    return isinstance(text, str) and _YEAR.fullmatch(text) is not None


def parse_year(text: object, what: str = "year") -> str:
    """``text`` as 'YYYY' (an int is written with four digits) when it is a year, else ValueError naming ``what``."""
    if isinstance(text, int) and not isinstance(text, bool) and 1000 <= text <= 9999:
        return str(text)
    if not is_year(text):
        raise ValueError(f"{what} {text!r} is not YYYY")
    return str(text)


def december(year: object) -> str:
    """The report period of the year's December ('2019' -> '2019-12'): the span 1–12月 an annual report covers."""
    return f"{parse_year(year)}-12"
