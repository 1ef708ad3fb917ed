"""docs/warehouse.md is the data dictionary of the analysts' file as the code publishes it, whatever the data."""

import duckdb
import pytest

from sei_stats.config import REPO_ROOT
from sei_stats.dictionary import CURRENT, render
from sei_stats.land import land_month
from sei_stats.publish import publish
from sei_stats.reclassify import reclassify_history

from conftest import make_data_dir

DOCS = REPO_ROOT / "docs" / "warehouse.md"
STALE = "docs/warehouse.md is stale: run `sei-stats dictionary --write docs/warehouse.md`"


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    paths = make_data_dir(tmp_path_factory.mktemp("dictionary") / "data")
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(paths, period)
    return paths


def _rendered(path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return render(con)


def test_docs_warehouse_md_is_current(city):
    text = _rendered(publish(city).path)
    assert DOCS.exists() and DOCS.read_text(encoding="utf-8") == text, STALE


def test_the_dictionary_depends_on_no_data(city, tmp_path):
    """One month landed, three, and three with history reclassified (mart_current_catalog) give the same text,
    which heads every relation of the file."""
    before = _rendered(publish(city).path)
    one = make_data_dir(tmp_path / "one")
    land_month(one, "2017-12")
    assert _rendered(publish(one).path) == before
    reclassify_history(city)
    published = publish(city)
    assert _rendered(published.path) == before
    with duckdb.connect(str(published.path), read_only=True) as con:
        relations = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name <> ?",
                                [CURRENT]).fetchall()
        # the note of the dictionary holds: the current-catalog marts repeat mart's, column for column
        differ = con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = ? "
                             "EXCEPT SELECT table_name, column_name, data_type FROM duckdb_columns() "
                             "WHERE schema_name = 'mart'", [CURRENT]).fetchall()
        current = {t for t, in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ?",
                                           [CURRENT]).fetchall()}
    assert not differ and current
    assert all(f"### {s}.{t}\n" in before for s, t in relations)
    assert all(f"Also as `{CURRENT}.{t}`" in before for t in current)
