"""Judge received lines against the reject rules and put every line in exactly one bucket."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas.returns import failures as schema_failures
from schemas.returns import received_lines_schema

from .read import FIELDS

ACCEPTED, REJECTED, SUPERSEDED = "accepted", "rejected", "superseded"
BUCKETS = (ACCEPTED, REJECTED, SUPERSEDED)


def find_failures(lines: pd.DataFrame, period: str, district_codes: set[str]) -> pd.DataFrame:
    """Every failed rule of every line: row (index into ``lines``), rule, field, message."""
    schema = received_lines_schema(period, frozenset(district_codes))
    text = lines[list(FIELDS)].replace("", pd.NA)
    try:
        schema.validate(text, lazy=True)
    except pa.errors.SchemaErrors as error:
        return schema_failures(error, schema)
    return pd.DataFrame({"row": pd.Series(dtype="int64"), "rule": pd.Series(dtype="string"),
                         "field": pd.Series(dtype="string"), "message": pd.Series(dtype="string")})


def assign_buckets(lines: pd.DataFrame, failed_rows: pd.Index | set[int]) -> pd.DataFrame:
    """Add status (accepted, rejected or superseded) and superseded_by, applying corrections.

    An enterprise whose credit code appears on a valid line of a later file (``file_order``) has
    all its lines in earlier files superseded, rejected ones included: the latest file holding a
    valid line of the enterprise is its return for the period.
    """
    out = lines.copy()
    valid = ~out.index.isin(list(failed_rows))
    code = out["credit_code"].replace("", pd.NA)
    latest = out[valid & code.notna()].groupby("credit_code")["file_order"].max()
    correcting = code.map(latest)
    superseded = correcting.notna() & (out["file_order"] < correcting)
    out["status"] = pd.Series(REJECTED, index=out.index, dtype="string").where(~valid, ACCEPTED)
    out.loc[superseded, "status"] = SUPERSEDED
    source_by_order = out.drop_duplicates("file_order").set_index("file_order")["source_file"]
    out["superseded_by"] = correcting.where(superseded).map(source_by_order).astype("string")
    return out
