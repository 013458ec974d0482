"""Trains the walk-forward points models on the pre-game tables in the DuckDB warehouse
(``NBA_DUCKDB_PATH``, filled by ``make demo``) and prints the evaluation table: every predictor on
the same rows of the latest season, the model's values coming from the version that predicts each
date (trained only on dates before it). The model math of ``nba_ml/points_model`` without
Dagster, for trying features and hyperparameters quickly; only the versions that predict the
latest season are trained (the pipeline also trains the earlier seasons' openers).

    .venv/bin/python benchmarks/model_experiment.py [--as-of YYYY-MM-DD]

``--as-of`` (default: the last played date) sets the versions, as the run's as-of date does.
"""

import argparse
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from basketball import model, walk_forward  # noqa: E402
from resources.warehouse import default_duckdb_path  # noqa: E402

TABLES = [
    "nba_precompute.player_rolling_stats",
    "nba_precompute.player_composite_factors",
    "nba_precompute.player_shot_zone_analysis",
    "nba_precompute.team_defense_zone_analysis",
    "nba_analytics.player_game_summary",
    "nba_analytics.team_offense_game_summary",
]

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--as-of", help="the run's as-of date (default: the last played date)")
    args = parser.parse_args()
    with duckdb.connect(default_duckdb_path(), read_only=True) as conn:
        frames = [conn.execute(f"SELECT * FROM {t}").fetchdf() for t in TABLES]
    rows = model.feature_rows(*frames)
    played = rows[rows["minutes_played"] > 0]
    as_of = args.as_of or f"{pd.to_datetime(played['game_date']).max():%Y-%m-%d}"
    plan = walk_forward.windows(walk_forward.season_openers(played), as_of)
    if not plan:
        sys.exit(f"no walk-forward version up to {as_of}: the warehouse holds one season or none")
    season = walk_forward.split(rows, plan[-1]).test_season
    tested, predicted = [], []
    for window in plan:
        try:
            split = walk_forward.split(rows, window)
        except ValueError as exc:
            print(f"version {window.cutoff:%Y-%m-%d} skipped: {exc}")
            continue
        if split.test_season != season or split.test.empty:
            continue  # predicts an earlier season, or nothing played yet
        started = time.perf_counter()
        booster = model.train(split)
        test = model.evaluation_rows(split.test)
        tested.append(test)
        predicted.append(model.predict(booster, test))
        print(
            f"version {window.cutoff:%Y-%m-%d}: train {len(split.train)} rows, "
            f"valid {len(split.valid)}, test {len(test)} rows: "
            f"{time.perf_counter() - started:.1f} s, best iteration {booster.best_iteration}"
        )
    if not tested:
        sys.exit(f"no version predicts a played date of season {season}")
    test, values = pd.concat(tested), pd.concat(predicted)
    table = model.evaluate_predictions(test, values, season)
    print(f"\ntest season {season}, as of {as_of}:")
    print(table.to_string(index=False))
    for population, pct in model.improvement_over(table, "last_10_avg").items():
        print(f"{population}: model MAE {pct:.2f}% below last_10_avg")
    print()
    print(model.error_breakdown(test, values).to_string(index=False))
