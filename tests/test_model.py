"""Points model math: baselines by hand, the date split, equal evaluation rows, a reproducible
artifact trained on a small real slice."""

from __future__ import annotations

import pandas as pd
import pytest
import xgboost as xgb

from basketball import model, rolling
from basketball.factors import composite_factors

from helpers import LEAK_DAY, changed_box_scores, history


def test_baselines_worked_example():
    row = pd.DataFrame({"points_l5": [20.0], "points_l10": [18.0], "points_season": [15.0]})
    assert model.BASELINES["last_10_avg"](row).iloc[0] == 18.0
    assert model.BASELINES["season_avg"](row).iloc[0] == 15.0
    # 0.35*20 + 0.40*18 + 0.25*15 = 7 + 7.2 + 3.75
    assert model.BASELINES["blend_l5_l10_season"](row).iloc[0] == pytest.approx(17.95)


def test_scores_worked_example():
    s = model.scores(pd.Series([10.0, 20.0, 30.0, 0.0]), pd.Series([12.0, 14.0, 30.0, 4.0]))
    # errors 2, 6, 0, 4
    assert s == {
        "n_rows": 4,
        "mae": 3.0,
        "rmse": pytest.approx((56 / 4) ** 0.5),
        "within_3_pct": 50.0,
        "within_5_pct": 75.0,
    }


@pytest.fixture(scope="module")
def real_rows() -> pd.DataFrame:
    """Feature rows of 2023-10-24..2023-11-20, the first half relabelled as an earlier season so the
    split has a history to train on."""
    players, team, schedule = history()
    days = sorted(d for d in players["game_date"].unique())
    r = rolling.player_rolling_stats(players, days)
    z = rolling.player_shot_zone_analysis(players, days)
    t = rolling.team_defense_zone_analysis(team, players, schedule, days)
    rows = model.feature_rows(r, composite_factors(r, z, t), z, t, players, team)
    earlier = rows["game_date"] < pd.Timestamp("2023-11-06")
    return rows.assign(season=rows["season"].where(~earlier, 2022), is_bootstrap=False)


def test_split_is_strictly_by_date_and_only_played_games(real_rows):
    split = model.split_by_date(real_rows)
    assert split.test_season == 2023
    assert split.train["game_date"].max() < split.valid["game_date"].min()
    assert split.valid["game_date"].max() < split.test["game_date"].min()
    assert not set(split.test["game_date"]) & (
        set(split.train["game_date"]) | set(split.valid["game_date"])
    )
    for part in (split.train, split.valid, split.test):
        assert (part["minutes_played"] > 0).all()


def test_the_model_depends_on_the_rows_not_on_their_order(real_rows):
    """The warehouse returns rows in the order parallel writers inserted them; the same rows in
    another order must train the same booster (row subsampling depends on order)."""
    shuffled = real_rows.sample(frac=1.0, random_state=3).reset_index(drop=True)
    assert not shuffled["game_date"].is_monotonic_increasing
    first = model.booster_bytes(model.train(model.split_by_date(real_rows), rounds=40))
    assert model.booster_bytes(model.train(model.split_by_date(shuffled), rounds=40)) == first


def test_bootstrap_dates_never_train(real_rows):
    flagged = real_rows.assign(is_bootstrap=real_rows["game_date"] < pd.Timestamp("2023-10-26"))
    split = model.split_by_date(flagged)
    assert split.train["game_date"].min() >= pd.Timestamp("2023-10-26")
    assert (split.test["game_date"] >= pd.Timestamp("2023-11-06")).all()


def test_artifact_round_trips_and_every_predictor_is_scored_on_the_same_rows(real_rows, tmp_path):
    split = model.split_by_date(real_rows)
    booster = model.train(split, rounds=60)
    again = model.train(split, rounds=60)
    rows = model.evaluation_rows(split.test)
    pd.testing.assert_series_equal(
        model.predict(booster, rows), model.predict(again, rows)
    )  # seeded
    booster.save_model(str(tmp_path / "model.json"))
    loaded = xgb.Booster()
    loaded.load_model(str(tmp_path / "model.json"))
    pd.testing.assert_series_equal(model.predict(booster, rows), model.predict(loaded, rows))
    table = model.evaluate(booster, split)
    assert set(zip(table["population"], table["predictor"], strict=True)) == {
        (pop, pred) for pop in ("all_played", "rotation") for pred in ("model", *model.BASELINES)
    }
    assert table.groupby("population")["n_rows"].nunique().eq(1).all()
    assert table.loc[table["population"] == "all_played", "n_rows"].iloc[0] == len(rows)


def test_changing_d_box_scores_moves_only_the_target_of_d_feature_rows():
    """The feature-row leak test: D's own points, minutes and shots changed; every feature of D is
    identical, and only the target columns (points, minutes_played) move."""
    players, team, schedule = history()
    day = LEAK_DAY
    changed, team_changed = changed_box_scores(day)

    def rows_of(p, t):
        r = rolling.player_rolling_stats(p, [day])
        z = rolling.player_shot_zone_analysis(p, [day])
        d = rolling.team_defense_zone_analysis(t, p, schedule, [day])
        return model.feature_rows(r, composite_factors(r, z, d), z, d, p, t)

    before, after = rows_of(players, team), rows_of(changed, team_changed)
    target = ["points", "minutes_played"]
    pd.testing.assert_frame_equal(before.drop(columns=target), after.drop(columns=target))
    assert (after["points"] - before["points"]).eq(17).all()


def test_predictions_floor_at_zero_and_error_only_for_players_who_played(real_rows):
    split = model.split_by_date(real_rows)
    booster = model.train(split, rounds=60)
    day = real_rows[real_rows["game_date"] == real_rows["game_date"].max()]
    out = model.predictions(booster, day, "v1", "2023-11-05")
    assert len(out) == len(day) and (out["predicted_points"] >= 0).all()
    played = day["minutes_played"].to_numpy() > 0
    assert out["error"].notna().to_numpy().tolist() == played.tolist()
    assert (
        out.loc[played, "error"]
        == out.loc[played, "predicted_points"] - out.loc[played, "actual_points"]
    ).all()
    assert not out["in_training_period"].any()
