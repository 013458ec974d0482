"""Writes to the warehouse, and the reads that feed them: the IO manager enforces each table's
column contract (a reordered frame is written by column name, a frame missing a column or with
an extra one is refused, nothing written), a failed write closes its DuckDB connection, a failing
re-read of a raw file leaves the rows a good run wrote, a missing raw column names the file and
the column, and a raw folder without the shots file yields empty shot partitions."""

from __future__ import annotations

from types import SimpleNamespace

import dagster as dg
import duckdb
import pandas as pd
import pytest

from basketball.tables import build_schedule
from nba_assets import contracts, keys
from nba_assets.partitions import GAME_DATES, register_game_dates
from resources import raw_source as files
from resources.contract import ContractViolation
from resources.raw_source import RawSource
from resources.warehouse import PARTITION_EXPR, TransactionalDuckDbClient, WarehouseDuckDBIOManager

from helpers import D1, D2, REAL_RAW, TABLES, materialized, step_failures


def _probe_asset(frame: pd.DataFrame) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["contract_probe", "schedule"]),
        partitions_def=GAME_DATES,
        metadata={"partition_expr": PARTITION_EXPR, "dagster/column_schema": contracts.SCHEDULE},
    )
    def probe() -> pd.DataFrame:
        return frame

    return probe


def _real_schedule(date: str) -> pd.DataFrame:
    teams = RawSource(raw_dir=REAL_RAW).read(files.TEAM_BOXSCORES, [pd.Timestamp(date).date()])
    return build_schedule(teams)


def _materialize_probe(instance, warehouse, frame, date=D1):
    register_game_dates(instance, [date])
    return dg.materialize(
        [_probe_asset(frame)],
        instance=instance,
        partition_key=date,
        raise_on_error=False,
        resources={"io_manager": WarehouseDuckDBIOManager(database=warehouse)},
    )


def test_reordered_frame_is_written_by_column_name(instance, pipeline):
    schedule = _real_schedule(D1)
    assert list(schedule.columns) != [
        c.name for c in contracts.SCHEDULE.columns
    ]  # builder order differs already
    reordered = schedule[list(reversed(schedule.columns))]
    result = _materialize_probe(instance, pipeline.warehouse, reordered)
    assert result.success, step_failures(result)
    stored = pipeline.frame("SELECT * FROM contract_probe.schedule ORDER BY game_id")
    assert list(stored.columns) == [c.name for c in contracts.SCHEDULE.columns]
    expected = schedule.sort_values("game_id").reset_index(drop=True)
    assert len(stored) == len(expected) > 0
    for col in stored.columns:
        assert stored[col].astype(object).tolist() == expected[col].astype(object).tolist(), col


@pytest.mark.parametrize(
    "change, named",
    [
        (lambda f: f.drop(columns=["home_team_abbr"]), "missing ['home_team_abbr']"),
        (lambda f: f.assign(bogus=1), "unexpected ['bogus']"),
    ],
)
def test_frame_not_matching_the_contract_is_refused(instance, pipeline, change, named):
    result = _materialize_probe(instance, pipeline.warehouse, change(_real_schedule(D1)))
    assert not result.success
    ((message, classes),) = step_failures(result).values()
    assert ContractViolation.__name__ in classes
    assert "contract_probe.schedule" in message and named in message
    assert pipeline.counts("contract_probe.schedule") == {}


def test_a_structural_read_failure_leaves_existing_rows_untouched(pipeline, raw_folder):
    """A failing re-read of a whole file keeps the rows a good run wrote (no delete without
    insert)."""
    good = pipeline.run(
        D1, D2, raw_dir=raw_folder([D1, D2], name="good"), selection=[keys.PLAYER_BOXSCORES]
    )
    assert good.success, step_failures(good)
    before = pipeline.counts(TABLES[keys.PLAYER_BOXSCORES])
    assert sorted(before) == [D1, D2]
    broken = raw_folder(
        [D1, D2],
        lambda f: f[files.PLAYER_BOXSCORES.name].drop(columns=["pts"], inplace=True),
        name="bad",
    )
    bad = pipeline.run(D1, D2, raw_dir=broken, selection=[keys.PLAYER_BOXSCORES])
    assert not bad.success
    assert pipeline.counts(TABLES[keys.PLAYER_BOXSCORES]) == before


def test_missing_raw_column_names_file_and_column(pipeline, raw_folder):
    raw = raw_folder(
        [D1], lambda frames: frames[files.TEAM_BOXSCORES.name].drop(columns=["fga"], inplace=True)
    )
    result = pipeline.run(D1, raw_dir=raw)
    assert not result.success
    failures = step_failures(result)
    message, classes = failures["nba_raw__team_boxscores"]
    assert "RawDataError" in classes
    assert "team_boxscores.parquet" in message and "'fga'" in message and "missing" in message
    assert pipeline.counts(TABLES[keys.TEAM_BOXSCORES]) == {}
    # the player table, which does not read that file, was still built
    assert keys.PLAYER_BOXSCORES in materialized(result)


def test_failed_write_closes_the_warehouse_connection(tmp_path):
    context = SimpleNamespace(
        resource_config={"database": str(tmp_path / "w.duckdb"), "connection_config": {}},
        log=SimpleNamespace(warning=print),
    )
    opened = []
    with pytest.raises(ContractViolation):
        with TransactionalDuckDbClient.connect(context, None) as conn:
            opened.append(conn)
            raise ContractViolation("write refused")
    with pytest.raises(duckdb.ConnectionException):
        opened[0].execute("SELECT 1")


def test_raw_folder_without_shots_yields_empty_shot_partitions(pipeline, raw_folder):
    result = pipeline.run(D1, raw_dir=raw_folder([D1], shots=False))
    assert result.success, step_failures(result)
    assert materialized(result)[keys.SHOTS] == {D1}
    assert pipeline.counts(TABLES[keys.SHOTS]) == {}
    assert (
        pipeline.query(
            f"SELECT count(*), count(paint_attempts) FROM nba_analytics.player_game_summary "
            f"WHERE game_date = DATE '{D1}'"
        )[0][1]
        == 0
    )
