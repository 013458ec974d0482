"""Walk-forward points models: every version is trained only on dates before the first date it
predicts, so no prediction is in-sample (no Dagster).

The cadence (``cutoffs``): a version at each season's opening date (from the second season of
the data: trained on every earlier season), and within the latest season a version every Monday
up to the as-of date (trained on every earlier date, this season's included; the weekly retrain
runs on Monday mornings). Older seasons get one version each: they are history, replayed, and
retraining them weekly would cost about 30 trainings per season for rows nobody bets on. A
version with cutoff C predicts the dates from C up to the next cutoff; its training and
validation dates all lie before C (its last ``valid_share`` of dates validate, early stopping).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from basketball import model
from basketball.calendar import season_of

RETRAIN_FREQUENCY = "W-MON"  # weekly, on Mondays, within the latest season


@dataclass(frozen=True)
class Window:
    cutoff: pd.Timestamp  # first date the version predicts; it trains on dates before it
    until: pd.Timestamp | None  # next version's cutoff (None: open-ended)


def season_openers(rows: pd.DataFrame) -> dict[int, pd.Timestamp]:
    """Each season's first date with feature rows (its opening night: preseason games are not
    NBA games and have no rows)."""
    days = pd.to_datetime(rows["game_date"])
    return {int(s): d for s, d in days.groupby(rows["season"].astype("int64")).min().items()}


def windows(
    openers: dict[int, pd.Timestamp], as_of: date | str, last: date | str | None = None
) -> list[Window]:
    """The walk-forward versions of the data up to ``as_of``, in date order; no Monday after
    ``last`` (the last date with rows: a later version would predict nothing)."""
    as_of = (
        min(pd.Timestamp(as_of), pd.Timestamp(last)) if last is not None else pd.Timestamp(as_of)
    )
    seasons = sorted(s for s, d in openers.items() if d <= as_of)
    if len(seasons) < 2:
        return []
    latest = openers[seasons[-1]]
    mondays = pd.date_range(latest + pd.Timedelta(days=1), as_of, freq=RETRAIN_FREQUENCY)
    cuts = sorted({openers[s] for s in seasons[1:]} | set(mondays))
    return [Window(c, cuts[i + 1] if i + 1 < len(cuts) else None) for i, c in enumerate(cuts)]


def split(rows: pd.DataFrame, window: Window, valid_share: float = 0.1) -> model.Split:
    """Training and validation rows: played, non-bootstrap rows dated before the cutoff (the
    last ``valid_share`` of those dates validate); test rows: played rows of the window. Rows
    are put in (date, player, game) order first (row subsampling depends on the order)."""
    played = rows[rows["minutes_played"] > 0].sort_values(
        ["game_date", "player_id", "game_id"], kind="stable"
    )
    days = pd.to_datetime(played["game_date"])
    history = played[(days < window.cutoff) & ~played["is_bootstrap"].astype(bool)]
    dates = np.sort(history["game_date"].unique())
    if len(dates) < 10:
        raise ValueError(f"too little history before {window.cutoff:%Y-%m-%d} ({len(dates)} dates)")
    cut = dates[int(len(dates) * (1 - valid_share))]
    in_window = (days >= window.cutoff) & (
        days < window.until if window.until is not None else True
    )
    return model.Split(
        train=history[history["game_date"] < cut],
        valid=history[history["game_date"] >= cut],
        test=played[in_window],
        test_season=season_of(window.cutoff.date()),
    )


def version_for(windows_: list[dict], day: str) -> dict | None:
    """The version (a ``windows`` record: cutoff, version, trained_through) that predicts
    ``day``: the latest whose cutoff is on or before it. None before the first cutoff."""
    earlier = [w for w in windows_ if w["cutoff"] <= day]
    return earlier[-1] if earlier else None
