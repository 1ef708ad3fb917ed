"""The history benchmark (issue 12): a month's rerun after a correction with one year landed against N years.

``run_history`` draws the demo city (sei_stats.demo.generate: the tests' city, faults and annual reports
included) from 2017, the first year of the catalog, over N years. The latest of them ends at the last month
with a Dagster partition; the years after the last published GDP get a simulated GDP, which raw/SIMULATED.txt
says. Two data folders are made from it, raw/ hard-linked:

- ``<N>-years``: every year, with the annual reports (年报) of the complete years but the last;
- ``1-year``: the last year alone (its returns and roster; no annual report), as the issue's "1 year".

Each is published with ``sei-stats materialize --all``. Then, in turn, one folder after the other (the machine's
speed drifts, so the two are interleaved), a reviewer's correction: raw/reviews/<period>.csv accepting one or
two of the open findings both folders share, with a new note each round. Each rerun is
``sei-stats materialize --period <last>`` timed as a whole process in its own process
(SEI_STATS_IN_PROCESS=1); then a rerun that changes nothing. Results go to a JSON file and a table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

from .bench import (DEFAULT_RESULTS, DEFAULT_WORK, SEED, check_disk, cli_env, link_tree, machine, run_measured,
                    write_results)
from .config import REPO_ROOT

FIRST_YEAR = 2017  # the catalog's first year (data/catalog/products.csv: valid_from 2017-01)
BYTES_A_YEAR = 80 << 20  # a year of the 2,000-enterprise city in both folders once published (measured: 25 MB raw)
REVIEW_HEADER = ["credit_code", "product", "rule", "decision", "field", "corrected_value", "reviewer", "note"]


def last_period(years: int, today: dt.date) -> str:
    """The last month of the N-th year from FIRST_YEAR that has a Dagster partition (they end before this month)."""
    year = FIRST_YEAR + years - 1
    if (year, 12) < (today.year, today.month):
        return f"{year}-12"
    before = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
    if before.year != year:
        raise ValueError(f"{years} years from {FIRST_YEAR} end in {year}, which has no month before {today:%Y-%m} yet")
    return f"{before:%Y-%m}"


def one_year_folder(source: Path, target: Path, year: int) -> None:
    """``target`` as a data folder of ``year`` alone (bench.link_tree): that year's returns and roster, the
    registries, GDP, value-added rates and the marker; no annual report (the year's own comes after it; the year
    before's is no part of a one-year history) and no review."""
    link_tree(source, target, lambda rel: rel.parts[0] not in ("annual", "reviews") and not _other_year(rel, year))


def _other_year(rel: Path, year: int) -> bool:
    if rel.parts[0] == "returns":
        return not rel.parts[1].startswith(f"{year}-")
    if rel.parts[0] == "roster":
        return rel.stem != str(year)
    return False


def whole_folder(source: Path, target: Path) -> None:
    """``target`` as a data folder of every year of ``source`` (bench.link_tree)."""
    link_tree(source, target)


def shared_findings(templates: list[str]) -> list[list[str]]:
    """The open findings (rows of `sei-stats review --csv`) every folder shares, in a stable order; a finding
    listed twice (a conflicting duplicate names both lines alike) is left out, its decision being ambiguous."""
    sets = []
    for text in templates:
        rows = [tuple(r) for r in csv.reader(io.StringIO(text)) if r and r != REVIEW_HEADER]
        sets.append({r for r in rows if rows.count(r) == 1})
    return [list(r) for r in sorted(set.intersection(*sets))] if sets else []


def write_correction(folder: Path, period: str, findings: list[list[str]], count: int, note: str) -> Path:
    """raw/reviews/<period>.csv accepting the first ``count`` findings, each with ``note``."""
    path = folder / "raw" / "reviews" / f"{period}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REVIEW_HEADER)
        for row in findings[:count]:
            record = dict(zip(REVIEW_HEADER, row))
            writer.writerow([*(record | {"decision": "accept", "reviewer": "bench", "note": note}).values()])
    return path


def _cli(command: list[str], folder: Path, log: Path) -> dict:
    """A `sei-stats` command on ``folder``, in its own process, measured (sei_stats.bench.run_measured)."""
    done = run_measured([sys.executable, "-m", "sei_stats.pipelines.cli", *command], env=cli_env(folder), log=log)
    # exit 1 after "published …": a data-quality check of severity ERROR failed (a small city's held share can
    # pass 5%), but the publish was whole, so its time is the time of a rerun; any other failure stops here
    published = any(line.startswith("published ") for line in log.read_text(encoding="utf-8", errors="replace").splitlines())
    if done["exit_code"] != 0 and not (done["exit_code"] == 1 and published):
        raise RuntimeError(f"`sei-stats {' '.join(command)}` on {folder} failed (exit {done['exit_code']}): see {log}")
    return done


def _open_findings(folder: Path, period: str) -> str:
    return subprocess.run([sys.executable, "-m", "sei_stats.pipelines.cli", "review", "--period", period, "--csv"],
                          env=cli_env(folder), check=True, capture_output=True, text=True, encoding="utf-8").stdout


def run_history(years: int = 10, *, work: Path = DEFAULT_WORK, out: Path | None = None, enterprises: int = 2000,
                rounds: int = 3, seed: int = SEED, today: dt.date | None = None, say=print) -> dict:
    """Draw the city, make both folders, publish each, rerun in turn; write the JSON (``out``); the results."""
    from .demo import generate

    if years < 2:
        raise ValueError("--history needs at least 2 years: it compares a history with one year alone")
    if rounds < 1:
        raise ValueError("--rounds needs at least one correction in each folder")
    root = Path(work) / "history"
    check_disk(root, years * BYTES_A_YEAR * enterprises // 2000 + (1 << 30))
    period = last_period(years, today or dt.date.today())
    source = root / "source"
    if source.exists():
        shutil.rmtree(source)
    (source / "raw").mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "data" / "catalog", source / "catalog")
    say(f"history: the demo city ({enterprises:,} enterprises) from {FIRST_YEAR}-01 to {period} …")
    summary = generate(source, seed=seed, n_enterprises=enterprises, start=f"{FIRST_YEAR}-01", end=period,
                       simulated_gdp=True)
    folders = {"1 year": root / "1-year", f"{years} years": root / f"{years}-years"}
    one_year_folder(source, folders["1 year"], int(period[:4]))
    whole_folder(source, folders[f"{years} years"])
    logs = root / "logs"
    result = {"years": years, "enterprises": enterprises, "seed": seed, "period": period,
              "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "machine": machine(),
              "months": {"1 year": sum(m.startswith(period[:4]) for m in summary.months),
                         f"{years} years": len(summary.months)},
              "publish_all": {}, "correction": {name: [] for name in folders}, "no_change": {name: [] for name in folders}}
    for name, folder in folders.items():
        say(f"  {name}: materialize --all …")
        result["publish_all"][name] = _cli(["materialize", "--all"], folder, logs / f"{folder.name}-all.log")
    findings = shared_findings([_open_findings(folder, period) for folder in folders.values()])
    if not findings:
        raise RuntimeError(f"no open finding of {period} both folders share: nothing for a reviewer to correct")
    for round_ in range(1, rounds + 1):
        for name, folder in folders.items():
            write_correction(folder, period, findings, 1 + round_ % 2, f"bench round {round_}")
            say(f"  {name}: a correction, round {round_} …")
            result["correction"][name].append(_cli(["materialize", "--period", period], folder,
                                                   logs / f"{folder.name}-correction-{round_}.log"))
    for name, folder in folders.items():
        say(f"  {name}: a rerun that changes nothing …")
        result["no_change"][name].append(_cli(["materialize", "--period", period], folder,
                                              logs / f"{folder.name}-no-change.log"))
    return write_results(result, Path(out) if out else
                         DEFAULT_RESULTS / f"history-{years}-{dt.datetime.now():%Y%m%dT%H%M%S}.json")


def format_history(result: dict) -> str:
    """Each folder's reruns (wall seconds, peak RSS) and the ratio of the means: N years ÷ 1 year."""
    names = list(result["correction"])
    header = f"{'rerun of ' + result['period']:<24}" + "".join(f"{n:>28}" for n in names)
    rows = [header, "-" * len(header)]

    def cells(runs: list[dict]) -> str:
        return ", ".join(f"{r['seconds']:.1f}" for r in runs)

    def mean(runs: list[dict]) -> float:
        return sum(r["seconds"] for r in runs) / len(runs)

    rows.append(f"{'months landed':<24}" + "".join(f"{result['months'][n]:>28}" for n in names))
    rows.append(f"{'materialize --all (s)':<24}" + "".join(f"{result['publish_all'][n]['seconds']:>28.1f}" for n in names))
    for kind, label in (("correction", "a correction (s)"), ("no_change", "no change (s)")):
        rows.append(f"{label:<24}" + "".join(f"{cells(result[kind][n]):>28}" for n in names))
    peak = {n: max(r["peak_rss_bytes"] for r in result["correction"][n]) / 2**20 for n in names}
    rows.append(f"{'peak RSS, correction MB':<24}" + "".join(f"{peak[n]:>28,.0f}" for n in names))
    failed = sorted({r["exit_code"] for kind in ("correction", "no_change") for n in names for r in result[kind][n]} - {0})
    if failed:
        rows.append(f"(some reruns exited {failed}: published, with data-quality checks failed; see logs/)")
    first, last = names
    for kind, label in (("correction", "a correction"), ("no_change", "no change")):
        ratio = mean(result[kind][last]) / mean(result[kind][first])
        rows.append(f"{last} ÷ {first}, {label}: {ratio:.2f}× (the target: within 1.20×)")
    return "\n".join(rows)
