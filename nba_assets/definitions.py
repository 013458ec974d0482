"""The code location's single entry point: ``defs``, the layers merged with the resources of the
deployment (``NBA_DEPLOYMENT``, ``resources/deployment.py``). Loading it reads no data: the game
dates are dynamic partitions the ``game_dates`` sensor and ``nba-backfill`` add from the raw
source."""

import warnings

import dagster as dg

# Silenced once, here, for every process that loads the location: partitioned asset checks and
# AutomationCondition are preview in Dagster 1.13 (PreviewWarning); BackfillPolicy, pools and
# the asset-check storage calls are beta (BetaWarning). Set before the layers are imported,
# since the warnings fire when the assets are declared.
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
warnings.filterwarnings("ignore", category=dg.BetaWarning)

from nba_assets import analytics, jobs, ml, precompute, raw  # noqa: E402
from nba_assets.gating import Lineage  # noqa: E402
from resources.bigquery import bigquery_warehouse, warehouse_bigquery_io_manager  # noqa: E402
from resources.deployment import current  # noqa: E402
from resources.model_store import ModelStore, default_model_dir  # noqa: E402
from resources.nba_api_source import nba_api_source  # noqa: E402
from resources.raw_source import RawSource, default_raw_dir  # noqa: E402
from resources.warehouse import (  # noqa: E402
    DuckDBWarehouse,
    WarehouseDuckDBIOManager,
    default_duckdb_path,
)


def _duckdb() -> dict:
    return {
        "io_manager": WarehouseDuckDBIOManager(database=default_duckdb_path()),
        "warehouse": DuckDBWarehouse(database=default_duckdb_path()),
    }


# One resource dict per deployment; only the chosen one is built (the live source checks that
# nba_api is installed, BigQuery and GCS read their settings from the environment at run time).
RESOURCES_BY_DEPLOYMENT = {
    "local": lambda: {
        **_duckdb(),
        "raw_source": RawSource(raw_dir=default_raw_dir()),
        "model_store": ModelStore(local_dir=default_model_dir()),
    },
    "live": lambda: {
        **_duckdb(),
        "raw_source": nba_api_source(),
        "model_store": ModelStore(local_dir=default_model_dir()),
    },
    "production": lambda: {
        "io_manager": warehouse_bigquery_io_manager(),
        "warehouse": bigquery_warehouse(),
        "raw_source": nba_api_source(),
        "model_store": ModelStore(
            gcs_bucket=dg.EnvVar("NBA_MODEL_BUCKET"), gcp_project=dg.EnvVar("GCP_PROJECT")
        ),
    },
}


def resources_for(deployment: str) -> dict:
    return RESOURCES_BY_DEPLOYMENT[deployment]()


RESOURCES = resources_for(current().name)


def definitions(resources: dict) -> dg.Definitions:
    """Every layer (its assets and their checks), the jobs, schedules and sensors, and
    ``resources``."""
    return dg.Definitions.merge(
        raw.definitions(),
        analytics.definitions(),
        precompute.definitions(),
        ml.definitions(),
        jobs.definitions(),
        dg.Definitions(resources=resources, executor=dg.in_process_executor),
    )


# The gate reads the whole graph's blocking checks and parents, which a run's own job does not
# carry (resolved once with a placeholder, since resolving checks that every resource is there).
LINEAGE = Lineage.of(
    definitions({**RESOURCES, "lineage": Lineage(blocking={}, parents={})}).resolve_asset_graph()
)
defs = definitions(
    {**RESOURCES, "lineage": LINEAGE}
)  # the only Definitions at module scope, as Dagster requires
