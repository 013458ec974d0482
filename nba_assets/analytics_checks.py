"""Checks on ``nba_analytics`` tables. Severity reasons are in each description and in
``asset_checks.thresholds``."""

import dagster as dg
import pandas as pd

from asset_checks import analytics_rules, rules, thresholds
from basketball.tables import match_player_rows
from nba_assets import keys
from nba_assets.common import check_spec, emit_checks
from nba_assets.regression_checks import regression_check

TEAM = keys.TEAM_OFFENSE_GAME_SUMMARY
PLAYER = keys.PLAYER_GAME_SUMMARY
ISOLATED = (
    f"WARN when at most {thresholds.MAX_ISOLATED_TEAM_GAMES} team-games (and at most "
    f"{thresholds.MAX_ISOLATED_SHARE:.0%} of the date's team-games) are affected: isolated "
    "balldontlie source defects, named game by game, that must not block every pre-game window "
    "containing the date. ERROR (blocking) beyond that: a partial load or broken join."
)
TEAM_READS = (keys.SCHEDULE,)
PLAYER_READS = (TEAM, keys.SCHEDULE, keys.PLAYER_BOXSCORES)
TEAM_SPECS = {
    "unique_keys": check_spec(
        TEAM, "unique_keys", "ERROR (blocking): one row per (game_id, team_abbr).", True, TEAM_READS
    ),
    "schedule_complete": check_spec(
        TEAM,
        "schedule_complete",
        "ERROR (blocking): every real NBA game scheduled on the date "
        "has both team rows, one home, one away and one winner.",
        True,
        TEAM_READS,
    ),
    "value_ranges": check_spec(
        TEAM,
        "value_ranges",
        "ERROR (blocking) for impossible values (makes > attempts, points != "
        "2*(FGM-FG3M)+3*FG3M+FTM, negative counts, teams disagreeing on overtime); WARN for "
        "possessions, pace or offensive rating outside DOMAIN.md's rough ranges.",
        True,
        TEAM_READS,
    ),
    "coverage": check_spec(
        TEAM,
        "coverage",
        "ERROR (blocking): opponent, home flag, pace, ratings and shooting present on "
        "every row (a NULL means a broken pairing of the two team rows).",
        True,
        TEAM_READS,
    ),
}
PLAYER_SPECS = {
    "unique_keys": check_spec(
        PLAYER,
        "unique_keys",
        "ERROR (blocking): one row per (game_id, player_id).",
        True,
        PLAYER_READS,
    ),
    "schedule_complete": check_spec(
        PLAYER,
        "schedule_complete",
        f"Every team of every real scheduled game has at least "
        f"{thresholds.MIN_PLAYERS_WITH_MINUTES} players with minutes. " + ISOLATED,
        True,
        PLAYER_READS,
    ),
    "team_join": check_spec(
        PLAYER,
        "team_join",
        "Every balldontlie player row joins the official team row of its date, "
        "team and opponent; rows that do not are left out of the table and named here. " + ISOLATED,
        True,
        PLAYER_READS,
    ),
    "coverage": check_spec(
        PLAYER,
        "coverage",
        f"ERROR (blocking): minutes_played on every row, usage_rate on at least "
        f"{thresholds.USAGE_COVERAGE:.0%} of rows with minutes > 0, zone columns on every row "
        "with shot data. WARN: zone attempts equal FGA on fewer than "
        f"{thresholds.ZONE_FGA_AGREEMENT:.0%} of rows with shot data "
        "(the source disagrees on about 0.3%).",
        True,
        PLAYER_READS,
    ),
    "value_ranges": check_spec(
        PLAYER,
        "value_ranges",
        "ERROR (blocking): box-score identities, minutes within the game's "
        "length, no negative usage, DNP rows without stats. WARN: usage above "
        f"{thresholds.HIGH_USAGE:.0f} for a player with "
        f"{thresholds.HIGH_USAGE_MIN_MINUTES:.0f}+ minutes.",
        True,
        PLAYER_READS,
    ),
    "points_match_team": check_spec(
        PLAYER,
        "points_match_team",
        "Summed player points equal the official team points, per "
        "team-game; each mismatch is named. " + ISOLATED,
        True,
        PLAYER_READS,
    ),
}


def _labelled(schedule: pd.DataFrame, results: dict) -> dict:
    """Every passing result of a date whose games are not final yet says "not played yet"."""
    pending = rules.not_final_counts(schedule)
    return {name: rules.label_not_played(outcomes, pending) for name, outcomes in results.items()}


@dg.multi_asset_check(
    specs=list(TEAM_SPECS.values()),
    name="team_offense_game_summary_checks",
    ins={"team": dg.AssetIn(TEAM), "schedule": dg.AssetIn(keys.SCHEDULE)},
)
def team_offense_game_summary_checks(
    context: dg.AssetCheckExecutionContext, team: pd.DataFrame, schedule: pd.DataFrame
):
    dates = list(context.partition_keys)
    yield from emit_checks(
        context,
        TEAM_SPECS,
        _labelled(
            schedule,
            {
                "unique_keys": rules.unique_keys(
                    team, ["game_id", "team_abbr"], dates, "team-game"
                ),
                "schedule_complete": analytics_rules.team_schedule_complete(team, schedule, dates),
                "value_ranges": analytics_rules.team_value_ranges(team, dates),
                "coverage": analytics_rules.team_coverage(team, dates),
            },
        ),
    )


@dg.multi_asset_check(
    specs=list(PLAYER_SPECS.values()),
    name="player_game_summary_checks",
    ins={
        "players": dg.AssetIn(PLAYER),
        "team": dg.AssetIn(TEAM),
        "schedule": dg.AssetIn(keys.SCHEDULE),
        "raw_players": dg.AssetIn(keys.PLAYER_BOXSCORES),
    },
)
def player_game_summary_checks(
    context: dg.AssetCheckExecutionContext,
    players: pd.DataFrame,
    team: pd.DataFrame,
    schedule: pd.DataFrame,
    raw_players: pd.DataFrame,
):
    dates = list(context.partition_keys)
    _, unmatched = match_player_rows(raw_players, team)
    yield from emit_checks(
        context,
        PLAYER_SPECS,
        _labelled(
            schedule,
            {
                "unique_keys": rules.unique_keys(
                    players, ["game_id", "player_id"], dates, "player-game"
                ),
                "schedule_complete": analytics_rules.player_schedule_complete(
                    players, schedule, dates
                ),
                "team_join": analytics_rules.player_team_join(
                    unmatched, schedule, raw_players, dates
                ),
                "coverage": analytics_rules.player_coverage(players, dates),
                "value_ranges": analytics_rules.player_value_ranges(players, team, dates),
                "points_match_team": analytics_rules.points_match_team(
                    players, team, schedule, dates
                ),
            },
        ),
    )


CHECKS = [
    team_offense_game_summary_checks,
    player_game_summary_checks,
    regression_check(keys.TEAM_OFFENSE_GAME_SUMMARY, analytics_rules.team_metrics),
    regression_check(keys.PLAYER_GAME_SUMMARY, analytics_rules.player_metrics),
]
