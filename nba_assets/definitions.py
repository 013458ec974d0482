"""The code location's single entry point: ``defs``."""

import warnings

import dagster as dg

warnings.filterwarnings("ignore", category=dg.PreviewWarning)  # partitioned asset checks are preview in 1.13

from asset_checks import ALL_CHECKS  # noqa: E402
from nba_assets import analytics, ml, precompute, raw  # noqa: E402
from nba_assets.jobs import (  # noqa: E402
    all_tables_job, automation_sensor, daily_refresh_job, daily_refresh_schedule, predict_points_job, train_points_model_job,
    weekly_retrain_schedule,
)
from resources.model_store import model_store  # noqa: E402
from resources.nba_api_source import selected_raw_source  # noqa: E402
from resources.warehouse import warehouse_io_manager  # noqa: E402

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([raw, analytics, precompute, ml]),
    asset_checks=ALL_CHECKS,
    jobs=[all_tables_job, predict_points_job, train_points_model_job, daily_refresh_job],
    schedules=[daily_refresh_schedule, weekly_retrain_schedule],
    sensors=[automation_sensor],
    resources={"io_manager": warehouse_io_manager(), "raw_source": selected_raw_source(),
               "model_store": model_store()},
    executor=dg.in_process_executor,
)
