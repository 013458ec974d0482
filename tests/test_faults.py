"""Faults: transient source errors are retried, deterministic failures are not."""

from __future__ import annotations

from collections import Counter

import dagster as dg

from nba_assets import keys
from nba_assets.definitions import defs
from nba_assets.jobs import all_tables_job
from resources import raw_source as files
from resources.raw_source import RawSource
from resources.warehouse import WarehouseDuckDBIOManager
from test_pipeline import D1, latest_evaluation, materialized

FAILURES: Counter = Counter()


class FlakyRawSource(RawSource):
    """The real raw folder, behind a filesystem that fails the first ``fail_times`` reads of the
    player box scores with an I/O error (the fault is injected; the reading is real)."""

    fail_times: int = 2

    def frame(self, spec):
        if spec is files.PLAYER_BOXSCORES and FAILURES[self.raw_dir] < self.fail_times:
            FAILURES[self.raw_dir] += 1
            try:
                raise OSError(5, "Input/output error")
            except OSError as exc:
                raise files.TransientSourceError(f"{self.path(spec)}: could not read ({exc})") from exc
        return super().frame(spec)


def _run(instance, warehouse: str, source: RawSource) -> dg.ExecuteInProcessResult:
    local = dg.Definitions(assets=list(defs.assets), asset_checks=list(defs.asset_checks), jobs=[all_tables_job],
                           resources={"io_manager": WarehouseDuckDBIOManager(database=warehouse), "raw_source": source},
                           executor=dg.in_process_executor)
    return local.resolve_job_def("all_tables").execute_in_process(
        instance=instance, partition_key=D1, raise_on_error=False, asset_selection=[keys.PLAYER_BOXSCORES])


def test_a_source_that_fails_twice_then_succeeds_is_retried(instance, tmp_path):
    from resources.raw_source import default_raw_dir

    FAILURES.clear()
    result = _run(instance, str(tmp_path / "w.duckdb"), FlakyRawSource(raw_dir=default_raw_dir()))
    assert result.success
    assert FAILURES[default_raw_dir()] == 2
    retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert len(retries) == 2
    assert materialized(result) == {keys.PLAYER_BOXSCORES: {D1}}
    assert latest_evaluation(instance, dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "unique_player_games"), D1).passed


def test_a_source_that_keeps_failing_gives_up_after_the_retries(instance, tmp_path):
    from resources.raw_source import SOURCE_RETRIES, default_raw_dir

    FAILURES.clear()
    result = _run(instance, str(tmp_path / "w.duckdb"), FlakyRawSource(raw_dir=default_raw_dir(), fail_times=99))
    assert not result.success
    assert FAILURES[default_raw_dir()] == SOURCE_RETRIES + 1
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "Input/output error" in str(failure.event_specific_data.error.to_string())


def test_bad_content_is_not_retried(instance, tmp_path, raw_folder):
    def bad_minutes(frames):
        p = frames[files.PLAYER_BOXSCORES.name]
        p.loc[p.index[0], "min"] = "abc"

    result = _run(instance, str(tmp_path / "w.duckdb"), RawSource(raw_dir=raw_folder([D1], bad_minutes)))
    assert not result.success
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
