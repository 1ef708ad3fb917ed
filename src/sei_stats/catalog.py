"""The guidance catalog (指导目录), the plan's targets and Dalian's districts, read from catalog/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .vocabulary import AREAS, PRODUCT_COLUMNS, CatalogError

__all__ = ["AREAS", "PRODUCT_COLUMNS", "CatalogError", "read_products", "read_targets", "read_districts"]


def read_products(catalog_dir: Path) -> pd.DataFrame:
    """catalog/products.csv as text columns (codes keep their leading zeros)."""
    path = Path(catalog_dir) / "products.csv"
    if not path.exists():
        raise CatalogError(f"{path}: the guidance catalog is missing")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in PRODUCT_COLUMNS if c not in frame.columns]
    if missing:
        raise CatalogError(f"{path}: missing columns {', '.join(missing)}")
    frame = frame.apply(lambda s: s.str.strip())
    frame["valid_to"] = frame["valid_to"].replace("", None)
    frame["key_field"] = frame["key_field"].str.lower().map({"true": True, "false": False})
    for column in ("kind", "area", "key_field"):
        allowed = {"kind": {"product", "industry"}, "area": set(AREAS), "key_field": {True, False}}[column]
        bad = frame.index[~frame[column].isin(allowed)]
        if len(bad):
            row = bad[0]
            raise CatalogError(f"{path}: line {row + 2}: {column} {frame.at[row, column]!r} is not one of {sorted(map(str, allowed))}")
    return frame


@dataclass(frozen=True)
class Targets:
    """The plan's targets (catalog/targets.yaml)."""

    plan_id: str
    title: str
    baseline_year: int
    target_year: int
    targets: tuple[dict, ...]

    def value(self, indicator: str) -> float:
        return next(t["value"] for t in self.targets if t["indicator"] == indicator)


def read_targets(catalog_dir: Path) -> Targets:
    """catalog/targets.yaml: the plan, its baseline and target years and its three targets."""
    path = Path(catalog_dir) / "targets.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        targets = Targets(
            plan_id=str(spec["plan_id"]),
            title=str(spec["title"]),
            baseline_year=int(spec["baseline_year"]),
            target_year=int(spec["target_year"]),
            targets=tuple(spec["targets"]),
        )
    except KeyError as err:
        raise CatalogError(f"{path}: missing key {err}") from err
    known = {"output_value", "avg_growth_since_baseline", "gdp_share"}
    for t in targets.targets:
        if t.get("indicator") not in known or "value" not in t or "unit" not in t:
            raise CatalogError(f"{path}: target {t!r} needs indicator (one of {sorted(known)}), value and unit")
    if targets.baseline_year >= targets.target_year:
        raise CatalogError(f"{path}: baseline_year must come before target_year")
    return targets


def read_districts(catalog_dir: Path) -> pd.DataFrame:
    """catalog/districts.csv: Dalian's ten county-level divisions (GB/T 2260)."""
    return pd.read_csv(Path(catalog_dir) / "districts.csv", dtype=str, keep_default_na=False)


def read_nbs_categories(catalog_dir: Path) -> pd.DataFrame:
    """catalog/nbs-sei-2018-categories.csv: the national classification's 9 + 40 categories."""
    return pd.read_csv(Path(catalog_dir) / "nbs-sei-2018-categories.csv", dtype=str, keep_default_na=False)
