"""The rule registry (schemas/rules.yaml): every validation rule as data, itself checked by pandera."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml
from pandera.pandas import Check, Column, DataFrameSchema

from sei_stats.vocabulary import DECISIONS, ENGINES, LEVELS, SEVERITIES

RULES_YAML = Path(__file__).with_name("rules.yaml")

registry_schema = DataFrameSchema(
    {
        "name": Column(str, Check.str_matches(r"^[a-z][a-z0-9_]*$"), unique=True),
        "level": Column(str, Check.isin(LEVELS)),
        "severity": Column(str, Check.isin(SEVERITIES)),
        "engine": Column(str, Check.isin(ENGINES)),
        "field": Column(str),
        "decisions": Column(object, Check(lambda s: s.map(lambda d: isinstance(d, list) and len(d) > 0
                                                          and set(d) <= set(DECISIONS)),
                                          name="decisions_known", error="decisions: a list of accept, reject, correct")),
        "zh": Column(str, Check.str_length(min_value=2)),
        "en": Column(str, Check.str_length(min_value=2)),
        "params": Column(object, Check(lambda s: s.map(lambda p: isinstance(p, dict) and all(
            isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool) for k, v in p.items())),
            name="params_are_numbers", error="params: a mapping of names to numbers")),
    },
    strict=True,
    name="schemas/rules.yaml",
)


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_YAML) -> pd.DataFrame:
    """The registry as a frame, one row per rule, validated."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["rules"]
    # decisions: what a reviewer may decide on the rule's findings (all three unless the rule says)
    rules = pd.DataFrame([{**e, "params": e.get("params") or {}, "decisions": e.get("decisions") or list(DECISIONS)}
                          for e in entries])
    rules[["field"]] = rules[["field"]].fillna("")
    try:
        return registry_schema.validate(rules, lazy=True)
    except pa.errors.SchemaErrors as err:
        case = err.failure_cases.iloc[0]
        raise ValueError(f"{path}: rule {case['index']}: {case['column']} fails {case['check']} ({case['failure_case']!r})") from err


def severity(rule: str) -> str:
    """The severity of a named rule (KeyError for a rule the registry does not list)."""
    rules = load_rules()
    match = rules.loc[rules["name"] == rule, "severity"]
    if match.empty:
        raise KeyError(f"rule {rule!r} is not in {RULES_YAML.name}")
    return str(match.iloc[0])


def rules_table() -> pd.DataFrame:
    """The registry as the terminal shows it (`sei-stats rules`): one row per rule, its parameters on one line."""
    rules = load_rules()
    shown = rules.assign(params=rules["params"].map(lambda p: ", ".join(f"{k}={v:g}" for k, v in p.items())))
    return shown[["name", "level", "severity", "engine", "params", "zh", "en"]]
