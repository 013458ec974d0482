"""Jobs and schedules over the one partitions definition."""

import dagster as dg

from nba_assets import keys

ALL_TABLES = dg.AssetSelection.groups("nba_raw", "nba_analytics", "nba_precompute") | dg.AssetSelection.assets(
    keys.FEATURE_ROWS)
PREDICTIONS = dg.AssetSelection.assets(keys.PLAYER_POINTS_PREDICTIONS)
MODEL = dg.AssetSelection.assets(keys.POINTS_MODEL, keys.MODEL_EVALUATION)

all_tables_job = dg.define_asset_job(
    "all_tables", selection=ALL_TABLES,
    description="Every table up to the feature rows, and its checks, for the selected dates; a date range runs "
                "as one run (BackfillPolicy.single_run) with check results recorded per date.",
)
predict_points_job = dg.define_asset_job(
    "predict_points", selection=PREDICTIONS,
    description="Predicted points for the selected dates with the current model version.",
)
train_points_model_job = dg.define_asset_job(
    "train_points_model", selection=MODEL,
    description="Train, evaluate and store a new points model version from every date's feature rows.",
)
daily_refresh_job = dg.define_asset_job(
    "daily_refresh", selection=ALL_TABLES | PREDICTIONS,
    description="One game date through the whole partitioned graph: raw to feature rows, then predictions.",
)

daily_refresh_schedule = dg.build_schedule_from_partitioned_job(
    daily_refresh_job, hour_of_day=7, name="daily_refresh", default_status=dg.DefaultScheduleStatus.STOPPED,
    description="07:00 America/New_York: rebuild the previous game date from raw box scores to predictions.",
)
weekly_retrain_schedule = dg.ScheduleDefinition(
    name="weekly_retrain", job=train_points_model_job, cron_schedule="0 9 * * 1",
    execution_timezone="America/New_York", default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Mondays 09:00 America/New_York, after the daily refresh: retrain on every date built so far.",
)

automation_sensor = dg.AutomationConditionSensorDefinition(
    "nba_automation", target=dg.AssetSelection.all(), default_status=dg.DefaultSensorStatus.STOPPED,
    description="Evaluates FOLLOW_UPSTREAM: a derived table of the latest date is rebuilt after its upstream "
                "changed, once the upstream's blocking checks passed.",
)
