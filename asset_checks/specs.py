"""Check specs: partitioned like their assets, so the UI keeps check history per date."""

import dagster as dg

from nba_assets.partitions import GAME_DATES


def spec(asset: dg.AssetKey, name: str, description: str, blocking: bool, reads: tuple = ()) -> dg.AssetCheckSpec:
    """A check on ``asset`` that also reads the same dates of the ``reads`` assets."""
    return dg.AssetCheckSpec(name, asset=asset, description=description, blocking=blocking, partitions_def=GAME_DATES,
                             additional_deps=list(reads))

