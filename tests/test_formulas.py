"""Box-score formulas against worked examples computed by hand (DOMAIN.md).

The expected numbers below are hard-coded from hand arithmetic (shown in the comments), never
from the function under test.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from basketball import formulas

TEAM_BOXSCORES = Path("/work/shared/data/team_boxscores.parquet")
GAME_ID = "0022300061"  # 2023-10-24, LAL @ DEN, opening night 2023-24


@pytest.fixture(scope="module")
def game() -> pd.DataFrame:
    teams = pd.read_parquet(TEAM_BOXSCORES)
    rows = teams[teams["game_id"] == GAME_ID].set_index("team_abbreviation")
    assert sorted(rows.index) == ["DEN", "LAL"]
    return rows


def test_real_game_inputs_are_the_ones_used_by_hand(game):
    # Guard: the hand calculations below used exactly these box-score numbers.
    den, lal = game.loc["DEN"], game.loc["LAL"]
    assert (
        den["min"],
        den["pts"],
        den["fgm"],
        den["fga"],
        den["fg3m"],
        den["fta"],
        den["oreb"],
        den["tov"],
    ) == (240, 119, 48, 91, 14, 12, 9, 11)
    assert (
        lal["min"],
        lal["pts"],
        lal["fgm"],
        lal["fga"],
        lal["fg3m"],
        lal["fta"],
        lal["oreb"],
        lal["tov"],
    ) == (239, 107, 41, 90, 10, 20, 13, 11)


# DEN: FGA 91, FTA 12, OREB 9, TOV 11, PTS 119, FGM 48, FG3M 14, MIN 240
#   possessions = 91 + 0.44*12 - 9 + 11 = 91 + 5.28 - 9 + 11 = 98.28
#   pace        = 98.28 * 48 / (240/5) = 98.28 * 48 / 48 = 98.28
#   ORtg        = 100 * 119 / 98.28 = 11900 / 98.28 = 121.082621...
#   TS          = 119 / (2 * (91 + 5.28)) = 119 / 192.56 = 0.617989...
#   eFG         = (48 + 0.5*14) / 91 = 55 / 91 = 0.604395...
# LAL: FGA 90, FTA 20, OREB 13, TOV 11, PTS 107, FGM 41, FG3M 10, MIN 239
#   possessions = 90 + 0.44*20 - 13 + 11 = 90 + 8.8 - 13 + 11 = 96.8
#   pace        = 96.8 * 48 / (239/5) = 4646.4 / 47.8 = 97.205020...
#   ORtg        = 100 * 107 / 96.8 = 10700 / 96.8 = 110.537190...
#   TS          = 107 / (2 * (90 + 8.8)) = 107 / 197.6 = 0.541497...
#   eFG         = (41 + 0.5*10) / 90 = 46 / 90 = 0.511111...
HAND = {
    "DEN": {
        "possessions": 98.28,
        "pace": 98.28,
        "ortg": 121.082621,
        "ts": 0.6179892,
        "efg": 0.6043956,
    },
    "LAL": {
        "possessions": 96.8,
        "pace": 97.205021,
        "ortg": 110.537190,
        "ts": 0.5414980,
        "efg": 0.5111111,
    },
}


@pytest.mark.parametrize("team", ["DEN", "LAL"])
def test_real_game_scalar(game, team):
    row = game.loc[team]
    poss = formulas.possessions(row["fga"], row["fta"], row["oreb"], row["tov"])
    assert poss == pytest.approx(HAND[team]["possessions"], rel=1e-9)
    assert formulas.pace(poss, row["min"]) == pytest.approx(HAND[team]["pace"], rel=1e-7)
    assert formulas.offensive_rating(row["pts"], poss) == pytest.approx(
        HAND[team]["ortg"], rel=1e-7
    )
    assert formulas.true_shooting(row["pts"], row["fga"], row["fta"]) == pytest.approx(
        HAND[team]["ts"], rel=1e-6
    )
    assert formulas.effective_fg(row["fgm"], row["fg3m"], row["fga"]) == pytest.approx(
        HAND[team]["efg"], rel=1e-6
    )


def test_real_game_series(game):
    rows = game.loc[["DEN", "LAL"]]
    poss = formulas.possessions(rows["fga"], rows["fta"], rows["oreb"], rows["tov"])
    assert list(np.asarray(poss, dtype=float)) == pytest.approx([98.28, 96.8], rel=1e-9)
    assert list(np.asarray(formulas.pace(poss, rows["min"]))) == pytest.approx(
        [98.28, 97.205021], rel=1e-7
    )
    assert list(np.asarray(formulas.offensive_rating(rows["pts"], poss))) == pytest.approx(
        [121.082621, 110.537190], rel=1e-7
    )
    assert list(
        np.asarray(formulas.true_shooting(rows["pts"], rows["fga"], rows["fta"]))
    ) == pytest.approx([0.6179892, 0.5414980], rel=1e-6)
    assert list(
        np.asarray(formulas.effective_fg(rows["fgm"], rows["fg3m"], rows["fga"]))
    ) == pytest.approx([0.6043956, 0.5111111], rel=1e-6)
    # wrapped back onto the frame's index
    wrapped = formulas.as_series(
        formulas.effective_fg(rows["fgm"], rows["fg3m"], rows["fga"]), rows.index
    )
    assert list(wrapped.index) == ["DEN", "LAL"]
    assert wrapped.dtype == "float64"
    assert wrapped["LAL"] == pytest.approx(46 / 90)


def test_points_from_makes_real_game(game):
    # DEN: 2*(48-14) + 3*14 + 9 = 68 + 42 + 9 = 119 ;
    # LAL: 2*(41-10) + 3*10 + 15 = 62 + 30 + 15 = 107
    assert formulas.points_from_makes(48, 14, 9) == 119
    assert formulas.points_from_makes(41, 10, 15) == 107
    rows = game.loc[["DEN", "LAL"]]
    implied = formulas.points_from_makes(rows["fgm"], rows["fg3m"], rows["ftm"])
    assert list(implied) == [119, 107]
    assert list(implied) == list(rows["pts"])


@pytest.mark.parametrize(
    "team_minutes, expected",
    [
        (240, 0),  # (240-240)/25 = 0
        (239, 0),  # (239-240)/25 = -0.04 -> 0 (player minutes rounded down)
        (241, 0),  # 0.04 -> 0
        (265, 1),  # 25/25 = 1
        (263, 1),  # 23/25 = 0.92 -> 1
        (290, 2),  # 50/25 = 2
        (316, 3),  # 76/25 = 3.04 -> 3
    ],
)
def test_overtime_periods_scalar(team_minutes, expected):
    assert formulas.overtime_periods(team_minutes) == expected


def test_overtime_periods_series():
    out = formulas.overtime_periods(pd.Series([240, 239, 265, 263, 290, 316]))
    assert list(np.asarray(out)) == [0, 0, 1, 1, 2, 3]


def test_possessions_scalar_hand_example():
    # 85 + 0.44*25 - 10 + 14 = 85 + 11 - 10 + 14 = 100
    assert formulas.possessions(85, 25, 10, 14) == pytest.approx(100.0)


def test_pace_and_rating_nan_on_zero_denominator():
    assert math.isnan(formulas.pace(100.0, 0))
    assert math.isnan(formulas.offensive_rating(100, 0))


# Player FGA 20, FTA 5, TOV 3, minutes 36; team minutes 240, team FGA 88, FTA 22, TOV 13
#   player plays = 20 + 0.44*5 + 3 = 20 + 2.2 + 3 = 25.2
#   team plays   = 88 + 0.44*22 + 13 = 88 + 9.68 + 13 = 110.68
#   usage        = 100 * 25.2 * (240/5) / (36 * 110.68) = 100 * 25.2 * 48 / 3984.48
#                = 120960 / 3984.48 = 30.357788...
USAGE_HAND = 30.357788


def test_usage_rate_scalar_hand_example():
    assert formulas.usage_rate(20, 5, 3, 36, 240, 88, 22, 13) == pytest.approx(USAGE_HAND, rel=1e-7)


def test_usage_rate_series_with_zero_minutes():
    usage = formulas.usage_rate(
        pd.Series([20, 20]),
        pd.Series([5, 0]),
        pd.Series([3, 0]),
        pd.Series([36, 0]),
        pd.Series([240, 240]),
        pd.Series([88, 88]),
        pd.Series([22, 22]),
        pd.Series([13, 13]),
    )
    usage = np.asarray(usage, dtype=float)
    assert usage.shape == (2,)
    assert usage[0] == pytest.approx(USAGE_HAND, rel=1e-7)
    assert np.isnan(usage[1])


def test_usage_rate_nan_when_minutes_zero():
    assert math.isnan(formulas.usage_rate(0, 0, 0, 0, 240, 88, 22, 13))
    assert math.isnan(formulas.usage_rate(3, 1, 0, 0.0, 240, 88, 22, 13))


def test_usage_rate_zero_plays_is_zero_not_nan():
    out = formulas.usage_rate(0, 0, 0, 12, 240, 88, 22, 13)
    assert out == 0.0
    assert not math.isnan(out)


def test_points_per_minute():
    # 30 points in 40 minutes = 0.75
    assert formulas.points_per_minute(30, 40) == pytest.approx(0.75)
    assert math.isnan(formulas.points_per_minute(0, 0))
    assert math.isnan(formulas.points_per_minute(4, 0))
    assert formulas.points_per_minute(0, 10) == 0.0
    series = np.asarray(
        formulas.points_per_minute(pd.Series([30, 0, 0]), pd.Series([40, 0, 10])), dtype=float
    )
    assert series[0] == pytest.approx(0.75)
    assert np.isnan(series[1])
    assert series[2] == 0.0


def test_true_shooting_nan_without_attempts_and_true_zero():
    assert math.isnan(formulas.true_shooting(0, 0, 0))
    # 0 points on 4 FGA + 2 FTA: 0 / (2*(4+0.88)) = 0.0
    assert formulas.true_shooting(0, 4, 2) == 0.0
    # free throws only: 2 points, 0 FGA, 2 FTA: 2 / (2*0.88) = 2 / 1.76 = 1.136363...
    assert formulas.true_shooting(2, 0, 2) == pytest.approx(1.1363636, rel=1e-6)
    ts = np.asarray(
        formulas.true_shooting(pd.Series([0, 0, 10]), pd.Series([0, 4, 8]), pd.Series([0, 2, 0])),
        dtype=float,
    )
    assert np.isnan(ts[0])
    assert ts[1] == 0.0
    # 10 / (2*8) = 0.625
    assert ts[2] == pytest.approx(0.625)


def test_effective_fg_nan_without_attempts_and_true_zero():
    assert math.isnan(formulas.effective_fg(0, 0, 0))
    result = formulas.effective_fg(0, 0, 10)
    assert result == 0.0
    assert not math.isnan(result)
    # (4 + 0.5*2) / 10 = 0.5
    assert formulas.effective_fg(4, 2, 10) == pytest.approx(0.5)
    efg = np.asarray(
        formulas.effective_fg(pd.Series([0, 0, 4]), pd.Series([0, 0, 2]), pd.Series([0, 10, 10])),
        dtype=float,
    )
    assert np.isnan(efg[0])
    assert efg[1] == 0.0
    assert efg[2] == pytest.approx(0.5)


def test_scalar_ratio_returns_python_float():
    assert isinstance(formulas.effective_fg(4, 2, 10), float)
    assert isinstance(formulas.usage_rate(20, 5, 3, 36, 240, 88, 22, 13), float)
