"""Times ``nba-backfill`` of the whole graph (every table, the model and the predictions, every
date of NBA_RAW_DIR) into a fresh instance, DuckDB file and model folder, and prints the wall
time, partitions per second, rows per second and each asset's step time (summed over the runs,
which overlap when workers > 1). ``--scaling`` instead backfills the tables (no model) over the
first one, two and all seasons, each into a fresh instance, to show how cost grows with history.

    .venv/bin/python benchmarks/backfill_benchmark.py [--workers N] [--scaling]
"""

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def fresh_instance() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="nba-bench-"))
    os.environ["DAGSTER_HOME"] = str(scratch / "home")
    os.environ["NBA_DUCKDB_PATH"] = str(scratch / "warehouse.duckdb")
    os.environ["NBA_MODEL_DIR"] = str(scratch / "models")
    (scratch / "home").mkdir()
    (scratch / "home" / "dagster.yaml").write_text(
        (PROJECT / "dagster_home" / "dagster.yaml").read_text()
    )


def step_seconds(instance) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for run in instance.get_runs():
        for step in instance.get_run_step_stats(run.run_id):
            if step.end_time and step.start_time:
                out[step.step_key] += step.end_time - step.start_time
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def run(end: str | None, workers: int, model: str):
    """A backfill through ``end`` in a fresh instance, in a child process (the instance and the
    warehouse path are read at import). Returns (seconds, partitions, rows, report text)."""
    import subprocess

    fresh_instance()
    code = (
        f"import sys; sys.path.insert(0, {str(PROJECT)!r}); "
        f"from benchmarks.backfill_benchmark import measure; measure({end!r}, {workers}, {model!r})"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stdout[-3000:] + done.stderr[-3000:])
    return done.stdout


def measure(end: str | None, workers: int, model: str) -> None:
    import dagster as dg

    from nba_assets.backfill import backfill
    from nba_assets.definitions import defs
    from nba_assets.keys import MODEL_EVALUATION
    from nba_assets.summary import table_rows

    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        report = backfill(instance, end=end, workers=workers, model=model)
        seconds = time.perf_counter() - started
        steps = step_seconds(instance)
    tables = sorted(
        [
            *defs.resolve_job_def("morning_slate").asset_layer.executable_asset_keys,
            MODEL_EVALUATION,
        ],
        key=lambda k: k.to_user_string(),
    )
    rows = table_rows(tables)
    total = sum(r or 0 for r in rows.values())
    print(
        f"partitions: {len(report.keys)} ({report.keys[0]} .. {report.keys[-1]})  "
        f"workers: {workers}  "
        f"runs: {report.runs}  errors: {len(report.errors)}"
    )
    for note in report.notes:
        print(f"  note: {note}")
    print("| table | rows |\n|---|---|")
    for table, n in rows.items():
        print(f"| {table} | {n if n is not None else 'n/a'} |")
    print("| step (asset or check) | seconds, summed over runs |\n|---|---|")
    for step, s in steps.items():
        print(f"| {step} | {s:.1f} |")
    print(
        f"RESULT seconds={seconds:.1f} partitions={len(report.keys)} rows={total} "
        f"partitions_per_s={len(report.keys) / seconds:.2f} rows_per_s={total / seconds:,.0f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--scaling", action="store_true", help="tables only, over 1, 2 and all seasons"
    )
    args = parser.parse_args()
    if not args.scaling:
        print(run(None, args.workers, "auto"))
        sys.exit(0)
    sys.path.insert(0, str(PROJECT))
    from datetime import date

    from basketball.calendar import season_of
    from resources.raw_source import RawSource, default_raw_dir

    keys = [d.isoformat() for d in RawSource(raw_dir=default_raw_dir()).game_dates()]
    seasons = sorted({season_of(date.fromisoformat(k)) for k in keys})
    print(
        "| seasons | partitions | rows | wall time | partitions/s | rows/s |\n"
        "|---|---|---|---|---|---|"
    )
    for n in range(1, len(seasons) + 1):
        end = max(k for k in keys if season_of(date.fromisoformat(k)) <= seasons[n - 1])
        result = run(end, args.workers, "keep").strip().splitlines()[-1]
        fields = dict(f.split("=") for f in result.split()[1:])
        print(
            f"| {n} (through {end}) | {fields['partitions']} | {fields['rows']} | "
            f"{fields['seconds']} s | "
            f"{fields['partitions_per_s']} | {fields['rows_per_s']} |",
            flush=True,
        )
