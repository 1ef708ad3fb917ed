"""The registries of the plan's other targets (raw/registry/), counted by hand.

Plan p (baseline 2017, target 2020): new platforms ≥ 5 个, 龙头企业 ≥ 4 家, 创新型领军企业 ≥ 2 家.
A and B report in December 2017–2020 (SEI, as in test_targets.py); C reports a textile line (not SEI)
in December 2018 only; E, F and G never report.

platforms.csv (new: recognised after the baseline year 2017)
  P1 national   2017-05-10  not new (baseline year)
  P2 provincial 2018-03     2018
  P2 national   2018-11-30  2018 (the same name at another level: another recognition)
  P3 municipal  2019-01-15  2019
  P4 provincial 2020-01-01  2020
  P5 municipal  2020-06-01  2020
  P6 municipal  2021-02-01  after the target year
  new by the end of: 2018 2, 2019 3, 2020 5

enterprises.csv (held at the year's end: designated by then, not withdrawn by then)
  A leading            2016-06                     2017 2018 2019 2020
  B leading            2017-12-31                  2017 2018 2019 2020
  E leading            2019-04-01                            2019 2020
  A innovative_leader  2018-05-20                       2018 2019 2020
  F innovative_leader  2017-03-01 (withdrawn 2019-06-30)  2017 2018
  B innovative_leader  2020-12                                   2020
  G innovative_leader  2021-01-10                 (none of them)
  leading:            2017 2, 2018 2, 2019 3, 2020 3
  innovative_leader:  2017 1, 2018 2, 2019 1, 2020 2

Linear paths (before 2020), from 0 new platforms and from the 2017 counts:
  platforms  2018 5 × 1/3 = 1.667 (2 on track)      2019 5 × 2/3 = 3.333 (3 behind)
  leading    2018 2 + 2 × 1/3 = 2.667 (2 behind)    2019 2 + 2 × 2/3 = 3.333 (3 behind)
  innovative 2018: 2 reaches 2 already (met, not final); 2019 1 + 1 × 2/3 = 1.667 (1 behind)
Projections to 2020 along the line from the 2017 count through the year read:
  platforms 2018 2 × 3 = 6, 2019 3 × 3/2 = 4.5; leading 2018 2, 2019 2 + 1 × 3/2 = 3.5;
  innovative 2018 1 + 1 × 3 = 4, 2019 1.
2020 (final): platforms 5 ≥ 5 met, leading 3 < 4 missed, innovative 2 ≥ 2 met.
"""

from __future__ import annotations

import duckdb
import pytest

from sei_stats.credit_code import check_character
from sei_stats.headline import target_table
from sei_stats.inputs import read_designated_enterprises, read_platforms
from sei_stats.land import land_month
from sei_stats.publish import publish
from sei_stats.schemas.registry import RegistryError

from conftest import A, B, C, credit_code, make_data_dir, return_rows, write_csv

approx = pytest.approx

E = credit_code("91210213MA0000005")
F = credit_code("91210211MA0000006")
G = credit_code("91210202MA0000007")

# year -> (A output, A prior, B output, B prior), 千元 (test_targets.py's city)
DECEMBERS = {
    2017: ("30000000", "25000000", "10000000", "8000000"),
    2018: ("36000000", "30000000", "12000000", "10000000"),
    2019: ("43200000", "36000000", "14400000", "12000000"),
    2020: ("46656000", "43200000", "15552000", "14400000"),
}

TARGETS = """plans:
  - plan_id: p
    title: 测试方案
    document: 测试文件
    baseline_year: 2017
    target_year: 2020
    targets:
      - {indicator: output_value, label: 产值, value: 1000, unit: 亿元, comparison: at_least}
      - {indicator: new_platforms, label: 新建各级创新平台, value: 5, unit: 个, comparison: at_least}
      - {indicator: leading_enterprises, label: 培育龙头企业, value: 4, unit: 家, comparison: at_least}
      - {indicator: innovative_leaders, label: 培育创新型领军企业, value: 2, unit: 家, comparison: at_least}
"""

PLATFORMS = """name,level,kind,area,field,host_credit_code,recognised_date,source
P1芯片工程研究中心,national,工程研究中心,新一代信息技术,集成电路,{A},2017-05-10,文件1
P2机器人技术创新中心,provincial,技术创新中心,高端装备与新材料,智能装备,{B},2018-03,文件2
P2机器人技术创新中心,国家级,技术创新中心,高端装备与新材料,智能装备,{B},2018-11-30,文件3
P3企业技术中心,municipal,企业技术中心,新一代信息技术,,{A},2019-01-15,文件4
P4联合创新平台,provincial,国家地方联合创新平台,生物健康,生物医药,{E},2020-01-01,文件5
P5企业技术中心,市级,企业技术中心,高端装备与新材料,,{B},2020-06-01,文件6
P6企业技术中心,municipal,企业技术中心,节能环保,,{F},2021-02-01,文件7
"""

ENTERPRISES = """credit_code,enterprise_name,designation,area,field,recognised_date,source,withdrawn_date
{A},企业A,leading,新一代信息技术,集成电路,2016-06,文件1,
{B},企业B,龙头企业,高端装备与新材料,智能装备,2017-12-31,文件2,
{E},企业E,leading,生物健康,,2019-04-01,文件3,
{A},企业A,innovative_leader,新一代信息技术,集成电路,2018-05-20,文件4,
{F},企业F,创新型领军企业,节能环保,,2017-03-01,文件5,2019-06-30
{B},企业B,innovative_leader,高端装备与新材料,智能装备,2020-12,文件6,
{G},企业G,innovative_leader,文化创意,,2021-01-10,文件7,
"""

COLUMNS = ("indicator, actual_value, baseline_value, path_value, projected_value, strftime(as_of, '%Y-%m'), status, "
           "final, reason, judged_value")
COUNTS = ("new_platforms", "leading_enterprises", "innovative_leaders")


def make_city(root, *, registry: bool = True):
    """A and B in every December 2017–2020 (C's textile line in 2018), the plan above and, if asked, the registry."""
    city = {f"{y}-12": [(A, "210213", "3973", "397301", "芯片", a, ap), (B, "210211", "3491", "", "工业机器人", b, bp)]
            for y, (a, ap, b, bp) in DECEMBERS.items()}
    paths = make_data_dir(root, city)
    write_csv(paths.returns / "2018-12" / "returns_c.csv",
              return_rows("2018-12", [(C, "210202", "1713", "171301", "棉布", "6000000", "5000000")]))
    paths.gdp_csv.write_text("year,quarter,gdp_ytd\n" + "".join(f"{y},4,5000\n" for y in DECEMBERS), encoding="utf-8")
    paths.va_rates_csv.write_text("year,industry_division,va_rate\n" + "".join(
        f"{y},39,0.25\n{y},34,0.30\n" for y in DECEMBERS), encoding="utf-8")
    (paths.catalog / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    if registry:
        paths.registry_dir.mkdir()
        paths.platforms_csv.write_text(PLATFORMS.format(A=A, B=B, E=E, F=F), encoding="utf-8")
        paths.designated_enterprises_csv.write_text(ENTERPRISES.format(A=A, B=B, E=E, F=F, G=G), encoding="utf-8")
    return paths


def publish_years(paths, years) -> duckdb.DuckDBPyConnection:
    for year in years:
        land_month(paths, f"{year}-12")
    return duckdb.connect(str(publish(paths).detail), read_only=True)


def counts(con) -> dict:
    rows = con.execute(f"SELECT {COLUMNS} FROM mart.target_progress WHERE indicator IN {COUNTS}").fetchall()
    return {r[0]: r[1:] for r in rows}


def test_the_registry_counts_match_the_hand_count_before_and_at_the_target_year(tmp_path):
    paths = make_city(tmp_path / "data")

    con = publish_years(paths, [2017, 2018])
    assert counts(con) == {
        "new_platforms": (2, 0, approx(5 / 3), approx(6), "2018-12", "on track", False, None, 2),
        "leading_enterprises": (2, 2, approx(2 + 2 / 3), approx(2), "2018-12", "behind", False, None, 2),
        "innovative_leaders": (2, 1, approx(1 + 1 / 3), approx(4), "2018-12", "met", False, None, 2),
    }
    # the counts are read on the same year as the plan's other targets
    assert con.execute("SELECT strftime(as_of, '%Y-%m') FROM mart.target_progress WHERE indicator = 'output_value'"
                       ).fetchall() == [("2018-12",)]
    con.close()

    con = publish_years(paths, [2019])
    assert counts(con) == {
        "new_platforms": (3, 0, approx(10 / 3), approx(4.5), "2019-12", "behind", False, None, 3),
        "leading_enterprises": (3, 2, approx(2 + 4 / 3), approx(3.5), "2019-12", "behind", False, None, 3),
        "innovative_leaders": (1, 1, approx(1 + 2 / 3), approx(1), "2019-12", "behind", False, None, 1),
    }
    con.close()

    con = publish_years(paths, [2020])
    assert counts(con) == {
        "new_platforms": (5, 0, None, 5, "2020-12", "met", True, None, 5),
        "leading_enterprises": (3, 2, None, 3, "2020-12", "missed", True, None, 3),
        "innovative_leaders": (2, 1, None, 2, "2020-12", "met", True, None, 2),
    }
    assert con.execute("SELECT indicator, unit, target_value, gap FROM mart.target_progress WHERE indicator IN "
                       f"{COUNTS} ORDER BY indicator").fetchall() == [
        ("innovative_leaders", "家", 2, 0), ("leading_enterprises", "家", 4, -1), ("new_platforms", "个", 5, 0)]
    assert con.execute("SELECT indicator, designation FROM ref.targets WHERE designation IS NOT NULL ORDER BY 1").fetchall() == [
        ("innovative_leaders", "innovative_leader"), ("leading_enterprises", "leading")]
    # the headline prints a count whole, with its unit
    table = target_table(con).set_index("目标")
    assert table.loc["新建各级创新平台", ["目标值", "实际值", "状态"]].tolist() == ["5 个", "5 个", "已实现 (met)"]
    assert table.loc["培育龙头企业", ["目标值", "实际值", "状态"]].tolist() == ["4 家", "3 家", "未实现 (missed)"]
    con.close()


def test_registry_enterprises_are_joined_to_their_output_internally(tmp_path):
    paths = make_city(tmp_path / "data")
    con = publish_years(paths, [2017, 2018])
    rows = con.execute("SELECT year, credit_code, designation, holds_designation, in_frame, frame_source, output_value, "
                       "output_imputed, output_total FROM qa.registry_enterprises WHERE year = 2018").fetchall()
    got = {(code, designation): tuple(rest) for _, code, designation, *rest in rows}
    # A: 36,000,000 千元 = 360亿元; B: 120亿元; C is no registry enterprise; E, F, G never report
    assert got == {
        (A, "leading"): (True, True, "derived", approx(360), 0, approx(360)),
        (B, "leading"): (True, True, "derived", approx(120), 0, approx(120)),
        (E, "leading"): (False, False, None, None, None, None),
        (A, "innovative_leader"): (True, True, "derived", approx(360), 0, approx(360)),
        (F, "innovative_leader"): (True, False, None, None, None, None),
        (B, "innovative_leader"): (False, True, "derived", approx(120), 0, approx(120)),
        (G, "innovative_leader"): (False, False, None, None, None, None),
    }
    assert con.execute("SELECT DISTINCT year FROM qa.registry_enterprises ORDER BY 1").fetchall() == [(2017,), (2018,)]
    assert con.execute("SELECT count(*) FROM ref.registry_platforms").fetchone() == (7,)
    con.close()
    # The registries name enterprises: not in the analysts' file (their counts are)
    with duckdb.connect(str(paths.warehouse), read_only=True) as analysts:
        tables = {r for r, in analysts.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()}
        assert "ref.registry_platforms" not in tables and "ref.registry_enterprises" not in tables
        assert not any(t.startswith("qa") for t in tables)
        assert {"ref.designations", "ref.platform_levels", "mart.target_progress"} <= tables
        assert analysts.execute("SELECT count(*) FROM mart.target_progress WHERE indicator IN "
                                f"{COUNTS} AND actual_value IS NOT NULL").fetchone() == (3,)


def test_a_designated_enterprise_reporting_no_sei_line_shows_its_other_output(tmp_path):
    paths = make_city(tmp_path / "data")
    with paths.designated_enterprises_csv.open("a", encoding="utf-8") as f:
        f.write(f"{C},企业C,leading,文化创意,,2018-01-01,文件8,\n")
    con = publish_years(paths, [2017, 2018])
    # C's 棉布 line is in the figures (60亿元) but not SEI
    assert con.execute("SELECT year, in_frame, output_value, output_total FROM qa.registry_enterprises "
                       "WHERE credit_code = ? ORDER BY year", [C]).fetchall() == [
        (2017, False, None, None), (2018, True, None, approx(60))]
    assert counts(con)["leading_enterprises"][0] == 3  # A, B and C held at the end of 2018
    con.close()


def test_without_a_registry_the_counts_cannot_be_judged_and_say_why(tmp_path):
    paths = make_city(tmp_path / "data", registry=False)
    con = publish_years(paths, [2017, 2018])
    got = counts(con)
    assert got["new_platforms"] == (None, None, None, None, "2018-12", "cannot judge", False,
                                    "no registry: raw/registry/platforms.csv is absent", None)
    for indicator in ("leading_enterprises", "innovative_leaders"):
        assert got[indicator][5:8] == ("cannot judge", False, "no registry: raw/registry/enterprises.csv is absent")
    # the other targets are judged as ever
    assert con.execute("SELECT status FROM mart.target_progress WHERE indicator = 'output_value'").fetchall() == [("behind",)]
    assert con.execute("SELECT count(*) FROM qa.registry_enterprises").fetchone() == (0,)
    assert dict(con.execute("SELECT input, version FROM ref.input_versions WHERE input LIKE 'registry%'").fetchall()) == {
        "registry_platforms": "absent", "registry_enterprises": "absent"}
    con.close()


# --- the contract ------------------------------------------------------------------------------------


def registry_dir(tmp_path):
    paths = make_data_dir(tmp_path / "data", {})
    paths.registry_dir.mkdir()
    paths.platforms_csv.write_text(PLATFORMS.format(A=A, B=B, E=E, F=F), encoding="utf-8")
    paths.designated_enterprises_csv.write_text(ENTERPRISES.format(A=A, B=B, E=E, F=F, G=G), encoding="utf-8")
    return paths


def test_the_registries_read_codes_or_labels_and_dates_or_months(tmp_path):
    paths = registry_dir(tmp_path)
    platforms = read_platforms(paths)
    assert platforms["level"].tolist() == ["national", "provincial", "national", "municipal", "provincial", "municipal",
                                           "municipal"]
    assert platforms["recognised_date"].dt.strftime("%Y-%m-%d").tolist()[:3] == ["2017-05-10", "2018-03-01", "2018-11-30"]
    enterprises = read_designated_enterprises(paths)
    assert enterprises["designation"].value_counts().to_dict() == {"innovative_leader": 4, "leading": 3}
    assert enterprises["withdrawn_date"].notna().sum() == 1


def _broken(paths, which: str, old: str, new: str):
    path = paths.platforms_csv if which == "platforms" else paths.designated_enterprises_csv
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return read_platforms if which == "platforms" else read_designated_enterprises


@pytest.mark.parametrize("which, old, new, message", [
    ("platforms", "2019-01-15", "2019-02-30",
     r"platforms.csv: line 5: recognised_date '2019-02-30' fails a date YYYY-MM-DD, or a month YYYY-MM; 1 failure\(s\) in all"),
    ("platforms", "2020-06-01", "2020/06/01", r"platforms.csv: line 7: recognised_date '2020/06/01' fails a date YYYY-MM-DD"),
    ("enterprises", "2017-12-31", "2017-13", r"enterprises.csv: line 3: recognised_date '2017-13' fails a date"),
    ("enterprises", "2019-06-30", "2016-01-01", r"enterprises.csv: line 6: fails withdrawn_date after recognised_date "
                                                r"\(recognised_date '2017-03-01', withdrawn_date '2016-01-01'\); 1 failure"),
    ("platforms", E, E[:17] + ("0" if E[17] != "0" else "1"),
     rf"platforms.csv: line 6: host_credit_code '{E[:17]}.' fails a valid credit code \(GB 32100-2015: 18 characters, "
     rf"check character\): check character is ., GB 32100-2015 gives {check_character(E[:17])}"),
    ("enterprises", G, G[:16], r"enterprises.csv: line 8: credit_code '.{16}' fails a valid credit code .*: has 16 characters, not 18"),
    ("platforms", ",municipal,企业技术中心,新一代信息技术", ",city,企业技术中心,新一代信息技术",
     r"line 5: level 'city' fails one of national \(国家级\), provincial \(省级\), municipal \(市级\)"),
    ("enterprises", "{G},企业G,innovative_leader", "{G},企业G,champion",
     r"line 8: designation 'champion' fails one of leading \(龙头企业\)"),
    ("enterprises", "生物健康", "生物医药", r"line 4: area '生物医药' fails one of the plan's six areas"),
    ("platforms", "P3企业技术中心,municipal", "P2机器人技术创新中心,provincial",
     r"line 5: fails name and level listed once \(a platform is recognised once at a level\) "
     r"\(name 'P2机器人技术创新中心', level 'provincial'\)"),
    ("enterprises", "source,withdrawn_date", "document,withdrawn_date", r"enterprises.csv: line 1: missing columns source"),
])
def test_a_broken_registry_names_the_file_line_field_and_rule(tmp_path, which, old, new, message):
    paths = registry_dir(tmp_path)
    if "{G}" in old:
        old, new = old.format(G=G), new.format(G=G)
    read = _broken(paths, which, old, new)
    with pytest.raises(RegistryError, match=message):
        read(paths)


def test_publishing_a_broken_registry_fails_naming_it(tmp_path):
    paths = make_city(tmp_path / "data")
    _broken(paths, "platforms", "2018-11-30", "2018-11-31")
    land_month(paths, "2017-12")
    with pytest.raises(RegistryError, match=r"registry/platforms.csv: line 4: recognised_date '2018-11-31' fails"):
        publish(paths)


@pytest.mark.parametrize("change, message", [
    (("value: 5, unit: 个", "value: 5.5, unit: 个"), r"targets\[1\] \(new_platforms\): value 5.5 must be a whole number above 0"),
    (("value: 4, unit: 家, comparison: at_least", "value: 4, unit: 家, comparison: about, tolerance: 1"),
     r"targets\[2\] \(leading_enterprises\): comparison 'about' must be at_least for a count"),
    (("value: 5, unit: 个", "value: 5, unit: 家"), r"\(new_platforms\): unit '家' must be '个'"),
    (("indicator: innovative_leaders", "indicator: leaders"), r"indicator 'leaders' is not one of"),
])
def test_a_broken_count_target_names_the_key(tmp_path, change, message):
    from sei_stats.catalog import CatalogError, read_targets

    (tmp_path / "targets.yaml").write_text(TARGETS.replace(*change, 1), encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        read_targets(tmp_path)
