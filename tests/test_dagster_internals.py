"""Canary for ``resources/dagster_internals.py``, the one module that touches Dagster's private
modules and non-public storage calls. After a Dagster upgrade this file fails first, naming what
moved, before a gate or the summary misreads the instance.

Each query is asserted against a real instance: a two-date asset with a blocking per-date check
that passes on one date and fails on the other, materialized as one ranged run."""

import importlib

import dagster as dg
import pytest

from asset_checks.emit import emit_all
from asset_checks.rules import ERROR, Outcome

DATES = ["2024-01-02", "2024-01-03"]
PARTS = dg.StaticPartitionsDefinition(DATES)
KEY = dg.AssetKey(["nba_test", "table"])
SPEC = dg.AssetCheckSpec("values_ok", asset=KEY, blocking=True, partitions_def=PARTS)


def test_the_adapter_imports_what_it_needs():
    try:
        adapter = importlib.import_module("resources.dagster_internals")
    except ImportError as exc:  # a private module moved or a name was renamed
        pytest.fail(
            f"resources/dagster_internals.py no longer imports with Dagster {dg.__version__}: "
            f"{exc}; "
            "find the new location of the name and change only that module"
        )
    missing = [name for name in adapter.__all__ if not hasattr(adapter, name)]
    assert not missing, f"resources/dagster_internals.py lost {missing}"


@dg.asset(
    key=KEY,
    partitions_def=PARTS,
    check_specs=[SPEC],
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def _table(context: dg.AssetExecutionContext):
    yield dg.MaterializeResult()
    outcomes = {
        DATES[0]: Outcome(True, ERROR, "fine", {}),
        DATES[1]: Outcome(False, ERROR, "bad value on 01-03", {}),
    }
    yield from emit_all(context, {"values_ok": SPEC}, {"values_ok": outcomes}, held_back={})


@pytest.fixture(scope="module")
def instance():
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [_table],
            instance=instance,
            raise_on_error=False,
            tags={
                "dagster/asset_partition_range_start": DATES[0],
                "dagster/asset_partition_range_end": DATES[1],
            },
        )
        assert result.success
        yield instance


def test_materializations_by_date(instance):
    from resources.dagster_internals import (
        latest_materialization_ids,
        latest_materialization_records,
    )

    ids = latest_materialization_ids(instance, KEY, DATES + ["2024-01-04"])
    assert sorted(ids) == DATES and all(isinstance(v, int) for v in ids.values())
    assert latest_materialization_ids(instance, KEY, []) == {}  # never "every partition"
    records = latest_materialization_records(instance, KEY, DATES)
    assert {d: r.storage_id for d, r in records.items()} == ids


def test_check_status_per_date_targets_the_materialization(instance):
    from resources.dagster_internals import (
        FAILED,
        SUCCEEDED,
        check_statuses,
        latest_materialization_ids,
    )

    ids = latest_materialization_ids(instance, KEY, DATES)
    statuses = check_statuses(instance, [SPEC.key], DATES)
    assert {d: s.status for (_, d), s in statuses.items()} == {
        DATES[0]: SUCCEEDED,
        DATES[1]: FAILED,
    }
    assert {d: s.target_storage_id for (_, d), s in statuses.items()} == ids


def test_latest_evaluation_per_date_and_overall(instance):
    from resources.dagster_internals import latest_check_evaluation

    run_id, failed = latest_check_evaluation(instance, SPEC.key, DATES[1])
    assert run_id and not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.description == "bad value on 01-03"
    assert latest_check_evaluation(instance, SPEC.key, DATES[0])[1].passed
    assert latest_check_evaluation(instance, dg.AssetCheckKey(KEY, "never_ran")) == (None, None)


def test_the_ui_state_per_date(instance):
    from resources.dagster_internals import check_state_by_date

    state = check_state_by_date(instance, SPEC.key, PARTS)
    assert state == {DATES[0]: "SUCCEEDED", DATES[1]: "FAILED"}
