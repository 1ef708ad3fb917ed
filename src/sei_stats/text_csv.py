"""A reference CSV read as text, the one way every reference file is (roster, reviews, registries).

Every cell a string as written (no NA guessing), in UTF-8 (with or without BOM) or GB18030 — what Excel
or WPS save a CSV as on a Chinese Windows — decoded by the return reader's ``decode``; the required columns
must be there, else an error naming the file and line 1; optional columns take their default when absent
or empty; surrounding spaces go. Columns the contract does not name are ignored.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd


def decode_text(path: Path, *, error: type[Exception] = ValueError) -> str:
    """``path``'s text, UTF-8 (BOM or not) or GB18030; ``error`` naming the file when it is neither."""
    from .read import ReturnFileError, decode  # the returns' one decoder: the encodings the contract admits

    try:
        return decode(path, path.read_bytes())
    except ReturnFileError as err:
        raise error(str(err)) from err


def read_text_csv(path: Path, columns: tuple[str, ...], optional: dict[str, str] | None = None, *,
                  error: type[Exception] = ValueError) -> pd.DataFrame:
    """``path``'s required ``columns`` then its ``optional`` ones (name → default), as stripped text."""
    optional = optional or {}
    text = decode_text(path, error=error)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        raise error(f"{path}: not a valid CSV file ({err})") from err
    return text_columns(frame, path, columns, optional, error=error)


def text_columns(frame: pd.DataFrame, path: Path, columns: tuple[str, ...], optional: dict[str, str] | None = None, *,
                 error: type[Exception] = ValueError) -> pd.DataFrame:
    """A frame of text cells held to the contract: the required ``columns`` (else an error naming line 1),
    the ``optional`` ones with their defaults, cells stripped, other columns dropped."""
    optional = optional or {}
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise error(f"{path}: line 1: missing columns {', '.join(missing)}")
    frame = frame.reindex(columns=[*columns, *optional], fill_value="").apply(lambda s: s.str.strip())
    for column, default in optional.items():
        frame[column] = frame[column].replace("", default)
    return frame
