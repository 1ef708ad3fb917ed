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

from dataclasses import dataclass

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


def _stratum_ratios(numerator: pd.Series, denominator: pd.Series, strata: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """For each stratum level: Σ numerator / Σ denominator and the count, over units with both."""
    both = pd.concat({"num": numerator, "den": denominator}, axis=1, join="inner").join(strata, how="inner")
    out = {}
    for level in LEVELS:
        g = both.groupby(level)[["num", "den"]].sum()
        g["n"] = both.groupby(level).size()
        g["ratio"] = g["num"] / g["den"].where(g["den"] > 0)
        out[level] = g
    return out


def _pick(strata_of: pd.Series, ratios: dict[str, pd.DataFrame], min_respondents: int) -> tuple[float | None, str | None]:
    """The factor of the finest stratum with enough respondents, and that stratum's label."""
    for level in LEVELS:
        label = strata_of[level]
        table = ratios[level]
        if label in table.index and table.at[label, "n"] >= min_respondents and pd.notna(table.at[label, "ratio"]):
            return float(table.at[label, "ratio"]), label
    return None, None


class _Year:
    """What imputing one year reads: its units' strata, totals, growth and lines by month."""

    def __init__(self, lines: pd.DataFrame, last_year: pd.DataFrame, units: pd.DataFrame, min_respondents: int,
                 incomplete: set | frozenset = frozenset()):
        self.lines, self.last_year, self.min = lines, last_year, min_respondents
        self.strata = _strata(units)
        totals = lines.groupby(["period", "credit_code"])["output_ytd"].sum()
        # the movement is the complete returns': a unit with a held or rejected line that month is left out
        self.totals = totals[[pair not in incomplete for pair in totals.index]] if incomplete else totals
        with_prior = lines[lines["prior"].notna()]
        self.comparable = with_prior.groupby(["period", "credit_code"])[["output_ytd", "prior"]].sum()
        self._rows = lines.groupby(["period", "credit_code"]).indices if len(lines) else {}
        self._last_year_rows = last_year.groupby(["period", "credit_code"]).indices if len(last_year) else {}
        self._ratios: dict = {}

    def usable(self, period: pd.Timestamp, unit: str) -> bool:
        return (period, unit) in self._rows

    def unit_lines(self, period: pd.Timestamp, unit: str) -> pd.DataFrame:
        return self.lines.iloc[self._rows[(period, unit)]]

    def usable_pairs(self) -> list[tuple[pd.Timestamp, str]]:
        return sorted(self._rows)

    def movement(self, unit: str, base: pd.Timestamp, period: pd.Timestamp) -> tuple[float | None, str | None]:
        key = (base, period)
        if key not in self._ratios:
            self._ratios[key] = _stratum_ratios(self.totals.loc[period], self.totals.loc[base], self.strata)
        return _pick(self.strata.loc[unit], self._ratios[key], self.min)

    def growth(self, unit: str, period: pd.Timestamp) -> tuple[float | None, str | None]:
        key = ("growth", period)
        if key not in self._ratios:
            here = (self.comparable.loc[period] if period in self.comparable.index.get_level_values(0)
                    else self.comparable.iloc[:0].droplevel(0))
            self._ratios[key] = _stratum_ratios(here["output_ytd"], here["prior"], self.strata)
        return _pick(self.strata.loc[unit], self._ratios[key], self.min)

    def own_last_year(self, unit: str, period: pd.Timestamp) -> pd.DataFrame:
        rows = self._last_year_rows.get((period - pd.DateOffset(years=1), unit))
        return self.last_year.iloc[:0] if rows is None else self.last_year.iloc[rows]


# What imputing a unit or a line needs, decided month by month; the lines are built from it in one go.
PLAN_COLUMNS = ("period", "credit_code", "base_period", "line_key", "factor", "stratum", "method", "imputation", "reason")


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
    priors, sources = [], []
    for unit, period, output, own_prior in zip(imputed["credit_code"], imputed["period"], imputed["output_ytd"],
                                               imputed["own_prior"]):
        if pd.notna(own_prior):
            priors.append(float(own_prior))
            sources.append("last_year_return")
            continue
        factor, _ = year.growth(unit, period)
        priors.append(round(output / factor, 3) if factor else None)
        sources.append("stratum_growth" if factor else "not_available")
    return imputed.drop(columns="own_prior").assign(prior=priors, prior_source=sources)


def impute_year(lines: pd.DataFrame, last_year: pd.DataFrame, frame: pd.DataFrame, returned: pd.DataFrame,
                min_respondents: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The imputed lines, the live units' status and the dropped-line findings of one year."""
    unusable: dict[tuple, list[str]] = {}
    for period, unit, key in returned.loc[returned["status"].isin(["held", "rejected"]),
                                          ["period", "credit_code", "product_key"]].itertuples(index=False):
        unusable.setdefault((period, unit), []).append(key)
    year = _Year(lines, last_year, frame, min_respondents, incomplete=set(unusable))
    live = frame[frame["live"]].sort_values(["period", "credit_code"])
    responded = set(zip(returned["period"], returned["credit_code"]))
    usable_keys = set(zip(lines["period"], lines["credit_code"], lines["product_key"]))
    usable_months: dict[str, list[pd.Timestamp]] = {}
    for period, unit in year.usable_pairs():
        usable_months.setdefault(unit, []).append(period)

    plan, status = [], []
    for period, unit in zip(live["period"], live["credit_code"]):
        sent = (period, unit) in responded
        earlier = [p for p in usable_months.get(unit, []) if p < period]
        if year.usable(period, unit):  # usable: impute only its held or rejected lines
            for key in dict.fromkeys(unusable.get((period, unit), [])):
                if (period, unit, key) not in usable_keys:
                    own = [p for p in earlier if (p, unit, key) in usable_keys]
                    plan += _plan(year, unit, period, own[-1] if own else None, key, "line", "line held or rejected")
            status.append((period, unit, sent, True, False, "reported"))
            continue
        reason = "every line held or rejected" if sent else "no return"
        planned = _plan(year, unit, period, earlier[-1] if earlier else None, None, "unit", reason)
        plan += planned
        why = reason if planned else f"{reason}; {_why_not(year, unit, period, earlier, min_respondents)}"
        status.append((period, unit, sent, False, bool(planned), why))
    imputed = _build(pd.DataFrame(plan, columns=list(PLAN_COLUMNS)), year, frame.drop_duplicates("credit_code"))
    status_frame = pd.DataFrame(status, columns=["period", "credit_code", "responded", "usable", "imputed", "why"])
    counts = imputed.groupby(["period", "credit_code"]).size().rename("lines_imputed")
    status_frame = status_frame.join(counts, on=["period", "credit_code"])
    status_frame["lines_imputed"] = status_frame["lines_imputed"].fillna(0).astype("int64")
    return imputed[list(IMPUTED_COLUMNS)], status_frame, _dropped_lines(lines, returned)


def _plan(year: _Year, unit: str, period: pd.Timestamp, base: pd.Timestamp | None, key: str | None,
          imputation: str, reason: str) -> list[tuple]:
    """How to impute a unit (key None) or one of its lines: from its last usable month this year, else from
    its own figure a year earlier; [] when neither can be scaled."""
    if base is not None:
        factor, label = year.movement(unit, base, period)
        return [(period, unit, base, key, factor, label, RATIO_METHOD, imputation, reason)] if factor is not None else []
    own = year.own_last_year(unit, period)
    if key is not None:
        own = own[own["product_key"] == key]
    factor, label = year.growth(unit, period)
    if len(own) and factor is not None:
        return [(period, unit, period - pd.DateOffset(years=1), key, factor, label, GROWTH_METHOD, imputation, reason)]
    return []


def _why_not(year: _Year, unit: str, period: pd.Timestamp, earlier: list, min_respondents: int) -> str:
    if earlier:
        return f"no stratum with {min_respondents} respondents in both months"
    return "no stratum growth" if len(year.own_last_year(unit, period)) else "no base to impute from"


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
    message = (judged["product_key"] + ": " + judged["output_ytd"].map("{:,.3f}".format) + " 千元 in "
               + judged["previous"].dt.month.map(periods.cumulative_label) + " is absent from the return of "
               + judged["period"].dt.month.map(periods.cumulative_label))
    judged["message"] = message.where(fail, None)
    return judged.assign(rule="line_dropped_from_cumulative").rename(columns={"product_key": "product"})[list(FINDING_COLUMNS)]


def _running(status: pd.DataFrame, carried: dict | None = None, calendar: Calendar | None = None) -> pd.Series:
    """Report periods running each unit has been imputed whole, this one included (0 when it is not imputed this
    month): a run goes on when the unit was imputed in the report period before (sei_stats.calendar's
    ``previous_reported``: February follows December when January is not reported). ``carried``: each unit's
    (last month, run) from before these months, so a run goes on across a year end. ``calendar``: the one the
    months were landed under; by default a year's January is a report period when ``status`` holds it."""
    januaries = {p.year for p in status["period"] if p.month == 1}
    running, out = dict(carried or {}), []
    for row in status.sort_values(["period", "credit_code"]).itertuples():
        previous = running.get(row.credit_code)
        run = 0
        if row.imputed:
            months = calendar or Calendar(january_reported=row.period.year in januaries)
            before = pd.Timestamp(months.previous_reported(row.period.strftime("%Y-%m")) + "-01")
            run = previous[1] + 1 if previous and previous[0] == before else 1
            running[row.credit_code] = (row.period, run)
        out.append((row.Index, run))
    return pd.Series(dict(out), dtype="int64").reindex(status.index)


def runs_at_end(status: pd.DataFrame) -> dict[str, tuple[pd.Timestamp, int]]:
    """Each unit imputed whole in the last month of ``status``: (that month, its run), to carry into the next year."""
    if status.empty:
        return {}
    last = status[status["period"] == status["period"].max()]
    last = last[last["months_imputed_running"] > 0]
    return {c: (p, int(r)) for c, p, r in zip(last["credit_code"], last["period"], last["months_imputed_running"])}


def impute(lines: pd.DataFrame, frame: pd.DataFrame, returned: pd.DataFrame, min_respondents: int,
           max_consecutive_months: int, carried: dict | None = None) -> Imputation:
    """Imputed lines, unit status and frame findings for every year of the frame, in month order.

    ``lines`` holds the years of the frame and the year before the first (for its bases and priors);
    ``carried``: runs of whole-unit imputation from before the frame's first month (runs_at_end)."""
    # the caller's frames stay as they are
    lines, frame, returned = (f.assign(period=pd.to_datetime(f["period"])) for f in (lines, frame, returned))
    lines = lines.assign(year=lines["period"].dt.year, output_ytd=lines["output_ytd"].astype(float),
                         prior=lines["prior"].astype(float))
    frame = frame.assign(year=frame["period"].dt.year)
    parts = [impute_year(lines[lines["year"] == y], lines[lines["year"] == y - 1], frame[frame["year"] == y],
                         returned[returned["period"].dt.year == y], min_respondents)
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
        "message": [f"imputed {r} months running ({why})" if r > max_consecutive_months else None
                    for r, why in zip(too_long["months_imputed_running"], too_long["why"])],
    })
    findings = pd.concat([findings, *[p[2] for p in parts]], ignore_index=True)[list(FINDING_COLUMNS)]
    findings["period"] = pd.to_datetime(findings["period"])
    for column in ("period", "base_period"):
        out_lines[column] = pd.to_datetime(out_lines[column])
    return Imputation(lines=out_lines[list(IMPUTED_COLUMNS)], status=status[list(STATUS_COLUMNS)], findings=findings)


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
