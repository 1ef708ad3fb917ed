"""The package shape: only sei_stats is installed; the library never imports Dagster; the contracts
depend on nothing of the library but its shared core; the test tools stay out of the runtime dependencies and
the lock serves Windows and every Python supported."""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging import tags
from packaging.utils import parse_wheel_filename

from sei_stats.config import REPO_ROOT

# The shared core: modules that import nothing else of sei_stats.
CORE = {"sei_stats.period", "sei_stats.vocabulary", "sei_stats.credit_code"}


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "sei_stats":  # from sei_stats import period
                names.discard("sei_stats")
                names.update(f"sei_stats.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_domain_library_never_imports_dagster():
    code = ("import sys, pkgutil, importlib, sei_stats\n"
            "[importlib.import_module('sei_stats.' + m.name) for m in pkgutil.iter_modules(sei_stats.__path__)\n"
            " if m.name != 'pipelines']\n"
            "print('dagster' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_run_imports_matplotlib_scipy_and_the_document_writers_only_where_it_draws_audits_or_writes():
    # 3.5 s of every `sei-stats materialize`, most of whose runs neither draw nor choose a disclosure pattern,
    # and whose charts, quality reports and briefing are kept when what they show did not change
    code = ("import sys, pipelines.run, pipelines.definitions, sei_stats.charts, sei_stats.quality_report\n"
            "import sei_stats.document_charts, sei_stats.briefing.build\n"
            "print(sorted(m for m in ('matplotlib', 'scipy', 'docx', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert out.stdout.strip() == "[]"


def test_the_contracts_import_only_the_shared_core():
    for path in sorted((REPO_ROOT / "schemas").glob("*.py")):
        library = {m for m in _imported(path) if m.startswith("sei_stats") and not m.startswith("sei_stats.schemas")}
        assert library <= CORE, f"{path.name} imports {sorted(library - CORE)}"


def test_the_core_imports_nothing_else_of_sei_stats():
    for module in CORE:
        path = REPO_ROOT / "src" / "sei_stats" / f"{module.rsplit('.', 1)[1]}.py"
        assert not {m for m in _imported(path) if m.startswith("sei_stats")}, path.name


def test_only_sei_stats_is_importable_from_outside_the_checkout(tmp_path):
    code = ("import importlib.util as u\n"
            "print([n for n in ('sei_stats', 'sei_stats.pipelines', 'sei_stats.schemas', 'pipelines', 'schemas') if u.find_spec(n)])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "['sei_stats', 'sei_stats.pipelines', 'sei_stats.schemas']"


def test_every_subpackage_is_listed_for_the_wheel():
    import tomllib

    listed = set(tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {"sei_stats." + ".".join(p.parent.relative_to(REPO_ROOT / "src" / "sei_stats").parts)
             for p in (REPO_ROOT / "src" / "sei_stats").rglob("__init__.py")}
    found = {name.rstrip(".") for name in found}
    assert found | {"sei_stats.pipelines", "sei_stats.schemas"} == listed


def test_the_test_tools_are_no_runtime_dependency_and_no_runtime_module_imports_them():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = {re.split(r"[<>=!~ ;\[]", d, maxsplit=1)[0].lower() for d in project["project"]["dependencies"]}
    dev = {re.split(r"[<>=!~ ;\[]", d, maxsplit=1)[0].lower() for d in project["dependency-groups"]["dev"]}
    assert {"pytest", "uv"} <= dev and not dev & runtime
    modules = [p for folder in ("src", "pipelines", "schemas") for p in (REPO_ROOT / folder).rglob("*.py")]
    assert [p.name for p in modules if {"pytest", "_pytest", "uv"} & {m.split(".")[0] for m in _imported(p)}] == []


COMPILED = ("duckdb", "numpy", "pandas", "pyarrow", "scipy", "matplotlib", "python-calamine", "psycopg2-binary",
            "pydantic-core", "grpcio", "lxml", "pyyaml")


def test_the_lock_covers_windows_and_every_python_supported():
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text(encoding="utf-8"))
    assert lock["requires-python"] == ">=3.11, <3.14"
    packages = {p["name"]: p for p in lock["package"]}
    assert "pywin32" in packages  # Windows-only packages are locked too, not only this machine's
    uvicorn = packages["uvicorn"]["optional-dependencies"]["standard"]
    assert [d["marker"] for d in uvicorn if d["name"] == "uvloop"] == [
        "platform_python_implementation != 'PyPy' and sys_platform != 'cygwin' and sys_platform != 'win32'"]
    # the compiled packages have a wheel for Windows on each Python supported (no build on the bureau's PCs)
    for python in ((3, 11), (3, 12), (3, 13)):
        supported = set(tags.cpython_tags(python, abis=[f"cp{python[0]}{python[1]}", "abi3", "none"],
                                          platforms=["win_amd64"]))
        for name in COMPILED:
            wheels = [w["url"].rsplit("/", 1)[1] for w in packages[name]["wheels"]]
            assert any(parse_wheel_filename(w)[3] & supported for w in wheels), (name, python)
