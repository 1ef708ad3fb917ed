import datetime as dt
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from sei_stats.config import REPO_ROOT
from sei_stats.land import land_month
from sei_stats.read import ReturnFileError
from sei_stats.publish import publish
from sei_stats.warehouse import PublishError, uncommented_columns

from conftest import A, B, make_data_dir, set_calendar, write_csv


def land_all(paths):
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(paths, period)


def test_every_published_table_view_and_column_has_a_comment(city):
    land_all(city)
    published = publish(city)
    with duckdb.connect(str(published.detail), read_only=True) as con:
        assert uncommented_columns(con) == []
    with duckdb.connect(str(published.path), read_only=True) as con:  # the stored tables keep every comment
        assert uncommented_columns(con) == []
        comments = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() "
                                    "WHERE schema_name = 'mart' AND table_name = 'indicators_annual'").fetchall())
    assert "亿元" in comments["output_value"] and "fraction" in comments["gdp_share"]


def test_publishing_with_nothing_landed_fails_clearly(city):
    with pytest.raises(PublishError, match="no landed month to publish"):
        publish(city)


def test_an_analyst_holding_the_file_open_neither_blocks_nor_breaks_a_publish(city):
    land_month(city, "2017-12")
    path = publish(city).path
    analyst = duckdb.connect(str(path), read_only=True)
    before = analyst.execute("SELECT count(*) FROM mart.indicators_monthly").fetchone()
    land_month(city, "2018-12")
    publish(city)  # must not wait for the analyst's lock
    assert analyst.execute("SELECT count(*) FROM mart.indicators_monthly").fetchone() == before == (1,)  # the old file still answers
    # a new reader (another process: this one still holds the old file by that path) sees the new publish
    code = f"import duckdb; print(duckdb.connect({str(path)!r}, read_only=True).execute('SELECT count(*) FROM mart.indicators_monthly').fetchone()[0])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "2"
    analyst.close()


def test_the_analysts_file_is_self_contained_and_the_detail_file_answers_from_anywhere(city, tmp_path):
    land_all(city)
    published = publish(city)
    moved = tmp_path / "elsewhere" / "sei.duckdb"
    moved.parent.mkdir()
    shutil.copy(published.path, moved)  # copied alone to another place, it still answers
    shutil.rmtree(city.landed)
    code = f"import duckdb; print(duckdb.connect({str(moved)!r}, read_only=True).execute('SELECT count(*) FROM mart.indicators_monthly').fetchone()[0])"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "3"
    with duckdb.connect(str(published.path), read_only=True) as con:  # and names no enterprise
        schemas = {s for s, in con.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()}
        columns = {c for c, in con.execute("SELECT DISTINCT column_name FROM duckdb_columns()").fetchall()}
    # the marts, the reference tables and the vintages of what was published (stored as row versions in
    # vintage_rows, vintage.releases a table): no enterprise-level column
    assert schemas == {"mart", "ref", "vintage", "vintage_rows"} and not columns & {"credit_code", "enterprise_name"}


def test_the_analysts_tables_equal_the_marts_row_for_row(city):
    land_all(city)
    published = publish(city)
    with duckdb.connect(str(published.detail), read_only=True) as con:
        con.execute("ATTACH ? AS analysts (READ_ONLY)", [str(published.path)])
        marts = [n for n, in con.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'mart' "
                                         "AND database_name = current_database()").fetchall()]
        for name in marts:
            differ = con.execute(f"SELECT count(*) FROM ((FROM mart.{name} EXCEPT ALL FROM analysts.mart.{name}) "
                                 f"UNION ALL (FROM analysts.mart.{name} EXCEPT ALL FROM mart.{name}))").fetchone()[0]
            assert differ == 0, name
        ids = con.execute("SELECT DISTINCT a.publish_id = d.publish_id FROM analysts.ref.publish a, ref.publish d").fetchall()
    assert len(marts) >= 7 and ids == [(True,)]


def test_a_failed_month_leaves_its_previous_landing_untouched(city):
    landed = land_month(city, "2018-12").path
    before = landed.read_bytes()
    (city.returns / "2018-12" / "zz_broken.csv").write_bytes(b"\xff\xfe\xfa\x00\x81")
    with pytest.raises(ReturnFileError, match="zz_broken.csv"):
        land_month(city, "2018-12")
    assert landed.read_bytes() == before
    assert [p.name for p in landed.parent.iterdir()] == [landed.name]  # no partial file, no new version


def test_a_rerun_on_unchanged_inputs_keeps_the_landing_and_each_input_changed_lands_anew(city):
    first = land_month(city, "2018-12")
    again = land_month(city, "2018-12")
    assert not first.reused and again.reused
    assert (again.landing_id, again.path, again.buckets, again.rows_received, again.files, again.rules_failed,
            again.rows_unclassified, again.notes) == (first.landing_id, first.path, first.buckets, 4,
                                                      ["2018-12/returns.csv"], first.rules_failed, 1, [])
    assert [p.name for p in first.path.parent.iterdir()] == [first.path.name]
    roster = "credit_code,enterprise_name,district_code,zone_id,industry_code,area\n" + f"{B},乙,210211,,3491,高端装备\n"
    changes = {  # every input the landing reads
        "a return file": lambda: write_csv(city.returns / "2018-12" / "returns_2_correction.csv",
                                           [["2018-12", A, "企业", "210213", "3973", "397301", "芯片", "40000000", "1"]]),
        "the year's roster": lambda: (city.roster_dir.mkdir(), city.roster_file(2018).write_text(roster, encoding="utf-8")),
        "the settings": lambda: set_calendar(city, january_reported=False),
        "the catalog": lambda: (city.catalog / "products.csv").write_text(
            (city.catalog / "products.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
    }
    landings = {first.landing_id}
    for what, change in changes.items():
        change()
        landed = land_month(city, "2018-12")
        assert not landed.reused and landed.landing_id not in landings, what
        landings.add(landed.landing_id)
        assert land_month(city, "2018-12").landing_id == landed.landing_id, what
    assert land_month(city, "2018-12", lenient=True).landing_id not in landings  # another way of reading the folder
    assert land_month(city, "2017-12").rows_received == 3  # another month: its own landing
    # a landing an older sei-stats wrote (no record of its inputs) is never reused
    old = city.current_landing("2018-12")
    duckdb.execute(f"COPY (SELECT * FROM read_parquet('{old}')) TO '{old}.tmp' (FORMAT parquet)")
    os.replace(f"{old}.tmp", old)
    assert not land_month(city, "2018-12", lenient=True).reused


def _marts(tables: dict[str, int]) -> dict[str, int]:
    """The marts' rows of a publish (the vintages' and the revisions' grow with each publish)."""
    return {t: n for t, n in tables.items() if t.startswith("mart.") and t != "mart.revisions"}


def test_a_publish_on_the_last_ones_inputs_keeps_it_and_each_input_changed_publishes_anew(city):
    land_month(city, "2017-12")
    land_month(city, "2018-12")
    first = publish(city)
    files = {p: p.stat().st_mtime_ns for p in (city.warehouse, city.warehouse_detail)}
    vintages = sorted(p.name for p in city.vintages.iterdir())
    again = publish(city)
    assert not first.kept and again.kept
    assert (again.publish_id, again.path, again.tables, again.rows, again.periods) == (
        first.publish_id, city.warehouse, first.tables, first.rows, ["2017-12", "2018-12"])
    # nothing was built: the files, the vintages and the log are as the first publish left them
    assert {p: p.stat().st_mtime_ns for p in files} == files
    assert sorted(p.name for p in city.vintages.iterdir()) == vintages
    assert len(city.publish_log.read_text(encoding="utf-8").splitlines()) == 1
    with duckdb.connect(str(city.warehouse)) as con:  # an analyst writes a table into the published file
        con.execute("CREATE TABLE main.mine AS SELECT 42 AS answer")
    restored = publish(city)  # built anew: the analysts' file is the publish's again
    assert not restored.kept
    with duckdb.connect(str(city.warehouse), read_only=True) as con:
        assert not con.execute("SELECT * FROM duckdb_tables() WHERE table_name = 'mine'").fetchall()
    assert publish(city).kept
    shutil.rmtree(city.year_step)  # deleted to recompute: the detail file's views would read nothing
    rebuilt = publish(city)
    assert not rebuilt.kept and _marts(rebuilt.tables) == _marts(first.tables) and publish(city).kept
    first = rebuilt
    changes = {  # what a publish reads besides the code
        "a reference input": lambda: city.gdp_csv.write_text(
            city.gdp_csv.read_text(encoding="utf-8") + "\n", encoding="utf-8"),
        "a review": lambda: (city.raw / "reviews").mkdir(exist_ok=True) or (city.raw / "reviews" / "2018-12.csv").write_text(
            "credit_code,product,rule,decision,field,corrected_value,reviewer,note\n", encoding="utf-8"),
        "the settings": lambda: set_calendar(city, january_reported=False),
        "the catalog": lambda: (city.catalog / "targets.yaml").write_text(
            (city.catalog / "targets.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
        "a landing": lambda: (write_csv(city.returns / "2018-12" / "returns_2_correction.csv", [
            ["2018-12", A, "企业", "210213", "3973", "397301", "芯片", "40000000", "30000000"]]), land_month(city, "2018-12")),
    }
    ids = {first.publish_id}
    for what, change in changes.items():
        change()
        made = publish(city)
        assert not made.kept and made.publish_id not in ids, what
        ids.add(made.publish_id)
        assert publish(city).publish_id == made.publish_id, what
    # a backfill's release time is an input; and a misnamed file beside the reviews fails as ever, never kept
    assert not publish(city, released=dt.datetime(2019, 1, 20, tzinfo=dt.UTC)).kept
    (city.raw / "reviews" / "notes.csv").write_text("x", encoding="utf-8")
    with pytest.raises(Exception, match="notes.csv"):
        publish(city)


def test_a_briefing_of_the_same_publish_is_kept_and_a_new_publish_writes_it_again(city):
    from sei_stats.briefing.build import KEY_FILE, write_monthly

    land_month(city, "2017-12")
    land_month(city, "2018-12")
    publish(city)
    first = write_monthly(city, "2018-12")
    stamps = {f: f.stat().st_mtime_ns for f in first}
    assert {f.suffix for f in first} >= {".docx", ".html", ".xlsx", ".png", ".svg"}
    assert write_monthly(city, "2018-12") == first and {f: f.stat().st_mtime_ns for f in first} == stamps
    assert publish(city).kept and write_monthly(city, "2018-12") == first  # a kept publish: the same briefing
    assert {f: f.stat().st_mtime_ns for f in first} == stamps
    city.gdp_csv.write_text(city.gdp_csv.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    publish(city)  # a new publish id: every figure may have changed
    again = write_monthly(city, "2018-12")
    assert again == first and all(f.stat().st_mtime_ns > stamps[f] for f in again if f.suffix in (".docx", ".html"))
    (city.briefings / "2018-12" / "brief-2018-12.docx").unlink()  # a file gone: written again
    assert write_monthly(city, "2018-12") == first and (city.briefings / "2018-12" / KEY_FILE).is_file()
    assert (city.briefings / "2018-12" / "brief-2018-12.docx").is_file()
    # the catalog folder changed, no publish since: the text names each key field's offices from it
    stamps = {f: f.stat().st_mtime_ns for f in first}
    for name in ("offices.csv", "field_offices.csv"):
        shutil.copy(REPO_ROOT / "data" / "catalog" / name, city.catalog / name)
    assert write_monthly(city, "2018-12") == first and (city.briefings / "2018-12" / "brief-2018-12.docx").stat(
        ).st_mtime_ns > stamps[city.briefings / "2018-12" / "brief-2018-12.docx"]


def test_a_correction_file_replaces_a_month_without_double_counting(city):
    land_all(city)
    write_csv(city.returns / "2018-12" / "returns_2_correction.csv",
              [["2018-12", A, "企业", "210213", "3973", "397301", "芯片", "40000000", "30000000"]])
    land_month(city, "2018-12")
    with duckdb.connect(str(publish(city).path), read_only=True) as con:
        assert con.execute("SELECT output_value FROM mart.indicators_monthly WHERE period = DATE '2018-12-01'").fetchone() == (pytest.approx(540),)
        assert con.execute("SELECT rows_received, rows_accepted, rows_superseded FROM mart.data_quality "
                           "WHERE period = DATE '2018-12-01'").fetchone() == (5, 4, 1)


def test_broken_reference_inputs_name_file_line_and_rule(city):
    land_month(city, "2017-12")
    city.va_rates_csv.write_text("year,industry_division,va_rate\n2017,39,1.5\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"va_rates.csv: line 2: va_rate fails"):
        publish(city)


def test_the_analysts_notebook_runs_against_a_published_warehouse(city, monkeypatch):
    import ast
    import json

    land_all(city)
    publish(city)
    monkeypatch.setenv("SEI_DATA_DIR", str(city.root))
    notebook = json.loads((REPO_ROOT / "notebooks" / "warehouse_tour.ipynb").read_text(encoding="utf-8"))
    scope: dict = {}
    for cell in (c for c in notebook["cells"] if c["cell_type"] == "code"):
        tree = ast.parse("".join(cell["source"]))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "notebook", "exec"), scope)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "notebook", "eval"), scope)
            value.fetchall()  # every query the notebook shows runs against the published contract


def test_months_landed_by_an_older_format_are_named_not_misread(city):
    import duckdb as db

    land_all(city)
    old = city.landed_month("2018-03")
    db.execute(f"COPY (SELECT * EXCLUDE (landing_format) FROM read_parquet('{old}')) TO '{old}.tmp' (FORMAT parquet)")
    os.replace(f"{old}.tmp", old)
    with pytest.raises(PublishError, match=r"2018-03 was landed by an older sei-stats .* sei-stats materialize --all"):
        publish(city)


def test_landing_changes_nothing_published_until_the_publish_that_includes_it(city):
    for period in ("2017-12", "2018-03"):
        land_month(city, period)
    published = publish(city)
    before = {p: p.read_bytes() for p in (published.path, published.detail)}
    land_month(city, "2018-12")  # a new month
    write_csv(city.returns / "2018-03" / "returns_2_correction.csv",
              [["2018-03", A, "企业", "210213", "3973", "397301", "芯片", "9000000", "7000000"]])
    land_month(city, "2018-03")  # and a correction of a published one
    assert {p: p.read_bytes() for p in before} == before
    with duckdb.connect(str(published.detail), read_only=True) as con:  # the views stay on the landings they were made from
        assert con.execute("SELECT count(*), count(DISTINCT period) FROM fact.received_lines").fetchone() == (5, 2)


def test_a_data_folder_whose_path_has_a_quote_lands_and_publishes(tmp_path):
    paths = make_data_dir(tmp_path / "O'Brien's data")
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(paths, period)
    with duckdb.connect(str(publish(paths).detail), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM fact.received_lines").fetchone() == (9,)


def test_the_year_steps_scratch_tables_leave_no_trace_in_the_detail_file(city, monkeypatch):
    # computed in a database of their own (year_step._scratch), removed after: the national year's detail file was
    # 5.0 GiB of which 72 of 20,481 blocks were used, when they were computed in the file and dropped
    from sei_stats import warehouse

    seen, fill = [], warehouse.fill_scope

    def watched(con, *args, **kwargs):  # in the middle of a year: where are its tables?
        seen.append(con.execute("SELECT DISTINCT database_name FROM duckdb_tables() WHERE schema_name LIKE 'fact_y%'"
                                ).fetchall())
        return fill(con, *args, **kwargs)

    monkeypatch.setattr(warehouse, "fill_scope", watched)
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    published = publish(city)
    assert seen == [[("year_step_scratch",)]] * 2  # 2017 and 2018
    assert sorted(p.name for p in published.detail.parent.glob(".*")) == []
    with duckdb.connect(str(published.detail), read_only=True) as con:
        assert con.execute("SELECT free_blocks FROM pragma_database_size()").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM fact.lines").fetchone()[0] > 0


def test_what_a_dead_run_half_wrote_is_swept_and_a_live_runs_files_are_not(city):
    from sei_stats.publish import sweep_stale_files

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # finished and reaped: its pid names no process now
    city.warehouse.parent.mkdir(parents=True)
    city.charts.mkdir(parents=True)
    stale = [city.warehouse.parent / f".sei.duckdb.{dead.pid}.building", city.warehouse.parent / f".sei.duckdb.{dead.pid}.building.wal",
             city.charts / f".output_vs_target.png.{dead.pid}.partial",
             city.briefings / "2018-12" / f".briefing.json.{dead.pid}.partial",
             city.vintages / "history" / f".indicators_monthly.parquet.{dead.pid}.partial",
             city.warehouse.parent / f".year_step.{dead.pid}.building", city.warehouse.parent / f".year_step.{dead.pid}.building.wal"]
    live = city.warehouse.parent / f".sei_detail.duckdb.{os.getpid()}.building"
    for path in (*stale, live):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    notes = sweep_stale_files(city)
    assert not any(p.exists() for p in stale) and live.exists() and len(notes) == 7
