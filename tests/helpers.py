"""Shared helpers of the test modules: constants, the ``Pipeline`` runner, raw-folder builders,
result and check-evaluation readers, and the real pre-game history. No fixtures (those are in
``conftest.py``, built on these) and no tests; test modules import from here, never from each
other or from a conftest.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from basketball import rolling
from basketball.tables import build_player_game_summary, build_schedule, build_team_offense
from nba_assets import keys
from nba_assets.backfill import RANGE_END, RANGE_START
from nba_assets.definitions import LINEAGE, defs
from nba_assets.partitions import GAME_DATES, register_game_dates
from resources import raw_source as files
from resources.dagster_internals import check_state_by_date, latest_check_evaluation
from resources.model_store import ModelStore
from resources.raw_source import RawSource, default_raw_dir
from resources.warehouse import DuckDBWarehouse, WarehouseDuckDBIOManager

# ---- the real raw folder and the graph -------------------------------------------------------

FOUNDATION = tuple(  # the raw and analytics box-score tables (the market's are in test_market_*)
    k
    for k in defs.resolve_asset_graph().get_all_asset_keys()
    if k.path[0] in ("nba_raw", "nba_analytics")
    and k not in (keys.PROP_LINES, keys.PROP_LINES_CONSENSUS)
)
REAL_RAW = default_raw_dir()  # the shipped folder (never written to)
REAL_DATES = [
    d.isoformat() for d in RawSource(raw_dir=REAL_RAW).played_dates()
]  # its played dates (with box scores), in order
RAW_FILES = (files.PLAYER_BOXSCORES, files.TEAM_BOXSCORES, files.SHOTS, files.PLAYER_ID_CROSSWALK)

# 2023-11-07 (US election day) has no game, so the week's partitions are 2023-11-01..06.
WEEK = [k for k in REAL_DATES if "2023-11-01" <= k <= "2023-11-07"]
D1, D2 = "2023-11-01", "2023-11-02"
TABLES = {
    keys.PLAYER_BOXSCORES: "nba_raw.player_boxscores",
    keys.TEAM_BOXSCORES: "nba_raw.team_boxscores",
    keys.SHOTS: "nba_raw.shots",
    keys.SCHEDULE: "nba_raw.schedule",
    keys.TEAM_OFFENSE_GAME_SUMMARY: "nba_analytics.team_offense_game_summary",
    keys.PLAYER_GAME_SUMMARY: "nba_analytics.player_game_summary",
}


# ---- running the pipeline --------------------------------------------------------------------


def make_resources(warehouse: str, raw_dir: str = REAL_RAW) -> dict:
    return {
        "io_manager": WarehouseDuckDBIOManager(database=warehouse),
        "raw_source": RawSource(raw_dir=str(raw_dir)),
        "prop_source": RawSource(raw_dir=str(raw_dir)),
        "warehouse": DuckDBWarehouse(database=warehouse),
        "lineage": LINEAGE,
        "model_store": ModelStore(local_dir=str(Path(warehouse).parent / "models")),
    }


class Pipeline:
    """One instance + one warehouse file; runs the ``all_tables`` job against them."""

    def __init__(self, instance: dg.DagsterInstance, warehouse: str):
        self.instance, self.warehouse = instance, warehouse

    def run(
        self,
        first: str,
        last: str | None = None,
        raw_dir: str = REAL_RAW,
        selection: Iterable[dg.AssetKey] | None = FOUNDATION,
        source: RawSource | None = None,
    ) -> dg.ExecuteInProcessResult:
        """One run: a single partition when ``first == last``, else the range as one run. By
        default the raw and analytics tables only (``dg.materialize`` of that selection of the
        location's assets and checks): pre-game tables need their season's history.
        ``selection=None`` runs the location's own ``all_tables`` job. ``source`` replaces the
        raw source built from ``raw_dir`` (fault injection)."""
        last = last or first
        self.register(REAL_DATES)  # the shipped folder's dates, as the game_dates sensor adds them
        res = make_resources(self.warehouse, str(raw_dir))
        if source is not None:
            res["raw_source"] = source
        kwargs = (
            {"partition_key": first}
            if first == last
            else {"tags": {RANGE_START: first, RANGE_END: last}}
        )
        if selection is None:
            return defs.resolve_job_def("all_tables").execute_in_process(
                instance=self.instance, raise_on_error=False, resources=res, **kwargs
            )
        return dg.materialize(
            [*defs.assets, *defs.asset_checks],
            selection=list(selection),
            instance=self.instance,
            resources=res,
            raise_on_error=False,
            **kwargs,
        )

    def register(self, dates: list[str]) -> list[str]:
        """Add game dates as partitions (what nba-backfill and the sensor do from the raw
        folder)."""
        return register_game_dates(self.instance, dates)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(self.warehouse, read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()

    def frame(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(self.warehouse, read_only=True) as conn:
            return conn.execute(sql).fetchdf()

    def has_table(self, table: str) -> bool:
        schema, name = table.split(".")
        if not Path(self.warehouse).exists():
            return False
        return (
            self.query(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = ? AND table_name = ?",
                [schema, name],
            )[0][0]
            == 1
        )

    def duplicate_keys(self, table: str, key: str) -> int:
        """How many values of ``key`` (comma-separated columns) occur more than once in
        ``table``."""
        return self.query(
            f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
        )[0][0]

    def counts(self, table: str) -> dict[str, int]:
        """Rows per game date (``YYYY-MM-DD``) of a warehouse table; {} when it does not exist."""
        if not self.has_table(table):
            return {}
        return {
            str(d): n
            for d, n in self.query(f"SELECT game_date, count(*) FROM {table} GROUP BY 1 ORDER BY 1")
        }


PROJECT_STORAGE = {
    "event_log_storage": {
        "module": "resources.event_log_storage",
        "class": "PooledSqliteEventLogStorage",
    }
}


def project_instance():
    """A temporary instance with the project's event log storage (``dagster_home/dagster.yaml``)."""
    return dg.instance_for_test(overrides=PROJECT_STORAGE)


# ---- raw folders -----------------------------------------------------------------------------


@functools.cache
def _real_frame(name: str) -> pd.DataFrame:
    return pd.read_parquet(Path(REAL_RAW) / name)


def real_frame(name: str) -> pd.DataFrame:
    return _real_frame(name).copy()


def write_raw_folder(
    folder: Path,
    dates: list[str],
    mutate: Callable[[dict[str, pd.DataFrame]], None] | None = None,
    shots: bool = True,
) -> str:
    """A raw folder with the real rows of ``dates`` (player and team box scores, shots unless
    ``shots=False``, the whole crosswalk), after ``mutate(frames)`` edits the frames keyed by
    file name in place."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = {}
    for spec in RAW_FILES:
        if spec is files.SHOTS and not shots:
            continue
        real = _real_frame(spec.name)
        if spec.date_column:
            shipped = [pd.Timestamp(d).strftime(spec.date_format) for d in dates]
            real = real[real[spec.date_column].isin(shipped)]
        frames[spec.name] = real.reset_index(drop=True).copy()
    if mutate:
        mutate(frames)
    for name, frame in frames.items():
        frame.to_parquet(folder / name, index=False)
    return str(folder)


# ---- reading a run's result and the instance's check evaluations -----------------------------


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


def latest_evaluation(
    instance: dg.DagsterInstance, check: dg.AssetCheckKey, date: str
) -> dg.AssetCheckEvaluation:
    _, evaluation = latest_check_evaluation(instance, check, date)
    assert evaluation is not None, f"no evaluation of {check.to_user_string()} on {date}"
    return evaluation


def ui_status(instance: dg.DagsterInstance, check: dg.AssetCheckKey) -> dict[str, str]:
    """date -> the check status the Dagster UI shows for it (the instance's asset check state)."""
    return check_state_by_date(instance, check, GAME_DATES)


# ---- real pre-game history (pure builders, no Dagster) ---------------------------------------

HISTORY_START, HISTORY_LAST = "2023-10-05", "2023-11-20"


@functools.lru_cache(maxsize=4)
def summaries(
    first: str = "0001-01-01", last: str = "9999-12-31", published: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(player_game_summary, team_offense_game_summary, schedule) built by the pure builders
    from the real folder's dates ``first``..``last``; ``published``: the schedule has the
    published games not final yet (``games.parquet``) too."""
    source = RawSource(raw_dir=default_raw_dir())
    days = [d for d in source.game_dates() if first <= d.isoformat() <= last]
    teams_raw = source.read(files.TEAM_BOXSCORES, days)
    schedule = build_schedule(teams_raw, source.read(files.GAMES, days) if published else None)
    team = build_team_offense(teams_raw, schedule)
    with warnings.catch_warnings():  # pandas' concat of empty frames, on dates without shots
        warnings.simplefilter("ignore", FutureWarning)
        players, _ = build_player_game_summary(
            source.read(files.PLAYER_BOXSCORES, days),
            team,
            source.read(files.SHOTS, days),
            source.frame(files.PLAYER_ID_CROSSWALK),
        )
    return players, team, schedule


def tick(schedule: str, when, instance=None) -> list[dg.RunRequest]:
    """The run requests of the location's ``schedule`` ticking at ``when``."""
    return (
        defs.resolve_schedule_def(schedule)
        .evaluate_tick(
            dg.build_schedule_context(
                scheduled_execution_time=when,
                instance=instance,
                repository_def=defs.get_repository_def(),
            )
        )
        .run_requests
    )


def history() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(player_game_summary, team_offense_game_summary, schedule) for 2023-10-05..2023-11-20."""
    return summaries(HISTORY_START, HISTORY_LAST)


def box_score_population(players: pd.DataFrame, dates) -> pd.DataFrame:
    """The players listed in D's box scores (the population before expected rosters): for tests
    of the window math on every listed player. One row per (date, player); a player listed by two
    teams on one date keeps the game he played in, else the later game."""
    days = pd.DatetimeIndex(pd.to_datetime(list(dates))).normalize()
    rows = players[players["game_date"].isin(days)]
    rows = rows.sort_values(
        ["game_date", "player_id", "minutes_played", "game_id"],
        ascending=[True, True, False, False],
    )
    return rows.drop_duplicates(["game_date", "player_id"])[rolling.POPULATION].reset_index(
        drop=True
    )


LEAK_DAY = pd.Timestamp("2023-11-15")


def changed_box_scores(day: pd.Timestamp = LEAK_DAY) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``history()``'s player and team rows with D's own box scores changed: every player's points
    +17, minutes +11, paint attempts +9 (with shot data); every team's points +20 and pace +30."""
    players, team, _ = history()
    changed = players.copy()
    on_day = changed["game_date"] == day
    changed.loc[on_day, "points"] += 17
    changed.loc[on_day, "minutes_played"] += 11
    changed.loc[on_day & changed["has_shot_data"], "paint_attempts"] += 9
    team_changed = team.copy()
    team_on_day = team_changed["game_date"] == day
    team_changed.loc[team_on_day, "points"] += 20
    team_changed.loc[team_on_day, "pace"] += 30
    return changed, team_changed


def backfill_env(root: Path) -> dict:
    """The environment of an ``nba-backfill`` subprocess whose raw folder, instance, warehouse
    and model folder are all under ``root``."""
    return {
        **os.environ,
        "NBA_RAW_DIR": str(root / "raw"),
        "DAGSTER_HOME": str(root / "home"),
        "NBA_DUCKDB_PATH": str(root / "w.duckdb"),
        "NBA_MODEL_DIR": str(root / "models"),
    }


PROJECT = Path(__file__).resolve().parent.parent


def run_backfill(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``nba-backfill --workers 1 args`` in a subprocess against ``backfill_env(root)``."""
    return subprocess.run(
        [sys.executable, "-m", "nba_assets.backfill", "--workers", "1", *args],
        cwd=PROJECT,
        env=backfill_env(root),
        capture_output=True,
        text=True,
        timeout=900,
    )


def new_home(root: Path) -> Path:
    """``root/home`` with the project's ``dagster.yaml`` (its event log storage plugin)."""
    home = root / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT / "dagster_home" / "dagster.yaml").read_text())
    return home


def warehouse_frame(root: Path, sql: str) -> pd.DataFrame:
    """``sql`` against the warehouse ``root/w.duckdb`` (read-only)."""
    with duckdb.connect(str(root / "w.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchdf()
