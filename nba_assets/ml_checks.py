"""Checks on ``nba_ml``: feature rows and predictions per date; the model once per version.

The model's checks are evaluated inside its training step (the evaluation rows exist only
there) and are unpartitioned, like the model. ``beats_baselines`` and
``training_precedes_evaluation`` block the predictions asset (``gating.require_model``). The
predictions' and results' checks are evaluated in their own steps, which know the dates kept as
made and the dates no version was trained before."""

import dagster as dg
import pandas as pd

from asset_checks import ml_rules, thresholds
from asset_checks.emit import check_result
from asset_checks.rules import Outcome
from basketball import model
from nba_assets import keys
from nba_assets.common import check_spec, emit_checks, without_dates

FEATURE_SPECS = {
    "one_row_per_player": check_spec(
        keys.FEATURE_ROWS,
        "one_row_per_player",
        "ERROR (blocking): exactly one feature row per player of player_rolling_stats on D.",
        True,
        (keys.PLAYER_ROLLING_STATS,),
    ),
    "pre_game_values": check_spec(
        keys.FEATURE_ROWS,
        "pre_game_values",
        "ERROR (blocking): every player feature equals "
        "the leak-checked pre-game table's value for the same date and player (the target "
        "columns are the only values taken from D's box scores).",
        True,
        (keys.PLAYER_ROLLING_STATS, keys.PLAYER_COMPOSITE_FACTORS),
    ),
}
PREDICTION_SPECS = {
    "covers_feature_rows": check_spec(
        keys.PLAYER_POINTS_PREDICTIONS,
        "covers_feature_rows",
        "ERROR: exactly one prediction per feature row of D (a date before the first "
        "walk-forward version has none, and passes saying so).",
        True,
        (keys.FEATURE_ROWS,),
    ),
    "trained_before_date": check_spec(
        keys.PLAYER_POINTS_PREDICTIONS,
        "trained_before_date",
        "ERROR: every prediction's model version was trained only on dates before D (its "
        "trained_through date is on every row).",
        True,
    ),
    "value_range": check_spec(
        keys.PLAYER_POINTS_PREDICTIONS,
        "value_range",
        f"ERROR: predictions within "
        f"{thresholds.PREDICTION_RANGE[0]:g}..{thresholds.PREDICTION_RANGE[1]:g} points.",
        True,
    ),
}
RESULT_SPECS = {
    "grades_every_prediction": check_spec(
        keys.PREDICTION_RESULTS,
        "grades_every_prediction",
        "ERROR: once D is final, exactly one result per prediction of D, with the prediction "
        "as made (same value, version and time); a date not final yet passes, empty.",
        True,
        (keys.PLAYER_POINTS_PREDICTIONS,),
    ),
}
MODEL_SPECS = {
    "beats_baselines": dg.AssetCheckSpec(
        "beats_baselines",
        asset=keys.POINTS_MODEL,
        blocking=True,
        description="ERROR (blocks predictions): the model's MAE is below every baseline's "
        "(last-10, season, blend) in both populations, on the same evaluation rows.",
    ),
    "training_precedes_evaluation": dg.AssetCheckSpec(
        "training_precedes_evaluation",
        asset=keys.POINTS_MODEL,
        blocking=True,
        description="ERROR (blocks predictions): every walk-forward version's training and "
        "validation dates precede the first date it predicts.",
    ),
    "train_eval_mae_gap": dg.AssetCheckSpec(
        "train_eval_mae_gap",
        asset=keys.POINTS_MODEL,
        blocking=False,
        description="WARN: evaluation MAE more than "
        f"{100 * thresholds.MAX_TRAIN_EVAL_MAE_GAP:.0f}% above training MAE.",
    ),
}


def blocking_model_check_keys() -> list[dg.AssetCheckKey]:
    return [s.key for s in MODEL_SPECS.values() if s.blocking]


def model_results(context, versions: list[dict], evaluation: pd.DataFrame, train_mae: float):
    all_played = evaluation[
        (evaluation["population"] == "all_played") & (evaluation["predictor"] == "model")
    ]
    outcomes = {
        "beats_baselines": ml_rules.beats_baselines(evaluation),
        "training_precedes_evaluation": ml_rules.versions_precede_their_dates(versions),
        "train_eval_mae_gap": ml_rules.train_eval_gap(train_mae, float(all_played["mae"].iloc[0])),
    }
    for name, o in outcomes.items():
        yield check_result(keys.POINTS_MODEL, name, o)


def prediction_checks(
    context, table: pd.DataFrame, rows: pd.DataFrame, held: set[str], unmodelled: dict[str, str]
):
    """The predictions' checks of the run's dates; a date before the first version passes."""
    dates = list(context.partition_keys)
    covers = ml_rules.one_row_per_player(
        table, without_dates(rows, unmodelled), dates, "player_points_predictions"
    )
    for d, why in unmodelled.items():
        covers[d] = Outcome(True, covers[d].severity, why, {})
    yield from emit_checks(
        context,
        PREDICTION_SPECS,
        {
            "covers_feature_rows": covers,
            "trained_before_date": ml_rules.trained_before_date(table, dates),
            "value_range": ml_rules.predictions_in_range(table, dates),
        },
        held_back={keys.PLAYER_POINTS_PREDICTIONS: held},
    )


def result_checks(context, results: pd.DataFrame, predictions: pd.DataFrame, held: set[str]):
    dates = list(context.partition_keys)
    yield from emit_checks(
        context,
        RESULT_SPECS,
        {
            "grades_every_prediction": ml_rules.graded_as_made(results, predictions, dates),
        },
        held_back={keys.PREDICTION_RESULTS: held},
    )


@dg.multi_asset_check(
    specs=list(FEATURE_SPECS.values()),
    name="feature_rows_checks",
    ins={
        "table": dg.AssetIn(keys.FEATURE_ROWS),
        "rolling": dg.AssetIn(keys.PLAYER_ROLLING_STATS),
        "factors": dg.AssetIn(keys.PLAYER_COMPOSITE_FACTORS),
    },
)
def feature_rows_checks(
    context: dg.AssetCheckExecutionContext,
    table: pd.DataFrame,
    rolling: pd.DataFrame,
    factors: pd.DataFrame,
):
    dates = list(context.partition_keys)
    source = rolling.merge(
        factors.drop(
            columns=[c for c in factors.columns if c in rolling.columns and c not in ml_rules.KEY]
        ),
        on=ml_rules.KEY,
        how="left",
    )
    columns = [c for c in model.FEATURES if c in source.columns]
    yield from emit_checks(
        context,
        FEATURE_SPECS,
        {
            "one_row_per_player": ml_rules.one_row_per_player(
                table, rolling, dates, "feature_rows"
            ),
            "pre_game_values": ml_rules.same_values(table, source, columns, dates, "feature_rows"),
        },
    )


CHECKS = [feature_rows_checks]
