"""Every asset check of the code location that runs in its own step (the in-asset ones are
declared with their assets)."""

from asset_checks import analytics_checks, ml_checks, precompute_checks, raw_checks, regression_checks

ALL_CHECKS = [*raw_checks.CHECKS, *analytics_checks.CHECKS, *precompute_checks.CHECKS, *ml_checks.CHECKS,
              *regression_checks.CHECKS]
