"""``nba_analytics``: team_offense_game_summary and player_game_summary (DOMAIN.md).

Thin assets: the gate first (a date whose raw inputs are not readable is held back, alone), then
the pure builders in ``basketball.tables`` over the other dates.
"""

import dagster as dg
import pandas as pd

from asset_checks import analytics_rules
from basketball.tables import build_player_game_summary, build_team_offense
from nba_assets import analytics_checks, contracts, keys
from nba_assets.common import gate_results, report_per_date, table_asset_args, without_dates
from nba_assets.gating import Lineage, held_back
from resources import raw_source as files
from resources.raw_source import RawSource


@dg.asset(
    **table_asset_args(
        keys.TEAM_OFFENSE_GAME_SUMMARY,
        contracts.TEAM_OFFENSE_GAME_SUMMARY,
        "One row per team per real NBA game: possessions, pace, offensive and defensive rating, "
        "TS%, eFG%, overtime periods, home flag, opponent.",
    ),
    ins={"team_boxscores": dg.AssetIn(keys.TEAM_BOXSCORES), "schedule": dg.AssetIn(keys.SCHEDULE)},
)
def team_offense_game_summary(
    context: dg.AssetExecutionContext,
    lineage: Lineage,
    team_boxscores: pd.DataFrame,
    schedule: pd.DataFrame,
):
    held = held_back(context, [keys.TEAM_BOXSCORES, keys.SCHEDULE])
    frame = build_team_offense(without_dates(team_boxscores, held), without_dates(schedule, held))
    report_per_date(
        context,
        frame,
        analytics_rules.team_metrics(frame),
        held,
        games=lambda f: f["game_id"].nunique(),
    )
    yield dg.Output(frame)
    yield from gate_results(context, keys.TEAM_OFFENSE_GAME_SUMMARY, held)


@dg.asset(
    **table_asset_args(
        keys.PLAYER_GAME_SUMMARY,
        contracts.PLAYER_GAME_SUMMARY,
        "One row per player per real NBA game, DNP rows kept and flagged: decimal minutes, usage "
        "rate from the team's own totals, TS%, eFG%, shot-zone attempts and makes (NULL without "
        "shot data). Player rows that join no official team row are left out and named by the "
        "team_join check.",
    ),
    ins={
        "player_boxscores": dg.AssetIn(keys.PLAYER_BOXSCORES),
        "shots": dg.AssetIn(keys.SHOTS),
        "team_offense_game_summary": dg.AssetIn(keys.TEAM_OFFENSE_GAME_SUMMARY),
    },
)
def player_game_summary(
    context: dg.AssetExecutionContext,
    raw_source: RawSource,
    lineage: Lineage,
    player_boxscores: pd.DataFrame,
    shots: pd.DataFrame,
    team_offense_game_summary: pd.DataFrame,
):
    held = held_back(context, [keys.PLAYER_BOXSCORES, keys.SHOTS, keys.TEAM_OFFENSE_GAME_SUMMARY])
    crosswalk = (
        raw_source.frame(files.PLAYER_ID_CROSSWALK)
        if raw_source.has(files.PLAYER_ID_CROSSWALK)
        else pd.DataFrame()
    )
    frame, unmatched = build_player_game_summary(
        without_dates(player_boxscores, held),
        without_dates(team_offense_game_summary, held),
        without_dates(shots, held),
        crosswalk,
    )
    report_per_date(
        context,
        frame,
        analytics_rules.player_metrics(frame),
        held,
        dnp_rows=lambda f: f["is_dnp"].sum(),
        rows_with_shot_data=lambda f: f["has_shot_data"].sum(),
    )
    if len(unmatched):
        context.log.warning(
            f"{int(unmatched['player_rows'].sum())} player rows in {len(unmatched)} team-games "
            "joined no official team row and were left out (named by the team_join check)"
        )
    yield dg.Output(frame)
    yield from gate_results(context, keys.PLAYER_GAME_SUMMARY, held)


def definitions() -> dg.Definitions:
    """This layer's assets and their checks (``nba_assets/definitions.py`` merges the layers)."""
    return dg.Definitions(
        assets=[team_offense_game_summary, player_game_summary],
        asset_checks=analytics_checks.CHECKS,
    )
