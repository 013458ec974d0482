"""Points model math: baselines by hand, the walk-forward split, equal evaluation rows, a
reproducible artifact trained on a small real slice."""

from __future__ import annotations

import pandas as pd
import pytest
import xgboost as xgb

from basketball import calendar, model, rolling, rosters, walk_forward
from basketball.factors import composite_factors

from helpers import LEAK_DAY, box_score_population, changed_box_scores, history

CUTOFF = pd.Timestamp("2023-11-06")  # the relabelled "earlier season" ends the day before
WINDOW = walk_forward.Window(cutoff=CUTOFF, until=None)


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
    """Feature rows of 2023-10-24..2023-11-20 (every player listed in the box scores), the first
    half relabelled as an earlier season so a version has a history to train on."""
    players, team, schedule = history()
    days = sorted(d for d in players["game_date"].unique())
    pop = box_score_population(players, days)
    r = rolling.player_rolling_stats(players, pop)
    z = rolling.player_shot_zone_analysis(players, pop)
    t = rolling.team_defense_zone_analysis(team, players, schedule, days)
    rows = model.feature_rows(r, composite_factors(r, z, t), z, t, players, team)
    earlier = rows["game_date"] < CUTOFF
    return rows.assign(season=rows["season"].where(~earlier, 2022), is_bootstrap=False)


def test_feature_rows_name_the_player_of_each_row(real_rows):
    players, _, _ = history()
    names = players.drop_duplicates(["game_date", "player_id"]).set_index(
        ["game_date", "player_id"]
    )["player_name"]
    got = real_rows.set_index(["game_date", "player_id"])["player_name"]
    assert got.notna().all()
    assert got.equals(names.reindex(got.index))


def test_split_is_strictly_by_date_and_only_played_games(real_rows):
    split = walk_forward.split(real_rows, WINDOW)
    assert split.test_season == 2023
    assert split.train["game_date"].max() < split.valid["game_date"].min()
    assert split.valid["game_date"].max() < CUTOFF <= split.test["game_date"].min()
    assert not set(split.test["game_date"]) & (
        set(split.train["game_date"]) | set(split.valid["game_date"])
    )
    for part in (split.train, split.valid, split.test):
        assert (part["minutes_played"] > 0).all()
    played = real_rows["minutes_played"] > 0
    assert len(split.test) == (played & (real_rows["game_date"] >= CUTOFF)).sum()
    assert len(split.train) + len(split.valid) == (played & (real_rows["game_date"] < CUTOFF)).sum()


def test_a_window_tests_only_the_dates_up_to_the_next_cutoff(real_rows):
    until = pd.Timestamp("2023-11-13")
    split = walk_forward.split(real_rows, walk_forward.Window(CUTOFF, until))
    played = real_rows["minutes_played"] > 0
    between = real_rows["game_date"].between(CUTOFF, until, inclusive="left")
    assert len(split.test) == (played & between).sum() > 0
    assert split.test["game_date"].max() < until
    assert split.test["game_date"].max() == pd.Timestamp("2023-11-12")  # a game night, by hand


def test_the_model_depends_on_the_rows_not_on_their_order(real_rows):
    """The warehouse returns rows in the order parallel writers inserted them; the same rows in
    another order must train the same booster (row subsampling depends on order)."""
    shuffled = real_rows.sample(frac=1.0, random_state=3).reset_index(drop=True)
    assert not shuffled["game_date"].is_monotonic_increasing
    first = model.booster_bytes(model.train(walk_forward.split(real_rows, WINDOW), rounds=40))
    again = model.booster_bytes(model.train(walk_forward.split(shuffled, WINDOW), rounds=40))
    assert again == first


def test_bootstrap_dates_never_train(real_rows):
    flagged = real_rows.assign(is_bootstrap=real_rows["game_date"] < pd.Timestamp("2023-10-26"))
    split = walk_forward.split(flagged, WINDOW)
    assert split.train["game_date"].min() >= pd.Timestamp("2023-10-26")
    assert (split.test["game_date"] >= CUTOFF).all()


def test_artifact_round_trips_and_every_predictor_is_scored_on_the_same_rows(real_rows, tmp_path):
    split = walk_forward.split(real_rows, WINDOW)
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
    predicted = model.predict(booster, rows)
    table = model.evaluate_predictions(rows, predicted, split.test_season)
    assert set(zip(table["population"], table["predictor"], strict=True)) == {
        (pop, pred) for pop in ("all_played", "rotation") for pred in ("model", *model.BASELINES)
    }
    assert (table["test_season"] == 2023).all()
    assert table.groupby("population")["n_rows"].nunique().eq(1).all()
    assert table.loc[table["population"] == "all_played", "n_rows"].iloc[0] == len(rows)
    rotation = (rows["minutes_l10"] >= 20).sum()
    assert table.loc[table["population"] == "rotation", "n_rows"].iloc[0] == rotation
    # the model's MAE by hand, on the same rows
    model_row = table[(table["population"] == "all_played") & (table["predictor"] == "model")]
    by_hand = (predicted - rows["points"]).abs().mean()
    assert model_row["mae"].iloc[0] == pytest.approx(by_hand)
    last_10 = table[(table["population"] == "all_played") & (table["predictor"] == "last_10_avg")]
    assert last_10["mae"].iloc[0] == pytest.approx(
        (rows["points_l10"] - rows["points"]).abs().mean()
    )


def test_error_breakdown_worked_example():
    rows = pd.DataFrame(
        {
            "points": [4.0, 12.0, 25.0, 8.0],
            "points_l10": [6.0, 10.0, 20.0, 8.0],
            "minutes_l10": [8.0, 15.0, 34.0, 19.5],
        }
    )
    predicted = pd.Series([5.0, 15.0, 22.0, 10.0])
    out = model.error_breakdown(rows, predicted).set_index(["by", "band"])
    # minutes bands: [0,10): row 0 (model 1, last-10 2); [10,20): rows 1, 3 (model 3 and 2,
    # last-10 2 and 0); [30,60): row 2 (model 3, last-10 5); no row in [20,30)
    minutes = out.loc["minutes_l10"]
    assert list(minutes.index) == ["[0, 10)", "[10, 20)", "[30, 60)"]
    assert minutes["n_rows"].tolist() == [1, 2, 1]
    assert minutes["model_mae"].tolist() == [1.0, 2.5, 3.0]
    assert minutes["last_10_mae"].tolist() == [2.0, 1.0, 5.0]
    # points scored: 4 -> [0,5), 8 -> [5,10), 12 -> [10,20), 25 -> [20,30)
    points = out.loc["actual_points"]
    assert list(points.index) == ["[0, 5)", "[5, 10)", "[10, 20)", "[20, 30)"]
    assert points["model_mae"].tolist() == [1.0, 2.0, 3.0, 3.0]


def test_weekly_errors_worked_example():
    """Weeks start on Monday (the weekly retrain's day); every predictor on the same rows."""
    rows = pd.DataFrame(
        {
            "game_date": pd.to_datetime(["2023-11-05", "2023-11-06", "2023-11-12"]),
            "points": [10.0, 20.0, 30.0],
            "points_l5": [10.0, 10.0, 10.0],
            "points_l10": [12.0, 18.0, 26.0],
            "points_season": [10.0, 20.0, 20.0],
        }
    )
    out = model.weekly_errors(rows, pd.Series([11.0, 23.0, 29.0]))
    # Sunday 11-05 is the week of Monday 10-30; 11-06 and 11-12 the week of 11-06
    assert out["week"].dt.strftime("%Y-%m-%d").tolist() == ["2023-10-30", "2023-11-06"]
    assert out["n_rows"].tolist() == [1, 2]
    assert out["model"].tolist() == [1.0, 2.0]  # (3 + 1) / 2
    assert out["last_10_avg"].tolist() == [2.0, 3.0]  # (2 + 4) / 2
    assert out["season_avg"].tolist() == [0.0, 5.0]  # (0 + 10) / 2


def test_markdown_rounds_each_column_as_asked():
    table = pd.DataFrame({"mae": [4.56789], "within_3_pct": [41.2345], "n": [3]})
    assert model.markdown(table, 3, {"within_3_pct": 1}).splitlines()[-1] == (
        "| 4.568 | 41.2 | 3 |"
    )


def test_a_season_reads_as_its_two_years():
    assert [calendar.season_label(s) for s in (2025, 1999, 2009)] == [
        "2025-26",
        "1999-00",
        "2009-10",
    ]


def test_changing_d_box_scores_moves_only_the_target_of_d_feature_rows():
    """The feature-row leak test: D's own points, minutes and shots changed; every feature of D is
    identical, and only the target columns (points, minutes_played) move. For every listed player
    and for D's expected roster (itself built from the box scores, before D)."""
    players, team, schedule = history()
    day = LEAK_DAY
    changed, team_changed = changed_box_scores(day)
    populations = {
        "box scores": lambda p: box_score_population(p, [day]),
        "expected roster": lambda p: rosters.expected_rosters(p, schedule, [day]),
    }

    def rows_of(p, t, population):
        pop = population(p)
        r = rolling.player_rolling_stats(p, pop)
        z = rolling.player_shot_zone_analysis(p, pop)
        d = rolling.team_defense_zone_analysis(t, p, schedule, [day])
        return model.feature_rows(r, composite_factors(r, z, d), z, d, p, t)

    for name, population in populations.items():
        before = rows_of(players, team, population)
        after = rows_of(changed, team_changed, population)
        assert len(before) > 200, name
        target = ["points", "minutes_played"]
        pd.testing.assert_frame_equal(before.drop(columns=target), after.drop(columns=target))
        listed = before["points"].notna()  # an expected player without a row on D: no target
        assert listed.any() and (after["points"].isna() == ~listed).all(), name
        assert (after.loc[listed, "points"] - before.loc[listed, "points"]).eq(17).all(), name
        assert (
            (after.loc[listed, "minutes_played"] - before.loc[listed, "minutes_played"])
            .eq(11)
            .all()
        ), name


def test_predictions_floor_at_zero_and_carry_the_version(real_rows):
    split = walk_forward.split(real_rows, WINDOW)
    booster = model.train(split, rounds=60)
    day = real_rows[real_rows["game_date"] == real_rows["game_date"].max()]
    out = model.predictions(booster, day, "v1", "2023-11-06", "2023-11-05")
    assert list(out.columns) == [
        *model.PREDICTION_KEYS,
        "model_version",
        "model_cutoff",
        "trained_through",
        "predicted_points",
    ]
    assert len(out) == len(day) and (out["predicted_points"] >= 0).all()
    assert out["player_name"].tolist() == day["player_name"].tolist()
    assert (out["model_version"] == "v1").all()
    assert (out["model_cutoff"] == pd.Timestamp("2023-11-06")).all()
    assert (out["trained_through"] == pd.Timestamp("2023-11-05")).all()
    # the same values as predicting the rows directly, not-played rows included
    assert out["predicted_points"].tolist() == model.predict(booster, day).tolist()
    assert (day["minutes_played"] == 0).any()
    empty = model.predictions(booster, day.iloc[:0], "v1", "2023-11-06", "2023-11-05")
    assert empty.empty and list(empty.columns) == list(out.columns)
