"""Checks on ``nba_precompute`` tables (per date; thresholds in ``asset_checks.thresholds``)."""

import dagster as dg
import pandas as pd

from asset_checks import precompute_rules, rules, thresholds
from nba_assets import keys
from nba_assets.common import check_spec, emit_checks
from nba_assets.regression_checks import regression_check

COVERAGE = (
    "ERROR (blocking): exactly the players of D's expected roster have a row (one each), and a "
    "game date outside the 14-day bootstrap period is never empty."
)
LEAKAGE = (
    f"ERROR (blocking): {thresholds.LEAKAGE_SAMPLE_PER_DATE} rows per date, spread over the "
    "players, are recomputed row by row from the player's games strictly before D (same season) "
    "and must match. Catches a `<=` where `<` belongs."
)

ROSTER_SPECS = {
    "roster_size": check_spec(
        keys.EXPECTED_ROSTERS,
        "roster_size",
        f"ERROR (blocking): every team scheduled in a real game on D has at least "
        f"{thresholds.MIN_EXPECTED_PLAYERS} expected players, one row per player, once the team "
        f"has {thresholds.MIN_EXPECTED_PLAYERS} earlier games in the data (each short team named).",
        True,
        (keys.SCHEDULE,),
    ),
    "played_not_expected": check_spec(
        keys.EXPECTED_ROSTERS,
        "played_not_expected",
        "Once D is played: the players with minutes on D who were not expected are counted and "
        f"named (never added to D's predictions). WARN above "
        f"{thresholds.MAX_PLAYED_NOT_EXPECTED_SHARE:.0%} of the players who played for a team "
        "with a roster (a team's first game of a season has none: counted apart); a date not "
        "played yet passes.",
        False,
        (keys.PLAYER_GAME_SUMMARY,),
    ),
}
ROLLING_SPECS = {
    "coverage": check_spec(keys.PLAYER_ROLLING_STATS, "coverage", COVERAGE, True),
    "no_leakage": check_spec(keys.PLAYER_ROLLING_STATS, "no_leakage", LEAKAGE, True),
}
ZONE_SPECS = {
    "coverage": check_spec(keys.PLAYER_SHOT_ZONE_ANALYSIS, "coverage", COVERAGE, True),
    "no_leakage": check_spec(keys.PLAYER_SHOT_ZONE_ANALYSIS, "no_leakage", LEAKAGE, True),
}
TEAM_SPECS = {
    "coverage": check_spec(
        keys.TEAM_DEFENSE_ZONE_ANALYSIS,
        "coverage",
        "ERROR (blocking): every team scheduled in a real game on D has a row.",
        True,
        (keys.SCHEDULE,),
    ),
}
FACTOR_SPECS = {
    "value_ranges": check_spec(
        keys.PLAYER_COMPOSITE_FACTORS,
        "value_ranges",
        "ERROR (blocking): fatigue 0-100, shot-zone "
        "mismatch -10..+10, pace and usage spike -3..+3, completeness 0-100.",
        True,
    ),
}


def roster_results(
    context: dg.AssetExecutionContext,
    roster: pd.DataFrame,
    players: pd.DataFrame,
    unexpected: pd.DataFrame,
    schedule: pd.DataFrame,
    held: set[str],
):
    """The expected roster's checks, evaluated in its step (they need the teams' history)."""
    dates = list(context.partition_keys)
    yield from emit_checks(
        context,
        ROSTER_SPECS,
        {
            "roster_size": precompute_rules.roster_size(roster, players, schedule, dates),
            "played_not_expected": rules.label_not_played(
                precompute_rules.played_not_expected(unexpected, players, dates),
                rules.not_final_counts(schedule),
            ),
        },
        held_back={keys.EXPECTED_ROSTERS: held},
    )


def in_asset_results(
    context: dg.AssetExecutionContext,
    specs: dict,
    table: pd.DataFrame,
    players: pd.DataFrame,
    roster: pd.DataFrame,
    schedule: pd.DataFrame,
    label: str,
    leakage,
    held: set[str],
):
    """Results of a player table's coverage and leakage checks, evaluated inside its asset step.

    Both need the player's whole season before D, which only the asset's own input has (Dagster
    maps a separate check's inputs to the same partitions only); the recomputation itself is
    independent, row-by-row code (``rolling.naive_*``)."""
    dates = list(context.partition_keys)
    yield from emit_checks(
        context,
        specs,
        {
            "coverage": precompute_rules.player_coverage(
                table, roster, players, schedule, dates, label
            ),
            "no_leakage": leakage(table, players, dates),
        },
        held_back={table_key: held for table_key in {s.asset_key for s in specs.values()}},
    )


@dg.multi_asset_check(
    specs=list(TEAM_SPECS.values()),
    name="team_defense_zone_analysis_checks",
    ins={
        "table": dg.AssetIn(keys.TEAM_DEFENSE_ZONE_ANALYSIS),
        "schedule": dg.AssetIn(keys.SCHEDULE),
    },
)
def team_defense_zone_analysis_checks(
    context: dg.AssetCheckExecutionContext, table: pd.DataFrame, schedule: pd.DataFrame
):
    dates = list(context.partition_keys)
    yield from emit_checks(
        context, TEAM_SPECS, {"coverage": precompute_rules.team_coverage(table, schedule, dates)}
    )


@dg.multi_asset_check(
    specs=list(FACTOR_SPECS.values()),
    name="player_composite_factors_checks",
    ins={"table": dg.AssetIn(keys.PLAYER_COMPOSITE_FACTORS)},
)
def player_composite_factors_checks(context: dg.AssetCheckExecutionContext, table: pd.DataFrame):
    dates = list(context.partition_keys)
    yield from emit_checks(
        context,
        FACTOR_SPECS,
        {
            "value_ranges": precompute_rules.factor_ranges(table, dates),
        },
    )


# The player tables' own checks run in their assets' steps (they need each player's season).
CHECKS = [
    team_defense_zone_analysis_checks,
    player_composite_factors_checks,
    regression_check(keys.PLAYER_COMPOSITE_FACTORS, precompute_rules.composite_metrics),
]
