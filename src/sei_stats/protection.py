"""The disclosure pattern of the published breakdowns: chosen once per report period at publish, stored as
mart.disclosure, and read by every output of the period (briefings, the open-data export), so that no published
table reveals one enterprise (sei_stats.disclosure has the rules, the audit and the suppression).

The cells of one measure (industrial output or services revenue, never added) in one report period (1–X月):
the total, each area, district, area × district, field (within its area) and functional zone. What an attacker
knows of them: total = Σ areas = Σ districts; area = Σ its districts = Σ its fields; district = Σ its areas;
zones cover part of the total and stand alone; and a cumulative cell does not fall from 1–(X−1)月 to 1–X月
(where it really did not: a closed unit leaving the scope can make it fall).

Month by month within a year, in order: the pattern of 1–X月 keeps every cell suppressed in 1–(X−1)月 (so
differencing the two recovers nothing), adds the cells the rules find sensitive, and then the secondary cells the
audit needs — over all the year's months to X, the earlier months as they were released (fixed). The city total
is always published (the plan's own indicator): it is never suppressed, and the audit counts it as known.
Recomputed deterministically at every publish (each year kept by the hash of its cells, so only a changed year
costs time): a revised earlier month may change its own pattern.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from .disclosure import DisclosureError, Rules, audit_cells, protect_cells, sensitive

BREAKDOWNS = ("total", "area", "district", "area_district", "field", "zone")
KEYS = ("area", "field", "district_code", "zone_id")
# The columns that name a cell of each breakdown (the others are NULL in its rows).
CELL_KEYS = {"total": (), "area": ("area",), "district": ("district_code",), "area_district": ("area", "district_code"),
             "field": ("area", "field"), "zone": ("zone_id",),
             # never published: a zone's output in each district, and a district's output outside every zone
             "zone_district": ("district_code", "zone_id"), "outside_zone": ("district_code",)}
LATENT = ("zone_district", "outside_zone")
YI = 100_000  # 千元 in one 亿元
# The code that chooses a pattern, in the cache's key: a changed algorithm never reuses a pattern it did not choose.
_CODE = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes()
                                for name in ("disclosure.py", "protection.py"))).hexdigest()


def _key(breakdown: str, period, row) -> tuple:
    """A cell's key: (breakdown, period, area, field, district_code, zone_id), None where the breakdown has none."""
    return (breakdown, period, *(None if pd.isna(v := row.get(k)) else v for k in KEYS))


def cells_of(contributions: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Every published cell of each period and measure with its value (千元), enterprises and sensitivity, from
    the enterprise-level contributions (fact.sei_enterprise_cells: period, measure, credit_code, area, field,
    district_code, zone_id, value). A negative value counts as 0 (the rules and the audit assume values ≥ 0)."""
    frame = contributions.assign(value=contributions["value"].astype(float).clip(lower=0))
    frames = []
    for breakdown in (*BREAKDOWNS, *LATENT):
        keys = list(CELL_KEYS[breakdown])
        part = (frame[frame["zone_id"].notna()] if breakdown in ("zone", "zone_district") else
                frame[frame["zone_id"].isna()] if breakdown == "outside_zone" else frame)
        rows = sensitive(part, ["measure", "period", *keys], rules)
        frames.append(rows.assign(breakdown=breakdown))
    out = pd.concat(frames, ignore_index=True)
    for key in KEYS:
        if key not in out.columns:
            out[key] = None
    out = out.astype({k: object for k in KEYS})
    out[list(KEYS)] = out[list(KEYS)].where(out[list(KEYS)].notna(), None)
    return out[["measure", "period", "breakdown", *KEYS, "value", "n", "sensitive", "reason"]]


def cells_by_year(contributions: pd.DataFrame, rules: Rules, cache: Path | None = None) -> pd.DataFrame:
    """``cells_of``, a year at a time, each year's cells kept in ``cache``/cells/ under the hash of its
    contributions (in any order), the rules and this code: a publish computes the cells of changed years only
    (the demo's four years took 1.2 s of every publish). Files no year uses now are removed."""
    if cache is None or contributions.empty:
        return cells_of(contributions, rules)
    folder = Path(cache) / "cells"
    out, used = [], set()
    for year, part in contributions.groupby(pd.to_datetime(contributions["period"]).dt.year, sort=True):
        rows = np.sort(pd.util.hash_pandas_object(part, index=False).to_numpy())
        digest = hashlib.sha256((_CODE + repr(rules) + ",".join(part.columns)).encode() + rows.tobytes())
        path = folder / f"{year}-{digest.hexdigest()[:20]}.parquet"
        used.add(path.name)
        if path.exists():
            kept = pd.read_parquet(path)
            kept[list(KEYS)] = kept[list(KEYS)].astype(object).where(kept[list(KEYS)].notna(), None)
            out.append(kept)
            continue
        cells = cells_of(part, rules)
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        cells.to_parquet(partial, index=False)
        os.replace(partial, path)
        out.append(cells)
    for stale in folder.glob("*.parquet"):
        if stale.name not in used:
            stale.unlink()
    return pd.concat(out, ignore_index=True)


@dataclass(frozen=True)
class Problem:
    """One measure's cells (any months) as the audit sees them; keys (breakdown, period, *KEYS)."""
    values: dict          # every cell, published or not -> 千元
    equations: list       # (total, parts): the tables' margins; zones and districts through the latent cells
    order: list           # (1–(X−1)月 cell, 1–X月 cell) where it did not fall
    latent: set           # zone × district and outside-zone cells: never published, unknowns of the audit
    neighbours: dict      # zone <-> the districts it lies in: partners though no equation of published cells links them

    def audit(self, hidden, rules: Rules, **kwargs):
        return audit_cells(self.values, hidden, self.equations, self.order, rules, latent=self.latent, **kwargs)


def _zone_links(cells: pd.DataFrame, zone_districts: dict | None) -> list[tuple]:
    """The latent cells an attacker must allow for in each period: each zone in each district it lies in (public
    geography, zone_districts: zone -> its districts; and wherever the data put it) and each district outside every
    zone. Which of them are empty is not published, so each is an unknown ≥ 0."""
    districts = sorted(set(cells.loc[cells["breakdown"] == "district", "district_code"]), key=repr)
    seen = cells[cells["breakdown"] == "zone_district"]
    where: dict = {}
    for z in sorted(set(cells.loc[cells["breakdown"] == "zone", "zone_id"]), key=repr):
        listed = [d for d in (zone_districts or {}).get(z, ()) if d in districts]
        where[z] = sorted(set(listed) | set(seen.loc[seen["zone_id"] == z, "district_code"]), key=repr)
    out = []
    for period in sorted(cells["period"].unique()):
        out += [("zone_district", period, None, None, d, z) for z, ds in where.items() for d in ds]
        out += [("outside_zone", period, None, None, d, None) for d in districts]
    return out


def _problem(cells: pd.DataFrame, zone_districts: dict | None = None) -> Problem:
    cells = cells.sort_values("period", kind="stable")
    records = cells.to_dict("records")
    keys = [_key(r["breakdown"], r["period"], r) for r in records]
    values = {k: float(r["value"]) for k, r in zip(keys, records)}
    present = set(keys)
    for k in _zone_links(cells, zone_districts):
        if k not in present:  # an empty latent cell: 0, which the attacker does not know
            keys.append(k)
            values[k] = 0.0
    totals: dict = {}
    parts: dict = {}  # (what, period, name) -> the cells it sums
    neighbours: dict = {}
    for k in keys:
        breakdown, period, area, field, district, zone = k
        if breakdown == "total":
            totals[period] = k
        elif breakdown in ("area", "district"):
            parts.setdefault((f"{breakdown}s", period), []).append(k)
        elif breakdown == "area_district":
            parts.setdefault(("area", period, area), []).append(k)
            parts.setdefault(("district", period, district), []).append(k)
        elif breakdown == "field":
            parts.setdefault(("fields", period, area), []).append(k)
        elif breakdown == "zone_district":
            parts.setdefault(("zone", period, zone), []).append(k)
            parts.setdefault(("district zones", period, district), []).append(k)
            z, d = ("zone", period, None, None, None, zone), ("district", period, None, None, district, None)
            neighbours.setdefault(z, set()).add(d)
            neighbours.setdefault(d, set()).add(z)
        elif breakdown == "outside_zone":
            parts.setdefault(("district zones", period, district), []).append(k)
    equations = []
    for period, total in totals.items():
        equations += [(total, parts.get(("areas", period), [])), (total, parts.get(("districts", period), []))]
    for k in keys:
        breakdown, period, area, _, district, zone = k
        if breakdown == "area":
            equations += [(k, parts.get(("area", period, area), [])), (k, parts.get(("fields", period, area), []))]
        elif breakdown == "district":
            equations += [(k, parts.get(("district", period, district), [])),
                          (k, parts.get(("district zones", period, district), []))]
        elif breakdown == "zone":
            equations.append((k, parts.get(("zone", period, zone), [])))
    order = []
    months = sorted({k[1] for k in keys})
    following_month = dict(zip(months, months[1:]))
    for key in keys:
        if key[1] in following_month:
            following = (key[0], following_month[key[1]], *key[2:])
            if following in values and values[key] <= values[following]:  # cumulative: it did not fall
                order.append((key, following))
    equations = [(total, parts) for total, parts in equations if parts]  # a table this input does not have
    return Problem(values, equations, order, {k for k in keys if k[0] in LATENT}, neighbours)


def choose_pattern(cells: pd.DataFrame, rules: Rules, cache: Path | None = None,
                   zone_districts: dict | None = None) -> pd.DataFrame:
    """``cells`` (cells_of) with ``status`` (published, primary or secondary), ``reason`` and, for a suppressed
    cell, the ``lower``/``upper`` bounds the audit finds given everything published up to its month. ``cache``: a
    folder keeping each measure's year by the hash of its cells, the rules and this code, so a publish recomputes
    only the years whose cells changed (the files no year uses now are removed)."""
    out, used = [], set()
    years = pd.to_datetime(cells["period"]).dt.year
    for (measure, year), group in cells.groupby(["measure", years], sort=True):
        group = group.reset_index(drop=True)
        if cache is None:
            out.append(_year_pattern(group, rules, zone_districts))
            continue
        digest = hashlib.sha256((_CODE + repr(rules) + repr(sorted((zone_districts or {}).items()))
                                 + group.to_csv(index=False)).encode()).hexdigest()[:20]
        path = Path(cache) / f"{measure}-{year}-{digest}.parquet"
        used.add(path.name)
        if path.exists():
            kept = pd.read_parquet(path)
            kept[list(KEYS)] = kept[list(KEYS)].astype(object).where(kept[list(KEYS)].notna(), None)
            out.append(group.assign(**{c: kept[c].to_numpy() for c in ("status", "reason", "lower", "upper")}))
            continue
        pattern = _year_pattern(group, rules, zone_districts)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        pattern.to_parquet(partial, index=False)
        os.replace(partial, path)
        out.append(pattern)
    if cache is not None and Path(cache).is_dir():
        for stale in Path(cache).glob("*.parquet"):
            if stale.name not in used:
                stale.unlink()
    if not out:
        return cells.assign(status=pd.Series(dtype=str), lower=pd.Series(dtype=float), upper=pd.Series(dtype=float))
    return pd.concat(out, ignore_index=True)


def _year_pattern(cells: pd.DataFrame, rules: Rules, zone_districts: dict | None = None, *,
                  check_each_month: bool = False) -> pd.DataFrame:
    """One measure's year. Each month audits its own cells while it adds suppressions, and the whole year is
    audited once at the end (intervals only narrow as months are published, so a year safe at its last month was
    safe at every release before); should that find an earlier month's cell unsafe, the year is done again
    auditing every month in full as it goes."""
    months = sorted(cells["period"].unique())
    hidden: set = set()
    bounds: dict = {}
    # the total is always published; the latent cells never are
    sensitive_cells = cells[cells["sensitive"] & ~cells["breakdown"].isin(["total", *LATENT])]
    primary_keys = {_key(r["breakdown"], r["period"], r) for r in sensitive_cells.to_dict("records")}
    for n, month in enumerate(months):
        problem = _problem(cells[cells["period"] <= month], zone_districts)
        now = [k for k in problem.values if k[1] == month and k not in problem.latent]
        carried = {(k[0], month, *k[2:]) for k in hidden if n and k[1] == months[n - 1]} & set(now)
        start = hidden | carried | (primary_keys & set(now))
        fixed = [k for k in problem.values if k[1] != month or k[0] == "total"]
        audited: dict = {}
        try:
            hidden = protect_cells(problem.values, start, problem.equations, problem.order, rules, fixed=fixed,
                                   only=now, check_all=check_each_month, latent=problem.latent,
                                   neighbours=problem.neighbours, intervals=audited)
        except DisclosureError:
            # nothing published can cover it (a breakdown of one cell equals the total): every breakdown cell of the
            # month is suppressed, and the audit of a document of this month says which cell is still exposed
            hidden = start | {k for k in now if k[0] != "total"}
            audited = {c.key: c for c in problem.audit(hidden, rules, only=now)}
        bounds |= {k: (c.lower, c.upper) for k, c in audited.items() if k[1] == month}
    if not check_each_month and months and not all(c.safe for c in _problem(cells, zone_districts).audit(hidden, rules)):
        return _year_pattern(cells, rules, zone_districts, check_each_month=True)
    keys = [_key(r["breakdown"], r["period"], r) for r in cells.to_dict("records")]
    status = ["unpublished" if k[0] in LATENT else "primary" if k in primary_keys else
              "secondary" if k in hidden else "published" for k in keys]
    reason = [r if s == "primary" else "secondary" if s == "secondary" else
              f"{r}: the city total, published" if r and k[0] == "total" else ""
              for k, r, s in zip(keys, cells["reason"], status)]
    return cells.assign(status=status, reason=reason,
                        lower=[bounds.get(k, (np.nan, np.nan))[0] for k in keys],
                        upper=[bounds.get(k, (np.nan, np.nan))[1] for k in keys])


def audit_release(pattern: pd.DataFrame, period, rules: Rules, zone_districts: dict | None = None) -> list[str]:
    """What is wrong with the released pattern of ``period`` (a date; the pattern's months of its year up to it),
    as sentences; [] when the audit proves every suppressed cell safe and each month keeps the previous one's."""
    day = pd.Timestamp(period)
    rows = pattern[(pd.to_datetime(pattern["period"]).dt.year == day.year) & (pd.to_datetime(pattern["period"]) <= day)]
    problems = []
    for measure, cells in rows.groupby("measure", sort=True):
        problem = _problem(cells, zone_districts)
        values = problem.values
        hidden = {_key(r["breakdown"], r["period"], r)
                  for r in cells[cells["status"].isin(["primary", "secondary"])].to_dict("records")}
        for earlier, later in zip(sorted(cells["period"].unique()), sorted(cells["period"].unique())[1:]):
            for k in (k for k in hidden if k[1] == earlier):
                if (k[0], later, *k[2:]) in values and (k[0], later, *k[2:]) not in hidden:
                    problems.append(f"{measure} {_name(k)}: suppressed in {_month(earlier)}, published in {_month(later)}")
        for c in problem.audit(hidden, rules):
            if not c.safe:
                problems.append(f"{measure} {_name(c.key)} {_month(c.key[1])}: {c.value / YI:.4f}亿元 lies in "
                                f"[{c.lower / YI:.4f}, {c.upper / YI:.4f}], narrower than ±{rules.protection:.0%}")
    return problems


def _month(day) -> str:
    return f"{pd.Timestamp(day):%Y-%m}"


def _name(key: tuple) -> str:
    return key[0] + "(" + ", ".join(str(v) for v in key[2:] if v is not None) + ")"


# --- the warehouse ----------------------------------------------------------------------------------------

COMMENTS = {
    "": "The disclosure pattern: every published breakdown cell of each report period and measure, whether it is "
        "published or suppressed (primary: the rules; secondary: so that no suppressed cell can be recovered from "
        "what is published, margins and earlier months included), with the audit's interval. Every output of a "
        "period reads it (sei_stats.protection). Money in 亿元.",
    "period": "Report period: first day of the month; figures cumulative from January",
    "measure": "industry (工业总产值) or services (营业收入): two measures, never added, each protected on its own",
    "breakdown": "The table the cell belongs to: total, area, district, area_district, field or zone; zone_district "
                 "(a zone's part in a district) and outside_zone (a district's part in no zone) are never published: "
                 "the audit's unknowns linking zones and districts",
    "area": "The plan's area (领域) of the cell, NULL when the breakdown has none",
    "field": "The plan's field (产业方向) of the cell, NULL when the breakdown has none",
    "district_code": "District (GB/T 2260) of the cell, NULL when the breakdown has none",
    "zone_id": "Functional zone of the cell (ref.zones), NULL when the breakdown has none",
    "value": "The cell's value (output_ytd or services_revenue of its mart), 亿元",
    "n_enterprises": "Enterprises with a value > 0 in the cell (the minimum-frequency rule counts them)",
    "status": "published, primary (the cell itself is sensitive), secondary (suppressed to protect others) or "
              "unpublished (zone_district, outside_zone)",
    "reason": "Why suppressed: frequency, dominance (n, k) or secondary; empty when published",
    "lower": "The smallest value the cell can have given everything published up to its month (linear "
             "programming), 亿元; NULL when published",
    "upper": "The largest value the cell can have given everything published up to its month, 亿元; NULL when "
             "published or unbounded",
}


def store(con: duckdb.DuckDBPyConnection, rules: Rules, *, cache: Path | None = None) -> int:
    """Create mart.disclosure from fact.sei_enterprise_cells (``cache``: see choose_pattern); its rows."""
    contributions = con.sql("SELECT * FROM fact.sei_enterprise_cells").df()
    pattern = choose_pattern(cells_by_year(contributions, rules, cache), rules, cache, zone_districts(con))
    frame = pd.DataFrame({
        "period": pd.to_datetime(pattern["period"]).dt.date if len(pattern) else pd.Series(dtype=object),
        "measure": pattern["measure"], "breakdown": pattern["breakdown"],
        **{k: pattern[k] for k in KEYS},
        "value": pattern["value"] / YI, "n_enterprises": pattern["n"].astype("int64"),
        "status": pattern["status"], "reason": pattern["reason"],
        "lower": pattern["lower"] / YI, "upper": (pattern["upper"] / YI).replace(np.inf, np.nan),
    })
    con.register("disclosure_pattern", frame)
    try:
        con.execute("""
            CREATE TABLE mart.disclosure AS
            SELECT period::DATE AS period, measure::VARCHAR AS measure, breakdown::VARCHAR AS breakdown,
                   area::VARCHAR AS area, field::VARCHAR AS field, district_code::VARCHAR AS district_code,
                   zone_id::VARCHAR AS zone_id, value::DOUBLE AS value, n_enterprises::BIGINT AS n_enterprises,
                   status::VARCHAR AS status, reason::VARCHAR AS reason, lower::DOUBLE AS lower, upper::DOUBLE AS upper
            FROM disclosure_pattern ORDER BY measure, period, breakdown, area, field, district_code, zone_id""")
    finally:
        con.unregister("disclosure_pattern")
    con.execute("\n".join(
        f"COMMENT ON TABLE mart.disclosure IS {_sql(text)};" if not column else
        f"COMMENT ON COLUMN mart.disclosure.{column} IS {_sql(text)};" for column, text in COMMENTS.items()))
    return len(frame)


def _sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def zone_districts(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each zone's districts as ref.zones lists them (public geography the audit grants an attacker)."""
    rows = con.execute("SELECT zone_id, coalesce(districts, '') FROM ref.zones").fetchall()
    return {z: [d for d in districts.split("|") if d] for z, districts in rows}


def read_pattern(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """mart.disclosure's rows of ``year`` (value etc. in 亿元), keys as Python values (None for NULL)."""
    frame = con.execute("SELECT * FROM mart.disclosure WHERE year(period) = ?", [year]).df()
    frame[list(KEYS)] = frame[list(KEYS)].astype(object).where(frame[list(KEYS)].notna(), None)
    return frame.assign(value=frame["value"] * YI)  # back to 千元: the audit's tolerance is absolute below 1


def check_release(con: duckdb.DuckDBPyConnection, period: str, rules: Rules, passed: Path | None = None) -> None:
    """DisclosureError unless the audit proves the stored pattern of ``period`` (YYYY-MM) safe.

    ``passed``: a folder recording each audit that passed, by the hash of this code, the rules, the zones' districts
    and every row of the pattern it read (its months up to ``period``): the same pattern is not audited again (a
    briefing and an export of one publish, or a publish whose figures of ``period`` did not change). One record a
    period is kept."""
    day = pd.Timestamp(f"{period}-01")
    pattern, zones = read_pattern(con, day.year), zone_districts(con)
    record = None
    if passed is not None:
        rows = pattern[pd.to_datetime(pattern["period"]) <= day].sort_values(["measure", "period", "breakdown", *KEYS])
        digest = hashlib.sha256((_CODE + repr(rules) + repr(sorted(zones.items())) + rows.to_csv(index=False))
                                .encode()).hexdigest()[:20]
        record = Path(passed) / f"{period}-{digest}.passed"
        if record.exists():
            return
    problems = audit_release(pattern, day, rules, zones)
    if problems:
        raise DisclosureError(f"{period}: the disclosure audit fails: " + "; ".join(problems[:5])
                              + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
    if record is not None:
        record.parent.mkdir(parents=True, exist_ok=True)
        for older in record.parent.glob(f"{period}-*.passed"):
            older.unlink(missing_ok=True)
        partial = record.with_name(f".{record.name}.{os.getpid()}.partial")
        partial.write_text(f"{period}: the audit of {len(rows)} cells passed\n", encoding="utf-8")
        os.replace(partial, record)


def suppressed(con: duckdb.DuckDBPyConnection, period: str, measure: str, breakdown: str) -> set[tuple]:
    """The suppressed cells of one breakdown in ``period`` (YYYY-MM), as tuples of its CELL_KEYS' values."""
    try:
        rows = con.execute("SELECT * FROM mart.disclosure WHERE period = ? AND measure = ? AND breakdown = ? "
                           "AND status IN ('primary', 'secondary')", [f"{period}-01", measure, breakdown]).df()
    except duckdb.CatalogException:  # a warehouse published before the disclosure control
        return set()
    return {tuple(None if pd.isna(r[k]) else r[k] for k in CELL_KEYS[breakdown]) for r in rows.to_dict("records")}
