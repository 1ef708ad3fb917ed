"""The annual report (年报), raw/annual/YYYY/: read, normalised, judged and landed exactly as a month, its period a year."""

import os

import duckdb
import pandas as pd
import pytest

from sei_stats.config import data_paths
from sei_stats.inputs import read_reviews
from sei_stats.land import LANDED_SQL, LANDING_FORMAT, land_annual, land_month, stale_annual_years
from sei_stats.normalize import normalize_lines, normalize_value
from sei_stats.read import AnnualScan, ReturnFileError, read_annual_with_notes, scan_annual, year_name_for
from sei_stats.schemas.reviews import ReviewError
from sei_stats.validate import find_failures

from conftest import A, B, C, D, make_data_dir, write_csv

DALIAN = {"210202", "210203", "210204", "210211", "210212", "210213", "210214", "210224", "210281", "210283"}


def line(period: str, code: str, output: str, *, product=("397301", "芯片"), district="210213", industry="3973",
         prior: str = "") -> list[str]:
    return [period, code, f"企业{code[-4:]}", district, industry, product[0], product[1], output, prior]


# --- the period of an annual line ------------------------------------------------------------------

@pytest.mark.parametrize(("received", "normalised"), [
    ("2020", "2020"),
    ("2020年", "2020"),
    ("2020年度", "2020"),
    ("2020年报", "2020"),
    ("2020年1-12月", "2020"),
    ("2020年1—12月", "2020"),   # em dash
    ("2020年1–12月", "2020"),   # en dash
    ("2020年1－12月", "2020"),  # full-width hyphen-minus
    ("2020年1〜12月", "2020"),  # wave dash (Unicode dash punctuation)
    ("2020年1−12月", "2020"),   # minus sign
    ("2020年01-12月份", "2020"),
    (" 2020 年 1 - 12 月 ", "2020"),
    ("２０２０", "2020"),       # full-width digits
    ("２０２０年度", "2020"),
    # anything else stays as received, for period_matches_folder to reject
    ("2020-12", "2020-12"),
    ("2020年12月", "2020年12月"),
    ("2020年1-11月", "2020年1-11月"),
    ("2020年2-12月", "2020年2-12月"),
    ("20201", "20201"),
    ("202", "202"),
    ("2020年报表", "2020年报表"),
    ("—", ""),                  # not reported: blank, then rejected as required
])
def test_the_period_of_an_annual_line_is_its_year(received, normalised):
    assert normalize_value("period", received, annual=True) == normalised


def test_a_month_keeps_its_own_period_rules():
    assert normalize_value("period", "2020年度") == "2020年度"  # no annual form in a month's folder
    assert normalize_value("period", "2020年3月") == "2020-03"
    assert normalize_value("period", "2020年3月", annual=True) == "2020年3月"


def test_normalising_annual_lines_lists_the_period_as_changed():
    frame = pd.DataFrame([line("2019年报", A, "1,000"), line("2019", B, "5")]).astype("string")
    frame.columns = ["period", "credit_code", "enterprise_name", "district_code", "industry_code", "product_code",
                     "product_name", "output_ytd", "output_ytd_prior"]
    out = normalize_lines(frame, annual=True)
    assert out["period"].tolist() == ["2019", "2019"]
    assert out["normalized"].tolist() == ["period,output_ytd", ""]


# --- raw/annual/ -----------------------------------------------------------------------------------

def test_year_folders_are_the_years_and_anything_else_is_a_problem_or_litter(tmp_path):
    for name in ("2019", "2018", "2019年", "2019-12", "tmp"):
        write_csv(tmp_path / name / "r.csv", [line(name, A, "1")])
    write_csv(tmp_path / "2019.csv", [line("2019", A, "1")])
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    (tmp_path / ".sync").mkdir()
    scan = scan_annual(tmp_path)
    assert scan.years == ("2018", "2019")
    assert list(scan.problems) == [
        f"{tmp_path / '2019-12'}: not an annual-report folder YYYY, so no year reads it: a month's returns belong in "
        f"raw/returns/2019-12; the annual report of 2019 in {tmp_path / '2019'}",
        f"{tmp_path / '2019.csv'}: a file directly under the annual folder, so no year reads it: move it into its "
        "year's folder YYYY",
        f"{tmp_path / '2019年'}: not an annual-report folder YYYY, so no year reads it: rename it 2019",
        f"{tmp_path / 'tmp'}: not an annual-report folder YYYY, so no year reads it: rename it after the year of its "
        f"annual report (e.g. 2019) or move it out of {tmp_path}",
    ]
    assert list(scan.ignored) == [f"{tmp_path / '.sync'}: ignored, a hidden folder",
                                  f"{tmp_path / 'Thumbs.db'}: ignored, a Windows thumbnail cache"]
    assert scan_annual(tmp_path / "nowhere") == AnnualScan((), (), ())


@pytest.mark.parametrize(("name", "year"), [("2019年", "2019"), ("2019年度", "2019"), ("2019年报", "2019"),
                                            ("２０１９年报", "2019"), ("2019年1-12月", "2019"), ("2019-12", None),
                                            ("tmp", None)])
def test_a_misnamed_year_folder_says_which_year_it_means(name, year):
    assert year_name_for(name) == year


def test_a_year_folder_reads_as_a_month_files_in_correction_order_litter_noted(tmp_path):
    write_csv(tmp_path / "2019" / "b.csv", [line("2019", B, "7")])
    write_csv(tmp_path / "2019" / "a.csv", [line("2019年报", A, "5"), line("2019", B, "6")])
    (tmp_path / "2019" / "~$a.xlsx").write_bytes(b"lock")
    lines, notes = read_annual_with_notes(tmp_path, "2019")
    assert lines[["source_file", "file_order", "line_number", "period", "credit_code"]].values.tolist() == [
        ["2019/a.csv", 0, 2, "2019年报", A], ["2019/a.csv", 0, 3, "2019", B], ["2019/b.csv", 1, 2, "2019", B]]
    assert notes == [f"{tmp_path / '2019' / '~$a.xlsx'}: ignored, an Office lock file (the workbook is open somewhere)"]


def test_a_year_folder_with_a_subfolder_fails_unless_lenient(tmp_path):
    write_csv(tmp_path / "2019" / "a.csv", [line("2019", A, "5")])
    write_csv(tmp_path / "2019" / "补报" / "x.csv", [line("2019", B, "6")])
    with pytest.raises(ReturnFileError, match=r"补报: a subfolder holding 1 file\(s\) .* or out of raw/annual/; "
                                              r"nothing of 2019 is read"):
        read_annual_with_notes(tmp_path, "2019")
    lines, notes = read_annual_with_notes(tmp_path, "2019", lenient=True)
    assert len(lines) == 1 and notes[0].startswith(f"warning: {tmp_path / '2019' / '补报'}: a subfolder")


def test_a_missing_year_folder_names_a_misnamed_one(tmp_path):
    write_csv(tmp_path / "2019年报" / "a.csv", [line("2019", A, "5")])
    with pytest.raises(ReturnFileError, match=r"2019: no annual-report folder for 2019 \(.*2019年报 is misnamed: rename it 2019\)"):
        read_annual_with_notes(tmp_path, "2019")


# --- judging: the period rule accepts the folder's year --------------------------------------------

def test_the_period_rule_of_an_annual_report_accepts_exactly_its_year(tmp_path):
    write_csv(tmp_path / "2019" / "a.csv", [line("2019", A, "5"), line("2019-12", B, "6"), line("2018", C, "7")])
    lines = normalize_lines(read_annual_with_notes(tmp_path, "2019")[0], annual=True)
    failed = find_failures(lines, "2019", DALIAN)
    assert failed[["row", "rule", "field", "severity", "message"]].values.tolist() == [
        [1, "period_matches_folder", "period", "reject", "period is not YYYY of the annual report's folder, 2019: '2019-12'"],
        [2, "period_matches_folder", "period", "reject", "period is not YYYY of the annual report's folder, 2019: '2018'"],
    ]
    # a month's rule is unchanged: a year in a month's folder is rejected
    assert find_failures(lines.assign(period="2019-12"), "2019-12", DALIAN).empty
    assert find_failures(lines.head(1), "2019-12", DALIAN)["message"].tolist() == [
        "period is not YYYY-MM of the folder, 2019-12: '2019'"]


# --- landing -----------------------------------------------------------------------------------------

PRODUCTS_BY_YEAR = """code,kind,name,area,field,key_field,nbs_code,valid_from,valid_to,source,verified
3973,product,集成电路,新一代信息技术,集成电路,true,1.2,2017-01,2018-12,test,false
3974,product,光电子器件,新一代信息技术,集成电路,true,1.2,2019-01,,test,false
3491,industry,工业机器人制造,高端装备与新材料,智能装备,true,2.1,2017-01,,test,false
"""


@pytest.fixture
def city_2019(tmp_path):
    """The test city with the annual report of 2019 in two files: B corrects itself in b.csv, C's period is a month's,
    D's credit code is an early pilot code on the 2019 roster; the catalog's 3973 ends with 2018, 3974 starts 2019."""
    paths = make_data_dir(tmp_path / "data")
    (paths.catalog / "products.csv").write_text(PRODUCTS_BY_YEAR, encoding="utf-8")
    pilot = D[:-1] + ("X" if D[-1] != "X" else "Y")
    paths.roster_dir.mkdir(parents=True)
    paths.roster_file(2019).write_text(
        "credit_code,enterprise_name,district_code,zone_id,industry_code,area\n"
        f"{pilot},企业D,210204,,3491,高端装备与新材料\n", encoding="utf-8")
    write_csv(paths.annual_folder(2019) / "a.csv", [
        line("2019年报", A, "40000000", prior="36000000"),                                    # line 2: 397301, not SEI in 2019
        line("2019", A, "1000", product=("397401", "光电子器件")),                              # line 3: SEI by 3974
        line("2019", B, "13000000", product=("", "工业机器人"), district="210211", industry="3491"),  # line 4: superseded
        line("2019-12", C, "6000000", product=("171301", "棉布"), district="210202", industry="1713"),  # line 5: rejected
    ])
    write_csv(paths.annual_folder(2019) / "b.csv", [
        line("２０１９年1—12月", B, "13500000", product=("", "工业机器人"), district="210211", industry="3491"),
        line("2019", pilot, "2000000", product=("", "焊接机器人"), district="210204", industry="3491"),
    ])
    return paths, pilot


def test_land_annual_writes_one_landing_of_the_year_with_its_buckets(city_2019):
    paths, pilot = city_2019
    landed = land_annual(paths, 2019)
    assert landed.period == "2019"
    assert landed.path == paths.root / "landed" / "annual" / "2019" / f"{landed.landing_id}.parquet"
    assert landed.path.exists() and not list(landed.path.parent.glob(".*partial"))
    assert landed.files == ["2019/a.csv", "2019/b.csv"]
    assert (landed.rows_received, landed.buckets) == (6, {
        "accepted": 4, "rejected": 1, "superseded": 1, "duplicate": 0, "not_a_return": 0, "held": 0})
    assert landed.rules_failed == {"credit_code_check_roster": 1, "period_matches_folder": 1}
    assert landed.rows_unclassified == 1  # A's 397301: catalog entry 3973 ended with 2018
    rows = duckdb.execute(
        "SELECT period, source_file, line_number, period_reported, credit_code, status, superseded_by, is_sei, catalog_code, "
        "failures, received_text, landing_format FROM read_parquet(?) ORDER BY source_file, line_number",
        [str(landed.path)]).fetchall()
    december = pd.Timestamp("2019-12-01").date()
    assert [r[:9] for r in rows] == [
        (december, "2019/a.csv", 2, "2019", A, "accepted", None, False, None),
        (december, "2019/a.csv", 3, "2019", A, "accepted", None, True, "3974"),
        (december, "2019/a.csv", 4, "2019", B, "superseded", "2019/b.csv", None, None),
        (december, "2019/a.csv", 5, "2019-12", C, "rejected", None, None, None),
        (december, "2019/b.csv", 2, "2019", B, "accepted", None, True, "3491"),
        (december, "2019/b.csv", 3, "2019", pilot, "accepted", None, True, "3491"),
    ]
    failures = {(r[1], r[2]): r[9] for r in rows}
    # the rejected line names its file and line (the landed row), its field, its rule and the value as received
    assert failures[("2019/a.csv", 5)] == [{"rule": "period_matches_folder", "field": "period", "severity": "reject",
                                            "message": "period is not YYYY of the annual report's folder, 2019: '2019-12'"}]
    assert [f["rule"] for f in failures[("2019/b.csv", 3)]] == ["credit_code_check_roster"]  # the roster excuses it
    assert rows[0][10] == "period='2019年报'" and rows[4][10] == "period='２０１９年1—12月'"
    assert {r[11] for r in rows} == {LANDING_FORMAT}


def test_an_annual_landing_has_the_columns_of_a_month(city_2019):
    paths, _ = city_2019
    annual = land_annual(paths, "2019")
    month = land_month(paths, "2018-12")
    columns = "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))"
    assert duckdb.execute(columns, [str(annual.path)]).fetchall() == duckdb.execute(columns, [str(month.path)]).fetchall()
    assert "period_reported" in LANDED_SQL and paths.landed_periods() == ["2018-12"]  # landed/returns/ holds no year


def test_the_annual_landings_of_a_year_are_versions_the_newest_current(city_2019):
    paths, _ = city_2019
    assert paths.annual == paths.root / "raw" / "annual" and paths.annual_folder(2019) == paths.annual / "2019"
    assert paths.landed_annual == paths.root / "landed" / "annual"
    assert (paths.landed_annual_years(), paths.annual_landing_versions(2019), paths.current_annual_landing(2019)) == ([], [], None)
    first = land_annual(paths, 2019)
    assert land_annual(paths, "2019").path == first.path  # the same files again: the landing is kept
    with open(paths.annual_folder(2019) / "b.csv", "a", encoding="utf-8") as f:  # a line more: a new version
        f.write(f"2019,{B},企业B,210211,3491,,工业机器人,100,\n")
    second = land_annual(paths, "2019")
    (paths.landed_annual / "2018").mkdir()  # a folder without a landing is no landed year
    assert paths.landed_annual_years() == ["2019"]
    assert paths.annual_landing_versions("2019") == [first.path, second.path]
    assert paths.current_annual_landing(2019) == second.path


def test_a_year_is_stale_until_landed_and_again_when_a_file_is_newer(city_2019):
    paths, _ = city_2019
    assert list(stale_annual_years(paths)) == ["2019"]
    landed = land_annual(paths, 2019)
    assert stale_annual_years(paths) == {}
    later = landed.path.stat().st_mtime_ns + 10**9
    os.utime(paths.annual_folder(2019) / "b.csv", ns=(later, later))
    assert stale_annual_years(paths) == {"2019": later}


def test_a_year_that_is_no_year_is_refused(city_2019):
    paths, _ = city_2019
    with pytest.raises(ValueError, match=r"year '2019-12' is not YYYY"):
        land_annual(paths, "2019-12")


# --- reviews of the annual report: raw/reviews/YYYY.csv --------------------------------------------

REVIEW = "credit_code,product,rule,decision,field,corrected_value,reviewer,note\n{code},397301,growth_outlier,accept,,,王统计,\n"


def test_reviews_of_an_annual_report_are_read_with_report_annual_and_december(tmp_path):
    paths = data_paths(tmp_path / "data")
    paths.reviews_dir.mkdir(parents=True)
    paths.annual_review_file(2019).write_text(REVIEW.format(code=A), encoding="utf-8")
    paths.review_file("2019-12").write_text(REVIEW.format(code=B), encoding="utf-8")
    reviews = read_reviews(paths)
    assert reviews[["credit_code", "period", "report", "review_file"]].values.tolist() == [
        [B, pd.Timestamp("2019-12-01"), "monthly", "reviews/2019-12.csv"],  # files in name order: '-' before '.'
        [A, pd.Timestamp("2019-12-01"), "annual", "reviews/2019.csv"],
    ]


def test_no_reviews_still_has_the_report_column(tmp_path):
    assert "report" in read_reviews(data_paths(tmp_path / "data")).columns


@pytest.mark.parametrize("name", ["2019年.csv", "19.csv", "2019-13.csv", "notes.csv"])
def test_any_other_review_file_name_fails(tmp_path, name):
    paths = data_paths(tmp_path / "data")
    paths.reviews_dir.mkdir(parents=True)
    (paths.reviews_dir / name).write_text(REVIEW.format(code=A), encoding="utf-8")
    with pytest.raises(ReviewError, match=r"a review file is named after its report period, YYYY-MM.csv, "
                                          r"or for the annual report after its year, YYYY.csv"):
        read_reviews(paths)
