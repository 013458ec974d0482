"""Model store: where trained model artifacts live, by version.

A local folder by default (``NBA_MODEL_DIR``, default ``data/models`` in the project), Google
Cloud Storage through dagster-gcp's ``GCSResource`` in production (bucket ``NBA_MODEL_BUCKET``, with
``GCP_PROJECT`` and Google's usual credentials). Layout under the root, on both::

    <version>/booster.json      XGBoost booster (JSON)
    <version>/model_card.json   version, trained_at, date ranges, features, hyperparameters, metrics
    latest.json                 {"version": ...}, written after the artifact files

A version's files are written before ``latest.json`` points at them, so a reader never finds a
half-written model; a version is never overwritten with different content.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from resources.raw_source import PROJECT_ROOT

LATEST = "latest.json"


class ModelStoreError(RuntimeError):
    """A model version that does not exist, or one that would be overwritten with other content."""


def default_model_dir() -> str:
    return os.environ.get("NBA_MODEL_DIR") or str(PROJECT_ROOT / "data" / "models")


class _LocalFiles:
    def __init__(self, root: str):
        self.root = Path(root)

    def uri(self, name: str) -> str:
        return str(self.root / name)

    def get(self, name: str) -> bytes | None:
        path = self.root / name
        return path.read_bytes() if path.exists() else None

    def put(self, name: str, data: bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)


class _GcsFiles:
    def __init__(self, client, bucket: str, prefix: str):
        self.bucket, self.prefix = client.bucket(bucket), prefix.strip("/")
        self.bucket_name = bucket

    def _name(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def uri(self, name: str) -> str:
        return f"gs://{self.bucket_name}/{self._name(name)}"

    def get(self, name: str) -> bytes | None:
        blob = self.bucket.blob(self._name(name))
        return blob.download_as_bytes() if blob.exists() else None

    def put(self, name: str, data: bytes) -> None:
        content_type = "application/json" if name.endswith(".json") else "application/octet-stream"
        self.bucket.blob(self._name(name)).upload_from_string(data, content_type=content_type)


class ModelStore(dg.ConfigurableResource):
    """Versioned model artifacts in a local folder, or in ``gs://gcs_bucket/gcs_prefix`` when
    set."""

    local_dir: str = ""
    gcs_bucket: str = ""
    gcs_prefix: str = "nba_ml/points_model"
    gcp_project: str = ""
    _files: object = PrivateAttr(default=None)

    def files(self):
        if self._files is None:
            if self.gcs_bucket:
                from dagster_gcp import GCSResource

                client = GCSResource(project=self.gcp_project or None).get_client()
                self._files = _GcsFiles(client, self.gcs_bucket, self.gcs_prefix)
            else:
                self._files = _LocalFiles(self.local_dir or default_model_dir())
        return self._files

    def save(self, version: str, artifacts: dict[str, bytes]) -> str:
        """Write ``artifacts`` under ``version``, then point ``latest.json`` at it; returns its
        location."""
        files = self.files()
        for name, data in artifacts.items():
            existing = files.get(f"{version}/{name}")
            if existing is not None and existing != data:
                raise ModelStoreError(
                    f"{files.uri(f'{version}/{name}')} exists with other content; "
                    "a model version is never overwritten"
                )
            files.put(f"{version}/{name}", data)
        files.put(LATEST, json.dumps({"version": version}).encode())
        return files.uri(version)

    def has(self, version: str, name: str) -> bool:
        return self.files().get(f"{version}/{name}") is not None

    def read(self, version: str, name: str) -> bytes:
        data = self.files().get(f"{version}/{name}")
        if data is None:
            raise ModelStoreError(f"{self.files().uri(f'{version}/{name}')} does not exist")
        return data

    def latest_version(self) -> str | None:
        data = self.files().get(LATEST)
        return json.loads(data)["version"] if data is not None else None
