"""Rules of the market tables (prop lines, edges, their grading): frames in, one ``Outcome`` per
date out. No Dagster imports. Thresholds: ``asset_checks.thresholds``."""

from __future__ import annotations

import pandas as pd

from asset_checks import thresholds
from asset_checks.rules import ERROR, WARN, Outcome, collect, counts_by_date, day, problems_frame


def _who(frame: pd.DataFrame) -> pd.Series:
    return frame["player_name"].astype(str) + " (" + frame["market"] + ")"


def lines_in_range(consensus: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """ERROR for a consensus, lowest or highest line outside the market's plausible range."""
    bounds = consensus["market"].map(thresholds.LINE_RANGES)
    known = bounds.notna()
    low = bounds[known].str[0]
    high = bounds[known].str[1]
    rows = consensus[known]
    bad = rows[(rows["min_line"] < low) | (rows["max_line"] > high)]
    msgs = (
        _who(bad)
        + ": lines "
        + bad["min_line"].astype(str)
        + ".."
        + bad["max_line"].astype(str)
        + " outside "
        + bad["market"].map(lambda m: str(thresholds.LINE_RANGES[m]))
    )
    unknown = consensus[~known]
    unknown_msgs = unknown["market"].radd("no plausible range for market ")
    return collect(
        dates,
        [
            problems_frame(bad["game_date"], ERROR, msgs),
            problems_frame(unknown["game_date"], WARN, unknown_msgs),
        ],
        "every line inside its market's range",
        counts_by_date(consensus),
    )


def matched_names(consensus: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """Every book name unmatched or ambiguous is named (WARN); below
    ``MIN_MATCHED_NAME_SHARE`` of a date's names matched, ERROR (the matching is broken)."""
    names = consensus.drop_duplicates(["game_date", "book_names"])
    matched = names["player_id"].notna()
    share = matched.groupby(day(names["game_date"])).mean()
    bad = names[~matched]
    low = share[share < thresholds.MIN_MATCHED_NAME_SHARE]
    msgs = bad["book_names"] + " (" + bad["game"] + "): " + bad["match_rule"]
    return collect(
        dates,
        [
            problems_frame(bad["game_date"], WARN, msgs),
            problems_frame(
                pd.Series(low.index),
                ERROR,
                pd.Series(
                    [
                        f"only {v:.1%} of book names matched "
                        f"(< {thresholds.MIN_MATCHED_NAME_SHARE:.0%})"
                        for v in low.values
                    ],
                    dtype=str,
                ),
            ),
        ],
        "every book name matched a player",
        counts_by_date(names),
    )


def books_per_line(consensus: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """WARN when more than ``MAX_SINGLE_BOOK_SHARE`` of a date's lines come from one book only:
    a consensus of one book is that book's line."""
    single = consensus["books"] < 2
    share = single.groupby(day(consensus["game_date"])).mean()
    high = share[share > thresholds.MAX_SINGLE_BOOK_SHARE]
    msgs = [
        f"{v:.1%} of lines have one book (> {thresholds.MAX_SINGLE_BOOK_SHARE:.0%})"
        for v in high.values
    ]
    return collect(
        dates,
        [problems_frame(pd.Series(high.index), WARN, pd.Series(msgs, dtype=str))],
        "lines quoted by two or more books",
        counts_by_date(consensus),
    )


def lines_before_tip(frame: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """ERROR for a row whose line comes from a snapshot pulled at or after tip-off."""
    bad = frame[~(frame["snapshot_at"] < frame["tip_off"])]
    msgs = (
        _who(bad)
        + ": snapshot "
        + bad["snapshot_at"].astype(str)
        + " not before tip-off "
        + bad["tip_off"].astype(str)
    )
    return collect(
        dates,
        [problems_frame(bad["game_date"], ERROR, msgs)],
        "every line pulled before tip-off",
        counts_by_date(frame),
    )


def predictions_as_made(
    results: pd.DataFrame, predictions: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """ERROR for a graded prediction that is not the stored prediction as made (value, version,
    time), or whose version was trained on its own date or later."""
    graded = results[results["predicted_points"].notna()]
    stored = predictions[
        ["game_date", "player_id", "predicted_points", "model_version", "predicted_at"]
    ]
    joined = graded.merge(
        stored, on=["game_date", "player_id"], how="left", suffixes=("", "_made"), indicator=True
    )
    differs = (
        (joined["_merge"] != "both")
        | (joined["predicted_points"] != joined["predicted_points_made"])
        | (joined["model_version"] != joined["model_version_made"])
        | (joined["predicted_at"] != joined["predicted_at_made"])
    )
    late = pd.to_datetime(joined["trained_through"]) >= pd.to_datetime(joined["game_date"])
    bad = joined[differs | late]
    msgs = (
        _who(bad)
        + ": "
        + late[differs | late].map(
            {True: "version trained on or after the date", False: "not the prediction as made"}
        )
    )
    return collect(
        dates,
        [problems_frame(bad["game_date"], ERROR, msgs)],
        "every graded prediction is the one made before the date by a version trained before it",
        counts_by_date(graded),
    )


def never_regraded(
    results: pd.DataFrame, stored: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """ERROR when a row graded before would now be graded with another prediction or line (the
    stored grading is kept; this names what tried to change)."""
    key = ["game_date", "player_id", "market"]
    joined = stored.merge(results, on=key, suffixes=("_stored", ""))
    changed = pd.Series(False, index=joined.index)
    for c in ("predicted_points", "consensus_line"):
        a, b = joined[f"{c}_stored"], joined[c]
        changed |= ~((a == b) | (a.isna() & b.isna()))
    bad = joined[changed]
    msgs = (
        _who(bad)
        + ": graded with prediction "
        + bad["predicted_points_stored"].astype(str)
        + " / line "
        + bad["consensus_line_stored"].astype(str)
        + ", now "
        + bad["predicted_points"].astype(str)
        + " / "
        + bad["consensus_line"].astype(str)
    )
    return collect(
        dates,
        [problems_frame(bad["game_date"], ERROR, msgs)],
        "no graded row changed",
        counts_by_date(stored),
    )
