"""The reporting calendar in Dagster and the CLI: a January that is no report period is refused (the CLI, exit 2),
skipped (its partition lands nothing), and the schedule does nothing on its February run."""

import datetime as dt
import shutil

import dagster as dg
import pytest

from sei_stats.pipelines import cli, definitions, run
from sei_stats.pipelines.resources import SeiData
from sei_stats.pipelines.schedules import monthly_schedule

from conftest import CITY, make_data_dir, set_calendar

JANUARY = "2018-01"


@pytest.fixture
def instance():
    with dg.DagsterInstance.ephemeral() as instance:
        yield instance


@pytest.fixture
def with_january(tmp_path):
    """The test city with a January folder (a copy of 2018-03's return, relabelled), under the default calendar."""
    paths = make_data_dir(tmp_path / "data")
    folder = paths.returns / JANUARY
    folder.mkdir()
    text = (paths.returns / "2018-03" / "returns.csv").read_text(encoding="utf-8")
    (folder / "returns.csv").write_text(text.replace("2018-03", JANUARY), encoding="utf-8")
    return paths


def _tick(when: dt.datetime, paths):
    with dg.build_schedule_context(scheduled_execution_time=when,
                                   resources={"sei_data": SeiData(data_dir=str(paths.root))}) as context:
        return monthly_schedule(context)


def test_the_schedule_does_nothing_on_its_february_run_and_runs_1_2月_in_march(tmp_path):
    paths = make_data_dir(tmp_path / "data", {})
    skipped = _tick(dt.datetime(2020, 2, 10, 6), paths)
    assert isinstance(skipped, dg.SkipReason)
    assert skipped.skip_message.startswith("2020-01: January is not a report period (calendar.january_reported is false")
    assert "its returns belong in 2020-02 as 1–2月; nothing to run" in skipped.skip_message
    for when, period in ((dt.datetime(2020, 3, 10, 6), "2020-02"), (dt.datetime(2020, 4, 10, 6), "2020-03"),
                         (dt.datetime(2021, 1, 10, 6), "2020-12")):
        request = _tick(when, paths)
        assert isinstance(request, dg.RunRequest)
        assert (request.partition_key, request.run_key) == (period, period)
    set_calendar(paths, january_reported=True)  # the data folder's own setting
    request = _tick(dt.datetime(2020, 2, 10, 6), paths)
    assert isinstance(request, dg.RunRequest) and request.partition_key == "2020-01"
    schedule = definitions.defs.resolve_schedule_def("sei_monthly_on_the_10th")
    assert (schedule.cron_schedule, schedule.job_name) == ("0 6 10 * *", "sei_monthly")


def test_a_january_partition_lands_nothing_and_says_why(with_january, instance):
    landing = run.land(instance, JANUARY, paths=with_january)
    assert landing.success and landing.rows_received is None and landing.buckets == {}
    assert landing.skipped.startswith(f"{JANUARY}: January is not a report period (calendar.january_reported is false")
    assert landing.skipped.endswith("its returns belong in 2018-02 as 1–2月; nothing landed")
    assert landing.notes == (landing.skipped,)
    assert not with_january.landed_month_dir(JANUARY).exists()
    [observation] = instance.fetch_observations(dg.AssetKey("monthly_returns"), limit=10).records
    assert observation.partition_key == JANUARY
    assert observation.asset_observation.metadata["skipped"].value == landing.skipped
    assert {c.check for c in landing.failed_checks} == set()  # nothing landed, nothing wrong with it


def test_the_monthly_job_of_a_january_partition_publishes_nothing(with_january, instance):
    job = definitions.defs.resolve_job_def("sei_monthly")
    result = job.execute_in_process(instance=instance, partition_key=JANUARY, raise_on_error=False,
                                    run_config={**run.QUIET, "resources": {"sei_data": {"config": {"data_dir": str(with_january.root)}}}})
    assert result.success
    assert [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()] == ["guidance_catalog"]
    skipped = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"}
    assert {"reclassified_history", "warehouse_marts", "briefing_charts", "quality_reports"} <= skipped
    assert not with_january.landed.exists() and not with_january.warehouse.exists()


def test_with_january_reported_the_january_partition_lands(with_january, instance):
    set_calendar(with_january, january_reported=True)
    landing = run.land(instance, JANUARY, paths=with_january)
    assert landing.success and landing.skipped is None and landing.rows_received == 2
    assert with_january.landed_month(JANUARY).exists()


def test_materialize_refuses_a_january_period_before_any_run(with_january, instance):
    with pytest.raises(ValueError, match=r"^2018-01: January is not a report period .*nothing was landed$"):
        run.materialize(with_january, ["2018-03", JANUARY], instance=instance)
    assert not with_january.landed.exists()


def test_cli_period_january_is_refused_with_exit_2(with_january, monkeypatch, capsys):
    monkeypatch.setenv("SEI_DATA_DIR", str(with_january.root))
    assert cli.main(["materialize", "--period", "2018-03", "--period", JANUARY]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.splitlines() == [(
        f"sei-stats: --period {JANUARY}: January is not a report period (calendar.january_reported is false in "
        f"src/sei_stats/defaults.yaml; set it to true in {with_january.settings_yaml} to report 1月): its returns "
        "belong in 2018-02 as 1–2月; nothing was landed")]
    assert not with_january.landed.exists() and not with_january.dagster_home.exists()


def test_cli_all_lists_the_january_folder_and_exits_2_with_nothing_landed(with_january, monkeypatch, capsys):
    monkeypatch.setenv("SEI_DATA_DIR", str(with_january.root))
    assert cli.main(["materialize", "--all"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"sei-stats: 1 problem(s) under {with_january.returns}; nothing was landed (`--lenient` lands "
                      "the report periods and warns of these):")
    assert err[1] == (f"  {with_january.returns / JANUARY}: January is not a report period (calendar.january_reported "
                      f"is false in src/sei_stats/defaults.yaml; set it to true in {with_january.settings_yaml} to "
                      "report 1月): its returns belong in 2018-02 as 1–2月")
    assert not with_january.landed.exists() and not with_january.dagster_home.exists()


def test_cli_all_lenient_warns_and_does_not_read_the_january_folder(with_january, tmp_path, monkeypatch, capsys):
    only = make_data_dir(tmp_path / "small", {"2018-03": CITY["2018-03"]})  # a city of one month, plus January
    shutil.copytree(with_january.returns / JANUARY, only.returns / JANUARY)
    monkeypatch.setenv("SEI_DATA_DIR", str(only.root))
    assert cli.main(["materialize", "--all", "--lenient"]) == 0
    out = capsys.readouterr().out
    assert f"warning: {only.returns / JANUARY}: January is not a report period" in out
    assert "[1/1] 2018-03: landed 2 lines (accepted 2)" in out
    assert only.landed_periods() == ["2018-03"] and not only.landed_month_dir(JANUARY).exists()


def test_cli_review_of_a_january_that_is_no_report_period_is_refused(with_january, monkeypatch, capsys):
    monkeypatch.setenv("SEI_DATA_DIR", str(with_january.root))
    assert cli.main(["review", "--period", JANUARY]) == 2
    assert capsys.readouterr().err.startswith(f"sei-stats: --period {JANUARY}: January is not a report period")
