"""Vintages (sei_stats.vintages): every publish recorded, and mart.revisions, on the small city of conftest.py.

2018-12 first published: A 360, B 120, D 20 = 500亿元 on 400 (25.0%). B's return is then corrected from
12,000,000 to 14,000,000 千元: 520亿元 on 400 (30.0%), a revision of +20亿元 and +5.0 points.
"""

import datetime as dt
import json

import duckdb
import pytest

from sei_stats.briefing.content import monthly_briefing
from sei_stats.land import land_month
from sei_stats.publish import publish

from conftest import CITY, return_rows, write_csv

approx = pytest.approx


def correct_b(paths, period="2018-12", output="14000000"):
    lines = [list(line) for line in CITY[period]]
    lines[1][5] = output
    write_csv(paths.returns / period / "returns.csv", return_rows(period, lines))
    land_month(paths, period)


def test_a_correction_is_a_second_vintage_and_mart_revisions_shows_both(city):
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    first = publish(city)
    correct_b(city)
    second = publish(city)
    with duckdb.connect(str(second.path), read_only=True) as con:
        releases = con.execute("SELECT vintage_id, periods FROM vintage.releases ORDER BY released").fetchall()
        assert releases == [(first.publish_id, 3), (second.publish_id, 3)]
        got = con.execute("SELECT vintage_id, value, previous_value, revision, first_release FROM mart.revisions "
                          "WHERE report = 'monthly' AND period = DATE '2018-12-01' AND indicator = 'output_value' "
                          "ORDER BY released").fetchall()
        assert got == [(first.publish_id, approx(500), None, None, True),
                       (second.publish_id, approx(520), approx(500), approx(20), False)]
        growth = con.execute("SELECT value FROM mart.revisions WHERE report = 'monthly' AND period = DATE '2018-12-01' "
                             "AND indicator = 'output_growth' ORDER BY released").fetchall()
        assert growth == [(approx(0.25),), (approx(0.30),)]
        # an unrevised period has its first release only
        assert con.execute("SELECT count(*) FROM mart.revisions WHERE period = DATE '2018-03-01' "
                           "AND indicator = 'output_value'").fetchone()[0] == 1
        # the marts hold the latest figures only: a plain SUM never counts a period twice
        assert con.execute("SELECT output_value FROM mart.indicators_monthly WHERE period = DATE '2018-12-01'"
                           ).fetchall() == [(approx(520),)]
        # every vintage's rows of the headline marts, as released
        assert con.execute("SELECT vintage_id, output_value FROM vintage.indicators_monthly WHERE period = DATE '2018-12-01' "
                           "ORDER BY released").fetchall() == [(first.publish_id, approx(500)), (second.publish_id, approx(520))]
        # stored once per version: 2017-12 and 2018-03 as both releases printed them, 2018-12 once in each
        assert con.execute("SELECT strftime(period, '%Y-%m'), from_release, to_release FROM vintage_rows.indicators_monthly "
                           "ORDER BY 1, 2").fetchall() == [("2017-12", 1, 2), ("2018-03", 1, 2), ("2018-12", 1, 1),
                                                           ("2018-12", 2, 2)]
    assert (city.vintages / "history" / "indicators_monthly.parquet").exists()  # kept for the next publish
    manifest = json.loads((city.vintages / first.publish_id / "vintage.json").read_text(encoding="utf-8"))
    assert set(manifest["landings"]) == {"2017-12", "2018-03", "2018-12"} and manifest["code_version"]


def test_the_briefing_says_when_last_years_growth_was_revised(city):
    # 2017-12 first published with A's prior 25,000,000: 400 on 330, 21.2%; corrected to 26,000,000: 400 on 340, 17.6%
    land_month(city, "2017-12")
    publish(city)
    lines = [list(line) for line in CITY["2017-12"]]
    lines[0][6] = "26000000"
    write_csv(city.returns / "2017-12" / "returns.csv", return_rows("2017-12", lines))
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    with duckdb.connect(str(publish(city).path), read_only=True) as con:
        briefing = monthly_briefing(con, "2018-12", catalog_dir=city.catalog, simulated=False)
        released = con.execute("SELECT min(released) FROM vintage.releases").fetchone()[0]
    assert briefing.headline.endswith("同比增长25.0%，增速比上年同期加快7.4个百分点。")  # 25.0 − 17.6
    note = briefing.sections[0].paragraphs[-1]
    assert note == f"上年同期增速按现行数据为17.6%，{released:%Y年%m月%d日}首次发布时为21.2%（数据已修订）。"


def test_a_vintage_no_publish_completed_is_removed(city):
    land_month(city, "2017-12")
    publish(city)
    orphan = city.vintages / "20991231T000000000000Z-1"  # a publish killed after its vintage, before its log line
    orphan.mkdir()
    (orphan / "vintage.json").write_text("{}", encoding="utf-8")
    dead = city.vintages / ".20991231T000000000001Z-2.999999999.building"
    dead.mkdir()
    published = publish(city)  # the same inputs: the first publish is kept, and what the dead ones left goes
    assert published.kept and not orphan.exists() and not dead.exists()
    assert any("its publish never completed" in n for n in published.notes)
    published = publish(city, released=dt.datetime.now(dt.UTC))  # a release time of its own: published again
    assert not published.kept
    with duckdb.connect(str(published.path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM vintage.releases").fetchone()[0] == 2


def test_rebuild_reproduces_a_vintage_from_what_it_recorded(city, tmp_path, monkeypatch):
    from sei_stats import publish as publishing
    from sei_stats import vintages

    monkeypatch.setattr(publishing, "KEEP_PUBLISHES", 1)  # landings are kept for the last publish only

    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    first = publish(city)
    correct_b(city)  # a new landing of 2018-12 and a new GDP vintage in the inputs: the first keeps its own
    city.gdp_csv.write_text(city.gdp_csv.read_text(encoding="utf-8").replace("2018,4,4400", "2018,4,4500"), encoding="utf-8")
    publish(city)  # the first 2018-12 landing is no longer the last publish's: a vintage's landing stays
    assert len(list(city.landed_month_dir("2018-12").glob("*.parquet"))) == 2
    done = vintages.rebuild(city, first.publish_id, tmp_path / "again")
    assert done.identical, done.differing
    assert done.rows["indicators_monthly"] == 3 and done.rows["output_by_area"] == 6
    again = duckdb.connect(str(done.folder / "warehouse" / "sei.duckdb"), read_only=True)
    assert again.execute("SELECT output_value, gdp_share FROM mart.indicators_monthly WHERE period = DATE '2018-12-01'"
                         ).fetchall() == [(approx(500), approx(132 / 4400))]  # the first release, not 520 on 4500
    again.close()
    # a released figure that the recorded inputs do not give is found: the first vintage's file says 520
    latest = sorted(p for p in city.vintages.iterdir() if p.name.startswith("2"))[-1]
    (city.vintages / first.publish_id / "indicators_monthly.parquet").write_bytes(
        (latest / "indicators_monthly.parquet").read_bytes())
    assert vintages.rebuild(city, first.publish_id, tmp_path / "again").differing["indicators_monthly"] == 2
    with pytest.raises(vintages.VintageError, match="no vintage"):
        vintages.rebuild(city, "20000101T000000000000Z-1", tmp_path / "again")


def test_a_vintage_recorded_before_a_mart_was_kept_has_none_of_its_rows(city):
    # vintage.disclosure came after the first vintages: a data folder upgraded with such a vintage still publishes
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    first = publish(city)
    (city.vintages / first.publish_id / "disclosure.parquet").unlink()
    second = publish(city, released=dt.datetime.now(dt.UTC))  # a release time of its own: not the first one kept
    with duckdb.connect(str(second.path), read_only=True) as con:
        kept = con.execute("SELECT DISTINCT vintage_id FROM vintage.disclosure").fetchall()
        releases = con.execute("SELECT count(*) FROM vintage.releases").fetchone()[0]
    assert (kept, releases) == ([(second.publish_id,)], 2)
    # and it is rebuilt, compared on the marts it kept
    from sei_stats import vintages

    done = vintages.rebuild(city, first.publish_id, city.root.parent / "again")
    assert done.identical and "disclosure" not in done.rows and done.rows["indicators_monthly"] == 3


def test_the_code_version_reads_the_rule_overrides_at_every_call(tmp_path, monkeypatch):
    from sei_stats import settings, vintages

    overrides = tmp_path / "quality.yaml"
    monkeypatch.setattr(settings, "OVERRIDES", overrides)
    absent = vintages.code_version()
    overrides.write_text("rules: {}\n", encoding="utf-8")
    once = vintages.code_version()
    overrides.write_text("rules: {growth_outlier: {}}\n", encoding="utf-8")
    assert len({absent, once, vintages.code_version()}) == 3  # the package's hash is kept, the overrides are not
    overrides.write_text("rules: {}\n", encoding="utf-8")
    assert vintages.code_version() == once


def test_the_code_version_hashes_the_data_contracts_wherever_they_are_installed():
    from sei_stats import vintages

    names = vintages.hashed_files()
    # schemas/ (sei_stats.schemas) lies outside src/sei_stats in the editable install: a changed rule or contract
    # must still change the version, or a rerun would keep a landing judged by the old rules
    assert {"schemas/returns.py", "schemas/rules.yaml", "schemas/catalog.py", "land.py", "sql/ref.sql"} <= set(names)
    assert all(path.is_file() and not name.startswith("/") for name, path in names.items())
