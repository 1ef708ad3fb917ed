"""The sei-stats code location on a Celery cluster (deploy/celery/docker-compose.yml).

The same assets, checks, jobs, schedule and sensor as ``sei_stats.pipelines.definitions`` (what `make dev` and the
CLI load), with one difference: what a machine used to run in its own processes goes to the Celery workers.

- ``sei_land_months`` (many months and annual reports at once: one step per month or year) sends each step to a
  worker (Dagster's ``celery_executor``) instead of a local process (``multiprocess_executor``);
- every run that selects assets without a job of its own (a backfill of ``monthly_returns`` from the UI: one run per
  month) runs its steps on the workers too (the default executor of these definitions).

The jobs that write DuckDB files keep their pool (``sei_duckdb``, limit 1 in dagster.yaml), whichever worker runs
them. Every container sees the same data folder (SEI_DATA_DIR, a shared volume: landed Parquet, the warehouse) and
the same Dagster storage (Postgres). Loaded by the code server (workspace.yaml) and, in each worker, by Dagster when it
runs a step; imports no module of this folder.
"""

import os

import dagster as dg
from dagster_celery import celery_executor

from sei_stats.pipelines import definitions as local
from sei_stats.pipelines.jobs import LAND_MONTHS_JOB, land_months
from sei_stats.pipelines.resources import SeiData

# The broker every container is given (docker-compose.yml); rpc:// sends the results back over it.
CELERY = celery_executor.configured(
    {"broker": os.environ.get("DAGSTER_CELERY_BROKER_URL", "pyamqp://guest@localhost//"),
     "backend": os.environ.get("DAGSTER_CELERY_BACKEND", "rpc://")},
    name="celery",
)

# The graph of landing steps of pipelines/jobs.py, its steps sent to the Celery workers.
land_months_on_celery = land_months.graph.to_job(
    name=LAND_MONTHS_JOB,
    description="Land many report periods and annual reports at once, one Celery task per month or year. A failed "
                "month stops no other. Publishes nothing: run sei_publish after it.",
    executor_def=CELERY,
    resource_defs={"sei_data": SeiData()},
)

defs = dg.Definitions(
    assets=local.defs.assets,
    asset_checks=local.defs.asset_checks,
    jobs=[*(job for job in local.defs.jobs if job.name != LAND_MONTHS_JOB), land_months_on_celery],
    schedules=local.defs.schedules,
    sensors=local.defs.sensors,
    resources=local.defs.resources,
    executor=CELERY,  # runs that name no job (asset backfills from the UI): each step on a worker
)
