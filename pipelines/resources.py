"""The data directory as a Dagster resource, so tests and runs can point at any SEI_DATA_DIR."""

import dagster as dg

from sei_stats.config import DataPaths, data_paths


class SeiData(dg.ConfigurableResource):
    """Where raw returns, the catalog, the landed months and the warehouse live (SEI_DATA_DIR)."""

    data_dir: str = ""

    def paths(self) -> DataPaths:
        return data_paths(self.data_dir or None)
