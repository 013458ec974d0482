"""Pure check rules for the ``nba_precompute`` tables: frames in, one ``Outcome`` per date out."""

from __future__ import annotations

import pandas as pd

from asset_checks import thresholds
from asset_checks.rules import (
    ERROR,
    MAX_LISTED,
    WARN,
    Outcome,
    collect,
    counts_by_date,
    day,
    problems_frame,
)
from basketball import rolling, rosters
from basketball.calendar import season_of, season_starts


def _dated(frame: pd.DataFrame, dates: list[str]) -> pd.DataFrame:
    return frame[day(frame["game_date"]).isin(dates)]


def _empty_game_dates(
    table: pd.DataFrame, schedule: pd.DataFrame, players: pd.DataFrame, dates: list[str], label: str
) -> pd.DataFrame:
    """ERROR for a date with real games, outside the bootstrap period, and no rows."""
    real = schedule[schedule["is_nba_game"]]
    game_dates = set(day(real["game_date"])) & set(dates)
    empty = sorted(game_dates - set(day(table["game_date"])))
    starts = season_starts(players)
    days = pd.Series(pd.to_datetime(empty), dtype="datetime64[ns]")
    boot = rolling.is_bootstrap(days, days.map(season_of), starts)
    bad = days[~boot.to_numpy()] if len(days) else days
    return problems_frame(
        bad,
        ERROR,
        pd.Series(
            [f"{label}: no rows on a game date outside the bootstrap period"] * len(bad), dtype=str
        ),
    )


def player_coverage(
    table: pd.DataFrame,
    roster: pd.DataFrame,
    players: pd.DataFrame,
    schedule: pd.DataFrame,
    dates: list[str],
    label: str,
) -> dict[str, Outcome]:
    """Exactly the expected players of D have a row, one each; a non-bootstrap game date is
    never empty."""
    want = roster[["game_date", "player_id", "team_abbr", "game_id"]].assign(
        game_date=lambda f: pd.to_datetime(f["game_date"])
    )
    have = table[["game_date", "player_id"]].assign(
        game_date=lambda f: pd.to_datetime(f["game_date"])
    )
    joined = want.merge(have.assign(_have=True), on=["game_date", "player_id"], how="left")
    missing = joined[joined["_have"].isna()]
    extra = have.merge(want.assign(_want=True), on=["game_date", "player_id"], how="left")
    extra = extra[extra["_want"].isna()]
    twice = have[have.duplicated(["game_date", "player_id"], keep="first")]
    msgs = [
        "player "
        + missing["player_id"].astype(str)
        + " ("
        + missing["team_abbr"]
        + ", game "
        + missing["game_id"]
        + ") is expected but has no row",
        "player " + extra["player_id"].astype(str) + " has a row but is not on the expected roster",
        "player " + twice["player_id"].astype(str) + " has more than one row",
    ]
    return collect(
        dates,
        [
            problems_frame(missing["game_date"], ERROR, msgs[0]),
            problems_frame(extra["game_date"], ERROR, msgs[1]),
            problems_frame(twice["game_date"], ERROR, msgs[2]),
            _empty_game_dates(table, schedule, players, dates, label),
        ],
        "every expected player has one row",
        counts_by_date(table),
    )


def roster_size(
    roster: pd.DataFrame, players: pd.DataFrame, schedule: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """Every team scheduled in a real game on D with enough earlier games this season has enough
    expected players, one row each."""
    teams = rosters.scheduled_teams(schedule, dates)
    team_dates = players[["team_abbr", "season", "game_date"]].drop_duplicates()
    team_dates = team_dates.assign(game_date=pd.to_datetime(team_dates["game_date"]))
    earlier = teams.merge(
        team_dates.rename(columns={"game_date": "_d"}), on=["team_abbr", "season"]
    )  # the season's games only, as the roster counts them
    earlier = (
        earlier[earlier["_d"] < earlier["game_date"]].groupby(["game_date", "team_abbr"]).size()
    )
    size = (
        roster.assign(game_date=pd.to_datetime(roster["game_date"]))
        .groupby(["game_date", "team_abbr"])
        .size()
    )
    t = teams.assign(
        earlier=earlier.reindex(pd.MultiIndex.from_frame(teams[["game_date", "team_abbr"]]))
        .fillna(0)
        .to_numpy(),
        expected=size.reindex(pd.MultiIndex.from_frame(teams[["game_date", "team_abbr"]]))
        .fillna(0)
        .to_numpy(),
    )
    need = thresholds.MIN_EXPECTED_PLAYERS
    short = t[(t["earlier"] >= need) & (t["expected"] < need)]
    twice = roster[roster.duplicated(["game_date", "player_id"], keep="first")]
    return collect(
        dates,
        [
            problems_frame(
                short["game_date"],
                ERROR,
                "team "
                + short["team_abbr"]
                + " (game "
                + short["game_id"]
                + "): "
                + short["expected"].astype(int).astype(str)
                + f" expected players (want >= {need})",
            ),
            problems_frame(
                twice["game_date"],
                ERROR,
                "player " + twice["player_id"].astype(str) + " expected more than once",
            ),
        ],
        f"every scheduled team has at least {need} expected players",
        counts_by_date(roster),
    )


def played_not_expected(
    unexpected: pd.DataFrame, players: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """Per played date: the players with minutes who were not expected, counted and named; WARN
    above ``MAX_PLAYED_NOT_EXPECTED_SHARE``."""
    played = counts_by_date(players[players["minutes_played"] > 0])
    first = counts_by_date(unexpected[~unexpected["team_had_roster"]])  # nobody was expected
    unexpected = unexpected[unexpected["team_had_roster"]]
    by_date = (
        dict(tuple(unexpected.groupby(day(unexpected["game_date"])))) if len(unexpected) else {}
    )
    out = {}
    for d in dates:
        rows = by_date.get(d, unexpected.iloc[0:0])
        n, total = len(rows), played.get(d, 0) - first.get(d, 0)
        share = n / total if total else 0.0
        names = [
            f"{r.player_name} ({r.team_abbr}, {r.minutes_played:.0f} min, {r.points} pts)"
            for r in rows.itertuples(index=False)
        ]
        meta = {
            "played": total,
            "played_not_expected": n,
            "first_game_players": first.get(d, 0),
            "details": names[:MAX_LISTED],
        }
        text = f"{n} of {total} players who played were not expected ({share:.1%})" + (
            f"; {first[d]} more played in their team's first game of the season (no roster)"
            if first.get(d)
            else ""
        )
        if not total:
            out[d] = Outcome(True, WARN, "no player has played on this date yet", meta)
        elif share > thresholds.MAX_PLAYED_NOT_EXPECTED_SHARE:
            out[d] = Outcome(False, WARN, f"{d}: {text}: " + "; ".join(names[:5]), meta)
        else:
            out[d] = Outcome(True, WARN, text + (": " + "; ".join(names[:5]) if n else ""), meta)
    return out


def team_coverage(
    teams: pd.DataFrame, schedule: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """Every team scheduled in a real game on D has a row."""
    real = _dated(schedule[schedule["is_nba_game"]], dates)
    need = pd.concat(
        [
            real.assign(team_abbr=real["home_team_abbr"]),
            real.assign(team_abbr=real["away_team_abbr"]),
        ]
    )
    have = teams[["game_date", "team_abbr"]].assign(_have=True)
    missing = need.merge(have, on=["game_date", "team_abbr"], how="left")
    missing = missing[missing["_have"].isna()]
    msgs = (
        "team " + missing["team_abbr"] + " (game " + missing["game_id"] + ") plays but has no row"
    )
    return collect(
        dates,
        [problems_frame(missing["game_date"], ERROR, msgs)],
        "every scheduled team has a row",
        counts_by_date(teams),
    )


def _sample(frame: pd.DataFrame, per_date: int) -> pd.DataFrame:
    """Up to ``per_date`` rows of each date, evenly spread over the players (deterministic)."""
    ordered = frame.sort_values(["game_date", "player_id"])
    position = ordered.groupby("game_date").cumcount()
    size = ordered.groupby("game_date")["player_id"].transform("size")
    step = (size // per_date).clip(lower=1)
    return ordered[(position % step == 0) & (position // step < per_date)]


def _leakage(
    table: pd.DataFrame, players: pd.DataFrame, dates: list[str], recompute, label: str
) -> dict[str, Outcome]:
    problems = []
    sample = _sample(_dated(table, dates), thresholds.LEAKAGE_SAMPLE_PER_DATE)
    # each player's own rows, found once (the recomputation itself still filters them row by row)
    own = dict(tuple(players[players["player_id"].isin(sample["player_id"])].groupby("player_id")))
    empty = players.iloc[0:0]
    for row in sample.itertuples(index=False):
        expected = recompute(
            own.get(row.player_id, empty), row.player_id, row.game_date, row.season
        )
        for column, want in expected.items():
            got = getattr(row, column)
            same = (pd.isna(got) and want is None) or (
                want is not None
                and not pd.isna(got)
                and abs(float(got) - float(want)) <= thresholds.LEAKAGE_TOLERANCE
            )
            if not same:
                problems.append(
                    (
                        row.game_date,
                        f"{label} player {row.player_id} {column}: stored {got}, "
                        f"recomputed from games before {row.game_date:%Y-%m-%d}: {want}",
                    )
                )
    frame = pd.DataFrame(problems, columns=["game_date", "message"])
    return collect(
        dates,
        [problems_frame(frame["game_date"], ERROR, frame["message"])],
        f"{thresholds.LEAKAGE_SAMPLE_PER_DATE} sampled rows per date match a recomputation "
        "from earlier games",
        counts_by_date(sample),
    )


def rolling_leakage(
    table: pd.DataFrame, players: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    return _leakage(table, players, dates, rolling.naive_rolling_row, "rolling")


def zone_leakage(
    table: pd.DataFrame, players: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    return _leakage(table, players, dates, rolling.naive_zone_rates, "zones")


FACTOR_RANGES = {
    "fatigue_score": (0, 100),
    "shot_zone_mismatch": (-10, 10),
    "pace_factor": (-3, 3),
    "usage_spike": (-3, 3),
    "completeness_pct": (0, 100),
}


def factor_ranges(frame: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """Every factor within its DOMAIN.md range; completeness between 0 and 100."""
    problems = []
    for column, (low, high) in FACTOR_RANGES.items():
        bad = frame[(frame[column] < low) | (frame[column] > high)]
        problems.append(
            problems_frame(
                bad["game_date"],
                ERROR,
                "player "
                + bad["player_id"].astype(str)
                + f" {column} outside [{low}, {high}]: "
                + bad[column].astype(str),
            )
        )
    return collect(dates, problems, "every factor within its range", counts_by_date(frame))


def composite_metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """Per date: mean fatigue, mean total adjustment, mean completeness (regression inputs).
    Bootstrap rows are left out: thin early-season windows are expected, not a regression."""
    frame = frame[~frame["is_bootstrap"].astype(bool)]
    g = frame.groupby(day(frame["game_date"]))
    return pd.DataFrame(
        {
            "mean_fatigue_score": g["fatigue_score"].mean(),
            "mean_total_adjustment": g["total_adjustment"].mean(),
            "mean_completeness_pct": g["completeness_pct"].mean(),
        }
    ).astype(float)
