"""The reporting calendar (sei_stats.calendar), the setting calendar.january_reported and its layers, and what
a January folder means under each calendar: hand-computed, with and without January."""

import duckdb
import pandas as pd
import pytest

from sei_stats import settings
from sei_stats.calendar import Calendar, calendar_in_force, from_warehouse
from sei_stats.config import data_paths
from sei_stats.impute import _running
from sei_stats.read import ReturnFileError, available_periods, read_period, scan_returns
from sei_stats.settings import SettingsError, load_settings

from conftest import A, return_rows, set_calendar, write_csv

WITHOUT, WITH = Calendar(), Calendar(january_reported=True)


# --- the calendar ----------------------------------------------------------------------------------

def test_without_january_the_first_report_of_a_year_is_1_2月():
    assert WITHOUT.months == (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    assert [WITHOUT.is_reported(p) for p in ("2020-01", "2020-02", "2020-12")] == [False, True, True]
    assert WITHOUT.first_period(2020) == "2020-02"
    assert WITHOUT.periods("2019-11", "2020-03") == ["2019-11", "2019-12", "2020-02", "2020-03"]
    assert WITHOUT.label("2020-02") == "2020年1–2月" and WITHOUT.label("2020-03") == "2020年1–3月"
    assert WITHOUT.label("2020-12") == "2020年1–12月"
    assert [WITHOUT.short_label(f"2020-{m:02d}") for m in (2, 3, 10)] == ["1–2月", "1–3月", "1–10月"]
    with pytest.raises(ValueError, match=r"^2020-01: January is not a report period"):
        WITHOUT.label("2020-01")
    with pytest.raises(ValueError, match="2020-01: January is not a report period"):
        WITHOUT.short_label("2020-01")


def test_with_january_reported_january_is_1月():
    assert WITH.months == tuple(range(1, 13))
    assert WITH.is_reported("2020-01") and WITH.first_period(2020) == "2020-01"
    assert WITH.label("2020-01") == "2020年1月" and WITH.short_label("2020-01") == "1月"
    assert WITH.label("2020-02") == "2020年1–2月" and WITH.short_label("2020-02") == "1–2月"
    assert WITH.periods("2019-12", "2020-02") == ["2019-12", "2020-01", "2020-02"]
    assert WITH.not_reported("2020-01") == ""


def test_the_report_period_before_and_after():
    assert WITHOUT.previous_reported("2020-02") == "2019-12"  # the run goes on across the year end
    assert WITHOUT.previous_reported("2020-03") == "2020-02"
    assert WITHOUT.previous_reported("2020-01") == "2019-12"
    assert WITHOUT.next_reported("2019-12") == "2020-02"
    assert WITH.previous_reported("2020-02") == "2020-01" and WITH.previous_reported("2020-01") == "2019-12"
    assert WITH.next_reported("2019-12") == "2020-01"


def test_why_january_is_no_report_period_names_the_setting_and_where_its_returns_belong():
    why = Calendar(source="config/quality.yaml", settings_file="/data/config/settings.yaml").not_reported("2020-01")
    assert why == ("January is not a report period (calendar.january_reported is false in config/quality.yaml; "
                   "set it to true in /data/config/settings.yaml to report 1月): its returns belong in 2020-02 as 1–2月")
    assert WITHOUT.not_reported("2020-02") == ""
    with pytest.raises(ValueError, match="YYYY-MM"):
        WITHOUT.is_reported("2020-13")


def test_the_calendar_a_warehouse_was_published_under():
    con = duckdb.connect()
    assert from_warehouse(con) == WITH  # no ref.settings: published when every month was a report period
    con.execute("CREATE SCHEMA ref; CREATE TABLE ref.settings (section VARCHAR, name VARCHAR, value DOUBLE)")
    con.execute("INSERT INTO ref.settings VALUES ('calendar', 'january_reported', 0)")
    assert from_warehouse(con) == WITHOUT
    con.execute("UPDATE ref.settings SET value = 1")
    assert from_warehouse(con) == WITH
    assert con.execute("SELECT 1").fetchall() == [(1,)]  # nothing left unfinished on the caller's connection


# --- the setting, its layers and its type -------------------------------------------------------------

@pytest.fixture
def no_repo_overrides(monkeypatch, tmp_path):
    """config/quality.yaml as an empty file (the repo's is untouched)."""
    path = tmp_path / "quality.yaml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setattr(settings, "OVERRIDES", path)
    return path


def test_the_packaged_default_is_false_and_published_as_0(no_repo_overrides, tmp_path):
    loaded = load_settings(data=tmp_path / "data")
    assert loaded.calendar == {"january_reported": False}
    assert loaded.source("calendar", "january_reported") == "src/sei_stats/defaults.yaml"
    assert loaded.data_file == tmp_path / "data" / "config" / "settings.yaml"
    assert float(loaded.calendar["january_reported"]) == 0.0  # ref.settings stores it as 0 or 1
    assert calendar_in_force(tmp_path / "data") == WITHOUT


def test_the_data_folders_settings_override_the_repos_which_override_the_defaults(no_repo_overrides, tmp_path):
    paths = data_paths(tmp_path / "data")
    no_repo_overrides.write_text("calendar:\n  january_reported: true\nimputation:\n  min_stratum_respondents: 5\n",
                                 encoding="utf-8")
    loaded = load_settings(data=paths)
    assert loaded.calendar == {"january_reported": True} and loaded.imputation == {"min_stratum_respondents": 5}
    assert loaded.source("calendar", "january_reported") == str(no_repo_overrides)
    set_calendar(paths, january_reported=False)  # the data folder's file wins
    loaded = load_settings(data=paths)
    assert loaded.calendar == {"january_reported": False} and loaded.imputation == {"min_stratum_respondents": 5}
    assert loaded.source("calendar", "january_reported") == str(paths.settings_yaml)
    paths.settings_yaml.write_text("rules:\n  growth_outlier:\n    max_abs_growth: 2.5\nchecks:\n"
                                   "  max_nonresponse_rate: 0.2\n", encoding="utf-8")
    loaded = load_settings(data=paths)  # any section, the same format as config/quality.yaml
    assert loaded.param("growth_outlier", "max_abs_growth") == 2.5 and loaded.checks["max_nonresponse_rate"] == 0.2
    assert loaded.calendar == {"january_reported": True}  # config/quality.yaml's again
    assert calendar_in_force(paths) == WITH and calendar_in_force(paths).not_reported("2021-01") == ""


def test_existing_callers_pass_the_overrides_file_alone(no_repo_overrides, tmp_path, monkeypatch):
    monkeypatch.setenv("SEI_DATA_DIR", str(tmp_path / "data"))
    other = tmp_path / "other.yaml"
    other.write_text("calendar:\n  january_reported: true\n", encoding="utf-8")
    assert load_settings(other).calendar == {"january_reported": True}
    assert load_settings().calendar == {"january_reported": False}
    set_calendar(data_paths(tmp_path / "data"), january_reported=True)  # SEI_DATA_DIR's folder by default
    assert load_settings().calendar == {"january_reported": True}


@pytest.mark.parametrize("value", ["1", "yes please", "0.0"])
def test_a_yes_no_setting_takes_true_or_false_only(no_repo_overrides, tmp_path, value):
    paths = data_paths(tmp_path / "data")
    paths.settings_yaml.parent.mkdir(parents=True)
    paths.settings_yaml.write_text(f"calendar:\n  january_reported: {value}\n", encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings(data=paths)
    assert str(error.value).startswith(f"{paths.settings_yaml}: calendar.january_reported: ")
    assert str(error.value).endswith("is not true or false")


def test_a_number_setting_refuses_a_yes_no_and_an_unknown_key_is_named(no_repo_overrides, tmp_path):
    paths = data_paths(tmp_path / "data")
    paths.settings_yaml.parent.mkdir(parents=True)
    paths.settings_yaml.write_text("imputation:\n  min_stratum_respondents: true\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"settings\.yaml: imputation\.min_stratum_respondents: True is not a number"):
        load_settings(data=paths)
    paths.settings_yaml.write_text("calendar:\n  february_reported: true\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"settings\.yaml: calendar\.february_reported: unknown setting \(known: "
                                            r"january_reported\)"):
        load_settings(data=paths)
    paths.settings_yaml.write_text("kalender:\n  january_reported: true\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"settings\.yaml: unknown section 'kalender'"):
        load_settings(data=paths)
    no_repo_overrides.write_text("calendar:\n  january_reported: 1\n", encoding="utf-8")  # the repo's file alike
    paths.settings_yaml.unlink()
    with pytest.raises(SettingsError, match=r"quality\.yaml: calendar\.january_reported: 1 is not true or false"):
        load_settings(data=paths)


# --- a January folder ----------------------------------------------------------------------------

def _returns(tmp_path, *periods):
    paths = data_paths(tmp_path / "data")
    for period in periods:
        write_csv(paths.returns / period / "r.csv", return_rows(period, [(A, "210213", "3973", "397301", "芯片", "10", "")]))
    return paths


def test_a_january_folder_is_a_problem_naming_the_folder_and_the_setting(no_repo_overrides, tmp_path):
    paths = _returns(tmp_path, "2019-12", "2020-01", "2020-02")
    scan = scan_returns(paths.returns)  # the data folder's calendar: the default
    assert scan.periods == ("2019-12", "2020-02")
    [problem] = scan.problems
    assert problem.path == paths.returns / "2020-01"
    assert str(problem) == (f"{paths.returns / '2020-01'}: January is not a report period (calendar.january_reported "
                            f"is false in src/sei_stats/defaults.yaml; set it to true in {paths.settings_yaml} to "
                            "report 1月): its returns belong in 2020-02 as 1–2月")
    assert available_periods(paths.returns) == ["2019-12", "2020-02"]
    with pytest.raises(ReturnFileError, match=r"2020-01: January is not a report period .* nothing of 2020-01 is read"):
        read_period(paths.returns, "2020-01", lenient=True)  # never read, lenient or not


def test_with_january_reported_the_january_folder_is_a_report_period(no_repo_overrides, tmp_path):
    paths = _returns(tmp_path, "2019-12", "2020-01", "2020-02")
    set_calendar(paths, january_reported=True)
    scan = scan_returns(paths.returns)
    assert scan.periods == ("2019-12", "2020-01", "2020-02") and scan.problems == ()
    assert read_period(paths.returns, "2020-01")["period"].tolist() == ["2020-01"]
    assert scan_returns(paths.returns, WITHOUT).periods == ("2019-12", "2020-02")  # a calendar given wins


def test_roster_windows_may_open_or_close_in_january(no_repo_overrides, tmp_path):
    from sei_stats.roster import read_roster

    paths = data_paths(tmp_path / "data")
    paths.roster_dir.mkdir(parents=True)
    paths.roster_file(2020).write_text(
        "credit_code,enterprise_name,district_code,zone_id,industry_code,area,active_from,active_to\n"
        f"{A},企业A,210213,,3973,新一代信息技术,2020-01,2020-01\n", encoding="utf-8")
    roster = read_roster(paths, 2020)  # a unit live in January only: 1–2月 finds it closed (active_to 2020-01)
    assert roster[["active_from", "active_to"]].values.tolist() == [[pd.Timestamp("2020-01-01")] * 2]


# --- a run of imputation goes on from December to 1–2月 -------------------------------------------------

def _status(rows):
    return pd.DataFrame([{"period": pd.Timestamp(p + "-01"), "credit_code": c, "imputed": i} for p, c, i in rows])


def test_a_run_of_imputation_goes_on_from_december_to_1_2月():
    # N imputed in 2019-11, 2019-12, 2020-02, 2020-03; M imputed in 2019-12, reports 1–2月, imputed in 2020-03
    status = _status([("2019-11", "N", True), ("2019-12", "N", True), ("2019-12", "M", True),
                      ("2020-02", "N", True), ("2020-02", "M", False), ("2020-03", "N", True), ("2020-03", "M", True)])
    got = dict(zip(zip(status["period"].dt.strftime("%Y-%m"), status["credit_code"]), _running(status)))
    assert got == {("2019-11", "N"): 1, ("2019-12", "N"): 2, ("2019-12", "M"): 1, ("2020-02", "N"): 3,
                   ("2020-02", "M"): 0, ("2020-03", "N"): 4, ("2020-03", "M"): 1}
    assert _running(status, calendar=WITHOUT).tolist() == _running(status).tolist()
    # under a calendar that reports January, January is missing between December and February: the run restarts
    assert _running(status, calendar=WITH).tolist() == [1, 2, 1, 1, 0, 2, 1]


def test_a_run_goes_through_january_when_january_is_reported():
    status = _status([("2019-12", "N", True), ("2020-01", "N", True), ("2020-02", "N", True)])
    assert _running(status).tolist() == [1, 2, 3]  # the months hold a January: it is a report period
    carried = {"N": (pd.Timestamp("2019-12-01"), 4)}  # the run carried from the year before
    assert _running(_status([("2020-02", "N", True)]), carried).tolist() == [5]
    assert _running(_status([("2020-02", "N", True)]), carried, calendar=WITH).tolist() == [1]
