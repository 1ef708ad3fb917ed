"""The briefings through the CLI and the Dagster run: the documents read back as their readers open them."""

import shutil
import subprocess
import sys

import dagster as dg
import docx
import openpyxl
import pytest

from sei_stats.briefing.build import BriefingError, write_annual
from sei_stats.config import REPO_ROOT
from sei_stats.pipelines import run

from conftest import CITY, make_data_dir, without_disclosure_control

pytestmark = pytest.mark.slow

# the small city with a 1–6月 (2018-06): A 18,000,000 (prior 15,000,000), B 6,000,000 (5,000,000) 千元:
# 240亿元 on 200, 20.0%
JUNE = {**CITY, "2018-06": [(CITY["2018-03"][0][0], "210213", "3973", "397301", "芯片", "18000000", "15000000"),
                            (CITY["2018-03"][1][0], "210211", "3491", "", "工业机器人", "6000000", "5000000")]}


@pytest.fixture
def published(tmp_path):
    paths = without_disclosure_control(make_data_dir(tmp_path / "data", JUNE))
    with dg.DagsterInstance.ephemeral() as instance:
        outcome = run.materialize(paths, ["2017-12", "2018-03", "2018-06", "2018-12"], instance=instance)
    assert outcome.success, outcome
    # the responsible offices (the test catalog has no fields: its full check would want them all)
    for name in ("fields.csv", "field_offices.csv", "offices.csv"):
        shutil.copy(REPO_ROOT / "data" / "catalog" / name, paths.catalog / name)
    return paths


def cli(paths, *args):
    env = {"SEI_DATA_DIR": str(paths.root), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "sei_stats.pipelines.cli", "brief", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_publish_writes_the_briefing_of_the_latest_month_it_landed(published):
    # the run's monthly_briefing asset: 2018-12, the latest of the four
    assert sorted(p.name for p in (published.briefings / "2018-12").glob("brief-*")) == [
        "brief-2018-12.docx", "brief-2018-12.html", "brief-2018-12.xlsx"]
    assert not (published.briefings / "2018-06").exists()


def test_brief_writes_the_month_as_word_html_and_excel(published):
    done = cli(published, "--period", "2018-06")
    assert done.returncode == 0, done.stderr
    out = published.briefings / "2018-06"
    document = docx.Document(out / "brief-2018-06.docx")
    texts = [p.text for p in document.paragraphs]
    assert "1–6月，全市战略性新兴产业工业总产值240.0亿元，同比增长20.0%。" in texts
    assert any(t.startswith("表2 规划目标进展") for t in texts)
    # the target table: its first column lists the plan's targets
    targets = next(t for t in document.tables if t.cell(0, 0).text == "目标")
    assert [targets.cell(i, 0).text for i in range(1, len(targets.rows))] == ["产值", "占GDP比重", "年均增长"]
    assert len(document.inline_shapes) >= 2  # the charts: target path, areas, key fields, districts
    book = openpyxl.load_workbook(out / "brief-2018-06.xlsx")
    areas = book["六大领域"]
    values = [row for row in areas.iter_rows(min_row=3, values_only=True) if row[0]]
    assert values[0][:3] == ("新一代信息技术", pytest.approx(180), pytest.approx(0.2))  # 18,000,000 千元 on 15,000,000
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values[0][1:3])  # numbers, not text
    html = (out / "brief-2018-06.html").read_text(encoding="utf-8")
    assert "1–6月，全市战略性新兴产业工业总产值240.0亿元" in html and html.count("data:image/svg+xml") >= 2


def test_brief_names_what_is_missing(published):
    done = cli(published, "--period", "2018-07")
    assert done.returncode == 2 and "2018-07" in done.stdout and "mart.indicators_monthly has no row" in done.stdout
    done = cli(published, "--period", "2018-01")
    assert done.returncode == 2 and "January is not a report period" in done.stdout
    with pytest.raises(BriefingError, match="2019"):
        write_annual(published, 2019)
    done = cli(published, "--year", "2018")
    assert done.returncode == 0, done.stdout + done.stderr
    evaluation = docx.Document(published.briefings / "2018" / "evaluation-2018.docx")
    assert any(p.text.startswith("2018年，全市战略性新兴产业工业总产值500.0亿元") for p in evaluation.paragraphs)


def test_the_default_template_is_written_once_for_the_bureau_to_edit(tmp_path):
    paths = make_data_dir(tmp_path / "data")
    done = cli(paths, "--write-template")
    assert done.returncode == 0 and paths.brief_template.exists(), done.stdout + done.stderr
    assert {s.name for s in docx.Document(paths.brief_template).styles} >= {"Headline", "Table Note", "Heading 1"}
    again = cli(paths, "--write-template")
    assert again.returncode == 2 and "exists" in again.stdout
