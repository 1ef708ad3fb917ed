"""The seeded demo city (sei_stats.demo): deterministic, valid where meant, wrong where meant, Dalian-sized."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from sei_stats import demo
from sei_stats.catalog import AREAS, read_districts, read_products
from sei_stats.credit_code import is_valid

REPO_CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog"
SMALL = {"seed": 7, "n_enterprises": 80, "start": "2017-01", "end": "2018-02"}
CHINESE = {v: k for k, v in demo.CHINESE.items()}
RULES = ("credit_code_check", "district_in_dalian", "output_ytd_non_negative", "output_ytd_numeric",
         "output_ytd_missing", "required", "period_matches_folder")


def _data_dir(tmp: Path) -> Path:
    """A fresh data directory with the repository's catalog."""
    shutil.copytree(REPO_CATALOG, tmp / "catalog")
    return tmp


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small demo city, generated once for the module: (data dir, summary)."""
    root = _data_dir(tmp_path_factory.mktemp("demo"))
    return root, demo.generate(root, **SMALL)


@pytest.fixture(scope="module")
def lines(small):
    """Every data row of the small city, read back independently of the pipeline's reader."""
    root, _ = small
    return _read_returns(root / "raw" / "returns")


# --- an independent reader -----------------------------------------------------------------


def _column(header: str) -> str | None:
    key = header.strip().replace("（", "(").replace("）", ")")
    key = re.sub(r"\(千元\)$", "", key)
    return key if key in demo.COLUMNS else CHINESE.get(key)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", data.decode("utf-8-sig")
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030", data.decode("gb18030")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _file_rows(path: Path) -> tuple[str, list[str], list[list[str]]]:
    """(kind, header, rows) of one return file."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        table = [[_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        return "xlsx", table[0], table[1:]
    kind, text = _decode(path.read_bytes())
    table = list(csv.reader(io.StringIO(text, newline="")))
    return kind, table[0], table[1:]


def _read_returns(returns: Path) -> list[dict]:
    out = []
    for folder in sorted(returns.iterdir()):
        for order, path in enumerate(sorted(folder.iterdir(), key=lambda p: p.name)):
            kind, header, rows = _file_rows(path)
            names = [_column(h) for h in header]
            for number, row in enumerate(rows, start=2):
                row = row + [""] * (len(names) - len(row))  # a sheet may end a row at its last filled cell
                line = {n: v for n, v in zip(names, row) if n}
                out.append(line | {"folder": folder.name, "file": path.name, "file_order": order,
                                   "kind": kind, "line_number": number})
    return out


def _faults(line: dict, dalian: set[str]) -> list[str]:
    """The contract's rules this line breaks (only those the demo is meant to break)."""
    faults = []
    if not is_valid(line["credit_code"]):
        faults.append("credit_code_check")
    if line["district_code"] not in dalian:
        faults.append("district_in_dalian")
    value = line["output_ytd"]
    if value == "":
        faults.append("output_ytd_missing")
    elif not re.fullmatch(r"-?\d+(\.\d{1,3})?", value):
        faults.append("output_ytd_numeric")
    elif float(value) < 0:
        faults.append("output_ytd_non_negative")
    if any(line[f] == "" for f in ("period", "credit_code", "enterprise_name", "district_code", "industry_code", "product_name")):
        faults.append("required")
    if line["period"] != line["folder"]:
        faults.append("period_matches_folder")
    return faults


def _effective(lines: list[dict], dalian: set[str]) -> list[dict]:
    """Good lines that count: without bad lines and without lines a later file's correction superseded."""
    good = [l for l in lines if not _faults(l, dalian)]
    last = {}
    for l in good:
        key = (l["folder"], l["credit_code"])
        last[key] = max(last.get(key, -1), l["file_order"])
    return [l for l in good if l["file_order"] == last[(l["folder"], l["credit_code"])]]


def _dalian() -> set[str]:
    return set(read_districts(REPO_CATALOG)["code"])


def _classifier(catalog):
    """A function line -> catalog area or None: the contract's rule, windows included, for the line's period."""
    valid_to = catalog["valid_to"].fillna("9999-12")
    by_period: dict[str, list] = {}
    seen: dict[tuple, str | None] = {}

    def area(line: dict) -> str | None:
        period = line["folder"]
        key = (line["product_code"], line["industry_code"], period)
        if key not in seen:
            if period not in by_period:
                valid = catalog[(catalog["valid_from"] <= period) & (valid_to >= period)]
                by_period[period] = [dict(zip(valid.loc[valid["kind"] == k, "code"], valid.loc[valid["kind"] == k, "area"]))
                                     for k in ("product", "industry")]
            seen[key] = None
            for areas, value in zip(by_period[period], key[:2]):
                prefixes = [value[:i] for i in range(len(value), 0, -1) if value[:i] in areas]
                if prefixes:  # the longest matching code
                    seen[key] = areas[prefixes[0]]
                    break
        return seen[key]

    return area


# --- tests -----------------------------------------------------------------------------------


def test_same_seed_writes_the_same_csv_bytes_and_regeneration_starts_afresh(tmp_path, small):
    root, summary = small
    other = _data_dir(tmp_path)
    stale = other / "raw" / "returns" / "2099-01" / "old.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("left over", encoding="utf-8")
    again = demo.generate(other, **SMALL)
    assert again == summary
    assert not stale.parent.exists()
    mine = {p.relative_to(root / "raw"): p.read_bytes() for p in (root / "raw").rglob("*.csv")}
    theirs = {p.relative_to(other / "raw"): p.read_bytes() for p in (other / "raw").rglob("*.csv")}
    assert mine.keys() == theirs.keys() and len(mine) > 20
    assert mine == theirs
    assert sorted(p.name for p in (root / "raw").iterdir()) == ["SIMULATED.txt", "gdp.csv", "returns", "va_rates.csv"]


def test_another_seed_gives_another_city(tmp_path, small):
    root, _ = small
    other = _data_dir(tmp_path)
    demo.generate(other, **(SMALL | {"seed": 8}))
    first = "2017-01/01_中山西岗沙河口.csv"
    assert (root / "raw/returns" / first).read_bytes() != (other / "raw/returns" / first).read_bytes()


def test_every_month_has_a_folder_of_two_to_four_files_and_a_summary(small, lines):
    root, summary = small
    returns = root / "raw" / "returns"
    assert summary.months == [f"2017-{m:02d}" for m in range(1, 13)] + ["2018-01", "2018-02"]
    assert sorted(p.name for p in returns.iterdir()) == summary.months
    for folder in returns.iterdir():
        regular = [p for p in folder.iterdir() if p.stem != "99_更正"]
        assert 2 <= len(regular) <= 4
        assert all(re.fullmatch(r"\d\d_\w+\.(csv|xlsx)", p.name) for p in regular)
    assert summary.n_enterprises == 80
    assert summary.lines_written == len(lines)


def test_the_mix_of_encodings_formats_and_header_languages(small, lines):
    root, summary = small
    files = [p for p in (root / "raw" / "returns").rglob("*") if p.is_file()]
    kinds = Counter(_file_rows(p)[0] for p in files)
    assert kinds == Counter({k: n for k, n in summary.files_by_encoding.items() if n})
    assert kinds["gb18030"] >= 1 and kinds["utf-8-sig"] >= 1 and kinds["xlsx"] >= 1 and kinds["utf-8"] >= 1
    headers = [_file_rows(p)[1] for p in files]
    assert any("本年累计产值(千元)" in h or "本年累计产值（千元）" in h for h in headers)
    assert any("output_ytd" in h for h in headers)
    assert all({_column(x) for x in h} >= set(demo.COLUMNS) for h in headers)
    # GB18030 files really are not UTF-8 (the reader detects UTF-8 first).
    gb = next(p for p in files if p.suffix == ".csv" and _file_rows(p)[0] == "gb18030")
    with pytest.raises(UnicodeDecodeError):
        gb.read_bytes().decode("utf-8")


def test_good_lines_have_valid_codes_and_cover_every_district_and_area(lines):
    dalian = _dalian()
    good = _effective(lines, dalian)
    assert all(is_valid(l["credit_code"]) for l in good)
    assert {l["district_code"] for l in good} == dalian
    assert all(re.fullmatch(r"\d{4}", l["industry_code"]) for l in good)
    area = _classifier(read_products(REPO_CATALOG))
    assert {area(l) for l in good} - {None} == set(AREAS)
    unclassified = {l["credit_code"] for l in good if area(l) is None}
    assert 1 <= len(unclassified) <= 15  # about 8% of 80 enterprises are not SEI


def test_one_name_per_credit_code_and_unique_names(lines):
    good = _effective(lines, _dalian())
    name_of = {}
    for l in good:
        assert name_of.setdefault(l["credit_code"], l["enterprise_name"]) == l["enterprise_name"]
    assert len(set(name_of.values())) == len(name_of)
    assert 70 <= len(name_of) <= 80  # a few die before or are born after some months, none are lost


def test_output_is_cumulative_within_the_year(lines):
    series: dict[tuple, list[tuple[str, float]]] = {}
    for l in _effective(lines, _dalian()):
        key = (l["credit_code"], l["product_code"], l["product_name"], l["folder"][:4])
        series.setdefault(key, []).append((l["folder"], float(l["output_ytd"])))
        assert re.fullmatch(r"\d+(\.\d)?", l["output_ytd"])  # whole 千元 or one decimal
        assert re.fullmatch(r"(\d+(\.\d)?)?", l["output_ytd_prior"])
    for points in series.values():
        values = [v for _, v in sorted(points)]
        assert values == sorted(values)
    # January is well below a twelfth of December (Spring Festival and the year-end push).
    jan = sum(float(l["output_ytd"]) for l in _effective(lines, _dalian()) if l["folder"] == "2017-01")
    dec = sum(float(l["output_ytd"]) for l in _effective(lines, _dalian()) if l["folder"] == "2017-12")
    assert 0.04 < jan / dec < 0.08


def test_prior_year_values_and_new_enterprises_or_products(lines):
    good = _effective(lines, _dalian())
    by_key = {(l["credit_code"], l["product_code"], l["product_name"], l["folder"]): l for l in good}
    with_prior = [l for l in good if l["output_ytd_prior"] != ""]
    assert len(with_prior) > 0.8 * len(good)
    first_month = [l for l in good if l["folder"] == "2017-01"]
    assert sum(l["output_ytd_prior"] != "" for l in first_month) > 0.8 * len(first_month)
    assert all(float(l["output_ytd_prior"]) >= 0 for l in with_prior)
    # 2018's prior is (up to small reporting noise) what the line reported a year earlier.
    matched = exact = 0
    for l in good:
        if l["folder"].startswith("2018") and l["output_ytd_prior"]:
            before = by_key.get((l["credit_code"], l["product_code"], l["product_name"], "2017" + l["folder"][4:]))
            if before:
                matched += 1
                exact += before["output_ytd"] == l["output_ytd_prior"]
                assert abs(float(l["output_ytd_prior"]) / max(float(before["output_ytd"]), 1) - 1) < 0.1
    assert matched > 100 and exact > 0.8 * matched
    # Lines without a prior are new: their enterprise or product was not on the form last year.
    assert any(l["output_ytd_prior"] == "" for l in good)


def test_bad_lines_are_counted_by_rule_and_each_has_one_fault(small, lines):
    _, summary = small
    dalian = _dalian()
    faults = [_faults(l, dalian) for l in lines]
    assert all(len(f) <= 1 for f in faults)
    found = Counter(f[0] for f in faults if f)
    assert summary.bad_lines == {rule: found.get(rule, 0) for rule in RULES}
    assert all(summary.bad_lines[rule] >= 1 for rule in RULES)
    assert sum(found.values()) <= max(len(RULES), 0.004 * len(lines))
    # A bad line is an extra product of an enterprise that also files good lines that month.
    good = {(l["folder"], l["enterprise_name"]) for l, f in zip(lines, faults) if not f}
    assert all((l["folder"], l["enterprise_name"]) in good for l, f in zip(lines, faults) if f)


def test_one_corrected_resubmission_sorts_last_and_repeats_the_enterprise(small, lines):
    root, summary = small
    correction = summary.correction
    assert correction["period"] == "2017-08" and correction["file"] == "99_更正.csv"
    folder = root / "raw" / "returns" / correction["period"]
    names = sorted(p.name for p in folder.iterdir())
    assert names[-1] == correction["file"]
    resent = [l for l in lines if l["file"] == correction["file"]]
    assert resent and {l["credit_code"] for l in resent} == {correction["credit_code"]}
    earlier = [l for l in lines if l["folder"] == correction["period"] and l["credit_code"] == correction["credit_code"]
               and l["file"] != correction["file"]]
    assert len(earlier) == correction["lines_superseded"] == len(resent)
    assert [l["output_ytd"] for l in earlier] != [l["output_ytd"] for l in resent]
    assert sum(1 for p in (root / "raw" / "returns").rglob("99_*")) == 1


def test_gdp_is_the_published_figure_cumulative_by_quarter(small):
    root, _ = small
    with (root / "raw" / "gdp.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["year", "quarter", "gdp_ytd"]
    assert [(r["year"], r["quarter"]) for r in rows] == [(str(y), str(q)) for y in (2016, 2017, 2018) for q in (1, 2, 3, 4)]
    q4 = {int(r["year"]): float(r["gdp_ytd"]) for r in rows if r["quarter"] == "4"}
    assert q4 == {2016: 6810.2, 2017: 7363.9, 2018: 7668.5}
    for year in q4:
        values = [float(r["gdp_ytd"]) for r in rows if int(r["year"]) == year]
        assert values == sorted(values) and 0.2 < values[0] / values[3] < 0.25


def test_va_rates_cover_every_division_and_year(small, lines):
    root, _ = small
    with (root / "raw" / "va_rates.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["year", "industry_division", "va_rate"]
    have = {(r["year"], r["industry_division"]) for r in rows}
    divisions = {l["industry_code"][:2] for l in lines}
    assert have == {(str(y), d) for y in (2016, 2017, 2018) for d in divisions}
    assert all(0.18 <= float(r["va_rate"]) <= 0.35 for r in rows)


def test_the_marker_says_simulated_in_both_languages(small):
    root, _ = small
    text = (root / "raw" / "SIMULATED.txt").read_text(encoding="utf-8")
    assert "模拟数据" in text and "simulated" in text.lower() and "seed 7" in text
    assert "sei-stats demo-data" in text and "gdp.csv" in text


def test_the_city_is_calibrated_to_dalian(tmp_path):
    """2017 SEI output about 3000亿元, growing 9–14% a year, VA about 11–16% of GDP, 2020 under 5000亿元."""
    root = _data_dir(tmp_path)
    demo.generate(root, seed=3, n_enterprises=150)
    dalian = _dalian()
    area = _classifier(read_products(REPO_CATALOG))
    va = {(int(r["year"]), r["industry_division"]): float(r["va_rate"])
          for r in csv.DictReader((root / "raw" / "va_rates.csv").open(encoding="utf-8"))}
    gdp = {int(r["year"]): float(r["gdp_ytd"])
           for r in csv.DictReader((root / "raw" / "gdp.csv").open(encoding="utf-8")) if r["quarter"] == "4"}
    output, added = {}, {}
    for l in _effective(_read_returns(root / "raw" / "returns"), dalian):
        if l["folder"].endswith("-12") and area(l):
            year = int(l["folder"][:4])
            output[year] = output.get(year, 0) + float(l["output_ytd"]) / 1e5
            added[year] = added.get(year, 0) + float(l["output_ytd"]) * va[(year, l["industry_code"][:2])] / 1e5
    assert 2900 <= output[2017] <= 3100
    for year in (2018, 2019, 2020):
        assert 0.09 <= output[year] / output[year - 1] - 1 <= 0.14
    assert output[2020] < 4500
    for year in output:
        assert 0.10 <= added[year] / gdp[year] <= 0.165


def test_bad_arguments_are_refused(tmp_path):
    root = _data_dir(tmp_path)
    with pytest.raises(ValueError, match="YYYY-MM"):
        demo.generate(root, start="2017-1")
    with pytest.raises(ValueError, match="after"):
        demo.generate(root, start="2018-01", end="2017-12")
    with pytest.raises(ValueError, match="published GDP"):
        demo.generate(root, start="2021-01", end="2021-12")
    with pytest.raises(ValueError, match="too small"):
        demo.generate(root, n_enterprises=12)
