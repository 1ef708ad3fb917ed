"""Classify accepted lines against the guidance catalog: product code first, then industry."""

from __future__ import annotations

import pandas as pd

from .catalog import CatalogError
from .vocabulary import measure_of

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
    """For each code, the position in ``entries`` of its longest prefix among their codes (-1 when none)."""
    position = pd.Series(range(len(entries)), index=entries["code"].to_numpy())
    match = pd.Series(-1, index=codes.index, dtype="int64")
    for length in sorted(entries["code"].str.len().unique(), reverse=True):
        prefix = codes.str.slice(0, length).where(codes.str.len() >= length)
        hit = prefix.map(position)
        match = match.where((match >= 0) | hit.isna(), hit.fillna(-1).astype("int64"))
    return match


def classify(lines: pd.DataFrame, catalog: pd.DataFrame, period: str) -> pd.DataFrame:
    """Lines with the CLASS_COLUMNS of their catalog match; lines matching nothing get is_sei False.

    A unit in a division that measures neither industrial output nor services revenue (01–05, 47–50:
    vocabulary.measure_of) is unclassified whatever its product: its figure is neither measure."""
    valid = entries_valid_in(catalog, period).reset_index(drop=True)
    products = valid[valid["kind"] == "product"]
    industries = valid[valid["kind"] == "industry"]
    product_code = lines["product_code"].astype("string").fillna("")
    by_product = _longest_prefix_match(product_code.where(product_code != ""), products)
    by_industry = _longest_prefix_match(lines["industry_code"].astype("string"), industries)
    # positions within each kind's frame -> rows of ``valid``; a final all-empty row stands for "no match"
    product_rows = pd.Series(products.index.to_numpy(), dtype="int64")
    industry_rows = pd.Series(industries.index.to_numpy(), dtype="int64")
    none = len(valid)
    row = pd.Series(none, index=lines.index, dtype="int64")
    for rows, by in ((industry_rows, by_industry), (product_rows, by_product)):  # product overrides industry
        row = row.where(by < 0, rows.reindex(by.to_numpy()).fillna(none).astype("int64").to_numpy())
    industry = lines["industry_code"].astype("string").fillna("")
    measures = {code: measure_of(code) is not None for code in industry.unique()}  # each distinct code once
    measured = industry.map(measures).astype(bool)
    row = row.where(measured.to_numpy(), none)
    kind = pd.Series(pd.NA, index=lines.index, dtype="string")
    kind = kind.mask(by_industry >= 0, "industry").mask(by_product >= 0, "product").where(measured.to_numpy())

    padded = pd.concat([valid, pd.DataFrame(index=[none], columns=valid.columns)])
    matched = padded.iloc[row.to_numpy()]
    matched.index = lines.index
    out = lines.copy()
    out["is_sei"] = (row < none).to_numpy()
    out["match_kind"] = kind
    out["catalog_code"] = matched["code"].astype("string")
    for column in ("area", "field", "nbs_code", "nbs_edition"):
        # nbs_edition is optional in the catalog: which national edition the entry's window follows
        out[column] = matched[column].astype("string") if column in matched else pd.Series(pd.NA, index=out.index, dtype="string")
    out["key_field"] = matched["key_field"].astype("boolean")
    return out
