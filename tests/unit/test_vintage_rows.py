"""Row versions of the vintages (sei_stats.vintage_rows): each version of a mart's row stored once, with the
first and last release that printed it; kept between publishes and extended by the new release only."""

import duckdb
import pytest

from sei_stats import vintage_rows
from sei_stats.vintage_rows import DuplicateRowError, build

# Release 1: A 1.0, B 2.0, C with no value. Release 2 corrects B to 3.0. Release 3 takes the correction back.
RELEASES = {"v1": [("A", 1.0), ("B", 2.0), ("C", None)],
            "v2": [("A", 1.0), ("B", 3.0), ("C", None)],
            "v3": [("A", 1.0), ("B", 2.0), ("C", None)]}
VERSIONS = [(1, 1, "B", 2.0), (1, 3, "A", 1.0), (1, 3, "C", None), (2, 2, "B", 3.0), (3, 3, "B", 2.0)]


def _files(con, folder, releases):
    files = []
    for vintage_id, rows in releases.items():
        path = folder / f"{vintage_id}.parquet"
        if rows is not None:
            con.execute("CREATE OR REPLACE TEMP TABLE r (cell VARCHAR, value DOUBLE)")
            con.executemany("INSERT INTO r VALUES (?, ?)", rows)
            con.execute(f"COPY r TO '{path}' (FORMAT parquet)")
        files.append((vintage_id, path if rows is not None else None))
    return files


def _versions(con, table):
    return con.execute(f"SELECT * FROM {table} ORDER BY from_release, to_release, cell").fetchall()


def test_each_version_of_a_row_is_stored_once_with_the_releases_that_printed_it(tmp_path):
    con = duckdb.connect()
    table = build(con, "m", _files(con, tmp_path, RELEASES))
    assert _versions(con, table) == VERSIONS  # 5 rows where three whole releases held 9; C's NULL is one version


def test_a_publish_adds_its_release_to_the_kept_versions_and_gets_what_a_build_from_every_file_gets(
        tmp_path, monkeypatch):
    con = duckdb.connect()
    files = _files(con, tmp_path, RELEASES)
    history = tmp_path / "history"
    build(con, "m", files[:2], history)

    def every_file(*args):
        raise AssertionError("built again from every file: the kept versions were not used")

    monkeypatch.setattr(vintage_rows, "_all_at_once", every_file)
    table = build(con, "m", files, history)
    assert _versions(con, table) == VERSIONS
    assert con.execute(f"SELECT count(*) FROM '{history / 'm.parquet'}'").fetchone()[0] == 5


def test_kept_versions_of_other_vintages_or_files_are_not_used(tmp_path):
    con = duckdb.connect()
    files = _files(con, tmp_path, RELEASES)
    history = tmp_path / "history"
    build(con, "m", [("killed", files[1][1]), *files[1:2]], history)  # a vintage no publish logged
    assert _versions(con, build(con, "m", files, history)) == VERSIONS
    # a vintage's file rewritten since (another size): built again from every file
    con.execute("COPY (SELECT 'A' AS cell, 9.0 AS value) TO '%s' (FORMAT parquet)" % files[2][1])
    assert _versions(con, build(con, "m", files, history)) == [
        (1, 1, "B", 2.0), (1, 2, "A", 1.0), (1, 2, "C", None), (2, 2, "B", 3.0), (3, 3, "A", 9.0)]


def test_a_release_without_the_mart_breaks_every_run(tmp_path):
    con = duckdb.connect()
    files = _files(con, tmp_path, {"v1": [("A", 1.0)], "v2": None, "v3": [("A", 1.0)]})
    assert _versions(con, build(con, "m", files)) == [(1, 1, "A", 1.0), (3, 3, "A", 1.0)]
    history = tmp_path / "history"
    build(con, "m", files[:1], history)
    assert _versions(con, build(con, "m", files, history)) == [(1, 1, "A", 1.0), (3, 3, "A", 1.0)]


def test_a_mart_with_two_identical_rows_is_refused(tmp_path):
    con = duckdb.connect()
    files = _files(con, tmp_path, {"v1": [("A", 1.0)], "v2": [("A", 1.0), ("A", 1.0)]})
    with pytest.raises(DuplicateRowError, match="vintage v2"):
        build(con, "m", files)
    history = tmp_path / "history"
    build(con, "m", files[:1], history)
    with pytest.raises(DuplicateRowError, match="vintage v2"):
        build(con, "m", files, history)
