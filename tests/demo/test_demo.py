"""The seeded demo city (sei_stats.demo): deterministic, valid where meant, wrong where meant, Dalian-sized.

The files are read back and judged here independently of the pipeline and of the generator's
internals: every planted fault must be found in the files exactly as often as DemoSummary says.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from collections import Counter
from pathlib import Path

from decimal import Decimal

import openpyxl
import pytest
import yaml

from sei_stats import demo
from sei_stats.catalog import AREAS, read_districts, read_products
from sei_stats.config import REPO_ROOT
from sei_stats.credit_code import is_valid
from sei_stats.vocabulary import measure_of

REPO_CATALOG = Path(__file__).resolve().parents[2] / "data" / "catalog"
SMALL = {"seed": 7, "n_enterprises": 80, "start": "2017-01", "end": "2018-02"}
CHINESE = {v: k for k, v in demo.CHINESE.items()} | {v: k for k, v in demo.SERVICES_CHINESE.items()}
RULES = ("credit_code_check", "district_in_dalian", "output_ytd_non_negative", "output_ytd_numeric",
         "output_ytd_missing", "required", "period_matches_folder")
FAULTS = ("total_row", "repeated_header", "exact_duplicate", "conflicting_duplicate", "unit_error_suspected",
          "ytd_below_previous_month", "prior_differs_from_last_year", "growth_outlier", "credit_code_check_roster")
ROSTER_COLUMNS = ["credit_code", "enterprise_name", "district_code", "zone_id", "industry_code", "area",
                  "active_from", "active_to"]
DYNAMICS = ("closed_mid_year", "imputed_too_long", "industry_change", "blank_prior", "line_dropped")


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
    """Every row below a header in the small city, read back and judged independently of the pipeline."""
    root, _ = small
    return _returns(root)


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
                                   "kind": kind, "line_number": number, "is_header": row == header})
    return out


def _read_rosters(root: Path) -> dict[int, list[dict]]:
    rosters = {}
    for path in sorted((root / "raw" / "roster").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rosters[int(path.stem)] = list(csv.DictReader(handle))
    return rosters


def _faults(line: dict, dalian: set[str], roster: set[str] = frozenset()) -> list[str]:
    """The contract's reject rules this line breaks (only those the demo is meant to break).

    A credit code that fails its check character but is on the year's roster is no reject (an early pilot code).
    """
    faults = []
    if not is_valid(line["credit_code"]) and line["credit_code"] not in roster:
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


QUALITY_YAML = REPO_ROOT / "config" / "quality.yaml"
RULES_YAML = REPO_ROOT / "schemas" / "rules.yaml"
DEFAULTS_YAML = REPO_ROOT / "src" / "sei_stats" / "defaults.yaml"


def _quality(path: Path = QUALITY_YAML) -> dict:
    """The thresholds in force, read independently of the generator: the rules' params (schemas/rules.yaml)
    and the checks' settings (defaults.yaml), with the overrides of ``path`` (default config/quality.yaml)."""
    params = {r["name"]: dict(r.get("params") or {})
              for r in yaml.safe_load(RULES_YAML.read_text(encoding="utf-8"))["rules"]}
    checks = dict(yaml.safe_load(DEFAULTS_YAML.read_text(encoding="utf-8"))["checks"])
    overrides = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
    for rule, values in (overrides.get("rules") or {}).items():
        params[rule].update(values)
    checks.update(overrides.get("checks") or {})
    return {name: value for values in params.values() for name, value in values.items()} | checks


def _product(line: dict) -> str:
    return line["product_code"] or "name:" + line["product_name"]


def _judge(lines: list[dict], rosters: dict[int, list[dict]], dalian: set[str], q: dict | None = None) -> list[dict]:
    """Put every line in a bucket and list the rules it fails, as the data contract and schemas/rules.yaml say.

    bucket: not_a_return, rejected, superseded, duplicate, held or accepted; rules: the reject rules
    (line["rejects"]) and the data-quality rules (line["rules"]) the line fails. Cross-period rules
    judge accepted lines: a unit error is YTD ≥ ratio × the line's own prior or previous month as
    reported (or ≤ 1/ratio of its prior); the others skip unit errors. Accepted lines whose industry
    or district differs from the year's roster fail industry_differs_from_frame or
    district_differs_from_frame. ``q``: the thresholds (default: those in force, _quality()).
    """
    q = q or _quality()
    codes = {year: {r["credit_code"] for r in roster} for year, roster in rosters.items()}
    for l in lines:
        l["rules"], l["rejects"], l["bucket"] = set(), [], "accepted"
        if l["is_header"]:
            l["rules"].add("repeated_header")
            l["bucket"] = "not_a_return"
        elif l["enterprise_name"] in ("合计", "小计"):
            l["rules"].add("total_row")
            l["bucket"] = "not_a_return"
        else:
            l["rejects"] = _faults(l, dalian, codes.get(int(l["folder"][:4]), set()))
            if l["rejects"]:
                l["bucket"] = "rejected"
            elif not is_valid(l["credit_code"]):
                l["rules"].add("credit_code_check_roster")
    # Corrections: the latest file with a valid line of the enterprise is its return for the period.
    latest = {}
    for l in lines:
        if l["bucket"] == "accepted":
            key = (l["folder"], l["credit_code"])
            latest[key] = max(latest.get(key, -1), l["file_order"])
    for l in lines:
        if l["bucket"] in ("accepted", "rejected") and l["file_order"] < latest.get((l["folder"], l["credit_code"]), -1):
            l["bucket"] = "superseded"
    # Duplicates within a period: exact repeats (the first counts), then one product with several values.
    seen, groups = set(), {}
    for l in lines:
        if l["bucket"] != "accepted":
            continue
        key = (l["folder"],) + tuple(l[c] for c in demo.COLUMNS)
        if key in seen:
            l["bucket"] = "duplicate"
            l["rules"].add("exact_duplicate")
        else:
            seen.add(key)
            groups.setdefault((l["folder"], l["credit_code"], _product(l)), []).append(l)
    for group in groups.values():
        if len(group) > 1:
            for l in group:
                l["bucket"] = "held"
                l["rules"].add("conflicting_duplicate")
    # Cross-period rules over accepted lines, by enterprise, product and year, month by month.
    series = {}
    for l in lines:
        if l["bucket"] == "accepted":
            series.setdefault((l["credit_code"], _product(l), l["folder"][:4]), []).append(l)
    ratio = q["unit_error_ratio"]
    for points in series.values():
        points.sort(key=lambda l: l["folder"])
        for before, l in zip([None] + points[:-1], points):
            out = float(l["output_ytd"])
            prior = float(l["output_ytd_prior"]) if l["output_ytd_prior"] else None
            if (prior and (out >= ratio * prior or out * ratio <= prior)) \
                    or (before is not None and float(before["output_ytd"]) > 0 and out >= ratio * float(before["output_ytd"])):
                l["rules"].add("unit_error_suspected")
                l["bucket"] = "held"
    clean = {k: [l for l in points if l["bucket"] == "accepted"] for k, points in series.items()}
    ytd = {(k[0], k[1], l["folder"]): float(l["output_ytd"]) for k, points in clean.items() for l in points}
    for points in clean.values():
        for before, l in zip([None] + points[:-1], points):
            out = float(l["output_ytd"])
            if before is not None and out < float(before["output_ytd"]):
                l["rules"].add("ytd_below_previous_month")
            if l["output_ytd_prior"] == "":
                continue
            prior = float(l["output_ytd_prior"])
            last = ytd.get((l["credit_code"], _product(l), f"{int(l['folder'][:4]) - 1}{l['folder'][4:]}"))
            if last and abs(prior - last) > q["prior_tolerance"] * last:
                l["rules"].add("prior_differs_from_last_year")
            if prior > 0 and out >= q["material_output_qianyuan"] and abs(out - prior) > q["max_abs_growth"] * prior:
                l["rules"].add("growth_outlier")
    # The frame's classification for the year: the roster's.
    frame = {(year, r["credit_code"]): r for year, roster in rosters.items() for r in roster}
    for l in lines:
        unit = frame.get((int(l["folder"][:4]), l["credit_code"])) if l["bucket"] == "accepted" else None
        for column in ("industry_code", "district_code") if unit else ():
            if l[column] != unit[column]:
                l["rules"].add(column.replace("_code", "") + "_differs_from_frame")
    return lines


def _returns(root: Path, q: dict | None = None) -> list[dict]:
    """Every row below a header in the city's returns, judged (by thresholds ``q``, default: those in force)."""
    return _judge(_read_returns(root / "raw" / "returns"), _read_rosters(root), _dalian(), q)


def _effective(lines: list[dict]) -> list[dict]:
    """The lines that count in the figures: accepted ones (warnings included)."""
    return [l for l in lines if l["bucket"] == "accepted"]


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
    stale_annual = other / "raw" / "annual" / "2099" / "old.csv"
    stale_annual.parent.mkdir(parents=True)
    stale_annual.write_text("left over", encoding="utf-8")
    again = demo.generate(other, **SMALL)
    assert again == summary
    assert not stale.parent.exists() and not stale_annual.parent.exists()
    mine = {p.relative_to(root / "raw"): p.read_bytes() for p in (root / "raw").rglob("*.csv")}
    theirs = {p.relative_to(other / "raw"): p.read_bytes() for p in (other / "raw").rglob("*.csv")}
    assert mine.keys() == theirs.keys() and len(mine) > 20
    assert mine == theirs
    assert any(p.parts[0] == "roster" for p in mine)
    assert sorted(p.name for p in (root / "raw").iterdir()) == ["SIMULATED.txt", "annual", "gdp.csv", "registry", "returns",
                                                                "roster", "va_rates.csv"]
    assert {p for p in mine if p.parts[0] == "registry"} == {Path("registry/platforms.csv"), Path("registry/enterprises.csv")}


def test_another_seed_gives_another_city(tmp_path, small):
    root, _ = small
    other = _data_dir(tmp_path)
    demo.generate(other, **(SMALL | {"seed": 8}))
    first = "2017-02/01_中山西岗沙河口.csv"  # 1–2月: the first report period of the default calendar
    assert (root / "raw/returns" / first).read_bytes() != (other / "raw/returns" / first).read_bytes()


def test_every_month_has_a_folder_of_two_to_four_files_and_a_summary(small, lines):
    root, summary = small
    returns = root / "raw" / "returns"
    # The default calendar reports no January: the year's first report is 1–2月, folder YYYY-02.
    assert summary.months == [f"2017-{m:02d}" for m in range(2, 13)] + ["2018-02"]
    assert sorted(p.name for p in returns.iterdir()) == summary.months
    assert not any(p.name.endswith("-01") for p in returns.iterdir())
    for folder in returns.iterdir():
        regular = [p for p in folder.iterdir() if p.stem != "99_更正" and not p.stem.endswith(demo.SERVICES_SUFFIX)]
        assert 2 <= len(regular) <= 4
        assert all(re.fullmatch(r"\d\d_\w+\.(csv|xlsx)", p.name) for p in regular)
        # service units send the services form beside their batch's file
        services = [p for p in folder.iterdir() if p.stem.endswith(demo.SERVICES_SUFFIX)]
        assert {p.stem.removesuffix(demo.SERVICES_SUFFIX) for p in services} <= {p.stem for p in regular}
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
    good = _effective(lines)
    # Valid codes, but for the few early pilot codes of roster enterprises (a warning, not a reject).
    assert all(is_valid(l["credit_code"]) or l["rules"] == {"credit_code_check_roster"} for l in good)
    assert {l["district_code"] for l in good} == dalian
    assert all(re.fullmatch(r"\d{4}", l["industry_code"]) for l in good)
    area = _classifier(read_products(REPO_CATALOG))
    assert {area(l) for l in good} - {None} == set(AREAS)
    unclassified = {l["credit_code"] for l in good if area(l) is None}
    assert 1 <= len(unclassified) <= 15  # about 8% of 80 enterprises are not SEI


def test_one_name_per_credit_code_and_unique_names(lines):
    good = _effective(lines)
    name_of = {}
    for l in good:
        assert name_of.setdefault(l["credit_code"], l["enterprise_name"]) == l["enterprise_name"]
    assert len(set(name_of.values())) == len(name_of)
    assert 70 <= len(name_of) <= 80  # a few die before or are born after some months, none are lost


def test_output_is_cumulative_within_the_year(lines):
    series: dict[tuple, list[tuple[str, float]]] = {}
    for l in _effective(lines):
        if "ytd_below_previous_month" in l["rules"]:
            continue  # the planted slips below the month before (test_cross_period_faults…)
        key = (l["credit_code"], l["product_code"], l["product_name"], l["folder"][:4])
        series.setdefault(key, []).append((l["folder"], float(l["output_ytd"])))
        assert re.fullmatch(r"\d+(\.\d)?", l["output_ytd"])  # whole 千元 or one decimal
        assert re.fullmatch(r"(\d+(\.\d)?)?", l["output_ytd_prior"])
    for points in series.values():
        values = [v for _, v in sorted(points)]
        assert values == sorted(values)
    # 1–2月 is well below two twelfths of December (Spring Festival and the year-end push): January's
    # output is in it (about 6.6% of the year) with February's (5.8%).
    feb = sum(float(l["output_ytd"]) for l in _effective(lines) if l["folder"] == "2017-02")
    dec = sum(float(l["output_ytd"]) for l in _effective(lines) if l["folder"] == "2017-12")
    assert 0.09 < feb / dec < 0.16


def test_prior_year_values_and_new_enterprises_or_products(lines):
    good = _effective(lines)
    by_key = {(l["credit_code"], l["product_code"], l["product_name"], l["folder"]): l for l in good}
    with_prior = [l for l in good if l["output_ytd_prior"] != ""]
    assert len(with_prior) > 0.8 * len(good)
    first_month = [l for l in good if l["folder"] == "2017-02"]
    assert sum(l["output_ytd_prior"] != "" for l in first_month) > 0.8 * len(first_month)
    assert all(float(l["output_ytd_prior"]) >= 0 for l in with_prior)
    # 2018's prior is (up to small reporting noise) what the line reported a year earlier.
    matched = exact = 0
    for l in good:
        if l["folder"].startswith("2018") and l["output_ytd_prior"]:
            before = by_key.get((l["credit_code"], l["product_code"], l["product_name"], "2017" + l["folder"][4:]))
            if before and "prior_differs_from_last_year" not in l["rules"]:
                matched += 1
                exact += before["output_ytd"] == l["output_ytd_prior"]
                assert abs(float(l["output_ytd_prior"]) / max(float(before["output_ytd"]), 1) - 1) < 0.1
    assert matched > 100 and exact > 0.8 * matched
    # Lines without a prior are new: their enterprise or product was not on the form last year.
    assert any(l["output_ytd_prior"] == "" for l in good)


def test_bad_lines_are_counted_by_rule_and_each_has_one_fault(small, lines):
    _, summary = small
    lines = [l for l in lines if l["bucket"] != "not_a_return"]
    faults = [l["rejects"] for l in lines]
    assert all(len(f) <= 1 for f in faults)
    assert not any(f and l["rules"] for l, f in zip(lines, faults))  # no data-quality fault on a bad line
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


def test_every_data_quality_fault_is_in_the_files_as_often_as_the_summary_says(small, lines):
    _, summary = small
    found = Counter(rule for l in lines for rule in l["rules"])
    assert summary.faults == {f: found.get(f, 0) for f in FAULTS}
    assert all(summary.faults[f] >= 1 for f in FAULTS)
    assert list(summary.dynamics) == list(DYNAMICS) and all(n >= 1 for n in summary.dynamics.values())
    # No line carries two findings, and none a finding and a reject.
    assert all(len(l["rules"]) + len(l["rejects"]) <= 1 for l in lines)
    # Each at a low rate (the pilot-code enterprises' lines aside).
    line_faults = [f for f in FAULTS if f not in ("total_row", "repeated_header", "credit_code_check_roster")]
    assert sum(summary.faults[f] for f in line_faults) <= 0.02 * len(lines)


def test_other_thresholds_in_quality_yaml_give_a_city_consistent_with_them(tmp_path, monkeypatch):
    overrides = {"rules": {"growth_outlier": {"max_abs_growth": 1.5, "material_output_qianyuan": 50000},
                           "prior_differs_from_last_year": {"prior_tolerance": 0.08},
                           "unit_error_suspected": {"unit_error_ratio": 200}}}
    other = tmp_path / "quality.yaml"
    other.write_text(yaml.safe_dump(overrides), encoding="utf-8")
    monkeypatch.setattr(demo, "QUALITY_YAML", other)
    root = _data_dir(tmp_path / "city")
    summary = demo.generate(root, **SMALL)
    lines = _returns(root, _quality(other))
    found = Counter(rule for l in lines for rule in l["rules"])
    assert summary.faults == {f: found.get(f, 0) for f in FAULTS}
    assert all(summary.faults[f] >= 1 for f in FAULTS)
    assert all(len(l["rules"]) + len(l["rejects"]) <= 1 for l in lines)


def _by_file(lines: list[dict]) -> dict[tuple[str, str], list[dict]]:
    files: dict[tuple[str, str], list[dict]] = {}
    for l in lines:
        files.setdefault((l["folder"], l["file"]), []).append(l)
    return files


def test_total_rows_end_some_files_with_the_sums_of_their_lines(small, lines):
    _, summary = small
    totals = [l for l in lines if "total_row" in l["rules"]]
    assert len(totals) == summary.faults["total_row"]
    files = _by_file(lines)
    for total in totals:
        rows = files[(total["folder"], total["file"])]
        assert rows[-1] is total and total["file"] != "99_更正.csv"
        assert total["enterprise_name"] in ("合计", "小计")
        assert all(total[f] == "" for f in ("period", "credit_code", "district_code", "industry_code", "product_code"))
        for column in ("output_ytd", "output_ytd_prior"):
            cells = [r[column] for r in rows[:-1] if not r["is_header"]]
            expected = sum((Decimal(c) for c in cells if re.fullmatch(r"-?\d+(\.\d+)?", c)), Decimal(0))
            assert Decimal(total[column]) == expected
    # Total rows are rows of their own: no other row of the city has a total's name.
    assert all(l["enterprise_name"] not in ("合计", "小计") for l in lines if "total_row" not in l["rules"])


def test_repeated_headers_sit_inside_paged_files(small, lines):
    _, summary = small
    repeats = [l for l in lines if l["is_header"]]
    assert len(repeats) == summary.faults["repeated_header"] == sum("repeated_header" in l["rules"] for l in lines)
    files = _by_file(lines)
    for repeat in repeats:
        rows = files[(repeat["folder"], repeat["file"])]
        at = rows.index(repeat)
        assert 0 < at < len(rows) - 1  # in the middle of the file
        assert not rows[at - 1]["is_header"] and not rows[at + 1]["is_header"]
    # A repeat is the file's own header, so in its language: Chinese files repeat Chinese names.
    assert all(r["credit_code"] in ("credit_code", "统一社会信用代码") for r in repeats)


def test_exact_and_conflicting_duplicates_repeat_a_line_of_the_same_file(small, lines):
    _, summary = small
    files = _by_file(lines)
    exact = [l for l in lines if "exact_duplicate" in l["rules"]]
    assert len(exact) == summary.faults["exact_duplicate"] >= 1
    for copy in exact:
        rows = files[(copy["folder"], copy["file"])]
        first = [r for r in rows[: rows.index(copy)] if all(r[c] == copy[c] for c in demo.COLUMNS)]
        assert len(first) == 1 and first[0]["bucket"] == "accepted" and not first[0]["rules"]
    conflicting = [l for l in lines if "conflicting_duplicate" in l["rules"]]
    assert len(conflicting) == summary.faults["conflicting_duplicate"] >= 2
    pairs: dict[tuple, list[dict]] = {}
    for l in conflicting:
        pairs.setdefault((l["folder"], l["file"], l["credit_code"], l["product_code"], l["product_name"]), []).append(l)
    for pair in pairs.values():
        assert len(pair) == 2 and pair[0]["output_ytd_prior"] == pair[1]["output_ytd_prior"]
        a, b = (float(l["output_ytd"]) for l in pair)
        assert a != b and abs(a / b - 1) < 0.07


def test_unit_errors_are_whole_enterprise_months_a_thousand_times_their_neighbours(small, lines):
    _, summary = small
    ratio = _quality()["unit_error_ratio"]
    errors = [l for l in lines if "unit_error_suspected" in l["rules"]]
    assert len(errors) == summary.faults["unit_error_suspected"] >= 1
    returns = [l for l in lines if l["bucket"] not in ("not_a_return", "rejected")]
    line_at = {(l["credit_code"], _product(l), l["folder"]): l for l in returns}
    months = summary.months
    for error in errors:
        month = error["folder"]
        assert 3 <= int(month[5:]) <= 11
        # Every line of the enterprise that month is in 元.
        assert all("unit_error_suspected" in l["rules"] for l in returns
                   if l["folder"] == month and l["credit_code"] == error["credit_code"])
        before = line_at[(error["credit_code"], _product(error), months[months.index(month) - 1])]
        after = line_at[(error["credit_code"], _product(error), months[months.index(month) + 1])]
        assert not before["rules"] and not after["rules"]  # a one-off: the month after is normal again
        assert float(error["output_ytd"]) >= ratio * float(before["output_ytd"])
        assert 300 <= float(error["output_ytd"]) / float(after["output_ytd"]) <= 1000
        earlier = {l["folder"] for l in returns if l["credit_code"] == error["credit_code"]
                   and l["folder"][:4] == month[:4] and l["folder"] < month}
        assert len(earlier) >= 2


def test_cross_period_faults_follow_the_thresholds_of_quality_yaml(small, lines):
    _, summary = small
    q = _quality()
    accepted = _effective(lines)
    series = {(l["credit_code"], _product(l), l["folder"]): l for l in accepted}
    months = summary.months
    below = [l for l in lines if "ytd_below_previous_month" in l["rules"]]
    assert len(below) == summary.faults["ytd_below_previous_month"] >= 1
    for l in below:
        before = series[(l["credit_code"], _product(l), months[months.index(l["folder"]) - 1])]
        assert 0.79 <= float(l["output_ytd"]) / float(before["output_ytd"]) <= 0.951
        after = months.index(l["folder"]) + 1
        nxt = series.get((l["credit_code"], _product(l), months[after])) if after < len(months) else None
        assert nxt is None or nxt["folder"][:4] != l["folder"][:4] or float(nxt["output_ytd"]) > float(before["output_ytd"])
    differs = [l for l in lines if "prior_differs_from_last_year" in l["rules"]]
    assert len(differs) == summary.faults["prior_differs_from_last_year"] >= 1
    for l in differs:
        last = series[(l["credit_code"], _product(l), f"{int(l['folder'][:4]) - 1}{l['folder'][4:]}")]
        gap = abs(float(l["output_ytd_prior"]) / float(last["output_ytd"]) - 1)
        assert q["prior_tolerance"] + 0.09 <= gap <= q["prior_tolerance"] + 0.61
    outliers = [l for l in lines if "growth_outlier" in l["rules"]]
    assert len(outliers) == summary.faults["growth_outlier"] >= 1
    for l in outliers:
        assert float(l["output_ytd"]) >= q["material_output_qianyuan"]
        assert float(l["output_ytd"]) / float(l["output_ytd_prior"]) - 1 > q["max_abs_growth"]
    # Everything else stays inside the thresholds: the prior's reporting noise is well under the tolerance.
    for l in accepted:
        last = series.get((l["credit_code"], _product(l), f"{int(l['folder'][:4]) - 1}{l['folder'][4:]}"))
        if last and l["output_ytd_prior"] and not l["rules"]:
            assert abs(float(l["output_ytd_prior"]) / float(last["output_ytd"]) - 1) <= q["prior_tolerance"] / 2


def test_pilot_codes_fail_the_check_character_but_are_on_the_roster(small, lines):
    root, summary = small
    rosters = _read_rosters(root)
    pilots = {l["credit_code"] for l in lines if "credit_code_check_roster" in l["rules"]}
    assert 1 <= len(pilots) <= max(1, 0.01 * summary.n_enterprises)
    assert summary.faults["credit_code_check_roster"] == sum("credit_code_check_roster" in l["rules"] for l in lines)
    for l in lines:
        if l["credit_code"] in pilots and l["bucket"] != "not_a_return":
            assert not is_valid(l["credit_code"])
            assert l["credit_code"] in {r["credit_code"] for r in rosters[int(l["folder"][:4])]}
            assert l["rules"] == {"credit_code_check_roster"} and l["bucket"] == "accepted"  # they count
    # Unknown enterprises with a failing code stay rejected: those are the bad lines.
    unknown = [l for l in lines if "credit_code_check" in l["rejects"]]
    assert len(unknown) == summary.bad_lines["credit_code_check"] and not pilots & {l["credit_code"] for l in unknown}


def test_a_roster_for_every_year_lists_every_reporting_enterprise(small, lines):
    root, summary = small
    rosters = _read_rosters(root)
    assert sorted(rosters) == [2017, 2018]
    for year in rosters:
        with (root / "raw" / "roster" / f"{year}.csv").open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == ROSTER_COLUMNS
    zones = {}
    with (REPO_CATALOG / "zones.csv").open(encoding="utf-8", newline="") as handle:
        for zone in csv.DictReader(handle):
            if zone["kind"] == "functional-zone":
                for district in zone["districts"].split("|"):
                    zones.setdefault(district, set()).add(zone["zone_id"])
    dalian = _dalian()
    for year, roster in rosters.items():
        codes = [r["credit_code"] for r in roster]
        assert len(codes) == len(set(codes))
        for r in roster:
            assert r["district_code"] in dalian and r["area"] in set(AREAS) | {""}
            assert re.fullmatch(r"\d{4}", r["industry_code"]) and r["enterprise_name"]
            assert r["zone_id"] in zones[r["district_code"]] if r["district_code"] in zones else r["zone_id"] == ""
            # Open all year, or closing in a month of the year.
            assert r["active_from"] == "" and re.fullmatch(rf"({year}-(0[1-9]|1[0-2]))?", r["active_to"])
        reporting = {l["credit_code"] for l in lines if l["folder"][:4] == str(year)
                     and l["bucket"] not in ("not_a_return", "rejected")}
        assert reporting <= set(codes)
        assert reporting == set(codes)  # each roster enterprise reports some month of the year
        # Returns name the enterprise as the roster does, but for the planted industry changes.
        named = {l["credit_code"]: (l["enterprise_name"], l["district_code"], l["industry_code"]) for l in lines
                 if l["folder"][:4] == str(year) and l["bucket"] == "accepted"
                 and "industry_differs_from_frame" not in l["rules"]}
        assert all(named[r["credit_code"]] == (r["enterprise_name"], r["district_code"], r["industry_code"])
                   for r in roster if r["credit_code"] in named)
    assert {r["zone_id"] for roster in rosters.values() for r in roster} - {""}  # some enterprises are in a zone


def _live(rosters: dict[int, list[dict]], month: str) -> set[str]:
    """Credit codes of the month's roster live that month: inside their active_from–active_to window."""
    return {r["credit_code"] for r in rosters.get(int(month[:4]), [])
            if (r["active_from"] or month) <= month <= (r["active_to"] or month)}


def _reporting(lines: list[dict], months: list[str]) -> dict[str, set[str]]:
    """Credit codes with a return each month (any line but total and header rows and rejected lines)."""
    reporting = {m: set() for m in months}
    for l in lines:
        if l["bucket"] not in ("not_a_return", "rejected"):
            reporting[l["folder"]].add(l["credit_code"])
    return reporting


def test_about_two_percent_of_roster_enterprise_months_do_not_report(small, lines):
    root, summary = small
    rosters = _read_rosters(root)
    months = summary.months
    reporting = _reporting(lines, months)
    live = {m: _live(rosters, m) for m in months}
    absent = {m: live[m] - reporting[m] for m in months}
    assert summary.nonresponse == {m: len(absent[m]) for m in months}
    assert all(reporting[m] <= live[m] for m in months)  # nobody reports outside its window
    expected = sum(len(live[m]) for m in months)
    assert 0.01 <= sum(summary.nonresponse.values()) / expected <= 0.03
    q = _quality()
    limit = int(q["max_consecutive_months"])
    beyond = 0
    for i, month in enumerate(months):
        assert len(absent[month]) <= q["max_nonresponse_rate"] * len(live[month])
        for code in absent[month]:
            if i > 0 and code in absent[months[i - 1]]:
                continue  # inside a run counted at its first month
            run = next((n for n in range(1, len(months) - i) if code not in absent[months[i + n]]), len(months) - i)
            # A missed month, or a planted long gap within the year that the rule imputed_too_long finds.
            assert run == 1 or (run == limit + 2 and months[i + run - 1][:4] == month[:4] and not month.endswith("-01"))
            beyond += max(0, run - limit)
            # The enterprise reports again the month after (and the month before a long gap).
            assert i + run < len(months) and code in reporting[months[i + run]]
            assert run == 1 or code in reporting[months[i - 1]]
            if month.endswith("-01") and i >= 12:
                assert code not in absent[months[i - 12]]  # never January two years running
    assert beyond == summary.dynamics["imputed_too_long"] >= 1


def test_closed_enterprises_send_nothing_after_their_last_month(small, lines):
    root, summary = small
    rosters = _read_rosters(root)
    months = summary.months
    reporting = _reporting(lines, months)
    closing = [(year, r["credit_code"], r["active_to"]) for year, roster in rosters.items() for r in roster if r["active_to"]]
    assert closing
    out_of_scope = 0
    for year, code, last in closing:
        assert code in reporting[last] or code in reporting[months[months.index(last) - 1]]  # it reported near the end
        assert all(code not in reporting[m] for m in months if m > last)  # nothing after, this year or later
        assert code not in {r["credit_code"] for r in rosters.get(year + 1, [])}  # closed: off next year's roster
        out_of_scope += sum(1 for m in months if m[:4] == last[:4] and m > last)
    assert out_of_scope == summary.dynamics["closed_mid_year"] >= 1


def test_industry_changes_show_from_july_and_reach_next_years_roster(small, lines):
    root, summary = small
    rosters = _read_rosters(root)
    roster = {(year, r["credit_code"]): r for year, roster in rosters.items() for r in roster}
    changed = [l for l in lines if "industry_differs_from_frame" in l["rules"]]
    assert len(changed) == summary.dynamics["industry_change"] >= 1
    assert not [l for l in lines if "district_differs_from_frame" in l["rules"]]
    area = _classifier(read_products(REPO_CATALOG))
    new = {}
    for l in changed:
        year, code = int(l["folder"][:4]), l["credit_code"]
        assert int(l["folder"][5:]) >= 7  # from July to December
        assert new.setdefault((year, code), l["industry_code"]) == l["industry_code"]
        # Classified alike by either class, so the city's SEI figures do not move.
        assert area(l) == area(l | {"industry_code": roster[(year, code)]["industry_code"]})
    for (year, code), industry in new.items():
        returns = [l for l in _effective(lines) if l["credit_code"] == code and l["folder"][:4] == str(year)]
        assert all(("industry_differs_from_frame" in l["rules"]) == (l["folder"][5:] >= "07") for l in returns)
        if (year + 1, code) in roster:
            assert roster[(year + 1, code)]["industry_code"] == industry


def test_blank_priors_of_continuing_products_are_planted_from_the_second_year(small, lines):
    _, summary = small
    accepted = {(l["credit_code"], _product(l), l["folder"]) for l in _effective(lines)}
    area = _classifier(read_products(REPO_CATALOG))
    blank = [l for l in _effective(lines) if l["output_ytd_prior"] == ""
             and (l["credit_code"], _product(l), f"{int(l['folder'][:4]) - 1}{l['folder'][4:]}") in accepted]
    assert len(blank) == summary.dynamics["blank_prior"] >= 1
    assert all(area(l) and l["folder"][:4] > summary.months[0][:4] and not l["rules"] for l in blank)


def test_dropped_lines_are_missing_for_one_month_only(small, lines):
    _, summary = small
    months = summary.months
    returned = {(l["folder"], l["credit_code"], _product(l)) for l in lines if l["bucket"] in ("accepted", "held", "rejected")}
    usable: dict[tuple[str, str], list[str]] = {}
    for l in _effective(lines):
        usable.setdefault((l["credit_code"], l["folder"][:4]), []).append(l["folder"])
    products = {}
    for l in _effective(lines):
        products.setdefault((l["credit_code"], l["folder"]), set()).add(_product(l))
    dropped = []
    for (code, _), folders in usable.items():
        folders = sorted(set(folders))
        for before, month in zip(folders, folders[1:]):
            dropped += [(code, p, month) for p in products[(code, before)] if (month, code, p) not in returned]
    assert len(dropped) == summary.dynamics["line_dropped"] >= 1
    for code, product, month in dropped:
        i = months.index(month)
        assert (months[i - 1], code, product) in returned and (months[i + 1], code, product) in returned
        assert len(products[(code, month)]) >= 1  # the enterprise reported other lines that month


def test_gdp_is_the_published_figure_cumulative_by_quarter(small):
    root, _ = small
    with (root / "raw" / "gdp.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["year", "quarter", "gdp_ytd", "vintage", "released"]
    # the city ends in 2018: before 2018's census revision, one bulletin vintage a year
    assert {(r["year"], r["vintage"], r["released"]) for r in rows} == {
        (str(y), "bulletin", f"{y + 1}-04-30") for y in (2016, 2017, 2018)}
    assert [(r["year"], r["quarter"]) for r in rows] == [(str(y), str(q)) for y in (2016, 2017, 2018) for q in (1, 2, 3, 4)]
    q4 = {int(r["year"]): float(r["gdp_ytd"]) for r in rows if r["quarter"] == "4"}
    assert q4 == {2016: 6810.2, 2017: 7363.9, 2018: 7668.5}
    for year in q4:
        values = [float(r["gdp_ytd"]) for r in rows if int(r["year"]) == year]
        assert values == sorted(values) and 0.2 < values[0] / values[3] < 0.25


def test_a_city_covering_2019_has_2018s_census_revision_in_force(tmp_path):
    from sei_stats.config import DataPaths
    from sei_stats.demo.files import write_gdp
    from sei_stats.inputs import GDP

    paths = DataPaths(tmp_path)
    paths.raw.mkdir(parents=True)
    write_gdp(paths.gdp_csv, [2016, 2017, 2018, 2019, 2020])
    gdp = GDP.frame(paths)  # passes the contract
    q4 = {(r.year, r.vintage): (r.gdp_ytd, r.released.strftime("%Y-%m-%d"), r.in_force)
          for r in gdp.itertuples() if r.quarter == 4}
    # real: the bulletins' figures; simulated: 2018 revised = 7001.7 / (7668.5 / 7363.9), and the days
    assert q4 == {(2016, "bulletin"): (6810.2, "2017-04-30", True), (2017, "bulletin"): (7363.9, "2018-04-30", True),
                  (2018, "bulletin"): (7668.5, "2019-04-30", False),
                  (2018, "census_revised (simulated)"): (6723.6, "2020-04-30", True),
                  (2019, "bulletin"): (7001.7, "2020-04-30", True), (2020, "bulletin"): (7030.4, "2021-04-30", True)}
    assert len(gdp) == 24 and gdp.groupby(["year", "quarter"])["in_force"].sum().eq(1).all()


def test_va_rates_cover_every_division_and_year(small, lines):
    root, _ = small
    with (root / "raw" / "va_rates.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["year", "industry_division", "va_rate", "vintage", "released"]
    # final rates every year; the last year's also provisional, released before them
    assert {(r["year"], r["vintage"], r["released"]) for r in rows} == {
        ("2016", "final", "2017-06-30"), ("2017", "final", "2018-06-30"), ("2018", "provisional", "2019-01-31"),
        ("2018", "final", "2019-06-30")}
    have = {(r["year"], r["industry_division"]) for r in rows}
    divisions = {l["industry_code"][:2] for l in lines if l["bucket"] != "not_a_return"}
    assert have == {(str(y), d) for y in (2016, 2017, 2018) for d in divisions}
    assert all(0.10 <= float(r["va_rate"]) <= 0.35 for r in rows)


def test_the_marker_says_simulated_in_both_languages(small):
    root, _ = small
    text = (root / "raw" / "SIMULATED.txt").read_text(encoding="utf-8")
    assert "模拟数据" in text and "simulated" in text.lower() and "seed 7" in text
    assert "sei-stats demo-data" in text and "gdp.csv" in text
    assert "registry/" in text and "创新平台" in text


def test_the_registries_pass_their_contract_and_name_enterprises_of_the_city(small, lines):
    from sei_stats.config import DataPaths
    from sei_stats.inputs import read_designated_enterprises, read_platforms

    root, _ = small
    paths = DataPaths(root)
    platforms, designated = read_platforms(paths), read_designated_enterprises(paths)
    assert 36 <= len(platforms) <= 48 and 26 <= len(designated) <= 38
    # the report years 2017–2018: a few platforms in the baseline year 2017, most after it
    years = platforms["recognised_date"].dt.year.value_counts().to_dict()
    assert set(years) == {2017, 2018} and years[2018] > years[2017]
    assert set(designated["recognised_date"].dt.year) == {2017, 2018}
    assert designated["withdrawn_date"].notna().sum() == 1
    # every host and designated enterprise sends returns in its year, under the same name
    reporting = {(l["credit_code"], l["folder"][:4]) for l in lines if l["bucket"] == "accepted"}
    names = {l["credit_code"]: l["enterprise_name"] for l in lines if l["bucket"] == "accepted"}
    for code, date in zip(platforms["host_credit_code"], platforms["recognised_date"]):
        assert (code, str(date.year)) in reporting
    for code, name, date in zip(designated["credit_code"], designated["enterprise_name"], designated["recognised_date"]):
        assert (code, str(date.year)) in reporting and names[code] == name


def test_the_city_is_calibrated_to_dalian(tmp_path):
    """2017 SEI industrial output about 3000亿元, growing 9–14% a year, VA (industrial output and services
    revenue, each by its rate) about 11–18% of GDP (the GDP in force: the latest released), 2020 under 5000亿元.

    The city is calibrated whole: a December non-respondent's output is imputed here from its own
    November by the December/November ratio of the enterprises that reported both months.
    """
    root = _data_dir(tmp_path)
    summary = demo.generate(root, seed=3, n_enterprises=150)
    area = _classifier(read_products(REPO_CATALOG))
    va = {(int(r["year"]), r["industry_division"]): float(r["va_rate"])
          for r in csv.DictReader((root / "raw" / "va_rates.csv").open(encoding="utf-8")) if r["vintage"] == "final"}
    in_force = sorted((r for r in csv.DictReader((root / "raw" / "gdp.csv").open(encoding="utf-8")) if r["quarter"] == "4"),
                      key=lambda r: r["released"])
    gdp = {int(r["year"]): float(r["gdp_ytd"]) for r in in_force}  # the latest released wins
    rosters = {year: {r["credit_code"] for r in roster} for year, roster in _read_rosters(root).items()}
    sei = [l for l in _effective(_returns(root)) if area(l)]
    output, added = {}, {}
    for year in (2017, 2018, 2019, 2020):
        value, with_va = {}, {}
        for l in sei:
            if l["folder"] in (f"{year}-11", f"{year}-12"):
                key = (l["folder"][5:], l["credit_code"])
                if measure_of(l["industry_code"]) == "industry":  # services revenue is not output
                    value[key] = value.get(key, 0) + float(l["output_ytd"])
                with_va[key] = with_va.get(key, 0) + float(l["output_ytd"]) * va[(year, l["industry_code"][:2])]
        both = {c for m, c in value if m == "12" and ("11", c) in value}
        ratio = sum(value[("12", c)] for c in both) / sum(value[("11", c)] for c in both)
        absent = {c for c in rosters[year] if ("12", c) not in with_va and ("11", c) in with_va}
        assert summary.nonresponse[f"{year}-12"] >= len(absent)
        output[year] = (sum(v for (m, _), v in value.items() if m == "12")
                        + ratio * sum(value.get(("11", c), 0) for c in absent)) / 1e5
        added[year] = (sum(v for (m, _), v in with_va.items() if m == "12") + ratio * sum(with_va[("11", c)] for c in absent)) / 1e5
    assert 2900 <= output[2017] <= 3100
    for year in (2018, 2019, 2020):
        assert 0.09 <= output[year] / output[year - 1] - 1 <= 0.14
    assert output[2020] < 4500
    for year in output:
        # Dalian's GDP is flat from 2019 (7001.7, 7030.4亿元) while SEI grows about 11% a year: 2020 near 17%
        assert 0.10 <= added[year] / gdp[year] <= 0.18


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


def test_annual_reports_revise_december_a_little(small, lines):
    """The complete years but the last get an annual report (年报): December's lines of about 98% of the units,
    most revised by about ±1%, on the industrial form and the services form (营业收入)."""
    root, summary = small
    assert list(summary.annual_lines) == [2017]  # 2018 is the city's last year (to 1–2月): no annual report
    folder = root / "raw" / "annual" / "2017"
    assert sorted(p.name for p in folder.iterdir()) == ["01_年报.csv", "02_年报_服务业.csv"]
    rows = {}
    for path in folder.iterdir():
        with path.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            money = "本年累计营业收入(千元)" if path.name.startswith("02") else "本年累计产值(千元)"
            assert money in reader.fieldnames
            for r in reader:
                assert r["报告期"] == "2017年"
                assert (measure_of(r["行业代码"]) == "services") == path.name.startswith("02")
                rows[(r["统一社会信用代码"], r["产品代码"] or r["产品名称"])] = float(r[money])
    assert sum(1 for _ in rows) == summary.annual_lines[2017]
    december = {(l["credit_code"], l["product_code"] or l["product_name"]): float(l["output_ytd"])
                for l in lines if l["folder"] == "2017-12" and l["bucket"] == "accepted" and not l.get("tag")}
    units = {c for c, _ in december}
    reported = {c for c, _ in rows}
    assert 0.9 * len(units) <= len(reported & units) < len(units)  # some units send none: December stands
    ratios = sorted(rows[k] / v for k, v in december.items() if k in rows and v >= 1000)
    assert 0.97 <= ratios[len(ratios) // 2] <= 1.03 and 0.8 <= ratios[0] and ratios[-1] <= 1.2
