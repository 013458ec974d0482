"""Minutes-played strings, as the NBA sources ship them, to decimal minutes.

The earlier system ran ``pd.to_numeric(errors="coerce")`` over this column and turned three
seasons of ``"45:58"`` into NULL. Here every value either parses exactly or raises
``MinutesParseError`` naming the value; nothing is coerced.
"""

from __future__ import annotations

import math
import re

import pandas as pd

_WHOLE = re.compile(r"^\d{1,2}$")  # "32", "05", "00", "0"
_MM_SS = re.compile(r"^(\d{1,2}):(\d{2})$")  # "45:58", "0:00"
_DECIMAL_MM_SS = re.compile(r"^(\d{1,2})\.0+:(\d{2})$")  # stats.nba.com v2: "34.000000:12"
_ISO = re.compile(r"^PT(\d{1,2})M(\d{1,2}(?:\.\d+)?)S$")  # stats.nba.com v3: "PT34M12.00S"


class MinutesParseError(ValueError):
    """A minutes value that matches none of the known source formats."""

    def __init__(self, value: object, reason: str = "unrecognised minutes format"):
        self.value = value
        super().__init__(f"{reason}: {value!r}")


def parse_minutes(value: object) -> float:
    """Decimal minutes from one raw value.

    Accepted: ``"MM:SS"`` (``"45:58"`` -> 45.9667), whole minutes (``"32"``, ``"05"``),
    zeros (``"0:00"``, ``"00"``, ``"0"``), the empty string or a missing value (-> 0.0, a
    roster row without minutes), stats.nba.com ``"34.000000:12"`` and ISO-8601
    ``"PT34M12.00S"``. Seconds must be below 60.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    if not isinstance(value, str):
        raise MinutesParseError(value, "minutes must be a string")
    text = value.strip()
    if text == "":
        return 0.0
    if _WHOLE.match(text):
        return float(int(text))
    match = _MM_SS.match(text) or _DECIMAL_MM_SS.match(text) or _ISO.match(text)
    if not match:
        raise MinutesParseError(value)
    minutes, seconds = int(match.group(1)), float(match.group(2))
    if seconds >= 60:
        raise MinutesParseError(value, "seconds must be below 60")
    return minutes + seconds / 60.0


def parse_minutes_column(values: pd.Series) -> pd.Series:
    """Parse a whole column. A bad value raises ``MinutesParseError`` with ``row`` set to the
    index label of its first occurrence."""
    missing = values.isna()
    parsed = pd.Series(0.0, index=values.index, dtype="float64")
    present = values[~missing]
    by_value: dict[object, float] = {}
    for value in pd.unique(present):
        try:
            by_value[value] = parse_minutes(value)
        except MinutesParseError as exc:
            exc.row = present.index[present == value][0]
            raise
    parsed[~missing] = present.map(by_value).astype("float64")
    return parsed


def minutes_problems(values: pd.Series) -> pd.Series:
    """For each value: why it cannot be parsed, or None. Each distinct value is parsed once."""
    reasons: dict[object, str | None] = {}
    for value in pd.unique(values[values.notna()]):
        try:
            parse_minutes(value)
            reasons[value] = None
        except MinutesParseError as exc:
            reasons[value] = str(exc)
    return values.map(reasons).where(values.notna(), None)
