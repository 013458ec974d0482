"""Checks on the market tables, evaluated in their assets' own steps (which know the held-back
dates and, for the grading, what was graded before). The honesty checks are ERROR: a line
pulled after tip-off, a graded prediction that is not the one made before the date, a graded row
whose prediction or line would change."""

import pandas as pd

from asset_checks import market_rules, ml_rules, rules, thresholds
from nba_assets import keys
from nba_assets.common import check_spec, emit_checks

CONSENSUS = keys.PROP_LINES_CONSENSUS
CONSENSUS_SPECS = {
    "unique_keys": check_spec(
        CONSENSUS,
        "unique_keys",
        "ERROR (blocking): one row per (date, player, market); a name without a player once.",
        True,
    ),
    "lines_in_range": check_spec(
        CONSENSUS,
        "lines_in_range",
        "ERROR (blocking): every book's main line inside the market's plausible range "
        "(asset_checks.thresholds.LINE_RANGES).",
        True,
    ),
    "matched_names": check_spec(
        CONSENSUS,
        "matched_names",
        "WARN naming every book name that matched no player, or several; ERROR (blocking) when "
        f"fewer than {thresholds.MIN_MATCHED_NAME_SHARE:.0%} of the date's names matched.",
        True,
    ),
    "books_per_line": check_spec(
        CONSENSUS,
        "books_per_line",
        f"WARN when more than {thresholds.MAX_SINGLE_BOOK_SHARE:.0%} of the date's lines are "
        "quoted by a single book (that consensus is one book's line).",
        False,
    ),
    "posted_before_tip": check_spec(
        CONSENSUS,
        "posted_before_tip",
        "ERROR (blocking): every line used comes from a snapshot pulled before the game's "
        "tip-off (later snapshots are dropped and counted in late_lines_dropped).",
        True,
    ),
}
EDGE_SPECS = {
    "lines_before_tip": check_spec(
        keys.PROP_EDGES,
        "lines_before_tip",
        "ERROR (blocking): every edge is against a line pulled before tip-off.",
        True,
    ),
    "trained_before_date": check_spec(
        keys.PROP_EDGES,
        "trained_before_date",
        "ERROR (blocking): every edge's prediction comes from a version trained only on dates "
        "before D.",
        True,
    ),
}
RESULT_SPECS = {
    "graded_as_made": check_spec(
        keys.PROP_RESULTS,
        "graded_as_made",
        "ERROR (blocking): every graded prediction is the one made for D (same value, version "
        "and time as player_points_predictions) by a version trained before D, and every line "
        "was pulled before tip-off.",
        True,
        (keys.PLAYER_POINTS_PREDICTIONS,),
    ),
    "never_regraded": check_spec(
        keys.PROP_RESULTS,
        "never_regraded",
        "ERROR (blocking): a row graded before is never graded again with another prediction "
        "or line (the stored row is kept, and this names what tried to change).",
        True,
    ),
}


def _merge(*outcomes: dict) -> dict:
    """Per date, the first failing outcome of several rules (else the first)."""
    out = {}
    for d in outcomes[0]:
        failing = [o[d] for o in outcomes if not o[d].passed]
        out[d] = failing[0] if failing else outcomes[0][d]
    return out


def consensus_checks(context, frame: pd.DataFrame, held: set[str]):
    dates = list(context.partition_keys)
    unmatched = frame["player_id"].isna()
    ids = frame["player_id"].astype("string").fillna("book:" + frame["book_names"])
    yield from emit_checks(
        context,
        CONSENSUS_SPECS,
        {
            "unique_keys": rules.unique_keys(
                frame.assign(player=ids), ["game_date", "player", "market"], dates, "line"
            ),
            "lines_in_range": market_rules.lines_in_range(frame, dates),
            "matched_names": market_rules.matched_names(frame, dates),
            "books_per_line": market_rules.books_per_line(frame[~unmatched], dates),
            "posted_before_tip": market_rules.lines_before_tip(frame, dates),
        },
        held_back={CONSENSUS: held},
    )


def edge_checks(context, frame: pd.DataFrame, held: set[str]):
    dates = list(context.partition_keys)
    yield from emit_checks(
        context,
        EDGE_SPECS,
        {
            "lines_before_tip": market_rules.lines_before_tip(frame, dates),
            "trained_before_date": ml_rules.trained_before_date(frame, dates),
        },
        held_back={keys.PROP_EDGES: held},
    )


def result_checks(context, frame, predictions, fresh, stored, held: set[str]):
    """``fresh``: the grading as computed now, before the rows graded before were kept."""
    dates = list(context.partition_keys)
    yield from emit_checks(
        context,
        RESULT_SPECS,
        {
            "graded_as_made": _merge(
                market_rules.predictions_as_made(frame, predictions, dates),
                market_rules.lines_before_tip(frame, dates),
            ),
            "never_regraded": market_rules.never_regraded(fresh, stored, dates),
        },
        held_back={keys.PROP_RESULTS: held},
    )
