"""Times ``nba-backfill`` of the whole NBA_RAW_DIR folder (every table, the model, the predictions)
on the deployment's storage: ``deploy/dagster.yaml`` as shipped on a throwaway local PostgreSQL
(``tests/local_postgres.py``: Debian's ``postgresql``, 127.0.0.1 only), with a fresh DuckDB file
and model folder. The issue asks for it within 1.5x of the SQLite time, which ``make demo``
measures (the same command on ``dagster_home/dagster.yaml``). Prints the wall time.
``--stock-event-log`` swaps in dagster-postgres's own event log storage (a connection per call)
for the shipped pooled one (``resources/postgres_event_log_storage.py``), to compare the two.

    .venv/bin/python benchmarks/postgres_benchmark.py [--stock-event-log] [nba-backfill options]
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from local_postgres import deploy_home, local_postgres  # noqa: E402 - tests/ on the path first

STOCK = "--stock-event-log"


def main(args: list[str]) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="nba-pg-bench-"))
    stock = STOCK in args
    args = [a for a in args if a != STOCK]
    with local_postgres() as pg:
        home = deploy_home(scratch / "home", pg)
        if stock:
            config = home / "dagster.yaml"
            config.write_text(
                config.read_text()
                .replace("resources.postgres_event_log_storage", "dagster_postgres.event_log")
                .replace("PooledPostgresEventLogStorage", "PostgresEventLogStorage")
            )
        env = {
            **os.environ,
            **pg.env(),
            "DAGSTER_HOME": str(home),
            "NBA_DUCKDB_PATH": str(scratch / "warehouse.duckdb"),
            "NBA_MODEL_DIR": str(scratch / "models"),
        }
        started = time.perf_counter()
        done = subprocess.run([str(PROJECT / ".venv" / "bin" / "nba-backfill"), *args], env=env)
        seconds = time.perf_counter() - started
    shutil.rmtree(scratch)
    name = "postgres-stock" if stock else "postgres"
    print(f"RESULT storage={name} seconds={seconds:.1f} exit={done.returncode}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
