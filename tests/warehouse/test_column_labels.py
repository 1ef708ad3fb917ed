"""Every column of the analysts' file has a Chinese label (sql/column_labels.csv), published as ref.column_labels."""

import re

import duckdb
import pytest

from sei_stats.labels import UNITS, label_for, read_labels, unit_of, unlabelled_columns
from sei_stats.land import land_month
from sei_stats.publish import publish
from sei_stats.reclassify import reclassify_history

from conftest import make_data_dir

# What full-width parentheses at the end of a label may hold besides a unit of UNITS.
NOT_UNITS = {"JSON"}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The small city landed, reclassified (so mart_current_catalog exists) and published."""
    paths = make_data_dir(tmp_path_factory.mktemp("labels") / "data")
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(paths, period)
    reclassify_history(paths)
    return publish(paths)


def test_every_column_of_the_analysts_file_has_a_label(published):
    with duckdb.connect(str(published.path), read_only=True) as con:
        schemas = {s for s, in con.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()}
        missing = unlabelled_columns(con)
    assert {"ref", "mart", "mart_current_catalog", "vintage"} <= schemas
    assert not missing, ("columns without a label in src/sei_stats/sql/column_labels.csv (add a row "
                         f"'column,label,' or 'column,label,schema.table'): {', '.join(missing)}")


def test_ref_column_labels_has_one_row_per_column_in_both_files(published):
    with duckdb.connect(str(published.path), read_only=True) as con:
        columns = con.execute("SELECT schema_name, table_name, column_name FROM duckdb_columns() "
                              "WHERE database_name = current_database() ORDER BY ALL").fetchall()
        labels = con.execute("SELECT schema_name, table_name, column_name, label FROM ref.column_labels ORDER BY ALL").fetchall()
        comments = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() "
                                    "WHERE schema_name = 'ref' AND table_name = 'column_labels'").fetchall())
    assert [row[:3] for row in labels] == columns and ("ref", "column_labels", "label") in columns
    assert all(comments.values()) and set(comments) == {"schema_name", "table_name", "column_name", "label"}
    with duckdb.connect(str(published.detail), read_only=True) as con:
        assert con.execute("SELECT schema_name, table_name, column_name, label FROM ref.column_labels "
                           "ORDER BY ALL").fetchall() == labels
    resolved = {(s, t, c): label for s, t, c, label in labels}
    # a relation's own label wins; mart_current_catalog and vintage take mart's
    assert resolved["mart", "indicators_monthly", "output_value"] == "工业总产值（亿元）"
    assert resolved["mart", "target_path", "output_value"] == resolved["mart_current_catalog", "target_path", "output_value"]
    assert resolved["mart", "target_path", "output_value"] != "工业总产值（亿元）"
    assert resolved["vintage", "target_progress", "label"] == resolved["mart", "target_progress", "label"] == "目标表述"
    assert resolved["ref", "buckets", "label"] == "中文名称"
    assert published.tables["ref.column_labels"] == len(labels)


def test_the_table_of_labels_is_tidy(published):
    """No label names a relation or a column the file does not have; no two columns of a relation share a label;
    every unit note is one the README explains."""
    generic, specific = read_labels()
    with duckdb.connect(str(published.path), read_only=True) as con:
        columns = con.execute("SELECT schema_name, table_name, column_name FROM duckdb_columns() "
                              "WHERE database_name = current_database()").fetchall()
        shared = con.execute("SELECT schema_name || '.' || table_name, label, list(column_name) FROM ref.column_labels "
                             "GROUP BY ALL HAVING count(*) > 1").fetchall()
    names = {c for _, _, c in columns}
    relations = {(f"{s}.{t}", c) for s, t, c in columns}
    assert not sorted(set(generic) - names), "labels of no column: remove them"
    assert not sorted(set(specific) - relations), "labels of a relation or column the file does not have"
    assert not shared, f"two columns of one relation with the same label: {shared}"
    for label in [*generic.values(), *specific.values()]:
        note = re.search(r"（([^（）]*)）$", label)
        assert note is None or note[1] in UNITS or note[1] in NOT_UNITS, label
        assert "(" not in label and ")" not in label, f"{label}: full-width parentheses only"
    assert unit_of("工业总产值同比增长（比率）") == "比率" and unit_of("入库批次（JSON）") is None


def test_a_label_resolves_specific_then_mart_then_generic():
    assert label_for("ref", "districts", "code") == "区划代码"
    assert label_for("ref", "buckets", "code") == "代码"
    assert label_for("mart_current_catalog", "target_progress", "note") == "口径说明"
    assert label_for("mart", "no_such_mart", "no_such_column") is None
