"""One Dagster home for the UI and the CLI, under the data directory, so CLI runs show in the UI."""

from __future__ import annotations

import os
from pathlib import Path

from sei_stats.config import DataPaths

# Pools cap concurrent steps: one DuckDB writer at a time, whatever the executor or backfill does. Landing writes no
# DuckDB file and is in no pool: the runs of a backfill started from the UI (one per month) are capped instead, at
# the setting runs.landing_max_concurrent, like the CLI's landing processes (pipelines/jobs.py, land_months).
DAGSTER_YAML = """\
# Written by sei-stats. One DuckDB writer at a time (pool sei_duckdb); at most {landing} runs of a backfill at once
# (runs.landing_max_concurrent); runs whose worker died are marked failed by the daemon of `sei-stats dev` (CLI runs
# recover their own: pipelines/recovery.py); Dagster's debug lines stay in the event log, off the terminal; no
# telemetry.
concurrency:
  pools:
    default_limit: 1
  runs:
    tag_concurrency_limits:
      - key: dagster/backfill
        limit: {landing}
python_logs:
  python_log_level: INFO
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
  poll_interval_seconds: 60
telemetry:
  enabled: false
"""
MARK = "# Written by sei-stats."


def dagster_yaml(paths: DataPaths | None = None) -> str:
    """The dagster.yaml sei-stats writes, with the data folder's settings (runs.landing_max_concurrent)."""
    from .run import landing_max_concurrent

    return DAGSTER_YAML.format(landing=landing_max_concurrent(paths))


def ensure_dagster_home(paths: DataPaths) -> Path:
    """DAGSTER_HOME: $DAGSTER_HOME if set, else SEI_DATA_DIR/dagster_home, created with its dagster.yaml."""
    home = Path(os.environ.get("DAGSTER_HOME") or paths.dagster_home)
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    wanted = dagster_yaml(paths)
    # ours is rewritten when sei-stats changes it; a file the bureau wrote itself is left alone
    if not config.exists() or (config.read_text(encoding="utf-8").startswith(MARK)
                               and config.read_text(encoding="utf-8") != wanted):
        config.write_text(wanted, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
