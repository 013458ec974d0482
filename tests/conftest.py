"""Shared fixtures for the pipeline integration tests.

Every run uses a real Dagster instance (``dg.instance_for_test``, a temp directory) and a
temp DuckDB file; the raw folder is the real one (``default_raw_dir()``, read-only) or a small
copy of a few dates written to ``tmp_path`` and modified by the test. Resources are overridden
per run, so the environment variables read at import never point a test at a real warehouse.
The constants and helpers these fixtures are built on live in ``helpers.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg
import pytest

pytest.register_assert_rewrite(
    "helpers"
)  # its asserts report like a test's (it was part of the tests)

from helpers import Pipeline, make_resources, project_instance, write_raw_folder  # noqa: E402


@pytest.fixture
def instance():
    with project_instance() as inst:
        yield inst


@pytest.fixture
def warehouse(tmp_path) -> str:
    return str(tmp_path / "w.duckdb")


@pytest.fixture
def resources() -> Callable[..., dict]:
    """``resources(warehouse, raw_dir=REAL_RAW)`` -> resources for one run."""
    return make_resources


@pytest.fixture
def pipeline(instance, warehouse) -> Pipeline:
    return Pipeline(instance, warehouse)


@pytest.fixture
def run_range(pipeline) -> Callable[..., dg.ExecuteInProcessResult]:
    """``run_range(first, last, raw_dir=REAL_RAW, selection=None)`` on the test's instance and
    warehouse."""
    return pipeline.run


@pytest.fixture
def raw_folder(tmp_path) -> Callable[..., str]:
    """``raw_folder(dates, mutate=None, name="raw", shots=True)`` -> path of a small modified raw
    folder."""

    def make(dates: list[str], mutate=None, name: str = "raw", shots: bool = True) -> str:
        return write_raw_folder(tmp_path / name, dates, mutate, shots)

    return make
