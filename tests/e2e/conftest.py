"""Harness for the end-to-end browser test: a real ``dagster dev`` and a headless Chromium.

``dagster_dev`` starts ``dagster dev -w workspace.yaml`` from the project folder against a
temporary instance (a copy of ``dagster_home/dagster.yaml``), a temporary DuckDB warehouse and
model folder, and a small raw folder of real game dates (``write_raw_folder``), so the
partitions are exactly those dates (registered in the instance before the server starts, as
the ``game_dates`` sensor would add them). The server runs in
its own session/process group, with default SIGINT/SIGTERM handlers restored before the exec
(``dagster dev`` started from a background process otherwise ignores both), and the finalizer
stops the whole group, then kills any process still carrying this test's environment marker
(run workers, code servers), so nothing outlives the test, pass or fail.

``browser`` is a headless Chromium driven by Selenium. It is skipped, with the reason, when
Chromium or chromedriver is missing, unless ``NBA_E2E_REQUIRE_BROWSER=1`` (``scripts/e2e.sh``
sets it) turns the skip into a failure: a skipped e2e test is not a passing one.

Screenshots and the server log go to ``artifacts/e2e/`` (``NBA_E2E_ARTIFACTS`` overrides), which
is emptied of earlier screenshots at the start; a failing test also leaves ``failure.png``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import dagster as dg
import pytest

from nba_assets.partitions import register_game_dates

from helpers import (
    write_raw_folder,
)  # tests/helpers.py (tests/ is on sys.path: e2e is a package below it)

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("NBA_E2E_ARTIFACTS") or PROJECT / "artifacts" / "e2e")
DATES = ["2023-11-01", "2023-11-02", "2023-11-03", "2023-11-04"]  # real game dates, 4 partitions
MARKER = "NBA_E2E_PROCESS_TOKEN"  # env var set on dagster dev; inherited by every child it starts
SERVER_START_TIMEOUT = 150.0

# Restores default signal handlers, then becomes `dagster dev` (same pid, so same process group).
_WRAPPER = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
)


def pytest_runtest_makereport(item, call):
    """Expose each phase's outcome to fixtures (``request.node.e2e_failed``) for failure
    screenshots."""
    if call.excinfo is not None and call.when == "call":
        item.e2e_failed = True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pids_with_marker(token: str) -> list[int]:
    """Live processes whose environment holds ``MARKER=token``: everything this test started."""
    needle = f"{MARKER}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                continue  # exited, waiting to be reaped: not running
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@dataclass
class DagsterDev:
    url: str
    process: subprocess.Popen
    log: Path
    home: Path
    warehouse: Path
    raw_dir: Path
    dates: list[str]

    def gql(self, query: str, variables: dict | None = None, timeout: float = 60.0) -> dict:
        """POST to the webserver's own GraphQL endpoint; raises on transport or GraphQL errors."""
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        req = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            payload = json.load(resp)
        if payload.get("errors"):
            raise AssertionError(f"GraphQL errors: {payload['errors']}")
        return payload["data"]

    def log_tail(self, n: int = 60) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        noise = (
            "Warning",
            "warnings.warn",
            "return fn(*args",
            "return dg.AssetCheckSpec",
            "SEASON_HISTORY = ",
        )
        return (
            "\n".join(line for line in lines if not any(s in line for s in noise))[-6000:]
            if lines
            else "(empty log)"
        )


def _wait_until_loaded(dev: DagsterDev, deadline: float) -> None:
    """``/server_info`` answers, then the code location ``nba`` is LOADED (a load error fails at
    once)."""
    query = """{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus
                 locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
    last = "no answer yet"
    while time.monotonic() < deadline:
        if dev.process.poll() is not None:
            pytest.fail(
                f"dagster dev exited with code {dev.process.returncode} before it was ready:\n"
                f"{dev.log_tail()}"
            )
        try:
            with urllib.request.urlopen(f"{dev.url}/server_info", timeout=5):
                pass
            entries = dev.gql(query, timeout=10)["workspaceOrError"].get("locationEntries") or []
            for entry in entries:
                loaded = entry["locationOrLoadError"] or {}
                if loaded.get("__typename") == "PythonError":
                    pytest.fail(
                        f"code location {entry['name']} failed to load: {loaded['message']}"
                    )
                if (
                    entry["loadStatus"] == "LOADED"
                    and loaded.get("__typename") == "RepositoryLocation"
                ):
                    return
            last = f"locations: {entries}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            last = repr(exc)
        time.sleep(1.0)
    pytest.fail(
        f"dagster dev not ready after {SERVER_START_TIMEOUT:.0f} s ({last}):\n{dev.log_tail()}"
    )


def _stop(process: subprocess.Popen, token: str, log) -> None:
    """SIGTERM the process group, wait, SIGKILL the group, then kill marked stragglers by pid."""
    try:
        pgid = os.getpgid(process.pid)
    except ProcessLookupError:
        pgid = None
    if pgid is not None:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _pids_with_marker(token):
            time.sleep(0.5)
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    # A run worker that left the group, or one the daemon launched while the group was stopping.
    # SIGKILL is asynchronous: keep killing until /proc no longer lists a marked live process.
    deadline = time.monotonic() + 15
    while (left := _pids_with_marker(token)) and time.monotonic() < deadline:
        for pid in left:
            log.write(f"\n[e2e harness] killing leftover process {pid}\n")
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session", autouse=True)
def teardown_on_signals():
    """SIGTERM (a CI timeout) or SIGINT, even when inherited as ignored by a background job, become
    KeyboardInterrupt, so pytest still runs the finalizers that stop the server and the browser."""
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in previous.items():
        signal.signal(sig, handler)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in [*ARTIFACTS.glob("*.png"), *ARTIFACTS.glob("*.log")]:
        old.unlink()
    return ARTIFACTS


@contextmanager
def open_instance(home: Path) -> Iterator[dg.DagsterInstance]:
    """The instance of ``home`` (its event log storage finds its files from DAGSTER_HOME)."""
    with pytest.MonkeyPatch.context() as env_patch:
        env_patch.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.from_config(str(home)) as instance:
            yield instance


def start_dev(
    root: Path, raw_dir: Path, dates: list[str], log_path: Path
) -> tuple[DagsterDev, str, IO]:
    """``dagster dev`` on 127.0.0.1 over ``raw_dir``, with a fresh instance, warehouse and model
    folder under ``root`` and ``dates`` registered (no wait for the game_dates sensor).
    Returns (server, the process marker token, the open log file)."""
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    with open_instance(home) as instance:
        register_game_dates(instance, dates)
    port, token = _free_port(), uuid.uuid4().hex
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NBA_MODEL_BUCKET", "GCP_PROJECT", "GCP_CREDENTIALS", "DAGSTER_GRPC_PORT")
    }
    env.update(
        {
            "DAGSTER_HOME": str(home),
            "NBA_RAW_DIR": str(raw_dir),
            "NBA_DUCKDB_PATH": str(root / "warehouse.duckdb"),
            "NBA_MODEL_DIR": str(root / "models"),
            "NBA_DEPLOYMENT": "local",
            "PYTHONUNBUFFERED": "1",
            MARKER: token,
        }
    )
    log = open(log_path, "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _WRAPPER,
            str(Path(sys.executable).parent / "dagster"),
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=PROJECT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return (
        DagsterDev(
            url=f"http://127.0.0.1:{port}",
            process=process,
            log=log_path,
            home=home,
            warehouse=root / "warehouse.duckdb",
            raw_dir=raw_dir,
            dates=dates,
        ),
        token,
        log,
    )


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory, artifacts, browser_paths) -> Iterator[DagsterDev]:
    """The running server (``browser_paths`` first: no server is started when the test would
    skip)."""
    root = tmp_path_factory.mktemp("e2e")
    dev, token, log = start_dev(
        root, Path(write_raw_folder(root / "raw", DATES)), DATES, artifacts / "dagster-dev.log"
    )
    process = dev.process
    try:
        _wait_until_loaded(dev, time.monotonic() + SERVER_START_TIMEOUT)
        dev.gql("mutation { setNuxSeen }")  # no "Join the Dagster community" modal over the pages
        yield dev
    finally:
        _stop(process, token, log)
        log.close()
        left = _pids_with_marker(token)
        assert not left, f"processes still running after teardown: {left}"


def _browser_paths() -> tuple[str | None, str | None]:
    """(chromium, chromedriver): ``CHROME_BIN`` / ``CHROMEDRIVER`` if set, else found on PATH."""

    def executable(path: str | None) -> str | None:
        return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None

    chrome = (
        executable(os.environ["CHROME_BIN"])
        if os.environ.get("CHROME_BIN")
        else next(
            (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
            None,
        )
    )
    driver = (
        executable(os.environ["CHROMEDRIVER"])
        if os.environ.get("CHROMEDRIVER")
        else shutil.which("chromedriver")
    )
    return chrome, driver


@pytest.fixture(scope="module")
def browser_paths() -> tuple[str, str]:
    """(chromium, chromedriver); skip (not pass) when either is missing, fail if required."""
    chrome, driver = _browser_paths()
    missing = [name for name, path in (("chromium", chrome), ("chromedriver", driver)) if not path]
    if missing:
        reason = (
            f"{' and '.join(missing)} not found "
            "(apt-get install -y chromium chromium-driver, or set "
            f"CHROME_BIN / CHROMEDRIVER): the browser test did NOT run"
        )
        if os.environ.get("NBA_E2E_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    if importlib.util.find_spec("selenium") is None:
        pytest.fail(
            "selenium is not installed in this venv: .venv/bin/pip install -e '.[e2e]' "
            "(or pip install selenium)"
        )
    return chrome, driver


@pytest.fixture
def browser(request, browser_paths, artifacts):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chrome, driver_path = browser_paths
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1920,1500",
        "--lang=en-US",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        if getattr(request.node, "e2e_failed", False):
            try:
                driver.save_screenshot(str(artifacts / "failure.png"))
                (artifacts / "failure-page.log").write_text(
                    f"{driver.current_url}\n\n{driver.page_source}"
                )
            except Exception:  # noqa: BLE001 - best effort, the test failure is what matters
                pass
        driver.quit()
