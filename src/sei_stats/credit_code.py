"""The unified social credit code (统一社会信用代码, GB 32100-2015) and its check character."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Character set of GB 32100-2015: value = index. I, O, S, V and Z are never used.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
# Weight of position i (1-based) is 3^(i-1) mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_character(first17: str) -> str:
    """The 18th character that GB 32100-2015 computes from the first 17."""
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str, *, chinese: bool = False) -> str | None:
    """Why ``code`` is not a valid credit code, or None when it is valid (in Chinese for the reviewers' queue)."""
    if len(code) != 18:
        return f"{len(code)}位，应为18位" if chinese else f"has {len(code)} characters, not 18"
    bad = "".join(sorted({c for c in code if c not in _VALUE}))
    if bad:
        return f"含GB 32100-2015字符集以外的字符{bad}" if chinese else f"has characters outside the GB 32100-2015 set: {bad}"
    expected = check_character(code[:17])
    if code[17] != expected:
        return (f"校验码为{code[17]}，按GB 32100-2015应为{expected}" if chinese
                else f"check character is {code[17]}, GB 32100-2015 gives {expected}")
    return None


def is_valid(code: str) -> bool:
    """True when ``code`` is 18 characters of the GB 32100-2015 set with the right check character."""
    return problem(code) is None


def valid_mask(codes) -> np.ndarray:
    """is_valid of every code of ``codes`` (a sequence of str) at once, as a boolean array: the national month's
    2.4 million lines in a fraction of a second instead of a Python call per distinct code."""
    text = pd.Series(codes, dtype="string").fillna("")
    result = np.zeros(len(text), dtype=bool)
    # 18 characters, all ASCII: 18 bytes each (any other character is outside the set anyway)
    candidate = ((text.str.len() == 18) & text.str.isascii()).to_numpy(dtype=bool, na_value=False)
    if not candidate.any():
        return result
    raw = np.frombuffer("".join(text[candidate].tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    values = _LOOKUP[raw]
    in_set = (values >= 0).all(axis=1)
    expected = (31 - (values[:, :17] * np.array(WEIGHTS)).sum(axis=1) % 31) % 31
    result[candidate] = in_set & (values[:, 17] == expected)
    return result


def _lookup() -> np.ndarray:
    """The value of each byte in the GB 32100-2015 set, -1 for every other byte."""
    table = np.full(256, -1, dtype=np.int64)
    for character, value in _VALUE.items():
        table[ord(character)] = value
    return table


_LOOKUP = _lookup()
