"""The one partitions definition: NBA game dates, as dynamic partitions kept in the instance.

Why dynamic and not a daily time window: the game dates come from the data (a season's
calendar, postponements, the NBA Cup, the Finals), so the code location would otherwise have to
read the raw folder at import to know them, and a broken or absent raw file would stop the
location, ``nba-backfill --help`` and the UI from loading. Here the definition is a name only;
the dates are added to the instance from the raw folder by ``register_game_dates`` (called by
``nba-backfill`` and by the ``game_dates_sensor``), so new dates appear with no code change and
no redeploy, and a day without games is never a partition (never "missing"). Every table reads
D's upstream through an identity dependency and its history through the warehouse
(``nba_assets.history``), so no time-window mapping is needed, and a backfill of a range targets
exactly that range (a window mapping made Dagster widen backfills into dates that cannot be built).

The dates are the schedule's: played dates and the published schedule's dates up to the as-of
date ("today"), so tonight's games are a partition before they are played. The as-of date of a
run is its ``nba/as_of`` tag (a schedule tick's date; ``nba-backfill`` sets the day after the last
date with final results, or ``--as-of``), else today in America/New_York.

Keys are kept in date order (a partition range is a range of that order): a date earlier than a
known one is inserted by re-adding the later keys after it (their history is untouched).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

from basketball.calendar import season_of

TIMEZONE = "America/New_York"
GAME_DATES = dg.DynamicPartitionsDefinition(name="game_dates")
AS_OF_TAG = "nba/as_of"
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def today() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def as_of(context) -> str:
    """The run's as-of date (``YYYY-MM-DD``): its ``nba/as_of`` tag, else today."""
    return context.run.tags.get(AS_OF_TAG) or today().isoformat()


def known_dates(instance: dg.DagsterInstance) -> list[str]:
    """Every game date partition in the instance, in date order."""
    return list(instance.get_dynamic_partitions(GAME_DATES.name))


def additions(known: list[str], found: Iterable[date | str]) -> tuple[list[str], list[str]]:
    """(keys to delete, keys to add) that add the ``found`` dates not ``known`` and keep the keys
    in date order: rarely, an older date arrived after newer ones, and the later keys are
    re-added after it."""
    new = sorted({d if isinstance(d, str) else d.isoformat() for d in found} - set(known))
    if not new:
        return [], []
    later = [k for k in known if k > new[0]]
    return later, sorted(new + later)


def register_game_dates(instance: dg.DagsterInstance, dates: Iterable[date | str]) -> list[str]:
    """Add the game dates the instance does not know yet, in date order. Returns the new keys."""
    known = known_dates(instance)
    delete, add = additions(known, dates)
    for key in delete:
        instance.delete_dynamic_partition(GAME_DATES.name, key)
    if add:
        instance.add_dynamic_partitions(GAME_DATES.name, add)
    return [k for k in add if k not in known]


def season_history(all_keys: list[str], key: str) -> list[str]:
    """The partitions of ``key``'s season strictly before it: what its pre-game window reads."""
    season = season_of(key)
    return [k for k in all_keys if k < key and season_of(k) == season]
