"""Nightly warehouse snapshots (job ``backup_warehouse``, schedule ``nightly_backup``, stopped by
default) and the ``nba-restore`` command. The snapshot and restore logic, and why it is
consistent, is ``resources.backups``.

DuckDB: snapshots go to ``NBA_BACKUP_DIR`` (default ``data/backups`` in the project), the newest
``keep`` (run config, default 7) kept. Restore into a new file, then point ``NBA_DUCKDB_PATH`` at
it:

    nba-restore data/backups/20251110T060000Z /tmp/restored.duckdb

BigQuery: a table snapshot of every table of ``WAREHOUSE_DATASETS`` in ``nba_backups``, each
expiring after ``expiry_days`` (run config, default 7); the run's metadata is the manifest (the
snapshot and row count per table). Restore a table with ``resources.backups.restore_sql``.
"""

import argparse
import os
import sys

import dagster as dg

from nba_assets.keys import ANALYTICS, ML, PRECOMPUTE, RAW
from resources import backups
from resources.bigquery import BigQueryWarehouse
from resources.raw_source import PROJECT_ROOT
from resources.warehouse import DuckDBWarehouse

WAREHOUSE_DATASETS = [RAW, ANALYTICS, PRECOMPUTE, ML]  # the asset key prefixes


def default_backup_dir() -> str:
    return os.environ.get("NBA_BACKUP_DIR") or str(PROJECT_ROOT / "data" / "backups")


class BackupConfig(dg.Config):
    """DuckDB: how many snapshots to keep (the oldest beyond it are deleted). BigQuery: the days
    until BigQuery deletes a snapshot (run nightly, that keeps about the newest 7 as well)."""

    keep: int = 7
    expiry_days: int = 7


def _snapshot_duckdb(warehouse: DuckDBWarehouse, keep: int) -> dict:
    folder = backups.snapshot(warehouse.database, default_backup_dir(), keep)
    tables = backups.manifest(folder)
    return {
        "snapshot": str(folder),
        "tables": len(tables),
        "rows": sum(t["rows"] for t in tables.values()),
        "kept": len(backups.snapshots(default_backup_dir())),
    }


def _snapshot_bigquery(warehouse: BigQueryWarehouse, expiry_days: int) -> dict:
    """The run's metadata; a table that failed fails the run, named, with the others'
    manifest."""
    with warehouse.get_client() as client:
        run = backups.snapshot_bigquery(
            client, warehouse.project, warehouse.location, WAREHOUSE_DATASETS, expiry_days
        )
    metadata = {
        "as_of": run.as_of.isoformat(),
        "expires": run.expires.isoformat(),
        "dataset": f"{warehouse.project}.{backups.BACKUP_DATASET}",
        "tables": len(run.tables),
        "rows": sum(t["rows"] for t in run.tables.values()),
        "manifest": dg.MetadataValue.json(run.tables),
    }
    if run.failed:
        raise dg.Failure(
            f"{len(run.failed)} of {len(run.failed) + len(run.tables)} tables not snapshotted: "
            + "; ".join(f"{table}: {error}" for table, error in run.failed.items()),
            metadata={**metadata, "failed": dg.MetadataValue.json(run.failed)},
        )
    return metadata


@dg.op(required_resource_keys={"warehouse"})
def snapshot_warehouse(context: dg.OpExecutionContext, config: BackupConfig) -> None:
    warehouse = context.resources.warehouse
    if isinstance(warehouse, DuckDBWarehouse):
        metadata = _snapshot_duckdb(warehouse, config.keep)
    elif isinstance(warehouse, BigQueryWarehouse):
        metadata = _snapshot_bigquery(warehouse, config.expiry_days)
    else:
        raise dg.Failure(f"backup_warehouse cannot snapshot a {type(warehouse).__name__}")
    context.add_output_metadata(metadata)


@dg.job(
    name="backup_warehouse",
    description="A consistent snapshot of the warehouse. DuckDB: EXPORT DATABASE to Parquet, "
    "with a manifest of rows and checksums per table, into NBA_BACKUP_DIR, keeping the newest "
    "`keep`; restore with `nba-restore`. BigQuery: a table snapshot of every table at one time "
    "in nba_backups, expiring after `expiry_days`, rows per table in the run's metadata.",
)
def backup_warehouse_job():
    snapshot_warehouse()


nightly_backup_schedule = dg.ScheduleDefinition(
    name="nightly_backup",
    job=backup_warehouse_job,
    cron_schedule="0 5 * * *",
    execution_timezone="America/New_York",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="05:00 America/New_York, before the morning slate: a snapshot of the warehouse.",
)


def definitions() -> dg.Definitions:
    return dg.Definitions(jobs=[backup_warehouse_job], schedules=[nightly_backup_schedule])


def restore_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nba-restore", description="Rebuild a warehouse from a snapshot and verify it."
    )
    parser.add_argument("snapshot", help="a snapshot folder (NBA_BACKUP_DIR/<UTC time>)")
    parser.add_argument("database", help="the new DuckDB file to build (must not exist)")
    args = parser.parse_args(argv)
    try:
        tables = backups.restore(args.snapshot, args.database)
    except backups.BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    rows = sum(t["rows"] for t in tables.values())
    print(
        f"{args.database}: {len(tables)} tables, {rows:,} rows, every checksum as in the manifest"
    )
    return 0
