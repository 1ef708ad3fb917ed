"""The Dagster code location: it loads, materializes a partition, and the CLI runs through it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from sei_stats.pipelines import assets, definitions
from sei_stats.pipelines.resources import SeiData
from sei_stats.pipelines.sensors import stale_periods

from conftest import make_data_dir

BIN = Path(sys.executable).parent


def test_the_code_location_loads_as_dagster_dev_loads_it(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    out = subprocess.run([str(BIN / "dagster"), "definitions", "validate", "-m", "sei_stats.pipelines.definitions"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]


SNAPSHOT = Path(__file__).parents[1] / "data" / "asset_graph.json"


def asset_graph_snapshot() -> dict:
    """The graph as data: every asset with its group, partitions and upstream assets; checks, jobs, schedules, sensors."""
    graph = definitions.defs.resolve_asset_graph()
    nodes = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        nodes[key.to_user_string()] = {
            "group": node.group_name,
            "partitions": node.partitions_def.get_first_partition_key() if node.partitions_def else None,
            "external": not node.is_materializable,
            "upstream": sorted(k.to_user_string() for k in node.parent_keys),
        }
    return {
        "assets": nodes,
        "checks": sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys),
        "jobs": sorted(j.name for j in definitions.defs.jobs),
        "schedules": sorted(s.name for s in definitions.defs.schedules),
        "sensors": sorted(s.name for s in definitions.defs.sensors),
    }


def test_the_asset_graph_equals_its_snapshot():
    """A change of the graph is deliberate: SEI_UPDATE_SNAPSHOT=1 rewrites tests/data/asset_graph.json."""
    now = asset_graph_snapshot()
    if os.environ.get("SEI_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(now, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert now == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_every_relation_the_sql_publishes_is_an_asset():
    from sei_stats.relations import published_relations

    keys = {k.to_user_string() for k in definitions.defs.resolve_asset_graph().get_all_asset_keys()}
    published = {r.key.replace(".", "/") for r in published_relations()}
    assert published <= keys and {"qa/review_log", "qa/largest_contributors"} <= published


def test_materialize_one_partition_into_a_temporary_folder(city):
    result = dg.materialize(
        [assets.monthly_returns, assets.warehouse_marts],  # the catalog asset is an upstream it does not rerun
        partition_key="2018-12",
        resources={"sei_data": SeiData(data_dir=str(city.root))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    meta = result.asset_materializations_for_node("monthly_returns")[0].metadata
    assert (meta["rows_received"].value, meta["rows_accepted"].value, meta["rows_unclassified"].value) == (4, 4, 1)
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks == {"accepted_lines_match_contract": True, "every_line_in_one_bucket": True}
    assert city.landed_month("2018-12").exists()
    marts = {m.asset_key.to_user_string(): m.metadata["dagster/row_count"].value
             for m in (e.materialization for e in result.get_asset_materialization_events()) if m.asset_key.path[0] in ("mart", "qa")}
    assert marts["mart/indicators_monthly"] == 1 and marts["qa/rejects"] == 0
    # every stored mart describes its columns in the UI: Chinese label — English COMMENT
    schemas = {m.asset_key.to_user_string(): m.metadata.get("dagster/column_schema")
               for m in (e.materialization for e in result.get_asset_materialization_events()) if m.asset_key.path[0] == "mart"}
    assert schemas and all(s is not None for s in schemas.values()), [k for k, s in schemas.items() if s is None]
    columns = {c.name: c for c in schemas["mart/indicators_monthly"].value.columns}
    assert columns["output_value"].type == "DOUBLE"
    assert columns["output_value"].description.startswith("工业总产值（亿元） — SEI industrial output")
    with duckdb.connect(str(city.warehouse), read_only=True) as con:  # the DuckDB file under tmp_path
        assert con.execute("SELECT output_value FROM mart.indicators_monthly").fetchone() == (pytest.approx(500),)


def test_the_sensor_notices_new_and_corrected_files(city):
    keys = {"2017-12", "2018-03", "2018-12"}
    assert set(stale_periods(city, keys)) == keys
    from sei_stats.land import land_month
    for period in keys:
        land_month(city, period)
    assert stale_periods(city, keys) == {}
    correction = city.returns / "2018-03" / "zz_correction.csv"
    correction.write_text((city.returns / "2018-03" / "returns.csv").read_text(encoding="utf-8"), encoding="utf-8")
    later = city.landed_month("2018-03").stat().st_mtime_ns + 1_000_000_000
    os.utime(correction, ns=(later, later))
    assert list(stale_periods(city, keys)) == ["2018-03"]


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"SEI_DATA_DIR": str(data_dir)}
    return subprocess.run([str(BIN / "sei-stats"), *args], capture_output=True, text=True, env=env, cwd=data_dir)


@pytest.mark.slow
def test_cli_materialize_all_then_read_the_marts_back(tmp_path):
    paths = make_data_dir(tmp_path / "data")
    out = run_cli(paths.root, "materialize", "--all")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "[3/3] 2018-12: landed 4 lines (accepted 4)" in out.stdout
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute("SELECT year, round(output_value, 6) FROM mart.indicators_annual ORDER BY year").fetchall() == [(2017, 400.0), (2018, 500.0)]
    assert sorted(p.name for p in paths.charts.iterdir())[:2] == ["gdp_share_vs_target.png", "gdp_share_vs_target.svg"]
    # the runs are in the Dagster home the UI uses
    with dg.DagsterInstance.from_config(str(paths.dagster_home)) as instance:
        assert len(instance.get_runs()) == 3  # the catalog validated, the three months in one run of sei_land_months, one publish
    out = run_cli(paths.root, "catalog", "reclassify")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 months reclassified under the catalog in force at 2018-12" in out.stdout
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mart_current_catalog.indicators_annual").fetchone() == (2,)


@pytest.mark.slow
def test_cli_refuses_to_land_anything_under_a_broken_catalog(tmp_path):
    import shutil

    from sei_stats.config import REPO_ROOT

    paths = make_data_dir(tmp_path / "data")
    shutil.rmtree(paths.catalog)
    shutil.copytree(REPO_ROOT / "data" / "catalog", paths.catalog)
    products = paths.catalog / "products.csv"
    lines = products.read_text(encoding="utf-8").splitlines(keepends=True)
    products.write_text("".join(lines + [lines[2]]), encoding="utf-8")  # a second primary entry for one code
    out = run_cli(paths.root, "materialize", "--all")
    assert out.returncode == 1
    assert "guidance catalog FAILED" in out.stdout and "one_primary_entry" in out.stdout
    assert not paths.landed.exists()


@pytest.mark.slow
def test_cli_failure_names_the_file_and_exits_non_zero(tmp_path):
    paths = make_data_dir(tmp_path / "data")
    (paths.returns / "2018-03" / "broken.csv").write_text("period,credit_code\n2018-03,x\n", encoding="utf-8")
    out = run_cli(paths.root, "materialize", "--period", "2018-03", "--period", "2017-12")
    assert out.returncode == 1
    assert "2018-03: FAILED" in out.stdout and "broken.csv: line 1: missing columns" in out.stdout
    assert not paths.landed_month("2018-03").exists() and paths.landed_month("2017-12").exists()


def test_cli_prints_each_failed_check_and_exits_non_zero_on_an_error(tmp_path, monkeypatch, capsys):
    from conftest import CITY, without_disclosure_control
    from sei_stats import settings
    from sei_stats.pipelines import cli

    # 2019's line is in division 40, which has no value-added rate in any year (a WARN check fails); 2018-12 has a
    # line rejected for its district (999999 is none of Dalian's) and the limit is 0 (an ERROR check fails)
    a_line = CITY["2018-12"][0]
    rejected = (a_line[0], "999999", "3973", "397301", "芯片", "1000000", "900000")
    paths = make_data_dir(tmp_path / "data", {"2018-12": [*CITY["2018-12"], rejected],
                                              "2019-03": [a_line[:2] + ("4011",) + a_line[3:5] + ("9000000", "")]})
    without_disclosure_control(paths)  # 2019-03's one enterprise is the total: no briefing of it could be protected
    overrides = tmp_path / "quality.yaml"
    overrides.write_text("checks:\n  max_rejected_output_share: 0\n", encoding="utf-8")
    monkeypatch.setattr(settings, "OVERRIDES", overrides)  # in-process only: config/ untouched
    monkeypatch.setenv("SEI_DATA_DIR", str(paths.root))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    assert cli.main(["materialize", "--all"]) == 1
    out = capsys.readouterr().out
    assert "[1/2] 2018-12: landed 5 lines (accepted 4, rejected 1)" in out and "published " in out
    [line] = [line for line in out.splitlines() if line.startswith("check mart/data_quality/rejected_output_share FAILED: ")]
    # the limit, then the months over it: 1,000,000 rejected of 57,000,000 千元 received (A 36, B 12, C 6, D 2, 1)
    assert line.endswith(f'0.0; months_over {{"2018-12": {1 / 57!r}}}')
    assert "check mart/indicators_monthly/value_added_rates_complete WARNING: output_without_rate_亿元 90.0" in out
    overrides.write_text("", encoding="utf-8")  # the defaults again: a warning alone exits 0
    code = cli.main(["catalog", "reclassify"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 months reclassified" in out and "value_added_rates_complete WARNING" in out and "FAILED" not in out


def test_cli_period_arguments_are_report_periods(tmp_path, monkeypatch):
    from sei_stats.pipelines import cli

    monkeypatch.setenv("SEI_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit, match=r"--period '2018-13' is not YYYY-MM"):
        cli.main(["materialize", "--period", "2018-12", "--period", "2018-13"])
    with pytest.raises(SystemExit, match=r"no period folders under"):
        cli.main(["materialize", "--all"])


def test_a_new_review_file_asks_for_a_republish(city):
    from sei_stats.land import land_month
    from sei_stats.publish import publish
    from sei_stats.pipelines.sensors import stale_reference

    land_month(city, "2018-12")
    publish(city)
    assert stale_reference(city) == {}
    review = city.review_file("2018-12")
    review.parent.mkdir()
    review.write_text("credit_code,product,rule,decision,corrected_value,reviewer,note\n", encoding="utf-8")
    assert set(stale_reference(city)) == {"reviews"}
    publish(city)
    assert stale_reference(city) == {}
    # a touched file whose content is the same asks for nothing: versions are content hashes
    later = city.warehouse.stat().st_mtime_ns + 1_000_000_000
    os.utime(city.gdp_csv, ns=(later, later))
    assert stale_reference(city) == {}
    city.gdp_csv.write_text(city.gdp_csv.read_text(encoding="utf-8") + "2019,1,1200\n", encoding="utf-8")
    assert set(stale_reference(city)) == {"gdp"}


def test_the_sensor_requests_stale_months_through_dagster(city):
    from sei_stats.pipelines.sensors import new_return_files

    context = dg.build_sensor_context(resources={"sei_data": SeiData(data_dir=str(city.root))},
                                      definitions=definitions.defs)
    result = new_return_files.evaluate_tick(context)
    assert sorted(r.partition_key for r in result.run_requests) == ["2017-12", "2018-03", "2018-12"]
    assert {r.job_name for r in result.run_requests} == {"sei_monthly"}


# --- nothing under raw/returns/ is skipped in silence; the periods asked for are partitions ---------

MISNAMED = ("2020-4", "2020-13", "tmp")


def _misnamed_folders(paths) -> None:
    """Folders whose returns no period reads: each with a return file in it (tmp holds a copy of 2018-03's)."""
    for name in MISNAMED:
        (paths.returns / name).mkdir()
        (paths.returns / name / "returns.csv").write_bytes((paths.returns / "2018-03" / "returns.csv").read_bytes())


@pytest.mark.slow
def test_cli_all_refuses_folders_not_named_yyyy_mm_and_lenient_warns_of_them(tmp_path):
    paths = make_data_dir(tmp_path / "data")
    _misnamed_folders(paths)
    out = run_cli(paths.root, "materialize", "--all")
    assert out.returncode == 2, out.stdout + out.stderr
    for name in MISNAMED:
        [line] = [line for line in out.stderr.splitlines() if f"{paths.returns / name}: " in line]
        assert "not a report-period folder YYYY-MM" in line
    assert "rename it 2020-04" in out.stderr and "nothing was landed" in out.stderr and "--lenient" in out.stderr
    assert not paths.landed.exists() and not paths.dagster_home.exists()  # not even a run was started

    out = run_cli(paths.root, "materialize", "--all", "--lenient")
    assert out.returncode == 0, out.stdout + out.stderr
    for name in MISNAMED:
        assert f"warning: {paths.returns / name}: not a report-period folder YYYY-MM" in out.stdout
    assert "[3/3] 2018-12: landed 4 lines (accepted 4)" in out.stdout
    assert all(paths.landed_month(period).exists() for period in ("2017-12", "2018-03", "2018-12"))


@pytest.mark.slow
def test_cli_a_subfolder_or_a_file_that_is_no_return_fails_its_month_and_lenient_warns(tmp_path):
    paths = make_data_dir(tmp_path / "data")
    write = lambda path, data=b"x": path.write_bytes(data)  # noqa: E731
    litter = ("Thumbs.db", "~$x.xlsx", "x.csv~", ".hidden")
    for name in litter:
        write(paths.returns / "2017-12" / name)
    (paths.returns / "2018-03" / "补报").mkdir()
    write(paths.returns / "2018-03" / "补报" / "late.csv", (paths.returns / "2018-03" / "returns.csv").read_bytes())
    write(paths.returns / "2018-12" / "notes.txt", "call back on Monday".encode())
    periods = ["--period", "2017-12", "--period", "2018-03", "--period", "2018-12"]

    out = run_cli(paths.root, "materialize", *periods)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "[1/3] 2017-12: landed 3 lines (accepted 3)" in out.stdout
    for name in litter:  # ignored, each with a note under its month
        assert f"    {paths.returns / '2017-12' / name}: ignored, " in out.stdout
    [failed] = [line for line in out.stdout.splitlines() if line.startswith("[2/3] 2018-03: FAILED")]
    assert f"{paths.returns / '2018-03' / '补报'}: a subfolder holding 1 file(s)" in failed
    [failed] = [line for line in out.stdout.splitlines() if line.startswith("[3/3] 2018-12: FAILED")]
    assert f"{paths.returns / '2018-12' / 'notes.txt'}: not a return file" in failed
    assert not paths.landed_month("2018-03").exists() and not paths.landed_month("2018-12").exists()

    out = run_cli(paths.root, "materialize", *periods, "--lenient")
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("[2/3] 2018-03: landed 2 lines")))
    assert lines[at + 1].startswith(f"    warning: {paths.returns / '2018-03' / '补报'}: a subfolder holding 1 file(s)")
    assert f"    warning: {paths.returns / '2018-12' / 'notes.txt'}: not a return file" in out.stdout
    assert "[3/3] 2018-12: landed 4 lines (accepted 4)" in out.stdout  # the subfolder's lines are not read


@pytest.mark.slow
def test_cli_a_period_outside_the_partitions_is_a_one_line_error_and_nothing_lands(tmp_path):
    from sei_stats.pipelines.partitions import monthly_partitions

    paths = make_data_dir(tmp_path / "data")
    first, last = monthly_partitions.get_partition_keys()[0], monthly_partitions.get_partition_keys()[-1]
    for periods in (["2031-03"], ["2018-03", "2031-03"]):
        out = run_cli(paths.root, "materialize", *(a for p in periods for a in ("--period", p)))
        assert out.returncode == 2, out.stdout + out.stderr
        assert out.stderr.splitlines() == [f"sei-stats: --period 2031-03: outside the Dagster partitions, which run "
                                           f"from {first} to {last}; nothing was landed"]
        assert out.stdout == ""
        assert not paths.landed.exists() and not paths.dagster_home.exists()


@pytest.mark.slow
def test_cli_all_refuses_a_period_folder_outside_the_partitions(tmp_path):
    paths = make_data_dir(tmp_path / "data")
    (paths.returns / "2031-03").mkdir()
    (paths.returns / "2031-03" / "returns.csv").write_bytes((paths.returns / "2018-03" / "returns.csv").read_bytes())
    out = run_cli(paths.root, "materialize", "--all")
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"{paths.returns / '2031-03'}: outside the Dagster partitions" in out.stderr
    assert not paths.landed.exists()


def test_cli_review_csv_writes_no_live_formula(tmp_path, monkeypatch, capsys):
    import csv

    import pandas as pd

    from sei_stats.pipelines import cli
    from sei_stats.schemas.reviews import REVIEW_COLUMNS

    hyperlink, dde = '=HYPERLINK("http://x","y")', "@SUM(1+1)*cmd|' /C calc'!A0"
    paths = make_data_dir(tmp_path / "data", {})
    paths.warehouse.parent.mkdir(parents=True)
    queue = pd.DataFrame({"period": pd.to_datetime(["2018-03-01"] * 3), "severity": ["hold", "hold", "warn"],
                          "rule": ["growth_outlier"] * 3, "credit_code": ["-1", "B", "C"],
                          "enterprise_name": ["x", "y", "z"], "product": [hyperlink, dde, "397301"],
                          "output_ytd": [-0.12, 1.0, 2.0]})
    with duckdb.connect(str(paths.warehouse_detail)) as con:
        con.execute("CREATE SCHEMA qa")
        con.execute("CREATE TABLE qa.review_queue AS SELECT * FROM queue")
    monkeypatch.setenv("SEI_DATA_DIR", str(paths.root))
    assert cli.main(["review", "--period", "2018-03", "--csv"]) == 0
    text = capsys.readouterr().out
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == list(REVIEW_COLUMNS)
    assert [row[1] for row in rows[1:]] == ["'" + hyperlink, "'" + dde, "397301"]
    assert rows[1][0] == "'-1"  # text, however harmless it looks
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_landing_check_reads_the_accepted_lines_and_counts_every_bucket(tmp_path):
    """Two accepted lines, one breaking the contract (a district outside Dalian, a credit code failing its check
    character and not on the roster), and a rejected line whose broken fields the contract does not judge: three
    lines in two buckets. With that district and code allowed (a roster unit), the lines pass."""
    from sei_stats.schemas.returns import accepted_lines_schema

    landed = tmp_path / "landed.parquet"
    duckdb.execute(f"""COPY (SELECT * FROM (VALUES
        (DATE '2020-06-01', '91210200MA0QC0TE9B', '210202', '3841', 120.0, 100.0, 'accepted', true),
        (DATE '2020-06-01', '91210200MA0QC0TE9X', '110101', '3841', 30.0, NULL, 'accepted', false),
        (DATE '2020-06-01', 'not a code', '999999', 'x', -5.0, NULL, 'rejected', false))
        t(period, credit_code, district_code, industry_code, output_ytd, output_ytd_prior, status, is_sei))
        TO '{landed}' (FORMAT parquet)""")
    schema = accepted_lines_schema({"210202"})
    checked, error, counts = assets._judge_landing(landed, schema)
    assert (checked, counts) == (2, {"accepted": 2, "rejected": 1})
    assert error is not None and "district_code" in error and "110101" in error
    assert "credit_code_check" in error and "91210200MA0QC0TE9X" in error
    assert "999999" not in error  # the rejected line is not judged again
    schema = accepted_lines_schema({"210202", "110101"}, {"91210200MA0QC0TE9X"})
    assert assets._judge_landing(landed, schema) == (2, None, {"accepted": 2, "rejected": 1})
