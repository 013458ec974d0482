"""Every asset check of the code location, and the blocking ones per asset (for the gate)."""

import dagster as dg

from asset_checks import analytics_checks, ml_checks, precompute_checks, raw_checks

ALL_CHECKS = [*raw_checks.CHECKS, *analytics_checks.CHECKS, *precompute_checks.CHECKS, *ml_checks.CHECKS]
_ALL_SPECS = [*raw_checks.SPECS.values(), *analytics_checks.SPECS.values(), *precompute_checks.SPECS.values(),
              *ml_checks.SPECS.values()]


def blocking_check_keys(*assets: dg.AssetKey) -> list[dg.AssetCheckKey]:
    """Keys of the blocking (partitioned) checks declared on ``assets``."""
    return [s.key for s in _ALL_SPECS if s.blocking and s.asset_key in assets]
