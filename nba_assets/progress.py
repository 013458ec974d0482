"""What ``nba-backfill`` shows while it runs: one live progress bar per stage on a terminal, a plain
line per stage otherwise (CI, a file), and Dagster's event log in a file instead of the console.

Every run the command starts is configured with ``event_file`` as its only logger
(``event_log_config``), so the run's events (thousands per stage: one materialization and one
check evaluation per date) go to one file under ``$DAGSTER_HOME/logs/``, a line each, while the
instance stores them as always for the UI. The progress is read back from that same file
(``EventTail``): the worker processes need no channel of their own, and what the bar counts is
exactly what the log says was materialized.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

MATERIALIZED = "ASSET_MATERIALIZATION"
EVENT_LOGGER = "event_file"


class _EventLine(logging.Formatter):
    """One line per Dagster event: time, run, event type, step, and for a materialization the
    asset and partition (what ``EventTail`` counts), then Dagster's own message."""

    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        kind = event.event_type_value if event is not None else record.levelname
        where = ""
        if event is not None and kind == MATERIALIZED:
            where = f" {event.asset_key.to_user_string()} {event.partition or '-'}"
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created))
        run = (meta.get("run_id") or "")[:8]
        step = meta.get("step_key") or "-"
        message = (meta.get("orig_message") or record.getMessage()).replace("\n", " | ")
        return f"{stamp} {run} {kind}{where} [{step}] {message}"


@dg.logger(
    {
        "path": dg.Field(str, description="the file every run of one backfill appends to"),
        "log_level": dg.Field(str, is_required=False, default_value="DEBUG"),
    },
    description="Dagster's events, a line each, appended to a file (nba-backfill's runs).",
)
def event_file_logger(init_context) -> logging.Logger:
    config = init_context.logger_config
    log = logging.Logger(f"nba.events.{init_context.run_id}", level=config["log_level"])
    handler = logging.FileHandler(config["path"], mode="a", encoding="utf-8")
    handler.setFormatter(_EventLine())
    log.addHandler(handler)
    return log


def event_log_config(path: Path) -> dict:
    """The run config that sends a run's events to ``path`` and nowhere else (no console)."""
    return {"loggers": {EVENT_LOGGER: {"config": {"path": str(path)}}}}


class EventTail:
    """The (asset, partition) pairs materialized so far, read incrementally from the event file."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0
        self.done: set[tuple[str, str]] = set()

    def read(self) -> set[tuple[str, str]]:
        if not self.path.exists():
            return self.done
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            chunk = handle.read()
        end = chunk.rfind(b"\n") + 1  # a line still being written is read next time
        self.offset += end
        for line in chunk[:end].decode("utf-8", "replace").splitlines():
            parts = line.split(" ", 5)
            if len(parts) > 4 and parts[2] == MATERIALIZED:
                self.done.add((parts[3], parts[4]))
        return self.done


class BackfillProgress:
    """A stage's bar counts the (table, date) pairs its runs materialized out of tables x dates,
    shown as whole dates. A held-back date is written empty, so it counts: the summary names it.
    Not a terminal: one line per stage as it ends."""

    def __init__(self, log_path: Path, stream=None):
        self.stream = stream or sys.stderr
        self.tail = EventTail(log_path)
        self.live = self.stream.isatty()
        self.progress = Progress(
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("dates"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
            disable=not self.live,
            refresh_per_second=4,
        )

    def __enter__(self) -> BackfillProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    @contextmanager
    def stage(self, name: str, assets: list[dg.AssetKey], dates: list[str]):
        """Show ``name`` while its block runs, re-reading the event file twice a second."""
        names = {a.to_user_string() for a in assets}
        wanted = set(dates)
        started = time.perf_counter()
        task = self.progress.add_task(name, total=len(dates) or 1)

        def count() -> int:
            pairs = {(a, d) for a, d in self.tail.read() if a in names and d in wanted}
            return len(pairs) // max(1, len(names))

        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(0.5):
                self.progress.update(task, completed=count())

        poller = threading.Thread(target=poll, daemon=True)
        if self.live:
            poller.start()
        try:
            yield
        finally:
            stop.set()
            if self.live:
                poller.join()
            done = count()
            self.progress.update(task, completed=done)
            if not self.live:
                print(
                    f"{name}: {done}/{len(dates)} dates, {len(names)} table(s), "
                    f"{time.perf_counter() - started:.1f} s",
                    file=self.stream,
                    flush=True,
                )
