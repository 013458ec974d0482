"""Times the full backfill (every table, every date of NBA_RAW_DIR) into a fresh instance and
DuckDB file, and prints wall time, partitions per second and rows per second.

    .venv/bin/python benchmarks/backfill_benchmark.py [--workers N]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="nba-bench-"))
    os.environ["DAGSTER_HOME"] = str(scratch / "home")
    os.environ["NBA_DUCKDB_PATH"] = str(scratch / "warehouse.duckdb")
    (scratch / "home").mkdir()
    project = Path(__file__).resolve().parent.parent
    (scratch / "home" / "dagster.yaml").write_text((project / "dagster_home" / "dagster.yaml").read_text())
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    import dagster as dg

    from nba_assets.backfill import backfill
    from nba_assets.summary import table_rows

    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        report = backfill(instance, workers=args.workers)
    seconds = time.perf_counter() - started
    rows = table_rows(sorted(report.materialized))
    total = sum(r or 0 for r in rows.values())
    print(f"partitions: {len(report.keys)}  workers: {args.workers}  runs: {report.runs}  errors: {len(report.errors)}")
    for table, n in rows.items():
        print(f"  {table:45s} {n:>9}")
    print(f"wall time: {seconds:.1f} s  partitions/s: {len(report.keys) / seconds:.1f}  rows/s: {total / seconds:,.0f}")
