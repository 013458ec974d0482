"""Faults: transient source errors are retried, deterministic failures are not."""

from __future__ import annotations

from collections import Counter

import dagster as dg

from nba_assets import keys
from resources import raw_source as files
from resources.raw_source import RawSource

from helpers import D1, latest_evaluation, materialized

FAILURES: Counter = Counter()


class FlakyRawSource(RawSource):
    """The real raw folder, behind a filesystem that fails the first ``fail_times`` reads of the
    player box scores with an I/O error (the fault is injected; the reading is real)."""

    fail_times: int = 2

    def _validated(self, spec):
        if spec is files.PLAYER_BOXSCORES and FAILURES[self.raw_dir] < self.fail_times:
            FAILURES[self.raw_dir] += 1
            try:
                raise OSError(5, "Input/output error")
            except OSError as exc:
                raise files.TransientSourceError(
                    f"{self.path(spec)}: could not read ({exc})"
                ) from exc
        return super()._validated(spec)


def _run(pipeline, source: RawSource) -> dg.ExecuteInProcessResult:
    return pipeline.run(D1, selection=[keys.PLAYER_BOXSCORES], source=source)


def test_a_source_that_fails_twice_then_succeeds_is_retried(pipeline, instance):
    from resources.raw_source import default_raw_dir

    FAILURES.clear()
    result = _run(pipeline, FlakyRawSource(raw_dir=default_raw_dir()))
    assert result.success
    assert FAILURES[default_raw_dir()] == 2
    retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert len(retries) == 2
    assert materialized(result) == {keys.PLAYER_BOXSCORES: {D1}}
    assert latest_evaluation(
        instance, dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "unique_player_games"), D1
    ).passed


def test_a_source_that_keeps_failing_gives_up_after_the_retries(pipeline):
    from resources.raw_source import SOURCE_RETRIES, default_raw_dir

    FAILURES.clear()
    result = _run(pipeline, FlakyRawSource(raw_dir=default_raw_dir(), fail_times=99))
    assert not result.success
    assert FAILURES[default_raw_dir()] == SOURCE_RETRIES + 1
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "Input/output error" in str(failure.event_specific_data.error.to_string())


def test_bad_content_is_not_retried(pipeline, raw_folder):
    def no_points_column(frames):
        frames[files.PLAYER_BOXSCORES.name].drop(columns=["pts"], inplace=True)

    result = _run(pipeline, RawSource(raw_dir=raw_folder([D1], no_points_column)))
    assert not result.success
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]


# ---- killed mid-backfill -------------------------------------------------------------------

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
RANGE = ("2023-10-05", "2023-11-08")


def _backfill(home: Path, kill_after: float | None = None) -> int:
    env = {**os.environ, "DAGSTER_HOME": str(home), "NBA_DUCKDB_PATH": str(home / "w.duckdb")}
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text((PROJECT / "dagster_home" / "dagster.yaml").read_text())
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nba_assets.backfill",
            "--start",
            RANGE[0],
            "--end",
            RANGE[1],
            "--workers",
            "1",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if kill_after is None:
        return proc.wait(timeout=600)
    deadline = time.time() + 300
    while time.time() < deadline and not _has_rows(home / "w.duckdb", "nba_raw.player_boxscores"):
        time.sleep(0.2)
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    return proc.wait()


def _has_rows(path: Path, table: str) -> bool:
    if not path.exists():
        return False
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
    except duckdb.Error:
        return False


def fingerprint(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    """(table, date) -> (rows, content checksum), every column but the ingestion time."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = conn.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
        ).fetchall()
        for (table,) in tables:
            frame = (
                conn.execute(f"SELECT * FROM {table}")
                .fetchdf()
                .drop(columns=["ingested_at"], errors="ignore")
            )
            for day, rows in frame.groupby(frame["game_date"].astype(str)):
                ordered = rows.sort_values(list(rows.columns)).reset_index(drop=True)
                out[(table, day)] = (
                    len(rows),
                    int(pd.util.hash_pandas_object(ordered, index=False).sum()),
                )
    return out


def test_killed_backfill_rerun_equals_a_clean_run(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    assert _backfill(killed, kill_after=2.0) == -signal.SIGKILL
    partial = fingerprint(killed / "w.duckdb")
    assert _backfill(clean) == 0
    expected = fingerprint(clean / "w.duckdb")
    # what the kill left behind is whole partitions only: every date present matches the clean run
    assert partial and all(expected[k] == v for k, v in partial.items())
    assert len(partial) < len(expected)
    assert _backfill(killed) == 0
    assert fingerprint(killed / "w.duckdb") == expected


def test_concurrent_runs_of_the_same_partition_never_duplicate_rows(tmp_path):
    """Two processes materialize the same date at once: DuckDB's single-writer lock serializes the
    writes and each partition write is one delete + insert transaction, so the date holds exactly
    one copy of its rows. A process whose input was rewritten by the other before its checks ran
    holds the date back (never reads what was not checked); a later run builds it."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT / "dagster_home" / "dagster.yaml").read_text())
    env = {**os.environ, "DAGSTER_HOME": str(home), "NBA_DUCKDB_PATH": str(home / "w.duckdb")}
    # A deployed instance is created once; two processes creating its SQLite schema at the same
    # moment race in Dagster's own migrations, which is not what this test is about.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import dagster as dg; from nba_assets.partitions import register_game_dates; "
            f"register_game_dates(dg.DagsterInstance.get(), ['{D1}'])",
        ],
        env=env,
        check=True,
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    command = [
        str(Path(sys.executable).parent / "dagster"),
        "asset",
        "materialize",
        "-m",
        "nba_assets.definitions",
        "--select",
        "(key:nba_raw/* or key:nba_analytics/*) and not key:nba_analytics/prop_lines_consensus",
        "--partition",
        D1,
    ]
    procs = [
        subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    codes = [p.wait(timeout=300) for p in procs]
    errors = [p.stderr.read().decode() for p in procs]
    for code, error in zip(codes, errors, strict=True):
        assert code == 0 or (
            "inputs_ready" in error and "not evaluated" in error or "stale" in error
        ), error[-3000:]
    subprocess.run(
        command,
        cwd=PROJECT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with duckdb.connect(str(home / "w.duckdb"), read_only=True) as conn:
        dupes = conn.execute(
            "SELECT count(*) FROM (SELECT game_id, player_id "
            "FROM nba_analytics.player_game_summary "
            "GROUP BY 1, 2 HAVING count(*) > 1)"
        ).fetchone()[0]
        raw_dupes = conn.execute(
            "SELECT count(*) - count(DISTINCT id) FROM nba_raw.player_boxscores"
        ).fetchone()[0]
        dates = conn.execute(
            "SELECT DISTINCT game_date::VARCHAR FROM nba_analytics.player_game_summary"
        ).fetchall()
    assert dupes == 0 and raw_dupes == 0 and dates == [(D1,)]


# ---- source revisions ----------------------------------------------------------------------

import shutil  # noqa: E402

from resources.raw_source import default_raw_dir  # noqa: E402

REVISED = "2023-10-25"


def _revise(folder: Path) -> int:
    """A corrected box score: one player's line on REVISED gains a made two (2 points).
    Returns his id."""
    for name in (
        "player_boxscores.parquet",
        "team_boxscores.parquet",
        "shots.parquet",
        "player_id_crosswalk.parquet",
    ):
        if (Path(default_raw_dir()) / name).exists():
            shutil.copy(Path(default_raw_dir()) / name, folder / name)
    players = pd.read_parquet(folder / "player_boxscores.parquet")
    hit = players.index[(players["game_date"] == REVISED) & (players["pts"] > 10)][0]
    players.loc[hit, ["pts", "fgm", "fga"]] += [2, 1, 1]
    players.to_parquet(folder / "player_boxscores.parquet", index=False)
    return int(players.loc[hit, "player_id"])


def test_a_revised_box_score_refreshes_its_date_and_the_windows_after_it_only(tmp_path):
    home = tmp_path / "home"
    assert _backfill(home) == 0
    before = fingerprint(home / "w.duckdb")
    revised = tmp_path / "revised"
    revised.mkdir()
    player = _revise(revised)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "NBA_DUCKDB_PATH": str(home / "w.duckdb"),
        "NBA_RAW_DIR": str(revised),
    }
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "nba_assets.backfill",
            "--start",
            REVISED,
            "--end",
            REVISED,
            "--workers",
            "1",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert code == 0
    after = fingerprint(home / "w.duckdb")
    assert after.keys() == before.keys()
    changed = {k for k in before if before[k] != after[k]}
    # the revised date's analytics rows moved; no date before it moved in any table
    assert ("nba_analytics.player_game_summary", REVISED) in changed
    assert all(day >= REVISED for _, day in changed)
    # pre-game rows of the revised date do not see it (pre-game); later rows of the player do
    assert ("nba_precompute.player_rolling_stats", REVISED) not in changed
    with duckdb.connect(str(home / "w.duckdb"), read_only=True) as conn:
        next_day = conn.execute(
            f"SELECT min(game_date)::VARCHAR FROM nba_precompute.player_rolling_stats "
            f"WHERE player_id = {player} AND game_date > DATE '{REVISED}'"
        ).fetchone()[0]
    assert ("nba_precompute.player_rolling_stats", next_day) in changed
    # raw and analytics of other dates are untouched
    assert not {
        k for k in changed if k[0].startswith(("nba_raw", "nba_analytics")) and k[1] != REVISED
    }


# ---- a warehouse locked by another process ---------------------------------------------------


def _hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    code = (
        f"import duckdb, time; c = duckdb.connect({str(path)!r}); "
        f"print('locked', flush=True); time.sleep({seconds})"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_locked_warehouse_waits_naming_the_holder_then_fails_fast(tmp_path):
    from resources.warehouse import WarehouseLocked, connect_duckdb

    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    holder = _hold_lock(path, 30)
    logged: list[str] = []
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseLocked, match=f"locked by PID {holder.pid}"):
            connect_duckdb(str(path), log=logged.append, wait_seconds=1.5)
        assert time.monotonic() - started < 10
        assert (
            len(logged) == 1
            and f"PID {holder.pid}" in logged[0]
            and "waiting up to 2 s" in logged[0]
        )
    finally:
        holder.kill()
        holder.wait()
    connect_duckdb(str(path), wait_seconds=1.5).close()  # the lock went with its holder


def test_a_wait_ends_when_the_holder_lets_go(tmp_path):
    from resources.warehouse import connect_duckdb

    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    holder = _hold_lock(path, 2)
    logged: list[str] = []
    connect_duckdb(str(path), log=logged.append, wait_seconds=30).close()
    holder.wait()
    assert len(logged) == 1 and f"PID {holder.pid}" in logged[0]


def test_the_summary_does_not_crash_on_a_locked_warehouse(tmp_path, monkeypatch, capsys):
    from nba_assets import keys
    from nba_assets.summary import table_rows

    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.setenv("NBA_DUCKDB_PATH", str(path))
    holder = _hold_lock(path, 30)
    try:
        assert table_rows([keys.PLAYER_GAME_SUMMARY], wait_seconds=1) == {
            "nba_analytics/player_game_summary": None
        }
        assert f"locked by PID {holder.pid}" in capsys.readouterr().out
    finally:
        holder.kill()
        holder.wait()


# ---- runs left STARTED by a killed process ---------------------------------------------------


def test_runs_of_a_killed_backfill_are_marked_failed_on_the_next_start(instance):
    import uuid

    from nba_assets.backfill import PID_TAG, mark_killed_runs_failed

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()

    def started(pid: int) -> dg.DagsterRun:
        return instance.add_run(
            dg.DagsterRun(
                job_name="all_tables",
                run_id=str(uuid.uuid4()),
                status=dg.DagsterRunStatus.STARTED,
                tags={"nba/backfill": "cli", PID_TAG: str(pid)},
            )
        )

    stuck, alive = started(dead.pid), started(os.getpid())
    assert mark_killed_runs_failed(instance) == [stuck.run_id]
    assert instance.get_run_by_id(stuck.run_id).status == dg.DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
