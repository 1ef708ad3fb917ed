"""The wheel alone runs the pipeline: built from the checkout, installed in a fresh venv with the locked versions,
run from a folder outside the repository (every file the code reads at run time is package data)."""

import os
import subprocess
import sys

import pytest

from conftest import make_data_dir
from sei_stats.config import REPO_ROOT

pytestmark = pytest.mark.slow

QUERY = "SELECT strftime(period, '%Y-%m') AS period, output_value FROM mart.indicators_monthly ORDER BY 1"


def uv(*args, cwd=REPO_ROOT):
    done = subprocess.run([sys.executable, "-m", "uv", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def test_the_wheel_installed_apart_materializes_a_month_from_outside_the_checkout(tmp_path):
    uv("build", "--wheel", "--quiet", "--out-dir", str(tmp_path / "dist"))
    (wheel,) = (tmp_path / "dist").glob("sei_stats-*.whl")
    # the locked versions as constraints: the venv gets what uv.lock pins, not the newest in the ranges
    uv("export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--format", "requirements-txt",
       "--output-file", str(tmp_path / "constraints.txt"))
    venv = tmp_path / "venv"
    uv("venv", "--quiet", "--python", sys.executable, str(venv))
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    uv("pip", "install", "--quiet", "--python", str(bin_dir / "python"), "-c", str(tmp_path / "constraints.txt"), str(wheel))

    outside = tmp_path / "office"
    paths = make_data_dir(outside / "data")
    env = {k: v for k, v in os.environ.items() if k not in ("SEI_DATA_DIR", "VIRTUAL_ENV", "PYTHONPATH")}

    def run(*args, **extra):
        return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=outside, env=env | extra, capture_output=True,
                              text=True, timeout=600)

    where = run("python", "-c", "import sei_stats.pipelines.cli as m; print(m.__file__)")
    assert where.stdout.strip().startswith(str(venv)), where.stdout + where.stderr  # the wheel's, not the checkout's
    helped = run("sei-stats", "--help")
    assert helped.returncode == 0 and "materialize" in helped.stdout, helped.stderr
    done = run("sei-stats", "materialize", "--period", "2017-12", SEI_DATA_DIR=str(paths.root))
    assert done.returncode == 0, done.stdout + done.stderr
    assert paths.warehouse.is_file() and paths.warehouse_detail.is_file()
    # without SEI_DATA_DIR an installed package reads data/ of the working directory
    queried = run("sei-stats", "query", QUERY)
    assert queried.returncode == 0, queried.stdout + queried.stderr
    assert queried.stdout.splitlines()[:2] == [" period  output_value", "2017-12         400.0"]
