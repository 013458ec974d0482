"""BigQuery warehouse (``NBA_DEPLOYMENT=production``): the same column contracts as DuckDB.

Before the first load of a table it is created from the contract, partitioned by
``game_date`` (a DATE), so the IO manager's per-partition DELETE prunes to one day, and
clustered by the natural keys it has (``CLUSTER_KEYS``). Column
names are upper-cased because dagster-gcp upper-cases them on load and lower-cases them on read.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager

import dagster as dg
import pandas as pd
from dagster_gcp_pandas import BigQueryPandasIOManager, BigQueryPandasTypeHandler

from resources.contract import conform, empty, warehouse_type
from resources.dagster_internals import DbTypeHandler, TableSlice
from resources.warehouse import PARTITION_COLUMN, Warehouse, conform_input, conform_output

CLUSTER_KEYS = (
    "player_id",
    "team_abbr",
    "game_id",
)  # within a day: a player's rows, a team's, a game's


def create_table_sql(table_slice: TableSlice, contract: dg.TableSchema) -> str:
    columns = ", ".join(
        f"{c.name.upper()} {warehouse_type(c, 'bigquery')}"
        + ("" if c.constraints.nullable else " NOT NULL")
        for c in contract.columns
    )
    names = [c.name for c in contract.columns]
    partition = f" PARTITION BY {PARTITION_COLUMN.upper()}" if PARTITION_COLUMN in names else ""
    cluster = [k.upper() for k in CLUSTER_KEYS if k in names]
    clustering = f" CLUSTER BY {', '.join(cluster)}" if cluster else ""
    return (
        "CREATE TABLE IF NOT EXISTS "
        f"`{table_slice.database}.{table_slice.schema}.{table_slice.table}` "
        f"({columns}){partition}{clustering}"
    )


def to_load_frame(frame: pd.DataFrame, contract: dg.TableSchema) -> pd.DataFrame:
    """DATE columns as ``datetime.date`` so the load job writes DATE, not TIMESTAMP."""
    out = frame.copy()
    for col in contract.columns:
        if col.type == "date":
            out[col.name] = (
                out[col.name].dt.date.astype("object").where(out[col.name].notna(), None)
            )
    return out


class ContractBigQueryPandasTypeHandler(BigQueryPandasTypeHandler):
    def handle_output(
        self, context: dg.OutputContext, table_slice: TableSlice, obj: pd.DataFrame, connection
    ):
        frame, contract = conform_output(context, table_slice, obj)
        connection.query(
            create_table_sql(table_slice, contract), project=table_slice.database
        ).result()
        super().handle_output(context, table_slice, to_load_frame(frame, contract), connection)

    def load_input(
        self, context: dg.InputContext, table_slice: TableSlice, connection
    ) -> pd.DataFrame:
        return conform_input(
            context, table_slice, super().load_input(context, table_slice, connection)
        )


class WarehouseBigQueryIOManager(BigQueryPandasIOManager):
    @staticmethod
    def type_handlers() -> Sequence[DbTypeHandler]:
        return [ContractBigQueryPandasTypeHandler()]


def warehouse_bigquery_io_manager() -> WarehouseBigQueryIOManager:
    """``GCP_PROJECT`` (required), ``GCP_LOCATION`` (default US), ``GCP_CREDENTIALS`` (optional
    base64 service-account JSON; otherwise application-default credentials)."""
    credentials = dg.EnvVar("GCP_CREDENTIALS") if os.environ.get("GCP_CREDENTIALS") else None
    return WarehouseBigQueryIOManager(
        project=dg.EnvVar("GCP_PROJECT"),
        location=os.environ.get("GCP_LOCATION", "US"),
        gcp_credentials=credentials,
    )


def read_sql(project: str, key: dg.AssetKey) -> str:
    """The query that reads table ``key`` over a date span (parameters ``@first``, ``@last``)."""
    schema, table = key.path
    return (
        f"SELECT * FROM `{project}.{schema}.{table}` "
        f"WHERE {PARTITION_COLUMN.upper()} BETWEEN @first AND @last"
    )


class BigQueryWarehouse(Warehouse):
    """Reads warehouse tables over a date span (the DATE partitions prune it), contract applied."""

    project: str
    location: str = "US"
    gcp_credentials: str | None = None

    def get_client(self) -> AbstractContextManager:
        """A ``google.cloud.bigquery.Client`` on this project and location (the read path and
        ``resources.backups.snapshot_bigquery`` share it; tests replace it with a recorder)."""
        from dagster_gcp import BigQueryResource

        return BigQueryResource(
            project=self.project, location=self.location, gcp_credentials=self.gcp_credentials
        ).get_client()

    def read(
        self, key: dg.AssetKey, contract: dg.TableSchema, first: str, last: str, log=None
    ) -> pd.DataFrame:
        from google.api_core.exceptions import NotFound
        from google.cloud import bigquery

        config = bigquery.QueryJobConfig(
            query_parameters=[
                bigquery.ScalarQueryParameter("first", "DATE", first),
                bigquery.ScalarQueryParameter("last", "DATE", last),
            ]
        )
        with self.get_client() as client:
            try:
                frame = client.query(read_sql(self.project, key), job_config=config).to_dataframe()
            except NotFound:
                return empty(contract)
        frame.columns = [c.lower() for c in frame.columns]
        return conform(frame, contract, "/".join(key.path))


def bigquery_warehouse() -> BigQueryWarehouse:
    credentials = dg.EnvVar("GCP_CREDENTIALS") if os.environ.get("GCP_CREDENTIALS") else None
    return BigQueryWarehouse(
        project=dg.EnvVar("GCP_PROJECT"),
        location=os.environ.get("GCP_LOCATION", "US"),
        gcp_credentials=credentials,
    )
