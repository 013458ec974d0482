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


def graded_as_made(
    results: pd.DataFrame, predictions: pd.DataFrame, dates: list[str]
) -> dict[str, Outcome]:
    """One result per prediction, carrying the prediction as made (value, version, time)."""
    same = ["predicted_points", "model_version", "predicted_at"]
    both = (
        _keys(predictions)
        .join(predictions[same])
        .merge(
            _keys(results).join(results[same]),
            on=KEY,
            how="outer",
            suffixes=("", "_r"),
            indicator=True,
        )
    )
    missing = both[both["_merge"] == "left_only"]
    extra = both[both["_merge"] == "right_only"]
    matched = both[both["_merge"] == "both"]
    changed = matched[
        ~np.isclose(matched["predicted_points"], matched["predicted_points_r"], rtol=0, atol=1e-9)
        | (matched["model_version"] != matched["model_version_r"])
        | (matched["predicted_at"] != matched["predicted_at_r"])
    ]
    dup = results[_keys(results).duplicated(KEY, keep=False)]
    return collect(
        dates,
        [
            problems_frame(
                missing["game_date"], ERROR, missing["player_id"].astype(str).radd("not graded: ")
            ),
            problems_frame(
                extra["game_date"],
                ERROR,
                extra["player_id"].astype(str).radd("graded without a prediction: "),
            ),
            problems_frame(
                changed["game_date"],
                ERROR,
                changed["player_id"].astype(str).radd("graded with another prediction: "),
            ),
            problems_frame(
                dup["game_date"], ERROR, dup["player_id"].astype(str).radd("graded twice: ")
            ),
        ],
        "every prediction graded once, as made",
        counts_by_date(results),
    )


def trained_before_date(predictions: pd.DataFrame, dates: list[str]) -> dict[str, Outcome]:
    """Every prediction's model was trained on dates before the prediction's date only."""
    p = predictions
    bad = p[pd.to_datetime(p["trained_through"]) >= pd.to_datetime(p["game_date"])]
    msgs = (
        "player "
        + bad["player_id"].astype(str)
        + ": model "
        + bad["model_version"]
        + " trained through "
        + pd.to_datetime(bad["trained_through"]).dt.strftime("%Y-%m-%d")
    )
    return collect(
        dates,
        [problems_frame(bad["game_date"], ERROR, msgs)],
        "every prediction's model was trained before its date",
        counts_by_date(predictions),
    )


# ---- the model (one evaluation per trained version) ------------------------------------------


def versions_precede_their_dates(versions: list[dict]) -> Outcome:
    """Every walk-forward version's training and validation dates lie before its cutoff (the
    first date it predicts)."""
    bad = [v for v in versions if v["trained_through"] >= v["cutoff"]]
    metadata = {
        "versions": len(versions),
        "last_cutoff": versions[-1]["cutoff"] if versions else "",
    }
    if bad or not versions:
        return Outcome(
            False,
            ERROR,
            "; ".join(
                f"version {v['version']} trained through {v['trained_through']}, predicts from "
                f"{v['cutoff']}"
                for v in bad
            )
            or "no walk-forward version trained",
            metadata,
        )
    return Outcome(
        True,
        ERROR,
        f"each of {len(versions)} walk-forward versions was trained only on dates before the "
        "first date it predicts",
        metadata,
    )


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
