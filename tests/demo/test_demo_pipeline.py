"""The pipeline finds the demo city's deliberate faults at the rate the generator put them in."""

import shutil

import duckdb
import pandas as pd
import pytest

from sei_stats import demo, protection
from sei_stats.briefing.build import write_monthly
from sei_stats.disclosure import Rules
from sei_stats.open_data import write_open_data
from sei_stats.config import REPO_ROOT, data_paths
from sei_stats.land import land_month
from sei_stats.read import available_periods
from sei_stats.publish import publish


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A small demo city over two years (2019 has the correction), landed and published once."""
    paths = data_paths(tmp_path_factory.mktemp("demo"))
    shutil.copytree(REPO_ROOT / "data" / "catalog", paths.catalog)
    summary = demo.generate(paths.root, seed=11, n_enterprises=150, start="2019-01", end="2020-12")
    for period in available_periods(paths.returns):
        land_month(paths, period)
    return summary, duckdb.connect(str(publish(paths).detail), read_only=True), paths


def test_every_planted_reject_and_the_correction_are_found(city):
    summary, con, _ = city
    found = dict(con.execute("SELECT rule, count(DISTINCT (source_file, line_number)) FROM qa.rejects GROUP BY rule").fetchall())
    received, superseded, rejected = con.execute(
        "SELECT sum(rows_received), sum(rows_superseded), sum(rows_rejected) FROM mart.data_quality").fetchone()
    assert found == {rule: n for rule, n in summary.bad_lines.items() if n}
    assert rejected == sum(summary.bad_lines.values())
    assert superseded == summary.correction["lines_superseded"] > 0
    assert received == summary.lines_written


def test_every_planted_quality_fault_is_found_at_its_rate(city):
    summary, con, _ = city
    found = dict(con.execute("SELECT rule, sum(fails) FROM mart.rule_results GROUP BY rule").fetchall())
    for rule, planted in summary.faults.items():
        assert found.get(rule, 0) == planted, rule
    buckets = con.execute("SELECT sum(rows_duplicate), sum(rows_not_a_return), sum(rows_held) FROM mart.data_quality").fetchone()
    faults = summary.faults
    assert buckets == (faults["exact_duplicate"], faults["total_row"] + faults["repeated_header"],
                       faults["conflicting_duplicate"] + faults["unit_error_suspected"])


def test_non_response_is_found_and_imputed(city):
    summary, con, _ = city
    # Closed units are not live after their active_to, so they are no non-respondents.
    missing = dict(con.execute("SELECT strftime(period, '%Y-%m'), live_units - respondents FROM mart.data_quality").fetchall())
    assert missing == summary.nonresponse
    imputed = con.execute("SELECT sum(imputed_enterprises) FROM mart.data_quality").fetchone()[0]
    assert 0 < imputed <= sum(summary.nonresponse.values())


def test_the_conservation_identity_holds_in_every_month(city):
    _, con, _ = city
    assert con.execute("""SELECT count(*) FROM mart.data_quality
        WHERE rows_received <> rows_accepted + rows_rejected + rows_superseded + rows_duplicate + rows_not_a_return
                               + rows_held + rows_out_of_scope
           OR abs(output_received - (output_accepted + output_rejected + output_superseded + output_duplicate
                                     + output_not_a_return + output_held + output_out_of_scope)) > 1e-6""").fetchone() == (0,)


def test_every_planted_dynamic_of_the_frame_is_found_at_its_rate(city):
    summary, con, _ = city
    planted = summary.dynamics
    assert set(planted) == set(demo.DYNAMICS) and all(n >= 1 for n in planted.values())
    fails = dict(con.execute("SELECT rule, sum(fails) FROM mart.rule_results GROUP BY rule").fetchall())
    assert fails["imputed_too_long"] == planted["imputed_too_long"]
    assert fails["line_dropped_from_cumulative"] == planted["line_dropped"]
    assert fails["industry_differs_from_frame"] == planted["industry_change"]
    assert fails["district_differs_from_frame"] == 0  # nobody moves
    assert con.execute("SELECT sum(units_imputed_too_long) FROM mart.data_quality").fetchone()[0] == planted["imputed_too_long"]


def test_closed_units_are_out_of_scope_after_their_last_month(city):
    summary, con, _ = city
    closed = con.execute("SELECT count(*) FROM qa.frame WHERE NOT live AND why LIKE 'closed%'").fetchone()[0]
    assert closed == summary.dynamics["closed_mid_year"]
    # Neither counted nor imputed, and they send nothing after closing.
    assert con.execute("""SELECT count(*) FROM fact.imputed_lines AS i
        JOIN qa.frame AS f ON f.period = i.period AND f.credit_code = i.credit_code WHERE NOT f.live""").fetchone() == (0,)
    assert con.execute("SELECT sum(rows_out_of_scope) FROM mart.data_quality").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM qa.frame WHERE NOT live AND responded").fetchone() == (0,)


def test_blank_priors_are_filled_from_last_years_return(city):
    summary, con, _ = city
    filled = con.execute("SELECT sum(rows_prior_last_year_return) FROM mart.data_quality").fetchone()[0]
    # Imputed lines take their own figure a year earlier as their prior too.
    imputed = con.execute("""SELECT count(*) FROM fact.imputed_lines
        WHERE is_sei AND prior_source = 'last_year_return'""").fetchone()[0]
    assert filled - imputed == summary.dynamics["blank_prior"]


def test_the_briefing_and_the_open_data_pass_the_disclosure_audit(city):
    """The demo's 2020-06 is protected: some cells withheld, primary and secondary, and the audit finds every one
    of them safe given all that the year's months publish; the briefing and the open data are written."""
    _, con, paths = city
    counts = dict(con.execute("SELECT status, count(*) FROM mart.disclosure WHERE period = DATE '2020-06-01' "
                              "GROUP BY status").fetchall())
    assert counts["primary"] > 0 and counts["secondary"] > 0 and counts["published"] > 0
    assert not con.execute("SELECT count(*) FROM mart.disclosure WHERE breakdown = 'total' AND status <> 'published'"
                           ).fetchone()[0]  # the city total is always published
    protection.check_release(con, "2020-06", Rules())
    opened = write_open_data(paths, "2020-06")
    assert sum(opened.suppressed.values()) > 0
    districts = pd.read_csv(opened.folder / "districts.csv", dtype=str, encoding="utf-8-sig")
    hidden = pd.read_parquet(opened.folder / "districts.parquet")
    # the CSV's mark and the Parquet's NULL are the same cells
    assert (districts["工业总产值（亿元）"] == "…").tolist() == hidden["industry_suppressed"].tolist()
    assert hidden.loc[hidden["industry_suppressed"], "工业总产值（亿元）"].isna().all()
    assert write_monthly(paths, "2020-06")  # the briefing's own audit passes too
