"""Schedule, team-offense and player-game-summary builders on the real NBA data (read via
RawSource)."""

from __future__ import annotations

import datetime as dt
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from basketball.tables import (
    ZONE_COLUMNS,
    build_player_game_summary,
    build_schedule,
    build_team_offense,
    match_player_rows,
)
from resources.raw_source import (
    GAMES,
    PLAYER_BOXSCORES,
    PLAYER_ID_CROSSWALK,
    SHOTS,
    TEAM_BOXSCORES,
    RawSource,
)

RAW_DIR = "/work/shared/data"
OPENING_NIGHT = dt.date(2023, 10, 24)
PRESEASON_DAY = dt.date(2023, 10, 14)
ALL_STAR_DAY = dt.date(2024, 2, 18)
COVID_DAY = dt.date(2021, 12, 14)
RESCHEDULED_DAY = dt.date(2022, 1, 24)
SHOT_DAY = dt.date(2023, 11, 1)
NO_SHOT_DAY = dt.date(2021, 11, 10)
MMSS_DAY = dt.date(2021, 10, 19)
SCHEDULED_DAY = dt.date(2025, 11, 10)  # the morning after the bundle ends: the slate is published
FINALS_GAME_4 = dt.date(2025, 6, 13)  # team rows; games.parquet shows a tip-off time as status

_HOME = re.compile(r"^([A-Z]{3}) vs\. ([A-Z]{3})$")
_AWAY = re.compile(r"^([A-Z]{3}) @ ([A-Z]{3})$")


@pytest.fixture(scope="module")
def raw() -> RawSource:
    return RawSource(raw_dir=RAW_DIR)


def _team_offense(
    raw: RawSource, dates: list[dt.date]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    team = raw.read(TEAM_BOXSCORES, dates)
    schedule = build_schedule(team)
    return team, schedule, build_team_offense(team, schedule)


def _summary(
    raw: RawSource, day: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    _, _, offense = _team_offense(raw, [day])
    players = raw.read(PLAYER_BOXSCORES, [day])
    shots = raw.read(SHOTS, [day])
    crosswalk = raw.frame(PLAYER_ID_CROSSWALK)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        summary, unmatched = build_player_game_summary(players, offense, shots, crosswalk)
    return summary, unmatched, players, offense


@pytest.fixture(scope="module")
def all_team_offense(raw):
    return _team_offense(raw, raw.game_dates())


@pytest.fixture(scope="module")
def shot_day(raw):
    return _summary(raw, SHOT_DAY)


# ---------------------------------------------------------------- schedule


def test_schedule_opening_night_home_away_from_matchups(raw):
    team = raw.read(TEAM_BOXSCORES, [OPENING_NIGHT])
    schedule = build_schedule(team)

    # one row per game
    assert schedule["game_id"].is_unique
    assert set(schedule["game_id"]) == set(team["game_id"])
    assert len(schedule) == team["game_id"].nunique() == 2

    # independent reading of the matchup strings: "AAA vs. BBB" -> AAA home, "AAA @ BBB" -> AAA away
    expected: dict[str, dict[str, str]] = {}
    for game_id, abbr, matchup in zip(
        team["game_id"], team["team_abbreviation"], team["matchup"], strict=True
    ):
        home, away = _HOME.match(matchup), _AWAY.match(matchup)
        assert (home is None) != (away is None), matchup
        side = "home" if home else "away"
        assert (home or away).group(1) == abbr
        expected.setdefault(game_id, {})[side] = abbr
    got = schedule.set_index("game_id")
    for game_id, sides in expected.items():
        assert got.at[game_id, "home_team_abbr"] == sides["home"]
        assert got.at[game_id, "away_team_abbr"] == sides["away"]

    # and the known answer: LAL @ DEN, PHX @ GSW
    assert got.at["0022300061", "home_team_abbr"] == "DEN"
    assert got.at["0022300061", "away_team_abbr"] == "LAL"
    assert got.at["0022300062", "home_team_abbr"] == "GSW"
    assert got.at["0022300062", "away_team_abbr"] == "PHX"
    assert (got["game_type"] == "regular_season").all()
    assert got["is_nba_game"].all()
    assert (got["season"] == 2023).all()
    assert got["matchups_agree"].all()
    assert (got["team_rows"] == 2).all()


def test_schedule_flags_preseason_and_all_star_as_not_nba_games(raw):
    preseason = build_schedule(raw.read(TEAM_BOXSCORES, [PRESEASON_DAY]))
    assert len(preseason) > 0
    assert (preseason["game_type"] == "preseason").all()
    assert not preseason["is_nba_game"].any()
    all_star = build_schedule(raw.read(TEAM_BOXSCORES, [ALL_STAR_DAY]))
    assert len(all_star) == 1
    assert (all_star["game_type"] == "all_star").all()
    assert not all_star["is_nba_game"].any()


def test_schedule_rejects_unparseable_matchup(raw):
    team = raw.read(TEAM_BOXSCORES, [OPENING_NIGHT])
    team.loc[1, "matchup"] = "LAL at DEN"
    with pytest.raises(ValueError, match="matchup"):
        build_schedule(team)


def test_schedule_adds_the_published_games_not_final_yet(raw):
    day = [SCHEDULED_DAY]
    team, games = raw.read(TEAM_BOXSCORES, day), raw.read(GAMES, day)
    assert len(team) == 0  # nothing played yet
    schedule = build_schedule(team, games).set_index("game_id")
    # games.parquet's 2025-11-10 rows, by hand: ids 22500198..22500206 (nba.com ids as integers)
    assert list(schedule.index) == [f"00225{n:05d}" for n in range(198, 207)]
    assert schedule.at["0022500198", "home_team_abbr"] == "CHA"
    assert schedule.at["0022500198", "away_team_abbr"] == "LAL"
    assert schedule.at["0022500206", "home_team_abbr"] == "LAC"
    assert schedule.at["0022500206", "away_team_abbr"] == "ATL"
    assert (schedule["status"] == "Scheduled").all()
    assert not schedule["is_final"].any()
    assert (schedule["team_rows"] == 0).all()
    assert (schedule["game_type"] == "regular_season").all() and schedule["is_nba_game"].all()
    assert (schedule["season"] == 2025).all() and (schedule["season_id"] == "22025").all()
    assert (pd.to_datetime(schedule["game_date"]) == pd.Timestamp(SCHEDULED_DAY)).all()


def test_schedule_keeps_a_game_with_team_rows_final_whatever_the_published_status(raw):
    day = [FINALS_GAME_4]
    games = raw.read(GAMES, day)
    assert games["status"].tolist() == ["2025-06-14T00:30:00Z"]  # balldontlie: never final
    schedule = build_schedule(raw.read(TEAM_BOXSCORES, day), games)
    assert schedule["game_id"].tolist() == ["0042400404"]  # once, from the team rows
    row = schedule.iloc[0]
    assert (row["home_team_abbr"], row["away_team_abbr"]) == ("IND", "OKC")
    assert row["status"] == "Final" and bool(row["is_final"]) and row["team_rows"] == 2
    assert row["game_type"] == "playoffs"


def test_schedule_ignores_a_final_published_game_without_team_rows(raw):
    # 2021-12-14: balldontlie's CHI @ DET (473821, "Final") has no official team rows that day
    day = [COVID_DAY]
    games = raw.read(GAMES, day)
    assert (games.loc[games["id"] == 473821, "status"] == "Final").all()
    team = raw.read(TEAM_BOXSCORES, day)
    with_games, without = build_schedule(team, games), build_schedule(team)
    pd.testing.assert_frame_equal(with_games, without)
    assert not (
        (with_games["home_team_abbr"] == "DET") & (with_games["away_team_abbr"] == "CHI")
    ).any()


def test_schedule_of_every_date_played_and_published(raw):
    days = raw.game_dates()
    team, games = raw.read(TEAM_BOXSCORES, days), raw.read(GAMES, days)
    schedule = build_schedule(team, games)
    assert schedule["game_id"].is_unique
    final = schedule[schedule["is_final"]]
    assert set(final["game_id"]) == set(team["game_id"]) and (final["status"] == "Final").all()
    # the README: 1,079 games scheduled after 2025-11-09, each listed once in games.parquet
    scheduled = games[games["status"] == "Scheduled"]
    upcoming = schedule[~schedule["is_final"]]
    assert len(upcoming) == scheduled["id"].nunique() == 1079
    assert set(upcoming["game_id"]) == {f"{i:010d}" for i in scheduled["id"]}
    assert pd.to_datetime(upcoming["game_date"]).min() == pd.Timestamp("2025-11-10")
    assert pd.to_datetime(final["game_date"]).max() == pd.Timestamp("2025-11-09")


# ---------------------------------------------------------------- team offense


def test_team_offense_opening_night(raw):
    _, _, offense = _team_offense(raw, [OPENING_NIGHT])
    assert len(offense) == 4
    den = offense[offense["team_abbr"] == "DEN"].iloc[0]
    lal = offense[offense["team_abbr"] == "LAL"].iloc[0]
    assert bool(den["is_home"]) and not bool(lal["is_home"])
    assert den["opponent_abbr"] == "LAL" and lal["opponent_abbr"] == "DEN"
    # hand: DEN poss = 91 + 0.44*12 - 9 + 11 = 98.28, ORtg = 11900/98.28 = 121.0826
    #       LAL poss = 90 + 0.44*20 - 13 + 11 = 96.8,  ORtg = 10700/96.8 = 110.5372
    assert den["possessions"] == pytest.approx(98.28)
    assert lal["possessions"] == pytest.approx(96.8)
    assert den["offensive_rating"] == pytest.approx(121.082621, rel=1e-7)
    assert lal["defensive_rating"] == pytest.approx(121.082621, rel=1e-7)
    assert den["defensive_rating"] == pytest.approx(110.537190, rel=1e-7)
    assert den["opponent_points"] == 107 and lal["opponent_points"] == 119
    assert bool(den["is_win"]) and not bool(lal["is_win"])
    assert den["overtime_periods"] == 0 and lal["overtime_periods"] == 0


def test_team_offense_two_rows_per_game_one_home_one_away(all_team_offense):
    _, schedule, offense = all_team_offense
    assert len(offense) > 7000
    per_game = offense.groupby("game_id")
    assert (per_game.size() == 2).all()
    assert (per_game["is_home"].sum() == 1).all()
    assert offense["is_home"].notna().all()
    assert offense["opponent_abbr"].notna().all()
    assert not offense.duplicated(["game_id", "team_abbr"]).any()
    # every real game of the schedule is there, and nothing else
    real = schedule[schedule["is_nba_game"]]
    assert set(offense["game_id"]) == set(real["game_id"])


def test_team_offense_only_real_game_types(all_team_offense):
    _, _, offense = all_team_offense
    assert set(offense["game_type"]) <= {"regular_season", "play_in", "playoffs", "nba_cup_final"}
    assert not offense["game_id"].str.startswith(("001", "003")).any()
    regular_per_season = (
        offense[offense["game_type"] == "regular_season"].groupby("season")["game_id"].nunique()
    )
    # four complete seasons, then 2025-26 through 2025-11-09 (147 games, as the data README says)
    assert regular_per_season.to_dict() == {
        2021: 1230,
        2022: 1230,
        2023: 1230,
        2024: 1230,
        2025: 147,
    }
    assert offense.loc[offense["game_type"] == "nba_cup_final", "game_id"].nunique() == 2


def test_team_offense_defensive_rating_is_opponent_offensive_rating(all_team_offense):
    _, _, offense = all_team_offense
    opp = offense[["game_id", "team_abbr", "offensive_rating", "points"]].rename(
        columns={"team_abbr": "opponent_abbr", "offensive_rating": "opp_ortg", "points": "opp_pts"}
    )
    both = offense.merge(opp, on=["game_id", "opponent_abbr"], how="left", validate="one_to_one")
    assert both["opp_ortg"].notna().all()
    np.testing.assert_allclose(both["defensive_rating"], both["opp_ortg"], rtol=0, atol=1e-12)
    assert (both["opponent_points"] == both["opp_pts"]).all()


def test_team_offense_points_equal_points_from_makes(all_team_offense):
    _, _, offense = all_team_offense
    implied = 2 * (offense["fgm"] - offense["fg3m"]) + 3 * offense["fg3m"] + offense["ftm"]
    assert (offense["points"] == implied).all()


def test_team_offense_derived_columns_recomputed(all_team_offense):
    _, _, o = all_team_offense
    poss = o["fga"] + 0.44 * o["fta"] - o["oreb"] + o["tov"]
    np.testing.assert_allclose(o["possessions"], poss, rtol=1e-12)
    np.testing.assert_allclose(o["pace"], poss * 48 / (o["team_minutes"] / 5), rtol=1e-12)
    np.testing.assert_allclose(o["offensive_rating"], 100 * o["points"] / poss, rtol=1e-12)
    assert (o["overtime_periods"] >= 0).all()
    assert set(o["overtime_periods"].unique()) <= {0, 1, 2, 3, 4}


@pytest.mark.parametrize("day", [PRESEASON_DAY, ALL_STAR_DAY])
def test_team_offense_has_no_rows_on_non_nba_dates(raw, day):
    team, schedule, offense = _team_offense(raw, [day])
    assert len(team) > 0 and len(schedule) > 0  # the raw rows exist ...
    assert len(offense) == 0  # ... but none are real NBA games


# ---------------------------------------------------------------- player-row matching


def test_match_player_rows_missing_official_row(raw):
    _, _, offense = _team_offense(raw, [COVID_DAY])
    players = raw.read(PLAYER_BOXSCORES, [COVID_DAY])
    joined, report = match_player_rows(players, offense)

    bad = report[report["bdl_game_id"] == 473821].set_index("team_abbr")
    assert set(bad.index) == {"CHI", "DET"}
    assert bad["reason"].str.startswith("no official team row").all()
    assert bad.at["CHI", "bdl_opponent_abbr"] == "DET"
    assert bad.at["DET", "bdl_opponent_abbr"] == "CHI"
    assert bad["official_opponent_abbr"].isna().all()
    game_rows = players["game_id"] == 473821
    assert int(bad["player_rows"].sum()) == int(game_rows.sum())

    assert not (joined["game_id"] == 473821).any()
    assert not joined["team_abbreviation"].isin(["CHI", "DET"]).any()
    assert len(joined) == len(players) - int(game_rows.sum())
    assert joined["nba_game_id"].notna().all()


def test_match_player_rows_wrong_opponent(raw):
    _, _, offense = _team_offense(raw, [RESCHEDULED_DAY])
    players = raw.read(PLAYER_BOXSCORES, [RESCHEDULED_DAY])
    joined, report = match_player_rows(players, offense)

    chi = report[report["team_abbr"] == "CHI"]
    assert len(chi) == 1
    chi = chi.iloc[0]
    assert chi["reason"].startswith("official opponent differs")
    assert chi["official_opponent_abbr"] == "OKC"
    assert chi["bdl_opponent_abbr"] == "ATL"
    # the official CHI row exists (vs OKC), yet the balldontlie CHI rows must not borrow it
    assert ((offense["team_abbr"] == "CHI") & (offense["opponent_abbr"] == "OKC")).any()
    assert not (joined["team_abbreviation"] == "CHI").any()
    assert not (joined["game_id"] == chi["bdl_game_id"]).any()
    # every reported team-game is absent from the joined frame
    reported = set(zip(report["team_abbr"], report["bdl_game_id"], strict=True))
    assert not any(
        pair in reported
        for pair in zip(joined["team_abbreviation"], joined["game_id"], strict=True)
    )
    assert len(joined) + int(report["player_rows"].sum()) == len(players)


def test_match_player_rows_clean_day_has_no_report(raw):
    _, _, offense = _team_offense(raw, [OPENING_NIGHT])
    players = raw.read(PLAYER_BOXSCORES, [OPENING_NIGHT])
    joined, report = match_player_rows(players, offense)
    assert len(report) == 0
    assert len(joined) == len(players)
    # opponents agree with the balldontlie game for every joined row
    assert (joined["bdl_opponent_abbr"] == joined["opponent_abbr"]).all()


# ---------------------------------------------------------------- player game summary


def test_summary_usage_null_exactly_when_no_minutes(shot_day):
    summary, unmatched, players, _ = shot_day
    assert len(summary) == len(players)
    assert len(unmatched) == 0
    played = summary["minutes_played"] > 0
    assert played.sum() > 0 and (~played).sum() > 0
    assert summary.loc[played, "usage_rate"].notna().all()
    assert summary.loc[~played, "usage_rate"].isna().all()
    assert summary.loc[~played, "points_per_minute"].isna().all()
    assert (summary.loc[played, "usage_rate"] >= 0).all()
    assert not summary.duplicated(["game_id", "player_id"]).any()


def test_summary_dnp_rows_have_zero_stats(shot_day):
    summary, *_ = shot_day
    dnp = summary[summary["is_dnp"]]
    assert len(dnp) > 0
    assert (dnp["minutes_played"] == 0).all()
    stats = [
        "points",
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
    assert (dnp[stats].fillna(0) == 0).all().all()
    assert dnp["usage_rate"].isna().all()
    # a player who logged minutes is never flagged DNP
    assert not summary.loc[summary["minutes_played"] > 0, "is_dnp"].any()


def test_summary_zone_attempts_sum_to_fga(shot_day):
    summary, *_ = shot_day
    shot = summary[summary["has_shot_data"]]
    assert len(shot) > 0.9 * len(summary)
    zone_fga = shot["paint_attempts"] + shot["mid_range_attempts"] + shot["three_attempts"]
    assert zone_fga.notna().all()
    assert (zone_fga == shot["fga"]).mean() >= 0.99
    zone_fgm = shot["paint_makes"] + shot["mid_range_makes"] + shot["three_makes"]
    assert (zone_fgm <= zone_fga).all()
    assert (shot["three_attempts"] == shot["fg3a"]).mean() >= 0.99


def test_summary_without_shot_data_has_missing_zones(raw):
    summary, _, players, _ = _summary(raw, NO_SHOT_DAY)
    assert len(summary) > 0
    assert not summary["has_shot_data"].any()
    for col in ZONE_COLUMNS:
        assert summary[col].isna().all(), col
    # box-score columns are still there
    assert summary["fga"].notna().all()
    assert summary.loc[summary["minutes_played"] > 0, "usage_rate"].notna().all()


def test_summary_worked_example_mmss_player(raw):
    players = raw.read(PLAYER_BOXSCORES, [MMSS_DAY])
    team = raw.read(TEAM_BOXSCORES, [MMSS_DAY])
    mmss = players[
        players["min"].str.contains(":", regex=False)
        & (players["min"] != "0:00")
        & (players["fga"] > 0)
    ]
    row = mmss.sort_values("id").iloc[0]
    team_row = team[team["team_abbreviation"] == row["team_abbreviation"]].iloc[0]

    # minutes by hand from the string
    mins, secs = row["min"].split(":")
    minutes = int(mins) + int(secs) / 60
    # usage = 100 * (FGA + 0.44*FTA + TOV) * (team_min/5) / (minutes * (tFGA + 0.44*tFTA + tTOV))
    player_plays = row["fga"] + 0.44 * row["fta"] + row["turnover"]
    team_plays = team_row["fga"] + 0.44 * team_row["fta"] + team_row["tov"]
    expected_usage = 100 * player_plays * (team_row["min"] / 5) / (minutes * team_plays)

    summary, *_ = _summary(raw, MMSS_DAY)
    out = summary[summary["player_id"] == row["player_id"]]
    assert len(out) == 1
    out = out.iloc[0]
    assert out["minutes_raw"] == row["min"]
    assert out["minutes_played"] == pytest.approx(minutes)
    assert out["usage_rate"] == pytest.approx(expected_usage, rel=1e-9)
    assert out["game_id"] == team_row["game_id"]


def test_summary_worked_example_jevon_carter_by_hand(raw):
    # 2021-10-19, BKN @ MIL: Jevon Carter "18:57", FGA 3, FTA 0, TOV 1;
    # BKN team row: MIN 241, FGA 84, FTA 23, TOV 12
    #   minutes      = 18 + 57/60 = 18.95
    #   player plays = 3 + 0 + 1 = 4
    #   team plays   = 84 + 0.44*23 + 12 = 84 + 10.12 + 12 = 106.12
    #   usage        = 100 * 4 * (241/5) / (18.95 * 106.12) = 19280 / 2010.974 = 9.587394...
    summary, *_ = _summary(raw, MMSS_DAY)
    carter = summary[(summary["player_name"] == "Jevon Carter") & (summary["team_abbr"] == "BKN")]
    assert len(carter) == 1
    carter = carter.iloc[0]
    assert carter["minutes_raw"] == "18:57"
    assert (carter["fga"], carter["fta"], carter["tov"]) == (3, 0, 1)
    assert carter["minutes_played"] == pytest.approx(18.95)
    assert carter["usage_rate"] == pytest.approx(9.587394, rel=1e-6)
    assert carter["opponent_abbr"] == "MIL"
    assert not bool(carter["is_home"])
