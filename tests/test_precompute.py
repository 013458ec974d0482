"""Pre-game tables on real player_game_summary rows built by the pure builders (no Dagster).

Expected values are computed by hand from the listed real games, not by the code under test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from basketball import factors, rolling, rosters
from basketball.calendar import season_starts

from helpers import LEAK_DAY, REAL_DATES, box_score_population, changed_box_scores, history


def one_player(name_part: str, players: pd.DataFrame) -> int:
    ids = players.loc[
        players["player_name"].str.contains(name_part, na=False), "player_id"
    ].unique()
    assert len(ids) == 1, ids
    return int(ids[0])


def test_rolling_stats_use_only_earlier_played_games_hand_computed():
    players, _, _ = history()
    pid = one_player("Jokic", players)
    games = players[(players["player_id"] == pid) & (players["minutes_played"] > 0)].sort_values(
        "game_date"
    )
    day = games["game_date"].iloc[6]  # his 7th game: six played games before it
    before = games[games["game_date"] < day]
    pop = box_score_population(players, [day])
    row = rolling.player_rolling_stats(players, pop).set_index("player_id").loc[pid]
    pts = before["points"].tolist()
    assert row["games_played_season"] == 6
    assert row["points_l5"] == pytest.approx(sum(pts[-5:]) / 5)
    assert row["points_l10"] == pytest.approx(sum(pts) / 6)
    assert row["points_season"] == pytest.approx(sum(pts) / 6)
    assert row["days_since_last_game"] == (day - before["game_date"].iloc[-1]).days
    recent = before[before["game_date"] >= day - pd.Timedelta(days=7)]
    assert row["games_last_7_days"] == len(recent)
    assert row["minutes_last_7_days"] == pytest.approx(recent["minutes_played"].sum())


def test_first_game_of_the_season_has_null_averages_not_zeros():
    players, _, _ = history()
    first_day = players.loc[players["game_type"] == "regular_season", "game_date"].min()
    pop = box_score_population(players, [first_day])
    rows = rolling.player_rolling_stats(players, pop)
    assert len(rows) > 0 and (rows["games_played_season"] == 0).all()
    assert rows[["points_l5", "points_l10", "points_season", "usage_l10"]].isna().all().all()
    assert rows["days_since_last_game"].isna().all()
    zones = rolling.player_shot_zone_analysis(players, pop)
    assert zones["paint_rate"].isna().all() and zones["primary_zone"].isna().all()
    assert rows["is_bootstrap"].all()


def test_changing_d_box_scores_does_not_move_d_rows():
    """The leak test: D's own points, minutes and shots changed; every pre-game table of D is
    identical."""
    players, team, schedule = history()
    day = LEAK_DAY
    changed, team_changed = changed_box_scores(day)
    pop = box_score_population(players, [day])
    for build in (
        lambda p, t: rolling.player_rolling_stats(p, pop),
        lambda p, t: rolling.player_shot_zone_analysis(p, pop),
        lambda p, t: rolling.team_defense_zone_analysis(t, p, schedule, [day]),
    ):
        pd.testing.assert_frame_equal(build(players, team), build(changed, team_changed))
    # ... while the next date does move: the change is visible once D is in the past
    after = box_score_population(players, [pd.Timestamp("2023-11-17")])
    assert not rolling.player_rolling_stats(players, after).equals(
        rolling.player_rolling_stats(changed, after)
    )


def test_a_traded_player_keeps_his_history_on_the_new_team():
    players, _, _ = history()
    moved = players[players["minutes_played"] > 0].groupby("player_id")["team_abbr"].nunique()
    pid = int(moved[moved > 1].index[0])
    games = players[(players["player_id"] == pid) & (players["minutes_played"] > 0)].sort_values(
        "game_date"
    )
    new_team = games["team_abbr"].iloc[-1]
    first_for_new = games[games["team_abbr"] == new_team]["game_date"].iloc[0]
    pop = box_score_population(players, [first_for_new])
    row = rolling.player_rolling_stats(players, pop).set_index("player_id").loc[pid]
    assert row["team_abbr"] == new_team
    assert row["games_played_season"] == (games["game_date"] < first_for_new).sum() > 0


def test_season_to_date_resets_at_a_new_season():
    players, _, _ = history()
    earlier = players.assign(
        season=players["season"] - 1, game_date=players["game_date"] - pd.Timedelta(days=365)
    )
    both = pd.concat([earlier, players], ignore_index=True)
    first_day = players.loc[players["game_type"] == "regular_season", "game_date"].min()
    rows = rolling.player_rolling_stats(both, box_score_population(both, [first_day]))
    assert len(rows) > 0
    assert (rows["games_played_season"] == 0).all() and rows["points_season"].isna().all()


def test_bootstrap_is_the_first_14_days_from_the_first_regular_season_game():
    players, _, _ = history()
    start = players.loc[players["game_type"] == "regular_season", "game_date"].min()
    days = pd.Series(
        pd.to_datetime([start, start + pd.Timedelta(days=13), start + pd.Timedelta(days=14)])
    )
    assert rolling.is_bootstrap(days, pd.Series([2023] * 3), season_starts(players)).tolist() == [
        True,
        True,
        False,
    ]


def test_a_season_with_no_game_known_yet_is_bootstrap():
    """Its opening night, predicted before it is played: no start date to count 14 days from."""
    players, _, _ = history()
    starts = season_starts(players)
    assert set(starts) == {2023}
    days = pd.Series(pd.to_datetime(["2024-10-22", "2023-12-01"]))
    assert rolling.is_bootstrap(days, pd.Series([2024, 2023]), starts).tolist() == [True, False]


def test_an_expected_player_without_a_row_on_d_gets_his_rows_from_before_d():
    """The population is the expected roster, not D's box scores: a player expected on D who is
    not listed on D still has his pre-game values (by hand from his games before D)."""
    players, _, schedule = history()
    day = LEAK_DAY
    roster = rosters.expected_rosters(players, schedule, [day])
    listed = set(players.loc[players["game_date"] == day, "player_id"])
    absent = roster[~roster["player_id"].isin(listed)]
    assert len(absent) > 0
    rows = rolling.player_rolling_stats(players, roster).set_index("player_id")
    assert len(rows) == len(roster)
    pid = int(absent["player_id"].iloc[0])
    games = players[
        (players["player_id"] == pid)
        & (players["minutes_played"] > 0)
        & (players["game_date"] < day)
    ]
    assert rows.loc[pid, "games_played_season"] == len(games) > 0
    assert rows.loc[pid, "points_season"] == pytest.approx(games["points"].mean())
    # and the roster's identity columns are kept as given
    for col in rolling.POPULATION:
        assert rows.reset_index()[col].tolist() == roster[col].tolist(), col


def test_fatigue_worked_examples():
    s = lambda *v: pd.Series(list(v))  # noqa: E731
    score = factors.fatigue(
        s(True, False, False, False),
        s(1, 4, 2, None),
        s(4, 1, 3, 0),
        s(250.0, 30.0, 110.0, 0.0),
        s(2, 0, 1, 0),
    )
    # b2b -15, 4 games -10, 250 min -10, 62.5 min/game -8, two b2b -12 -> 45
    # 4 days rest +5 -> 105 clamped to 100 ;
    # 3 games 110 min 36.7/game -8, one b2b -5 -> 87 ; no history -> 100
    assert score.tolist() == [45.0, 100.0, 87.0, 100.0]


def test_zone_mismatch_pace_and_usage_worked_examples():
    zones = pd.DataFrame(
        {"paint": [60.0, 30.0, 20.0], "mid_range": [10.0, 10.0, 10.0], "three": [30.0, 60.0, 70.0]}
    )
    defense = pd.DataFrame(
        {"paint": [6.0, 1.0, 2.0], "mid_range": [0.0, 0.0, 0.0], "three": [-3.0, -4.0, 9.0]}
    )
    primary = pd.Series(["paint", "perimeter", "balanced"])
    # paint: 6 * min(60/50, 1) = 6 > 5 -> 7.2 ; perimeter: -4 * min(60/50, 1) = -4 ; balanced -> 0
    assert factors.shot_zone_mismatch(primary, zones, defense).tolist() == pytest.approx(
        [7.2, -4.0, 0.0]
    )
    assert factors.pace(pd.Series([104.0, 99.0]), pd.Series([96.0, 100.0])).tolist() == [3.0, -0.5]
    assert factors.usage_spike(
        pd.Series([30.0, 20.0]), pd.Series([20.0, 21.0])
    ).tolist() == pytest.approx([3.0, -0.3])
    total, complete = factors.total_and_completeness(
        pd.DataFrame({"a": [1.0, None], "b": [2.0, None], "c": [None, None], "d": [0.5, 1.0]})
    )
    assert total.tolist() == [3.5, 1.0] and complete.tolist() == [75.0, 25.0]


def test_team_defense_compares_with_the_league_over_the_same_dates():
    players, team, schedule = history()
    day = pd.Timestamp("2023-11-20")
    rows = rolling.team_defense_zone_analysis(team, players, schedule, [day])
    real = schedule[(schedule["game_date"] == day) & schedule["is_nba_game"]]
    assert len(rows) == 2 * len(real)
    row = rows.iloc[0]
    games = (
        team[(team["team_abbr"] == row["team_abbr"]) & (team["game_date"] < day)]
        .sort_values("game_date")
        .tail(15)
    )
    opp = players[
        players["game_id"].isin(games["game_id"])
        & players["team_abbr"].isin(games["opponent_abbr"])
        & players["has_shot_data"]
    ].merge(
        games[["game_id", "opponent_abbr"]],
        left_on=["game_id", "team_abbr"],
        right_on=["game_id", "opponent_abbr"],
    )
    allowed = opp["three_makes"].sum() / opp["three_attempts"].sum() * 100
    league = players[
        (players["game_date"] >= games["game_date"].min())
        & (players["game_date"] < day)
        & players["has_shot_data"]
    ]
    league_pct = league["three_makes"].sum() / league["three_attempts"].sum() * 100
    assert row["opp_three_fg_pct_allowed"] == pytest.approx(allowed)
    assert row["three_defense_vs_league"] == pytest.approx(allowed - league_pct)


def test_leakage_check_fails_on_a_table_that_saw_d_and_passes_on_the_real_one():
    from asset_checks import precompute_rules

    players, _, _ = history()
    day = pd.Timestamp("2023-11-15")
    key = [day.strftime("%Y-%m-%d")]
    pop = box_score_population(players, [day])
    honest = rolling.player_rolling_stats(players, pop)
    assert precompute_rules.rolling_leakage(honest, players, key)[key[0]].passed
    # a `<=` window: D's own games counted as if they were played the day before
    on_day = players["game_date"] == day
    seen = players[on_day].assign(game_date=day - pd.Timedelta(hours=12), game_id="leak")
    leaky = rolling.player_rolling_stats(pd.concat([players, seen], ignore_index=True), pop)
    outcome = precompute_rules.rolling_leakage(leaky, players, key)[key[0]]
    assert not outcome.passed and outcome.severity == "ERROR"
    assert "recomputed from games before 2023-11-15" in outcome.description


def test_backfill_refreshes_the_rest_of_the_season_after_a_range():
    from nba_assets.backfill import later_window_keys

    keys = REAL_DATES
    later = later_window_keys(["2023-11-01", "2023-11-02"], keys)
    assert later[0] == "2023-11-03" and later[-1] == "2024-06-17"
    assert later_window_keys(["2023-06-12"], keys) == [
        k for k in keys if "2023-06-12" < k <= "2023-06-30"
    ]
