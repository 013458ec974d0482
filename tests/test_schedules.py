"""Schedules (ticks built with ``build_schedule_context``) and declarative automation
(``evaluate_automation_conditions`` against a real instance, no daemon)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd
import pytest

from nba_assets import keys
from nba_assets.definitions import defs
from nba_assets.partitions import register_game_dates
from resources import raw_source as files

from helpers import REAL_DATES

ET = ZoneInfo("America/New_York")
LAST = REAL_DATES[-1]
RAW = [keys.PLAYER_BOXSCORES, keys.TEAM_BOXSCORES, keys.SHOTS, keys.SCHEDULE]


def tick(schedule: str, when: datetime, instance=None) -> list[dg.RunRequest]:
    return (
        defs.resolve_schedule_def(schedule)
        .evaluate_tick(
            dg.build_schedule_context(
                scheduled_execution_time=when,
                instance=instance,
                repository_def=defs.get_repository_def(),
            )
        )
        .run_requests
    )


def test_daily_refresh_requests_the_previous_game_date_through_the_whole_graph(instance):
    assert (
        tick("daily_refresh", datetime(2023, 11, 2, 7, tzinfo=ET), instance) == []
    )  # no date known yet
    register_game_dates(instance, REAL_DATES)
    [request] = tick("daily_refresh", datetime(2023, 11, 2, 7, tzinfo=ET), instance)
    assert request.partition_key == "2023-11-01"
    assert defs.resolve_schedule_def("daily_refresh").job_name == "daily_refresh"
    job = defs.resolve_job_def("daily_refresh")
    assert {
        keys.PLAYER_BOXSCORES,
        keys.PLAYER_GAME_SUMMARY,
        keys.PLAYER_COMPOSITE_FACTORS,
        keys.FEATURE_ROWS,
        keys.PLAYER_POINTS_PREDICTIONS,
    } <= job.asset_layer.executable_asset_keys
    # 2023-11-07 had no game (not a partition): the next morning refreshes the last game date again
    [after_idle_day] = tick("daily_refresh", datetime(2023, 11, 8, 7, tzinfo=ET), instance)
    assert after_idle_day.partition_key == "2023-11-06"


def test_weekly_retrain_runs_the_training_job_on_monday_mornings():
    schedule = defs.resolve_schedule_def("weekly_retrain")
    assert (schedule.cron_schedule, schedule.execution_timezone) == (
        "0 9 * * 1",
        "America/New_York",
    )
    [request] = tick("weekly_retrain", datetime(2023, 11, 6, 9, tzinfo=ET))
    assert request.partition_key is None
    assert schedule.job_name == "train_points_model"


def test_schedules_and_automation_start_stopped():
    for name in ("daily_refresh", "weekly_retrain"):
        assert defs.resolve_schedule_def(name).default_status == dg.DefaultScheduleStatus.STOPPED
    assert (
        defs.resolve_sensor_def("nba_automation").default_status == dg.DefaultSensorStatus.STOPPED
    )
    # adding partitions only reads the raw folder: on by default, so the UI knows the dates
    assert defs.resolve_sensor_def("game_dates").default_status == dg.DefaultSensorStatus.RUNNING


def _duplicate_player_row(frames):
    players = frames[files.PLAYER_BOXSCORES.name]
    row = players[(players["game_date"] == LAST) & (players["pts"] > 0)].iloc[[0]]
    frames[files.PLAYER_BOXSCORES.name] = pd.concat([players, row], ignore_index=True)


@pytest.mark.parametrize(
    "mutate, follows",
    [(None, True), (_duplicate_player_row, False)],
    ids=["checks-pass", "blocking-check-failed"],
)
def test_player_game_summary_follows_its_upstream_only_when_blocking_checks_passed(
    pipeline, raw_folder, mutate, follows
):
    """The latest date's raw tables and team summary are materialized; the automation then
    requests player_game_summary for that date, unless a blocking raw check failed on it."""
    first = dg.evaluate_automation_conditions(defs=defs, instance=pipeline.instance)
    raw = raw_folder([LAST], mutate)
    pipeline.run(LAST, raw_dir=raw, selection=[*RAW, keys.TEAM_OFFENSE_GAME_SUMMARY])
    result = dg.evaluate_automation_conditions(
        defs=defs, instance=pipeline.instance, cursor=first.cursor
    )
    requested = result.get_requested_partitions(keys.PLAYER_GAME_SUMMARY)
    assert requested == ({LAST} if follows else set())
    assert (
        result.get_requested_partitions(keys.PLAYER_BOXSCORES) == set()
    )  # raw is the schedule's job
