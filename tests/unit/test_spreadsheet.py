"""Text for spreadsheets: no cell of ours runs as a formula (OWASP, CSV injection); numbers stay numbers."""

import io

import numpy as np
import pandas as pd
import pytest

from sei_stats.spreadsheet import safe_cell, safe_frame

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize("text", [HYPERLINK, DDE, "+1+1", "-abc", "-2+3", "=1", "@x", "\tx", "\r=1"])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["芯片", "0397301", "a=b", " =1", "", "'=already text"])
def test_other_text_is_left_as_it_is(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-0.12, -5, 0, 3.5, np.float64(-0.12), np.int64(-3)])
def test_numbers_stay_numbers_even_negative(value):
    assert safe_cell(value) is value


def test_missing_values_stay_missing():
    assert safe_cell(None) is None
    assert np.isnan(safe_cell(np.nan))
    assert safe_cell(pd.NA) is pd.NA


def test_safe_frame_neutralises_text_columns_only():
    frame = pd.DataFrame({
        "product": [HYPERLINK, DDE, "397301", None],
        "name": pd.array(["-abc", "芯片", pd.NA, "+x"], dtype="string"),
        "output": [-0.12, 5.0, np.nan, 1.0],
        "count": [-1, 2, 3, 4],
    })
    safe = safe_frame(frame)
    assert safe["product"].tolist()[:3] == ["'" + HYPERLINK, "'" + DDE, "397301"] and pd.isna(safe.loc[3, "product"])
    assert safe["name"].tolist()[:2] == ["'-abc", "芯片"] and pd.isna(safe.loc[2, "name"]) and safe.loc[3, "name"] == "'+x"
    assert safe["output"].dtype == "float64" and safe.loc[0, "output"] == -0.12
    assert safe["count"].tolist() == [-1, 2, 3, 4]
    assert frame.loc[0, "product"] == HYPERLINK  # the frame given is not changed


def test_the_csv_written_holds_no_formula_and_keeps_numbers_and_blanks():
    frame = pd.DataFrame({"product": [HYPERLINK, DDE, None], "output": [-0.12, np.nan, 7.0]})
    text = safe_frame(frame).to_csv(index=False)
    read = pd.read_csv(io.StringIO(text), dtype={"product": str})
    assert read["product"].tolist()[:2] == ["'" + HYPERLINK, "'" + DDE]
    assert pd.isna(read.loc[2, "product"])
    assert read.loc[0, "output"] == -0.12 and pd.isna(read.loc[1, "output"])
    assert text.splitlines()[3] == ",7.0"  # a missing text cell is an empty cell


def test_a_mixed_object_column_neutralises_its_text_and_keeps_its_numbers():
    safe = safe_frame(pd.DataFrame({"value": [-3, "-3", "=1", 2.5]}))
    assert safe["value"].tolist() == [-3, "'-3", "'=1", 2.5]
