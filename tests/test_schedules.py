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
from nba_assets.partitions import AS_OF_TAG, RANGE_END, RANGE_START, register_game_dates
from resources import raw_source as files

from helpers import REAL_DATES, tick

ET = ZoneInfo("America/New_York")
LAST = REAL_DATES[-1]
RAW = [keys.PLAYER_BOXSCORES, keys.TEAM_BOXSCORES, keys.SHOTS, keys.SCHEDULE]


def test_the_morning_slate_grades_last_night_and_predicts_tonight_in_one_ranged_run(instance):
    """10:00 on a game day: one ranged run from the previous game date to today (last night's
    results first, then today's rosters and predictions, which read them), as of the tick's
    day; a day without games grades the previous date alone."""
    morning = datetime(2023, 11, 2, 10, tzinfo=ET)
    assert tick("morning_slate", morning, instance) == []  # no date known yet
    register_game_dates(instance, REAL_DATES)
    [request] = tick("morning_slate", morning, instance)
    assert request.partition_key is None
    assert (request.tags[RANGE_START], request.tags[RANGE_END]) == ("2023-11-01", "2023-11-02")
    assert request.tags[AS_OF_TAG] == "2023-11-02"
    schedule = defs.resolve_schedule_def("morning_slate")
    assert (schedule.cron_schedule, schedule.job_name) == ("0 10 * * *", "morning_slate")
    job = defs.resolve_job_def("morning_slate")
    assert {
        keys.PLAYER_BOXSCORES,
        keys.PLAYER_GAME_SUMMARY,
        keys.EXPECTED_ROSTERS,
        keys.FEATURE_ROWS,
        keys.PLAYER_POINTS_PREDICTIONS,
        keys.PREDICTION_RESULTS,
    } <= job.asset_layer.executable_asset_keys
    # 2023-11-07 had no game (not a partition): that morning grades 2023-11-06 alone
    [idle] = tick("morning_slate", datetime(2023, 11, 7, 10, tzinfo=ET), instance)
    assert idle.partition_key == "2023-11-06" and idle.tags[AS_OF_TAG] == "2023-11-07"


def test_schedules_and_automation_start_stopped():
    for name in ("morning_slate", "weekly_retrain"):
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
