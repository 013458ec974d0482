"""A throwaway PostgreSQL server and a ``DAGSTER_HOME`` on it, for the test of ``deploy/`` storage
(``tests/e2e/test_postgres_instance.py``) and the PostgreSQL benchmark
(``benchmarks/postgres_benchmark.py``), so both run the shipped instance config on a real server.

The server is Debian's own (``/usr/lib/postgresql/*/bin``, package ``postgresql``), run by
``initdb``/``pg_ctl`` in a temporary folder. Those refuse to run as root, so under root they run as
the ``postgres`` user (``nobody`` when there is none) with a folder that user owns. It listens on
127.0.0.1 and a free port only (no Unix socket), with password authentication, and is stopped and
deleted on exit. ``MISSING`` is the message to fail with when the binaries are absent.

``deploy_home`` writes ``deploy/dagster.yaml`` as shipped (storage, queue, retries, concurrency)
with the server's port and Dagster's ``DefaultRunLauncher`` in place of the Kubernetes one.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
DEPLOY_YAML = PROJECT / "deploy" / "dagster.yaml"
MISSING = (
    "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
    "apt-get install -y postgresql (.ci/run does it)"
)
DEFAULT_LAUNCHER = {"module": "dagster", "class": "DefaultRunLauncher"}


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    return max(found, key=lambda p: int(p.parent.name)) if found else None


@dataclass(frozen=True)
class LocalPostgres:
    port: int
    password: str
    user: str = "dagster"
    db_name: str = "dagster"
    host: str = "127.0.0.1"

    def env(self) -> dict[str, str]:
        """The ``DAGSTER_PG_*`` variables ``deploy/dagster.yaml`` reads."""
        return {
            "DAGSTER_PG_HOST": self.host,
            "DAGSTER_PG_USER": self.user,
            "DAGSTER_PG_PASSWORD": self.password,
            "DAGSTER_PG_DB": self.db_name,
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(command: list[str], **kwargs) -> None:
    """Run a PostgreSQL command; its own output is the error when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def _server_user() -> str | None:
    """Who runs the server: None (this user) unless root, else ``postgres`` or ``nobody``."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


@contextmanager
def local_postgres() -> Iterator[LocalPostgres]:
    """A running server with an empty database ``dagster``; stopped and deleted on exit."""
    bin_dir = pg_bin()
    if bin_dir is None:
        raise RuntimeError(MISSING)
    user = _server_user()
    as_user = ["runuser", "-u", user, "--"] if user else []
    folder = Path(tempfile.mkdtemp(prefix="nba-pg-"))
    pg = LocalPostgres(port=_free_port(), password=secrets.token_hex(16))
    (folder / "pw").write_text(pg.password)
    if user:
        shutil.chown(folder, user)
        shutil.chown(folder / "pw", user)
    data, log = folder / "data", folder / "server.log"
    options = f"-c listen_addresses={pg.host} -c port={pg.port} -c unix_socket_directories=''"
    try:
        _run(
            [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", pg.user, "-E", "UTF8"]
            + ["--auth=scram-sha-256", f"--pwfile={folder / 'pw'}", "--no-sync"]
        )
        _run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w"]
            + ["-o", options, "start"]
        )
        try:
            _run(
                [str(bin_dir / "createdb"), "-h", pg.host, "-p", str(pg.port), "-U", pg.user]
                + [pg.db_name],
                env={**os.environ, "PGPASSWORD": pg.password},
            )
            yield pg
        finally:
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def deploy_home(home: Path, pg: LocalPostgres) -> Path:
    """``home`` (created) holding the shipped deploy config on ``pg``, with the default launcher."""
    config = yaml.safe_load(DEPLOY_YAML.read_text())
    for storage in ("run_storage", "event_log_storage", "schedule_storage"):
        config[storage]["config"]["postgres_db"] = {
            **config[storage]["config"]["postgres_db"],
            "port": pg.port,
        }
    config["run_launcher"] = DEFAULT_LAUNCHER
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return home
