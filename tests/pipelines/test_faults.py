"""Fault injection: a run killed at each stage, a dead run's pool slot, a publish that fails its
verification, an analyst writing to the published file, two runs at once. Each time the previous
publication stays intact, the next run completes within a bound, and the figures equal a clean run's."""

import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from conftest import make_data_dir
from sei_stats import publish as publishing
from sei_stats.land import land_month
from sei_stats.warehouse import PublishError

BIN = Path(sys.executable).parent
BOUND = 180  # seconds a run after a crash may take at most (a clean one takes about 15)


def cli(paths, *args: str, crash_at: str | None = None, timeout: float = BOUND) -> subprocess.CompletedProcess:
    env = {**os.environ, "SEI_DATA_DIR": str(paths.root), "DAGSTER_HOME": str(paths.dagster_home)}
    env.pop("SEI_CRASH_AT", None)
    if crash_at:
        env["SEI_CRASH_AT"] = crash_at
    return subprocess.run([str(BIN / "sei-stats"), *args], capture_output=True, text=True, env=env, timeout=timeout)


def marts(path: Path) -> dict[str, list]:
    """Every mart of the figures in the analysts' file, rows sorted (read in a fresh process: this one may hold an old
    file). mart.revisions is left out: it records the publishes themselves, so its vintage ids and release times
    differ from run to run by design (tests/warehouse/test_publish_vintages.py covers it)."""
    code = ("import duckdb, json, sys\n"
            "con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "names = [n for n, in con.execute(\"SELECT table_name FROM duckdb_tables() WHERE schema_name = 'mart' \"\n"
            "                                 \"AND table_name <> 'revisions'\").fetchall()]\n"
            "print(json.dumps({n: sorted(map(str, con.execute(f'FROM mart.{n}').fetchall())) for n in names}))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    import json
    return json.loads(out.stdout)


def leftovers(paths) -> list[str]:
    return sorted(p.name for p in paths.root.rglob(".*") if p.name.endswith((".building", ".partial", ".building.wal")))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The figures of a clean run over the whole small city."""
    paths = make_data_dir(tmp_path_factory.mktemp("clean") / "data")
    assert cli(paths, "materialize", "--all").returncode == 0
    return marts(paths.warehouse)


@pytest.mark.parametrize("point", ["landing", "building", "between_replaces", "charts"])
def test_a_run_killed_at_each_stage_leaves_the_publication_and_the_next_run_completes(tmp_path, clean, point):
    paths = make_data_dir(tmp_path / "data")
    assert cli(paths, "materialize", "--period", "2017-12", "--period", "2018-03").returncode == 0
    before = paths.warehouse.read_bytes()

    killed = cli(paths, "materialize", "--period", "2018-12", crash_at=point)
    assert killed.returncode == -9, killed.stdout + killed.stderr
    if point != "charts":  # killed before the analysts' file moved: the previous one, byte for byte
        assert paths.warehouse.read_bytes() == before
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:  # and whole either way
        assert con.execute("SELECT count(DISTINCT publish_id) FROM ref.publish").fetchone() == (1,)

    started = time.monotonic()
    again = cli(paths, "materialize", "--period", "2018-12")
    assert again.returncode == 0, again.stdout + again.stderr
    assert time.monotonic() - started < BOUND
    assert marts(paths.warehouse) == clean
    assert leftovers(paths) == []
    with dg.DagsterInstance.from_config(str(paths.dagster_home)) as instance:
        unfinished = instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
        assert unfinished == []


def test_a_dead_runs_pool_slot_is_freed_and_said(tmp_path):
    paths = make_data_dir(tmp_path / "data")
    killed = cli(paths, "materialize", "--period", "2017-12", crash_at="building")  # dies holding the slot
    assert killed.returncode == -9
    again = cli(paths, "materialize", "--period", "2017-12", timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "marked failed" in again.stdout and "is gone" in again.stdout


def test_a_publish_that_fails_verification_changes_nothing(city, monkeypatch):
    for period in ("2017-12", "2018-03"):
        land_month(city, period)
    first = publishing.publish(city)
    before = {p: p.read_bytes() for p in (first.path, first.detail)}
    land_month(city, "2018-12")

    def refuse(con, stored):
        raise PublishError("the conservation identity fails in 2018-12")
    monkeypatch.setattr(publishing, "verify", refuse)
    with pytest.raises(PublishError, match="conservation identity"):
        publishing.publish(city)
    assert {p: p.read_bytes() for p in before} == before
    assert leftovers(city) == []


def test_an_analyst_writing_to_the_published_file_breaks_nothing(city):
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    published = publishing.publish(city)
    expected = marts(published.path)
    # an analyst opens the published file read-write, writes a table and keeps the connection open
    code = ("import duckdb, sys, time\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "con.execute('CREATE TABLE main.mine AS SELECT 42 AS answer')\n"
            "print('written', flush=True)\n"
            "time.sleep(60)")
    analyst = subprocess.Popen([sys.executable, "-c", code, str(published.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert analyst.stdout.readline().strip() == "written"
        again = publishing.publish(city)
    finally:
        analyst.kill()
        analyst.wait()
    assert marts(again.path) == expected
    if Path(f"{again.path}.wal").exists() or any("moved aside" in n for n in again.notes):
        assert any(p.name.startswith("sei.duckdb.wal.orphaned-") for p in again.path.parent.iterdir())


def test_two_runs_at_once_both_complete_with_the_clean_figures(tmp_path, clean):
    paths = make_data_dir(tmp_path / "data")
    env = {**os.environ, "SEI_DATA_DIR": str(paths.root), "DAGSTER_HOME": str(paths.dagster_home)}
    runs = [subprocess.Popen([str(BIN / "sei-stats"), "materialize", "--all"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=2 * BOUND)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert marts(paths.warehouse) == clean
    assert leftovers(paths) == []


def test_sigterm_stops_a_run_cleanly_and_the_next_run_completes(tmp_path, clean):
    paths = make_data_dir(tmp_path / "data")
    env = {**os.environ, "SEI_DATA_DIR": str(paths.root), "DAGSTER_HOME": str(paths.dagster_home)}
    env.pop("SEI_CRASH_AT", None)
    running = subprocess.Popen([str(BIN / "sei-stats"), "materialize", "--all"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in running.stdout:  # stop it once every month has landed (in any order, in parallel): during the publish
        seen.append(line)
        if sum(s.startswith(("[1/3]", "[2/3]", "[3/3]")) for s in seen) == 3:
            running.terminate()
            break
    rest = running.communicate(timeout=60)[0]
    assert running.returncode == 130, "".join(seen) + rest
    assert "stopped; the published files are those of the last publish that completed" in rest
    assert leftovers(paths) == []
    with dg.DagsterInstance.from_config(str(paths.dagster_home)) as instance:
        assert instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])) == []
    again = cli(paths, "materialize", "--all")
    assert again.returncode == 0, again.stdout + again.stderr
    assert marts(paths.warehouse) == clean
