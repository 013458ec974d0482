"""Integration tests: the ``all_tables`` job on real data, run against a temp instance and a
temp DuckDB warehouse (see ``conftest.py``). Each date range runs as one run, as a backfill
would; bad-input tests use a small copy of a few real dates with one defect introduced."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from conftest import REAL_DATES, REAL_RAW, Pipeline, project_instance, real_frame
from nba_assets import contracts, keys
from nba_assets.basketball.tables import build_schedule, build_team_offense
from nba_assets.definitions import LINEAGE, defs
from nba_assets.gating import GATE_CHECK, unreadable
from asset_checks.emit import latest_materialization_records
from nba_assets.partitions import GAME_DATES, register_game_dates
from resources import raw_source as files
from resources.contract import ContractViolation
from resources.raw_source import RawSource
from resources.warehouse import PARTITION_EXPR, TransactionalDuckDbClient, WarehouseDuckDBIOManager

ALL_KEYS = REAL_DATES
# 2023-11-07 (US election day) has no game, so the week's partitions are 2023-11-01..06.
WEEK = [k for k in ALL_KEYS if "2023-11-01" <= k <= "2023-11-07"]
D1, D2 = "2023-11-01", "2023-11-02"
TABLES = {
    keys.PLAYER_BOXSCORES: "nba_raw.player_boxscores", keys.TEAM_BOXSCORES: "nba_raw.team_boxscores",
    keys.SHOTS: "nba_raw.shots", keys.SCHEDULE: "nba_raw.schedule",
    keys.TEAM_OFFENSE_GAME_SUMMARY: "nba_analytics.team_offense_game_summary",
    keys.PLAYER_GAME_SUMMARY: "nba_analytics.player_game_summary",
}
UNIQUE_PLAYER_GAMES = dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "unique_player_games")
TWO_TEAMS_PER_GAME = dg.AssetCheckKey(keys.SCHEDULE, "two_teams_per_game")
POINTS_MATCH_TEAM = dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, "points_match_team")


# ---- helpers --------------------------------------------------------------------------------

def _error_chain(error) -> list:
    chain = []
    while error is not None:
        chain.append(error)
        error = error.cause
    return chain


def step_failures(result: dg.ExecuteInProcessResult) -> dict[str, tuple[str, set[str]]]:
    """step key -> (all messages of the error chain, exception class names of the chain)."""
    out = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            chain = _error_chain(event.event_specific_data.error)
            out[event.step_key] = ("\n".join(e.message for e in chain), {e.cls_name for e in chain})
    return out


def materialized(result: dg.ExecuteInProcessResult) -> dict[dg.AssetKey, set[str]]:
    out: dict[dg.AssetKey, set[str]] = {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        out.setdefault(mat.asset_key, set()).add(mat.partition)
    return out


def per_date_evaluations(result: dg.ExecuteInProcessResult) -> Counter:
    """(check key, date) -> number of evaluations the run recorded for that date."""
    counts: Counter = Counter()
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            ev = event.event_specific_data
            if ev.partition is not None:
                counts[(dg.AssetCheckKey(ev.asset_key, ev.check_name), ev.partition)] += 1
    return counts


def latest_evaluation(instance: dg.DagsterInstance, check: dg.AssetCheckKey, date: str) -> dg.AssetCheckEvaluation:
    record = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [check], partition_filter=PartitionKeyFilter(key=date))[check]
    assert record is not None and record.event is not None, f"no evaluation of {check.to_user_string()} on {date}"
    return record.event.dagster_event.event_specific_data


def ui_status(instance: dg.DagsterInstance, check: dg.AssetCheckKey) -> dict[str, str]:
    """date -> the check status the Dagster UI shows for it (the instance's asset check state)."""
    with dg.partition_loading_context(dynamic_partitions_store=instance):
        state = instance.event_log_storage.get_asset_check_state([(check, GAME_DATES)])[check]
    return {key: status.value for status, subset in state.subsets.items()
            for key in subset.subset_value.get_partition_keys()}


def check_keys() -> list[dg.AssetCheckKey]:
    """The checks of the raw and analytics tables."""
    return sorted((k for k in defs.resolve_job_def("all_tables").asset_layer.asset_graph.asset_check_keys
                   if k.asset_key in TABLES), key=lambda k: k.to_user_string())


# ---- 1. definitions ------------------------------------------------------------------------

def test_definitions_load_with_expected_assets_lineage_and_partitions():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == {
        "nba_raw/player_boxscores", "nba_raw/team_boxscores", "nba_raw/shots", "nba_raw/schedule",
        "nba_analytics/team_offense_game_summary", "nba_analytics/player_game_summary",
        "nba_precompute/player_rolling_stats", "nba_precompute/player_shot_zone_analysis",
        "nba_precompute/team_defense_zone_analysis", "nba_precompute/player_composite_factors",
        "nba_ml/feature_rows", "nba_ml/points_model", "nba_ml/model_evaluation", "nba_ml/player_points_predictions"}
    player_parents = graph.get(keys.PLAYER_GAME_SUMMARY).parent_keys
    assert {keys.TEAM_OFFENSE_GAME_SUMMARY, keys.PLAYER_BOXSCORES, keys.SHOTS} <= set(player_parents)
    assert {keys.TEAM_BOXSCORES, keys.SCHEDULE} <= set(graph.get(keys.TEAM_OFFENSE_GAME_SUMMARY).parent_keys)
    # every table is partitioned by game days but the model, trained once from every date;
    # a day without games is not a partition
    for key in graph.get_all_asset_keys():
        model = key in (keys.POINTS_MODEL, keys.MODEL_EVALUATION)
        assert graph.get(key).partitions_def == (None if model else GAME_DATES)
    assert "2021-12-24" not in ALL_KEYS and "2021-12-25" in ALL_KEYS
    assert "2023-11-07" not in ALL_KEYS and WEEK == ["2023-11-01", "2023-11-02", "2023-11-03", "2023-11-04",
                                                      "2023-11-05", "2023-11-06"]
    assert defs.resolve_job_def("all_tables") is not None


# ---- 2./3./4. one real week, end to end ----------------------------------------------------

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
        assert mat.metadata["dagster/partition_row_count"].value == pipe.counts(table)[mat.partition], (table, mat.partition)
    # the partition column is a real DATE in every table
    types = pipe.query("SELECT table_schema || '.' || table_name, data_type FROM information_schema.columns "
                       "WHERE column_name = 'game_date'")
    assert dict(types) == {table: "DATE" for table in TABLES.values()}
    # each check: exactly one evaluation per date in the run, and the instance knows each date's status
    per_date = per_date_evaluations(result)
    checks = [k for k in check_keys() if k.name != GATE_CHECK]  # the gate records held-back dates only
    assert len(checks) == 19
    for check in checks:
        for date in WEEK:
            assert per_date[(check, date)] == 1, (check.to_user_string(), date, per_date[(check, date)])
    assert {d for (_, d) in per_date} == set(WEEK)
    infos = pipe.instance.event_log_storage.get_asset_check_partition_info(checks, partition_keys=WEEK)
    status = {(i.check_key, i.partition_key): i.latest_execution_status for i in infos}
    assert set(status) == {(c, d) for c in checks for d in WEEK}
    assert set(status.values()) <= {AssetCheckExecutionRecordStatus.SUCCEEDED, AssetCheckExecutionRecordStatus.FAILED}
    # ... and the UI shows each date's result, because each evaluation targets that date's materialization
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
    stored = pipe.frame(f"SELECT * FROM nba_analytics.team_offense_game_summary WHERE game_date = DATE '{date}'")
    assert list(stored.columns) == [c.name for c in contracts.TEAM_OFFENSE_GAME_SUMMARY.columns]
    assert len(stored) == len(expected) > 0
    merged = expected.merge(stored, on=["game_id", "team_abbr"], suffixes=("_exp", "_db"), validate="1:1")
    assert len(merged) == len(expected)
    for col in ["points", "opponent_points", "fga", "fta", "tov", "oreb", "team_minutes", "opponent_abbr", "is_home"]:
        assert (merged[f"{col}_exp"].astype(object) == merged[f"{col}_db"].astype(object)).all(), col
    for col in ["possessions", "pace", "offensive_rating", "defensive_rating", "ts_pct", "efg_pct"]:
        pd.testing.assert_series_equal(merged[f"{col}_exp"], merged[f"{col}_db"], check_names=False)
    # a player row: points are the raw player's pts, minutes parsed from the raw string
    raw = source.read(files.PLAYER_BOXSCORES, [pd.Timestamp(date).date()])
    row = raw[(raw["min"].str.contains(":", na=False)) | (raw["pts"] > 0)].sort_values("pts").iloc[-1]
    db = pipe.frame(f"SELECT points, fga, minutes_raw, team_abbr FROM nba_analytics.player_game_summary "
                    f"WHERE game_date = DATE '{date}' AND player_id = {int(row['player_id'])}")
    assert len(db) == 1
    assert db.at[0, "points"] == row["pts"] and db.at[0, "fga"] == row["fga"]
    assert db.at[0, "minutes_raw"] == row["min"] and db.at[0, "team_abbr"] == row["team_abbreviation"]


def test_rematerializing_is_idempotent_and_touches_only_its_dates(week):
    pipe, _ = week
    before = {t: pipe.counts(t) for t in TABLES.values()}
    result = pipe.run(WEEK[0], WEEK[-1])
    assert result.success, step_failures(result)
    after = {t: pipe.counts(t) for t in TABLES.values()}
    assert after == before
    assert pipe.query("SELECT count(*) FROM (SELECT game_id, player_id FROM nba_analytics.player_game_summary "
                      "GROUP BY 1, 2 HAVING count(*) > 1)")[0][0] == 0
    assert pipe.query("SELECT count(*) FROM (SELECT game_id, team_abbr FROM nba_analytics.team_offense_game_summary "
                      "GROUP BY 1, 2 HAVING count(*) > 1)")[0][0] == 0
    assert pipe.query("SELECT count(*) FROM (SELECT id FROM nba_raw.player_boxscores GROUP BY 1 HAVING count(*) > 1)")[0][0] == 0

    # one date inside the range: only that date's rows are replaced
    ingested = dict(pipe.query("SELECT game_date::VARCHAR, max(ingested_at) FROM nba_raw.player_boxscores GROUP BY 1"))
    target = WEEK[3]
    single = pipe.run(target)
    assert single.success, step_failures(single)
    assert {t: pipe.counts(t) for t in TABLES.values()} == before
    now = dict(pipe.query("SELECT game_date::VARCHAR, max(ingested_at) FROM nba_raw.player_boxscores GROUP BY 1"))
    assert now[target] > ingested[target]
    assert {d: v for d, v in now.items() if d != target} == {d: v for d, v in ingested.items() if d != target}


# ---- 4. contract enforced by the IO manager ------------------------------------------------

def _probe_asset(frame: pd.DataFrame) -> dg.AssetsDefinition:
    @dg.asset(key=dg.AssetKey(["contract_probe", "schedule"]), partitions_def=GAME_DATES,
              metadata={"partition_expr": PARTITION_EXPR, "dagster/column_schema": contracts.SCHEDULE})
    def probe() -> pd.DataFrame:
        return frame
    return probe


def _real_schedule(date: str) -> pd.DataFrame:
    teams = RawSource(raw_dir=REAL_RAW).read(files.TEAM_BOXSCORES, [pd.Timestamp(date).date()])
    return build_schedule(teams)


def _materialize_probe(instance, warehouse, frame, date=D1):
    register_game_dates(instance, [date])
    return dg.materialize([_probe_asset(frame)], instance=instance, partition_key=date, raise_on_error=False,
                          resources={"io_manager": WarehouseDuckDBIOManager(database=warehouse)})


def test_reordered_frame_is_written_by_column_name(instance, pipeline):
    schedule = _real_schedule(D1)
    assert list(schedule.columns) != [c.name for c in contracts.SCHEDULE.columns]  # builder order differs already
    reordered = schedule[list(reversed(schedule.columns))]
    result = _materialize_probe(instance, pipeline.warehouse, reordered)
    assert result.success, step_failures(result)
    stored = pipeline.frame("SELECT * FROM contract_probe.schedule ORDER BY game_id")
    assert list(stored.columns) == [c.name for c in contracts.SCHEDULE.columns]
    expected = schedule.sort_values("game_id").reset_index(drop=True)
    assert len(stored) == len(expected) > 0
    for col in stored.columns:
        assert stored[col].astype(object).tolist() == expected[col].astype(object).tolist(), col


@pytest.mark.parametrize("change, named", [
    (lambda f: f.drop(columns=["home_team_abbr"]), "missing ['home_team_abbr']"),
    (lambda f: f.assign(bogus=1), "unexpected ['bogus']"),
])
def test_frame_not_matching_the_contract_is_refused(instance, pipeline, change, named):
    result = _materialize_probe(instance, pipeline.warehouse, change(_real_schedule(D1)))
    assert not result.success
    (message, classes), = step_failures(result).values()
    assert ContractViolation.__name__ in classes
    assert "contract_probe.schedule" in message and named in message
    assert pipeline.counts("contract_probe.schedule") == {}


# ---- 5./6. blocking within a run, across runs, and unblocking ------------------------------

def _duplicate_player_row(frames):
    players = frames[files.PLAYER_BOXSCORES.name]
    row = players[(players["game_date"] == D1) & (players["pts"] > 0)].iloc[[0]]
    frames[files.PLAYER_BOXSCORES.name] = pd.concat([players, row], ignore_index=True)


@pytest.fixture
def blocked(pipeline, raw_folder):
    """Range D1..D2 from a raw folder whose D1 has one player row twice."""
    raw = raw_folder([D1, D2], _duplicate_player_row)
    result = pipeline.run(D1, D2, raw_dir=raw)
    return pipeline, raw, result


def _gate(instance, asset: dg.AssetKey, date: str) -> dg.AssetCheckEvaluation:
    return latest_evaluation(instance, dg.AssetCheckKey(asset, GATE_CHECK), date)


def test_a_failed_blocking_check_holds_back_its_date_alone_in_the_run_and_later_runs(blocked):
    pipe, raw, result = blocked
    dup = real_frame(files.PLAYER_BOXSCORES.name)
    dup = dup[(dup["game_date"] == D1) & (dup["pts"] > 0)].iloc[0]

    bad = latest_evaluation(pipe.instance, UNIQUE_PLAYER_GAMES, D1)
    assert not bad.passed and bad.severity == dg.AssetCheckSeverity.ERROR
    assert f"{int(dup['player_id'])}/{int(dup['game_id'])}" in bad.description
    good = latest_evaluation(pipe.instance, UNIQUE_PLAYER_GAMES, D2)
    assert good.passed
    assert ui_status(pipe.instance, UNIQUE_PLAYER_GAMES) == {D1: "FAILED", D2: "SUCCEEDED"}
    assert list(unreadable(pipe.instance, LINEAGE, keys.PLAYER_BOXSCORES, [D1, D2])) == [D1]

    # same run: a failed check is an outcome, not a crash. D2 is built everywhere; D1 of
    # player_game_summary is held back: written empty, its gate naming the upstream asset, check and game
    assert result.success, step_failures(result)
    done = materialized(result)
    assert done[keys.PLAYER_BOXSCORES] == done[keys.PLAYER_GAME_SUMMARY] == {D1, D2}
    assert list(pipe.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D2]
    assert pipe.counts(TABLES[keys.TEAM_OFFENSE_GAME_SUMMARY]).keys() == {D1, D2}
    gate = _gate(pipe.instance, keys.PLAYER_GAME_SUMMARY, D1)
    assert not gate.passed and gate.severity == dg.AssetCheckSeverity.ERROR
    assert f"nba_raw/player_boxscores check 'unique_player_games' failed on {D1}" in gate.description
    assert f"{int(dup['player_id'])}/{int(dup['game_id'])}" in gate.description
    # the ranged run records the gate for the held-back date; D2's result is its materialization
    # (the UI shows the gate there as skipped: planned, not evaluated)
    assert ui_status(pipe.instance, dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, GATE_CHECK)) == {
        D1: "FAILED", D2: "SKIPPED"}
    assert unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [D1, D2]).keys() == {D1}
    # the other checks of the held-back date have nothing to check: they pass it, saying so
    coverage = latest_evaluation(pipe.instance, dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, "coverage"), D1)
    assert coverage.passed and "held back" in coverage.description

    # a later run of the blocked date holds it back again ...
    later = pipe.run(D1, raw_dir=raw, selection=[keys.PLAYER_GAME_SUMMARY])
    assert f"nba_raw/player_boxscores check 'unique_player_games' failed on {D1}" in \
        _gate(pipe.instance, keys.PLAYER_GAME_SUMMARY, D1).description
    assert materialized(later) == {keys.PLAYER_GAME_SUMMARY: {D1}}
    assert list(pipe.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D2]
    # ... and for the clean date it builds
    clean = pipe.run(D2, raw_dir=raw, selection=[keys.PLAYER_GAME_SUMMARY])
    assert clean.success, step_failures(clean)
    assert list(pipe.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D2]


def test_rematerializing_the_fixed_upstream_partition_unblocks(blocked):
    pipe, _, _ = blocked
    assert list(unreadable(pipe.instance, LINEAGE, keys.PLAYER_BOXSCORES, [D1])) == [D1]
    fix = pipe.run(D1, raw_dir=REAL_RAW, selection=[keys.PLAYER_BOXSCORES])
    assert fix.success, step_failures(fix)
    assert latest_evaluation(pipe.instance, UNIQUE_PLAYER_GAMES, D1).passed
    assert unreadable(pipe.instance, LINEAGE, keys.PLAYER_BOXSCORES, [D1]) == {}
    # the held-back table is not readable until rebuilt
    assert "held back" in unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [D1])[D1]

    downstream = pipe.run(D1, raw_dir=REAL_RAW, selection=[keys.PLAYER_GAME_SUMMARY])
    assert downstream.success, step_failures(downstream)
    assert materialized(downstream) == {keys.PLAYER_GAME_SUMMARY: {D1}}
    assert pipe.counts(TABLES[keys.PLAYER_GAME_SUMMARY])[D1] > 0
    assert unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [D1]) == {}
    assert pipe.query("SELECT count(*) FROM (SELECT game_id, player_id FROM nba_analytics.player_game_summary "
                      "GROUP BY 1, 2 HAVING count(*) > 1)")[0][0] == 0


def test_an_upstream_rebuilt_after_a_table_makes_it_stale_until_rebuilt(week):
    pipe, _ = week
    day = WEEK[1]
    assert pipe.run(day, selection=[keys.PLAYER_BOXSCORES]).success
    why = unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [day])[day]
    assert "stale" in why and "nba_raw/player_boxscores" in why
    assert pipe.run(day).success
    assert unreadable(pipe.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [day]) == {}


# ---- 7. an incomplete game -----------------------------------------------------------------

def test_game_missing_a_team_row_fails_two_teams_per_game(pipeline, raw_folder):
    teams = real_frame(files.TEAM_BOXSCORES.name)
    victim = teams[(teams["game_date"] == D1) & teams["season_id"].str.startswith("2")].iloc[0]

    def drop_one_team_row(frames):
        t = frames[files.TEAM_BOXSCORES.name]
        frames[files.TEAM_BOXSCORES.name] = t[~((t["game_id"] == victim["game_id"]) & (t["team_id"] == victim["team_id"]))]

    raw = raw_folder([D1, D2], drop_one_team_row)
    assert pipeline.run(D1, D2, raw_dir=raw).success  # a failed check is an outcome, not a crash
    bad = latest_evaluation(pipeline.instance, TWO_TEAMS_PER_GAME, D1)
    assert not bad.passed and bad.severity == dg.AssetCheckSeverity.ERROR
    assert victim["game_id"] in bad.description and "1 team rows" in bad.description
    assert latest_evaluation(pipeline.instance, TWO_TEAMS_PER_GAME, D2).passed
    # the schedule still lists the game (known from the other team's row)
    assert pipeline.query(f"SELECT team_rows FROM nba_raw.schedule WHERE game_id = '{victim['game_id']}'") == [(1,)]
    # the date is held back below the schedule, alone
    assert list(pipeline.counts(TABLES[keys.TEAM_OFFENSE_GAME_SUMMARY])) == [D2]
    assert list(pipeline.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D2]
    gate = _gate(pipeline.instance, keys.PLAYER_GAME_SUMMARY, D1)
    assert "two_teams_per_game" in gate.description and victim["game_id"] in gate.description


# ---- 8. bad raw input ----------------------------------------------------------------------

def test_unparseable_minutes_hold_back_their_date_only(pipeline, raw_folder):
    players = real_frame(files.PLAYER_BOXSCORES.name)
    target = players[players["game_date"] == D2].index[5]
    target_id, player = players.at[target, "id"], int(players.at[target, "player_id"])

    def bad_minutes(frames):
        p = frames[files.PLAYER_BOXSCORES.name]
        p.loc[p["id"] == target_id, "min"] = "abc"

    raw = raw_folder([D1, D2], bad_minutes)
    result = pipeline.run(D1, D2, raw_dir=raw)
    assert result.success, step_failures(result)
    # raw keeps the rows as shipped; its shipped_values check fails D2 only, naming file, column, row, value, player
    assert pipeline.counts(TABLES[keys.PLAYER_BOXSCORES]).keys() == {D1, D2}
    bad = latest_evaluation(pipeline.instance, dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "shipped_values"), D2)
    assert not bad.passed and bad.severity == dg.AssetCheckSeverity.ERROR
    for part in ("player_boxscores.parquet", "column 'min'", "'abc'", str(player), D2, "unrecognised minutes format"):
        assert part in bad.description, (part, bad.description)
    assert latest_evaluation(pipeline.instance, dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "shipped_values"), D1).passed
    # every other date is built; D2 is held back below raw
    assert list(pipeline.counts(TABLES[keys.PLAYER_GAME_SUMMARY])) == [D1]
    assert "'abc'" in _gate(pipeline.instance, keys.PLAYER_GAME_SUMMARY, D2).description


def test_a_structural_read_failure_leaves_existing_rows_untouched(pipeline, raw_folder):
    """A failing re-read of a whole file keeps the rows a good run wrote (no delete without insert)."""
    good = pipeline.run(D1, D2, raw_dir=raw_folder([D1, D2], name="good"), selection=[keys.PLAYER_BOXSCORES])
    assert good.success, step_failures(good)
    before = pipeline.counts(TABLES[keys.PLAYER_BOXSCORES])
    assert sorted(before) == [D1, D2]
    broken = raw_folder([D1, D2], lambda f: f[files.PLAYER_BOXSCORES.name].drop(columns=["pts"], inplace=True),
                        name="bad")
    bad = pipeline.run(D1, D2, raw_dir=broken, selection=[keys.PLAYER_BOXSCORES])
    assert not bad.success
    assert pipeline.counts(TABLES[keys.PLAYER_BOXSCORES]) == before


def test_missing_raw_column_names_file_and_column(pipeline, raw_folder):
    raw = raw_folder([D1], lambda frames: frames[files.TEAM_BOXSCORES.name].drop(columns=["fga"], inplace=True))
    result = pipeline.run(D1, raw_dir=raw)
    assert not result.success
    failures = step_failures(result)
    message, classes = failures["nba_raw__team_boxscores"]
    assert "RawDataError" in classes
    assert "team_boxscores.parquet" in message and "'fga'" in message and "missing" in message
    assert pipeline.counts(TABLES[keys.TEAM_BOXSCORES]) == {}
    # the player table, which does not read that file, was still built
    assert keys.PLAYER_BOXSCORES in materialized(result)


# ---- 9. a WARN check does not block --------------------------------------------------------

def test_points_mismatch_warns_names_the_team_game_and_does_not_block(pipeline, raw_folder):
    players = real_frame(files.PLAYER_BOXSCORES.name)
    scorer = players[(players["game_date"] == D1) & (players["ftm"] >= 1) & (players["pts"] >= 1)].iloc[0]
    teams = real_frame(files.TEAM_BOXSCORES.name)
    official = teams[(teams["game_date"] == D1) & (teams["team_abbreviation"] == scorer["team_abbreviation"])].iloc[0]

    def one_free_throw_less(frames):
        p = frames[files.PLAYER_BOXSCORES.name]
        hit = p["id"] == scorer["id"]
        assert hit.sum() == 1
        p.loc[hit, "pts"] -= 1
        p.loc[hit, "ftm"] -= 1

    raw = raw_folder([D1], one_free_throw_less)
    result = pipeline.run(D1, raw_dir=raw)
    assert result.success, step_failures(result)
    evaluation = latest_evaluation(pipeline.instance, POINTS_MATCH_TEAM, D1)
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert f"game {official['game_id']} {official['team_abbreviation']}" in evaluation.description
    assert f"players sum to {int(official['pts']) - 1}, official {int(official['pts'])}" in evaluation.description
    # the other checks of the table still pass (the box-score identities hold)
    assert latest_evaluation(pipeline.instance, dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, "value_ranges"), D1).passed
    assert materialized(result)[keys.PLAYER_GAME_SUMMARY] == {D1}
    # WARN does not close the gate: the date is readable and a later run for it builds the table
    assert unreadable(pipeline.instance, LINEAGE, keys.PLAYER_GAME_SUMMARY, [D1]) == {}
    later = pipeline.run(D1, raw_dir=raw, selection=[keys.PLAYER_GAME_SUMMARY])
    assert later.success, step_failures(later)
    assert pipeline.query(f"SELECT points FROM nba_analytics.player_game_summary WHERE game_date = DATE '{D1}' "
                          f"AND player_id = {int(scorer['player_id'])}") == [(int(scorer["pts"]) - 1,)]


# ---- failure paths -------------------------------------------------------------------------

def test_failed_write_closes_the_warehouse_connection(tmp_path):
    context = SimpleNamespace(resource_config={"database": str(tmp_path / "w.duckdb"), "connection_config": {}},
                              log=SimpleNamespace(warning=print))
    opened = []
    with pytest.raises(ContractViolation):
        with TransactionalDuckDbClient.connect(context, None) as conn:
            opened.append(conn)
            raise ContractViolation("write refused")
    with pytest.raises(duckdb.ConnectionException):
        opened[0].execute("SELECT 1")


def test_raw_folder_without_shots_yields_empty_shot_partitions(pipeline, raw_folder):
    result = pipeline.run(D1, raw_dir=raw_folder([D1], shots=False))
    assert result.success, step_failures(result)
    assert materialized(result)[keys.SHOTS] == {D1}
    assert pipeline.counts(TABLES[keys.SHOTS]) == {}
    assert pipeline.query(f"SELECT count(*), count(paint_attempts) FROM nba_analytics.player_game_summary "
                          f"WHERE game_date = DATE '{D1}'")[0][1] == 0


# ---- regression check across runs ----------------------------------------------------------

def test_regression_check_of_a_one_date_run_compares_with_earlier_runs(pipeline):
    earlier = [k for k in ALL_KEYS if "2023-10-24" <= k <= "2023-11-06"]
    day = ALL_KEYS[ALL_KEYS.index(earlier[-1]) + 1]
    assert pipeline.run(earlier[0], earlier[-1]).success
    single = pipeline.run(day)
    assert single.success, step_failures(single)
    for asset, metric in ((keys.TEAM_OFFENSE_GAME_SUMMARY, "mean_points"), (keys.PLAYER_GAME_SUMMARY, "share_played")):
        check = dg.AssetCheckKey(asset, "regression_vs_trailing_30d")
        evaluation = latest_evaluation(pipeline.instance, check, day)
        assert "not compared" not in evaluation.description, evaluation.description
        assert evaluation.metadata["history"].value == len(earlier)
        assert f"{metric}_trailing_mean" in evaluation.metadata
        # the metric is on each date's materialization, where the next run finds it
        record = latest_materialization_records(pipeline.instance, asset, [day])[day]
        assert metric in record.asset_materialization.metadata


def test_the_instance_uses_the_project_event_log_storage(instance):
    from resources.dagster_storage import PooledSqliteEventLogStorage

    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    with open(Path(__file__).resolve().parent.parent / "dagster_home" / "dagster.yaml") as f:
        assert "PooledSqliteEventLogStorage" in f.read()
