"""Alerts that reach people: a failed run, and a blocking check that failed on a date.

Both post to the webhook in ``NBA_ALERT_WEBHOOK_URL`` (a Slack incoming webhook or anything that
takes ``{"text": ...}``; ``resources.alerts``). Without it the sensors run and skip, saying so on
every tick in the UI (*Automation*), so "no alert" never looks like "nothing failed".

- ``run_failure_alert``: any run that fails: job, run id, the date range, the failed steps'
  errors, a link to the run.
- ``blocking_check_alert``: for each run finished since the last tick, one message listing its
  blocking check evaluations that failed with ERROR: asset, check, date, the description (which
  names the games and players), a link to the asset's checks in the UI. Its first tick only sets
  the cursor (no flood of old history). The run's own event log is read (``all_logs``), which
  works on the per-run SQLite shards and on PostgreSQL alike.

Links start at ``NBA_UI_URL`` (default ``http://127.0.0.1:3000``, what ``make ui`` serves).
"""

import os
import time
from datetime import datetime, timezone

import dagster as dg

from nba_assets.gating import GATE_CHECK
from resources.alerts import post

WEBHOOK_ENV, UI_ENV = "NBA_ALERT_WEBHOOK_URL", "NBA_UI_URL"
MAX_LISTED = 20  # check failures listed in one message (the rest counted)
RANGE_SUMMARY = "range summary"  # asset_checks.emit's summary of a ranged run's dates
FINISHED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE)
OFF = f"alerts are off: {WEBHOOK_ENV} is not set"


def _ui() -> str:
    return os.environ.get(UI_ENV, "http://127.0.0.1:3000").rstrip("/")


@dg.run_failure_sensor(
    name="run_failure_alert",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Posts every failed run to {WEBHOOK_ENV} (skips, saying so, when it is unset).",
)
def run_failure_alert(context: dg.RunFailureSensorContext):
    url = os.environ.get(WEBHOOK_ENV)
    if not url:
        return dg.SkipReason(OFF)
    run = context.dagster_run
    tags = run.tags
    span = tags.get("dagster/partition") or (
        f"{tags.get('dagster/asset_partition_range_start')}.."
        f"{tags.get('dagster/asset_partition_range_end')}"
        if "dagster/asset_partition_range_start" in tags
        else "no partition"
    )
    errors = [
        f"- {event.step_key}: {_root(event.event_specific_data.error)[:300]}"
        for event in context.get_step_failure_events()
    ]
    post(
        url,
        "\n".join(
            [
                f"Run failed: job {run.job_name}, {span}, run {run.run_id[:8]}",
                *(errors or [f"- {context.failure_event.message}"]),
                f"{_ui()}/runs/{run.run_id}",
            ]
        ),
    )


def _root(error) -> str:
    """The innermost cause of a step's error (the wrapper says only which op failed)."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return error.message.strip()


def _failed_checks(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """One line per blocking ERROR check evaluation that failed in the run."""
    lines = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        if evaluation.passed or not evaluation.blocking:
            continue
        if evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        if (evaluation.description or "").startswith(RANGE_SUMMARY):
            continue  # a ranged run's summary; its dates are listed one by one
        if evaluation.check_name == GATE_CHECK:
            continue  # a date held back below a failed check: that check is the alert
        day = evaluation.partition or entry.dagster_event.partition or "unpartitioned"
        key = evaluation.asset_key.to_user_string()
        lines.append(
            f"- {key} check '{evaluation.check_name}' failed on {day}: "
            f"{(evaluation.description or '')[:400]}\n  {_ui()}/assets/{key}?view=checks"
        )
    return lines


@dg.sensor(
    name="blocking_check_alert",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Posts each blocking check that failed with ERROR on a date to {WEBHOOK_ENV} "
    "(asset, check, date, the games it names, a link), once per finished run; skips, saying "
    "so, when it is unset.",
)
def blocking_check_alert(context: dg.SensorEvaluationContext):
    url = os.environ.get(WEBHOOK_ENV)
    if not url:
        return dg.SkipReason(OFF)
    if not context.cursor:  # the first tick: start from now
        context.update_cursor(str(time.time()))
        return dg.SkipReason("first tick: alerting on check failures from now on")
    since = datetime.fromtimestamp(float(context.cursor), timezone.utc)
    finished = context.instance.get_run_records(
        filters=dg.RunsFilter(statuses=list(FINISHED), updated_after=since),
        order_by="update_timestamp",
        ascending=True,
    )
    if not finished:
        return dg.SkipReason("no run finished since the last tick")
    posted = 0
    for record in finished:
        failed = _failed_checks(context.instance, record.dagster_run.run_id)
        if failed:
            more = [f"... and {len(failed) - MAX_LISTED} more"] if len(failed) > MAX_LISTED else []
            run = record.dagster_run
            post(
                url,
                "\n".join(
                    [
                        f"{len(failed)} blocking check failure(s) in run {run.run_id[:8]} "
                        f"({run.job_name}); those dates are held back:",
                        *failed[:MAX_LISTED],
                        *more,
                    ]
                ),
            )
            posted += len(failed)
    context.update_cursor(str(finished[-1].update_timestamp.timestamp()))
    return dg.SkipReason(f"{len(finished)} run(s) finished, posted {posted} check failure(s)")


def definitions() -> dg.Definitions:
    return dg.Definitions(sensors=[run_failure_alert, blocking_check_alert])
