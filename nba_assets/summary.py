"""The summary ``make demo`` prints: rows per table, per-date check results, elapsed time."""

from __future__ import annotations

import os

import dagster as dg
import duckdb

from nba_assets import keys
from nba_assets.definitions import defs
from nba_assets.gating import GATE_CHECK, held_back_reasons
from resources.dagster_internals import FAILED, SUCCEEDED, check_statuses, latest_check_evaluation
from resources.deployment import current
from resources.warehouse import WarehouseLocked, connect_duckdb, default_duckdb_path


def table_rows(tables: list[dg.AssetKey], wait_seconds: float = 30.0) -> dict[str, int | None]:
    """Rows per table; None where unknown (another warehouse, no table yet, or the file stayed
    locked by another process: said once, the summary goes on)."""
    none = {t.to_user_string(): None for t in tables}
    if current().warehouse != "duckdb" or not os.path.exists(default_duckdb_path()):
        return none
    try:
        con = connect_duckdb(
            default_duckdb_path(), read_only=True, log=print, wait_seconds=wait_seconds
        )
    except WarehouseLocked as exc:
        print(f"  (row counts not shown: {exc})")
        return none
    with con:
        out = {}
        for t in tables:
            try:
                out[t.to_user_string()] = con.execute(
                    f"SELECT count(*) FROM {t.path[0]}.{t.path[1]}"
                ).fetchall()[0][0]
            except duckdb.CatalogException:
                out[t.to_user_string()] = None
        return out


def check_results(instance: dg.DagsterInstance, keys: list[str]) -> dict[dg.AssetCheckKey, dict]:
    """Per check: dates passed, and the failing dates split into ERROR and WARN with
    descriptions."""
    graph = defs.resolve_asset_graph()
    check_keys = sorted(
        (
            k
            for k in graph.asset_check_keys
            if graph.get(k.asset_key).partitions_def is not None and k.name != GATE_CHECK
        ),
        key=lambda k: k.to_user_string(),
    )  # the model's checks are printed with the model
    out = {}
    for key in check_keys:
        statuses = {d: s.status for (_, d), s in check_statuses(instance, [key], keys).items()}
        failed = {}
        for day, status in statuses.items():
            if status == FAILED:
                _, ev = latest_check_evaluation(instance, key, day)
                failed[day] = (ev.severity.value, ev.description or "")
        passed = sum(1 for s in statuses.values() if s == SUCCEEDED)
        out[key] = {
            "passed": passed,
            "failed": dict(sorted(failed.items())),
            "evaluated": len(statuses),
        }
    return out


def held_back_partitions(
    instance: dg.DagsterInstance, keys: list[str]
) -> dict[str, tuple[list[str], str]]:
    """date -> (the tables that held it back, the root reason), from their materializations."""
    graph = defs.resolve_asset_graph()
    out: dict[str, tuple[list[str], str]] = {}
    for asset in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        if dg.AssetCheckKey(asset, GATE_CHECK) not in graph.asset_check_keys:
            continue
        for date, reason in held_back_reasons(instance, asset, keys).items():
            out.setdefault(date, ([], reason))[0].append(asset.to_user_string())
    return dict(sorted(out.items()))


def print_summary(instance: dg.DagsterInstance, report) -> None:
    job = defs.resolve_job_def("daily_refresh")
    tables = sorted(
        [*job.asset_layer.executable_asset_keys, keys.MODEL_EVALUATION],
        key=lambda k: k.to_user_string(),
    )
    print(
        f"\nBackfill of {len(report.keys)} partitions ({report.keys[0]} .. {report.keys[-1]}) in "
        f"{report.seconds:.1f} s, {report.runs} run(s)"
    )
    print("\nRows per table")
    for table, rows in table_rows(tables).items():
        done = len(report.materialized.get(dg.AssetKey.from_user_string(table), ()))
        print(
            f"  {table:45s} {rows if rows is not None else 'n/a':>9}  "
            f"({done} partitions materialized)"
        )
    print_model(instance)
    print("\nChecks (per date: passed / failed)")
    results = check_results(instance, report.keys)
    for key, r in results.items():
        errors = [d for d, (sev, _) in r["failed"].items() if sev == "ERROR"]
        print(
            f"  {key.to_user_string():75s} {r['passed']:4d} passed {len(r['failed']):4d} failed"
            + (f" ({len(errors)} ERROR)" if errors else "")
        )
        for _date, (severity, description) in r["failed"].items():
            print(f"      {severity:5s} {description[:220]}")
    held = held_back_partitions(instance, report.keys)
    if held:
        print(
            f"\nHeld back: {sum(len(a) for a, _ in held.values())} partitions on "
            f"{len(held)} date(s), every other date built"
        )
        for date, (assets, reason) in held.items():
            print(f"  {date}: {', '.join(assets)}")
            print(f"      because {reason[:400]}")
    if report.notes:
        print("\nModel and predictions")
        for note in report.notes:
            print(f"  {note}")
    if report.errors:
        print("\nCould not run")
        for error in report.errors:
            print(f"  {error}")
    print(f"\nElapsed: {report.seconds:.1f} s")


def print_model(instance: dg.DagsterInstance) -> None:
    """The current points model version, its MAE against the last-10 average, and its checks."""
    event = instance.get_latest_materialization_event(keys.POINTS_MODEL)
    if event is None:
        print("\nPoints model: not trained")
        return
    meta = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    print(
        f"\nPoints model {meta['model_version']} (test season {meta['test_season']}): MAE "
        f"{meta['all_played_pct_below_last_10']:.2f}% below the last-10 average on all_played "
        "rows, "
        f"{meta['rotation_pct_below_last_10']:.2f}% on rotation rows"
    )
    checks = [
        k for k in defs.resolve_asset_graph().asset_check_keys if k.asset_key == keys.POINTS_MODEL
    ]
    for key in sorted(checks, key=lambda k: k.name):
        _, ev = latest_check_evaluation(instance, key)
        state = (
            "not evaluated"
            if ev is None
            else ("passed" if ev.passed else f"FAILED ({ev.severity.value})")
        )
        print(f"  {key.name:32s} {state}: {ev.description if ev else ''}"[:240])
