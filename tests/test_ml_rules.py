"""Model and ML table rules on small hand-made inputs: each fails where it should."""

from __future__ import annotations

import pandas as pd
import pytest

from asset_checks import ml_rules


def evaluation(model_rotation_mae: float) -> pd.DataFrame:
    rows = []
    for population, maes in {
        "all_played": {
            "model": 4.4,
            "last_10_avg": 4.6,
            "season_avg": 4.8,
            "blend_l5_l10_season": 4.5,
        },
        "rotation": {
            "model": model_rotation_mae,
            "last_10_avg": 5.4,
            "season_avg": 5.6,
            "blend_l5_l10_season": 5.3,
        },
    }.items():
        rows += [{"population": population, "predictor": p, "mae": v} for p, v in maes.items()]
    return pd.DataFrame(rows)


def test_beats_baselines_names_the_population_and_baseline_it_loses_to():
    assert ml_rules.beats_baselines(evaluation(5.2)).passed
    lost = ml_rules.beats_baselines(evaluation(5.35))
    assert not lost.passed and lost.severity == "ERROR"
    assert "rotation: model 5.350 >= blend_l5_l10_season 5.300" in lost.description
    assert lost.description.count(">=") == 1  # beaten by nothing else


def test_a_version_trained_on_its_own_dates_fails():
    ok = {"cutoff": "2023-10-24", "trained_through": "2023-06-12", "version": "a"}
    assert ml_rules.versions_precede_their_dates([ok]).passed
    leaky = {"cutoff": "2023-10-30", "trained_through": "2023-10-30", "version": "b"}
    bad = ml_rules.versions_precede_their_dates([ok, leaky])
    assert not bad.passed and "version b trained through 2023-10-30" in bad.description
    assert not ml_rules.versions_precede_their_dates([]).passed


def test_a_prediction_whose_model_saw_its_date_fails():
    frame = keyed(
        game_date=["2023-11-01", "2023-11-02"],
        player_id=[1, 2],
        model_version=["a", "b"],
        trained_through=["2023-10-31", "2023-11-02"],
    )
    out = ml_rules.trained_before_date(frame, ["2023-11-01", "2023-11-02"])
    assert out["2023-11-01"].passed
    assert not out["2023-11-02"].passed and "model b trained through 2023-11-02" in (
        out["2023-11-02"].description
    )


def test_a_train_evaluation_gap_beyond_25_percent_warns():
    assert ml_rules.train_eval_gap(4.0, 4.9).passed  # +22.5%
    gap = ml_rules.train_eval_gap(4.0, 5.1)  # +27.5%
    assert (
        not gap.passed and gap.severity == "WARN" and gap.metadata["gap_pct"] == pytest.approx(27.5)
    )


def keyed(**cols) -> pd.DataFrame:
    return pd.DataFrame(
        {"game_date": pd.to_datetime(["2023-11-15"] * 3), "player_id": [1, 2, 3], **cols}
    )


def test_one_row_per_player_reports_missing_duplicate_and_unexpected_players():
    expected = keyed()
    assert ml_rules.one_row_per_player(expected, expected, ["2023-11-15"], "t")["2023-11-15"].passed
    table = pd.concat([expected.iloc[[0, 0, 1]], keyed().assign(player_id=9).iloc[[0]]])
    outcome = ml_rules.one_row_per_player(table, expected, ["2023-11-15"], "t")["2023-11-15"]
    assert not outcome.passed
    assert set(outcome.metadata["details"]) == {
        "t: duplicate player 1",
        "t: no row for player 3",
        "t: unexpected player 9",
    }


def test_a_feature_that_differs_from_its_pre_game_source_fails():
    source = keyed(points_l10=[10.0, None, 3.0])
    assert ml_rules.same_values(source.copy(), source, ["points_l10"], ["2023-11-15"], "f")[
        "2023-11-15"
    ].passed
    leaked = source.assign(
        points_l10=[10.0, 12.0, 3.0]
    )  # a NULL filled in: not from the pre-game table
    outcome = ml_rules.same_values(leaked, source, ["points_l10"], ["2023-11-15"], "f")[
        "2023-11-15"
    ]
    assert not outcome.passed and outcome.metadata["details"] == [
        "f.points_l10 differs from the pre-game table for player 2"
    ]


def test_predictions_outside_0_to_80_fail():
    ok = keyed(predicted_points=[0.0, 12.5, 80.0])
    assert ml_rules.predictions_in_range(ok, ["2023-11-15"])["2023-11-15"].passed
    bad = ml_rules.predictions_in_range(keyed(predicted_points=[-1.0, None, 81.0]), ["2023-11-15"])[
        "2023-11-15"
    ]
    assert not bad.passed and bad.metadata["problems"] == 3
