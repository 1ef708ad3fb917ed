"""The published figures of a small demo city, stored: refactoring must leave every one unchanged.

`python tests/golden.py --update` rewrites tests/data/golden/ from the code as it is; do that only
when a change of figures is intended, and say why in the commit.
"""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd

GOLDEN = Path(__file__).parent / "data" / "golden"
SCHEMAS = ("mart", "qa", "mart_current_catalog", "qa_current_catalog")


def build_city(root: Path):
    """The demo city of test_demo_pipeline (seed 11, 150 enterprises, 2019–2020), landed with its 2019 annual report,
    reclassified and published."""
    from sei_stats import demo
    from sei_stats.config import REPO_ROOT, data_paths
    from sei_stats.land import land_annual, land_month
    from sei_stats.read import available_periods
    from sei_stats.reclassify import reclassify_history
    from sei_stats.publish import publish

    paths = data_paths(root)
    shutil.copytree(REPO_ROOT / "data" / "catalog", paths.catalog)
    demo.generate(paths.root, seed=11, n_enterprises=150, start="2019-01", end="2020-12")
    for period in available_periods(paths.returns):
        land_month(paths, period)
    for year in paths.annual.iterdir():
        land_annual(paths, year.name)
    reclassify_history(paths)
    _decide_some_findings(paths, publish(paths).detail)
    return publish(paths).detail  # every relation, the marts as views over the same landings


def _decide_some_findings(paths, warehouse: Path) -> None:
    """Reviewers' decisions on the first open findings of 2020-06: accept, correct and reject, in turn."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        queue = con.execute("SELECT credit_code, product, rule, output_ytd FROM qa.review_queue "
                            "WHERE strftime(period, '%Y-%m') = '2020-06' ORDER BY severity, rule, credit_code, product").df()
    rows = []
    for i, item in enumerate(queue.head(6).itertuples(index=False)):
        decision = ("accept", "correct", "reject")[i % 3]
        corrected = f"{float(item.output_ytd) / 1000:.3f}" if decision == "correct" else ""
        rows.append([item.credit_code, item.product, item.rule, decision, corrected, "golden", f"decision {i}"])
    folder = paths.raw / "reviews"
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["credit_code", "product", "rule", "decision", "corrected_value", "reviewer", "note"]).to_csv(
        folder / "2020-06.csv", index=False)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def published_relations(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every published relation of SCHEMAS as text, rows sorted, floats at full precision."""
    names = con.execute(
        "SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE schema_name IN ? "
        "UNION SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name IN ? ORDER BY 1",
        [list(SCHEMAS), list(SCHEMAS)]).fetchall()
    out = {}
    for (name,) in names:
        cursor = con.execute(f"SELECT * FROM {name}")
        columns = [d[0] for d in cursor.description]
        rows = sorted(tuple(_text(v) for v in row) for row in cursor.fetchall())
        out[name] = pd.DataFrame(rows, columns=columns, dtype=str)
    return out


def stored() -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(GOLDEN.glob("*.csv"))}


def update(root: Path) -> None:
    with duckdb.connect(str(build_city(root)), read_only=True) as con:
        relations = published_relations(con)
    shutil.rmtree(GOLDEN, ignore_errors=True)
    GOLDEN.mkdir(parents=True)
    for name, frame in relations.items():
        frame.to_csv(GOLDEN / f"{name}.csv", index=False, lineterminator="\n")
    print(f"{len(relations)} relations written to {GOLDEN}")


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:] != ["--update"]:
        raise SystemExit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        update(Path(tmp) / "data")
