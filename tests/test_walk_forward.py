"""Walk-forward versions on the real seasons (no Dagster): which versions exist up to a date,
which rows train, validate and test each, and which version predicts a date. The expected
cutoffs are the data README's opening nights and the calendar's Mondays."""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from basketball import rolling, walk_forward
from basketball.calendar import season_starts

from helpers import summaries

T = pd.Timestamp
# the README's first date of each season (2021-22 .. 2025-26)
OPENERS = {
    2021: "2021-10-19",
    2022: "2022-10-18",
    2023: "2023-10-24",
    2024: "2024-10-22",
    2025: "2025-10-21",
}
AS_OF = "2025-11-10"  # the morning after the bundle's last date (a Monday)


@functools.cache
def real_rows() -> pd.DataFrame:
    """Every real player_game_summary row, flagged ``is_bootstrap`` like the feature rows: the
    columns ``walk_forward`` reads."""
    players, _, _ = summaries()
    flag = rolling.is_bootstrap(players["game_date"], players["season"], season_starts(players))
    return players.assign(is_bootstrap=flag)


def played(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["minutes_played"] > 0]


def test_season_openers_are_the_first_played_date_of_each_season():
    openers = walk_forward.season_openers(played(real_rows()))
    assert openers == {s: T(d) for s, d in OPENERS.items()}


def test_one_version_per_opener_after_the_first_and_every_monday_of_the_latest_season():
    openers = {s: T(d) for s, d in OPENERS.items()}
    got = walk_forward.windows(openers, AS_OF)
    cutoffs = ["2022-10-18", "2023-10-24", "2024-10-22", "2025-10-21"]  # no 2021: nothing before
    cutoffs += ["2025-10-27", "2025-11-03", "2025-11-10"]  # Mondays after 2025-10-21, to as-of
    assert [f"{w.cutoff:%Y-%m-%d}" for w in got] == cutoffs
    assert [w.until for w in got] == [T(c) for c in cutoffs[1:]] + [None]


def test_windows_as_of_earlier_dates():
    openers = {s: T(d) for s, d in OPENERS.items()}
    assert walk_forward.windows(openers, "2022-10-17") == []  # one season: nothing to train on
    assert walk_forward.windows(openers, "2022-10-18") == [
        walk_forward.Window(T("2022-10-18"), None)
    ]
    # within 2023-24: its opener, then Mondays 10-30, 11-06, 11-13, 11-20 (as-of itself a Monday)
    got = walk_forward.windows(openers, "2023-11-20")
    assert [f"{w.cutoff:%m-%d}" for w in got] == [
        "10-18",
        "10-24",
        "10-30",
        "11-06",
        "11-13",
        "11-20",
    ]
    assert got[0].cutoff.year == 2022
    # a Tuesday as-of: the Monday before is the last version
    assert walk_forward.windows(openers, "2023-11-21")[-1] == walk_forward.Window(
        T("2023-11-20"), None
    )


@pytest.fixture(scope="module")
def splits():
    rows = real_rows()
    plan = walk_forward.windows(walk_forward.season_openers(played(rows)), AS_OF)
    return [(w, walk_forward.split(rows, w)) for w in plan]


def test_every_split_trains_before_its_cutoff_and_tests_its_window(splits):
    rows = played(real_rows())
    assert len(splits) == 7
    for window, split in splits:
        until = window.until if window.until is not None else T("2100-01-01")
        history = rows[(rows["game_date"] < window.cutoff) & ~rows["is_bootstrap"]]
        dates = sorted(history["game_date"].unique())
        n_valid = len(dates) - int(len(dates) * 0.9)
        assert len(split.train) + len(split.valid) == len(history)
        assert split.train["game_date"].max() < split.valid["game_date"].min()
        assert split.valid["game_date"].max() < window.cutoff
        assert split.valid["game_date"].nunique() == n_valid
        assert list(split.valid["game_date"].unique()) == dates[-n_valid:]
        for part in (split.train, split.valid):
            assert (part["minutes_played"] > 0).all() and not part["is_bootstrap"].any()
        in_window = rows[(rows["game_date"] >= window.cutoff) & (rows["game_date"] < until)]
        assert len(split.test) == len(in_window)
        assert len(in_window) > 0 or window.until is None  # the latest: tonight, not played
        assert split.test["game_date"].between(window.cutoff, until, inclusive="left").all()
        assert (split.test["minutes_played"] > 0).all()
        assert split.test_season == window.cutoff.year  # every cutoff is in October or November
        key = split.train[["game_date", "player_id", "game_id"]]
        assert key.equals(key.sort_values(list(key.columns)))


def test_a_monday_version_trains_on_this_season_after_its_bootstrap_days(splits):
    """The 2025-11-10 version: 2025-26's first 14 days (10-21..11-03) never train; 11-04..11-09
    do, and only that version sees them."""
    by_cutoff = {f"{w.cutoff:%Y-%m-%d}": s for w, s in splits}
    latest = by_cutoff["2025-11-10"]
    seen = pd.concat([latest.train, latest.valid])
    this_season = sorted(seen.loc[seen["game_date"] >= T("2025-10-21"), "game_date"].unique())
    assert [f"{d:%m-%d}" for d in this_season] == [
        "11-04",
        "11-05",
        "11-06",
        "11-07",
        "11-08",
        "11-09",
    ]
    previous = by_cutoff["2025-11-03"]
    assert pd.concat([previous.train, previous.valid])["game_date"].max() < T("2025-10-21")
    assert latest.test.empty  # it predicts from 2025-11-10: nothing played yet


def test_too_little_history_before_a_cutoff_is_refused():
    with pytest.raises(ValueError, match="too little history before 2021-11-01"):
        walk_forward.split(real_rows(), walk_forward.Window(T("2021-11-01"), None))


def test_version_for_picks_the_latest_cutoff_on_or_before_the_day():
    openers = {s: T(d) for s, d in OPENERS.items()}
    records = [
        {"cutoff": f"{w.cutoff:%Y-%m-%d}", "version": f"v{i}", "trained_through": ""}
        for i, w in enumerate(walk_forward.windows(openers, AS_OF))
    ]
    pick = lambda d: (walk_forward.version_for(records, d) or {}).get("version")  # noqa: E731
    assert pick("2022-10-17") is None  # before the first cutoff: first season
    assert pick("2022-10-18") == "v0"
    assert pick("2023-06-12") == "v0"  # 2022-23's Finals: still the 2022 version
    assert pick("2023-10-24") == "v1"
    assert pick("2025-10-26") == "v3"
    assert pick("2025-10-27") == "v4"
    assert pick("2025-11-09") == "v5"
    assert pick("2025-11-10") == "v6" and pick("2026-04-12") == "v6"
