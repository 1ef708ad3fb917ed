"""The monthly data-quality report (数据质量报告) for the statistics bureau: one HTML file a month.

`render_quality_report(con, "2020-03", out_dir, simulated=...)` writes
``out_dir/quality_2020-03.html``: one self-contained page (CSS inline, the chart a base64 PNG,
no external URL) with six sections — summary with the bucket conservation checked, a chart of
the last 12 months, rule results, the open review queue, the reviewers' decisions and the
enterprises that moved the month most. It names enterprises: the page is marked 内部资料.

`con` is a (read-only) connection to the published warehouse. The report reads
``mart.data_quality``, ``mart.rule_results``, ``qa.review_queue``, ``qa.review_log``,
``qa.largest_contributors`` and ``ref.rules`` (and ``ref.thresholds`` when published); a
relation or column the warehouse does not publish is reported as not published, never a crash.
Money: 亿元 in the marts, 千元 in the qa views, as their comments say. Every value on the page
is HTML-escaped. No pyplot: the chart is a ``Figure`` on an Agg canvas, like ``charts``.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sei_stats.charts import (
    BAR, PATH, STAMP_TEXT, TARGET, _note, _stamp, _tick_formatter, _value_axis, fmt_amount, fmt_percent,
    fmt_target, use_cjk_font,
)

FILE_NAME = "quality_{period}.html"
CHART_DPI = 130  # sharp enough on screen and paper; the PNG encoding dominates a report's time
QUEUE_LIMIT = 50
CONTRIBUTORS_LIMIT = 10
# Half a yuan in 亿元: output is reported to 1 元 (千元 with 3 decimals); doubles err far less.
OUTPUT_TOLERANCE = 0.5e-8

BUCKETS = (  # (bucket, 中文): where every received line lands (docs/data-contract.md)
    ("accepted", "接受"), ("rejected", "剔除"), ("superseded", "被更正替代"),
    ("duplicate", "重复行"), ("not_a_return", "非报表行"), ("held", "待审暂缓"),
)
SEVERITY_ZH = {"reject": "剔除", "hold": "暂缓待审", "warn": "警示", "not_a_return": "非报表行", "duplicate": "重复行"}
LEVEL_ZH = {"field": "字段", "record": "记录", "cross-record": "跨记录", "cross-period": "跨期", "cross-source": "跨来源"}
DECISION_ZH = {"accept": "接受", "reject": "剔除", "correct": "更正"}

QUALITY_COLUMNS = (
    "rows_received", *(f"rows_{b}" for b, _ in BUCKETS), "rows_blank_prior", "rows_unclassified",
    "output_unclassified", "output_no_va_rate", "output_received", *(f"output_{b}" for b, _ in BUCKETS),
    "warnings_open", "warnings_resolved", "holds_resolved", "catalog_version",
    "roster_enterprises", "respondents", "response_rate", "imputed_enterprises", "output_imputed",
    "imputed_share", "unclassified_share",
)
RULE_COLUMNS = ("rule", "level", "severity", "items", "passes", "fails", "missing")
QUEUE_COLUMNS = ("severity", "rule", "credit_code", "enterprise_name", "product", "output_ytd", "message",
                 "source_file", "line_number")
LOG_COLUMNS = ("rule", "severity", "credit_code", "enterprise_name", "product", "decision", "original_value",
               "corrected_value", "reviewer", "note", "review_file", "source_file", "line_number")
CONTRIBUTOR_COLUMNS = ("rank", "credit_code", "enterprise_name", "area", "output_ytd", "previous_output_ytd",
                       "change", "share_of_change")
THRESHOLD_COLUMNS = ("max_rejected_output_share", "max_held_output_share", "max_nonresponse_rate")


# --- values ----------------------------------------------------------------------------------


def _absent(value) -> bool:
    """NULL, NaN or pd.NA: a figure the warehouse does not give."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _amount(value) -> str:
    """Money (亿元 or 千元, the column says which) as the charts write it: 3,012.5; — when absent."""
    return "—" if _absent(value) else fmt_amount(float(value))


def _share(value) -> str:
    """A fraction as a percentage with one decimal (18.0%); — when absent."""
    return "—" if _absent(value) else fmt_percent(float(value) * 100)


def _count(value) -> str:
    """A count with thousands separated (2,841); — when absent."""
    return "—" if _absent(value) else f"{int(value):,}"


def _text(value) -> str:
    return "" if _absent(value) else str(value)


def _with_zh(table: dict[str, str]) -> Callable[[object], str]:
    """A code with its Chinese name in front: 剔除 (reject)."""
    return lambda value: "" if _absent(value) else f"{table.get(str(value), str(value))} ({value})"


def period_label(period: str) -> str:
    """'2020-03' as the statistical period 2020年1–3月 (cumulative); January is 2020年1月."""
    year, month = _parse_period(period)
    return f"{year}年1月" if month == 1 else f"{year}年1–{month}月"


def _parse_period(period: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(period))
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"period {period!r}: expected YYYY-MM")
    return int(match[1]), int(match[2])


def _month_index(period: str) -> int:
    year, month = _parse_period(period)
    return year * 12 + month - 1


def _period_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --- reading the warehouse -------------------------------------------------------------------


@dataclass(frozen=True)
class QualityData:
    """What the report reads, periods as 'YYYY-MM'; a frame is None when its relation is not published."""

    quality: pd.DataFrame  # mart.data_quality, every period (the chart looks back 12 months)
    rules: pd.DataFrame | None  # mart.rule_results with zh from ref.rules
    queue: pd.DataFrame | None  # qa.review_queue
    log: pd.DataFrame | None  # qa.review_log
    contributors: pd.DataFrame | None  # qa.largest_contributors, rank <= 10
    contributor_notes: dict[str, str]  # column comments of qa.largest_contributors
    thresholds: dict[str, float]  # ref.thresholds, when published

    def periods(self) -> list[str]:
        return sorted(self.quality["period"])

    def of(self, frame: pd.DataFrame | None, period: str) -> pd.DataFrame | None:
        return None if frame is None else frame[frame["period"] == period]


def _catalog(con) -> dict[str, dict[str, str]]:
    """Every column of the connection's own database: {'schema.relation': {column: comment}}."""
    rows = con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where database_name = current_database()"
    ).fetchall()
    found: dict[str, dict[str, str]] = {}
    for schema, relation, column, comment in rows:
        found.setdefault(f"{schema}.{relation}", {})[column] = comment or ""
    return found


def _read(con, catalog, relation: str, columns: Iterable[str], period: str | None) -> pd.DataFrame | None:
    """The relation's period (as 'YYYY-MM') and the wanted columns it has, the others as NULL; rows in
    the relation's own order (the qa views order theirs). None when the relation is not published."""
    have = catalog.get(relation)
    if have is None or "period" not in have:
        return None
    columns = list(columns)
    picked = "".join(f', "{c}"' for c in columns if c in have)
    where, params = ("where period = ?::date", [f"{period}-01"]) if period else ("", [])
    sql = f"select strftime(period::date, '%Y-%m') as period{picked} from {relation} {where}"
    frame = con.execute(sql, params).df()
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    return frame


def _read_rules(con, catalog, period: str | None) -> pd.DataFrame | None:
    rules = _read(con, catalog, "mart.rule_results", RULE_COLUMNS, period)
    if rules is None:
        return None
    zh = {}
    if "zh" in catalog.get("ref.rules", {}):
        zh = dict(con.execute("select name, zh from ref.rules").fetchall())
    rules["zh"] = rules["rule"].map(lambda r: zh.get(r, ""))
    return rules


def _read_thresholds(con, catalog) -> dict[str, float]:
    have = [c for c in THRESHOLD_COLUMNS if c in catalog.get("ref.thresholds", {})]
    if not have:
        return {}
    # fetchall, not fetchone: the caller's connection must be left with no unfinished result.
    rows = con.execute(f"select {', '.join(have)} from ref.thresholds limit 1").fetchall()
    return {c: float(v) for c, v in zip(have, rows[0] if rows else ()) if not _absent(v)}


def load_quality_data(con, period: str | None = None) -> QualityData:
    """Read the report's relations once: for one period, or (None) for every period."""
    if period is not None:
        _parse_period(period)
    catalog = _catalog(con)
    quality = _read(con, catalog, "mart.data_quality", QUALITY_COLUMNS, None)
    if quality is None:
        raise LookupError("the warehouse publishes no mart.data_quality: no quality report")
    contributors = _read(con, catalog, "qa.largest_contributors", CONTRIBUTOR_COLUMNS, period)
    if contributors is not None:
        rank = pd.to_numeric(contributors["rank"], errors="coerce")
        contributors = contributors[rank <= CONTRIBUTORS_LIMIT].sort_values(["period", "rank"], kind="stable")
    return QualityData(
        quality=quality,
        rules=_read_rules(con, catalog, period),
        queue=_read(con, catalog, "qa.review_queue", QUEUE_COLUMNS, period),
        log=_read(con, catalog, "qa.review_log", LOG_COLUMNS, period),
        contributors=contributors,
        contributor_notes=catalog.get("qa.largest_contributors", {}),
        thresholds=_read_thresholds(con, catalog),
    )


# --- html pieces -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """One table column: its heading (with the unit), the frame's column, how to write a value."""

    head: str
    key: str
    fmt: Callable[[object], str] = _text
    css: str = ""  # num: figure, right-aligned; code: one line; wide: free text given room; path: breaks anywhere


def _cls(css: str) -> str:
    return f" class={css}" if css else ""


def _table(frame: pd.DataFrame, cols: list[Col], *, row_class: Callable[[pd.Series], str] | None = None,
           empty: str = "本期无记录 (none this period)", css: str = "") -> str:
    """The one table writer of the report: every heading and value escaped, figures right-aligned."""
    if frame is None or frame.empty:
        return f'<p class="none">{html.escape(empty)}</p>'
    head = "".join(f"<th{_cls(c.css)}>{html.escape(c.head)}</th>" for c in cols)
    body = []
    for _, row in frame.iterrows():
        cells = "".join(f"<td{_cls(c.css)}>{html.escape(c.fmt(row[c.key]))}</td>" for c in cols)
        body.append(f"<tr{_cls(row_class(row) if row_class else '')}>{cells}</tr>")
    return f"<table{_cls(css)}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _heading(number: int, zh: str, en: str, note: str = "", *, alert: bool = False) -> str:
    extra = f' <span class="{"alert" if alert else "count"}">{html.escape(note)}</span>' if note else ""
    return f"<h2>{number} {html.escape(zh)} <span class=en>({html.escape(en)})</span>{extra}</h2>"


def _para(text: str, css: str = "") -> str:
    return f'<p{f" class={css}" if css else ""}>{html.escape(text)}</p>'


def _not_published(relation: str) -> str:
    return _para(f"仓库未发布 {relation}，本节从略 (the warehouse does not publish {relation})", "none")


# --- 1 summary -------------------------------------------------------------------------------


def _identity(row: pd.Series, kind: str) -> tuple[str, bool | None]:
    """The conservation line received = Σ buckets for lines or output, and whether it holds (None: unknown)."""
    fmt, unit = (_count, "行") if kind == "rows" else (_amount, "亿元")
    received = row[f"{kind}_received"]
    parts = [(zh, row[f"{kind}_{bucket}"]) for bucket, zh in BUCKETS]
    total = sum(0 if _absent(v) else float(v) for _, v in parts)
    terms = " + ".join(f"{zh} {fmt(v)}" for zh, v in parts)
    line = f"报送 {fmt(received)} = {terms}（{unit}）"
    if _absent(received):
        return line, None
    if any(_absent(v) for _, v in parts):
        line += "；未发布的去向按 0 计 (buckets not published count as 0)"
    tolerance = 0 if kind == "rows" else OUTPUT_TOLERANCE
    holds = abs(float(received) - total) <= tolerance
    if not holds:
        line += f"；各去向之和为 {fmt(total)}，相差 {fmt(float(received) - total)}{unit}"
    return line, holds


def _identity_html(row: pd.Series) -> str:
    out = []
    for kind, zh, en in (("rows", "行数守恒", "lines"), ("output", "产值守恒", "output, 亿元")):
        line, holds = _identity(row, kind)
        if holds is None:
            verdict, css = "无法核对：未发布报送合计 (cannot check: received not published)", "warn"
        elif holds:
            verdict, css = "✓ 成立 (holds)", "ok"
        else:
            verdict, css = "✗ 不成立，须查明原因后再发布 (DOES NOT HOLD: explain before publishing)", "alarm"
        out.append(f'<p class="identity {css}"><b>{html.escape(zh)} ({html.escape(en)})</b>：'
                   f"{html.escape(line)} — {html.escape(verdict)}</p>")
    out.append(_para("各项按四舍五入显示，守恒以未取整的数值核对 (figures shown rounded; checked unrounded).", "note"))
    return "".join(out)


def _bucket_table(row: pd.Series) -> str:
    received = row["output_received"]

    def of_received(value) -> float | None:
        if _absent(value) or _absent(received) or float(received) == 0:
            return None
        return float(value) / float(received)

    rows = [("报送合计 (received)", row["rows_received"], received, of_received(received))]
    for bucket, zh in BUCKETS:
        output = row[f"output_{bucket}"]
        rows.append((f"{zh} ({bucket})", row[f"rows_{bucket}"], output, of_received(output)))
    frame = pd.DataFrame(rows, columns=["bucket", "rows", "output", "share"])
    cols = [Col("去向 (bucket)", "bucket"), Col("行数 (行, lines)", "rows", _count, css="num"),
            Col("报送产值 (亿元, as reported)", "output", _amount, css="num"),
            Col("占报送产值 (%)", "share", _share, css="num")]
    return _table(frame, cols, row_class=lambda r: "total" if r["bucket"].startswith("报送") else "", css="kv")


def _roster_rows(row: pd.Series, thresholds: dict[str, float]) -> list[tuple]:
    if _absent(row["roster_enterprises"]) and _absent(row["response_rate"]):
        return [("回报率 (response rate)", "—", "%", "本年无调查单位名录，无回报率与推算数据 (no roster this year: "
                 "no response or imputation figures)")]
    floor = 1 - thresholds["max_nonresponse_rate"] if "max_nonresponse_rate" in thresholds else None
    low = floor is not None and not _absent(row["response_rate"]) and float(row["response_rate"]) < floor
    return [
        ("调查单位名录 (roster enterprises)", _count(row["roster_enterprises"]), "家", ""),
        ("回报单位 (respondents)", _count(row["respondents"]), "家", ""),
        ("回报率 (response rate)", _share(row["response_rate"]), "%",
         f"低于下限 {_share(floor)} (below the floor)" if low else ""),
        ("推算单位 (imputed enterprises)", _count(row["imputed_enterprises"]), "家", ""),
        ("推算产值 (imputed output)", _amount(row["output_imputed"]), "亿元", ""),
        ("推算产值占战新产值 (imputed share of SEI output)", _share(row["imputed_share"]), "%", ""),
    ]


def _over(row: pd.Series, bucket: str, thresholds: dict[str, float]) -> str:
    """Why the bucket's share of output received breaks ref.thresholds, or ''."""
    limit = thresholds.get(f"max_{bucket}_output_share")
    value, received = row[f"output_{bucket}"], row["output_received"]
    if limit is None or _absent(value) or _absent(received):
        return ""
    returns = float(received) - (0.0 if _absent(row.get("output_not_a_return")) else float(row["output_not_a_return"]))
    if returns <= 0:
        return ""
    share = float(value) / returns  # the same share as pipelines/checks.py: of the returns' output
    if share <= limit:
        return ""
    return f"产值占比 {_share(share)}，超过上限 {_share(limit)} (output share above the limit)"


def _summary_rows(row: pd.Series, period: str, thresholds: dict[str, float]) -> pd.DataFrame:
    rows = [
        ("报告期 (report period)", f"{period_label(period)}（{period}，本年累计）", "", ""),
        *_roster_rows(row, thresholds),
        ("报送行 (lines received)", _count(row["rows_received"]), "行", ""),
        ("剔除行 (lines rejected)", _count(row["rows_rejected"]), "行", _over(row, "rejected", thresholds)),
        ("待审暂缓行 (lines held)", _count(row["rows_held"]), "行", _over(row, "held", thresholds)),
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
    return pd.DataFrame(rows, columns=["item", "value", "unit", "flag"])


def _summary(row: pd.Series, period: str, thresholds: dict[str, float]) -> str:
    cols = [Col("项目 (item)", "item"), Col("数值 (value)", "value", css="num"), Col("单位 (unit)", "unit"),
            Col("提示 (flag)", "flag")]
    table = _table(_summary_rows(row, period, thresholds), cols, css="kv",
                   row_class=lambda r: "flagged" if r["flag"] else "")
    return (_heading(1, "概况", "summary") + table + "<h3>报送行去向 (where the received lines went)</h3>"
            + _bucket_table(row) + _identity_html(row))


# --- 2 chart ---------------------------------------------------------------------------------


def _window(quality: pd.DataFrame, period: str) -> pd.DataFrame:
    """The 12 months ending at period, one row each (NaN where a month was not published)."""
    end = _month_index(period)
    months = [_period_of(i) for i in range(end - 11, end + 1)]
    frame = quality.set_index("period").reindex(months)
    # shares of the returns' output: what total and header rows carry is no output
    received = (pd.to_numeric(frame["output_received"], errors="coerce")
                - pd.to_numeric(frame["output_not_a_return"], errors="coerce").fillna(0)).where(lambda s: s > 0)
    return pd.DataFrame({
        "response": pd.to_numeric(frame["response_rate"], errors="coerce") * 100,
        "rejected": pd.to_numeric(frame["output_rejected"], errors="coerce") / received * 100,
        "held": pd.to_numeric(frame["output_held"], errors="coerce") / received * 100,
    }, index=months)


def _month_axis(ax, months: list[str]) -> None:
    # The year under the first month and under each January.
    labels = [f"{int(p[5:])}月" + (f"\n{p[:4]}年" if i == 0 or p.endswith("-01") else "")
              for i, p in enumerate(months)]
    ax.set_xticks(range(len(months)), labels)
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.tick_params(labelsize=8.5)


def _response_panel(ax, data: pd.DataFrame, thresholds: dict[str, float]) -> None:
    values = data["response"]
    ax.plot(range(len(values)), values, color=BAR, marker="o", markersize=4, linewidth=1.6, label="回报率")
    shown = list(values.dropna())
    if "max_nonresponse_rate" in thresholds:
        floor = (1 - thresholds["max_nonresponse_rate"]) * 100
        ax.axhline(floor, color=TARGET, linestyle="--", linewidth=1.1, label=f"下限 {fmt_target(floor, '%')}")
        shown.append(floor)
    low = max(0.0, math.floor((min(shown, default=90.0) - 2) / 5) * 5)
    ax.set_ylim(low, 101)
    ax.yaxis.set_major_formatter(_tick_formatter("%"))
    ax.set_title("回报率（名录单位中报送的比例，%）", fontsize=10.5, loc="left")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    if values.isna().all():
        _note(ax, "无调查单位名录，无回报率数据")


def _share_panel(ax, data: pd.DataFrame, thresholds: dict[str, float]) -> None:
    xs = range(len(data))
    ax.plot(xs, data["rejected"], color=TARGET, marker="s", markersize=4, linewidth=1.6, label="剔除产值占比")
    ax.plot(xs, data["held"], color=PATH, marker="o", markersize=4, linewidth=1.6, label="待审暂缓产值占比")
    keys = ("max_rejected_output_share", "max_held_output_share")
    limits = sorted({thresholds[k] * 100 for k in keys if k in thresholds})
    for limit in limits:
        ax.axhline(limit, color="#555555", linestyle="--", linewidth=1.0, label=f"上限 {fmt_target(limit, '%')}")
    _value_axis(ax, "%", [*data["rejected"].dropna(), *data["held"].dropna(), *limits])
    ax.set_ylabel("")
    ax.set_title("剔除与待审暂缓产值占报送产值比重（%）", fontsize=10.5, loc="left")
    if data[["rejected", "held"]].isna().all().all():
        _note(ax, "未发布分去向的产值")


def quality_chart(quality: pd.DataFrame, period: str, thresholds: dict[str, float], *, simulated: bool) -> Figure:
    """Two panels over the 12 months to period: response rate, and rejected / held share of output."""
    use_cjk_font()
    data = _window(quality, period)
    fig = Figure(figsize=(8.0, 5.6), dpi=100)
    FigureCanvasAgg(fig)
    top, bottom = fig.add_axes((0.08, 0.56, 0.72, 0.34)), fig.add_axes((0.08, 0.13, 0.72, 0.34))
    _response_panel(top, data, thresholds)
    _share_panel(bottom, data, thresholds)
    for ax in (top, bottom):
        ax.spines[["top", "right"]].set_visible(False)
        ax.axvspan(len(data) - 1.5, len(data) - 0.5, color="#eeeeee", zorder=-2)  # this month
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
        _month_axis(ax, list(data.index))
    top.tick_params(labelbottom=False)  # the months once, under the lower panel
    fig.suptitle(f"近12个月数据质量（截至{period_label(period)}）", fontsize=12.5, x=0.08, ha="left", y=0.985)
    if simulated:
        _stamp(fig)
    return fig


def _png_uri(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=CHART_DPI, facecolor="white", metadata={"Software": None},
                pil_kwargs={"compress_level": 3})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _chart(data: QualityData, period: str, *, simulated: bool) -> str:
    uri = _png_uri(quality_chart(data.quality, period, data.thresholds, simulated=simulated))
    alt = f"近12个月回报率与剔除、待审暂缓产值占比，截至{period_label(period)}"
    note = "灰色底为本报告期；线段中断处：该月未发布或无调查单位名录 (grey: this period; gaps: not published or no roster)."
    return (_heading(2, "近12个月走势", "response rate and rejected / held output, last 12 months")
            + f'<img class="chart" src="{uri}" alt="{html.escape(alt)}">' + _para(note, "note"))


# --- 3–6 the lists ---------------------------------------------------------------------------


def _rules(rules: pd.DataFrame | None) -> str:
    head = _heading(3, "规则结果", "rule results: failing rules first")
    if rules is None:
        return head + _not_published("mart.rule_results")
    fails = pd.to_numeric(rules["fails"], errors="coerce").fillna(0)
    # Failing rules first, most failures first; the passing ones by name.
    ordered = rules.assign(_fails=fails, _failing=fails > 0).sort_values(
        ["_failing", "_fails", "rule"], ascending=[False, False, True], kind="stable")
    cols = [Col("规则 (rule)", "rule", css="code"), Col("层级 (level)", "level", _with_zh(LEVEL_ZH), css="code"),
            Col("处理 (severity)", "severity", _with_zh(SEVERITY_ZH), css="code"),
            Col("判定 (items, 行)", "items", _count, css="num"), Col("通过 (passes, 行)", "passes", _count, css="num"),
            Col("未通过 (fails, 行)", "fails", _count, css="num"),
            Col("无法判定 (missing, 行)", "missing", _count, css="num"), Col("说明 (description)", "zh")]
    return head + _table(ordered, cols, row_class=lambda r: "failing" if r["_failing"] else "")


SEVERITY_COL = Col("处理 (severity)", "severity", _with_zh(SEVERITY_ZH), css="code")
ENTERPRISE_COLS = (Col("统一社会信用代码 (credit code)", "credit_code", css="code"),
                   Col("单位名称 (enterprise)", "enterprise_name"), Col("产品 (product)", "product", css="code"))


def _source(row: pd.Series) -> str:
    return f"{_text(row['source_file'])}:{_text(row['line_number'])}" if not _absent(row["source_file"]) else ""


def _queue(queue: pd.DataFrame | None) -> str:
    if queue is None:
        return _heading(4, "待审核", "open review items") + _not_published("qa.review_queue")
    holds = int((queue["severity"] == "hold").sum())
    note = f"共 {len(queue):,} 项，其中暂缓 {holds:,} 项 (open: {len(queue):,}, holds: {holds:,})"
    shown = queue.sort_values("severity", key=lambda s: s != "hold", kind="stable").head(QUEUE_LIMIT)
    shown = shown.assign(where=shown.apply(_source, axis=1) if len(shown) else [])
    cols = [SEVERITY_COL, Col("规则 (rule)", "rule", css="code"), *ENTERPRISE_COLS,
            Col("本年累计产值 (千元)", "output_ytd", _amount, css="num"),
            Col("说明 (message)", "message", css="wide"), Col("来源 (file:line)", "where", css="path")]
    rest = len(queue) - len(shown)
    more = _para(f"另有 {rest:,} 项未列出 ({rest:,} more not shown)；完整清单见 qa.review_queue。", "note") if rest else ""
    table = _table(shown, cols, row_class=lambda r: "hold" if r["severity"] == "hold" else "",
                   empty="本期无待审核事项 (nothing waits for review)")
    return _heading(4, "待审核", "open review items, holds first", note) + table + more


def _log(log: pd.DataFrame | None) -> str:
    if log is None:
        return _heading(5, "审核记录", "reviewers' decisions") + _not_published("qa.review_log")
    cols = [Col("规则 (rule)", "rule", css="code"), SEVERITY_COL, *ENTERPRISE_COLS,
            Col("决定 (decision)", "decision", _with_zh(DECISION_ZH), css="code"),
            Col("原值 (千元)", "original_value", _amount, css="num"),
            Col("更正值 (千元)", "corrected_value", _amount, css="num"), Col("审核人 (reviewer)", "reviewer"),
            Col("备注 (note)", "note", css="wide"), Col("审核文件 (review file)", "review_file")]
    log = log.assign(_hold=log["severity"] != "hold").sort_values(
        ["_hold", "rule", "credit_code", "product"], kind="stable", na_position="last")
    table = _table(log, cols, empty="本期无审核决定 (no decisions this period)")
    count = f"共 {len(log):,} 项 ({len(log):,} decisions)"
    return _heading(5, "审核记录", "reviewers' decisions", count) + table


def _contributors(frame: pd.DataFrame | None, notes: dict[str, str]) -> str:
    head = _heading(6, "主要变动单位", f"largest contributors to the month's change, top {CONTRIBUTORS_LIMIT}",
                    "内部资料：含企业数据 (internal: enterprise data)", alert=True)
    if frame is None:
        return head + _not_published("qa.largest_contributors")
    cols = [Col("位次 (rank)", "rank", _count, css="num"), *ENTERPRISE_COLS[:2], Col("领域 (area)", "area"),
            Col("本年累计产值 (亿元)", "output_ytd", _amount, css="num"),
            Col("上月累计产值 (亿元, a month earlier)", "previous_output_ytd", _amount, css="num"),
            Col("本月变动 (亿元, change)", "change", _amount, css="num"),
            Col("占全市变动 (%, share of change)", "share_of_change", _share, css="num")]
    defined = [f"{c}: {notes[c]}" for c in ("previous_output_ytd", "change", "share_of_change") if notes.get(c)]
    footnote = _para("口径 (definitions) — " + "；".join(defined), "note") if defined else ""
    return head + _table(frame, cols) + footnote


# --- the page --------------------------------------------------------------------------------


CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
 margin:24px auto;max-width:1160px;padding:0 16px;color:#222;font-size:14px;line-height:1.5}
h1{font-size:22px;margin:8px 0 2px}
h2{font-size:17px;border-bottom:2px solid #3b6ea5;padding-bottom:3px;margin-top:28px}
h3{font-size:14.5px;margin:18px 0 6px} .en{font-weight:normal;color:#666;font-size:.85em}
h2 .alert,h2 .count{font-weight:normal;font-size:12.5px;margin-left:8px} h2 .alert{color:#a33} h2 .count{color:#555}
.banner{padding:6px 12px;margin:6px 0;font-weight:bold;border-radius:3px}
.internal{background:#fff4e5;border:1px solid #e67e22;color:#8a4b08}
.simulated{background:#fdecea;border:2px solid #d62728;color:#d62728;font-size:16px}
.sub{color:#555;margin:0 0 8px}
table{border-collapse:collapse;margin:6px 0 8px;font-size:12.5px;width:100%}
th,td{border:1px solid #d5d5d5;padding:3px 7px;vertical-align:top;text-align:left}
th{background:#eef3f8;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.code{white-space:nowrap;font-variant-numeric:tabular-nums} td.wide{min-width:12em}
td.path{overflow-wrap:anywhere;min-width:9em}
table.kv{width:auto;min-width:560px}
tbody tr:nth-child(even){background:#fafafa}
tr.failing td,tr.hold td{background:#fdf0ef} tr.flagged td{background:#fff4e5} tr.total td{font-weight:bold}
.identity{margin:4px 0;padding:4px 8px;border-left:4px solid #999}
.identity.ok{border-color:#2e7d32} .identity.warn{border-color:#e67e22}
.identity.alarm{border-color:#d62728;color:#d62728;font-weight:bold;background:#fdecea}
.note{color:#666;font-size:12px;margin:2px 0 8px} .none{color:#777;font-style:italic}
img.chart{width:100%;max-width:900px;display:block;margin:8px 0}
footer{margin-top:32px;color:#777;font-size:12px;border-top:1px solid #ddd;padding-top:6px}
@media print{body{margin:0;max-width:none} h2{break-after:avoid} tr{break-inside:avoid}}
"""

INTERNAL = "内部资料 · 含企业数据，仅供统计部门内部审核使用，不得外传 (internal: contains enterprise-level data)"
SIMULATED_BANNER = (f'<div class="banner simulated">{html.escape(STAMP_TEXT)} (simulated data)：'
                    "本报告的数字为模拟生成，不是统计数据</div>")


def quality_report_html(data: QualityData, period: str, *, simulated: bool) -> str:
    """The whole page for one period of `data` (which must publish it)."""
    _parse_period(period)
    found = data.quality[data.quality["period"] == period]
    if found.empty:
        raise LookupError(f"{period}: not in mart.data_quality")
    row = found.iloc[0]
    label = period_label(period)
    banner = SIMULATED_BANNER if simulated else ""
    body = "".join([
        f'<div class="banner internal">{html.escape(INTERNAL)}</div>', banner,
        "<h1>战略性新兴产业产值月报 数据质量报告 <span class=en>(data-quality report)</span></h1>",
        _para(f"报告期 {label}（{period}）· 大连市战略性新兴产业产品产值月报 · 金额：汇总表为亿元，明细为千元", "sub"),
        _summary(row, period, data.thresholds),
        _chart(data, period, simulated=simulated),
        _rules(data.of(data.rules, period)),
        _queue(data.of(data.queue, period)),
        _log(data.of(data.log, period)),
        _contributors(data.of(data.contributors, period), data.contributor_notes),
        f"<footer>{html.escape(INTERNAL)}<br>来源: sei-stats 仓库 mart.data_quality、mart.rule_results、"
        f"qa.review_queue、qa.review_log、qa.largest_contributors</footer>",
    ])
    title = html.escape(f"数据质量报告 {label}{'（模拟数据）' if simulated else ''} · 内部资料")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{CSS}</style></head><body>{body}</body></html>\n")


def _write(data: QualityData, period: str, out_dir: Path, *, simulated: bool) -> Path:
    page = quality_report_html(data, period, simulated=simulated)  # before anything is written
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME.format(period=period)
    path.write_text(page, encoding="utf-8")
    return path


def render_quality_report(con, period: str, out_dir: Path, *, simulated: bool) -> Path:
    """Write out_dir/quality_YYYY-MM.html for period 'YYYY-MM' and return its path.

    Raises ValueError for a malformed period, LookupError when mart.data_quality lacks it.
    """
    return _write(load_quality_data(con, period), period, out_dir, simulated=simulated)


def render_all_quality_reports(con, out_dir: Path, *, simulated: bool) -> list[Path]:
    """One report for every period of mart.data_quality (the warehouse read once); the paths written."""
    data = load_quality_data(con)
    return [_write(data, period, out_dir, simulated=simulated) for period in data.periods()]
