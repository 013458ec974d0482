"""The code location's definitions, without running anything: every asset of the graph loads with
its lineage (which tables each table reads) and its partitions (game days only, the model
unpartitioned), the ``all_tables`` job resolves, and the test instance uses the project's own
event-log storage plugin (``resources.event_log_storage``, as ``dagster_home/dagster.yaml`` sets
it). ``NBA_DEPLOYMENT`` alone picks the resources, the kind badges and the raw assets' pool."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from nba_assets import keys
from nba_assets.definitions import defs
from nba_assets.partitions import GAME_DATES

from helpers import REAL_DATES, WEEK

ALL_KEYS = REAL_DATES


def test_definitions_load_with_expected_assets_lineage_and_partitions():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == {
        "nba_raw/player_boxscores",
        "nba_raw/team_boxscores",
        "nba_raw/shots",
        "nba_raw/schedule",
        "nba_analytics/team_offense_game_summary",
        "nba_analytics/player_game_summary",
        "nba_precompute/expected_rosters",
        "nba_precompute/player_rolling_stats",
        "nba_precompute/player_shot_zone_analysis",
        "nba_precompute/team_defense_zone_analysis",
        "nba_precompute/player_composite_factors",
        "nba_ml/feature_rows",
        "nba_ml/points_model",
        "nba_ml/model_evaluation",
        "nba_ml/player_points_predictions",
        "nba_ml/prediction_results",
        "nba_raw/prop_lines",
        "nba_analytics/prop_lines_consensus",
        "nba_ml/prop_edges",
        "nba_ml/prop_results",
        "nba_ml/market_evaluation",
    }
    player_parents = graph.get(keys.PLAYER_GAME_SUMMARY).parent_keys
    assert {keys.TEAM_OFFENSE_GAME_SUMMARY, keys.PLAYER_BOXSCORES, keys.SHOTS} <= set(
        player_parents
    )
    assert {keys.TEAM_BOXSCORES, keys.SCHEDULE} <= set(
        graph.get(keys.TEAM_OFFENSE_GAME_SUMMARY).parent_keys
    )
    # every table is partitioned by game days but the model, trained once from every date, and
    # the market evaluation over every graded date;
    # a day without games is not a partition
    for key in graph.get_all_asset_keys():
        model = key in (keys.POINTS_MODEL, keys.MODEL_EVALUATION, keys.MARKET_EVALUATION)
        assert graph.get(key).partitions_def == (None if model else GAME_DATES)
    assert "2021-12-24" not in ALL_KEYS and "2021-12-25" in ALL_KEYS
    assert "2023-11-07" not in ALL_KEYS and WEEK == [
        "2023-11-01",
        "2023-11-02",
        "2023-11-03",
        "2023-11-04",
        "2023-11-05",
        "2023-11-06",
    ]
    assert defs.resolve_job_def("all_tables") is not None


def test_the_instance_uses_the_project_event_log_storage(instance):
    from resources.event_log_storage import PooledSqliteEventLogStorage

    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    with open(Path(__file__).resolve().parent.parent / "dagster_home" / "dagster.yaml") as f:
        assert "PooledSqliteEventLogStorage" in f.read()


WHAT_THE_LOCATION_USES = (
    "import json; from nba_assets import keys; from nba_assets.definitions import defs; "
    "raw = defs.get_assets_def(keys.PLAYER_BOXSCORES); "
    "lines = defs.get_assets_def(keys.PROP_LINES); "
    "table = defs.get_assets_def(keys.PLAYER_GAME_SUMMARY); "
    "print(json.dumps({'pool': raw.op.pool, 'lines_pool': lines.op.pool, "
    "'kinds': sorted(table.specs_by_key[keys.PLAYER_GAME_SUMMARY].kinds), "
    "'resources': {k: type(v).__name__ for k, v in defs.resources.items() if k != 'lineage'}}))"
)


@pytest.mark.parametrize(
    "deployment, expected",
    [
        (
            "local",
            {
                "pool": None,
                "lines_pool": None,
                "kinds": ["duckdb", "pandas"],
                "resources": {
                    "io_manager": "WarehouseDuckDBIOManager",
                    "warehouse": "DuckDBWarehouse",
                    "raw_source": "RawSource",
                    "model_store": "ModelStore",
                    "prop_source": "RawSource",
                },
            },
        ),
        (
            "live",
            {
                "pool": "nba_api",
                "lines_pool": "odds_api",
                "kinds": ["duckdb", "pandas"],
                "resources": {
                    "io_manager": "WarehouseDuckDBIOManager",
                    "warehouse": "DuckDBWarehouse",
                    "raw_source": "NbaApiSource",
                    "model_store": "ModelStore",
                    "prop_source": "OddsApiSource",
                },
            },
        ),
        (
            "production",
            {
                "pool": "nba_api",
                "lines_pool": "odds_api",
                "kinds": ["bigquery", "pandas"],
                "resources": {
                    "io_manager": "WarehouseBigQueryIOManager",
                    "warehouse": "BigQueryWarehouse",
                    "raw_source": "NbaApiSource",
                    "model_store": "ModelStore",
                    "prop_source": "OddsApiSource",
                },
            },
        ),
    ],
)
def test_one_switch_picks_resources_kinds_and_the_raw_pool(tmp_path, deployment, expected):
    """``NBA_DEPLOYMENT`` alone decides the warehouse, the raw source, the kind badges and the
    nba_api pool, in a fresh process as the code server loads the location."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NBA_", "GCP_"))}
    env.update({"NBA_DEPLOYMENT": deployment, "DAGSTER_HOME": str(tmp_path)})
    done = subprocess.run(
        [sys.executable, "-c", WHAT_THE_LOCATION_USES],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == expected
