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

from nba_assets import (  # noqa: E402
    alerts,
    analytics,
    backups,
    catalog,
    jobs,
    market,
    ml,
    precompute,
    raw,
)
from nba_assets.gating import Lineage  # noqa: E402
from nba_assets.progress import EVENT_LOGGER, event_file_logger  # noqa: E402
from resources.bigquery import bigquery_warehouse, warehouse_bigquery_io_manager  # noqa: E402
from resources.deployment import DEPLOYMENTS, current  # noqa: E402
from resources.model_store import ModelStore, default_model_dir  # noqa: E402
from resources.nba_api_source import nba_api_source  # noqa: E402
from resources.odds_api_source import OddsApiSource  # noqa: E402
from resources.raw_source import RawSource, default_raw_dir  # noqa: E402
from resources.warehouse import (  # noqa: E402
    DuckDBWarehouse,
    WarehouseDuckDBIOManager,
    default_duckdb_path,
)

# Each part of a deployment (``resources/deployment.py``) by its kind; only the chosen ones are
# built (the live source checks that nba_api is installed, BigQuery and GCS read their settings
# from the environment at run time).
WAREHOUSES = {
    "duckdb": lambda: {
        "io_manager": WarehouseDuckDBIOManager(database=default_duckdb_path()),
        "warehouse": DuckDBWarehouse(database=default_duckdb_path()),
    },
    "bigquery": lambda: {
        "io_manager": warehouse_bigquery_io_manager(),
        "warehouse": bigquery_warehouse(),
    },
}
RAW_SOURCES = {"folder": lambda: RawSource(raw_dir=default_raw_dir()), "nba_api": nba_api_source}
PROP_SOURCES = {
    "folder": lambda: RawSource(raw_dir=default_raw_dir()),
    "odds_api": lambda: OddsApiSource(api_key=dg.EnvVar("ODDS_API_KEY")),
}
MODEL_STORES = {
    "folder": lambda: ModelStore(local_dir=default_model_dir()),
    "gcs": lambda: ModelStore(
        gcs_bucket=dg.EnvVar("NBA_MODEL_BUCKET"), gcp_project=dg.EnvVar("GCP_PROJECT")
    ),
}


def resources_for(deployment: str) -> dict:
    """The resources of the deployment named ``deployment``, from its parts."""
    parts = DEPLOYMENTS[deployment]
    return {
        **WAREHOUSES[parts.warehouse](),
        "raw_source": RAW_SOURCES[parts.raw_source](),
        "model_store": MODEL_STORES[parts.model_store](),
        "prop_source": PROP_SOURCES[parts.prop_source](),
    }


RESOURCES = resources_for(current().name)


LAYERS = (raw, analytics, precompute, ml, market)  # each one's definitions(): assets and checks


def filed_layers() -> dg.Definitions:
    """Every layer's assets, filed for the catalog (owner, tags, code references:
    ``nba_assets/catalog.py``), and their checks."""
    layers = dg.Definitions.merge(*(layer.definitions() for layer in LAYERS))
    return dg.Definitions(assets=catalog.filed(layers.assets), asset_checks=layers.asset_checks)


def definitions(resources: dict) -> dg.Definitions:
    """Every layer (its assets and their checks), the jobs, schedules and sensors, and
    ``resources``."""
    return dg.Definitions.merge(
        filed_layers(),
        jobs.definitions(),
        backups.definitions(),
        alerts.definitions(),
        dg.Definitions(
            resources=resources,
            executor=dg.in_process_executor,
            # the console by default, as for any job; nba-backfill sends its runs' events to a file
            loggers={"console": dg.colored_console_logger, EVENT_LOGGER: event_file_logger},
        ),
    )


# The gate reads the whole graph's blocking checks and parents, which a run's own job does not
# carry (resolved once with a placeholder, since resolving checks that every resource is there).
LINEAGE = Lineage.of(
    definitions({**RESOURCES, "lineage": Lineage(blocking={}, parents={})}).resolve_asset_graph()
)
defs = definitions(
    {**RESOURCES, "lineage": LINEAGE}
)  # the only Definitions at module scope, as Dagster requires
