"""Command-line backfill: materialize every table over a date range, as Dagster runs recorded
in the instance (``DAGSTER_HOME``), exactly as the UI's "Materialize" over a range would.

The raw folder's game dates are first added as partitions. Then, per stage, the range runs as
ranged runs (``BackfillPolicy.single_run``) over parts of whole seasons in parallel processes:
the raw and analytics tables first, then the pre-game tables and feature rows (the feature rows
read every earlier season, which another part may still be writing). Pre-game and regression
windows stay inside their season, so no part reads a date another part is writing and no result
depends on timing. A date whose checks fail with ERROR is held back alone by the gate of every
table below it; every other date builds in the same runs. Exit status: 0 when the graph ran to
the end, with the held-back dates listed, and 1 only when something could not run (bad input of
a whole file, a crash).

The UI lists it like a backfill of its own: every run is created with the code location's origin
(under its job, on the overview timeline) and tagged with one backfill id, and once the command
ends the Backfills tab has that backfill with each asset's targeted, materialized and failed dates
(a held-back date counts as failed). It is stored only when finished, so a running daemon never
takes it for a request. The runs execute in this command's processes, not through the run queue:
the queue's tag limits do not apply to them. The terminal shows a progress bar per stage (a line
per stage when it is not a terminal); Dagster's event log goes to
``$DAGSTER_HOME/logs/nba-backfill-<id>.log``, named in the summary.

Then the model: ``points_model`` brings its walk-forward versions up to the as-of date once every
date is built, unless its latest materialization already has them (``--model auto``: versions
whose rows did not change are reused, so this costs the new versions only), always (``--model
train``) or never (``--model keep``), on the dates whose feature rows are readable; with one
season of data it reports "model not trained: needs an earlier season".
``player_points_predictions`` is built for the range (every built date after a training) by the
walk-forward versions, unless the model's blocking checks failed, with its edges against the prop
lines; ``prediction_results`` and ``prop_results`` grade the final dates, and
``market_evaluation`` sums up the model against the market.

    nba-backfill [--start D] [--end D] [--as-of D] [--workers N] [--model auto|train|keep]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import dagster as dg

from basketball.calendar import season_of
from nba_assets import keys as asset_keys
from nba_assets.definitions import RESOURCES, defs
from nba_assets.gating import UpstreamCheckFailed
from nba_assets.partitions import (
    AS_OF_TAG,
    RANGE_END,
    RANGE_START,
    known_dates,
    register_game_dates,
    today,
)
from nba_assets.progress import BackfillProgress, event_log_config
from nba_assets.summary import held_back_partitions, print_summary
from resources.dagster_internals import (
    CodeLocation,
    execute_job_run,
    latest_materialization_ids,
    new_backfill_id,
    record_backfill,
)

PID_TAG = "nba/pid"
BACKFILL_TAG = "dagster/backfill"  # Dagster's own tag: the Backfills tab lists the run under its id
PARTITION_TAG = "dagster/partition"
AS_OF_ENV = "NBA_AS_OF"
BACKFILL_ENV = "NBA_BACKFILL_ID"  # the worker processes' runs carry these too (``_tags``)
EVENT_LOG_ENV = "NBA_EVENT_LOG"
LOCATION_NAME = "nba"  # workspace.yaml's location_name: the UI lists the runs under its jobs
MIN_KEYS_PER_WORKER = 60  # below this a second process costs more than it saves
OUTCOMES = (
    UpstreamCheckFailed.__name__,
    "DagsterAssetCheckFailedError",
)  # a held-back date, not a crash


@dataclass
class BackfillReport:
    keys: list[str]
    as_of: str = ""
    backfill_id: str = ""
    log_path: str = ""
    all_keys: list[str] = field(default_factory=list)
    targeted: dict[dg.AssetKey, set[str | None]] = field(default_factory=dict)
    held: dict[str, tuple[list[str], str]] = field(default_factory=dict)  # date -> tables, why
    materialized: dict[dg.AssetKey, set[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    runs: int = 0
    seconds: float = 0.0

    @property
    def ran_to_end(self) -> bool:
        return not self.errors


def spans(keys: list[str], all_keys: list[str]) -> list[tuple[str, str]]:
    """Contiguous runs of ``keys`` within the partition order ``all_keys``."""
    position = {k: i for i, k in enumerate(all_keys)}
    out: list[list[str]] = []
    for key in sorted(keys, key=position.__getitem__):
        if out and position[key] == position[out[-1][-1]] + 1:
            out[-1].append(key)
        else:
            out.append([key])
    return [(s[0], s[-1]) for s in out]


def _tags() -> dict[str, str]:
    """Every run's tags: made by this command (and process), the backfill it belongs to, and the
    as-of date it ran for."""
    return {
        "nba/backfill": "cli",
        PID_TAG: str(os.getpid()),
        AS_OF_TAG: os.environ[AS_OF_ENV],
        BACKFILL_TAG: os.environ[BACKFILL_ENV],
    }


def _location() -> CodeLocation:
    return CodeLocation("nba_assets.definitions", "defs", LOCATION_NAME, os.getcwd())


def _launch(job, instance, tags: dict[str, str], assets=None):
    """One run in this process, as the UI would have created it (under its job, with the
    location's origin), its events going to the backfill's event file only."""
    config = event_log_config(os.environ[EVENT_LOG_ENV])
    return execute_job_run(instance, _location(), job, tags, assets, run_config=config)


def default_as_of(played: list[date]) -> str:
    """The day after the last date with final results: "today" for the folder's data."""
    return (max(played) + timedelta(days=1)).isoformat() if played else today().isoformat()


def _run(job, instance, first: str, last: str, selection):
    """One run of ``job`` over ``selection`` (None: the whole job) and its checks: a single
    partition when ``first == last``, else the range as one run."""
    tags = _tags()
    span = {PARTITION_TAG: first} if first == last else {RANGE_START: first, RANGE_END: last}
    assets = set(selection) if selection is not None else None
    return _launch(job, instance, {**tags, **span}, assets)


def _target(report: BackfillReport, assets, first: str | None = None, last: str | None = None):
    """Note what a run is asked to build (``first`` None: unpartitioned), for the backfill's
    per-asset progress in the UI."""
    keys = {None} if first is None else {k for k in report.all_keys if first <= k <= last}
    for asset in assets:
        report.targeted.setdefault(asset, set()).update(keys)


def _record(report: BackfillReport, result: dg.ExecuteInProcessResult) -> None:
    report.runs += 1
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        report.materialized.setdefault(mat.asset_key, set()).add(mat.partition)
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        error = event.event_specific_data.error
        causes = [error] + ([error.cause] if error.cause else [])
        if any(c.cls_name in OUTCOMES for c in causes):
            continue
        report.errors.append(f"run {result.run_id[:8]} step {event.step_key}: {_message(error)}")


def _chunk(first: str, last: str, selection: list[str]) -> tuple[dict[str, set[str]], list[str]]:
    """One ranged run of ``selection`` in a worker process, against the same instance and
    warehouse."""
    report = BackfillReport(keys=[])
    with dg.DagsterInstance.get() as instance:
        job = defs.resolve_job_def("all_tables")
        assets = [dg.AssetKey.from_user_string(k) for k in selection]
        _record(report, _run(job, instance, first, last, assets))
    return {k.to_user_string(): v for k, v in report.materialized.items()}, report.errors


def stages(order: list[dg.AssetKey]) -> list[list[dg.AssetKey]]:
    """Assets in the order parallel chunks may build them: pre-game tables read a whole season of
    history, which another chunk may still be writing, so they wait until the tables below are
    complete for every date."""
    graph = defs.resolve_asset_graph()
    pre: list[dg.AssetKey] = []
    for k in order:  # toposorted: a table below a pre-game one (the prop lines' consensus) waits
        node = graph.get(k)
        if node.group_name in (asset_keys.PRECOMPUTE, asset_keys.ML) or set(pre) & node.parent_keys:
            pre.append(k)
    return [s for s in ([k for k in order if k not in pre], pre) if s]


STAGE_NAMES = ("raw + analytics tables", "pre-game tables")


def _stage_runs(
    report: BackfillReport,
    instance: dg.DagsterInstance,
    job,
    order: list[dg.AssetKey],
    keys: list[str],
    workers: int,
    progress: BackfillProgress,
) -> None:
    """Each stage over ``keys``: one ranged run, or ``workers`` contiguous ranged runs in parallel
    processes."""
    chunks = season_chunks(keys, max(1, min(workers, len(keys) // MIN_KEYS_PER_WORKER)))
    if len(chunks) == 1:
        _target(report, order, keys[0], keys[-1])
        with progress.stage("tables", order, keys):
            _record(report, _run(job, instance, keys[0], keys[-1], order))
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for name, stage in zip(STAGE_NAMES, stages(order), strict=False):
            for first, last in chunks:
                _target(report, stage, first, last)
            selection = [[k.to_user_string() for k in stage]] * len(chunks)
            with progress.stage(name, stage, keys):
                _collect(report, pool.map(_chunk, *zip(*chunks, strict=True), selection))
            if report.errors:
                return


def season_chunks(keys: list[str], parts: int) -> list[tuple[str, str]]:
    """``keys`` as up to ``parts`` contiguous (first, last) spans of whole seasons, as even as
    the seasons allow: a pre-game window and a regression window never leave their season, so no
    part reads dates another part is still writing."""
    seasons: list[list[str]] = []
    for key in keys:
        if seasons and season_of(seasons[-1][-1]) == season_of(key):
            seasons[-1].append(key)
        else:
            seasons.append([key])
    offsets = [sum(len(s) for s in seasons[:j]) for j in range(len(seasons) + 1)]
    cuts = sorted(
        {
            min(range(1, len(seasons)), key=lambda j: abs(offsets[j] - i * len(keys) / parts))
            for i in range(1, parts)
        }
        if len(seasons) > 1
        else set()
    )
    bounds = [0, *cuts, len(seasons)]
    chunks = [
        [k for season in seasons[a:b] for k in season]
        for a, b in zip(bounds, bounds[1:], strict=False)
    ]
    return [(c[0], c[-1]) for c in chunks if c]


def _collect(report: BackfillReport, results) -> None:
    for materialized, errors in results:
        report.runs += 1
        report.errors.extend(errors)
        for key, partitions in materialized.items():
            report.materialized.setdefault(dg.AssetKey.from_user_string(key), set()).update(
                partitions
            )


def mark_killed_runs_failed(instance: dg.DagsterInstance) -> list[str]:
    """Runs of this command left STARTED by a process that no longer exists (killed): failed."""
    failed = []
    for run in instance.get_runs(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED], tags={"nba/backfill": "cli"})
    ):
        pid = int(run.tags.get(PID_TAG, "0") or 0)
        if pid and not _alive(pid):
            instance.report_run_failed(run, f"its process (PID {pid}) is gone: killed or crashed")
            failed.append(run.run_id)
    return failed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def backfill(
    instance: dg.DagsterInstance,
    start: str | None = None,
    end: str | None = None,
    workers: int = 1,
    model: str = "auto",
    as_of: str | None = None,
) -> BackfillReport:
    raw = RESOURCES["raw_source"]
    as_of = as_of or default_as_of(raw.played_dates())
    backfill_id = new_backfill_id()
    log_path = Path(instance.root_directory) / "logs" / f"nba-backfill-{backfill_id}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # the worker processes' runs carry these too (``_tags``, ``_launch``)
    os.environ.update({AS_OF_ENV: as_of, BACKFILL_ENV: backfill_id, EVENT_LOG_ENV: str(log_path)})
    register_game_dates(instance, raw.game_dates(date.fromisoformat(as_of)))
    killed = mark_killed_runs_failed(instance)
    all_keys = [k for k in known_dates(instance) if k <= as_of]
    end = min(end or as_of, as_of)
    keys = [k for k in all_keys if (start is None or k >= start) and k <= end]
    report = BackfillReport(
        keys=keys, as_of=as_of, backfill_id=backfill_id, log_path=str(log_path), all_keys=all_keys
    )
    if killed:
        report.notes.append(f"{len(killed)} run(s) left STARTED by a killed process marked failed")
    if not keys:
        return report
    job = defs.resolve_job_def("all_tables")
    graph = defs.resolve_asset_graph()
    order = [k for k in graph.toposorted_asset_keys if k in job.asset_layer.executable_asset_keys]
    started, wall = time.perf_counter(), time.time()
    with BackfillProgress(log_path) as progress:
        _stage_runs(report, instance, job, order, keys, workers, progress)
        refreshed = (
            _refresh_later_windows(report, instance, job, order, all_keys, progress)
            if not report.errors
            else []
        )
        if not report.errors:
            _model_and_predictions(
                report, instance, all_keys, sorted(set(keys) | set(refreshed)), model, progress
            )
    report.seconds = time.perf_counter() - started
    report.held = held_back_partitions(instance, keys)
    built = {  # a held-back date is written empty: the UI counts it failed, as the summary does
        asset: {p for p in parts if asset.to_user_string() not in report.held.get(p, ((),))[0]}
        for asset, parts in report.materialized.items()
    }
    record_backfill(
        instance,
        backfill_id,
        graph,
        report.targeted,
        built,
        tags=_tags(),
        started=wall,
        ended=time.time(),
        title=f"nba-backfill {keys[0]}..{keys[-1]}",
        description=f"nba-backfill as of {as_of}: {len(keys)} dates, {report.runs} runs",
    )
    return report


def later_window_keys(range_keys: list[str], all_keys: list[str]) -> list[str]:
    """Dates after the range whose pre-game window contains part of it: the rest of the season
    of the range's last date."""
    last = range_keys[-1]
    return [k for k in all_keys if k > last and season_of(k) == season_of(last)]


def _refresh_later_windows(
    report: BackfillReport, instance: dg.DagsterInstance, job, order, all_keys, progress
) -> list[str]:
    """Rebuild the already-built pre-game dates after the range whose window reads the range
    (never-built dates stay unbuilt)."""
    later = later_window_keys(report.keys, all_keys)
    layers = stages(order)
    pre = layers[-1] if len(layers) > 1 else []
    if not later or not pre:
        return []
    stale = set()
    for asset in pre:
        stale |= set(latest_materialization_ids(instance, asset, later))
    refreshed = sorted(k for k in stale if k in later)
    if not refreshed:
        return []
    with progress.stage("later pre-game windows", pre, refreshed):
        for first, last in spans(refreshed, all_keys):
            _target(report, pre, first, last)
            _record(report, _run(job, instance, first, last, pre))
    return refreshed


def _model_and_predictions(
    report: BackfillReport,
    instance: dg.DagsterInstance,
    all_keys: list[str],
    predict_keys: list[str],
    model: str,
    progress: BackfillProgress,
) -> None:
    built = set(latest_materialization_ids(instance, asset_keys.FEATURE_ROWS, all_keys))
    event = instance.get_latest_materialization_event(asset_keys.POINTS_MODEL)
    if model == "keep" and event is None:
        report.notes.append("no points model yet (--model keep): predictions not built")
        return
    if model == "train" or (model == "auto" and not _up_to(event, report.as_of)):
        missing = [k for k in all_keys if k not in built]
        if missing:
            report.notes.append(
                f"points model not trained: feature_rows never built for {len(missing)} dates "
                f"({missing[0]} ..); backfill every date first"
            )
            return
        train = defs.resolve_job_def("train_points_model")
        _target(report, [asset_keys.POINTS_MODEL])
        with progress.stage("points model (walk-forward)", [asset_keys.POINTS_MODEL], ["-"]):
            result = _launch(train, instance, _tags())
        _record(report, result)
        if not result.success:
            report.notes.append(_failure_message(result))
            return
        predict_keys = sorted(built)
    if report.errors:
        return
    job = defs.resolve_job_def("predict_points")
    targets = [k for k in predict_keys if k in built]
    assets = sorted(job.asset_layer.executable_asset_keys)
    with progress.stage("predictions and grading", assets, targets):
        for first, last in spans(targets, all_keys):
            _target(report, assets, first, last)
            result = _run(job, instance, first, last, None)
            _record(report, result)
            if not result.success:
                report.notes.append(
                    f"player_points_predictions {first}..{last} not built: "
                    + _failure_message(result)
                )
    evaluate = defs.resolve_job_def("evaluate_market")
    _target(report, [asset_keys.MARKET_EVALUATION])
    with progress.stage("model against the market", [asset_keys.MARKET_EVALUATION], ["-"]):
        result = _launch(evaluate, instance, _tags())  # over every graded date
    _record(report, result)
    if not result.success:
        report.notes.append("market_evaluation not built: " + _failure_message(result))


def _up_to(event, as_of: str) -> bool:
    """The latest model materialization has the walk-forward versions up to ``as_of``."""
    metadata = event.asset_materialization.metadata if event is not None else {}
    return (
        "walk_forward" in metadata
        and metadata.get("as_of", None) is not None
        and (metadata["as_of"].value == as_of)
    )


def _message(error) -> str:
    """A step failure's own message (the user code's exception, not Dagster's wrapper); a
    ``UpstreamCheckFailed`` without its class name, since it reads as a sentence."""
    cause = error.cause or error
    message = cause.message.strip()
    if cause.cls_name == UpstreamCheckFailed.__name__:
        message = message.split(": ", 1)[-1]
    return message


def _failure_message(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            return _message(event.event_specific_data.error).splitlines()[0]
    return "run failed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--start", help="first partition (YYYY-MM-DD); default: the first game date"
    )
    parser.add_argument(
        "--end", help="last partition (YYYY-MM-DD); default: the as-of date (today's slate)"
    )
    parser.add_argument(
        "--as-of",
        help="the run's today (YYYY-MM-DD): partitions up to it, its games predicted as tonight's "
        "slate; default: the day after the last date with final results",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="parallel ranged runs over contiguous parts of the range (default: CPU count)",
    )
    parser.add_argument(
        "--model",
        choices=("auto", "train", "keep"),
        default="auto",
        help="train the points model if never trained (auto), always (train) or never (keep); then "
        "predict the range with the current model",
    )
    args = parser.parse_args(argv)
    with dg.DagsterInstance.get() as instance:
        report = backfill(instance, args.start, args.end, args.workers, args.model, args.as_of)
        print_summary(instance, report)
    return 0 if report.ran_to_end else 1


if __name__ == "__main__":
    sys.exit(main())
