"""Checks on ``nba_precompute`` tables (per date; thresholds in ``asset_checks.thresholds``)."""

import dagster as dg
import pandas as pd

from asset_checks import precompute_rules, thresholds
from nba_assets import keys
from nba_assets.common import check_spec, emit_checks
from nba_assets.regression_checks import regression_check

COVERAGE = (
    "ERROR (blocking): every player with minutes on D who played earlier this season has a row, "
    "and a game date outside the 14-day bootstrap period is never empty."
)
LEAKAGE = (
    f"ERROR (blocking): {thresholds.LEAKAGE_SAMPLE_PER_DATE} rows per date, spread over the "
    "players, are recomputed row by row from the player's games strictly before D (same season) "
    "and must match. Catches a `<=` where `<` belongs."
)

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


def in_asset_results(
    context: dg.AssetExecutionContext,
    specs: dict,
    table: pd.DataFrame,
    players: pd.DataFrame,
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
            "coverage": precompute_rules.player_coverage(table, players, schedule, dates, label),
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
