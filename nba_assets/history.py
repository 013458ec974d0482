"""The history a pre-game table reads: an upstream table's earlier dates, from the warehouse.

Each date D of a pre-game table depends on D's own upstream partition (an identity dependency:
a backfill of a range targets exactly that range) and reads its window from the warehouse
(``resources.warehouse.DuckDBWarehouse`` / ``resources.bigquery.BigQueryWarehouse``):

- a history date that is not readable (held back, stale or not yet checked, ``gating``) is left
  out of the window, and every row of D says how many of its team's games that removed
  (``window_games_held_back``) and whether the window is complete (``history_complete``);
- a history date that was never materialized holds D back: the window would silently be
  short, and D's values would depend on what happened to be built;
- D's own upstream partition, read here too, holds D back when it is not readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg
import pandas as pd

from asset_checks.rules import day
from nba_assets.gating import NEVER_MATERIALIZED, unreadable
from nba_assets.partitions import known_dates, season_history
from resources.contract import empty

SEASON, ALL = "season", "all"


@dataclass
class History:
    """Readable rows of the upstream tables over the window of the dates being built."""

    frames: dict[dg.AssetKey, pd.DataFrame]
    left_out: dict[str, str] = field(default_factory=dict)  # history date -> why it is not readable
    held: dict[str, str] = field(default_factory=dict)  # date being built -> why it cannot be built
    windows: dict[str, list[str]] = field(
        default_factory=dict
    )  # date being built -> its history dates

    def held_back_dates_before(self, date: str) -> list[str]:
        return [d for d in self.windows.get(date, []) if d in self.left_out]


def _windows(all_keys: list[str], dates: list[str], scope: str) -> dict[str, list[str]]:
    if scope == SEASON:
        return {d: season_history(all_keys, d) for d in dates}
    return {d: [k for k in all_keys if k < d] for d in dates}


def load(
    context: dg.AssetExecutionContext,
    warehouse,
    tables: dict[dg.AssetKey, dg.TableSchema],
    dates: list[str],
    scope: str,
) -> History:
    """Rows of ``tables`` over the ``scope`` window (D's season, or every earlier date) of each of
    ``dates``, and D's own rows; unreadable history dates left out, never-built ones and D's own
    unreadable partitions holding D back (``held``)."""
    all_keys = known_dates(context.instance)
    windows = _windows(all_keys, dates, scope)
    span = sorted(set(dates).union(*windows.values())) if dates else []
    history = History(frames={}, windows=windows)
    for key in tables:
        for d, why in unreadable(context.instance, context.resources.lineage, key, span).items():
            history.left_out.setdefault(d, why)
    for d in dates:
        if d in history.left_out:
            history.held[d] = history.left_out[d]
            continue
        never = [h for h in windows[d] if NEVER_MATERIALIZED in history.left_out.get(h, "")]
        if never:
            history.held[d] = (
                f"history not built: {len(never)} earlier date(s) of its window were never "
                f"materialized ({history.left_out[never[0]]}{' ..' if len(never) > 1 else ''})"
            )
    if not span:
        history.frames = {key: empty(contract) for key, contract in tables.items()}
        return history
    log = context.log.warning
    for key, contract in tables.items():
        frame = warehouse.read(key, contract, span[0], span[-1], log=log)
        history.frames[key] = (
            frame[~day(frame["game_date"]).isin(set(history.left_out))].reset_index(drop=True)
            if len(frame)
            else frame
        )
    return history


def games_held_back(history: History, schedule: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Per row of ``rows`` (game_date, team_abbr): the team's real games on history dates of its
    window that were left out. ``schedule``: raw schedule rows covering those dates."""
    out = pd.Series(0, index=rows.index, dtype="int64")
    if not history.left_out or rows.empty:
        return out
    real = schedule[schedule["is_nba_game"]]
    teams = pd.concat(
        [
            real[["game_date", "home_team_abbr"]].rename(columns={"home_team_abbr": "team_abbr"}),
            real[["game_date", "away_team_abbr"]].rename(columns={"away_team_abbr": "team_abbr"}),
        ]
    )
    teams = teams.assign(day=day(teams["game_date"]))
    teams = teams[teams["day"].isin(set(history.left_out))]
    row_days = day(rows["game_date"])
    for d in row_days.unique():
        lost = teams[teams["day"].isin(history.held_back_dates_before(d))][
            "team_abbr"
        ].value_counts()
        mask = (row_days == d).to_numpy()
        out[mask] = rows.loc[mask, "team_abbr"].map(lost).fillna(0).astype("int64").to_numpy()
    return out


def flag_rows(frame: pd.DataFrame, history: History, schedule: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``window_games_held_back`` and ``history_complete`` per row."""
    lost = games_held_back(history, schedule, frame)
    days = day(frame["game_date"]) if len(frame) else pd.Series([], dtype=object)
    complete = days.map({d: not history.held_back_dates_before(d) for d in days.unique()}).astype(
        bool
    )
    return frame.assign(
        window_games_held_back=lost.to_numpy(), history_complete=complete.to_numpy()
    )


def per_date_history(history: History, dates: list[str]) -> pd.DataFrame:
    """Per date: how many history dates its window left out (numeric metadata for the UI)."""
    return pd.DataFrame(
        {"history_dates_left_out": [float(len(history.held_back_dates_before(d))) for d in dates]},
        index=dates,
    )
