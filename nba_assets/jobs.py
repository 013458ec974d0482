"""Jobs, schedules and sensors over the game-date partitions."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from nba_assets import keys
from nba_assets.partitions import GAME_DATES, TIMEZONE, additions, known_dates
from resources.raw_source import RawSource

ALL_TABLES = dg.AssetSelection.groups(
    keys.RAW, keys.ANALYTICS, keys.PRECOMPUTE
) | dg.AssetSelection.assets(keys.FEATURE_ROWS)
PREDICTIONS = dg.AssetSelection.assets(keys.PLAYER_POINTS_PREDICTIONS)
MODEL = dg.AssetSelection.assets(keys.POINTS_MODEL, keys.MODEL_EVALUATION)

all_tables_job = dg.define_asset_job(
    "all_tables",
    selection=ALL_TABLES,
    description="Every table up to the feature rows, and its checks, for the selected dates; a "
    "date range runs as one run (BackfillPolicy.single_run) with check results recorded per date.",
)
predict_points_job = dg.define_asset_job(
    "predict_points",
    selection=PREDICTIONS,
    description="Predicted points for the selected dates with the current model version.",
)
train_points_model_job = dg.define_asset_job(
    "train_points_model",
    selection=MODEL,
    description="Train, evaluate and store a new points model version from every date's feature "
    "rows.",
)
daily_refresh_job = dg.define_asset_job(
    "daily_refresh",
    selection=ALL_TABLES | PREDICTIONS,
    description="One game date through the whole partitioned graph: raw to feature rows, then "
    "predictions.",
)


def previous_game_date(instance: dg.DagsterInstance, when: datetime) -> str | None:
    """The last known game date before ``when``'s day in America/New_York."""
    today = when.astimezone(ZoneInfo(TIMEZONE)).date().isoformat()
    earlier = [k for k in known_dates(instance) if k < today]
    return earlier[-1] if earlier else None


@dg.schedule(
    job=daily_refresh_job,
    cron_schedule="0 7 * * *",
    execution_timezone=TIMEZONE,
    name="daily_refresh",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="07:00 America/New_York: rebuild the previous game date from raw box scores to "
    "predictions.",
)
def daily_refresh_schedule(context: dg.ScheduleEvaluationContext):
    key = previous_game_date(context.instance, context.scheduled_execution_time)
    if key is None:
        return dg.SkipReason(
            "no game date before today is known yet (the game_dates sensor adds them)"
        )
    return dg.RunRequest(
        run_key=f"{key}@{context.scheduled_execution_time:%Y-%m-%d}", partition_key=key
    )


weekly_retrain_schedule = dg.ScheduleDefinition(
    name="weekly_retrain",
    job=train_points_model_job,
    cron_schedule="0 9 * * 1",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Mondays 09:00 America/New_York, after the daily refresh: retrain on every date "
    "built so far.",
)


def partition_requests(known: list[str], found: list[str]) -> list:
    """Requests that add the ``found`` dates not ``known``, keeping the keys in date order."""
    delete, add = additions(known, found)
    return ([GAME_DATES.build_delete_request(delete)] if delete else []) + (
        [GAME_DATES.build_add_request(add)] if add else []
    )


@dg.sensor(
    name="game_dates",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Adds every game date of the raw folder as a partition of game_dates (dates come "
    "from the data, so new dates appear without a code change or a redeploy).",
)
def game_dates_sensor(context: dg.SensorEvaluationContext, raw_source: RawSource):
    found = [d.isoformat() for d in raw_source.game_dates()]
    requests = partition_requests(known_dates(context.instance), found)
    if not requests:
        return dg.SkipReason(f"no new game date ({len(found)} known)")
    return dg.SensorResult(dynamic_partitions_requests=requests)


automation_sensor = dg.AutomationConditionSensorDefinition(
    "nba_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Evaluates FOLLOW_UPSTREAM: a derived table of the latest date is rebuilt after "
    "its upstream changed, once the upstream's blocking checks passed.",
)


def definitions() -> dg.Definitions:
    """The jobs, schedules and sensors (``nba_assets/definitions.py`` merges them with the
    layers)."""
    return dg.Definitions(
        jobs=[all_tables_job, predict_points_job, train_points_model_job, daily_refresh_job],
        schedules=[daily_refresh_schedule, weekly_retrain_schedule],
        sensors=[automation_sensor, game_dates_sensor],
    )
