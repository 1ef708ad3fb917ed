"""The reporting calendar: which months are report periods, and what each is called.

Chinese monthly statistics have no January release: the year's first report is 1–2月 (January and
February together, in the folder YYYY-02), then 1–3月 … 1–12月, each cumulative from January. The
setting ``calendar.january_reported`` (src/sei_stats/defaults.yaml: false; overridable in
config/quality.yaml or the data folder's config/settings.yaml) says whether January is reported
alone as 1月 (folder YYYY-01). Every label the code prints or draws comes from here.

Domain library: never imports Dagster. ``Calendar`` is the rule itself; ``calendar_in_force`` reads
the setting of a data folder, ``from_warehouse`` the one a published warehouse was built under.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from . import period as periods

SETTING = "calendar.january_reported"
DEFAULTS = "src/sei_stats/defaults.yaml"
DATA_SETTINGS = "<SEI_DATA_DIR>/config/settings.yaml"


@dataclass(frozen=True)
class Calendar:
    """The report periods under one value of calendar.january_reported.

    ``source`` (the file that set the value) and ``settings_file`` (where a data folder sets its own)
    only name them in messages.
    """

    january_reported: bool = False
    source: str = field(default=DEFAULTS, compare=False)
    settings_file: str = field(default=DATA_SETTINGS, compare=False)

    @property
    def months(self) -> tuple[int, ...]:
        """The months (1–12) that are report periods: 2–12, or 1–12 when January is reported."""
        return tuple(range(1 if self.january_reported else 2, 13))

    def is_reported(self, period: str) -> bool:
        """True when ``period`` ('YYYY-MM') is a report period; ValueError when it is no 'YYYY-MM'."""
        return periods.month(period) in self.months

    def first_period(self, year: int) -> str:
        """The year's first report period: 'YYYY-02' (1–2月), or 'YYYY-01' when January is reported."""
        return f"{year:04d}-{self.months[0]:02d}"

    def previous_reported(self, period: str) -> str:
        """The report period before ``period``: a month earlier, except that February follows December
        of the year before when January is not reported (2020-02 -> 2019-12)."""
        before = periods.previous(period)
        while not self.is_reported(before):
            before = periods.previous(before)
        return before

    def next_reported(self, period: str) -> str:
        """The report period after ``period`` (2019-12 -> 2020-02 when January is not reported)."""
        after = periods.shift(period, 1)
        while not self.is_reported(after):
            after = periods.shift(after, 1)
        return after

    def periods(self, start: str, end: str) -> list[str]:
        """The report periods from ``start`` to ``end``, both included when they are report periods."""
        return [p for p in periods.span(start, end) if self.is_reported(p)]

    def short_label(self, period: str) -> str:
        """The span of a report period: '1–2月', '1–3月' … '1–12月'; '1月' only when January is reported.

        ValueError for a month that is no report period (January when it is not reported)."""
        month = periods.month(period)
        if not self.is_reported(period):
            raise ValueError(f"{period}: {self.not_reported(period)}")
        return periods.cumulative_label(month)

    def label(self, period: str) -> str:
        """The statistical period: '2020-03' -> '2020年1–3月' (cumulative); '2020年1月' only when January
        is reported. ValueError for a month that is no report period."""
        return f"{periods.year(period)}年{self.short_label(period)}"

    def not_reported(self, period: str) -> str:
        """Why ``period`` is no report period and where its returns belong ('' when it is one)."""
        if self.is_reported(period):
            return ""
        into = self.next_reported(period)
        return (f"January is not a report period ({SETTING} is false in {self.source}; set it to true in "
                f"{self.settings_file} to report 1月): its returns belong in {into} as {self.short_label(into)}")


# The calendar of the packaged default (January not reported), and the one of a warehouse published before the
# calendar was a setting (every month reported).
DEFAULT = Calendar()
EVERY_MONTH = Calendar(january_reported=True)


def from_settings(settings) -> Calendar:
    """The calendar of a ``sei_stats.settings.Settings``, naming the file that set the value."""
    return Calendar(bool(settings.calendar["january_reported"]), source=settings.source("calendar", "january_reported"),
                    settings_file=str(settings.data_file) if settings.data_file is not None else DATA_SETTINGS)


def calendar_in_force(paths=None) -> Calendar:
    """The calendar of a data folder (a DataPaths or its root; default SEI_DATA_DIR's): the packaged default,
    config/quality.yaml, then the data folder's config/settings.yaml."""
    from .settings import load_settings

    return from_settings(load_settings(data=paths))


def from_warehouse(con) -> Calendar:
    """The calendar a published warehouse was built under (ref.settings, value 1 or 0). A warehouse without it
    was published before the calendar was a setting, when every month was a report period."""
    try:  # fetchall: the caller's connection is left with no unfinished result
        rows = con.execute("SELECT value FROM ref.settings WHERE section = 'calendar' AND name = 'january_reported'").fetchall()
    except duckdb.CatalogException:  # no ref.settings (a warehouse of an older format, or a test's)
        rows = []
    return Calendar(bool(rows[0][0]), source="the published warehouse (ref.settings)") if rows else \
        Calendar(True, source="the published warehouse")
