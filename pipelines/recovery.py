"""Runs that recover: a run that died never blocks the next.

The CLI runs jobs in-process, where no Dagster daemon watches them: a run killed with SIGKILL stays
STARTED and keeps its slot in the pool ``sei_duckdb`` (limit 1), and every later run waits for it
forever. So every CLI run is tagged with its process and machine; before it submits anything, the
CLI marks failed the runs of this instance whose process is gone and frees their slots, and it
waits for a slot held by a live run only for a configured time, naming the run that holds it.
Runs started from the UI are watched by Dagster's run monitoring (enabled in dagster.yaml).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg

from sei_stats.processes import pid_alive

TAG_PID, TAG_HOST = "sei/pid", "sei/host"
UNFINISHED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


class PoolBusy(RuntimeError):
    """A live run holds the pool's slot longer than the wait allowed."""


@dataclass(frozen=True)
class Recovered:
    run_id: str
    job: str
    pid: str
    why: str


def run_tags() -> dict[str, str]:
    """The tags that let a later run tell whether this run's process is still alive."""
    return {TAG_PID: str(os.getpid()), TAG_HOST: socket.gethostname()}


def _dead(run: dg.DagsterRun, *, also_pid: int | None = None) -> bool:
    pid, host = run.tags.get(TAG_PID), run.tags.get(TAG_HOST)
    if not pid or host != socket.gethostname():
        return False  # not a CLI run of this machine: run monitoring's business
    return int(pid) == also_pid or not pid_alive(int(pid))


def recover_dead_runs(instance: dg.DagsterInstance, *, also_pid: int | None = None) -> list[Recovered]:
    """Mark failed every unfinished CLI run whose process is gone (or is ``also_pid``, a run being stopped),
    free the pool slots it held, and free slots held by runs that are over."""
    recovered = []
    for record in instance.get_run_records(dg.RunsFilter(statuses=UNFINISHED)):
        run = record.dagster_run
        if _dead(run, also_pid=also_pid):
            why = "stopped" if int(run.tags[TAG_PID]) == also_pid else f"its process {run.tags[TAG_PID]} is gone"
            instance.report_run_failed(run, message=f"sei-stats: {why}; marked failed and its pool slots freed")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            recovered.append(Recovered(run.run_id, run.job_name, run.tags[TAG_PID], why))
    for run_id in _slot_holders(instance):
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
    return recovered


def _slot_holders(instance: dg.DagsterInstance) -> set[str]:
    return set(instance.event_log_storage.get_concurrency_run_ids())


def holders(instance: dg.DagsterInstance, pool: str) -> list[dg.DagsterRun]:
    """The unfinished runs that hold a slot of ``pool``."""
    info = instance.event_log_storage.get_concurrency_info(pool)
    runs = [instance.get_run_by_id(slot.run_id) for slot in info.claimed_slots]
    return [r for r in runs if r is not None and not r.is_finished]


def describe(run: dg.DagsterRun) -> str:
    return f"run {run.run_id} ({run.job_name}, process {run.tags.get(TAG_PID, '?')} on {run.tags.get(TAG_HOST, '?')})"


def wait_for_pool(instance: dg.DagsterInstance, pool: str, timeout: float, say: Callable[[str], None],
                  poll: float = 1.0) -> None:
    """Return once no live run holds ``pool``; say who holds it while waiting; PoolBusy after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    told = set()
    while True:
        recover_dead_runs(instance)
        busy = holders(instance, pool)
        if not busy:
            return
        for run in busy:
            if run.run_id not in told:
                say(f"waiting for pool {pool}: held by {describe(run)} (at most {timeout:.0f} s)")
                told.add(run.run_id)
        if time.monotonic() >= deadline:
            raise PoolBusy(f"pool {pool} is still held by {', '.join(describe(r) for r in busy)} after {timeout:.0f} s; "
                           f"if that process is gone, `sei-stats runs --recover` frees it (docs/operations.md)")
        time.sleep(poll)
