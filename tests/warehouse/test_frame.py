"""The survey frame, scope, imputation and NBS comparable growth on a small city, computed by hand (千元).

Every unit makes robots (industry 3491, SEI by industry) in 210211 and grows linearly within a year,
output_ytd = k × month, so the respondents' movement from month a to month b is b / a.

2017 has no roster (the frame is derived from the returns); 2018 has raw/roster/2018.csv; 2019 has none.
  unit  k 2017  k 2018   story
  R1    100     120      2018-06: prior typed in 元 (600000): held until a reviewer corrects the prior to 600
  R2    200     240
  R3    300     360
  M      50      60      misses 2017-04: imputed from 2017-03 (150) × 4/3 = 200 in a derived frame
  H      30      40      2018-05: output typed in 元 (200000), held: imputed 160 × 5/4 = 200 until accepted
  Z      10      10      closed: active_to 2018-03 on the roster; still sends a line in 2018-05 (out of scope)
  L       —      20      new in 2018, reports January only: imputed 2018-02 on, 4 months running in 2018-05
  X      40      50      writes industry 3311 (not SEI) in 2018-07: SEI all 2018; 2019's derived frame takes 3311
  Q      20      25      2018-03: prior blank, filled from its own 2017-03 figure 60
  Nw      —      30      new in 2018, prior blank: a new unit, prior 0
2018 priors are the units' own 2017 figures (k 2017 × month) unless the story says otherwise.

1–4月 2018: reported 480 + 960 + 1440 + 240 (M) + 160 (H) + 200 (X) + 100 (Q) + 120 (Nw) = 3700 on priors
400 + 800 + 1200 + 200 + 120 + 160 + 80 + 0 = 2960; Z is out of scope; L is imputed 20 × 4 = 80 with the
prior 80 / (3700 / 2960) = 64. Output 3780, prior 3024, growth 3780 / 3024 − 1 = 25%.
"""

import shutil

import duckdb
import pytest

from sei_stats.land import land_month
from sei_stats.publish import publish

from conftest import credit_code, make_data_dir, return_rows, write_csv

approx = pytest.approx
R1, R2, R3, M, H, Z, L, X, Q, NW = (credit_code(f"91210211MA00003{i:02d}") for i in range(10))
K_2017 = {R1: 100, R2: 200, R3: 300, M: 50, H: 30, Z: 10, X: 40, Q: 20}
K_2018 = {R1: 120, R2: 240, R3: 360, M: 60, H: 40, Z: 10, L: 20, X: 50, Q: 25, NW: 30}
ROBOT = "工业机器人"


def line(code, ytd, prior="", industry="3491"):
    return (code, "210211", industry, "", ROBOT, str(ytd), str(prior))


def month_2017(m):
    return [line(c, k * m) for c, k in K_2017.items() if not (c == M and m == 4)]


def month_2018(m):
    lines = []
    for code, k in K_2018.items():
        prior = K_2017.get(code, 0) * m if code in K_2017 else ""
        if code == Z and m > 3:
            continue
        if code == L and m > 1:
            continue
        if code == H and m == 5:
            lines.append(line(H, 200000, 150))  # 元 typed as 千元
        elif code == R1 and m == 6:
            lines.append(line(R1, 720, 600000))  # the prior typed in 元
        elif code == Q and m == 3:
            lines.append(line(Q, 75, ""))
        elif code == X and m == 7:
            lines.append(line(X, 350, 280, industry="3311"))
        else:
            lines.append(line(code, k * m, prior))
    if m == 5:
        lines.append(line(Z, 50, 50))  # closed in March, yet a line arrives
    return lines


def city_returns():
    city = {f"2017-{m:02d}": month_2017(m) for m in range(1, 8)}
    city |= {f"2018-{m:02d}": month_2018(m) for m in range(1, 8)}
    city["2019-01"] = [line(R1, 130, 120), line(R2, 260, 240), line(R3, 390, 360), line(X, 60, 50, industry="3311")]
    return city


ROSTER_2018 = "credit_code,enterprise_name,district_code,zone_id,industry_code,area,active_from,active_to\n" + "".join(
    f"{c},企业{c[-4:]},210211,,3491,高端装备与新材料,,{'2018-03' if c == Z else ''}\n" for c in K_2018)


def land_and_publish(paths):
    for period in sorted(p.name for p in paths.returns.iterdir()):
        land_month(paths, period)
    return duckdb.connect(str(publish(paths).detail), read_only=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    paths = make_data_dir(tmp_path_factory.mktemp("frame") / "data", city_returns(), january_reported=True)
    (paths.raw / "roster").mkdir()
    (paths.raw / "roster" / "2018.csv").write_text(ROSTER_2018, encoding="utf-8")
    con = land_and_publish(paths)
    yield paths, con
    con.close()


def with_reviews(built, tmp_path, files: dict[str, str]):
    """The built city copied, with review files, published again."""
    paths, _ = built
    copy = make_data_dir(tmp_path / "data", {}, january_reported=True)
    shutil.rmtree(copy.raw)
    shutil.copytree(paths.raw, copy.raw)
    (copy.raw / "reviews").mkdir()
    header = "credit_code,product,rule,decision,field,corrected_value,reviewer,note\n"
    for period, rows in files.items():
        (copy.raw / "reviews" / f"{period}.csv").write_text(header + rows, encoding="utf-8")
    return land_and_publish(copy)


def one(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def test_a_unit_missing_a_month_without_a_roster_is_imputed_in_the_derived_frame(built):
    _, con = built
    assert one(con, "SELECT output_ytd, method, reason, strftime(base_period, '%Y-%m') FROM fact.imputed_lines "
                    "WHERE credit_code = ? AND period = DATE '2017-04-01'", M) == [
        (approx(200), "ratio to the last usable month", "no return", "2017-03")]
    # 4 × (100 + 200 + 300 + 30 + 10 + 40 + 20) + 200
    assert one(con, "SELECT output_value * 100000, output_imputed * 100000 FROM mart.indicators_monthly "
                    "WHERE period = DATE '2017-04-01'") == [(approx(3000), approx(200))]
    assert one(con, "SELECT frame_source, live_units, respondents, imputed_enterprises FROM mart.data_quality "
                    "WHERE period = DATE '2017-04-01'") == [("derived", 8, 7, 1)]
    assert one(con, "SELECT DISTINCT frame_source FROM mart.data_quality WHERE year(period) = 2018") == [("roster",)]


def test_comparable_growth_counts_new_units_filled_priors_and_imputed_lines(built):
    _, con = built
    assert one(con, "SELECT output_value * 100000, output_ytd_prior * 100000, output_growth, output_imputed * 100000 "
                    "FROM mart.indicators_monthly WHERE period = DATE '2018-04-01'") == [
        (approx(3780), approx(3024), approx(0.25), approx(80))]
    sources = dict(one(con, "SELECT credit_code, prior_source FROM fact.sei_lines WHERE period = DATE '2018-04-01'"))
    assert (sources[NW], sources[L], sources[R1]) == ("new_unit", "stratum_growth", "reported")
    assert one(con, "SELECT output_ytd_prior, prior_source FROM fact.sei_lines WHERE credit_code = ? "
                    "AND period = DATE '2018-03-01'", Q) == [(60, "last_year_return")]  # its own 2017-03 figure
    assert one(con, "SELECT rows_prior_reported, rows_prior_last_year_return, rows_prior_new_unit, "
                    "rows_prior_stratum_growth FROM mart.data_quality WHERE period = DATE '2018-03-01'") == [(7, 1, 1, 1)]
    # 2017 has no year before it in the warehouse: its lines have no prior, and no growth is published
    assert one(con, "SELECT output_growth, output_comparable FROM mart.indicators_monthly WHERE period = DATE '2017-03-01'") == [
        (None, None)]


def test_a_unit_whose_every_line_is_held_is_imputed_with_its_own_prior(built):
    _, con = built
    # 1–5月 2018: H held, imputed 160 × 5/4 = 200 with its own 2017-05 figure 150 as prior; L 20 × 5 = 100, prior
    # 100 / (4425 / 3550) (the stratum's comparable growth without H); reported 4425 on priors 3550
    assert one(con, "SELECT output_ytd, prior, prior_source, reason FROM fact.imputed_lines WHERE credit_code = ? "
                    "AND period = DATE '2018-05-01'", H) == [(200, 150, "last_year_return", "every line held or rejected")]
    assert one(con, "SELECT output_ytd, CAST(prior AS DOUBLE) FROM fact.imputed_lines WHERE credit_code = ? AND period = DATE '2018-05-01'", L) == [
        (100, approx(100 * 3550 / 4425, abs=1e-3))]
    assert one(con, "SELECT output_value * 100000, output_ytd_prior * 100000 FROM mart.indicators_monthly "
                    "WHERE period = DATE '2018-05-01'") == [(approx(4725), approx(3550 + 150 + 80.226))]


def test_a_unit_closed_in_march_leaves_the_scope_from_april(built):
    _, con = built
    assert one(con, "SELECT strftime(period, '%m'), live, imputed, why FROM qa.frame WHERE credit_code = ? "
                    "AND year(period) = 2018 ORDER BY period", Z) == [
        ("01", True, False, "reported"), ("02", True, False, "reported"), ("03", True, False, "reported"),
        *[(m, False, False, "closed (active_to 2018-03)") for m in ("04", "05", "06", "07")]]
    assert one(con, "SELECT count(*) FROM fact.imputed_lines WHERE credit_code = ?", Z) == [(0,)]
    assert one(con, "SELECT status, out_of_scope_reason FROM fact.lines WHERE credit_code = ? AND period = DATE '2018-05-01'", Z) == [
        ("out_of_scope", "closed (active_to 2018-03)")]
    assert one(con, "SELECT rows_out_of_scope, output_out_of_scope * 100000, identity_rows_ok, identity_output_ok "
                    "FROM mart.data_quality WHERE period = DATE '2018-05-01'") == [(1, approx(50), True, True)]


def test_a_unit_imputed_four_months_running_is_listed_for_follow_up(built):
    _, con = built
    assert one(con, "SELECT strftime(period, '%m'), months_imputed_running FROM qa.frame WHERE credit_code = ? "
                    "AND year(period) = 2018 ORDER BY period", L) == [
        ("01", 0), ("02", 1), ("03", 2), ("04", 3), ("05", 4), ("06", 5), ("07", 6)]
    assert one(con, "SELECT strftime(period, '%m'), product, message FROM qa.review_queue WHERE rule = 'imputed_too_long' "
                    "ORDER BY period") == [("05", "", "连续4个月插补（未报送）"),
                                           ("06", "", "连续5个月插补（未报送）"),
                                           ("07", "", "连续6个月插补（未报送）")]
    assert one(con, "SELECT sum(fails) FROM mart.rule_results WHERE rule = 'imputed_too_long'") == [(3,)]


def test_an_industry_change_in_july_is_flagged_and_waits_for_next_years_frame(built):
    _, con = built
    assert one(con, "SELECT is_sei, industry_code FROM fact.figure_lines WHERE credit_code = ? AND period = DATE '2018-07-01'", X) == [
        (True, "3491")]
    assert one(con, "SELECT rule, message FROM qa.review_queue WHERE credit_code = ? AND period = DATE '2018-07-01'", X) == [
        ("industry_differs_from_frame", "报表行业代码3311，2018年调查名录为3491")]
    # 2019 has no roster: its frame takes X's first return of the year, 3311, which is not SEI
    assert one(con, "SELECT is_sei, industry_code FROM fact.figure_lines WHERE credit_code = ? AND period = DATE '2019-01-01'", X) == [
        (False, "3311")]


def test_reviews_replace_imputations_correct_a_prior_and_take_a_unit_out_of_scope(built, tmp_path):
    con = with_reviews(built, tmp_path, {
        "2018-05": f"{H},{ROBOT},unit_error_suspected,accept,,,李统计,元 confirmed by phone\n",
        "2018-06": f"{L},,imputed_too_long,reject,,,李统计,closed in May\n"
                   f"{R1},{ROBOT},unit_error_suspected,correct,output_ytd_prior,600,李统计,prior typed in 元\n",
    })
    # H's reported figure replaces its imputation: nothing counts twice
    assert one(con, "SELECT source_file <> 'imputed', output_ytd FROM fact.figure_lines WHERE credit_code = ? "
                    "AND period = DATE '2018-05-01'", H) == [(True, 200000)]
    # R1's prior corrected: its line is in the figures with the prior the reviewer gave
    assert one(con, "SELECT imputed, output_ytd, output_ytd_prior, prior_source FROM fact.sei_lines WHERE credit_code = ? "
                    "AND period = DATE '2018-06-01'", R1) == [(False, 720, 600, "reported")]
    assert one(con, "SELECT corrected_field, original_value, corrected_value FROM qa.review_log WHERE credit_code = ?", R1) == [
        ("output_ytd_prior", 600000, 600)]
    # L out of scope from the review file's month: imputed in 05, not in 06 and 07; the follow-up is settled
    assert one(con, "SELECT strftime(period, '%m'), live, why FROM qa.frame WHERE credit_code = ? AND period >= DATE '2018-05-01' "
                    "AND year(period) = 2018 ORDER BY period", L) == [
        ("05", True, "no return"), ("06", False, "taken out of scope on review (reviews/2018-06.csv)"),
        ("07", False, "taken out of scope on review (reviews/2018-06.csv)")]
    assert one(con, "SELECT count(*) FROM qa.review_queue WHERE rule = 'imputed_too_long'") == [(0,)]
    assert one(con, "SELECT count(*) FROM fact.imputed_lines WHERE credit_code = ? AND period > DATE '2018-05-01'", L) == [(0,)]


@pytest.mark.slow
def test_a_years_facts_are_reused_until_something_they_depend_on_changes(built, tmp_path):
    paths, con = built
    copy = make_data_dir(tmp_path / "data", {}, january_reported=True)
    for folder in ("raw", "landed"):
        shutil.rmtree(copy.root / folder, ignore_errors=True)
        shutil.copytree(paths.root / folder, copy.root / folder)
    published = one(con, "SELECT * FROM mart.indicators_monthly ORDER BY period")

    def entries():
        return {f.relative_to(copy.year_step).as_posix(): f.stat().st_mtime_ns
                for f in (copy.year_step / "as_landed").rglob("*.parquet")}

    before = entries()
    assert {name.split("/")[1] for name in before} == {"2017", "2018", "2019"}
    # a new landing of 2018-07 with a changed figure: 2018 and the year after it are computed again, 2017 is reused
    rows = [line(c, 7 * k, 7 * K_2017.get(c, 0) if c in K_2017 else "") for c, k in K_2018.items() if c not in (Z, L)]
    rows[0] = line(R1, 841, 700)
    (copy.returns / "2018-07" / "returns.csv").unlink()
    write_csv(copy.returns / "2018-07" / "returns.csv", return_rows("2018-07", rows))
    land_month(copy, "2018-07")
    with duckdb.connect(str(publish(copy).detail), read_only=True) as again:
        after = entries()
        assert {k: v for k, v in after.items() if k.startswith("as_landed/2017/")} == \
               {k: v for k, v in before.items() if k.startswith("as_landed/2017/")}
        changed = {k.split("/")[1] for k in set(after.items()) ^ set(before.items()) for k in [k[0]]}
        assert changed == {"2018", "2019"}
        assert one(again, "SELECT output_ytd FROM fact.sei_lines WHERE credit_code = ? AND period = DATE '2018-07-01'", R1) == [(841,)]
        cached = one(again, "SELECT * FROM mart.indicators_monthly ORDER BY period")
    assert cached[:7] == published[:7] and cached[-2] != published[-2]  # 2017 as it was; 1–7月 2018 moved
    # without the cache, the same figures
    shutil.rmtree(copy.year_step)
    with duckdb.connect(str(publish(copy).detail), read_only=True) as fresh:
        assert one(fresh, "SELECT * FROM mart.indicators_monthly ORDER BY period") == cached
