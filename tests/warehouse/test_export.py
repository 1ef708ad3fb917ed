"""`sei-stats export`: a period's marts as an Excel workbook with Chinese headers, or as Parquet files."""

import csv
import datetime as dt

import duckdb
import pytest
from openpyxl import load_workbook

from sei_stats import export as ex
from sei_stats.labels import UNITS
from sei_stats.land import land_month
from sei_stats.pipelines import cli
from sei_stats.publish import publish

from conftest import make_data_dir


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    paths = make_data_dir(tmp_path_factory.mktemp("export") / "data")
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(paths, period)
    publish(paths)
    return paths


def _marts(paths) -> dict[str, set[str]]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        rows = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'mart'").fetchall()
        labels = {(t, c): label for t, c, label in con.execute(
            "SELECT table_name, column_name, label FROM ref.column_labels WHERE schema_name = 'mart'").fetchall()}
        publish_id = con.execute("SELECT any_value(publish_id) FROM ref.publish").fetchone()[0]
    marts: dict[str, set[str]] = {}
    for table, column in rows:
        marts.setdefault(table, set()).add(column)
    return marts, labels, publish_id


def test_the_workbook_has_a_readme_and_a_sheet_per_mart_with_chinese_headers(city):
    done = ex.export(city, "2018-12", "xlsx")
    path = city.root / "output" / "exports" / "2018-12" / "sei-marts-2018-12.xlsx"
    assert done.files == [path]
    marts, labels, publish_id = _marts(city)
    exported = {m for m, cols in marts.items() if "period" in cols or "year" in cols} | {"target_progress"}
    assert set(done.marts) == exported
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "说明" and set(wb.sheetnames[1:]) == exported
    assert all(len(name) <= 31 for name in wb.sheetnames)
    readme = "\n".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value is not None)
    assert publish_id in readme and "2018-12" in readme and "2018年1–12月" in readme
    assert all(f"（{unit}）" in readme for unit in UNITS)
    for name in exported:
        ws = wb[name]
        columns = [c.value for c in ws[2]]
        assert set(columns) == marts[name], name
        assert [c.value.replace("\n", "") for c in ws[1]] == [labels[name, c] for c in columns], name
        assert ws.freeze_panes == "A3"
        assert ws.max_row - 2 == done.marts[name], name
    monthly = wb["indicators_monthly"]
    row = {c: v.value for c, v in zip([c.value for c in monthly[2]], monthly[3])}
    assert row["period"] == dt.datetime(2018, 12, 1) and monthly["A3"].is_date
    assert row["output_value"] == pytest.approx(500) and isinstance(row["output_value"], (int, float))  # a number, not text
    assert row["output_growth"] == pytest.approx(0.25)
    formats = {c: v.number_format for c, v in zip([c.value for c in monthly[2]], monthly[3])}
    assert formats["output_growth"] == "0.00%" and formats["output_value"] == "#,##0.00"
    annual = wb["indicators_annual"]
    assert [r[0].value for r in annual.iter_rows(min_row=3)] == [2018]  # the period's year only
    assert done.marts["target_progress"] == 3  # whole
    assert done.marts["indicators_monthly"] == 1


def test_parquet_files_keep_english_names_and_carry_the_labels(city, tmp_path):
    import pyarrow.parquet as pq

    done = ex.export(city, "2018-03", "parquet", out=tmp_path / "out")
    marts, labels, publish_id = _marts(city)
    files = {p.name for p in done.files}
    assert files == {f"{m}.parquet" for m in done.marts} | {"labels.csv"}
    table = pq.read_table(tmp_path / "out" / "indicators_monthly.parquet")
    assert table.num_rows == 1 and table.column("period").to_pylist() == [dt.date(2018, 3, 1)]
    field = table.schema.field("output_value")
    assert field.metadata[b"label"].decode() == labels["indicators_monthly", "output_value"] == "工业总产值（亿元）"
    assert b"SEI industrial output" in field.metadata[b"comment"]
    assert table.schema.metadata[b"publish_id"].decode() == publish_id
    assert pq.read_table(tmp_path / "out" / "indicators_annual.parquet").column("year").to_pylist() == [2018]
    with open(tmp_path / "out" / "labels.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {"file": "indicators_monthly.parquet", "column": "output_growth", "label": "工业总产值同比增长（比率）"}.items() \
        <= next(r for r in rows if r["column"] == "output_growth" and r["file"] == "indicators_monthly.parquet").items()


def test_a_period_the_warehouse_does_not_hold_is_refused(city, monkeypatch, capsys, tmp_path):
    with pytest.raises(ex.ExportError, match=r"holds no report period 2018-06 \(it holds 2017-12, 2018-03, 2018-12\)"):
        ex.export(city, "2018-06", "xlsx", out=tmp_path)
    monkeypatch.setenv("SEI_DATA_DIR", str(city.root))
    assert cli.main(["export", "--period", "2018-06", "--xlsx", "--out", str(tmp_path)]) == 2
    assert "holds no report period 2018-06" in capsys.readouterr().err
    assert cli.main(["export", "--period", "2018-6", "--parquet", "--out", str(tmp_path)]) == 2
    assert not list(tmp_path.iterdir())
    assert cli.main(["export", "--period", "2017-12", "--parquet", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "target_progress.parquet").exists()


def test_the_readme_sheet_explains_every_unit():
    assert set(ex._UNIT_NOTES) == set(UNITS)
