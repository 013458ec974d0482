"""The model in Dagster, end to end: ``nba-backfill`` over a small real slice (two seasons) in a
fresh instance, warehouse and model folder, then what it left behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from basketball import model
from nba_assets import keys
from resources.dagster_internals import latest_check_evaluation

from helpers import REAL_DATES, backfill_env, latest_evaluation, write_raw_folder

PROJECT = Path(__file__).resolve().parent.parent
SLICE = [
    k
    for k in REAL_DATES
    if "2022-10-18" <= k <= "2022-12-10"
    or "2023-06-01" <= k <= "2023-06-12"
    or "2023-10-24" <= k <= "2023-11-12"
]
# the 2023 Finals' last game: its player rows are dropped, so the date is held back
SEASON_END = "2023-06-12"


def _no_players_on_the_last_date(frames):
    players = frames["player_boxscores.parquet"]
    frames["player_boxscores.parquet"] = players[players["game_date"] != SEASON_END]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("ml")
    home = root / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT / "dagster_home" / "dagster.yaml").read_text())
    write_raw_folder(root / "raw", SLICE, _no_players_on_the_last_date)
    done = subprocess.run(
        [sys.executable, "-m", "nba_assets.backfill", "--workers", "1"],
        cwd=PROJECT,
        env=backfill_env(root),
        capture_output=True,
        text=True,
        timeout=900,
    )
    with pytest.MonkeyPatch.context() as env_patch:
        env_patch.setenv(
            "DAGSTER_HOME", str(home)
        )  # the project's event log storage lives under it
        with dg.DagsterInstance.from_config(str(home)) as instance:
            yield root, done, instance


def frame(root: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(root / "w.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchdf()


def test_backfill_trains_stores_and_predicts(trained):
    root, done, instance = trained
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Points model" in done.stdout
    version = json.loads((root / "models" / "latest.json").read_text())["version"]
    card = json.loads((root / "models" / version / "model_card.json").read_text())
    assert card["features"] == model.FEATURES and card["test_season"] == 2023
    assert card["train_dates"][1] < card["valid_dates"][0] and card["valid_dates"][1] < "2023-10-24"
    event = instance.get_latest_materialization_event(keys.POINTS_MODEL)
    assert event.asset_materialization.metadata["model_version"].value == version
    for name in ("evaluation", "feature_importance", "error_breakdown"):
        assert event.asset_materialization.metadata[name].value.startswith("| ")


def test_the_model_trains_on_the_dates_that_passed_and_names_the_one_left_out(trained):
    """The season's last date is held back (no player rows): the model still trains, on the
    other dates, and its card and metadata say which date was left out and why."""
    root, done, instance = trained
    assert f"{SEASON_END}: " in done.stdout and "Held back" in done.stdout
    version = json.loads((root / "models" / "latest.json").read_text())["version"]
    card = json.loads((root / "models" / version / "model_card.json").read_text())
    assert list(card["dates_left_out"]) == [SEASON_END]
    assert "player_game_summary" in card["dates_left_out"][SEASON_END]
    metadata = instance.get_latest_materialization_event(
        keys.POINTS_MODEL
    ).asset_materialization.metadata
    assert (
        metadata["dates_left_out"].value == 1 and SEASON_END in metadata["dates_left_out_why"].value
    )
    assert (
        frame(
            root, f"SELECT count(*) AS n FROM nba_ml.feature_rows WHERE game_date = '{SEASON_END}'"
        )["n"][0]
        == 0
    )


def test_model_checks_are_recorded_with_the_model(trained):
    _, _, instance = trained
    checks = [
        dg.AssetCheckKey(keys.POINTS_MODEL, n)
        for n in ("beats_baselines", "training_precedes_evaluation", "train_eval_mae_gap")
    ]
    latest = {c: latest_check_evaluation(instance, c) for c in checks}
    run_id = instance.get_latest_materialization_event(keys.POINTS_MODEL).run_id
    assert all(latest[c][0] == run_id for c in checks)
    precedes = latest[checks[1]][1]
    first, last = (
        precedes.metadata[k].value for k in ("first_evaluation_date", "last_training_date")
    )
    assert precedes.passed and last < "2023-10-24" <= first


def test_evaluation_table_scores_every_predictor_on_the_same_rows(trained):
    root, _, _ = trained
    table = frame(root, "SELECT * FROM nba_ml.model_evaluation")
    assert set(zip(table["population"], table["predictor"], strict=True)) == {
        (p, q) for p in ("all_played", "rotation") for q in ("model", *model.BASELINES)
    }
    assert table.groupby("population")["n_rows"].nunique().eq(1).all()
    played = frame(
        root, "SELECT * FROM nba_ml.feature_rows WHERE season = 2023 AND minutes_played > 0"
    )
    assert table.loc[table["population"] == "all_played", "n_rows"].iloc[0] == len(
        model.evaluation_rows(played)
    )


def test_predictions_come_from_the_stored_artifact(trained):
    """Every feature row has a prediction of the current version, equal to what the stored booster
    predicts from the stored feature row; actual points and the error once played."""
    root, _, instance = trained
    version = json.loads((root / "models" / "latest.json").read_text())["version"]
    predictions = frame(
        root, "SELECT * FROM nba_ml.player_points_predictions ORDER BY game_date, player_id"
    )
    rows = frame(root, "SELECT * FROM nba_ml.feature_rows ORDER BY game_date, player_id")
    assert len(predictions) == len(rows) and set(predictions["model_version"]) == {version}
    booster = model.load_booster((root / "models" / version / "booster.json").read_bytes())
    assert (
        predictions["predicted_points"].to_numpy() == model.predict(booster, rows).to_numpy()
    ).all()
    played = rows["minutes_played"] > 0
    assert (
        predictions.loc[played, "error"].notna().all()
        and predictions.loc[~played, "error"].isna().all()
    )
    assert (predictions.loc[predictions["season"] == 2023, "in_training_period"] == False).all()  # noqa: E712
    assert latest_evaluation(
        instance, dg.AssetCheckKey(keys.PLAYER_POINTS_PREDICTIONS, "value_range"), SLICE[-1]
    ).passed


def test_feature_rows_checks_pass_on_every_date(trained):
    _, _, instance = trained
    for name in ("one_row_per_player", "pre_game_values"):
        check = dg.AssetCheckKey(keys.FEATURE_ROWS, name)
        assert all(latest_evaluation(instance, check, day).passed for day in (SLICE[20], SLICE[-1]))


def test_predictions_without_a_trained_model_are_refused(trained):
    """With the model's materializations wiped, a predictions run fails naming the missing model."""
    root, _, instance = trained
    instance.wipe_assets([keys.POINTS_MODEL])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster",
            "asset",
            "materialize",
            "-m",
            "nba_assets.definitions",
            "--select",
            keys.PLAYER_POINTS_PREDICTIONS.to_user_string(),
            "--partition",
            SLICE[-1],
        ],
        cwd=PROJECT,
        env=backfill_env(root),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode != 0 and "nba_ml/points_model was never materialized" in done.stderr


def test_a_model_that_loses_to_a_baseline_blocks_the_predictions(trained):
    """Retrained with one boosting round (a model barely off its base score), the model loses to
    the last-10 average: its check fails, and a later predictions run refuses to use it, naming
    the version and the check. Runs last: it replaces the module's model."""
    root, _, instance = trained
    env = backfill_env(root)
    config = root / "one_round.json"
    config.write_text(json.dumps({"ops": {"points_model": {"config": {"num_boost_round": 1}}}}))
    trained_again = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster",
            "job",
            "execute",
            "-m",
            "nba_assets.definitions",
            "-j",
            "train_points_model",
            "--config",
            str(config),
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert trained_again.returncode != 0 and "beats_baselines" in trained_again.stderr
    check = dg.AssetCheckKey(keys.POINTS_MODEL, "beats_baselines")
    _, evaluation = latest_check_evaluation(instance, check)
    assert evaluation is not None and not evaluation.passed
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nba_assets.backfill",
            "--start",
            SLICE[-1],
            "--end",
            SLICE[-1],
            "--workers",
            "1",
            "--model",
            "keep",
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    version = json.loads((root / "models" / "latest.json").read_text())["version"]
    assert (
        f"model {version}" in done.stdout and "check 'beats_baselines' did not pass" in done.stdout
    ), done.stdout
    predictions = frame(root, "SELECT DISTINCT model_version FROM nba_ml.player_points_predictions")
    assert version not in set(predictions["model_version"])
