"""Grading predictions the morning after: each prediction as made, against what happened, beside
the pre-game baselines of the same row (no Dagster).

A prediction's row is a player of D's expected roster. Once D is final, the row is ``played``
(minutes > 0: actual points and the error) or ``void`` (he did not play: no error, as a
sportsbook voids the bet). Players who played without being expected have no prediction and are
not added here (``expected_rosters.played_not_expected`` counts them).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd

from basketball import model

# no NBA game tips before noon in New York: a date has started from then on
FIRST_TIP_OFF, TIMEZONE = time(12), ZoneInfo("America/New_York")


def started(day: str | date, now: datetime) -> bool:
    """Has ``day``'s slate started at ``now`` (aware)? From then on its predictions are kept as
    made; before, a rerun (new injury news, a new model) may still replace them."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return now >= datetime.combine(day, FIRST_TIP_OFF, TIMEZONE)


def kept_dates(stored: pd.DataFrame, now: datetime) -> set[str]:
    """The dates of ``stored`` (a table kept as made) whose slate has started: written back
    unchanged, never made again."""
    dates = set(pd.to_datetime(stored["game_date"]).dt.strftime("%Y-%m-%d")) if len(stored) else ()
    return {d for d in dates if started(d, now)}


KEY = ["game_date", "player_id"]
CARRIED = [
    "season",
    "game_id",
    "team_abbr",
    "opponent_abbr",
    "player_name",
    "model_version",
    "trained_through",
    "predicted_at",
    "predicted_points",
]


def prediction_results(predictions: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per prediction of a final date: ``predictions`` as made, D's result from the
    feature rows' target (``points``, ``minutes_played``) and their pre-game baselines."""
    p = predictions.assign(game_date=pd.to_datetime(predictions["game_date"]))
    r = rows.assign(game_date=pd.to_datetime(rows["game_date"]))
    r = r.assign(**{name: f(r) for name, f in model.BASELINES.items()})
    cols = KEY + ["points", "minutes_played", "minutes_l10", *model.BASELINES]
    out = p[KEY + CARRIED].merge(r[cols], on=KEY, how="left", validate="one_to_one")
    played = out["minutes_played"].fillna(0) > 0
    out["outcome"] = played.map({True: "played", False: "void"})
    out["actual_points"] = out["points"].where(played).astype("Int64")
    out["error"] = (out["predicted_points"] - out["actual_points"].astype("float64")).where(played)
    out["is_rotation"] = (out["minutes_l10"] >= model.ROTATION_MINUTES_L10).fillna(False)
    out["baselines_available"] = out[list(model.BASELINES)].notna().all(axis=1)
    return out.drop(columns=["points", "minutes_l10"]).reset_index(drop=True)


def daily_scores(results: pd.DataFrame) -> pd.DataFrame:
    """Per date: played and void rows, and the model's and last-10's MAE on the played rows
    where every baseline exists (the same rows for both)."""
    graded = results[(results["outcome"] == "played") & results["baselines_available"]]
    days = pd.to_datetime(results["game_date"]).dt.strftime("%Y-%m-%d")
    g = graded.assign(
        day=days.loc[graded.index],
        model=graded["error"].abs(),
        last_10=(graded["last_10_avg"] - graded["actual_points"].astype(float)).abs(),
    )
    out = pd.DataFrame(
        {
            "played": (results["outcome"] == "played").groupby(days).sum(),
            "void": (results["outcome"] == "void").groupby(days).sum(),
        }
    )
    out["model_mae"] = g.groupby("day")["model"].mean()
    out["last_10_mae"] = g.groupby("day")["last_10"].mean()
    return out.astype("float64")
