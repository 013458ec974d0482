"""conform(): exact columns, contract order, lossless casts, NULL and date rules."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from resources.contract import ContractViolation, column, conform, schema

CONTRACT = schema(
    column("game_id", "string", nullable=False),
    column("player_id", "int64", nullable=False),
    column("points", "int64"),
    column("usage_rate", "float64"),
    column("ts_pct", "float64"),
    column("is_home", "bool"),
    column("game_date", "date", nullable=False),
    column("ingested_at", "timestamp"),
)
ORDER = [
    "game_id",
    "player_id",
    "points",
    "usage_rate",
    "ts_pct",
    "is_home",
    "game_date",
    "ingested_at",
]


def valid_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game_id": ["0022300061", "0022300061", "0022300062"],
            "player_id": [101, 102, 103],
            "points": [25, 0, 12],
            "usage_rate": [30.5, np.nan, 18.25],
            "ts_pct": [0.61, np.nan, 0.5],
            "is_home": [True, False, True],
            "game_date": pd.to_datetime(["2023-10-24", "2023-10-24", "2023-10-24"]),
            "ingested_at": pd.to_datetime(
                ["2024-01-01 10:15:00", "2024-01-01 10:15:00", "2024-01-01 10:15:00"]
            ),
        }
    )


def test_valid_frame_round_trips_with_contract_dtypes():
    frame = valid_frame()
    out = conform(frame, CONTRACT, "player_game_summary")
    assert list(out.columns) == ORDER
    assert str(out["game_id"].dtype) == "object"
    assert str(out["player_id"].dtype) == "Int64"
    assert str(out["points"].dtype) == "Int64"
    assert str(out["usage_rate"].dtype) == "float64"
    assert str(out["ts_pct"].dtype) == "float64"
    assert str(out["is_home"].dtype) == "boolean"
    assert str(out["game_date"].dtype) == "datetime64[ns]"
    assert str(out["ingested_at"].dtype) == "datetime64[ns]"
    # values unchanged
    assert out["game_id"].tolist() == frame["game_id"].tolist()
    assert out["player_id"].tolist() == [101, 102, 103]
    assert out["points"].tolist() == [25, 0, 12]
    assert out["usage_rate"].iloc[0] == 30.5 and np.isnan(out["usage_rate"].iloc[1])
    assert out["is_home"].tolist() == [True, False, True]
    assert (out["game_date"] == pd.Timestamp("2023-10-24")).all()
    assert (out["ingested_at"] == pd.Timestamp("2024-01-01 10:15:00")).all()
    # conforming a conformed frame is a no-op
    again = conform(out, CONTRACT, "player_game_summary")
    pd.testing.assert_frame_equal(again, out)


def test_conform_reorders_to_contract_order():
    frame = valid_frame()[list(reversed(ORDER))]
    out = conform(frame, CONTRACT, "t")
    assert list(out.columns) == ORDER
    pd.testing.assert_frame_equal(out, conform(valid_frame(), CONTRACT, "t"))


def test_swapped_columns_keep_values_attached_to_names():
    frame = valid_frame()
    swapped = frame[
        [
            "game_id",
            "player_id",
            "points",
            "ts_pct",
            "usage_rate",
            "is_home",
            "game_date",
            "ingested_at",
        ]
    ]
    out = conform(swapped, CONTRACT, "t")
    assert list(out.columns) == ORDER
    assert out["usage_rate"].iloc[0] == 30.5
    assert out["usage_rate"].iloc[2] == 18.25
    assert out["ts_pct"].iloc[0] == 0.61
    assert out["ts_pct"].iloc[2] == 0.5
    # positional order of the output matches the contract, not the input
    assert out.iloc[0, ORDER.index("usage_rate")] == 30.5
    assert out.iloc[0, ORDER.index("ts_pct")] == 0.61


def test_non_default_index_is_reset():
    frame = valid_frame()
    frame.index = [10, 20, 30]
    out = conform(frame, CONTRACT, "t")
    assert list(out.index) == [0, 1, 2]
    assert out["player_id"].tolist() == [101, 102, 103]


def test_missing_column_is_named():
    frame = valid_frame().drop(columns=["usage_rate"])
    with pytest.raises(ContractViolation, match="usage_rate") as info:
        conform(frame, CONTRACT, "player_game_summary")
    assert "missing" in str(info.value)
    assert "player_game_summary" in str(info.value)


def test_extra_column_is_rejected():
    frame = valid_frame().assign(plus_minus=[1.0, 2.0, 3.0])
    with pytest.raises(ContractViolation, match="plus_minus"):
        conform(frame, CONTRACT, "t")


def test_fractional_float_into_int64_is_rejected_with_row():
    frame = valid_frame()
    frame["points"] = [25.0, 1.5, 12.0]
    with pytest.raises(ContractViolation) as info:
        conform(frame, CONTRACT, "t")
    message = str(info.value)
    assert "points" in message
    assert "row 1" in message
    assert "1.5" in message


def test_integral_float_into_int64_is_accepted():
    frame = valid_frame()
    frame["points"] = [25.0, np.nan, 12.0]
    out = conform(frame, CONTRACT, "t")
    assert str(out["points"].dtype) == "Int64"
    assert out["points"].iloc[0] == 25
    assert out["points"].isna().iloc[1]


def test_fractional_float_row_label_uses_frame_index():
    frame = valid_frame()
    frame.index = [10, 20, 30]
    frame["points"] = [25.0, 12.0, 2.5]
    with pytest.raises(ContractViolation, match="row 30"):
        conform(frame, CONTRACT, "t")


def test_text_into_float64_is_rejected():
    frame = valid_frame()
    frame["usage_rate"] = ["30.5", "12", "abc"]
    with pytest.raises(ContractViolation, match="usage_rate"):
        conform(frame, CONTRACT, "t")


def test_text_into_int64_is_rejected():
    frame = valid_frame()
    frame["points"] = ["25", "0", "12"]
    with pytest.raises(ContractViolation, match="points"):
        conform(frame, CONTRACT, "t")


def test_bool_into_int64_is_rejected():
    frame = valid_frame()
    frame["points"] = [True, False, True]
    with pytest.raises(ContractViolation, match="points"):
        conform(frame, CONTRACT, "t")


def test_number_into_string_is_rejected():
    frame = valid_frame()
    frame["game_id"] = pd.Series(["0022300061", 22300061, "0022300062"], dtype="object")
    with pytest.raises(ContractViolation, match="game_id"):
        conform(frame, CONTRACT, "t")


def test_null_in_non_nullable_column_is_rejected():
    frame = valid_frame()
    frame["player_id"] = [101.0, np.nan, 103.0]
    with pytest.raises(ContractViolation) as info:
        conform(frame, CONTRACT, "t")
    assert "player_id" in str(info.value)
    assert "NULL" in str(info.value)
    assert "row 1" in str(info.value)


def test_null_string_in_non_nullable_column_is_rejected():
    frame = valid_frame()
    frame["game_id"] = ["0022300061", None, "0022300062"]
    with pytest.raises(ContractViolation, match="game_id"):
        conform(frame, CONTRACT, "t")


def test_null_in_nullable_column_is_kept():
    frame = valid_frame()
    frame["is_home"] = pd.Series([True, None, False], dtype="object")
    out = conform(frame, CONTRACT, "t")
    assert str(out["is_home"].dtype) == "boolean"
    assert out["is_home"].isna().tolist() == [False, True, False]


def test_date_with_time_of_day_is_rejected():
    frame = valid_frame()
    frame["game_date"] = pd.to_datetime(
        ["2023-10-24 00:00:00", "2023-10-24 19:30:00", "2023-10-24 00:00:00"]
    )
    with pytest.raises(ContractViolation) as info:
        conform(frame, CONTRACT, "t")
    assert "game_date" in str(info.value)
    assert "time of day" in str(info.value)
    assert "row 1" in str(info.value)


def test_python_datetime_with_time_into_date_is_rejected():
    frame = valid_frame()
    frame["game_date"] = pd.Series(
        [dt.date(2023, 10, 24), dt.datetime(2023, 10, 24, 19, 30), dt.date(2023, 10, 24)],
        dtype="object",
    )
    with pytest.raises(ContractViolation, match="game_date"):
        conform(frame, CONTRACT, "t")


def test_python_dates_into_date_are_accepted():
    frame = valid_frame()
    frame["game_date"] = pd.Series([dt.date(2023, 10, 24)] * 3, dtype="object")
    out = conform(frame, CONTRACT, "t")
    assert str(out["game_date"].dtype) == "datetime64[ns]"
    assert (out["game_date"] == pd.Timestamp("2023-10-24")).all()


def test_date_strings_into_date_are_rejected():
    frame = valid_frame()
    frame["game_date"] = ["2023-10-24", "2023-10-24", "2023-10-24"]
    with pytest.raises(ContractViolation, match="game_date"):
        conform(frame, CONTRACT, "t")


def test_timezone_aware_timestamp_is_rejected():
    frame = valid_frame()
    frame["ingested_at"] = frame["ingested_at"].dt.tz_localize("UTC")
    with pytest.raises(ContractViolation, match="ingested_at"):
        conform(frame, CONTRACT, "t")


def test_timestamp_keeps_time_of_day():
    out = conform(valid_frame(), CONTRACT, "t")
    assert (out["ingested_at"].dt.hour == 10).all()


def test_schema_rejects_duplicates_and_unknown_types():
    with pytest.raises(ValueError, match="duplicate"):
        schema(column("a", "int64"), column("a", "float64"))
    with pytest.raises(ValueError, match="unknown logical type"):
        column("a", "decimal")
