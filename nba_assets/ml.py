"""``nba_ml``: feature rows, predictions and their grading (the walk-forward points models are
``nba_assets/points_model.py``).

``feature_rows``, ``player_points_predictions`` and ``prediction_results`` are partitioned by game
date like every table; their population is D's expected roster, so tonight's slate is predicted
before it is played. A prediction of D uses the walk-forward version whose cutoff is the latest
on or before D (trained only on dates before it), and only while the model's blocking checks
passed.

Predictions are kept as made: once a date's slate has started (noon in New York), a date that
already has predictions is never predicted again (a rebuild writes the stored rows back
unchanged), so a later model, a repaired box score or a grading run cannot move them; before
that, a rerun of the morning (new injury news, a new model) replaces them.
``prediction_results`` grades them once D's games are final.
"""

from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from asset_checks.rules import day
from basketball import grading, model, walk_forward
from nba_assets import contracts, keys, ml_checks
from nba_assets.common import (
    gate_results,
    kept_as_made,
    not_final,
    report_per_date,
    table_asset_args,
    without_dates,
)
from nba_assets.gating import Lineage, held_back, require_model
from nba_assets.history import ALL, load, per_date_history
from nba_assets.points_model import points_model
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
        "Per expected player of D's games: the model's pre-game features (the nba_precompute "
        "tables of D, and form across seasons from every readable game before D) and, once D is "
        "played, the target points and minutes. Missing inputs stay NULL.",
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


@dg.asset(
    **table_asset_args(
        keys.PLAYER_POINTS_PREDICTIONS,
        contracts.PLAYER_POINTS_PREDICTIONS,
        "Per expected player of D: predicted points, by the walk-forward version trained before "
        "D (its id, cutoff and last training date on every row), from D's pre-game feature rows. "
        "Kept as made: once D's slate has started (noon ET), a date already predicted is written "
        "back unchanged.",
        ml_checks.PREDICTION_SPECS.values(),
    ),
    ins={"rows": dg.AssetIn(keys.FEATURE_ROWS)},
    deps=[keys.POINTS_MODEL],
)
def player_points_predictions(
    context: dg.AssetExecutionContext,
    model_store: ModelStore,
    warehouse: Warehouse,
    lineage: Lineage,
    rows: pd.DataFrame,
):
    held = held_back(context, [keys.FEATURE_ROWS])
    versions = require_model(context, keys.POINTS_MODEL, ml_checks.blocking_model_check_keys())
    dates = list(context.partition_keys)
    now = datetime.now(timezone.utc)
    kept, kept_rows = kept_as_made(
        warehouse,
        keys.PLAYER_POINTS_PREDICTIONS,
        contracts.PLAYER_POINTS_PREDICTIONS,
        dates,
        held,
        now,
    )
    by_date = dict(tuple(rows.groupby(day(rows["game_date"])))) if len(rows) else {}
    by_version, notes = {}, {}  # the dates each version predicts, one prediction call each
    for d in dates:
        record = walk_forward.version_for(versions, d)
        if d in held or d in kept or d not in by_date:
            continue
        if record is None:
            notes[d] = "no walk-forward version was trained before this date (first season)"
            continue
        by_version.setdefault(record["version"], (record, []))[1].append(by_date[d])
    frames = []
    for version, (record, parts) in by_version.items():
        booster = model.load_booster(model_store.read(version, "booster.json"))
        frame = model.predictions(
            booster, pd.concat(parts), version, record["cutoff"], record["trained_through"]
        )
        days = day(frame["game_date"])
        frames.append(
            frame.assign(
                predicted_at=now.replace(tzinfo=None),
                made_pre_game=~days.map(lambda d: grading.started(d, now)).astype(bool),
            )
        )
    parts = [f for f in (kept_rows, *frames) if len(f)]
    frame = pd.concat(parts, ignore_index=True) if parts else kept_rows
    per_date = pd.DataFrame({"kept_as_made": [float(d in kept) for d in dates]}, index=dates)
    report_per_date(
        context,
        frame,
        per_date,
        held,
        notes=notes,
        made_pre_game=lambda f: f["made_pre_game"].sum(),
    )
    yield dg.Output(frame.reset_index(drop=True))
    yield from gate_results(context, keys.PLAYER_POINTS_PREDICTIONS, held)
    yield from ml_checks.prediction_checks(context, frame, rows, set(held), notes)


@dg.asset(
    **table_asset_args(
        keys.PREDICTION_RESULTS,
        contracts.PREDICTION_RESULTS,
        "Per prediction of D, once D's games are final: the prediction as made, the result "
        "(played, or void when the player did not play), the error, and the pre-game baselines "
        "of the same row (last-10, season average, blend). A date not final yet is empty.",
        ml_checks.RESULT_SPECS.values(),
    ),
    ins={
        "predictions": dg.AssetIn(keys.PLAYER_POINTS_PREDICTIONS),
        "rows": dg.AssetIn(keys.FEATURE_ROWS),
        "schedule": dg.AssetIn(keys.SCHEDULE),
    },
)
def prediction_results(
    context: dg.AssetExecutionContext,
    lineage: Lineage,
    predictions: pd.DataFrame,
    rows: pd.DataFrame,
    schedule: pd.DataFrame,
):
    held = held_back(context, [keys.PLAYER_POINTS_PREDICTIONS, keys.FEATURE_ROWS])
    waiting = not_final(context, schedule, held)
    frame = grading.prediction_results(without_dates(predictions, {**held, **waiting}), rows)
    report_per_date(
        context,
        frame,
        grading.daily_scores(frame),
        held,
        notes=waiting,
        played=lambda f: (f["outcome"] == "played").sum(),
        void=lambda f: (f["outcome"] == "void").sum(),
    )
    yield dg.Output(frame)
    yield from gate_results(context, keys.PREDICTION_RESULTS, held)
    yield from ml_checks.result_checks(
        context, frame, without_dates(predictions, {**held, **waiting}), set(held)
    )


def definitions() -> dg.Definitions:
    """This layer's assets and their checks (``nba_assets/definitions.py`` merges the layers)."""
    return dg.Definitions(
        assets=[feature_rows, points_model, player_points_predictions, prediction_results],
        asset_checks=ml_checks.CHECKS,
    )
