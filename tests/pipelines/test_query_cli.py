"""sei-stats query and sei-stats vintage list on the analysts' file of the small city."""

import subprocess
import sys

import pytest

from sei_stats.land import land_month
from sei_stats.publish import publish

pytestmark = pytest.mark.slow


def cli(paths, *args):
    env = {"SEI_DATA_DIR": str(paths.root), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "sei_stats.pipelines.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def published(city):
    for period in ("2017-12", "2018-12"):
        land_month(city, period)
    return city, publish(city)


def test_query_prints_an_aligned_table_or_csv_and_never_writes(published):
    paths, done = published
    table = cli(paths, "query", "SELECT strftime(period, '%Y-%m') AS period, output_value FROM mart.indicators_monthly ORDER BY 1")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines() == [" period  output_value", "2017-12         400.0", "2018-12         500.0", "(2 rows)"]
    csv = cli(paths, "query", "--csv", "SELECT area, output_ytd FROM mart.output_by_area WHERE period = DATE '2018-12-01' ORDER BY 1")
    assert csv.stdout.splitlines() == ["area,output_ytd", "新一代信息技术,360.0", "高端装备与新材料,140.0"]
    refused = cli(paths, "query", "DROP TABLE mart.indicators_monthly")
    assert refused.returncode == 2 and "read-only" in refused.stdout
    assert cli(paths, "query", "SELECT count(*) AS n FROM mart.indicators_monthly").stdout.splitlines()[1].strip() == "2"
    # a missing value prints as NULL, not as pandas' NaN
    assert cli(paths, "query", "SELECT CAST(NULL AS DOUBLE) AS x").stdout.splitlines()[1].strip() == "NULL"


def test_vintage_list_names_each_publish(published):
    paths, done = published
    listed = cli(paths, "vintage", "list")
    assert listed.returncode == 0 and done.publish_id in listed.stdout and "2017-12" in listed.stdout
