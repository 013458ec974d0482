"""The partitions are exactly the game dates of the raw folder."""

from datetime import date, timedelta

import pytest

from nba_assets.partitions import game_day_partitions, game_days
from resources.raw_source import RawSource, default_raw_dir


def test_real_partitions_are_exactly_the_raw_game_dates():
    dates = RawSource(raw_dir=default_raw_dir()).game_dates()
    assert game_days.get_partition_keys() == [d.isoformat() for d in dates]
    assert game_days.timezone == "America/New_York"


@pytest.mark.parametrize("gap", [1, 2, 9])
def test_any_pattern_of_game_days_round_trips(gap):
    played = [date(2021, 10, 1) + timedelta(days=i) for i in range(0, 900, gap)]
    assert game_day_partitions(played).get_partition_keys() == [d.isoformat() for d in played]


def test_no_game_dates_is_an_error():
    with pytest.raises(ValueError, match="no game dates"):
        game_day_partitions([])
