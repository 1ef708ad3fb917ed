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
    # a cross-period rule is one file of sql/rules/, named after it, that decides ``failed``
    files = {p.stem: p.read_text(encoding="utf-8") for p in (REPO_ROOT / "src" / "sei_stats" / "sql" / "rules").glob("*.sql")}
    assert set(files) == by_engine("sql")
    # a frame rule is judged in the step over the survey frame, which names it
    impute = (REPO_ROOT / "src" / "sei_stats" / "impute.py").read_text(encoding="utf-8")
    assert by_engine("frame") == {"imputed_too_long", "line_dropped_from_cumulative"}
    assert all(f'"{name}"' in impute for name in by_engine("frame"))
    assert all(re.search(r"\bAS failed\b", text) and re.search(r"\bAS message\b", text) for text in files.values())


def test_every_parameter_a_rule_file_reads_is_declared_with_the_rule():
    files = {p.stem: p.read_text(encoding="utf-8") for p in (REPO_ROOT / "src" / "sei_stats" / "sql" / "rules").glob("*.sql")}
    # the unit-error screen is shared by every comparison, so its parameter is read in fact_rules.sql
    context = (REPO_ROOT / "src" / "sei_stats" / "sql" / "fact_rules.sql").read_text(encoding="utf-8")
    for rule in RULES.itertuples():
        if rule.engine == "sql":
            read = set(re.findall(r"\bp\.(\w+)", files[rule.name]))
            assert read <= set(rule.params), rule.name
            assert all(name in read or f"param = '{name}'" in context for name in rule.params), rule.name


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
