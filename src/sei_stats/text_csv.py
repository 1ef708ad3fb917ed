"""A reference CSV read as text, the one way every reference file is (roster, reviews, registries).

Every cell a string as written (no NA guessing), UTF-8 with or without BOM; the required columns must
be there, else an error naming the file and line 1; optional columns take their default when absent
or empty; surrounding spaces go. Columns the contract does not name are ignored.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def read_text_csv(path: Path, columns: tuple[str, ...], optional: dict[str, str] | None = None, *,
                  error: type[Exception] = ValueError) -> pd.DataFrame:
    """``path``'s required ``columns`` then its ``optional`` ones (name → default), as stripped text."""
    optional = optional or {}
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise error(f"{path}: line 1: missing columns {', '.join(missing)}")
    frame = frame.reindex(columns=[*columns, *optional], fill_value="").apply(lambda s: s.str.strip())
    for column, default in optional.items():
        frame[column] = frame[column].replace("", default)
    return frame
