"""Jobs and schedules over the one partitions definition."""

import dagster as dg

ALL_TABLES = dg.AssetSelection.groups("nba_raw", "nba_analytics", "nba_precompute")

all_tables_job = dg.define_asset_job(
    "all_tables", selection=ALL_TABLES,
    description="Every table and its checks for the selected dates; a date range runs as one run "
                "(BackfillPolicy.single_run) with check results recorded per date.",
)

daily_refresh_schedule = dg.build_schedule_from_partitioned_job(
    all_tables_job, hour_of_day=7, name="daily_refresh", default_status=dg.DefaultScheduleStatus.STOPPED,
    description="07:00 America/New_York: rebuild the previous game date's partition of every table.",
)
