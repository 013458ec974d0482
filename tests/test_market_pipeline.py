"""The market in Dagster, end to end: ``nba-backfill`` over a real slice with the real prop lines
(the first weeks of 2024-25, whose threes lines are graded without a model, then the first three
weeks of 2025-26, whose points lines meet the walk-forward predictions), in a fresh instance,
warehouse and model folder; then what it left behind and what a rerun may not change."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd
import pytest

from asset_checks.thresholds import EDGE_THRESHOLD
from nba_assets import keys

from helpers import (
    REAL_DATES,
    latest_evaluation,
    new_home,
    real_frame,
    run_backfill,
    warehouse_frame,
    write_raw_folder,
)

SLICE = [
    k for k in REAL_DATES if "2024-10-22" <= k <= "2024-12-10" or "2025-10-21" <= k <= "2025-11-09"
]
PUSH_DATE = "2025-10-31"  # Royce O'Neale: books at 12.5 and 13.5 (median 13.0), he scored 13


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("market")
    home = new_home(root)
    write_raw_folder(root / "raw", SLICE)
    lines = real_frame("prop_lines.parquet")
    eastern = pd.to_datetime(lines["game_time"], utc=True).dt.tz_convert("US/Eastern")
    lines[eastern.dt.strftime("%Y-%m-%d").isin(SLICE)].to_parquet(
        root / "raw" / "prop_lines.parquet", index=False
    )
    done = run_backfill(root)
    with pytest.MonkeyPatch.context() as env_patch:
        env_patch.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.from_config(str(home)) as instance:
            yield root, done, instance


def test_backfill_grades_the_market_and_prints_the_table(built):
    root, done, _ = built
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Model vs market over" in done.stdout, done.stdout[-3000:]
    assert "| consensus line |" in done.stdout
    graded = warehouse_frame(
        root,
        "SELECT market, count(DISTINCT game_date) AS dates, count(*) AS n "
        "FROM nba_ml.prop_results GROUP BY market ORDER BY market",
    )
    by_market = dict(zip(graded["market"], graded["dates"], strict=True))
    assert by_market["player_points"] == 20  # every 2025-26 date of the bundle
    assert by_market["player_threes"] > 40  # 2024-25 without a model, and 2025-26


def test_every_book_name_of_the_points_lines_is_matched(built):
    root, _, instance = built
    unmatched = warehouse_frame(
        root,
        "SELECT * FROM nba_analytics.prop_lines_consensus "
        "WHERE market = 'player_points' AND player_id IS NULL",
    )
    assert unmatched.empty, unmatched[["game_date", "book_names"]].head()
    check = dg.AssetCheckKey(keys.PROP_LINES_CONSENSUS, "matched_names")
    assert latest_evaluation(instance, check, "2025-11-09").passed


def test_edges_use_pre_game_lines_and_versions_trained_before_the_date(built):
    root, _, instance = built
    edges = warehouse_frame(root, "SELECT * FROM nba_ml.prop_edges")
    assert len(edges) > 1000
    assert (edges["snapshot_at"] < edges["tip_off"]).all()
    assert (edges["trained_through"] < edges["game_date"]).all()
    assert (edges["edge"] == edges["predicted_points"] - edges["consensus_line"]).all()
    sides = edges.set_index(edges["edge"].abs() >= EDGE_THRESHOLD)["side"]
    assert set(sides.loc[True]) <= {"over", "under"} and set(sides.loc[False]) == {"no_bet"}
    assert edges["model_over_prob"].between(0, 1).all()
    # the model's probability of the over falls as the line rises above the prediction
    assert edges.loc[edges["edge"] > 3, "model_over_prob"].mean() > 0.5
    assert edges.loc[edges["edge"] < -3, "model_over_prob"].mean() < 0.5
    predictions = warehouse_frame(root, "SELECT * FROM nba_ml.player_points_predictions")
    joined = edges.merge(predictions, on=["game_date", "player_id"], suffixes=("", "_made"))
    assert len(joined) == len(edges)
    assert (joined["predicted_points"] == joined["predicted_points_made"]).all()
    for name in ("lines_before_tip", "trained_before_date"):
        check = dg.AssetCheckKey(keys.PROP_EDGES, name)
        assert latest_evaluation(instance, check, "2025-11-03").passed


def test_a_push_a_void_and_the_honesty_checks(built):
    root, _, instance = built
    results = warehouse_frame(
        root, f"SELECT * FROM nba_ml.prop_results WHERE game_date = '{PUSH_DATE}'"
    )
    oneale = results[
        (results["player_name"] == "Royce O'Neale") & (results["market"] == "player_points")
    ]
    assert oneale[["consensus_line", "actual", "outcome"]].values.tolist() == [[13.0, 13.0, "push"]]
    assert oneale["bet_outcome"].iloc[0] in ("push", "no_bet")
    box = real_frame("player_boxscores.parquet")
    played = box[(box["game_date"] == PUSH_DATE)]
    minutes = played["min"].fillna("").str.split(":").str[0].replace("", "0").astype(float)
    played_ids = set(played.loc[minutes > 0, "player_id"])
    void = results[~results["player_id"].isin(played_ids)]
    assert len(void) and set(void["outcome"]) == {"void"} and void["actual"].isna().all()
    assert set(void["bet_outcome"]) <= {"void", "no_bet"}
    for name in ("graded_as_made", "never_regraded"):
        check = dg.AssetCheckKey(keys.PROP_RESULTS, name)
        assert latest_evaluation(instance, check, PUSH_DATE).passed


def test_market_evaluation_compares_the_same_rows(built):
    root, _, instance = built
    event = instance.get_latest_materialization_event(keys.MARKET_EVALUATION)
    meta = event.asset_materialization.metadata
    results = warehouse_frame(
        root,
        "SELECT * FROM nba_ml.prop_results WHERE market = 'player_points' AND outcome <> 'void' "
        "AND predicted_points IS NOT NULL AND last_10_avg IS NOT NULL",
    )
    assert meta["rows"].value == len(results)
    shown = 0.0005  # the page rounds MAEs and shares to 3 decimals
    assert meta["model_mae"].value == pytest.approx(results["model_error"].mean(), abs=shown)
    assert meta["line_mae"].value == pytest.approx(results["line_error"].mean(), abs=shown)
    assert meta["last_10_mae"].value == pytest.approx(results["last_10_error"].mean(), abs=shown)
    settled = results[results["bet_outcome"].isin(["win", "loss"])]
    assert meta["hit_rate"].value == pytest.approx(
        (settled["bet_outcome"] == "win").mean(), abs=shown
    )
    assert "break-even at -110: 52.4%" in meta["evaluation"].value
    # the two weekly pictures (MAEs, hit rate), as images the UI's markdown renders
    assert meta["evaluation"].value.count("](data:image/svg+xml;base64,") == 2
    weeks = warehouse_frame(
        root, "SELECT * FROM nba_ml.market_evaluation WHERE market = 'player_points'"
    )
    assert len(weeks) == 3 and weeks["rows"].sum() == len(results)


def test_a_graded_row_is_never_regraded_with_another_prediction(built):
    """A rerun of a started date keeps its edges as made; a stored grading whose prediction
    differs from what the rerun computes is kept and ``never_regraded`` fails, naming the
    player."""
    root, _, instance = built
    day = "2025-11-09"
    with duckdb.connect(str(root / "w.duckdb")) as conn:
        name = conn.execute(
            "SELECT player_name FROM nba_ml.prop_results WHERE game_date = ? AND "
            "predicted_points IS NOT NULL ORDER BY player_id LIMIT 1",
            [day],
        ).fetchone()[0]
        conn.execute(
            "UPDATE nba_ml.prop_results SET predicted_points = 99.0 "
            "WHERE game_date = ? AND player_name = ? AND market = 'player_points'",
            [day, name],
        )
    made = warehouse_frame(root, f"SELECT * FROM nba_ml.prop_edges WHERE game_date = '{day}'")
    done = run_backfill(root, "--start", day, "--model", "keep")
    assert done.returncode == 0, done.stdout[-3000:]
    # the date's slate has started: its edges are written back as they were made
    again = warehouse_frame(root, f"SELECT * FROM nba_ml.prop_edges WHERE game_date = '{day}'")
    order = ["player_id"]
    pd.testing.assert_frame_equal(
        made.sort_values(order).reset_index(drop=True),
        again.sort_values(order).reset_index(drop=True),
    )
    check = dg.AssetCheckKey(keys.PROP_RESULTS, "never_regraded")
    evaluation = latest_evaluation(instance, check, day)
    assert not evaluation.passed and name in evaluation.description
    kept = warehouse_frame(
        root,
        f"SELECT predicted_points FROM nba_ml.prop_results WHERE game_date = '{day}' "
        f"AND player_name = '{name.replace(chr(39), chr(39) * 2)}' AND market = 'player_points'",
    )
    assert kept["predicted_points"].tolist() == [99.0]
