"""Snapshots of the warehouse, and their restore: DuckDB files, BigQuery table snapshots.

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
SHA-256.

BigQuery (``snapshot_bigquery``): a table snapshot (``CREATE SNAPSHOT TABLE ... CLONE``) of every
base table of the warehouse datasets, all ``FOR SYSTEM_TIME AS OF`` one time read from BigQuery's
own clock (the client's could be ahead of it, and a time in the future is refused), each expiring
``expiry_days`` after it: BigQuery deletes them, the counterpart of keeping the newest N. They go
to one dataset, ``nba_backups`` (same location, which snapshots require), not beside their
tables: the warehouse datasets keep only the tables the IO manager writes, and the backups can
have their own access (writers of the warehouse need not be able to delete them). A snapshot is
``<dataset>__<table>__<UTC time>``. The manifest is each snapshot's row count, counted on the
snapshot. One table failing is recorded by name and the others are still taken.
Restore with ``restore_sql`` into a new table (``CREATE TABLE ... CLONE`` the snapshot).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
from google.api_core.exceptions import GoogleAPIError

from resources.warehouse import connect_duckdb

MANIFEST = "manifest.json"
PARTIAL = ".partial"
STAMP = "%Y%m%dT%H%M%SZ"
BACKUP_DATASET = "nba_backups"


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


@dataclass(frozen=True)
class BigQuerySnapshot:
    """One run's snapshots: ``tables`` is ``dataset.table`` -> {"snapshot", "rows"} of those
    taken, ``failed`` ``dataset.table`` -> the error of those not."""

    as_of: datetime
    expires: datetime
    tables: dict[str, dict]
    failed: dict[str, str]


def bigquery_tables_sql(project: str, location: str, datasets: list[str]) -> str:
    """The base tables of ``datasets`` (the region's view: a dataset not created yet has none)."""
    names = ", ".join(f"'{d}'" for d in datasets)
    return (
        "SELECT table_schema, table_name "
        f"FROM `{project}`.`region-{location.lower()}`.INFORMATION_SCHEMA.TABLES "
        f"WHERE table_type = 'BASE TABLE' AND table_schema IN ({names}) ORDER BY 1, 2"
    )


def _timestamp(at: datetime) -> str:
    return f"TIMESTAMP '{at.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S}+00'"


def snapshot_name(project: str, dataset: str, table: str, as_of: datetime) -> str:
    return f"{project}.{BACKUP_DATASET}.{dataset}__{table}__{as_of.strftime(STAMP)}"


def create_snapshot_sql(source: str, snapshot: str, as_of: datetime, expires: datetime) -> str:
    return (
        f"CREATE SNAPSHOT TABLE `{snapshot}` CLONE `{source}` "
        f"FOR SYSTEM_TIME AS OF {_timestamp(as_of)} "
        f"OPTIONS (expiration_timestamp = {_timestamp(expires)})"
    )


def restore_sql(snapshot: str, table: str) -> str:
    """A new, writable ``table`` (``project.dataset.table``) from ``snapshot``; never over an
    existing one (no ``OR REPLACE``): restore beside the table, check it, then swap."""
    return f"CREATE TABLE `{table}` CLONE `{snapshot}`"


def snapshot_bigquery(
    client, project: str, location: str, datasets: list[str], expiry_days: int
) -> BigQuerySnapshot:
    """Snapshots of every base table of ``datasets``, at one time, expiring after
    ``expiry_days``. ``client`` is a ``google.cloud.bigquery.Client``."""
    if expiry_days < 1:
        raise ValueError(f"expiry_days={expiry_days}: a snapshot is kept at least one day")
    # listed before the time is read, so every table listed existed at that time
    found = client.query(bigquery_tables_sql(project, location, datasets)).result()
    tables = [(row.table_schema, row.table_name) for row in found]
    if not tables:
        raise BackupError(f"{project} ({location}): no tables in {', '.join(datasets)}")
    client.query(
        f"CREATE SCHEMA IF NOT EXISTS `{project}.{BACKUP_DATASET}` "
        f"OPTIONS (location = '{location}')"
    ).result()
    (clock,) = client.query("SELECT CURRENT_TIMESTAMP() AS now").result()
    as_of = clock.now.astimezone(timezone.utc).replace(microsecond=0)
    expires = as_of + timedelta(days=expiry_days)
    taken, failed = {}, {}
    for dataset, table in tables:
        name = f"{dataset}.{table}"
        snapshot = snapshot_name(project, dataset, table, as_of)
        try:
            client.query(
                create_snapshot_sql(f"{project}.{name}", snapshot, as_of, expires)
            ).result()
            (count,) = client.query(f"SELECT COUNT(*) AS row_count FROM `{snapshot}`").result()
        except GoogleAPIError as exc:
            failed[name] = str(exc)
            continue
        taken[name] = {"snapshot": snapshot, "rows": count.row_count}
    return BigQuerySnapshot(as_of, expires, taken, failed)
