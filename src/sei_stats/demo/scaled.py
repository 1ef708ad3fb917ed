"""A demo city at any size, for the benchmark: clean UTF-8 CSV returns of one year, drawn vectorised (模拟数据).

``demo.generate`` draws the rich city of the tests (faults, dynamics, GB18030 and xlsx files) with Python
loops per enterprise and about 1.6 lines an enterprise: minutes at 40,000 enterprises, far too long at
500,000. The benchmark needs size, not faults: ``generate_scaled`` writes the same form (files.COLUMNS,
English headers, UTF-8) with the demo's districts, areas, catalog entries, product names and file plan,
about LINES_PER_ENTERPRISE lines an enterprise, every line valid; a few enterprises miss a month. Beside
the returns: the year's roster, GDP, value-added rates and raw/SIMULATED.txt.

Output is cumulative (本年累计, 千元): a line's share of its year's output by month m is the cumulative
seasonal profile (city.SEASON) raised to a power of its own near 1, so it never falls from one month
to the next; the prior (上年同期) is this year's over a growth of about 10%.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from sei_stats import period
from sei_stats.calendar import calendar_in_force
from sei_stats.catalog import read_districts, read_products
from sei_stats.config import DataPaths
from sei_stats.credit_code import CHARSET, WEIGHTS
from sei_stats.vocabulary import measure_of

from . import city, files

YEAR = 2020  # the plan's target year: 11 report periods (no January release by default)
LINES_PER_ENTERPRISE = 5  # mean lines a month: 1 + Poisson(4), so 500,000 enterprises send about 2.5 million
MAX_LINES = 30
BYTES_PER_LINE = 116  # a line of the form as written, Chinese names in UTF-8 (measured: 116 city, 115 national)
LINE_OUTPUT = 175_000 / LINES_PER_ENTERPRISE  # 千元 a year on a line of a median enterprise, as the demo city
NONRESPONSE = 0.02  # enterprise-months without a return
STREAMS = ("enterprises", "lines", "months")
CREDIT_STEP = 7_777_777_777  # not a multiple of 31: i -> i * step mod 31**9 is one-to-one, so codes are unique


@dataclass(frozen=True)
class ScaledCity:
    """What ``generate_scaled`` wrote: the city's size, the report periods, the lines of each."""

    n_enterprises: int
    n_product_lines: int
    periods: list[str]
    lines: dict[str, int]  # report period -> lines written (every line below a header)
    bytes_written: int


def report_periods(data_dir: Path, months: int | None = None) -> list[str]:
    """The first ``months`` report periods of YEAR under the data folder's calendar (all of them for None)."""
    calendar = calendar_in_force(DataPaths(Path(data_dir)))
    found = calendar.periods(f"{YEAR}-01", f"{YEAR}-12")
    return found if months is None else found[:months]


def estimate_bytes(n_enterprises: int, n_periods: int) -> int:
    """The returns' size on disk, about: every enterprise's lines every month."""
    return int(n_enterprises * LINES_PER_ENTERPRISE * n_periods * BYTES_PER_LINE)


def generate_scaled(data_dir: Path, *, n_enterprises: int, months: list[str], seed: int = 20171109) -> ScaledCity:
    """Write raw/ of ``data_dir`` (whose catalog/ it reads) afresh: the returns of ``months`` (of YEAR) and the rest."""
    paths = DataPaths(Path(data_dir))
    rng = dict(zip(STREAMS, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STREAMS)))))
    catalog = read_products(paths.catalog)
    districts = read_districts(paths.catalog)
    kinds = _kinds(rng["enterprises"], catalog, months)
    enterprises = _enterprises(rng["enterprises"], kinds, districts, n_enterprises)
    lines = _lines(rng["lines"], enterprises)
    if paths.raw.exists():
        shutil.rmtree(paths.raw)
    paths.returns.mkdir(parents=True)
    con = duckdb.connect()
    try:
        con.register("kinds", kinds)
        con.register("enterprises", enterprises)
        con.register("lines", lines)
        written = {m: _write_month(con, rng["months"], paths.returns, i, months, districts, enterprises)
                   for i, m in enumerate(months)}
        _write_roster(con, paths.roster_file(YEAR))
    finally:
        con.close()
    files.write_gdp(paths.gdp_csv, [YEAR - 1, YEAR])
    _write_va_rates(paths.va_rates_csv, kinds)
    (paths.raw / "SIMULATED.txt").write_text(
        f"模拟数据：基准测试用的模拟城市（sei_stats.demo.scaled，随机种子 {seed}，{n_enterprises} 家企业），不是真实统计数据。\n"
        f"SIMULATED DATA: the benchmark's city (sei_stats.demo.scaled, seed {seed}, {n_enterprises} enterprises); "
        "not real statistics. gdp.csv holds Dalian's published GDP as the demo city's does.\n", encoding="utf-8")
    size = sum(f.stat().st_size for f in paths.returns.rglob("*.csv"))
    return ScaledCity(n_enterprises, len(lines), list(months), written, size)


def _kinds(rng: np.random.Generator, catalog: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """What an enterprise can be: each drawable catalog entry (its class, area, product names) and each non-SEI class."""
    entries = city.drawable_entries(catalog, months)
    sei = pd.DataFrame({
        "entry": entries.index, "sei": True, "area": entries["area"],
        "weight": np.where(entries["key_field"].astype(bool), 2.0, 1.0),  # key fields twice, as the demo city
        "industry_code": [city._industry_code_of(rng, row) for row in entries.to_dict("records")],
        "names": [list(city._product_names_for(name)) for name in entries["name"]],
    })
    classes = city._non_sei_classes(catalog)
    other = pd.DataFrame({"entry": -1, "sei": False, "area": None, "weight": 1.0, "industry_code": classes,
                          "names": [list(city.NON_SEI_CLASSES[c]) for c in classes]})
    kinds = pd.concat([sei, other], ignore_index=True)
    kinds.insert(0, "kind", range(len(kinds)))
    kinds["services"] = kinds["industry_code"].map(measure_of).eq("services")
    return kinds


def _enterprises(rng: np.random.Generator, kinds: pd.DataFrame, districts: pd.DataFrame, n: int) -> pd.DataFrame:
    """n enterprises: district, kind (catalog entry or non-SEI class), name and a valid, unique credit code."""
    codes = sorted(districts["code"])
    weights = np.array([city.DISTRICT_WEIGHTS.get(c, 0.03) for c in codes])
    district = rng.choice(codes, size=n, p=weights / weights.sum())
    kind = np.empty(n, dtype=np.int64)
    sei = rng.random(n) >= city.NON_SEI_SHARE
    other = kinds.index[~kinds["sei"]].to_numpy()
    kind[~sei] = rng.choice(other, size=int((~sei).sum()))
    areas = [a for a in city.AREAS if (kinds["area"] == a).any()]
    p = np.array([city.AREA_WEIGHTS.get(a, 0.03) for a in areas])
    area = rng.choice(len(areas), size=int(sei.sum()), p=p / p.sum())
    drawn = np.empty(int(sei.sum()), dtype=np.int64)
    for i, name in enumerate(areas):
        pool = kinds[kinds["area"] == name]
        w = pool["weight"].to_numpy()
        drawn[area == i] = rng.choice(pool.index.to_numpy(), size=int((area == i).sum()), p=w / w.sum())
    kind[sei] = drawn
    frame = pd.DataFrame({"ent": np.arange(n), "district_code": district, "kind": kind})
    frame["credit_code"] = _credit_codes(frame["district_code"].to_numpy())
    frame["enterprise_name"] = _names(rng, kinds["area"].to_numpy()[kind])
    frame["size"] = np.exp(1.1 * np.clip(rng.normal(0.0, 1.0, n), -2.5, 3.5))
    batch = files.district_batches(districts)
    frame["batch"] = frame["district_code"].map(batch)
    return frame


def _credit_codes(district: np.ndarray) -> list[str]:
    """'91' (enterprise) + district + 9 characters of the enterprise's number, scrambled + the GB 32100-2015 check."""
    n = len(district)
    body = (np.arange(n, dtype=np.int64) * CREDIT_STEP + 12345) % 31**9
    digits = np.empty((n, 9), dtype=np.int64)
    for k in range(8, -1, -1):
        digits[:, k], body = body % 31, body // 31
    head = np.array([[9, 1, *map(int, d)] for d in district], dtype=np.int64)  # digits are their own values
    values = np.hstack([head, digits])
    check = (31 - (values @ np.array(WEIGHTS)) % 31) % 31
    chars = np.array(list(CHARSET))
    return ["".join(row) for row in chars[np.hstack([values, check[:, None]])]]


def _names(rng: np.random.Generator, area: np.ndarray) -> pd.Series:
    """大连 + a two-character trade name + a trade of the enterprise's area + 有限公司 (names may repeat)."""
    chars = np.array(list(city.NAME_CHARS))
    n = len(area)
    trade = np.empty(n, dtype=object)
    for key, options in city.NAME_TRADES.items():
        mine = area == key if key is not None else pd.isna(area)
        trade[mine] = rng.choice(np.array(options, dtype=object), size=int(mine.sum()))
    brand = pd.Series(chars[rng.integers(0, len(chars), n)]) + chars[rng.integers(0, len(chars), n)]
    return "大连" + brand + pd.Series(trade) + "有限公司"


def _lines(rng: np.random.Generator, enterprises: pd.DataFrame) -> pd.DataFrame:
    """The product lines: 1 + Poisson(4) an enterprise, annual output (千元), profile exponent, growth, code suffix."""
    k = np.minimum(1 + rng.poisson(LINES_PER_ENTERPRISE - 1, len(enterprises)), MAX_LINES)
    ent = np.repeat(enterprises["ent"].to_numpy(), k)
    pos = np.arange(len(ent)) - np.repeat(np.cumsum(k) - k, k)
    n = len(ent)
    weight = np.exp(rng.normal(0.0, 0.6, n))
    return pd.DataFrame({
        "ent": ent, "pos": pos,
        "annual": LINE_OUTPUT * enterprises["size"].to_numpy()[ent] * weight * LINES_PER_ENTERPRISE / k[ent],
        "exponent": rng.uniform(0.9, 1.1, n),
        "growth": np.exp(np.clip(rng.normal(np.log(1.10), 0.08, n), -0.2, 0.4)),
        "suffix": rng.integers(10, 100, n),
    })


# The month's lines, in the form's columns, ordered as the demo city's files are (district, then credit code).
MONTH_SQL = """
SELECT ?::VARCHAR AS period, e.credit_code, e.enterprise_name, e.district_code, k.industry_code,
       k.industry_code || lpad((l.pos + 1)::VARCHAR, 2, '0') || l.suffix::VARCHAR AS product_code,
       k.names[l.pos % len(k.names) + 1]
           || CASE WHEN l.pos >= len(k.names) THEN '（' || (l.pos + 1)::VARCHAR || '型）' ELSE '' END AS product_name,
       round(l.annual * pow(?, l.exponent))::BIGINT AS output_ytd,
       round(l.annual * pow(?, l.exponent) / l.growth)::BIGINT AS output_ytd_prior,
       s.stem || CASE WHEN k.services THEN ? ELSE '' END AS file
FROM lines AS l
JOIN enterprises AS e USING (ent)
JOIN kinds AS k USING (kind)
JOIN stems AS s USING (batch)
ANTI JOIN absent AS a USING (ent)
ORDER BY e.district_code, e.credit_code, l.pos
"""


def _write_month(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, returns: Path, i: int, months: list[str],
                 districts: pd.DataFrame, enterprises: pd.DataFrame) -> int:
    """raw/returns/YYYY-MM/ of months[i]: one UTF-8 file per stem of the demo's file plan (service units apart); the
    lines written."""
    month = months[i]
    share = float(np.cumsum(city.SEASON)[period.month(month) - 1])
    plan = files.file_plan(months, districts)[i]
    con.register("stems", pd.DataFrame({"batch": list(plan), "stem": list(plan.values())}))
    absent = rng.random(len(enterprises)) < NONRESPONSE
    con.register("absent", pd.DataFrame({"ent": enterprises["ent"].to_numpy()[absent]}))
    con.execute("CREATE OR REPLACE TEMP TABLE month AS " + MONTH_SQL, [month, share, share, files.SERVICES_SUFFIX])
    folder = returns / month
    folder.mkdir(parents=True, exist_ok=True)
    for (stem,) in con.execute("SELECT DISTINCT file FROM month ORDER BY file").fetchall():
        rel = con.sql(f"SELECT {', '.join(files.COLUMNS)} FROM month WHERE file = $stem", params={"stem": stem})
        rel.write_csv(str(folder / f"{stem}.csv"), header=True)
    return con.execute("SELECT count(*) FROM month").fetchall()[0][0]


def _write_roster(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """raw/roster/YYYY.csv: every enterprise, open the whole year (empty fields written as NULL: no quotes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rel = con.sql("SELECT e.credit_code, e.enterprise_name, e.district_code, NULL::VARCHAR AS zone_id, k.industry_code, "
                  "k.area, NULL::VARCHAR AS active_from, NULL::VARCHAR AS active_to "
                  "FROM enterprises AS e JOIN kinds AS k USING (kind) ORDER BY e.district_code, e.credit_code")
    rel.write_csv(str(path), header=True)


def _write_va_rates(path: Path, kinds: pd.DataFrame) -> None:
    """raw/va_rates.csv: the demo city's base rate of each division on the form, final, for YEAR and the year before."""
    divisions = sorted(set(kinds["industry_code"].str[:2]))
    rows = [(y, d, f"{files.VA_BASE.get(d, 0.25):.3f}", "final", f"{y + 1}-06-30") for y in (YEAR - 1, YEAR) for d in divisions]
    pd.DataFrame(rows, columns=["year", "industry_division", "va_rate", "vintage", "released"]).to_csv(path, index=False)
