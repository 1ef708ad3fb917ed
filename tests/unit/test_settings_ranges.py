"""Settings are checked by a pydantic model per section and per rule (sei_stats.settings): types, ranges and
unknown keys, each refused with a SettingsError naming the file that set the value and the key."""

import pytest

from sei_stats import settings
from sei_stats.config import data_paths
from sei_stats.settings import SettingsError, load_settings


@pytest.fixture
def files(monkeypatch, tmp_path):
    """(the repo's config/quality.yaml, the data folder's config/settings.yaml), both empty."""
    quality = tmp_path / "quality.yaml"
    quality.write_text("", encoding="utf-8")
    monkeypatch.setattr(settings, "OVERRIDES", quality)
    paths = data_paths(tmp_path / "data")
    paths.settings_yaml.parent.mkdir(parents=True)
    paths.settings_yaml.write_text("", encoding="utf-8")
    return quality, paths


def refused(paths, text: str) -> str:
    paths.settings_yaml.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings(data=paths)
    return str(error.value)


@pytest.mark.parametrize(("text", "problem"), [
    ("disclosure:\n  protection_share: 1.5\n", "disclosure.protection_share: 1.5 is not between 0 and 1"),
    ("checks:\n  max_nonresponse_rate: -0.1\n", "checks.max_nonresponse_rate: -0.1 is not between 0 and 1"),
    ("checks:\n  identity_output_tolerance: -1.0e-9\n", "checks.identity_output_tolerance: -1e-09 is not at least 0"),
    ("runs:\n  landing_max_concurrent: 0\n", "runs.landing_max_concurrent: 0 is not at least 1"),
    ("runs:\n  pool_wait_seconds: -5\n", "runs.pool_wait_seconds: -5 is not at least 0"),
    ("imputation:\n  min_stratum_respondents: 0\n", "imputation.min_stratum_respondents: 0 is not at least 1"),
    ("disclosure:\n  min_frequency: -1\n", "disclosure.min_frequency: -1 is not at least 0"),
    ("rules:\n  unit_error_suspected:\n    unit_error_ratio: 1\n", "rules.unit_error_suspected.unit_error_ratio: 1 is not above 1"),
    ("rules:\n  field_too_long:\n    max_field_chars: 0\n", "rules.field_too_long.max_field_chars: 0 is not at least 1"),
    ("rules:\n  output_ytd_implausible:\n    max_line_output_qianyuan: 0\n",
     "rules.output_ytd_implausible.max_line_output_qianyuan: 0 is not above 0"),
])
def test_a_value_out_of_its_range_names_the_file_and_the_key(files, text, problem):
    _, paths = files
    assert refused(paths, text) == f"{paths.settings_yaml}: {problem}"


@pytest.mark.parametrize(("text", "problem"), [
    ("runs:\n  landing_max_concurrent: 1.5\n", "runs.landing_max_concurrent: 1.5 is not a whole number"),
    ("checks:\n  max_held_output_share: '5%'\n", "checks.max_held_output_share: '5%' is not a number"),
    ("disclosure:\n  protection_share: true\n", "disclosure.protection_share: True is not a number"),
    ("rules:\n  growth_outlier:\n    max_abs_growth: high\n", "rules.growth_outlier.max_abs_growth: 'high' is not a number"),
    ("imputed_too_long: 3\n", None),
])
def test_a_value_of_another_type_names_the_file_and_the_key(files, text, problem):
    _, paths = files
    message = refused(paths, text)
    if problem is None:  # a section name alone: the unknown section is named
        assert message.startswith(f"{paths.settings_yaml}: unknown section 'imputed_too_long'")
    else:
        assert message == f"{paths.settings_yaml}: {problem}"


def test_an_unknown_key_is_named_with_the_known_ones(files):
    _, paths = files
    assert refused(paths, "disclosure:\n  protection_shares: 0.2\n") == (
        f"{paths.settings_yaml}: disclosure.protection_shares: unknown setting (known: dominance_top1_share, "
        "dominance_top2_share, min_frequency, protection_share)")
    assert refused(paths, "rules:\n  growth_outlier:\n    max_growth: 2\n") == (
        f"{paths.settings_yaml}: rules.growth_outlier.max_growth: unknown setting (known: material_output_qianyuan, "
        "max_abs_growth)")


def test_the_file_named_is_the_one_that_set_the_value(files):
    quality, paths = files
    quality.write_text("checks:\n  max_held_output_share: 2\n", encoding="utf-8")
    assert refused(paths, "checks:\n  max_nonresponse_rate: 0.2\n") == (
        f"{quality}: checks.max_held_output_share: 2 is not between 0 and 1")
    # a valid value in range is taken, as written, with the file that set it
    quality.write_text("checks:\n  max_held_output_share: 1\n", encoding="utf-8")
    loaded = load_settings(data=paths)
    assert loaded.checks["max_held_output_share"] == 1 and loaded.checks["max_nonresponse_rate"] == 0.2
    assert loaded.source("checks", "max_nonresponse_rate") == str(paths.settings_yaml)
    assert loaded.source("checks", "max_held_output_share") == str(quality)


def test_every_packaged_default_has_a_model_and_passes_it():
    loaded = load_settings(settings.REPO_ROOT / "no-such-file.yaml", data=settings.REPO_ROOT / "no-such-folder")
    assert set(loaded.disclosure) == set(settings.Disclosure.model_fields)
    assert set(loaded.runs) == set(settings.Runs.model_fields) and loaded.runs["landing_max_concurrent"] == 2
    assert loaded.rule_params["unit_error_suspected"] == {"unit_error_ratio": 500}
