"""Warehouse IO managers: DuckDB by default, BigQuery when ``NBA_WAREHOUSE=bigquery``.

Both apply the asset's column contract (``resources.contract``) to every frame written and
loaded. The DuckDB one also makes a partition write atomic (delete of the partition's dates and
insert in one transaction), creates tables from the contract (so the partition column is a real
DATE and an empty first partition still creates its table), inserts ``BY NAME`` and refuses
rows whose date lies outside the partition being written (they would survive a re-run).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster._core.storage.db_io_manager import DbIOManager, DbTypeHandler, TableSlice
from dagster_duckdb.io_manager import DuckDbClient, DuckDBIOManager

from resources.contract import ContractViolation, conform, contract_of, warehouse_type
from resources.raw_source import PROJECT_ROOT

PARTITION_COLUMN = "game_date"
# Valid in DuckDB and BigQuery: the IO managers compare it with 'YYYY-MM-DD HH:MM:SS' literals.
PARTITION_EXPR = f"CAST({PARTITION_COLUMN} AS TIMESTAMP)"


def default_duckdb_path() -> str:
    return os.environ.get("NBA_DUCKDB_PATH") or str(PROJECT_ROOT / "data" / "warehouse.duckdb")


def _table_name(table_slice: TableSlice) -> str:
    return f"{table_slice.schema}.{table_slice.table}"


def _rows_outside_slice(frame: pd.DataFrame, table_slice: TableSlice) -> pd.Series:
    if not table_slice.partition_dimensions:
        return pd.Series(False, index=frame.index)
    start, end = table_slice.partition_dimensions[0].partitions
    dates = frame[PARTITION_COLUMN]
    return (dates < pd.Timestamp(start.replace(tzinfo=None))) | (dates >= pd.Timestamp(end.replace(tzinfo=None)))


def conform_output(context: dg.OutputContext, table_slice: TableSlice, obj: pd.DataFrame) -> tuple[pd.DataFrame, dg.TableSchema]:
    """Apply the asset's contract and refuse rows outside the partition window being written."""
    table = _table_name(table_slice)
    contract = contract_of(context.definition_metadata or {}, table)
    frame = conform(obj, contract, table)
    outside = _rows_outside_slice(frame, table_slice)
    if outside.any():
        dates = sorted({str(d.date()) for d in frame.loc[outside, PARTITION_COLUMN]})
        start, end = table_slice.partition_dimensions[0].partitions
        raise ContractViolation(
            f"{table}: {int(outside.sum())} rows dated {dates[:5]} lie outside the partitions being "
            f"written [{start.date()}, {end.date()})"
        )
    return frame, contract


def conform_input(context: dg.InputContext, table_slice: TableSlice, frame: pd.DataFrame) -> pd.DataFrame:
    upstream = context.upstream_output
    metadata = (upstream.definition_metadata if upstream else None) or {}
    return conform(frame, contract_of(metadata, _table_name(table_slice)), _table_name(table_slice))


class ContractDuckDBPandasTypeHandler(DbTypeHandler[pd.DataFrame]):
    """Pandas <-> DuckDB with the table's column contract enforced both ways."""

    def handle_output(self, context: dg.OutputContext, table_slice: TableSlice, obj: pd.DataFrame, connection):
        frame, contract = conform_output(context, table_slice, obj)
        table = _table_name(table_slice)
        ddl = ", ".join(f'"{c.name}" {warehouse_type(c, "duckdb")}' for c in contract.columns)
        connection.execute(f"CREATE TABLE IF NOT EXISTS {table} ({ddl})")
        existing = connection.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [table_slice.schema, table_slice.table],
        ).fetchall()
        declared = [(c.name, warehouse_type(c, "duckdb")) for c in contract.columns]
        if existing != declared:
            raise ContractViolation(
                f"{table}: the warehouse table has columns {existing} but the contract declares {declared}; "
                "migrate the table (or drop it and re-materialize) before writing"
            )
        if len(frame):
            connection.register("_nba_frame", frame)
            try:
                connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _nba_frame")
            finally:
                connection.unregister("_nba_frame")

    def load_input(self, context: dg.InputContext, table_slice: TableSlice, connection) -> pd.DataFrame:
        if table_slice.partition_dimensions and len(context.asset_partition_keys) == 0:
            return conform_input(context, table_slice, pd.DataFrame())
        exists = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [table_slice.schema, table_slice.table],
        ).fetchall()[0][0]
        if not exists:
            raise ContractViolation(f"{_table_name(table_slice)}: table does not exist yet; materialize it first")
        frame = connection.execute(DuckDbClient.get_select_statement(table_slice)).fetchdf()
        return conform_input(context, table_slice, frame)

    @property
    def supported_types(self):
        return [pd.DataFrame]


class TransactionalDuckDbClient(DuckDbClient):
    """Runs the IO manager's delete + insert (or a load) inside one DuckDB transaction."""

    @staticmethod
    @contextmanager
    def connect(context, table_slice):
        connection = DuckDbClient.connect(context, table_slice)
        conn = connection.__enter__()
        try:
            conn.begin()
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        finally:
            conn.close()

    @staticmethod
    def delete_table_slice(context: dg.OutputContext, table_slice: TableSlice, connection) -> None:
        exists = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [table_slice.schema, table_slice.table],
        ).fetchall()[0][0]
        if exists:
            DuckDbClient.delete_table_slice(context, table_slice, connection)


class WarehouseDuckDBIOManager(DuckDBIOManager):
    """DuckDB warehouse (one file; schemas = asset key prefixes) with column contracts."""

    @staticmethod
    def type_handlers() -> Sequence[DbTypeHandler]:
        return [ContractDuckDBPandasTypeHandler()]

    @staticmethod
    def default_load_type() -> type | None:
        return pd.DataFrame

    def create_io_manager(self, context) -> DbIOManager:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        return DbIOManager(
            db_client=TransactionalDuckDbClient(),
            database=self.database,
            schema=self.schema_,
            type_handlers=self.type_handlers(),
            default_load_type=self.default_load_type(),
            io_manager_name="WarehouseDuckDBIOManager",
        )


def warehouse_io_manager() -> dg.ConfigurableIOManager:
    """The IO manager chosen by ``NBA_WAREHOUSE`` (``duckdb``, the default, or ``bigquery``)."""
    kind = os.environ.get("NBA_WAREHOUSE", "duckdb")
    if kind == "duckdb":
        return WarehouseDuckDBIOManager(database=default_duckdb_path())
    if kind == "bigquery":
        from resources.bigquery import warehouse_bigquery_io_manager

        return warehouse_bigquery_io_manager()
    raise ValueError(f"NBA_WAREHOUSE must be 'duckdb' or 'bigquery', not {kind!r}")
