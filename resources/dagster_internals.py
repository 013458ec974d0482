"""The one door to Dagster's internals: every private import (``dagster._...``) and every
non-public instance or storage call of the project lives here.

Why they are needed at all, each for one thing the public API (Dagster 1.13) does not offer:

- Per-partition check state and history (``latest_materialization_ids``, ``check_statuses``,
  ``latest_check_evaluation``): the gate (``nba_assets/gating.py``) and the summary read, for one
  date, whether a check evaluated the latest materialization and how it ended. The public
  ``instance`` answers these for a whole asset, not per partition.
- Per-date check evaluations that name their target materialization (``target_of``), as Dagster
  does itself for a single-partition check (``asset_checks/emit.py``).
- The IO-manager base classes (``DbIOManager``, ``DbTypeHandler``, ``TableSlice``, and
  dagster-duckdb's unexported ``DuckDbClient``) the warehouse IO managers build on
  (``resources/warehouse.py``, ``resources/bigquery.py``), as the dagster-duckdb and dagster-gcp
  integrations do.
- What the UI shows for a check per date (``check_state_by_date``) and instance-config
  validation (``dagster_instance_config``), which the tests assert on.
- The stock SQLite event log storage, its dynamic-partitions table and its config types, which
  the instance storage plugin extends (``resources/event_log_storage.py``).
- Runs that ``nba-backfill`` executes itself but the UI lists like its own (``CodeLocation``,
  ``execute_job_run``: under their job, on the timeline) and the finished backfill they belong
  to (``record_backfill``: the Backfills tab with per-asset counts). ``execute_in_process`` runs
  carry no code location origin, and Dagster offers no public way to store a backfill that a
  process other than the daemon ran.
- For the plugin's cache of the UI's check states: the state's type, the webserver's per-request
  dynamic-partitions loader (to tell which instance a partition loading context reads) and the
  file of the instance's SQLite run storage (to notice run status changes).

``tests/test_dagster_internals.py`` is the canary: after a Dagster upgrade it fails naming what
moved, before any gate or summary misreads the instance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import dagster as dg
from dagster._config import Field, StringSource
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.instance.config import dagster_instance_config
from dagster._core.instance.types import CachingDynamicPartitionsLoader
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.asset_check_state import AssetCheckState
from dagster._core.storage.db_io_manager import (
    DbIOManager,
    DbTypeHandler,
    TablePartitionDimension,
    TableSlice,
)
from dagster._core.storage.event_log.schema import DynamicPartitionsTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._serdes import ConfigurableClassData
from dagster_duckdb.io_manager import DuckDbClient  # not exported by dagster_duckdb

__all__ = [
    "AssetCheckState",
    "CachingDynamicPartitionsLoader",
    "ConfigurableClassData",
    "DbIOManager",
    "DbTypeHandler",
    "DuckDbClient",
    "DynamicPartitionsTable",
    "Field",
    "SqliteEventLogStorage",
    "StringSource",
    "TablePartitionDimension",
    "TableSlice",
    "dagster_instance_config",
    "CheckStatus",
    "check_state_by_date",
    "dynamic_partitions_instance",
    "sqlite_run_storage_path",
    "check_statuses",
    "latest_check_evaluation",
    "latest_materialization_ids",
    "latest_materialization_records",
    "materialization_records",
    "target_of",
]

SUCCEEDED, FAILED = "succeeded", "failed"
_STATUS = {
    AssetCheckExecutionRecordStatus.SUCCEEDED: SUCCEEDED,
    AssetCheckExecutionRecordStatus.FAILED: FAILED,
}


def latest_materialization_ids(
    instance: dg.DagsterInstance, asset: dg.AssetKey, dates: Iterable[str]
) -> dict[str, int]:
    """date -> storage id of the latest materialization of (asset, date), for the dates that
    have one. No dates, no query (an empty set means "every partition" to the storage)."""
    wanted = set(dates)
    if not wanted:
        return {}
    ids = instance.event_log_storage.get_latest_storage_id_by_partition(
        asset, dg.DagsterEventType.ASSET_MATERIALIZATION, wanted
    )
    return {k: v for k, v in ids.items() if k in wanted}


def latest_materialization_records(
    instance: dg.DagsterInstance, asset: dg.AssetKey, dates: Iterable[str]
) -> dict[str, dg.EventLogRecord]:
    """date -> the latest materialization record of (asset, date), in two queries."""
    return materialization_records(
        instance, asset, latest_materialization_ids(instance, asset, dates)
    )


def materialization_records(
    instance: dg.DagsterInstance, asset: dg.AssetKey, ids: Mapping[str, int]
) -> dict[str, dg.EventLogRecord]:
    """date -> the materialization record of ``asset`` with the storage id ``ids[date]``."""
    if not ids:
        return {}
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=asset, storage_ids=list(ids.values())), limit=len(ids)
    ).records
    return {r.partition_key: r for r in records}


def target_of(record: dg.EventLogRecord) -> AssetCheckEvaluationTargetMaterializationData:
    """What a per-date check evaluation names as the materialization it checked."""
    return AssetCheckEvaluationTargetMaterializationData(
        storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp
    )


@dataclass(frozen=True)
class CheckStatus:
    """The latest execution of a check for one date: ``succeeded``, ``failed`` or anything else
    (planned, skipped, in progress: "not evaluated"), and the materialization it targeted."""

    status: str
    target_storage_id: int | None


def check_statuses(
    instance: dg.DagsterInstance, checks: Sequence[dg.AssetCheckKey], dates: Sequence[str]
) -> dict[tuple[dg.AssetCheckKey, str], CheckStatus]:
    """(check, date) -> its latest execution, for the pairs that have one, in one query."""
    if not checks or not dates:
        return {}
    infos = instance.event_log_storage.get_asset_check_partition_info(
        list(checks), partition_keys=list(dates)
    )
    return {
        (i.check_key, i.partition_key): CheckStatus(
            _STATUS.get(i.latest_execution_status, i.latest_execution_status.value.lower()),
            i.latest_target_materialization_storage_id,
        )
        for i in infos
        if i.partition_key
    }


def latest_check_evaluation(
    instance: dg.DagsterInstance, check: dg.AssetCheckKey, date: str | None = None
) -> tuple[str | None, dg.AssetCheckEvaluation | None]:
    """(run id, evaluation) of the latest execution of ``check`` (for ``date`` when given);
    (None, None) when it never ran, (run id, None) when it was planned but not evaluated."""
    record = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [check], partition_filter=PartitionKeyFilter(key=date) if date else None
    ).get(check)
    if record is None:
        return None, None
    return record.run_id, (record.event.dagster_event.event_specific_data if record.event else None)


def check_state_by_date(
    instance: dg.DagsterInstance, check: dg.AssetCheckKey, partitions_def: dg.PartitionsDefinition
) -> dict[str, str]:
    """date -> the check status the Dagster UI shows for it (the instance's asset check state)."""
    with dg.partition_loading_context(dynamic_partitions_store=instance):
        state = instance.event_log_storage.get_asset_check_state([(check, partitions_def)])[check]
    return {
        key: status.value
        for status, subset in state.subsets.items()
        for key in subset.subset_value.get_partition_keys()
    }


def dynamic_partitions_instance() -> dg.DagsterInstance | None:
    """The instance the current partition loading context reads dynamic partitions from: the
    instance itself or the per-request loader the webserver wraps around it; None for any other
    store (or none)."""
    with dg.partition_loading_context() as context:
        store = context.dynamic_partitions_store
    if isinstance(store, CachingDynamicPartitionsLoader):
        return store._instance
    return store if isinstance(store, dg.DagsterInstance) else None


def sqlite_run_storage_path(instance: dg.DagsterInstance) -> str | None:
    """The database file of the instance's run storage when it is Dagster's SQLite one."""
    storage = instance.run_storage
    if not isinstance(storage, SqliteRunStorage):
        return None
    return urlparse(storage._conn_string).path


# Runs and backfills launched by ``nba-backfill`` that the UI lists like its own.


@dataclass(frozen=True)
class CodeLocation:
    """The code location as ``workspace.yaml`` loads it: runs created with its origin appear under
    their job, on the overview timeline and in the Backfills tab (``execute_in_process`` runs
    carry no origin, so the UI lists them nowhere but the runs page)."""

    module: str
    attribute: str
    location_name: str
    working_directory: str

    def recon_job(self, job_name: str):
        from dagster._core.definitions.reconstruct import ReconstructableRepository

        repo = ReconstructableRepository.for_module(
            self.module, self.attribute, self.working_directory
        )
        return repo.get_reconstructable_job(job_name)

    def remote_origin(self, job_name: str):
        import sys

        from dagster._core.remote_origin import (
            ManagedGrpcPythonEnvCodeLocationOrigin,
            RemoteJobOrigin,
            RemoteRepositoryOrigin,
        )
        from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

        location = ManagedGrpcPythonEnvCodeLocationOrigin(
            LoadableTargetOrigin(
                executable_path=sys.executable,
                module_name=self.module,
                working_directory=self.working_directory,
            ),
            location_name=self.location_name,
        )
        return RemoteJobOrigin(RemoteRepositoryOrigin(location, "__repository__"), job_name)


def execute_job_run(
    instance: dg.DagsterInstance,
    location: CodeLocation,
    job_def: dg.JobDefinition,
    tags: Mapping[str, str],
    assets: set[dg.AssetKey] | None = None,
    run_config: Mapping[str, object] | None = None,
):
    """One run of ``job_def`` (a subset of its ``assets`` and their checks when given) in this
    process, created with the code location's origins; returns its ``JobExecutionResult``."""
    from dagster._core.execution.api import execute_run

    recon = location.recon_job(job_def.name)
    if assets is not None:
        checks = job_def.asset_layer.asset_graph.get_check_keys_for_assets(assets)
        recon = recon.get_subset(asset_selection=assets, asset_check_selection=set(checks))
    run = instance.create_run_for_job(
        job_def=job_def,
        run_config=run_config,
        tags=tags,
        asset_selection=assets,
        remote_job_origin=location.remote_origin(job_def.name),
        job_code_origin=recon.get_python_origin(),
    )
    return execute_run(recon, run, instance)


def record_backfill(
    instance: dg.DagsterInstance,
    backfill_id: str,
    asset_graph,
    targeted: Mapping[dg.AssetKey, set[str | None]],
    materialized: Mapping[dg.AssetKey, set[str | None]],
    tags: Mapping[str, str],
    started: float,
    ended: float,
    title: str,
    description: str,
) -> None:
    """Store a finished backfill that this process ran itself (its runs carry the
    ``dagster/backfill`` tag): the Backfills tab lists it with each asset's targeted, materialized
    and failed partitions. Stored only once finished, in a terminal status, so that a running
    daemon never mistakes it for a request to launch runs. ``None`` is an unpartitioned asset."""
    from dagster._core.definitions.assets.graph.asset_graph_subset import AssetGraphSubset
    from dagster._core.definitions.events import AssetKeyPartitionKey
    from dagster._core.definitions.timestamp import TimestampWithTimezone
    from dagster._core.execution.asset_backfill import AssetBackfillData
    from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill

    def subset(pairs: Mapping[dg.AssetKey, set[str | None]]) -> AssetGraphSubset:
        return AssetGraphSubset.from_asset_partition_set(
            {AssetKeyPartitionKey(k, p) for k, keys in pairs.items() for p in keys}, asset_graph
        )

    target = subset(targeted)
    done = subset({k: v & targeted[k] for k, v in materialized.items() if k in targeted})
    failed = target - done
    data = AssetBackfillData(
        target_subset=target,
        requested_runs_for_target_roots=True,
        latest_storage_id=None,
        materialized_subset=done,
        requested_subset=target,
        failed_and_downstream_subset=failed,
        backfill_start_time=TimestampWithTimezone(started, "UTC"),
    )
    status = (
        BulkActionStatus.COMPLETED_FAILED
        if failed.num_partitions_and_non_partitioned_assets
        else BulkActionStatus.COMPLETED_SUCCESS
    )
    instance.add_backfill(
        PartitionBackfill(
            backfill_id=backfill_id,
            status=status,
            from_failure=False,
            tags=tags,
            backfill_timestamp=started,
            asset_selection=sorted(targeted, key=lambda k: k.to_user_string()),
            title=title,
            description=description,
            asset_backfill_data=data,
            backfill_end_timestamp=ended,
        )
    )


def new_backfill_id() -> str:
    """A backfill id as Dagster makes them (eight lowercase letters)."""
    from dagster._core.utils import make_new_backfill_id

    return make_new_backfill_id()
