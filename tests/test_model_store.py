"""The model store: a real local folder; for GCS, what the store sends to the bucket (GCS cannot
be reached from here)."""

from __future__ import annotations

import json

import pytest

from resources.model_store import ModelStore, ModelStoreError, _GcsFiles


def test_local_store_writes_the_version_before_pointing_latest_at_it(tmp_path):
    store = ModelStore(local_dir=str(tmp_path))
    assert store.latest_version() is None
    where = store.save("v1", {"booster.json": b"{}", "model_card.json": b'{"version": "v1"}'})
    assert where == str(tmp_path / "v1")
    assert store.latest_version() == "v1" and store.read("v1", "booster.json") == b"{}"
    store.save("v2", {"booster.json": b"{ }"})
    assert store.latest_version() == "v2" and store.read("v1", "booster.json") == b"{}"
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_version_is_never_overwritten_with_other_content(tmp_path):
    store = ModelStore(local_dir=str(tmp_path))
    store.save("v1", {"booster.json": b"{}"})
    store.save("v1", {"booster.json": b"{}"})  # the same bytes again: fine (a retried run)
    with pytest.raises(ModelStoreError, match="v1/booster.json exists with other content"):
        store.save("v1", {"booster.json": b"[]"})
    assert store.read("v1", "booster.json") == b"{}" and store.latest_version() == "v1"


def test_reading_a_missing_version_names_it(tmp_path):
    with pytest.raises(ModelStoreError, match="nope/booster.json does not exist"):
        ModelStore(local_dir=str(tmp_path)).read("nope", "booster.json")


class RecordingBucket:
    """Stands in for ``google.cloud.storage.Bucket``: records uploads, serves them back."""

    def __init__(self):
        self.objects, self.calls = {}, []

    def blob(self, name):
        bucket = self

        class Blob:
            def exists(self):
                return name in bucket.objects

            def download_as_bytes(self):
                return bucket.objects[name]

            def upload_from_string(self, data, content_type):
                bucket.calls.append((name, content_type))
                bucket.objects[name] = data

        return Blob()


class RecordingClient:
    def __init__(self):
        self.buckets = {}

    def bucket(self, name):
        return self.buckets.setdefault(name, RecordingBucket())


def test_gcs_store_uploads_under_its_prefix_and_latest_last():
    client = RecordingClient()
    store = ModelStore(gcs_bucket="nba-models", gcs_prefix="nba_ml/points_model")
    store._files = _GcsFiles(client, "nba-models", "nba_ml/points_model")
    where = store.save("v7", {"booster.json": b"{}", "model_card.json": b"{}"})
    assert where == "gs://nba-models/nba_ml/points_model/v7"
    assert client.buckets["nba-models"].calls == [
        ("nba_ml/points_model/v7/booster.json", "application/json"),
        ("nba_ml/points_model/v7/model_card.json", "application/json"),
        ("nba_ml/points_model/latest.json", "application/json"),
    ]
    assert json.loads(client.buckets["nba-models"].objects["nba_ml/points_model/latest.json"]) == {
        "version": "v7"
    }
    assert store.latest_version() == "v7"


def test_the_deployment_chooses_the_store(monkeypatch, tmp_path):
    from nba_assets.definitions import resources_for

    monkeypatch.setenv("NBA_MODEL_DIR", str(tmp_path))
    local = resources_for("local")["model_store"]
    assert local.gcs_bucket == "" and local.local_dir == str(tmp_path)
    monkeypatch.setenv("NBA_MODEL_BUCKET", "nba-models")
    monkeypatch.setenv("GCP_PROJECT", "nba-prod")
    production = resources_for("production")[
        "model_store"
    ].process_config_and_initialize()  # EnvVars read
    assert production.gcs_bucket == "nba-models" and production.gcp_project == "nba-prod"
    assert (
        resources_for("local")["model_store"].gcs_bucket == ""
    )  # the bucket alone does not switch
