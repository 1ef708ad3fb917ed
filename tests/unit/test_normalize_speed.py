"""The fast paths of landing give exactly what the rules give value by value (issue 12).

normalize_lines recognises canonical values over whole columns (normalize.CANONICAL) and sends only the others
through the rules (normalize_value, the reference); received_text writes the audit text of the lines it touched.
The line-level checks of schemas/returns.py judge each distinct value once (_per_value) and pass plain small numbers
without a call. Each test holds a fast path to the per-value reference on hand-written messy values, at least one
for every rule of docs/data-contract.md's "Messy but valid".
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sei_stats import normalize
from sei_stats.normalize import (
    ANNUAL_FIELD_RULES,
    CANONICAL,
    FIELD_RULES,
    REWRITES,
    STRIPPED,
    normalize_lines,
    normalize_value,
    received_text,
)
from sei_stats.read import FIELDS
from sei_stats.schemas import returns as contract
from sei_stats.validate import find_failures

from conftest import A

FULL_WIDTH_A = A.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})

# Received text, by field: canonical values, one or more per rule, and near misses of the canonical forms.
MESSY = {
    "period": [
        "2018-03", " 2018-03 ", "\u30002018-03\u00a0", "２０１８－０３",    # canonical, spaces, full width
        "2018-3", "2018/03", "2018/3", "2018.03", "201803", "2018年3月", "2018 年 3 月份", "２０１８年３月",
        "2018-03-01", "2018/3/1", "2018-03-31 00:00:00", "43160", "43160.0",  # dates, Excel day numbers
        "—", "-", "…", "",                                                      # not reported
        "2018-13", "2018-00", "2018.1", "201813", "2018-02-30", "36525", "March 2018", "2018-03\n", "2018",
    ],
    "credit_code": [A, A.lower(), f" {A}\u3000", FULL_WIDTH_A, f"{A[:9]} {A[9:]}", "\ufeff" + A, "—", "",
                    "credit_code", "合计", A[:17], A.lower()[:17] + "\n"],
    "enterprise_name": ["大连芯片有限公司", "\u3000大连芯片\u00a0", "\ufeff大连芯片\u200b", " 大连 芯片 有限公司 ", "ＩＣ公司",
                        "\u2060x", "a\nb", "\n", " ", "—", "", "合计"],
    "district_code": ["210213", "２１０２１３", "210213.0", "210213.00", "21 02 13", "21213", "21213.0", "—", "",
                      " 210213", "210213\t", "２１０２１３.0"],
    "industry_code": ["3973", "0610", "610", "６１０", "610.0", " 610 ", "39", "5", "03973", "39A", "٣٩٧", "--", "",
                      "3973.0", "3973.5"],
    "product_code": ["397301", "61001", "1", "101.0", "1011.0", "39730A", "3973011", "０１", "61 001", "…", "",
                     "397301.0", "1.5"],
    "product_name": ["芯片", " 芯片 ", "ＩＣ芯片（１２英寸）", "\u3000集成电路\u3000", "芯片\u200d", "", "小计", "x\u2028"],
    "output_ytd": ["1234.5", "0", "-0", "12.", "1,234,567.5", "１，２３４．５", "1 234.5", "1\u3000234\u00a0567", "—",
                   "——", "-", "--", "…", "...", "⋯", "－", "－５００", "\u221212.5", "1,23", "12,34,567", "1,2345",
                   "+5", "3973.0", "٣٤٥", "²", "1e5", "", " 100 ", "1，23", "-1,234"],
    "output_ytd_prior": ["90", "", "—", "1,000", "１２３", " 12.5\u3000", "1.234,5", "-5", ".5", "..", "N/A"],
}
ANNUAL_PERIODS = ["2019", " 2019 ", "２０１９", "2019年", "2019 年度", "2019年报", "2019年1-12月", "2019年1—12月份",
                  "2019年01～12月", "2019-12", "2019年12月", "—", "", "19"]


def _messy_frame(dtype: str | None = "string", *, annual: bool = False) -> pd.DataFrame:
    """Every messy value of every field at least once (each column cycles through its own list)."""
    values = MESSY | ({"period": ANNUAL_PERIODS + MESSY["period"]} if annual else {})
    rows = max(len(v) for v in values.values())
    frame = pd.DataFrame({f: list(itertools.islice(itertools.cycle(values[f]), rows)) for f in FIELDS})
    frame.loc[3, "product_code"] = None  # a missing value stays missing
    frame = frame.astype(dtype) if dtype else frame
    frame.insert(0, "source_file", "2018-03/r.csv")
    frame.insert(1, "line_number", range(2, rows + 2))
    frame.index = range(100, 100 + rows)  # any index, not only 0..n-1
    return frame


@pytest.mark.parametrize("annual", [False, True])
def test_normalize_lines_gives_normalize_value_of_every_messy_value(annual):
    frame = _messy_frame(annual=annual)
    out = normalize_lines(frame, annual=annual)
    changed = []
    for field in FIELDS:
        want = [v if pd.isna(v) else normalize_value(field, v, annual=annual) for v in frame[field]]
        assert [None if pd.isna(v) else v for v in out[field]] == [None if pd.isna(v) else v for v in want], field
        assert out[field].dtype == pd.StringDtype()
        changed.append([not pd.isna(a) and a != b for a, b in zip(frame[field], want)])
    assert out["normalized"].tolist() == [",".join(f for f, c in zip(FIELDS, row) if c) for row in zip(*changed)]
    assert (out["normalized"] != "").sum() > len(out) / 2  # the messy values were messy
    assert out[["source_file", "line_number"]].equals(frame[["source_file", "line_number"]])


@pytest.mark.parametrize("annual", [False, True])
def test_a_column_of_another_dtype_gives_the_same_lines(annual):
    # object columns take the value-by-value way, the "string" columns read gives the fast path
    fast = normalize_lines(_messy_frame(annual=annual), annual=annual)
    by_value = normalize_lines(_messy_frame(None, annual=annual), annual=annual)
    pd.testing.assert_frame_equal(fast[list(FIELDS) + ["normalized"]], by_value[list(FIELDS) + ["normalized"]])


def test_without_its_pattern_a_chain_of_rules_gives_the_same_lines(monkeypatch):
    fast = normalize_lines(_messy_frame())
    monkeypatch.setattr(normalize, "CANONICAL", {})
    pd.testing.assert_frame_equal(normalize_lines(_messy_frame()), fast)


def test_every_chain_of_rules_has_its_canonical_pattern():
    for rules in (*FIELD_RULES.values(), *ANNUAL_FIELD_RULES.values()):
        assert rules in CANONICAL, [r.__name__ for r in rules]


def test_stripped_is_every_character_strip_surrounding_removes():
    spaces = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert set(STRIPPED) == spaces | set(normalize._INVISIBLE)
    for c in STRIPPED:
        assert normalize.strip_surrounding(f"{c}x{c}") == "x"


def _candidates(seed: int = 12) -> list[str]:
    """Canonical-looking texts and near misses: short strings over digits, letters, signs, spaces and CJK."""
    rng = random.Random(seed)
    alphabet = "0123456789" * 4 + "-.,+Aazí中年月 \u3000\xa0\u200b\u2060\n\t\x1c１－\u2212…"
    found = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(20_000)]
    found += [f"{y:04d}-{m:02d}" for y in (0, 1899, 2018, 9999) for m in range(100)]
    found += [f"{y:04d}" for y in range(0, 10_000, 7)] + [f"{c:06d}" for c in range(0, 1_000_000, 997)]
    found += [f"{n}.{d}" for n in (0, 7, 123456) for d in ("0", "00", "5", "123", "1234")]
    found += [v for values in MESSY.values() for v in values] + ANNUAL_PERIODS
    return found


def test_a_value_its_pattern_takes_for_canonical_is_left_alone_by_every_rule():
    candidates = _candidates()
    texts = pa.array(candidates, type=pa.large_string())
    for rules, pattern in CANONICAL.items():
        matched = pc.match_substring_regex(texts, pattern).to_pylist()
        taken = [text for text, hit in zip(candidates, matched) if hit]
        assert len(taken) >= 10, [r.__name__ for r in rules]  # the pattern is exercised
        for text in taken:
            out = text
            for rule in rules:
                out = rule(out)
            assert out == text, ([r.__name__ for r in rules], text)


def test_a_form_rewritten_over_a_whole_column_comes_out_as_its_rules_give_it():
    rng = random.Random(3)
    candidates = _candidates() + [f"{rng.randint(0, 10**12):,}" + rng.choice(["", ".5", ".125", ".0"]) for _ in range(2000)]
    candidates += ["-1,234", "+1,234", "1,234,567.5", "1,23", "12,34,567", "1,2345", ",123", "1,234,56", "1.234,5",
                   " 1,234", "1,234 ", "１,234", "1,234\n"]
    texts = pa.array(candidates, type=pa.large_string())
    for rules, forms in REWRITES.items():
        for form, rewrite in forms:
            hit = pc.match_substring_regex(texts, form)
            taken = texts.filter(hit)
            assert len(taken) >= 1000
            for text, rewritten in zip(taken.to_pylist(), rewrite(taken).to_pylist()):
                out = text
                for rule in rules:
                    out = rule(out)
                assert rewritten == out, ([r.__name__ for r in rules], text)


def test_a_whole_column_of_thousands_separators_is_rewritten_as_the_rules_do():
    frame = _messy_frame()
    frame["output_ytd"] = pd.Series([f"{n * 7919:,}.5" for n in range(len(frame))], index=frame.index, dtype="string")
    out = normalize_lines(frame)
    assert out["output_ytd"].tolist() == [normalize_value("output_ytd", v) for v in frame["output_ytd"]]
    assert (out["normalized"].str.contains("output_ytd,") | out["normalized"].str.endswith("output_ytd")).sum() == sum(
        "," in v for v in frame["output_ytd"])


def _received_text_line_by_line(received: pd.DataFrame, normalized: pd.DataFrame) -> pd.Series:
    """The audit text as landing wrote it before received_text (one line at a time): the oracle."""
    def original(index) -> str:
        fields = normalized.at[index, "normalized"]
        return "; ".join(f"{f}={received.at[index, f]!r}" for f in fields.split(",")) if fields else ""
    return pd.Series([original(i) for i in normalized.index], index=normalized.index, dtype="string").replace("", pd.NA)


def test_received_text_is_the_audit_text_landing_writes():
    frame = _messy_frame()
    lines = normalize_lines(frame)
    text = received_text(frame, lines)
    pd.testing.assert_series_equal(text, _received_text_line_by_line(frame, lines))
    assert text.dtype == pd.StringDtype() and text.index.equals(frame.index)
    assert text.isna().tolist() == (lines["normalized"] == "").tolist()
    assert lines.at[101, "normalized"] == "period,credit_code,enterprise_name,district_code,product_code,product_name"
    assert text[101] == ("period=' 2018-03 '; credit_code='" + A.lower() + "'; enterprise_name='\\u3000大连芯片\\xa0'; "
                         "district_code='２１０２１３'; product_code='61001'; product_name=' 芯片 '")
    empty = _messy_frame().iloc[:0]
    assert received_text(empty, normalize_lines(empty)).empty


# --- the line-level checks: each distinct value once, plain numbers without a call ------------------------------


NUMBERS = ["0", "7", "-0", "-0.000", "-5", "+5", "+0", "12.", ".5", "1.2345", "12.345", "999", "999.999", "1000",
           "1000.000", "1000.001", "0001000.5", "00000000000000000000001", "1e3", "١٠", "1,000", "99999999999999999999",
           "1000000000", "1000000000.001", "999999999999", "1000000000000", "1000000000000.001"]


@pytest.mark.parametrize("limit", ["1000", "999.5", "1", "0.5", "0", "1E+12", "1000000000000.0", "1E+150"])
def test_a_plain_number_taken_without_a_call_is_at_or_below_the_limit(limit):
    limit = Decimal(limit)
    pattern = contract._unsigned_below(limit)
    if limit < 10:  # 10**0 digits: no number is that short
        assert pattern is None
        return
    texts = NUMBERS + [str(n) for n in range(0, 20_000, 37)] + [f"{n}.{d}" for n in (9, 99, 999) for d in (9, 99, 999)]
    taken = [t for t, hit in zip(texts, pd.Series(texts, dtype="string").str.fullmatch(pattern)) if hit]
    assert taken
    assert all(contract._is_number(t) and contract._not_negative(t) and contract._at_most(limit)(t) for t in taken)


@pytest.mark.parametrize("passing", [None, contract._unsigned_below(Decimal("1000"))])
def test_per_value_gives_the_predicate_of_every_value(passing):
    column = pd.Series(NUMBERS * 3 + ["x", "", "1000"], dtype="string", index=range(50, 50 + 3 * len(NUMBERS) + 3))
    check = contract._per_value(contract._at_most(Decimal("1000")), passing=passing)
    pd.testing.assert_series_equal(check(column), column.map(contract._at_most(Decimal("1000"))).astype(bool))


def test_the_money_rules_judge_every_number_as_their_predicates_do():
    params = contract.default_params()
    params["output_ytd_in_range"] = {"max_value_qianyuan": 1000.0}
    params["output_ytd_prior_in_range"] = {"max_prior_value_qianyuan": 999.5}
    params["output_ytd_implausible"] = {"max_line_output_qianyuan": 100.0}
    rows = [["2018-03", A, "大连芯片", "210213", "3973", "397301", "芯片", v, v] for v in NUMBERS]
    lines = pd.DataFrame(rows, columns=list(FIELDS)).astype("string")
    found = find_failures(lines, "2018-03", {"210213"}, rule_params=params)
    got = {(int(r), rule) for r, rule in found[["row", "rule"]].itertuples(index=False)}
    want = set()
    for row, v in enumerate(NUMBERS):
        number = contract._is_number(v)
        for field, limit in (("output_ytd", Decimal("1000")), ("output_ytd_prior", Decimal("999.5"))):
            want |= {(row, f"{field}_numeric")} if not number else set()
            want |= {(row, f"{field}_non_negative")} if number and Decimal(v) < 0 else set()
            want |= {(row, f"{field}_in_range")} if number and Decimal(v) > limit else set()
        want |= {(row, "output_ytd_implausible")} if number and Decimal(100) < Decimal(v) <= Decimal(1000) else set()
    assert got == want
    assert {"output_ytd_numeric", "output_ytd_non_negative", "output_ytd_in_range", "output_ytd_implausible",
            "output_ytd_prior_in_range"} <= {rule for _, rule in got}
