"""Rules for the ``nba_ml`` tables and the points model: pure functions returning ``Outcome``s."""

from __future__ import annotations

import numpy as np
import pandas as pd

from asset_checks import thresholds
from asset_checks.rules import ERROR, WARN, Outcome, collect, counts_by_date, problems_frame

KEY = ["game_date", "player_id"]


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[KEY].assign(game_date=pd.to_datetime(frame["game_date"]))


def one_row_per_player(
    table: pd.DataFrame, expected: pd.DataFrame, dates: list[str], label: str
) -> dict[str, Outcome]:
    """``table`` has exactly one row per (date, player) of ``expected`` (the rows it is built
    from)."""
    have, want = _keys(table), _keys(expected)
    dup = have[have.duplicated(KEY, keep=False)].drop_duplicates()
    both = want.merge(have.drop_duplicates(), on=KEY, how="outer", indicator=True)
    missing, extra = both[both["_merge"] == "left_only"], both[both["_merge"] == "right_only"]
    return collect(
        dates,
        [
            problems_frame(
                dup["game_date"],
                ERROR,
                dup["player_id"].astype(str).radd(f"{label}: duplicate player "),
            ),
            problems_frame(
                missing["game_date"],
                ERROR,
                missing["player_id"].astype(str).radd(f"{label}: no row for player "),
            ),
            problems_frame(
                extra["game_date"],
                ERROR,
                extra["player_id"].astype(str).radd(f"{label}: unexpected player "),
            ),
        ],
        f"one {label} row per player of the date",
        counts_by_date(table),
    )


def same_values(
    table: pd.DataFrame, source: pd.DataFrame, columns: list[str], dates: list[str], label: str
) -> dict[str, Outcome]:
    """Each of ``columns`` in ``table`` equals the same column of ``source`` for the same (date,
    player); NULL equals NULL. ``source`` is a leak-checked pre-game table, so a feature that does
    not come from it unchanged fails here."""
    merged = table[KEY + columns].merge(
        source[KEY + columns], on=KEY, how="inner", suffixes=("", "_src")
    )
    problems = []
    for col in columns:
        a, b = merged[col].astype("float64"), merged[f"{col}_src"].astype("float64")
        bad = ~(np.isclose(a, b, rtol=0, atol=1e-9) | (a.isna() & b.isna()))
        rows = merged[bad]
        problems.append(
            problems_frame(
                rows["game_date"],
                ERROR,
                rows["player_id"]
                .astype(str)
                .radd(f"{label}.{col} differs from the pre-game table for player "),
            )
        )
    return collect(
        dates,
        problems,
        f"{len(columns)} feature columns equal the pre-game tables'",
        counts_by_date(table),
    )


def predictions_in_range(predictions: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    low, high = thresholds.PREDICTION_RANGE
    p = predictions["predicted_points"]
    bad = predictions[p.isna() | (p < low) | (p > high)]
    msgs = (
        bad["player_id"].astype(str) + " predicted " + bad["predicted_points"].round(2).astype(str)
    )
    return collect(
        dates,
        [problems_frame(bad["game_date"], ERROR, msgs.radd("player "))],
        f"every prediction within {low:g}..{high:g} points",
        counts_by_date(predictions),
    )


# ---- the model (one evaluation per trained version) ------------------------------------------


def beats_baselines(evaluation: pd.DataFrame) -> Outcome:
    mae = evaluation.pivot(index="population", columns="predictor", values="mae")
    losses = [
        f"{pop}: model {mae.loc[pop, 'model']:.3f} >= {b} {mae.loc[pop, b]:.3f}"
        for pop in mae.index
        for b in mae.columns
        if b != "model" and mae.loc[pop, "model"] >= mae.loc[pop, b]
    ]
    summary = "; ".join(
        f"{pop}: model {mae.loc[pop, 'model']:.3f} vs last-10 {mae.loc[pop, 'last_10_avg']:.3f}"
        for pop in mae.index
    )
    metadata = {
        f"{pop}_{pred}_mae": float(mae.loc[pop, pred]) for pop in mae.index for pred in mae.columns
    }
    if losses:
        return Outcome(
            False,
            ERROR,
            "model does not beat every baseline on MAE: " + "; ".join(losses),
            metadata,
        )
    return Outcome(
        True, ERROR, f"model beats every baseline in every population ({summary})", metadata
    )


def training_precedes_evaluation(train_dates: pd.Series, evaluation_dates: pd.Series) -> Outcome:
    last_train, first_eval = (
        pd.to_datetime(train_dates).max(),
        pd.to_datetime(evaluation_dates).min(),
    )
    overlap = set(pd.to_datetime(train_dates)) & set(pd.to_datetime(evaluation_dates))
    metadata = {
        "last_training_date": str(last_train.date()),
        "first_evaluation_date": str(first_eval.date()),
    }
    if overlap or last_train >= first_eval:
        return Outcome(
            False,
            ERROR,
            f"training reaches {last_train.date()}, evaluation starts {first_eval.date()} "
            f"({len(overlap)} shared dates)",
            metadata,
        )
    return Outcome(True, ERROR, f"every training date precedes {first_eval.date()}", metadata)


def train_eval_gap(train_mae: float, eval_mae: float) -> Outcome:
    gap = (eval_mae - train_mae) / train_mae
    metadata = {"train_mae": train_mae, "evaluation_mae": eval_mae, "gap_pct": 100 * gap}
    text = f"evaluation MAE {eval_mae:.3f} vs training {train_mae:.3f} ({100 * gap:+.1f}%)"
    if gap > thresholds.MAX_TRAIN_EVAL_MAE_GAP:
        return Outcome(
            False,
            WARN,
            f"{text}: beyond {100 * thresholds.MAX_TRAIN_EVAL_MAE_GAP:.0f}%, overfit?",
            metadata,
        )
    return Outcome(True, WARN, text, metadata)
