"""Every live unit of the survey frame carries a value every month: ratio imputation (GSBPM 5.4).

A live unit with no usable figure in a month (no return, or every line held or rejected) is imputed
from its own last usable month of the year, times the movement of the respondents of its stratum
between that month and this one; with no usable month yet this year, from its own figure of the same
month last year, times its stratum's comparable growth (同比). A responding unit's line that is held
or rejected is imputed the same way from that line's own last usable month (partial non-response).
Strata: area and district, then area, then all, whichever first has at least ``min_respondents``
respondents (units with a complete usable return in both months). An imputed line's prior is its own final value a year earlier, else its output divided
by its stratum's comparable growth factor, so published growth and prior reconcile.

Inputs are pandas frames read from the warehouse (sei_stats.scope): ``lines`` the accepted lines of
live units (fact.scope_lines, this year and last), ``frame`` the units of the year's frame month by
month (fact.frame), ``returned`` every line of a return with its final bucket. Money in 千元.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import period as periods
from .calendar import Calendar

LEVELS = ("area_district", "area", "all")
# The columns of an imputed line (fact.imputed_lines, without its classification).
IMPUTED_COLUMNS = ("period", "credit_code", "enterprise_name", "district_code", "industry_code", "product_code",
                   "product_name", "product_key", "catalog_version", "output_ytd", "prior", "prior_source",
                   "imputation", "reason", "method", "stratum", "factor", "base_period")
STATUS_COLUMNS = ("period", "credit_code", "responded", "usable", "imputed", "lines_imputed",
                  "months_imputed_running", "why")
FINDING_COLUMNS = ("period", "credit_code", "product", "rule", "outcome", "message")
RATIO_METHOD = "ratio to the last usable month"
GROWTH_METHOD = "own figure a year earlier × stratum growth"


@dataclass(frozen=True)
class Imputation:
    lines: pd.DataFrame      # IMPUTED_COLUMNS
    status: pd.DataFrame     # STATUS_COLUMNS: every live unit, every month
    findings: pd.DataFrame   # FINDING_COLUMNS: imputed_too_long and line_dropped_from_cumulative


def _strata(units: pd.DataFrame) -> pd.DataFrame:
    """The year's units indexed by credit code with their three stratum labels, finest first."""
    out = units.drop_duplicates("credit_code").set_index("credit_code")[["area", "district_code"]].fillna("")
    out["area_district"] = out["area"] + "·" + out["district_code"]
    out["all"] = "全部"
    return out


def _stratum_ratios(both: pd.DataFrame, keys: list[str], strata: pd.DataFrame) -> pd.DataFrame:
    """``both``: units (credit_code) with num and den under ``keys`` (the months compared). For each key and each
    stratum of each level (level, label): Σ num / Σ den as ratio, and the count of units n."""
    both = both.join(strata, on="credit_code", how="inner")
    out = []
    for level in LEVELS:
        g = both.groupby([*keys, level]).agg(num=("num", "sum"), den=("den", "sum"), n=("num", "size"))
        out.append(g.rename_axis([*keys, "label"]).reset_index().assign(level=level))
    out = pd.concat(out, ignore_index=True)
    return out.assign(ratio=out["num"] / out["den"].where(out["den"] > 0))


def _pick(rows: pd.DataFrame, table: pd.DataFrame, keys: list[str], strata: pd.DataFrame,
          min_respondents: int) -> tuple[pd.Series, pd.Series]:
    """For each row (credit_code and ``keys``): the factor of its unit's finest stratum with enough respondents
    in ``table`` (``keys``, level, label, ratio, n), and that stratum's label; NaN and None where none has."""
    factor = pd.Series(np.nan, index=rows.index)
    label = pd.Series(None, index=rows.index, dtype=object)
    if rows.empty or table.empty:
        return factor, label
    enough = table[(table["n"] >= min_respondents) & table["ratio"].notna()]
    labelled = rows[[*keys, "credit_code"]].join(strata[list(LEVELS)], on="credit_code")
    for level in LEVELS:
        ratios = enough[enough["level"] == level].set_index([*keys, "label"])["ratio"]
        found = ratios.reindex(pd.MultiIndex.from_frame(labelled[[*keys, level]])).to_numpy()
        take = np.isnan(factor.to_numpy()) & ~np.isnan(found)
        factor[take] = found[take]
        label[take] = labelled.loc[take, level]
    return factor, label


@dataclass(frozen=True)
class UnitSums:
    """What imputing a year reads of every unit of its frame, whichever units are imputed: their strata, each
    unit's monthly total of a complete return and its comparable sums. Each unit's own, so a year imputed in
    batches of units (sei_stats.scope) sums each batch and joins them (``join``): the same figures as in one go."""

    strata: pd.DataFrame     # credit_code -> area, district_code, area_district, all
    totals: pd.Series        # (period, credit_code) -> Σ output_ytd, complete returns only
    comparable: pd.DataFrame  # (period, credit_code) -> Σ output_ytd, Σ prior of the lines with a prior

    @staticmethod
    def join(parts: list[UnitSums], units: pd.DataFrame) -> UnitSums:
        """The sums of disjoint batches of units, with the strata of every unit of the year's frame ``units``."""
        totals = pd.concat([p.totals for p in parts]).sort_index()
        return UnitSums(strata=_strata(units), totals=totals,
                        comparable=pd.concat([p.comparable for p in parts]).sort_index())


def unit_sums(lines: pd.DataFrame, units: pd.DataFrame, returned: pd.DataFrame) -> UnitSums:
    """The UnitSums of one year's ``lines``, frame ``units`` and ``returned`` lines (as impute_year reads them)."""
    unusable = returned.loc[returned["status"].isin(["held", "rejected"]), PAIR].drop_duplicates()
    totals = lines.groupby(PAIR)["output_ytd"].sum()
    # the movement is the complete returns': a unit with a held or rejected line that month is left out
    totals = totals[~totals.index.isin(pd.MultiIndex.from_frame(unusable))] if len(unusable) else totals
    comparable = lines[lines["prior"].notna()].groupby(PAIR)[["output_ytd", "prior"]].sum()
    return UnitSums(strata=_strata(units), totals=totals, comparable=comparable)


class _Year:
    """What imputing one year reads: its units' strata, the stratum movements and growth, its lines."""

    def __init__(self, lines: pd.DataFrame, last_year: pd.DataFrame, min_respondents: int, sums: UnitSums):
        self.lines, self.last_year, self.min = lines, last_year, min_respondents
        self.strata, self.totals, self.comparable = sums.strata, sums.totals, sums.comparable

    def movement(self, rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        """Each row's (credit_code, base_period, period) stratum movement between its two months, and its stratum."""
        keys = ["base_period", "period"]
        totals = self.totals.rename("num").reset_index()
        both = (rows[keys].drop_duplicates().merge(totals, on="period")
                .merge(totals.rename(columns={"period": "base_period", "num": "den"}), on=["base_period", "credit_code"]))
        return _pick(rows, _stratum_ratios(both, keys, self.strata), keys, self.strata, self.min)

    def growth(self, rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        """Each row's (credit_code, period) stratum comparable growth factor (本年累计 / 上年同期), and its stratum."""
        return _pick(rows, self._growth_ratios, ["period"], self.strata, self.min)

    @functools.cached_property
    def _growth_ratios(self) -> pd.DataFrame:
        # every month's at once: a month's ratios are its own rows', and the plans and the priors both ask
        both = self.comparable.rename(columns={"output_ytd": "num", "prior": "den"}).reset_index()
        return _stratum_ratios(both, ["period"], self.strata)

    def own_last_year(self, rows: pd.DataFrame, by: list[str]) -> pd.Series:
        """Whether each row (period, ``by``) has a line of its own in the same month a year earlier."""
        earlier = self.last_year[["period", *by]].drop_duplicates()
        earlier = earlier.assign(period=earlier["period"] + pd.DateOffset(years=1), own=True)
        return rows[["period", *by]].merge(earlier, on=["period", *by], how="left")["own"].notna().to_numpy()


PAIR = ["period", "credit_code"]
# What imputing a unit or a line needs; the lines are built from it in one go.
PLAN_COLUMNS = ("period", "credit_code", "base_period", "line_key", "factor", "stratum", "method", "imputation", "reason")
# Why a whole unit is imputed (its reason), as the reviewers' queue says it (imputed_too_long findings are in Chinese).
WHY_ZH = {"no return": "未报送", "every line held or rejected": "各行均暂缓待审或拒收"}


def _last_before(rows: pd.DataFrame, months: pd.DataFrame, by: list[str]) -> pd.Series:
    """For each row (period, ``by``): the latest period of ``months`` (period, ``by``) before it, else NaT."""
    left = rows[["period", *by]].reset_index().sort_values("period")
    right = months[["period", *by]].drop_duplicates().rename(columns={"period": "base_period"}).sort_values("base_period")
    found = pd.merge_asof(left, right, left_on="period", right_on="base_period", by=by, allow_exact_matches=False)
    return found.set_index("index")["base_period"].reindex(rows.index)


def _plans(year: _Year, rows: pd.DataFrame, imputation: str) -> pd.DataFrame:
    """How to impute each row (period, credit_code, line_key, base_period, reason): from its last usable month this
    year (the ratio of its stratum's movement), else from its own figure a year earlier (its stratum's growth).
    Adds factor, stratum, method, imputation and ``planned`` (False where neither can be scaled)."""
    rows = rows.assign(factor=np.nan, stratum=None, method=None, imputation=imputation)
    ratio = rows["base_period"].notna()
    rows.loc[ratio, "factor"], rows.loc[ratio, "stratum"] = year.movement(rows[ratio])
    rows.loc[ratio, "method"] = RATIO_METHOD
    own = ~ratio & year.own_last_year(rows.assign(product_key=rows["line_key"]),
                                      ["credit_code", "product_key"] if imputation == "line" else ["credit_code"])
    rows.loc[own, "factor"], rows.loc[own, "stratum"] = year.growth(rows[own])
    rows.loc[own, "method"] = GROWTH_METHOD
    rows.loc[own, "base_period"] = rows.loc[own, "period"] - pd.DateOffset(years=1)
    return rows.assign(planned=rows["factor"].notna())


def _build(plan: pd.DataFrame, year: _Year, units: pd.DataFrame) -> pd.DataFrame:
    """The imputed lines of ``plan``: each base line (a unit's every line, or the one line ``line_key``) scaled
    by its factor, with the unit's frame values, and its prior."""
    if plan.empty:
        return _empty(IMPUTED_COLUMNS)
    bases = pd.concat([year.lines, year.last_year], ignore_index=True).rename(columns={"period": "base_period"})
    bases = bases[["base_period", "credit_code", "product_code", "product_name", "product_key", "catalog_version",
                   "output_ytd"]]
    out = plan.merge(bases, on=["base_period", "credit_code"], how="inner")
    out = out[out["line_key"].isna() | (out["line_key"] == out["product_key"])]
    out = out.assign(output_ytd=(out["output_ytd"].astype(float) * out["factor"]).round(3))
    out = out.merge(units[["credit_code", "enterprise_name", "district_code", "industry_code"]], on="credit_code", how="left")
    return _with_priors(out.reset_index(drop=True), year)


def _with_priors(imputed: pd.DataFrame, year: _Year) -> pd.DataFrame:
    """Each imputed line's prior: its own final value a year earlier, else output / its stratum's growth factor."""
    own = (year.last_year.assign(period=year.last_year["period"] + pd.DateOffset(years=1))
           .groupby(["period", "credit_code", "product_key"])["output_ytd"].sum().rename("own_prior"))
    imputed = imputed.join(own, on=["period", "credit_code", "product_key"])
    has_own = imputed["own_prior"].notna()
    factor, _ = year.growth(imputed[~has_own])
    by_growth = (imputed.loc[~has_own, "output_ytd"] / factor.where(factor != 0)).round(3)
    prior = imputed["own_prior"].where(has_own, by_growth)
    source = pd.Series("last_year_return", index=imputed.index, dtype=object)
    source[~has_own] = np.where(by_growth.notna(), "stratum_growth", "not_available")
    return imputed.drop(columns="own_prior").assign(prior=prior, prior_source=source)


def impute_year(lines: pd.DataFrame, last_year: pd.DataFrame, frame: pd.DataFrame, returned: pd.DataFrame,
                min_respondents: int = 3, sums: UnitSums | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The imputed lines, the live units' status and the dropped-line findings of one year (``sums``: of every
    unit of the year when these frames hold a batch of its units; by default these frames')."""
    unusable = returned.loc[returned["status"].isin(["held", "rejected"]), [*PAIR, "product_key"]].drop_duplicates()
    year = _Year(lines, last_year, min_respondents, sums or unit_sums(lines, frame, returned))
    live = frame.loc[frame["live"], PAIR].sort_values(PAIR).reset_index(drop=True)
    live["sent"] = _has(live, returned, PAIR)
    live["usable"] = _has(live, lines, PAIR)

    # a usable return: only its held or rejected lines, each from that line's own last usable month
    # (a line with no product code or name cannot be told from the unit's others: it is not imputed)
    lines_out = unusable[unusable["product_key"].notna()].merge(live.loc[live["usable"], PAIR], on=PAIR)
    lines_out = lines_out[~_has(lines_out, lines, [*PAIR, "product_key"])].reset_index(drop=True)
    lines_out["base_period"] = _last_before(lines_out, lines, ["credit_code", "product_key"])
    line_plans = _plans(year, lines_out.rename(columns={"product_key": "line_key"}).assign(
        reason="line held or rejected"), "line")
    # no usable return: the whole unit, from its last usable month
    units = live[~live["usable"]].copy()
    units["reason"] = np.where(units["sent"], "every line held or rejected", "no return")
    units["base_period"] = _last_before(units, lines, ["credit_code"])
    unit_plans = _plans(year, units.assign(line_key=None), "unit")

    plan = pd.concat([line_plans, unit_plans], ignore_index=True)
    plan = plan[plan["planned"]].sort_values([*PAIR, "imputation", "line_key"], kind="stable")
    imputed = _build(plan[list(PLAN_COLUMNS)].reset_index(drop=True), year, frame.drop_duplicates("credit_code"))

    status = live.rename(columns={"sent": "responded"}).assign(imputed=False, why="reported")
    unit_plans = unit_plans.set_index(units.index)
    status.loc[units.index, "imputed"] = unit_plans["planned"]
    status.loc[units.index, "why"] = unit_plans["reason"].where(
        unit_plans["planned"], unit_plans["reason"] + "; " + _why_not(year, unit_plans, min_respondents))
    counts = imputed.groupby(PAIR).size().rename("lines_imputed")
    status = status.join(counts, on=PAIR)
    status["lines_imputed"] = status["lines_imputed"].fillna(0).astype("int64")
    return imputed[list(IMPUTED_COLUMNS)], status, _dropped_lines(lines, returned)


def _has(rows: pd.DataFrame, other: pd.DataFrame, on: list[str]) -> np.ndarray:
    """Whether each row's ``on`` values occur in ``other``."""
    return rows[on].merge(other[on].drop_duplicates().assign(_found=True), on=on, how="left")["_found"].notna().to_numpy()


def _why_not(year: _Year, plans: pd.DataFrame, min_respondents: int) -> pd.Series:
    """Why a unit could not be imputed: no stratum to scale its last usable month, or nothing to scale."""
    has_own = year.own_last_year(plans, ["credit_code"])
    return pd.Series(np.where(plans["method"] == RATIO_METHOD,
                              f"no stratum with {min_respondents} respondents in both months",
                              np.where(has_own, "no stratum growth", "no base to impute from")), index=plans.index)


def _dropped_lines(lines: pd.DataFrame, returned: pd.DataFrame) -> pd.DataFrame:
    """line_dropped_from_cumulative: each line of a unit's last usable return of the year, judged against the
    unit's return this month (any bucket). Only units that responded with a usable figure this month are judged."""
    months = lines[["period", "credit_code"]].drop_duplicates().sort_values(["credit_code", "period"])
    months["previous"] = months.groupby("credit_code")["period"].shift()
    months = months.dropna(subset=["previous"])
    before = lines[["period", "credit_code", "product_key", "output_ytd"]].rename(columns={"period": "previous"})
    judged = months.merge(before, on=["previous", "credit_code"])
    judged = judged.groupby(["period", "previous", "credit_code", "product_key"], as_index=False)["output_ytd"].sum()
    if judged.empty:
        return _empty(FINDING_COLUMNS)
    present = returned[["period", "credit_code", "product_key"]].drop_duplicates().assign(present=True)
    judged = judged.merge(present, on=["period", "credit_code", "product_key"], how="left")
    fail = judged["present"].isna()
    judged["outcome"] = fail.map({True: "fail", False: "pass"})
    failed = judged[fail]  # only the failures get a message: formatting every pass costs more than the rest
    message = (failed["product_key"] + "：" + failed["previous"].dt.month.map(periods.cumulative_label).astype(str)
               + "本年累计" + failed["output_ytd"].map("{:,.3f}".format).astype(str) + "千元，"
               + failed["period"].dt.month.map(periods.cumulative_label).astype(str) + "报表中无此行")
    judged["message"] = message.reindex(judged.index)
    return judged.assign(rule="line_dropped_from_cumulative").rename(columns={"product_key": "product"})[list(FINDING_COLUMNS)]


def _running(status: pd.DataFrame, carried: dict | None = None, calendar: Calendar | None = None) -> pd.Series:
    """Report periods running each unit has been imputed whole, this one included (0 when it is not imputed this
    month): a run goes on when the unit was imputed in the report period before (sei_stats.calendar's
    ``previous_reported``: February follows December when January is not reported). ``carried``: each unit's
    (last month, run) from before these months, so a run goes on across a year end. ``calendar``: the one the
    months were landed under; by default a year's January is a report period when ``status`` holds it."""
    januaries = set(status.loc[status["period"].dt.month == 1, "period"].dt.year)
    running, runs = dict(carried or {}), {}
    # a unit's run moves only in the months it is imputed: the others are 0 and are not visited
    for row in status[status["imputed"].astype(bool)].sort_values(["period", "credit_code"]).itertuples():
        previous = running.get(row.credit_code)
        months = calendar or Calendar(january_reported=row.period.year in januaries)
        before = pd.Timestamp(months.previous_reported(row.period.strftime("%Y-%m")) + "-01")
        run = previous[1] + 1 if previous and previous[0] == before else 1
        running[row.credit_code] = (row.period, run)
        runs[row.Index] = run
    return pd.Series(runs, dtype="int64").reindex(status.index, fill_value=0)


def runs_at_end(status: pd.DataFrame) -> dict[str, tuple[pd.Timestamp, int]]:
    """Each unit imputed whole in the last month of ``status``: (that month, its run), to carry into the next year."""
    if status.empty:
        return {}
    last = status[status["period"] == status["period"].max()]
    last = last[last["months_imputed_running"] > 0]
    return {c: (p, int(r)) for c, p, r in zip(last["credit_code"], last["period"], last["months_imputed_running"])}


def _normalised(lines: pd.DataFrame, frame: pd.DataFrame, returned: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """The frames as imputation reads them (the caller's stay as they are), each with its year."""
    lines, frame, returned = (f.assign(period=pd.to_datetime(f["period"])) for f in (lines, frame, returned))
    lines, returned = (f.assign(product_key=f["product_key"].astype("str")) for f in (lines, returned))  # joined on
    lines = lines.assign(output_ytd=lines["output_ytd"].astype(float), prior=lines["prior"].astype(float))
    return tuple(f.assign(year=f["period"].dt.year) for f in (lines, frame, returned))


def year_sums(lines: pd.DataFrame, frame: pd.DataFrame, returned: pd.DataFrame, year: int) -> UnitSums:
    """The UnitSums of ``year`` from frames as impute reads them (a batch of units' frames: that batch's sums)."""
    lines, frame, returned = _normalised(lines, frame, returned)
    return unit_sums(lines[lines["year"] == year], frame[frame["year"] == year], returned[returned["year"] == year])


def impute(lines: pd.DataFrame, frame: pd.DataFrame, returned: pd.DataFrame, min_respondents: int,
           max_consecutive_months: int, carried: dict | None = None, sums: dict[int, UnitSums] | None = None
           ) -> Imputation:
    """Imputed lines, unit status and frame findings for every year of the frame, in month order.

    ``lines`` holds the years of the frame and the year before the first (for its bases and priors);
    ``carried``: runs of whole-unit imputation from before the frame's first month (runs_at_end); ``sums``: a
    year's UnitSums of every unit when the frames hold a batch of its units (sei_stats.scope)."""
    lines, frame, returned = _normalised(lines, frame, returned)
    parts = [impute_year(lines[lines["year"] == y], lines[lines["year"] == y - 1], frame[frame["year"] == y],
                         returned[returned["year"] == y], min_respondents, (sums or {}).get(y))
             for y in sorted(frame["year"].unique())]
    imputed = [p[0] for p in parts if len(p[0])]
    out_lines = pd.concat(imputed, ignore_index=True) if imputed else _empty(IMPUTED_COLUMNS)
    status = pd.concat([p[1] for p in parts], ignore_index=True) if parts else _empty(STATUS_COLUMNS)
    status["months_imputed_running"] = _running(status, carried) if len(status) else pd.Series(dtype="int64")
    too_long = status[status["imputed"]]
    findings = pd.DataFrame({
        "period": too_long["period"], "credit_code": too_long["credit_code"], "product": "",
        "rule": "imputed_too_long",
        "outcome": ["fail" if r > max_consecutive_months else "pass" for r in too_long["months_imputed_running"]],
        "message": [f"连续{r}个月插补（{WHY_ZH.get(why, why)}）" if r > max_consecutive_months else None
                    for r, why in zip(too_long["months_imputed_running"], too_long["why"])],
    })
    findings = pd.concat([findings, *[p[2] for p in parts]], ignore_index=True)[list(FINDING_COLUMNS)]
    findings["period"] = pd.to_datetime(findings["period"])
    for column in ("period", "base_period"):
        out_lines[column] = pd.to_datetime(out_lines[column])
    return Imputation(lines=out_lines[list(IMPUTED_COLUMNS)], status=status[list(STATUS_COLUMNS)], findings=findings)


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
