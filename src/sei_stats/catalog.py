"""The guidance catalog (指导目录), the plans' targets and Dalian's districts, read from catalog/."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .vocabulary import AREAS, MEASURES, PRODUCT_COLUMNS, CatalogError

__all__ = ["AREAS", "PRODUCT_COLUMNS", "CatalogError", "read_products", "read_targets", "read_districts", "read_zones", "Plan", "Target",
           "validate_catalog_unless_passed"]


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
class Target:
    """One target of a plan, as the plan words it: reached when the printed value is ≥ value − tolerance."""

    indicator: str
    label: str
    value: float
    unit: str
    comparison: str  # at_least (突破, 达到或超过) or about (左右)
    tolerance: float  # in unit; 0 for at_least
    target_year: int
    wording: str = ""
    designation: str | None = None  # for a count of designated enterprises: the designation counted
    measure: str | None = None  # for output and its growth: industry (工业总产值, the default) or services (营业收入)

    @property
    def is_count(self) -> bool:
        return self.indicator in COUNT_INDICATORS


@dataclass(frozen=True)
class Plan:
    """A plan and its targets (one entry of catalog/targets.yaml)."""

    plan_id: str
    title: str
    document: str
    baseline_year: int
    target_year: int
    targets: tuple[Target, ...]

    def value(self, indicator: str) -> float:
        return next(t.value for t in self.targets if t.indicator == indicator)


# What each indicator is measured in, and how documents print it (the status compares that value).
TARGET_UNITS = {"output_value": "亿元", "avg_growth_since_baseline": "fraction", "gdp_share": "fraction",
                "new_platforms": "个", "leading_enterprises": "家", "innovative_leaders": "家"}
# The counts of the registries (raw/registry/): platforms recognised since the baseline year (新建), and
# enterprises holding a designation at the year's end (培育), each indicator one designation.
DESIGNATION_OF = {"leading_enterprises": "leading", "innovative_leaders": "innovative_leader"}
COUNT_INDICATORS = ("new_platforms", *DESIGNATION_OF)
COMPARISONS = ("at_least", "about")
# Output and its growth are judged on one measure, never on the two added (vocabulary.MEASURES): industrial
# output unless the target says `measure: services`.
MEASURED_INDICATORS = ("output_value", "avg_growth_since_baseline")
# "左右" for a rate: half a percentage point either way (one-sided: exceeding is never a miss).
DEFAULT_RATE_TOLERANCE = 0.005
PLAN_KEYS = ("plan_id", "title", "document", "baseline_year", "target_year", "targets")


def _integer(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogError(f"{where} must be a whole year, not {value!r}")
    return value


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CatalogError(f"{where} must be a number, not {value!r}")
    return float(value)


def _read_target(spec, where: str, baseline_year: int, target_year: int) -> Target:
    if not isinstance(spec, dict):
        raise CatalogError(f"{where}: a target is a mapping of indicator, value, unit, comparison and tolerance, not {spec!r}")
    for key in ("indicator", "value", "unit", "comparison"):
        if key not in spec:
            raise CatalogError(f"{where}: missing key '{key}'")
    indicator = spec["indicator"]
    if indicator not in TARGET_UNITS:
        raise CatalogError(f"{where}: indicator {indicator!r} is not one of {sorted(TARGET_UNITS)}")
    where = f"{where} ({indicator})"
    unit = TARGET_UNITS[indicator]
    if spec["unit"] != unit:
        raise CatalogError(f"{where}: unit {spec['unit']!r} must be {unit!r}")
    comparison = spec["comparison"]
    if comparison not in COMPARISONS:
        raise CatalogError(f"{where}: comparison {comparison!r} is not one of {list(COMPARISONS)} "
                           "(突破/达到或超过: at_least; 左右: about)")
    if indicator in COUNT_INDICATORS:
        _check_count(spec, where, comparison)
    wording = str(spec.get("wording", ""))
    if comparison == "at_least" and "左右" in wording:
        raise CatalogError(f"{where}: comparison at_least, but the wording {wording!r} says 左右 (about)")
    if "tolerance" in spec:
        tolerance = _number(spec["tolerance"], f"{where}: tolerance")
    elif comparison == "about" and unit == "fraction":
        tolerance = DEFAULT_RATE_TOLERANCE
    elif comparison == "about":
        raise CatalogError(f"{where}: missing key 'tolerance' (about a value in {unit} needs its tolerance)")
    else:
        tolerance = 0.0
    if tolerance < 0 or (comparison == "at_least" and tolerance != 0):
        raise CatalogError(f"{where}: tolerance {tolerance!r} must be ≥ 0, and 0 for at_least")
    year = _integer(spec.get("target_year", target_year), f"{where}: target_year")
    if not baseline_year < year <= target_year:
        raise CatalogError(f"{where}: target_year {year} must be after the baseline year {baseline_year} "
                           f"and no later than the plan's {target_year}")
    return Target(indicator=indicator, label=str(spec.get("label", indicator)),
                  value=_number(spec["value"], f"{where}: value"), unit=unit, comparison=comparison,
                  tolerance=tolerance, target_year=year, wording=wording, designation=DESIGNATION_OF.get(indicator),
                  measure=_measure(spec, where, indicator))


def _measure(spec: dict, where: str, indicator: str) -> str | None:
    """The measure an output or growth target is judged on: industry unless it says services."""
    if indicator not in MEASURED_INDICATORS:
        if "measure" in spec:
            raise CatalogError(f"{where}: measure applies to {' and '.join(MEASURED_INDICATORS)} only")
        return None
    measure = spec.get("measure", "industry")
    if measure not in MEASURES:
        raise CatalogError(f"{where}: measure {measure!r} is not one of {list(MEASURES)} "
                           "(industry: 工业总产值; services: 营业收入; the two are never added)")
    return measure


def _check_count(spec: dict, where: str, comparison: str) -> None:
    """A count is a whole number of platforms or enterprises, reached at ≥ its value (新建…50个, 培育…30家)."""
    value = spec["value"]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise CatalogError(f"{where}: value {value!r} must be a whole number above 0 (a count)")
    if comparison != "at_least":
        raise CatalogError(f"{where}: comparison {comparison!r} must be at_least for a count (reached at ≥ value)")


def _read_plan(spec, where: str) -> Plan:
    if not isinstance(spec, dict):
        raise CatalogError(f"{where}: a plan is a mapping of {', '.join(PLAN_KEYS)}")
    for key in PLAN_KEYS:
        if key not in spec:
            raise CatalogError(f"{where}: missing key '{key}'")
    plan_id = str(spec["plan_id"])
    where = f"{where} ({plan_id})"
    baseline_year = _integer(spec["baseline_year"], f"{where}: baseline_year")
    target_year = _integer(spec["target_year"], f"{where}: target_year")
    if baseline_year >= target_year:
        raise CatalogError(f"{where}: baseline_year {baseline_year} must come before target_year {target_year}")
    if not isinstance(spec["targets"], list) or not spec["targets"]:
        raise CatalogError(f"{where}: targets must be a non-empty list")
    targets = tuple(_read_target(t, f"{where}: targets[{i}]", baseline_year, target_year)
                    for i, t in enumerate(spec["targets"]))
    seen = [t.indicator for t in targets]
    twice = sorted({i for i in seen if seen.count(i) > 1})
    if twice:
        raise CatalogError(f"{where}: targets: indicator {', '.join(twice)} given more than once")
    return Plan(plan_id=plan_id, title=str(spec["title"]), document=str(spec["document"]),
                baseline_year=baseline_year, target_year=target_year, targets=targets)


def read_targets(catalog_dir: Path) -> tuple[Plan, ...]:
    """catalog/targets.yaml: the plans (``plans:``, a list), each with its baseline and target years and targets.

    A file of one plan without the ``plans:`` list (its keys at the top level) reads as that one plan.
    """
    path = Path(catalog_dir) / "targets.yaml"
    if not path.exists():
        raise CatalogError(f"{path}: the plan's targets are missing")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise CatalogError(f"{path}: not YAML: {err}") from err
    if not isinstance(spec, dict):
        raise CatalogError(f"{path}: expected a mapping with the key 'plans'")
    if "plans" in spec:
        if not isinstance(spec["plans"], list) or not spec["plans"]:
            raise CatalogError(f"{path}: plans must be a non-empty list")
        plans = tuple(_read_plan(p, f"{path}: plans[{i}]") for i, p in enumerate(spec["plans"]))
    else:
        plans = (_read_plan(spec, str(path)),)
    ids = [p.plan_id for p in plans]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise CatalogError(f"{path}: plans: plan_id {', '.join(twice)} given more than once")
    return plans


def read_districts(catalog_dir: Path) -> pd.DataFrame:
    """catalog/districts.csv: Dalian's ten county-level divisions (GB/T 2260)."""
    return pd.read_csv(Path(catalog_dir) / "districts.csv", dtype=str, keep_default_na=False)


def read_zones(catalog_dir: Path) -> pd.DataFrame:
    """catalog/zones.csv: the functional zones the plan names; none (no rows) without the file."""
    path = Path(catalog_dir) / "zones.csv"
    if not path.exists():
        return pd.DataFrame(columns=["zone_id", "name", "kind", "districts", "parent_zone", "note", "source", "verified"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_nbs_categories(catalog_dir: Path) -> pd.DataFrame:
    """catalog/nbs-sei-2018-categories.csv: the national classification's 9 + 40 categories."""
    return pd.read_csv(Path(catalog_dir) / "nbs-sei-2018-categories.csv", dtype=str, keep_default_na=False)


def validate_catalog_unless_passed(catalog_dir: Path, record: Path) -> bool:
    """schemas.catalog.validate_catalog, unless ``record`` holds this catalog's key: it passed every rule,
    unchanged since (the key hashes each file of the catalog folder and the code that judges them,
    sei_stats.vintages.code_version). Only a pass is recorded. True when the rules ran now (a run that changes
    nothing skips their second)."""
    from .processes import replace_with_text
    from .schemas.catalog import validate_catalog  # the contracts read this module: imported when called
    from .vintages import code_version

    catalog_dir = Path(catalog_dir)
    digest = hashlib.sha256(code_version().encode())
    for path in sorted(p for p in catalog_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(catalog_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    key = digest.hexdigest()
    if record.is_file() and record.read_text(encoding="utf-8").strip() == key:
        return False
    validate_catalog(catalog_dir)
    record.parent.mkdir(parents=True, exist_ok=True)
    replace_with_text(record, key)
    return True
