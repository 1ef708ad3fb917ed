"""The demo city: seeded, Dalian-like monthly SEI returns, roster, GDP and value-added rates (模拟数据).

``generate`` writes ``raw/returns/YYYY-MM/*.csv|*.xlsx``, ``raw/roster/YYYY.csv``, ``raw/gdp.csv``,
``raw/va_rates.csv``, ``raw/registry/platforms.csv`` and ``enterprises.csv`` (the registries of the plan's
innovation platforms and designated enterprises) and ``raw/SIMULATED.txt`` into a data directory whose
``catalog/`` it reads.
Everything except gdp.csv (the city's published GDP) is simulated. The same seed writes the same
CSV bytes.

The returns follow docs/data-contract.md and deliberately exercise it: mixed encodings and header
languages, an .xlsx file now and then, a few bad lines (one reject fault each), one corrected
resubmission, and the data-quality faults of schemas/rules.yaml at known rates (FAULTS: total and
repeated header rows, duplicates, unit errors, cross-period slips, growth outliers, pilot credit
codes) plus non-response of roster enterprises, and the survey's dynamics (DYNAMICS: closures during a
year, long gaps, industry changes, blank priors, dropped lines). No line carries two faults;
DemoSummary counts them.
Fault magnitudes follow the data-quality thresholds in force: the defaults (rule parameters in
schemas/rules.yaml, other settings in sei_stats/defaults.yaml) with the overrides of QUALITY_YAML and
of the data directory's config/settings.yaml.

The months are the report periods of the calendar in force (sei_stats.calendar): unless
calendar.january_reported, no raw/returns/YYYY-01/ is written and the year's first return is 1–2月
(YYYY-02), whose cumulative figures hold January's output. Every planted event lies in a report period.

Modules: ``city`` (enterprises, product lines, output, the monthly rows, non-response), ``dynamics``
(one planter per dynamic of the survey frame), ``faults`` (one planter per fault, the correction and
the bad lines), ``files`` (the form and writing raw/) and ``registry`` (platforms and designated enterprises).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sei_stats import period
from sei_stats.calendar import from_settings
from sei_stats.catalog import read_districts, read_products
from sei_stats.config import REPO_ROOT, DataPaths

from . import city, dynamics, faults, files, registry
from .dynamics import BLANK_PRIOR_TAG, CHANGED_TAG, DYNAMICS
from .faults import FAULTS, RULES
from .annual import write_annual_reports
from .files import ALT_ORDER, CHINESE, COLUMNS, CORRECTION_STEM, PUBLISHED_GDP, SERVICES_CHINESE, SERVICES_SUFFIX

__all__ = ["ALT_ORDER", "CHINESE", "COLUMNS", "CORRECTION_STEM", "DYNAMICS", "FAULTS", "PUBLISHED_GDP", "QUALITY_YAML",
           "RULES", "SERVICES_CHINESE", "SERVICES_SUFFIX", "DemoSummary", "generate", "read_quality"]

# The overrides file of the data-quality settings the fault magnitudes follow (tests point it elsewhere).
QUALITY_YAML = REPO_ROOT / "config" / "quality.yaml"
# One independent random stream per purpose, in SeedSequence.spawn order: a new purpose takes a new
# stream at the end, so the draws of the others (and the city of a seed) stay as they were.
STREAMS = ("enterprises", "lines", "output", "months", "correction", "bad_lines",
           "roster", "nonresponse", "contracts", "line_faults", "files", "dynamics", "registry", "annual")


@dataclass(frozen=True)
class DemoSummary:
    """What generate() wrote: the city's size, months, line counts, bad lines, the correction and the faults.

    ``lines_written`` counts every row below a file's header (total rows and repeated headers too).
    ``bad_lines`` counts the lines each reject rule (RULES) finds. ``faults`` counts, for each
    data-quality rule (FAULTS), the lines it finds: for exact_duplicate the extra copies (the first
    line counts), for conflicting_duplicate both lines. ``nonresponse`` maps every month 'YYYY-MM' to
    the number of roster enterprises (raw/roster/YYYY.csv) open that month (not after their
    active_to) without a return, the long gaps included. ``dynamics`` counts, for each of DYNAMICS:
    closed_mid_year the enterprise-months after a closing enterprise's active_to in its year (out of
    scope); imputed_too_long the months a long gap runs beyond max_consecutive_months (the rule's
    fails); industry_change the lines whose industry class differs from the year's roster
    (industry_differs_from_frame); blank_prior the SEI lines with a blank prior whose line a year
    earlier was accepted (prior_source last_year_return); line_dropped the lines left out of a month's
    return (line_dropped_from_cumulative).
    """

    n_enterprises: int
    months: list[str]  # the report periods written (a folder raw/returns/YYYY-MM each)
    lines_written: int
    bad_lines: dict[str, int]
    correction: dict[str, object]
    files_by_encoding: dict[str, int]
    faults: dict[str, int]
    nonresponse: dict[str, int]
    dynamics: dict[str, int]
    annual_lines: dict[int, int]  # lines of each year's annual report (raw/annual/YYYY/)


def generate(data_dir: Path, *, seed: int = 20171109, n_enterprises: int = 2000,
             start: str = "2017-01", end: str = "2020-12", simulated_gdp: bool = False) -> DemoSummary:
    """Write the demo city's returns, GDP, value-added rates and SIMULATED marker into data_dir/raw/.

    Returns for the report periods from ``start`` to ``end`` (January only when calendar.january_reported).
    ``simulated_gdp``: years after the last published GDP get a simulated one (files.gdp_of), for the history
    benchmark; otherwise such a year is refused.
    """
    paths = DataPaths(Path(data_dir))
    calendar = from_settings(_settings(QUALITY_YAML, paths))
    months = calendar.periods(start, end)
    if not months:
        raise ValueError(f"no report period from {start} to {end}: {calendar.not_reported(start)}")
    years = list(range(period.year(start) - 1, period.year(end) + 1))  # with the year before, for priors
    files.gdp_of(years, simulate_later=simulated_gdp)  # refuses a year with no figure before anything is drawn
    quality = read_quality(QUALITY_YAML, data=paths)
    rng = dict(zip(STREAMS, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STREAMS)))))
    catalog = read_products(paths.catalog)
    entries = city.drawable_entries(catalog, months)
    districts = read_districts(paths.catalog)
    enterprises = city.enterprises_of(rng["enterprises"], entries, catalog, districts, n_enterprises, years)
    enterprises = city.roster_details(rng["roster"], enterprises, paths.catalog)
    enterprises = dynamics.close_mid_year(rng["dynamics"], enterprises, months)
    lines = city.product_lines(rng["lines"], enterprises, entries, catalog, years)
    sei = city.sei_in_december(catalog, enterprises, lines, years, months)
    annual = city.annual_output(rng["output"], enterprises, lines, years, sei)
    absent = city.nonresponse(rng["nonresponse"], enterprises, months, quality, first_month=calendar.months[0])
    absent, around_gaps, too_long = dynamics.long_gaps(rng["dynamics"], enterprises, absent, months, quality)
    rows = city.good_rows(rng["months"], rng["contracts"], enterprises, lines, annual, sei, years, months,
                          districts, absent, quality)
    rows, enterprises, dropped = dynamics.add_row_dynamics(rng["dynamics"], rows, enterprises, lines, sei, years,
                                                          months, around_gaps, catalog)
    clean = rows  # before the faults: what the annual reports revise
    rows = faults.add_line_faults(rng["line_faults"], rows, lines, months, quality)
    rows, correction = faults.add_correction(rng["correction"], rows, months)
    rows, bad_lines = faults.add_bad_lines(rng["bad_lines"], rows, set(districts["code"]))
    tags = Counter(rows["tag"])
    paths.raw.mkdir(parents=True, exist_ok=True)
    returns = files.return_files(paths.returns, rows, months)
    not_returns = faults.plant_not_returns(rng["files"], returns)
    files_by_encoding = files.write_returns(paths.returns, returns, months)
    files.write_roster(paths.roster_dir, enterprises, years[1:])
    files.write_gdp(paths.gdp_csv, years, simulate_later=simulated_gdp)
    # From the output stream again, after annual_output drew from it.
    files.write_va_rates(paths.va_rates_csv, rng["output"], enterprises, lines, annual * sei, years)
    # The report years: the first is the plan's baseline (its designations and platforms are not new).
    registry.write_registry(paths.registry_dir, rng["registry"], enterprises, entries, years[1:])
    # Annual reports (年报) of the complete years but the last: that one is judged on its December quick report.
    complete = [y for y in years[1:-1] if f"{y}-12" in months]
    annual_lines = write_annual_reports(paths.annual, rng["annual"], clean, complete)
    files.write_marker(paths.raw / "SIMULATED.txt", seed, len(enterprises), start, end,
                       [y for y in years if y > max(PUBLISHED_GDP)] if simulated_gdp else [])
    return DemoSummary(
        n_enterprises=len(enterprises),
        months=months,
        lines_written=len(rows) + sum(not_returns.values()),
        bad_lines=bad_lines,
        correction=correction,
        files_by_encoding=files_by_encoding,
        faults={f: int(not_returns.get(f, 0) + tags.get(f, 0)) for f in FAULTS},
        nonresponse={m: int(n) for m, n in zip(months, absent.sum(axis=0))},
        annual_lines=annual_lines,
        dynamics={"closed_mid_year": dynamics.months_closed(enterprises, months), "imputed_too_long": too_long,
                  "industry_change": int(tags.get(CHANGED_TAG, 0)), "blank_prior": int(tags.get(BLANK_PRIOR_TAG, 0)),
                  "line_dropped": dropped},
    )


def read_quality(path: Path | None = None, data: DataPaths | None = None) -> dict[str, float]:
    """The data-quality thresholds in force, by name: defaults with the overrides of ``path`` (QUALITY_YAML) and of
    the data directory ``data``'s config/settings.yaml (default: SEI_DATA_DIR's)."""
    return {k: float(v) for k, v in _settings(path, data).flat().items()}


def _settings(path: Path | None, data: DataPaths | None):
    from sei_stats.settings import load_settings

    return load_settings(QUALITY_YAML if path is None else path, data=data)
