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

``tests/test_dagster_internals.py`` is the canary: after a Dagster upgrade it fails naming what
moved, before any gate or summary misreads the instance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import dagster as dg
from dagster._config import Field, StringSource
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.instance.config import dagster_instance_config
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.db_io_manager import (
    DbIOManager,
    DbTypeHandler,
    TablePartitionDimension,
    TableSlice,
)
from dagster._core.storage.event_log.schema import DynamicPartitionsTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._serdes import ConfigurableClassData
from dagster_duckdb.io_manager import DuckDbClient  # not exported by dagster_duckdb

__all__ = [
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
