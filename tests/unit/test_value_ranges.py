"""Every value in range or refused: money the landed DECIMAL(18,3) holds, ASCII digits only, fields of a
sane length, and a line too large to be plausible held for a reviewer (hand-made cases, 千元)."""

from decimal import Decimal

import pandas as pd
import pandera.pandas as pa
import pytest

from sei_stats.normalize import normalize_lines, normalize_value
from sei_stats.read import FIELDS
from sei_stats.schemas.returns import STORED_MAX_QIANYUAN, accepted_lines_schema, default_params, received_lines_schema
from sei_stats.schemas.rules import load_rules
from sei_stats.settings import load_settings
from sei_stats.validate import find_failures, judge_period

from conftest import A, B, C, credit_code

DALIAN = {"210202", "210203", "210204", "210211", "210212", "210213", "210214", "210224", "210281", "210283"}
NEW = credit_code("91210204MA0000009")  # a new enterprise: no line a year earlier


def frame(*rows: list[str], first_line: int = 2) -> pd.DataFrame:
    """Lines as read.read_period gives them (text fields, '' for empty), built directly."""
    lines = pd.DataFrame([list(r) for r in rows], columns=list(FIELDS)).astype("string")
    lines["source_file"] = "2018-03/r.csv"
    lines["line_number"] = range(first_line, first_line + len(lines))
    lines["file_order"] = 0
    return lines


def line(code=A, ytd="100", prior="90", product="397301", name="芯片", enterprise="大连芯片") -> list[str]:
    return ["2018-03", code, enterprise, "210213", "3973", product, name, ytd, prior]


def failed(*rows, **kwargs) -> pd.DataFrame:
    return find_failures(frame(*rows), "2018-03", DALIAN, **kwargs)


def rules_of(found: pd.DataFrame) -> list[list]:
    return found[["row", "rule", "severity"]].values.tolist()


# --- beyond the range stored: refused, the value named as received ---------------------------------


def test_twenty_digits_are_beyond_the_range_and_refused_with_the_value_in_the_message():
    found = failed(line(ytd="99999999999999999999"))
    assert rules_of(found) == [[0, "output_ytd_in_range", "reject"]]
    assert found.loc[0, "field"] == "output_ytd"
    assert "'99999999999999999999'" in found.loc[0, "message"]
    assert "above 1000000000000 千元" in found.loc[0, "message"]


def test_a_prior_beyond_the_range_is_refused_too():
    found = failed(line(prior="1000000000000.001"))
    assert rules_of(found) == [[0, "output_ytd_prior_in_range", "reject"]]
    assert "'1000000000000.001'" in found.loc[0, "message"]


def test_the_range_ends_at_1e12_qianyuan_inclusive():
    # 1e12 itself is stored (and held as implausible for one line, below); a thousandth more is not
    assert "output_ytd_in_range" not in set(failed(line(ytd="1000000000000", prior="1000000000000"))["rule"])
    assert "output_ytd_prior_in_range" not in set(failed(line(prior="1000000000000.000"))["rule"])
    assert rules_of(failed(line(ytd="1000000000000.001"))) == [[0, "output_ytd_in_range", "reject"]]


def test_what_is_in_range_fits_the_landed_decimal():
    assert Decimal(str(default_params()["output_ytd_in_range"]["max_value_qianyuan"])) <= STORED_MAX_QIANYUAN
    # even a local override cannot admit more than DECIMAL(18,3) holds
    params = default_params() | {"output_ytd_in_range": {"max_value_qianyuan": 1e20}}
    found = failed(line(ytd="1000000000000000"), rule_params=params)
    assert "output_ytd_in_range" in set(found["rule"])


# --- ASCII digits only -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["٣٤٥", "۳۴۵", "३४५", "²³", "①", "𝟑𝟒𝟓", "3٤5"])
def test_digits_other_than_ascii_are_no_number(text):
    found = find_failures(normalize_lines(frame(line(ytd=text))), "2018-03", DALIAN)
    assert rules_of(found) == [[0, "output_ytd_numeric", "reject"]]
    assert repr(text) in found.loc[0, "message"]


def test_arabic_indic_digits_are_refused_in_the_prior_too():
    found = failed(line(prior="٣٤٥"))
    assert rules_of(found) == [[0, "output_ytd_prior_numeric", "reject"]]
    assert "'٣٤٥'" in found.loc[0, "message"]


def test_full_width_digits_are_folded_to_ascii_before_they_are_judged():
    assert normalize_value("output_ytd", "３４５") == "345"
    assert normalize_value("output_ytd_prior", "１，２３４．５") == "1234.5"
    # other digits are no width of ASCII: they stay as received
    for text in ("٣٤٥", "²³", "①", "𝟑"):
        assert normalize_value("output_ytd", text) == text
    assert find_failures(normalize_lines(frame(line(ytd="３４５", prior="１２３"))), "2018-03", DALIAN).empty


def test_a_trailing_newline_is_no_part_of_a_number():
    assert rules_of(failed(line(ytd="345\n"))) == [[0, "output_ytd_numeric", "reject"]]


# --- implausible for one line: held ---------------------------------------------------------------


def test_a_new_enterprise_of_4e9_qianyuan_is_held_as_a_suspected_unit_error():
    # 元 typed as 千元: 4,000,000,000 千元 = 40,000亿元 on one line, prior 3,500,000,000 (no 500× ratio to catch it)
    lines = frame(line(code=NEW, ytd="4000000000", prior="3500000000", product="", name="工业机器人"), line(code=B))
    judged, findings = judge_period(lines, "2018-03", DALIAN)
    assert judged["status"].tolist() == ["held", "accepted"]
    assert rules_of(findings) == [[0, "output_ytd_implausible", "hold"]]
    assert findings.loc[0, "field"] == "output_ytd"
    assert findings.loc[0, "message"] == "output_ytd （本年累计）超过单行合理上限1000000000千元，疑似将元误填为千元，暂缓待审: '4000000000'"


def test_1e9_qianyuan_is_plausible_and_a_thousandth_more_is_not():
    judged, _ = judge_period(frame(line(code=A, ytd="1000000000"), line(code=B, ytd="1000000000.001")), "2018-03", DALIAN)
    assert judged["status"].tolist() == ["accepted", "held"]


def test_a_held_line_that_fails_a_reject_rule_stays_rejected():
    row = line(ytd="4000000000")
    row[3] = "210102"  # not in Dalian
    judged, findings = judge_period(frame(row), "2018-03", DALIAN)
    assert judged["status"].tolist() == ["rejected"]
    assert sorted(findings["rule"]) == ["district_in_dalian", "output_ytd_implausible"]


def test_beyond_the_range_is_refused_not_held():
    judged, findings = judge_period(frame(line(ytd="1000000000000.5")), "2018-03", DALIAN)
    assert judged["status"].tolist() == ["rejected"]
    assert findings["rule"].tolist() == ["output_ytd_in_range"]


def test_a_held_line_still_counts_among_duplicates_and_corrections():
    big = line(code=A, ytd="4000000000")
    lines = frame(big, big, line(code=C, ytd="4000000000"))
    judged, findings = judge_period(lines, "2018-03", DALIAN)
    assert judged["status"].tolist() == ["held", "duplicate", "held"]  # the exact repeat counts once
    correction = frame(line(code=A, ytd="4000000000"), line(code=A, ytd="4000000"))
    correction.loc[1, ["file_order", "source_file"]] = [1, "2018-03/r2.csv"]
    judged, _ = judge_period(correction, "2018-03", DALIAN)
    assert judged["status"].tolist() == ["superseded", "accepted"]


def test_severities_come_from_the_registry_not_from_the_engine():
    found = failed(line(ytd="4000000000"), line(ytd="-1", product="2"))
    assert rules_of(found) == [[0, "output_ytd_implausible", "hold"], [1, "output_ytd_non_negative", "reject"]]


# --- a field too long -----------------------------------------------------------------------------


def test_a_field_of_200000_characters_rejects_its_line_with_its_line_number_and_field():
    lines = frame(line(code=A), line(code=B, name="芯" * 200_000), line(code=C), first_line=5)
    judged, findings = judge_period(lines, "2018-03", DALIAN)
    assert judged[["line_number", "status"]].values.tolist() == [[5, "accepted"], [6, "rejected"], [7, "accepted"]]
    assert findings[["row", "rule", "field", "severity"]].values.tolist() == [[1, "field_too_long", "product_name", "reject"]]
    message = findings.loc[0, "message"]
    assert message.startswith("product_name is longer than 1000 characters") and "(200000 characters)" in message
    assert len(message) < 200  # the value is cut, never copied whole


@pytest.mark.parametrize("field", FIELDS)
def test_every_field_of_the_line_has_the_length_limit(field):
    row = dict(zip(FIELDS, line()))
    row[field] = "1" * 1001
    found = failed(list(row.values()))
    assert ["field_too_long", field] in found[["rule", "field"]].values.tolist()
    row[field] = "1" * 1000
    assert "field_too_long" not in set(failed(list(row.values()))["rule"])


# --- parameters: from the settings in force -------------------------------------------------------


def test_the_checks_take_their_parameters_from_the_settings_in_force(tmp_path):
    overrides = tmp_path / "quality.yaml"
    overrides.write_text("rules:\n  field_too_long:\n    max_field_chars: 20\n"
                         "  output_ytd_implausible:\n    max_line_output_qianyuan: 1000\n", encoding="utf-8")
    params = load_settings(overrides).rule_params
    name = "大连" * 11  # 22 characters; a credit code has 18
    found = failed(line(ytd="1001", enterprise=name), rule_params=params)
    assert found[["rule", "field", "severity"]].values.tolist() == [
        ["field_too_long", "enterprise_name", "reject"], ["output_ytd_implausible", "output_ytd", "hold"]]
    assert "longer than 20 characters" in found.loc[0, "message"]
    assert failed(line(ytd="1001", enterprise=name)).empty  # the defaults: 1000 characters, 1e9 千元


def test_the_defaults_are_the_registrys():
    params = default_params()
    assert params["output_ytd_in_range"] == {"max_value_qianyuan": 1e12}
    assert params["output_ytd_prior_in_range"] == {"max_prior_value_qianyuan": 1e12}
    assert params["output_ytd_implausible"] == {"max_line_output_qianyuan": 1e9}
    assert params["field_too_long"] == {"max_field_chars": 1000}
    assert received_lines_schema("2018-03", DALIAN).name == "received_lines"


# --- the accepted-lines contract ------------------------------------------------------------------


def accepted(*codes: str, output=(100.0,)) -> pd.DataFrame:
    n = len(codes)
    outputs = list(output) * n if len(output) == 1 else list(output)
    return pd.DataFrame({
        "period": pd.to_datetime(["2018-03-01"] * n).astype("datetime64[us]"),
        "credit_code": pd.array(codes, dtype="string"),
        "district_code": pd.array(["210213"] * n, dtype="string"),
        "industry_code": pd.array(["3973"] * n, dtype="string"),
        "output_ytd": outputs,
        "output_ytd_prior": [90.0] * n,
        "status": pd.array(["accepted"] * n, dtype="string"),
        "is_sei": [True] * n,
    })


def test_a_pilot_code_of_the_roster_passes_the_contract_and_only_then():
    pilot = A[:-1] + ("X" if A[-1] != "X" else "Y")
    lines = accepted(A, pilot)
    accepted_lines_schema(DALIAN, frozenset({pilot})).validate(lines, lazy=True)
    with pytest.raises(pa.errors.SchemaErrors, match="credit_code_check"):
        accepted_lines_schema(DALIAN).validate(lines, lazy=True)
    with pytest.raises(pa.errors.SchemaErrors, match="credit_code_check"):
        accepted_lines_schema(DALIAN, frozenset({A})).validate(lines, lazy=True)


def test_the_contract_accepts_exactly_the_lines_landing_accepts_under_the_roster_rule():
    pilot = A[:-1] + ("X" if A[-1] != "X" else "Y")
    stranger = B[:-1] + ("X" if B[-1] != "X" else "Y")
    judged, findings = judge_period(frame(line(code=pilot), line(code=stranger)), "2018-03", DALIAN, frozenset({pilot}))
    assert judged["status"].tolist() == ["accepted", "rejected"]
    assert rules_of(findings) == [[0, "credit_code_check_roster", "warn"], [1, "credit_code_check", "reject"]]
    accepted_lines_schema(DALIAN, frozenset({pilot})).validate(accepted(pilot))


def test_an_accepted_line_without_its_output_fails_the_contract():
    schema = accepted_lines_schema(DALIAN)
    schema.validate(accepted(A, B))
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        schema.validate(accepted(A, B, output=(100.0, None)), lazy=True)
    cases = caught.value.failure_cases
    assert set(cases["column"]) == {"output_ytd"} and "not_nullable" in set(cases["check"])


def test_parameter_names_are_unique_across_rules_and_read_by_their_check():
    from sei_stats.config import REPO_ROOT

    names = [name for params in load_rules()["params"] for name in params]
    assert len(names) == len(set(names))  # Settings.flat() names each value by its own name
    source = (REPO_ROOT / "schemas" / "returns.py").read_text(encoding="utf-8")
    for rule in load_rules().itertuples():
        if rule.engine == "pandera":
            for name in rule.params:
                assert f'param("{rule.name}", "{name}")' in source, (rule.name, name)
