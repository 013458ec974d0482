"""An instance storage plugin (not a Dagster resource): Dagster's SQLite event log storage with
its connections kept open. The instance loads it from ``dagster.yaml``; the code location never
imports it.

The stock ``SqliteEventLogStorage`` creates an engine, opens a connection and closes it for
every event it stores (several per event, across the run's database and the index database).
A ranged backfill stores one planned row, one evaluation and one materialization per date and
check or table, tens of thousands of events, and most of the backfill's time went into that
connection churn (profiled: ``sqlite3.Connection.close`` alone was 10% of it). This subclass
keeps one engine per database file with a small connection pool, and writes with
``synchronous=NORMAL`` (safe in WAL mode: a power cut can lose the last transactions, never
corrupt the file). Tables, files and queries are Dagster's own, so the webserver and every
Dagster tool read the instance as usual.

Two more per-event costs are cached (profiled on a ranged run: 35% of its time): ``has_table``,
which the stock storage answers with a new engine and connection for every check evaluation and
partitioned event (a table, once there, stays), and the game-date partition keys, which Dagster
reloads for every per-partition metadata call (re-read whenever their count or last id changes,
so keys another process adds are seen at once).

Configured in ``dagster_home/dagster.yaml``::

    event_log_storage:
      module: resources.event_log_storage
      class: PooledSqliteEventLogStorage
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from sqlalchemy.engine import Connection
from sqlalchemy.pool import QueuePool

from resources.dagster_internals import (
    ConfigurableClassData,
    DynamicPartitionsTable,
    Field,
    SqliteEventLogStorage,
    StringSource,
)

SQLITE_BUSY_TIMEOUT_SECONDS = 30
MAX_OPEN_RUN_DATABASES = 8


def _default_base_dir() -> str:
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise ValueError("PooledSqliteEventLogStorage needs base_dir or DAGSTER_HOME")
    return os.path.join(home, "history", "runs")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` (same files, same schema) that reuses its connections."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, db.engine.Engine] = OrderedDict()
        self._tables: set[str] = set()
        self._partitions: dict[str, tuple[tuple, list[str]]] = {}
        super().__init__(base_dir or _default_base_dir(), inst_data)

    @classmethod
    def config_type(cls):
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> db.engine.Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = db.create_engine(
            self.conn_string_for_shard(shard),
            poolclass=QueuePool,
            pool_size=2,
            max_overflow=4,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        db.event.listen(engine, "connect", _pragmas)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        runs = [s for s in self._engines if s != "index"]
        for old in runs[:-MAX_OPEN_RUN_DATABASES]:
            self._engines.pop(old).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn:
                with conn.begin():
                    yield conn

    def has_table(self, table_name: str) -> bool:
        if table_name not in self._tables and super().has_table(table_name):
            self._tables.add(table_name)
        return table_name in self._tables

    def get_dynamic_partitions(self, partitions_def_name: str) -> list[str]:
        table = DynamicPartitionsTable
        stamp_query = db.select(db.func.count(), db.func.max(table.c.id)).where(
            table.c.partitions_def_name == partitions_def_name
        )
        with self.index_connection() as conn:
            stamp = tuple(conn.execute(stamp_query).fetchone())
        cached = self._partitions.get(partitions_def_name)
        if cached is None or cached[0] != stamp:
            cached = (stamp, list(super().get_dynamic_partitions(partitions_def_name)))
            self._partitions[partitions_def_name] = cached
        return list(cached[1])

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()


def _pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
