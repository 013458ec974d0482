"""Seasons and game types, derived from the data (never from a hard-coded season list)."""

from __future__ import annotations

from datetime import date

import pandas as pd

# stats.nba.com season_id first digit -> game type
GAME_TYPES = {
    "1": "preseason",
    "2": "regular_season",
    "3": "all_star",
    "4": "playoffs",
    "5": "play_in",
    "6": "nba_cup_final",
}
REAL_GAME_TYPES = frozenset({"regular_season", "play_in", "playoffs", "nba_cup_final"})


def season_of(day: date | str) -> int:
    """Season start year: 2023 for 2023-24 (October or later belongs to the new season). ``day``
    may be a ``YYYY-MM-DD`` partition key."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return day.year if day.month >= 10 else day.year - 1


def season_label(season: int) -> str:
    """How a reader writes a season: ``"2025-26"`` for start year 2025 (tables keep the integer
    start year, which sorts and joins; pages and messages show this)."""
    return f"{season}-{(season + 1) % 100:02d}"


def game_type(season_id: str) -> str:
    """Game type from a stats.nba.com ``season_id`` such as ``"22023"``; unknown digits raise."""
    try:
        return GAME_TYPES[str(season_id)[0]]
    except (KeyError, IndexError):
        raise ValueError(
            f"unknown season_id {season_id!r}: first digit must be one of {sorted(GAME_TYPES)}"
        ) from None


def season_starts(games: pd.DataFrame) -> dict[int, pd.Timestamp]:
    """First regular-season game date of each season in a frame of games or player rows
    (columns ``game_date``, ``season``, ``game_type``), from the data."""
    regular = games[games["game_type"] == "regular_season"]
    return {
        int(s): pd.Timestamp(d) for s, d in regular.groupby("season")["game_date"].min().items()
    }
