"""Blocking across runs: no partition is built from an upstream partition whose latest
blocking check failed with ERROR.

Dagster's ``blocking=True`` stops downstream steps only inside the run that evaluated the
check (DAGSTER-NOTES §3). Every downstream asset calls ``require_upstream_checks_passed``
first, so a later run, a backfill or a schedule tick fails instead, naming the upstream asset,
check and date. When the upstream partition is re-materialized and its checks pass, the latest
evaluation is a pass and the gate opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.event_api import PartitionKeyFilter


class UpstreamCheckFailed(Exception):
    """A partition was asked for while an upstream partition's blocking check had failed."""


def _name(context) -> str:
    return " + ".join(sorted(k.to_user_string() for k in context.selected_asset_keys))


def failed_blocking_checks(instance: dg.DagsterInstance, check_keys: Iterable[dg.AssetCheckKey],
                           partition_keys: Sequence[str]) -> list[tuple[dg.AssetCheckKey, str, str]]:
    """(check, date, description) for every latest evaluation that failed with ERROR."""
    storage = instance.event_log_storage
    infos = storage.get_asset_check_partition_info(list(check_keys), partition_keys=list(partition_keys))
    failed = []
    for info in infos:
        if info.latest_execution_status != AssetCheckExecutionRecordStatus.FAILED or info.partition_key is None:
            continue
        record = storage.get_latest_asset_check_execution_by_key(
            [info.check_key], partition_filter=PartitionKeyFilter(key=info.partition_key))[info.check_key]
        evaluation = record.event.dagster_event.event_specific_data if record.event else None
        if evaluation is None or evaluation.severity == dg.AssetCheckSeverity.ERROR:
            failed.append((info.check_key, info.partition_key, getattr(evaluation, "description", "") or ""))
    return sorted(failed, key=lambda f: (f[1], f[0].to_user_string()))


def require_upstream_checks_passed(context: dg.AssetExecutionContext, check_keys: Iterable[dg.AssetCheckKey],
                                   partition_keys: Sequence[str] | None = None) -> None:
    """Raise ``UpstreamCheckFailed`` if a blocking check of ``check_keys`` failed on one of
    ``partition_keys`` (default: the partitions being built)."""
    keys = list(partition_keys) if partition_keys is not None else list(context.partition_keys)
    failed = failed_blocking_checks(context.instance, check_keys, keys)
    if failed:
        lines = [f"{key.asset_key.to_user_string()} check '{key.name}' failed on {date}: {desc}" for key, date, desc in failed]
        raise UpstreamCheckFailed(
            f"{_name(context)} not built for {len(failed)} blocked upstream partition(s):\n  "
            + "\n  ".join(lines[:20]) + ("\n  ..." if len(lines) > 20 else "")
            + "\nFix the upstream partition and re-materialize it; this asset then runs normally."
        )


def require_history(context: dg.AssetExecutionContext, upstream: Sequence[dg.AssetKey],
                    check_keys: Iterable[dg.AssetCheckKey], history_keys: Sequence[str]) -> None:
    """A pre-game window reads ``history_keys`` of ``upstream``: every one must have been
    materialized (a window over a missing date would be silently short) and none may have a
    failed blocking check."""
    storage = context.instance.event_log_storage
    missing = []
    for asset in upstream:
        have = storage.get_latest_storage_id_by_partition(asset, dg.DagsterEventType.ASSET_MATERIALIZATION,
                                                         set(history_keys))
        missing += [f"{asset.to_user_string()} {k}" for k in history_keys if k not in have]
    if missing:
        raise UpstreamCheckFailed(
            f"{_name(context)} not built: its pre-game window reads {len(missing)} upstream "
            f"partition(s) never materialized:\n  " + "\n  ".join(missing[:20]) + ("\n  ..." if len(missing) > 20 else "")
            + "\nMaterialize them first (a backfill of the range does).")
    require_upstream_checks_passed(context, check_keys, history_keys)


def require_model(context: dg.AssetExecutionContext, model_key: dg.AssetKey,
                  check_keys: Sequence[dg.AssetCheckKey]) -> str:
    """The model version of ``model_key``'s latest materialization, provided each blocking check
    evaluated in that same run passed."""
    event = context.instance.get_latest_materialization_event(model_key)
    if event is None:
        raise UpstreamCheckFailed(f"{_name(context)} not built: {model_key.to_user_string()} was never "
                                  "materialized; train it first (job train_points_model)")
    version = event.asset_materialization.metadata["model_version"].value
    records = context.instance.event_log_storage.get_latest_asset_check_execution_by_key(list(check_keys))
    for key in check_keys:
        record = records.get(key)
        evaluation = record.event.dagster_event.event_specific_data if record and record.event else None
        if record is None or record.run_id != event.run_id or evaluation is None or not evaluation.passed:
            why = evaluation.description if evaluation is not None else "not evaluated for this version"
            raise UpstreamCheckFailed(
                f"{_name(context)} not built: model {version} ({model_key.to_user_string()}) check "
                f"'{key.name}' did not pass: {why}")
    return version
