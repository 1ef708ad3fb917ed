"""The benchmark's parts (sei_stats.bench, sei_stats.demo.scaled), and its run at the tiny scale as a smoke test.

No test asserts a time: only that every stage was timed, and that the floor sums what the landing accepts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from sei_stats import bench
from sei_stats.config import REPO_ROOT, DataPaths
from sei_stats.credit_code import is_valid
from sei_stats.demo import scaled
from sei_stats.land import land_month, prepare_month


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> DataPaths:
    """A scaled city of 200 enterprises and two report periods (2020-02, 2020-03)."""
    root = tmp_path_factory.mktemp("bench_city")
    shutil.copytree(REPO_ROOT / "data" / "catalog", root / "catalog")
    scaled.generate_scaled(root, n_enterprises=200, months=scaled.report_periods(root, 2))
    return DataPaths(root)


def test_credit_codes_are_valid_and_unique():
    codes = scaled._credit_codes(["210202", "210213", "210281"] * 2000)
    assert all(is_valid(c) for c in codes)
    assert len(set(codes)) == len(codes)


def test_the_scaled_city_has_about_five_clean_lines_an_enterprise(city):
    lines, failed, notes = prepare_month(city, "2020-03")
    assert 4 * 200 < len(lines) < 6 * 200
    assert set(lines["status"]) == {"accepted"} and failed.empty and not notes
    assert lines["is_sei"].any() and not lines["is_sei"].all()  # the non-SEI enterprises stay unclassified
    roster = pd.read_csv(city.roster_file(2020), dtype=str, keep_default_na=False)
    assert set(lines["credit_code"]) <= set(roster["credit_code"])
    for name in ("gdp_csv", "va_rates_csv"):
        assert getattr(city, name).exists()
    assert city.simulated


def test_the_staged_chain_gives_the_lines_of_prepare_month(city):
    """The stages are timed inside land.judge_and_classify: the lines must come out as prepare_month gives them."""
    with bench.PeakRSS(os.getpid()) as peak:
        clock = bench._Clock(peak)
        staged, staged_failed = bench.prepare_month_timed(city, "2020-02", clock)
    expected, expected_failed, _ = prepare_month(city, "2020-02")
    pd.testing.assert_frame_equal(staged, expected)
    pd.testing.assert_frame_equal(staged_failed, expected_failed)
    assert list(clock.stages) == ["read", "normalise", "validate", "classify"]
    assert all(r["seconds"] > 0 and r["lines"] == len(expected) and r["peak_rss_bytes"] > 0 for r in clock.stages.values())


def test_the_floor_sums_what_the_landing_accepts_as_sei(city, tmp_path):
    landed = [row for period in ("2020-02", "2020-03") for row in bench.landed_by_area(land_month(city, period).path)]
    floor = bench.run_floor(city.root, ["2020-02", "2020-03"], tmp_path)
    assert floor["by_area"] == landed
    assert floor["seconds"] > 0 and floor["peak_rss_bytes"] > 0 and floor["exit_code"] == 0
    # by hand, for one month and area: the accepted SEI lines' output in 千元
    lines, _, _ = prepare_month(city, "2020-03")
    area = landed[-1][1]
    mine = lines[(lines["status"] == "accepted") & lines["is_sei"].fillna(False) & (lines["area"] == area)]
    assert f"{pd.to_numeric(mine['output_ytd']).sum():.3f}" == landed[-1][2]


def test_peak_rss_counts_the_whole_process_tree(tmp_path):
    # a parent holding 50 MB starts a child holding 200 MB: the tree's peak is at least both
    grow = "import time; b = bytearray({n} << 20); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"
    script = (f"import subprocess, sys; {grow.format(n=50)}; "
              f"subprocess.run([sys.executable, '-c', {grow.format(n=200)!r}], check=True)")
    done = bench.run_measured([sys.executable, "-c", script], log=tmp_path / "log")
    assert done["exit_code"] == 0
    assert done["peak_rss_bytes"] >= 250 << 20


def test_a_small_child_of_a_large_parent_is_measured_small(tmp_path):
    # Linux hands a child its parent's high-water mark (ru_maxrss) through fork and exec: a parent that held
    # 400 MB (as one that generated a city) must not make a 10 MB child read 400 MB
    script = ("import sys; from pathlib import Path; from sei_stats import bench; "
              "b = bytearray(400 << 20); b[::4096] = b'x' * len(b[::4096]); del b; "
              f"print(bench.run_measured([sys.executable, '-c', 'pass'], log=Path({str(tmp_path / 'log')!r}))"
              "['peak_rss_bytes'])")
    done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    assert 0 < int(done.stdout) < 100 << 20


def test_too_little_disk_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(SystemExit, match="needs about .* GB free"):
        bench.check_disk(tmp_path / "not" / "yet", 10**18)
    assert not (tmp_path / "not").exists()


@pytest.mark.slow
def test_bench_at_the_tiny_scale(tmp_path, capsys):
    """The CI smoke test: `sei-stats bench --scale tiny` times every stage, materialize and the floor."""
    from sei_stats.pipelines.cli import main

    out = tmp_path / "tiny.json"
    assert main(["bench", "--scale", "tiny", "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["scenarios"]) == set(bench.SCENARIOS)
    for scenario in result["scenarios"].values():
        assert set(scenario["stages"]) == set(bench.STAGES)
        for record in [*scenario["stages"].values(), scenario["floor"], scenario["end_to_end"]]:
            assert record["seconds"] > 0 and record["lines"] > 0 and record["peak_rss_bytes"] > 0
        assert scenario["end_to_end"]["exit_code"] == 0
        assert scenario["floor_agrees"] and scenario["floor"]["by_area"] == scenario["landed_by_area"]
        assert scenario["pipeline_over_floor"] > 0
    assert result["scenarios"]["month"]["lines"] < result["scenarios"]["year"]["lines"]
    assert "materialize ÷ floor" in capsys.readouterr().out
    assert not (tmp_path / "work" / "tiny" / "year-e2e").exists()  # the scenarios' folders go, the city stays
    assert (tmp_path / "work" / "tiny" / "source" / "bench-city.json").exists()


def test_the_default_scale_is_the_city(tmp_path, capsys):
    from sei_stats.pipelines.cli import main

    assert main(["bench", "--dry-run", "--work", str(tmp_path / "work")]) == 0
    assert "city: 2,000 enterprises, 11 months" in capsys.readouterr().out
