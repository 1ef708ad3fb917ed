"""Checks over the published warehouse, run after it is published."""


import duckdb
import dagster as dg

from sei_stats.settings import load_settings

from .resources import SeiData


@dg.asset_check(asset=dg.AssetKey(["mart", "data_quality"]),
                description="For every period: received = the sum of all buckets, for lines and for output.")
def conservation_identity(sei_data: SeiData) -> dg.AssetCheckResult:
    with duckdb.connect(str(sei_data.paths().warehouse), read_only=True) as con:
        # The identity is computed once, in the mart (identity_*), with the one tolerance of the settings.
        broken = con.execute("""
            SELECT strftime(period, '%Y-%m') FROM mart.data_quality
            WHERE NOT identity_rows_ok OR NOT identity_output_ok ORDER BY 1
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


def _months_over(sql: str, limit: float, sei_data: SeiData) -> dict[str, float]:
    with duckdb.connect(str(sei_data.paths().warehouse), read_only=True) as con:
        rows = con.execute(f"SELECT strftime(period, '%Y-%m'), value FROM ({sql}) WHERE value > ? ORDER BY 1", [limit]).fetchall()
    return {period: float(value) for period, value in rows}


def _threshold_check(name: str, description: str, sql: str, key: str):
    @dg.asset_check(name=name, asset=dg.AssetKey(["mart", "data_quality"]), description=description)
    def _check(sei_data: SeiData) -> dg.AssetCheckResult:
        limit = float(load_settings(data=sei_data.paths()).checks[key])
        over = _months_over(sql, limit, sei_data)
        return dg.AssetCheckResult(passed=not over, metadata={"limit (settings: checks)": limit,
                                                             "months_over": dg.MetadataValue.json(over)})
    return _check


# Limits: the checks section of the settings (sei_stats.settings); a month over one fails its check, named in the metadata.
rejected_output_share = _threshold_check(
    "rejected_output_share", "No month rejects more than checks.max_rejected_output_share of the output received.",
    "SELECT period, output_rejected / nullif(output_received - output_not_a_return, 0) AS value FROM mart.data_quality", "max_rejected_output_share")
held_output_share = _threshold_check(
    "held_output_share", "No month holds more than checks.max_held_output_share of the output received.",
    "SELECT period, output_held / nullif(output_received - output_not_a_return, 0) AS value FROM mart.data_quality", "max_held_output_share")
nonresponse_rate = _threshold_check(
    "nonresponse_rate", "No month misses more than checks.max_nonresponse_rate of the roster.",
    "SELECT period, 1 - response_rate AS value FROM mart.data_quality WHERE response_rate IS NOT NULL", "max_nonresponse_rate")
