"""sei-stats: the statistics of Dalian's strategic emerging industries (战略性新兴产业).

The domain library: read → validate → classify → land → publish → indicators → charts.
It never imports Dagster; the code location in ``pipelines/`` calls it.
"""

__version__ = "0.1.0"
