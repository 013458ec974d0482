"""Per-table checksums of a DuckDB warehouse, to show that a change leaves every table's values
as they were: ``.venv/bin/python scripts/table_checksums.py [warehouse.duckdb]`` (default
``NBA_DUCKDB_PATH`` or ``data/warehouse.duckdb``), once before and once after, then diff.

A checksum is order-independent (rows are sorted by every column first) and leaves out the
columns that record when a run happened, not what it computed (``RUN_TIME_COLUMNS``), and of
``model_version`` (``<UTC time>-<booster hash>``) only the booster hash."""

from __future__ import annotations

import hashlib
import sys

import duckdb
import pandas as pd

from resources.warehouse import default_duckdb_path

RUN_TIME_COLUMNS = {"ingested_at", "trained_at", "predicted_at", "made_at"}


def checksums(path: str) -> dict[str, tuple[int, str]]:
    """``schema.table`` -> (rows, sha256 of the sorted rows without the run-time columns)."""
    con = duckdb.connect(path, read_only=True)
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables ORDER BY 1, 2"
        ).fetchall()
        out = {}
        for schema, table in tables:
            frame = con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchdf()
            frame = frame.drop(columns=[c for c in frame.columns if c in RUN_TIME_COLUMNS])
            if "model_version" in frame:
                frame["model_version"] = frame["model_version"].str.split("-").str[-1]
            frame = (
                frame.sort_values(list(frame.columns)).reset_index(drop=True)
                if len(frame)
                else frame
            )
            digest = hashlib.sha256(
                pd.util.hash_pandas_object(frame, index=False).values.tobytes()
            ).hexdigest()
            out[f"{schema}.{table}"] = (len(frame), digest[:16])
        return out
    finally:
        con.close()


if __name__ == "__main__":
    for name, (rows, digest) in checksums(
        sys.argv[1] if len(sys.argv) > 1 else default_duckdb_path()
    ).items():
        print(f"{name:45s} {rows:>9,d} {digest}")
