"""Shared fixtures for the pipeline integration tests.

Every run uses a real Dagster instance (``dg.instance_for_test``, a temp directory) and a
temp DuckDB file; the raw folder is the real one (``default_raw_dir()``, read-only) or a small
copy of a few dates written to ``tmp_path`` and modified by the test. Resources are overridden
per run, so the environment variables read at import never point a test at a real warehouse.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from nba_assets.backfill import RANGE_END, RANGE_START
from nba_assets.definitions import LINEAGE, defs
from nba_assets.jobs import all_tables_job
from nba_assets.partitions import register_game_dates
from resources import raw_source as files
from resources.model_store import ModelStore
from resources.raw_source import RawSource, default_raw_dir
from resources.warehouse import DuckDBWarehouse, WarehouseDuckDBIOManager

FOUNDATION = tuple(k for k in defs.resolve_asset_graph().get_all_asset_keys() if k.path[0] in ("nba_raw", "nba_analytics"))
REAL_RAW = default_raw_dir()  # the shipped folder (never written to)
REAL_DATES = [d.isoformat() for d in RawSource(raw_dir=REAL_RAW).game_dates()]  # its game dates, in order
RAW_FILES = (files.PLAYER_BOXSCORES, files.TEAM_BOXSCORES, files.SHOTS, files.PLAYER_ID_CROSSWALK)


def make_resources(warehouse: str, raw_dir: str = REAL_RAW) -> dict:
    return {"io_manager": WarehouseDuckDBIOManager(database=warehouse), "raw_source": RawSource(raw_dir=str(raw_dir)),
            "warehouse": DuckDBWarehouse(database=warehouse), "lineage": LINEAGE,
            "model_store": ModelStore(local_dir=str(Path(warehouse).parent / "models"))}


class Pipeline:
    """One instance + one warehouse file; runs the ``all_tables`` job against them."""

    def __init__(self, instance: dg.DagsterInstance, warehouse: str):
        self.instance, self.warehouse = instance, warehouse

    def job(self, raw_dir: str, selection, source: RawSource | None = None) -> tuple[dg.JobDefinition, dict]:
        """(job, resources to pass). The whole graph runs the code location's own job with the
        resources overridden per run. Dagster refuses that override together with an
        ``asset_selection`` (the resolved job's assets carry the location's resources, and the
        subset must match them by reference), so a subset runs the same assets, checks and job
        definition in a ``Definitions`` built with the test's resources."""
        res = make_resources(self.warehouse, raw_dir)
        if source is not None:
            res["raw_source"] = source
        if selection is None:
            return defs.resolve_job_def("all_tables"), res
        local = dg.Definitions(assets=list(defs.assets), asset_checks=list(defs.asset_checks), jobs=[all_tables_job],
                               resources=res, executor=dg.in_process_executor)
        return local.resolve_job_def("all_tables"), None

    def run(self, first: str, last: str | None = None, raw_dir: str = REAL_RAW,
            selection: Iterable[dg.AssetKey] | None = FOUNDATION,
            source: RawSource | None = None) -> dg.ExecuteInProcessResult:
        """One run: a single partition when ``first == last``, else the range as one run. By
        default the raw and analytics tables only: pre-game tables need their season's history
        (``selection=None`` runs the whole graph). ``source`` replaces the raw source built from
        ``raw_dir`` (fault injection)."""
        last = last or first
        self.register(REAL_DATES)  # the shipped folder's dates, as the game_dates sensor adds them
        kwargs = {"partition_key": first} if first == last else {"tags": {RANGE_START: first, RANGE_END: last}}
        job, res = self.job(str(raw_dir), selection, source)
        return job.execute_in_process(
            instance=self.instance, raise_on_error=False, resources=res,
            asset_selection=list(selection) if selection is not None else None, **kwargs)

    def register(self, dates: list[str]) -> list[str]:
        """Add game dates as partitions (what nba-backfill and the sensor do from the raw folder)."""
        return register_game_dates(self.instance, dates)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(self.warehouse, read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()

    def frame(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(self.warehouse, read_only=True) as conn:
            return conn.execute(sql).fetchdf()

    def has_table(self, table: str) -> bool:
        schema, name = table.split(".")
        if not Path(self.warehouse).exists():
            return False
        return self.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                          [schema, name])[0][0] == 1

    def counts(self, table: str) -> dict[str, int]:
        """Rows per game date (``YYYY-MM-DD``) of a warehouse table; {} when it does not exist."""
        if not self.has_table(table):
            return {}
        return {str(d): n for d, n in self.query(f"SELECT game_date, count(*) FROM {table} GROUP BY 1 ORDER BY 1")}


PROJECT_STORAGE = {"event_log_storage": {"module": "resources.dagster_storage", "class": "PooledSqliteEventLogStorage"}}


def project_instance():
    """A temporary instance with the project's event log storage (``dagster_home/dagster.yaml``)."""
    return dg.instance_for_test(overrides=PROJECT_STORAGE)


@pytest.fixture
def instance():
    with project_instance() as inst:
        yield inst


@pytest.fixture
def warehouse(tmp_path) -> str:
    return str(tmp_path / "w.duckdb")


@pytest.fixture
def resources() -> Callable[..., dict]:
    """``resources(warehouse, raw_dir=REAL_RAW)`` -> resources for one run."""
    return make_resources


@pytest.fixture
def pipeline(instance, warehouse) -> Pipeline:
    return Pipeline(instance, warehouse)


@pytest.fixture
def run_range(pipeline) -> Callable[..., dg.ExecuteInProcessResult]:
    """``run_range(first, last, raw_dir=REAL_RAW, selection=None)`` on the test's instance and warehouse."""
    return pipeline.run


@functools.lru_cache(maxsize=None)
def _real_frame(name: str) -> pd.DataFrame:
    return pd.read_parquet(Path(REAL_RAW) / name)


def write_raw_folder(folder: Path, dates: list[str],
                     mutate: Callable[[dict[str, pd.DataFrame]], None] | None = None, shots: bool = True) -> str:
    """A raw folder with the real rows of ``dates`` (player and team box scores, shots unless
    ``shots=False``, the whole crosswalk), after ``mutate(frames)`` edits the frames keyed by
    file name in place."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = {}
    for spec in RAW_FILES:
        if spec is files.SHOTS and not shots:
            continue
        real = _real_frame(spec.name)
        if spec.date_column:
            shipped = [pd.Timestamp(d).strftime(spec.date_format) for d in dates]
            real = real[real[spec.date_column].isin(shipped)]
        frames[spec.name] = real.reset_index(drop=True).copy()
    if mutate:
        mutate(frames)
    for name, frame in frames.items():
        frame.to_parquet(folder / name, index=False)
    return str(folder)


@pytest.fixture
def raw_folder(tmp_path) -> Callable[..., str]:
    """``raw_folder(dates, mutate=None, name="raw", shots=True)`` -> path of a small modified raw folder."""
    def make(dates: list[str], mutate=None, name: str = "raw", shots: bool = True) -> str:
        return write_raw_folder(tmp_path / name, dates, mutate, shots)
    return make


def real_frame(name: str) -> pd.DataFrame:
    return _real_frame(name).copy()
