"""`sei-stats serve`: commands forked from a warm process behave as in their own (output, exit codes, the run and its
record, a kill), and a server older than the code steps aside."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_data_dir
from sei_stats.pipelines import preloader

BIN = Path(sys.executable).parent
STARTED = "commands now fork from it"


def _env(tmp: Path, **extra) -> dict:
    # TMPDIR: this test's own socket folder, apart from any server a developer runs
    env = {k: v for k, v in os.environ.items() if k not in (preloader.IN_PROCESS, "SEI_CRASH_AT")}
    return env | {"TMPDIR": str(tmp)} | extra


class Server:
    def __init__(self, tmp: Path, argv: list[str]):
        self.log = tmp / "server.log"
        self.process = subprocess.Popen(argv, env=_env(tmp), stdout=self.log.open("w"), stderr=subprocess.STDOUT,
                                        text=True)
        deadline = time.monotonic() + 120
        while STARTED not in self.log.read_text() and time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            time.sleep(0.2)
        assert STARTED in self.log.read_text()

    def forked(self) -> list[str]:
        """The commands the server forked, as it logs them."""
        return [line.split(": sei-stats ", 1)[1] for line in self.log.read_text().splitlines()
                if line.split(":")[0].isdigit()]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def socket_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def server(socket_dir):
    running = Server(socket_dir, [str(BIN / "sei-stats"), "serve"])
    yield running
    running.stop()


def _run(tmp: Path, *args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "sei-stats"), *args], capture_output=True, text=True, env=_env(tmp, **env),
                          timeout=300)


def test_a_command_prints_and_exits_through_the_server_as_in_its_own_process(server, socket_dir):
    for args in (["rules"], ["materialize", "--period", "2020-13"], ["materialize"]):
        warm = _run(socket_dir, *args)
        own = _run(socket_dir, *args, **{preloader.IN_PROCESS: "1"})
        assert (warm.returncode, warm.stdout, warm.stderr) == (own.returncode, own.stdout, own.stderr)
    assert server.forked() == ["rules", "materialize --period 2020-13", "materialize"]
    assert [_run(socket_dir, *args).returncode for args in (["materialize", "--period", "2020-13"], ["materialize"])] \
        == [1, 2]  # a malformed month; a command line that names no period (refused)


def test_a_run_is_a_child_with_the_callers_folder_and_environment_and_its_own_record(server, socket_dir, tmp_path):
    paths = make_data_dir(tmp_path / "city")
    done = _run(tmp_path, "materialize", "--period", "2017-12", TMPDIR=str(socket_dir),
                SEI_DATA_DIR=str(paths.root), DAGSTER_HOME=str(paths.dagster_home))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "materialize --period 2017-12" in server.forked()
    assert paths.warehouse.exists()
    record = json.loads(max(paths.root.joinpath("logs").glob("*.json")).read_text(encoding="utf-8"))
    assert (record["outcome"], record["exit_code"]) == ("ok", 0)
    assert record["pid"] not in (server.process.pid, os.getpid())  # the child's own process


def test_a_killed_run_is_reported_and_the_next_run_recovers_it(server, socket_dir, tmp_path):
    paths = make_data_dir(tmp_path / "city")
    env = {"TMPDIR": str(socket_dir), "SEI_DATA_DIR": str(paths.root), "DAGSTER_HOME": str(paths.dagster_home)}
    killed = _run(tmp_path, "materialize", "--period", "2017-12", SEI_CRASH_AT="building", **env)
    assert killed.returncode == 128 + signal.SIGKILL
    assert "was killed (signal 9)" in killed.stderr
    assert not paths.warehouse.exists()
    again = _run(tmp_path, "materialize", "--period", "2017-12", **env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert paths.warehouse.exists()


def test_status_and_stop(socket_dir, tmp_path):
    assert _run(tmp_path, "serve", "--status").returncode == 1  # no server on this folder
    running = Server(tmp_path, [str(BIN / "sei-stats"), "serve"])
    try:
        status = _run(tmp_path, "serve", "--status")
        assert status.returncode == 0 and f"server {running.process.pid} on " in status.stdout
        assert _run(tmp_path, "serve", "--stop").stdout == "server stopped\n"
        assert running.process.wait(timeout=30) == 0
        assert _run(tmp_path, "serve", "--status").returncode == 1
    finally:
        running.stop()


def test_a_server_older_than_the_code_steps_aside_and_the_command_runs_in_its_own_process(tmp_path):
    stamp = tmp_path / "stamp"
    stamp.write_text("first", encoding="utf-8")
    # the same server, its code stamp read from a file the test changes (touching the package would change others')
    code = ("import sys; from pathlib import Path; from sei_stats.pipelines import cli, preloader; "
            "preloader.code_stamp = lambda: Path(sys.argv[1]).read_text(); sys.exit(cli.main(['serve']))")
    running = Server(tmp_path, [sys.executable, "-c", code, str(stamp)])
    try:
        assert _run(tmp_path, "rules").returncode == 0
        assert running.forked() == ["rules"]
        stamp.write_text("second", encoding="utf-8")
        stale = _run(tmp_path, "rules")
        assert stale.returncode == 0 and stale.stdout == _run(tmp_path, "rules", **{preloader.IN_PROCESS: "1"}).stdout
        assert "was started before the code changed and has stopped" in stale.stderr
        assert running.process.wait(timeout=30) == 0
        assert running.forked() == ["rules"]
        assert not list(tmp_path.glob("sei-stats-*/*.sock"))
    finally:
        running.stop()


def test_a_socket_folder_open_to_others_is_neither_served_from_nor_connected_to(tmp_path):
    folder = tmp_path / f"sei-stats-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    refused = _run(tmp_path, "serve")
    assert refused.returncode == 1
    assert refused.stdout == f"{folder} is not this user's alone (owner {os.getuid()}, mode 755): not serving from it\n"
    assert _run(tmp_path, "serve", "--status").returncode == 1  # and a caller does not connect there


def test_the_server_and_the_ui_always_run_in_their_own_process():
    assert [preloader._command(argv) for argv in (["serve"], ["--quiet", "dev"], ["--data-dir", "serve", "dev"],
                                                   ["--data-dir=x", "--verbose", "materialize", "--all"], ["--version"])] \
        == ["serve", "dev", "dev", "materialize", None]
