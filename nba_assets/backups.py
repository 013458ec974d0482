"""Nightly warehouse snapshots (job ``backup_warehouse``, schedule ``nightly_backup``, stopped by
default) and the ``nba-restore`` command. The snapshot and restore logic, and why it is
consistent, is ``resources.backups``.

Snapshots go to ``NBA_BACKUP_DIR`` (default ``data/backups`` in the project), the newest
``keep`` (run config, default 7) kept. Restore into a new file, then point ``NBA_DUCKDB_PATH`` at
it:

    nba-restore data/backups/20251110T060000Z /tmp/restored.duckdb
"""

import argparse
import os
import sys

import dagster as dg

from resources import backups
from resources.raw_source import PROJECT_ROOT
from resources.warehouse import DuckDBWarehouse


def default_backup_dir() -> str:
    return os.environ.get("NBA_BACKUP_DIR") or str(PROJECT_ROOT / "data" / "backups")


class BackupConfig(dg.Config):
    """How many snapshots to keep (the oldest beyond it are deleted)."""

    keep: int = 7


@dg.op(required_resource_keys={"warehouse"})
def snapshot_warehouse(context: dg.OpExecutionContext, config: BackupConfig) -> None:
    warehouse = context.resources.warehouse
    if not isinstance(warehouse, DuckDBWarehouse):
        raise dg.Failure(
            f"backup_warehouse snapshots the DuckDB warehouse; this deployment's warehouse is "
            f"{type(warehouse).__name__} (BigQuery table snapshots are not implemented yet)"
        )
    folder = backups.snapshot(warehouse.database, default_backup_dir(), config.keep)
    tables = backups.manifest(folder)
    context.add_output_metadata(
        {
            "snapshot": str(folder),
            "tables": len(tables),
            "rows": sum(t["rows"] for t in tables.values()),
            "kept": len(backups.snapshots(default_backup_dir())),
        }
    )


@dg.job(
    name="backup_warehouse",
    description="A consistent snapshot of the DuckDB warehouse (EXPORT DATABASE to Parquet, "
    "with a manifest of rows and checksums per table) into NBA_BACKUP_DIR, keeping the newest "
    "`keep`; restore with `nba-restore`.",
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
