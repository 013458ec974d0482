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


def test_every_column_of_every_asset_is_described():
    """The UI's column schema is an analyst's data dictionary: every table declares one (the
    model, a set of boosters, has none) and every column of it says what it holds."""
    graph = defs.resolve_asset_graph()
    blank, undeclared = [], []
    for key in sorted(graph.get_all_asset_keys()):
        schema = graph.get(key).metadata.get("dagster/column_schema")
        if schema is None:
            undeclared += [] if key == keys.POINTS_MODEL else [key.to_user_string()]
            continue
        blank += [
            f"{key.to_user_string()}.{c.name}"
            for c in getattr(schema, "schema", schema).columns
            if not (c.description or "").strip()
        ]
    assert not undeclared, f"no dagster/column_schema: {undeclared}"
    assert not blank, "columns without a description:\n" + "\n".join(blank)


def test_every_asset_has_an_owner_tags_and_a_code_reference():
    """The catalog files every asset (``nba_assets/catalog.py``): an owner, its layer and
    dataset, and the file and line of its code, which exists."""
    graph = defs.resolve_asset_graph()
    missing = []
    for key in sorted(graph.get_all_asset_keys()):
        node, name = graph.get(key), key.to_user_string()
        references = node.metadata.get("dagster/code_references")
        files = [r.file_path for r in references.code_references] if references else []
        if not node.owners:
            missing.append(f"{name}: no owner")
        if node.tags.get("dataset") != key.path[0] or "layer" not in node.tags:
            missing.append(f"{name}: tags {node.tags}")
        if not files or not all(Path(f).is_file() for f in files):
            missing.append(f"{name}: code references {files}")
    assert not missing, "\n".join(missing)
    assert graph.get(keys.POINTS_MODEL).owners == ["team:nba-ml"]
    assert "pre_game" in graph.get(keys.PLAYER_POINTS_PREDICTIONS).tags
    assert "graded" in graph.get(keys.PREDICTION_RESULTS).tags


def test_the_instance_uses_the_project_event_log_storage(instance):
    from resources.event_log_storage import PooledSqliteEventLogStorage

    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    with open(Path(__file__).resolve().parent.parent / "dagster_home" / "dagster.yaml") as f:
        assert "PooledSqliteEventLogStorage" in f.read()


DAYS = dg.DynamicPartitionsDefinition(name="test_days")
CHECKED = dg.AssetKey(["nba_test", "checked"])
OK = dg.AssetCheckKey(CHECKED, "ok")


@dg.asset(
    key=CHECKED,
    partitions_def=DAYS,
    check_specs=[dg.AssetCheckSpec("ok", asset=CHECKED, partitions_def=DAYS)],
)
def _checked(context):
    yield dg.MaterializeResult()
    yield dg.AssetCheckResult(check_name="ok", passed=context.partition_key != "d2")


def test_the_storage_serves_the_stock_check_states_until_the_instance_changes(
    instance, monkeypatch
):
    """The UI's per-date check states come from the plugin's cache, equal to what the stock
    storage computes, before and after another instance on the same files (as a run's process
    would) stores an evaluation, a materialization, or deletes a date; recomputed only then."""
    from resources.dagster_internals import (
        CachingDynamicPartitionsLoader,
        SqliteEventLogStorage,
        check_state_by_date,
        latest_materialization_records,
        target_of,
    )

    stock = SqliteEventLogStorage.get_asset_check_state
    computed = []
    monkeypatch.setattr(
        SqliteEventLogStorage,
        "get_asset_check_state",
        lambda storage, keys: computed.append(keys) or stock(storage, keys),
    )

    def state() -> dict[str, str]:
        """The cached state by date, asserted equal to the stock one (as the webserver asks)."""
        with dg.partition_loading_context(
            dynamic_partitions_store=CachingDynamicPartitionsLoader(instance)
        ):
            ours = instance.event_log_storage.get_asset_check_state([(OK, DAYS)])
            assert ours == stock(instance.event_log_storage, [(OK, DAYS)])
        assert check_state_by_date(instance, OK, DAYS) == {
            key: status.value
            for status, subset in ours[OK].subsets.items()
            for key in subset.subset_value.get_partition_keys()
        }
        return check_state_by_date(instance, OK, DAYS)

    instance.add_dynamic_partitions("test_days", ["d1", "d2", "d3"])
    for day in ("d1", "d2"):  # planned, then evaluated: passed on d1, failed on d2
        assert dg.materialize([_checked], instance=instance, partition_key=day).success
    assert state() == {"d1": "SUCCEEDED", "d2": "FAILED"}
    assert state() == {"d1": "SUCCEEDED", "d2": "FAILED"}
    assert len(computed) == 1  # then every answer came from the cache

    with dg.DagsterInstance.from_ref(instance.get_ref()) as other:
        d2 = latest_materialization_records(other, CHECKED, ["d2"])["d2"]
        other.report_runless_asset_event(
            dg.AssetCheckEvaluation(
                asset_key=CHECKED,
                check_name="ok",
                passed=True,
                partition="d2",
                target_materialization_data=target_of(d2),
            )
        )
        assert state() == {"d1": "SUCCEEDED", "d2": "SUCCEEDED"}
        other.report_runless_asset_event(dg.AssetMaterialization(CHECKED, partition="d1"))
        assert state() == {"d2": "SUCCEEDED"}  # d1's evaluation is of an older materialization
        other.delete_dynamic_partition("test_days", "d2")
        assert state() == {}
    assert len(computed) == 4


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
