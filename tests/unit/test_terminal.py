"""Terminal tables (sei_stats.terminal): aligned by display width, a Chinese character counting two columns."""

import io

import pandas as pd
from rich.cells import cell_len

from sei_stats.terminal import markdown_table, print_table, render_table

# 新一代信息技术 is 7 characters and 14 columns wide: counted as 7, the rows would not line up
FRAME = pd.DataFrame({"领域": ["新一代信息技术", "bio"], "output": [1234.5, None], "n": [1, 22]})


def test_every_line_has_the_same_display_width_and_numbers_align_right():
    lines = render_table(FRAME).splitlines()
    # 领域 14 columns + 3 between + output 7 ("1,234.5") + 3 between + n 2
    assert [cell_len(line) for line in lines] == [29, 29, 29, 29]
    assert lines == [
        "领域              output    n",
        "─" * 29,
        "新一代信息技术   1,234.5    1",
        "bio                    —   22",  # a missing value is "—", right-aligned with the numbers
    ]
    # the output column ends at display column 24 on both rows (counting characters, row 1's would end at 17)
    assert [cell_len(line[:line.index(cell) + len(cell)]) for line, cell in zip(lines[2:], ("1,234.5", "—"))] == [24, 24]


def test_a_narrow_width_wraps_text_cells_but_never_a_number():
    lines = render_table(FRAME, width=20).splitlines()
    assert {cell_len(line) for line in lines} == {20}
    assert lines[2] == "新一    1,234.5    1"
    assert [line[:2] for line in lines[3:6]] == ["代信", "息技", "术 "]
    assert lines[6] == "bio           —   22"


def test_the_float_format_and_text_that_reads_as_markup():
    frame = pd.DataFrame({"code": ["[bold]3849[/bold]"], "share": [0.12345]})
    assert render_table(frame, float_format=".3f").splitlines()[2] == "[bold]3849[/bold]   0.123"


def test_printed_to_a_file_it_is_the_plain_rendering_without_colour():
    out = io.StringIO()
    print_table(FRAME, file=out)
    assert out.getvalue() == render_table(FRAME) + "\n"
    assert "\x1b[" not in out.getvalue()


def test_markdown_for_the_dagster_ui():
    assert markdown_table(FRAME).splitlines() == [
        "| 领域 | output | n |", "|:---|---:|---:|", "| 新一代信息技术 | 1,234.5 | 1 |", "| bio | — | 22 |"]
