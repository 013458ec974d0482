"""Pure pandas builders for the schedule and the two analytics tables (DOMAIN.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from basketball import formulas
from basketball.calendar import REAL_GAME_TYPES, game_type
from basketball.minutes import parse_minutes_column

FINAL = "Final"  # balldontlie's status of a played game (resources.raw_source.FINAL)

COUNTING_STATS = [
    "fgm",
    "fga",
    "fg3m",
    "fg3a",
    "ftm",
    "fta",
    "oreb",
    "dreb",
    "reb",
    "ast",
    "stl",
    "blk",
    "tov",
    "pf",
]
ZONES = {
    "Restricted Area": "paint",
    "In The Paint (Non-RA)": "paint",
    "Mid-Range": "mid_range",
    "Left Corner 3": "three",
    "Right Corner 3": "three",
    "Above the Break 3": "three",
    "Backcourt": "three",
}
ZONE_COLUMNS = [
    f"{zone}_{kind}" for zone in ("paint", "mid_range", "three") for kind in ("attempts", "makes")
]


def _parse_matchup(matchup: str) -> tuple[str, str] | None:
    """``"BOS vs. DAL"`` -> (home BOS, away DAL); ``"DAL @ BOS"`` -> (home BOS, away DAL)."""
    if " vs. " in matchup:
        home, away = matchup.split(" vs. ", 1)
        return home.strip(), away.strip()
    if " @ " in matchup:
        away, home = matchup.split(" @ ", 1)
        return home.strip(), away.strip()
    return None


def build_schedule(team_raw: pd.DataFrame, games_raw: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per game: the played games from the official team rows (status ``Final``), then
    the published schedule's games that are not final yet (``games_raw``, balldontlie's
    ``games`` layout), with their shipped status.

    A game is known from either of its team rows (the matchup names both teams), so a game
    that lost one row still appears here and completeness checks can name it. A game is played
    when it is final: official team rows are a final result even where the schedule still shows
    a tip-off time (the last four 2025 Finals games), and a schedule row marked final without
    team rows is balldontlie dating a game differently (it is not a game of that date).
    """
    played = _played_games(team_raw)
    if games_raw is None or games_raw.empty:
        return played
    upcoming = _upcoming_games(games_raw)
    same = ["game_date", "home_team_abbr", "away_team_abbr"]
    known = played[same].assign(_played=True)
    upcoming = upcoming.merge(known, on=same, how="left")
    upcoming = upcoming[upcoming["_played"].isna()].drop(columns="_played")
    return pd.concat([played, upcoming], ignore_index=True).sort_values(
        ["game_date", "game_id"], ignore_index=True
    )


def _played_games(team_raw: pd.DataFrame) -> pd.DataFrame:
    rows = team_raw.copy()
    parsed = rows["matchup"].map(lambda m: _parse_matchup(m) if isinstance(m, str) else None)
    bad = parsed.isna()
    if bad.any():
        label = bad[bad].index[0]
        raise ValueError(
            f"column 'matchup', row {label}, value {rows.at[label, 'matchup']!r}: "
            "expected 'AAA vs. BBB' or 'AAA @ BBB'"
        )
    rows["home_team_abbr"] = parsed.str[0]
    rows["away_team_abbr"] = parsed.str[1]
    rows["game_type"] = rows["season_id"].map(game_type)
    games = (
        rows.groupby("game_id", sort=True)
        .agg(
            game_date=("game_date", "first"),
            season_id=("season_id", "first"),
            game_type=("game_type", "first"),
            home_team_abbr=("home_team_abbr", "first"),
            away_team_abbr=("away_team_abbr", "first"),
            team_rows=("team_abbreviation", "size"),
            n_home=("home_team_abbr", "nunique"),
            n_away=("away_team_abbr", "nunique"),
            source_file=("source_file", "first"),
            ingested_at=("ingested_at", "first"),
        )
        .reset_index()
    )
    games["season"] = games["season_id"].str[1:].astype("int64")
    games["matchups_agree"] = (games["n_home"] == 1) & (games["n_away"] == 1)
    games["is_nba_game"] = games["game_type"].isin(REAL_GAME_TYPES)
    games["status"] = FINAL
    games["is_final"] = True
    return games.drop(columns=["n_home", "n_away"])


def nba_game_id(bdl_id: int, season: int) -> str | None:
    """The stats.nba.com id (``0022500198``) of a schedule row whose id is one (the published
    2025-26 schedule: ``22500198``), else None (a balldontlie id)."""
    text = f"{int(bdl_id):010d}"
    is_nba = text[:2] == "00" and text[2] in "123456" and text[3:5] == f"{season % 100:02d}"
    return text if is_nba else None


def _upcoming_games(games_raw: pd.DataFrame) -> pd.DataFrame:
    """The schedule's games not final yet, one row per id (the file repeats some rows)."""
    g = games_raw[games_raw["status"] != FINAL].drop_duplicates("id")
    ids = [nba_game_id(i, s) for i, s in zip(g["id"], g["season"], strict=True)]
    season_ids = [
        (i[2] if i else ("4" if post else "2")) + str(s)
        for i, post, s in zip(ids, g["postseason"], g["season"], strict=True)
    ]
    out = pd.DataFrame(
        {
            "game_id": [i or f"bdl-{int(b)}" for i, b in zip(ids, g["id"], strict=True)],
            "game_date": g["game_date"].to_numpy(),
            "season_id": season_ids,
            "home_team_abbr": g["home_team_abbreviation"].to_numpy(),
            "away_team_abbr": g["visitor_team_abbreviation"].to_numpy(),
            "team_rows": 0,
            "source_file": g["source_file"].to_numpy(),
            "ingested_at": g["ingested_at"].to_numpy(),
            "season": g["season"].astype("int64").to_numpy(),
            "matchups_agree": True,
            "status": g["status"].to_numpy(),
            "is_final": False,
        }
    )
    out["game_type"] = out["season_id"].map(game_type)
    out["is_nba_game"] = out["game_type"].isin(REAL_GAME_TYPES)
    return out


def build_team_offense(team_raw: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """One row per team per real NBA game with possessions, pace, ratings and shooting."""
    games = schedule[schedule["is_nba_game"]][
        ["game_id", "season", "game_type", "home_team_abbr", "away_team_abbr"]
    ]
    t = team_raw.drop(columns=["season"]).merge(games, on="game_id", how="inner")
    out = pd.DataFrame(
        {
            "game_id": t["game_id"],
            "game_date": t["game_date"],
            "season": t["season"],
            "game_type": t["game_type"],
            "team_id": t["team_id"],
            "team_abbr": t["team_abbreviation"],
        }
    )
    is_home = t["team_abbreviation"] == t["home_team_abbr"]
    is_away = t["team_abbreviation"] == t["away_team_abbr"]
    out["opponent_abbr"] = np.where(
        is_home, t["away_team_abbr"], np.where(is_away, t["home_team_abbr"], None)
    )
    out["is_home"] = is_home.where(is_home | is_away, None)
    out["is_win"] = t["wl"].map({"W": True, "L": False})
    out["points"] = t["pts"]
    for stat in COUNTING_STATS:
        out[stat] = t[stat]
    out["team_minutes"] = t["min"]
    out["overtime_periods"] = formulas.overtime_periods(t["min"])
    out["possessions"] = formulas.possessions(t["fga"], t["fta"], t["oreb"], t["tov"])
    out["pace"] = formulas.pace(out["possessions"], t["min"])
    out["offensive_rating"] = formulas.offensive_rating(t["pts"], out["possessions"])
    out["ts_pct"] = formulas.true_shooting(t["pts"], t["fga"], t["fta"])
    out["efg_pct"] = formulas.effective_fg(t["fgm"], t["fg3m"], t["fga"])
    opponent = out[["game_id", "team_abbr", "offensive_rating", "points"]].rename(
        columns={
            "team_abbr": "opponent_abbr",
            "offensive_rating": "defensive_rating",
            "points": "opponent_points",
        }
    )
    out = out.merge(opponent, on=["game_id", "opponent_abbr"], how="left")
    return out.sort_values(["game_date", "game_id", "is_home"]).reset_index(drop=True)


def match_player_rows(
    player_raw: pd.DataFrame, team_offense: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join balldontlie player rows to official team rows by date and tricode.

    The balldontlie game's other team must also be the official opponent: a postponed game
    that balldontlie keeps on its original date would otherwise borrow another game's team
    totals. Returns (rows that joined, with the team columns; one line per team-game that did
    not, with the reason). Unjoined rows are not in the analytics table, because their date is
    wrong and would put a later game into pre-game windows; checks name every one of them.
    """
    p = player_raw.copy()
    p["bdl_opponent_id"] = np.where(
        p["team_id"] == p["game_home_team_id"], p["game_visitor_team_id"], p["game_home_team_id"]
    )
    abbr_of_team = p.drop_duplicates(["game_id", "team_id"]).set_index(["game_id", "team_id"])[
        "team_abbreviation"
    ]
    p["bdl_opponent_abbr"] = [
        abbr_of_team.get((g, o)) for g, o in zip(p["game_id"], p["bdl_opponent_id"], strict=True)
    ]
    team_cols = team_offense[
        [
            "game_date",
            "team_abbr",
            "game_id",
            "season",
            "game_type",
            "opponent_abbr",
            "is_home",
            "team_minutes",
            "fga",
            "fta",
            "tov",
        ]
    ].rename(
        columns={
            "team_abbr": "team_abbreviation",
            "game_id": "nba_game_id",
            "fga": "team_fga",
            "fta": "team_fta",
            "tov": "team_tov",
        }
    )
    joined = p.merge(team_cols, on=["game_date", "team_abbreviation"], how="left")
    no_team_row = joined["nba_game_id"].isna()
    wrong_opponent = (
        ~no_team_row
        & joined["bdl_opponent_abbr"].notna()
        & (joined["bdl_opponent_abbr"] != joined["opponent_abbr"])
    )
    joined["join_problem"] = np.select(
        [no_team_row, wrong_opponent],
        [
            "no official team row for this team on this date",
            "official opponent differs from the balldontlie opponent",
        ],
        default="",
    )
    bad = joined[joined["join_problem"] != ""]
    report = (
        bad.groupby(["game_date", "team_abbreviation", "game_id"], as_index=False)
        .agg(
            bdl_opponent_abbr=("bdl_opponent_abbr", "first"),
            official_opponent_abbr=("opponent_abbr", "first"),
            player_rows=("id", "size"),
            points=("pts", "sum"),
            reason=("join_problem", "first"),
        )
        .rename(columns={"team_abbreviation": "team_abbr", "game_id": "bdl_game_id"})
    )
    return joined[joined["join_problem"] == ""].drop(columns=["join_problem"]), report


def zone_counts(shots: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Zone attempts and makes per (nba game id, balldontlie player id) from shot rows."""
    if shots.empty:
        return pd.DataFrame(
            {
                "nba_game_id": pd.Series(dtype=object),
                "player_id": pd.Series(dtype="int64"),
                **{c: pd.Series(dtype="float64") for c in ZONE_COLUMNS},
            }
        )
    ids = crosswalk.dropna(subset=["nba_person_id"])[["nba_person_id", "bdl_player_id"]]
    s = shots.merge(ids, left_on="player_id", right_on="nba_person_id", how="inner")
    s = s.assign(
        nba_game_id="00" + s["game_id"].astype(str),
        zone=s["basic_zone"].map(ZONES),
        made=s["shot_made"].astype(int),
        attempt=1,
    )
    unknown = s["zone"].isna()
    if unknown.any():
        raise ValueError(
            f"column 'basic_zone', value {s.loc[unknown, 'basic_zone'].iloc[0]!r}: "
            "unknown shot zone"
        )
    wide = s.pivot_table(
        index=["nba_game_id", "bdl_player_id"],
        columns="zone",
        values=["attempt", "made"],
        aggfunc="sum",
        fill_value=0,
    )
    out = pd.DataFrame(index=wide.index)
    for zone in ("paint", "mid_range", "three"):
        out[f"{zone}_attempts"] = wide["attempt"][zone] if zone in wide["attempt"] else 0
        out[f"{zone}_makes"] = wide["made"][zone] if zone in wide["made"] else 0
    return out.reset_index().rename(columns={"bdl_player_id": "player_id"})


def build_player_game_summary(
    player_raw: pd.DataFrame,
    team_offense: pd.DataFrame,
    shots: pd.DataFrame,
    crosswalk: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per player per real game (DNP rows kept and flagged), plus the unjoined report."""
    p, unmatched = match_player_rows(player_raw, team_offense)
    minutes = parse_minutes_column(p["min"])
    stats = p.rename(columns={"turnover": "tov", "pts": "points"})
    out = pd.DataFrame(
        {
            "game_id": p["nba_game_id"],
            "game_date": p["game_date"],
            "season": p["season"],
            "game_type": p["game_type"],
            "bdl_game_id": p["game_id"],
            "player_id": p["player_id"],
            "player_name": (
                p["player_first_name"].fillna("") + " " + p["player_last_name"].fillna("")
            ).str.strip(),
            "team_abbr": p["team_abbreviation"],
            "opponent_abbr": p["opponent_abbr"],
            "is_home": p["is_home"],
            "minutes_raw": p["min"],
            "minutes_played": minutes,
        }
    )
    for stat in ["points", *COUNTING_STATS]:
        out[stat] = stats[stat]
    out["is_dnp"] = (minutes == 0) & (out[["points", *COUNTING_STATS]].fillna(0) == 0).all(axis=1)
    out["usage_rate"] = formulas.usage_rate(
        p["fga"],
        p["fta"],
        p["turnover"],
        minutes,
        p["team_minutes"],
        p["team_fga"],
        p["team_fta"],
        p["team_tov"],
    )
    out["ts_pct"] = formulas.true_shooting(p["pts"], p["fga"], p["fta"])
    out["efg_pct"] = formulas.effective_fg(p["fgm"], p["fg3m"], p["fga"])
    out["points_per_minute"] = formulas.points_per_minute(p["pts"], minutes)

    ids = (
        crosswalk[["bdl_player_id", "nba_person_id"]].rename(columns={"bdl_player_id": "player_id"})
        if len(crosswalk)
        else pd.DataFrame(
            {"player_id": pd.Series(dtype="int64"), "nba_person_id": pd.Series(dtype="Int64")}
        )
    )
    out = out.merge(ids, on="player_id", how="left")
    games_with_shots = set("00" + shots["game_id"].astype(str)) if len(shots) else set()
    out = out.merge(
        zone_counts(shots, crosswalk),
        left_on=["game_id", "player_id"],
        right_on=["nba_game_id", "player_id"],
        how="left",
    )
    out["has_shot_data"] = out["game_id"].isin(games_with_shots) & (
        out["nba_person_id"].notna() | (out["fga"] == 0)
    )
    for col in ZONE_COLUMNS:
        out[col] = out[col].fillna(0).where(out["has_shot_data"], np.nan)
    out = out.drop(columns=["nba_game_id"]).sort_values(
        ["game_date", "game_id", "team_abbr", "player_id"]
    )
    return out.reset_index(drop=True), unmatched
