"""The one partitions definition: NBA game dates of the raw folder, America/New_York.

Every day between the folder's first and last game date that has no game is excluded, so a
day without NBA games never shows up as a missing partition. The dates come from the data,
so a folder with newer seasons yields newer partitions with no code change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import dagster as dg

from nba_assets.basketball.calendar import season_of
from resources.raw_source import RawSource, default_raw_dir

TIMEZONE = "America/New_York"


def game_day_partitions(game_dates: list[date]) -> dg.DailyPartitionsDefinition:
    if not game_dates:
        raise ValueError("the raw folder has no game dates: cannot define partitions")
    first, last = game_dates[0], game_dates[-1]
    played = set(game_dates)
    idle = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return dg.DailyPartitionsDefinition(
        start_date=first.isoformat(),
        end_date=(last + timedelta(days=1)).isoformat(),
        timezone=TIMEZONE,
        exclusions=[datetime.combine(d, datetime.min.time()) for d in idle if d not in played],
    )


game_days = game_day_partitions(RawSource(raw_dir=default_raw_dir()).game_dates())


def _season_of_key(key: str) -> int:
    return season_of(date.fromisoformat(key))


def season_keys_through(keys: list[str]) -> list[str]:
    """Every partition from the start of the season of each key in ``keys`` through that key:
    the dates a pre-game window of those keys can read."""
    last_by_season: dict[int, str] = {}
    for k in keys:
        season = _season_of_key(k)
        last_by_season[season] = max(k, last_by_season.get(season, k))
    return [k for k in game_days.get_partition_keys() if k <= last_by_season.get(_season_of_key(k), "")]


def _longest_season() -> int:
    per_season: dict[int, int] = {}
    for key in game_days.get_partition_keys():
        per_season[_season_of_key(key)] = per_season.get(_season_of_key(key), 0) + 1
    return max(per_season.values())


SEASON_PARTITIONS = _longest_season()
"""Partitions in the longest season of the data: a history window reaching this many
partitions back always covers the whole season of its date."""


SEASON_HISTORY = dg.TimeWindowPartitionMapping(start_offset=-SEASON_PARTITIONS, end_offset=0,
                                               allow_nonexistent_upstream_partitions=True)
"""Upstream mapping of a pre-game table: D's partition reads every partition of D's season up
to D (D itself only for who plays; values use earlier dates)."""

ALL_HISTORY = dg.TimeWindowPartitionMapping(start_offset=-len(game_days.get_partition_keys()), end_offset=0,
                                            allow_nonexistent_upstream_partitions=True)
"""Upstream mapping of the feature rows: D's partition reads every partition up to D (form across
seasons and the previous season; D itself only for the target)."""
