"""Turn per-date ``Outcome``s into Dagster check results, one evaluation per date.

In a single-partition run the result is an ordinary ``AssetCheckResult`` (Dagster records it
for that partition, and a blocking ERROR stops that date's downstream steps in the run). A
ranged run (a backfill as one run) records each date's evaluation with ``partition=date``, so
the UI keeps per-date check history and the gate (``nba_assets.gating``) reads each date, then
yields the one result Dagster requires for the run itself: a *range summary* listing the failing
dates. The summary is a WARN even when some dates failed with ERROR: those dates are held back
one by one by the gate, and an ERROR summary would make Dagster skip the downstream steps of
every date of the range.

Each per-date evaluation names the materialization it checked (as Dagster does for a
single-partition check): the UI counts a check as passed or failed for a date only while it
targets that date's latest materialization, and the gate reads nothing else.

A date the asset itself held back (its ``inputs_ready`` check failed: the partition is empty)
has nothing to check: every other check passes it with "held back" in its description, so a
date's failures are listed once, at their root.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import dagster as dg
import pandas as pd
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)

from asset_checks.rules import ERROR, WARN, Outcome
from asset_checks.thresholds import REGRESSION_WINDOW
from nba_assets.gating import GATE_CHECK, held_back_reasons
from nba_assets.partitions import known_dates, season_of_key

_SEVERITY = {ERROR: dg.AssetCheckSeverity.ERROR, WARN: dg.AssetCheckSeverity.WARN}


def latest_materialization_records(instance: dg.DagsterInstance, asset_key: dg.AssetKey,
                                   keys: list[str]) -> dict[str, dg.EventLogRecord]:
    """The latest materialization record of each partition in ``keys`` that has one, in two queries."""
    wanted = set(keys)
    if not wanted:  # an empty set means "every partition" to the storage
        return {}
    ids = instance.event_log_storage.get_latest_storage_id_by_partition(
        asset_key, dg.DagsterEventType.ASSET_MATERIALIZATION, wanted)
    ids = {k: v for k, v in ids.items() if k in wanted}
    if not ids:
        return {}
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=asset_key, storage_ids=list(ids.values())), limit=len(ids)).records
    return {r.partition_key: r for r in records}


def latest_materializations(instance: dg.DagsterInstance, asset_key: dg.AssetKey,
                            keys: list[str]) -> dict[str, AssetCheckEvaluationTargetMaterializationData]:
    return {k: AssetCheckEvaluationTargetMaterializationData(storage_id=r.storage_id, run_id=r.run_id,
                                                              timestamp=r.timestamp)
            for k, r in latest_materialization_records(instance, asset_key, keys).items()}


def emit(context, spec: dg.AssetCheckSpec, outcomes: Mapping[str, Outcome],
         targets: Mapping[str, AssetCheckEvaluationTargetMaterializationData] | None = None,
         only_failures: bool = False) -> Iterator[dg.AssetCheckResult]:
    """``only_failures``: in a ranged run, record the failing dates' evaluations only (the gate's
    passing dates are recorded by their materializations)."""
    keys = list(context.partition_keys)
    if len(keys) == 1:
        o = outcomes[keys[0]]
        yield dg.AssetCheckResult(asset_key=spec.asset_key, check_name=spec.name, passed=o.passed,
                                  severity=_SEVERITY[o.severity], description=o.description, metadata=o.metadata)
        return
    targets = targets if targets is not None else latest_materializations(context.instance, spec.asset_key, keys)
    for key in keys:
        o = outcomes[key]
        if only_failures and o.passed:
            continue
        context.op_execution_context.log_event(dg.AssetCheckEvaluation(
            asset_key=spec.asset_key, check_name=spec.name, passed=o.passed, severity=_SEVERITY[o.severity],
            description=o.description, metadata=o.metadata, partition=key, blocking=spec.blocking,
            target_materialization_data=targets.get(key)))
    failed = {k: outcomes[k] for k in keys if not outcomes[k].passed}
    errors = sorted(k for k, o in failed.items() if o.severity == ERROR)
    yield dg.AssetCheckResult(
        asset_key=spec.asset_key, check_name=spec.name, passed=not failed, severity=dg.AssetCheckSeverity.WARN,
        description=f"range summary {keys[0]}..{keys[-1]}: {len(keys) - len(failed)} dates passed, {len(failed)} failed"
                    + (f" ({len(errors)} with ERROR, held back one by one)" if errors else ""),
        metadata={"range_summary": True, "dates": len(keys), "failed_dates": sorted(failed), "error_dates": errors},
    )


def emit_all(context, specs: Mapping[str, dg.AssetCheckSpec], results: Mapping[str, Mapping[str, Outcome]],
             held_back: Mapping[dg.AssetKey, set[str]] | None = None, only_failures: bool = False):
    """Emit every selected spec. Dates in ``held_back`` (default: read from the instance) pass
    every check but ``inputs_ready``: the asset held them back and wrote nothing to check."""
    keys = list(context.partition_keys)
    targets: dict[dg.AssetKey, dict] = {}
    for name, spec in specs.items():
        if spec.key not in context.selected_asset_check_keys:
            continue
        if spec.asset_key not in targets:
            targets[spec.asset_key] = latest_materializations(context.instance, spec.asset_key, keys) \
                if len(keys) > 1 else {}
        held = (held_back or {}).get(spec.asset_key)
        if held is None:
            held = set(held_back_reasons(context.instance, spec.asset_key, keys))
        outcomes = results[name]
        if spec.name != GATE_CHECK and held:
            outcomes = {d: Outcome(True, WARN, "held back (inputs_ready failed): nothing to check", {})
                        if d in held else o for d, o in outcomes.items()}
        yield from emit(context, spec, outcomes, targets[spec.asset_key], only_failures)


def with_trailing(context, asset: dg.AssetKey, metrics: pd.DataFrame) -> pd.DataFrame:
    """``metrics`` (one row per date of this run) preceded by the trailing window's earlier game
    dates of the same season, as recorded on their latest materializations, so a one-date run is
    compared too. The window stays inside the season (a new season is not a regression), so a
    backfill whose parallel parts hold whole seasons never reads a date another part is writing."""
    all_keys = known_dates(context.instance)
    first = all_keys.index(context.partition_keys[0])
    season = season_of_key(context.partition_keys[0])
    trailing = [k for k in all_keys[max(0, first - 2 * REGRESSION_WINDOW):first]  # preseason dates have no rows
                if season_of_key(k) == season]
    records = latest_materialization_records(context.instance, asset, trailing)
    earlier = pd.DataFrame.from_dict(
        {k: {m: r.asset_materialization.metadata[m].value for m in metrics.columns
             if m in r.asset_materialization.metadata} for k, r in records.items()}, orient="index")
    return pd.concat([earlier.reindex(columns=metrics.columns).astype(float), metrics]) if len(earlier) else metrics
