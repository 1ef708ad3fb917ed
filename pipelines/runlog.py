"""The run record: one JSON file per CLI run that changes or publishes something, under SEI_DATA_DIR/logs/.

The Dagster instance records its runs, but not the command line around them (which periods were asked for,
how a refusal or a crash ended, how long the whole took): the record answers "what did last night's run do"
without the UI. It is written when the command starts (outcome "running": a killed run leaves that) and again
when it ends. Plain JSON, no Dagster: reading commands (`sei-stats runs --log`) load no job code.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sei_stats.config import DataPaths

LOGS = "logs"
OK, FAILED, STOPPED, RUNNING = "ok", "failed", "stopped", "running"


def logs_dir(paths: DataPaths) -> Path:
    return paths.root / LOGS


def _utc(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class RunRecord:
    """What one CLI run did; ``write`` puts it in its file (named by the UTC start and the process id)."""

    paths: DataPaths
    argv: list[str]
    command: str
    periods: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    ended: float | None = None
    outcome: str = RUNNING
    exit_code: int | None = None
    error: str | None = None
    landings: list[dict] = field(default_factory=list)   # each landed period: its lines and buckets
    dagster_run_ids: list[str] = field(default_factory=list)
    pid: int = field(default_factory=os.getpid)

    @property
    def path(self) -> Path:
        # to the microsecond: two commands of one process (a test, a script calling main()) never share a file
        stamp = datetime.fromtimestamp(self.started, timezone.utc).strftime("%Y%m%dT%H%M%S.%f")
        return logs_dir(self.paths) / f"{stamp}Z-{self.pid}.json"

    def add_periods(self, periods) -> None:
        self.periods += [str(p) for p in periods if str(p) not in self.periods]

    def add_run(self, step) -> None:
        """A run of pipelines/run.py (a RunOutcome): its Dagster run id, and a landing's buckets."""
        if step.run_id and step.run_id not in self.dagster_run_ids:
            self.dagster_run_ids.append(step.run_id)
        if hasattr(step, "buckets"):  # a Landing or an AnnualLanding
            self.landings.append({
                "period": step.period, "annual": type(step).__name__ == "AnnualLanding", "success": step.success,
                "skipped": step.skipped, "rows_received": step.rows_received, "buckets": dict(step.buckets),
                "error": step.error, "run_id": step.run_id})

    def fail(self, message: str) -> None:
        """The error the run ends with (the first said is kept: later ones are its consequences)."""
        self.error = self.error or message

    def finish(self, exit_code: int, *, stopped: bool = False, error: str | None = None) -> None:
        self.ended, self.exit_code = time.time(), exit_code
        if error:
            self.fail(error)
        self.outcome = STOPPED if stopped else OK if exit_code == 0 else FAILED
        if self.outcome == FAILED and not self.error:
            self.error = f"exit code {exit_code}"

    def as_json(self) -> dict:
        return {
            "command": self.command, "argv": self.argv, "data_dir": str(self.paths.root), "periods": self.periods,
            "started_utc": _utc(self.started), "ended_utc": _utc(self.ended) if self.ended else None,
            "seconds": round(self.ended - self.started, 3) if self.ended else None,
            "outcome": self.outcome, "exit_code": self.exit_code, "error": self.error, "pid": self.pid,
            "landings": self.landings, "dagster_run_ids": self.dagster_run_ids,
        }

    def write(self) -> Path | None:
        """Write the record (replacing its earlier state whole); a data folder that cannot take it is said on
        stderr and the command goes on: the record must never fail the run it records."""
        target = self.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".json.partial")
            partial.write_text(json.dumps(self.as_json(), ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(partial, target)
            return target
        except OSError as err:
            print(f"sei-stats: the run record {target} could not be written: {err}", file=sys.stderr, flush=True)
            return None


def read_records(paths: DataPaths, last: int) -> list[dict]:
    """The last ``last`` run records of the data folder, oldest first; a file that is no record is left out."""
    folder = logs_dir(paths)
    if not folder.is_dir():
        return []
    records = []
    for path in sorted(folder.glob("*.json"))[-last:] if last > 0 else []:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict):
            records.append(record | {"file": path.name})
    return records
