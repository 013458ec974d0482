"""The BigQuery path: what it sends, checked with a recording connection (BigQuery itself cannot
be reached here), plus an opt-in test against a real project when GCP_PROJECT is set."""

import os

import dagster as dg
import pandas as pd
import pytest

from nba_assets import contracts
from resources.bigquery import ContractBigQueryPandasTypeHandler, create_table_sql
from resources.contract import ContractViolation
from resources.dagster_internals import TablePartitionDimension, TableSlice


class RecordingConnection:
    def __init__(self):
        self.queries, self.loads = [], []

    def query(self, query, **kwargs):
        self.queries.append(query)
        return self

    def result(self):
        return None

    def load_table_from_dataframe(self, dataframe, destination, **kwargs):
        self.loads.append((destination, dataframe))
        return self


def _slice(day="2023-11-01"):
    return TableSlice(
        table="schedule",
        schema="nba_raw",
        database="proj",
        partition_dimensions=[TablePartitionDimension("game_date", [day])],
    )


def _schedule_frame(day="2023-11-01"):
    return pd.DataFrame(
        {
            "game_date": [pd.Timestamp(day)],
            "game_id": ["0022300100"],
            "season": [2023],
            "season_id": ["22023"],
            "game_type": ["regular_season"],
            "is_nba_game": [True],
            "home_team_abbr": ["BOS"],
            "away_team_abbr": ["DAL"],
            "team_rows": [2],
            "matchups_agree": [True],
            "status": ["Final"],
            "is_final": [True],
            "source_file": ["team_boxscores.parquet"],
            "ingested_at": [pd.Timestamp("2026-11-22 05:00:00")],
        }
    )


def test_table_is_created_date_partitioned_from_the_contract():
    sql = create_table_sql(_slice(), contracts.SCHEDULE)
    assert sql.startswith(
        "CREATE TABLE IF NOT EXISTS `proj.nba_raw.schedule` "
        "(GAME_DATE DATE NOT NULL, GAME_ID STRING NOT NULL"
    )
    assert sql.endswith("PARTITION BY GAME_DATE CLUSTER BY GAME_ID")
    players = create_table_sql(_slice(), contracts.PLAYER_GAME_SUMMARY)
    assert players.endswith("PARTITION BY GAME_DATE CLUSTER BY PLAYER_ID, TEAM_ABBR, GAME_ID")
    assert "PARTITION BY" not in create_table_sql(_slice(), contracts.MODEL_EVALUATION)


def test_output_creates_table_then_loads_conformed_frame_with_real_dates():
    conn = RecordingConnection()
    frame = _schedule_frame()[list(reversed(_schedule_frame().columns))]  # reordered on purpose
    context = dg.build_output_context(
        definition_metadata={"dagster/column_schema": contracts.SCHEDULE},
        resource_config={"location": "US", "timeout": None},
        partition_key="2023-11-01",
    )
    ContractBigQueryPandasTypeHandler().handle_output(context, _slice(), frame, conn)
    assert conn.queries[0].startswith("CREATE TABLE IF NOT EXISTS `proj.nba_raw.schedule`")
    [(destination, loaded)] = conn.loads
    assert destination == "nba_raw.schedule"
    assert list(loaded.columns)[:3] == ["GAME_DATE", "GAME_ID", "SEASON"]
    assert loaded["GAME_DATE"].iloc[0] == pd.Timestamp("2023-11-01").date()


def test_rows_outside_the_partition_are_refused_before_anything_is_sent():
    conn = RecordingConnection()
    context = dg.build_output_context(
        definition_metadata={"dagster/column_schema": contracts.SCHEDULE},
        resource_config={"location": "US", "timeout": None},
        partition_key="2023-11-01",
    )
    with pytest.raises(ContractViolation, match="outside the partitions"):
        ContractBigQueryPandasTypeHandler().handle_output(
            context, _slice(), _schedule_frame("2023-11-02"), conn
        )
    assert conn.queries == [] and conn.loads == []


@pytest.mark.bigquery
@pytest.mark.skipif(
    not os.environ.get("GCP_PROJECT"), reason="opt-in: set GCP_PROJECT to run against real BigQuery"
)
def test_real_bigquery_round_trip():
    from google.cloud import bigquery

    client = bigquery.Client(project=os.environ["GCP_PROJECT"])
    conn_slice = _slice()
    conn_slice = TableSlice(
        table="schedule_it",
        schema=os.environ.get("NBA_BQ_TEST_DATASET", "nba_raw"),
        database=os.environ["GCP_PROJECT"],
        partition_dimensions=conn_slice.partition_dimensions,
    )
    context = dg.build_output_context(
        definition_metadata={"dagster/column_schema": contracts.SCHEDULE},
        resource_config={"location": "US", "timeout": None},
        partition_key="2023-11-01",
    )
    ContractBigQueryPandasTypeHandler().handle_output(
        context, conn_slice, _schedule_frame(), client
    )
    rows = client.query(
        f"SELECT COUNT(*) n FROM `{conn_slice.database}.{conn_slice.schema}.schedule_it`"
    ).result()
    assert next(iter(rows)).n >= 1


def test_history_reader_sends_one_date_filtered_query():
    from resources.bigquery import read_sql

    sql = read_sql("proj", dg.AssetKey(["nba_analytics", "player_game_summary"]))
    assert sql == (
        "SELECT * FROM `proj.nba_analytics.player_game_summary` "
        "WHERE GAME_DATE BETWEEN @first AND @last"
    )
