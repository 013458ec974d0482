"""The analytics tables' rules (team_offense_game_summary, player_game_summary): schedule
completeness, the player-team join, coverage, value ranges, points against the official team
rows, and the per-date metrics the regression check compares. Pure: frames in, one ``Outcome``
per date out (``asset_checks/rules.py``), no Dagster."""

from __future__ import annotations

import numpy as np
import pandas as pd

from asset_checks import thresholds
from asset_checks.rules import (
    ERROR,
    WARN,
    Outcome,
    collect,
    counts_by_date,
    day,
    played_games,
    problems_frame,
)
from basketball.formulas import points_from_makes


def escalate(problems: pd.DataFrame, team_games_per_date: dict[str, int]) -> pd.DataFrame:
    """WARN for isolated team-game defects, ERROR where a date has too many (systemic)."""
    if problems.empty:
        return problems
    affected = problems.groupby("date")["message"].transform("size")
    total = problems["date"].map(team_games_per_date).fillna(0)
    systemic = (affected > thresholds.MAX_ISOLATED_TEAM_GAMES) | (
        affected > thresholds.MAX_ISOLATED_SHARE * total
    )
    return problems.assign(severity=np.where(systemic, ERROR, WARN))


def scheduled_team_games(schedule: pd.DataFrame) -> dict[str, int]:
    real = played_games(schedule)
    return (day(real["game_date"]).value_counts() * 2).to_dict() if len(real) else {}


def team_schedule_complete(
    team: pd.DataFrame, schedule: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """Every real scheduled game has both team rows, one home and one away, and one winner."""
    real = played_games(schedule)
    rows = team.groupby("game_id").agg(
        n=("team_abbr", "size"), home=("is_home", "sum"), wins=("is_win", "sum")
    )
    g = (
        real.set_index("game_id")
        .join(rows, how="left")
        .fillna({"n": 0, "home": 0, "wins": 0})
        .reset_index()
    )
    bad = g[(g["n"] != 2) | (g["home"] != 1) | (g["wins"] != 1)]
    msgs = (
        "game "
        + bad["game_id"]
        + " ("
        + bad["away_team_abbr"]
        + " @ "
        + bad["home_team_abbr"]
        + "): "
        + bad["n"].astype(int).astype(str)
        + " team rows, "
        + bad["home"].astype(int).astype(str)
        + " home, "
        + bad["wins"].astype(int).astype(str)
        + " winners (want 2, 1, 1)"
    )
    return collect(
        dates,
        [problems_frame(bad["game_date"], ERROR, msgs)],
        "every scheduled game has both team rows",
        counts_by_date(real),
    )


def player_schedule_complete(
    players: pd.DataFrame, schedule: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """Every team of every real scheduled game has at least 5 players with minutes."""
    real = played_games(schedule)
    sides = pd.concat(
        [
            real.assign(team_abbr=real["home_team_abbr"]),
            real.assign(team_abbr=real["away_team_abbr"]),
        ]
    )
    played = (
        players[players["minutes_played"] > 0]
        .groupby(["game_id", "team_abbr"])
        .size()
        .rename("played")
    )
    g = sides.join(played, on=["game_id", "team_abbr"]).fillna({"played": 0})
    bad = g[g["played"] < thresholds.MIN_PLAYERS_WITH_MINUTES]
    msgs = (
        "game "
        + bad["game_id"]
        + " "
        + bad["team_abbr"]
        + ": "
        + bad["played"].astype(int).astype(str)
        + f" players with minutes (want >= {thresholds.MIN_PLAYERS_WITH_MINUTES})"
    )
    problems = escalate(
        problems_frame(bad["game_date"], WARN, msgs), scheduled_team_games(schedule)
    )
    return collect(
        dates, [problems], "every scheduled team-game has its players", counts_by_date(real)
    )


def player_team_join(
    unmatched: pd.DataFrame, schedule: pd.DataFrame, raw_players: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """Every balldontlie team-game joins an official team row; each that does not is named."""
    msgs = (
        "balldontlie game "
        + unmatched["bdl_game_id"].astype(str)
        + " "
        + unmatched["team_abbr"]
        + " vs "
        + unmatched["bdl_opponent_abbr"].fillna("?")
        + " ("
        + unmatched["player_rows"].astype(str)
        + " player rows, "
        + unmatched["points"].astype(int).astype(str)
        + " pts): "
        + unmatched["reason"]
        + np.where(
            unmatched["official_opponent_abbr"].notna(),
            " (official: " + unmatched["official_opponent_abbr"].fillna("") + ")",
            "",
        )
    )
    problems = escalate(
        problems_frame(unmatched["game_date"], WARN, msgs), scheduled_team_games(schedule)
    )
    return collect(
        dates,
        [problems],
        "every player row joined its official team row",
        counts_by_date(raw_players),
    )


# ---- coverage -------------------------------------------------------------------------------


def _coverage_problem(
    frame: pd.DataFrame,
    present: pd.Series,
    denominator: pd.Series,
    minimum: float,
    what: str,
    severity: str,
) -> pd.DataFrame:
    d = day(frame["game_date"])
    stats = (
        pd.DataFrame({"date": d, "ok": present & denominator, "den": denominator})
        .groupby("date")[["ok", "den"]]
        .sum()
    )
    stats = stats[stats["den"] > 0]
    share = stats["ok"] / stats["den"]
    low = share[share < minimum - 1e-12]
    msgs = low.map(lambda s: f"{what}: {s:.1%} (want >= {minimum:.0%})")
    return pd.DataFrame({"date": low.index, "severity": severity, "message": msgs.values})


def team_coverage(team: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """Opponent, ratings, pace and shooting present on every team row."""
    every = pd.Series(True, index=team.index)
    problems = [
        _coverage_problem(team, team[c].notna(), every, 1.0, f"{c} present", ERROR)
        for c in [
            "opponent_abbr",
            "is_home",
            "pace",
            "offensive_rating",
            "defensive_rating",
            "ts_pct",
            "efg_pct",
        ]
    ]
    return collect(dates, problems, "all derived columns present", counts_by_date(team))


def player_coverage(players: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """Per-column coverage over the right denominators (DOMAIN.md)."""
    p = players
    every = pd.Series(True, index=p.index)
    played = p["minutes_played"] > 0
    shots = p["has_shot_data"].astype(bool)
    zone_sum = p["paint_attempts"] + p["mid_range_attempts"] + p["three_attempts"]
    problems = [
        _coverage_problem(
            p,
            p["minutes_played"].notna(),
            every,
            thresholds.MINUTES_COVERAGE,
            "minutes_played on all rows",
            ERROR,
        ),
        _coverage_problem(
            p,
            p["usage_rate"].notna(),
            played,
            thresholds.USAGE_COVERAGE,
            "usage_rate on rows with minutes",
            ERROR,
        ),
        _coverage_problem(
            p,
            p[["paint_attempts", "mid_range_attempts", "three_attempts"]].notna().all(axis=1),
            shots,
            thresholds.ZONE_COVERAGE,
            "zone columns on rows with shot data",
            ERROR,
        ),
        _coverage_problem(
            p,
            zone_sum == p["fga"],
            shots,
            thresholds.ZONE_FGA_AGREEMENT,
            "zone attempts == FGA",
            WARN,
        ),
    ]
    return collect(dates, problems, "coverage as required per column", counts_by_date(p))


# ---- values ---------------------------------------------------------------------------------


def _violations(
    frame: pd.DataFrame, mask: pd.Series, label: pd.Series, what: str, severity: str
) -> pd.DataFrame:
    bad = frame[mask]
    return problems_frame(bad["game_date"], severity, label[mask] + f": {what}")


def _box_identities(frame: pd.DataFrame, label: pd.Series) -> list[pd.DataFrame]:
    f = frame
    return [
        _violations(f, f["fgm"] > f["fga"], label, "FGM > FGA", ERROR),
        _violations(f, f["fg3m"] > f["fgm"], label, "FG3M > FGM", ERROR),
        _violations(f, f["fg3a"] > f["fga"], label, "FG3A > FGA", ERROR),
        _violations(f, f["ftm"] > f["fta"], label, "FTM > FTA", ERROR),
        _violations(
            f,
            f["points"] != points_from_makes(f["fgm"], f["fg3m"], f["ftm"]),
            label,
            "points != 2*(FGM-FG3M) + 3*FG3M + FTM",
            ERROR,
        ),
        _violations(
            f,
            (
                f[["points", "fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "reb", "ast", "tov"]] < 0
            ).any(axis=1),
            label,
            "negative box-score value",
            ERROR,
        ),
    ]


def team_value_ranges(team: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """Box-score identities (ERROR), both teams' overtime equal (ERROR), DOMAIN ranges (WARN)."""
    label = "game " + team["game_id"] + " " + team["team_abbr"]
    ot = team.groupby("game_id")["overtime_periods"].transform("nunique")
    problems = _box_identities(team, label) + [
        _violations(team, ot > 1, label, "teams disagree on overtime periods", ERROR)
    ]
    for col, (lo, hi) in thresholds.PLAUSIBLE.items():
        problems.append(
            _violations(
                team, (team[col] < lo) | (team[col] > hi), label, f"{col} outside {lo}-{hi}", WARN
            )
        )
    return collect(dates, problems, "values within DOMAIN.md ranges", counts_by_date(team))


def player_value_ranges(
    players: pd.DataFrame, team: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """Identities and bounds per player row; minutes never above the game's length."""
    p = players.merge(
        team[["game_id", "team_abbr", "overtime_periods"]], on=["game_id", "team_abbr"], how="left"
    )
    label = (
        "game "
        + p["game_id"]
        + " player "
        + p["player_id"].astype(str)
        + " ("
        + p["player_name"].fillna("")
        + ")"
    )
    game_minutes = 48 + 5 * p["overtime_periods"].fillna(0)
    played = p["minutes_played"] > 0
    problems = _box_identities(p, label) + [
        _violations(
            p,
            p["minutes_played"] > game_minutes + thresholds.MAX_PLAYER_MINUTES_SLACK,
            label,
            "minutes exceed the game's length",
            ERROR,
        ),
        _violations(p, p["minutes_played"] < 0, label, "negative minutes", ERROR),
        _violations(p, p["usage_rate"] < 0, label, "negative usage", ERROR),
        _violations(
            p,
            p["is_dnp"].astype(bool)
            & (p[["points", "fga", "fta", "reb", "ast", "tov"]].sum(axis=1) > 0),
            label,
            "DNP row with stats",
            ERROR,
        ),
        _violations(
            p,
            played
            & (p["minutes_played"] >= thresholds.HIGH_USAGE_MIN_MINUTES)
            & (p["usage_rate"] > thresholds.HIGH_USAGE),
            label,
            f"usage above {thresholds.HIGH_USAGE:.0f} with "
            f"{thresholds.HIGH_USAGE_MIN_MINUTES:.0f}+ minutes",
            WARN,
        ),
    ]
    return collect(dates, problems, "values within bounds", counts_by_date(players))


def points_match_team(
    players: pd.DataFrame, team: pd.DataFrame, schedule: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """Summed player points equal the official team points, per team-game (mismatches named)."""
    summed = players.groupby(["game_id", "team_abbr"])["points"].sum().rename("player_points")
    t = team.join(summed, on=["game_id", "team_abbr"]).fillna({"player_points": 0})
    bad = t[t["player_points"] != t["points"]]
    msgs = (
        "game "
        + bad["game_id"]
        + " "
        + bad["team_abbr"]
        + ": players sum to "
        + bad["player_points"].astype(int).astype(str)
        + ", official "
        + bad["points"].astype(int).astype(str)
    )
    problems = escalate(
        problems_frame(bad["game_date"], WARN, msgs), scheduled_team_games(schedule)
    )
    return collect(
        dates, [problems], "player points sum to the official team points", counts_by_date(team)
    )


def team_metrics(team: pd.DataFrame) -> pd.DataFrame:
    g = team.groupby(day(team["game_date"]))
    return pd.DataFrame(
        {
            "mean_points": g["points"].mean(),
            "mean_pace": g["pace"].mean(),
            "mean_offensive_rating": g["offensive_rating"].mean(),
        }
    )


def player_metrics(players: pd.DataFrame) -> pd.DataFrame:
    played = players["minutes_played"] > 0
    frame = pd.DataFrame(
        {
            "date": day(players["game_date"]),
            "played": played,
            "usage_ok": players["usage_rate"].notna() | ~played,
            "minutes": players["minutes_played"].where(played),
            "team_game": players["game_id"].astype(str) + "/" + players["team_abbr"].astype(str),
        }
    )
    g = frame.groupby("date")
    out = pd.DataFrame(
        {
            "rows_per_team_game": g.size() / g["team_game"].nunique(),
            "share_played": g["played"].mean(),
            "usage_coverage": g["usage_ok"].mean(),
            "mean_minutes_played": g["minutes"].mean(),
        }
    )
    return out.astype(float)
