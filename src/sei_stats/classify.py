"""Classify accepted lines against the guidance catalog: product code first, then industry."""

from __future__ import annotations

import pandas as pd

from .catalog import CatalogError

CLASS_COLUMNS = ("is_sei", "match_kind", "catalog_code", "area", "field", "key_field", "nbs_code", "nbs_edition")


def entries_valid_in(catalog: pd.DataFrame, period: str) -> pd.DataFrame:
    """Catalog entries whose window (whole months, inclusive) contains the period YYYY-MM."""
    open_end = catalog["valid_to"].isna() | (catalog["valid_to"] == "")
    inside = (catalog["valid_from"] <= period) & (open_end | (catalog["valid_to"] >= period))
    valid = catalog[inside]
    twice = valid[valid.duplicated(["kind", "code"], keep=False)]
    if len(twice):
        first = twice.iloc[0]
        raise CatalogError(f"catalog has {len(twice)} entries for {first['kind']} {first['code']} valid in {period}: one primary entry per code")
    return valid


def _longest_prefix_match(codes: pd.Series, entries: pd.DataFrame) -> pd.Series:
    """For each code, the index of the entry whose code is its longest prefix (NA when none)."""
    by_code = pd.Series(entries.index, index=entries["code"])
    match = pd.Series(pd.NA, index=codes.index, dtype="object")
    for length in sorted(entries["code"].str.len().unique(), reverse=True):
        prefix = codes.str.slice(0, length).where(codes.str.len() >= length)
        match = match.fillna(prefix.map(by_code))
    return match


def classify(lines: pd.DataFrame, catalog: pd.DataFrame, period: str) -> pd.DataFrame:
    """Lines with the CLASS_COLUMNS of their catalog match; lines matching nothing get is_sei False."""
    valid = entries_valid_in(catalog, period)
    products = valid[valid["kind"] == "product"]
    industries = valid[valid["kind"] == "industry"]
    product_code = lines["product_code"].fillna("").astype("string")
    match = _longest_prefix_match(product_code.where(product_code != ""), products)
    kind = pd.Series("product", index=lines.index, dtype="string").where(match.notna())
    industry_match = _longest_prefix_match(lines["industry_code"].astype("string"), industries)
    kind = kind.where(match.notna(), pd.Series("industry", index=lines.index, dtype="string").where(industry_match.notna()))
    match = match.fillna(industry_match)

    out = lines.copy()
    matched = valid.reindex(match.astype("float").astype("Int64"))
    matched.index = lines.index
    out["is_sei"] = match.notna().to_numpy()
    out["match_kind"] = kind
    out["catalog_code"] = matched["code"].astype("string")
    for column in ("area", "field", "nbs_code", "nbs_edition"):
        # nbs_edition is optional in the catalog: which national edition the entry's window follows
        out[column] = matched[column].astype("string") if column in matched else pd.Series(pd.NA, index=out.index, dtype="string")
    out["key_field"] = matched["key_field"].astype("boolean")
    return out
