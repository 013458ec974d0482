"""Sportsbook prop lines (DOMAIN.md, "Prop lines and grading"): the pre-game consensus, the
model's edges against it and the grading of both. No Dagster.

- **Pre-game only.** A book's line counts only from a snapshot pulled before the game's tip-off;
  of those, the book's latest. A snapshot pulled at or after tip-off is dropped, whatever it says.
- **Alternate lines.** bovada and betrivers list several lines per player in one snapshot. The
  book's main line is the one whose two prices are closest to even (smallest gap between the
  de-vigged over probability and 50%); a book without both prices on any line keeps its lowest
  line only when it lists one line (otherwise it is left out: which of several unpriced lines is
  main cannot be told).
- **Consensus** = median of the books' main lines; the de-vigged over probability is the mean
  over the books quoting exactly the consensus line with both prices (NULL when none does).
- **Grading**: actual > line is an over, < an under, equal a push; a player who did not play
  voids it. Hit rate = wins / (wins + losses).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BREAK_EVEN = 110 / 210  # the hit rate a bet at -110 needs to break even (52.4%)
POINTS, THREES = "player_points", "player_threes"
GRADED_MARKETS = {POINTS: "points", THREES: "fg3m"}  # market -> the box-score column it settles on


def implied(american: pd.Series) -> pd.Series:
    """The probability American odds imply: -110 -> 110/210, +120 -> 100/220."""
    odds = american.astype(float)
    return pd.Series(
        np.where(odds < 0, -odds / (100 - odds), 100 / (odds + 100)), index=odds.index
    ).where(odds.notna())


def devig_over(over_odds: pd.Series, under_odds: pd.Series) -> pd.Series:
    """p_over / (p_over + p_under); NULL unless both prices exist."""
    over, under = implied(over_odds), implied(under_odds)
    return over / (over + under)


def pre_game(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lines pulled before their tip-off, lines pulled at or after it). ``snapshot_at`` and
    ``tip_off`` are naive UTC times."""
    before = lines["snapshot_at"] < lines["tip_off"]
    return lines[before], lines[~before]


def main_lines(lines: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Per (``key``, bookmaker): the book's main line from its latest pre-game snapshot."""
    latest = lines.groupby([*key, "bookmaker"])["snapshot_at"].transform("max")
    rows = lines[lines["snapshot_at"] == latest].assign(
        over_prob_devig=lambda f: devig_over(f["over_odds"], f["under_odds"])
    )
    rows = rows.assign(
        _gap=(rows["over_prob_devig"] - 0.5).abs(),
        _lines=rows.groupby([*key, "bookmaker"])["line"].transform("nunique"),
    )
    priced = rows[rows["_gap"].notna()].sort_values([*key, "bookmaker", "_gap", "line"])
    main = priced.drop_duplicates([*key, "bookmaker"])
    single = rows[(rows["_lines"] == 1) & rows["line"].notna()].drop_duplicates([*key, "bookmaker"])
    single = single.merge(main[[*key, "bookmaker"]], how="left", indicator=True)
    single = single[single["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([main, single], ignore_index=True).drop(columns=["_gap", "_lines"])


def consensus(lines: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """One row per ``key`` (e.g. date, player, market) from the books' main lines
    (``main_lines``): the median line, the number of books, the lowest and highest line, the
    de-vigged over probability at the consensus line, the latest snapshot used and the
    tip-off."""
    main = main_lines(lines, key)
    grouped = main.groupby(key, dropna=False)
    out = grouped.agg(
        consensus_line=("line", "median"),
        books=("bookmaker", "nunique"),
        min_line=("line", "min"),
        max_line=("line", "max"),
        snapshot_at=("snapshot_at", "max"),
        tip_off=("tip_off", "min"),
    ).reset_index()
    at = main.merge(out[[*key, "consensus_line"]], on=key)
    at = at[at["line"] == at["consensus_line"]]
    prob = at.groupby(key, dropna=False).agg(
        books_at_consensus=("bookmaker", "nunique"), over_prob_devig=("over_prob_devig", "mean")
    )
    out = out.merge(prob.reset_index(), on=key, how="left")
    out["books_at_consensus"] = out["books_at_consensus"].fillna(0).astype("int64")
    return out


def side(edge: pd.Series, threshold: float) -> pd.Series:
    """over / under when the edge (prediction - line) is at least ``threshold`` either way."""
    return pd.Series(
        np.select([edge >= threshold, edge <= -threshold], ["over", "under"], "no_bet"),
        index=edge.index,
    )


RESIDUAL_BANDS = [0, 10, 20, np.inf]  # predicted points; the errors widen with the prediction
QUANTILES = np.linspace(0.005, 0.995, 100)


def residual_quantiles(actual: pd.Series, predicted: pd.Series) -> dict[str, list[float]]:
    """Per band of the prediction (``RESIDUAL_BANDS``): 100 quantiles of actual - predicted.
    Computed on a walk-forward version's validation rows (its last training dates, before its
    cutoff: what is known when it predicts)."""
    band = pd.cut(predicted, RESIDUAL_BANDS, right=False)
    out = {}
    for interval, errors in (actual - predicted).groupby(band, observed=True):
        if len(errors):
            out[f"{interval.left:g}-{interval.right:g}"] = [
                round(float(v), 3) for v in np.quantile(errors, QUANTILES)
            ]
    return out


def over_probability(
    predicted: pd.Series, line: pd.Series, quantiles: dict[str, list[float]]
) -> pd.Series:
    """P(actual > line) if actual = predicted + e, with e distributed as the version's validation
    errors in the prediction's band (``residual_quantiles``): the share of those quantiles above
    line - predicted. Empirical, not normal: points errors are skewed (a player can score 20
    above his prediction, never 20 below a prediction of 8). NULL without quantiles."""
    out = pd.Series(np.nan, index=predicted.index)
    band = pd.cut(predicted, RESIDUAL_BANDS, right=False)
    for interval, index in predicted.groupby(band, observed=True).groups.items():
        r = np.sort(np.asarray(quantiles.get(f"{interval.left:g}-{interval.right:g}", [])))
        if len(r):
            need = (line.loc[index] - predicted.loc[index]).to_numpy(dtype=float)
            out.loc[index] = (len(r) - np.searchsorted(r, need, side="right")) / len(r)
    return out


def result(actual: pd.Series, line: pd.Series, played: pd.Series) -> pd.Series:
    """over / under / push against the line; void when the player did not play."""
    return pd.Series(
        np.select(
            [~played.astype(bool), actual > line, actual < line], ["void", "over", "under"], "push"
        ),
        index=actual.index,
    )


def bet_outcome(bet_side: pd.Series, outcome: pd.Series) -> pd.Series:
    """win / loss / push / void of a bet on ``bet_side``; no_bet when there was no bet."""
    settled = outcome.isin(["over", "under"])
    return pd.Series(
        np.select(
            [
                bet_side == "no_bet",
                outcome == "void",
                outcome == "push",
                settled & (bet_side == outcome),
            ],
            ["no_bet", "void", "push", "win"],
            "loss",
        ),
        index=outcome.index,
    )


def hit_rate(outcomes: pd.Series) -> float:
    """wins / (wins + losses); NaN without a settled bet."""
    wins, losses = (outcomes == "win").sum(), (outcomes == "loss").sum()
    return float(wins / (wins + losses)) if wins + losses else float("nan")


EDGE_BUCKETS = [0, 1, 2, 3, 5, np.inf]  # |edge| in points


def by_edge_bucket(results: pd.DataFrame) -> pd.DataFrame:
    """Per |edge| bucket with bets (the model bets from ``EDGE_THRESHOLD`` on): bets settled,
    wins, pushes, hit rate and the margin over the break-even at -110."""
    bets = results[results["bet_outcome"].isin(["win", "loss", "push"])]
    bucket = pd.cut(bets["edge"].abs(), EDGE_BUCKETS, right=False)
    rows = []
    for interval, group in bets.groupby(bucket, observed=True):
        rate = hit_rate(group["bet_outcome"])
        rows.append(
            {
                "edge_bucket": f"{interval.left:g}-{interval.right:g}",
                "bets": int(group["bet_outcome"].isin(["win", "loss"]).sum()),
                "wins": int((group["bet_outcome"] == "win").sum()),
                "pushes": int((group["bet_outcome"] == "push").sum()),
                "hit_rate": rate,
                "vs_break_even": rate - BREAK_EVEN if rate == rate else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def against_the_line(results: pd.DataFrame) -> dict[str, float]:
    """On the played rows that have a prediction and a line: MAE of the model, of the line and of
    the last-10 average, and how often the model (and last-10) was closer than the line."""
    played = results[(results["outcome"] != "void") & results["predicted_points"].notna()]
    played = played[played["last_10_avg"].notna()]
    actual = played["actual"].astype(float)
    err = {
        name: (played[col].astype(float) - actual).abs()
        for name, col in (
            ("model", "predicted_points"),
            ("line", "consensus_line"),
            ("last_10", "last_10_avg"),
        )
    }
    return {
        "rows": int(len(played)),
        "model_mae": float(err["model"].mean()),
        "line_mae": float(err["line"].mean()),
        "last_10_mae": float(err["last_10"].mean()),
        "model_closer_share": float((err["model"] < err["line"]).mean()),
        "last_10_closer_share": float((err["last_10"] < err["line"]).mean()),
    }
