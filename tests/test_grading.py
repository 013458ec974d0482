"""Grading on real dates (no Dagster): the predictions of D's expected roster against D's box
scores. Actual points, voids and errors are read here from the box-score rows, not from the
feature rows the grader joins."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest

from basketball import grading, model, rolling, rosters
from basketball.factors import composite_factors

from helpers import history

DAYS = [pd.Timestamp("2023-11-14"), pd.Timestamp("2023-11-15")]


@pytest.fixture(scope="module")
def graded():
    """(players, feature rows, predictions, results) of ``DAYS``: the feature rows of the
    expected rosters, and a prediction per row of last-10 points + 1.5 (6.5 without a last 10)."""
    players, team, schedule = history()
    roster = rosters.expected_rosters(players, schedule, DAYS)
    r = rolling.player_rolling_stats(players, roster)
    z = rolling.player_shot_zone_analysis(players, roster)
    t = rolling.team_defense_zone_analysis(team, players, schedule, DAYS)
    rows = model.feature_rows(r, composite_factors(r, z, t), z, t, players, team)
    predictions = rows[model.PREDICTION_KEYS].assign(
        model_version="2023-11-06-test",
        model_cutoff=pd.Timestamp("2023-11-06"),
        trained_through=pd.Timestamp("2023-11-05"),
        predicted_points=rows["points_l10"].fillna(5.0) + 1.5,
        predicted_at=pd.Timestamp("2023-11-14 09:00"),
    )
    return players, rows, predictions, grading.prediction_results(predictions, rows)


def box_score_points(players: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """Each result row's box-score row of its own game (points, minutes), None without one."""
    own = players[["game_date", "player_id", "game_id", "points", "minutes_played"]].rename(
        columns={"points": "box_points", "minutes_played": "box_minutes"}
    )
    return results.merge(own, on=["game_date", "player_id", "game_id"], how="left")


def test_one_result_per_prediction_as_made(graded):
    _, _, predictions, results = graded
    assert len(results) == len(predictions) > 400
    assert not results.duplicated(["game_date", "player_id"]).any()
    for col in grading.CARRIED:
        pd.testing.assert_series_equal(
            results[col], predictions[col].reset_index(drop=True), check_names=False
        )


def test_a_player_who_did_not_play_is_void_with_no_error(graded):
    players, _, _, results = graded
    joined = box_score_points(players, results)
    did_not_play = joined["box_minutes"].fillna(0) == 0
    assert did_not_play.sum() > 50  # DNP rows, and expected players with no row at all
    assert joined["box_minutes"].isna().any()
    assert (joined.loc[did_not_play, "outcome"] == "void").all()
    assert (joined.loc[~did_not_play, "outcome"] == "played").all()
    assert joined.loc[did_not_play, "error"].isna().all()
    assert joined.loc[did_not_play, "actual_points"].isna().all()


def test_a_played_row_error_is_predicted_minus_actual_points(graded):
    players, _, _, results = graded
    joined = box_score_points(players, results)
    played = joined[joined["box_minutes"] > 0]
    assert len(played) > 300
    assert (played["actual_points"].astype(float) == played["box_points"]).all()
    by_hand = played["predicted_points"] - played["box_points"]
    assert played["error"].to_numpy() == pytest.approx(by_hand.to_numpy())
    assert (played["minutes_played"] == played["box_minutes"]).all()
    # by hand: Trae Young on 2023-11-15 had 9 games before it, 23 18 20 24 23 22 22 41 27
    # (220 points: last 10 = 220/9), so predicted 220/9 + 1.5 = 25.944; he scored 15
    trae = played[(played["player_name"] == "Trae Young") & (played["game_date"] == DAYS[1])]
    row = trae.iloc[0]
    assert row["actual_points"] == 15 and row["outcome"] == "played"
    assert row["predicted_points"] == pytest.approx(220 / 9 + 1.5)
    assert row["error"] == pytest.approx(220 / 9 + 1.5 - 15)


def test_baselines_are_those_of_the_same_feature_row(graded):
    _, rows, _, results = graded
    rows = rows.reset_index(drop=True)
    assert results["last_10_avg"].equals(rows["points_l10"].rename("last_10_avg"))
    assert results["season_avg"].to_numpy() == pytest.approx(
        rows["points_season"].to_numpy(), nan_ok=True
    )
    blend = 0.35 * rows["points_l5"] + 0.40 * rows["points_l10"] + 0.25 * rows["points_season"]
    assert results["blend_l5_l10_season"].to_numpy() == pytest.approx(blend.to_numpy(), nan_ok=True)
    complete = rows[["points_l5", "points_l10", "points_season"]].notna().all(axis=1)
    assert results["baselines_available"].tolist() == complete.tolist()
    assert results["is_rotation"].tolist() == (rows["minutes_l10"] >= 20).tolist()


def test_daily_scores_by_hand(graded):
    players, _, _, results = graded
    joined = box_score_points(players, results)
    scores = grading.daily_scores(results)
    assert list(scores.index) == ["2023-11-14", "2023-11-15"]
    for day in DAYS:
        on = joined[joined["game_date"] == day]
        played = on[on["box_minutes"] > 0]
        scored = played[played["baselines_available"]]
        row = scores.loc[day.strftime("%Y-%m-%d")]
        assert row["played"] == len(played) and row["void"] == len(on) - len(played)
        assert row["model_mae"] == pytest.approx(
            (scored["predicted_points"] - scored["box_points"]).abs().mean()
        )
        assert row["last_10_mae"] == pytest.approx(
            (scored["last_10_avg"] - scored["box_points"]).abs().mean()
        )
        # the prediction is last 10 + 1.5 wherever a last 10 exists
        assert row["model_mae"] != row["last_10_mae"]


def test_a_slate_starts_at_noon_in_new_york():
    """Predictions are kept as made from noon ET of their date (no game tips earlier); a rerun
    before that may replace them. 2025-11-10 noon EST is 17:00 UTC."""
    assert not grading.started("2025-11-10", datetime(2025, 11, 10, 16, 59, tzinfo=timezone.utc))
    assert grading.started("2025-11-10", datetime(2025, 11, 10, 17, 0, tzinfo=timezone.utc))
    assert grading.started("2025-11-09", datetime(2025, 11, 10, 6, 0, tzinfo=timezone.utc))
    # summer time: noon EDT is 16:00 UTC
    assert grading.started("2025-06-13", datetime(2025, 6, 13, 16, 0, tzinfo=timezone.utc))
    assert not grading.started("2025-06-13", datetime(2025, 6, 13, 15, 59, tzinfo=timezone.utc))
