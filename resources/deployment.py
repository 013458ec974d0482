"""Which deployment this process serves: one switch, ``NBA_DEPLOYMENT``.

- ``local`` (default): the DuckDB file (``NBA_DUCKDB_PATH``), the raw folder (``NBA_RAW_DIR``,
  prop lines included) and the model folder (``NBA_MODEL_DIR``). What ``make demo``, ``make ui``
  and the tests use.
- ``live``: DuckDB and the model folder, raw tables from stats.nba.com (``pip install -e
  ".[live]"``): trying the live source on one machine. Live player ids are keyed on the
  folder's balldontlie ids (``nba_api_source.key_players``), so live dates continue its history.
  Prop lines from The Odds API (``ODDS_API_KEY``).
- ``production``: BigQuery (``GCP_PROJECT``, ``GCP_LOCATION``, ``GCP_CREDENTIALS``),
  stats.nba.com, The Odds API and the model bucket on Cloud Storage (``NBA_MODEL_BUCKET``).

``nba_assets/definitions.py`` builds the resources from these parts; the asset ``kinds`` (the UI's
warehouse badge) and the raw assets' ``nba_api`` pool follow it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Deployment:
    name: str
    warehouse: str  # duckdb | bigquery
    raw_source: str  # folder | nba_api
    model_store: str  # folder | gcs
    prop_source: str  # folder | odds_api


DEPLOYMENTS = {
    d.name: d
    for d in (
        Deployment("local", "duckdb", "folder", "folder", "folder"),
        Deployment("live", "duckdb", "nba_api", "folder", "odds_api"),
        Deployment("production", "bigquery", "nba_api", "gcs", "odds_api"),
    )
}


def current() -> Deployment:
    """The deployment named by ``NBA_DEPLOYMENT`` (default ``local``); an unknown name is
    refused."""
    name = os.environ.get("NBA_DEPLOYMENT", "local")
    if name not in DEPLOYMENTS:
        raise ValueError(f"NBA_DEPLOYMENT={name!r}: expected one of {sorted(DEPLOYMENTS)}")
    return DEPLOYMENTS[name]
