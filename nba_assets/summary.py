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
    job = defs.resolve_job_def("morning_slate")
    tables = sorted(
        [*job.asset_layer.executable_asset_keys, keys.MODEL_EVALUATION, keys.MARKET_EVALUATION],
        key=lambda k: k.to_user_string(),
    )
    print(
        f"\nBackfill of {len(report.keys)} partitions ({report.keys[0]} .. {report.keys[-1]}) in "
        f"{report.seconds:.1f} s, {report.runs} run(s)"
    )
    if report.backfill_id:
        print(f"  In the UI: Runs > Backfills > {report.backfill_id} (every run, per-asset counts)")
        print(f"  Dagster's event log: {report.log_path}")
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
    held = report.held
    if held:
        print(
            f"\nHeld back: {sum(len(a) for a, _ in held.values())} partitions on "
            f"{len(held)} date(s), every other date built"
        )
        for date, (assets, reason) in held.items():
            print(f"  {date}: {', '.join(assets)}")
            print(f"      because {reason[:400]}")
    if report.as_of:
        print_slate(report.as_of)
    print_market(instance)
    if report.notes:
        print("\nModel and predictions")
        for note in report.notes:
            print(f"  {note}")
    if report.errors:
        print("\nCould not run")
        for error in report.errors:
            print(f"  {error}")
    print(f"\nElapsed: {report.seconds:.1f} s")


def slate(as_of: str) -> list[tuple]:
    """(game, team, player, predicted points, model version, trained through) of the as-of
    date's predictions, by game and team, highest prediction first."""
    if current().warehouse != "duckdb" or not os.path.exists(default_duckdb_path()):
        return []
    with connect_duckdb(default_duckdb_path(), read_only=True, log=print) as con:
        try:
            return con.execute(
                "SELECT game_id, team_abbr, opponent_abbr, player_name, predicted_points, "
                "model_version, trained_through FROM nba_ml.player_points_predictions "
                "WHERE game_date = ? ORDER BY game_id, team_abbr, predicted_points DESC",
                [as_of],
            ).fetchall()
        except duckdb.CatalogException:
            return []


def print_slate(as_of: str) -> None:
    """Tonight's predictions, one line per team."""
    rows = slate(as_of)
    if not rows:
        print(f"\nSlate of {as_of}: no predictions (no games, or no model yet)")
        return
    versions = sorted({(r[5], str(r[6])[:10]) for r in rows})
    print(
        f"\nSlate of {as_of}: {len({r[0] for r in rows})} games, {len(rows)} expected players, "
        "predicted points by model " + ", ".join(f"{v} (trained through {t})" for v, t in versions)
    )
    teams: dict[tuple, list] = {}
    for game, team, opponent, player, points, *_ in rows:
        teams.setdefault((game, team, opponent), []).append(f"{player} {points:.1f}")
    for (game, team, opponent), players in teams.items():
        print(f"  {game} {team} vs {opponent}: " + ", ".join(players))


def print_model(instance: dg.DagsterInstance) -> None:
    """The current points model version, its MAE against the last-10 average, and its checks."""
    event = instance.get_latest_materialization_event(keys.POINTS_MODEL)
    if event is None:
        print("\nPoints model: not trained")
        return
    meta = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    print(
        f"\nPoints model: {len(meta.get('walk_forward') or [])} walk-forward versions up to "
        f"{meta.get('as_of')}, latest {meta['model_version']}. Walk-forward MAE on season "
        f"{meta['test_season']}: {meta['all_played_pct_below_last_10']:.1f}% below the last-10 "
        f"average on all_played rows, {meta['rotation_pct_below_last_10']:.1f}% on rotation rows"
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


def print_market(instance: dg.DagsterInstance) -> None:
    """The model against the market (``market_evaluation``'s latest materialization)."""
    event = instance.get_latest_materialization_event(keys.MARKET_EVALUATION)
    meta = event.asset_materialization.metadata if event is not None else {}
    if "evaluation" not in meta:
        print("\nModel vs market: no graded date with a points line and a prediction")
        return
    print(f"\nModel vs market over {meta['graded_dates'].value} graded date(s)")
    text = meta["evaluation"].value.split("**Per week:**")[0]  # the weeks are in the UI
    for line in text.strip().splitlines():
        print(f"  {line}" if line else "")
