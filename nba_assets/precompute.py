"""``nba_precompute``: pre-game, as-of-date tables (DOMAIN.md, "Rolling, as-of-date tables").

Partition D holds the expected roster of each team scheduled on D (``expected_rosters``, from
box scores before D: ``basketball.rosters``) with values computed from games strictly before D
(``basketball.rolling``), so tonight's games are built before they are played. Each table
depends on D's own upstream partition (identity) and reads the rest of D's season from the
warehouse (``nba_assets.history``): a history date that is held
back upstream is left out of every window and each row says how many of its team's games that
removed; a history date never built holds D back (the window would silently be short). A date
whose own inputs are not readable is held back (``nba_assets.gating``); every other date of the
range builds.
"""

import dagster as dg
import pandas as pd

from asset_checks import precompute_rules
from basketball import factors, rolling, rosters
from nba_assets import contracts, keys, precompute_checks
from nba_assets.common import gate_results, report_per_date, table_asset_args, without_dates
from nba_assets.gating import Lineage, held_back
from nba_assets.history import SEASON, History, flag_rows, load, per_date_history
from resources.warehouse import Warehouse


def _history(
    context: dg.AssetExecutionContext,
    warehouse,
    tables: dict,
    scope: str = SEASON,
    upstream: tuple = (keys.SCHEDULE,),
) -> tuple[History, dict[str, str], list[str]]:
    """(``scope`` history of the upstream tables, held-back dates with reasons, dates to
    build)."""
    held = held_back(context, list(upstream))  # the history tables' dates are read by ``load``
    history = load(context, warehouse, tables, list(context.partition_keys), scope)
    for d, why in history.held.items():
        held.setdefault(d, why)
    return history, dict(sorted(held.items())), [k for k in context.partition_keys if k not in held]


def _schedule(context, warehouse) -> pd.DataFrame:
    keys_ = list(context.partition_keys)
    return (
        warehouse.read(
            keys.SCHEDULE, contracts.SCHEDULE, "0001-01-01", keys_[-1], log=context.log.warning
        )
        if keys_
        else pd.DataFrame()
    )


@dg.asset(
    **table_asset_args(
        keys.EXPECTED_ROSTERS,
        contracts.EXPECTED_ROSTERS,
        "Per team scheduled on D (played or not yet): the players expected to dress, from box "
        "scores of D's season before D only (basketball/rosters.py: played for the team in one of "
        f"its last {rosters.ROSTER_GAMES} games, and not seen with another team since), with the "
        "basis of each row. The population of every pre-game table, feature row and prediction "
        "of D; a team's first game of a season has none.",
        precompute_checks.ROSTER_SPECS.values(),
    ),
    deps=[keys.PLAYER_GAME_SUMMARY, keys.SCHEDULE],
)
def expected_rosters(context: dg.AssetExecutionContext, warehouse: Warehouse, lineage: Lineage):
    history, held, build_dates = _history(
        context, warehouse, {keys.PLAYER_GAME_SUMMARY: contracts.PLAYER_GAME_SUMMARY}
    )
    players = history.frames[keys.PLAYER_GAME_SUMMARY]
    schedule = _schedule(context, warehouse)
    frame = flag_rows(rosters.expected_rosters(players, schedule, build_dates), history, schedule)
    unexpected = rosters.played_not_expected(frame, players, build_dates)
    report_per_date(
        context,
        frame,
        per_date_history(history, list(context.partition_keys)),
        held,
        teams=lambda f: f["team_abbr"].nunique(),
    )
    yield dg.Output(frame)
    yield from gate_results(context, keys.EXPECTED_ROSTERS, held)
    yield from precompute_checks.roster_results(
        context, frame, players, unexpected, without_dates(schedule, held), set(held)
    )


def _player_table(
    key: dg.AssetKey,
    contract: dg.TableSchema,
    description: str,
    specs: dict,
    build,
    leakage,
    metrics,
):
    """A player pre-game table: D's players, their season history, and the coverage and leakage
    checks evaluated in the same step (they need the player's whole season before D)."""

    @dg.asset(
        **table_asset_args(key, contract, description, specs.values()),
        ins={"roster": dg.AssetIn(keys.EXPECTED_ROSTERS)},
        deps=[keys.PLAYER_GAME_SUMMARY, keys.SCHEDULE],
    )
    def player_table(
        context: dg.AssetExecutionContext,
        warehouse: Warehouse,
        lineage: Lineage,
        roster: pd.DataFrame,
    ):
        history, held, build_dates = _history(
            context,
            warehouse,
            {keys.PLAYER_GAME_SUMMARY: contracts.PLAYER_GAME_SUMMARY},
            upstream=(keys.SCHEDULE, keys.EXPECTED_ROSTERS),
        )
        players = history.frames[keys.PLAYER_GAME_SUMMARY]
        schedule = _schedule(context, warehouse)
        frame = flag_rows(build(players, without_dates(roster, held)), history, schedule)
        report_per_date(
            context,
            frame,
            per_date_history(history, list(context.partition_keys)),
            held,
            rows_with_held_back_games=lambda f: (f["window_games_held_back"] > 0).sum(),
            **metrics,
        )
        yield dg.Output(frame)
        yield from gate_results(context, key, held)
        yield from precompute_checks.in_asset_results(
            context,
            specs,
            frame,
            players,
            without_dates(roster, held),
            without_dates(schedule, held),
            key.path[-1],
            leakage,
            set(held),
        )

    return player_table


player_rolling_stats = _player_table(
    keys.PLAYER_ROLLING_STATS,
    contracts.PLAYER_ROLLING_STATS,
    "Per expected player of D's games: points L5/L10/season, points std L10, minutes, usage and "
    "attempts L10, points per minute, games played, rest and workload over 7 and 14 days, from "
    "played games before D in the same season.",
    precompute_checks.ROLLING_SPECS,
    rolling.player_rolling_stats,
    precompute_rules.rolling_leakage,
    {
        "bootstrap_rows": lambda f: f["is_bootstrap"].sum(),
        "first_games": lambda f: (f["games_played_season"] == 0).sum(),
    },
)

player_shot_zone_analysis = _player_table(
    keys.PLAYER_SHOT_ZONE_ANALYSIS,
    contracts.PLAYER_SHOT_ZONE_ANALYSIS,
    "Per expected player of D's games: zone rates, zone FG%, attempts per game and primary zone "
    "over the last 10 played games before D in the same season; NULL without shot data.",
    precompute_checks.ZONE_SPECS,
    rolling.player_shot_zone_analysis,
    precompute_rules.zone_leakage,
    {"rows_with_shot_data": lambda f: (f["sample_size"] > 0).sum()},
)


@dg.asset(
    **table_asset_args(
        keys.TEAM_DEFENSE_ZONE_ANALYSIS,
        contracts.TEAM_DEFENSE_ZONE_ANALYSIS,
        "Per team scheduled on D: opponents' FG% by zone over its last 15 games before D minus "
        "the league's over the same dates (pp), defensive rating, pace, offensive rating.",
    ),
    deps=[keys.TEAM_OFFENSE_GAME_SUMMARY, keys.PLAYER_GAME_SUMMARY, keys.SCHEDULE],
)
def team_defense_zone_analysis(
    context: dg.AssetExecutionContext, warehouse: Warehouse, lineage: Lineage
):
    history, held, build_dates = _history(
        context,
        warehouse,
        {
            keys.TEAM_OFFENSE_GAME_SUMMARY: contracts.TEAM_OFFENSE_GAME_SUMMARY,
            keys.PLAYER_GAME_SUMMARY: contracts.PLAYER_GAME_SUMMARY,
        },
    )
    schedule = _schedule(context, warehouse)
    frame = rolling.team_defense_zone_analysis(
        history.frames[keys.TEAM_OFFENSE_GAME_SUMMARY],
        history.frames[keys.PLAYER_GAME_SUMMARY],
        schedule,
        build_dates,
    )
    frame = flag_rows(frame, history, schedule)
    report_per_date(context, frame, per_date_history(history, list(context.partition_keys)), held)
    yield dg.Output(frame)
    yield from gate_results(context, keys.TEAM_DEFENSE_ZONE_ANALYSIS, held)


@dg.asset(
    **table_asset_args(
        keys.PLAYER_COMPOSITE_FACTORS,
        contracts.PLAYER_COMPOSITE_FACTORS,
        "Per player of D's games: fatigue (0-100), shot-zone mismatch (-10..+10), pace (-3..+3), "
        "usage spike (-3..+3), their total and completeness (basketball/factors.py).",
    ),
    ins={
        "rolling_stats": dg.AssetIn(keys.PLAYER_ROLLING_STATS),
        "zones": dg.AssetIn(keys.PLAYER_SHOT_ZONE_ANALYSIS),
        "teams": dg.AssetIn(keys.TEAM_DEFENSE_ZONE_ANALYSIS),
    },
)
def player_composite_factors(
    context: dg.AssetExecutionContext,
    lineage: Lineage,
    rolling_stats: pd.DataFrame,
    zones: pd.DataFrame,
    teams: pd.DataFrame,
):
    held = held_back(
        context,
        [
            keys.PLAYER_ROLLING_STATS,
            keys.PLAYER_SHOT_ZONE_ANALYSIS,
            keys.TEAM_DEFENSE_ZONE_ANALYSIS,
        ],
    )
    frame = factors.composite_factors(
        without_dates(rolling_stats, held), without_dates(zones, held), without_dates(teams, held)
    )
    report_per_date(context, frame, precompute_rules.composite_metrics(frame), held)
    yield dg.Output(frame)
    yield from gate_results(context, keys.PLAYER_COMPOSITE_FACTORS, held)


def definitions() -> dg.Definitions:
    """This layer's assets and their checks (``nba_assets/definitions.py`` merges the layers)."""
    return dg.Definitions(
        assets=[
            expected_rosters,
            player_rolling_stats,
            player_shot_zone_analysis,
            team_defense_zone_analysis,
            player_composite_factors,
        ],
        asset_checks=precompute_checks.CHECKS,
    )
