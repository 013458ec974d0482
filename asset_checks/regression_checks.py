"""Regression checks (WARN, non-blocking): a date's metrics against the trailing game dates.

One check per table, reading only its table. The trailing window is this run's earlier dates of
the same season, else the metrics recorded on each earlier date's latest materialization; it
never leaves the season, so a backfill whose parallel parts hold whole seasons
(``nba-backfill``) never reads a date another part is writing.
"""

import dagster as dg
import pandas as pd

from asset_checks import precompute_rules, rules
from asset_checks import thresholds as th
from asset_checks.emit import emit_all, with_trailing
from asset_checks.specs import spec
from nba_assets import keys

NAME = "regression_vs_trailing_30d"
DESCRIPTION = (f"WARN only: date-level means against the trailing {th.REGRESSION_WINDOW} game dates of the same "
               "season (this run's "
               "earlier dates, else the metrics recorded on each earlier date's latest materialization); "
               f"|z| > {th.REGRESSION_MAX_Z:.0f} is suspicious even when absolute checks pass. Fewer than "
               f"{th.REGRESSION_MIN_HISTORY} earlier dates with data: 'not compared'.")
METRICS = {keys.TEAM_OFFENSE_GAME_SUMMARY: rules.team_metrics, keys.PLAYER_GAME_SUMMARY: rules.player_metrics,
           keys.PLAYER_COMPOSITE_FACTORS: precompute_rules.composite_metrics}


def _regression_check(asset: dg.AssetKey):
    check = spec(asset, NAME, DESCRIPTION, False)

    @dg.multi_asset_check(specs=[check], name=f"{asset.path[-1]}_regression", ins={"table": dg.AssetIn(asset)})
    def regression_check(context: dg.AssetCheckExecutionContext, table: pd.DataFrame):
        metrics = with_trailing(context, asset, METRICS[asset](table))
        yield from emit_all(context, {NAME: check}, {NAME: rules.regression(metrics, list(context.partition_keys))})

    return regression_check


SPECS = {f"{a.path[-1]}.{NAME}": spec(a, NAME, DESCRIPTION, False) for a in METRICS}
CHECKS = [_regression_check(a) for a in METRICS]
