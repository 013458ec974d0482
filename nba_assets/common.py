"""Settings and steps shared by every date-partitioned table asset."""

from collections.abc import Callable, Iterable
from datetime import date

import dagster as dg
import pandas as pd

from asset_checks.emit import emit_all
from asset_checks.rules import ERROR, Outcome, day
from basketball import grading
from nba_assets import keys
from nba_assets.gating import GATE_CHECK, GATE_DESCRIPTION, HELD_BACK, held_back_reasons
from nba_assets.partitions import GAME_DATES
from resources.deployment import current
from resources.warehouse import PARTITION_EXPR

# The UI's kind badges: pandas frames in the deployment's warehouse (duckdb or bigquery).
TABLE_KINDS = {"pandas", current().warehouse}
# How asset pages round what they show: errors in points (MAE, RMSE) to 3 decimals, values in
# percent to 1, shares of 1 (hit rates) to 3; stored tables keep every digit.
MAE_DIGITS, PCT_DIGITS, SHARE_DIGITS = 3, 1, 3
# A derived table follows its upstream for the latest date once the upstream's blocking checks
# passed (evaluated by the ``nba_automation`` sensor, stopped until turned on).
FOLLOW_UPSTREAM = (
    dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()
)


def check_spec(
    asset: dg.AssetKey, name: str, description: str, blocking: bool, reads: tuple = ()
) -> dg.AssetCheckSpec:
    """A check on ``asset``, partitioned like it (so the UI keeps check history per date), that
    also reads the same dates of the ``reads`` assets."""
    return dg.AssetCheckSpec(
        name,
        asset=asset,
        description=description,
        blocking=blocking,
        partitions_def=GAME_DATES,
        additional_deps=list(reads),
    )


def emit_checks(
    context,
    specs: dict[str, dg.AssetCheckSpec],
    results: dict[str, dict[str, Outcome]],
    held_back: dict[dg.AssetKey, set[str]] | None = None,
):
    """Emit ``results`` per date; a date the checked asset held back passes (nothing to check).
    ``held_back``: those dates, when the step knows them (a check inside its asset's step);
    otherwise read from each date's latest materialization."""
    dates = list(context.partition_keys)
    if held_back is None:
        held_back = {
            a: set(held_back_reasons(context.instance, a, dates))
            for a in {s.asset_key for s in specs.values()}
        }
    yield from emit_all(context, specs, results, held_back)


def gate_spec(key: dg.AssetKey) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        GATE_CHECK,
        asset=key,
        blocking=True,
        partitions_def=GAME_DATES,
        description=GATE_DESCRIPTION,
    )


def table_asset_args(
    key: dg.AssetKey,
    contract: dg.TableSchema,
    description: str,
    check_specs: Iterable[dg.AssetCheckSpec] = (),
) -> dict:
    """``@asset`` arguments for a warehouse table: its group (= key prefix = warehouse dataset),
    partitions, one run per backfill range, the partition expression and the column contract the
    IO manager enforces. Every table outside ``nba_raw`` (which the schedule pulls) follows its
    upstream (``FOLLOW_UPSTREAM``) and has the ``inputs_ready`` gate check."""
    raw = key.path[0] == keys.RAW
    return dict(
        key=key,
        description=description,
        group_name=key.path[0],
        partitions_def=GAME_DATES,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds=TABLE_KINDS,
        automation_condition=None if raw else FOLLOW_UPSTREAM,
        metadata={"partition_expr": PARTITION_EXPR, "dagster/column_schema": contract},
        check_specs=[*([] if raw else [gate_spec(key)]), *check_specs],
    )


def partition_dates(context) -> list[date]:
    return [date.fromisoformat(k) for k in context.partition_keys]


def without_dates(frame: pd.DataFrame, dates: Iterable[str]) -> pd.DataFrame:
    """``frame`` without the rows dated in ``dates`` (``YYYY-MM-DD``)."""
    dates = set(dates)
    if not dates or frame.empty:
        return frame
    return frame[~day(frame["game_date"]).isin(dates)].reset_index(drop=True)


def gate_results(context: dg.AssetExecutionContext, key: dg.AssetKey, held: dict[str, str]):
    """The ``inputs_ready`` result of every date being built: failed (ERROR) for a held-back
    date."""
    outcomes = {
        d: Outcome(False, ERROR, _held_text(held[d]), {})
        if d in held
        else Outcome(True, ERROR, "every input partition readable", {})
        for d in context.partition_keys
    }
    yield from emit_all(
        context,
        {GATE_CHECK: gate_spec(key)},
        {GATE_CHECK: outcomes},
        held_back={},
        only_failures=True,
    )


def kept_as_made(
    warehouse, key: dg.AssetKey, contract: dg.TableSchema, dates: list[str], held, now
) -> tuple[set[str], pd.DataFrame]:
    """(the dates of ``dates`` whose stored rows of ``key`` are kept as made: their slate has
    started, ``grading.kept_dates``; those stored rows, but of the ``held`` dates)."""
    stored = warehouse.read(key, contract, dates[0], dates[-1])
    kept = grading.kept_dates(stored, now)
    rows = stored[day(stored["game_date"]).isin(kept - set(held))] if len(stored) else stored
    return kept, rows


def not_final(context, schedule: pd.DataFrame, held: dict[str, str]) -> dict[str, str]:
    """The run's dates (not held back) whose real games are not all final: nothing to grade yet."""
    games = schedule[schedule["is_nba_game"]]
    final = games.groupby(day(games["game_date"]))["is_final"].all() if len(games) else {}
    return {
        d: "not played yet: its games are not final"
        for d in context.partition_keys
        if d not in held and not bool(final.get(d, True))
    }


def _held_text(reason: str) -> str:
    return reason if reason.startswith("held back") else f"held back: {reason}"


def report_per_date(
    context: dg.AssetExecutionContext,
    frame: pd.DataFrame,
    per_date: pd.DataFrame | None = None,
    held: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    **counts: Callable[[pd.DataFrame], int],
) -> None:
    """Attach each date's own row count, ``counts`` and the numeric columns of ``per_date``
    (indexed by ``YYYY-MM-DD``) to that date's materialization; a held-back date says why, and
    ``notes`` say why a date is empty without being held back (not played yet, no model yet).

    A ranged run materializes every date of its range at once; metadata added with
    ``add_output_metadata`` would repeat the whole range's totals on every date. The same holds
    for the IO manager's ``Query`` (the run's range), so each date gets its own query instead."""
    by_date = dict(tuple(frame.groupby(day(frame["game_date"])))) if len(frame) else {}
    empty = frame.iloc[0:0]
    for key in context.partition_keys:
        rows = by_date.get(key, empty)
        metadata = {
            "dagster/partition_row_count": len(rows),
            "Query": f"SELECT * FROM {'.'.join(context.asset_key.path)} WHERE game_date = '{key}'",
            **{name: int(f(rows)) for name, f in counts.items()},
        }
        if per_date is not None and key in per_date.index:
            metadata.update(
                {name: float(v) for name, v in per_date.loc[key].items() if pd.notna(v)}
            )
        if held and key in held:
            metadata[HELD_BACK] = _held_text(held[key])
        if notes and key in notes:
            metadata["note"] = notes[key]
        context.add_asset_metadata(metadata, partition_key=key)
