"""The briefing charts: files, resolution, Chinese glyphs, the 模拟数据 stamp, missing data."""

from __future__ import annotations

import io
import math
from pathlib import Path

import duckdb
import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib._pylab_helpers import Gcf
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, fontManager
from PIL import Image

from sei_stats import charts
from sei_stats.calendar import Calendar
from sei_stats.catalog import AREAS
from conftest import aged, missing_glyph_warnings, touched

NAMES = ("output_vs_target", "output_target_path", "growth_vs_target", "gdp_share_vs_target", "output_by_area",
         "industry_and_services")
NaN = float("nan")

# Hand-made complete years: output in 亿元, rates as fractions (as the marts publish them).
ANNUAL = [
    # year, output_value, output_growth, value_added, gdp, gdp_share, avg_growth_since_baseline, n
    (2017, 3012.5, 0.098, 843.5, 7363.9, 0.1145, NaN, 612),
    (2018, 3405.1, 0.131, 970.5, 7668.5, 0.1266, 0.131, 640),
    (2019, 3862.4, 0.135, 1112.4, 7001.7, 0.1589, 0.133, 655),
    (2020, 4188.0, 0.084, 1214.5, 7030.4, 0.1727, 0.116, 671),
]
AREA_SHARES = (0.24, 0.31, 0.12, 0.14, 0.11, 0.08)
# Services revenue (营业收入) of the same years, 亿元, and its growth: drawn apart, never added to output.
SERVICES = {2017: (412.0, NaN), 2018: (466.3, 0.118), 2019: (530.9, 0.122), 2020: (601.2, 0.109)}

# The latest year landed, 2020, to June: 350亿元 a month against a path of 5000 × m / 12 (2019's months
# were even); 2019 ran at 3862.4 × m / 12. June: 2100 against 2500, behind by 400 (16.0%), growth
# 2100 / 1931.2 − 1 = 8.7%.
MONTHS_2019 = {m: 3862.4 * m / 12 for m in range(1, 13)}
MONTHS_2020 = {m: 350.0 * m for m in range(1, 7)}


def add_months(con, with_path: bool) -> None:
    """mart.indicators_monthly for 2019 and 2020 to June; mart.target_path for 2020 (empty without a path)."""
    con.execute("create table mart.indicators_monthly (period date, output_value decimal(18,6), output_growth double, "
                "services_revenue double, services_revenue_growth double)")
    con.execute("""create table mart.target_path (plan_id varchar, period date, path_annual double, path_value double,
                   gap double, gap_share double, position varchar)""")
    for year, months in ((2019, MONTHS_2019), (2020, MONTHS_2020)):
        for m, output in months.items():
            growth = output / MONTHS_2019[m] - 1 if year == 2020 else None
            con.execute("insert into mart.indicators_monthly values (make_date(?, ?, 1), ?, ?, ?, ?)",
                        [year, m, output, growth, output / 7, growth])
    for m, output in MONTHS_2020.items() if with_path else ():
        path = 5000 * m / 12
        con.execute("insert into mart.target_path values ('dalian-sei-2018-2020', make_date(2020, ?, 1), 5000, ?, ?, ?, ?)",
                    [m, path, output - path, (output - path) / path, "ahead" if output >= path else "behind"])


def make_warehouse(annual=ANNUAL, with_areas: bool = True, with_path: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the tables the charts read, filled by hand."""
    con = duckdb.connect(":memory:")
    con.execute("create schema mart; create schema ref")
    # Money as DECIMAL here: the charts must cope with either DECIMAL or DOUBLE.
    con.execute(
        """create table mart.indicators_annual (year integer, output_value decimal(18,6), output_growth double,
        value_added decimal(18,6), gdp decimal(18,6), gdp_share double, avg_growth_since_baseline double,
        n_enterprises bigint, services_revenue double, services_revenue_growth double)"""
    )
    for row in annual:
        con.execute("insert into mart.indicators_annual values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [None if isinstance(v, float) and math.isnan(v) else v
                     for v in (*row, *SERVICES.get(row[0], (row[1] / 7, row[2])))])
    con.execute(
        """create table mart.output_by_area (period date, area varchar, output_ytd double,
        output_ytd_prior double, growth double, n_enterprises bigint, services_revenue double)"""
    )
    if with_areas:
        for year, output, *_ in annual:
            for area, share in zip(AREAS, AREA_SHARES):
                # December is the annual total; June must be ignored.
                con.execute("insert into mart.output_by_area values (make_date(?, 12, 1), ?, ?, null, null, 10, ?)",
                            [year, area, output * share, output * share / 7])
                con.execute("insert into mart.output_by_area values (make_date(?, 6, 1), ?, ?, null, null, 10, ?)",
                            [year, area, output * share / 2, output * share / 14])
    con.execute(
        """create table ref.targets (plan_id varchar, title varchar, indicator varchar, label varchar,
        target_value double, unit varchar, baseline_year integer, target_year integer, measure varchar)"""
    )
    for indicator, label, value, unit in (
        ("output_value", "战略性新兴产业产值", 5000, "亿元"),
        ("avg_growth_since_baseline", "年均增长", 0.18, "fraction"),
        ("gdp_share", "增加值占全市GDP比重", 0.15, "fraction"),
    ):
        con.execute("insert into ref.targets values ('dalian-sei-2018-2020', '实施方案', ?, ?, ?, ?, 2017, 2020, ?)",
                    [indicator, label, value, unit, "industry" if indicator != "gdp_share" else None])
    add_months(con, with_path)
    return con


def render(out: Path, *, simulated: bool) -> tuple[list[Path], list[str]]:
    """Render the hand-made warehouse into out; the paths and the glyph warnings raised meanwhile."""
    paths: list[Path] = []
    caught = missing_glyph_warnings(lambda: paths.extend(charts.render_charts(make_warehouse(), out, simulated=simulated).written))
    return paths, caught


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[list[Path], list[str]]:
    """The simulated charts, rendered once for the module."""
    return render(tmp_path_factory.mktemp("simulated"), simulated=True)


@pytest.fixture(scope="module")
def rendered_real(tmp_path_factory) -> tuple[list[Path], list[str]]:
    """The same charts as real data, rendered once for the module."""
    return render(tmp_path_factory.mktemp("real"), simulated=False)


def test_use_cjk_font_uses_the_packaged_sc_face_and_is_idempotent():
    path = charts.cjk_font_path()
    assert path.parent.name == "noto_cjk_sans_otc"
    assert charts.use_cjk_font() == "Noto Sans CJK SC"
    registered = sum(Path(f.fname) == path for f in fontManager.ttflist)
    charts.use_cjk_font()
    assert sum(Path(f.fname) == path for f in fontManager.ttflist) == registered
    assert matplotlib.rcParams["font.family"] == ["Noto Sans CJK SC", "DejaVu Sans"]
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert Path(findfont(FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False)) == path


def test_render_writes_png_and_svg_of_every_chart(rendered):
    paths, _ = rendered
    assert sorted(p.name for p in paths) == sorted(f"{n}.{ext}" for n in NAMES for ext in ("png", "svg"))
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert Gcf.get_num_fig_managers() == 0  # nothing left open in pyplot


def test_png_is_300_dpi(rendered):
    for path in (p for p in rendered[0] if p.suffix == ".png"):
        with Image.open(path) as image:
            assert image.info["dpi"] == pytest.approx((300, 300), abs=0.5)
            assert image.size == (2400, 1500 if path.stem != "output_by_area" else 1800)


def test_rendering_misses_no_glyph(rendered, rendered_real):
    assert rendered[1] == [] and rendered_real[1] == []


def test_control_dejavu_alone_does_miss_chinese_glyphs():
    # Proves the glyph check above can fail: without the CJK face the same text warns.
    def draw():
        with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
            fig = Figure()
            FigureCanvasAgg(fig)
            fig.suptitle("战略性新兴产业产值")
            fig.savefig(io.BytesIO(), format="png")

    assert missing_glyph_warnings(draw)


def test_simulated_charts_carry_the_stamp(rendered):
    figures = charts.build_figures(make_warehouse(), simulated=True)
    assert set(figures) == set(NAMES)
    for fig in figures.values():
        texts = charts.figure_texts(fig)
        assert "模拟数据" in texts  # the corner stamp
        assert any(t.startswith("来源") and "模拟数据" in t for t in texts)
    # The saved SVG keeps the stamp as its own group (text is drawn as paths, see below).
    for path in (p for p in rendered[0] if p.suffix == ".svg"):
        assert f'id="{charts.STAMP_GID}"' in path.read_text(encoding="utf-8")


def test_real_charts_carry_no_stamp(rendered_real):
    figures = charts.build_figures(make_warehouse(), simulated=False)
    for fig in figures.values():
        texts = charts.figure_texts(fig)
        assert not any("模拟数据" in t for t in texts)
        assert any(t == charts.SOURCE for t in texts)
    for path in (p for p in rendered_real[0] if p.suffix == ".svg"):
        svg = path.read_text(encoding="utf-8")
        assert charts.STAMP_GID not in svg and "模拟数据" not in svg


def test_rerendering_the_same_data_gives_the_same_svg(rendered_real, tmp_path):
    again = charts.render_charts(make_warehouse(), tmp_path, simulated=False).written
    first = {p.name: p.read_bytes() for p in rendered_real[0] if p.suffix == ".svg"}
    assert {p.name: p.read_bytes() for p in again if p.suffix == ".svg"} == first


def test_titles_and_axes_say_their_units():
    figures = charts.build_figures(make_warehouse(), simulated=False)
    assert figures["output_vs_target"].get_suptitle() == "战略性新兴产业工业总产值与2020年目标（亿元）"
    units = {name: fig.axes[0].get_ylabel() for name, fig in figures.items()}
    assert units == {"output_vs_target": "亿元", "output_target_path": "亿元", "growth_vs_target": "%",
                     "gdp_share_vs_target": "%", "output_by_area": "", "industry_and_services": "亿元"}
    assert figures["output_by_area"].axes[0].get_xlabel() == "亿元"
    assert "3,012.5" in charts.figure_texts(figures["output_vs_target"])


def test_areas_follow_the_plan_and_use_december():
    data = charts.read_chart_data(make_warehouse())
    assert list(data.areas.columns) == list(AREAS)
    assert data.areas.loc[2017].sum() == pytest.approx(3012.5)
    fig = charts.build_figures(make_warehouse(), simulated=False)["output_by_area"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == list(AREAS)


def test_trajectories_run_from_the_baseline_to_the_target():
    years, required, rate, at_rate = charts.trajectories(3012.5, 2017, 2020, 5000, 18.0)
    assert years == [2017, 2018, 2019, 2020]
    assert required[0] == pytest.approx(3012.5) and required[-1] == pytest.approx(5000)
    assert rate == pytest.approx(((5000 / 3012.5) ** (1 / 3) - 1) * 100)
    assert at_rate[-1] == pytest.approx(3012.5 * 1.18**3)


def test_no_complete_year_writes_nothing(tmp_path):
    out = tmp_path / "charts"
    assert charts.render_charts(make_warehouse(annual=[]), out, simulated=True) == charts.Rendered([], [])
    assert not out.exists()


def test_sparse_data_still_renders_without_missing_glyphs(tmp_path):
    # No baseline year, no growth, no GDP share, no areas, no path within the year; the target year lies beyond the data.
    sparse = [(2018, 3405.1, NaN, NaN, NaN, NaN, NaN, 640), (2019, 3862.4, NaN, NaN, NaN, NaN, NaN, 655)]
    paths: list[Path] = []
    caught = missing_glyph_warnings(lambda: paths.extend(
        charts.render_charts(make_warehouse(sparse, with_areas=False, with_path=False), tmp_path, simulated=False).written))
    assert len(paths) == 2 * len(NAMES) and caught == []
    figures = charts.build_figures(make_warehouse(sparse, with_areas=False, with_path=False), simulated=False)
    assert [t.get_text() for t in figures["output_vs_target"].axes[0].get_xticklabels()] == ["2017", "2018", "2019", "2020"]
    assert "暂无分领域数据" in charts.figure_texts(figures["output_by_area"])
    assert "无可比数据" in charts.figure_texts(figures["growth_vs_target"])
    path_texts = charts.figure_texts(figures["output_target_path"])
    assert "序时进度（目标路径）" not in path_texts  # no line where there is no path
    assert "1–6月累计工业总产值 2,100.0亿元\n无序时进度（基期或上年月度数据未齐）\n同比增长 8.7%（可比口径）" in path_texts


def test_with_several_plans_the_charts_draw_the_plan_of_the_latest_year():
    con = make_warehouse()
    for indicator, label, value, unit in (("output_value", "产值", 8000, "亿元"), ("gdp_share", "比重", 0.2, "fraction")):
        con.execute("insert into ref.targets values ('dalian-sei-2021-2025', '十四五', ?, ?, ?, ?, 2020, 2025, 'industry')",
                    [indicator, label, value, unit])
    # 2020, the latest year, is one of the 2018–2020 plan's years (2021–2025 starts after its baseline 2020)
    data = charts.read_chart_data(con)
    assert (data.baseline_year, data.target_year, data.targets["output_value"].value) == (2017, 2020, 5000)
    # A 2021 makes the 2021–2025 plan the one drawn; its average growth starts after its baseline 2020.
    con.execute("insert into mart.indicators_annual values (2021, 4600.0, 0.1, 1300.0, 7500.0, 0.1733, 0.1, 680, 650.0, 0.08)")
    data = charts.read_chart_data(con)
    assert (data.baseline_year, data.target_year, data.targets["output_value"].value) == (2020, 2025, 8000)
    assert "avg_growth_since_baseline" not in data.targets
    assert data.annual["avg_growth_since_baseline"].dropna().to_dict() == {2021: pytest.approx(10.0)}
    # Data before every plan: the first plan.
    assert charts.chart_plan(con.sql("select distinct plan_id, baseline_year, target_year from ref.targets").df(), 2016)["plan_id"] \
        == "dalian-sei-2018-2020"


def test_the_path_within_the_year_shows_the_latest_year_by_month():
    fig = charts.build_figures(make_warehouse(), simulated=False)["output_target_path"]
    assert fig.get_suptitle() == "2020年战略性新兴产业工业总产值序时进度（亿元）"
    ax = fig.axes[0]
    # a warehouse without ref.settings' calendar row was published when every month was a report period
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1月"] + [f"1–{m}月" for m in range(2, 13)]
    assert ax.get_xlabel() == "累计至当月（1–X月）"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["2020年累计工业总产值", "序时进度（目标路径）", "2019年同期", "2020年目标 5,000亿元"]
    # June: 2100 against the path's 5000 × 6 / 12 = 2500, behind by 400 (400 / 2500 = 16.0%)
    assert "1–6月累计工业总产值 2,100.0亿元\n慢于序时进度 400.0亿元（16.0%）\n同比增长 8.7%（可比口径）" in charts.figure_texts(fig)
    data = charts.read_target_path(make_warehouse())
    assert (data.year, data.target_year, list(data.months.index)) == (2020, 2020, [1, 2, 3, 4, 5, 6])
    assert data.months.loc[6, "last_year_value"] == pytest.approx(1931.2)
    assert data.months.loc[6, "gap_share"] == pytest.approx(-16.0)


def test_the_months_along_x_are_the_report_periods_of_the_calendar():
    con = make_warehouse()
    con.execute("delete from mart.indicators_monthly where month(period) = 1")  # January is no report period
    con.execute("create table ref.settings (section varchar, name varchar, value double)")
    con.execute("insert into ref.settings values ('calendar', 'january_reported', 0)")
    data = charts.read_target_path(con)
    assert data.calendar == Calendar(january_reported=False) and list(data.months.index) == [2, 3, 4, 5, 6]
    ax = charts.build_figures(con, simulated=False)["output_target_path"].axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["1–2月", "1–3月", "1–4月", "1–5月", "1–6月", "1–7月", "1–8月", "1–9月", "1–10月", "1–11月", "1–12月"]
    assert [t.get_position()[0] for t in ax.get_xticklabels()] == list(range(2, 13))
    assert ax.get_xlim() == pytest.approx((1.4, 12.6))
    con.execute("update ref.settings set value = 1")
    ax = charts.build_figures(con, simulated=False)["output_target_path"].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["1月", "1–2月"]


def test_path_status_in_the_bureaus_words():
    ahead = {"output_value": 90.0, "gap": 10.0, "gap_share": 12.5, "output_growth": 125.0, "position": "ahead"}
    assert charts.path_status(6, ahead) == "1–6月累计工业总产值 90.0亿元\n快于序时进度 10.0亿元（12.5%）\n同比增长 125.0%（可比口径）"
    falling = {"output_value": 80.0, "gap": NaN, "gap_share": NaN, "output_growth": -3.6, "position": None}
    assert charts.path_status(1, falling) == "1月累计工业总产值 80.0亿元\n无序时进度（基期或上年月度数据未齐）\n同比下降 3.6%（可比口径）"
    assert charts.path_status(2, falling, calendar=Calendar()).startswith("1–2月累计工业总产值 80.0亿元\n")
    with pytest.raises(ValueError, match="January is not a report period"):
        charts.path_status(1, falling, calendar=Calendar())


def test_industry_and_services_are_drawn_apart_never_added():
    figures = charts.build_figures(make_warehouse(), simulated=False)
    fig = figures["industry_and_services"]
    texts = charts.figure_texts(fig)
    assert fig.get_suptitle() == "战略性新兴产业工业总产值与服务业营业收入（亿元）"
    assert {"工业总产值（亿元）", "营业收入（亿元）"} <= set(texts)
    assert "3,012.5\n+9.8%" in texts and "4,188.0\n+8.4%" in texts and "412.0" in texts and "601.2\n+10.9%" in texts
    assert not any(f"{3012.5 + 412.0:,.1f}" in t for t in texts)  # the sum is drawn nowhere
    heights = sorted(round(p.get_height(), 1) for p in fig.axes[0].patches)
    assert heights == sorted([3012.5, 3405.1, 3862.4, 4188.0, 412.0, 466.3, 530.9, 601.2])


def test_a_services_target_draws_services_revenue(tmp_path):
    con = make_warehouse()
    con.execute("update ref.targets set measure = 'services' where indicator <> 'gdp_share'")
    data = charts.read_chart_data(con)
    assert data.measure == "services" and data.measure_label == "营业收入"
    assert list(data.annual["output_value"]) == [412.0, 466.3, 530.9, 601.2]
    assert data.path.months.loc[6, "output_value"] == pytest.approx(2100 / 7)
    figures = charts.build_figures(con, simulated=False)
    assert figures["output_vs_target"].get_suptitle() == "战略性新兴产业营业收入与2020年目标（亿元）"


def test_areas_show_services_revenue_in_a_panel_of_its_own():
    fig = charts.build_figures(make_warehouse(), simulated=False)["output_by_area"]
    assert fig.get_suptitle() == "战略性新兴产业分领域工业总产值与营业收入（亿元，分列不相加）"
    left, right = fig.axes
    assert (left.get_title(loc="left"), right.get_title(loc="left")) == ("工业总产值", "营业收入")
    # December of 2017: industrial output by area, and services revenue (a seventh of it here) apart
    assert sorted(round(p.get_width(), 2) for p in right.patches)[-1] == pytest.approx(round(4188.0 * 0.31 / 7, 2))
    assert max(p.get_width() for p in left.patches) == pytest.approx(4188.0 * 0.31)


# --- drawn again only when what a chart shows changed -----------------------------------------------

def files_of(names) -> set[str]:
    return {f"{name}.{ext}" for name in names for ext in ("png", "svg")}


def test_rendering_the_same_data_again_writes_nothing(tmp_path):
    con = make_warehouse()
    first = charts.render_charts(con, tmp_path, simulated=False)
    assert first.written == first.paths and first.kept == [] and len(first.paths) == 2 * len(NAMES)
    aged(first.paths)
    again = charts.render_charts(con, tmp_path, simulated=False)
    assert again.written == [] and again.kept == again.paths == first.paths
    assert touched(tmp_path) == set()
    # each file carries its chart's key, read back from the PNG's tEXt and the SVG's dc:identifier
    data = charts.read_chart_data(con)
    for name in NAMES:
        key = charts.chart_key(name, data, simulated=False)
        assert charts.stored_content_key(tmp_path / f"{name}.png") == key == charts.stored_content_key(tmp_path / f"{name}.svg")
    assert len({charts.chart_key(name, data, simulated=False) for name in NAMES}) == len(NAMES)


def test_a_month_of_the_latest_year_redraws_the_path_chart_only_and_a_year_the_others(tmp_path):
    con = make_warehouse()
    aged(charts.render_charts(con, tmp_path, simulated=False).paths)
    con.execute("update mart.indicators_monthly set output_value = output_value + 1 where period = '2020-03-01'")
    rendered = charts.render_charts(con, tmp_path, simulated=False)
    assert {p.name for p in rendered.written} == touched(tmp_path) == files_of(["output_target_path"])
    aged(rendered.paths)
    con.execute("update mart.indicators_annual set output_value = output_value + 10 where year = 2019")
    rendered = charts.render_charts(con, tmp_path, simulated=False)
    # every chart of the complete years (output, growth, share, industry beside services, areas) reads
    # mart.indicators_annual: all but the path within the year
    assert {p.name for p in rendered.written} == touched(tmp_path) == files_of(set(NAMES) - {"output_target_path"})


def test_a_deleted_or_foreign_file_is_drawn_again(tmp_path):
    con = make_warehouse()
    aged(charts.render_charts(con, tmp_path, simulated=False).paths)
    (tmp_path / "growth_vs_target.svg").unlink()
    (tmp_path / "output_by_area.png").write_bytes(b"not drawn by us")  # no key: drawn again
    rendered = charts.render_charts(con, tmp_path, simulated=False)
    assert {p.name for p in rendered.written} == touched(tmp_path) == files_of(["growth_vs_target", "output_by_area"])
    assert (tmp_path / "growth_vs_target.svg").is_file()
    assert Image.open(tmp_path / "output_by_area.png").info["dpi"][0] == pytest.approx(300, abs=1)


def test_a_changed_simulated_flag_or_drawing_code_redraws_every_chart(tmp_path, monkeypatch):
    con = make_warehouse()
    aged(charts.render_charts(con, tmp_path, simulated=False).paths)
    rendered = charts.render_charts(con, tmp_path, simulated=True)
    assert rendered.kept == [] and touched(tmp_path) == files_of(NAMES)
    assert "模拟数据" in charts.figure_texts(charts.build_figures(con, simulated=True)["output_vs_target"])
    aged(rendered.paths)
    monkeypatch.setattr(charts, "_chart_code", lambda: "another version of the code")
    assert charts.render_charts(con, tmp_path, simulated=True).kept == []
    assert touched(tmp_path) == files_of(NAMES)


def test_each_chart_is_drawn_from_the_part_of_the_data_its_key_covers():
    data = charts.read_chart_data(make_warehouse())
    for name in NAMES:
        part = charts.drawn_from(name, data)
        if name in charts.PATH_CHARTS:
            assert part.path == data.path and part.annual.empty and part.areas.empty and not part.targets
        else:
            assert part.path is None and part.annual.equals(data.annual) and part.targets == data.targets


def test_content_keys_see_every_value_and_ignore_what_is_not_compared():
    frame = pd.DataFrame({"a": [1.0, 2.0]}, index=[2019, 2020])
    key = charts.content_key(frame, {"x": 1})
    assert key == charts.content_key(frame.copy(), {"x": 1})
    assert key != charts.content_key(frame.assign(a=[1.0, 2.0 + 1e-9]), {"x": 1})  # the 10th significant digit
    # the last bits of a double (a parallel sum's order) are no change: 12 significant digits are keyed
    total = 6393.705442
    assert charts.content_key(pd.DataFrame({"a": [total]})) == \
        charts.content_key(pd.DataFrame({"a": [np.nextafter(total, np.inf)]}))
    assert charts.content_key(total) == charts.content_key(np.float64(np.nextafter(total, 0)))
    assert charts.canonical_row((1, "x", total, None)) == "(1, 'x', 6393.705442, None)"
    assert key != charts.content_key(frame.set_axis([2018, 2020]), {"x": 1})  # the index
    assert key != charts.content_key(frame.rename(columns={"a": "b"}), {"x": 1})
    assert key != charts.content_key(frame, {"x": 2})
    # a Calendar compares (and is keyed) by january_reported only, not by the file that set it
    assert charts.content_key(Calendar(False, source="a")) == charts.content_key(Calendar(False, source="b"))
    assert charts.content_key(Calendar(False)) != charts.content_key(Calendar(True))
