"""``deploy/dagster.yaml`` works as shipped: on a real PostgreSQL, the daemon runs a queued
backfill through the shipped queue and its tag limit.

A throwaway local PostgreSQL (``tests/local_postgres.py``: Debian's server, 127.0.0.1 and a free
port only) holds the instance of ``deploy/dagster.yaml`` as shipped (storage, QueuedRunCoordinator,
run retries, concurrency) with Dagster's DefaultRunLauncher in place of the Kubernetes one (no
cluster here). The real folder's game dates are registered (what the ``game_dates`` sensor adds,
so its ticks change nothing), ``dagster-daemon run -w workspace.yaml`` starts, and ``dagster job
backfill`` of ``all_tables`` over three dates, tagged ``nba/backfill``, submits one run per date
to the queue. Then:

- every run was QUEUED before it started (its events: enqueued, starting, started) and ended;
- two ran at once and never three: the shipped ``nba/backfill`` limit of 2 held the third back
  (``max_concurrent_runs`` is 8);
- each raw and analytics table has a materialization of each date in the PostgreSQL instance,
  and the only failed steps are the pre-game tables' blocking ``inputs_ready`` checks (the earlier
  dates of their season are not built here: held back, as ``nba-backfill`` counts it).

The CLI (``nba-backfill``) runs its runs in its own processes and never goes through this queue
(README, "PostgreSQL, tested").
Without PostgreSQL's binaries the test fails, saying how to install them: a skip is not a pass.
Runs with ``make e2e`` (a system test with servers, like the browser test), not ``make test``.
About 40 s on an idle 2-CPU machine (daemon, code server, runs); 229-249 s under load (5-9) with
the stock event log storage.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

# tests/local_postgres.py, shared with benchmarks/postgres_benchmark.py
from local_postgres import MISSING, deploy_home, local_postgres, pg_bin

from nba_assets.partitions import register_game_dates, today
from resources.raw_source import RawSource

# the browser test's process harness: signal-safe start, marker-based teardown
from e2e.conftest import (
    _WRAPPER,
    MARKER,
    _pids_with_marker,
    _stop,
    teardown_on_signals,  # noqa: F401 - session fixture (autouse): SIGTERM/SIGINT still run the teardown
)
from helpers import FOUNDATION, PROJECT, REAL_DATES, REAL_RAW

DATES = [d for d in REAL_DATES if "2023-11-01" <= d <= "2023-11-03"]
TAG = {"nba/backfill": "queue-test"}  # the key of the shipped tag_concurrency_limits (limit 2)
TIMEOUT = 420.0  # three runs, two at a time, on 2 busy cores
DONE = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
QUEUED = ["RUN_ENQUEUED", "RUN_STARTING", "RUN_START"]  # then its end
LIFECYCLE = {*QUEUED, "RUN_SUCCESS", "RUN_FAILURE"}


@dataclass
class Queued:
    """The backfill's finished runs and what the PostgreSQL instance recorded of them."""

    storage: str  # the instance's event log storage class
    runs: list[dg.RunRecord]
    lifecycles: dict[str, list[str]]  # run id -> its run-level event types, in order
    failures: dict[str, dict[str, str]]  # run id -> failed step -> its error and causes
    materialized: dict[dg.AssetKey, set[str]]  # raw/analytics asset -> dates materialized


def _wait_for_runs(instance: dg.DagsterInstance, daemon: subprocess.Popen, log: Path) -> list:
    deadline = time.monotonic() + TIMEOUT
    while True:
        runs = instance.get_run_records(filters=dg.RunsFilter(tags=TAG))
        if len(runs) == len(DATES) and all(r.dagster_run.status in DONE for r in runs):
            return runs
        if daemon.poll() is not None or time.monotonic() > deadline:
            states = [
                (r.dagster_run.tags.get("dagster/partition"), r.dagster_run.status.value)
                for r in runs
            ]
            pytest.fail(
                f"runs not done after {TIMEOUT:.0f} s (daemon exit {daemon.poll()}): "
                f"{states}\n{log.read_text(errors='replace')[-6000:]}"
            )
        time.sleep(2.0)


def _messages(error) -> str:
    chain = []
    while error is not None:
        chain.append(error.message.strip())
        error = error.cause
    return " <- ".join(chain)


def _read(instance: dg.DagsterInstance, runs: list[dg.RunRecord]) -> Queued:
    return Queued(
        storage=type(instance.event_log_storage).__name__,
        runs=runs,
        lifecycles={
            r.dagster_run.run_id: [
                e.dagster_event_type.name
                for e in instance.all_logs(r.dagster_run.run_id)
                if e.dagster_event_type and e.dagster_event_type.name in LIFECYCLE
            ]
            for r in runs
        },
        failures={
            r.dagster_run.run_id: {
                e.step_key: _messages(e.dagster_event.event_specific_data.error)
                for e in instance.all_logs(
                    r.dagster_run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE
                )
            }
            for r in runs
        },
        materialized={
            key: {
                m.partition_key
                for m in instance.fetch_materializations(
                    dg.AssetRecordsFilter(asset_key=key, asset_partitions=DATES), limit=100
                ).records
            }
            for key in FOUNDATION
        },
    )


@pytest.fixture(scope="module")
def queued(tmp_path_factory) -> Queued:
    if pg_bin() is None:
        pytest.fail(MISSING)
    root = tmp_path_factory.mktemp("postgres_instance")
    token = uuid.uuid4().hex
    with local_postgres() as pg, pytest.MonkeyPatch.context() as patch:
        for var, value in pg.env().items():
            patch.setenv(var, value)
        home = deploy_home(root / "home", pg)
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("GCP_PROJECT", "NBA_MODEL_BUCKET")},
            "DAGSTER_HOME": str(home),
            "NBA_RAW_DIR": REAL_RAW,
            "NBA_DUCKDB_PATH": str(root / "warehouse.duckdb"),
            "NBA_MODEL_DIR": str(root / "models"),
            "NBA_DEPLOYMENT": "local",
            MARKER: token,
        }
        with dg.DagsterInstance.from_config(str(home)) as instance:
            register_game_dates(instance, RawSource(raw_dir=REAL_RAW).game_dates(today()))
            log_path = root / "daemon.log"
            with open(log_path, "w") as log:
                bin_dir = Path(sys.executable).parent
                daemon = subprocess.Popen(
                    [sys.executable, "-c", _WRAPPER, str(bin_dir / "dagster-daemon"), "run"]
                    + ["-w", "workspace.yaml"],
                    cwd=PROJECT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                try:
                    submitted = subprocess.run(
                        [str(bin_dir / "dagster"), "job", "backfill", "-w", "workspace.yaml"]
                        + ["-j", "all_tables", "--partitions", ",".join(DATES)]
                        + ["--tags", json.dumps(TAG), "--noprompt"],
                        cwd=PROJECT,
                        env=env,
                        capture_output=True,
                        text=True,
                        timeout=120,
                    )
                    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
                    result = _read(instance, _wait_for_runs(instance, daemon, log_path))
                finally:
                    _stop(daemon, token, log)
                assert not _pids_with_marker(token), "processes left after the daemon stopped"
    return result


def test_the_backfill_runs_went_through_the_queue(queued):
    assert queued.storage == "PooledPostgresEventLogStorage"
    assert sorted(r.dagster_run.tags["dagster/partition"] for r in queued.runs) == DATES
    for record in queued.runs:
        run_id = record.dagster_run.run_id
        lifecycle = queued.lifecycles[run_id]
        assert lifecycle[:3] == QUEUED and lifecycle[3:] in (["RUN_SUCCESS"], ["RUN_FAILURE"]), (
            lifecycle
        )


def test_only_the_pre_game_tables_were_held_back(queued):
    """Single-date runs: each date's pre-game window holds season dates this backfill did not
    build, so the pre-game tables' blocking ``inputs_ready`` check fails ("history not built")
    and holds them back, as ``nba-backfill`` counts it; no raw or analytics step fails."""
    raw_and_analytics = {"__".join(k.path) for k in FOUNDATION}
    failures = {step: m for run in queued.failures.values() for step, m in run.items()}
    assert failures and all(
        step not in raw_and_analytics
        and "blocking asset check failed" in message
        and ": inputs_ready" in message
        for step, message in failures.items()
    ), failures


def test_the_shipped_tag_limit_let_two_runs_at_a_time(queued):
    moments = sorted(
        [(r.start_time, 1) for r in queued.runs] + [(r.end_time, -1) for r in queued.runs],
        key=lambda m: (m[0], m[1]),  # an end before a start at the same instant
    )
    running, most = 0, 0
    for _, step in moments:
        running += step
        most = max(most, running)
    assert most == 2, [(r.start_time, r.end_time) for r in queued.runs]


def test_the_raw_and_analytics_tables_are_materialized_in_postgres(queued):
    assert queued.materialized == {key: set(DATES) for key in FOUNDATION}
