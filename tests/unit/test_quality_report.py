"""The monthly data-quality report: one self-contained, escaped HTML page per period."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import duckdb
import pytest

from sei_stats import quality_report
from sei_stats.calendar import Calendar
from sei_stats.quality_report import period_label, render_all_quality_reports, render_quality_report
from conftest import OLD, missing_glyph_warnings

SCRIPT_NAME = "<script>alert(1)</script>大连某某科技有限公司"
BUCKETS = ("accepted", "rejected", "superseded", "duplicate", "not_a_return", "held", "out_of_scope")
CHECKS = ("max_rejected_output_share", "max_held_output_share", "max_nonresponse_rate")
TOLERANCE = 0.5e-8  # identity_output_tolerance, 亿元: half a yuan

# period, lines by bucket (received = their sum), output in 亿元 by bucket, survey-frame figures (None: no
# frame that month), SEI lines by source of their prior (None: not given)
QUALITY = {
    "2020-02": ((1800, 12, 4, 2, 2, 0, 0), (1830.25, 18.5, 9.75, 1.0, 3.0, 0.0, 0.0), None, None),
    # 3,000 live units: 2,850 responded, 140 imputed whole + 10 not imputable = the 150 that did not.
    # 2,800 accepted lines − 7 unclassified = 2,793 SEI lines reported: 2,753 with their prior, and the 40
    # blank priors (rows_blank_prior) filled from last year's return 25, new unit 9, new product 6; plus
    # 157 imputed lines on their stratum's growth. 2,950 SEI lines in all.
    "2020-03": ((2800, 20, 8, 5, 3, 5, 4), (2950.12345, 30.0, 20.5, 5.25, 5.5, 2.375, 3.125),
                ("roster", 3000, 2850, 0.95, 12, 140, 9, 10, 3, 41.5, 0.0138, 0.021),
                (2753, 25, 0, 9, 6, 157, 0)),
}
FRAME = ("frame_source", "live_units", "respondents", "response_rate", "last_year_units_not_reported",
         "imputed_enterprises", "lines_imputed_partial", "units_not_imputed", "units_imputed_too_long",
         "output_imputed", "imputed_share", "unclassified_share")
FRAME_TYPES = ("varchar", "bigint", "bigint", "double", "bigint", "bigint", "bigint", "bigint", "bigint",
               "double", "double", "double")
PRIORS = ("reported", "last_year_return", "last_year_annual", "new_unit", "new_product", "stratum_growth", "not_available")

# rule, level, severity, zh; the fails of 2020-03
RULES = [
    ("required", "field", "reject", "必填项为空", 0),
    ("credit_code_check", "field", "reject", "统一社会信用代码不符合GB 32100-2015", 3),
    ("district_in_dalian", "field", "reject", "行政区划代码不是大连市十个区市县之一", 0),
    ("unit_error_suspected", "cross-period", "hold", "疑似计量单位错误", 5),
    ("growth_outlier", "cross-period", "warn", "数额较大的产品行同比增速绝对值过高", 1),
]


def _create(con, relation: str, columns: str) -> None:
    con.execute(f"create table {relation} ({columns})")


def make_warehouse(*, frame_columns: bool = True, broken: bool = False, output_gap: float = 0.0,
                   identity: bool = True, contributors: bool = True,
                   thresholds: tuple[float, float, float] | None = (0.05, 0.05, 0.10), limits_in: str = "settings"):
    """An in-memory warehouse with the relations the report reads, filled by hand for 2020-02 and 2020-03.

    frame_columns: False leaves out the survey frame's and the priors' columns (a warehouse published before
    them). broken: 2020-03 receives one line more than its buckets hold; output_gap: 2020-03 receives that
    much more output (亿元). The identity columns carry the warehouse's verdicts on both, as
    src/sei_stats/sql computes them. thresholds: the checks' limits, published in ref.settings
    (limits_in="settings") or in the wide ref.thresholds it replaces ("thresholds").
    """
    con = duckdb.connect(":memory:")
    con.execute("create schema mart; create schema qa; create schema ref")
    rows = ", ".join(f"rows_{b} bigint" for b in BUCKETS)
    money = ", ".join(f"output_{b} double" for b in BUCKETS)
    frame = "".join(f", {c} {t}" for c, t in zip(FRAME, FRAME_TYPES)) if frame_columns else ""
    priors = "".join(f", rows_prior_{s} bigint" for s in PRIORS) if frame_columns else ""
    checked = ", identity_rows_ok boolean, identity_output_gap double, identity_output_ok boolean" if identity else ""
    _create(con, "mart.data_quality",
            f"period date, rows_received bigint, {rows}, rows_blank_prior bigint, rows_unclassified bigint, "
            f"output_unclassified double, output_no_va_rate double, output_received double, {money}, "
            f"warnings_open bigint, warnings_resolved bigint, holds_resolved bigint, catalog_version varchar"
            f"{frame}{priors}"
            f"{checked}")
    for period, (lines, output, figures, prior_rows) in QUALITY.items():
        this = period == "2020-03"
        received = sum(lines) + (1 if broken and this else 0)
        gap = output_gap if this else 0.0
        values = [f"{period}-01", received, *lines, 40, 7, 12.5, 0.0, sum(output) + gap, *output, 55, 3, 2,
                  "bc28802aec74"]
        if frame_columns:
            values += [*(figures or (None,) * len(FRAME)), *(prior_rows or (None,) * len(PRIORS))]
        if identity:
            values += [received == sum(lines), gap, abs(gap) <= TOLERANCE]
        con.execute(f"insert into mart.data_quality values ({', '.join('?' * len(values))})", values)

    _create(con, "ref.rules", "name varchar, level varchar, severity varchar, engine varchar, field varchar, "
                              "zh varchar, en varchar")
    _create(con, "mart.rule_results", "period date, rule varchar, level varchar, severity varchar, items bigint, "
                                      "passes bigint, fails bigint, missing bigint")
    for name, level, severity, zh, fails in RULES:
        con.execute("insert into ref.rules values (?, ?, ?, 'sql', '', ?, ?)", [name, level, severity, zh, name])
        con.execute("insert into mart.rule_results values ('2020-03-01', ?, ?, ?, 2836, ?, ?, 0)",
                    [name, level, severity, 2836 - fails, fails])
        con.execute("insert into mart.rule_results values ('2020-02-01', ?, ?, ?, 1818, 1818, 0, 0)",
                    [name, level, severity])

    _create(con, "qa.review_queue", "period date, severity varchar, rule varchar, field varchar, "
                                    "credit_code varchar, enterprise_name varchar, product varchar, "
                                    "output_ytd decimal(18,3), output_ytd_prior decimal(18,3), message varchar, "
                                    "source_file varchar, line_number bigint")
    # A finding on a whole unit (a frame rule): no product, no line, no value.
    con.execute("insert into qa.review_queue values ('2020-03-01', 'warn', 'imputed_too_long', '', "
                "'91210200000000099W', '久未报送企业', '', null, null, '已连续4个月推算', null, null)")
    for i in range(55):  # warnings first in the table: the report must still list holds first
        con.execute("insert into qa.review_queue values ('2020-03-01', 'warn', 'growth_outlier', 'output_ytd', ?, ?, "
                    "'397301', 12345.678, 2400.5, 'growth 412% on 12,345.678 千元', '2020-03/returns.csv', ?)",
                    [f"9121020000000{i:04d}X", f"警示企业{i:02d}", i + 2])
    for i in range(5):
        con.execute("insert into qa.review_queue values ('2020-03-01', 'hold', 'unit_error_suspected', 'output_ytd', "
                    "?, ?, '397301', 98765432.1, 98765.432, '约为上年同期的1000倍', '2020-03/returns.csv', ?)",
                    [f"9121020000001{i:04d}Y", SCRIPT_NAME if i == 0 else f"暂缓企业{i}", 100 + i])

    _create(con, "qa.review_log", "period date, rule varchar, severity varchar, credit_code varchar, "
                                  "enterprise_name varchar, product varchar, decision varchar, "
                                  "corrected_field varchar, original_value decimal(18,3), "
                                  "corrected_value decimal(18,3), reviewer varchar, "
                                  "note varchar, review_file varchar, source_file varchar, line_number bigint")
    con.execute("insert into qa.review_log values ('2020-03-01', 'unit_error_suspected', 'hold', '91210200000000001A', "
                "'大连重工装备有限公司', '3491', 'correct', 'output_ytd', 5600000.0, 5600.0, '王芳', '以元填报，已更正为千元', "
                "'reviews/2020-03.csv', '2020-03/returns.csv', 17)")
    con.execute("insert into qa.review_log values ('2020-03-01', 'growth_outlier', 'warn', '91210200000000002B', "
                "'大连新材料有限公司', '397301', 'accept', null, 23456.5, null, '李强', '新产线投产，电话核实', "
                "'reviews/2020-03.csv', '2020-03/returns.csv', 23)")

    if thresholds and limits_in == "settings":  # the settings in force, as published
        _create(con, "ref.settings", "section varchar, name varchar, value double, description varchar")
        for name, value in [*zip(CHECKS, thresholds), ("identity_output_tolerance", TOLERANCE)]:
            con.execute("insert into ref.settings values ('checks', ?, ?, '')", [name, value])
        # A setting of another section by a check's name must not count as a limit.
        con.execute("insert into ref.settings values ('imputation', 'max_nonresponse_rate', 0.9, '')")
    elif thresholds:  # the wide table of warehouses published before ref.settings
        _create(con, "ref.thresholds", "max_rejected_output_share double, max_held_output_share double, "
                                       "max_nonresponse_rate double")
        con.execute("insert into ref.thresholds values (?, ?, ?)", list(thresholds))

    if contributors:
        _create(con, "qa.largest_contributors", "period date, rank bigint, credit_code varchar, "
                                                "enterprise_name varchar, area varchar, output_ytd double, "
                                                "previous_output_ytd double, change double, share_of_change double")
        con.execute("comment on column qa.largest_contributors.previous_output_ytd is "
                    "'The same a month earlier (0 in January), 亿元'")
        for rank in range(1, 13):
            con.execute("insert into qa.largest_contributors values ('2020-03-01', ?, ?, ?, '新一代信息技术', ?, ?, ?, ?)",
                        [rank, f"91210200000002{rank:03d}Z", f"变动企业第{rank}名", 100.0 - rank, 80.0, 20.0 - rank,
                         (20.0 - rank) / 200])
    return con


def render(tmp_path: Path, period: str = "2020-03", *, simulated: bool = False, **warehouse) -> str:
    path = render_quality_report(make_warehouse(**warehouse), period, tmp_path, simulated=simulated)
    assert path == tmp_path / f"quality_{period}.html"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[tuple[str, bool], str]:
    """The standard warehouse rendered once per (period, simulated); asserts no glyph went missing meanwhile."""
    out = tmp_path_factory.mktemp("quality")
    rendered = {}

    def draw() -> None:
        for period, simulated in (("2020-03", False), ("2020-03", True), ("2020-02", False)):
            rendered[period, simulated] = render(out / str(simulated), period, simulated=simulated)

    assert missing_glyph_warnings(draw) == []
    return rendered


def section(page: str, number: int) -> str:
    """The html of section `number` (from its <h2> to the next one or the footer)."""
    start = page.index(f"<h2>{number} ")
    end = min(i for i in (page.find("<h2>", start + 4), page.find("<footer>", start)) if i >= 0)
    return page[start:end]


def between(page: str, start: str, end: str) -> str:
    """The html from the first `start` to the next `end`."""
    first = page.index(start)
    return page[first:page.index(end, first + len(start))]


def frame_table(page: str) -> str:
    return between(section(page, 1), "<h3>调查范围、回报与推算", "<h3>")


def items(table: str) -> dict[str, tuple[str, str, str]]:
    """A table of items (item, value, unit, flag) as {item: (value, unit, flag)}, unescaped."""
    found = re.findall(r'<tr[^>]*><td>([^<]*)</td><td class="num">([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>',
                       table)
    return {html.unescape(item): tuple(html.unescape(v) for v in rest) for item, *rest in found}


def rows(table: str) -> list[list[str]]:
    """The cells of each body row, unescaped."""
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", row)]
            for row in re.findall(r"<tr[^>]*>(<td.*?)</tr>", table)]


def test_the_file_is_self_contained_and_drawn_without_missing_glyphs(pages):
    page = pages["2020-03", False]  # the fixture asserted that no glyph went missing
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.I)
    assert "http" not in page
    assert "<link" not in page and "<script" not in page
    assert re.search(r'<img class="chart" src="data:image/png;base64,[A-Za-z0-9+/=]{2000,}"', page)


def test_period_labels(pages):
    assert period_label("2020-01", Calendar(january_reported=True)) == "2020年1月"
    with pytest.raises(ValueError, match="2020-01: January is not a report period"):
        period_label("2020-01")  # the default calendar: the year's first report is 1–2月
    assert period_label("2020-02") == "2020年1–2月"
    assert period_label("2020-12") == "2020年1–12月"
    assert "2020年1–3月" in pages["2020-03", False]
    assert "2020年1–2月" in pages["2020-02", False] and "2020年1–3月" not in pages["2020-02", False]


def test_conservation_is_shown_and_checked(pages):
    page = section(pages["2020-03", False], 1)
    assert "行数守恒" in page and "产值守恒" in page
    assert "报送 2,845 = 接受 2,800 + 剔除 20 + 被更正替代 8 + 重复行 5 + 非报表行 3 + 待审暂缓 5 + 不在调查范围 4（行）" in page
    # 2950.12345 + 30 + 20.5 + 5.25 + 5.5 + 2.375 + 3.125 = 3016.87345
    assert ("报送 3,016.9 = 接受 2,950.1 + 剔除 30.0 + 被更正替代 20.5 + 重复行 5.2 + 非报表行 5.5 + 待审暂缓 2.4 "
            "+ 不在调查范围 3.1（亿元）") in page
    assert page.count("✓ 成立") == 2
    assert "alarm" not in page and "不成立" not in page


def test_a_broken_identity_shows_the_red_warning(tmp_path):
    page = render(tmp_path, broken=True)
    alarms = re.findall(r'<p class="identity alarm">(.*?)</p>', section(page, 1))
    assert len(alarms) == 1 and "行数守恒" in alarms[0] and "不成立" in alarms[0] and "报送 2,846 = 接受 2,800" in alarms[0]
    assert ".identity.alarm{border-color:#d62728;color:#d62728" in page  # the CSS is inline
    assert section(page, 1).count("✓ 成立") == 1  # output still holds


@pytest.mark.parametrize("gap, shown", [(1.5, "相差 1.5亿元"), (2e-5, "相差 2.000千元")])
def test_an_output_gap_is_the_warehouse_s(tmp_path, gap, shown):
    """The verdict and the gap come from identity_output_ok and identity_output_gap, not from the figures."""
    alarms = re.findall(r'<p class="identity alarm">(.*?)</p>', section(render(tmp_path, output_gap=gap), 1))
    assert len(alarms) == 1 and "产值守恒" in alarms[0] and "不成立" in alarms[0] and shown in alarms[0]
    con = make_warehouse()
    con.execute("update mart.data_quality set identity_output_ok = false, identity_output_gap = 7.25")
    alarms = re.findall(r'<p class="identity alarm">(.*?)</p>', section(
        render_quality_report(con, "2020-03", tmp_path / "told", simulated=False).read_text(encoding="utf-8"), 1))
    assert len(alarms) == 1 and "相差 7.2亿元" in alarms[0]  # though received = Σ buckets in the figures


def test_an_identity_without_a_verdict_cannot_be_checked(tmp_path):
    con = make_warehouse()
    con.execute("update mart.data_quality set identity_rows_ok = null")
    page = section(render_quality_report(con, "2020-03", tmp_path, simulated=False).read_text(encoding="utf-8"), 1)
    warns = re.findall(r'<p class="identity warn">(.*?)</p>', page)
    assert len(warns) == 1 and "行数守恒" in warns[0] and "无法核对" in warns[0]
    assert page.count("✓ 成立") == 1


def test_the_buckets_table_has_every_bucket_with_its_share(pages):
    table = between(section(pages["2020-03", False], 1), "<h3>报送行去向", "</table>")
    assert rows(table) == [
        ["报送合计 (received)", "2,845", "3,016.9", "100.0%"],
        ["接受 (accepted)", "2,800", "2,950.1", "97.8%"],  # 2950.12345 / 3016.87345
        ["剔除 (rejected)", "20", "30.0", "1.0%"],
        ["被更正替代 (superseded)", "8", "20.5", "0.7%"],
        ["重复行 (duplicate)", "5", "5.2", "0.2%"],
        ["非报表行 (not_a_return)", "3", "5.5", "0.2%"],
        ["待审暂缓 (held)", "5", "2.4", "0.1%"],
        ["不在调查范围 (out_of_scope)", "4", "3.1", "0.1%"],  # 3.125 / 3016.87345 = 0.10%
    ]
    assert "行数 (行, lines)" in table and "报送产值 (亿元, as reported)" in table and "占报送产值 (%)" in table


def test_rule_results_list_failing_rules_first(pages):
    page = section(pages["2020-03", False], 3)
    order = re.findall(r"<tr[^>]*><td[^>]*>([a-z_]+)</td>", page)
    assert order == ["unit_error_suspected", "credit_code_check", "growth_outlier", "district_in_dalian", "required"]
    assert page.count('<tr class="failing">') == 3
    assert "疑似计量单位错误" in page and "暂缓待审 (hold)" in page and "跨期 (cross-period)" in page


def test_values_are_escaped(pages):
    page = pages["2020-03", False]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;大连某某科技有限公司" in page
    assert "<script" not in page


def test_the_review_queue_lists_holds_first_and_at_most_50(pages):
    page = section(pages["2020-03", False], 4)
    classes = re.findall(r'<tr( class="hold")?><td[ >]', page)
    assert len(classes) == 50
    assert all(classes[:5]) and not any(classes[5:])
    assert "另有 11 项未列出" in page and "共 61 项，其中暂缓 5 项" in page
    assert "本年累计产值 (千元)" in page and "上年同期 (千元)" in page
    listed = rows(page)
    # 千元 as the charts format amounts: this year's value and the prior it is 1000 times
    assert listed[1][4:7] == ["397301", "98,765,432.1", "98,765.4"]
    # the finding on a whole unit: no product, value or line, and it says so
    assert listed[5] == ["警示 (warn)", "imputed_too_long", "91210200000000099W", "久未报送企业", "整个单位 (whole unit)",
                         "—", "—", "已连续4个月推算", ""]
    assert listed[6][-1] == "2020-03/returns.csv:2"


def test_decisions_and_contributors(pages):
    page = pages["2020-03", False]
    log = section(page, 5)
    assert "更正 (correct)：本年累计 (output_ytd)" in log and "5,600,000.0" in log and "5,600.0" in log
    assert "以元填报，已更正为千元" in log
    top = section(page, 6)
    assert "变动企业第10名" in top and "变动企业第11名" not in top
    assert "接受 (accept)</td>" in log  # no field named for a decision that corrects nothing
    assert "内部资料" in top and "上月累计产值 (亿元, a month earlier)" in top and "9.5%" in top
    assert "口径 (definitions) — previous_output_ytd: The same a month earlier (0 in January), 亿元" in top


@pytest.mark.parametrize("simulated", [True, False])
def test_the_simulated_banner_only_when_simulated_and_always_internal(pages, simulated):
    page = pages["2020-03", simulated]
    assert ("模拟数据" in page) is simulated
    assert ('class="banner simulated"' in page) is simulated
    assert page.count("内部资料") >= 3  # banner, section 6, footer


def test_summary_figures(pages):
    summary = items(between(section(pages["2020-03", False], 1), "<table", "</table>"))
    assert summary["报送行 (lines received)"] == ("2,845", "行", "")
    assert summary["未归类产值占接受产值 (unclassified share of accepted output)"] == ("2.1%", "%", "")
    assert summary["上年同期为空的行 (accepted lines without prior)"] == ("40", "行", "")
    assert summary["目录版本 (catalog version)"] == ("bc28802aec74", "", "")


def test_the_survey_frame_with_a_roster(pages):
    """Every figure of the frame with its unit; a roster asks for nothing."""
    assert items(frame_table(pages["2020-03", False])) == {
        "调查范围来源 (survey frame)": ("调查单位名录 (roster)", "", ""),
        "上年12月在营单位本年未报送 (last year's units not reported this year)": ("12", "家", ""),
        "在营调查单位 (live units)": ("3,000", "家", ""),
        "回报单位 (respondents)": ("2,850", "家", ""),
        "回报率 (response rate)": ("95.0%", "%", ""),  # 2,850 / 3,000, above the floor of 90%
        "整体推算单位 (units imputed whole)": ("140", "家", ""),
        "部分推算行 (lines imputed, partial)": ("9", "行", ""),
        "无法推算单位，未计入 (units not imputable: not in the figures)": ("10", "家", ""),
        "连续推算超期单位，待审核 (units imputed too long: in the review queue)": ("3", "家", ""),
        "推算产值 (imputed output)": ("41.5", "亿元", ""),
        "推算产值占战新产值 (imputed share of SEI output)": ("1.4%", "%", ""),
    }


def test_a_derived_frame_asks_for_a_roster(tmp_path):
    con = make_warehouse()
    con.execute("update mart.data_quality set frame_source = 'derived'")
    page = render_quality_report(con, "2020-03", tmp_path, simulated=False).read_text(encoding="utf-8")
    flagged = re.findall(r'<tr class="flagged">(.*?)</tr>', frame_table(page))
    assert len(flagged) == 1
    value, unit, flag = items(f"<tr>{flagged[0]}</tr>")["调查范围来源 (survey frame)"]
    assert value == "由报表推定(无名录) (derived)" and unit == ""
    assert "上年12月在营单位中有 12 家本年至今尚未报送" in flag and "建议提供 raw/roster/2020.csv" in flag
    assert "12 of last year's units have not reported yet this year; a roster is recommended" in flag


def test_a_derived_frame_without_last_december(tmp_path):
    """last_year_units_not_reported is NULL when last December is not in the warehouse: no count to give."""
    con = make_warehouse()
    con.execute("update mart.data_quality set frame_source = 'derived', last_year_units_not_reported = null")
    frame = items(frame_table(render_quality_report(con, "2020-03", tmp_path, simulated=False)
                              .read_text(encoding="utf-8")))
    flag = frame["调查范围来源 (survey frame)"][2]
    assert "看不到本年尚未报送的单位（上年12月不在仓库，无从核对）" in flag and "raw/roster/2020.csv" in flag
    assert frame["上年12月在营单位本年未报送 (last year's units not reported this year)"] == ("—", "家", "")


def test_where_the_priors_come_from(pages):
    table = between(section(pages["2020-03", False], 1), "<h3>增速的上年同期来源", "</table>")
    # shares of the 2,950 SEI lines in the figures: 2,753 / 2,950 = 93.32%, 157 / 2,950 = 5.32% ...
    assert rows(table) == [
        ["战新行合计 (SEI lines in the figures)", "2,950", "100.0%"],
        ["企业填报 (reported)", "2,753", "93.3%"],
        ["上年同期报表 (last_year_return)", "25", "0.8%"],
        ["上年年报 (last_year_annual)", "0", "0.0%"],
        ["新增单位(上年同期为0) (new_unit)", "9", "0.3%"],
        ["新增产品(上年同期为0) (new_product)", "6", "0.2%"],
        ["按层增速推算 (stratum_growth)", "157", "5.3%"],
        ["无上年同期资料 (not_available)", "0", "0.0%"],
    ]
    assert '<tr class="total">' in table and "行数 (行, lines)" in table and "占战新行 (%)" in table
    # a period whose priors are not given: every count —, no total made up
    table = between(section(pages["2020-02", False], 1), "<h3>增速的上年同期来源", "</table>")
    assert all(row[1:] == ["—", "—"] for row in rows(table))


@pytest.mark.parametrize("limits_in", ["settings", "thresholds"])
def test_figures_beyond_the_thresholds_are_flagged(tmp_path, limits_in):
    assert "提示" in (page := section(render(tmp_path, limits_in=limits_in), 1)) and "flagged" not in page
    page = section(render(tmp_path / "tight", thresholds=(0.005, 0.05, 0.01), limits_in=limits_in), 1)
    flagged = re.findall(r'<tr class="flagged">(.*?)</tr>', page)
    assert len(flagged) == 2
    # 30.0 rejected of the returns' 3,016.87345 − 5.5 = 3,011.37345 亿元: 1.0%
    assert "剔除行" in flagged[0] and "产值占比 1.0%，超过上限 0.5%" in flagged[0]
    assert "回报率" in flagged[1] and "低于下限 99.0%" in flagged[1]  # 95.0% of the live units


def test_ref_settings_overrule_ref_thresholds(tmp_path):
    con = make_warehouse(thresholds=(0.05, 0.05, 0.10))
    con.execute("create table ref.thresholds as select 0.005 as max_rejected_output_share, "
                "0.05 as max_held_output_share, 0.01 as max_nonresponse_rate")
    assert quality_report.load_quality_data(con).limits == {
        "max_rejected_output_share": 0.05, "max_held_output_share": 0.05, "max_nonresponse_rate": 0.10,
        "identity_output_tolerance": TOLERANCE}
    assert "flagged" not in section(render_quality_report(con, "2020-03", tmp_path, simulated=False)
                                    .read_text(encoding="utf-8"), 1)


def test_a_period_without_frame_figures_says_so(pages):
    frame = items(frame_table(pages["2020-02", False]))
    assert list(frame) == ["回报率 (response rate)"]
    value, unit, flag = frame["回报率 (response rate)"]
    assert (value, unit) == ("—", "%") and "本期无调查范围数据，无回报率与推算数据" in flag
    assert "95.0%" not in section(pages["2020-02", False], 1)


def test_a_warehouse_without_the_new_columns_and_views(tmp_path):
    page = render(tmp_path, frame_columns=False, contributors=False, thresholds=None)
    assert "本期无调查范围数据" in section(page, 1)
    assert "仓库未发布 mart.data_quality.rows_prior_*" in section(page, 1)
    assert "仓库未发布 qa.largest_contributors" in section(page, 6)
    assert "✓ 成立" in page


def test_the_warehouse_as_first_published(tmp_path):
    """mart.data_quality with three buckets, no output by bucket and no identity columns; no rule results,
    queue, log or ref: the report cannot check the identity, and says so."""
    con = duckdb.connect(":memory:")
    con.execute("create schema mart")
    con.execute("create table mart.data_quality as select date '2018-03-01' as period, 2841::bigint as rows_received, "
                "2832::bigint as rows_accepted, 7::bigint as rows_rejected, 2::bigint as rows_superseded, "
                "5::bigint as rows_blank_prior, 9::bigint as rows_unclassified, 14.3::double as output_unclassified, "
                "0.0::double as output_no_va_rate, 'bc28802aec74' as catalog_version")
    page = render_quality_report(con, "2018-03", tmp_path, simulated=False).read_text(encoding="utf-8")
    lines, output = re.findall(r'<p class="identity (\w+)">(.*?)</p>', page)
    assert lines[0] == "warn" and "报送 2,841 = 接受 2,832 + 剔除 7 + 被更正替代 2 + 重复行 —" in lines[1]
    assert "无法核对：仓库未发布 identity_rows_ok" in lines[1]
    assert output[0] == "warn" and "无法核对：仓库未发布 identity_output_ok" in output[1]
    for relation, number in (("mart.rule_results", 3), ("qa.review_queue", 4), ("qa.review_log", 5)):
        assert f"仓库未发布 {relation}" in section(page, number)
    assert "本期无调查范围数据" in section(page, 1) and "2018年1–3月" in page
    assert "不在调查范围 —" in lines[1]  # a bucket not published yet


def test_the_connection_is_left_usable(tmp_path):
    con = make_warehouse()
    render_quality_report(con, "2020-03", tmp_path, simulated=False)
    # duckdb 2 refuses con.sql() while an execute() result is unfinished (a fetchone left behind).
    assert con.sql("select count(*) from mart.data_quality").fetchall() == [(2,)]


def test_unknown_and_malformed_periods(tmp_path):
    with pytest.raises(LookupError, match="2020-04"):
        render_quality_report(make_warehouse(), "2020-04", tmp_path, simulated=False)
    with pytest.raises(ValueError, match="YYYY-MM"):
        render_quality_report(make_warehouse(), "2020-3", tmp_path, simulated=False)
    assert not list(tmp_path.iterdir())


def test_render_all_writes_every_period(tmp_path):
    # (its time is the benchmark's "reports" stage: a timed assertion here failed on a slow day, benchmarks/README.md)
    con = make_warehouse()
    rendered = render_all_quality_reports(con, tmp_path, simulated=True)
    paths = rendered.paths
    assert paths == rendered.written == [tmp_path / "quality_2020-02.html", tmp_path / "quality_2020-03.html"]
    assert all("模拟数据" in p.read_text(encoding="utf-8") for p in paths)


def test_the_chart_says_what_it_shows():
    from sei_stats.charts import figure_texts

    data = quality_report.load_quality_data(make_warehouse())
    limits = {"max_nonresponse_rate": 0.1, "max_held_output_share": 0.05}
    fig = quality_report.quality_chart(data.quality, "2020-03", limits, simulated=False)
    texts = figure_texts(fig)
    assert "回报率" in texts and "剔除产值占比" in texts and "待审暂缓产值占比" in texts
    assert "下限 90%" in texts and "上限 5%" in texts
    assert any(t.startswith("近12个月数据质量（截至2020年1–3月）") for t in texts)
    assert "模拟数据" not in texts


def test_the_chart_spans_the_report_periods_of_the_calendar_and_labels_their_spans(tmp_path):
    from sei_stats.charts import figure_texts

    con = make_warehouse()
    con.execute("insert into ref.settings values ('calendar', 'january_reported', 0, '')")  # the default
    data = quality_report.load_quality_data(con)
    assert data.calendar == Calendar(january_reported=False)
    fig = quality_report.quality_chart(data.quality, "2020-03", data.limits, simulated=False, calendar=data.calendar)
    ticks = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    # 2019-04 … 2020-03 without 2020-01: eleven report periods, the year under each year's first one
    assert ticks == ["1–4月\n2019年", "1–5月", "1–6月", "1–7月", "1–8月", "1–9月", "1–10月", "1–11月", "1–12月",
                     "1–2月\n2020年", "1–3月"]
    assert not any(t in ("2月", "3月", "1月") or t.startswith("1月") for t in ticks)
    assert any(t.startswith("近12个月数据质量（截至2020年1–3月）") for t in figure_texts(fig))
    page = render_quality_report(con, "2020-02", tmp_path, simulated=False).read_text(encoding="utf-8")
    assert "2020年1–2月（2020-02，本年累计）" in page
    con.execute("update ref.settings set value = 1 where section = 'calendar'")
    data = quality_report.load_quality_data(con)
    fig = quality_report.quality_chart(data.quality, "2020-03", data.limits, simulated=False, calendar=data.calendar)
    ticks = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert len(ticks) == 12 and ticks[-3:] == ["1月\n2020年", "1–2月", "1–3月"]


# --- a page is rewritten only when what it shows changed --------------------------------------------

# Report periods around the fixture's 2020-02 and 2020-03 (its warehouse publishes no calendar: every month is
# a report period): 2020-03 is in the 12-month charts of 2020-04, 2020-05 and 2021-02 (2020-03 … 2021-02), not
# in that of 2021-03 (2020-04 … 2021-03); 2019-12 is in those of 2020-02 … 2020-05 (2019-06 … 2020-05).
MORE = ("2019-12", "2020-04", "2020-05", "2021-02", "2021-03")


def longer_warehouse():
    """The standard warehouse with more report periods, each a copy of 2020-03's figures."""
    con = make_warehouse()
    for period in MORE:
        con.execute("insert into mart.data_quality select * replace (?::date as period) from mart.data_quality "
                    "where period = '2020-03-01'", [f"{period}-01"])
    return con


def aged(rendered) -> None:
    for path in rendered.paths:
        os.utime(path, ns=(OLD, OLD))


def touched(out: Path) -> list[str]:
    """The periods whose page's modification time is no longer OLD."""
    return sorted(p.stem.removeprefix("quality_") for p in out.glob("quality_*.html") if p.stat().st_mtime_ns != OLD)


def written(rendered) -> list[str]:
    return [p.stem.removeprefix("quality_") for p in rendered.written]


def test_rendering_the_same_warehouse_again_writes_nothing(tmp_path):
    con = longer_warehouse()
    first = render_all_quality_reports(con, tmp_path, simulated=False)
    assert written(first) == sorted(["2020-02", "2020-03", *MORE]) and first.kept == []
    aged(first)
    again = render_all_quality_reports(con, tmp_path, simulated=False)
    assert again.written == [] and again.kept == again.paths == first.paths
    assert touched(tmp_path) == []
    page = (tmp_path / "quality_2020-03.html").read_text(encoding="utf-8")
    key = quality_report.page_key(quality_report.load_quality_data(con), "2020-03", simulated=False)
    assert f'<head>\n<meta charset="utf-8">\n<meta name="sei-content-key" content="{key}">\n' in page
    # the single page reads the warehouse for its period only, and keys it the same
    render_quality_report(con, "2020-03", tmp_path, simulated=False)
    assert touched(tmp_path) == []


def test_a_month_s_new_figures_redraw_its_page_and_the_pages_whose_chart_shows_it(tmp_path):
    con = longer_warehouse()
    aged(render_all_quality_reports(con, tmp_path, simulated=False))
    con.execute("update mart.data_quality set output_rejected = output_rejected + 1 where period = '2020-03-01'")
    rendered = render_all_quality_reports(con, tmp_path, simulated=False)
    assert written(rendered) == touched(tmp_path) == ["2020-03", "2020-04", "2020-05", "2021-02"]
    assert len(rendered.kept) == 3  # 2019-12 and 2020-02 before it, 2021-03 whose chart starts after it


def test_a_month_s_review_queue_redraws_its_own_page_only(tmp_path):
    con = longer_warehouse()
    aged(render_all_quality_reports(con, tmp_path, simulated=False))
    con.execute("update qa.review_queue set message = 'changed' where period = '2020-03-01' and line_number = 2")
    assert written(render_all_quality_reports(con, tmp_path, simulated=False)) == touched(tmp_path) == ["2020-03"]
    aged(render_all_quality_reports(con, tmp_path, simulated=False))
    # the same rows in another order (a view leaves the order of ties to chance) are no change
    rows = con.execute("select * from qa.review_queue order by random()").df()
    con.execute("delete from qa.review_queue")
    con.execute("insert into qa.review_queue select * from rows")
    assert render_all_quality_reports(con, tmp_path, simulated=False).written == [] and touched(tmp_path) == []


def test_a_run_on_the_same_publish_reads_nothing_while_its_pages_are_there(tmp_path, monkeypatch):
    con = longer_warehouse()
    con.execute("create schema if not exists ref; create table ref.publish as select 'publish-1' as publish_id")
    first = render_all_quality_reports(con, tmp_path, simulated=False)
    assert len(first.written) == 7
    aged(first)
    loads = []
    reading = quality_report.load_quality_data
    monkeypatch.setattr(quality_report, "load_quality_data", lambda *a, **k: loads.append(1) or reading(*a, **k))
    again = render_all_quality_reports(con, tmp_path, simulated=False)
    assert (again.paths, again.written, loads, touched(tmp_path)) == (first.paths, [], [], [])
    assert render_all_quality_reports(con, tmp_path, simulated=True).written == first.paths  # another flag: redrawn
    aged(first)
    (tmp_path / "quality_2020-04.html").write_text("<html>not ours</html>", encoding="utf-8")  # replaced: read again
    assert written(render_all_quality_reports(con, tmp_path, simulated=True)) == ["2020-04"] and len(loads) == 2
    con.execute("update ref.publish set publish_id = 'publish-2'")  # the next publish: read again, nothing changed
    assert render_all_quality_reports(con, tmp_path, simulated=True).written == [] and len(loads) == 3


def test_a_deleted_page_is_drawn_again_and_a_page_no_longer_published_is_left_as_it_is(tmp_path):
    con = longer_warehouse()
    aged(render_all_quality_reports(con, tmp_path, simulated=False))
    (tmp_path / "quality_2020-04.html").unlink()
    (tmp_path / "quality_2021-03.html").write_text("<html>not ours</html>", encoding="utf-8")
    rendered = render_all_quality_reports(con, tmp_path, simulated=False)
    assert written(rendered) == touched(tmp_path) == ["2020-04", "2021-03"]
    assert "数据质量报告" in (tmp_path / "quality_2021-03.html").read_text(encoding="utf-8")
    aged(rendered)
    con.execute("delete from mart.data_quality where period = '2019-12-01'")
    rendered = render_all_quality_reports(con, tmp_path, simulated=False)
    # the charts that showed 2019-12 now show it as not published
    assert written(rendered) == touched(tmp_path) == ["2020-02", "2020-03", "2020-04", "2020-05"]
    assert tmp_path / "quality_2019-12.html" not in rendered.paths
    assert (tmp_path / "quality_2019-12.html").stat().st_mtime_ns == OLD  # left as it is, not removed


def test_a_changed_simulated_flag_or_code_redraws_every_page(tmp_path, monkeypatch):
    con = make_warehouse()
    aged(render_all_quality_reports(con, tmp_path, simulated=False))
    assert written(render_all_quality_reports(con, tmp_path, simulated=True)) == touched(tmp_path) == ["2020-02", "2020-03"]
    assert "模拟数据" in (tmp_path / "quality_2020-03.html").read_text(encoding="utf-8")
    aged(render_all_quality_reports(con, tmp_path, simulated=True))
    monkeypatch.setattr(quality_report, "_code", lambda: "another version of the code")
    assert written(render_all_quality_reports(con, tmp_path, simulated=True)) == touched(tmp_path) == ["2020-02", "2020-03"]


def test_the_calendar_and_the_limits_are_part_of_the_key(tmp_path):
    con = make_warehouse()
    aged(render_all_quality_reports(con, tmp_path, simulated=False))
    con.execute("update ref.settings set value = 0.2 where section = 'checks' and name = 'max_nonresponse_rate'")
    assert written(render_all_quality_reports(con, tmp_path, simulated=False)) == ["2020-02", "2020-03"]
    aged(render_all_quality_reports(con, tmp_path, simulated=False))
    con.execute("insert into ref.settings values ('calendar', 'january_reported', 0, '')")  # none: every month
    assert written(render_all_quality_reports(con, tmp_path, simulated=False)) == ["2020-02", "2020-03"]


def with_publish(con, publish_id: str):
    con.execute("create table ref.publish (publish_id varchar, period date)")
    con.execute("insert into ref.publish values (?, '2020-03-01'), (?, '2020-02-01')", [publish_id, publish_id])
    return con


def test_the_marts_are_read_from_the_analysts_file_of_the_same_publish_only(tmp_path):
    con = with_publish(make_warehouse(), "20200410T000000Z-1")
    marts = with_publish(make_warehouse(), "20200410T000000Z-1")
    marts.execute("update mart.data_quality set catalog_version = 'from-the-analysts-file'")
    page = render_quality_report(con, "2020-03", tmp_path / "same", simulated=False, marts=marts)
    assert "from-the-analysts-file" in page.read_text(encoding="utf-8")
    other = with_publish(make_warehouse(), "20200411T000000Z-2")
    other.execute("update mart.data_quality set catalog_version = 'another-publish'")
    page = render_quality_report(con, "2020-03", tmp_path / "other", simulated=False, marts=other)
    assert "another-publish" not in page.read_text(encoding="utf-8") and "bc28802aec74" in page.read_text(encoding="utf-8")
    # a path to a file that does not exist: the marts of con's own
    page = render_quality_report(con, "2020-03", tmp_path / "none", simulated=False, marts=tmp_path / "no.duckdb")
    assert "bc28802aec74" in page.read_text(encoding="utf-8")
