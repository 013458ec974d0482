"""Regression checks (WARN, non-blocking): a date's metrics against the trailing game dates.

One check per table, reading only its table. The trailing window is this run's earlier dates of
the same season, else the metrics recorded on each earlier date's latest materialization; it
never leaves the season, so a backfill whose parallel parts hold whole seasons
(``nba-backfill``) never reads a date another part is writing.
"""

from collections.abc import Callable

import dagster as dg
import pandas as pd

from asset_checks import rules, thresholds
from basketball.calendar import season_of
from nba_assets.common import check_spec, emit_checks
from nba_assets.partitions import known_dates
from resources.dagster_internals import latest_materialization_records

NAME = "regression_vs_trailing_30d"
DESCRIPTION = (
    f"WARN only: date-level means against the trailing {thresholds.REGRESSION_WINDOW} game "
    "dates of the same season (this run's "
    "earlier dates, else the metrics recorded on each earlier date's latest materialization); "
    f"|z| > {thresholds.REGRESSION_MAX_Z:.0f} is suspicious even when absolute checks pass. "
    f"Fewer than {thresholds.REGRESSION_MIN_HISTORY} earlier dates with data: 'not compared'."
)


def with_trailing(context, asset: dg.AssetKey, metrics: pd.DataFrame) -> pd.DataFrame:
    """``metrics`` (one row per date of this run) preceded by the trailing window's earlier game
    dates of the same season, as recorded on their latest materializations, so a one-date run is
    compared too."""
    all_keys = known_dates(context.instance)
    first = all_keys.index(context.partition_keys[0])
    season = season_of(context.partition_keys[0])
    trailing = [
        k
        for k in all_keys[
            max(0, first - 2 * thresholds.REGRESSION_WINDOW) : first
        ]  # preseason dates have no rows
        if season_of(k) == season
    ]
    records = latest_materialization_records(context.instance, asset, trailing)
    earlier = pd.DataFrame.from_dict(
        {
            k: {
                m: r.asset_materialization.metadata[m].value
                for m in metrics.columns
                if m in r.asset_materialization.metadata
            }
            for k, r in records.items()
        },
        orient="index",
    )
    return (
        pd.concat([earlier.reindex(columns=metrics.columns).astype(float), metrics])
        if len(earlier)
        else metrics
    )


def regression_check(asset: dg.AssetKey, metrics: Callable[[pd.DataFrame], pd.DataFrame]):
    """The check of ``asset``'s per-date ``metrics`` (one row per date) against the trailing
    dates."""
    check = check_spec(asset, NAME, DESCRIPTION, False)

    @dg.multi_asset_check(
        specs=[check], name=f"{asset.path[-1]}_regression", ins={"table": dg.AssetIn(asset)}
    )
    def regression(context: dg.AssetCheckExecutionContext, table: pd.DataFrame):
        trailing = with_trailing(context, asset, metrics(table))
        yield from emit_checks(
            context, {NAME: check}, {NAME: rules.regression(trailing, list(context.partition_keys))}
        )

    return regression
