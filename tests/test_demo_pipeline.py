"""The pipeline finds the demo city's deliberate faults at the rate the generator put them in."""

import shutil

import duckdb

from sei_stats import demo
from sei_stats.config import REPO_ROOT, data_paths
from sei_stats.land import land_month
from sei_stats.read import available_periods
from sei_stats.warehouse import publish


def test_every_planted_fault_and_the_correction_are_found(tmp_path):
    paths = data_paths(tmp_path)
    shutil.copytree(REPO_ROOT / "data" / "catalog", paths.catalog)
    summary = demo.generate(paths.root, seed=11, n_enterprises=150, start="2019-01", end="2019-12")
    for period in available_periods(paths.returns):
        land_month(paths, period)
    with duckdb.connect(str(publish(paths).path), read_only=True) as con:
        found = dict(con.execute("SELECT rule, count(DISTINCT (source_file, line_number)) FROM qa.rejects GROUP BY rule").fetchall())
        received, superseded, rejected = con.execute(
            "SELECT sum(rows_received), sum(rows_superseded), sum(rows_rejected) FROM mart.data_quality").fetchone()
    assert found == {rule: n for rule, n in summary.bad_lines.items() if n}
    assert rejected == sum(summary.bad_lines.values())
    assert superseded == summary.correction["lines_superseded"] > 0
    assert received == summary.lines_written
