"""Where sei-stats reads and writes: everything hangs off SEI_DATA_DIR (default: the repo's data/)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


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
        """raw/reviews/YYYY-MM.csv: reviewers' decisions on the findings of a report period."""
        return self.raw / "reviews"

    def review_file(self, period: str) -> Path:
        return self.reviews_dir / f"{period}.csv"

    @property
    def catalog(self) -> Path:
        return self.root / "catalog"

    @property
    def landed(self) -> Path:
        """landed/returns/YYYY-MM.parquet: every received line of a month, one file per month."""
        return self.root / "landed" / "returns"

    @property
    def reclassified(self) -> Path:
        """landed/reclassified/YYYY-MM.parquet: the landed months under the catalog in force today."""
        return self.root / "landed" / "reclassified"

    @property
    def warehouse(self) -> Path:
        """The published DuckDB file analysts open."""
        return self.root / "warehouse" / "sei.duckdb"

    @property
    def charts(self) -> Path:
        return self.root / "output" / "charts"

    @property
    def quality(self) -> Path:
        """output/quality/quality_YYYY-MM.html: the monthly data-quality reports (internal)."""
        return self.root / "output" / "quality"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def simulated(self) -> bool:
        """True for the demo city: raw/SIMULATED.txt marks generated data, and charts say 模拟数据."""
        return (self.raw / "SIMULATED.txt").exists()

    def landed_month(self, period: str) -> Path:
        return self.landed / f"{period}.parquet"


def data_paths(root: str | Path | None = None) -> DataPaths:
    """The data directory: ``root`` if given, else $SEI_DATA_DIR, else the repo's data/."""
    if root is None:
        root = os.environ.get("SEI_DATA_DIR") or REPO_ROOT / "data"
    return DataPaths(Path(root).resolve())
