"""Jobs, schedules and sensors over the game-date partitions."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from nba_assets import keys
from nba_assets.partitions import (
    AS_OF_TAG,
    GAME_DATES,
    RANGE_END,
    RANGE_START,
    TIMEZONE,
    additions,
    known_dates,
    today,
)
from resources.raw_source import RawSource

ALL_TABLES = dg.AssetSelection.groups(
    keys.RAW, keys.ANALYTICS, keys.PRECOMPUTE
) | dg.AssetSelection.assets(keys.FEATURE_ROWS)
PREDICTIONS = dg.AssetSelection.assets(
    keys.PLAYER_POINTS_PREDICTIONS, keys.PREDICTION_RESULTS, keys.PROP_EDGES, keys.PROP_RESULTS
)
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
    description="Predicted points for the selected dates, each by the walk-forward version "
    "trained before it (a date already predicted keeps its predictions as made), their edges "
    "against the prop lines, and the grading of the dates whose games are final.",
)
evaluate_market_job = dg.define_asset_job(
    "evaluate_market",
    selection=dg.AssetSelection.assets(keys.MARKET_EVALUATION),
    description="The model against the market over every graded date (per week, by edge "
    "bucket), after the morning's grading.",
)
train_points_model_job = dg.define_asset_job(
    "train_points_model",
    selection=MODEL,
    description="Train, evaluate and store the walk-forward points model versions up to the "
    "run's as-of date from every date's feature rows.",
)
morning_slate_job = dg.define_asset_job(
    "morning_slate",
    selection=ALL_TABLES | PREDICTIONS,
    description="The previous game date and today through the whole partitioned graph, as one "
    "ranged run: last night's results ingested and graded, today's expected rosters, pre-game "
    "tables and predictions.",
)


def morning_range(instance: dg.DagsterInstance, when: datetime) -> tuple[str, str] | None:
    """(the last known game date before ``when``'s day in America/New_York, and today when it
    is a game date, else that same date); None when no earlier date is known."""
    today = when.astimezone(ZoneInfo(TIMEZONE)).date().isoformat()
    known = known_dates(instance)
    earlier = [k for k in known if k < today]
    if not earlier:
        return None
    return earlier[-1], today if today in known else earlier[-1]


@dg.schedule(
    job=morning_slate_job,
    cron_schedule="0 10 * * *",
    execution_timezone=TIMEZONE,
    name="morning_slate",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="10:00 America/New_York (after the Monday retrain): ingest and grade the "
    "previous game date, then build and predict today's slate, in one ranged run whose as-of "
    "date is the tick's day.",
)
def morning_slate_schedule(context: dg.ScheduleEvaluationContext):
    span = morning_range(context.instance, context.scheduled_execution_time)
    today = context.scheduled_execution_time.astimezone(ZoneInfo(TIMEZONE)).date().isoformat()
    if span is None:
        return dg.SkipReason(
            "no game date before today is known yet (the game_dates sensor adds them)"
        )
    first, last = span
    tags = {AS_OF_TAG: today}
    if first == last:
        return dg.RunRequest(run_key=f"{first}@{today}", partition_key=first, tags=tags)
    return dg.RunRequest(
        run_key=f"{first}..{last}@{today}",
        tags={**tags, RANGE_START: first, RANGE_END: last},
    )


@dg.schedule(
    job=train_points_model_job,
    cron_schedule="0 9 * * 1",
    execution_timezone=TIMEZONE,
    name="weekly_retrain",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Mondays 09:00 America/New_York, before the morning slate: the walk-forward "
    "versions up to today (a new one trained on every date before today).",
)
def weekly_retrain_schedule(context: dg.ScheduleEvaluationContext):
    return _as_of_request(context, "retrain")


@dg.schedule(
    job=evaluate_market_job,
    cron_schedule="30 11 * * *",
    execution_timezone=TIMEZONE,
    name="market_report",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="11:30 America/New_York, after the morning slate has graded last night: the "
    "model against the market over every graded date.",
)
def market_report_schedule(context: dg.ScheduleEvaluationContext):
    return _as_of_request(context, "market")


def _as_of_request(context: dg.ScheduleEvaluationContext, name: str) -> dg.RunRequest:
    """One run per tick, whose as-of date is the tick's day in New York."""
    today = context.scheduled_execution_time.astimezone(ZoneInfo(TIMEZONE)).date().isoformat()
    return dg.RunRequest(run_key=f"{name}@{today}", tags={AS_OF_TAG: today})


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
    description="Adds every game date of the raw folder up to today (played dates and the "
    "published schedule's) as a partition of game_dates: dates come from the data, so new dates "
    "appear without a code change or a redeploy, and tonight's games are a partition before "
    "they are played.",
)
def game_dates_sensor(context: dg.SensorEvaluationContext, raw_source: RawSource):
    found = [d.isoformat() for d in raw_source.game_dates(as_of=today())]
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
        jobs=[
            all_tables_job,
            predict_points_job,
            train_points_model_job,
            morning_slate_job,
            evaluate_market_job,
        ],
        schedules=[morning_slate_schedule, weekly_retrain_schedule, market_report_schedule],
        sensors=[automation_sensor, game_dates_sensor],
    )
