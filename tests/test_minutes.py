"""parse_minutes / parse_minutes_column on every source format, bad values, and the real column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from basketball.minutes import MinutesParseError, parse_minutes, parse_minutes_column

DATA_DIR = Path("/work/shared/data")
PLAYER_BOXSCORES = DATA_DIR / "player_boxscores.parquet"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("45:58", 45 + 58 / 60),  # balldontlie 2021-22 "MM:SS"
        ("1:35", 1 + 35 / 60),  # single-digit minutes
        ("12:00", 12.0),
        ("32", 32.0),  # whole minutes
        ("5", 5.0),
        ("05", 5.0),  # zero-padded whole minutes
        ("0:00", 0.0),  # zero forms
        ("00", 0.0),
        ("0", 0.0),
        ("", 0.0),  # roster row without minutes
        ("34.000000:12", 34.2),  # stats.nba.com v2: 34 + 12/60
        ("PT34M12.00S", 34.2),  # stats.nba.com v3 ISO-8601: 34 + 12/60
    ],
)
def test_parse_minutes_formats(raw, expected):
    assert parse_minutes(raw) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan])
def test_parse_minutes_missing_is_zero(missing):
    result = parse_minutes(missing)
    assert result == 0.0
    assert not np.isnan(result)


def test_parse_minutes_returns_float():
    assert isinstance(parse_minutes("32"), float)
    assert isinstance(parse_minutes("45:58"), float)


@pytest.mark.parametrize("bad", ["61:99", "abc", "45:5", "-3", "12.5", 45])
def test_parse_minutes_rejects_bad_values(bad):
    with pytest.raises(MinutesParseError) as info:
        parse_minutes(bad)
    assert info.value.value == bad
    assert type(info.value.value) is type(bad)
    assert repr(bad) in str(info.value)


def test_minutes_parse_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_minutes("abc")


def test_parse_minutes_column_values_and_index():
    series = pd.Series(["45:58", "32", None, "", "0:00", "PT34M12.00S"], index=[5, 6, 7, 8, 9, 10])
    parsed = parse_minutes_column(series)
    assert parsed.dtype == "float64"
    assert list(parsed.index) == [5, 6, 7, 8, 9, 10]
    assert parsed.tolist() == pytest.approx([45 + 58 / 60, 32.0, 0.0, 0.0, 0.0, 34.2])


def test_parse_minutes_column_bad_value_reports_index_label():
    series = pd.Series(["32", "abc", "12:00"], index=[10, 20, 30])
    with pytest.raises(MinutesParseError) as info:
        parse_minutes_column(series)
    assert info.value.row == 20
    assert info.value.value == "abc"


def test_parse_minutes_column_reports_first_occurrence_of_bad_value():
    series = pd.Series(["32", "61:99", "12:00", "61:99"], index=[10, 20, 30, 40])
    with pytest.raises(MinutesParseError) as info:
        parse_minutes_column(series)
    assert info.value.row == 20
    assert info.value.value == "61:99"


def test_parse_minutes_column_on_real_player_boxscores():
    raw = pd.read_parquet(PLAYER_BOXSCORES, columns=["min"])["min"]
    parsed = parse_minutes_column(raw)

    assert len(parsed) == len(raw)
    assert not parsed.isna().any()
    assert parsed.max() < 70
    assert parsed.min() >= 0

    # Independent expectation for every "MM:SS" row: minutes + seconds / 60 via str.split.
    mmss = raw.notna() & raw.str.contains(":", regex=False)
    assert mmss.sum() > 3000  # README: 3,338 non-zero MM:SS rows plus 5,163 "0:00" rows
    parts = raw[mmss].str.split(":")
    expected = parts.str[0].astype(int) + parts.str[1].astype(int) / 60
    np.testing.assert_allclose(parsed[mmss].to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)

    # Whole-minute strings are their integer value.
    whole = raw.notna() & raw.str.fullmatch(r"\d{1,2}")
    assert whole.sum() > 0
    np.testing.assert_array_equal(
        parsed[whole].to_numpy(), raw[whole].astype(int).to_numpy().astype(float)
    )

    # The three-seasons-of-NULL regression: non-zero MM:SS minutes are non-zero after parsing.
    nonzero_mmss = mmss & (raw != "0:00")
    assert (parsed[nonzero_mmss] > 0).all()
