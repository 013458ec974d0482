"""How the UI's catalog files every asset: its owner, its tags and where its code is.

Set here, once for the whole graph (``nba_assets/definitions.py`` files the merged layers), so
an analyst can filter the catalog by team, layer or kind of table, and a new asset gets its
owner and tags from its group without repeating them at every decorator.

- Owner: the data team owns the tables it builds from the sources (``nba_raw``,
  ``nba_analytics``, ``nba_precompute``); the ML team owns ``nba_ml`` (features, model,
  predictions, the market).
- Tags: ``layer`` and ``dataset`` (the warehouse dataset = the group), and label tags for what a
  reader must know before using a table: ``pre_game`` (a row of D uses only games before D),
  ``kept_as_made`` (written once D's slate started, never rewritten), ``graded`` (joins what was
  predicted or quoted to what happened), ``market`` (sportsbook lines).
- Code references: the file and line of each asset's function (local paths: the project has no
  remote URL to link to).
"""

from collections.abc import Sequence

import dagster as dg

from nba_assets import keys

OWNERS = {
    keys.RAW: "team:nba-data",
    keys.ANALYTICS: "team:nba-data",
    keys.PRECOMPUTE: "team:nba-data",
    keys.ML: "team:nba-ml",
}
LABELS = {
    "pre_game": {
        keys.EXPECTED_ROSTERS,
        keys.PLAYER_ROLLING_STATS,
        keys.PLAYER_SHOT_ZONE_ANALYSIS,
        keys.TEAM_DEFENSE_ZONE_ANALYSIS,
        keys.PLAYER_COMPOSITE_FACTORS,
        keys.FEATURE_ROWS,
        keys.PLAYER_POINTS_PREDICTIONS,
        keys.PROP_EDGES,
    },
    "kept_as_made": {keys.PLAYER_POINTS_PREDICTIONS, keys.PROP_EDGES},
    "graded": {
        keys.MODEL_EVALUATION,
        keys.PREDICTION_RESULTS,
        keys.PROP_RESULTS,
        keys.MARKET_EVALUATION,
    },
    "market": {
        keys.PROP_LINES,
        keys.PROP_LINES_CONSENSUS,
        keys.PROP_EDGES,
        keys.PROP_RESULTS,
        keys.MARKET_EVALUATION,
    },
}


def tags_of(key: dg.AssetKey) -> dict[str, str]:
    """The catalog tags of ``key``: its layer and dataset, and its label tags (empty values,
    shown as a plain label)."""
    dataset = key.path[0]
    return {
        "layer": dataset.removeprefix("nba_"),
        "dataset": dataset,
        **{label: "" for label, members in LABELS.items() if key in members},
    }


def _filed(spec: dg.AssetSpec) -> dg.AssetSpec:
    return spec.merge_attributes(owners=[OWNERS[spec.key.path[0]]], tags=tags_of(spec.key))


def filed(assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """``assets`` with their owner, tags and code references."""
    return list(dg.map_asset_specs(_filed, dg.with_source_code_references(assets)))
