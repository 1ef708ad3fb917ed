"""The year step's parts that need no warehouse: what it stores, how it names a classification, what it prunes.
(Reuse and exactness over a whole publish: tests/warehouse/test_frame.py.)"""

import duckdb
import pandas as pd

from sei_stats import relations, year_step
from sei_stats.reclassify import in_force_since


def test_the_stored_relations_are_the_tables_of_the_sql_and_no_mart():
    stored = year_step.stored_relations()
    assert {"fact.lines", "fact.rule_findings", "fact.figure_lines", "fact.annual_figure_lines", "fact.frame_units",
            "fact.imputed_lines", "qa.frame"} <= set(stored)
    assert not [s for s in stored if s.startswith(("mart", "ref"))]
    # the views stay views: computed at publish from the kept tables
    assert not {"fact.received_lines", "fact.sei_lines", "fact.sei_totals", "fact.annual_lines"} & set(stored)


def test_a_classification_is_named_by_the_month_its_entries_have_held_since():
    catalog = pd.DataFrame({"valid_from": ["2017-01", "2018-01", "2017-01"],
                            "valid_to": [None, None, "2018-06"]})
    assert in_force_since(catalog, "2017-05") == "2017-01"
    assert in_force_since(catalog, "2018-03") == "2018-01"   # the second entry opened
    assert in_force_since(catalog, "2018-06") == "2018-01"   # the third still in force
    assert in_force_since(catalog, "2018-12") == "2018-07"   # the third closed after 2018-06
    assert in_force_since(catalog, "2019-11") == "2018-07"   # nothing changed since: the same name, files reused


def test_pruning_removes_only_the_keys_no_kept_publish_reads(tmp_path):
    entry = tmp_path / "as_landed" / "2019"
    entry.mkdir(parents=True)
    for key in ("old", "new"):
        (entry / f"{key}.json").write_text("{}")
        for relation in ("fact.lines", "qa.frame"):
            (entry / f"{key}.{relation}.parquet").write_bytes(b"x")
    assert year_step.prune(tmp_path, {"new"}) == 1
    assert sorted(p.name for p in entry.iterdir()) == ["new.fact.lines.parquet", "new.json", "new.qa.frame.parquet"]
    assert year_step.prune(tmp_path / "absent", set()) == 0


def _reference_tables():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ref")
    con.execute(next(f for f in relations.sql_files({r: [] for r in relations.rule_files()}) if f.name == "ref.sql").text)  # every ref table, empty
    return con


REVIEW = "INSERT INTO ref.reviews (credit_code, product, rule, decision, period, report) VALUES (?, 'p', 'r', 'accept', ?, 'monthly')"


def test_a_review_of_one_year_changes_that_years_key_only_and_a_rule_parameter_every_years():
    con = _reference_tables()
    con.execute(REVIEW, ["A", "2018-05-01"])
    before = year_step.References(con, ("settings",))
    con.execute(REVIEW, ["B", "2019-12-01"])  # a decision on 1–12月 2019
    after = year_step.References(con, ("settings",))
    assert after.of_year(2018) == before.of_year(2018) and after.of_year(2019) != before.of_year(2019)
    con.execute("INSERT INTO ref.rule_params VALUES ('growth_outlier', 'max_abs_growth', 5)")
    changed = year_step.References(con, ("settings",))
    assert changed.of_year(2018) != after.of_year(2018) and changed.of_year(2019) != after.of_year(2019)
    assert year_step.References(con, ("other settings",)).of_year(2018) != changed.of_year(2018)


def test_a_years_scratch_schemas_make_the_stored_relations_and_what_they_read_and_nothing_else():
    needed = year_step._needed()
    assert set(year_step.stored_relations()) <= needed
    # read by the stored ones (views computed in the scratch schemas, ref tables shared by all)
    assert {"fact.received_lines", "fact.annual_lines", "ref.reviews", "ref.catalog"} <= needed
    # published from the kept rows only: a year's scratch schemas never make them
    assert not {"mart.indicators_monthly", "mart.output_by_area", "fact.sei_totals", "qa.review_log"} & needed


def test_comments_in_one_commit_are_all_made_or_none(tmp_path):
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    con.execute("CREATE TABLE t (a INTEGER, b INTEGER)")
    relations.in_one_commit(con, "COMMENT ON COLUMN t.a IS 'one'; COMMENT ON COLUMN t.b IS 'two';")
    comments = "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 't' ORDER BY 1"
    assert con.execute(comments).fetchall() == [("a", "one"), ("b", "two")]
    try:
        relations.in_one_commit(con, "COMMENT ON COLUMN t.a IS 'changed'; COMMENT ON COLUMN t.nope IS 'x';")
    except duckdb.Error as err:
        assert "nope" in str(err)
    else:
        raise AssertionError("a COMMENT on a missing column must fail")
    # the first COMMENT went back with the failed one, and the connection takes the next statement
    assert con.execute(comments).fetchall() == [("a", "one"), ("b", "two")]
    relations.in_one_commit(con, "")
    assert con.execute("SELECT 1").fetchone() == (1,)
