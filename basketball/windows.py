"""Rolling window statistics that are a function of the window's rows only.

pandas' ``rolling().sum/mean/std`` are online algorithms: a window's sum is the previous
window's sum plus the entering value minus the leaving one (with Kahan compensation), and the
variance is a Welford update. The result therefore carries rounding residue from every earlier
row of the group, so the same last-N games give values that differ in the last bits depending
on how many older games the history holds (a season start vs. held-back dates, a history
starting one season earlier). Here each window is summed on its own, oldest value first, so a
value depends on the N values of its window and nothing else. Same semantics as
``groupby(...)[col].rolling(n, min_periods=1)``: NaN values are skipped, an empty window is NaN
(``count`` is 0), ``std`` has ddof 1, and a window of identical values gives that value exactly
(mean), ``value * count`` (sum) and 0 (std), as pandas does.

``asof_before`` is the one join every pre-game value goes through: the latest earlier row
strictly before the date (``merge_asof(allow_exact_matches=False)``), never the date itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HOW = ("sum", "mean", "std", "count")


def _window_stats(x: np.ndarray, lo: np.ndarray, n: int, how: str) -> np.ndarray:
    """Per position i of ``x``: ``how`` over x[max(lo[i], i - n + 1) .. i], oldest value first."""
    pos = np.arange(len(x))
    lo = np.maximum(lo, pos - n + 1)
    total = np.zeros(len(x))
    count = np.zeros(len(x))
    first = np.full(len(x), np.nan)
    same = np.ones(len(x), dtype=bool)
    for k in range(n - 1, -1, -1):  # oldest first
        j = pos - k
        valid = j >= lo
        xj = x[np.where(valid, j, 0)]
        ok = valid & ~np.isnan(xj)
        first = np.where(ok & (count == 0), xj, first)
        same &= ~ok | (xj == first)
        total = total + np.where(ok, xj, 0.0)
        count = count + ok
    if how == "count":
        return count
    has = count > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        if how == "sum":
            return np.where(has, np.where(same, first * count, total), np.nan)
        mean = np.where(same, first, total / count)
        if how == "mean":
            return np.where(has, mean, np.nan)
        squares = np.zeros(len(x))
        for k in range(n - 1, -1, -1):
            j = pos - k
            valid = j >= lo
            xj = x[np.where(valid, j, 0)]
            ok = valid & ~np.isnan(xj)
            squares = squares + np.where(ok, (xj - mean) ** 2, 0.0)
        var = np.where(same, 0.0, squares / (count - 1))
        return np.where(count >= 2, np.sqrt(var), np.nan)


def rolling(values: pd.Series, groups: pd.Series, n: int, how: str) -> pd.Series:
    """``how`` over the last ``n`` rows of the same group (rows in their order in ``values``),
    on ``values``' index. ``groups``: group numbers (``groupby.ngroup()``; -1 = no group, NaN)."""
    if how not in HOW:
        raise ValueError(f"unknown window statistic {how!r}")
    codes = np.asarray(groups, dtype="int64")
    order = np.argsort(codes, kind="stable")
    x = np.asarray(values, dtype="float64")[order]
    c = codes[order]
    pos = np.arange(len(x))
    starts = np.r_[True, c[1:] != c[:-1]] if len(c) else np.zeros(0, dtype=bool)
    lo = np.maximum.accumulate(np.where(starts, pos, 0)) if len(c) else pos
    out = np.empty(len(x))
    out[order] = _window_stats(x, lo, n, how)
    out[codes < 0] = np.nan
    return pd.Series(out, index=values.index)


def grouped(g, col: str, n: int, how: str = "mean") -> pd.Series:
    """``how`` of ``col`` over the last ``n`` rows of each group of ``g`` (a ``DataFrameGroupBy``,
    rows in frame order), per row, from the window's rows only."""
    return rolling(g[col].obj, g[col].ngroup(), n, how)


def asof_before(
    left: pd.DataFrame, on: str, right: pd.DataFrame, by: list[str], cols: list[str]
) -> pd.DataFrame:
    """``left`` (same index and order) with ``cols`` of the latest ``right`` row of the same ``by``
    whose ``game_date`` is strictly before ``left[on]`` (NaN where there is none)."""
    r = right[by + ["game_date"] + cols].rename(columns={"game_date": "_right_date"})
    r = r.assign(_right_date=r["_right_date"].astype("datetime64[ns]")).sort_values("_right_date")
    keyed = left.assign(
        _left_date=left[on].astype("datetime64[ns]"), _position=np.arange(len(left))
    )
    out = pd.merge_asof(
        keyed.sort_values("_left_date"),
        r,
        left_on="_left_date",
        right_on="_right_date",
        by=by,
        allow_exact_matches=False,
        direction="backward",
    )
    out = out.sort_values("_position").drop(columns=["_left_date", "_right_date", "_position"])
    out.index = left.index
    return out


def tail_sum(values: np.ndarray, end: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Per row: the sum of values[end - length + 1 .. end], oldest value first (0.0 for length 0).
    ``end`` may be NaN where ``length`` is 0."""
    values = np.asarray(values, dtype="float64")
    length = np.asarray(length, dtype="int64")
    end = np.where(length > 0, np.nan_to_num(np.asarray(end, dtype="float64"), nan=0.0), 0).astype(
        "int64"
    )
    total = np.zeros(len(end))
    for k in range(int(length.max(initial=0)) - 1, -1, -1):
        ok = k < length
        total = total + np.where(ok, values[np.where(ok, end - k, 0)], 0.0)
    return total
