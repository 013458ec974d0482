"""Expected rosters: who each team scheduled on D is expected to dress, known before tip-off.

The pre-game tables, feature rows and predictions of D are built for these players, so a date
can be predicted before its box scores exist (tonight's slate). The rule, from box scores before
D only:

1. The player **played** (minutes > 0) for team T in one of T's last ``ROSTER_GAMES`` games
   before D. A longer absence (injury, G League, out of the rotation for good) drops him; a DNP
   row does not count as playing.
2. His **latest** box-score row before D (played or DNP) is with T: a player traded away is
   expected for his new team from his first game there, never for the old one.

Only games of D's season count: box scores do not see the offseason (last season's roster
would expect traded players for their old teams and miss every signing), so a team's first game
of a season has no expected roster, and its players are expected from its second game on. The
same rule makes D's roster independent of which earlier seasons happen to be built. Each row
records its basis: how many of T's games ago the player last played for T. A player who played
on D but was not expected is counted and reported by a check
(``expected_rosters.played_not_expected``), never back-filled into D's predictions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from basketball.windows import asof_before

ROSTER_GAMES = 10
COLUMNS = [
    "game_date",
    "season",
    "game_id",
    "team_abbr",
    "opponent_abbr",
    "is_home",
    "player_id",
    "player_name",
    "team_games_since_played",
    "last_played_date",
    "basis",
]


def scheduled_teams(schedule: pd.DataFrame, dates) -> pd.DataFrame:
    """One row per (date, team) of the real NBA games scheduled on ``dates``, played or not."""
    days = pd.to_datetime(pd.Series(list(dates))).dt.normalize()
    games = schedule[
        schedule["is_nba_game"] & pd.to_datetime(schedule["game_date"]).isin(days)
    ].assign(game_date=lambda f: pd.to_datetime(f["game_date"]))
    cols = ["game_date", "season", "game_id"]
    home = games[cols].assign(
        team_abbr=games["home_team_abbr"], opponent_abbr=games["away_team_abbr"], is_home=True
    )
    away = games[cols].assign(
        team_abbr=games["away_team_abbr"], opponent_abbr=games["home_team_abbr"], is_home=False
    )
    return pd.concat([home, away], ignore_index=True).sort_values(
        ["game_date", "team_abbr"], ignore_index=True
    )


def expected_rosters(players: pd.DataFrame, schedule: pd.DataFrame, dates) -> pd.DataFrame:
    """``COLUMNS``, one row per (date, player) expected to play on ``dates``. ``players``:
    ``player_game_summary`` rows of the dates' seasons before them (other seasons are ignored)."""
    teams = scheduled_teams(schedule, dates)
    p = players.assign(game_date=pd.to_datetime(players["game_date"]))
    if teams.empty or p.empty:
        return _empty()
    # one key dtype on both sides (the warehouse hands back nullable Int64)
    p = p.astype({"season": "int64", "player_id": "int64"})
    teams = teams.astype({"season": "int64"})
    # each team's games of a season in date order; a game's index counts the earlier ones
    team_games = (
        p[["team_abbr", "season", "game_date"]]
        .drop_duplicates()
        .sort_values(["team_abbr", "season", "game_date"], ignore_index=True)
    )
    team_games["idx"] = team_games.groupby(["team_abbr", "season"]).cumcount()
    played = p[p["minutes_played"] > 0].merge(team_games, on=["team_abbr", "season", "game_date"])
    # per (date, team): how many of the team's games of the season come before the date
    before = pd.merge_asof(
        teams.sort_values("game_date"),
        team_games.rename(columns={"game_date": "_last"}).sort_values("_last"),
        left_on="game_date",
        right_on="_last",
        by=["team_abbr", "season"],
        allow_exact_matches=False,
    )
    before = before[before["idx"].notna()].astype({"idx": "int64"})
    window = before.loc[before.index.repeat(ROSTER_GAMES)].copy()
    window["ago"] = np.tile(np.arange(ROSTER_GAMES), len(before))
    window["idx"] = window["idx"] - window["ago"]
    window = window[window["idx"] >= 0]
    hits = window.merge(
        played[["team_abbr", "season", "idx", "player_id", "game_date"]].rename(
            columns={"game_date": "last_played_date"}
        ),
        on=["team_abbr", "season", "idx"],
    )
    hits = hits.sort_values(["game_date", "player_id", "ago"]).drop_duplicates(
        ["game_date", "team_abbr", "player_id"]
    )
    # the player's latest row before D (any team, played or DNP) must be with this team
    latest = asof_before(
        hits[["game_date", "player_id", "season"]],
        "game_date",
        p.sort_values(["game_date", "minutes_played"])[
            ["game_date", "player_id", "season", "team_abbr"]
        ]
        .rename(columns={"team_abbr": "latest_team"})
        .drop_duplicates(["game_date", "player_id"], keep="last"),
        ["player_id", "season"],
        ["latest_team"],
    )
    hits = hits[(latest["latest_team"].to_numpy() == hits["team_abbr"].to_numpy())]
    names = p.sort_values("game_date").drop_duplicates("player_id", keep="last")
    hits = hits.merge(names[["player_id", "player_name"]], on="player_id", how="left")
    out = hits.assign(
        team_games_since_played=hits["ago"].astype("int64"),
        basis=np.where(
            hits["ago"] == 0,
            "played in the team's last game",
            "played " + (hits["ago"] + 1).astype(str) + " team games ago",
        ),
    )
    return out[COLUMNS].sort_values(["game_date", "team_abbr", "player_id"], ignore_index=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game_date": pd.Series(dtype="datetime64[ns]"),
            "season": pd.Series(dtype="int64"),
            "game_id": pd.Series(dtype=object),
            "team_abbr": pd.Series(dtype=object),
            "opponent_abbr": pd.Series(dtype=object),
            "is_home": pd.Series(dtype=bool),
            "player_id": pd.Series(dtype="int64"),
            "player_name": pd.Series(dtype=object),
            "team_games_since_played": pd.Series(dtype="int64"),
            "last_played_date": pd.Series(dtype="datetime64[ns]"),
            "basis": pd.Series(dtype=object),
        }
    )


def played_not_expected(roster: pd.DataFrame, players: pd.DataFrame, dates) -> pd.DataFrame:
    """The players with minutes on ``dates`` who are not on that date's expected roster, with
    ``team_had_roster`` (False for a team's first game of the season: nobody was expected)."""
    days = pd.to_datetime(pd.Series(list(dates))).dt.normalize()
    on = players[
        pd.to_datetime(players["game_date"]).isin(days) & (players["minutes_played"] > 0)
    ].assign(game_date=lambda f: pd.to_datetime(f["game_date"]))
    have = roster[["game_date", "player_id"]].assign(
        game_date=lambda f: pd.to_datetime(f["game_date"]), _expected=True
    )
    joined = on.merge(have, on=["game_date", "player_id"], how="left")
    out = joined[joined["_expected"].isna()].drop(columns="_expected")
    teams = set(zip(pd.to_datetime(roster["game_date"]), roster["team_abbr"], strict=True))
    return out.assign(
        team_had_roster=[
            (d, t) in teams for d, t in zip(out["game_date"], out["team_abbr"], strict=True)
        ]
    )
