"""Non-response: ratio imputation of roster enterprises that did not report a month (GSBPM 5.4).

A roster enterprise that sent no return in a month is a non-respondent (one whose lines are all
held or rejected did respond: its figures wait for review). Its lines are
imputed from its own last reported month of the same year, times the movement of the
respondents in its stratum between that month and this one; in January (or with no month yet
this year), from its own figure of the same month last year, times its stratum's growth on the
same period last year (同比). Strata: area and district, then area, then all, whichever first
has at least ``min_respondents`` respondents. Imputed lines carry no prior (they stay out of
growth, which is computed on the same enterprises in both years) and are flagged.
"""

from __future__ import annotations

import pandas as pd

# Columns an imputed line copies from the line it is imputed from.
CARRIED = ("credit_code", "enterprise_name", "district_code", "industry_code", "product_code", "product_name",
           "is_sei", "match_kind", "catalog_code", "area", "field", "key_field", "nbs_code", "nbs_edition", "catalog_version")
IMPUTED_COLUMNS = ("period", *CARRIED, "output_ytd", "method", "stratum", "factor", "base_period")


LEVELS = ("area_district", "area", "all")


def _with_strata(roster: pd.DataFrame) -> pd.DataFrame:
    """The roster indexed by credit code with its three stratum labels, finest first."""
    out = roster.set_index("credit_code")[["area", "district_code"]].copy()
    out["area_district"] = out["area"] + "·" + out["district_code"]
    out["all"] = "全部"
    return out


def _stratum_ratios(numerator: pd.Series, denominator: pd.Series, strata: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """For each stratum level: Σ numerator / Σ denominator and the count, over roster enterprises with both."""
    both = pd.concat({"num": numerator, "den": denominator}, axis=1, join="inner")
    both = both.join(strata, how="inner")
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


def impute_year(lines: pd.DataFrame, last_year: pd.DataFrame, roster: pd.DataFrame, min_respondents: int = 3,
                reported: set[tuple[pd.Timestamp, str]] = frozenset()) -> pd.DataFrame:
    """Imputed lines for every landed month of one year.

    ``lines``: the year's accepted lines (period as Timestamp, output_ytd and output_ytd_prior in 千元);
    ``last_year``: last year's accepted lines (for January); ``roster``: the year's roster;
    ``reported``: (period, credit code) of enterprises that sent a return whose lines are not
    accepted (held or rejected): they responded, so nothing is imputed for them.
    """
    strata = _with_strata(roster)
    totals = lines.groupby(["period", "credit_code"])["output_ytd"].sum()
    with_prior = lines.dropna(subset=["output_ytd_prior"]).groupby(["period", "credit_code"])[["output_ytd", "output_ytd_prior"]].sum()
    periods = sorted(lines["period"].unique())
    # every (period, enterprise) of the roster that sent nothing
    in_year = set(periods)
    answered = set(totals.index) | {pair for pair in reported if pair[0] in in_year}
    missing = pd.DataFrame([(p, c) for p in periods for c in strata.index if (p, c) not in answered],
                           columns=["period", "credit_code"])
    if missing.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in IMPUTED_COLUMNS})
    # the enterprise's last reported month earlier in the year, if any
    own = totals.reset_index()[["period", "credit_code"]].rename(columns={"period": "base_period"})
    missing = pd.merge_asof(missing.sort_values("period"), own.sort_values("base_period"), left_on="period",
                            right_on="base_period", by="credit_code", allow_exact_matches=False)
    ratios: dict = {}
    rows = []
    for item in missing.itertuples(index=False):
        if pd.notna(item.base_period):
            key = (item.base_period, item.period)
            if key not in ratios:  # movement of respondents in both months
                ratios[key] = _stratum_ratios(totals.loc[item.period], totals.loc[item.base_period], strata)
            method, base_period = "ratio to the last reported month", item.base_period
        else:
            key = ("growth", item.period)
            if key not in ratios:  # comparable growth of respondents this month
                here = with_prior.loc[item.period] if item.period in with_prior.index.get_level_values(0) else with_prior.iloc[:0]
                ratios[key] = _stratum_ratios(here["output_ytd"], here["output_ytd_prior"], strata)
            method, base_period = "own figure a year earlier × stratum growth", item.period - pd.DateOffset(years=1)
        factor, label = _pick(strata.loc[item.credit_code], ratios[key], min_respondents)
        if factor is not None:
            rows.append((item.period, item.credit_code, base_period, method, label, factor))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in IMPUTED_COLUMNS})
    plan = pd.DataFrame(rows, columns=["period", "credit_code", "base_period", "method", "stratum", "factor"])
    # the lines to scale: the enterprise's own lines of the base month (this year or last)
    bases = pd.concat([lines, last_year], ignore_index=True).rename(columns={"period": "base_period"})
    imputed = plan.merge(bases[["base_period", *CARRIED, "output_ytd"]], on=["base_period", "credit_code"], how="inner")
    imputed["output_ytd"] = (imputed["output_ytd"].astype(float) * imputed["factor"]).round(3)
    return imputed.sort_values(["period", "credit_code"], kind="stable", ignore_index=True)[list(IMPUTED_COLUMNS)]


def impute(lines: pd.DataFrame, rosters: dict[int, pd.DataFrame], min_respondents: int = 3,
           reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """Imputed lines for every year that has a roster (a year without one imputes nothing).

    ``reported`` (period, credit_code): enterprises that sent a return of any bucket but not_a_return.
    """
    lines = lines.assign(period=pd.to_datetime(lines["period"]), year=pd.to_datetime(lines["period"]).dt.year)
    sent = set() if reported is None else set(zip(pd.to_datetime(reported["period"]), reported["credit_code"]))
    frames = [
        impute_year(lines[lines["year"] == year], lines[lines["year"] == year - 1], roster, min_respondents, sent)
        for year, roster in sorted(rosters.items()) if (lines["year"] == year).any()
    ]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in IMPUTED_COLUMNS})
    return pd.concat(frames, ignore_index=True)
