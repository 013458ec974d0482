"""``nba_raw``: the raw folder's rows per game date, values as shipped, plus lineage.

Bad input (missing or unreadable file, missing column, wrong type, unparseable date or
minutes) raises ``RawDataError`` naming file, column, row and value before anything is
written, so no partition of the failing range is half-written.
"""

import os

import dagster as dg
import pandas as pd

from nba_assets import contracts, keys
from nba_assets.basketball.tables import build_schedule
from nba_assets.common import partition_dates, report_per_date, table_asset_args
from resources import raw_source as files
from resources.nba_api_source import NBA_API_POOL
from resources.raw_source import (SOURCE_RETRIES, SOURCE_RETRY_WAIT_SECONDS, RawDataError, RawSource,
                                  TransientSourceError)

GROUP = "nba_raw"
# With the live source every raw read is a stats.nba.com call: one at a time (the pool's limit is 1).
RAW_POOL = NBA_API_POOL if os.environ.get("NBA_RAW_SOURCE") == "nba_api" else None


def _read(context: dg.AssetExecutionContext, raw_source: RawSource, spec: files.RawFile) -> pd.DataFrame:
    """The run's dates of a raw file. A transient I/O error is retried with backoff (a Dagster
    retry of this step); bad content raises ``RawDataError`` at once and is never retried."""
    try:
        return raw_source.read(spec, partition_dates(context))
    except TransientSourceError as exc:
        raise dg.RetryRequested(max_retries=SOURCE_RETRIES,
                                seconds_to_wait=SOURCE_RETRY_WAIT_SECONDS * 2 ** context.retry_number) from exc


@dg.asset(**table_asset_args(keys.PLAYER_BOXSCORES, contracts.PLAYER_BOXSCORES,
                             "balldontlie player box scores as shipped (raw minute strings, DNP rows).", GROUP), pool=RAW_POOL)
def player_boxscores(context: dg.AssetExecutionContext, raw_source: RawSource) -> pd.DataFrame:
    frame = _read(context, raw_source, files.PLAYER_BOXSCORES)
    report_per_date(context, frame)
    return frame


@dg.asset(**table_asset_args(keys.TEAM_BOXSCORES, contracts.TEAM_BOXSCORES,
                             "stats.nba.com team box scores, all game types (preseason and All-Star kept).", GROUP), pool=RAW_POOL)
def team_boxscores(context: dg.AssetExecutionContext, raw_source: RawSource) -> pd.DataFrame:
    frame = _read(context, raw_source, files.TEAM_BOXSCORES)
    report_per_date(context, frame)
    return frame


@dg.asset(**table_asset_args(keys.SHOTS, contracts.SHOTS,
                             "stats.nba.com shot chart rows. A folder or season without shots yields empty partitions.", GROUP), pool=RAW_POOL)
def shots(context: dg.AssetExecutionContext, raw_source: RawSource) -> pd.DataFrame:
    frame = _read(context, raw_source, files.SHOTS)
    report_per_date(context, frame)
    if not raw_source.has(files.SHOTS):
        context.log.warning(f"no shots file in {raw_source.raw_dir}: shot partitions are empty and zone columns NULL")
    return frame


@dg.asset(**table_asset_args(keys.SCHEDULE, contracts.SCHEDULE,
                             "One row per game: date, season, game type, home and away teams (from the official team rows).",
                             GROUP), pool=RAW_POOL)
def schedule(context: dg.AssetExecutionContext, raw_source: RawSource) -> pd.DataFrame:
    teams = _read(context, raw_source, files.TEAM_BOXSCORES)
    try:
        frame = build_schedule(teams)
    except ValueError as exc:
        raise RawDataError(str(raw_source.path(files.TEAM_BOXSCORES)), str(exc)) from exc
    report_per_date(context, frame, nba_games=lambda f: f["is_nba_game"].sum())
    return frame
