"""Many months landed at once (issue 12, part 3): `materialize` lands them in one run of sei_land_months with
Dagster's multiprocess executor, at most runs.landing_max_concurrent at a time, on a persistent instance; and the
Celery deployment of deploy/celery (part 4), its configuration loaded with Dagster itself (no cluster is started)."""

import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from sei_stats import settings
from sei_stats.config import REPO_ROOT
from sei_stats.pipelines import run
from sei_stats.pipelines.instance import dagster_yaml
from sei_stats.pipelines.recovery import TAG_PID, UNFINISHED
from sei_stats.vocabulary import LANDING_BUCKETS

from conftest import CITY, make_data_dir, return_rows, write_csv

BIN = Path(sys.executable).parent
DEPLOY = REPO_ROOT / "deploy" / "celery"

# Six report periods: the hand-computed city's three, and three more months of 2018 with March's lines.
SIX = {**CITY, "2018-04": CITY["2018-03"], "2018-05": CITY["2018-03"], "2018-06": CITY["2018-03"]}
PERIODS = sorted(SIX)


def persistent(home: Path, paths) -> dg.DagsterInstance:
    """An instance on disk, with the dagster.yaml sei-stats writes (the multiprocess executor needs one)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(dagster_yaml(paths), encoding="utf-8")
    return dg.DagsterInstance.from_config(str(home))


def landed_rows(paths, period: str) -> list[tuple]:
    """The current landing of a period, line by line, without the column that names the landing itself."""
    landing = str(paths.landed_month(period))
    return duckdb.execute("SELECT * EXCLUDE (landing_id) FROM read_parquet(?)", [landing]).fetchall()


def steps_at_once(instance: dg.DagsterInstance, run_id: str) -> int:
    """The most landing steps of a run that were running at the same time, from its event log."""
    edges = []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not (event.step_key or "").startswith(("land_month_step", "land_year_step")):
            continue
        if event.event_type_value == "STEP_WORKER_STARTING":
            edges.append((entry.timestamp, 1))
        elif event.is_step_success or event.is_step_failure:
            edges.append((entry.timestamp, -1))
    running = most = 0
    for _, change in sorted(edges, key=lambda edge: (edge[0], edge[1])):
        running += change
        most = max(most, running)
    return most


def test_parallel_landing_gives_the_buckets_of_serial_landing_and_shows_in_the_instance(tmp_path):
    parallel = make_data_dir(tmp_path / "parallel", SIX)
    serial = make_data_dir(tmp_path / "serial", SIX)
    told = []
    with persistent(tmp_path / "dagster_home", parallel) as instance:
        outcome = run.materialize(parallel, PERIODS, instance=instance, progress=told.append, max_concurrent=2)
        [land_run] = instance.get_runs(dg.RunsFilter(job_name=run.LAND_MANY_JOB))
        assert land_run.status == dg.DagsterRunStatus.SUCCESS and land_run.tags[TAG_PID] == str(os.getpid())
        assert {r.job_name for r in instance.get_runs()} == {"sei_catalog", run.LAND_MANY_JOB, "sei_publish"}
        assert steps_at_once(instance, land_run.run_id) == 2  # two months at a time, never more
        # each month a materialization of the asset's partition, with its checks, as the asset itself records them
        assert instance.get_materialized_partitions(dg.AssetKey("monthly_returns")) == set(PERIODS)
        checks = [e.dagster_event.event_specific_data for e in instance.all_logs(land_run.run_id)
                  if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"]
        assert len(checks) == 2 * len(PERIODS) and all(c.passed for c in checks)
        assert {c.partition for c in checks} == set(PERIODS)
    with dg.DagsterInstance.ephemeral() as ephemeral:
        one_by_one = [run.land(ephemeral, period, paths=serial) for period in PERIODS]

    assert [landing.period for landing in outcome.landings] == PERIODS  # in the order asked
    assert all(landing.success and landing.job == run.LAND_MANY_JOB for landing in outcome.landings), outcome.failures
    for landing, expected in zip(outcome.landings, one_by_one, strict=True):
        assert (landing.rows_received, landing.buckets, landing.notes, landing.failed_checks) == \
               (expected.rows_received, expected.buckets, expected.notes, expected.failed_checks)
        assert tuple(landing.buckets) == LANDING_BUCKETS and landing.seconds > 0
        assert landed_rows(parallel, landing.period) == landed_rows(serial, landing.period)
    # told: the catalog, each landing once as it ended, then the publish over them all
    assert told[0].job == "sei_catalog" and told[-1] is outcome.publishing
    assert sorted(step.period for step in told[1:-1]) == PERIODS
    assert outcome.publishing.success, outcome.publishing.error
    assert outcome.publishing.reclassified.months == len(PERIODS)
    assert outcome.success


def test_a_failing_month_stops_no_other_and_the_others_are_published(tmp_path):
    paths = make_data_dir(tmp_path / "data", SIX)
    (paths.returns / "2018-04" / "broken.csv").write_text("period,credit_code\n2018-04,x\n", encoding="utf-8")
    with persistent(tmp_path / "dagster_home", paths) as instance:
        outcome = run.materialize(paths, PERIODS, instance=instance, max_concurrent=2)
        [land_run] = instance.get_runs(dg.RunsFilter(job_name=run.LAND_MANY_JOB))
        assert land_run.status == dg.DagsterRunStatus.FAILURE  # one step failed; the run says so
        assert instance.get_materialized_partitions(dg.AssetKey("monthly_returns")) == set(PERIODS) - {"2018-04"}
    assert [landing.success for landing in outcome.landings] == [period != "2018-04" for period in PERIODS]
    assert list(outcome.failures) == ["2018-04"]
    assert "broken.csv: line 1: missing columns" in outcome.failures["2018-04"]
    assert not paths.landed_month("2018-04").exists()
    assert all(paths.landed_month(period).exists() for period in PERIODS if period != "2018-04")
    # as one after the other: what landed is published, the failed month's previous landing (none here) stands
    assert outcome.publishing.success and outcome.publishing.reclassified.months == len(PERIODS) - 1
    assert not outcome.success


def test_annual_reports_land_beside_the_months_with_the_buckets_of_a_serial_landing(tmp_path):
    def city(root):
        paths = make_data_dir(root, {"2018-03": CITY["2018-03"], "2018-12": CITY["2018-12"]})
        write_csv(paths.annual_folder(2018) / "a.csv", return_rows("2018年报", CITY["2018-12"]))
        return paths

    parallel, serial = city(tmp_path / "parallel"), city(tmp_path / "serial")
    with persistent(tmp_path / "dagster_home", parallel) as instance:
        landings, annual = run.land_many(instance, ["2018-03", "2018-12"], ["2018"], paths=parallel, max_concurrent=2)
        assert instance.get_latest_materialization_event(dg.AssetKey("annual_returns")) is not None
    with dg.DagsterInstance.ephemeral() as ephemeral:
        expected = run.land_annual(ephemeral, "2018", paths=serial)
    [year] = annual
    assert [landing.success for landing in landings] == [True, True]
    assert isinstance(year, run.AnnualLanding) and year.success, year.error
    assert (year.period, year.rows_received, year.buckets) == ("2018", expected.rows_received, expected.buckets)
    assert year.rows_received == 4 and parallel.landed_annual_years() == ["2018"]


def test_the_setting_says_how_many_at_once_and_1_lands_one_after_the_other(tmp_path):
    paths = make_data_dir(tmp_path / "data", CITY)
    assert run.landing_max_concurrent(paths) == 2  # src/sei_stats/defaults.yaml
    paths.settings_yaml.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_yaml.write_text("runs:\n  landing_max_concurrent: 1\n", encoding="utf-8")
    assert run.landing_max_concurrent(paths) == 1
    with persistent(tmp_path / "dagster_home", paths) as instance:
        outcome = run.materialize(paths, PERIODS[:2], instance=instance)  # the setting's 1: a run per month
        assert sorted(r.job_name for r in instance.get_runs()) == ["sei_catalog", "sei_land_month", "sei_land_month",
                                                                    "sei_publish"]
    assert [landing.job for landing in outcome.landings] == ["sei_land_month"] * 2 and outcome.success
    # an ephemeral instance (no processes can share it) lands one after the other whatever the setting
    with dg.DagsterInstance.ephemeral() as ephemeral:
        again = run.materialize(paths, PERIODS[:2], instance=ephemeral, max_concurrent=2)
    assert [landing.job for landing in again.landings] == ["sei_land_month"] * 2


@pytest.mark.parametrize("value", ["0", "1.5", "true"])
def test_a_setting_that_is_no_whole_number_of_at_least_1_names_its_file(tmp_path, value):
    paths = make_data_dir(tmp_path / "data", {})
    paths.settings_yaml.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_yaml.write_text(f"runs:\n  landing_max_concurrent: {value}\n", encoding="utf-8")
    with pytest.raises(settings.SettingsError, match=f"{re.escape(str(paths.settings_yaml))}.*landing_max_concurrent"):
        run.landing_max_concurrent(paths)
    with pytest.raises(ValueError, match="max_concurrent"):
        run.materialize(paths, [], max_concurrent=0)


def test_sigterm_while_months_land_stops_the_run_cleanly_and_publishes_nothing(tmp_path):
    city = {f"2018-{month:02d}": CITY["2018-12"] for month in range(2, 13)}
    paths = make_data_dir(tmp_path / "data", city)
    env = {**os.environ, "SEI_DATA_DIR": str(paths.root), "DAGSTER_HOME": str(paths.dagster_home)}
    env.pop("SEI_CRASH_AT", None)
    running = subprocess.Popen([str(BIN / "sei-stats"), "materialize", "--all"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in running.stdout:  # stop it once the first month has landed, while the others land
        seen.append(line)
        if line.startswith("[") and ": landed " in line:
            running.terminate()
            break
    rest = running.communicate(timeout=120)[0]
    out = "".join(seen) + rest
    assert running.returncode == 130, out
    assert "stopped; the published files are those of the last publish that completed" in out
    assert not any(line.startswith("published ") for line in out.splitlines()) and not paths.warehouse.exists()
    assert sorted(p.name for p in paths.root.rglob(".*.partial")) == []
    with dg.DagsterInstance.from_config(str(paths.dagster_home)) as instance:
        assert instance.get_run_records(dg.RunsFilter(statuses=UNFINISHED)) == []
        assert instance.get_runs(dg.RunsFilter(job_name=run.LAND_MANY_JOB))[0].status == dg.DagsterRunStatus.FAILURE
    again = subprocess.run([str(BIN / "sei-stats"), "materialize", "--all"], env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert all(f"] {period}: landed 4 lines (accepted 4" in again.stdout for period in city)
    # what landed before the stop stands and is kept (its files unchanged), the rest lands now
    assert any(f"] {period}: landed 4 lines (accepted 4; files unchanged, current landing kept)" in again.stdout
               for period in city), again.stdout


# -- deploy/celery: the distributed deployment, its configuration loaded by Dagster ------------------------------

CELERY_ENV = {"DAGSTER_POSTGRES_HOST": "postgres", "DAGSTER_POSTGRES_USER": "dagster",
              "DAGSTER_POSTGRES_PASSWORD": "dagster", "DAGSTER_POSTGRES_DB": "dagster",
              "DAGSTER_CELERY_BROKER_URL": "pyamqp://dagster:dagster@rabbitmq:5672//"}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_celery_instance_config_is_valid_with_postgres_storage(monkeypatch):
    from dagster._config import process_config, resolve_to_config_type
    from dagster._core.instance.config import dagster_instance_config
    from dagster._core.instance.ref import InstanceRef
    from dagster._serdes.config_class import class_from_code_pointer

    for name, value in CELERY_ENV.items():
        monkeypatch.setenv(name, value)
    config, custom = dagster_instance_config(str(DEPLOY))  # Dagster's instance schema: raises when invalid
    assert custom is None and set(config["storage"]) == {"postgres"}
    ref = InstanceRef.from_dir(str(DEPLOY))  # every service as Dagster would build it (nothing is connected)
    assert (ref.storage_data.module_name, ref.storage_data.class_name) == \
           ("dagster_postgres", "DagsterPostgresStorage")
    resolved = {}
    for data in (ref.storage_data, ref.run_launcher_data, ref.compute_logs_data, ref.local_artifact_storage_data):
        klass = class_from_code_pointer(data.module_name, data.class_name)  # each class's own config schema
        checked = process_config(resolve_to_config_type(klass.config_type()), data.config_dict)
        assert checked.success, (data.class_name, checked.errors)
        resolved[data.class_name] = checked.value
    # the env: sources resolve to what docker-compose.yml sets
    assert resolved["DagsterPostgresStorage"]["postgres_db"]["hostname"] == "postgres"
    assert ref.run_launcher_data.class_name == "DefaultRunLauncher"
    # a step's outputs and logs on the shared volume, which docker-compose.yml mounts in every container
    assert ref.local_artifact_storage_data.config_dict["base_dir"].startswith("/data/")
    assert config["concurrency"]["pools"]["default_limit"] == 1  # the DuckDB writers' pool, on the cluster too
    # every variable the instance and the workers read is set for every container
    env = compose()["x-sei"]["environment"]
    assert set(CELERY_ENV) <= set(env) and env["DAGSTER_HOME"] == "/opt/dagster/dagster_home"


def test_the_celery_workspace_points_at_the_code_server_of_the_compose_file():
    from dagster._core.remote_origin import GrpcServerCodeLocationOrigin
    from dagster._core.workspace.load import location_origins_from_yaml_paths

    [origin] = location_origins_from_yaml_paths([str(DEPLOY / "workspace.yaml")])
    assert isinstance(origin, GrpcServerCodeLocationOrigin)
    assert (origin.host, origin.port, origin.location_name) == ("code", 4000, "sei_stats")
    command = compose()["services"]["code"]["command"]
    assert command[command.index("-p") + 1] == "4000" and command[command.index("--location-name") + 1] == "sei_stats"
    assert command[command.index("-f") + 1] == "/opt/sei/deploy/celery/definitions.py"  # the Dockerfile's WORKDIR


def test_the_celery_code_location_runs_the_landing_steps_on_the_celery_executor(monkeypatch):
    from dagster_celery.cli import get_validated_config

    for name, value in CELERY_ENV.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("sei_celery_definitions", DEPLOY / "definitions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    defs = module.defs
    dg.Definitions.validate_loadable(defs)
    from sei_stats.pipelines.definitions import defs as local

    # the same asset graph and jobs as the code location of `make dev`
    assert defs.resolve_asset_graph().get_all_asset_keys() == local.resolve_asset_graph().get_all_asset_keys()
    assert sorted(j.name for j in defs.jobs) == sorted(j.name for j in local.jobs)
    land = defs.resolve_job_def(run.LAND_MANY_JOB)
    assert land.executor_def.name == "celery"
    assert defs.resolve_implicit_global_asset_job_def().executor_def.name == "celery"  # UI backfills
    # the workers' configuration (celery.yaml) is the celery_executor's schema, with the compose file's broker
    worker = get_validated_config(str(DEPLOY / "celery.yaml"))
    assert worker["broker"] == CELERY_ENV["DAGSTER_CELERY_BROKER_URL"]
    # a launch of sei_land_months with it validates against the job's run config schema
    run_config = {"execution": {"config": {"broker": worker["broker"], "backend": worker["backend"]}},
                  "ops": {"landing_plan": {"config": {"periods": ["2020-02", "2020-03"], "years": ["2019"]}}},
                  "resources": {"sei_data": {"config": {"data_dir": "/data"}}}}
    assert dg.validate_run_config(land, run_config)
    command = compose()["services"]["worker"]["command"]
    assert command[:3] == ["dagster-celery", "worker", "start"] and "dagster_celery.app" in command
    assert command[command.index("-y") + 1] == "/opt/dagster/dagster_home/celery.yaml"


def test_the_dockerfile_copies_what_the_compose_file_runs():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY pyproject.toml uv.lock ./" in dockerfile and "WORKDIR /opt/sei" in dockerfile
    assert dockerfile.count("uv sync --locked --no-dev") == 2  # the locked packages, then the project
    for name in ("dagster.yaml", "workspace.yaml", "celery.yaml"):
        assert f"deploy/celery/{name}" in dockerfile and (DEPLOY / name).exists()
    locked = {p["name"]: p["version"] for p in tomllib.loads((REPO_ROOT / "uv.lock").read_text(encoding="utf-8"))["package"]
              if "version" in p}
    assert locked["dagster-celery"] == locked["dagster-postgres"]  # both locked, as one release of the integrations
    services = compose()["services"]
    assert {"postgres", "rabbitmq", "code", "webserver", "daemon", "worker"} <= set(services)
    assert compose()["x-sei"]["build"] == {"context": "../..", "dockerfile": "deploy/celery/Dockerfile"}


def test_the_plan_of_sei_land_months_refuses_what_is_no_partition_before_any_landing():
    from sei_stats.pipelines.jobs import LandingPlanConfig, landing_plan

    planned = list(landing_plan(LandingPlanConfig(periods=["2018-03", "2018-12"], years=["2018"])))
    assert [(o.output_name, o.mapping_key, o.value) for o in planned] == [
        ("month", "2018_03", "2018-03"), ("month", "2018_12", "2018-12"), ("year", "2018", "2018")]
    with pytest.raises(ValueError, match=r"2031-01, annual 2031: outside the Dagster partitions"):
        list(landing_plan(LandingPlanConfig(periods=["2018-03", "2031-01"], years=["2031"])))
