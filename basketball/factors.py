"""Pre-game composite factors (DOMAIN.md, "player_composite_factors"), one pure function each.

Each factor is NULL when an input it needs is missing; the total adds the factors that are
present and ``completeness_pct`` says how many were (never a guessed value in their place).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ZONE_OF_PRIMARY = {"paint": "paint", "perimeter": "three", "mid_range": "mid_range"}


def fatigue(
    is_back_to_back: pd.Series,
    days_since_last_game: pd.Series,
    games_last_7_days: pd.Series,
    minutes_last_7_days: pd.Series,
    back_to_backs_last_14_days: pd.Series,
) -> pd.Series:
    """0-100: start 100; back-to-back -15, else +5 with 3+ days of rest; 4+ games in the last 7
    days -10; more than 240 minutes in the last 7 days -10; more than 35 minutes per game over the
    last 7 days -8; 2+ back-to-backs in the last 14 days -12 (exactly one: -5); clamp to 0-100.
    A player without an earlier game this season has no rest figure: no rest bonus."""
    is_back_to_back = is_back_to_back.astype(bool)
    rest = days_since_last_game.astype("float64")
    games_last_7_days = games_last_7_days.astype("float64")
    minutes_last_7_days = minutes_last_7_days.astype("float64")
    back_to_backs_last_14_days = back_to_backs_last_14_days.astype("float64")
    score = pd.Series(100.0, index=is_back_to_back.index)
    score -= np.where(is_back_to_back, 15, 0)
    score += np.where(~is_back_to_back & (rest >= 3), 5, 0)
    score -= np.where(games_last_7_days >= 4, 10, 0)
    score -= np.where(minutes_last_7_days > 240, 10, 0)
    per_game = minutes_last_7_days / games_last_7_days.where(games_last_7_days > 0)
    score -= np.where(per_game > 35, 8, 0)
    score -= np.select(
        [back_to_backs_last_14_days >= 2, back_to_backs_last_14_days == 1], [12, 5], 0
    )
    return score.clip(0, 100)


def shot_zone_mismatch(
    primary_zone: pd.Series, zone_rates: pd.DataFrame, defense_vs_league: pd.DataFrame
) -> pd.Series:
    """-10..+10: the opponent's defense-vs-league (percentage points) in the player's primary zone
    times min(zone rate / 50, 1); times 1.2 when its magnitude exceeds 5; clamped. ``zone_rates``
    and ``defense_vs_league`` have columns paint, mid_range, three. A balanced player has no
    primary zone: 0. NULL when the player's or the opponent's zone data is missing."""
    value = pd.Series(np.nan, index=primary_zone.index)
    for primary, zone in ZONE_OF_PRIMARY.items():
        rows = primary_zone == primary
        value[rows] = defense_vs_league.loc[rows, zone] * np.minimum(
            zone_rates.loc[rows, zone] / 50, 1
        )
    balanced = (primary_zone == "balanced") & defense_vs_league.notna().all(axis=1)
    value[balanced] = 0.0
    value = value.where(value.abs() <= 5, value * 1.2)
    return value.clip(-10, 10)


def pace(team_pace_l10: pd.Series, opponent_pace_l10: pd.Series) -> pd.Series:
    """-3..+3: (team's last-10 pace - opponent's last-10 pace) / 2, clamped."""
    return ((team_pace_l10 - opponent_pace_l10) / 2).clip(-3, 3)


def usage_spike(usage_l5: pd.Series, usage_season: pd.Series) -> pd.Series:
    """-3..+3: (usage over the last 5 games - season-to-date usage) * 0.3, clamped."""
    return ((usage_l5 - usage_season) * 0.3).clip(-3, 3)


def fatigue_adjustment(fatigue_score: pd.Series) -> pd.Series:
    """Fatigue on the points scale of the other factors: (score - 100) / 10, so 0 when fully
    rested and -10 at the floor. DOMAIN.md gives the 0-100 score but not this conversion; this
    is the project's choice, stated here."""
    return (fatigue_score - 100) / 10


def total_and_completeness(factors: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(sum of the factors that are present, percentage of factors present)."""
    return factors.sum(axis=1, min_count=1), factors.notna().mean(axis=1) * 100


def composite_factors(
    rolling: pd.DataFrame, zones: pd.DataFrame, teams: pd.DataFrame
) -> pd.DataFrame:
    """One row per player of ``rolling`` (player_rolling_stats rows), with the four factors."""
    keys = ["game_date", "player_id"]
    z = zones.set_index(keys)
    out = rolling[keys + ["season", "game_id", "team_abbr", "opponent_abbr", "is_bootstrap"]].copy()
    own = teams.set_index(["game_date", "team_abbr"])
    idx_player = pd.MultiIndex.from_frame(out[keys])
    idx_team = pd.MultiIndex.from_frame(out[["game_date", "team_abbr"]])
    idx_opp = pd.MultiIndex.from_frame(out[["game_date", "opponent_abbr"]])
    zone_names = ["paint", "mid_range", "three"]
    rates = pd.DataFrame(
        {n: z[f"{n}_rate"].reindex(idx_player).to_numpy() for n in zone_names}, index=out.index
    )
    vs_league = pd.DataFrame(
        {n: own[f"{n}_defense_vs_league"].reindex(idx_opp).to_numpy() for n in zone_names},
        index=out.index,
    )
    primary = pd.Series(z["primary_zone"].reindex(idx_player).to_numpy(), index=out.index)
    out["fatigue_score"] = fatigue(
        rolling["is_back_to_back"],
        rolling["days_since_last_game"],
        rolling["games_last_7_days"],
        rolling["minutes_last_7_days"],
        rolling["back_to_backs_last_14_days"],
    ).to_numpy()
    out["shot_zone_mismatch"] = shot_zone_mismatch(primary, rates, vs_league).to_numpy()
    out["pace_factor"] = pace(
        pd.Series(own["pace_l10"].reindex(idx_team).to_numpy(), index=out.index),
        pd.Series(own["pace_l10"].reindex(idx_opp).to_numpy(), index=out.index),
    ).to_numpy()
    out["usage_spike"] = usage_spike(rolling["usage_l5"], rolling["usage_season"]).to_numpy()
    factors = pd.DataFrame(
        {
            "fatigue": fatigue_adjustment(out["fatigue_score"]),
            "zone": out["shot_zone_mismatch"],
            "pace": out["pace_factor"],
            "usage": out["usage_spike"],
        }
    )
    out["total_adjustment"], out["completeness_pct"] = total_and_completeness(factors)
    out["has_zone_inputs"] = out["shot_zone_mismatch"].notna()
    out["has_pace_inputs"] = out["pace_factor"].notna()
    out["has_usage_inputs"] = out["usage_spike"].notna()
    for col in (
        "window_games_held_back",
        "history_complete",
    ):  # how complete the player's window was
        if col in rolling:
            out[col] = rolling[col].to_numpy()
    return out.reset_index(drop=True)
