"""The CLI's global options (--data-dir, --quiet, --version), its run records (SEI_DATA_DIR/logs/, `runs --log`) and
`sei-stats dev` starting Dagster as a child process."""

import json
import os
import re
import signal
import subprocess
import sys
from importlib.metadata import version

import pytest
from rich.cells import cell_len

from sei_stats.land import land_month
from sei_stats.publish import publish
from sei_stats.pipelines import cli

pytestmark = pytest.mark.slow


@pytest.fixture
def published(city):
    for period in ("2017-12", "2018-12"):
        land_month(city, period)
    publish(city)
    return city


def records(paths) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((paths.root / "logs").glob("*.json"))]


def test_a_successful_command_writes_a_record_ok_and_data_dir_wins_over_the_environment(published, tmp_path,
                                                                                       monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("SEI_DATA_DIR", str(elsewhere))  # restored after the test, as is what --data-dir sets
    argv = ["--data-dir", str(published.root), "export", "--period", "2018-12", "--parquet", "--out", str(tmp_path / "out")]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.startswith("2018-12: ")
    [record] = records(published)
    assert {k: record[k] for k in ("command", "argv", "data_dir", "periods", "outcome", "exit_code", "error",
                                   "landings", "dagster_run_ids")} == {
        "command": "export", "argv": ["sei-stats", *argv], "data_dir": str(published.root), "periods": ["2018-12"],
        "outcome": "ok", "exit_code": 0, "error": None, "landings": [], "dagster_run_ids": []}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["ended_utc"]) and record["seconds"] >= 0
    assert record["pid"] == os.getpid() and not elsewhere.exists()
    # the option after the command as well
    assert cli.main(["headline", "--data-dir", str(published.root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "大连市战略性新兴产业主要指标"
    table = lines[1:lines.index("")]  # header, rule, 2017, 2018: one display width, Chinese counting two columns
    assert [line.split()[0] for line in table[2:]] == ["2017", "2018"]
    assert len({cell_len(line) for line in table}) == 1 and cell_len(table[0]) > len(table[0])
    assert len(records(published)) == 1  # a reading command leaves no record


def test_a_failing_command_writes_a_record_failed_with_its_message_and_runs_lists_them(published, tmp_path,
                                                                                      monkeypatch, capsys):
    monkeypatch.setenv("SEI_DATA_DIR", str(published.root))
    assert cli.main(["brief", "--period", "2018-07"]) == 2
    assert cli.main(["export", "--period", "2018-12", "--xlsx", "--out", str(tmp_path / "out")]) == 0
    assert cli.main(["export", "--period", "2018-06", "--xlsx", "--out", str(tmp_path / "out")]) == 2  # Refused
    capsys.readouterr()
    brief, ok, refused = records(published)
    assert (brief["command"], brief["outcome"], brief["exit_code"]) == ("brief", "failed", 2)
    assert brief["error"].startswith("sei-stats brief: ") and "mart.indicators_monthly has no row" in brief["error"]
    assert (ok["outcome"], ok["error"], refused["outcome"], refused["exit_code"]) == ("ok", None, "failed", 2)
    assert refused["error"].startswith("sei-stats export: ")

    assert cli.main(["runs", "--log", "--last", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["started", "(UTC)", "seconds", "outcome", "command", "periods", "landed", "error"]
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[2:4]]
    assert [row[2:5] for row in rows] == [["ok", "export", "2018-12"], ["failed", "export", "2018-06"]]
    assert rows[1][5] == refused["error"]
    assert lines[4] == f"records: {published.root / 'logs'}"
    assert len(records(published)) == 3  # `runs` itself is no record


def test_quiet_materialize_prints_only_the_result_and_the_record_has_each_landing(city, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SEI_DATA_DIR", str(tmp_path / "nowhere"))  # the landing processes get --data-dir's folder
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    assert cli.main(["--quiet", "--data-dir", str(city.root), "materialize", "--all"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"published {city.warehouse} (and the internal {city.warehouse_detail.name})")
    [record] = records(city)
    assert (record["command"], record["outcome"], record["periods"]) == ("materialize", "ok", ["2017-12", "2018-03", "2018-12"])
    landed = {landing["period"]: landing for landing in record["landings"]}
    assert sorted(landed) == ["2017-12", "2018-03", "2018-12"]
    assert [(landed[p]["success"], landed[p]["rows_received"], landed[p]["buckets"]["accepted"])
            for p in sorted(landed)] == [(True, 3, 3), (True, 2, 2), (True, 4, 4)]
    assert all(sum(landing["buckets"].values()) == landing["rows_received"] for landing in landed.values())
    # the catalog's run, the landings' and the publish's
    assert len(record["dagster_run_ids"]) >= 3 and landed["2018-12"]["run_id"] in record["dagster_run_ids"]
    assert not (tmp_path / "nowhere").exists()


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out == f"sei-stats {version('sei-stats')}\n"


def test_dev_starts_dagster_as_a_child_of_this_interpreter(tmp_path, monkeypatch, capsys):
    started = []
    monkeypatch.setenv("SEI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setattr(cli, "run_child", lambda argv: started.append(argv) or 7)
    assert cli.main(["dev", "--", "--port", "3001"]) == 7
    assert started == [[sys.executable, "-m", "dagster", "dev", "-m", "sei_stats.pipelines.definitions", "--port", "3001"]]


def test_run_child_returns_the_exit_code_or_128_plus_the_signal():
    assert cli.run_child([sys.executable, "-c", "import sys; sys.exit(3)"]) == 3
    if os.name != "nt":
        assert cli.run_child([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"]) == 143


CHILD = """
import time
try:
    print("ready", flush=True)
    while True:
        time.sleep(1)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    raise SystemExit(5)
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGINT is sent to a process group there (CTRL_BREAK_EVENT)")
def test_ctrl_c_is_passed_on_to_the_child_and_waited_for():
    parent = subprocess.Popen([sys.executable, "-c", "import sys; from sei_stats.pipelines.cli import run_child; "
                                                     f"sys.exit(run_child([sys.executable, '-c', {CHILD!r}]))"],
                              stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline() == "ready\n"  # the child runs, and the parent waits for it
    parent.send_signal(signal.SIGINT)  # to the parent only: the child is in a session of its own
    assert parent.wait(timeout=60) == 5
    assert parent.stdout.read() == "interrupted\n"
