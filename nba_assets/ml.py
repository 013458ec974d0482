"""``nba_ml``: feature rows, the points model, its evaluation and per-date predictions.

``feature_rows`` and ``player_points_predictions`` are partitioned by game date like every table.
``points_model`` (with its ``model_evaluation`` table) is unpartitioned: it reads every date's
feature rows, trains on the seasons before the latest one and evaluates on the latest, so one
materialization is one model version (booster and card in the model store, the version in the
materialization's metadata). Predictions use the model version of the latest ``points_model``
materialization, and only while its blocking checks (beats every baseline, training precedes
evaluation) passed.
"""

import json
from datetime import datetime, timezone
from hashlib import sha256

import dagster as dg
import pandas as pd

from asset_checks import blocking_check_keys, ml_checks
from nba_assets import contracts, keys
from nba_assets.basketball import model
from nba_assets.common import report_per_date, table_asset_args
from nba_assets.gating import require_history, require_model, require_upstream_checks_passed
from nba_assets.partitions import ALL_HISTORY, game_days
from resources.model_store import ModelStore

GROUP = "nba_ml"
FEATURE_ROWS = contracts.feature_rows_contract(model.FEATURES)
PRE_GAME_TABLES = (keys.PLAYER_ROLLING_STATS, keys.PLAYER_COMPOSITE_FACTORS, keys.PLAYER_SHOT_ZONE_ANALYSIS,
                   keys.TEAM_DEFENSE_ZONE_ANALYSIS)


@dg.asset(**table_asset_args(keys.FEATURE_ROWS, FEATURE_ROWS,
                             "Per player of D's games: the model's pre-game features (the nba_precompute tables of D, "
                             "and form across seasons from every game before D) and, once D is played, the target "
                             "points and minutes. Missing inputs stay NULL.",
                             GROUP),
          ins={"rolling_stats": dg.AssetIn(keys.PLAYER_ROLLING_STATS),
               "factors": dg.AssetIn(keys.PLAYER_COMPOSITE_FACTORS),
               "zones": dg.AssetIn(keys.PLAYER_SHOT_ZONE_ANALYSIS),
               "teams": dg.AssetIn(keys.TEAM_DEFENSE_ZONE_ANALYSIS),
               "players": dg.AssetIn(keys.PLAYER_GAME_SUMMARY, partition_mapping=ALL_HISTORY),
               "team_games": dg.AssetIn(keys.TEAM_OFFENSE_GAME_SUMMARY, partition_mapping=ALL_HISTORY)})
def feature_rows(context: dg.AssetExecutionContext, rolling_stats: pd.DataFrame, factors: pd.DataFrame,
                 zones: pd.DataFrame, teams: pd.DataFrame, players: pd.DataFrame,
                 team_games: pd.DataFrame) -> pd.DataFrame:
    require_upstream_checks_passed(context, blocking_check_keys(*PRE_GAME_TABLES))
    history = [k for k in game_days.get_partition_keys() if k <= context.partition_keys[-1]]
    require_history(context, [keys.PLAYER_GAME_SUMMARY, keys.TEAM_OFFENSE_GAME_SUMMARY],
                    blocking_check_keys(keys.PLAYER_GAME_SUMMARY, keys.TEAM_OFFENSE_GAME_SUMMARY), history)
    frame = model.feature_rows(rolling_stats, factors, zones, teams, players, team_games)
    report_per_date(context, frame, played=lambda f: (f["minutes_played"] > 0).sum())
    return frame


class PointsModelConfig(dg.Config):
    """XGBoost hyperparameters (defaults: ``model.DEFAULT_PARAMS``) and the validation share."""

    learning_rate: float = model.DEFAULT_PARAMS["learning_rate"]
    max_depth: int = model.DEFAULT_PARAMS["max_depth"]
    min_child_weight: float = model.DEFAULT_PARAMS["min_child_weight"]
    subsample: float = model.DEFAULT_PARAMS["subsample"]
    colsample_bytree: float = model.DEFAULT_PARAMS["colsample_bytree"]
    reg_lambda: float = model.DEFAULT_PARAMS["reg_lambda"]
    seed: int = model.DEFAULT_PARAMS["seed"]
    num_boost_round: int = model.DEFAULT_ROUNDS
    valid_share: float = 0.1

    def params(self) -> dict:
        return {k: getattr(self, k) for k in model.DEFAULT_PARAMS}


@dg.multi_asset(
    outs={"points_model": dg.AssetOut(key=keys.POINTS_MODEL, dagster_type=dg.Nothing, group_name=GROUP,
                                      kinds={"xgboost"},
                                      description="XGBoost points regressor: trained on every date before the latest "
                                                  "season, early-stopped on the last training dates, evaluated on the "
                                                  "latest season. Booster and model card in the model store."),
          "model_evaluation": dg.AssetOut(key=keys.MODEL_EVALUATION, group_name=GROUP, kinds={"pandas", "duckdb"},
                                          metadata={"dagster/column_schema": contracts.MODEL_EVALUATION},
                                          description="The model and each baseline on exactly the same rows of the "
                                                      "latest season, per population.")},
    ins={"rows": dg.AssetIn(keys.FEATURE_ROWS)},
    check_specs=list(ml_checks.MODEL_SPECS.values()),
)
def points_model(context: dg.AssetExecutionContext, config: PointsModelConfig, model_store: ModelStore,
                 rows: pd.DataFrame):
    all_keys = game_days.get_partition_keys()
    require_history(context, [keys.FEATURE_ROWS], blocking_check_keys(keys.FEATURE_ROWS), all_keys)
    split = model.split_by_date(rows, config.valid_share)
    booster = model.train(split, config.params(), config.num_boost_round)
    evaluation = model.evaluate(booster, split)
    blob = model.booster_bytes(booster)
    trained_at = datetime.now(timezone.utc)
    version = f"{trained_at:%Y%m%dT%H%M%SZ}-{sha256(blob).hexdigest()[:10]}"
    train_mae = model.scores(split.train["points"].astype(float), model.predict(booster, split.train))["mae"]
    card = model.ModelCard(
        version=version, trained_at=trained_at.isoformat(), train_dates=_span(split.train), valid_dates=_span(split.valid),
        test_season=split.test_season, hyperparameters={**config.params(), "num_boost_round": config.num_boost_round,
                                                        "best_iteration": booster.best_iteration},
        metrics=[{**r, "train_mae": train_mae} for r in evaluation.to_dict("records")])
    location = model_store.save(version, {"booster.json": blob, "model_card.json": card.to_json()})
    context.log.info(f"points model {version} saved to {location}")
    importance = model.feature_importance(booster)
    breakdown = model.error_breakdown(booster, split)
    yield dg.Output(None, "points_model", metadata={
        "model_version": version, "location": location, "test_season": split.test_season,
        "train_dates": " .. ".join(card.train_dates), "valid_dates": " .. ".join(card.valid_dates),
        "train_rows": len(split.train), "valid_rows": len(split.valid), "best_iteration": booster.best_iteration,
        "train_mae": train_mae,
        **{f"{p}_pct_below_last_10": v for p, v in model.improvement_over(evaluation, "last_10_avg").items()},
        "evaluation": dg.MetadataValue.md(model.markdown(evaluation.drop(columns="test_season"))),
        "feature_importance": dg.MetadataValue.md(model.markdown(importance.drop(columns="gain"), 2)),
        "error_breakdown": dg.MetadataValue.md(model.markdown(breakdown)),
        "model_card": dg.MetadataValue.json(json.loads(card.to_json())),
    })
    yield dg.Output(evaluation.assign(model_version=version), "model_evaluation",
                    metadata={"dagster/row_count": len(evaluation), "model_version": version})
    yield from ml_checks.model_results(context, split, evaluation, train_mae)


def _span(frame: pd.DataFrame) -> tuple[str, str]:
    dates = pd.to_datetime(frame["game_date"])
    return str(dates.min().date()), str(dates.max().date())


@dg.asset(**table_asset_args(keys.PLAYER_POINTS_PREDICTIONS, contracts.PLAYER_POINTS_PREDICTIONS,
                             "Per player of D's games: predicted points from the current points_model version (from "
                             "D's pre-game feature rows), and once D is played the actual points and the error.",
                             GROUP),
          ins={"rows": dg.AssetIn(keys.FEATURE_ROWS)}, deps=[keys.POINTS_MODEL])
def player_points_predictions(context: dg.AssetExecutionContext, model_store: ModelStore,
                              rows: pd.DataFrame) -> pd.DataFrame:
    require_upstream_checks_passed(context, blocking_check_keys(keys.FEATURE_ROWS))
    version = require_model(context, keys.POINTS_MODEL, ml_checks.blocking_model_check_keys())
    card = json.loads(model_store.read(version, "model_card.json"))
    booster = model.load_booster(model_store.read(version, "booster.json"))
    frame = model.predictions(booster, rows, version, card["valid_dates"][1])
    report_per_date(context, frame, in_training_period=lambda f: f["in_training_period"].sum())
    return frame
