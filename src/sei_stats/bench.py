"""The benchmark (issue 12): each stage of the pipeline timed for one month and for a year, against a floor.

``run_bench`` writes a scaled demo city (sei_stats.demo.scaled: clean UTF-8 CSV, about 5 lines an
enterprise) after checking free disk, then for each scenario — ``month`` (the last report period alone)
and ``year`` (every report period) — in a data folder of its own (the returns hard-linked):

- times the stages in a child process per group, so that a stage's peak memory is its own process's:
  read, normalise, validate, classify (timed inside ``land.judge_and_classify``) and land (the
  whole ``land.land_month``, which does all four again and writes the Parquet file); reclassify and
  publish; charts; reports;
- times ``sei-stats materialize`` (``--period`` for the month, ``--all`` for the year) as a whole process
  in a fresh data folder: the path the bureau runs;
- times the floor as a whole process: plain DuckDB reading the same CSV files and summing the output by
  area with the catalog's longest-prefix classification, in one SQL query (FLOOR_SQL).

Seconds are wall time (with the CPU seconds of every thread beside them: on a shared machine they show
what waiting did), rows per second received lines over seconds, peak memory the RSS of the whole process
tree (sampled every SAMPLE_SECONDS from /proc, and the kernel's own high-water mark). Results go to a JSON
file and a table. Only the standard library is imported here: the children import the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .config import REPO_ROOT

# --- scales and stages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    enterprises: int
    months: int | None  # report periods of the year; None: all of them


SCALES = {
    "tiny": Scale(200, 2),  # the CI smoke test: seconds, not figures
    "city": Scale(2_000, None),
    "province": Scale(40_000, None),
    "national": Scale(500_000, None),  # about 2.5 million lines a month
}
LANDING_STAGES = ("read", "normalise", "validate", "classify", "land")
STAGE_GROUPS = {"landing": LANDING_STAGES, "publish": ("reclassify", "publish"), "charts": ("charts",),
                "reports": ("reports",)}
STAGES = tuple(s for group in STAGE_GROUPS.values() for s in group)
SCENARIOS = ("month", "year")
SAMPLE_SECONDS = 0.05
# Disk a scenario's data folder takes per byte of returns (landing, reclassified copy, the frame step's results,
# both warehouse files): measured 3.2 for the year at the city scale. One folder exists at a time (all four with
# --keep), beside the returns.
DISK_FACTOR = 4
DISK_MARGIN = 1 << 30  # and a gigabyte the machine keeps for everything else
DEFAULT_WORK = REPO_ROOT / "benchmarks" / "work"
DEFAULT_RESULTS = REPO_ROOT / "benchmarks" / "results"
SEED = 20171109

# --- memory: RSS of a process tree, from /proc --------------------------------------------------


def _status_kb(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status in kB (VmRSS, VmHWM), 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    """The children of a process, from each of its threads' children file."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and all its descendants now (shared pages count in each: an upper bound)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _status_kb(p, "VmRSS") * 1024
        todo += _children(p)
    return total


class PeakRSS:
    """The peak RSS of a process tree, sampled in a thread every SAMPLE_SECONDS; ``reset`` starts a new window."""

    def __init__(self, pid: int):
        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(SAMPLE_SECONDS)

    def reset(self) -> None:
        """A new window; in our own process the kernel's high-water mark (VmHWM) starts again too."""
        if self.pid == os.getpid():
            try:
                Path("/proc/self/clear_refs").write_text("5")  # 5: reset the peak RSS (Linux ≥ 4.0)
            except OSError:
                pass
        self.peak = tree_rss(self.pid)

    def window_peak(self) -> int:
        """The window's peak so far: samples miss short spikes, VmHWM (of this process only) does not."""
        own = _status_kb(self.pid, "VmHWM") * 1024 if self.pid == os.getpid() else 0
        return max(self.peak, tree_rss(self.pid), own)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(argv: list[str], *, env: dict[str, str] | None = None, log: Path) -> dict:
    """Run a command as a whole process (output to ``log``): seconds, peak RSS of its tree and exit code."""
    import resource  # Unix, as os.wait4: the CLI imports this module on every platform

    log.parent.mkdir(parents=True, exist_ok=True)
    ours = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with log.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
        with PeakRSS(child.pid) as peak:
            _, status, usage = os.wait4(child.pid, 0)  # reaps it, and says its peak (ru_maxrss, kB)
            seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    # Linux hands a child its parent's high-water mark at fork and keeps it through exec: a ru_maxrss no larger
    # than ours may be ours (a city generated in this process), and only the samples say the child's own peak
    own = usage.ru_maxrss * 1024 if usage.ru_maxrss > ours else 0
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_bytes": max(peak.peak, own), "exit_code": child.returncode}


# --- the stages, in a child process per group ----------------------------------------------------


class _Clock:
    """Seconds, CPU seconds (every thread), lines and peak RSS of each stage, summed over months (RSS: maxed)."""

    def __init__(self, peak: PeakRSS):
        self.peak, self.stages = peak, {}

    @contextmanager
    def stage(self, name: str, lines: int = 0):
        record = {"lines": lines}
        self.peak.reset()
        started, cpu = time.perf_counter(), time.process_time()
        yield record  # a stage that learns its lines (read) sets record["lines"]
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        total = self.stages.setdefault(name, {"seconds": 0.0, "cpu_seconds": 0.0, "lines": 0, "peak_rss_bytes": 0})
        total["seconds"] += seconds
        total["cpu_seconds"] += cpu
        total["lines"] += record["lines"]
        total["peak_rss_bytes"] = max(total["peak_rss_bytes"], self.peak.window_peak())


def prepare_month_timed(paths, period: str, clock: _Clock):
    """``land.prepare_month`` with each step a stage of ``clock``: read here, then normalise, validate and classify
    inside ``land.judge_and_classify`` itself."""
    from .land import judge_and_classify
    from .read import read_period_with_notes

    with clock.stage("read") as record:
        received, _ = read_period_with_notes(paths.returns, period)
        record["lines"] = n = len(received)
    return judge_and_classify(paths, received, period, period, stage=lambda name: clock.stage(name, n))


def landed_by_area(path: Path) -> list[list]:
    """[period, area, output_ytd (千元, text), lines] of a landing's accepted SEI lines: what the floor computes."""
    import duckdb

    with duckdb.connect() as con:
        rows = con.execute("SELECT strftime(period, '%Y-%m'), area, sum(output_ytd)::DECIMAL(38,3)::VARCHAR, count(*) "
                           "FROM read_parquet(?) WHERE status = 'accepted' AND is_sei GROUP BY ALL ORDER BY ALL",
                           [str(path)]).fetchall()
    return [list(r) for r in rows]


def _files_written(rendered) -> int:
    """How many files a render wrote: a list of paths, or an answer naming those ``written`` (charts.Rendered)."""
    return len(getattr(rendered, "written", rendered))


def _run_group(group: str, data_dir: Path, periods: list[str]) -> dict:
    """One stage group in this process: the stages' records, and for the landing what it landed by area."""
    from .config import DataPaths

    paths = DataPaths(data_dir)
    result = {"stages": {}}
    with PeakRSS(os.getpid()) as peak:
        clock = _Clock(peak)
        if group == "landing":
            from .land import land_month

            by_area = []
            for period in periods:
                lines, _ = prepare_month_timed(paths, period, clock)
                n = len(lines)
                del lines  # so the landing's memory is its own
                with clock.stage("land", n):
                    landed = land_month(paths, period)
                by_area += landed_by_area(landed.path)
            result["landed_by_area"] = by_area
        elif group == "publish":
            from .publish import publish
            from .reclassify import reclassify_history

            with clock.stage("reclassify"):
                reclassify_history(paths)
            with clock.stage("publish"):
                publish(paths)
        elif group == "charts":
            import duckdb

            from .charts import render_charts

            with clock.stage("charts"), duckdb.connect(str(paths.warehouse), read_only=True) as con:
                result["files"] = _files_written(render_charts(con, paths.charts, simulated=paths.simulated))
        elif group == "reports":
            from .publish import open_detail
            from .quality_report import render_all_quality_reports

            with clock.stage("reports"), open_detail(paths) as con:
                result["files"] = _files_written(render_all_quality_reports(con, paths.quality, simulated=paths.simulated))
        else:
            raise ValueError(f"no stage group {group!r}: one of {', '.join(STAGE_GROUPS)}")
    result["stages"] = clock.stages
    return result


# --- the floor -------------------------------------------------------------------------------------

# Every line's longest catalog prefix, as sei_stats.classify: among the entries valid in the line's month, a
# product entry whose code prefixes the product code beats any industry entry, the longer code the better;
# units of divisions that measure neither output nor revenue are unclassified. Prefixes are joined by
# equality (each code cut at every length), so the join is a hash join. No validation: every line counts.
FLOOR_SQL = """
WITH lines AS (
    SELECT regexp_extract(filename, '(\\d{4}-\\d{2})[/\\\\][^/\\\\]*$', 1) AS month, row_number() OVER () AS id,
           industry_code, nullif(product_code, '') AS product_code, CAST(output_ytd AS DECIMAL(18,3)) AS output_ytd
    FROM read_csv($files, all_varchar = true, header = true, filename = true)
),
catalog AS (
    SELECT code, kind, area, valid_from, coalesce(nullif(valid_to, ''), '9999-12') AS valid_to
    FROM read_csv($catalog, all_varchar = true, header = true)
),
prefixes AS (
    SELECT id, month, 'product' AS kind, product_code AS code, unnest(range(1, length(product_code) + 1)) AS n
    FROM lines WHERE product_code IS NOT NULL
    UNION ALL
    SELECT id, month, 'industry', industry_code, unnest(range(1, length(industry_code) + 1)) FROM lines
),
matched AS (
    SELECT p.id, arg_max(c.area, (p.kind = 'product')::INTEGER * 1000 + p.n) AS area
    FROM prefixes AS p
    JOIN catalog AS c ON c.kind = p.kind AND c.code = left(p.code, p.n) AND p.month BETWEEN c.valid_from AND c.valid_to
    GROUP BY p.id
)
SELECT l.month, m.area, sum(l.output_ytd)::DECIMAL(38,3)::VARCHAR AS output_ytd, count(*) AS lines
FROM lines AS l JOIN matched AS m USING (id)
WHERE {measured}
GROUP BY ALL ORDER BY ALL
"""

# The floor process: nothing but duckdb. argv: the query's file, the catalog, the answer's file, then the CSV files.
FLOOR_SCRIPT = """
import json, sys, duckdb
sql, catalog, out, *files = sys.argv[1:]
rows = duckdb.sql(open(sql, encoding="utf-8").read(), params={"files": files, "catalog": catalog}).fetchall()
open(out, "w", encoding="utf-8").write(json.dumps([list(r) for r in rows], ensure_ascii=False))
"""


def floor_sql() -> str:
    """FLOOR_SQL with the divisions that have a measure (vocabulary.MEASURE_DIVISIONS) written in."""
    from .vocabulary import MEASURE_DIVISIONS

    measured = " OR ".join(f"left(l.industry_code, 2) BETWEEN '{a}' AND '{b}'" for a, b in MEASURE_DIVISIONS.values())
    return FLOOR_SQL.replace("{measured}", measured)


def run_floor(data_dir: Path, periods: list[str], logs: Path) -> dict:
    """The floor as a whole process over the CSV files of ``periods``: seconds, peak RSS, and its sums by area."""
    files = sorted(str(f) for p in periods for f in (data_dir / "raw" / "returns" / p).glob("*.csv"))
    sql, out = logs / "floor.sql", logs / "floor-answer.json"
    sql.write_text(floor_sql(), encoding="utf-8")
    result = run_measured([sys.executable, "-c", FLOOR_SCRIPT, str(sql), str(data_dir / "catalog" / "products.csv"),
                           str(out), *files], log=logs / "floor.log")
    if result["exit_code"] != 0:
        raise RuntimeError(f"the floor failed (exit {result['exit_code']}): see {logs / 'floor.log'}")
    return result | {"by_area": json.loads(out.read_text(encoding="utf-8"))}


# --- a run -----------------------------------------------------------------------------------------


def machine() -> dict:
    """What the figures ran on."""
    import importlib.metadata as metadata

    def first(path: str, key: str) -> str:
        try:
            return next((line.split(":", 1)[1].strip() for line in Path(path).read_text().splitlines()
                         if line.startswith(key)), "")
        except OSError:
            return ""

    ram_kb = first("/proc/meminfo", "MemTotal").split()
    return {"cpu": first("/proc/cpuinfo", "model name") or platform.processor(), "cores": os.cpu_count(),
            "ram_gb": round(int(ram_kb[0]) / 2**20, 1) if ram_kb else None, "os": platform.platform(),
            "python": platform.python_version(), "duckdb": metadata.version("duckdb"),
            "pandas": metadata.version("pandas"), "load_average": os.getloadavg()}


def check_disk(folder: Path, needed: int) -> None:
    """Refuse (SystemExit naming both figures) when the disk holding ``folder`` has less than ``needed`` bytes free."""
    probe = folder
    while not probe.exists():
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed:
        raise SystemExit(f"sei-stats bench: needs about {needed / 1e9:.1f} GB free at {probe}, only {free / 1e9:.1f} GB "
                         "is: free some, or give --work on a larger disk")


def link_tree(source: Path, target: Path, wanted: Callable[[Path], bool] = lambda rel: True) -> None:
    """``target`` as a data folder of ``source``: the catalog copied, the files of raw/ whose path under raw/ is
    ``wanted`` hard-linked (copied where links fail)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source / "catalog", target / "catalog")
    for path in (source / "raw").rglob("*"):
        rel = path.relative_to(source / "raw")
        if path.is_dir() or not wanted(rel):
            continue
        (target / "raw" / rel).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target / "raw" / rel)
        except OSError:
            shutil.copy2(path, target / "raw" / rel)


def _link_tree(source: Path, target: Path, periods: list[str]) -> None:
    """A data folder for one scenario (``link_tree``): only the returns of ``periods``."""
    link_tree(source, target, lambda rel: not (rel.parts[0] == "returns" and rel.parts[1] not in periods))


def _generate(source: Path, n_enterprises: int, months: int | None, seed: int, say) -> dict:
    """The scaled city in ``source`` (kept, and reused while its size, months, seed and generator are the same)."""
    from .demo import scaled

    stamp = source / "bench-city.json"
    code = hashlib.sha256(Path(scaled.__file__).read_bytes()).hexdigest()[:12]  # a changed generator writes anew
    wanted = {"enterprises": n_enterprises, "months": months, "seed": seed, "generator": code}
    if stamp.exists():
        known = json.loads(stamp.read_text(encoding="utf-8"))
        if {k: known.get(k) for k in wanted} == wanted and (source / "raw" / "returns").is_dir():
            say(f"reusing the city generated in {source}")
            return known
    if not (source / "catalog").exists():
        shutil.copytree(REPO_ROOT / "data" / "catalog", source / "catalog")
    stamp.unlink(missing_ok=True)
    periods = scaled.report_periods(source, months)
    started = time.perf_counter()
    city = scaled.generate_scaled(source, n_enterprises=n_enterprises, months=periods, seed=seed)
    known = wanted | {"periods": city.periods, "lines": city.lines, "bytes": city.bytes_written,
                      "product_lines": city.n_product_lines, "seconds": time.perf_counter() - started}
    stamp.write_text(json.dumps(known, indent=1), encoding="utf-8")
    say(f"generated {n_enterprises:,} enterprises, {sum(city.lines.values()):,} lines in {len(periods)} months "
        f"({city.bytes_written / 1e6:,.0f} MB) in {known['seconds']:.1f} s")
    return known


def _stage_child(group: str, data_dir: Path, periods: list[str], logs: Path) -> dict:
    out = logs / f"{group}.json"
    argv = [sys.executable, "-m", "sei_stats.bench", group, str(data_dir), str(out), *periods]
    done = run_measured(argv, log=logs / f"{group}.log")
    if done["exit_code"] != 0:
        raise RuntimeError(f"stage group {group} failed (exit {done['exit_code']}): see {logs / f'{group}.log'}")
    return json.loads(out.read_text(encoding="utf-8"))


@contextmanager
def _data_folder(source: Path, target: Path, periods: list[str], keep: bool):
    """A scenario's data folder (``_link_tree``), removed afterwards unless ``keep``: one at a time on the disk."""
    _link_tree(source, target, periods)
    try:
        yield target
    finally:
        if not keep:
            shutil.rmtree(target, ignore_errors=True)


def _scenario(name: str, source: Path, root: Path, periods: list[str], lines: int, *, end_to_end: bool, keep: bool,
              say) -> dict:
    """Every stage, the floor and the end-to-end run of one scenario."""
    logs = root / "logs" / name
    logs.mkdir(parents=True, exist_ok=True)
    result = {"periods": periods, "lines": lines, "stages": {}}
    with _data_folder(source, root / f"{name}-stages", periods, keep) as data_dir:
        for group in STAGE_GROUPS:
            say(f"  {name}: {group} …")
            done = _stage_child(group, data_dir, periods, logs)
            for stage, record in done["stages"].items():
                record["lines"] = record["lines"] or lines  # publish, charts, reports: every line landed
                if "files" in done:  # charts and reports: how many files they wrote
                    record["files"] = done["files"]
                result["stages"][stage] = record
            if "landed_by_area" in done:
                result["landed_by_area"] = done["landed_by_area"]
    say(f"  {name}: floor …")
    result["floor"] = run_floor(source, periods, logs) | {"lines": lines}
    result["floor_agrees"] = result["floor"]["by_area"] == result.get("landed_by_area")
    if end_to_end:
        with _data_folder(source, root / f"{name}-e2e", periods, keep) as data_dir:
            # `python -m`, not the `sei-stats` script beside the interpreter (sei-stats.exe on Windows)
            command = ["materialize", *(["--all"] if name == "year" else ["--period", periods[-1]])]
            argv = [sys.executable, "-m", "sei_stats.pipelines.cli", *command]
            env = cli_env(data_dir)
            say(f"  {name}: {' '.join(command)} …")
            result["end_to_end"] = run_measured(argv, env=env, log=logs / "materialize.log") | {
                "command": " ".join(["sei-stats", *command]), "lines": lines}
        result["pipeline_over_floor"] = result["end_to_end"]["seconds"] / result["floor"]["seconds"]
    return result


def run_bench(scale: str, *, work: Path = DEFAULT_WORK, out: Path | None = None, months: int | None = None,
              enterprises: int | None = None, seed: int = SEED, end_to_end: bool = True, keep: bool = False,
              dry_run: bool = False, say=print) -> dict:
    """Generate the scale's city (or reuse it), run both scenarios, write the JSON (``out``); the results."""
    from .demo import scaled

    spec = SCALES[scale]
    n = enterprises or spec.enterprises
    months = months or spec.months
    root = Path(work) / scale
    n_periods = months or 11
    returns = scaled.estimate_bytes(n, n_periods)
    needed = int(returns * (1 + DISK_FACTOR * (4 if keep else 1))) + DISK_MARGIN
    say(f"{scale}: {n:,} enterprises, {n_periods} months, about {n * scaled.LINES_PER_ENTERPRISE:,} lines a month; "
        f"needs about {needed / 1e9:.1f} GB under {root}")
    check_disk(root, needed)
    if dry_run:
        return {}
    root.mkdir(parents=True, exist_ok=True)
    city = _generate(root / "source", n, months, seed, say)
    periods, by_period = city["periods"], city["lines"]
    started = dt.datetime.now().astimezone()
    result = {"scale": scale, "enterprises": n, "seed": seed, "started": started.isoformat(timespec="seconds"),
              "machine": machine(), "generate": {k: city[k] for k in ("seconds", "bytes", "lines")}, "scenarios": {}}
    # The month is the last report period alone; the year is every one (left out when there is only one).
    for name, chosen in (("month", periods[-1:]), ("year", periods))[:2 if len(periods) > 1 else 1]:
        result["scenarios"][name] = _scenario(name, root / "source", root, chosen, sum(by_period[p] for p in chosen),
                                              end_to_end=end_to_end, keep=keep, say=say)
    return write_results(result, Path(out) if out else DEFAULT_RESULTS / f"{scale}-{started:%Y%m%dT%H%M%S}.json")


def write_results(result: dict, out: Path) -> dict:
    """The results as JSON in ``out``; the results with its path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result | {"path": str(out)}


def cli_env(data_dir: Path) -> dict[str, str]:
    """The environment of a `sei-stats` command on ``data_dir``: its own Dagster home (under the folder), and in
    its own process even with `sei-stats serve` running, so that its figures include the imports every time."""
    return {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"SEI_DATA_DIR": str(data_dir),
                                                                          "SEI_STATS_IN_PROCESS": "1"}


# --- the table -------------------------------------------------------------------------------------


def format_table(result: dict) -> str:
    """One line per scenario and stage: seconds, lines per second, peak RSS (MB); then materialize, floor, ratio."""
    header = f"{'scenario':<9}{'stage':<22}{'seconds':>10}{'CPU s':>9}{'lines':>12}{'lines/s':>12}{'peak RSS MB':>13}"
    rows = [header, "-" * len(header)]

    def row(scenario: str, stage: str, record: dict) -> str:
        seconds, lines = record["seconds"], record["lines"]
        rate = f"{lines / seconds:,.0f}" if seconds > 0 else "—"
        return (f"{scenario:<9}{stage:<22}{seconds:>10.2f}{record['cpu_seconds']:>9.2f}{lines:>12,}{rate:>12}"
                f"{record['peak_rss_bytes'] / 2**20:>13,.0f}")

    for name, scenario in result["scenarios"].items():
        for stage in STAGES:
            if stage in scenario["stages"]:
                rows.append(row(name, stage, scenario["stages"][stage]))
                if scenario["stages"][stage].get("files") == 0:  # charts want a complete year
                    rows.append(f"{name:<9}  ↑ wrote no file")
        if "end_to_end" in scenario:
            rows.append(row(name, "materialize (whole)", scenario["end_to_end"]))
            if scenario["end_to_end"]["exit_code"] != 0:  # its time is then not the time of a whole run
                rows.append(f"{name:<9}  ↑ FAILED: exit {scenario['end_to_end']['exit_code']} (logs/{name}/materialize.log)")
        rows.append(row(name, "floor (DuckDB, whole)", scenario["floor"]))
        if not scenario["floor_agrees"]:
            rows.append(f"{name:<9}  ↑ its sums by area differ from the landed accepted SEI output (see the JSON)")
        if "pipeline_over_floor" in scenario:
            rows.append(f"{name:<9}{'materialize ÷ floor':<22}{scenario['pipeline_over_floor']:>10.1f}")
        rows.append("")
    return "\n".join(rows).rstrip()


def _child(argv: list[str]) -> int:
    """``python -m sei_stats.bench GROUP DATA_DIR OUT PERIOD…``: run one stage group, its records to OUT (JSON)."""
    group, data_dir, out, *periods = argv
    result = _run_group(group, Path(data_dir), periods)
    Path(out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
