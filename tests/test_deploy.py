"""The shared-instance config in ``deploy/`` is valid Dagster instance config."""

from pathlib import Path

from resources.dagster_internals import dagster_instance_config

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_deploy_instance_config_is_valid(monkeypatch):
    for var in (
        "DAGSTER_PG_HOST",
        "DAGSTER_PG_USER",
        "DAGSTER_PG_PASSWORD",
        "DAGSTER_PG_DB",
        "DAGSTER_K8S_NAMESPACE",
    ):
        monkeypatch.setenv(var, "x")
    config, _ = dagster_instance_config(str(DEPLOY))
    for storage in ("run_storage", "event_log_storage", "schedule_storage"):
        db = config[storage]["config"]["postgres_db"]
        assert db["hostname"] == {"env": "DAGSTER_PG_HOST"}, storage
        assert db["scheme"] == "postgresql+psycopg2", storage  # psycopg2, not psycopg 3
    assert config["event_log_storage"]["class"] == "PooledPostgresEventLogStorage"
    assert config["run_retries"]["retry_on_asset_or_op_failure"] is False
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert config["run_launcher"]["class"] == "K8sRunLauncher"
