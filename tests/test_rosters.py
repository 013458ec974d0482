"""Expected rosters on real box scores (no Dagster): who each scheduled team is expected to dress
on D, from box scores before D only. Expected sets are rebuilt here by filtering the real rows one
(date, team) at a time, and the named players' cases are read off their listed games."""

from __future__ import annotations

import pandas as pd
import pytest

from basketball import rosters

from helpers import history, summaries


@pytest.fixture(scope="module")
def season_2023():
    """(players, team, schedule, expected) of 2023-10-24..2023-11-20, ``expected`` being the
    expected rosters of every scheduled date."""
    players, team, schedule = history()
    dates = sorted(schedule.loc[schedule["is_nba_game"], "game_date"].unique())
    return players, team, schedule, rosters.expected_rosters(players, schedule, dates)


def by_hand(players: pd.DataFrame, team: pd.DataFrame, day: pd.Timestamp, abbr: str) -> dict:
    """player id -> team games since he last played for ``abbr`` (0 = its last game), for the
    players who played for it in one of its last 10 games before ``day`` and whose latest row
    before ``day`` (the most minutes if two) is with it."""
    games = team[(team["team_abbr"] == abbr) & (team["game_date"] < day)]
    last10 = games.sort_values("game_date")["game_id"].tolist()[-10:]
    out = {}
    for pid, rows in players[
        (players["team_abbr"] == abbr) & players["game_id"].isin(last10)
    ].groupby("player_id"):
        played = rows.loc[rows["minutes_played"] > 0, "game_id"].tolist()
        if not played:
            continue
        earlier = players[(players["player_id"] == pid) & (players["game_date"] < day)]
        latest = earlier[earlier["game_date"] == earlier["game_date"].max()]
        if latest.sort_values("minutes_played").iloc[-1]["team_abbr"] != abbr:
            continue
        out[int(pid)] = len(last10) - 1 - max(last10.index(g) for g in played)
    return out


def expected_on(expected: pd.DataFrame, day: str, abbr: str) -> dict:
    rows = expected[(expected["game_date"] == pd.Timestamp(day)) & (expected["team_abbr"] == abbr)]
    return dict(zip(rows["player_id"].astype(int), rows["team_games_since_played"], strict=True))


def test_every_expected_roster_matches_the_rule_applied_by_hand(season_2023):
    players, team, schedule, expected = season_2023
    teams = rosters.scheduled_teams(schedule, schedule["game_date"].unique())
    assert len(teams) == 2 * schedule["is_nba_game"].sum()
    empty = 0
    for day, abbr in zip(teams["game_date"], teams["team_abbr"], strict=True):
        want = by_hand(players, team, day, abbr)
        assert expected_on(expected, day, abbr) == want, (day, abbr)
        empty += not want
    assert empty == 30  # each team's first game of the season (no earlier game in the history)
    assert not expected.duplicated(["game_date", "player_id"]).any()


def test_scheduled_teams_are_both_sides_of_every_real_game(season_2023):
    _, _, schedule, _ = season_2023
    teams = rosters.scheduled_teams(schedule, ["2023-10-24"])
    # opening night, by hand: LAL @ DEN and PHX @ GSW
    assert list(zip(teams["team_abbr"], teams["opponent_abbr"], teams["is_home"], strict=True)) == [
        ("DEN", "LAL", True),
        ("GSW", "PHX", True),
        ("LAL", "DEN", False),
        ("PHX", "GSW", False),
    ]
    assert rosters.scheduled_teams(schedule, ["2023-10-14"]).empty  # preseason is not NBA


def test_a_traded_player_is_expected_only_for_his_new_team_after_his_first_game_there(
    season_2023,
):
    """PJ Tucker: PHI 10-26, 10-28, 10-29, then LAC from 11-01 (the Harden trade). PHI's games
    after his first: 10-28, 10-29, 11-02, ...; LAC's after 11-01: 11-06 .. 11-20."""
    players, _, _, expected = season_2023
    pid = int(players.loc[players["player_name"] == "PJ Tucker", "player_id"].unique().item())
    rows = expected[expected["player_id"] == pid]
    got = list(zip(rows["game_date"].dt.strftime("%m-%d"), rows["team_abbr"], strict=True))
    assert got == [("10-28", "PHI"), ("10-29", "PHI")] + [
        (d, "LAC") for d in ("11-06", "11-08", "11-10", "11-12", "11-14", "11-17", "11-20")
    ]
    # on 11-01 (his first LAC game) not yet expected for LAC; PHI's 11-02 no longer expects him
    assert pid not in expected_on(expected, "2023-11-01", "LAC")
    assert pid not in expected_on(expected, "2023-11-02", "PHI")


def test_a_player_out_for_ten_team_games_is_no_longer_expected(season_2023):
    """Anfernee Simons played POR's opener (10-25) and then none of its games (thumb). POR's
    games: 10-25, 10-27, 10-29, 10-30, 11-01, 11-03, 11-05, 11-08, 11-12, 11-14, 11-15, 11-17:
    on 11-15 the opener is the 10th game back, on 11-17 the 11th."""
    players, _, _, expected = season_2023
    pid = int(players.loc[players["player_name"] == "Anfernee Simons", "player_id"].unique().item())
    simons = players[players["player_id"] == pid]
    assert simons.loc[simons["minutes_played"] > 0, "game_date"].tolist() == [
        pd.Timestamp("2023-10-25")
    ]
    assert expected_on(expected, "2023-10-27", "POR")[pid] == 0
    assert expected_on(expected, "2023-11-15", "POR")[pid] == 9
    assert pid not in expected_on(expected, "2023-11-17", "POR")
    assert pid not in expected_on(expected, "2023-11-19", "POR")


def test_dnp_rows_alone_do_not_make_a_player_expected(season_2023):
    """Daniel Theis: IND DNP every game until 8 minutes on 11-09; IND's next games 11-12, 11-14;
    then LAC from 11-17 (played), so IND's 11-19 game no longer expects him."""
    players, _, _, expected = season_2023
    pid = int(players.loc[players["player_name"] == "Daniel Theis", "player_id"].unique().item())
    rows = expected[expected["player_id"] == pid]
    got = list(zip(rows["game_date"].dt.strftime("%m-%d"), rows["team_abbr"], strict=True))
    assert got == [("11-12", "IND"), ("11-14", "IND"), ("11-20", "LAC")]


def test_every_expected_row_is_known_before_its_date(season_2023):
    _, _, _, expected = season_2023
    assert len(expected) > 0
    assert (expected["last_played_date"] < expected["game_date"]).all()
    assert expected["team_games_since_played"].between(0, rosters.ROSTER_GAMES - 1).all()
    ago = expected["team_games_since_played"]
    assert (expected.loc[ago == 0, "basis"] == "played in the team's last game").all()
    assert (expected.loc[ago == 3, "basis"] == "played 4 team games ago").all()


def test_changing_d_box_scores_does_not_move_d_expected_roster(season_2023):
    """D's own rows (minutes, points, a whole new player) never enter D's expected roster."""
    players, _, schedule, _ = season_2023
    day = pd.Timestamp("2023-11-15")
    changed = players.copy()
    on_day = changed["game_date"] == day
    changed.loc[on_day, "minutes_played"] = 0.0
    stranger = changed[on_day].iloc[[0]].assign(player_id=-1, minutes_played=40.0)
    changed = pd.concat([changed, stranger], ignore_index=True)
    pd.testing.assert_frame_equal(
        rosters.expected_rosters(players, schedule, [day]),
        rosters.expected_rosters(changed, schedule, [day]),
    )


def test_played_not_expected_by_hand_on_one_date(season_2023):
    players, _, _, expected = season_2023
    day = pd.Timestamp("2023-11-17")
    roster = expected[expected["game_date"] == day]
    played = players[(players["game_date"] == day) & (players["minutes_played"] > 0)]
    by_hand_ids = set(played["player_id"]) - set(roster["player_id"])
    extra = rosters.played_not_expected(expected, players, [day])
    assert set(extra["player_id"]) == by_hand_ids and len(extra) == len(by_hand_ids)
    # Daniel Theis's first LAC game (traded from IND) is one of them, Simons is not (out)
    assert "Daniel Theis" in set(extra["player_name"])
    assert (extra["minutes_played"] > 0).all()
    assert 0 < len(extra) < 0.2 * len(played)


def late_history() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(player_game_summary, schedule with the published games) from the 2025 playoffs on."""
    players, _, schedule = summaries("2025-04-19", published=True)
    return players, schedule


def test_a_teams_first_game_of_a_season_has_no_roster_and_its_second_game_does():
    """2025-10-21 (HOU @ OKC, GSW @ LAL): last season's games do not count (the offseason is not
    in box scores), so nobody is expected, and Kevin Durant (PHX in 2024-25, HOU now) is counted
    apart as a first-game player; from HOU's second game on he is expected for HOU."""
    players, schedule = late_history()
    day = pd.Timestamp("2025-10-21")
    assert rosters.expected_rosters(players[players["game_date"] < day], schedule, [day]).empty
    durant = int(players.loc[players["player_name"] == "Kevin Durant", "player_id"].unique().item())
    first = rosters.played_not_expected(
        rosters.expected_rosters(players, schedule, [day]), players, [day]
    )
    assert not first.loc[first["player_id"] == durant, "team_had_roster"].item()
    hou = players[(players["team_abbr"] == "HOU") & (players["game_date"] > day)]
    second = pd.Timestamp(hou["game_date"].min())
    roster = rosters.expected_rosters(players[players["game_date"] < second], schedule, [second])
    mine = roster[roster["player_id"] == durant]
    assert mine["team_abbr"].tolist() == ["HOU"] and mine["last_played_date"].tolist() == [day]


def test_tonights_slate_has_expected_rosters_before_it_is_played():
    """2025-11-10: 9 published games, no box score yet; 18 teams get an expected roster from the
    games through 2025-11-09."""
    players, schedule = late_history()
    day = pd.Timestamp("2025-11-10")
    assert not (players["game_date"] >= day).any()
    roster = rosters.expected_rosters(players, schedule, [day])
    games = schedule[pd.to_datetime(schedule["game_date"]) == day]
    assert len(games) == 9 and not games["is_final"].any()
    assert set(roster["team_abbr"]) == set(games["home_team_abbr"]) | set(games["away_team_abbr"])
    assert set(roster["game_id"]) == set(games["game_id"])
    assert (roster["last_played_date"] <= pd.Timestamp("2025-11-09")).all()
    per_team = roster.groupby("team_abbr").size()
    assert per_team.between(8, 25).all(), per_team.to_dict()
