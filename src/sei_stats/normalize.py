"""Make messy-but-valid return text uniform before it is judged: a faithful change of format only.

Returns come typed by hand, pasted from other sheets and exported by the online reporting
system. The same valid value then arrives as full-width digits, with thousands separators or
stray spaces, as a code that lost its leading zero because a spreadsheet stored it as a number,
or as a period written as a date. Each rule below undoes one such change of form and nothing
else: it never guesses a value, never fills a blank and never turns text into a number that was
not one. Whatever is still wrong afterwards is left for validate.py to reject, as received.

``normalize_lines`` applies the rules to the frame ``read.read_period`` returns and adds the
column ``normalized``: the names of the fields whose text changed, so the audit trail shows
what was touched; ``received_text`` gives those fields' text as received. A month holds hundreds of
thousands of lines, nearly all canonical already: whole columns are checked at once (CANONICAL, REWRITES)
and only the other values go through the rules one by one, with the same result (issue 12).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .read import FIELDS

CODE_FIELDS = ("credit_code", "district_code", "industry_code", "product_code")
MONEY_FIELDS = ("output_ytd", "output_ytd_prior")
NAME_FIELDS = ("enterprise_name", "product_name")

# Invisible characters a copy-paste leaves around a value, besides what str.strip() removes
# (which already covers U+3000 ideographic space and U+00A0 no-break space).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# A value that is only dashes or an ellipsis: how forms write "not reported" (after folding the width,
# '－' is '-'; '…' stays '…').
_NOT_REPORTED = re.compile(r"^(?:[-\u2010-\u2015\u2212\u2500\u2501\u30fc]+|\.{2,}|\u2026+|\u22ef+)$")
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")
_FLOAT_EXPORT = re.compile(r"^(\d+)\.0+$")
# Excel's serial day numbers that can be a report period: 36526 is 2000-01-01, 60000 is 2064-04-08.
EXCEL_SERIAL_RANGE = (36526, 60000)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_PERIOD_FORMS = (
    re.compile(rf"^(?P<y>\d{{4}})[-/](?P<m>\d{{1,2}})(?:[-/](?P<d>\d{{1,2}}){_TIME})?$"),  # 2018-3, 2018/03/01
    # A dot needs two month digits: 2018.1 may be October stored as the number 2018.10.
    re.compile(r"^(?P<y>\d{4})\.(?P<m>\d{2})(?:\.(?P<d>\d{1,2}))?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),  # 201803
    re.compile(r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月份?(?:\s*(?P<d>\d{1,2})\s*日)?$"),  # 2018年3月
)
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
# The period of an annual report (年报), 1–12月 of a year: 2020, 2020年, 2020年度, 2020年报, 2020年1-12月 with any
# dash (every character of Unicode's dash punctuation, Pd: - ‐ ‑ ‒ – — ― 〜 …, the minus sign) or a tilde.
_DASHES = ("-\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d"
           "\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead" "\u2212~")
_ANNUAL_FORMS = re.compile(rf"^(?P<y>\d{{4}})(?:\s*年(?:度|报)?|\s*年\s*0?1\s*[{re.escape(_DASHES)}]\s*12\s*月份?)?$")


# --- the rules -----------------------------------------------------------------------------


def strip_surrounding(text: str) -> str:
    """Drop whitespace around a value (ASCII, U+3000 ideographic space, NBSP, zero-width marks).

    Padding is how a cell was typed or aligned, never part of the value; a name keeps its inner spaces.
    """
    return text.strip().strip(_INVISIBLE).strip()


def remove_inner_whitespace(text: str) -> str:
    """Drop every whitespace character inside a code or a number ("210 213", "1 234 567").

    Codes and numbers contain no spaces; a space inside one is a digit-grouping or typing habit.
    """
    return re.sub(r"\s+", "", text.translate({ord(c): None for c in _INVISIBLE}))


# Full-width forms U+FF01–U+FF5E are ASCII U+0021–U+007E in another width; U+3000 is a space.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " ", 0x2212: "-"}


def fold_width(text: str) -> str:
    """Fold full-width characters ("２１０２１３", "ＭＡ", "１２３４．５", "－") to ASCII.

    Chinese input methods type full-width digits and letters; they are the same characters in
    another width. U+2212 (the typographic minus sign) becomes '-' too. Names are never folded.
    Width only, not NFKC: other digits (Arabic-Indic ٣٤٥, superscript ², circled ①, mathematical
    𝟑) are other characters, not another width; they stay and fail the rules as received.
    """
    return text.translate(_FULL_WIDTH)


def blank_not_reported(text: str) -> str:
    """A value that is only a dash or an ellipsis ('—', '——', '-', '--', '…', '...', '－') becomes ''.

    On statistical forms these marks mean "not reported": the value is blank, never zero. A blank
    required value is then rejected as missing; a blank prior means "no prior" as the contract says.
    """
    return "" if _NOT_REPORTED.match(text) else text


def remove_thousands_separators(text: str) -> str:
    """Drop thousands separators when they are well-formed groups of three ("1,234,567.5" -> "1234567.5").

    Anything else with a comma ("1,23", "12,34,567", "1,2345") may be a decimal comma or a typo:
    it stays as received and fails the numeric rule rather than being guessed at.
    """
    return text.replace(",", "") if _GROUPED.match(text) else text


def uppercase(text: str) -> str:
    """Uppercase a credit code made of ASCII letters and digits: 'ma' is 'MA' typed lowercase.

    GB 32100-2015 codes use capital letters only. Text that is no such code (a repeated header's
    "credit_code", a total row's words) is left as written.
    """
    return text.upper() if text.isascii() and text.isalnum() else text


def drop_float_zero(text: str) -> str:
    """A code written like a float export ("3973.0", "210213.0") loses its ".0".

    A sheet that stored the code as a number exports it as a float; the ".0" is not part of the code.
    """
    match = _FLOAT_EXPORT.match(text)
    return match.group(1) if match else text


# A GB/T 4754 class is 4 digits and no division starts with "00": a class stored as a number can
# only have lost one leading zero (0610 -> 610). One or two digits are no class that lost zeros
# but another code (a division?) and are left to fail industry_code_format.
INDUSTRY_DIGITS_PADDED = (3,)


def pad_industry_code(text: str) -> str:
    """An industry code of 3 ASCII digits gets its leading zero back ("610" -> "0610").

    GB/T 4754-2017 classes are 4 digits; the classes of divisions 01-09 begin with a zero, which a
    spreadsheet drops when it stores the code as a number.
    """
    if text.isascii() and text.isdigit() and len(text) in INDUSTRY_DIGITS_PADDED:
        return text.zfill(4)
    return text


def pad_product_code(text: str) -> str:
    """A product code of odd length made only of digits gets one leading zero ("10101" -> "010101").

    统计用产品分类目录 codes have two digits per level (2-10 digits, always even); an odd length is
    a first level 01-09 whose zero a spreadsheet dropped.
    """
    if text.isascii() and text.isdigit() and len(text) % 2 == 1:
        return "0" + text
    return text


def period_to_yyyy_mm(text: str) -> str:
    """A report period written another way becomes 'YYYY-MM'; anything unrecognised stays as is.

    Accepted: YYYY-MM, YYYY-M, YYYY/MM, YYYY.MM, YYYYMM, YYYY年M月(份), a date YYYY-MM-DD or
    YYYY/M/D (the day, and a time, ignored) and an Excel serial day number in EXCEL_SERIAL_RANGE
    (days since 1899-12-30). A month or day that does not exist is no period: it stays, and the
    period rule rejects it. 'YYYY.M' stays too: 2018.1 may be October stored as the number 2018.10.
    """
    serial = _EXCEL_SERIAL.match(text)
    if serial:
        days = int(serial.group(1))
        if EXCEL_SERIAL_RANGE[0] <= days <= EXCEL_SERIAL_RANGE[1]:
            return (_EXCEL_EPOCH + dt.timedelta(days=days)).strftime("%Y-%m")
        return text
    for form in _PERIOD_FORMS:
        match = form.match(text)
        if not match:
            continue
        year, month = int(match["y"]), int(match["m"])
        day = int(match["d"]) if match.groupdict().get("d") else 1
        try:
            dt.date(year, month, day)
        except ValueError:
            return text
        return f"{year:04d}-{month:02d}"
    return text


def period_to_yyyy(text: str) -> str:
    """The period of an annual report written another way becomes 'YYYY'; anything else stays as is.

    Accepted: YYYY, YYYY年, YYYY年度, YYYY年报 and YYYY年1-12月(份) with any dash (or a tilde) between 1 and 12,
    spaces between the parts allowed. A month (2019-12, 2019年12月) is no annual period: it stays, and the
    period rule rejects it.
    """
    match = _ANNUAL_FORMS.match(text)
    return match["y"] if match else text


# --- per field -----------------------------------------------------------------------------

Rule = Callable[[str], str]

# The rules of each field, applied in order.
FIELD_RULES: dict[str, tuple[Rule, ...]] = {
    "period": (strip_surrounding, fold_width, blank_not_reported, period_to_yyyy_mm),
    "credit_code": (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported, uppercase),
    "enterprise_name": (strip_surrounding,),
    "district_code": (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported, drop_float_zero),
    "industry_code": (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported, drop_float_zero,
                      pad_industry_code),
    "product_code": (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported, drop_float_zero,
                     pad_product_code),
    "product_name": (strip_surrounding,),
    "output_ytd": (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported,
                   remove_thousands_separators),
    "output_ytd_prior": (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported,
                         remove_thousands_separators),
}
assert tuple(FIELD_RULES) == FIELDS

# The annual report's lines: the same rules, but its period is a year (period_to_yyyy).
ANNUAL_FIELD_RULES: dict[str, tuple[Rule, ...]] = FIELD_RULES | {
    "period": (strip_surrounding, fold_width, blank_not_reported, period_to_yyyy),
}


def normalize_value(field: str, text: str, *, annual: bool = False) -> str:
    """The text of one field after its rules (FIELD_RULES[field]; ANNUAL_FIELD_RULES[field] for an annual report)."""
    for rule in (ANNUAL_FIELD_RULES if annual else FIELD_RULES)[field]:
        text = rule(text)
    return text


def _by_value(before: pd.Series, field: str, annual: bool) -> tuple[pd.Series, np.ndarray]:
    """A column through its rules one value at a time (normalize_value): the reference ``normalize_lines`` keeps
    to, and its way for a column that is not of the dtype "string" (pandas' StringDtype on pyarrow)."""
    after = before.map(lambda v: v if pd.isna(v) else normalize_value(field, str(v), annual=annual), na_action=None)
    after = after.astype("string")
    changed = (after.fillna("\0") != before.astype("string").fillna("\0")).to_numpy(dtype=bool)
    return after, changed


# --- the fast path: whole columns at once ---------------------------------------------------------
#
# Nearly every received value is already canonical ('2020-03', '210213', '3973', '12345.6'): the rules would
# leave it as it is. Each chain of rules below has a pattern (RE2, as pyarrow runs it, anchored at both ends)
# that only such values match, checked over the whole column at once; only the values it does not match —
# the few messy ones, and canonical ones it is too narrow for — go through the rules one by one
# (normalize_value), each distinct value once. A pattern may be narrower than "unchanged", never wider: a
# value it matches must come out of every rule of its chain as it went in (tests/unit/test_normalize_speed.py
# checks that, and that normalize_lines gives what normalize_value gives). A chain without a pattern here
# (a rule added or reordered) takes the one-by-one way for every value, so a change of the rules can never
# be skipped by a stale pattern.

# Every character str.strip() removes (str.isspace(): ASCII whitespace, U+001C–U+001F, U+0085, NBSP, U+1680,
# U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), and the invisible marks strip_surrounding removes too.
STRIPPED = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
            + "\u2028\u2029\u202f\u205f\u3000" + _INVISIBLE)
_STRIPPED_CLASS = "".join(f"\\x{{{ord(c):x}}}" for c in STRIPPED)  # RE2's \x{hhhh}, whatever the character
# A money value: digits, a point and digits, a minus; no sign '+', no separator, no space, no width to fold.
_PLAIN_NUMBER = r"^(?:-?[0-9]+(?:\.[0-9]+)?)?$"
_MONEY_RULES = (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported, remove_thousands_separators)
CANONICAL: dict[tuple[Rule, ...], str] = {
    # A name: nothing strip_surrounding removes at either end (a single character counts as both ends).
    (strip_surrounding,): f"^(?:[^{_STRIPPED_CLASS}]|[^{_STRIPPED_CLASS}](?s:.*)[^{_STRIPPED_CLASS}])?$",
    # YYYY-MM: period_to_yyyy_mm gives back its own text for a real month, and leaves one that is not (2018-13).
    (strip_surrounding, fold_width, blank_not_reported, period_to_yyyy_mm): r"^[0-9]{4}-[0-9]{2}$",
    (strip_surrounding, fold_width, blank_not_reported, period_to_yyyy): r"^[0-9]{4}$",
    # Capitals and digits: nothing to strip, fold, join or uppercase.
    (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported, uppercase): r"^[0-9A-Z]*$",
    # No point, so no float export's '.0'.
    (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported, drop_float_zero): r"^[0-9A-Za-z]*$",
    # Four digits (or none): no zero to put back.
    (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported, drop_float_zero,
     pad_industry_code): r"^(?:[0-9]{4})?$",
    # An even number of digits (or none): no zero to put back.
    (strip_surrounding, fold_width, remove_inner_whitespace, blank_not_reported, drop_float_zero,
     pad_product_code): r"^(?:[0-9]{2})*$",
    _MONEY_RULES: _PLAIN_NUMBER,
}


# Messy forms that may fill a whole column (an export that writes every amount with thousands separators): each
# with the pattern of the texts its chain of rules changes only so, and that change over a whole column at once. A
# text a pattern matches must come out of its chain as the change gives it (tests/unit/test_normalize_speed.py).
REWRITES: dict[tuple[Rule, ...], tuple[tuple[str, Callable[[pa.Array], pa.Array]], ...]] = {
    # ASCII digits in groups of three, nothing else to strip or fold: remove_thousands_separators alone.
    _MONEY_RULES: ((r"^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$", lambda text: pc.replace_substring(text, ",", "")),),
}


def _fast(before: pd.Series, field: str, annual: bool) -> tuple[pd.Series, np.ndarray]:
    """``_by_value``'s result for a column of dtype "string": the canonical values found by CANONICAL's pattern
    over the whole column, the forms of REWRITES changed over it, the rest through normalize_value, each distinct
    text once."""
    text = pa.array(before.array)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    rules = (ANNUAL_FIELD_RULES if annual else FIELD_RULES)[field]
    pattern = CANONICAL.get(rules)
    if pattern is None:
        todo = pc.is_valid(text)
    else:  # a missing value stays missing: never to do
        todo = pc.invert(pc.fill_null(pc.match_substring_regex(text, pattern), True))
    todo = todo.to_numpy(zero_copy_only=False)
    changed = np.zeros(len(before), dtype=bool)
    if not todo.any():
        return before, changed
    rows, values = [], []  # the rows to do, and their texts after the rules
    for form, rewrite in REWRITES.get(rules, ()):
        hit = todo & pc.fill_null(pc.match_substring_regex(text, form), False).to_numpy(zero_copy_only=False)
        if hit.any():
            rows.append(np.flatnonzero(hit))
            values.append(rewrite(text.filter(pa.array(hit))))
            todo &= ~hit
    if todo.any():
        received = text.filter(pa.array(todo)).to_pylist()
        done = {value: normalize_value(field, value, annual=annual) for value in set(received)}
        rows.append(np.flatnonzero(todo))
        values.append(pa.array([done[value] for value in received], type=text.type))
    at = np.concatenate(rows)
    order = np.argsort(at, kind="stable")
    at = at[order]
    after = pa.concat_arrays(values).take(pa.array(order))
    moved = pc.not_equal(after, text.take(pa.array(at))).to_numpy(zero_copy_only=False)
    if not moved.any():
        return before, changed
    changed[at[moved]] = True
    after = pc.replace_with_mask(text, pa.array(changed), after.filter(pa.array(moved)))
    return pd.Series(pd.arrays.ArrowStringArray(after), index=before.index, name=before.name), changed


# ``normalized`` of every set of changed fields, by its bits (bit i: FIELDS[i]): their names in FIELDS order.
_NAMES_CHANGED = np.array([",".join(f for bit, f in enumerate(FIELDS) if code >> bit & 1)
                           for code in range(1 << len(FIELDS))], dtype=object)


def normalize_lines(frame: pd.DataFrame, *, annual: bool = False) -> pd.DataFrame:
    """The lines with every field's text normalised, plus ``normalized``: the fields that changed.

    ``frame`` is what read.read_period (or read_return_file) returns: text columns FIELDS ('' for
    empty). Other columns pass through untouched. ``normalized`` is a string column holding the
    comma-separated names of the fields whose text changed, in FIELDS order, '' when none.
    ``annual``: the lines of an annual report (read.read_annual_with_notes), whose period is a year YYYY.

    Each value comes out as ``normalize_value`` gives it. A column of dtype "string" (what read gives) takes the
    fast path (CANONICAL): its canonical values are recognised over the whole column, only the others go through
    the rules; a column of any other dtype goes through them value by value (``_by_value``).
    """
    out = frame.copy()
    changed = np.zeros(len(out), dtype=np.int64)
    for bit, field in enumerate(FIELDS):
        before = out[field]
        fast = before.dtype == pd.StringDtype("pyarrow", na_value=pd.NA)
        after, moved = (_fast if fast else _by_value)(before, field, annual)
        changed |= moved.astype(np.int64) << bit
        out[field] = after
    out["normalized"] = pd.Series(_NAMES_CHANGED[changed], index=out.index, dtype="string")
    return out


def received_text(received: pd.DataFrame, lines: pd.DataFrame) -> pd.Series:
    """For the lines the normaliser touched, the fields it changed as received: 'field=<repr>' joined by '; ',
    in ``normalized``'s order; missing for a line it left alone. The audit trail of a format change.

    ``received`` is normalize_lines' input, ``lines`` its output (the same index).
    """
    names = lines["normalized"].fillna("").to_numpy(dtype=object)
    touched = np.flatnonzero(names != "")
    text = np.full(len(lines), None, dtype=object)
    if len(touched):
        fields = received[list(FIELDS)]
        fields = fields.iloc[touched] if fields.index.equals(lines.index) else fields.loc[lines.index[touched]]
        columns = {f: fields[f].to_numpy(dtype=object) for f in FIELDS}
        text[touched] = ["; ".join(f"{f}={columns[f][k]!r}" for f in names[i].split(","))
                         for k, i in enumerate(touched)]
    return pd.Series(text, index=lines.index, dtype="string")
