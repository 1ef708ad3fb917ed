"""One Dagster home for the UI and the CLI, under the data directory, so CLI runs show in the UI."""

from __future__ import annotations

import os
from pathlib import Path

from sei_stats.config import DataPaths

# Pools cap concurrent steps: one DuckDB writer at a time, whatever the executor or backfill does.
DAGSTER_YAML = """\
# Written by sei-stats. One DuckDB writer at a time (pool sei_duckdb); no telemetry.
concurrency:
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


def ensure_dagster_home(paths: DataPaths) -> Path:
    """DAGSTER_HOME: $DAGSTER_HOME if set, else SEI_DATA_DIR/dagster_home, created with its dagster.yaml."""
    home = Path(os.environ.get("DAGSTER_HOME") or paths.dagster_home)
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
