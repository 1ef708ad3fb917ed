"""Recovery of dead runs and the bounded wait for the DuckDB writers' pool, on an instance of their own."""

import os
import socket
import subprocess
import sys

import dagster as dg
from dagster._core.utils import make_new_run_id
import pytest

from sei_stats.pipelines.assets import DUCKDB_POOL
from sei_stats.pipelines.recovery import TAG_HOST, TAG_PID, PoolBusy, holders, recover_dead_runs, wait_for_pool


@pytest.fixture
def instance(tmp_path):
    (tmp_path / "dagster.yaml").write_text("concurrency:\n  pools:\n    default_limit: 1\n", encoding="utf-8")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        instance.event_log_storage.set_concurrency_slots(DUCKDB_POOL, 1)  # as the first run in the pool does
        yield instance


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid  # finished and reaped: no such process now


def started_run(instance, pid: int, host: str | None = None) -> dg.DagsterRun:
    run = dg.DagsterRun(job_name="sei_publish", run_id=make_new_run_id(), status=dg.DagsterRunStatus.STARTED,
                        tags={TAG_PID: str(pid), TAG_HOST: host or socket.gethostname()})
    instance.add_run(run)
    claim = instance.event_log_storage.claim_concurrency_slot(DUCKDB_POOL, run.run_id, "warehouse_marts")
    assert claim.is_claimed
    return run


def test_a_run_whose_process_is_gone_is_marked_failed_and_its_slot_freed(instance):
    dead = started_run(instance, _dead_pid())
    [recovered] = recover_dead_runs(instance)
    assert recovered.run_id == dead.run_id and "is gone" in recovered.why
    assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
    assert holders(instance, DUCKDB_POOL) == []


def test_a_live_run_and_another_machines_run_are_left_alone(instance):
    live = started_run(instance, os.getpid())
    elsewhere = dg.DagsterRun(job_name="sei_publish", run_id=make_new_run_id(), status=dg.DagsterRunStatus.STARTED,
                              tags={TAG_PID: str(_dead_pid()), TAG_HOST: "another-machine"})
    instance.add_run(elsewhere)
    assert recover_dead_runs(instance) == []
    assert {r.dagster_run.run_id for r in instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))} \
        == {live.run_id, elsewhere.run_id}


def test_waiting_for_a_live_holder_gives_up_naming_it(instance):
    live = started_run(instance, os.getpid())
    said = []
    with pytest.raises(PoolBusy, match=f"held by run {live.run_id}"):
        wait_for_pool(instance, DUCKDB_POOL, timeout=0.5, say=said.append, poll=0.1)
    assert len(said) == 1 and live.run_id in said[0] and f"process {os.getpid()}" in said[0]


def test_waiting_ends_when_the_holder_dies(instance):
    started_run(instance, _dead_pid())
    wait_for_pool(instance, DUCKDB_POOL, timeout=5, say=lambda text: None, poll=0.1)  # returns: recovered, not waited
    assert holders(instance, DUCKDB_POOL) == []
