"""The history benchmark's parts (sei_stats.bench_history) and the simulated GDP it needs (sei_stats.demo.files).

No test asserts a time: the folders, the findings a correction accepts, the GDP and the table's arithmetic."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from sei_stats import bench_history as history
from sei_stats.config import DataPaths
from sei_stats.demo import files


@pytest.mark.parametrize(("years", "today", "expected"), [
    (10, dt.date(2026, 12, 1), "2026-11"),   # partitions end before this month
    (10, dt.date(2027, 3, 5), "2026-12"),    # a complete year
    (2, dt.date(2026, 12, 1), "2018-12"),
])
def test_the_last_period_is_the_last_month_with_a_partition(years, today, expected):
    assert history.last_period(years, today) == expected


@pytest.mark.parametrize(("years", "today"), [(11, dt.date(2026, 12, 1)), (10, dt.date(2026, 1, 15))])
def test_a_year_with_no_month_before_today_is_refused(years, today):
    with pytest.raises(ValueError, match="has no month before"):
        history.last_period(years, today)


def test_gdp_after_the_last_published_year_is_simulated_only_when_asked():
    # 7030.4 (2020, published) × 1.05 = 7381.92; × 1.05² = 7751.016
    assert files.gdp_of([2020, 2021, 2022], simulate_later=True) == {2020: 7030.4, 2021: 7381.9, 2022: 7751.0}
    assert files.gdp_of([2019, 2020]) == {2019: 7001.7, 2020: 7030.4}
    with pytest.raises(ValueError, match=r"no published GDP for \[2021\]"):
        files.gdp_of([2020, 2021])
    with pytest.raises(ValueError, match=r"no published GDP for \[2015\]"):
        files.gdp_of([2015, 2016], simulate_later=True)  # before the first published year: never simulated


def test_simulated_gdp_passes_the_contract_and_the_marker_says_so(tmp_path):
    from sei_stats.inputs import GDP

    paths = DataPaths(tmp_path)
    paths.raw.mkdir(parents=True)
    files.write_gdp(paths.gdp_csv, [2020, 2021], simulate_later=True)
    gdp = GDP.frame(paths)
    q4 = {r.year: r.gdp_ytd for r in gdp.itertuples() if r.quarter == 4}
    assert q4 == {2020: 7030.4, 2021: 7381.9}
    marker = tmp_path / "SIMULATED.txt"
    files.write_marker(marker, 1, 200, "2017-01", "2022-11", [2021, 2022])
    text = marker.read_text(encoding="utf-8")
    assert "2021–2022年的地区生产总值为模拟值" in text and "The GDP of 2021–2022 is simulated" in text
    files.write_marker(marker, 1, 200, "2017-01", "2020-12")
    assert "地区生产总值为模拟值" not in marker.read_text(encoding="utf-8")


def _touch(root, *relative):
    for rel in relative:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel, encoding="utf-8")


def test_the_one_year_folder_holds_that_year_alone_hard_linked(tmp_path):
    source = tmp_path / "source"
    _touch(source, "catalog/products.csv", "raw/returns/2025-12/a.csv", "raw/returns/2026-02/a.csv",
           "raw/returns/2026-03/b.csv", "raw/roster/2025.csv", "raw/roster/2026.csv", "raw/annual/2025/01_年报.csv",
           "raw/reviews/2026-03.csv", "raw/registry/enterprises.csv", "raw/gdp.csv", "raw/va_rates.csv",
           "raw/SIMULATED.txt")
    target = tmp_path / "1-year"
    history.one_year_folder(source, target, 2026)
    found = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert found == ["catalog/products.csv", "raw/SIMULATED.txt", "raw/gdp.csv", "raw/registry/enterprises.csv",
                     "raw/returns/2026-02/a.csv", "raw/returns/2026-03/b.csv", "raw/roster/2026.csv", "raw/va_rates.csv"]
    assert (target / "raw/gdp.csv").stat().st_ino == (source / "raw/gdp.csv").stat().st_ino
    history.whole_folder(source, tmp_path / "all")
    assert len([p for p in (tmp_path / "all").rglob("*") if p.is_file()]) == 12


HEADER = ",".join(history.REVIEW_HEADER)


def test_a_correction_accepts_findings_both_folders_share():
    one = "\n".join([HEADER, "A,x,growth_outlier,,output_ytd,,,", "B,y,conflicting_duplicate,,output_ytd,,,",
                     "B,y,conflicting_duplicate,,output_ytd,,,", "C,z,ytd_below_previous_month,,output_ytd,,,"])
    ten = "\n".join([HEADER, "C,z,ytd_below_previous_month,,output_ytd,,,", "B,y,conflicting_duplicate,,output_ytd,,,",
                     "A,x,growth_outlier,,output_ytd,,,", "D,w,growth_outlier,,output_ytd,,,"])
    # B is listed twice in one folder: which line a decision meant is ambiguous, so neither takes it
    assert history.shared_findings([one, ten]) == [["A", "x", "growth_outlier", "", "output_ytd", "", "", ""],
                                                   ["C", "z", "ytd_below_previous_month", "", "output_ytd", "", "", ""]]


def test_the_correction_file_accepts_the_first_findings(tmp_path):
    findings = [["A", "x", "growth_outlier", "", "output_ytd", "", "", ""],
                ["C", "z", "ytd_below_previous_month", "", "output_ytd", "", "", ""]]
    path = history.write_correction(tmp_path, "2026-11", findings, 1, "bench round 2")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert path == tmp_path / "raw" / "reviews" / "2026-11.csv"
    assert rows == [{"credit_code": "A", "product": "x", "rule": "growth_outlier", "decision": "accept",
                     "field": "output_ytd", "corrected_value": "", "reviewer": "bench", "note": "bench round 2"}]


def test_the_table_gives_each_rerun_and_the_ratio_of_the_means():
    def run(seconds, mb=500):
        return {"seconds": seconds, "peak_rss_bytes": mb * 2**20, "cpu_seconds": seconds, "exit_code": 0}

    result = {"period": "2026-11", "months": {"1 year": 10, "10 years": 109},
              "publish_all": {"1 year": run(40.0), "10 years": run(360.0)},
              "correction": {"1 year": [run(20.0, 440), run(22.0, 450)], "10 years": [run(33.0, 620), run(33.0, 660)]},
              "no_change": {"1 year": [run(12.0)], "10 years": [run(12.6)]}}
    table = history.format_history(result)
    assert "20.0, 22.0" in table and "33.0, 33.0" in table and "660" in table
    # means 33 / 21 = 1.571…; 12.6 / 12 = 1.05
    assert "10 years ÷ 1 year, a correction: 1.57×" in table
    assert "10 years ÷ 1 year, no change: 1.05×" in table
    assert "exited" not in table
    result["no_change"]["1 year"][0]["exit_code"] = 1  # published, a data-quality check failed: said
    assert "(some reruns exited [1]: published, with data-quality checks failed" in history.format_history(result)


@pytest.mark.parametrize(("argv", "says"), [(["--history", "1"], "needs at least 2 years"),
                                            (["--history", "3", "--rounds", "0"], "needs at least one correction"),
                                            (["--history", "3", "--scale", "national", "--keep"],
                                             "--scale, --keep belong to the scaled city's benchmark")])
def test_the_command_refuses_what_it_cannot_measure_before_writing_anything(tmp_path, capsys, argv, says):
    from sei_stats.pipelines.cli import main

    assert main(["bench", *argv, "--work", str(tmp_path / "work")]) == 2
    assert says in capsys.readouterr().out
    assert not (tmp_path / "work").exists()
