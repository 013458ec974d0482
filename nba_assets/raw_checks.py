"""Checks on ``nba_raw`` tables."""

import dagster as dg
import pandas as pd

from asset_checks import rules
from nba_assets import keys
from nba_assets.common import check_spec, emit_checks
from nba_assets.partitions import as_of

PLAYER_SPECS = {
    "unique_player_games": check_spec(
        keys.PLAYER_BOXSCORES,
        "unique_player_games",
        "ERROR (blocking): each (player_id, game_id) appears once; a duplicate would double a "
        "player's game downstream.",
        blocking=True,
    )
}
TEAM_SPECS = {
    "unique_team_games": check_spec(
        keys.TEAM_BOXSCORES,
        "unique_team_games",
        "Each (game_id, team_id) appears once. ERROR (blocking) for real NBA games; WARN for "
        "preseason and All-Star rows, which are kept in raw but never used downstream (the shipped "
        "data has one 3-minute preseason stub, NYK 2023-10-14).",
        blocking=True,
    )
}
SCHEDULE_SPECS = {
    "two_teams_per_game": check_spec(
        keys.SCHEDULE,
        "two_teams_per_game",
        "Every game has exactly two official team rows naming the same home and away teams. ERROR "
        "(blocking) for real NBA games, whose official totals everything downstream relies on; "
        "WARN for preseason and All-Star games.",
        blocking=True,
    ),
    "results_due": check_spec(
        keys.SCHEDULE,
        "results_due",
        "WARN: every real NBA game of the date is final once the run's as-of date is past it "
        "(tag nba/as_of, else today); a game still not final is named: postponed, or its "
        "results are missing from the source. A date whose games are not played yet passes.",
        blocking=False,
    ),
}


@dg.multi_asset_check(
    specs=list(PLAYER_SPECS.values()),
    name="player_boxscores_checks",
    ins={"frame": dg.AssetIn(keys.PLAYER_BOXSCORES)},
)
def player_boxscores_checks(context: dg.AssetCheckExecutionContext, frame: pd.DataFrame):
    dates = list(context.partition_keys)
    yield from emit_checks(
        context,
        PLAYER_SPECS,
        {
            "unique_player_games": rules.unique_keys(
                frame, ["player_id", "game_id"], dates, "player-game"
            )
        },
    )


@dg.multi_asset_check(
    specs=list(TEAM_SPECS.values()),
    name="team_boxscores_checks",
    ins={"frame": dg.AssetIn(keys.TEAM_BOXSCORES)},
)
def team_boxscores_checks(context: dg.AssetCheckExecutionContext, frame: pd.DataFrame):
    dates = list(context.partition_keys)
    exhibition = frame["season_id"].str[0].isin(["1", "3"])
    yield from emit_checks(
        context,
        TEAM_SPECS,
        {
            "unique_team_games": rules.unique_keys(
                frame, ["game_id", "team_id"], dates, "team-game", warn_only=exhibition
            )
        },
    )


@dg.multi_asset_check(
    specs=list(SCHEDULE_SPECS.values()),
    name="schedule_checks",
    ins={"frame": dg.AssetIn(keys.SCHEDULE)},
)
def schedule_checks(context: dg.AssetCheckExecutionContext, frame: pd.DataFrame):
    dates = list(context.partition_keys)
    results = {
        "two_teams_per_game": rules.two_teams_per_game(frame, dates),
        "results_due": rules.results_due(frame, dates, as_of(context)),
    }
    yield from emit_checks(
        context,
        SCHEDULE_SPECS,
        {
            name: rules.label_not_played(outcomes, rules.not_final_counts(frame))
            for name, outcomes in results.items()
        },
    )


CHECKS = [player_boxscores_checks, team_boxscores_checks, schedule_checks]
