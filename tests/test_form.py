"""The teammates-missing features: the vectorized pairing equals the per-game loop it replaced
(kept here as the row-by-row reference), on the real 2023-24 history and on every season."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from basketball import form

from helpers import history, summaries


def naive_missing_teammates(pt: pd.DataFrame, lookback_days: int) -> pd.DataFrame:
    """Per team game, looping over the team's games one by one (the original code)."""
    res = []
    for (team, season), hist in pt.groupby(["team_abbr", "season"], sort=False):
        hist = hist.sort_values(["game_date", "player_id"])
        for gd in np.sort(hist["game_date"].unique()):
            prior = hist[
                (hist["game_date"] < gd)
                & (hist["game_date"] >= gd - pd.Timedelta(days=lookback_days))
            ]
            if prior.empty:
                continue
            latest = prior.drop_duplicates("player_id", keep="last")
            played = hist.loc[hist["game_date"] == gd, "player_id"]
            miss = latest[~latest["player_id"].isin(played)]
            res.append(
                (
                    team,
                    season,
                    gd,
                    float(miss["ppg_after"].sum()),
                    float(miss["mpg_after"].sum()),
                    float(latest["ppg_after"].sum()),
                    len(miss),
                )
            )
    cols = ["team_abbr", "season", "game_date", "miss_ppg", "miss_mpg", "roster_ppg", "miss_n"]
    return pd.DataFrame(res, columns=cols)


def appearances(players: pd.DataFrame) -> pd.DataFrame:
    p = form._played(players).sort_values(["player_id", "season", "game_date"])
    g = p.groupby(["player_id", "season"], sort=False)
    p["ppg_after"] = g["points"].cumsum() / (g.cumcount() + 1)
    p["mpg_after"] = g["minutes_played"].cumsum() / (g.cumcount() + 1)
    return p[["team_abbr", "season", "player_id", "game_date", "ppg_after", "mpg_after"]]


@pytest.mark.parametrize("source", ["2023-24 start", "every season"])
def test_the_vectorized_pairing_equals_the_loop(source):
    players = history()[0] if source == "2023-24 start" else summaries()[0]
    pt = appearances(players)
    key = ["team_abbr", "season", "game_date"]
    got = form.missing_teammates(pt, 20).sort_values(key, ignore_index=True)
    want = naive_missing_teammates(pt, 20).sort_values(key, ignore_index=True)
    assert len(got) == len(want) > (300 if source == "2023-24 start" else 10_000)
    pd.testing.assert_frame_equal(got[key], want[key])
    assert (got["miss_n"].to_numpy() == want["miss_n"].to_numpy()).all()
    for col in ("miss_ppg", "miss_mpg", "roster_ppg"):
        assert np.allclose(got[col], want[col], rtol=0, atol=1e-9), col
    assert (want["miss_n"] > 0).mean() > 0.5  # most games miss someone: the case is exercised
