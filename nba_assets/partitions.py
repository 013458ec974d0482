"""The one partitions definition: NBA game dates of the raw folder, America/New_York.

Every day between the folder's first and last game date that has no game is excluded, so a
day without NBA games never shows up as a missing partition. The dates come from the data,
so a folder with newer seasons yields newer partitions with no code change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import dagster as dg

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
