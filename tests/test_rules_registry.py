"""The rule registry (schemas/rules.yaml) cannot drift from the code that runs the rules."""

import re

import pytest

from sei_stats.schemas.returns import received_lines_schema
from sei_stats.schemas.rules import load_rules, registry_schema, severity
from sei_stats.config import REPO_ROOT

RULES = load_rules()


def by_engine(engine: str) -> set[str]:
    return set(RULES.loc[RULES["engine"] == engine, "name"])


def test_the_pandera_schema_runs_exactly_the_registrys_pandera_rules():
    schema = received_lines_schema("2018-03", {"210202"})
    names = {check.name for column in schema.columns.values() for check in column.checks}
    assert names == by_engine("pandera")


def test_every_python_and_sql_rule_is_implemented_where_the_registry_says():
    python = (REPO_ROOT / "src" / "sei_stats" / "validate.py").read_text(encoding="utf-8")
    for name in by_engine("python"):
        assert f'"{name}"' in python, name
    sql = "".join(p.read_text(encoding="utf-8") for p in (REPO_ROOT / "src" / "sei_stats" / "sql").glob("*.sql"))
    for name in by_engine("sql"):
        assert re.search(rf"'{name}'", sql), name


def test_severities_come_from_the_registry():
    assert severity("unit_error_suspected") == "hold"
    assert severity("credit_code_check_roster") == "warn"
    with pytest.raises(KeyError, match="not_a_rule"):
        severity("not_a_rule")


def test_the_registry_schema_refuses_an_unknown_severity():
    broken = RULES.copy()
    broken.loc[0, "severity"] = "ignore"
    with pytest.raises(Exception, match="isin"):
        registry_schema.validate(broken)


def test_every_rule_has_a_chinese_and_an_english_description():
    assert (RULES["zh"].str.len() > 4).all() and (RULES["en"].str.len() > 10).all()
    assert set(RULES["level"]) == {"field", "record", "cross-record", "cross-period", "cross-source"}
