"""The analysts' file opens in DuckDB 1.5 (the CLI on PyPI, DBeaver and ODBC set-ups), copied alone to another
folder: it is self-contained, and written in a storage version 1.5 reads (`make compat` installs DuckDB 1.5.6
apart, in .venv-duckdb15)."""

import json
import shutil
import subprocess

import pytest

from sei_stats.config import REPO_ROOT
from sei_stats.land import land_month
from sei_stats.publish import publish

CLIENT = REPO_ROOT / ".venv-duckdb15" / "bin" / "python"

READ = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "version": duckdb.__version__,
    "output": con.execute("SELECT strftime(period, '%Y-%m'), output_value FROM mart.indicators_monthly ORDER BY 1").fetchall(),
    "revisions": con.execute("SELECT count(*) FROM mart.revisions").fetchone()[0],
    "views": con.execute("SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall(),
    "views_reading_files": con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal "
                                       "AND regexp_matches(sql, 'read_|[.](parquet|csv)')").fetchone()[0],
    "vintage_output": con.execute("SELECT strftime(period, '%Y-%m'), output_value FROM vintage.indicators_monthly "
                                  "ORDER BY 1").fetchall(),
    "enterprise_tables": con.execute("SELECT count(*) FROM duckdb_columns() WHERE column_name = 'credit_code'").fetchone()[0],
}))
"""


@pytest.mark.skipif(not CLIENT.exists(), reason="DuckDB 1.5 is not installed apart: run `make compat` (make setup does)")
def test_duckdb_15_reads_a_copy_of_the_analysts_file(city, tmp_path):
    for period in ("2017-12", "2018-12"):
        land_month(city, period)
    copy = tmp_path / "elsewhere" / "sei.duckdb"
    copy.parent.mkdir()
    shutil.copy(publish(city).path, copy)
    shutil.rmtree(city.root)  # nothing of the data folder is left for the copy to read
    done = subprocess.run([str(CLIENT), "-c", READ, str(copy)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["version"].startswith("1.5.")
    assert got["output"] == [["2017-12", 400.0], ["2018-12", 500.0]]
    assert got["revisions"] > 0
    # the vintages are views over the stored row versions of the same file (vintage_rows): no view reads a path
    assert got["views"] == [[f"vintage.{m}"] for m in ("data_quality", "disclosure", "indicators_annual",
                                                       "indicators_monthly", "output_by_area", "target_progress")]
    assert got["views_reading_files"] == 0 and got["vintage_output"] == got["output"]
    assert got["enterprise_tables"] == 0  # no enterprise-level rows: those stay in sei_detail.duckdb
