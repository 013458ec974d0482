"""Pre-game rolling tables, computed for many dates at once (no Dagster).

Every function takes ``player_game_summary`` rows (and team rows) covering the dates asked for
and the same season before them, and returns one row per (date D, player) or (date D, team).
Values come only from games strictly before D: each per-game running statistic is joined to D
with ``merge_asof(..., allow_exact_matches=False)`` (``windows.asof_before``), which is the ``<``
the earlier system got wrong. All windows stay inside the season of D, so a player's first game
of a season has NULL averages (never zeros) and season-to-date statistics reset.

The population of D is the expected roster of each team scheduled on D
(``basketball.rosters``: known before tip-off, from box scores before D) and the teams scheduled
on D, so D can be built before it is played. No statistic of D enters any value.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from basketball import windows
from basketball.calendar import season_starts

BOOTSTRAP_DAYS = 14
ZONES = ("paint", "mid_range", "three")
PLAYER_KEY = ["player_id", "season"]
TEAM_KEY = ["team_abbr", "season"]


def is_bootstrap(days: pd.Series, seasons: pd.Series, starts: dict[int, pd.Timestamp]) -> pd.Series:
    """True for the first ``BOOTSTRAP_DAYS`` days of a season (from its first regular-season
    game), and for a season no game of which is known yet (its opening night, not played)."""
    start = seasons.map(starts)
    return start.isna() | ((days >= start) & (days < start + pd.Timedelta(days=BOOTSTRAP_DAYS)))


def _dates(dates) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(list(dates))).normalize()


def _player_game_running(players: pd.DataFrame) -> pd.DataFrame:
    """One row per played game (minutes > 0) with running statistics up to and including it."""
    p = players[players["minutes_played"] > 0].sort_values(PLAYER_KEY + ["game_date"]).copy()
    g = p.groupby(PLAYER_KEY, sort=False)
    for n in (5, 10):
        p[f"points_l{n}"] = windows.grouped(g, "points", n, "mean")
        p[f"usage_l{n}"] = windows.grouped(g, "usage_rate", n, "mean")
    p["points_std_l10"] = windows.grouped(g, "points", 10, "std")
    p["minutes_l10"] = windows.grouped(g, "minutes_played", 10, "mean")
    for col in ("fga", "fta", "fg3a"):
        p[f"{col}_l10"] = windows.grouped(g, col, 10, "mean")
    p["points_per_minute_l10"] = windows.grouped(g, "points", 10, "sum") / windows.grouped(
        g, "minutes_played", 10, "sum"
    )
    p["games_played_season"] = g.cumcount() + 1
    p["points_season"] = g["points"].cumsum() / p["games_played_season"]
    p["usage_season"] = g["usage_rate"].expanding().mean().reset_index(level=[0, 1], drop=True)
    p["was_back_to_back"] = (p["game_date"] - g["game_date"].shift(1)) == pd.Timedelta(days=1)
    p["cum_back_to_backs"] = p.groupby(PLAYER_KEY, sort=False)["was_back_to_back"].cumsum()
    p["last_game_date"] = p["game_date"]
    p["_row"] = np.arange(len(p))
    # shot zones: sums over the last 10 played games, counting only games with shot data
    zone_cols = [f"{z}_{k}" for z in ZONES for k in ("attempts", "makes")]
    for col in zone_cols:
        p[f"_{col}"] = p[col].where(p["has_shot_data"], 0).astype(float)
    p["_shot_game"] = p["has_shot_data"].astype(float)
    g = p.groupby(PLAYER_KEY, sort=False)
    for col in zone_cols:
        p[f"{col}_l10"] = windows.grouped(g, f"_{col}", 10, "sum")
    p["shot_games_l10"] = windows.grouped(g, "_shot_game", 10, "sum")
    return p


ROLLING_COLUMNS = [
    "points_l5",
    "points_l10",
    "points_season",
    "points_std_l10",
    "minutes_l10",
    "usage_l5",
    "usage_l10",
    "usage_season",
    "fga_l10",
    "fta_l10",
    "fg3a_l10",
    "points_per_minute_l10",
]


POPULATION = [
    "game_date",
    "player_id",
    "player_name",
    "season",
    "game_id",
    "team_abbr",
    "opponent_abbr",
    "is_home",
]


def _population(roster: pd.DataFrame, players: pd.DataFrame) -> pd.DataFrame:
    """The roster's identity columns, keyed with the same dtypes as ``players`` (the windows are
    joined on them)."""
    pop = roster[POPULATION].reset_index(drop=True)
    return pop.assign(game_date=pd.to_datetime(pop["game_date"])).astype(
        {c: players[c].dtype for c in ("game_date", *PLAYER_KEY)}
    )


def player_rolling_stats(players: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """As of each date D, per player of D's expected roster (``POPULATION`` columns): rolling
    averages over played games before D (up to 5 / 10 games, season to date), rest and workload
    counts over the 7 and 14 days before D."""
    pop = _population(roster, players)
    running = _player_game_running(players)
    keep = ROLLING_COLUMNS + ["games_played_season", "cum_back_to_backs", "last_game_date", "_row"]
    now = windows.asof_before(pop, "game_date", running, PLAYER_KEY, keep)
    pop["_d7"], pop["_d14"] = (
        pop["game_date"] - pd.Timedelta(days=7),
        pop["game_date"] - pd.Timedelta(days=14),
    )
    before7 = windows.asof_before(pop, "_d7", running, PLAYER_KEY, ["games_played_season"])
    before14 = windows.asof_before(pop, "_d14", running, PLAYER_KEY, ["cum_back_to_backs"])
    out = pop.drop(columns=["_d7", "_d14"])
    out["is_bootstrap"] = is_bootstrap(out["game_date"], out["season"], season_starts(players))
    games = now["games_played_season"].fillna(0)
    out["games_played_season"] = games.astype("int64")
    for col in ROLLING_COLUMNS:
        out[col] = now[col].astype(float)
    out["days_since_last_game"] = (out["game_date"] - now["last_game_date"]).dt.days.astype("Int64")
    out["is_back_to_back"] = (out["days_since_last_game"] == 1).fillna(False).astype(bool)
    out["games_last_7_days"] = (games - before7["games_played_season"].fillna(0)).astype("int64")
    # the minutes of exactly those games, summed on their own (a difference of season cumulative
    # sums would carry rounding from every earlier game of the season)
    out["minutes_last_7_days"] = windows.tail_sum(
        running["minutes_played"].to_numpy(),
        now["_row"].to_numpy(),
        out["games_last_7_days"].to_numpy(),
    )
    out["back_to_backs_last_14_days"] = (
        now["cum_back_to_backs"].fillna(0) - before14["cum_back_to_backs"].fillna(0)
    ).astype("int64")
    return out.reset_index(drop=True)


def primary_zone(paint_rate: pd.Series, mid_rate: pd.Series, three_rate: pd.Series) -> pd.Series:
    """paint if paint rate >= 40, else perimeter if three rate >= 40, else mid_range if mid rate
    >= 35, else balanced; NULL without shot data."""
    zone = np.select(
        [paint_rate >= 40, three_rate >= 40, mid_rate >= 35],
        ["paint", "perimeter", "mid_range"],
        "balanced",
    )
    return pd.Series(zone, index=paint_rate.index, dtype=object).where(paint_rate.notna(), None)


def player_shot_zone_analysis(players: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """As of each date D, per player of D's expected roster: zone mix over the last 10 played
    games before D in the same season. Only games with shot data count; with none, every zone
    value is NULL."""
    pop = _population(roster, players)
    running = _player_game_running(players)
    sums = [f"{z}_{k}_l10" for z in ZONES for k in ("attempts", "makes")]
    now = windows.asof_before(
        pop, "game_date", running, PLAYER_KEY, sums + ["shot_games_l10", "games_played_season"]
    )
    out = pop[["game_date", "player_id", "season", "game_id", "team_abbr", "opponent_abbr"]].copy()
    out["is_bootstrap"] = is_bootstrap(out["game_date"], out["season"], season_starts(players))
    out["games_in_window"] = now["games_played_season"].fillna(0).clip(upper=10).astype("int64")
    out["sample_size"] = now["shot_games_l10"].fillna(0).astype("int64")
    has = out["sample_size"] > 0
    total = sum(now[f"{z}_attempts_l10"] for z in ZONES).where(has)
    for z in ZONES:
        att, made = now[f"{z}_attempts_l10"].where(has), now[f"{z}_makes_l10"].where(has)
        out[f"{z}_rate"] = (att / total * 100).where(total > 0)
        out[f"{z}_fg_pct"] = (made / att * 100).where(att > 0)
    out["attempts_per_game"] = (total / out["sample_size"]).where(has)
    out["primary_zone"] = primary_zone(out["paint_rate"], out["mid_range_rate"], out["three_rate"])
    return out.reset_index(drop=True)


def _team_game_running(
    team: pd.DataFrame, players: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per team-game running window sums, per-date league cumulative zone sums)."""
    zone_cols = [f"{z}_{k}" for z in ZONES for k in ("attempts", "makes")]
    shot = players[players["has_shot_data"]]
    by_team = shot.groupby(["game_id", "team_abbr"])[zone_cols].sum().astype(float)
    allowed = by_team.rename_axis(["game_id", "opponent_abbr"]).add_prefix("opp_").reset_index()
    t = team.merge(allowed, on=["game_id", "opponent_abbr"], how="left")
    t["_shot_game"] = t["opp_paint_attempts"].notna().astype(float)
    t = t.sort_values(TEAM_KEY + ["game_date"]).reset_index(drop=True)
    g = t.groupby(TEAM_KEY, sort=False)
    for col in zone_cols:
        t[f"_opp_{col}"] = t[f"opp_{col}"].fillna(0)
        t[f"opp_{col}_l15"] = windows.grouped(g, f"_opp_{col}", 15, "sum")
    t["shot_games_l15"] = windows.grouped(g, "_shot_game", 15, "sum")
    t["games_l15"] = windows.grouped(g, "points", 15, "count")
    t["defensive_rating_l15"] = (
        100
        * windows.grouped(g, "opponent_points", 15, "sum")
        / windows.grouped(g, "possessions", 15, "sum")
    )
    t["pace_l15"] = windows.grouped(g, "pace", 15, "mean")
    t["pace_l10"] = windows.grouped(g, "pace", 10, "mean")
    t["offensive_rating_l10"] = (
        100 * windows.grouped(g, "points", 10, "sum") / windows.grouped(g, "possessions", 10, "sum")
    )
    t["window_start"] = g["game_date"].shift(14).fillna(g["game_date"].transform("min"))
    league = shot.groupby(["season", "game_date"])[zone_cols].sum().astype(float).sort_index()
    league = league.groupby(level="season").cumsum().add_prefix("league_cum_").reset_index()
    return t, league


def team_defense_zone_analysis(
    team: pd.DataFrame, players: pd.DataFrame, schedule: pd.DataFrame, dates
) -> pd.DataFrame:
    """As of each date D, per team scheduled in a real game on D: over its last 15 games before D
    in the same season, opponents' FG% by zone minus the league's FG% by zone over the same dates
    (percentage points; positive = weak defense), defensive rating (points allowed per 100
    possessions), pace over 15 and 10 games and offensive rating over 10."""
    days = _dates(dates)
    games = schedule[schedule["is_nba_game"] & schedule["game_date"].isin(days)]
    pop = pd.concat(
        [
            games.assign(
                team_abbr=games["home_team_abbr"],
                opponent_abbr=games["away_team_abbr"],
                is_home=True,
            ),
            games.assign(
                team_abbr=games["away_team_abbr"],
                opponent_abbr=games["home_team_abbr"],
                is_home=False,
            ),
        ]
    )[["game_date", "season", "game_id", "team_abbr", "opponent_abbr", "is_home"]]
    pop = pop.sort_values(["game_date", "team_abbr"]).reset_index(drop=True)
    running, league = _team_game_running(team, players)
    zone_cols = [f"{z}_{k}" for z in ZONES for k in ("attempts", "makes")]
    keep = [f"opp_{c}_l15" for c in zone_cols] + [
        "shot_games_l15",
        "games_l15",
        "defensive_rating_l15",
        "pace_l15",
        "pace_l10",
        "offensive_rating_l10",
        "window_start",
    ]
    now = windows.asof_before(pop, "game_date", running, TEAM_KEY, keep)
    pop["_window_start"] = now["window_start"]
    league_cols = [f"league_cum_{c}" for c in zone_cols]
    lg_end = windows.asof_before(pop, "game_date", league, ["season"], league_cols)
    lg_start = windows.asof_before(
        pop.assign(_window_start=pop["_window_start"].fillna(pop["game_date"])),
        "_window_start",
        league,
        ["season"],
        league_cols,
    )
    out = pop.drop(columns=["_window_start"])
    out["is_bootstrap"] = is_bootstrap(out["game_date"], out["season"], season_starts(players))
    out["games_in_window"] = now["games_l15"].fillna(0).astype("int64")
    out["sample_size"] = now["shot_games_l15"].fillna(0).astype("int64")
    has = out["sample_size"] > 0
    for z in ZONES:
        att, made = now[f"opp_{z}_attempts_l15"].where(has), now[f"opp_{z}_makes_l15"].where(has)
        allowed = (made / att * 100).where(att > 0)
        l_att = lg_end[f"league_cum_{z}_attempts"] - lg_start[f"league_cum_{z}_attempts"].fillna(0)
        l_made = lg_end[f"league_cum_{z}_makes"] - lg_start[f"league_cum_{z}_makes"].fillna(0)
        league_pct = (l_made / l_att * 100).where((l_att > 0) & has)
        out[f"opp_{z}_fg_pct_allowed"] = allowed
        out[f"league_{z}_fg_pct"] = league_pct
        out[f"{z}_defense_vs_league"] = allowed - league_pct
    for col in ("defensive_rating_l15", "pace_l15", "pace_l10", "offensive_rating_l10"):
        out[col] = now[col].astype(float)
    return out.reset_index(drop=True)


def games_before(players: pd.DataFrame, player_id: int, day: date, season: int) -> pd.DataFrame:
    """The player's played games strictly before ``day`` in ``season``, oldest first: the naive,
    row-by-row definition the leakage check recomputes against."""
    p = players[
        (players["player_id"] == player_id)
        & (players["season"] == season)
        & (players["game_date"] < pd.Timestamp(day))
        & (players["minutes_played"] > 0)
    ]
    return p.sort_values("game_date")


def naive_rolling_row(
    players: pd.DataFrame, player_id: int, day: date, season: int
) -> dict[str, float | None]:
    """Rolling statistics of one (player, D) recomputed by filtering, for the leakage check."""
    p = games_before(players, player_id, day, season)
    last10, last5 = p.tail(10), p.tail(5)

    def mean(s):
        return float(s.mean()) if len(s) else None

    recent = p[p["game_date"] >= pd.Timestamp(day) - timedelta(days=7)]
    return {
        "games_played_season": len(p),
        "points_l5": mean(last5["points"]),
        "points_l10": mean(last10["points"]),
        "points_season": mean(p["points"]),
        "minutes_l10": mean(last10["minutes_played"]),
        "usage_l10": mean(last10["usage_rate"]),
        "games_last_7_days": len(recent),
        "minutes_last_7_days": float(recent["minutes_played"].sum()),
        "days_since_last_game": (pd.Timestamp(day) - p["game_date"].iloc[-1]).days
        if len(p)
        else None,
    }


def naive_zone_rates(
    players: pd.DataFrame, player_id: int, day: date, season: int
) -> dict[str, float | None]:
    """Zone rates of one (player, D) over the last 10 played games before D, by filtering."""
    last10 = games_before(players, player_id, day, season).tail(10)
    shot = last10[last10["has_shot_data"]]
    total = float(sum(shot[f"{z}_attempts"].sum() for z in ZONES))
    return {
        f"{z}_rate": (float(shot[f"{z}_attempts"].sum()) / total * 100 if total else None)
        for z in ZONES
    }
