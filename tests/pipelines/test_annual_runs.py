"""The annual report (年报) through Dagster and the CLI: `materialize --annual YYYY`, `--all` with raw/annual/, and the
sensor. What is checked is what landing gives (files, buckets, the CLI's exit codes and output), not the publish."""

import dagster as dg
import pytest

from sei_stats.pipelines import cli
from sei_stats.pipelines.resources import SeiData
from sei_stats.pipelines.sensors import new_return_files, stale_annual

from conftest import B, CITY, make_data_dir, return_rows, write_csv

# The annual report of 2018: the four units of December in a.csv (one with the period of a month), B corrected in b.csv.
B_CORRECTED = (B, "210211", "3491", "", "工业机器人", "12500000", "10000000")


@pytest.fixture
def city(tmp_path, monkeypatch):
    paths = make_data_dir(tmp_path / "data", {"2018-12": CITY["2018-12"]})
    rows = return_rows("2018年报", CITY["2018-12"])
    rows[3][0] = "2018-12"  # C's line: a month's period in the annual report's folder, rejected
    write_csv(paths.annual_folder(2018) / "a.csv", rows)
    write_csv(paths.annual_folder(2018) / "b.csv", return_rows("2018年1-12月", [B_CORRECTED]))
    monkeypatch.setenv("SEI_DATA_DIR", str(paths.root))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    return paths


def test_cli_annual_lands_the_year_and_publishes(city, capsys):
    from sei_stats.land import land_month

    land_month(city, "2018-12")  # a publish needs a landed month
    assert cli.main(["materialize", "--annual", "2018"]) == 0
    out = capsys.readouterr().out
    # a.csv: A, B (superseded by b.csv), D accepted, C rejected; b.csv: B accepted
    assert "[1/1] annual 2018: landed 5 lines (accepted 3, rejected 1, superseded 1)" in out
    assert "published " in out
    assert city.landed_annual_years() == ["2018"] and len(city.annual_landing_versions(2018)) == 1
    assert len(city.landed_versions("2018-12")) == 1  # no month was asked for
    assert stale_annual(city) == {}
    # asked again on the same files: the landing is kept, and said so; a file changed: landed anew
    assert cli.main(["materialize", "--annual", "2018"]) == 0
    assert "landed 5 lines (accepted 3, rejected 1, superseded 1; files unchanged, current landing kept)" in (
        capsys.readouterr().out)
    assert len(city.annual_landing_versions(2018)) == 1
    write_csv(city.annual_folder(2018) / "b.csv", return_rows("2018年1-12月", [B_CORRECTED, B_CORRECTED]))
    assert cli.main(["materialize", "--annual", "2018"]) == 0
    assert len(city.annual_landing_versions(2018)) == 2


def test_cli_annual_refuses_what_is_no_year_or_outside_the_partitions(city, capsys):
    with pytest.raises(SystemExit, match=r"--annual '18' is not YYYY"):
        cli.main(["materialize", "--annual", "18"])
    assert cli.main(["materialize", "--annual", "2031"]) == 2
    assert capsys.readouterr().err.startswith("sei-stats: --annual 2031: its December is outside the Dagster partitions")
    assert cli.main(["materialize", "--all", "--annual", "2018"]) == 2
    assert not city.landed_annual.exists() and not city.dagster_home.exists()


def test_cli_all_lists_a_misnamed_annual_folder_then_lands_every_month_and_year(city, capsys):
    misnamed = city.annual / "2018年"
    misnamed.mkdir()
    assert cli.main(["materialize", "--all"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"sei-stats: 1 problem(s) under {city.annual}; nothing was landed (`--lenient` lands the annual "
                   "reports and warns of these):",
                   f"  {misnamed}: not an annual-report folder YYYY, so no year reads it: rename it 2018"]
    assert not city.landed_annual.exists() and city.landed_periods() == []
    misnamed.rmdir()
    assert cli.main(["materialize", "--all"]) == 0
    out = capsys.readouterr().out
    assert "[1/1] 2018-12: landed 4 lines (accepted 4)" in out
    assert "[1/1] annual 2018: landed 5 lines (accepted 3, rejected 1, superseded 1)" in out
    assert city.landed_periods() == ["2018-12"] and city.landed_annual_years() == ["2018"]


def test_the_sensor_lands_a_changed_annual_folder(city):
    def tick():
        with dg.build_sensor_context(resources={"sei_data": SeiData(data_dir=str(city.root))}) as context:
            return list(new_return_files(context))

    from sei_stats.land import land_annual, land_month

    land_month(city, "2018-12")
    [request] = tick()
    newest = stale_annual(city)["2018"]
    assert (request.job_name, request.run_key) == ("sei_annual", f"annual:2018@{newest}")
    land_annual(city, 2018)
    assert stale_annual(city) == {}
    assert all(not isinstance(r, dg.RunRequest) or r.job_name != "sei_annual" for r in tick())
