"""Warehouse IO managers: DuckDB (deployments ``local``, ``live``; BigQuery for ``production``
is ``resources/bigquery.py``).

Both apply the asset's column contract (``resources.contract``) to every frame written and
loaded. The DuckDB one also makes a partition write atomic (delete of the partition's dates and
insert in one transaction), creates tables from the contract (so the partition column is a real
DATE and an empty first partition still creates its table), inserts ``BY NAME`` and refuses
rows whose date lies outside the partition being written (they would survive a re-run).

DuckDB allows one writing process per file. A connection that finds the file locked by another
process waits (``LOCK_WAIT_SECONDS``), logging the holder's PID once, then fails naming it
(``WarehouseLocked``), instead of Dagster's silent back-off.

``DuckDBWarehouse`` (and ``BigQueryWarehouse`` in ``resources/bigquery.py``) read a table's rows
over a date span: the history a pre-game window needs, which an identity-mapped input does not
load.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from dagster_duckdb import DuckDBIOManager

from resources.contract import ContractViolation, conform, contract_of, empty, warehouse_type
from resources.dagster_internals import DbIOManager, DbTypeHandler, DuckDbClient, TableSlice
from resources.raw_source import PROJECT_ROOT

PARTITION_COLUMN = "game_date"
# A DATE column compared with the partition keys ('YYYY-MM-DD' literals): valid in DuckDB and
# BigQuery.
PARTITION_EXPR = PARTITION_COLUMN
LOCK_WAIT_SECONDS = 120.0
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


class WarehouseLocked(RuntimeError):
    """The DuckDB file stayed locked by another process for ``LOCK_WAIT_SECONDS``."""


def connect_duckdb(
    path: str,
    read_only: bool = False,
    log: Callable[[str], None] | None = None,
    wait_seconds: float = LOCK_WAIT_SECONDS,
) -> duckdb.DuckDBPyConnection:
    """A connection to ``path``; while another process holds the file, wait (logging the holder
    once), then raise ``WarehouseLocked`` naming it."""
    deadline, logged = time.monotonic() + wait_seconds, False
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            holder = _LOCK_HOLDER.search(str(exc))
            if holder is None:
                raise
            who = f"PID {holder.group(2)} ({holder.group(1)})"
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"warehouse {path} is locked by {who}; gave up after {wait_seconds:.0f} s"
                ) from exc
            if not logged and log is not None:
                log(f"warehouse {path} is locked by {who}: waiting up to {wait_seconds:.0f} s")
                logged = True
            time.sleep(0.25)


def default_duckdb_path() -> str:
    return os.environ.get("NBA_DUCKDB_PATH") or str(PROJECT_ROOT / "data" / "warehouse.duckdb")


def _table_name(table_slice: TableSlice) -> str:
    return f"{table_slice.schema}.{table_slice.table}"


def _slice_dates(table_slice: TableSlice) -> list[str] | None:
    """The partition keys (game dates) a slice covers; None for an unpartitioned table."""
    if not table_slice.partition_dimensions:
        return None
    return list(table_slice.partition_dimensions[0].partitions)


def _rows_outside_slice(frame: pd.DataFrame, table_slice: TableSlice) -> pd.Series:
    dates = _slice_dates(table_slice)
    if dates is None:
        return pd.Series(False, index=frame.index)
    return ~frame[PARTITION_COLUMN].dt.strftime("%Y-%m-%d").isin(dates)


def conform_output(
    context: dg.OutputContext, table_slice: TableSlice, obj: pd.DataFrame
) -> tuple[pd.DataFrame, dg.TableSchema]:
    """Apply the asset's contract and refuse rows outside the partition window being written."""
    table = _table_name(table_slice)
    contract = contract_of(context.definition_metadata or {}, table)
    frame = conform(obj, contract, table)
    outside = _rows_outside_slice(frame, table_slice)
    if outside.any():
        dates = sorted({str(d.date()) for d in frame.loc[outside, PARTITION_COLUMN]})
        keys = _slice_dates(table_slice)
        raise ContractViolation(
            f"{table}: {int(outside.sum())} rows dated {dates[:5]} lie outside the partitions "
            f"being written ({keys[0]} .. {keys[-1]}, {len(keys)} dates)"
        )
    return frame, contract


def conform_input(
    context: dg.InputContext, table_slice: TableSlice, frame: pd.DataFrame
) -> pd.DataFrame:
    upstream = context.upstream_output
    metadata = (upstream.definition_metadata if upstream else None) or {}
    return conform(frame, contract_of(metadata, _table_name(table_slice)), _table_name(table_slice))


class ContractDuckDBPandasTypeHandler(DbTypeHandler[pd.DataFrame]):
    """Pandas <-> DuckDB with the table's column contract enforced both ways."""

    def handle_output(
        self, context: dg.OutputContext, table_slice: TableSlice, obj: pd.DataFrame, connection
    ):
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
                f"{table}: the warehouse table has columns {existing} "
                f"but the contract declares {declared}; "
                "migrate the table (or drop it and re-materialize) before writing"
            )
        if len(frame):
            connection.register("_nba_frame", frame)
            try:
                connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _nba_frame")
            finally:
                connection.unregister("_nba_frame")

    def load_input(
        self, context: dg.InputContext, table_slice: TableSlice, connection
    ) -> pd.DataFrame:
        if table_slice.partition_dimensions and len(context.asset_partition_keys) == 0:
            return conform_input(context, table_slice, pd.DataFrame())
        exists = connection.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ?",
            [table_slice.schema, table_slice.table],
        ).fetchall()[0][0]
        if not exists:
            raise ContractViolation(
                f"{_table_name(table_slice)}: table does not exist yet; materialize it first"
            )
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
        conn = connect_duckdb(context.resource_config["database"], log=context.log.warning)
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
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ?",
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


class Warehouse(dg.ConfigurableResource):
    """Reads a warehouse table over a date span, with the table's contract applied."""

    def read(
        self,
        key: dg.AssetKey,
        contract: dg.TableSchema,
        first: str,
        last: str,
        log: Callable[[str], None] | None = None,
    ) -> pd.DataFrame:
        raise NotImplementedError


class DuckDBWarehouse(Warehouse):
    """The DuckDB file's tables (``NBA_DUCKDB_PATH``)."""

    database: str

    def read(
        self,
        key: dg.AssetKey,
        contract: dg.TableSchema,
        first: str,
        last: str,
        log: Callable[[str], None] | None = None,
    ) -> pd.DataFrame:
        """Rows of table ``key`` dated ``first``..``last`` (inclusive); none if it does not exist
        yet."""
        schema, table = key.path
        name = f"{schema}.{table}"
        if not Path(self.database).exists():
            return empty(contract)
        conn = connect_duckdb(self.database, log=log)
        try:
            exists = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
                "AND table_name = ?",
                [schema, table],
            ).fetchall()[0][0]
            if not exists:
                return empty(contract)
            frame = conn.execute(
                f"SELECT * FROM {name} WHERE {PARTITION_COLUMN} BETWEEN ? AND ?", [first, last]
            ).fetchdf()
        finally:
            conn.close()
        return conform(frame, contract, name)
