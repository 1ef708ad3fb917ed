"""The briefing as a Word file in the layout of Chinese official documents (GB/T 9704-2012).

A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a text width of 156 mm. The title in
二号 (22 pt) 方正小标宋简体, centred, the period and the issuer under it in 三号 楷体_GB2312, the headline
sentence in bold, section headings in 三号 黑体, the body in 三号 仿宋_GB2312 with a first-line indent of
two characters and 29 pt lines (22 lines a page), tables in 五号 (小五 when a table needs it to fit), digits
in Times New Roman. Every East Asian font is set through ``w:rFonts w:eastAsia`` (python-docx's
``font.name`` sets only the Latin ones). Page numbers "— 1 —" in the footer (a PAGE field); a simulated
briefing says 模拟数据 in red in the header of every page and （模拟数据，非正式统计数据） under its title.

Templates. ``write_template(path)`` writes the default template: these styles, the page, the footer's
page number and an empty body. A bureau copies it to ``catalog/templates/brief.docx``, edits it in Word
and hands it to ``write_docx(..., template=...)``, which starts from ``Document(template)``: the
template's body is emptied (its last section, with page size, margins, headers and footers, stays) and
the briefing is written with the template's styles. The styles a template should carry are
``STYLE_NAMES``:

    Title        the title                          Subtitle    the period, the issuer
    Headline     the headline sentence (bold)       Heading 1   a section's heading
    Normal       the paragraphs                     Caption     表n/图n captions
    Table Text   the table cells                    Table Note  notes under a table, a figure's source
    End Note     资料来源 and 说明 at the end        Header      the 模拟数据 stamp
    Footer       the page number                    Table Grid  the tables' borders (a table style)

A style the template lacks is replaced by direct formatting of the default look (``SPECS``), so a
template with only some of them still gives a complete document. What the writer always sets itself,
whatever the template says: the alignment of table cells (numbers right, text left, headings centred),
the tables' column widths, the repeated header row, the picture width (156 mm) and the stamp's red.
A template's own footer text is kept; a PAGE field is added only when its footer has none.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from .document import SIMULATED_NOTE, SOURCE_PREFIX, STAMP, Briefing, Figure, Table, end_notes, labelled

# --- the page ---------------------------------------------------------------------------------

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156
HEADER_DISTANCE_MM, FOOTER_DISTANCE_MM = 20, 25  # the page number ~7 mm under the text block

# --- fonts ------------------------------------------------------------------------------------

LATIN = "Times New Roman"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
RED = RGBColor(0xD6, 0x27, 0x28)  # sei_stats.charts.STAMP: the stamp's red on the charts too

TABLE_SIZES = (10.5, 9.0)  # 五号, then 小五 when a table does not fit in 五号
CELL_MARGIN_PT = 2.8  # 0.1 cm a side (Word's default is 0.19 cm): room for an eighth column of figures
CELL_PADDING_PT = 2 * CELL_MARGIN_PT + 1  # the cell margins and the borders


@dataclass(frozen=True)
class Spec:
    """How a paragraph style looks: the default template's styles, and direct formatting where a template lacks one."""

    east_asia: str
    size: float                 # pt
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH | None = None
    indent_chars: int = 0       # first-line indent, in characters of ``size``
    line: float | None = None   # exact line spacing in pt; None: single
    before: float = 0.0         # pt
    after: float = 0.0          # pt
    keep_with_next: bool = False
    based_on: str | None = "Normal"


J, C, L = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
SPECS: dict[str, Spec] = {
    "Normal": Spec(FANGSONG, 16, align=J, indent_chars=2, line=29, based_on=None),
    "Title": Spec(XIAOBIAOSONG, 22, align=C, line=36, before=0, after=6),
    "Subtitle": Spec(KAITI, 16, align=C, line=29),
    "Headline": Spec(FANGSONG, 16, bold=True, align=J, indent_chars=2, line=29, before=14, after=4),
    "Heading 1": Spec(HEITI, 16, align=L, indent_chars=2, line=29, before=6, keep_with_next=True),
    "Caption": Spec(HEITI, 14, bold=True, align=C, before=10, after=4, keep_with_next=True),
    "Table Text": Spec(FANGSONG, TABLE_SIZES[0]),
    "Table Note": Spec(FANGSONG, 9, align=J, before=2, after=8),
    "End Note": Spec(FANGSONG, 14, align=J, indent_chars=2, line=24),
    "Header": Spec(HEITI, 14, bold=True, align=C),
    "Footer": Spec(SONGTI, 14, align=C),
}
TABLE_STYLE = "Table Grid"
STYLE_NAMES: tuple[str, ...] = (*SPECS, TABLE_STYLE)
# The default template's styles that are not Word's built-ins (write_template adds them).
CUSTOM_STYLES = ("Headline", "Table Text", "Table Note", "End Note")


# --- formatting -------------------------------------------------------------------------------


def _set_fonts(element, east_asia: str, latin: str = LATIN) -> None:
    """rFonts of a run or a style: Latin (ascii, hAnsi, cs) and East Asian names; theme fonts removed (they win)."""
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _set_indent(paragraph_format, chars: int, size: float) -> None:
    """First-line indent in characters: firstLineChars for Word, firstLine in twips for everyone else.

    Always written, 0 included: a style based on Normal would otherwise inherit Normal's firstLineChars.
    """
    paragraph_format.first_line_indent = Pt(chars * size)
    ind = paragraph_format._element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _apply_paragraph(paragraph_format, spec: Spec) -> None:
    pf = paragraph_format
    pf.alignment = spec.align if spec.align is not None else L
    _set_indent(pf, spec.indent_chars, spec.size)
    pf.left_indent = Pt(0)
    pf.right_indent = Pt(0)
    if spec.line is None:
        pf.line_spacing = 1.0
    else:
        pf.line_spacing = Pt(spec.line)  # a Length: exact spacing
    pf.space_before = Pt(spec.before)
    pf.space_after = Pt(spec.after)
    pf.keep_with_next = spec.keep_with_next
    pf.widow_control = True


def _apply_font(font, spec: Spec) -> None:
    _set_fonts(font._element, spec.east_asia)
    font.size = Pt(spec.size)
    font.bold = spec.bold
    font.italic = False


_RPR_RESET = ("w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:color", "w:sz", "w:szCs", "w:kern", "w:spacing",
              "w:u", "w:caps", "w:smallCaps")
_PPR_RESET = ("w:pBdr", "w:spacing", "w:ind", "w:jc", "w:contextualSpacing", "w:keepNext", "w:keepLines")


def _reset(style) -> None:
    """Drop what the blank template's style says about fonts, colour, borders and spacing (Title's blue rule...)."""
    for tag_group, child in ((_RPR_RESET, style.element.rPr), (_PPR_RESET, style.element.pPr)):
        if child is None:
            continue
        for tag in tag_group:
            for node in child.findall(qn(tag)):
                child.remove(node)


def _install_styles(doc: DocxDocument) -> None:
    """The default look: document defaults (Times New Roman/仿宋_GB2312, zh-CN) and every style of SPECS."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN)
    rfonts.set(qn("w:eastAsia"), FANGSONG)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for spacing in ppr.findall(qn("w:spacing")):
        ppr.remove(spacing)

    names = {s.name for s in doc.styles}
    for name, spec in SPECS.items():
        if name in names:
            style = doc.styles[name]
        else:
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.quick_style = True
        if spec.based_on:
            style.base_style = doc.styles[spec.based_on]
        _reset(style)
        _apply_font(style.font, spec)
        style.font.color.rgb = None
        _apply_paragraph(style.paragraph_format, spec)
    # The Heading 1 and Title of the blank template draw in theme colours: black it is.
    for name in ("Title", "Heading 1", "Caption"):
        doc.styles[name].font.color.rgb = RGBColor(0, 0, 0)


def _page_setup(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance, section.footer_distance = Mm(HEADER_DISTANCE_MM), Mm(FOOTER_DISTANCE_MM)
        section.gutter = Mm(0)


def _header_kinds(doc: DocxDocument, section) -> list:
    """The headers (or footers) of a section that some page shows: default, first page, even pages."""
    kinds = [("header", "footer")]
    if section.different_first_page_header_footer:
        kinds.append(("first_page_header", "first_page_footer"))
    if doc.settings.odd_and_even_pages_header_footer:
        kinds.append(("even_page_header", "even_page_footer"))
    return kinds


def _has_page_field(part_element) -> bool:
    fields = [t.text or "" for t in part_element.iter(qn("w:instrText"))]
    fields += [f.get(qn("w:instr"), "") for f in part_element.iter(qn("w:fldSimple"))]
    return any("PAGE" in f.upper().split() for f in fields)


def _field(paragraph: Paragraph, instruction: str, shown: str, spec: Spec | None) -> None:
    """A complex field (PAGE...) in runs: begin, instruction, separate, the value shown until updated, end."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", shown), ("end", None)):
        run = paragraph.add_run()
        if spec is not None:
            _apply_font(run.font, spec)
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = instruction
            run._r.append(node)
        elif kind == "text":
            run.text = text
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
            run._r.append(node)


def _first_empty_or_new(part) -> Paragraph:
    for paragraph in part.paragraphs:
        if not paragraph.text.strip() and not paragraph._p.xpath(".//w:drawing|.//w:fldChar|.//w:fldSimple"):
            return paragraph
    return part.add_paragraph()


# --- the document -----------------------------------------------------------------------------


def _default_document() -> DocxDocument:
    """python-docx's blank document made into the default template: the page, the styles, the page numbers."""
    doc = Document()
    _install_styles(doc)
    _page_setup(doc)
    _clear_body(doc)
    writer = _Writer(doc)
    writer.page_numbers()
    doc.core_properties.title = "战略性新兴产业统计简报模板"
    doc.core_properties.author = ""
    doc.core_properties.comments = ("sei_stats.briefing.docx_writer.write_template: the styles of "
                                    + ", ".join(STYLE_NAMES))
    return doc


def _clear_body(doc: DocxDocument) -> None:
    """Remove everything in the body but the last section's properties (sections inside the body go with it)."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def write_template(path: Path) -> Path:
    """Write the default template (the styles of STYLE_NAMES, the page, the footer's page number, an empty body)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _default_document().save(str(path))
    return path


def _display_width(text: str, size: float) -> float:
    """About how wide ``text`` is in pt: a CJK character is one em, a digit or Latin letter about half."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F") or ch == "—":
            width += size
        elif ch in ",.:;'!|il ":
            width += size * 0.3
        elif ch.isdigit():
            width += size * 0.5  # Times New Roman's figures are half an em
        else:
            width += size * 0.55
    return width


def _column_widths(table: Table, cells: list[list[str]], text_width: float) -> tuple[float, list[float]]:
    """The font size of the table and its columns' widths in pt, adding up to ``text_width``.

    Numbers never wrap (their widest value decides); a heading may wrap down to four characters a line,
    the row labels (a text first column) down to ten, another text column down to six. What is left over
    goes to the columns in proportion to what they want.
    """
    header, rows = cells[0], cells[1:]
    kinds = [table.formats[c] for c in table.frame.columns]
    for size in TABLE_SIZES:
        want, least = [], []
        for j, kind in enumerate(kinds):
            values = max((_display_width(r[j], size) for r in rows), default=0.0)
            head = _display_width(header[j], size)
            if kind == "text":  # the row labels (the first column) wrap after ten characters, other text after six
                low = max(min(values, (10 if j == 0 else 6) * size), min(head, 4 * size))
            else:
                low = max(values, min(head, 4 * size))
            want.append(max(values, head) + CELL_PADDING_PT)
            least.append(low + CELL_PADDING_PT)
        if sum(least) <= text_width:
            break
    if sum(want) <= text_width:
        base, extra = want, want
    elif sum(least) <= text_width:
        base, extra = least, [w - m for w, m in zip(want, least)]
    else:  # too wide even in 小五: the figures keep their width, the text columns share the rest (two characters
        # at least), and when even that fails every column shrinks in proportion (figures wrap)
        text = [j for j, kind in enumerate(kinds) if kind == "text"]
        rest = text_width - sum(m for j, m in enumerate(least) if j not in text)
        floor = 2 * size + CELL_PADDING_PT
        if text and rest >= floor * len(text):
            share = sum(least[j] for j in text)
            widths = [m if j not in text else max(floor, rest * m / share) for j, m in enumerate(least)]
            over = sum(widths) - text_width  # the floors may overshoot: take it from the widest text column
            widths[max(text, key=lambda j: widths[j])] -= over
            return size, widths
        return size, [text_width * m / sum(least) for m in least]
    spare = text_width - sum(base)
    total = sum(extra) or 1.0
    return size, [b + spare * e / total for b, e in zip(base, extra)]


class _Writer:
    """Writes paragraphs with the document's styles, or the default look when a style is missing."""

    def __init__(self, doc: DocxDocument):
        self.doc = doc
        self.present = {s.name for s in doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
        self.table_style = TABLE_STYLE if any(
            s.name == TABLE_STYLE and s.type == WD_STYLE_TYPE.TABLE for s in doc.styles) else None
        self.style_ids: dict[str, str | None] = {}

    def styled(self, paragraph: Paragraph, name: str) -> Paragraph:
        if name in self.present:
            self._set_style(paragraph, name)
        else:
            if "Normal" in self.present:
                self._set_style(paragraph, "Normal")
            _apply_paragraph(paragraph.paragraph_format, SPECS[name])
        return paragraph

    def _set_style(self, paragraph: Paragraph, name: str) -> None:
        """What ``paragraph.style = style`` does, with the style's id looked up once: python-docx searches every
        style twice per paragraph (1 s of a briefing's tables)."""
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles.get_style_id(self.doc.styles[name], WD_STYLE_TYPE.PARAGRAPH)
        paragraph._p.style = self.style_ids[name]

    def run(self, paragraph: Paragraph, text: str, name: str, *, bold: bool | None = None, size: float | None = None,
            color: RGBColor | None = None):
        run = paragraph.add_run(text)
        if name not in self.present:
            _apply_font(run.font, SPECS[name])
        if bold is not None:
            run.font.bold = bold
        if size is not None:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
        return run

    def para(self, text: str, name: str, container=None, **run_format) -> Paragraph:
        paragraph = self.styled((container if container is not None else self.doc).add_paragraph(), name)
        if text:
            self.run(paragraph, text, name, **run_format)
        return paragraph

    # -- headers and footers --

    def stamp(self) -> None:
        """模拟数据 in red at the top of every page: each section's headers that some page shows."""
        for section in self.doc.sections:
            for header_kind, _ in _header_kinds(self.doc, section):
                header = getattr(section, header_kind)
                header.is_linked_to_previous = False
                paragraph = self.styled(_first_empty_or_new(header), "Header")
                paragraph.paragraph_format.alignment = C
                self.run(paragraph, STAMP, "Header", bold=True, color=RED)

    def page_numbers(self) -> None:
        """"— 1 —" centred in each footer some page shows, unless the footer has a PAGE field already."""
        for section in self.doc.sections:
            for _, footer_kind in _header_kinds(self.doc, section):
                footer = getattr(section, footer_kind)
                footer.is_linked_to_previous = False
                if _has_page_field(footer._element):
                    continue
                paragraph = self.styled(_first_empty_or_new(footer), "Footer")
                paragraph.paragraph_format.alignment = C
                spec = None if "Footer" in self.present else SPECS["Footer"]
                self.run(paragraph, "— ", "Footer")
                _field(paragraph, " PAGE ", "1", spec)
                self.run(paragraph, " —", "Footer")

    # -- the body --

    def title_block(self, briefing: Briefing) -> None:
        self.para(briefing.title, "Title")
        if briefing.simulated:
            self.para(SIMULATED_NOTE, "Subtitle", color=RED, bold=True)
        for line in (briefing.period_label, briefing.issuer):
            if line:
                self.para(line, "Subtitle")
        self.para(briefing.headline, "Headline", bold=True)

    def table(self, table: Table) -> None:
        self.para(table.label, "Caption")
        text = table.formatted()
        columns = [str(c) for c in table.frame.columns]
        cells = [columns] + [[str(v) for v in row] for row in text.itertuples(index=False, name=None)]
        kinds = [table.formats[c] for c in table.frame.columns]
        section = self.doc.sections[-1]
        text_width = (section.page_width - section.left_margin - section.right_margin) / 12700  # EMU -> pt
        size, widths = _column_widths(table, cells, text_width)

        grid = self.doc.add_table(rows=len(cells), cols=len(columns))
        if self.table_style:
            grid.style = self.doc.styles[self.table_style]
        else:
            _borders(grid)
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        _fixed_layout(grid, sum(widths))
        for j, width in enumerate(widths):
            grid.columns[j].width = Pt(width)
        for i, (row, values) in enumerate(zip(grid.rows, cells)):
            _row_property(row, "w:cantSplit")
            if i == 0:
                _row_property(row, "w:tblHeader")  # repeated at the top of each page
            for j, (cell, value) in enumerate(zip(row.cells, values)):
                cell.width = Pt(widths[j])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = self.styled(cell.paragraphs[0], "Table Text")
                if i == 0:
                    paragraph.paragraph_format.alignment = C
                elif kinds[j] == "text":
                    paragraph.paragraph_format.alignment = L
                else:
                    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                self.run(paragraph, value, "Table Text", bold=True if i == 0 else None,
                         size=size if size != SPECS["Table Text"].size else None)
        if table.notes:
            for note in table.notes:
                self.para(note, "Table Note")
        else:
            self.para("", "Table Note")  # a little air between the table and what follows

    def figure(self, figure: Figure) -> None:
        paragraph = self.styled(self.doc.add_paragraph(), "Normal")
        pf = paragraph.paragraph_format
        pf.alignment = C
        _set_indent(pf, 0, SPECS["Normal"].size)
        pf.line_spacing = 1.0  # exact spacing would crop the picture to one line
        pf.space_before = Pt(6)
        pf.keep_with_next = True
        paragraph.add_run().add_picture(str(figure.png), width=Mm(TEXT_WIDTH_MM))
        self.para(figure.label, "Caption").paragraph_format.keep_with_next = True
        self.para(labelled(SOURCE_PREFIX, figure.source), "Table Note")

    def end_notes(self, briefing: Briefing) -> None:
        for i, line in enumerate(end_notes(briefing)):
            paragraph = self.para(line, "End Note")
            if i == 0:
                paragraph.paragraph_format.space_before = Pt(12)


def _row_property(row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        node = OxmlElement(tag)
        node.set(qn("w:val"), "true")
        tr_pr.append(node)


def _fixed_layout(grid, width_pt: float) -> None:
    """Fixed layout at the given width (Word and LibreOffice keep the columns as written), narrow cell margins."""
    tbl_pr = grid._tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout"):
        for node in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(node)
    tbl_w = OxmlElement("w:tblW")
    tbl_w.set(qn("w:w"), str(round(width_pt * 20)))
    tbl_w.set(qn("w:type"), "dxa")
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    # CT_TblPr's children come in a fixed order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize,
    # tblStyleColBandSize, tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, ...
    anchor = tbl_pr.find(qn("w:jc"))
    if anchor is not None:
        anchor.addprevious(tbl_w)
    else:
        tbl_pr.append(tbl_w)
    _insert_before_first(tbl_pr, layout, ("w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"))
    for node in tbl_pr.findall(qn("w:tblCellMar")):
        tbl_pr.remove(node)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:w"), str(round(CELL_MARGIN_PT * 20)))
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    layout.addnext(margins)


def _borders(grid) -> None:
    """Single 0.5 pt borders when the template has no Table Grid style."""
    tbl_pr = grid._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        node = OxmlElement(f"w:{edge}")
        for attr, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            node.set(qn(attr), value)
        borders.append(node)
    _insert_before_first(tbl_pr, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))


def _insert_before_first(parent, node, later_tags: tuple[str, ...]) -> None:
    """``node`` into ``parent`` before the first child of ``later_tags`` (the schema's order), else at the end."""
    later = [child for child in (parent.find(qn(t)) for t in later_tags) if child is not None]
    if later:
        later[0].addprevious(node)
    else:
        parent.append(node)


def write_docx(briefing: Briefing, path: Path, template: Path | None = None) -> Path:
    """Write ``briefing`` as a .docx at ``path``: the default look, or ``template``'s styles (STYLE_NAMES)."""
    path = Path(path)
    if template is not None:
        doc = Document(str(template))
        _clear_body(doc)
    else:
        doc = _default_document()
    writer = _Writer(doc)
    writer.page_numbers()
    if briefing.simulated:
        writer.stamp()

    writer.title_block(briefing)
    for section in briefing.sections:
        writer.para(section.title, "Heading 1")
        for text in section.paragraphs:
            writer.para(text, "Normal")
        for table in section.tables:
            writer.table(table)
        for figure in section.figures:
            writer.figure(figure)
    writer.end_notes(briefing)

    props = doc.core_properties
    props.title = f"{briefing.title} {briefing.period_label}".strip()
    props.author = briefing.issuer
    props.subject = briefing.headline
    props.keywords = STAMP if briefing.simulated else ""
    props.comments = f"sei-stats {briefing.file_stem}"
    if briefing.published:
        props.comments += f", published {briefing.published}"
    props.category = briefing.kind
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
