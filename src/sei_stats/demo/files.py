"""The demo city's files: the form, how each return file is sent, and writing raw/.

Returns are CSV in three encodings (now and then an .xlsx), with Chinese or English headers, in
one of two column orders; the roster, GDP, value-added rates and the SIMULATED marker are UTF-8
CSV/text. Return files are written in two steps, ``return_files`` (every file's rows, as text)
then ``write_returns``, so the faults of whole files (faults.plant_not_returns: total rows,
repeated headers) can be planted in between.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from sei_stats import period
from sei_stats.vocabulary import measure_of

# --- the city's published figures ------------------------------------------------------------

# Dalian's published annual GDP, 亿元 (after the 2016 and 2019 revisions).
PUBLISHED_GDP = {2016: 6810.2, 2017: 7363.9, 2018: 7668.5, 2019: 7001.7, 2020: 7030.4}
# Cumulative share of the year's GDP reached by the end of Q1..Q4.
GDP_QUARTER_SHARE = (0.22, 0.47, 0.73, 1.00)
VA_RATE_MEAN = 0.272  # output-weighted mean value-added rate of SEI lines: GDP share ≈ 11% (2017) → 16% (2020)
# Value-added rates of GB/T 4754 divisions in the demo city, before calibration.
VA_BASE = {
    "13": 0.19, "17": 0.20, "19": 0.22, "22": 0.21, "23": 0.24, "24": 0.25, "25": 0.18, "27": 0.33,
    "30": 0.27, "31": 0.20, "32": 0.21, "33": 0.22, "34": 0.27, "35": 0.28, "36": 0.22, "37": 0.26,
    "38": 0.24, "39": 0.26, "40": 0.28, "42": 0.22, "43": 0.26, "44": 0.35, "46": 0.30, "56": 0.31,
    "64": 0.33, "65": 0.34, "74": 0.33, "75": 0.33, "77": 0.30, "86": 0.32,
}

# --- the form ------------------------------------------------------------------------------

COLUMNS = ("period", "credit_code", "enterprise_name", "district_code", "industry_code",
           "product_code", "product_name", "output_ytd", "output_ytd_prior")
CHINESE = {
    "period": "报告期", "credit_code": "统一社会信用代码", "enterprise_name": "单位详细名称",
    "district_code": "行政区划代码", "industry_code": "行业代码", "product_code": "产品代码",
    "product_name": "产品名称", "output_ytd": "本年累计产值", "output_ytd_prior": "上年同期累计产值",
}
# Service units (GB/T 4754 divisions 51–97) send the services form: the same columns, their money named 营业收入.
SERVICES_CHINESE = CHINESE | {"output_ytd": "本年累计营业收入", "output_ytd_prior": "上年同期营业收入"}
SERVICES_SUFFIX = "_服务业"
# The column order some offices' software exports (the contract lets order vary).
ALT_ORDER = ("credit_code", "enterprise_name", "period", "district_code", "industry_code",
             "product_code", "product_name", "output_ytd_prior", "output_ytd")
MONEY = ("output_ytd", "output_ytd_prior")
CORRECTION_STEM = "99_更正"
ROSTER_COLUMNS = ("credit_code", "enterprise_name", "district_code", "zone_id", "industry_code", "area",
                  "active_from", "active_to")


def money_text(values: np.ndarray, decimals: np.ndarray) -> list[str]:
    """Money as the form writes it: whole 千元, or one decimal for the offices that keep one; empty for none."""
    return ["" if v != v else (f"{v:.1f}" if d else f"{v:.0f}") for v, d in zip(values, decimals)]


def format_money(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with the text the form carries in its money columns, from the numbers ``output`` and ``prior``."""
    rows = rows.copy()
    decimals = rows["decimals"].to_numpy()
    rows["output_ytd"] = money_text(rows["output"].to_numpy(), decimals)
    rows["output_ytd_prior"] = money_text(rows["prior"].to_numpy(), decimals)
    return rows


# --- which file, in which format ---------------------------------------------------------------


def district_batches(districts: pd.DataFrame) -> dict[str, int]:
    """Batch (0–3) of each district: the city's districts in code order, four report batches."""
    codes = sorted(districts["code"])
    sizes = (3, 2, 2, 3) if len(codes) == 10 else [len(c) for c in np.array_split(codes, 4)]
    bounds = np.cumsum((0,) + tuple(sizes))
    return {c: int(np.searchsorted(bounds, i, side="right") - 1) for i, c in enumerate(codes)}


def file_plan(months: list[str], districts: pd.DataFrame) -> list[dict[int, str]]:
    """For every month, the file stem (no extension) each district batch is sent in: 2–4 files a month."""
    short = {r.code: re.sub(r"(区|县|市)$", "", r.name) for r in districts.itertuples()}
    batch = district_batches(districts)
    members = {b: "".join(short[c] for c in sorted(batch) if batch[c] == b) for b in range(4)}
    groupings = ([[0], [1], [2], [3]], [[0], [1], [2, 3]], [[0], [1], [2], [3]], [[0, 1], [2, 3]])
    plan = []
    for i in range(len(months)):
        grouping = groupings[i % len(groupings)]
        stems = {}
        for j, group in enumerate(grouping):
            stem = f"{j + 1:02d}_" + "".join(members[b] for b in group)
            stems.update({b: stem for b in group})
        plan.append(stems)
    return plan


def _file_format(i: int, j: int, n_files: int) -> dict:
    """How file j of n of month i is sent: format/encoding, header language and style, column order, extras."""
    if i % 6 == 4 and j == n_files - 1:  # the county batch sends a spreadsheet every half year
        kind = "xlsx"
    else:
        kind = ("utf-8",) * 4 + ("utf-8-sig",) * 2 + ("gb18030",) * 2
        kind = kind[(3 * i + 2 * j) % 8]
    chinese = kind in ("gb18030", "xlsx") or (i + j) % 5 == 0
    return {
        "kind": kind,
        "chinese": chinese,
        "unit": ("(千元)", "（千元）", "")[i % 3],
        "order": ALT_ORDER if kind == "utf-8-sig" else COLUMNS,
        "serial": kind == "gb18030",  # Excel-saved sheets keep their 序号 column
        "date_period": kind == "xlsx" and i % 12 == 10,
    }


def _correction_format() -> dict:
    """The corrected resubmission: a plain UTF-8 CSV with English headers."""
    return {"kind": "utf-8", "chinese": False, "unit": "", "order": COLUMNS, "serial": False, "date_period": False}


def _header(fmt: dict) -> list[str]:
    """The header row of a file in its language and style."""
    names = []
    for column in fmt["order"]:
        if not fmt["chinese"]:
            names.append(column)
        else:
            chinese = SERVICES_CHINESE if fmt.get("services") else CHINESE
            names.append(chinese[column] + (fmt["unit"] if column in MONEY else ""))
    return (["序号"] if fmt["serial"] else []) + names


# --- returns -------------------------------------------------------------------------------


@dataclass
class ReturnFile:
    """One return file before it is written: ``records`` the returns (form columns in the file's order),
    ``table`` every row below the header as written (序号 first where the file has one; faults may add rows)."""

    path: Path  # without extension
    fmt: dict
    header: list[str]
    records: list[list[str]]
    table: list[list[str]]

    @property
    def is_correction(self) -> bool:
        return self.path.name == CORRECTION_STEM


def _services_form(rows: pd.DataFrame) -> pd.DataFrame:
    """Service units' lines moved to a file of their own beside their batch's (stem + SERVICES_SUFFIX), sent
    on the services form; corrections stay in the one correction file."""
    services = rows["industry_code"].map(measure_of).eq("services") & rows["file"].ne(CORRECTION_STEM)
    return rows.assign(file=rows["file"].where(~services, rows["file"] + SERVICES_SUFFIX))


def return_files(returns_dir: Path, rows: pd.DataFrame, months: list[str]) -> list[ReturnFile]:
    """Every month's lines, file by file (in the order they are written), in their formats."""
    rows = _services_form(rows).sort_values(["mi", "file", "seq"], kind="stable")
    files = []
    for mi, month in rows.groupby("mi", sort=True):
        n_files = len(set(month["file"]) - {CORRECTION_STEM})
        for j, (stem, part) in enumerate(month.groupby("file", sort=True)):
            fmt = _correction_format() if stem == CORRECTION_STEM else _file_format(int(mi), j, n_files)
            if stem.endswith(SERVICES_SUFFIX):  # the services form, always with its Chinese names
                fmt = fmt | {"services": True, "chinese": True}
            records = part[list(fmt["order"])].to_numpy(dtype=object).tolist()
            table = [[str(n), *r] for n, r in enumerate(records, start=1)] if fmt["serial"] else [list(r) for r in records]
            files.append(ReturnFile(returns_dir / months[mi] / stem, fmt, _header(fmt), records, table))
    return files


def write_returns(returns_dir: Path, files: list[ReturnFile], months: list[str]) -> dict[str, int]:
    """Write raw/returns/YYYY-MM/ afresh (a folder for every month); returns the files written by kind."""
    if returns_dir.exists():
        shutil.rmtree(returns_dir)
    for month in months:
        (returns_dir / month).mkdir(parents=True)
    counts = {"utf-8": 0, "utf-8-sig": 0, "gb18030": 0, "xlsx": 0}
    for file in files:
        if file.fmt["kind"] == "xlsx":
            _write_xlsx(file.path.with_suffix(".xlsx"), file.header, file.table, file.fmt)
        else:
            _write_csv(file.path.with_suffix(".csv"), file.header, file.table, file.fmt)
        counts[file.fmt["kind"]] += 1
    return counts


def _write_csv(path: Path, header: list[str], table: list[list[str]], fmt: dict) -> None:
    """One CSV return file in its encoding (GB18030 files come from Excel, with CRLF); ``table``: the rows below the header."""
    newline = "\r\n" if fmt["kind"] == "gb18030" else "\n"
    with path.open("w", encoding=fmt["kind"], newline="") as handle:
        writer = csv.writer(handle, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(table)


def _write_xlsx(path: Path, header: list[str], table: list[list[str]], fmt: dict) -> None:
    """One .xlsx return file (first sheet): codes as text cells, money as number cells where it is a number."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("月报")
    sheet.append(header)
    shift = 1 if fmt["serial"] else 0
    money = [i + shift for i, c in enumerate(fmt["order"]) if c in MONEY]
    at = fmt["order"].index("period") + shift
    for record in table:
        cells: list[object] = list(record)
        for i in money:
            cells[i] = _excel_number(record[i])
        # Some sheets hold the period as a date cell; headers and total rows keep their text.
        if fmt["date_period"] and period.is_period(record[at]):
            cell = WriteOnlyCell(sheet, value=dt.datetime(period.year(record[at]), period.month(record[at]), 1))
            cell.number_format = "yyyy-mm"
            cells[at] = cell
        sheet.append(cells)
    book.save(path)


def _excel_number(text: str) -> object:
    """A money cell as Excel holds it: a number when it is one with at most one decimal, else text (or blank)."""
    if text == "":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d", text):
        return float(text)
    return text


def column_sum(texts: list[str]) -> str:
    """The sum of the cells that are numbers, exactly, as a spreadsheet's SUM of the column (other text ignored)."""
    return str(sum((Decimal(t) for t in texts if re.fullmatch(r"-?\d+(\.\d+)?", t)), Decimal(0)))


# --- roster, GDP, value-added rates, marker --------------------------------------------------


def write_roster(roster_dir: Path, enterprises: pd.DataFrame, years: list[int]) -> None:
    """raw/roster/YYYY.csv afresh for each year: the survey frame (调查单位名录), every enterprise on the form that year.

    UTF-8, English header ROSTER_COLUMNS, by district then credit code; ``area`` is empty for the
    enterprises whose industry is not SEI. Pilot-code enterprises appear with their failing code. The
    live window: active_to is the last month of an enterprise that closes that year, active_from and
    active_to are empty otherwise (open all year). An enterprise that changed its industry class
    (dynamics.industry_change) is listed with the new class from new_industry_year on.
    """
    if roster_dir.exists():
        shutil.rmtree(roster_dir)
    roster_dir.mkdir(parents=True)
    frame = pd.DataFrame({
        "credit_code": enterprises["credit_code"], "enterprise_name": enterprises["name"],
        "district_code": enterprises["district"], "zone_id": enterprises["zone_id"],
        "industry_code": enterprises["industry_code"], "area": enterprises["area"].fillna(""),
    })
    for year in years:
        listed = (enterprises["birth"] <= year) & (year < enterprises["death"])
        changed = (enterprises["new_industry_year"] <= year).to_numpy()
        closing = enterprises["active_to"].str[:4] == str(year)
        part = frame.assign(industry_code=np.where(changed, enterprises["new_industry_code"], frame["industry_code"]),
                            active_from="", active_to=enterprises["active_to"].where(closing, ""))
        part = part[listed.to_numpy()].sort_values(["district_code", "credit_code"], kind="stable")
        with (roster_dir / f"{year}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(ROSTER_COLUMNS)
            writer.writerows(part[list(ROSTER_COLUMNS)].to_numpy(dtype=object).tolist())


# GDP's vintages. Real (checked on a third-party copy): each year's figure as the city's statistical
# bulletin published it, 2018's on the basis before the fourth economic census, 2019's after it.
# Simulated: the quarters, the released days, and 2018's census revision (no revised 2018 figure was
# found): 2019's figure over 2018's nominal growth on the old basis. It is written when the city covers
# 2019, whose bulletin was the first on the census basis (a city ending in 2018 is as of before it).
GDP_BULLETIN = "bulletin"
GDP_CENSUS_REVISED = "census_revised (simulated)"
CENSUS_REVISED_YEAR = 2018


def _gdp_bulletin_day(year: int) -> str:
    return f"{year + 1}-04-30"  # simulated: the bulletin of a year comes out in the spring after it


# The history benchmark (sei_stats.bench_history) needs years past the last published one: their GDP is the last
# published figure grown this much a year, and raw/SIMULATED.txt says so.
SIMULATED_GDP_GROWTH = 0.05


def gdp_of(years: list[int], *, simulate_later: bool = False) -> dict[int, float]:
    """The year's GDP (亿元): as published; for a year after the last published one, when ``simulate_later``,
    simulated (SIMULATED_GDP_GROWTH a year). ValueError naming the years with no figure."""
    last = max(PUBLISHED_GDP)
    later = [y for y in years if y > last] if simulate_later else []
    missing = [y for y in years if y not in PUBLISHED_GDP and y not in later]
    if missing:
        raise ValueError(f"no published GDP for {missing}: the demo city covers {min(PUBLISHED_GDP) + 1}-{last}")
    return {y: PUBLISHED_GDP[y] if y <= last else round(PUBLISHED_GDP[last] * (1 + SIMULATED_GDP_GROWTH) ** (y - last), 1)
            for y in years}


def write_gdp(path: Path, years: list[int], *, simulate_later: bool = False) -> None:
    """raw/gdp.csv: the city's published GDP (亿元), cumulative by quarter (Q4 is the year's figure), as the
    bulletin vintage of each year; with 2018's census revision (simulated) when the city covers 2019; the years
    after the last published one simulated when ``simulate_later`` (gdp_of)."""
    figures = gdp_of(years, simulate_later=simulate_later)
    vintages = [(year, GDP_BULLETIN, _gdp_bulletin_day(year), figures[year]) for year in years]
    if CENSUS_REVISED_YEAR in years and CENSUS_REVISED_YEAR + 1 in years:
        revised = round(PUBLISHED_GDP[2019] * PUBLISHED_GDP[2017] / PUBLISHED_GDP[2018], 1)  # 6723.6
        vintages.append((CENSUS_REVISED_YEAR, GDP_CENSUS_REVISED, _gdp_bulletin_day(2019), revised))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["year", "quarter", "gdp_ytd", "vintage", "released"])
        for year, vintage, released, annual in sorted(vintages, key=lambda v: (v[0], v[2])):
            for quarter, share in enumerate(GDP_QUARTER_SHARE, start=1):
                value = annual if quarter == 4 else round(annual * share, 1)
                writer.writerow([year, quarter, f"{value:.1f}", vintage, released])


def write_va_rates(path: Path, rng: np.random.Generator, enterprises: pd.DataFrame, lines: pd.DataFrame,
                   sei_annual: np.ndarray, years: list[int]) -> None:
    """raw/va_rates.csv: a rate for every division on the form and every year, SEI mean near VA_RATE_MEAN.

    Vintages: every year's rates are final (released in the June after it); the last year's also come
    first as provisional (released in the January after it, each a little off the final one), so the
    final ones are in force.
    """
    division = enterprises["industry_code"].str[:2].to_numpy()[lines["ent"].to_numpy()]
    divisions = sorted(set(division))
    base = {d: VA_BASE.get(d, float(rng.uniform(0.20, 0.30))) for d in divisions}
    weight = sei_annual[:, 1]
    mean = sum(base[d] * weight[division == d].sum() for d in divisions) / weight.sum()
    # Value added covers industrial output and services revenue; the city is calibrated on industrial output
    # (city.annual_output), so the mean over both is scaled to give the value added VA_RATE_MEAN gives over
    # industrial output alone: the GDP share stays near its design (about 11% in 2017 to 16% in 2020).
    industrial = np.array([measure_of(d) == "industry" for d in division])
    mean_rate = VA_RATE_MEAN * weight[industrial].sum() / weight.sum()
    final = {(year, d): float(np.clip(base[d] * mean_rate / mean + rng.normal(0.0, 0.004), 0.10, 0.35))
             for year in years for d in divisions}
    # drawn after the final rates, which stay as a city without vintages had them
    last = years[-1]
    provisional = {d: float(np.clip(final[(last, d)] + rng.normal(0.0, 0.01), 0.10, 0.35)) for d in divisions}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["year", "industry_division", "va_rate", "vintage", "released"])
        for year in years:
            if year == last:
                writer.writerows([year, d, f"{provisional[d]:.3f}", "provisional", f"{year + 1}-01-31"] for d in divisions)
            writer.writerows([year, d, f"{final[(year, d)]:.3f}", "final", f"{year + 1}-06-30"] for d in divisions)


def write_marker(path: Path, seed: int, n: int, start: str, end: str, simulated_gdp: list[int] = ()) -> None:
    """raw/SIMULATED.txt: says in Chinese and English that raw/ holds simulated data (模拟数据), and which years'
    GDP is simulated too (``simulated_gdp``: after the last published year, for the history benchmark)."""
    later = ""
    if simulated_gdp:
        years = f"{min(simulated_gdp)}–{max(simulated_gdp)}"
        later = (f"\n{years}年的地区生产总值为模拟值（{max(PUBLISHED_GDP)}年公布数按每年 {SIMULATED_GDP_GROWTH:.0%} 增长），"
                 f"仅供性能测试（sei-stats bench --history）。\nThe GDP of {years} is simulated ({max(PUBLISHED_GDP)}'s "
                 f"published figure grown {SIMULATED_GDP_GROWTH:.0%} a year), for the history benchmark only "
                 "(sei-stats bench --history).\n")
    path.write_text(
        f"模拟数据：本目录的月报（returns/）、年报（annual/）、调查单位名录（roster/）、增加值率（va_rates.csv）和创新平台与龙头企业名录（registry/）"
        f"由 `sei-stats demo-data` 以随机种子 {seed} 生成"
        f"（{n} 家企业，{start} 至 {end}），不是真实统计数据。\n"
        "例外：gdp.csv 中各年的全年数（vintage 为 bulletin）为大连市统计公报公开发布的地区生产总值（亿元；2018年及以前为第四次经济普查前口径，"
        "2019年起为普查后口径），按模拟的季节比例拆分到季度；发布日期（released）为模拟的近似日期；"
        "2018年的普查修订数（vintage 为 census_revised (simulated)，城市覆盖2019年时写出）为模拟值，未找到公开的修订数。"
        "增加值率的初步（provisional）与最终（final）版本均为模拟。\n\n"
        f"SIMULATED DATA: the monthly returns (returns/), the annual reports (annual/), the survey rosters (roster/), value-added rates (va_rates.csv) and the "
        f"registries of innovation platforms and designated enterprises (registry/) here were generated "
        f"by `sei-stats demo-data` with seed {seed} ({n} enterprises, {start} to {end}); they are not real statistics.\n"
        "Exception: in gdp.csv each year's annual figure (vintage bulletin) is Dalian's GDP as the city's statistical "
        "bulletin published it (亿元; up to 2018 on the basis before the fourth economic census, from 2019 after it), split "
        "into quarters by a simulated seasonal profile; the released days are simulated approximations, and 2018's "
        "census revision (vintage 'census_revised (simulated)', written when the city covers 2019) is simulated: no "
        "revised 2018 figure was found. The provisional and final vintages of the value-added rates are simulated.\n"
        + later,
        encoding="utf-8",
    )
