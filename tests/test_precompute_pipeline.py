"""The pre-game tables in Dagster: a real instance and DuckDB file, the start of the 2023-24
season."""

from __future__ import annotations

import dagster as dg
import pytest

from nba_assets import keys
from nba_assets.gating import GATE_CHECK

from helpers import (
    FOUNDATION,
    REAL_DATES,
    Pipeline,
    latest_evaluation,
    project_instance,
    step_failures,
    ui_status,
)

ALL_KEYS = REAL_DATES
SEASON = [k for k in ALL_KEYS if "2023-10-05" <= k <= "2023-10-28"]
PRE = {
    keys.EXPECTED_ROSTERS: "nba_precompute.expected_rosters",
    keys.PLAYER_ROLLING_STATS: "nba_precompute.player_rolling_stats",
    keys.PLAYER_SHOT_ZONE_ANALYSIS: "nba_precompute.player_shot_zone_analysis",
    keys.TEAM_DEFENSE_ZONE_ANALYSIS: "nba_precompute.team_defense_zone_analysis",
    keys.PLAYER_COMPOSITE_FACTORS: "nba_precompute.player_composite_factors",
}


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    """The season's first partitions (preseason through 2023-10-28) as one run of every table up to
    the pre-game tables (the feature rows need every earlier season too)."""
    with project_instance() as inst:
        pipe = Pipeline(inst, str(tmp_path_factory.mktemp("season") / "w.duckdb"))
        yield pipe, pipe.run(SEASON[0], SEASON[-1], selection=[*FOUNDATION, *PRE])


def test_whole_graph_from_the_season_start_builds_every_pre_game_table(season):
    """Opening night (2023-10-24) has its two games' teams but no expected player: a team's
    first game of a season has no roster. From each team's second game on, its players are
    expected, flagged bootstrap in the first 14 days, with averages only after a played game."""
    pipe, result = season
    assert result.success, step_failures(result)
    first_game = "2023-10-24"
    teams = pipe.counts(PRE[keys.TEAM_DEFENSE_ZONE_ANALYSIS])
    assert min(teams) == first_game and max(teams) == SEASON[-1]
    for key, table in PRE.items():
        if key == keys.TEAM_DEFENSE_ZONE_ANALYSIS:
            continue
        counts = pipe.counts(table)
        assert min(counts) > first_game and max(counts) == SEASON[-1], (table, counts)
    early = pipe.frame(
        f"SELECT * FROM {PRE[keys.PLAYER_ROLLING_STATS]} WHERE game_date = '{min(counts)}'"
    )
    assert early["is_bootstrap"].all() and (early["games_played_season"] >= 1).all()
    later = pipe.frame(
        f"SELECT * FROM {PRE[keys.PLAYER_ROLLING_STATS]} WHERE game_date = '{SEASON[-1]}'"
    )
    assert (later["games_played_season"] > 0).all() and len(later) > 100
    assert later["points_l10"].notna().all()


def test_pre_game_checks_pass_per_date_and_show_in_the_ui(season):
    pipe, _ = season
    for name in ("coverage", "no_leakage"):
        check = dg.AssetCheckKey(keys.PLAYER_ROLLING_STATS, name)
        assert latest_evaluation(pipe.instance, check, SEASON[-1]).passed
        assert set(ui_status(pipe.instance, check)) == set(SEASON)
    ranges = latest_evaluation(
        pipe.instance, dg.AssetCheckKey(keys.PLAYER_COMPOSITE_FACTORS, "value_ranges"), SEASON[-1]
    )
    assert ranges.passed and ranges.metadata["checked"].value > 0


def _gate(pipe, asset, day):
    return latest_evaluation(pipe.instance, dg.AssetCheckKey(asset, GATE_CHECK), day)


def test_a_window_with_unmaterialized_history_is_held_back(pipeline):
    """A pre-game date whose season history was never built is held back, naming the missing
    dates."""
    day = "2023-10-27"
    assert pipeline.run(day).success  # raw and analytics of that date only
    pipeline.run(day, selection=[keys.EXPECTED_ROSTERS, keys.PLAYER_ROLLING_STATS])
    gate = _gate(pipeline, keys.EXPECTED_ROSTERS, day)
    assert not gate.passed and "history not built" in gate.description
    assert (
        "nba_analytics/player_game_summary" in gate.description
        and "never materialized" in gate.description
    )
    assert pipeline.counts(PRE[keys.PLAYER_ROLLING_STATS]) == {}  # skipped below the gate


def test_feature_rows_hold_back_a_date_whose_earlier_seasons_were_never_built(season):
    """The feature rows carry form across seasons: without the earlier seasons they would be
    silently thinner, so the date is held back, naming the unbuilt dates."""
    pipe, _ = season
    pipe.run(SEASON[-1], selection=[keys.FEATURE_ROWS])
    gate = _gate(pipe, keys.FEATURE_ROWS, SEASON[-1])
    assert not gate.passed and "never materialized" in gate.description
    assert f"nba_analytics/player_game_summary {ALL_KEYS[0]}" in gate.description
    assert pipe.counts("nba_ml.feature_rows") == {}
