"""Trains the points model on the pre-game tables in the DuckDB warehouse (``NBA_DUCKDB_PATH``,
filled by ``make demo``) and prints the evaluation table: every predictor on the same rows of the
latest season: the model math of ``nba_ml/points_model`` without Dagster, for trying features and
hyperparameters quickly.

    .venv/bin/python benchmarks/model_experiment.py
"""

import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from basketball import model  # noqa: E402
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
    with duckdb.connect(default_duckdb_path(), read_only=True) as conn:
        frames = [conn.execute(f"SELECT * FROM {t}").fetchdf() for t in TABLES]
    rows = model.feature_rows(*frames)
    split = model.split_by_date(rows)
    started = time.perf_counter()
    booster = model.train(split)
    print(
        f"train {len(split.train)} rows, valid {len(split.valid)}, "
        f"test season {split.test_season}: "
        f"{time.perf_counter() - started:.1f} s, best iteration {booster.best_iteration}"
    )
    table = model.evaluate(booster, split)
    print(table.to_string(index=False))
    for population, rows_ in table.groupby("population"):
        mae = rows_.set_index("predictor")["mae"]
        print(
            f"{population}: model MAE "
            f"{100 * (1 - mae['model'] / mae['last_10_avg']):.2f}% below last_10_avg"
        )
