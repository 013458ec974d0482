"""Box-score formulas (DOMAIN.md). Each works on scalars and on pandas Series alike.

A ratio whose denominator is zero is NaN (NULL in the warehouse), never 0 and never a guess;
a true zero numerator stays 0.0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REGULATION_TEAM_MINUTES = 240
OVERTIME_TEAM_MINUTES = 25


def _ratio(numerator, denominator):
    numerator = np.asarray(numerator, dtype="float64")
    denominator = np.asarray(denominator, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(
            denominator == 0, np.nan, numerator / np.where(denominator == 0, 1, denominator)
        )
    return out if out.ndim else float(out)


def possessions(fga, fta, oreb, tov):
    """One team's possessions: ``FGA + 0.44*FTA - OREB + TOV``."""
    return fga + 0.44 * fta - oreb + tov


def overtime_periods(team_minutes):
    """Overtime periods from team player-minutes: ``(team_min - 240) / 25``, rounded.

    stats.nba.com team minutes are sums of rounded player minutes (236-244 in regulation),
    so the quotient is rounded to the nearest whole period.
    """
    return np.rint(
        (np.asarray(team_minutes, dtype="float64") - REGULATION_TEAM_MINUTES)
        / OVERTIME_TEAM_MINUTES
    )


def pace(team_possessions, team_minutes):
    """Possessions per 48 minutes: ``possessions * 48 / (team_min / 5)``."""
    return _ratio(
        np.asarray(team_possessions, dtype="float64") * 48,
        np.asarray(team_minutes, dtype="float64") / 5,
    )


def offensive_rating(points, team_possessions):
    """Points per 100 possessions: ``100 * points / possessions``."""
    return _ratio(np.asarray(points, dtype="float64") * 100, team_possessions)


def true_shooting(points, fga, fta):
    """True shooting percentage as a fraction: ``points / (2 * (FGA + 0.44*FTA))``."""
    return _ratio(
        points, 2 * (np.asarray(fga, dtype="float64") + 0.44 * np.asarray(fta, dtype="float64"))
    )


def effective_fg(fgm, fg3m, fga):
    """Effective field-goal percentage as a fraction: ``(FGM + 0.5*FG3M) / FGA``."""
    return _ratio(np.asarray(fgm, dtype="float64") + 0.5 * np.asarray(fg3m, dtype="float64"), fga)


def usage_rate(fga, fta, tov, minutes, team_minutes, team_fga, team_fta, team_tov):
    """Basketball-Reference usage rate, in percent of team plays while on the floor.

    ``100 * (FGA + 0.44*FTA + TOV) * (team_min / 5) / (minutes * (tFGA + 0.44*tFTA + tTOV))``
    with the team's own totals for the same game; NaN when minutes is 0.
    """
    player_plays = (
        np.asarray(fga, dtype="float64")
        + 0.44 * np.asarray(fta, dtype="float64")
        + np.asarray(tov, dtype="float64")
    )
    team_plays = (
        np.asarray(team_fga, dtype="float64")
        + 0.44 * np.asarray(team_fta, dtype="float64")
        + np.asarray(team_tov, dtype="float64")
    )
    numerator = 100 * player_plays * (np.asarray(team_minutes, dtype="float64") / 5)
    return _ratio(numerator, np.asarray(minutes, dtype="float64") * team_plays)


def points_per_minute(points, minutes):
    """Points per minute played; NaN when minutes is 0."""
    return _ratio(points, minutes)


def points_from_makes(fgm, fg3m, ftm):
    """Points implied by makes: ``2*(FGM-FG3M) + 3*FG3M + FTM``."""
    return 2 * (fgm - fg3m) + 3 * fg3m + ftm


def as_series(values, index) -> pd.Series:
    """Wrap a formula's array result back into a float Series on ``index``."""
    return pd.Series(np.asarray(values, dtype="float64"), index=index)
