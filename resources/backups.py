"""Snapshots of the DuckDB warehouse, and their restore.

``snapshot`` holds one read-only connection (so no writer can change the file mid-copy: DuckDB
lets one process write, and a writer waits for it, ``connect_duckdb``), runs ``EXPORT DATABASE``
(schema and every table as Parquet) into ``<root>/<UTC time>.partial``, writes ``manifest.json``
(per table: rows and a checksum of every value) and only then renames the folder to
``<root>/<UTC time>``: a folder without ``.partial`` is complete. The oldest complete snapshots
beyond ``keep`` are deleted.

``restore`` builds a warehouse from a snapshot with ``IMPORT DATABASE`` into a new file (never
over an existing one) and recomputes every table's rows and checksum against the manifest; a
difference names the table and removes the half-built file.

The checksum is order-independent: rows sorted by every column, then pandas' row hashes,
SHA-256. BigQuery snapshots (table snapshots with an expiry) are not here yet.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from resources.warehouse import connect_duckdb

MANIFEST = "manifest.json"
PARTIAL = ".partial"
STAMP = "%Y%m%dT%H%M%SZ"


class BackupError(RuntimeError):
    """A snapshot that cannot be taken or restored, naming the snapshot and the table."""


def table_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """``schema.table`` -> {"rows", "sha256"} over every column of every row."""
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' ORDER BY 1, 2"
    ).fetchall()
    out = {}
    for schema, table in tables:
        frame = con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchdf()
        if len(frame):
            frame = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
        out[f"{schema}.{table}"] = {"rows": len(frame), "sha256": digest.hexdigest()}
    return out


def snapshots(root: str | Path) -> list[Path]:
    """The complete snapshots under ``root``, oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL))


def snapshot(database: str, root: str | Path, keep: int, now: datetime | None = None) -> Path:
    """A consistent snapshot of ``database`` under ``root``; keeps the newest ``keep``."""
    if keep < 1:
        raise ValueError(f"keep={keep}: at least the snapshot just taken is kept")
    if not Path(database).is_file():
        raise BackupError(f"{database}: no warehouse file to snapshot")
    stamp = (now or datetime.now(timezone.utc)).strftime(STAMP)
    final = Path(root) / stamp
    partial = final.with_name(stamp + PARTIAL)
    if final.exists():
        raise BackupError(f"{final}: a snapshot with this time already exists")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    con = connect_duckdb(database, read_only=True)
    try:
        con.execute(f"EXPORT DATABASE '{partial}' (FORMAT PARQUET)")
        manifest = {
            "database": str(database),
            "taken_at": stamp,
            "duckdb": duckdb.__version__,
            "tables": table_checksums(con),
        }
    finally:
        con.close()
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    partial.rename(final)
    for old in snapshots(root)[:-keep]:
        shutil.rmtree(old)
    return final


def manifest(snapshot_dir: str | Path) -> dict[str, dict]:
    """The tables of a complete snapshot's manifest."""
    path = Path(snapshot_dir) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{snapshot_dir}: no {MANIFEST} (not a complete snapshot)")
    return json.loads(path.read_text())["tables"]


def restore(snapshot_dir: str | Path, database: str) -> dict[str, dict]:
    """A new warehouse ``database`` from ``snapshot_dir``, verified table by table against its
    manifest (returned)."""
    snapshot_dir, target = Path(snapshot_dir), Path(database)
    expected = manifest(snapshot_dir)
    if target.exists():
        raise BackupError(f"{target}: exists; restore builds a new file and never overwrites one")
    try:
        con = duckdb.connect(str(target))
        try:
            con.execute(f"IMPORT DATABASE '{snapshot_dir}'")
            found = table_checksums(con)
        finally:
            con.close()
        for table, want in expected.items():
            got = found.get(table)
            if got != want:
                raise BackupError(
                    f"{snapshot_dir}: table {table} restored as {got}, the manifest says {want}"
                )
        extra = sorted(set(found) - set(expected))
        if extra:
            raise BackupError(f"{snapshot_dir}: tables not in the manifest: {extra}")
    except Exception:
        target.unlink(missing_ok=True)
        Path(str(target) + ".wal").unlink(missing_ok=True)
        raise
    return expected
