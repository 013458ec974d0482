"""The model in Dagster, end to end: ``nba-backfill`` over a small real slice (two seasons) in a
fresh instance, warehouse and model folder, then what it left behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from basketball import model
from nba_assets import keys
from resources.dagster_internals import latest_check_evaluation

from helpers import (
    PROJECT,
    REAL_DATES,
    backfill_env,
    latest_evaluation,
    new_home,
    real_frame,
    run_backfill,
    warehouse_frame,
    write_raw_folder,
)

SLICE = [
    k
    for k in REAL_DATES
    if "2022-10-18" <= k <= "2022-12-10"
    or "2023-06-01" <= k <= "2023-06-12"
    or "2023-10-24" <= k <= "2023-11-12"
]
# the 2023 Finals' last game: its player rows are dropped, so the date is held back
SEASON_END = "2023-06-12"
# tonight: the day after the last played date, a Monday, in the folder as a published schedule
SLATE = "2023-11-13"


def _no_players_on_the_last_date(frames):
    players = frames["player_boxscores.parquet"]
    frames["player_boxscores.parquet"] = players[players["game_date"] != SEASON_END]


def published_schedule(day: str, status: str) -> pd.DataFrame:
    """The real games.parquet rows of ``day`` as the bundle publishes a schedule (README, §5):
    the nba.com game id as an integer, ``status`` (``Scheduled``), period and scores 0."""
    games = real_frame("games.parquet")
    games = games[games["date"] == day].drop_duplicates("id")
    teams = real_frame("team_boxscores.parquet")
    home = teams[(teams["game_date"] == day) & teams["matchup"].str.contains(" vs. ")]
    nba_id = dict(zip(home["team_abbreviation"], home["game_id"].astype(int), strict=True))
    return games.assign(
        id=games["home_team_abbreviation"].map(nba_id).astype("int64"),
        status=status,
        period=0.0,
        time=None,
        home_team_score=0.0,
        visitor_team_score=0.0,
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The slice through 2023-11-12 and 2023-11-13 as tonight's published schedule, backfilled."""
    root = tmp_path_factory.mktemp("ml")
    home = new_home(root)
    write_raw_folder(root / "raw", SLICE, _no_players_on_the_last_date)
    published_schedule(SLATE, "Scheduled").to_parquet(root / "raw" / "games.parquet", index=False)
    done = run_backfill(root)
    with pytest.MonkeyPatch.context() as env_patch:
        env_patch.setenv(
            "DAGSTER_HOME", str(home)
        )  # the project's event log storage lives under it
        with dg.DagsterInstance.from_config(str(home)) as instance:
            yield root, done, instance


def _card(root: Path, version: str) -> dict:
    return json.loads((root / "models" / version / "model_card.json").read_text())


def test_backfill_trains_walk_forward_versions_and_predicts(trained):
    """One version per season opener after the first and per Monday of the latest season up to
    the as-of date; each trained (and validated) only on dates before the first date it
    predicts."""
    root, done, instance = trained
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Points model" in done.stdout
    event = instance.get_latest_materialization_event(keys.POINTS_MODEL)
    versions = event.asset_materialization.metadata["walk_forward"].value
    # the 2023-24 opener's version starts at the season's first date with feature rows (a team's
    # first game has no roster: 2023-10-24 and -25 have none)
    opener = warehouse_frame(
        root, "SELECT min(game_date)::VARCHAR AS d FROM nba_ml.feature_rows WHERE season = 2023"
    )["d"][0]
    assert "2023-10-24" < opener < "2023-10-30"
    assert [v["cutoff"] for v in versions] == [opener, "2023-10-30", "2023-11-06", SLATE]
    for v in versions:
        card = _card(root, v["version"])
        assert card["features"] == model.FEATURES and card["cutoff"] == v["cutoff"]
        assert card["train_dates"][1] < card["valid_dates"][0]
        assert card["valid_dates"][1] == v["trained_through"] < v["cutoff"]
    latest = json.loads((root / "models" / "latest.json").read_text())["version"]
    assert event.asset_materialization.metadata["model_version"].value == latest
    assert latest == versions[-1]["version"]
    for name in ("evaluation", "feature_importance", "error_breakdown", "versions"):
        assert event.asset_materialization.metadata[name].value.startswith("| ")
    # the model page: seasons as a reader writes them, and its two pictures (feature importance,
    # walk-forward MAE per week against the baselines) with the weekly numbers
    page = event.asset_materialization.metadata
    assert page["test_season"].value == "2023-24"
    assert "| 2023-24 | " in page["versions"].value
    assert page["charts"].value.count("](data:image/svg+xml;base64,") == 2
    assert "| week | n_rows | model | last_10_avg |" in page["charts"].value


def test_tonights_slate_is_predicted_before_it_is_played(trained):
    """2023-11-13 has no box score yet: every team scheduled on it has at least 8 expected
    players with a prediction, by the version trained through the day before; the raw and
    analytics partitions are empty and pass as "not played yet"."""
    root, done, instance = trained
    assert f"Slate of {SLATE}: 4 games" in done.stdout, done.stdout[-2000:]
    slate = warehouse_frame(
        root, f"SELECT * FROM nba_ml.player_points_predictions WHERE game_date = '{SLATE}'"
    )
    teams = real_frame("team_boxscores.parquet")
    scheduled = set(teams.loc[teams["game_date"] == SLATE, "team_abbreviation"])
    assert set(slate["team_abbr"]) == scheduled
    assert slate.groupby("team_abbr").size().min() >= 8
    assert set(slate["model_cutoff"].astype(str)) == {SLATE}
    assert (slate["trained_through"].astype(str) == "2023-11-12").all()
    assert not slate["made_pre_game"].any()  # made today for a date of 2023: a replay
    rows = warehouse_frame(root, f"SELECT * FROM nba_ml.feature_rows WHERE game_date = '{SLATE}'")
    assert len(rows) == len(slate) and rows["points"].isna().all()
    for check in (
        dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "shipped_values"),
        dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, "schedule_complete"),
        dg.AssetCheckKey(keys.SCHEDULE, "results_due"),
    ):
        evaluation = latest_evaluation(instance, check, SLATE)
        assert evaluation.passed and "not played yet" in evaluation.description, check
    assert (
        warehouse_frame(
            root, f"SELECT count(*) AS n FROM nba_ml.prediction_results WHERE game_date = '{SLATE}'"
        )["n"][0]
        == 0
    )


def test_every_prediction_was_made_by_a_model_trained_before_its_date(trained):
    root, _, instance = trained
    p = warehouse_frame(root, "SELECT * FROM nba_ml.player_points_predictions")
    assert len(p) and (p["trained_through"] < p["game_date"]).all()
    assert (p["model_cutoff"] <= p["game_date"]).all()
    assert p["game_date"].min() > pd.Timestamp("2023-10-24")  # no version before 2023-24
    day = warehouse_frame(
        root, "SELECT min(game_date)::VARCHAR AS d FROM nba_ml.feature_rows WHERE season = 2022"
    )["d"][0]
    first = latest_evaluation(
        instance, dg.AssetCheckKey(keys.PLAYER_POINTS_PREDICTIONS, "covers_feature_rows"), day
    )
    assert first.passed and "no walk-forward version" in first.description


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
        warehouse_frame(
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
    assert precedes.passed and precedes.metadata["versions"].value == 4


def test_evaluation_table_scores_every_predictor_on_the_same_rows(trained):
    root, _, _ = trained
    table = warehouse_frame(root, "SELECT * FROM nba_ml.model_evaluation")
    assert set(zip(table["population"], table["predictor"], strict=True)) == {
        (p, q) for p in ("all_played", "rotation") for q in ("model", *model.BASELINES)
    }
    assert table.groupby("population")["n_rows"].nunique().eq(1).all()
    played = warehouse_frame(
        root, "SELECT * FROM nba_ml.feature_rows WHERE season = 2023 AND minutes_played > 0"
    )
    assert table.loc[table["population"] == "all_played", "n_rows"].iloc[0] == len(
        model.evaluation_rows(played)
    )


def test_predictions_come_from_the_stored_artifacts(trained):
    """Every feature row from the first cutoff on has one prediction, by the version whose
    cutoff is the latest on or before its date, equal to what that stored booster predicts."""
    root, _, instance = trained
    versions = (
        instance.get_latest_materialization_event(keys.POINTS_MODEL)
        .asset_materialization.metadata["walk_forward"]
        .value
    )
    predictions = warehouse_frame(
        root, "SELECT * FROM nba_ml.player_points_predictions ORDER BY game_date, player_id"
    )
    rows = warehouse_frame(
        root,
        "SELECT * FROM nba_ml.feature_rows WHERE season = 2023 ORDER BY game_date, player_id",
    )
    assert len(predictions) == len(rows)
    cutoffs = [v["cutoff"] for v in versions]
    for v, nxt in zip(versions, [*cutoffs[1:], "9999-12-31"], strict=True):
        days = rows["game_date"].astype(str)
        mine = ((days >= v["cutoff"]) & (days < nxt)).to_numpy()
        assert set(predictions.loc[mine, "model_version"]) <= {v["version"]}
        booster = model.load_booster((root / "models" / v["version"] / "booster.json").read_bytes())
        assert (
            predictions.loc[mine, "predicted_points"].to_numpy()
            == model.predict(booster, rows[mine]).to_numpy()
        ).all()
    assert latest_evaluation(
        instance, dg.AssetCheckKey(keys.PLAYER_POINTS_PREDICTIONS, "value_range"), SLICE[-1]
    ).passed


def test_feature_rows_checks_pass_on_every_date(trained):
    _, _, instance = trained
    for name in ("one_row_per_player", "pre_game_values"):
        check = dg.AssetCheckKey(keys.FEATURE_ROWS, name)
        assert all(latest_evaluation(instance, check, day).passed for day in (SLICE[20], SLICE[-1]))


@pytest.fixture(scope="module")
def graded(trained):
    """The morning after: 2023-11-13's box scores arrive and its games are final; the backfill
    runs again. Returns (root, run, the slate's predictions before it)."""
    root, _, _ = trained
    before = warehouse_frame(
        root,
        f"SELECT * FROM nba_ml.player_points_predictions WHERE game_date = '{SLATE}' "
        "ORDER BY player_id",
    )
    raw = root / "raw"
    for name, column in (
        ("player_boxscores.parquet", "game_date"),
        ("team_boxscores.parquet", "game_date"),
    ):
        shipped = pd.read_parquet(raw / name)
        real = real_frame(name)
        pd.concat([shipped, real[real[column] == SLATE]], ignore_index=True).to_parquet(
            raw / name, index=False
        )
    published_schedule(SLATE, "Final").to_parquet(raw / "games.parquet", index=False)
    return root, run_backfill(root), before


def test_grading_keeps_the_predictions_as_made(graded):
    root, done, before = graded
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    after = warehouse_frame(
        root,
        f"SELECT * FROM nba_ml.player_points_predictions WHERE game_date = '{SLATE}' "
        "ORDER BY player_id",
    )
    pd.testing.assert_frame_equal(after, before)


def test_the_slate_is_graded_against_the_box_scores(graded):
    """Each prediction of 2023-11-13 has one result: played (the real points, the error by
    hand) or void (expected, did not play: no error)."""
    root, _, before = graded
    results = warehouse_frame(
        root, f"SELECT * FROM nba_ml.prediction_results WHERE game_date = '{SLATE}'"
    ).set_index("player_id")
    assert sorted(results.index) == sorted(before["player_id"])
    box = real_frame("player_boxscores.parquet")
    box = box[box["game_date"] == SLATE].set_index("player_id")
    minutes = box["min"].replace("", "0").astype(int)
    played = minutes[minutes > 0].index.intersection(results.index)
    assert len(played) >= 60
    assert (results.loc[played, "outcome"] == "played").all()
    assert (results.loc[played, "actual_points"] == box.loc[played, "pts"].astype(int)).all()
    predicted = before.set_index("player_id")["predicted_points"]
    assert (results.loc[played, "error"] == predicted[played] - box.loc[played, "pts"]).all()
    void = results.index.difference(played)
    assert len(void) and (results.loc[void, "outcome"] == "void").all()
    assert results.loc[void, "error"].isna().all()


NEXT = "2023-11-14"  # the morning after the slate: its games published, not played
MORNING_TICK = f"""
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

sys.path.insert(0, "tests")
from helpers import tick
from nba_assets.definitions import RESOURCES, defs
from nba_assets.partitions import register_game_dates

with dg.DagsterInstance.get() as instance:
    # what the game_dates sensor does, then the 10:00 tick and the run it requests
    register_game_dates(instance, RESOURCES["raw_source"].game_dates(date.fromisoformat("{NEXT}")))
    when = datetime.fromisoformat("{NEXT}T10:00").replace(tzinfo=ZoneInfo("America/New_York"))
    [request] = tick("morning_slate", when, instance)
    result = defs.resolve_job_def("morning_slate").execute_in_process(
        instance=instance, tags=request.tags, raise_on_error=False
    )
    print("tags", sorted(request.tags.items()), "success", result.success)
"""


@pytest.fixture(scope="module")
def morning(graded):
    """2023-11-14's games are published; the morning_slate tick of 2023-11-14 runs."""
    root, _, _ = graded
    results = warehouse_frame(
        root, f"SELECT * FROM nba_ml.prediction_results WHERE game_date = '{SLATE}'"
    )
    games = pd.concat(
        [published_schedule(SLATE, "Final"), published_schedule(NEXT, "Scheduled")],
        ignore_index=True,
    )
    games.to_parquet(root / "raw" / "games.parquet", index=False)
    done = subprocess.run(
        [sys.executable, "-c", MORNING_TICK],
        cwd=PROJECT,
        env=backfill_env(root),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return root, done, results


def test_the_morning_tick_grades_last_night_and_predicts_tonight(morning):
    """One ranged run 2023-11-13..14 as of the 14th: the 13th stays graded as it was (same
    predictions, same results), the 14th is predicted before its box scores exist."""
    root, done, results = morning
    assert "success True" in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"('dagster/asset_partition_range_end', '{NEXT}')" in done.stdout
    assert f"('dagster/asset_partition_range_start', '{SLATE}')" in done.stdout
    again = warehouse_frame(
        root, f"SELECT * FROM nba_ml.prediction_results WHERE game_date = '{SLATE}'"
    )
    pd.testing.assert_frame_equal(
        again.sort_values("player_id", ignore_index=True),
        results.sort_values("player_id", ignore_index=True),
    )
    tonight = warehouse_frame(
        root, f"SELECT * FROM nba_ml.player_points_predictions WHERE game_date = '{NEXT}'"
    )
    teams = real_frame("team_boxscores.parquet")
    assert set(tonight["team_abbr"]) == set(
        teams.loc[teams["game_date"] == NEXT, "team_abbreviation"]
    )
    assert tonight.groupby("team_abbr").size().min() >= 8
    assert (tonight["trained_through"] < pd.Timestamp(NEXT)).all()


def test_a_retrain_on_the_same_rows_reuses_every_version(morning):
    """The weekly retrain trains only versions whose rows changed: run again on the same rows
    and settings, every version is reused (same ids), and nothing in the store is rewritten."""
    root, _, _ = morning
    with dg.DagsterInstance.from_config(str(root / "home")) as instance:
        before = (
            instance.get_latest_materialization_event(keys.POINTS_MODEL)
            .asset_materialization.metadata["walk_forward"]
            .value
        )
    cards = {p: p.read_bytes() for p in (root / "models").glob("*/model_card.json")}
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "job", "execute", "-m", "nba_assets.definitions"]
        + ["-j", "train_points_model", "--tags", json.dumps({"nba/as_of": SLATE})],
        cwd=PROJECT,
        env=backfill_env(root),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with dg.DagsterInstance.from_config(str(root / "home")) as instance:
        after = (
            instance.get_latest_materialization_event(keys.POINTS_MODEL)
            .asset_materialization.metadata["walk_forward"]
            .value
        )
    assert [v["version"] for v in after] == [v["version"] for v in before]
    assert all(v["reused"] for v in after)
    assert {p: p.read_bytes() for p in (root / "models").glob("*/model_card.json")} == cards


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
    predictions = warehouse_frame(
        root, "SELECT DISTINCT model_version FROM nba_ml.player_points_predictions"
    )
    assert version not in set(predictions["model_version"])
