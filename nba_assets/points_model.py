"""``nba_ml/points_model`` and ``nba_ml/model_evaluation``: the walk-forward points models.

Unpartitioned: one materialization reads every date's feature rows and trains the walk-forward
versions up to the run's as-of date (``basketball.walk_forward``: a version per season opener
and per Monday of the latest season, each trained only on dates before the first date it
predicts). Boosters and cards go to the model store, the versions (cutoff, id, last training
date) into the materialization's metadata, which the predictions read. A version whose rows and
settings did not change since the latest materialization is reused, so the weekly retrain
trains one new version. The evaluation scores the versions' predictions of the latest season
against every baseline on the same rows.
"""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from hashlib import sha256

import dagster as dg
import pandas as pd

from asset_checks import thresholds
from basketball import model, props, walk_forward
from basketball.calendar import season_label, season_of
from nba_assets import charts, contracts, keys, ml_checks
from nba_assets.common import MAE_DIGITS, PCT_DIGITS, TABLE_KINDS, without_dates
from nba_assets.gating import Lineage, UpstreamCheckFailed, unreadable
from nba_assets.partitions import as_of, known_dates
from resources.model_store import ModelStore


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
            description="Walk-forward XGBoost points regressors up to the run's as-of date: a "
            "version at each season's opening night and every Monday of the latest season, each "
            "trained on every readable date before the first date it predicts (early-stopped on "
            "its last training dates). Boosters and model cards in the model store.",
        ),
        "model_evaluation": dg.AssetOut(
            key=keys.MODEL_EVALUATION,
            group_name=keys.ML,
            kinds=TABLE_KINDS,
            metadata={"dagster/column_schema": contracts.MODEL_EVALUATION},
            description="Walk-forward predictions of the latest season and each baseline on "
            "exactly the same rows, per population.",
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
    today = as_of(context)
    plan = walk_forward.windows(
        walk_forward.season_openers(rows[rows["minutes_played"] > 0]),
        today,
        pd.to_datetime(rows["game_date"]).max() if len(rows) else None,
    )
    if not plan:
        raise UpstreamCheckFailed(
            "model not trained: needs an earlier season (played games only in "
            f"{', '.join(map(season_label, sorted(rows['season'].unique()))) or 'no season'})"
        )
    rows, left_out = training_rows(context, rows)
    trained = _walk_forward(context, config, model_store, rows, plan, left_out)
    if not trained:
        raise UpstreamCheckFailed("model not trained: too little history before every cutoff")
    versions = [record for record, _, _ in trained]
    season = season_of(plan[-1].cutoff.date())
    tested = [
        (model.evaluation_rows(split.test), booster)
        for _, booster, split in trained
        if split.test_season == season and len(split.test)
    ]
    tested = [(r, model.predict(b, r)) for r, b in tested]
    last = trained[-1][1:]
    test = pd.concat([r for r, _ in tested]) if tested else model.evaluation_rows(last[1].test)
    values = pd.concat([v for _, v in tested]) if tested else model.predict(last[0], test)
    evaluation = model.evaluate_predictions(test, values, season)
    booster, split = last
    train_mae = model.scores(
        split.train["points"].astype(float), model.predict(booster, split.train)
    )["mae"]
    latest = versions[-1]["version"]
    importance = model.feature_importance(booster).drop(columns="gain")
    weekly = model.weekly_errors(test, values)
    yield dg.Output(
        None,
        "points_model",
        metadata={
            "model_version": latest,
            "walk_forward": dg.MetadataValue.json(versions),
            "versions": dg.MetadataValue.md(versions_markdown(versions)),
            "as_of": today,
            "test_season": season_label(season),
            "train_mae": round(train_mae, MAE_DIGITS),
            **{
                f"{p}_pct_below_last_10": round(v, PCT_DIGITS)
                for p, v in model.improvement_over(evaluation, "last_10_avg").items()
            },
            "evaluation": dg.MetadataValue.md(
                model.markdown(
                    evaluation.drop(columns="test_season"),
                    MAE_DIGITS,
                    {"within_3_pct": PCT_DIGITS, "within_5_pct": PCT_DIGITS},
                )
            ),
            "charts": dg.MetadataValue.md(charts_markdown(importance, weekly, season, latest)),
            "feature_importance": dg.MetadataValue.md(model.markdown(importance, PCT_DIGITS)),
            "error_breakdown": dg.MetadataValue.md(
                model.markdown(model.error_breakdown(test, values), MAE_DIGITS)
            ),
            "dates_left_out": len(left_out),
            "dates_left_out_why": dg.MetadataValue.md(
                model.markdown(
                    pd.DataFrame({"date": list(left_out), "why": list(left_out.values())})
                )
                if left_out
                else "none"
            ),
        },
    )
    yield dg.Output(
        evaluation.assign(model_version=latest),
        "model_evaluation",
        metadata={"dagster/row_count": len(evaluation), "model_version": latest},
    )
    yield from ml_checks.model_results(context, versions, evaluation, train_mae)


# what the model page's pictures show: the latest version's strongest features
TOP_FEATURES = 15
# the versions table's columns; the rest of each record is in the ``walk_forward`` JSON
VERSION_COLUMNS = [
    "season",
    "cutoff",
    "until",
    "version",
    "trained_through",
    "train_rows",
    "best_iteration",
    "reused",
]


def versions_markdown(versions: list[dict]) -> str:
    """The walk-forward versions as a table a reader scans: the season each one predicts, its
    dates and size."""
    table = pd.DataFrame(versions)
    table["season"] = [season_label(season_of(c)) for c in table["cutoff"]]
    table["until"] = table["until"].fillna("open")
    return model.markdown(table[VERSION_COLUMNS])


def charts_markdown(
    importance: pd.DataFrame, weekly: pd.DataFrame, season: int, version: str
) -> str:
    """The model page's pictures: the latest version's top features by share of gain, and the
    walk-forward MAE per week of ``season`` of the model and every baseline on the same rows
    (the weekly numbers below the chart)."""
    top = importance.head(TOP_FEATURES)
    bars = charts.bar_chart(
        f"Feature importance, version {version} (% of total gain)",
        list(top["feature"]),
        list(top["share_pct"]),
        PCT_DIGITS,
    )
    lines = [charts.markdown_image(bars, "feature importance"), ""]
    if len(weekly):
        predictors = [c for c in weekly.columns if c not in ("week", "n_rows")]
        mae = charts.line_chart(
            f"Walk-forward MAE per week, {season_label(season)} (same rows for every predictor)",
            list(weekly["week"].dt.strftime("%m-%d")),
            {p: list(weekly[p]) for p in predictors},
        )
        table = weekly.assign(week=weekly["week"].dt.strftime("%Y-%m-%d"))
        lines += [charts.markdown_image(mae, "walk-forward MAE per week"), ""]
        lines += [model.markdown(table, MAE_DIGITS)]
    return "\n".join(lines)


def _walk_forward(context, config, model_store, rows, plan, left_out) -> list[tuple]:
    """(record, booster, split) per version of ``plan``: trained, or reused from the latest
    materialization when it trained on the same rows with the same settings."""
    splits = []
    for window in plan:
        try:
            splits.append((window, walk_forward.split(rows, window, config.valid_share)))
        except ValueError as exc:
            context.log.warning(f"walk-forward version {window.cutoff:%Y-%m-%d} skipped: {exc}")
    settings = sha256(
        json.dumps({**config.params(), "rounds": config.num_boost_round}).encode()
    ).hexdigest()[:10]
    kept = _earlier_versions(context, settings)
    boosters = {
        _rows_of(s): model.load_booster(model_store.read(kept[_rows_of(s)], "booster.json"))
        for _, s in splits
        if _rows_of(s) in kept
    }
    boosters.update(_train_distinct(config, [s for _, s in splits if _rows_of(s) not in boosters]))
    out = []
    for window, split in splits:
        booster = boosters[_rows_of(split)]
        card = _save_version(context, model_store, config, booster, split, window, left_out)
        record = {
            "cutoff": card.cutoff,
            "until": card.predicts_until,
            "version": card.version,
            "trained_through": card.valid_dates[1],
            "train_rows": len(split.train),
            "best_iteration": booster.best_iteration,
            "trained_on": _rows_of(split),
            "settings": settings,
            "reused": _rows_of(split) in kept,
            "residual_quantiles": props.residual_quantiles(
                split.valid["points"].astype(float), model.predict(booster, split.valid)
            ),
        }
        out.append((record, booster, split))
    return out


def _earlier_versions(context, settings: str) -> dict[str, str]:
    """The versions of the latest materialization trained with the same settings, by what they
    trained on: a weekly retrain trains only the new Monday's version and reuses the others
    (their predictions were made by them)."""
    event = context.instance.get_latest_materialization_event(keys.POINTS_MODEL)
    records = event.asset_materialization.metadata.get("walk_forward") if event else None
    return {
        r["trained_on"]: r["version"]
        for r in (records.value if records else [])
        if r.get("settings") == settings and "trained_on" in r
    }


def _rows_of(split: model.Split) -> str:
    """What a version trains on, in words. A cutoff that adds only bootstrap dates (never
    trained on) has the same rows as the one before it, hence the same booster."""
    (t0, t1), (v0, v1) = _span(split.train), _span(split.valid)
    return f"train {t0}..{t1} ({len(split.train)} rows), valid {v0}..{v1} ({len(split.valid)})"


def _train_distinct(config: PointsModelConfig, splits: list[model.Split]) -> dict:
    """One booster per distinct training set, ``model.PARALLEL_TRAININGS`` at a time with one
    XGBoost thread each (XGBoost releases the GIL; the boosters equal those of one training at a
    time with two threads), the largest first so the two threads finish together."""
    distinct = {_rows_of(s): s for s in splits}
    order = sorted(distinct, key=lambda k: -len(distinct[k].train))
    params = {**config.params(), "nthread": 1}
    with ThreadPoolExecutor(model.PARALLEL_TRAININGS) as pool:
        trained = pool.map(
            lambda k: model.train(distinct[k], params, config.num_boost_round), order
        )
        return dict(zip(order, trained, strict=True))


def _save_version(context, model_store, config, booster, split, window, left_out):
    """Store one walk-forward version (booster and card); its id is its cutoff and the booster's
    hash, so the same data and settings give the same id."""
    blob = model.booster_bytes(booster)
    cutoff = f"{window.cutoff:%Y-%m-%d}"
    card = model.ModelCard(
        version=f"{cutoff}-{sha256(blob).hexdigest()[:10]}",
        trained_at=datetime.now(timezone.utc).isoformat(),
        train_dates=_span(split.train),
        valid_dates=_span(split.valid),
        test_season=split.test_season,
        cutoff=cutoff,
        predicts_until=f"{window.until:%Y-%m-%d}" if window.until is not None else None,
        hyperparameters={
            **config.params(),
            "num_boost_round": config.num_boost_round,
            "best_iteration": booster.best_iteration,
        },
        dates_left_out=left_out,
    )
    if model_store.has(card.version, "model_card.json"):  # trained before: its card as it was
        stored = model_store.read(card.version, "model_card.json")
        model_store.save(card.version, {"booster.json": blob, "model_card.json": stored})
        return model.ModelCard(**json.loads(stored))
    location = model_store.save(
        card.version, {"booster.json": blob, "model_card.json": card.to_json()}
    )
    context.log.info(f"walk-forward version {card.version} saved to {location}")
    return card


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
