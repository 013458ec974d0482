"""What ``nba-backfill`` prints while it runs (``nba_assets/progress.py``): Dagster's events go to
the event file only, the progress counts exactly what that file says was materialized, and off a
terminal each stage is one plain line."""

from __future__ import annotations

import io

import dagster as dg

from nba_assets.progress import BackfillProgress, EventTail, event_file_logger, event_log_config

DAYS = dg.StaticPartitionsDefinition(["2024-01-01", "2024-01-02", "2024-01-03"])


@dg.asset(partitions_def=DAYS, key_prefix="t")
def first(context) -> None:
    context.log.info(f"built {context.partition_key}")


@dg.asset(partitions_def=DAYS, key_prefix="t", deps=[first])
def second() -> None:
    return None


def _run(path, day: str) -> None:
    job = dg.Definitions(
        assets=[first, second],
        jobs=[dg.define_asset_job("both")],
        loggers={"console": dg.colored_console_logger, "event_file": event_file_logger},
    ).resolve_job_def("both")
    assert job.execute_in_process(partition_key=day, run_config=event_log_config(path)).success


def test_events_go_to_the_file_and_not_the_console(tmp_path, capfd):
    path = tmp_path / "events.log"
    _run(path, "2024-01-02")
    console = capfd.readouterr()
    assert "built 2024-01-02" not in console.out + console.err
    assert "ASSET_MATERIALIZATION" not in console.out + console.err
    lines = path.read_text().splitlines()
    assert any("built 2024-01-02" in line for line in lines)
    assert any(" ASSET_MATERIALIZATION t/second 2024-01-02 " in line for line in lines)
    assert EventTail(path).read() == {("t/first", "2024-01-02"), ("t/second", "2024-01-02")}


def test_the_tail_reads_only_new_whole_lines(tmp_path):
    path = tmp_path / "events.log"
    tail = EventTail(path)
    assert tail.read() == set()  # no file yet
    _run(path, "2024-01-01")
    assert len(tail.read()) == 2
    with path.open("a") as handle:  # a line another process is still writing
        handle.write("2024-01-01T00:00:00 abcdefgh ASSET_MATERIALIZATION t/first 2024-01-03")
    assert ("t/first", "2024-01-03") not in tail.read()
    with path.open("a") as handle:
        handle.write(" [step] done\n")
    assert ("t/first", "2024-01-03") in tail.read()


def test_off_a_terminal_each_stage_is_one_line(tmp_path):
    path = tmp_path / "events.log"
    out = io.StringIO()  # not a terminal
    assets = [dg.AssetKey(["t", "first"]), dg.AssetKey(["t", "second"])]
    with BackfillProgress(path, stream=out) as progress:
        with progress.stage("two tables", assets, DAYS.get_partition_keys()):
            _run(path, "2024-01-01")
            _run(path, "2024-01-03")
        with progress.stage("one table", assets[:1], ["2024-01-02"]):
            pass
    lines = out.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "two tables: 2/3 dates",
        "one table: 0/1 dates",
    ]
