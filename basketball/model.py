"""Points model math (DOMAIN.md, "The model"): feature rows, a date split, baselines, XGBoost
training and an evaluation where every predictor is scored on exactly the same rows. No Dagster.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import xgboost as xgb

from basketball import form, rolling

FEATURES = [
    *rolling.ROLLING_COLUMNS,
    "games_played_season",
    "days_since_last_game",
    "is_back_to_back",
    "games_last_7_days",
    "minutes_last_7_days",
    "back_to_backs_last_14_days",
    "is_home",
    "fatigue_score",
    "shot_zone_mismatch",
    "pace_factor",
    "usage_spike",
    "total_adjustment",
    "paint_rate",
    "mid_range_rate",
    "three_rate",
    "opp_defensive_rating_l15",
    "opp_pace_l10",
    "own_pace_l10",
    "own_offensive_rating_l10",
    *form.FEATURES,
]
BASELINES = {
    "last_10_avg": lambda f: f["points_l10"],
    "season_avg": lambda f: f["points_season"],
    "blend_l5_l10_season": lambda f: 0.35 * f["points_l5"]
    + 0.40 * f["points_l10"]
    + 0.25 * f["points_season"],
}
ROTATION_MINUTES_L10 = 20


def feature_rows(
    rolling: pd.DataFrame,
    factors: pd.DataFrame,
    zones: pd.DataFrame,
    teams: pd.DataFrame,
    players: pd.DataFrame,
    team_offense: pd.DataFrame,
) -> pd.DataFrame:
    """One row per player of D's games: pre-game features of D (the pre-game tables' values of D
    and ``form.form_features`` from ``players``/``team_offense`` history), and D's points and
    minutes as the target (NULL until played). Missing inputs stay NULL (XGBoost treats them as
    missing)."""
    keys = ["game_date", "player_id"]
    out = rolling.merge(
        factors[
            keys
            + [
                "fatigue_score",
                "shot_zone_mismatch",
                "pace_factor",
                "usage_spike",
                "total_adjustment",
                "completeness_pct",
            ]
        ],
        on=keys,
        how="left",
    )
    out = out.merge(
        zones[keys + ["paint_rate", "mid_range_rate", "three_rate"]], on=keys, how="left"
    )
    t = teams.set_index(["game_date", "team_abbr"])
    opp = pd.MultiIndex.from_frame(out[["game_date", "opponent_abbr"]])
    own = pd.MultiIndex.from_frame(out[["game_date", "team_abbr"]])
    out["opp_defensive_rating_l15"] = t["defensive_rating_l15"].reindex(opp).to_numpy()
    out["opp_pace_l10"] = t["pace_l10"].reindex(opp).to_numpy()
    out["own_pace_l10"] = t["pace_l10"].reindex(own).to_numpy()
    out["own_offensive_rating_l10"] = t["offensive_rating_l10"].reindex(own).to_numpy()
    keys_ = ["game_date", "player_id", "season", "team_abbr", "opponent_abbr"]
    out = pd.concat([out, form.form_features(players, team_offense, out[keys_])], axis=1)
    target = players[["game_date", "player_id", "game_id", "points", "minutes_played"]]
    out = out.merge(
        target.assign(game_date=target["game_date"].astype(out["game_date"].dtype)),
        on=["game_date", "player_id", "game_id"],
        how="left",
    )
    flags = [
        c for c in ("window_games_held_back", "history_complete") if c in out
    ]  # set by the assets
    return out[
        keys
        + [
            "season",
            "game_id",
            "team_abbr",
            "opponent_abbr",
            "player_name",
            "is_bootstrap",
            *[c for c in FEATURES if c not in ("is_home",)],
            "is_home",
            "completeness_pct",
            *flags,
            "points",
            "minutes_played",
        ]
    ]


@dataclass(frozen=True)
class Split:
    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame
    test_season: int


def matrix(rows: pd.DataFrame) -> np.ndarray:
    return rows[FEATURES].astype("float64").to_numpy()


DEFAULT_PARAMS = {
    "learning_rate": 0.03,
    "max_depth": 4,
    "min_child_weight": 50,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
    "seed": 7,
}
DEFAULT_ROUNDS, EARLY_STOPPING_ROUNDS = 1500, 50
# walk-forward versions trained at once, one XGBoost thread each: on 2 cores two single-threaded
# trainings take 6.1 s where two two-threaded ones in turn take 7.8 s (same boosters, measured)
PARALLEL_TRAININGS = 2


def train(split: Split, params: dict | None = None, rounds: int = DEFAULT_ROUNDS) -> xgb.Booster:
    """An XGBoost booster on the training rows (absolute error), early-stopped on the validation
    slice; seeded and single-threaded-deterministic (``hist``)."""
    train_m = xgb.DMatrix(
        matrix(split.train), label=split.train["points"].astype(float), feature_names=FEATURES
    )
    valid_m = xgb.DMatrix(
        matrix(split.valid), label=split.valid["points"].astype(float), feature_names=FEATURES
    )
    config = {
        "objective": "reg:absoluteerror",
        "tree_method": "hist",
        "nthread": 2,
        **DEFAULT_PARAMS,
        **(params or {}),
    }
    return xgb.train(
        config,
        train_m,
        num_boost_round=rounds,
        evals=[(valid_m, "valid")],
        early_stopping_rounds=EARLY_STOPPING_ROUNDS,
        verbose_eval=False,
    )


def predict(booster: xgb.Booster, rows: pd.DataFrame) -> pd.Series:
    """Predicted points, floored at 0: the absolute-error trees can land a fraction below zero for
    a player who rarely scores, and a negative points prediction is never better than 0."""
    best = getattr(booster, "best_iteration", None)
    window = (0, best + 1) if best is not None else (0, 0)
    values = booster.predict(
        xgb.DMatrix(matrix(rows), feature_names=FEATURES), iteration_range=window
    )
    return pd.Series(values, index=rows.index).clip(lower=0.0)


def scores(actual: pd.Series, predicted: pd.Series) -> dict[str, float]:
    err = (predicted - actual).abs()
    return {
        "n_rows": int(len(err)),
        "mae": float(err.mean()),
        "rmse": float(np.sqrt(((predicted - actual) ** 2).mean())),
        "within_3_pct": float((err <= 3).mean() * 100),
        "within_5_pct": float((err <= 5).mean() * 100),
    }


def evaluation_rows(test: pd.DataFrame) -> pd.DataFrame:
    """Test rows every baseline can score (a player's first game of the season has no average)."""
    return test[test[["points_l5", "points_l10", "points_season"]].notna().all(axis=1)]


def evaluate_predictions(rows: pd.DataFrame, predicted: pd.Series, season: int) -> pd.DataFrame:
    """One row per (population, predictor): the model's ``predicted`` points (a walk-forward
    series of versions) and every baseline on exactly the same ``evaluation_rows``."""
    predictions = {"model": predicted, **{name: f(rows) for name, f in BASELINES.items()}}
    populations = {
        "all_played": rows.index,
        "rotation": rows.index[rows["minutes_l10"] >= ROTATION_MINUTES_L10],
    }
    out = []
    for population, index in populations.items():
        actual = rows.loc[index, "points"].astype(float)
        for predictor, values in predictions.items():
            out.append(
                {
                    "test_season": season,
                    "population": population,
                    "predictor": predictor,
                    **scores(actual, values.loc[index].astype(float)),
                }
            )
    return pd.DataFrame(out)


def improvement_over(evaluation: pd.DataFrame, baseline: str) -> dict[str, float]:
    """Per population: how much lower the model's MAE is than ``baseline``'s, in percent."""
    mae = evaluation.pivot(index="population", columns="predictor", values="mae")
    return {p: float(100 * (1 - mae.loc[p, "model"] / mae.loc[p, baseline])) for p in mae.index}


PREDICTION_KEYS = [
    "game_date",
    "player_id",
    "season",
    "game_id",
    "team_abbr",
    "opponent_abbr",
    "player_name",
]


def predictions(
    booster: xgb.Booster, rows: pd.DataFrame, version: str, cutoff: str, trained_through: str
) -> pd.DataFrame:
    """Predicted points for every feature row by one walk-forward version (first predicted date
    ``cutoff``, last training or validation date ``trained_through``)."""
    out = rows[PREDICTION_KEYS].copy()
    out["model_version"] = version
    out["model_cutoff"] = pd.Timestamp(cutoff)
    out["trained_through"] = pd.Timestamp(trained_through)
    out["predicted_points"] = (
        predict(booster, rows).astype(float) if len(rows) else pd.Series(dtype=float)
    )
    return out.reset_index(drop=True)


def feature_importance(booster: xgb.Booster) -> pd.DataFrame:
    """Total gain per feature, as a share of all gain (features never split on get 0)."""
    gain = booster.get_score(importance_type="total_gain")
    out = pd.DataFrame({"feature": FEATURES, "gain": [float(gain.get(f, 0.0)) for f in FEATURES]})
    out["share_pct"] = 100 * out["gain"] / out["gain"].sum()
    return out.sort_values("share_pct", ascending=False).reset_index(drop=True)


def weekly_errors(rows: pd.DataFrame, predicted: pd.Series) -> pd.DataFrame:
    """Per week (from Monday, the weekly retrain's day) of the evaluation rows: their number and
    the MAE of the model's ``predicted`` points and of every baseline on exactly those rows."""
    actual = rows["points"].astype(float)
    predictions = {"model": predicted, **{name: f(rows) for name, f in BASELINES.items()}}
    errors = pd.DataFrame({n: (v.astype(float) - actual).abs() for n, v in predictions.items()})
    week = pd.to_datetime(rows["game_date"]).dt.to_period("W-SUN").dt.start_time.rename("week")
    out = errors.groupby(week).mean()
    out.insert(0, "n_rows", errors.groupby(week).size())
    return out.reset_index()


MINUTES_BANDS = [0, 10, 20, 30, 60]
POINTS_BANDS = [0, 5, 10, 20, 30, 100]


def error_breakdown(rows: pd.DataFrame, predicted: pd.Series) -> pd.DataFrame:
    """Model and last-10 MAE on the evaluation rows by the player's last-10 minutes band and by the
    points actually scored (the latter shows where the error sits, it is not a pre-game split)."""
    errors = pd.DataFrame(
        {
            "model": (predicted - rows["points"]).abs(),
            "last_10_avg": (rows["points_l10"] - rows["points"]).abs(),
        }
    )
    out = []
    for by, values, bands in (
        ("minutes_l10", rows["minutes_l10"], MINUTES_BANDS),
        ("actual_points", rows["points"].astype(float), POINTS_BANDS),
    ):
        band = pd.cut(values, bands, right=False)
        for interval, group in errors.groupby(band, observed=True):
            out.append(
                {
                    "by": by,
                    "band": f"[{interval.left:g}, {interval.right:g})",
                    "n_rows": len(group),
                    "model_mae": float(group["model"].mean()),
                    "last_10_mae": float(group["last_10_avg"].mean()),
                }
            )
    return pd.DataFrame(out)


def markdown(frame: pd.DataFrame, digits: int = 3, column_digits: dict | None = None) -> str:
    """A frame as a markdown table (pandas' ``to_markdown`` needs ``tabulate``): floats with
    ``digits`` decimals, or ``column_digits[column]`` for the columns it names."""
    places = [(column_digits or {}).get(c, digits) for c in frame.columns]

    def cell(v, n):
        return f"{v:.{n}f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += [
        "| " + " | ".join(cell(v, n) for v, n in zip(row, places, strict=True)) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join(lines)


def booster_bytes(booster: xgb.Booster) -> bytes:
    return bytes(booster.save_raw("json"))


def load_booster(data: bytes) -> xgb.Booster:
    booster = xgb.Booster()
    booster.load_model(bytearray(data))
    return booster


@dataclass
class ModelCard:
    version: str
    trained_at: str
    train_dates: tuple[str, str]
    valid_dates: tuple[str, str]
    test_season: int
    cutoff: str = ""  # walk-forward: the first date this version predicts (trained before it)
    predicts_until: str | None = None  # the next version's cutoff (None: open-ended)
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    hyperparameters: dict = field(default_factory=dict)
    metrics: list[dict] = field(default_factory=list)
    dates_left_out: dict[str, str] = field(
        default_factory=dict
    )  # date -> why its feature rows were not used

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, default=str).encode()
