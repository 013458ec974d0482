"""The code location's single entry point: ``defs``. Loading it reads no data: the game dates
are dynamic partitions the ``game_dates`` sensor and ``nba-backfill`` add from the raw folder."""

import warnings

import dagster as dg

warnings.filterwarnings("ignore", category=dg.PreviewWarning)  # partitioned asset checks are preview in 1.13
warnings.filterwarnings("ignore", category=dg.BetaWarning)  # BackfillPolicy and pools are beta in 1.13

from asset_checks import ALL_CHECKS  # noqa: E402
from nba_assets import analytics, ml, precompute, raw  # noqa: E402
from nba_assets.jobs import (  # noqa: E402
    all_tables_job, automation_sensor, daily_refresh_job, daily_refresh_schedule, game_dates_sensor,
    predict_points_job, train_points_model_job, weekly_retrain_schedule,
)
from nba_assets.gating import Lineage  # noqa: E402
from resources.model_store import model_store  # noqa: E402
from resources.nba_api_source import selected_raw_source  # noqa: E402
from resources.warehouse import warehouse, warehouse_io_manager  # noqa: E402

ASSETS = dg.load_assets_from_modules([raw, analytics, precompute, ml])
RESOURCES = {"io_manager": warehouse_io_manager(), "warehouse": warehouse(), "raw_source": selected_raw_source(),
             "model_store": model_store()}
# The gate reads the whole graph's blocking checks and parents, which a run's own job does not carry.
LINEAGE = Lineage.of(dg.Definitions(assets=ASSETS, asset_checks=ALL_CHECKS, resources={
    **RESOURCES, "lineage": Lineage(blocking={}, parents={})}).resolve_asset_graph())

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[all_tables_job, predict_points_job, train_points_model_job, daily_refresh_job],
    schedules=[daily_refresh_schedule, weekly_retrain_schedule],
    sensors=[automation_sensor, game_dates_sensor],
    resources={**RESOURCES, "lineage": LINEAGE},
    executor=dg.in_process_executor,
)
