"""Checks that hold a date back, and the ones that do not: a failed blocking (ERROR) check holds
back its date alone, in the same run and in later runs, until the fixed upstream partition is
re-materialized; a game missing a team row and an unparseable minutes value fail their date
only, named in the check and the downstream gate; a points mismatch only warns and blocks
nothing; and the regression check of a one-date run compares with the earlier runs' metrics."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

from nba_assets import keys
from nba_assets.definitions import LINEAGE
from nba_assets.gating import GATE_CHECK, unreadable
from resources import raw_source as files
from resources.dagster_internals import latest_materialization_records

from helpers import (
    D1,
    D2,
    REAL_DATES,
    REAL_RAW,
    TABLES,
    latest_evaluation,
    materialized,
    real_frame,
    step_failures,
    ui_status,
)

ALL_KEYS = REAL_DATES
UNIQUE_PLAYER_GAMES = dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "unique_player_games")
TWO_TEAMS_PER_GAME = dg.AssetCheckKey(keys.SCHEDULE, "two_teams_per_game")
POINTS_MATCH_TEAM = dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, "points_match_team")


def _duplicate_player_row(frames):
    players = frames[files.PLAYER_BOXSCORES.name]
    row = players[(players["game_date"] == D1) & (players["pts"] > 0)].iloc[[0]]
    frames[files.PLAYER_BOXSCORES.name] = pd.concat([players, row], ignore_index=True)


@pytest.fixture
def blocked(pipeline, raw_folder):
    """Range D1..D2 from a raw folder whose D1 has one player row twice."""
    raw = raw_folder([D1, D2], _duplicate_player_row)
    result = pipeline.run(D1, D2, raw_dir=raw)
    return pipeline, raw, result


def _gate(instance, asset: dg.AssetKey, date: str) -> dg.AssetCheckEvaluation:
    return latest_evaluation(instance, dg.AssetCheckKey(asset, GATE_CHECK), date)


def test_a_failed_blocking_check_holds_back_its_date_alone_in_the_run_and_later_runs(blocked):
    pipe, raw, result = blocked
    dup = real_frame(files.PLAYER_BOXSCORES.name)
    dup = dup[(dup["game_date"] == D1) & (dup["pts"] > 0)].iloc[0]

    bad = latest_evaluation(pipe.instance, UNIQUE_PLAYER_GAMES, D1)
    assert not bad.passed and bad.severity == dg.AssetCheckSeverity.ERROR
    assert f"{int(dup['player_id'])}/{int(dup['game_id'])}" in bad.description
    good = latest_evaluation(pipe.instance, UNIQUE_PLAYER_GAMES, D2)
    assert good.passed
    assert ui_status(pipe.instance, UNIQUE_PLAYER_GAMES) == {D1: "FAILED", D2: "SUCCEEDED"}
    assert list(unreadable(pipe.instance, LINEAGE, keys.PLAYER_BOXSCORES, [D1, D2])) == [D1]

    # same run: a failed check is an outcome, not a crash. D2 is built everywhere; D1 of
    # player_game_summary is held back: written empty, its gate naming the upstream asset, check
    # and game
    assert result.success, step_failures(result)
    done = materialized(result)
    assert done[keys.PLAYER_BOXSCORES] == done[keys.PLAYER_GAME_SUMMARY] == {D1, D2}
    assert list(pipe.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D2]
    assert pipe.counts(TABLES[keys.TEAM_OFFENSE_GAME_SUMMARY]).keys() == {D1, D2}
    gate = _gate(pipe.instance, keys.PLAYER_GAME_SUMMARY, D1)
    assert not gate.passed and gate.severity == dg.AssetCheckSeverity.ERROR
    assert (
        f"nba_raw/player_boxscores check 'unique_player_games' failed on {D1}" in gate.description
    )
    assert f"{int(dup['player_id'])}/{int(dup['game_id'])}" in gate.description
    # the ranged run records the gate for the held-back date; D2's result is its materialization
    # (the UI shows the gate there as skipped: planned, not evaluated)
    assert ui_status(pipe.instance, dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, GATE_CHECK)) == {
        D1: "FAILED",
        D2: "SKIPPED",
    }
    assert unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [D1, D2]).keys() == {D1}
    # the other checks of the held-back date have nothing to check: they pass it, saying so
    coverage = latest_evaluation(
        pipe.instance, dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, "coverage"), D1
    )
    assert coverage.passed and "held back" in coverage.description

    # a later run of the blocked date holds it back again ...
    later = pipe.run(D1, raw_dir=raw, selection=[keys.PLAYER_GAME_SUMMARY])
    assert (
        f"nba_raw/player_boxscores check 'unique_player_games' failed on {D1}"
        in _gate(pipe.instance, keys.PLAYER_GAME_SUMMARY, D1).description
    )
    assert materialized(later) == {keys.PLAYER_GAME_SUMMARY: {D1}}
    assert list(pipe.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D2]
    # ... and for the clean date it builds
    clean = pipe.run(D2, raw_dir=raw, selection=[keys.PLAYER_GAME_SUMMARY])
    assert clean.success, step_failures(clean)
    assert list(pipe.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D2]


def test_rematerializing_the_fixed_upstream_partition_unblocks(blocked):
    pipe, _, _ = blocked
    assert list(unreadable(pipe.instance, LINEAGE, keys.PLAYER_BOXSCORES, [D1])) == [D1]
    fix = pipe.run(D1, raw_dir=REAL_RAW, selection=[keys.PLAYER_BOXSCORES])
    assert fix.success, step_failures(fix)
    assert latest_evaluation(pipe.instance, UNIQUE_PLAYER_GAMES, D1).passed
    assert unreadable(pipe.instance, LINEAGE, keys.PLAYER_BOXSCORES, [D1]) == {}
    # the held-back table is not readable until rebuilt
    assert "held back" in unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [D1])[D1]

    downstream = pipe.run(D1, raw_dir=REAL_RAW, selection=[keys.PLAYER_GAME_SUMMARY])
    assert downstream.success, step_failures(downstream)
    assert materialized(downstream) == {keys.PLAYER_GAME_SUMMARY: {D1}}
    assert pipe.counts(TABLES[keys.PLAYER_GAME_SUMMARY])[D1] > 0
    assert unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [D1]) == {}
    assert pipe.duplicate_keys("nba_analytics.player_game_summary", "game_id, player_id") == 0


def test_game_missing_a_team_row_fails_two_teams_per_game(pipeline, raw_folder):
    teams = real_frame(files.TEAM_BOXSCORES.name)
    victim = teams[(teams["game_date"] == D1) & teams["season_id"].str.startswith("2")].iloc[0]

    def drop_one_team_row(frames):
        t = frames[files.TEAM_BOXSCORES.name]
        frames[files.TEAM_BOXSCORES.name] = t[
            ~((t["game_id"] == victim["game_id"]) & (t["team_id"] == victim["team_id"]))
        ]

    raw = raw_folder([D1, D2], drop_one_team_row)
    assert pipeline.run(D1, D2, raw_dir=raw).success  # a failed check is an outcome, not a crash
    bad = latest_evaluation(pipeline.instance, TWO_TEAMS_PER_GAME, D1)
    assert not bad.passed and bad.severity == dg.AssetCheckSeverity.ERROR
    assert victim["game_id"] in bad.description and "1 team rows" in bad.description
    assert latest_evaluation(pipeline.instance, TWO_TEAMS_PER_GAME, D2).passed
    # the schedule still lists the game (known from the other team's row)
    assert pipeline.query(
        f"SELECT team_rows FROM nba_raw.schedule WHERE game_id = '{victim['game_id']}'"
    ) == [(1,)]
    # the date is held back below the schedule, alone
    assert list(pipeline.counts(TABLES[keys.TEAM_OFFENSE_GAME_SUMMARY])) == [D2]
    assert list(pipeline.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D2]
    gate = _gate(pipeline.instance, keys.PLAYER_GAME_SUMMARY, D1)
    assert "two_teams_per_game" in gate.description and victim["game_id"] in gate.description


def test_unparseable_minutes_hold_back_their_date_only(pipeline, raw_folder):
    players = real_frame(files.PLAYER_BOXSCORES.name)
    target = players[players["game_date"] == D2].index[5]
    target_id, player = players.at[target, "id"], int(players.at[target, "player_id"])

    def bad_minutes(frames):
        p = frames[files.PLAYER_BOXSCORES.name]
        p.loc[p["id"] == target_id, "min"] = "abc"

    raw = raw_folder([D1, D2], bad_minutes)
    result = pipeline.run(D1, D2, raw_dir=raw)
    assert result.success, step_failures(result)
    # raw keeps the rows as shipped; its shipped_values check fails D2 only, naming file, column,
    # row, value, player
    assert pipeline.counts(TABLES[keys.PLAYER_BOXSCORES]).keys() == {D1, D2}
    bad = latest_evaluation(
        pipeline.instance, dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "shipped_values"), D2
    )
    assert not bad.passed and bad.severity == dg.AssetCheckSeverity.ERROR
    for part in (
        "player_boxscores.parquet",
        "column 'min'",
        "'abc'",
        str(player),
        D2,
        "unrecognised minutes format",
    ):
        assert part in bad.description, (part, bad.description)
    assert latest_evaluation(
        pipeline.instance, dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "shipped_values"), D1
    ).passed
    # every other date is built; D2 is held back below raw
    assert list(pipeline.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D1]
    assert "'abc'" in _gate(pipeline.instance, keys.PLAYER_GAME_SUMMARY, D2).description


def test_points_mismatch_warns_names_the_team_game_and_does_not_block(pipeline, raw_folder):
    players = real_frame(files.PLAYER_BOXSCORES.name)
    scorer = players[
        (players["game_date"] == D1) & (players["ftm"] >= 1) & (players["pts"] >= 1)
    ].iloc[0]
    teams = real_frame(files.TEAM_BOXSCORES.name)
    official = teams[
        (teams["game_date"] == D1) & (teams["team_abbreviation"] == scorer["team_abbreviation"])
    ].iloc[0]

    def one_free_throw_less(frames):
        p = frames[files.PLAYER_BOXSCORES.name]
        hit = p["id"] == scorer["id"]
        assert hit.sum() == 1
        p.loc[hit, "pts"] -= 1
        p.loc[hit, "ftm"] -= 1

    raw = raw_folder([D1], one_free_throw_less)
    result = pipeline.run(D1, raw_dir=raw)
    assert result.success, step_failures(result)
    evaluation = latest_evaluation(pipeline.instance, POINTS_MATCH_TEAM, D1)
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert f"game {official['game_id']} {official['team_abbreviation']}" in evaluation.description
    assert (
        f"players sum to {int(official['pts']) - 1}, official {int(official['pts'])}"
        in evaluation.description
    )
    # the other checks of the table still pass (the box-score identities hold)
    assert latest_evaluation(
        pipeline.instance, dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, "value_ranges"), D1
    ).passed
    assert materialized(result)[keys.PLAYER_GAME_SUMMARY] == {D1}
    # WARN does not close the gate: the date is readable and a later run for it builds the table
    assert unreadable(pipeline.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [D1]) == {}
    later = pipeline.run(D1, raw_dir=raw, selection=[keys.PLAYER_GAME_SUMMARY])
    assert later.success, step_failures(later)
    assert pipeline.query(
        f"SELECT points FROM nba_analytics.player_game_summary WHERE game_date = DATE '{D1}' "
        f"AND player_id = {int(scorer['player_id'])}"
    ) == [(int(scorer["pts"]) - 1,)]


def test_regression_check_of_a_one_date_run_compares_with_earlier_runs(pipeline):
    earlier = [k for k in ALL_KEYS if "2023-10-24" <= k <= "2023-11-06"]
    day = ALL_KEYS[ALL_KEYS.index(earlier[-1]) + 1]
    assert pipeline.run(earlier[0], earlier[-1]).success
    single = pipeline.run(day)
    assert single.success, step_failures(single)
    for asset, metric in (
        (keys.TEAM_OFFENSE_GAME_SUMMARY, "mean_points"),
        (keys.PLAYER_GAME_SUMMARY, "share_played"),
    ):
        check = dg.AssetCheckKey(asset, "regression_vs_trailing_30d")
        evaluation = latest_evaluation(pipeline.instance, check, day)
        assert "not compared" not in evaluation.description, evaluation.description
        assert evaluation.metadata["history"].value == len(earlier)
        assert f"{metric}_trailing_mean" in evaluation.metadata
        # the metric is on each date's materialization, where the next run finds it
        record = latest_materialization_records(pipeline.instance, asset, [day])[day]
        assert metric in record.asset_materialization.metadata
