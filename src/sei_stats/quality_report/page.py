"""The report's page: figures written out and laid into the Jinja2 template, every value escaped.

Python decides what each cell says (formats, Chinese names, flags, order); the template
``templates/quality_report.html.j2`` holds the layout and the fixed wording, with autoescape on,
so a value such as an enterprise name ``<script>`` shows as text. The CSS is inlined from
``templates/quality_report.css`` and the chart is a base64 PNG: the page needs no other file
and names no external URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import jinja2
import pandas as pd

from sei_stats import period as periods
from sei_stats.calendar import Calendar
from sei_stats.charts import STAMP_TEXT, fmt_amount, fmt_percent
from sei_stats.vocabulary import (BUCKET_LABELS, BUCKETS, DECISION_LABELS, FRAME_SOURCE_LABELS, LEVEL_LABELS,
                                  PRIOR_SOURCE_LABELS, PRIOR_SOURCES, SEVERITY_LABELS)

from .chart import png_data_uri, quality_chart
from .data import CONTRIBUTORS_LIMIT, PRIOR_COLUMNS, QualityData, absent

TEMPLATE = "quality_report.html.j2"
QUEUE_LIMIT = 50


# --- values ----------------------------------------------------------------------------------


def _amount(value) -> str:
    """Money (亿元 or 千元, the column says which) as the charts write it: 3,012.5; — when absent."""
    return "—" if absent(value) else fmt_amount(float(value))


def _share(value) -> str:
    """A fraction as a percentage with one decimal (18.0%); — when absent."""
    return "—" if absent(value) else fmt_percent(float(value) * 100)


def _count(value) -> str:
    """A count with thousands separated (2,841); — when absent."""
    return "—" if absent(value) else f"{int(value):,}"


def _text(value) -> str:
    return "" if absent(value) else str(value)


def _with_zh(labels: dict[str, str]) -> Callable[[object], str]:
    """A code with its Chinese name in front: 剔除 (reject)."""
    return lambda value: "" if absent(value) else f"{labels.get(str(value), str(value))} ({value})"


# --- tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """One table column: its heading (with the unit), the frame's column, how to write a value."""

    head: str
    key: str
    fmt: Callable[[object], str] = _text
    css: str = ""  # num: figure, right-aligned; code: one line; wide: free text given room; path: breaks anywhere


@dataclass(frozen=True)
class Cell:
    text: str
    css: str = ""


@dataclass(frozen=True)
class Table:
    """A table as the template draws it: headings, rows of (css, cells), or the note when it has no row."""

    heads: list[Cell]
    rows: list[tuple[str, list[Cell]]]
    css: str = ""
    empty: str = "本期无记录 (none this period)"


def _table(frame: pd.DataFrame, cols: list[Col], *, row_class: Callable[[pd.Series], str] | None = None,
           empty: str = Table.empty, css: str = "") -> Table:
    """The one table writer of the report: every value written by its column's format."""
    rows = [(row_class(row) if row_class else "", [Cell(c.fmt(row[c.key]), c.css) for c in cols])
            for _, row in frame.iterrows()]
    return Table([Cell(c.head, c.css) for c in cols], rows, css, empty)


# The fields a reviewer may correct (schemas/reviews.py: CORRECTABLE_FIELDS).
FIELD_LABELS = {"output_ytd": "本年累计", "output_ytd_prior": "上年同期"}
SEVERITY_COL = Col("处理 (severity)", "severity", _with_zh(SEVERITY_LABELS), css="code")


def _product(value) -> str:
    # A finding on a whole unit (imputed_too_long) names no product: say so rather than leave a blank.
    return "整个单位 (whole unit)" if _text(value) == "" else str(value)


ENTERPRISE_COLS = (Col("统一社会信用代码 (credit code)", "credit_code", css="code"),
                   Col("单位名称 (enterprise)", "enterprise_name"), Col("产品 (product)", "product", _product, css="code"))


# --- 1 summary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """One conservation line, received = Σ buckets, with the warehouse's verdict on it."""

    zh: str
    en: str
    line: str
    verdict: str
    css: str  # ok, alarm, or warn when it cannot be checked


# kind: (Chinese name, English, unit, how a figure is written)
IDENTITIES = {"rows": ("行数守恒", "lines", "行", _count), "output": ("产值守恒", "output, 亿元", "亿元", _amount)}
HOLDS = "✓ 成立 (holds)"
FAILS = "✗ 不成立，须查明原因后再发布 (DOES NOT HOLD: explain before publishing)"


def _gap(gap: float) -> str:
    # A gap beyond the half-yuan tolerance can round to 0.0亿元: then say it in 千元, to the yuan.
    return f"{fmt_amount(gap)}亿元" if abs(gap) >= 0.05 else f"{gap * 1e5:,.3f}千元"


def _identity(row: pd.Series, published: frozenset[str], kind: str) -> Identity:
    """The line received = Σ buckets for rows or output; whether it holds is the warehouse's
    identity_<kind>_ok, the output's gap its identity_output_gap (the rows have none published)."""
    zh, en, unit, fmt = IDENTITIES[kind]
    terms = " + ".join(f"{BUCKET_LABELS[b]} {fmt(row[f'{kind}_{b}'])}" for b in BUCKETS)
    line = f"报送 {fmt(row[f'{kind}_received'])} = {terms}（{unit}）"
    verdict = f"identity_{kind}_ok"
    if verdict not in published:
        return Identity(zh, en, line, f"无法核对：仓库未发布 {verdict} (cannot check: not published)", "warn")
    if absent(row[verdict]):
        return Identity(zh, en, line, f"无法核对：本期 {verdict} 为空 (cannot check: no verdict this period)", "warn")
    if bool(row[verdict]):
        return Identity(zh, en, line, HOLDS, "ok")
    if kind == "output" and not absent(row["identity_output_gap"]):
        line += f"；报送减各去向之和相差 {_gap(float(row['identity_output_gap']))}"
    return Identity(zh, en, line, FAILS, "alarm")


def _bucket_table(row: pd.Series) -> Table:
    received = row["output_received"]

    def of_received(value) -> float | None:
        if absent(value) or absent(received) or float(received) == 0:
            return None
        return float(value) / float(received)

    rows = [("报送合计 (received)", row["rows_received"], received, of_received(received))]
    for bucket in BUCKETS:
        output = row[f"output_{bucket}"]
        rows.append((f"{BUCKET_LABELS[bucket]} ({bucket})", row[f"rows_{bucket}"], output, of_received(output)))
    frame = pd.DataFrame(rows, columns=["bucket", "rows", "output", "share"])
    cols = [Col("去向 (bucket)", "bucket"), Col("行数 (行, lines)", "rows", _count, css="num"),
            Col("报送产值 (亿元, as reported)", "output", _amount, css="num"),
            Col("占报送产值 (%)", "share", _share, css="num")]
    return _table(frame, cols, row_class=lambda r: "total" if r["bucket"].startswith("报送") else "", css="kv")


def _derived(row: pd.Series, period: str) -> str:
    """Why a frame derived from the returns asks for a roster: it cannot see who has not reported yet."""
    roster = f"raw/roster/{periods.year(period)}.csv"
    if absent(row["last_year_units_not_reported"]):
        return (f"无调查单位名录，调查范围由报表推定，看不到本年尚未报送的单位（上年12月不在仓库，无从核对），建议提供 {roster} "
                "(derived from the returns: units that have not reported yet are not seen; a roster is recommended)")
    n = _count(row["last_year_units_not_reported"])
    return (f"无调查单位名录，调查范围由报表推定：上年12月在营单位中有 {n} 家本年至今尚未报送，可能是未察觉的未报送，"
            f"建议提供 {roster} (derived from the returns: {n} of last year's units have not reported yet this year; "
            "a roster is recommended)")


def _frame_rows(row: pd.Series, period: str, limits: dict[str, float]) -> list[tuple]:
    if absent(row["frame_source"]) and absent(row["live_units"]) and absent(row["response_rate"]):
        return [("回报率 (response rate)", "—", "%", "本期无调查范围数据，无回报率与推算数据 (no survey frame this "
                 "period: no response or imputation figures)")]
    floor = 1 - limits["max_nonresponse_rate"] if "max_nonresponse_rate" in limits else None
    low = floor is not None and not absent(row["response_rate"]) and float(row["response_rate"]) < floor
    return [
        ("调查范围来源 (survey frame)", _with_zh(FRAME_SOURCE_LABELS)(row["frame_source"]) or "—", "",
         _derived(row, period) if row["frame_source"] == "derived" else ""),
        ("上年12月在营单位本年未报送 (last year's units not reported this year)",
         _count(row["last_year_units_not_reported"]), "家", ""),
        ("在营调查单位 (live units)", _count(row["live_units"]), "家", ""),
        ("回报单位 (respondents)", _count(row["respondents"]), "家", ""),
        ("回报率 (response rate)", _share(row["response_rate"]), "%",
         f"低于下限 {_share(floor)} (below the floor)" if low else ""),
        ("整体推算单位 (units imputed whole)", _count(row["imputed_enterprises"]), "家", ""),
        ("部分推算行 (lines imputed, partial)", _count(row["lines_imputed_partial"]), "行", ""),
        ("无法推算单位，未计入 (units not imputable: not in the figures)", _count(row["units_not_imputed"]), "家", ""),
        ("连续推算超期单位，待审核 (units imputed too long: in the review queue)",
         _count(row["units_imputed_too_long"]), "家", ""),
        ("推算产值 (imputed output)", _amount(row["output_imputed"]), "亿元", ""),
        ("推算产值占战新产值 (imputed share of SEI output)", _share(row["imputed_share"]), "%", ""),
    ]


def _over(row: pd.Series, bucket: str, limits: dict[str, float]) -> str:
    """Why the bucket's share of output received breaks the checks' limit, or ''."""
    limit = limits.get(f"max_{bucket}_output_share")
    value, received = row[f"output_{bucket}"], row["output_received"]
    if limit is None or absent(value) or absent(received):
        return ""
    returns = float(received) - (0.0 if absent(row.get("output_not_a_return")) else float(row["output_not_a_return"]))
    if returns <= 0:
        return ""
    share = float(value) / returns  # the same share as pipelines/checks.py: of the returns' output
    if share <= limit:
        return ""
    return f"产值占比 {_share(share)}，超过上限 {_share(limit)} (output share above the limit)"


def _summary_rows(row: pd.Series, period: str, limits: dict[str, float], calendar: Calendar) -> list[tuple]:
    return [
        ("报告期 (report period)", f"{calendar.label(period)}（{period}，本年累计）", "", ""),
        ("报送行 (lines received)", _count(row["rows_received"]), "行", ""),
        ("剔除行 (lines rejected)", _count(row["rows_rejected"]), "行", _over(row, "rejected", limits)),
        ("待审暂缓行 (lines held)", _count(row["rows_held"]), "行", _over(row, "held", limits)),
        ("待审暂缓产值 (output held)", _amount(row["output_held"]), "亿元", ""),
        ("已审结暂缓 (holds resolved)", _count(row["holds_resolved"]), "项", ""),
        ("警示 待审/已审 (warnings open / resolved)",
         f"{_count(row['warnings_open'])} / {_count(row['warnings_resolved'])}", "项", ""),
        ("未归类行 (accepted lines not SEI)", _count(row["rows_unclassified"]), "行", ""),
        ("未归类产值 (unclassified output)", _amount(row["output_unclassified"]), "亿元", ""),
        ("未归类产值占接受产值 (unclassified share of accepted output)", _share(row["unclassified_share"]), "%", ""),
        ("上年同期为空的行 (accepted lines without prior)", _count(row["rows_blank_prior"]), "行", ""),
        ("无增加值率的战新产值 (SEI output without VA rate)", _amount(row["output_no_va_rate"]), "亿元", ""),
        ("目录版本 (catalog version)", _text(row["catalog_version"]) or "—", "", ""),
    ]


def _kv_table(rows: list[tuple]) -> Table:
    """Items with value, unit and flag; a flagged item is highlighted."""
    cols = [Col("项目 (item)", "item"), Col("数值 (value)", "value", css="num"), Col("单位 (unit)", "unit"),
            Col("提示 (flag)", "flag")]
    return _table(pd.DataFrame(rows, columns=["item", "value", "unit", "flag"]), cols, css="kv",
                  row_class=lambda r: "flagged" if r["flag"] else "")


def _prior_table(row: pd.Series, published: frozenset[str]) -> Table | None:
    """The SEI lines in the figures by where their prior comes from; None when none is published."""
    if not published & set(PRIOR_COLUMNS):
        return None
    counts = [row[f"rows_prior_{s}"] for s in PRIOR_SOURCES]
    given = [int(c) for c in counts if not absent(c)]
    total = sum(given) if given else None  # no counts make no total of 0
    rows = [(f"{PRIOR_SOURCE_LABELS[s]} ({s})", c, None if absent(c) or not total else int(c) / total)
            for s, c in zip(PRIOR_SOURCES, counts)]
    rows.insert(0, ("战新行合计 (SEI lines in the figures)", total, 1.0 if total else None))
    cols = [Col("上年同期来源 (source of the prior)", "source"), Col("行数 (行, lines)", "rows", _count, css="num"),
            Col("占战新行 (%)", "share", _share, css="num")]
    return _table(pd.DataFrame(rows, columns=["source", "rows", "share"]), cols, css="kv",
                  row_class=lambda r: "total" if r["source"].startswith("战新行合计") else "")


def _summary(data: QualityData, period: str) -> dict:
    row = data.row(period)
    identities = [_identity(row, data.quality_columns, kind) for kind in IDENTITIES]
    return {"table": _kv_table(_summary_rows(row, period, data.limits, data.calendar)),
            "frame": _kv_table(_frame_rows(row, period, data.limits)), "buckets": _bucket_table(row),
            "identities": identities, "priors": _prior_table(row, data.quality_columns)}


# --- 2 chart ---------------------------------------------------------------------------------


def _chart(data: QualityData, period: str, *, simulated: bool) -> dict:
    fig = quality_chart(data.quality, period, data.limits, simulated=simulated, calendar=data.calendar)
    return {"uri": png_data_uri(fig), "alt": f"近12个月回报率与剔除、待审暂缓产值占比，截至{data.calendar.label(period)}"}


# --- 3–6 the lists ---------------------------------------------------------------------------


def _rules(rules: pd.DataFrame | None) -> Table | None:
    if rules is None:
        return None
    fails = pd.to_numeric(rules["fails"], errors="coerce").fillna(0)
    # Failing rules first, most failures first; the passing ones by name.
    ordered = rules.assign(_fails=fails, _failing=fails > 0).sort_values(
        ["_failing", "_fails", "rule"], ascending=[False, False, True], kind="stable")
    cols = [Col("规则 (rule)", "rule", css="code"), Col("层级 (level)", "level", _with_zh(LEVEL_LABELS), css="code"),
            SEVERITY_COL,
            Col("判定 (items, 行)", "items", _count, css="num"), Col("通过 (passes, 行)", "passes", _count, css="num"),
            Col("未通过 (fails, 行)", "fails", _count, css="num"),
            Col("无法判定 (missing, 行)", "missing", _count, css="num"), Col("说明 (description)", "zh")]
    return _table(ordered, cols, row_class=lambda r: "failing" if r["_failing"] else "")


def _source(row: pd.Series) -> str:
    return f"{_text(row['source_file'])}:{_text(row['line_number'])}" if not absent(row["source_file"]) else ""


def _queue(queue: pd.DataFrame | None) -> dict | None:
    if queue is None:
        return None
    shown = queue.sort_values("severity", key=lambda s: s != "hold", kind="stable").head(QUEUE_LIMIT)
    shown = shown.assign(where=shown.apply(_source, axis=1) if len(shown) else [])
    cols = [SEVERITY_COL, Col("规则 (rule)", "rule", css="code"), *ENTERPRISE_COLS,
            Col("本年累计产值 (千元)", "output_ytd", _amount, css="num"),
            Col("上年同期 (千元)", "output_ytd_prior", _amount, css="num"),
            Col("说明 (message)", "message", css="wide"), Col("来源 (file:line)", "where", css="path")]
    table = _table(shown, cols, row_class=lambda r: "hold" if r["severity"] == "hold" else "",
                   empty="本期无待审核事项 (nothing waits for review)")
    return {"table": table, "total": len(queue), "holds": int((queue["severity"] == "hold").sum()),
            "rest": len(queue) - len(shown)}


def _decision(decision, field) -> str:
    """The decision in Chinese; a correction also names the field it replaced (the values are that field's)."""
    text = _with_zh(DECISION_LABELS)(decision)
    if decision == "correct" and not absent(field):
        text += f"：{FIELD_LABELS.get(field, field)} ({field})"
    return text


def _log(log: pd.DataFrame | None) -> Table | None:
    if log is None:
        return None
    cols = [Col("规则 (rule)", "rule", css="code"), SEVERITY_COL, *ENTERPRISE_COLS,
            Col("决定 (decision)", "decided"), Col("原值 (千元)", "original_value", _amount, css="num"),
            Col("更正值 (千元)", "corrected_value", _amount, css="num"), Col("审核人 (reviewer)", "reviewer"),
            Col("备注 (note)", "note", css="wide"), Col("审核文件 (review file)", "review_file")]
    # Holds first (they stopped lines), then by rule and enterprise.
    log = log.assign(_hold=log["severity"] != "hold", decided=[
        _decision(d, f) for d, f in zip(log["decision"], log["corrected_field"])]).sort_values(
        ["_hold", "rule", "credit_code", "product"], kind="stable", na_position="last")
    return _table(log, cols, empty="本期无审核决定 (no decisions this period)")


def _contributors(frame: pd.DataFrame | None, notes: dict[str, str]) -> dict | None:
    if frame is None:
        return None
    cols = [Col("位次 (rank)", "rank", _count, css="num"), *ENTERPRISE_COLS[:2], Col("领域 (area)", "area"),
            Col("本年累计产值 (亿元)", "output_ytd", _amount, css="num"),
            Col("上月累计产值 (亿元, a month earlier)", "previous_output_ytd", _amount, css="num"),
            Col("本月变动 (亿元, change)", "change", _amount, css="num"),
            Col("占全市变动 (%, share of change)", "share_of_change", _share, css="num")]
    defined = [f"{c}: {notes[c]}" for c in ("previous_output_ytd", "change", "share_of_change") if notes.get(c)]
    return {"table": _table(frame, cols), "definitions": "；".join(defined)}


# --- the page --------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    # Built once: compiling the template for each page would cost more than filling it.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sei_stats", "templates"), autoescape=True,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )
    env.filters["thousands"] = _count  # 2,841: counts in the fixed wording
    return env


def quality_report_html(data: QualityData, period: str, *, simulated: bool) -> str:
    """The whole page for one period of `data` (which must publish it).

    Raises ValueError for a malformed period, LookupError when mart.data_quality lacks it.
    """
    summary = _summary(data, period)  # first: it checks the period before the chart is drawn
    return _environment().get_template(TEMPLATE).render(
        period=period, label=data.calendar.label(period), simulated=simulated, stamp_text=STAMP_TEXT,
        summary=summary, chart=_chart(data, period, simulated=simulated),
        rules=_rules(data.of(data.rules, period)), queue=_queue(data.of(data.queue, period)),
        log=_log(data.of(data.log, period)),
        contributors=_contributors(data.of(data.contributors, period), data.contributor_notes),
        contributors_limit=CONTRIBUTORS_LIMIT,
    )
