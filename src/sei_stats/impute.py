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


def _strata(roster: pd.DataFrame, code: str) -> list[tuple[str, pd.Series]]:
    """The strata of one enterprise, finest first, as (label, mask over the roster)."""
    row = roster.loc[code]
    return [
        (f"{row['area']}·{row['district_code']}", (roster["area"] == row["area"]) & (roster["district_code"] == row["district_code"])),
        (row["area"], roster["area"] == row["area"]),
        ("全部", pd.Series(True, index=roster.index)),
    ]


def _ratio(numerator: pd.Series, denominator: pd.Series, members: pd.Index, min_respondents: int) -> float | None:
    both = members.intersection(numerator.index).intersection(denominator.index)
    if len(both) < min_respondents or denominator[both].sum() <= 0:
        return None
    return float(numerator[both].sum() / denominator[both].sum())


def impute_year(lines: pd.DataFrame, last_year: pd.DataFrame, roster: pd.DataFrame, min_respondents: int = 3,
                reported: set[tuple[pd.Timestamp, str]] = frozenset()) -> pd.DataFrame:
    """Imputed lines for every landed month of one year.

    ``lines``: the year's accepted lines (period as Timestamp, output_ytd and output_ytd_prior in 千元);
    ``last_year``: last year's accepted lines (for January); ``roster``: the year's roster;
    ``reported``: (period, credit code) of enterprises that sent a return whose lines are not
    accepted (held or rejected): they responded, so nothing is imputed for them.
    """
    roster = roster.set_index("credit_code")
    by_line = lines.set_index(["period", "credit_code"]).sort_index()
    by_line_last_year = last_year.set_index(["period", "credit_code"]).sort_index()
    totals = lines.groupby(["period", "credit_code"])["output_ytd"].sum()
    prior_totals = lines.dropna(subset=["output_ytd_prior"]).groupby(["period", "credit_code"])[["output_ytd", "output_ytd_prior"]].sum()
    out = []
    for period in sorted(lines["period"].unique()):
        now = totals.loc[period]
        responded = now.index.union(pd.Index([code for p, code in reported if p == period]))
        missing = roster.index.difference(responded)
        earlier = sorted(p for p in lines["period"].unique() if p < period)
        for code in missing:
            own = [p for p in earlier if (p, code) in totals.index]
            if own:
                base_period = own[-1]
                base = by_line.loc[[(base_period, code)]].reset_index()
                then = totals.loc[base_period]
                method = "ratio to the last reported month"
            else:
                base_period = period - pd.DateOffset(years=1)
                key = (base_period, code)
                base = by_line_last_year.loc[[key]].reset_index() if key in by_line_last_year.index else last_year.iloc[:0]
                method = "own figure a year earlier × stratum growth"
            if base.empty:
                continue  # nothing of its own to impute from: stays a gap, counted in the response rate
            for label, mask in _strata(roster, code):
                members = roster.index[mask]
                if own:
                    factor = _ratio(now, then, members, min_respondents)
                else:
                    cmp = prior_totals.loc[period] if period in prior_totals.index.get_level_values(0) else None
                    factor = None if cmp is None else _ratio(cmp["output_ytd"], cmp["output_ytd_prior"], members, min_respondents)
                if factor is not None:
                    break
            if factor is None:
                continue
            imputed = base[list(CARRIED)].copy()
            imputed["period"] = period
            imputed["output_ytd"] = (base["output_ytd"].astype(float) * factor).round(3)
            imputed["method"], imputed["stratum"], imputed["factor"], imputed["base_period"] = method, label, factor, base_period
            out.append(imputed)
    if not out:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in IMPUTED_COLUMNS})
    return pd.concat(out, ignore_index=True)[list(IMPUTED_COLUMNS)]


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
