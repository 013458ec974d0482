"""What every check shares: the pure rules (``rules``, ``analytics_rules``, ``precompute_rules``,
``ml_rules``: frames in, per-date ``Outcome`` out, no Dagster), their thresholds
(``thresholds``) and the per-date emission of outcomes as Dagster check results (``emit``). The
checks themselves are declared beside their assets, in ``nba_assets/<family>_checks.py``."""
