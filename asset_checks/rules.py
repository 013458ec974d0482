"""Pure, vectorised check rules: frames in, one ``Outcome`` per date out. No Dagster imports.

Each rule lists its problems as rows (date, severity, message naming the game and team) and
``collect`` turns them into per-date outcomes, so a failing date always says which games failed.
This module holds what every rule builds on (``Outcome``, ``collect``), the raw tables' rules
(unique keys, two teams per game) and the regression rule; the analytics tables' rules are in
``asset_checks/analytics_rules.py``, the pre-game and model ones beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from asset_checks import thresholds
from basketball.calendar import season_of

ERROR, WARN = "ERROR", "WARN"
MAX_LISTED = 50


@dataclass(frozen=True)
class Outcome:
    passed: bool
    severity: str
    description: str
    metadata: dict = field(default_factory=dict)


def day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d")


def problems_frame(dates: pd.Series, severity, messages: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {"date": day(dates).values, "severity": severity, "message": messages.values}
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.Series(dtype=str),
            "severity": pd.Series(dtype=str),
            "message": pd.Series(dtype=str),
        }
    )


def collect(
    dates: list[str], problems: list[pd.DataFrame], ok: str, checked: dict[str, int] | None = None
) -> dict[str, Outcome]:
    """One outcome per date: passed when the date has no problem, else ERROR if any problem is."""
    frames = [p for p in problems if len(p)]
    allp = pd.concat(frames) if frames else _empty()
    grouped = dict(tuple(allp.groupby("date"))) if len(allp) else {}
    out = {}
    for d in dates:
        n = (checked or {}).get(d, 0)
        if d not in grouped:
            out[d] = Outcome(
                True,
                WARN,
                ok if n or checked is None else "no NBA games on this date",
                {"checked": n},
            )
            continue
        rows = grouped[d]
        severity = ERROR if (rows["severity"] == ERROR).any() else WARN
        messages = rows["message"].tolist()
        listed = messages[:MAX_LISTED] + (
            [f"... and {len(messages) - MAX_LISTED} more"] if len(messages) > MAX_LISTED else []
        )
        out[d] = Outcome(
            False,
            severity,
            f"{d}: {len(messages)} problem(s): " + "; ".join(messages[:3]),
            {"checked": n, "problems": len(messages), "details": listed},
        )
    return out


def played_games(schedule: pd.DataFrame) -> pd.DataFrame:
    """The real NBA games of the schedule that are final: what results are checked against."""
    return schedule[schedule["is_nba_game"] & schedule["is_final"]]


def not_final_counts(schedule: pd.DataFrame) -> dict[str, int]:
    """Per date: the schedule's real NBA games not final yet."""
    waiting = schedule[schedule["is_nba_game"] & ~schedule["is_final"]]
    return day(waiting["game_date"]).value_counts().to_dict() if len(waiting) else {}


def label_not_played(outcomes: dict[str, Outcome], pending: dict[str, int]) -> dict[str, Outcome]:
    """A passing outcome of a date with ``pending`` games (not final yet) says so: "not played
    yet" is a state of the date, never a failed completeness check."""
    out = dict(outcomes)
    for d, o in outcomes.items():
        if o.passed and pending.get(d):
            played = o.metadata.get("checked", 0)
            text = f"not played yet: {pending[d]} game(s) scheduled, not final"
            out[d] = Outcome(
                True,
                o.severity,
                f"{text}; {o.description}" if played else text,
                {**o.metadata, "games_not_final": pending[d]},
            )
    return out


def results_due(schedule: pd.DataFrame, dates: list[str], as_of: str) -> dict[str, Outcome]:
    """WARN for each game still not final after its date (relative to the run's as-of date):
    postponed, or its results are missing from the source."""
    late = schedule[
        schedule["is_nba_game"] & ~schedule["is_final"] & (day(schedule["game_date"]) < as_of)
    ]
    msgs = (
        "game "
        + late["game_id"]
        + " ("
        + late["away_team_abbr"]
        + " @ "
        + late["home_team_abbr"]
        + f"): still not final on {as_of} (status "
        + late["status"]
        + "): postponed, or its results are missing"
    )
    return collect(
        dates,
        [problems_frame(late["game_date"], WARN, msgs)],
        f"no game overdue as of {as_of}",
        counts_by_date(schedule),
    )


def counts_by_date(frame: pd.DataFrame) -> dict[str, int]:
    return day(frame["game_date"]).value_counts().to_dict() if len(frame) else {}


# ---- keys -----------------------------------------------------------------------------------


def unique_keys(
    frame: pd.DataFrame,
    key: list[str],
    dates: list[str],
    label: str,
    warn_only: pd.Series | None = None,
) -> dict[str, Outcome]:
    """Every key appears once. Rows flagged ``warn_only`` (kept in raw, excluded downstream)
    warn."""
    dup = frame.duplicated(key, keep=False)
    bad = frame[dup]
    severity = np.where(warn_only[dup], WARN, ERROR) if warn_only is not None else ERROR
    msgs = (
        bad[key].astype(str).agg("/".join, axis=1).radd(f"duplicate {label} ")
        if len(bad)
        else pd.Series(dtype=str)
    )
    return collect(
        dates,
        [problems_frame(bad["game_date"], severity, msgs)],
        f"{len(key)}-column key unique",
        counts_by_date(frame),
    )


# ---- schedule -------------------------------------------------------------------------------


def two_teams_per_game(schedule: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """Every played game has two official team rows naming the same home and away teams (a game
    not final yet has none)."""
    final = schedule[schedule["is_final"]]
    bad = final[(final["team_rows"] != 2) | ~final["matchups_agree"]]
    msgs = (
        "game "
        + bad["game_id"]
        + " ("
        + bad["away_team_abbr"]
        + " @ "
        + bad["home_team_abbr"]
        + ", "
        + bad["game_type"]
        + "): "
        + bad["team_rows"].astype(str)
        + " team rows, matchups agree="
        + bad["matchups_agree"].astype(str)
    )
    severity = np.where(bad["is_nba_game"], ERROR, WARN)
    return collect(
        dates,
        [problems_frame(bad["game_date"], severity, msgs)],
        "every game has two agreeing team rows",
        counts_by_date(final),
    )


# ---- regression -----------------------------------------------------------------------------


def regression(metrics: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """Each metric of a date against the trailing ``REGRESSION_WINDOW`` dates of the same season
    that have data (WARN): a new season's first weeks are compared with that season only.

    ``metrics``: one row per date with data (index ``YYYY-MM-DD``), one column per metric.
    """
    metrics = metrics.sort_index()
    seasons = pd.Series([season_of(d) for d in metrics.index], index=metrics.index, dtype="int64")
    out = {}
    for d in dates:
        if d not in metrics.index:
            out[d] = Outcome(True, WARN, "no rows on this date", {})
            continue
        same = (metrics.index < d) & (seasons == season_of(d)).to_numpy()
        history = metrics[same].tail(thresholds.REGRESSION_WINDOW)
        if len(history) < thresholds.REGRESSION_MIN_HISTORY:
            out[d] = Outcome(
                True,
                WARN,
                f"only {len(history)} earlier dates with data: not compared",
                {"history": len(history)},
            )
            continue
        mean, std = history.mean(), history.std().replace(0, np.nan)
        z = ((metrics.loc[d] - mean) / std).fillna(0)
        far = z[z.abs() > thresholds.REGRESSION_MAX_Z]
        meta = {
            "history": len(history),
            **{f"{m}": round(float(metrics.at[d, m]), 4) for m in metrics.columns},
            **{f"{m}_trailing_mean": round(float(mean[m]), 4) for m in metrics.columns},
        }
        if far.empty:
            out[d] = Outcome(True, WARN, "within the trailing window", meta)
        else:
            what = ", ".join(
                f"{m} {metrics.at[d, m]:.3g} vs trailing mean {mean[m]:.3g} (z={z[m]:.1f})"
                for m in far.index
            )
            out[d] = Outcome(False, WARN, f"{d}: {what}", meta)
    return out
