"""The charts drawn for the page of a briefing: 156 mm wide, no text under 9 pt, no title or source inside,
figures of the report period only, charts without data left out, files written only when changed."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from matplotlib.text import Text
from PIL import Image

from sei_stats import charts, document_charts
from sei_stats.catalog import AREAS
from conftest import aged, missing_glyph_warnings, touched

MONTHLY = ["target_path", "areas", "key_fields", "districts"]
ANNUAL = ["output_vs_target", "growth_vs_target", "gdp_share_vs_target", "areas", "key_fields"]
MEASURES = ("output_ytd double, output_comparable double, output_ytd_prior double, growth double, n_enterprises bigint, "
            "output_imputed double, imputed_share double, services_revenue double, services_revenue_comparable double, "
            "services_revenue_prior double, services_revenue_growth double, n_services_enterprises bigint, "
            "services_revenue_imputed double")

# Money in 亿元, rates as fractions, as the marts publish them. June 2020 and July 2020 differ everywhere:
# a chart of 2020-06 must show June's figures and none of July's.
AREA_OUTPUT = {6: [500.0, 640.0, 330.0, 150.0, 120.0, 0.0], 7: [600.0, 750.0, 400.0, 180.0, 140.0, 0.0]}
AREA_GROWTH = {6: [0.047, 0.042, 0.043, -0.032, 0.088, None], 7: [0.05, 0.05, 0.05, 0.05, 0.05, None]}
# field, area, key_field, June output, June growth
FIELDS = [("集成电路", "新一代信息技术", True, 360.0, 0.039), ("大数据", "新一代信息技术", True, 40.0, None),
          ("智能装备", "高端装备与新材料", True, 230.0, 0.047), ("通用航空", "高端装备与新材料", True, 200.0, -0.012),
          ("储能产业", "新能源与新能源汽车", True, 120.0, 0.018), ("基因检测与干细胞", "生物健康", True, 30.0, 0.2),
          ("新型显示", "新一代信息技术", False, 99.0, 0.01)]
DISTRICTS = [("210213", "金州区", 700.0, 0.037), ("210211", "甘井子区", 240.0, 0.051), ("210202", "中山区", 105.0, 0.072)]
MONTHS_2019 = {m: 3600.0 * m / 12 for m in range(1, 13)}
MONTHS_2020 = {m: 320.0 * m for m in range(2, 8)}  # to July; January is no report period here
TOTAL_GROWTH_JUNE = MONTHS_2020[6] / MONTHS_2019[6] - 1


def make_warehouse(*, with_path: bool = True, with_new_marts: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the marts the document charts read, a few rows each, filled by hand."""
    con = duckdb.connect(":memory:")
    con.execute("create schema mart; create schema ref")
    con.execute("create table ref.settings (section varchar, name varchar, value double)")
    con.execute("insert into ref.settings values ('calendar', 'january_reported', 0)")
    con.execute("""create table ref.targets (plan_id varchar, title varchar, indicator varchar, label varchar,
                   target_value double, unit varchar, baseline_year integer, target_year integer, measure varchar)""")
    for indicator, value, unit in (("output_value", 5000, "亿元"), ("avg_growth_since_baseline", 0.18, "fraction"),
                                   ("gdp_share", 0.15, "fraction")):
        con.execute("insert into ref.targets values ('p', '实施方案', ?, ?, ?, ?, 2017, 2020, 'industry')",
                    [indicator, indicator, value, unit])
    con.execute("""create table mart.indicators_annual (year integer, output_value double, output_growth double,
                   services_revenue double, services_revenue_growth double, value_added double, gdp double,
                   gdp_share double, avg_growth_since_baseline double)""")
    for row in ((2017, 2950.0, 0.10, 1160.0, 0.11, 800.0, 7360.0, 0.109, None),
                (2018, 3300.0, 0.12, 1300.0, 0.13, 890.0, 6720.0, 0.133, 0.12),
                (2019, 3600.0, 0.09, 1460.0, 0.12, 1000.0, 7000.0, 0.143, 0.105),
                (2020, 4100.0, 0.14, 1650.0, 0.14, 1110.0, 7030.0, 0.158, 0.117)):
        con.execute("insert into mart.indicators_annual values (?, ?, ?, ?, ?, ?, ?, ?, ?)", list(row))
    con.execute("""create table mart.indicators_monthly (period date, output_value double, output_growth double,
                   services_revenue double, services_revenue_growth double)""")
    for year, months in ((2019, MONTHS_2019), (2020, MONTHS_2020)):
        for m, output in months.items():
            growth = output / MONTHS_2019[m] - 1 if year == 2020 else None
            con.execute("insert into mart.indicators_monthly values (make_date(?, ?, 1), ?, ?, ?, ?)",
                        [year, m, output, growth, output / 3, growth])
    con.execute("""create table mart.target_path (plan_id varchar, period date, path_annual double, path_value double,
                   gap double, gap_share double, position varchar)""")
    for m, output in MONTHS_2020.items() if with_path else ():
        path = 5000 * m / 12
        con.execute("insert into mart.target_path values ('p', make_date(2020, ?, 1), 5000, ?, ?, ?, ?)",
                    [m, path, output - path, (output - path) / path, "ahead" if output >= path else "behind"])
    con.execute(f"create table mart.output_by_area (period date, area varchar, {MEASURES})")
    for year, month in ((2020, 6), (2020, 7), (2019, 12)):
        for area, output, growth in zip(AREAS, AREA_OUTPUT[month if year == 2020 else 7], AREA_GROWTH[month if year == 2020 else 7]):
            con.execute("insert into mart.output_by_area (period, area, output_ytd, growth, services_revenue) "
                        "values (make_date(?, ?, 1), ?, ?, ?, ?)", [year, month, area, output, growth, 50.0])
    if with_new_marts:
        con.execute(f"create table mart.output_by_field (period date, area varchar, field varchar, key_field boolean, {MEASURES})")
        for (year, month), factor in (((2020, 6), 1.0), ((2020, 7), 1.5), ((2019, 12), 2.0)):
            for field, area, key, output, growth in FIELDS:
                con.execute("insert into mart.output_by_field (period, area, field, key_field, output_ytd, growth) "
                            "values (make_date(?, ?, 1), ?, ?, ?, ?, ?)", [year, month, area, field, key, output * factor, growth])
        con.execute(f"create table mart.output_by_district (period date, district_code varchar, district_name varchar, {MEASURES})")
        for month, factor in ((6, 1.0), (7, 1.5)):
            for code, name, output, growth in DISTRICTS:
                con.execute("insert into mart.output_by_district (period, district_code, district_name, output_ytd, growth) "
                            "values (make_date(2020, ?, 1), ?, ?, ?, ?)", [month, code, name, output * factor, growth])
    return con


def shown_texts(fig) -> list[Text]:
    """Every visible, non-empty text of a figure, once drawn (tick labels exist only then)."""
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


@pytest.fixture(scope="module")
def monthly():
    return document_charts.build_document_figures(make_warehouse(), period="2020-06", simulated=True)


@pytest.fixture(scope="module")
def annual():
    return document_charts.build_document_figures(make_warehouse(), year=2019, simulated=True)


def test_the_charts_of_a_monthly_briefing_and_of_the_annual_evaluation(tmp_path):
    monthly = document_charts.render_document_charts(make_warehouse(), tmp_path / "m", period="2020-06", simulated=False)
    assert [c.name for c in monthly] == MONTHLY
    assert [c.title for c in monthly] == [
        "2020年1–6月战略性新兴产业工业总产值与序时进度（亿元）", "2020年1–6月六大领域工业总产值（亿元）及增速",
        "2020年1–6月重点领域工业总产值（亿元）及增速", "2020年1–6月各区市县工业总产值（亿元）及增速"]
    assert all(c.source == document_charts.DOCUMENT_SOURCE for c in monthly)
    assert all(c.png == tmp_path / "m" / f"{c.name}.png" and c.svg == tmp_path / "m" / f"{c.name}.svg" for c in monthly)
    assert all(c.png.is_file() and c.svg.is_file() for c in monthly)
    annual = document_charts.render_document_charts(make_warehouse(), tmp_path / "a", year=2019, simulated=True)
    assert [c.name for c in annual] == ANNUAL
    assert [c.title for c in annual][:1] == ["2017–2019年战略性新兴产业工业总产值与2020年目标（亿元）"]
    assert annual[3].title == "2019年六大领域工业总产值（亿元）及增速"
    assert all(c.source == f"{document_charts.DOCUMENT_SOURCE}（模拟数据）" for c in annual)
    february = document_charts.document_specs(make_warehouse(), period="2020-02")
    assert february[0].title == "2020年1–2月战略性新兴产业工业总产值与序时进度（亿元）"


def test_exactly_one_of_period_and_year(tmp_path):
    with pytest.raises(ValueError, match="exactly one"):
        document_charts.render_document_charts(make_warehouse(), tmp_path, simulated=False)
    with pytest.raises(ValueError, match="exactly one"):
        document_charts.render_document_charts(make_warehouse(), tmp_path, period="2020-06", year=2020, simulated=False)
    with pytest.raises(ValueError, match="YYYY-MM"):
        document_charts.render_document_charts(make_warehouse(), tmp_path, period="2020-6", simulated=False)


def test_png_and_svg_are_156_mm_wide_at_300_dpi(tmp_path):
    rendered = document_charts.render_document_charts(make_warehouse(), tmp_path, period="2020-06", simulated=True)
    for chart in rendered:
        with Image.open(chart.png) as image:
            (width, height), (dpi_x, dpi_y) = image.size, image.info["dpi"]
        assert width in (1843, 1844) and dpi_x == pytest.approx(300, abs=0.5) and dpi_y == pytest.approx(300, abs=0.5)
        assert width / dpi_x * 25.4 == pytest.approx(156, abs=0.05)
        assert 90 <= height / dpi_y * 25.4 <= 100
        svg_width = re.search(r'<svg[^>]* width="([0-9.]+)pt"', chart.svg.read_text(encoding="utf-8")).group(1)
        assert float(svg_width) / 72 * 25.4 == pytest.approx(156, abs=0.01)


@pytest.mark.parametrize("which", ["monthly", "annual"])
def test_no_text_under_9_pt_no_title_no_source_line(which, request):
    figures = request.getfixturevalue(which)
    assert list(figures) == (MONTHLY if which == "monthly" else ANNUAL)
    for name, fig in figures.items():
        assert fig.get_figwidth() == pytest.approx(156 / 25.4)
        texts = shown_texts(fig)
        small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 9]
        assert small == [], name
        assert fig.get_suptitle() == "", name
        assert not any(t.get_text().startswith("来源") for t in texts), name
        assert "模拟数据" in [t.get_text() for t in texts], name  # the stamp, at 9 pt or more like the rest


def off_view_tick_labels(fig) -> set[int]:
    """The tick labels matplotlib keeps but does not draw: their ticks lie outside the axis' view."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return hidden


def test_every_text_lies_inside_the_figure(monthly, annual):
    # Nothing clipped at the edges: the fitted axes leave every label within the image.
    for name, fig in [*monthly.items(), *annual.items()]:
        renderer = fig.canvas.get_renderer()
        frame = fig.bbox
        texts = shown_texts(fig)
        hidden = off_view_tick_labels(fig)
        for text in (t for t in texts if id(t) not in hidden):
            if text.get_text() == "模拟数据" and text.get_rotation():
                continue  # the diagonal watermark may run off the corners
            box = text.get_window_extent(renderer)
            assert frame.x0 - 0.5 <= box.x0 and box.x1 <= frame.x1 + 0.5, (name, text.get_text())
            assert frame.y0 - 0.5 <= box.y0 and box.y1 <= frame.y1 + 0.5, (name, text.get_text())


def test_a_monthly_chart_shows_the_period_and_no_later_month(monthly):
    # target_path: the bars are the months 2–6 of 2020, not July (320 × 7) the warehouse also holds
    path = monthly["target_path"].axes[0]
    bars = sorted((round(p.get_x() + p.get_width() / 2), p.get_height()) for p in path.patches)
    assert bars == [(m, pytest.approx(MONTHS_2020[m])) for m in range(2, 7)]
    lines = {line.get_label(): line for line in path.get_lines()}
    assert list(lines["序时进度（目标路径）"].get_xdata()) == [2, 3, 4, 5, 6]
    assert [t.get_text() for t in path.get_xticklabels()][:2] == ["1–2月", "1–3月"]
    # areas: June's output and growth in the plan's order
    left, right = monthly["areas"].axes
    assert [t.get_text() for t in left.get_yticklabels()] == list(AREAS)
    assert [p.get_width() for p in left.patches] == pytest.approx(AREA_OUTPUT[6])
    assert [p.get_width() for p in right.patches] == pytest.approx([100 * (g or 0) for g in AREA_GROWTH[6]])
    labels = [t.get_text() for t in shown_texts(monthly["areas"])]
    assert {"640.0", "+4.2%", "-3.2%", "—"} <= set(labels)
    # key fields: the six flagged only (新型显示 is not), by the plan's order of their areas; the SEI total's growth
    left, right = monthly["key_fields"].axes
    assert [t.get_text() for t in left.get_yticklabels()] == ["大数据", "集成电路", "智能装备", "通用航空", "储能产业", "基因检测与干细胞"]
    assert sorted(p.get_width() for p in left.patches) == pytest.approx(sorted(f[3] for f in FIELDS if f[2]))
    total = [line for line in right.get_lines() if line.get_label().startswith("战略性新兴产业合计")]
    assert total[0].get_xdata()[0] == pytest.approx(100 * TOTAL_GROWTH_JUNE)
    assert total[0].get_label() == f"战略性新兴产业合计增速 {100 * TOTAL_GROWTH_JUNE:.1f}%"
    # districts: June's output, the largest on top
    left, _ = monthly["districts"].axes
    assert [t.get_text() for t in left.get_yticklabels()] == ["金州区", "甘井子区", "中山区"]
    assert [p.get_width() for p in left.patches] == pytest.approx([700.0, 240.0, 105.0])


def test_the_annual_charts_stop_at_the_year(annual):
    # mart.indicators_annual holds 2020; the evaluation of 2019 draws 2017–2019 (the x axis still reaches the target year)
    ax = annual["output_vs_target"].axes[0]
    assert sorted((round(p.get_x() + p.get_width() / 2), p.get_height()) for p in ax.patches) == \
        [(2017, pytest.approx(2950.0)), (2018, pytest.approx(3300.0)), (2019, pytest.approx(3600.0))]
    ax = annual["growth_vs_target"].axes[0]
    assert sorted(round(p.get_height(), 6) for p in ax.patches) == pytest.approx([9.0, 10.0, 12.0])
    line = next(line for line in annual["gdp_share_vs_target"].axes[0].get_lines() if line.get_label() == "增加值占全市GDP比重")
    assert list(line.get_xdata()) == [2017, 2018, 2019]
    # areas and key fields of the year's December (2019-12 was filled with July's values here)
    left, _ = annual["areas"].axes
    assert [p.get_width() for p in left.patches] == pytest.approx(AREA_OUTPUT[7])
    left, _ = annual["key_fields"].axes
    assert sorted(p.get_width() for p in left.patches) == pytest.approx(sorted(2 * f[3] for f in FIELDS if f[2]))


def test_charts_without_data_are_left_out(tmp_path):
    # an older warehouse: no field or district marts; and no path within 2020
    con = make_warehouse(with_path=False, with_new_marts=False)
    rendered = document_charts.render_document_charts(con, tmp_path / "m", period="2020-06", simulated=False)
    assert [c.name for c in rendered] == ["areas"]
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["areas.png", "areas.svg"]
    assert [c.name for c in document_charts.render_document_charts(con, tmp_path / "a", year=2019, simulated=False)] == \
        ["output_vs_target", "growth_vs_target", "gdp_share_vs_target", "areas"]
    # a period the warehouse does not hold (no May areas, no 2021 at all): nothing, and no folder
    con = make_warehouse()
    assert [c.name for c in document_charts.render_document_charts(con, tmp_path / "may", period="2020-05", simulated=False)] == \
        ["target_path"]
    assert document_charts.render_document_charts(con, tmp_path / "none", period="2021-03", simulated=False) == []
    assert not (tmp_path / "none").exists()
    # a year not complete in mart.indicators_annual and without a December: nothing either
    assert document_charts.render_document_charts(con, tmp_path / "y", year=2021, simulated=False) == []
    # rows without industrial output (services only) are no chart of industrial output
    con.execute("update mart.output_by_district set output_ytd = 0")
    assert "districts" not in [s.name for s in document_charts.document_specs(con, period="2020-06")]


def files(rendered) -> list[Path]:
    return [p for c in rendered for p in (c.png, c.svg)]


def test_an_unchanged_second_call_writes_nothing_and_a_later_month_changes_nothing(tmp_path):
    con = make_warehouse()
    first = document_charts.render_document_charts(con, tmp_path, period="2020-06", simulated=False)
    aged(files(first))
    again = document_charts.render_document_charts(con, tmp_path, period="2020-06", simulated=False)
    assert again == first and touched(tmp_path) == set()
    for chart in first:
        key = charts.stored_content_key(chart.png)
        assert key is not None and key == charts.stored_content_key(chart.svg)
    # July changes: the June briefing's charts do not show it, so none is drawn again
    for table, column in (("indicators_monthly", "output_value"), ("target_path", "path_value"), ("output_by_area", "output_ytd"),
                          ("output_by_field", "output_ytd"), ("output_by_district", "output_ytd")):
        con.execute(f"update mart.{table} set {column} = 1 where period = '2020-07-01'")
    document_charts.render_document_charts(con, tmp_path, period="2020-06", simulated=False)
    assert touched(tmp_path) == set()
    # June's areas change: that chart alone is drawn again
    con.execute("update mart.output_by_area set output_ytd = output_ytd + 1 where period = '2020-06-01'")
    document_charts.render_document_charts(con, tmp_path, period="2020-06", simulated=False)
    assert touched(tmp_path) == {"areas.png", "areas.svg"}
    # the stamp changes every file
    aged(files(first))
    document_charts.render_document_charts(con, tmp_path, period="2020-06", simulated=True)
    assert touched(tmp_path) == {p.name for p in files(first)}


def test_drawing_misses_no_glyph(tmp_path):
    caught = missing_glyph_warnings(lambda: (
        document_charts.render_document_charts(make_warehouse(), tmp_path / "m", period="2020-06", simulated=True),
        document_charts.render_document_charts(make_warehouse(), tmp_path / "a", year=2019, simulated=True)))
    assert caught == []


def test_the_full_size_charts_keep_their_layout():
    # The document layout is a parameter of the briefing charts' drawing; their own stays 8×5 inches, framed.
    figures = charts.build_figures(make_warehouse(), simulated=True)
    fig = figures["output_vs_target"]
    assert (fig.get_figwidth(), fig.get_figheight()) == (8.0, 5.0)
    assert fig.get_suptitle() == "战略性新兴产业工业总产值与2020年目标（亿元）"
    assert charts.png_dpi(8.0) == charts.DPI and charts.png_dpi(charts.DOCUMENT.width) > charts.DPI
