"""Published files that wait: a verified build that could not replace the file in place.

On Windows, os.replace onto a file another program holds open (an analyst's DuckDB client, DBeaver, Excel's
ODBC link) raises PermissionError. The publish then keeps its verified build beside the target, in
``warehouse/pending/``: ``<name>.<publish id>`` (the build) and ``<name>.<publish id>.json`` (what it replaces,
for which publish, since when, why). The next publish, at its start, and ``sei-stats publish`` move it into place
once the file is free. Whatever the OS: it is the PermissionError path.

Rules (docs/operations.md, "A file held open"):

- A pending build counts only once warehouse/publishes.jsonl logs its publish (as a vintage does); one of a
  publish that died before its log is removed.
- Only the newest build of a file waits: a newer publish removes an older pending build of the same file once
  its own is in place or pending; a build no newer than the file in place (its ref.publish) is removed.
- The analysts' file is never ahead of the detail file: when the detail file waits, the analysts' file of the same
  publish waits with it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
from filelock import FileLock

from .processes import replace_with_text

FOLDER = "pending"
HELD = "在分析人员打开时无法替换 / held open by another program"
RECORD = ".json"


def move_published(built: Path, target: Path) -> None:
    """The one move of a build onto a published file (tests replace it to simulate a file held open).

    Raises PermissionError on Windows while another program holds ``target`` open."""
    os.replace(built, target)


def move_into_place(built: Path, target: Path, publish_id: str) -> list[str]:
    """Move the built file onto the published path. A WAL left at the target by a connection that wrote to the
    old file would be replayed onto the new one: it is moved aside, and said. PermissionError when the target
    (or that WAL) is held open; the target is then unchanged."""
    notes = []
    stray = Path(f"{target}.wal")
    if stray.exists():
        aside = stray.with_name(f"{stray.name}.orphaned-{publish_id}")
        os.replace(stray, aside)
        notes.append(f"{stray} (writes of a read-write connection to the previous file) moved aside to {aside.name}")
    move_published(built, target)
    Path(f"{built}.wal").unlink(missing_ok=True)
    return notes


@dataclass(frozen=True)
class Waiting:
    """A verified build waiting to replace a published file."""

    target: Path       # the published file it replaces
    build: Path        # the build, warehouse/pending/<name>.<publish id>
    publish_id: str
    since: str         # when it was kept (UTC, ISO)
    why: str           # the error of the move, or what it waits for
    pid: int           # the process of the publish that kept it

    @property
    def record(self) -> Path:
        return self.build.with_name(self.build.name + RECORD)

    def line(self) -> str:
        return (f"warning: {self.target.name} {HELD}: the new build of publish {self.publish_id} waits as "
                f"{self.build} (since {self.since}; {self.why}); the next publish or `sei-stats publish` moves it "
                "into place once the file is free")


def folder(target: Path) -> Path:
    return target.parent / FOLDER


def _lock(target: Path) -> FileLock:
    where = folder(target)
    where.mkdir(parents=True, exist_ok=True)
    return FileLock(str(where / ".lock"))


def park(built: Path, target: Path, publish_id: str, why: str) -> Waiting:
    """Keep the verified ``built`` file in warehouse/pending/ as the build waiting to replace ``target``."""
    with _lock(target):
        build = folder(target) / f"{target.name}.{publish_id}"
        os.replace(built, build)  # within the warehouse folder; nobody holds a build open
        Path(f"{built}.wal").unlink(missing_ok=True)
        waiting = Waiting(target=target, build=build, publish_id=publish_id,
                          since=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), why=why, pid=os.getpid())
        _write_json(waiting.record, {"replaces": str(target), "build": build.name, "publish_id": publish_id,
                                     "since": waiting.since, "why": why, "pid": waiting.pid})
    return waiting


def _write_json(path: Path, data: dict) -> None:
    replace_with_text(path, json.dumps(data, ensure_ascii=False, indent=1))


def waiting(target: Path) -> list[Waiting]:
    """The builds waiting to replace ``target``, oldest publish first."""
    where = folder(target)
    found = []
    for record in sorted(where.glob(f"{target.name}.*{RECORD}")) if where.is_dir() else []:
        data = json.loads(record.read_text(encoding="utf-8"))
        found.append(Waiting(target=target, build=where / data["build"], publish_id=data["publish_id"],
                             since=data["since"], why=data["why"], pid=int(data["pid"])))
    return sorted(found, key=lambda w: w.publish_id)


def _remove(item: Waiting) -> None:
    item.build.unlink(missing_ok=True)
    Path(f"{item.build}.wal").unlink(missing_ok=True)
    item.record.unlink(missing_ok=True)


def publish_in_place(target: Path) -> str | None:
    """The publish id the published file holds (ref.publish), None when there is no file. duckdb.Error when it
    cannot be read (held open for writing)."""
    if not target.exists():
        return None
    with duckdb.connect(str(target), read_only=True) as con:
        return con.execute("SELECT max(publish_id) FROM ref.publish").fetchone()[0]


def drop_superseded(targets: list[Path], publish_id: str) -> list[str]:
    """Remove every build of ``targets`` waiting from a publish older than ``publish_id`` (once that publish's own
    file is in place or pending)."""
    notes = []
    for target in targets:
        if not folder(target).is_dir():  # nothing ever waited
            continue
        with _lock(target):
            for item in waiting(target):
                if item.publish_id < publish_id:
                    _remove(item)
                    notes.append(f"removed the pending build of {target.name} of publish {item.publish_id}: "
                                 f"publish {publish_id} supersedes it")
    return notes


def apply(targets: list[Path], logged: set[str], alive, vintages: Path | None = None) -> tuple[list[str], list[Waiting]]:
    """Move each file's newest pending build into place, ``targets`` in order (the detail file first); what was
    done and what still waits.

    ``logged``: the publishes warehouse/publishes.jsonl logs; ``alive(pid)``: whether a process lives (a publish
    still running keeps its build until it logs). ``vintages``: the vintages folder, whose manifests say when a
    waiting file was moved."""
    notes: list[str] = []
    still: list[Waiting] = []
    for target in targets:
        if not folder(target).is_dir():  # nothing ever waited
            continue
        with _lock(target):
            candidates = []
            for item in waiting(target):
                if item.publish_id in logged:
                    candidates.append(item)
                elif not alive(item.pid):
                    _remove(item)
                    notes.append(f"removed the pending build of {target.name} of publish {item.publish_id}: "
                                 "its publish never completed")
            for item in candidates[:-1]:  # only the newest waits
                _remove(item)
                notes.append(f"removed the pending build of {target.name} of publish {item.publish_id}: "
                             f"publish {candidates[-1].publish_id} supersedes it")
            orphans = {p for p in folder(target).glob(f"{target.name}.*")
                       if not p.name.endswith(RECORD) and not p.name.endswith(".wal")} - {i.build for i in waiting(target)}
            for orphan in orphans:  # a build whose record was never written: its publish died before logging
                orphan.unlink(missing_ok=True)
                notes.append(f"removed {orphan.name}: a pending build without its record (its publish died)")
            if not candidates:
                continue
            newest = candidates[-1]
            if still and newest.publish_id >= still[0].publish_id:  # the detail file waits: never get ahead of it
                still.append(newest)
                continue
            try:
                in_place = publish_in_place(target)
            except duckdb.Error as err:
                still.append(_waits(newest, f"cannot read the file in place to compare: {err}"))
                continue
            if in_place is not None and in_place >= newest.publish_id:
                _remove(newest)
                notes.append(f"removed the pending build of {target.name} of publish {newest.publish_id}: "
                             f"the file in place holds publish {in_place}")
                continue
            try:
                notes += move_into_place(newest.build, target, newest.publish_id)
            except PermissionError as err:
                still.append(_waits(newest, str(err)))
                continue
            newest.record.unlink(missing_ok=True)
            notes.append(f"moved the pending build of publish {newest.publish_id} into place as {target} "
                         f"(waiting since {newest.since})")
            if vintages is not None:
                mark_vintage(vintages, newest.publish_id, target.name, None)
    return notes, still


def _waits(item: Waiting, why: str) -> Waiting:
    return Waiting(target=item.target, build=item.build, publish_id=item.publish_id, since=item.since, why=why,
                   pid=item.pid)


def mark_vintage(vintages: Path, publish_id: str, name: str, since: str | None) -> None:
    """Say in the vintage's manifest that its file ``name`` waits (since ``since``) or, with None, when it was moved
    into place: a release whose analysts' file waits is not yet what analysts see."""
    manifest = vintages / publish_id / "vintage.json"
    if not manifest.exists():
        return
    data = json.loads(manifest.read_text(encoding="utf-8"))
    if since is not None:
        data.setdefault("waiting", {})[name] = since
    elif name in data.get("waiting", {}):
        del data["waiting"][name]
        data.setdefault("moved_into_place", {})[name] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    else:
        return
    _write_json(manifest, data)
