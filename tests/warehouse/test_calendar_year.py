"""A whole year through the warehouse under each calendar: without January (the default: 1–2月 first) and with it.

The city, by hand (千元; robots, industry 3491, district 210211, so one stratum of 3 respondents):
  R1, R2, R3 report every report period: 100·m, 200·m, 300·m in 2017 (m the month), 110·m, 220·m, 330·m in 2018
  with their 2017 figures as priors.
  N reports 50·m in 2017 up to October, then nothing: imputed in 2017-11 and 2017-12 from October
  (× 1.1 and × 1.2, its stratum's movement), then in 2018 from its own figure a year earlier × its stratum's
  growth 1.1 (1–2月: 100 × 1.1 = 110; 1–3月: 150 × 1.1 = 165).
Without January N's run goes on from December to 1–2月: 1, 2, 3, 4, and 1–3月 fails imputed_too_long (4 > 3).
With January reported N is imputed in 1月 too (50 × 1.1 = 55): 1, 2, 3, 4, 5.
"""

import duckdb
import pytest

from sei_stats import charts, quality_report
from sei_stats.calendar import Calendar
from sei_stats.headline import target_table
from sei_stats.land import land_month
from sei_stats.publish import publish
from sei_stats.read import available_periods

from conftest import credit_code, make_data_dir

R1, R2, R3, N = (credit_code(f"91210211MA00003{i:02d}") for i in range(4))
K = {R1: 100, R2: 200, R3: 300}
ROSTER = "credit_code,enterprise_name,district_code,zone_id,industry_code,area,active_from,active_to\n" + "".join(
    f"{c},企业{c[-4:]},210211,,3491,高端装备与新材料,,\n" for c in (R1, R2, R3, N))


def line(code, ytd, prior=""):
    return (code, "210211", "3491", "", "工业机器人", str(ytd), str(prior))


def city(first_month: int) -> dict:
    """2017 from ``first_month`` to December, 2018 from ``first_month`` to March."""
    out = {f"2017-{m:02d}": [line(c, k * m) for c, k in K.items()] + ([line(N, 50 * m)] if m <= 10 else [])
           for m in range(first_month, 13)}
    out |= {f"2018-{m:02d}": [line(c, round(k * 1.1) * m, k * m) for c, k in K.items()] for m in range(first_month, 4)}
    return out


def build(root, january_reported: bool):
    paths = make_data_dir(root, city(1 if january_reported else 2), january_reported=january_reported)
    paths.roster_dir.mkdir()
    for year in (2017, 2018):
        paths.roster_file(year).write_text(ROSTER, encoding="utf-8")
    for period in available_periods(paths.returns):
        land_month(paths, period)
    published = publish(paths)
    return paths, duckdb.connect(str(published.detail), read_only=True)


@pytest.fixture(scope="module")
def without_january(tmp_path_factory):
    paths, con = build(tmp_path_factory.mktemp("calendar") / "data", january_reported=False)
    yield paths, con
    con.close()


@pytest.fixture(scope="module")
def with_january(tmp_path_factory):
    paths, con = build(tmp_path_factory.mktemp("calendar") / "data", january_reported=True)
    yield paths, con
    con.close()


def runs(con) -> list[tuple]:
    return con.execute("SELECT strftime(period, '%Y-%m'), months_imputed_running FROM qa.frame "
                       "WHERE credit_code = ? AND imputed ORDER BY period", [N]).fetchall()


def test_a_year_without_january_runs_from_1_2月_and_imputation_runs_on_across_the_year_end(without_january, tmp_path):
    paths, con = without_january
    assert paths.landed_periods() == [f"2017-{m:02d}" for m in range(2, 13)] + ["2018-02", "2018-03"]
    assert con.execute("SELECT value FROM ref.settings WHERE section = 'calendar' AND name = 'january_reported'"
                       ).fetchall() == [(0.0,)]
    assert runs(con) == [("2017-11", 1), ("2017-12", 2), ("2018-02", 3), ("2018-03", 4)]
    fails = con.execute("SELECT strftime(period, '%Y-%m'), fails FROM mart.rule_results "
                        "WHERE rule = 'imputed_too_long' AND fails > 0").fetchall()
    assert fails == [("2018-03", 1)]
    imputed = con.execute("SELECT strftime(period, '%Y-%m'), output_ytd::DOUBLE FROM fact.imputed_lines "
                          "WHERE credit_code = ? ORDER BY period", [N]).fetchall()
    assert imputed == [("2017-11", pytest.approx(550)), ("2017-12", pytest.approx(600)),
                       ("2018-02", pytest.approx(110)), ("2018-03", pytest.approx(165))]
    # 1–2月 2018: R1–R3 report 220 + 440 + 660, N is imputed 110: 1430 千元
    feb = con.execute("SELECT output_value * 100000 FROM mart.indicators_monthly WHERE period = DATE '2018-02-01'").fetchall()
    assert feb == [(pytest.approx(1430),)]
    # the labels: the chart's months, the quality report and the headline come from the calendar
    path = charts.read_target_path(con)
    assert path.calendar == Calendar(january_reported=False) and list(path.months.index) == [2, 3]
    ax = charts.build_figures(con, simulated=False)["output_target_path"].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"1–{m}月" for m in range(2, 13)]
    assert "1–3月累计工业总产值" in "".join(charts.figure_texts(ax.figure))
    page = quality_report.render_quality_report(con, "2018-02", tmp_path, simulated=False).read_text(encoding="utf-8")
    assert "2018年1–2月（2018-02，本年累计）" in page and "2018年1月" not in page
    assert set(target_table(con)["截至"]) <= {"2017年1–12月", "—"}


def test_a_year_with_january_reported_runs_from_1月(with_january, tmp_path):
    paths, con = with_january
    assert paths.landed_periods() == [f"2017-{m:02d}" for m in range(1, 13)] + ["2018-01", "2018-02", "2018-03"]
    assert con.execute("SELECT value FROM ref.settings WHERE section = 'calendar' AND name = 'january_reported'"
                       ).fetchall() == [(1.0,)]
    assert runs(con) == [("2017-11", 1), ("2017-12", 2), ("2018-01", 3), ("2018-02", 4), ("2018-03", 5)]
    imputed = con.execute("SELECT output_ytd::DOUBLE FROM fact.imputed_lines WHERE credit_code = ? "
                          "AND period = DATE '2018-01-01'", [N]).fetchall()
    assert imputed == [(pytest.approx(55),)]
    ax = charts.build_figures(con, simulated=False)["output_target_path"].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1月"] + [f"1–{m}月" for m in range(2, 13)]
    page = quality_report.render_quality_report(con, "2018-01", tmp_path, simulated=False).read_text(encoding="utf-8")
    assert "2018年1月（2018-01，本年累计）" in page
    page = quality_report.render_quality_report(con, "2018-02", tmp_path, simulated=False).read_text(encoding="utf-8")
    assert "2018年1–2月（2018-02，本年累计）" in page


def test_a_january_landed_under_another_calendar_is_left_out_of_the_publish(tmp_path, caplog):
    """January landed while it was reported, then the setting goes back to the default: the publish leaves
    the landed 1月 out (it stays on disk) and says so, rather than publishing a month no label can name."""
    from conftest import set_calendar

    paths = make_data_dir(tmp_path / "data", {"2018-01": [line(R1, 100)], "2018-02": [line(R1, 200)]},
                          january_reported=True)
    land_month(paths, "2018-01")
    land_month(paths, "2018-02")
    set_calendar(paths, january_reported=False)
    with caplog.at_level("WARNING", logger="sei_stats.warehouse"):
        con = duckdb.connect(str(publish(paths).detail), read_only=True)
    assert con.execute("SELECT strftime(period, '%Y-%m') FROM mart.indicators_monthly ORDER BY 1").fetchall() == [("2018-02",)]
    assert "2018-01 landed but not published: January is not a report period" in caplog.text
    assert paths.current_landing("2018-01") is not None
