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

from asset_checks import thresholds
from basketball import model
from nba_assets import contracts, keys, ml_checks
from nba_assets.common import (
    TABLE_KINDS,
    gate_results,
    report_per_date,
    table_asset_args,
    without_dates,
)
from nba_assets.gating import Lineage, UpstreamCheckFailed, held_back, require_model, unreadable
from nba_assets.history import ALL, load, per_date_history
from nba_assets.partitions import known_dates
from resources.model_store import ModelStore
from resources.warehouse import Warehouse

FEATURE_ROWS = contracts.feature_rows_contract(model.FEATURES)
PRE_GAME_TABLES = (
    keys.PLAYER_ROLLING_STATS,
    keys.PLAYER_COMPOSITE_FACTORS,
    keys.PLAYER_SHOT_ZONE_ANALYSIS,
    keys.TEAM_DEFENSE_ZONE_ANALYSIS,
)


@dg.asset(
    **table_asset_args(
        keys.FEATURE_ROWS,
        FEATURE_ROWS,
        "Per player of D's games: the model's pre-game features (the nba_precompute tables of D, "
        "and form across seasons from every readable game before D) and, once D is played, the "
        "target points and minutes. Missing inputs stay NULL.",
    ),
    ins={
        "rolling_stats": dg.AssetIn(keys.PLAYER_ROLLING_STATS),
        "factors": dg.AssetIn(keys.PLAYER_COMPOSITE_FACTORS),
        "zones": dg.AssetIn(keys.PLAYER_SHOT_ZONE_ANALYSIS),
        "teams": dg.AssetIn(keys.TEAM_DEFENSE_ZONE_ANALYSIS),
    },
    deps=[keys.PLAYER_GAME_SUMMARY, keys.TEAM_OFFENSE_GAME_SUMMARY],
)
def feature_rows(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    lineage: Lineage,
    rolling_stats: pd.DataFrame,
    factors: pd.DataFrame,
    zones: pd.DataFrame,
    teams: pd.DataFrame,
):
    history_tables = {
        keys.PLAYER_GAME_SUMMARY: contracts.PLAYER_GAME_SUMMARY,
        keys.TEAM_OFFENSE_GAME_SUMMARY: contracts.TEAM_OFFENSE_GAME_SUMMARY,
    }
    held = held_back(context, PRE_GAME_TABLES)  # the history tables' own dates are read by ``load``
    history = load(context, warehouse, history_tables, list(context.partition_keys), ALL)
    for d, why in history.held.items():
        held.setdefault(d, why)
    held = dict(sorted(held.items()))
    frame = model.feature_rows(
        *(without_dates(f, held) for f in (rolling_stats, factors, zones, teams)),
        history.frames[keys.PLAYER_GAME_SUMMARY],
        history.frames[keys.TEAM_OFFENSE_GAME_SUMMARY],
    )
    report_per_date(
        context,
        frame,
        per_date_history(history, list(context.partition_keys)),
        held,
        played=lambda f: (f["minutes_played"] > 0).sum(),
    )
    yield dg.Output(frame)
    yield from gate_results(context, keys.FEATURE_ROWS, held)


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
    outs={
        "points_model": dg.AssetOut(
            key=keys.POINTS_MODEL,
            dagster_type=dg.Nothing,
            group_name=keys.ML,
            kinds={"xgboost"},
            description="XGBoost points regressor: trained on every date before the latest "
            "season, early-stopped on the last training dates, evaluated on the "
            "latest season. Booster and model card in the model store.",
        ),
        "model_evaluation": dg.AssetOut(
            key=keys.MODEL_EVALUATION,
            group_name=keys.ML,
            kinds=TABLE_KINDS,
            metadata={"dagster/column_schema": contracts.MODEL_EVALUATION},
            description="The model and each baseline on exactly the same rows of the "
            "latest season, per population.",
        ),
    },
    ins={"rows": dg.AssetIn(keys.FEATURE_ROWS)},
    check_specs=list(ml_checks.MODEL_SPECS.values()),
)
def points_model(
    context: dg.AssetExecutionContext,
    config: PointsModelConfig,
    model_store: ModelStore,
    lineage: Lineage,
    rows: pd.DataFrame,
):
    seasons = sorted(rows.loc[rows["minutes_played"] > 0, "season"].unique())
    if len(seasons) < 2:
        raise UpstreamCheckFailed(
            f"model not trained: needs an earlier season (played games only in "
            f"{', '.join(map(str, seasons)) or 'no season'})"
        )
    rows, left_out = training_rows(context, rows)
    split = model.split_by_date(rows, config.valid_share)
    booster = model.train(split, config.params(), config.num_boost_round)
    evaluation = model.evaluate(booster, split)
    blob = model.booster_bytes(booster)
    trained_at = datetime.now(timezone.utc)
    version = f"{trained_at:%Y%m%dT%H%M%SZ}-{sha256(blob).hexdigest()[:10]}"
    train_mae = model.scores(
        split.train["points"].astype(float), model.predict(booster, split.train)
    )["mae"]
    card = model.ModelCard(
        version=version,
        trained_at=trained_at.isoformat(),
        train_dates=_span(split.train),
        valid_dates=_span(split.valid),
        test_season=split.test_season,
        hyperparameters={
            **config.params(),
            "num_boost_round": config.num_boost_round,
            "best_iteration": booster.best_iteration,
        },
        metrics=[{**r, "train_mae": train_mae} for r in evaluation.to_dict("records")],
        dates_left_out=left_out,
    )
    location = model_store.save(version, {"booster.json": blob, "model_card.json": card.to_json()})
    context.log.info(f"points model {version} saved to {location}")
    importance = model.feature_importance(booster)
    breakdown = model.error_breakdown(booster, split)
    yield dg.Output(
        None,
        "points_model",
        metadata={
            "model_version": version,
            "location": location,
            "test_season": split.test_season,
            "train_dates": " .. ".join(card.train_dates),
            "valid_dates": " .. ".join(card.valid_dates),
            "train_rows": len(split.train),
            "valid_rows": len(split.valid),
            "best_iteration": booster.best_iteration,
            "train_mae": train_mae,
            **{
                f"{p}_pct_below_last_10": v
                for p, v in model.improvement_over(evaluation, "last_10_avg").items()
            },
            "evaluation": dg.MetadataValue.md(
                model.markdown(evaluation.drop(columns="test_season"))
            ),
            "feature_importance": dg.MetadataValue.md(
                model.markdown(importance.drop(columns="gain"), 2)
            ),
            "error_breakdown": dg.MetadataValue.md(model.markdown(breakdown)),
            "dates_left_out": len(left_out),
            "dates_left_out_why": dg.MetadataValue.md(
                model.markdown(
                    pd.DataFrame({"date": list(left_out), "why": list(left_out.values())})
                )
                if left_out
                else "none"
            ),
            "model_card": dg.MetadataValue.json(json.loads(card.to_json())),
        },
    )
    yield dg.Output(
        evaluation.assign(model_version=version),
        "model_evaluation",
        metadata={"dagster/row_count": len(evaluation), "model_version": version},
    )
    yield from ml_checks.model_results(context, split, evaluation, train_mae)


def training_rows(
    context: dg.AssetExecutionContext, rows: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The feature rows of every readable date, and the dates left out with why. Refuses when more
    than ``MAX_DATES_LEFT_OUT_SHARE`` of the dates are left out."""
    all_keys = known_dates(context.instance)
    left_out = unreadable(context.instance, context.resources.lineage, keys.FEATURE_ROWS, all_keys)
    share = len(left_out) / max(len(all_keys), 1)
    if share > thresholds.MAX_DATES_LEFT_OUT_SHARE:
        first = next(iter(left_out.items()))
        raise UpstreamCheckFailed(
            f"model not trained: {len(left_out)} of {len(all_keys)} dates ({share:.1%}) have no "
            "readable feature rows "
            f"(limit {thresholds.MAX_DATES_LEFT_OUT_SHARE:.0%}); first: {first[0]}: {first[1]}"
        )
    if left_out:
        context.log.warning(
            f"training leaves out {len(left_out)} date(s): "
            + "; ".join(f"{d}: {w}" for d, w in list(left_out.items())[:10])
        )
    return without_dates(rows, left_out), left_out


def _span(frame: pd.DataFrame) -> tuple[str, str]:
    dates = pd.to_datetime(frame["game_date"])
    return str(dates.min().date()), str(dates.max().date())


@dg.asset(
    **table_asset_args(
        keys.PLAYER_POINTS_PREDICTIONS,
        contracts.PLAYER_POINTS_PREDICTIONS,
        "Per player of D's games: predicted points from the current points_model version (from "
        "D's pre-game feature rows), and once D is played the actual points and the error.",
    ),
    ins={"rows": dg.AssetIn(keys.FEATURE_ROWS)},
    deps=[keys.POINTS_MODEL],
)
def player_points_predictions(
    context: dg.AssetExecutionContext, model_store: ModelStore, lineage: Lineage, rows: pd.DataFrame
):
    held = held_back(context, [keys.FEATURE_ROWS])
    version = require_model(context, keys.POINTS_MODEL, ml_checks.blocking_model_check_keys())
    card = json.loads(model_store.read(version, "model_card.json"))
    booster = model.load_booster(model_store.read(version, "booster.json"))
    frame = model.predictions(booster, without_dates(rows, held), version, card["valid_dates"][1])
    report_per_date(
        context, frame, held=held, in_training_period=lambda f: f["in_training_period"].sum()
    )
    yield dg.Output(frame)
    yield from gate_results(context, keys.PLAYER_POINTS_PREDICTIONS, held)


def definitions() -> dg.Definitions:
    """This layer's assets and their checks (``nba_assets/definitions.py`` merges the layers)."""
    return dg.Definitions(
        assets=[feature_rows, points_model, player_points_predictions],
        asset_checks=ml_checks.CHECKS,
    )
