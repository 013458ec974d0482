"""Settings shared by every date-partitioned table asset."""

from collections.abc import Callable
from datetime import date

import dagster as dg
import pandas as pd

from nba_assets.partitions import game_days
from resources.warehouse import PARTITION_EXPR


# A derived table follows its upstream for the latest date once the upstream's blocking checks
# passed (evaluated by the ``nba_automation`` sensor, stopped until turned on).
FOLLOW_UPSTREAM = dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()


def table_asset_args(key: dg.AssetKey, contract: dg.TableSchema, description: str, group: str) -> dict:
    """``@asset`` arguments for a warehouse table: partitions, one run per backfill range,
    the partition expression and the column contract the IO manager enforces. Every table
    outside ``nba_raw`` (which the schedule pulls) follows its upstream (``FOLLOW_UPSTREAM``)."""
    return dict(
        key=key, description=description, group_name=group, partitions_def=game_days,
        backfill_policy=dg.BackfillPolicy.single_run(), kinds={"pandas", "duckdb"},
        automation_condition=None if group == "nba_raw" else FOLLOW_UPSTREAM,
        metadata={"partition_expr": PARTITION_EXPR, "dagster/column_schema": contract},
    )


def partition_dates(context) -> list[date]:
    return [date.fromisoformat(k) for k in context.partition_keys]


def report_per_date(context: dg.AssetExecutionContext, frame: pd.DataFrame,
                    per_date: pd.DataFrame | None = None, **counts: Callable[[pd.DataFrame], int]) -> None:
    """Attach each date's own row count, ``counts`` and the numeric columns of ``per_date``
    (indexed by ``YYYY-MM-DD``) to that date's materialization.

    A ranged run materializes every date of its range at once; metadata added with
    ``add_output_metadata`` would repeat the whole range's totals on every date."""
    by_date = dict(tuple(frame.groupby(pd.to_datetime(frame["game_date"]).dt.strftime("%Y-%m-%d")))) if len(frame) else {}
    empty = frame.iloc[0:0]
    for key in context.partition_keys:
        rows = by_date.get(key, empty)
        metadata = {"dagster/partition_row_count": len(rows), **{name: int(f(rows)) for name, f in counts.items()}}
        if per_date is not None and key in per_date.index:
            metadata.update({name: float(v) for name, v in per_date.loc[key].items() if pd.notna(v)})
        context.add_asset_metadata(metadata, partition_key=key)
