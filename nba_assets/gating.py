"""Blocking per date: a partition is read only when it is *readable*, and a date whose inputs are
not readable is held back, alone.

A partition (asset, date) is readable when it was materialized, every blocking check of the
asset evaluated that latest materialization (not an older one, not "planned") and passed or
failed with WARN only, and it is newer than the latest materialization of each of its own
date's parents (an upstream rebuilt since makes it stale). "Not evaluated" never counts as
passed, so a run that reads a date while another run is still checking it holds the date back
instead of trusting it.

Dagster's ``blocking=True`` stops downstream steps only inside one run, and for a ranged run it
would stop them for every date of the range. So every check here reports per date, a ranged
run's summary result is a WARN (``asset_checks.emit``), and every derived asset calls
``held_back`` first: a date whose inputs are not readable is left out of the build (its
partition is written empty, its materialization says why under ``held_back``) and the asset's
own ``inputs_ready`` check fails for that date in the UI, naming the upstream asset, check and
games. Every other date of the range builds. The next table down sees ``held_back`` and holds
the date back in turn; the reason carried down is always the first (root) one. When the
upstream partition is repaired and re-materialized, its checks pass and the dates below open.

``inputs_ready`` records an evaluation for each held-back date (and for the date of a
single-partition run); a built date's gate result is its materialization, which is written
in the same event as the data (one event less per table and date of a backfill).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import dagster as dg

from resources.dagster_internals import (
    FAILED,
    SUCCEEDED,
    CheckStatus,
    check_statuses,
    latest_check_evaluation,
    latest_materialization_ids,
    latest_materialization_records,
    materialization_records,
)

GATE_CHECK = "inputs_ready"
HELD_BACK = "held_back"  # materialization metadata of a held-back partition: why
NEVER_MATERIALIZED = "was never materialized"
GATE_DESCRIPTION = (
    "ERROR (blocking): every input partition of D is readable (materialized, its blocking checks "
    "evaluated on its latest materialization and passed, not stale). Otherwise D is held back: "
    "written empty, with this check naming the upstream asset, check and games. A backfill "
    "records it for the held-back dates only; a built date's result is its materialization (no "
    "held_back)."
)


class Lineage(dg.ConfigurableResource):
    """What the gate needs of the whole asset graph, which a run's own job does not carry: each
    asset's blocking checks and its partitioned parents (by user string). ``definitions`` builds
    it from the code location's graph (``Lineage.of``)."""

    blocking: dict[str, list[str]]
    parents: dict[str, list[str]]

    @classmethod
    def of(cls, graph) -> Lineage:
        partitioned = [
            k for k in graph.get_all_asset_keys() if graph.get(k).partitions_def is not None
        ]
        return cls(
            blocking={
                k.to_user_string(): sorted(
                    c.name for c in graph.get_check_keys_for_assets({k}) if graph.get(c).blocking
                )
                for k in graph.get_all_asset_keys()
            },
            parents={
                k.to_user_string(): sorted(
                    p.to_user_string() for p in graph.get(k).parent_keys if p in partitioned
                )
                for k in partitioned
            },
        )

    def blocking_checks(self, asset: dg.AssetKey) -> list[dg.AssetCheckKey]:
        return [
            dg.AssetCheckKey(asset, name) for name in self.blocking.get(asset.to_user_string(), [])
        ]

    def partitioned_parents(self, asset: dg.AssetKey) -> list[dg.AssetKey]:
        return [
            dg.AssetKey.from_user_string(p) for p in self.parents.get(asset.to_user_string(), [])
        ]


class UpstreamCheckFailed(Exception):
    """A table could not be built at all (e.g. the model from too few dates, predictions without a
    model)."""


def unreadable(
    instance: dg.DagsterInstance, lineage: Lineage, asset: dg.AssetKey, dates: Sequence[str]
) -> dict[str, str]:
    """date -> why (asset, date) is not readable, for the dates of ``dates`` that are not."""
    mats = latest_materialization_ids(instance, asset, dates)
    name = asset.to_user_string()
    why = {d: f"{name} {d} {NEVER_MATERIALIZED}" for d in dates if d not in mats}
    built = [d for d in dates if d in mats]
    if not built:
        return dict(sorted(why.items()))
    for d, reason in _held_back_in_metadata(materialization_records(instance, asset, mats)).items():
        why[d] = reason
    checks = [c for c in lineage.blocking_checks(asset) if c.name != GATE_CHECK]
    statuses = check_statuses(instance, checks, built)
    for d in built:
        for check in checks:
            if d in why:
                break
            reason = _check_reason(instance, name, check, d, mats[d], statuses.get((check, d)))
            if reason is not None:
                why[d] = reason
                break
    for parent in lineage.partitioned_parents(asset):
        newer = latest_materialization_ids(instance, parent, built)
        for d in built:
            if d not in why and newer.get(d, -1) > mats[d]:
                why[d] = (
                    f"{name} {d} is stale: {parent.to_user_string()} was re-materialized after it"
                )
    return dict(sorted(why.items()))


def _held_back_in_metadata(records: dict[str, dg.EventLogRecord]) -> dict[str, str]:
    """date -> reason for the latest materializations that say the asset held the date back. The
    reason is stored with the materialization itself, so no reader can see the empty partition
    without it."""
    return {
        d: r.asset_materialization.metadata[HELD_BACK].value
        for d, r in records.items()
        if HELD_BACK in r.asset_materialization.metadata
    }


def _check_reason(
    instance: dg.DagsterInstance,
    name: str,
    check: dg.AssetCheckKey,
    date: str,
    materialization: int,
    status: CheckStatus | None,
) -> str | None:
    if status is None or status.status not in (SUCCEEDED, FAILED):
        return f"{name} check '{check.name}' has not evaluated {date}"
    if status.target_storage_id != materialization:
        return f"{name} check '{check.name}' has not evaluated the latest materialization of {date}"
    if status.status == FAILED:
        failed = _failed_with_error(instance, check, date)
        if failed is not None:
            return (
                failed
                if check.name == GATE_CHECK
                else f"{name} check '{check.name}' failed on {date}: {failed}"
            )
    return None


def _failed_with_error(
    instance: dg.DagsterInstance, check: dg.AssetCheckKey, date: str
) -> str | None:
    """The description of the latest evaluation when it failed with ERROR; None for a WARN."""
    _, evaluation = latest_check_evaluation(instance, check, date)
    if evaluation is not None and evaluation.severity == dg.AssetCheckSeverity.WARN:
        return None
    return (getattr(evaluation, "description", None) or "no description").strip()


def held_back(context: dg.AssetExecutionContext, inputs: Iterable[dg.AssetKey]) -> dict[str, str]:
    """date -> reason, for the dates being built whose identity input partitions are not
    readable."""
    dates = list(context.partition_keys)
    out: dict[str, str] = {}
    for asset in inputs:
        for d, reason in unreadable(
            context.instance, context.resources.lineage, asset, dates
        ).items():
            out.setdefault(d, reason)
    return dict(sorted(out.items()))


def held_back_reasons(
    instance: dg.DagsterInstance, asset: dg.AssetKey, dates: Sequence[str]
) -> dict[str, str]:
    """date -> why, for the dates whose latest materialization of ``asset`` says it held them
    back."""
    return dict(
        sorted(
            _held_back_in_metadata(latest_materialization_records(instance, asset, dates)).items()
        )
    )


def require_model(
    context: dg.AssetExecutionContext,
    model_key: dg.AssetKey,
    check_keys: Sequence[dg.AssetCheckKey],
) -> list[dict]:
    """The walk-forward versions of ``model_key``'s latest materialization (cutoff, version,
    trained_through, in date order), provided each blocking check evaluated in that same run
    passed."""
    event = context.instance.get_latest_materialization_event(model_key)
    name = " + ".join(sorted(k.to_user_string() for k in context.selected_asset_keys))
    if event is None:
        raise UpstreamCheckFailed(
            f"{name} not built: {model_key.to_user_string()} was never "
            "materialized; train it first (job train_points_model)"
        )
    metadata = event.asset_materialization.metadata
    version = metadata["model_version"].value
    if "walk_forward" not in metadata:
        raise UpstreamCheckFailed(
            f"{name} not built: model {version} predates walk-forward training; retrain it "
            "(job train_points_model)"
        )
    for key in check_keys:
        run_id, evaluation = latest_check_evaluation(context.instance, key)
        if run_id != event.run_id or evaluation is None or not evaluation.passed:
            why = (
                evaluation.description
                if evaluation is not None
                else "not evaluated for this version"
            )
            raise UpstreamCheckFailed(
                f"{name} not built: model {version} ({model_key.to_user_string()}) check "
                f"'{key.name}' did not pass: {why}"
            )
    return list(metadata["walk_forward"].value)
