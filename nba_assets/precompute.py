"""``nba_precompute``: pre-game, as-of-date tables (DOMAIN.md, "Rolling, as-of-date tables").

Partition D holds the players of D's games (the teams scheduled on D) with values computed from
games strictly before D (``nba_assets.basketball.rolling``). Lineage: each table reads the
partitions of D's season up to D of its upstream table (``SEASON_HISTORY``), so a backfill of an
upstream range also refreshes every downstream date whose window contains it, and the UI shows
the window. Before reading, each asset requires every partition of D's season up to D to be
materialized upstream and free of failed blocking checks (``require_history``).
"""

import dagster as dg
import pandas as pd

from asset_checks import blocking_check_keys, precompute_rules
from asset_checks import precompute_checks as pc
from nba_assets import contracts, keys
from nba_assets.basketball import factors, rolling
from nba_assets.common import partition_dates, report_per_date, table_asset_args
from nba_assets.gating import require_history, require_upstream_checks_passed
from nba_assets.partitions import SEASON_HISTORY, season_keys_through

GROUP = "nba_precompute"
PLAYER_TABLE_INS = {"players": dg.AssetIn(keys.PLAYER_GAME_SUMMARY, partition_mapping=SEASON_HISTORY),
                    "schedule": dg.AssetIn(keys.SCHEDULE)}


def _window(context: dg.AssetExecutionContext, *upstream: dg.AssetKey) -> None:
    require_history(context, upstream, blocking_check_keys(*upstream), season_keys_through(list(context.partition_keys)))


@dg.asset(**table_asset_args(keys.PLAYER_ROLLING_STATS, contracts.PLAYER_ROLLING_STATS,
                             "Per player of D's games: points L5/L10/season, points std L10, minutes, usage and "
                             "attempts L10, points per minute, games played, rest and workload over 7 and 14 days, "
                             "from played games before D in the same season.", GROUP),
          ins=PLAYER_TABLE_INS,
          check_specs=list(pc.ROLLING_SPECS.values()))
def player_rolling_stats(context: dg.AssetExecutionContext, players: pd.DataFrame, schedule: pd.DataFrame):
    _window(context, keys.PLAYER_GAME_SUMMARY)
    frame = rolling.player_rolling_stats(players, partition_dates(context))
    report_per_date(context, frame, bootstrap_rows=lambda f: f["is_bootstrap"].sum(),
                    first_games=lambda f: (f["games_played_season"] == 0).sum())
    yield dg.Output(frame)
    yield from pc.in_asset_results(context, pc.ROLLING_SPECS, frame, players, schedule, "player_rolling_stats",
                                   precompute_rules.rolling_leakage)


@dg.asset(**table_asset_args(keys.PLAYER_SHOT_ZONE_ANALYSIS, contracts.PLAYER_SHOT_ZONE_ANALYSIS,
                             "Per player of D's games: zone rates, zone FG%, attempts per game and primary zone over "
                             "the last 10 played games before D in the same season; NULL without shot data.", GROUP),
          ins=PLAYER_TABLE_INS,
          check_specs=list(pc.ZONE_SPECS.values()))
def player_shot_zone_analysis(context: dg.AssetExecutionContext, players: pd.DataFrame, schedule: pd.DataFrame):
    _window(context, keys.PLAYER_GAME_SUMMARY)
    frame = rolling.player_shot_zone_analysis(players, partition_dates(context))
    report_per_date(context, frame, rows_with_shot_data=lambda f: (f["sample_size"] > 0).sum())
    yield dg.Output(frame)
    yield from pc.in_asset_results(context, pc.ZONE_SPECS, frame, players, schedule, "player_shot_zone_analysis",
                                   precompute_rules.zone_leakage)


@dg.asset(**table_asset_args(keys.TEAM_DEFENSE_ZONE_ANALYSIS, contracts.TEAM_DEFENSE_ZONE_ANALYSIS,
                             "Per team scheduled on D: opponents' FG% by zone over its last 15 games before D minus "
                             "the league's over the same dates (pp), defensive rating, pace, offensive rating.", GROUP),
          ins={"team": dg.AssetIn(keys.TEAM_OFFENSE_GAME_SUMMARY, partition_mapping=SEASON_HISTORY),
               "players": dg.AssetIn(keys.PLAYER_GAME_SUMMARY, partition_mapping=SEASON_HISTORY),
               "schedule": dg.AssetIn(keys.SCHEDULE)})
def team_defense_zone_analysis(context: dg.AssetExecutionContext, team: pd.DataFrame, players: pd.DataFrame,
                               schedule: pd.DataFrame) -> pd.DataFrame:
    _window(context, keys.TEAM_OFFENSE_GAME_SUMMARY, keys.PLAYER_GAME_SUMMARY)
    require_upstream_checks_passed(context, blocking_check_keys(keys.SCHEDULE))
    frame = rolling.team_defense_zone_analysis(team, players, schedule, partition_dates(context))
    report_per_date(context, frame)
    return frame


@dg.asset(**table_asset_args(keys.PLAYER_COMPOSITE_FACTORS, contracts.PLAYER_COMPOSITE_FACTORS,
                             "Per player of D's games: fatigue (0-100), shot-zone mismatch (-10..+10), pace (-3..+3), "
                             "usage spike (-3..+3), their total and completeness (nba_assets/basketball/factors.py).",
                             GROUP),
          ins={"rolling_stats": dg.AssetIn(keys.PLAYER_ROLLING_STATS),
               "zones": dg.AssetIn(keys.PLAYER_SHOT_ZONE_ANALYSIS),
               "teams": dg.AssetIn(keys.TEAM_DEFENSE_ZONE_ANALYSIS)})
def player_composite_factors(context: dg.AssetExecutionContext, rolling_stats: pd.DataFrame, zones: pd.DataFrame,
                             teams: pd.DataFrame) -> pd.DataFrame:
    require_upstream_checks_passed(context, blocking_check_keys(
        keys.PLAYER_ROLLING_STATS, keys.PLAYER_SHOT_ZONE_ANALYSIS, keys.TEAM_DEFENSE_ZONE_ANALYSIS))
    frame = factors.composite_factors(rolling_stats, zones, teams)
    report_per_date(context, frame, precompute_rules.composite_metrics(frame))
    return frame
