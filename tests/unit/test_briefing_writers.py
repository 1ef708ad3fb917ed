"""The briefing writers: the .docx, the HTML page and the .xlsx of one hand-built briefing, read back.

Chromium and LibreOffice render the files when they are installed (the tests that need them say so when
skipped); pdftotext, when there, checks what the PDFs say.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from python_calamine import CalamineWorkbook

from sei_stats import charts
from sei_stats.briefing import docx_writer, html_writer, xlsx_writer
from sei_stats.briefing.document import (MISSING, SIMULATED_NOTE, STAMP, XLSX_FORMATS, Briefing, Figure, Section,
                                         Table)
from sei_stats.catalog import AREAS
from sei_stats.config import REPO_ROOT

NaN = float("nan")
A4_TEXT_WIDTH_PX = 156 / 25.4 * 96  # ≈ 589.6 CSS px
A4_WIDTH_PX = 210 / 25.4 * 96       # ≈ 793.7
MM_PER_PT = 25.4 / 72

# The six areas: 8 columns, every format, a missing value (文化创意's growth change).
AREA_FRAME = pd.DataFrame({
    "领域": list(AREAS),
    "本年累计产值(亿元)": [12345.64, 2310.25, 845.0, 1020.5, 633.3, 201.9],
    "上年同期(亿元)": [11020.0, 2101.1, 790.2, 950.0, 600.1, 188.0],
    "同比增长": [0.1234, 0.0995, 0.0693, 0.0742, 0.0553, 0.0739],
    "增速变动(百分点)": [0.012, -0.031, 0.0, 0.0045, -0.0004, NaN],
    "占全市比重": [0.7183, 0.1344, 0.0492, 0.0594, 0.0368, 0.0117],
    "企业数(个)": [1234, 310, 88, 120, 64, 23],
    "备注": ["含集成电路", "", "新能源汽车为主", "", "", "规模较小"],
})
AREA_FORMATS = {"领域": "text", "本年累计产值(亿元)": "yi", "上年同期(亿元)": "yi", "同比增长": "pct",
                "增速变动(百分点)": "pp", "占全市比重": "pct", "企业数(个)": "int", "备注": "text"}
YEAR_FRAME = pd.DataFrame({
    "年份": ["2018年", "2019年", "2020年"],
    "产值(亿元)": [3405.1, 3862.4, 4188.0],
    "同比增长": [0.131, 0.135, 0.084],
    "占GDP比重": [0.1266, 0.1589, 0.1727],
})


def _chart(tmp_path: Path, name: str, title: str) -> tuple[Path, Path]:
    charts.use_cjk_font()
    fig = MplFigure(figsize=(8.0, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar(range(6), [2.4, 3.1, 1.2, 1.4, 1.1, 0.8], color=charts.BAR)
    ax.set_xticks(range(6), AREAS, fontsize=8)
    ax.set_title(title)
    png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
    fig.savefig(png, dpi=120)
    fig.savefig(svg)
    return png, svg


def make_briefing(tmp_path: Path, simulated: bool = True) -> Briefing:
    png1, svg1 = _chart(tmp_path, "areas", "六大领域产值")
    png2, svg2 = _chart(tmp_path, "growth", "同比增长")
    areas = Table(1, "2020年1–6月六大领域产值 (亿元)", AREA_FRAME, AREA_FORMATS,
                  notes=("注: 各领域有交叉, 分项之和大于合计。",), sheet="表1 六大领域产值")
    targets = Table(2, "规划目标完成情况", YEAR_FRAME,
                    {"年份": "text", "产值(亿元)": "yi", "同比增长": "pct", "占GDP比重": "pct"},
                    sheet="表2 规划目标: 完成/情况?")  # ':' '/' '?' are not allowed in a sheet's name
    return Briefing(
        kind="monthly",
        title="大连市战略性新兴产业统计快报",
        period_label="2020年1–6月",
        issuer="大连市统计局",
        headline="1–6月，全市战略性新兴产业实现产值12,345.6亿元，同比增长12.3%。",
        sections=(
            Section("一、总体情况", ("上半年全市战新产业保持较快增长。", "六大领域中新一代信息技术增长最快。"),
                    tables=(areas,), figures=(Figure(1, "六大领域产值", png1, svg1, "企业战略性新兴产业产品产值月报"),)),
            Section("二、规划目标", ("距规划目标仍有差距。",), tables=(targets,),
                    figures=(Figure(2, "同比增长", png2, svg2, "企业战略性新兴产业产品产值月报"),)),
        ),
        quality="本期应报企业1,839家，实报1,801家，报送率97.9%。",
        sources=("大连市统计局战略性新兴产业产值月报", "《大连市战略性新兴产业发展规划》"),
        simulated=simulated,
        file_stem="brief-2020-06",
        published="pub-2020-06-001",
    )


@pytest.fixture(scope="module")
def briefing(tmp_path_factory) -> Briefing:
    return make_briefing(tmp_path_factory.mktemp("charts"))


@pytest.fixture(scope="module")
def files(briefing, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("briefing")
    return {"docx": docx_writer.write_docx(briefing, out / "brief.docx"),
            "html": html_writer.write_html(briefing, out / "brief.html"),
            "xlsx": xlsx_writer.write_xlsx(briefing, out / "brief.xlsx")}


def _header_text(part) -> str:
    return "".join(t.text or "" for t in part._element.iter(qn("w:t")))


# --- docx ------------------------------------------------------------------------------------


def test_docx_page_is_a4_with_the_official_margins(files):
    section = Document(files["docx"]).sections[0]
    got = {name: round(getattr(section, name).mm, 1) for name in
           ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin")}
    assert got == {"page_width": 210, "page_height": 297, "top_margin": 37, "bottom_margin": 35,
                   "left_margin": 28, "right_margin": 26}


def test_docx_says_the_briefing_in_order(files, briefing):
    doc = Document(files["docx"])
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == briefing.title and doc.paragraphs[0].style.name == "Title"
    assert texts[1] == SIMULATED_NOTE
    assert texts[2:4] == ["2020年1–6月", "大连市统计局"]
    headline = doc.paragraphs[4]
    assert headline.text == briefing.headline
    assert all(run.bold for run in headline.runs)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、规划目标"]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == ["表1 2020年1–6月六大领域产值 (亿元)", "图1 六大领域产值", "表2 规划目标完成情况", "图2 同比增长"]
    assert "资料来源：企业战略性新兴产业产品产值月报" in texts
    assert any(t.startswith("资料来源：大连市统计局") for t in texts)
    assert any(t.startswith("说明：本期应报企业") for t in texts)


def test_lines_that_carry_their_own_label_are_written_as_they_are(tmp_path):
    # content.py's way: labelled sources with the publish id, a labelled quality line, charts' "来源: …"
    base = make_briefing(tmp_path)
    figure = dataclasses.replace(base.figures[0], source="来源: 企业战略性新兴产业产品产值月报, sei-stats")
    briefing = dataclasses.replace(
        base, sections=(Section("一、总体情况", ("正文。",), figures=(figure,)),),
        sources=("资料来源：企业战略性新兴产业产品产值月报（sei-stats），发布批次 pub-1。", "规划目标：《规划》。"),
        quality="数据质量：应报单位1,839家，回报率97.9%。", published="pub-1")
    expected = ["资料来源：企业战略性新兴产业产品产值月报（sei-stats），发布批次 pub-1。", "规划目标：《规划》。",
                "数据质量：应报单位1,839家，回报率97.9%。"]
    texts = [p.text for p in Document(docx_writer.write_docx(briefing, tmp_path / "b.docx")).paragraphs]
    assert texts[-3:] == expected
    assert "来源: 企业战略性新兴产业产品产值月报, sei-stats" in texts
    html = html_writer.write_html(briefing, tmp_path / "b.html").read_text(encoding="utf-8")
    assert all(f"<p>{line}</p>" in html for line in expected)
    assert "资料来源：来源" not in html and "数据版本" not in html


def test_docx_east_asian_fonts_are_set(files):
    doc = Document(files["docx"])
    fonts = {name: doc.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
             for name in ("Normal", "Title", "Heading 1")}
    assert fonts == {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体"}
    assert doc.styles["Title"].font.size.pt == 22 and doc.styles["Heading 1"].font.size.pt == 16
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:ascii")) == "Times New Roman"


def test_docx_tables_are_written_as_formatted(files):
    doc = Document(files["docx"])
    assert len(doc.tables) == 2
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == list(AREA_FRAME.columns)
    assert rows[1][:7] == ["新一代信息技术", "12,345.6", "11,020.0", "12.3%", "+1.2", "71.8%", "1,234"]
    assert rows[6][4] == MISSING
    # 0.45 rounds up; -0.04 is "-0.0" as Excel shows it with "+0.0;-0.0;0.0", a difference of exactly 0 is "0.0"
    assert [r[4] for r in rows[1:6]] == ["+1.2", "-3.1", "0.0", "+0.5", "-0.0"]
    assert rows[2][1] == "2,310.3"  # 2310.25: 四舍五入, as Excel shows it
    # the header row repeats on every page; numbers right, text left
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    cells = table.rows[1].cells
    assert cells[1].paragraphs[0].alignment == 2 and cells[0].paragraphs[0].alignment == 0  # RIGHT, LEFT
    # the columns fill the text width, no more
    width_mm = sum(c.width.mm for c in table.columns)
    assert 150 < width_mm <= 156.1


def test_docx_has_two_pictures_at_the_text_width(files):
    doc = Document(files["docx"])
    assert len(doc.inline_shapes) == 2
    assert all(abs(shape.width.mm - 156) < 0.1 for shape in doc.inline_shapes)


def test_docx_stamp_and_page_number(files):
    doc = Document(files["docx"])
    for section in doc.sections:
        assert STAMP in _header_text(section.header)
        if section.different_first_page_header_footer:
            assert STAMP in _header_text(section.first_page_header)
        instr = "".join(t.text for t in section.footer._element.iter(qn("w:instrText")))
        assert "PAGE" in instr and "—" in _header_text(section.footer)
    stamp_runs = [r for p in doc.sections[0].header.paragraphs for r in p.runs if STAMP in r.text]
    assert str(stamp_runs[0].font.color.rgb) == "D62728"


def test_docx_not_simulated_has_no_stamp(tmp_path):
    briefing = make_briefing(tmp_path, simulated=False)
    doc = Document(docx_writer.write_docx(briefing, tmp_path / "real.docx"))
    assert STAMP not in _header_text(doc.sections[0].header)
    assert not any(STAMP in p.text for p in doc.paragraphs)


def test_docx_with_a_template_uses_its_styles_and_stamps_the_first_page(tmp_path, briefing):
    template = docx_writer.write_template(tmp_path / "brief.docx")
    doc = Document(template)
    doc.styles["Heading 1"].font.size = docx_writer.Pt(18)     # the bureau's own taste
    doc.sections[0].different_first_page_header_footer = True  # a first page of its own
    doc.add_paragraph("示例正文，写出时删去。")
    doc.save(template)
    written = Document(docx_writer.write_docx(briefing, tmp_path / "out.docx", template=template))
    assert written.styles["Heading 1"].font.size.pt == 18
    assert written.paragraphs[0].text == briefing.title  # the template's body is gone
    assert STAMP in _header_text(written.sections[0].first_page_header)
    assert STAMP in _header_text(written.sections[0].header)


def test_docx_template_without_the_styles_falls_back_to_direct_formatting(tmp_path, briefing):
    bare = tmp_path / "bare.docx"
    Document().save(bare)  # python-docx's blank: no Headline, Table Text, Table Note, End Note
    doc = Document(docx_writer.write_docx(briefing, tmp_path / "out.docx", template=bare))
    headline = next(p for p in doc.paragraphs if p.text == briefing.headline)
    run = headline.runs[0]
    assert run.bold and run.font.size.pt == 16
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert doc.tables[0].rows[1].cells[1].text == "12,345.6"


def test_shipped_template_carries_the_style_names_the_writer_uses():
    shipped = REPO_ROOT / "src" / "sei_stats" / "templates" / "brief.docx"
    doc = Document(shipped)
    names = {s.name for s in doc.styles}
    assert set(docx_writer.STYLE_NAMES) <= names, sorted(set(docx_writer.STYLE_NAMES) - names)
    assert doc.styles["Title"].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert not doc.paragraphs or all(not p.text for p in doc.paragraphs)
    assert round(doc.sections[0].left_margin.mm) == 28


# --- xlsx ------------------------------------------------------------------------------------


def test_xlsx_sheets_and_readme(files, briefing):
    wb = openpyxl.load_workbook(files["xlsx"])
    assert wb.sheetnames == ["说明", "表1 六大领域产值", "表2 规划目标_ 完成_情况_"]
    readme = [[c for c in row if c is not None] for row in wb["说明"].iter_rows(values_only=True)]
    flat = [str(v) for row in readme for v in row]
    assert STAMP + SIMULATED_NOTE in flat
    for text in (briefing.title, briefing.period_label, briefing.issuer, briefing.headline, briefing.quality,
                 *briefing.sources, "表格目录", "表1 六大领域产值"):
        assert text in flat, text
    for name in wb.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
        assert STAMP in wb[name].oddHeader.center.text


def test_xlsx_numbers_are_numbers_with_their_formats(files):
    ws = openpyxl.load_workbook(files["xlsx"])["表1 六大领域产值"]
    assert ws["A1"].value == "表1 2020年1–6月六大领域产值 (亿元)"
    assert [c.value for c in ws[2]] == ["领域", "本年累计产值(亿元)", "上年同期(亿元)", "同比增长", "增速变动(百分点)",
                                        "占全市比重", "企业数(个)", "备注"]
    row = [c for c in ws[3]]
    assert [c.value for c in row[:7]] == ["新一代信息技术", 12345.64, 11020.0, 0.1234, 1.2, 0.7183, 1234]
    assert isinstance(row[6].value, int) and isinstance(row[1].value, float)
    assert [c.number_format for c in row] == [XLSX_FORMATS[k] for k in AREA_FORMATS.values()]
    assert ws["E8"].value is None  # the missing growth change: an empty cell
    assert ws.freeze_panes == "A3"
    notes = [ws.cell(r, 1).value for r in range(10, 12)]
    assert notes[0] == "注: 各领域有交叉, 分项之和大于合计。" and "空白" in notes[1]
    assert STAMP in [c.value for c in ws[1]]


def test_xlsx_pp_header_says_percentage_points(tmp_path):
    frame = pd.DataFrame({"区域": ["甲"], "增速变动": [0.0123]})
    table = Table(1, "测试", frame, {"区域": "text", "增速变动": "pp"}, sheet="t")
    briefing = Briefing("monthly", "题", "2020年", "局", "要点", (Section("一", tables=(table,)),), "质量", (),
                        False, "x")
    ws = openpyxl.load_workbook(xlsx_writer.write_xlsx(briefing, tmp_path / "x.xlsx"))["t"]
    assert ws["B2"].value == "增速变动（百分点）" and ws["B3"].value == 1.23
    assert ws["B3"].number_format == "+0.0;-0.0;0.0"
    assert ws.oddHeader.center.text in (None, "")


def test_xlsx_read_by_calamine_gives_numbers(files):
    wb = CalamineWorkbook.from_path(str(files["xlsx"]))
    rows = wb.get_sheet_by_name("表1 六大领域产值").to_python()
    assert rows[1][0] == "领域"
    first = rows[2]
    assert first[1] == pytest.approx(12345.64) and first[3] == pytest.approx(0.1234) and first[4] == pytest.approx(1.2)
    assert all(isinstance(v, (int, float)) for v in first[1:7])
    assert rows[7][4] == ""  # empty
    assert all(isinstance(v, (int, float)) for r in rows[2:8] for v in (r[1], r[2], r[3], r[5], r[6]))


def test_sheet_names_are_valid_and_unique():
    taken = {"说明"}
    names = [xlsx_writer.sheet_name(w, taken, "x") for w in ("说明", "a" * 40, "a" * 40, "'q'", "[]", "A", "a")]
    assert names == ["说明(2)", "a" * 31, "a" * 28 + "(2)", "q", "__", "A", "a(2)"]


# --- html ------------------------------------------------------------------------------------


def test_html_is_self_contained_and_says_the_briefing(files, briefing):
    html = files["html"].read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert briefing.headline in html
    for label in ("表1 2020年1–6月六大领域产值 (亿元)", "表2 规划目标完成情况", "图1 六大领域产值", "图2 同比增长"):
        assert label in html
    assert html.count('src="data:image/svg+xml;base64,') == 2
    assert "@page" in html and "37mm 26mm 35mm 28mm" in html
    assert 'class="stamp-band"' in html and SIMULATED_NOTE in html
    assert "12,345.6" in html and "+1.2" in html and "71.8%" in html
    assert not re.search(r"""(src|href)=["']https?:""", html)
    # the same order as the docx
    order = [html.index(s) for s in (briefing.title, briefing.headline, "一、总体情况", "表1 ", "图1 ", "二、规划目标",
                                     "表2 ", "图2 ", "资料来源：大连市统计局", "说明：本期")]
    assert order == sorted(order)


def test_html_escapes_text(tmp_path):
    table = Table(1, "<b>表</b>", pd.DataFrame({"x": ["<script>"]}), {"x": "text"})
    briefing = Briefing("monthly", "A&B", "2020年", "局", "<i>要点</i>", (Section("一", tables=(table,)),), "质量",
                        (), False, "x")
    html = html_writer.write_html(briefing, tmp_path / "x.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "A&amp;B" in html
    assert "stamp-band" not in html.split("</style>")[1]


# --- rendered by Chromium and LibreOffice ------------------------------------------------------

CHROMIUM = shutil.which("chromium")
SOFFICE = shutil.which("soffice")
# Debian's soffice may come without Writer (libreoffice-calc-nogui alone): it then "converts" a .docx to nothing.
WRITER = SOFFICE is not None and (Path(SOFFICE).resolve().parent / "libswlo.so").exists()
PDFTOTEXT = shutil.which("pdftotext")

MEASURE = """<script>
window.addEventListener('load', () => {
  const page = document.querySelector('main.page');
  const box = page.getBoundingClientRect(), style = getComputedStyle(page);
  const left = box.left + parseFloat(style.paddingLeft);
  const content = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  let widest = 0, what = '';
  const range = document.createRange();
  for (const el of page.querySelectorAll('*')) {
    range.selectNodeContents(el);
    for (const r of [el.getBoundingClientRect(), range.getBoundingClientRect()]) {
      if (r.width && r.right - left > widest) { widest = r.right - left; what = el.tagName + ' ' + el.textContent.slice(0, 30); }
    }
  }
  const out = document.createElement('pre');
  out.id = 'measure';
  out.textContent = JSON.stringify({content, widest, what, scroll: document.documentElement.scrollWidth});
  document.body.appendChild(out);
});
</script>"""


def _chromium(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: the HTML's width on A4 is not checked")
def test_html_fits_the_a4_text_width_in_chromium(files, tmp_path):
    html = files["html"].read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    done = _chromium(f"--window-size={round(A4_WIDTH_PX)},1123", "--virtual-time-budget=5000", "--dump-dom",
                     probe.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="measure">(.*?)</pre>', done.stdout)
    assert found, done.stdout[-2000:]
    measure = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert measure["content"] == pytest.approx(A4_TEXT_WIDTH_PX, abs=1)
    assert measure["widest"] <= A4_TEXT_WIDTH_PX + 1, measure
    assert measure["scroll"] <= round(A4_WIDTH_PX) + 1, measure


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: the HTML is not printed")
def test_html_prints_to_a4_with_the_stamp_on_every_page(files, tmp_path):
    pdf = tmp_path / "brief.pdf"
    done = _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", files["html"].as_uri())
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
    boxes = {tuple(round(float(x)) for x in m) for m in
             re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())}
    assert boxes == {(0, 0, 595, 842)}  # A4 in pt
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the printed text is not checked")
    pages = _pdf_pages(pdf)
    assert len(pages) >= 2
    assert all(STAMP in page for page in pages)
    _assert_words_inside_the_text_block(pdf)


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def _assert_words_inside_the_text_block(pdf: Path) -> None:
    """Every word printed lies between the left and right margins (28 mm and 210 − 26 mm), give or take 1 mm."""
    bbox = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox)
    assert words
    left, right = min(float(a) for a, _ in words) * MM_PER_PT, max(float(b) for _, b in words) * MM_PER_PT
    assert left >= 28 - 1 and right <= 210 - 26 + 1, (left, right)


@pytest.mark.skipif(SOFFICE is None, reason="soffice (LibreOffice) is not installed: the .docx is not converted to PDF")
@pytest.mark.skipif(SOFFICE is not None and not WRITER,
                    reason="LibreOffice Writer is not installed (apt-get install libreoffice-writer-nogui): "
                           "the .docx is not converted to PDF")
def test_docx_converts_to_pdf_with_libreoffice(files, tmp_path):
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(files["docx"])],
                          capture_output=True, text=True, timeout=120)
    pdf = tmp_path / "brief.pdf"
    assert done.returncode == 0 and pdf.is_file() and pdf.stat().st_size > 10_000, done.stdout + done.stderr
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text is not checked")
    pages = _pdf_pages(pdf)
    assert len(pages) >= 2 and all(STAMP in page for page in pages)
    assert "12,345.6" in "".join(pages) and re.search(r"—\s*2\s*—", pages[1])
    _assert_words_inside_the_text_block(pdf)
