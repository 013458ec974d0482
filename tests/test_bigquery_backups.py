"""BigQuery table snapshots (``resources.backups.snapshot_bigquery``, the ``backup_warehouse`` job
on a ``BigQueryWarehouse``): what is sent, checked with a recording client, since BigQuery cannot
be reached here. The client answers the way ``google.cloud.bigquery`` does: rows with attribute
access, and a failed job raising from ``result()``."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from google.api_core.exceptions import BadRequest

from nba_assets.backups import WAREHOUSE_DATASETS, backup_warehouse_job
from resources import backups
from resources.bigquery import BigQueryWarehouse

# BigQuery's clock when the run asks it; the snapshots are as of this time, to the second
NOW = datetime(2025, 11, 10, 10, 0, 0, 654321, tzinfo=timezone.utc)
TABLES = {"nba_raw.schedule": 12, "nba_analytics.player_game_summary": 480, "nba_ml.prop_edges": 0}


class Job:
    def __init__(self, rows=(), error=None):
        self.rows, self.error = list(rows), error

    def result(self):
        if self.error is not None:
            raise self.error
        return iter(self.rows)


class RecordingClient:
    """Records every statement; holds ``tables`` (name -> rows); ``failing`` tables' snapshots
    fail as BigQuery's job would."""

    def __init__(self, failing=(), tables=TABLES):
        self.sent, self.failing, self.tables = [], set(failing), tables

    def query(self, sql, **kwargs):
        self.sent.append(sql)
        if "INFORMATION_SCHEMA" in sql:
            return Job(
                SimpleNamespace(table_schema=t.split(".")[0], table_name=t.split(".")[1])
                for t in sorted(self.tables)
            )
        if sql.startswith("SELECT CURRENT_TIMESTAMP()"):
            return Job([SimpleNamespace(now=NOW)])
        if sql.startswith("CREATE SNAPSHOT TABLE"):
            source = sql.split(" CLONE `proj.")[1].split("`")[0]
            return Job(error=BadRequest(f"{source}: quota") if source in self.failing else None)
        if sql.startswith("SELECT COUNT(*)"):
            dataset, table, _ = sql.split("nba_backups.")[1].split("__")
            return Job([SimpleNamespace(row_count=self.tables[f"{dataset}.{table}"])])
        return Job()


def _snapshot(table: str, expires: str) -> str:
    dataset, name = table.split(".")
    return (
        f"CREATE SNAPSHOT TABLE `proj.nba_backups.{dataset}__{name}__20251110T100000Z` "
        f"CLONE `proj.{table}` FOR SYSTEM_TIME AS OF TIMESTAMP '2025-11-10 10:00:00+00' "
        f"OPTIONS (expiration_timestamp = TIMESTAMP '{expires}')"
    )


def test_every_table_is_snapshotted_at_one_time_with_its_expiry_and_counted():
    client = RecordingClient()
    run = backups.snapshot_bigquery(client, "proj", "US", WAREHOUSE_DATASETS, expiry_days=7)
    assert client.sent[:3] == [
        "SELECT table_schema, table_name FROM `proj`.`region-us`.INFORMATION_SCHEMA.TABLES "
        "WHERE table_type = 'BASE TABLE' "
        "AND table_schema IN ('nba_raw', 'nba_analytics', 'nba_precompute', 'nba_ml') "
        "ORDER BY 1, 2",
        "CREATE SCHEMA IF NOT EXISTS `proj.nba_backups` OPTIONS (location = 'US')",
        "SELECT CURRENT_TIMESTAMP() AS now",
    ]
    per_table = []
    for table in sorted(TABLES):
        snapshot = f"proj.nba_backups.{table.replace('.', '__')}__20251110T100000Z"
        per_table += [
            _snapshot(table, "2025-11-17 10:00:00+00"),
            f"SELECT COUNT(*) AS row_count FROM `{snapshot}`",
        ]
    assert client.sent[3:] == per_table
    assert run.as_of == datetime(2025, 11, 10, 10, tzinfo=timezone.utc)
    assert run.failed == {}
    assert run.tables == {
        t: {"snapshot": f"proj.nba_backups.{t.replace('.', '__')}__20251110T100000Z", "rows": n}
        for t, n in TABLES.items()
    }


def test_a_failing_table_is_named_and_the_others_are_still_snapshotted():
    client = RecordingClient(failing={"nba_analytics.player_game_summary"})
    run = backups.snapshot_bigquery(client, "proj", "US", WAREHOUSE_DATASETS, expiry_days=7)
    assert list(run.failed) == ["nba_analytics.player_game_summary"]
    assert "quota" in run.failed["nba_analytics.player_game_summary"]
    assert set(run.tables) == {"nba_ml.prop_edges", "nba_raw.schedule"}
    # the failing table is the first one sent: both after it were still sent
    for table in ("nba_ml.prop_edges", "nba_raw.schedule"):
        assert _snapshot(table, "2025-11-17 10:00:00+00") in client.sent


def test_nothing_is_sent_for_a_zero_expiry_and_an_empty_warehouse_is_refused():
    client = RecordingClient()
    with pytest.raises(ValueError, match="expiry_days=0"):
        backups.snapshot_bigquery(client, "proj", "US", WAREHOUSE_DATASETS, expiry_days=0)
    assert client.sent == []
    empty = RecordingClient(tables={})
    with pytest.raises(backups.BackupError, match=r"proj \(EU\): no tables in nba_raw, nba_ml"):
        backups.snapshot_bigquery(empty, "proj", "EU", ["nba_raw", "nba_ml"], expiry_days=7)
    assert len(empty.sent) == 1 and "`proj`.`region-eu`.INFORMATION_SCHEMA" in empty.sent[0]


def test_restore_clones_a_snapshot_into_a_new_table():
    assert backups.restore_sql(
        "proj.nba_backups.nba_raw__schedule__20251110T100000Z", "proj.nba_raw.schedule_restored"
    ) == (
        "CREATE TABLE `proj.nba_raw.schedule_restored` "
        "CLONE `proj.nba_backups.nba_raw__schedule__20251110T100000Z`"
    )


def _run_job(monkeypatch, client, expiry_days):
    monkeypatch.setattr(BigQueryWarehouse, "get_client", lambda self: nullcontext(client))
    return backup_warehouse_job.execute_in_process(
        resources={"warehouse": BigQueryWarehouse(project="proj")},
        run_config={"ops": {"snapshot_warehouse": {"config": {"expiry_days": expiry_days}}}},
        raise_on_error=False,
    )


def test_the_job_records_the_manifest_as_the_runs_metadata(monkeypatch):
    client = RecordingClient()
    result = _run_job(monkeypatch, client, expiry_days=3)
    assert result.success
    assert _snapshot("nba_raw.schedule", "2025-11-13 10:00:00+00") in client.sent
    (output,) = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = output.event_specific_data.metadata
    assert metadata["as_of"].value == "2025-11-10T10:00:00+00:00"
    assert metadata["expires"].value == "2025-11-13T10:00:00+00:00"
    assert metadata["dataset"].value == "proj.nba_backups"
    assert metadata["tables"].value == 3 and metadata["rows"].value == 492
    assert metadata["manifest"].value["nba_raw.schedule"]["rows"] == 12


def test_the_job_fails_naming_the_table_with_the_others_manifest(monkeypatch):
    client = RecordingClient(failing={"nba_ml.prop_edges"})
    result = _run_job(monkeypatch, client, expiry_days=7)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    data = failure.event_specific_data.user_failure_data
    assert data.description.startswith("1 of 3 tables not snapshotted: nba_ml.prop_edges: ")
    assert list(data.metadata["failed"].value) == ["nba_ml.prop_edges"]
    assert set(data.metadata["manifest"].value) == {
        "nba_analytics.player_game_summary",
        "nba_raw.schedule",
    }
