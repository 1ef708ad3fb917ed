"""Where sei-stats reads and writes: everything hangs off SEI_DATA_DIR (default: the repo's data/, or data/ of the
working directory when installed from a wheel)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import period as periods

REPO_ROOT = Path(__file__).resolve().parents[2]
# False when installed from a wheel: REPO_ROOT is then a folder of the environment (lib/), not a checkout.
IN_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file()


@dataclass(frozen=True)
class DataPaths:
    """The folders of one data directory (SEI_DATA_DIR)."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def returns(self) -> Path:
        """raw/returns/YYYY-MM/*.csv|*.xlsx: the monthly SEI product returns."""
        return self.raw / "returns"

    @property
    def annual(self) -> Path:
        """raw/annual/YYYY/*.csv|*.xlsx: the annual report (年报) of each year, the figures of record for 1–12月."""
        return self.raw / "annual"

    def annual_folder(self, year: int | str) -> Path:
        return self.annual / periods.parse_year(year)

    @property
    def gdp_csv(self) -> Path:
        return self.raw / "gdp.csv"

    @property
    def va_rates_csv(self) -> Path:
        return self.raw / "va_rates.csv"

    @property
    def roster_dir(self) -> Path:
        """raw/roster/YYYY.csv: the survey roster (调查单位名录) of each year."""
        return self.raw / "roster"

    def roster_file(self, year: int) -> Path:
        return self.roster_dir / f"{year}.csv"

    @property
    def reviews_dir(self) -> Path:
        """raw/reviews/YYYY-MM.csv: reviewers' decisions on the findings of a report period; raw/reviews/YYYY.csv:
        on the annual report of a year."""
        return self.raw / "reviews"

    def review_file(self, period: str) -> Path:
        return self.reviews_dir / f"{period}.csv"

    def annual_review_file(self, year: int | str) -> Path:
        return self.reviews_dir / f"{periods.parse_year(year)}.csv"

    @property
    def registry_dir(self) -> Path:
        """raw/registry/: the registries of the plan's other targets (innovation platforms, designated enterprises)."""
        return self.raw / "registry"

    @property
    def platforms_csv(self) -> Path:
        """raw/registry/platforms.csv: innovation platforms recognised (创新平台), one line each."""
        return self.registry_dir / "platforms.csv"

    @property
    def designated_enterprises_csv(self) -> Path:
        """raw/registry/enterprises.csv: enterprises designated 龙头企业 or 创新型领军企业, one line per designation."""
        return self.registry_dir / "enterprises.csv"

    @property
    def catalog(self) -> Path:
        return self.root / "catalog"

    @property
    def settings_yaml(self) -> Path:
        """config/settings.yaml (optional): this data folder's settings, over the repo's config/quality.yaml and the
        packaged defaults (sei_stats.settings), e.g. ``calendar: {january_reported: true}``."""
        return self.root / "config" / "settings.yaml"

    @property
    def landed(self) -> Path:
        """landed/returns/YYYY-MM/<landing id>.parquet: every received line of a month, one immutable file
        per landing; the newest is the month's current landing."""
        return self.root / "landed" / "returns"

    def landed_month_dir(self, period: str) -> Path:
        return self.landed / period

    def landed_periods(self) -> list[str]:
        """The report periods landed so far (a folder landed/returns/YYYY-MM holding a landing)."""
        if not self.landed.is_dir():
            return []
        return sorted(d.name for d in self.landed.iterdir()
                      if d.is_dir() and periods.is_period(d.name) and any(d.glob("*.parquet")))

    def landed_versions(self, period: str) -> list[Path]:
        """Every landing of the month, oldest first (landing ids sort by time)."""
        folder = self.landed_month_dir(period)
        return sorted(folder.glob("*.parquet")) if folder.is_dir() else []

    def current_landing(self, period: str) -> Path | None:
        """The month's newest landing, or None when it was never landed."""
        versions = self.landed_versions(period)
        return versions[-1] if versions else None

    @property
    def landed_annual(self) -> Path:
        """landed/annual/YYYY/<landing id>.parquet: every received line of a year's annual report, one immutable
        file per landing; the newest is the year's current annual landing."""
        return self.root / "landed" / "annual"

    def landed_annual_dir(self, year: int | str) -> Path:
        return self.landed_annual / periods.parse_year(year)

    def landed_annual_years(self) -> list[str]:
        """The years whose annual report was landed so far (a folder landed/annual/YYYY holding a landing)."""
        if not self.landed_annual.is_dir():
            return []
        return sorted(d.name for d in self.landed_annual.iterdir()
                      if d.is_dir() and periods.is_year(d.name) and any(d.glob("*.parquet")))

    def annual_landing_versions(self, year: int | str) -> list[Path]:
        """Every landing of the year's annual report, oldest first (landing ids sort by time)."""
        folder = self.landed_annual_dir(year)
        return sorted(folder.glob("*.parquet")) if folder.is_dir() else []

    def current_annual_landing(self, year: int | str) -> Path | None:
        """The newest landing of the year's annual report, or None when it was never landed."""
        versions = self.annual_landing_versions(year)
        return versions[-1] if versions else None

    @property
    def year_step(self) -> Path:
        """landed/year_step/<variant>/YYYY/<key>.<relation>.parquet: each year's stored facts (sei_stats.year_step),
        reused while nothing they depend on changes."""
        return self.root / "landed" / "year_step"

    @property
    def catalog_passed(self) -> Path:
        """landed/catalog_passed.txt: the key of the last catalog that passed every rule of schemas/catalog.py
        (``validate_catalog_unless_passed``), so a run on the same catalog and code does not judge it again."""
        return self.root / "landed" / "catalog_passed.txt"

    @property
    def disclosure_cache(self) -> Path:
        """landed/disclosure/<measure>-<year>-<hash>.parquet: each year's disclosure pattern (sei_stats.protection),
        and cells/<year>-<hash>.parquet its cells,
        reused while the year's cells and the rules are the same."""
        return self.root / "landed" / "disclosure"

    @property
    def release_audits(self) -> Path:
        """landed/disclosure/released/<YYYY-MM>-<hash>.passed: the release audit that passed on exactly that
        pattern (sei_stats.protection.check_release), so a briefing or an export of the same pattern is not audited
        again."""
        return self.disclosure_cache / "released"

    @property
    def reclassified(self) -> Path:
        """landed/reclassified/YYYY-MM/<landing id>@<catalog version>.<format>.parquet: landings under the catalog in
        force at one month, and manifest.json naming the set the latest reclassification made."""
        return self.root / "landed" / "reclassified"

    @property
    def warehouse(self) -> Path:
        """warehouse/sei.duckdb: the analysts' file (marts and reference tables as stored tables, no enterprise)."""
        return self.root / "warehouse" / "sei.duckdb"

    @property
    def warehouse_detail(self) -> Path:
        """warehouse/sei_detail.duckdb: the internal file (everything that names an enterprise), same publish."""
        return self.root / "warehouse" / "sei_detail.duckdb"

    @property
    def vintages(self) -> Path:
        """warehouse/vintages/<publish id>/: what each publish released (sei_stats.vintages)."""
        return self.root / "warehouse" / "vintages"

    @property
    def publish_log(self) -> Path:
        """warehouse/publishes.jsonl: one line per successful publish, with the landings it includes."""
        return self.root / "warehouse" / "publishes.jsonl"

    @property
    def publish_counts(self) -> Path:
        """warehouse/publish_counts.json: the last publish's id, the hash of its inputs and its rows (a publish on
        the same inputs keeps it, sei_stats.publish)."""
        return self.root / "warehouse" / "publish_counts.json"

    @property
    def charts(self) -> Path:
        return self.root / "output" / "charts"

    @property
    def quality(self) -> Path:
        """output/quality/quality_YYYY-MM.html: the monthly data-quality reports (internal)."""
        return self.root / "output" / "quality"

    @property
    def briefings(self) -> Path:
        """output/briefings/YYYY-MM/ (the monthly 统计快报) and YYYY/ (the annual evaluation): .docx, .html, .xlsx."""
        return self.root / "output" / "briefings"

    @property
    def brief_template(self) -> Path:
        """catalog/templates/brief.docx: the bureau's Word template for the briefings, when it has one."""
        return self.catalog / "templates" / "brief.docx"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def simulated(self) -> bool:
        """True for the demo city: raw/SIMULATED.txt marks generated data, and charts say 模拟数据."""
        return (self.raw / "SIMULATED.txt").exists()

    def landed_month(self, period: str) -> Path:
        """The month's current landing; a path that does not exist when the month was never landed."""
        return self.current_landing(period) or self.landed_month_dir(period) / "never-landed.parquet"


def data_paths(root: str | Path | None = None) -> DataPaths:
    """The data directory: ``root`` if given, else $SEI_DATA_DIR, else the repo's data/ (installed from a wheel:
    data/ of the working directory)."""
    if root is None:
        root = os.environ.get("SEI_DATA_DIR") or (REPO_ROOT if IN_CHECKOUT else Path.cwd()) / "data"
    return DataPaths(Path(root).resolve())
