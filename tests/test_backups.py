"""Warehouse snapshots and restore (``resources.backups``, job ``backup_warehouse``,
``nba-restore``) on a real warehouse: two real dates built through the pipeline (every raw and
analytics table, DATE, TIMESTAMP, NULL and accented values), snapshotted by the Dagster job as
the schedule runs it, restored into a fresh file that equals the original table by table."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import duckdb
import pytest

from nba_assets.definitions import defs
from resources import backups
from resources.warehouse import DuckDBWarehouse

from helpers import D1, D2, PROJECT, step_failures


@pytest.fixture
def built(pipeline):
    result = pipeline.run(D1, D2)
    assert result.success, step_failures(result)
    return pipeline


def _tables(path: str) -> dict:
    with duckdb.connect(path, read_only=True) as con:
        names = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables ORDER BY 1"
        ).fetchall()
        return {n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchdf() for (n,) in names}


def test_a_snapshot_restores_to_an_identical_warehouse(built, tmp_path, monkeypatch):
    monkeypatch.setenv("NBA_BACKUP_DIR", str(tmp_path / "backups"))
    job = defs.resolve_job_def("backup_warehouse")
    result = job.execute_in_process(
        instance=built.instance,
        resources={"warehouse": DuckDBWarehouse(database=built.warehouse)},
        run_config={"ops": {"snapshot_warehouse": {"config": {"keep": 2}}}},
    )
    assert result.success
    (folder,) = backups.snapshots(tmp_path / "backups")
    manifest = json.loads((folder / backups.MANIFEST).read_text())["tables"]
    original = _tables(built.warehouse)
    assert set(manifest) == set(original) and len(original) >= 6
    assert all(manifest[t]["rows"] == len(f) for t, f in original.items())
    assert manifest["nba_analytics.player_game_summary"]["rows"] > 400

    restored = str(tmp_path / "restored.duckdb")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from nba_assets.backups import restore_main; restore_main()",
            str(folder),
            restored,
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "every checksum as in the manifest" in done.stdout
    again = _tables(restored)
    assert set(again) == set(original)
    for table, frame in original.items():
        assert again[table].dtypes.to_dict() == frame.dtypes.to_dict(), table
        assert again[table].equals(frame), table


def test_restore_refuses_a_changed_snapshot_and_an_existing_file(built, tmp_path):
    folder = backups.snapshot(built.warehouse, tmp_path / "backups", keep=3)
    with pytest.raises(backups.BackupError, match="never overwrites"):
        backups.restore(folder, built.warehouse)
    # one table's file replaced by another of its rows: the manifest names the table
    parquet = next(folder.glob("*player_game_summary*.parquet"))
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM '{parquet}' LIMIT 10) TO '{parquet}.tmp' (FORMAT PARQUET)"
        )
    parquet.with_name(parquet.name + ".tmp").rename(parquet)
    target = tmp_path / "restored.duckdb"
    with pytest.raises(backups.BackupError, match="player_game_summary"):
        backups.restore(folder, str(target))
    assert not target.exists()  # nothing half-built is left


def test_the_newest_snapshots_are_kept_and_a_partial_one_never_counts(built, tmp_path):
    root = tmp_path / "backups"
    (root / "20990101T000000Z.partial").mkdir(parents=True)  # an interrupted snapshot
    for hour in range(4):
        backups.snapshot(built.warehouse, root, keep=2, now=datetime(2025, 11, 10, hour))
    assert [p.name for p in backups.snapshots(root)] == ["20251110T020000Z", "20251110T030000Z"]
