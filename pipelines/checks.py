"""Checks over the published warehouse, run after it is published."""


import duckdb
import dagster as dg

from .resources import SeiData


@dg.asset_check(asset=dg.AssetKey(["mart", "data_quality"]), description="For every period: received = accepted + rejected + superseded.")
def conservation_identity(sei_data: SeiData) -> dg.AssetCheckResult:
    with duckdb.connect(str(sei_data.paths().warehouse), read_only=True) as con:
        broken = con.execute("""
            SELECT strftime(period, '%Y-%m') FROM mart.data_quality
            WHERE rows_received <> rows_accepted + rows_rejected + rows_superseded ORDER BY 1
        """).fetchall()
        periods = con.execute("SELECT count(*) FROM mart.data_quality").fetchone()[0]
    return dg.AssetCheckResult(passed=not broken, metadata={"periods": periods, "broken": [b[0] for b in broken]})


@dg.asset_check(asset=dg.AssetKey(["mart", "indicators_monthly"]),
                description="All SEI output has a value-added rate, so value added and the GDP share are complete.")
def value_added_rates_complete(sei_data: SeiData) -> dg.AssetCheckResult:
    with duckdb.connect(str(sei_data.paths().warehouse), read_only=True) as con:
        missing = con.execute("SELECT coalesce(sum(output_no_va_rate), 0) FROM mart.data_quality").fetchone()[0]
    return dg.AssetCheckResult(passed=missing == 0, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"output_without_rate_亿元": float(missing)})
