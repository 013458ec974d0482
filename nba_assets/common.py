"""Settings shared by every date-partitioned table asset."""

from datetime import date

import dagster as dg

from nba_assets.partitions import game_days
from resources.warehouse import PARTITION_EXPR


def table_asset_args(key: dg.AssetKey, contract: dg.TableSchema, description: str, group: str) -> dict:
    """``@asset`` arguments for a warehouse table: partitions, one run per backfill range,
    the partition expression and the column contract the IO manager enforces."""
    return dict(
        key=key, description=description, group_name=group, partitions_def=game_days,
        backfill_policy=dg.BackfillPolicy.single_run(), kinds={"pandas", "duckdb"},
        metadata={"partition_expr": PARTITION_EXPR, "dagster/column_schema": contract},
    )


def partition_dates(context) -> list[date]:
    return [date.fromisoformat(k) for k in context.partition_keys]
