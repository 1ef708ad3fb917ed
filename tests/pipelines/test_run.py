"""pipelines/run.py: the jobs run in-process on the small test city, with typed results."""

import shutil

import dagster as dg
import pytest

from sei_stats import settings
from sei_stats.config import REPO_ROOT
from sei_stats.pipelines import run
from sei_stats.vocabulary import LANDING_BUCKETS

from conftest import CITY, make_data_dir, return_rows, write_csv


@pytest.fixture
def instance():
    with dg.DagsterInstance.ephemeral() as instance:
        yield instance


def quality_overrides(monkeypatch, path, text: str) -> None:
    """Settings as if config/quality.yaml read ``text``, in this process only (the repo's file is untouched)."""
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(settings, "OVERRIDES", path)


def test_landing_a_month_gives_its_lines_and_buckets(city, instance):
    assert run.check_catalog(instance, paths=city).success
    landing = run.land(instance, "2018-12", paths=city)
    assert (landing.job, landing.period, landing.success, landing.error) == ("sei_land_month", "2018-12", True, None)
    assert landing.rows_received == 4
    assert landing.buckets == {"accepted": 4, "rejected": 0, "superseded": 0, "duplicate": 0, "not_a_return": 0, "held": 0}
    assert tuple(landing.buckets) == LANDING_BUCKETS
    assert landing.failed_checks == () and landing.seconds > 0
    assert city.landed_month("2018-12").exists()
    with pytest.raises(AttributeError):  # frozen
        landing.success = False


def test_a_broken_file_fails_the_landing_and_names_the_file(city, instance):
    (city.returns / "2018-03" / "broken.csv").write_text("period,credit_code\n2018-03,x\n", encoding="utf-8")
    landing = run.land(instance, "2018-03", paths=city)
    assert landing.success is False
    assert "broken.csv: line 1: missing columns" in landing.error
    assert landing.rows_received is None and landing.buckets == {}
    assert not city.landed_month("2018-03").exists()


def test_publish_reports_the_reclassified_history(city, instance):
    for period in ("2017-12", "2018-12"):
        assert run.land(instance, period, paths=city).success
    published = run.publish(instance, paths=city)
    assert published.success and published.error is None, published.error
    done = published.reclassified
    assert (done.months, done.as_of, done.lines_classified_differently) == (2, "2018-12", 0)
    assert done.catalog_version
    assert published.failed_checks == ()  # every threshold of the defaults holds in the test city
    assert city.warehouse.exists()


def test_a_check_over_its_threshold_is_a_failed_check(city, instance, monkeypatch, tmp_path):
    # a line rejected for its district (999999 is none of Dalian's) and a limit of 0: 2018-12 fails rejected_output_share
    lines = [*CITY["2018-12"], (CITY["2018-12"][0][0], "999999", "3973", "397301", "芯片", "1000000", "900000")]
    write_csv(city.returns / "2018-12" / "returns.csv", return_rows("2018-12", lines))
    quality_overrides(monkeypatch, tmp_path / "quality.yaml", "checks:\n  max_rejected_output_share: 0\n")
    assert settings.load_settings().checks["max_rejected_output_share"] == 0
    assert run.land(instance, "2018-12", paths=city).success
    published = run.publish(instance, paths=city)
    assert published.success  # a failed check does not fail the run: the outcome says it
    [failed] = published.failed_checks
    assert (failed.asset, failed.check, failed.severity, failed.is_warning) == (
        "mart/data_quality", "rejected_output_share", "ERROR", False)
    assert "months_over" in failed.summary and "2018-12" in failed.summary and "\n" not in failed.summary
    assert published.failed_error_checks == (failed,)


def test_a_failed_warn_check_is_a_warning(tmp_path, instance):
    # A's line in industry 4011: division 40 has no value-added rate in any year (2018's of other divisions
    # carry into 2019, not this one): SEI output without a rate
    a_line = CITY["2018-12"][0]
    city = make_data_dir(tmp_path / "data", {"2019-03": [a_line[:2] + ("4011",) + a_line[3:5] + ("9000000", "8000000")]})
    outcome = run.materialize(city, ["2019-03"], instance=instance)
    warnings = [c for c in outcome.failed_checks if c.check == "value_added_rates_complete"]
    assert [(c.asset, c.severity, c.is_warning) for c in warnings] == [("mart/indicators_monthly", "WARN", True)]
    assert "output_without_rate" in warnings[0].summary
    assert warnings[0] not in outcome.failed_error_checks


def test_materialize_runs_catalog_each_period_then_one_publish(city, instance):
    (city.returns / "2018-03" / "broken.csv").write_text("period,credit_code\n2018-03,x\n", encoding="utf-8")
    told = []
    outcome = run.materialize(city, ["2017-12", "2018-03", "2018-12"], instance=instance, progress=told.append)
    assert [(step.job, getattr(step, "period", None)) for step in told] == [
        ("sei_catalog", None), ("sei_land_month", "2017-12"), ("sei_land_month", "2018-03"),
        ("sei_land_month", "2018-12"), ("sei_publish", None)]
    assert list(outcome.runs) == told
    assert [landing.success for landing in outcome.landings] == [True, False, True]
    assert list(outcome.failures) == ["2018-03"] and "broken.csv" in outcome.failures["2018-03"]
    assert outcome.publishing.success and outcome.publishing.reclassified.months == 2
    assert not outcome.success
    assert len(instance.get_runs()) == 5


def test_materialize_lands_nothing_under_a_broken_catalog(city, instance):
    shutil.rmtree(city.catalog)
    shutil.copytree(REPO_ROOT / "data" / "catalog", city.catalog)
    products = city.catalog / "products.csv"
    lines = products.read_text(encoding="utf-8").splitlines(keepends=True)
    products.write_text("".join(lines + [lines[2]]), encoding="utf-8")  # a second primary entry for one code
    outcome = run.materialize(city, ["2018-12"], instance=instance)
    assert outcome.catalog.success is False and "one_primary_entry" in outcome.catalog.error
    assert outcome.landings == () and outcome.publishing is None
    assert list(outcome.failures) == ["guidance catalog"]
    assert not city.landed.exists()


def test_nothing_landed_means_no_publish(city, instance):
    (city.returns / "2018-12" / "broken.csv").write_text("period,credit_code\n2018-12,x\n", encoding="utf-8")
    outcome = run.materialize(city, ["2018-12"], instance=instance)
    assert outcome.publishing is None and list(outcome.failures) == ["2018-12"]
    assert not city.warehouse.exists()


def test_a_subfolder_fails_the_landing_and_lenient_lands_with_a_warning(city, instance):
    folder = city.returns / "2018-03"
    (folder / "补报").mkdir()
    (folder / "补报" / "late.csv").write_bytes((folder / "returns.csv").read_bytes())
    (folder / "Thumbs.db").write_bytes(b"x")
    strict = run.land(instance, "2018-03", paths=city)
    assert strict.success is False and f"{folder / '补报'}: a subfolder holding 1 file(s)" in strict.error
    assert strict.notes == ()
    lenient = run.land(instance, "2018-03", paths=city, lenient=True)
    assert lenient.success, lenient.error
    assert lenient.rows_received == 2  # the subfolder's lines are not read
    [warning, ignored] = lenient.notes
    assert warning.startswith(f"warning: {folder / '补报'}: a subfolder holding 1 file(s)")
    assert ignored == f"{folder / 'Thumbs.db'}: ignored, a Windows thumbnail cache"


def test_a_landing_without_notes_has_none(city, instance):
    assert run.land(instance, "2018-12", paths=city).notes == ()


def test_the_notes_metadata_is_read_whatever_its_form():
    assert run._notes(None) == ()
    assert run._notes(["a", "b"]) == ("a", "b")
    assert run._notes("a\nb\n") == ("a", "b")


def test_materialize_refuses_periods_outside_the_partitions_before_any_run(city, instance):
    first, last = run.partition_range()
    assert first == "2017-01" and run.unknown_periods([first, last]) == []
    assert run.unknown_periods(["2016-12", "2018-03", "2031-01"]) == ["2016-12", "2031-01"]
    with pytest.raises(ValueError, match=rf"2031-01: outside the Dagster partitions, which run from 2017-01 to {last}"):
        run.materialize(city, ["2018-03", "2031-01"], instance=instance)
    assert instance.get_runs() == [] and not city.landed.exists()


def test_a_backfill_is_released_as_of_the_date_given(city, instance):
    import duckdb

    outcome = run.materialize(city, ["2017-12"], instance=instance, as_of="2018-01-20")
    assert outcome.success, outcome
    with duckdb.connect(str(city.warehouse), read_only=True) as con:
        released = con.execute("SELECT strftime(released AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') FROM vintage.releases").fetchall()
        first = con.execute("SELECT strftime(released AT TIME ZONE 'UTC', '%Y-%m-%d') FROM mart.revisions "
                            "WHERE indicator = 'output_value' AND report = 'monthly'").fetchall()
    assert released == [("2018-01-20 00:00",)] and first == [("2018-01-20",)]


def test_as_of_must_be_a_date(city):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "sei_stats.pipelines.cli", "materialize", "--period", "2017-12",
                           "--as-of", "July 2019"], env={"SEI_DATA_DIR": str(city.root), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--as-of 'July 2019' is not a date YYYY-MM-DD" in done.stderr
    assert not city.landed.exists()  # refused before anything ran
