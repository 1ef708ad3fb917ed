"""One Dagster home for the UI and the CLI, under the data directory, so CLI runs show in the UI."""

from __future__ import annotations

import os
from pathlib import Path

from sei_stats.config import DataPaths

# Pools cap concurrent steps: one DuckDB writer at a time, whatever the executor or backfill does.
DAGSTER_YAML = """\
# Written by sei-stats. One DuckDB writer at a time (pool sei_duckdb); runs whose worker died are
# marked failed by the daemon of `sei-stats dev` (CLI runs recover their own: pipelines/recovery.py);
# no telemetry.
concurrency:
  pools:
    default_limit: 1
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
  poll_interval_seconds: 60
telemetry:
  enabled: false
"""
MARK = "# Written by sei-stats."


def ensure_dagster_home(paths: DataPaths) -> Path:
    """DAGSTER_HOME: $DAGSTER_HOME if set, else SEI_DATA_DIR/dagster_home, created with its dagster.yaml."""
    home = Path(os.environ.get("DAGSTER_HOME") or paths.dagster_home)
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    # ours is rewritten when sei-stats changes it; a file the bureau wrote itself is left alone
    if not config.exists() or (config.read_text(encoding="utf-8").startswith(MARK)
                               and config.read_text(encoding="utf-8") != DAGSTER_YAML):
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
