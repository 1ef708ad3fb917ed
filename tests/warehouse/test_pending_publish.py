"""A published file held open (PermissionError from the move, as on Windows) never fails a publish and loses nothing
(sei_stats.pending): its verified build waits in warehouse/pending/ and the next publish or `sei-stats publish`
moves it into place.

On the small city of conftest.py, 2018-12 is first published with B at 12,000,000 千元: 500亿元; B corrected to
14,000,000: 520亿元; to 16,000,000: 540亿元.
"""

import json

import duckdb
import pytest

from sei_stats import pending
from sei_stats.land import land_month
from sei_stats.publish import move_pending, publish

from conftest import CITY, return_rows, write_csv

approx = pytest.approx


def correct_b(paths, output):
    lines = [list(line) for line in CITY["2018-12"]]
    lines[1][5] = output
    write_csv(paths.returns / "2018-12" / "returns.csv", return_rows("2018-12", lines))
    land_month(paths, "2018-12")


def held_open(monkeypatch, *names):
    """The move onto each published file of ``names`` raises PermissionError, as Windows does while it is open."""
    real = pending.move_published

    def move(built, target):
        if target.name in names:
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", str(target))
        real(built, target)
    monkeypatch.setattr(pending, "move_published", move)


def in_file(path):
    """(publish id, output value of 2018-12) as the DuckDB file at ``path`` holds them."""
    with duckdb.connect(str(path), read_only=True) as con:
        publish_id = con.execute("SELECT DISTINCT publish_id FROM ref.publish").fetchone()[0]
        output = con.execute("SELECT output_value FROM mart.indicators_monthly WHERE period = DATE '2018-12-01'"
                             ).fetchone()[0]
    return publish_id, output


def pending_files(paths):
    folder = pending.folder(paths.warehouse)
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def test_a_held_analysts_file_waits_a_newer_publish_replaces_it_and_the_next_publish_moves_it(city, monkeypatch):
    land_month(city, "2018-12")
    first = publish(city)
    correct_b(city, "14000000")
    held_open(monkeypatch, "sei.duckdb")
    second = publish(city)  # succeeds: the analysts' file waits
    [waits] = second.waiting
    assert (waits.target, waits.publish_id) == (city.warehouse, second.publish_id)
    assert second.path == pending.folder(city.warehouse) / f"sei.duckdb.{second.publish_id}"
    [line] = [n for n in second.notes if n.startswith("warning: sei.duckdb ")]
    assert "在分析人员打开时无法替换 / held open by another program" in line and second.publish_id in line
    assert "being used by another process" in line
    assert pending_files(city) == [f"sei.duckdb.{second.publish_id}", f"sei.duckdb.{second.publish_id}.json"]
    record = json.loads(waits.record.read_text(encoding="utf-8"))
    assert (record["replaces"], record["publish_id"]) == (str(city.warehouse), second.publish_id)
    # the analysts still see the first publish, whole; the detail file holds the second; the build waits, verified
    assert in_file(city.warehouse) == (first.publish_id, approx(500))
    assert in_file(city.warehouse_detail) == (second.publish_id, approx(520))
    assert in_file(second.path) == (second.publish_id, approx(520))
    log = [json.loads(line) for line in city.publish_log.read_text(encoding="utf-8").splitlines()]
    assert [e.get("waiting") for e in log] == [None, ["sei.duckdb"]]
    manifest = json.loads((city.vintages / second.publish_id / "vintage.json").read_text(encoding="utf-8"))
    assert list(manifest["waiting"]) == ["sei.duckdb"]

    correct_b(city, "16000000")
    third = publish(city)  # still held: its build replaces the second's
    assert [w.publish_id for w in third.waiting] == [third.publish_id]
    assert pending_files(city) == [f"sei.duckdb.{third.publish_id}", f"sei.duckdb.{third.publish_id}.json"]
    assert any(f"pending build of sei.duckdb of publish {second.publish_id}" in n and "supersedes" in n
               for n in third.notes)
    assert in_file(city.warehouse) == (first.publish_id, approx(500))

    monkeypatch.undo()  # the analyst closed the file
    fourth = publish(city)  # at its start, before it builds, the waiting build goes into place
    assert f"moved the pending build of publish {third.publish_id} into place as {city.warehouse} " \
           f"(waiting since {third.waiting[0].since})" in fourth.notes
    assert fourth.waiting == [] and pending_files(city) == []
    assert in_file(city.warehouse) == (fourth.publish_id, approx(540))
    manifest = json.loads((city.vintages / third.publish_id / "vintage.json").read_text(encoding="utf-8"))
    assert manifest["waiting"] == {} and list(manifest["moved_into_place"]) == ["sei.duckdb"]


def test_move_pending_alone_moves_the_waiting_build_and_says_what_still_waits(city, monkeypatch):
    land_month(city, "2018-12")
    publish(city)
    correct_b(city, "14000000")
    held_open(monkeypatch, "sei.duckdb")
    second = publish(city)
    notes, still = move_pending(city)  # still held
    assert notes == [] and [(w.target, w.publish_id) for w in still] == [(city.warehouse, second.publish_id)]
    monkeypatch.undo()
    notes, still = move_pending(city)
    assert still == [] and notes == [f"moved the pending build of publish {second.publish_id} into place as "
                                     f"{city.warehouse} (waiting since {second.waiting[0].since})"]
    assert in_file(city.warehouse) == (second.publish_id, approx(520))
    assert move_pending(city) == ([], [])  # nothing waits any more


def test_a_held_detail_file_keeps_the_analysts_file_from_getting_ahead(city, monkeypatch):
    land_month(city, "2018-12")
    first = publish(city)
    correct_b(city, "14000000")
    held_open(monkeypatch, "sei_detail.duckdb")
    second = publish(city)
    assert [(w.target.name, w.why) for w in second.waiting] == [
        ("sei_detail.duckdb", second.waiting[0].why), ("sei.duckdb", "waits for sei_detail.duckdb")]
    assert "being used by another process" in second.waiting[0].why
    # both files in place still describe the first publish
    assert in_file(city.warehouse)[0] == in_file(city.warehouse_detail)[0] == first.publish_id
    monkeypatch.undo()
    held_open(monkeypatch, "sei_detail.duckdb")
    notes, still = move_pending(city)  # the detail file still held: neither moves
    assert [w.target.name for w in still] == ["sei_detail.duckdb", "sei.duckdb"]
    assert in_file(city.warehouse)[0] == first.publish_id
    monkeypatch.undo()
    notes, still = move_pending(city)
    assert still == [] and len(notes) == 2
    assert in_file(city.warehouse) == (second.publish_id, approx(520))
    assert in_file(city.warehouse_detail)[0] == second.publish_id


def test_a_pending_build_of_a_publish_that_never_logged_is_removed_and_an_old_one_is_not_moved_over_a_newer_file(
        city, monkeypatch):
    land_month(city, "2018-12")
    publish(city)
    correct_b(city, "14000000")
    held_open(monkeypatch, "sei.duckdb")
    second = publish(city)
    monkeypatch.undo()
    # a kill after a newer publish moved its file but before it removed the older pending build
    record = second.waiting[0].record
    saved = record.read_text(encoding="utf-8"), second.path.read_bytes()
    correct_b(city, "16000000")
    third = publish(city)
    assert pending_files(city) == []
    record.write_text(saved[0], encoding="utf-8")
    second.path.write_bytes(saved[1])
    notes, still = move_pending(city)
    assert still == [] and notes == [f"removed the pending build of sei.duckdb of publish {second.publish_id}: "
                                     f"the file in place holds publish {third.publish_id}"]
    assert in_file(city.warehouse) == (third.publish_id, approx(540))
    # a record whose publish never logged (its process is gone) is removed, not moved
    data = json.loads(saved[0])
    data |= {"publish_id": "20990101T000000000000Z-1", "build": "sei.duckdb.20990101T000000000000Z-1", "pid": 2 ** 22 + 7}
    (pending.folder(city.warehouse) / "sei.duckdb.20990101T000000000000Z-1").write_bytes(saved[1])
    (pending.folder(city.warehouse) / "sei.duckdb.20990101T000000000000Z-1.json").write_text(json.dumps(data))
    notes, still = move_pending(city)
    assert notes == ["removed the pending build of sei.duckdb of publish 20990101T000000000000Z-1: "
                     "its publish never completed"] and pending_files(city) == []
    assert in_file(city.warehouse)[0] == third.publish_id


def test_sei_stats_publish_moves_the_waiting_file_and_says_so(city, monkeypatch, capsys):
    from sei_stats.pipelines import cli

    land_month(city, "2018-12")
    publish(city)
    correct_b(city, "14000000")
    held_open(monkeypatch, "sei.duckdb")
    second = publish(city)
    monkeypatch.setenv("SEI_DATA_DIR", str(city.root))
    assert cli.main(["publish"]) == 1  # still held: it says what waits
    out = capsys.readouterr().out
    assert f"warning: sei.duckdb 在分析人员打开时无法替换 / held open by another program: the new build of publish " \
           f"{second.publish_id} waits as {second.path}" in out
    monkeypatch.setattr(pending, "move_published", pending.os.replace)
    assert cli.main(["publish"]) == 0
    assert f"moved the pending build of publish {second.publish_id} into place as {city.warehouse}" in \
           capsys.readouterr().out
    assert in_file(city.warehouse) == (second.publish_id, approx(520))
    assert cli.main(["publish"]) == 0
    assert "nothing waits: the published files are in place" in capsys.readouterr().out


def test_a_run_whose_file_is_held_succeeds_and_its_outcome_says_which_file_waits(city, monkeypatch):
    import dagster as dg

    from sei_stats.pipelines import run

    land_month(city, "2018-12")
    with dg.DagsterInstance.ephemeral() as instance:
        assert run.publish(instance, paths=city).waiting == ()
        correct_b(city, "14000000")
        held_open(monkeypatch, "sei.duckdb")
        published = run.publish(instance, paths=city)
    assert published.success, published.error
    [line] = published.waiting
    assert line.startswith("warning: sei.duckdb 在分析人员打开时无法替换 / held open by another program: the new build "
                           "of publish ")
    assert in_file(city.warehouse)[1] == approx(500)  # the analysts still see the first publish
