"""Times ``nba-backfill`` of the whole NBA_RAW_DIR folder (every table, the model, the predictions)
on the deployment's storage: ``deploy/dagster.yaml`` as shipped on a throwaway local PostgreSQL
(``tests/local_postgres.py``: Debian's ``postgresql``, 127.0.0.1 only), with a fresh DuckDB file
and model folder. The issue asks for it within 1.5x of the SQLite time, which ``make demo``
measures (the same command on ``dagster_home/dagster.yaml``). Prints the wall time.

    .venv/bin/python benchmarks/postgres_benchmark.py [nba-backfill options, e.g. --workers 1]
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


def main(args: list[str]) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="nba-pg-bench-"))
    with local_postgres() as pg:
        env = {
            **os.environ,
            **pg.env(),
            "DAGSTER_HOME": str(deploy_home(scratch / "home", pg)),
            "NBA_DUCKDB_PATH": str(scratch / "warehouse.duckdb"),
            "NBA_MODEL_DIR": str(scratch / "models"),
        }
        started = time.perf_counter()
        done = subprocess.run([str(PROJECT / ".venv" / "bin" / "nba-backfill"), *args], env=env)
        seconds = time.perf_counter() - started
    shutil.rmtree(scratch)
    print(f"RESULT storage=postgres seconds={seconds:.1f} exit={done.returncode}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
