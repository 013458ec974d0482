"""Turn per-date ``Outcome``s into Dagster check results, one evaluation per date.

In a single-partition run the result is an ordinary ``AssetCheckResult`` (Dagster records it
for that partition, and a blocking ERROR stops that date's downstream steps in the run). A
ranged run (a backfill as one run) records each date's evaluation with ``partition=date``, so
the UI keeps per-date check history and the gate (``nba_assets/gating.py``) reads each date, then
yields the one result Dagster requires for the run itself: a *range summary* listing the failing
dates. The summary is a WARN even when some dates failed with ERROR: those dates are held back
one by one by the gate, and an ERROR summary would make Dagster skip the downstream steps of
every date of the range.

Each per-date evaluation names the materialization it checked (as Dagster does for a
single-partition check): the UI counts a check as passed or failed for a date only while it
targets that date's latest materialization, and the gate reads nothing else.

A date the asset itself held back (its ``inputs_ready`` check failed: the partition is empty)
has nothing to check: the caller names those dates (``held_back``) and every check passes them
with "held back" in its description, so a date's failures are listed once, at their root.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import dagster as dg

from asset_checks.rules import ERROR, WARN, Outcome
from resources.dagster_internals import latest_materialization_records, target_of

SEVERITY = {ERROR: dg.AssetCheckSeverity.ERROR, WARN: dg.AssetCheckSeverity.WARN}
HELD_BACK_OUTCOME = Outcome(True, WARN, "held back (inputs_ready failed): nothing to check", {})


def check_result(asset: dg.AssetKey, name: str, o: Outcome) -> dg.AssetCheckResult:
    """The result of one evaluation: of an unpartitioned check, or of a one-date run."""
    return dg.AssetCheckResult(
        asset_key=asset,
        check_name=name,
        passed=o.passed,
        severity=SEVERITY[o.severity],
        description=o.description,
        metadata=o.metadata,
    )


def emit(
    context,
    spec: dg.AssetCheckSpec,
    outcomes: Mapping[str, Outcome],
    targets: Mapping,
    only_failures: bool = False,
) -> Iterator[dg.AssetCheckResult]:
    """``targets``: date -> the materialization checked (each date's latest).
    ``only_failures``: in a ranged run, record the failing dates' evaluations only (the gate's
    passing dates are recorded by their materializations)."""
    keys = list(context.partition_keys)
    if len(keys) == 1:
        yield check_result(spec.asset_key, spec.name, outcomes[keys[0]])
        return
    for key in keys:
        o = outcomes[key]
        if only_failures and o.passed:
            continue
        context.op_execution_context.log_event(
            dg.AssetCheckEvaluation(
                asset_key=spec.asset_key,
                check_name=spec.name,
                passed=o.passed,
                severity=SEVERITY[o.severity],
                description=o.description,
                metadata=o.metadata,
                partition=key,
                blocking=spec.blocking,
                target_materialization_data=targets.get(key),
            )
        )
    failed = {k: outcomes[k] for k in keys if not outcomes[k].passed}
    errors = sorted(k for k, o in failed.items() if o.severity == ERROR)
    yield dg.AssetCheckResult(
        asset_key=spec.asset_key,
        check_name=spec.name,
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"range summary {keys[0]}..{keys[-1]}: "
        f"{len(keys) - len(failed)} dates passed, {len(failed)} failed"
        + (f" ({len(errors)} with ERROR, held back one by one)" if errors else ""),
        metadata={
            "range_summary": True,
            "dates": len(keys),
            "failed_dates": sorted(failed),
            "error_dates": errors,
        },
    )


def emit_all(
    context,
    specs: Mapping[str, dg.AssetCheckSpec],
    results: Mapping[str, Mapping[str, Outcome]],
    held_back: Mapping[dg.AssetKey, set[str]],
    only_failures: bool = False,
):
    """Emit every selected spec. The dates in ``held_back[asset]`` pass every check of that
    asset: the asset held them back and wrote nothing to check."""
    keys = list(context.partition_keys)
    targets: dict[dg.AssetKey, dict] = {}
    for name, spec in specs.items():
        if spec.key not in context.selected_asset_check_keys:
            continue
        if spec.asset_key not in targets:
            targets[spec.asset_key] = (
                {
                    k: target_of(r)
                    for k, r in latest_materialization_records(
                        context.instance, spec.asset_key, keys
                    ).items()
                }
                if len(keys) > 1
                else {}
            )
        held = held_back.get(spec.asset_key) or set()
        outcomes = {d: HELD_BACK_OUTCOME if d in held else o for d, o in results[name].items()}
        yield from emit(context, spec, outcomes, targets[spec.asset_key], only_failures)
