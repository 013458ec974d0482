"""Pre-game form features for the points model, beyond the pre-game tables: longer and shorter
windows, form across seasons, the previous season, teammates missing from the team's last game,
and D's schedule facts and team strength. Pure pandas; each value uses games strictly before D
(``merge_asof(allow_exact_matches=False)``) or facts of D's schedule (game type, date). Nothing
of D's own box scores is read: not its points, not its roster, not its DNP list.

Chosen by experiment (README, "Points model"): together they took the model from about 3.1% to
4.3% below the last-10 average; opponent points allowed, team scoring share and availability
counts were tried and dropped (no gain beyond seed noise).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from basketball import windows

PLAYER_SEASON = ["player_id", "season"]


def _asof(
    keys: pd.DataFrame, running: pd.DataFrame, by: list[str], cols: list[str]
) -> pd.DataFrame:
    """``cols`` of the latest ``running`` row of the same ``by`` strictly before each keys row's
    date."""
    return windows.asof_before(keys[by + ["game_date"]], "game_date", running, by, cols)[cols]


def _played(players: pd.DataFrame) -> pd.DataFrame:
    p = players[players["minutes_played"] > 0].copy()
    p["game_date"] = pd.to_datetime(p["game_date"])
    # one row per player and date (a same-day double listing keeps the game with minutes)
    p = p.sort_values(["player_id", "game_date", "minutes_played"]).drop_duplicates(
        ["player_id", "game_date"], keep="last"
    )
    return p.reset_index(drop=True)


def season_form_features(players: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Same season, played games before D: points L3 / L20, minutes L3 / L5 / season, minutes
    trend (L3 - L10), points per shot attempt (points / (FGA + 0.44 FTA)) over L10 and season."""
    p = _played(players).sort_values(PLAYER_SEASON + ["game_date"]).reset_index(drop=True)
    p["_shots"] = p["fga"].fillna(0) + 0.44 * p["fta"].fillna(0)
    g = p.groupby(PLAYER_SEASON, sort=False)
    p["points_l3"] = windows.grouped(g, "points", 3)
    p["points_l20"] = windows.grouped(g, "points", 20)
    p["minutes_l3"] = windows.grouped(g, "minutes_played", 3)
    p["minutes_l5"] = windows.grouped(g, "minutes_played", 5)
    p["_min_l10"] = windows.grouped(g, "minutes_played", 10)
    p["minutes_trend"] = p["minutes_l3"] - p["_min_l10"]
    p["minutes_season"] = g["minutes_played"].cumsum() / (g.cumcount() + 1)
    pts10, sh10 = windows.grouped(g, "points", 10, "sum"), windows.grouped(g, "_shots", 10, "sum")
    p["points_per_shot_l10"] = (pts10 / sh10).where(sh10 > 0)
    cs = g["_shots"].cumsum()
    p["points_per_shot_season"] = (g["points"].cumsum() / cs).where(cs > 0)
    p["shots_l10"] = sh10 / windows.grouped(g, "_shots", 10, "count")
    cols = [
        "points_l3",
        "points_l20",
        "minutes_l3",
        "minutes_l5",
        "minutes_trend",
        "minutes_season",
        "points_per_shot_l10",
        "points_per_shot_season",
        "shots_l10",
    ]
    return _asof(keys, p, PLAYER_SEASON, cols)


def career_form_features(players: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """All seasons, played games before D: exponentially weighted means of points and minutes
    (halflife in games) and a last-10 points mean that crosses the season boundary.
    Needs earlier seasons' player_game_summary."""
    p = _played(players).sort_values(["player_id", "game_date"]).reset_index(drop=True)
    g = p.groupby("player_id", sort=False)
    out_cols = []
    for hl in (3, 7, 15):
        for col, name in (("points", "points"), ("minutes_played", "minutes")):
            c = f"{name}_ewm_h{hl}"
            p[c] = g[col].transform(lambda s, hl=hl: s.ewm(halflife=hl, min_periods=1).mean())
            out_cols.append(c)
    p["points_l10_career"] = windows.grouped(g, "points", 10)
    p["minutes_l10_career"] = windows.grouped(g, "minutes_played", 10)
    p["games_career"] = g.cumcount() + 1
    out_cols += ["points_l10_career", "minutes_l10_career", "games_career"]
    return _asof(keys, p, ["player_id"], out_cols)


def previous_season_features(players: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """The player's whole previous season (all of it is before D): points and minutes per played
    game, games played, usage, points per minute. NULL for a player without a previous season
    in the data. Needs the previous season's player_game_summary."""
    p = _played(players)
    agg = (
        p.groupby(PLAYER_SEASON)
        .agg(
            prev_points_pg=("points", "mean"),
            prev_minutes_pg=("minutes_played", "mean"),
            prev_games=("points", "size"),
            prev_usage=("usage_rate", "mean"),
            _pts=("points", "sum"),
            _min=("minutes_played", "sum"),
        )
        .reset_index()
    )
    agg["prev_points_per_minute"] = agg["_pts"] / agg["_min"]
    agg["season"] = agg["season"] + 1
    cols = [
        "prev_points_pg",
        "prev_minutes_pg",
        "prev_games",
        "prev_usage",
        "prev_points_per_minute",
    ]
    out = keys[PLAYER_SEASON].merge(agg[PLAYER_SEASON + cols], on=PLAYER_SEASON, how="left")
    out.index = keys.index
    return out[cols]


def schedule_features(
    players: pd.DataFrame, team_offense: pd.DataFrame, keys: pd.DataFrame
) -> pd.DataFrame:
    """D's schedule facts and team form before D: whether D is a postseason game (play-in or
    playoffs, from the schedule's game type of D's game), days since the season's first game,
    the team's and the opponent's net rating over their last 15 games before D (same season)
    and the difference (a blow-out / close-game proxy)."""
    t = team_offense.copy()
    t["game_date"] = pd.to_datetime(t["game_date"])
    out = pd.DataFrame(index=keys.index)
    gt = t[["game_date", "team_abbr", "game_type"]].drop_duplicates(["game_date", "team_abbr"])
    kk = keys[["game_date", "team_abbr"]].merge(gt, on=["game_date", "team_abbr"], how="left")
    out["is_postseason"] = kk["game_type"].isin(["playoffs", "play_in"]).astype(float).to_numpy()
    first = t.groupby("season")["game_date"].min()
    out["days_into_season"] = (keys["game_date"] - keys["season"].map(first)).dt.days.astype(float)
    t = t.sort_values(["team_abbr", "season", "game_date"]).reset_index(drop=True)
    by = ["team_abbr", "season"]
    for c in ("points", "opponent_points", "possessions"):
        t[f"_{c}15"] = windows.grouped(t.groupby(by, sort=False), c, 15, "sum")
    t["net_rating_l15"] = 100 * (t["_points15"] - t["_opponent_points15"]) / t["_possessions15"]
    own = _asof(keys, t, by, ["net_rating_l15"])["net_rating_l15"]
    opp = _asof(keys.assign(team_abbr=keys["opponent_abbr"]), t, by, ["net_rating_l15"])[
        "net_rating_l15"
    ]
    out["own_net_rating_l15"], out["opp_net_rating_l15"] = own, opp
    out["net_rating_diff_l15"] = own - opp
    return out


def missing_teammates(pt: pd.DataFrame, lookback_days: int) -> pd.DataFrame:
    """Per team game G (team_abbr, season, game_date): the teammates who played for the team in
    the ``lookback_days`` before G and not at G -- the sums of their points and minutes per game
    as of their latest game in that window (``miss_ppg``, ``miss_mpg``), their count
    (``miss_n``) -- and the whole window's points per game (``roster_ppg``). ``pt``: one row per
    played game with ``ppg_after`` / ``mpg_after``. A game with nobody in its window has no row.

    Each appearance is paired with the team's next games (at most one a day, so at most
    ``lookback_days`` of them fall in the window) instead of looping over every team game."""
    team = ["team_abbr", "season"]
    games = pt[[*team, "game_date"]].drop_duplicates().sort_values([*team, "game_date"])
    games["idx"] = games.groupby(team).cumcount()
    a = pt.merge(games, on=[*team, "game_date"])
    later = a.loc[a.index.repeat(lookback_days)].reset_index(drop=True)
    later["idx"] = later["idx"] + np.tile(np.arange(1, lookback_days + 1), len(a))
    cand = later.merge(games.rename(columns={"game_date": "at"}), on=[*team, "idx"])
    cand = cand[cand["at"] - cand["game_date"] <= pd.Timedelta(days=lookback_days)]
    cand = cand.sort_values([*team, "at", "game_date", "player_id"]).drop_duplicates(
        [*team, "at", "player_id"], keep="last"
    )  # each teammate's latest game of the window, in (date, player) order as the sums add
    here = pt[[*team, "game_date", "player_id"]].rename(columns={"game_date": "at"})
    cand = cand.merge(here.assign(_here=True), on=[*team, "at", "player_id"], how="left")
    by = [*team, "at"]
    out = cand.groupby(by, sort=False)["ppg_after"].sum().rename("roster_ppg").to_frame()
    miss = cand[cand["_here"].isna()].groupby(by, sort=False)
    out["miss_ppg"] = miss["ppg_after"].sum().reindex(out.index, fill_value=0.0)
    out["miss_mpg"] = miss["mpg_after"].sum().reindex(out.index, fill_value=0.0)
    out["miss_n"] = miss.size().reindex(out.index, fill_value=0).astype("int64")
    cols = ["team_abbr", "season", "game_date", "miss_ppg", "miss_mpg", "roster_ppg", "miss_n"]
    return out.reset_index().rename(columns={"at": "game_date"})[cols]


def teammate_absence_features(
    players: pd.DataFrame, keys: pd.DataFrame, lookback_days: int = 20
) -> pd.DataFrame:
    """Same season, per team game G: teammates who had played for the team in the
    ``lookback_days`` before G (and not at G) -- their season points and minutes per game as of
    before G, their count and share of the roster's scoring. Joined to D as the state at the
    team's last game before D (and the mean over its last 3 games), plus whether the player
    himself played that last team game. D's own roster and DNP list are not used.

    ``team_missing_ppg_last_game`` and ``team_ppg_total`` are the missing and the whole roster's
    points per game at that game (the first version of these features, kept as the model's
    inputs)."""
    p = _played(players).sort_values(PLAYER_SEASON + ["game_date"]).reset_index(drop=True)
    g = p.groupby(PLAYER_SEASON, sort=False)
    p["ppg_after"] = g["points"].cumsum() / (g.cumcount() + 1)
    p["mpg_after"] = g["minutes_played"].cumsum() / (g.cumcount() + 1)
    pt = p[["team_abbr", "season", "player_id", "game_date", "ppg_after", "mpg_after"]]
    tm = missing_teammates(pt, lookback_days)
    tm = tm.sort_values(["team_abbr", "season", "game_date"]).reset_index(drop=True)
    tm["miss_ppg_l3"] = windows.grouped(
        tm.groupby(["team_abbr", "season"], sort=False), "miss_ppg", 3
    )
    tm["miss_share"] = tm["miss_ppg"] / tm["roster_ppg"]
    tm["team_last_game_date"] = tm["game_date"]
    cols = [
        "miss_ppg",
        "miss_mpg",
        "miss_n",
        "miss_ppg_l3",
        "miss_share",
        "team_last_game_date",
        "roster_ppg",
    ]
    out = _asof(keys, tm, ["team_abbr", "season"], cols)
    # did the player play the team's last game before D?
    last_played = _asof(keys, p.assign(lp=p["game_date"]), PLAYER_SEASON, ["lp"])["lp"]
    out["played_team_last_game"] = (
        (last_played == out["team_last_game_date"])
        .astype(float)
        .where(out["team_last_game_date"].notna())
    )
    mates = out.drop(columns=["team_last_game_date", "roster_ppg"]).add_prefix("mates_")
    return mates.assign(
        team_missing_ppg_last_game=out["miss_ppg"], team_ppg_total=out["roster_ppg"]
    )


SEASON_FORM = [
    "points_l3",
    "points_l20",
    "minutes_l3",
    "minutes_l5",
    "minutes_trend",
    "minutes_season",
]
POINTS_PER_SHOT = ["points_per_shot_l10", "points_per_shot_season", "shots_l10"]
CAREER = [
    "points_ewm_h3",
    "minutes_ewm_h3",
    "points_ewm_h7",
    "minutes_ewm_h7",
    "points_ewm_h15",
    "minutes_ewm_h15",
    "points_l10_career",
    "minutes_l10_career",
    "games_career",
]
PREVIOUS_SEASON = [
    "prev_points_pg",
    "prev_minutes_pg",
    "prev_games",
    "prev_usage",
    "prev_points_per_minute",
]
MISSING_AT_LAST_GAME = ["team_missing_ppg_last_game", "team_ppg_total"]
SCHEDULE = [
    "is_postseason",
    "days_into_season",
    "own_net_rating_l15",
    "opp_net_rating_l15",
    "net_rating_diff_l15",
]
MATES_MISSING = [
    "mates_miss_ppg",
    "mates_miss_mpg",
    "mates_miss_n",
    "mates_miss_ppg_l3",
    "mates_miss_share",
    "mates_played_team_last_game",
]
FEATURES = (
    SEASON_FORM
    + POINTS_PER_SHOT
    + CAREER
    + PREVIOUS_SEASON
    + MISSING_AT_LAST_GAME
    + SCHEDULE
    + MATES_MISSING
)


def form_features(
    players: pd.DataFrame, team_offense: pd.DataFrame, keys: pd.DataFrame
) -> pd.DataFrame:
    """``FEATURES`` on ``keys``' index (game_date, player_id, season, team_abbr, opponent_abbr).
    ``players``/``team_offense``: every game before the keys' dates (all earlier seasons, for the
    career and previous-season features); rows on or after a key's date are never used for it."""
    ids = {"season": "int64"}  # non-nullable keys; the warehouse hands them over as nullable Int64
    players = players.assign(game_date=pd.to_datetime(players["game_date"])).astype(
        {**ids, "player_id": "int64"}
    )
    team_offense = team_offense.assign(game_date=pd.to_datetime(team_offense["game_date"])).astype(
        ids
    )
    keys = keys.assign(game_date=pd.to_datetime(keys["game_date"])).astype(
        {**ids, "player_id": "int64"}
    )
    if keys.empty:
        return pd.DataFrame(index=keys.index, columns=FEATURES, dtype="float64")
    parts = [
        season_form_features(players, keys),
        career_form_features(players, keys),
        previous_season_features(players, keys),
        schedule_features(players, team_offense, keys),
        teammate_absence_features(players, keys),
    ]
    return pd.concat(parts, axis=1)[FEATURES].astype("float64")
