"""One real week (2023-11-01..06) end to end: the ``all_tables`` job as ONE ranged run into a
fresh temp warehouse, shared by the module's tests (module-scoped ``week`` fixture, in file
order). Every table gets rows on each date and only those, each check one evaluation per date
that the UI shows, values land in the right columns (equal to the pure builders' output),
re-materializing is idempotent and replaces only its own dates, and an upstream rebuilt after a
table makes that table stale until it is rebuilt."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

from basketball.tables import build_schedule, build_team_offense
from nba_assets import contracts, keys
from nba_assets.definitions import LINEAGE, defs
from nba_assets.gating import GATE_CHECK, unreadable
from resources import raw_source as files
from resources.dagster_internals import FAILED, SUCCEEDED, check_statuses
from resources.raw_source import RawSource

from helpers import (
    REAL_RAW,
    TABLES,
    WEEK,
    Pipeline,
    materialized,
    per_date_evaluations,
    project_instance,
    step_failures,
    ui_status,
)


def check_keys() -> list[dg.AssetCheckKey]:
    """The checks of the raw and analytics tables."""
    return sorted(
        (
            k
            for k in defs.resolve_job_def("all_tables").asset_layer.asset_graph.asset_check_keys
            if k.asset_key in TABLES
        ),
        key=lambda k: k.to_user_string(),
    )


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """The real week as ONE ranged run into a fresh warehouse (shared by the tests below)."""
    with project_instance() as inst:
        pipe = Pipeline(inst, str(tmp_path_factory.mktemp("week") / "w.duckdb"))
        result = pipe.run(WEEK[0], WEEK[-1])
        yield pipe, result


def test_week_runs_end_to_end_as_one_run(week):
    pipe, result = week
    assert result.success, step_failures(result)
    runs = pipe.instance.get_runs()
    assert len(runs) == 1
    # every table has rows on every date of the week, and none outside it
    for key, table in TABLES.items():
        assert set(materialized(result)[key]) == set(WEEK), key
        counts = pipe.counts(table)
        assert sorted(counts) == WEEK, (table, counts)
        assert all(n > 0 for n in counts.values()), (table, counts)
    # each date's materialization carries that date's own row count, not the range's
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        table = TABLES[mat.asset_key]
        assert (
            mat.metadata["dagster/partition_row_count"].value == pipe.counts(table)[mat.partition]
        ), (table, mat.partition)
        # and that date's query, which reads back exactly those rows
        query = mat.metadata["Query"].value
        assert f"game_date = '{mat.partition}'" in query, query
        assert len(pipe.query(query)) == pipe.counts(table)[mat.partition], query
    # the partition column is a real DATE in every table
    types = pipe.query(
        "SELECT table_schema || '.' || table_name, data_type FROM information_schema.columns "
        "WHERE column_name = 'game_date'"
    )
    assert dict(types) == {table: "DATE" for table in TABLES.values()}
    # each check: exactly one evaluation per date in the run, and the instance knows each date's
    # status
    per_date = per_date_evaluations(result)
    checks = [
        k for k in check_keys() if k.name != GATE_CHECK
    ]  # the gate records held-back dates only
    assert len(checks) == 20
    for check in checks:
        for date in WEEK:
            assert per_date[(check, date)] == 1, (
                check.to_user_string(),
                date,
                per_date[(check, date)],
            )
    assert {d for (_, d) in per_date} == set(WEEK)
    status = {pair: s.status for pair, s in check_statuses(pipe.instance, checks, WEEK).items()}
    assert set(status) == {(c, d) for c in checks for d in WEEK}
    assert set(status.values()) <= {SUCCEEDED, FAILED}
    # ... and the UI shows each date's result, because each evaluation targets that date's
    # materialization
    for check in checks:
        shown = ui_status(pipe.instance, check)
        assert set(shown) == set(WEEK), (check.to_user_string(), shown)
        assert set(shown.values()) <= {"SUCCEEDED", "FAILED"}
    # real data passes the blocking checks: every partition of the week is readable
    for asset in TABLES:
        assert unreadable(pipe.instance, LINEAGE, asset, WEEK) == {}, asset


def test_week_values_land_in_the_right_columns(week):
    """Warehouse rows equal the pure builders' output column by column (no swapped values)."""
    pipe, _ = week
    date = WEEK[2]
    source = RawSource(raw_dir=REAL_RAW)
    teams = source.read(files.TEAM_BOXSCORES, [pd.Timestamp(date).date()])
    expected = build_team_offense(teams, build_schedule(teams))
    stored = pipe.frame(
        f"SELECT * FROM nba_analytics.team_offense_game_summary WHERE game_date = DATE '{date}'"
    )
    assert list(stored.columns) == [c.name for c in contracts.TEAM_OFFENSE_GAME_SUMMARY.columns]
    assert len(stored) == len(expected) > 0
    merged = expected.merge(
        stored, on=["game_id", "team_abbr"], suffixes=("_exp", "_db"), validate="1:1"
    )
    assert len(merged) == len(expected)
    for col in [
        "points",
        "opponent_points",
        "fga",
        "fta",
        "tov",
        "oreb",
        "team_minutes",
        "opponent_abbr",
        "is_home",
    ]:
        assert (merged[f"{col}_exp"].astype(object) == merged[f"{col}_db"].astype(object)).all(), (
            col
        )
    for col in ["possessions", "pace", "offensive_rating", "defensive_rating", "ts_pct", "efg_pct"]:
        pd.testing.assert_series_equal(merged[f"{col}_exp"], merged[f"{col}_db"], check_names=False)
    # a player row: points are the raw player's pts, minutes parsed from the raw string
    raw = source.read(files.PLAYER_BOXSCORES, [pd.Timestamp(date).date()])
    row = (
        raw[(raw["min"].str.contains(":", na=False)) | (raw["pts"] > 0)].sort_values("pts").iloc[-1]
    )
    db = pipe.frame(
        f"SELECT points, fga, minutes_raw, team_abbr FROM nba_analytics.player_game_summary "
        f"WHERE game_date = DATE '{date}' AND player_id = {int(row['player_id'])}"
    )
    assert len(db) == 1
    assert db.at[0, "points"] == row["pts"] and db.at[0, "fga"] == row["fga"]
    assert (
        db.at[0, "minutes_raw"] == row["min"] and db.at[0, "team_abbr"] == row["team_abbreviation"]
    )


def test_rematerializing_is_idempotent_and_touches_only_its_dates(week):
    pipe, _ = week
    before = {t: pipe.counts(t) for t in TABLES.values()}
    result = pipe.run(WEEK[0], WEEK[-1])
    assert result.success, step_failures(result)
    after = {t: pipe.counts(t) for t in TABLES.values()}
    assert after == before
    assert pipe.duplicate_keys("nba_analytics.player_game_summary", "game_id, player_id") == 0
    assert pipe.duplicate_keys("nba_analytics.team_offense_game_summary", "game_id, team_abbr") == 0
    assert pipe.duplicate_keys("nba_raw.player_boxscores", "id") == 0

    # one date inside the range: only that date's rows are replaced
    ingested = dict(
        pipe.query(
            "SELECT game_date::VARCHAR, max(ingested_at) FROM nba_raw.player_boxscores GROUP BY 1"
        )
    )
    target = WEEK[3]
    single = pipe.run(target)
    assert single.success, step_failures(single)
    assert {t: pipe.counts(t) for t in TABLES.values()} == before
    now = dict(
        pipe.query(
            "SELECT game_date::VARCHAR, max(ingested_at) FROM nba_raw.player_boxscores GROUP BY 1"
        )
    )
    assert now[target] > ingested[target]
    assert {d: v for d, v in now.items() if d != target} == {
        d: v for d, v in ingested.items() if d != target
    }


def test_an_upstream_rebuilt_after_a_table_makes_it_stale_until_rebuilt(week):
    pipe, _ = week
    day = WEEK[1]
    assert pipe.run(day, selection=[keys.PLAYER_BOXSCORES]).success
    why = unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [day])[day]
    assert "stale" in why and "nba_raw/player_boxscores" in why
    assert pipe.run(day).success
    assert unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [day]) == {}
