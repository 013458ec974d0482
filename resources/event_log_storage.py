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

The UI's check states are cached too. Every asset page, the lineage and the catalog ask for the
per-partition status of each partitioned check (``AssetGraphLiveQuery``), and Dagster rebuilds
each from scratch on every request: a query per check over all its executions, a query per date
for its partition key, then one subset union per date (profiled on the demo instance: 1.2 s for
``player_game_summary``'s 8 checks, 4 to 5 s for all 58 on the lineage page).
A state is kept per check with the ``PRAGMA data_version`` of the index database (the check
executions, the materializations, the dynamic partitions) and of the run database (the statuses
that resolve planned checks), read before it is computed: SQLite changes that number on every
commit by any other connection or process, updates included, so a state is served only while
neither file has changed since, and is exactly what the stock code would compute again.

Configured in ``dagster_home/dagster.yaml``::

    event_log_storage:
      module: resources.event_log_storage
      class: PooledSqliteEventLogStorage
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import dagster as dg
import sqlalchemy as db
from sqlalchemy.engine import Connection
from sqlalchemy.pool import QueuePool

from resources.dagster_internals import (
    AssetCheckState,
    CachingDynamicPartitionsLoader,
    ConfigurableClassData,
    DynamicPartitionsTable,
    Field,
    SqliteEventLogStorage,
    StringSource,
    dynamic_partitions_instance,
    sqlite_run_storage_path,
)

SQLITE_BUSY_TIMEOUT_SECONDS = 30
MAX_OPEN_RUN_DATABASES = 8
MAX_CACHED_CHECK_STATES = 1024  # one per check: a bound, not a limit the project comes near


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
        self._check_states: OrderedDict[dg.AssetCheckKey, tuple[tuple, AssetCheckState]] = (
            OrderedDict()
        )
        self._versions: list[sqlite3.Connection] = []
        self._versions_lock = threading.Lock()
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

    def get_asset_check_state(
        self, keys: Sequence[tuple[dg.AssetCheckKey, dg.PartitionsDefinition | None]]
    ) -> Mapping[dg.AssetCheckKey, AssetCheckState]:
        """The stock states, from the cache for checks whose state cannot have changed.

        Cached only when the partition loading context reads this instance's dynamic partitions
        (the webserver's and ``check_state_by_date``'s do), and only for unpartitioned checks and
        named dynamic partitions: the rest (time windows depend on the clock) go to the stock
        code as they are. A state is computed under a fresh loader of this instance, so that the
        partitions it saw are not older than the versions it is kept with."""
        requested = dict(keys)
        run_db = sqlite_run_storage_path(self._instance)
        if run_db is None or dynamic_partitions_instance() is not self._instance:
            return super().get_asset_check_state(keys)
        cacheable = {k: p for k, p in requested.items() if _cacheable(p)}
        others = [(k, p) for k, p in requested.items() if k not in cacheable]
        states = dict(super().get_asset_check_state(others)) if others else {}
        version = self._data_versions(run_db)
        missing = []
        with self._versions_lock:
            for key, partitions_def in cacheable.items():
                entry = self._check_states.get(key)
                if entry is not None and entry[0] == (version, partitions_def):
                    self._check_states.move_to_end(key)
                    states[key] = entry[1]
                else:
                    missing.append((key, partitions_def))
        if missing:
            with dg.partition_loading_context(dynamic_partitions_store=self._loader(missing)):
                fresh = super().get_asset_check_state(missing)
            with self._versions_lock:
                for key, partitions_def in missing:
                    self._check_states[key] = ((version, partitions_def), fresh[key])
                    self._check_states.move_to_end(key)
                while len(self._check_states) > MAX_CACHED_CHECK_STATES:
                    self._check_states.popitem(last=False)
            states.update(fresh)
        return {key: states[key] for key in requested}

    def _data_versions(self, run_db: str) -> tuple[int, ...]:
        """``PRAGMA data_version`` of the index and run databases, on connections of their own
        that never write (the number only moves for commits by other connections, and is only
        comparable on one connection: they stay open as long as the cache)."""
        with self._versions_lock:
            if not self._versions:
                self._versions = [
                    sqlite3.connect(
                        path,
                        timeout=SQLITE_BUSY_TIMEOUT_SECONDS,
                        isolation_level=None,
                        check_same_thread=False,
                    )
                    for path in (self.path_for_shard("index"), run_db)
                ]
            return tuple(c.execute("PRAGMA data_version").fetchone()[0] for c in self._versions)

    def _loader(self, keys) -> CachingDynamicPartitionsLoader:
        """A loader of this instance that already knows which keys of the checks' dynamic
        partitions exist, from two queries per definition: the stock code asks the database for
        each date on its own (950 queries on the demo instance)."""
        loader = CachingDynamicPartitionsLoader(self._instance)
        for name in {p.name for _, p in keys if p is not None}:
            loader.get_existing_dynamic_partitions(name, super().get_dynamic_partitions(name))
        return loader

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        with self._versions_lock:
            for connection in self._versions:
                connection.close()
            self._versions.clear()
            self._check_states.clear()
        super().dispose()


def _cacheable(partitions_def: dg.PartitionsDefinition | None) -> bool:
    """Whether a check's state depends on nothing but the two databases."""
    if partitions_def is None:
        return True
    return (
        isinstance(partitions_def, dg.DynamicPartitionsDefinition)
        and partitions_def.name is not None
        and partitions_def.partition_fn is None
    )


def _pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
