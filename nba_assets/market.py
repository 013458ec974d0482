"""The market: sportsbook prop lines against the model (DOMAIN.md, "Prop lines and grading").

- ``nba_analytics/prop_lines_consensus``: per (date, player, market) with a line, the median of
  the books' main pre-game lines (``basketball.props``). Book names are matched to players
  (``basketball.names``: folded names, the alias table, then other teams) among D's expected
  roster and, once D is played, D's box-score players; a name still unmatched among the players
  of earlier games of this and the previous season (out since opening night, a postponed
  game). A name is an identity, not a statistic: the box score may resolve a debutant the roster
  could not know. Unmatched names stay in the table (no player id) and are named by
  ``matched_names``. Yes/no markets (double-double) have no
  line and are left out.
- ``nba_ml/prop_edges``: pre-game, per predicted player with a points line: prediction, line,
  edge, side (``PropEdgesConfig.edge_threshold``) and the model's probability of the over.
  Built in the morning run with the predictions and kept as made like them.
- ``nba_ml/prop_results``: once D is final, every matched points and threes line graded against
  the box score (points lines with the model's side and error; threes lines market-only).
- ``nba_ml/market_evaluation``: every graded date, per week and market, model vs line vs
  last-10 on the same player-games, and the hit rate by edge bucket (markdown in the UI).
"""

from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from asset_checks import thresholds
from asset_checks.rules import day
from basketball import model, names, props
from basketball.calendar import season_of
from nba_assets import charts, contracts, keys, market_checks, ml_checks
from nba_assets.common import (
    MAE_DIGITS,
    SHARE_DIGITS,
    TABLE_KINDS,
    gate_results,
    kept_as_made,
    not_final,
    report_per_date,
    table_asset_args,
    without_dates,
)
from nba_assets.gating import Lineage, held_back, require_model
from nba_assets.ml import FEATURE_ROWS
from resources.contract import empty
from resources.raw_source import snapshot_times
from resources.warehouse import Warehouse

CONSENSUS_KEY = ["game_date", "player_key", "market"]


def _columns(frame: pd.DataFrame, contract: dg.TableSchema) -> pd.DataFrame:
    """The contract's columns of ``frame`` (the others were working columns); an empty frame
    with the contract's dtypes when there are no rows."""
    return empty(contract) if frame.empty else frame[[c.name for c in contract.columns]]


def _lines(prop_lines: pd.DataFrame) -> pd.DataFrame:
    """The over/under rows with their pull time, tip-off (naive UTC) and teams."""
    lines = prop_lines[prop_lines["line"].notna()].copy()
    lines["snapshot_at"] = snapshot_times(lines["snapshot_file"])
    lines["tip_off"] = pd.to_datetime(lines["game_time"], utc=True).dt.tz_localize(None)
    teams = names.game_teams(lines["game"], names.NBA_TEAM_NAMES)
    return pd.concat([lines, teams], axis=1)


def match_names(
    lines: pd.DataFrame, rosters: pd.DataFrame, players: pd.DataFrame, earlier: pd.DataFrame
) -> pd.DataFrame:
    """``names.match_players`` per date: first among D's expected roster and D's box-score
    players; a name still unmatched then among the players of D's and the previous season's
    earlier games (``earlier_games``: a player out since opening night, a postponed game)."""
    aliases = names.load_aliases()
    columns = ["player_id", "player_name", "team_abbr"]
    # each (player, team, name, season) once, with its first and last date: who had played for
    # a team before D is "first < D", and the latest spelling comes first
    spans = (
        earlier.assign(day=day(earlier["game_date"]))
        .groupby([*columns, "season"], dropna=False)["day"]
        .agg(["min", "max"])
        .reset_index()
        .sort_values("max", ascending=False)
    )
    lines = lines.assign(game_date=day(lines["game_date"]))
    today = pd.concat(
        [f[columns].assign(game_date=day(f["game_date"])) for f in (rosters, players) if len(f)]
        or [pd.DataFrame(columns=[*columns, "game_date"])]
    )
    hits = names.match_players(lines, today, aliases)
    missing = hits["match_rule"] == "unmatched"
    found = [hits[~missing]]
    for d, part in hits[missing].groupby("game_date"):  # few: a loop is fine
        season = season_of(d)
        before = spans[(spans["min"] < d) & spans["season"].isin([season - 1, season])]
        again = names.match_players(part, before[columns], aliases)
        again["match_rule"] = again["match_rule"].where(again["player_id"].isna(), "earlier_games")
        found.append(again)
    return pd.concat(found, ignore_index=True)


def consensus_lines(
    prop_lines: pd.DataFrame,
    rosters: pd.DataFrame,
    players: pd.DataFrame,
    earlier: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """(``prop_lines_consensus`` rows of the dates in ``prop_lines``, the book lines pulled at or
    after tip-off per date: never used, even when they were a player's only lines).
    ``earlier``: player_game_summary rows of earlier dates, for names D's players do not
    answer (``match_names``)."""
    lines = _lines(prop_lines)
    if lines.empty:
        return _columns(pd.DataFrame(), contracts.PROP_LINES_CONSENSUS), {}
    earlier = players.iloc[0:0].assign(season=0) if earlier is None else earlier
    found = match_names(lines, rosters, players, earlier)
    lines = lines.assign(game_date=day(lines["game_date"])).merge(
        found, on=names.KEY_COLUMNS, how="left", suffixes=("_book", "")
    )
    lines = lines.rename(columns={"player": "book_name"})
    lines["player_key"] = lines["player_id"].astype("string").fillna("book:" + lines["book_name"])
    used, late = props.pre_game(lines)
    out = props.consensus(used, CONSENSUS_KEY)
    about = lines.groupby(CONSENSUS_KEY).agg(
        player_id=("player_id", "first"),
        player_name=("player_name", "first"),
        book_names=("book_name", lambda s: " | ".join(sorted(set(s)))),
        match_rule=("match_rule", "first"),
        game=("game", "first"),
    )
    dropped = late.groupby(CONSENSUS_KEY).size().rename("late_lines_dropped")
    out = out.join(about, on=CONSENSUS_KEY).join(dropped, on=CONSENSUS_KEY)
    out["late_lines_dropped"] = out["late_lines_dropped"].fillna(0).astype("int64")
    out["player_id"] = out["player_id"].astype("Int64")
    out["player_name"] = out["player_name"].fillna(out["book_names"])
    out["game_date"] = pd.to_datetime(out["game_date"])
    late_by_date = late["game_date"].value_counts().to_dict()
    return _columns(out, contracts.PROP_LINES_CONSENSUS), late_by_date


def _on_dates_of(
    warehouse: Warehouse, key: dg.AssetKey, contract: dg.TableSchema, frame: pd.DataFrame
) -> pd.DataFrame:
    """Table ``key``'s rows of the dates ``frame`` has rows for. The market assets read their
    other inputs this way: lines exist on a few dates of the 950, and loading every date's
    predictions, feature rows and box scores to use twenty of them cost most of their time."""
    if frame.empty:
        return empty(contract)
    dates = day(frame["game_date"])
    rows = warehouse.read(key, contract, dates.min(), dates.max())
    return rows[day(rows["game_date"]).isin(set(dates))] if len(rows) else rows


def _earlier_players(warehouse: Warehouse, prop_lines: pd.DataFrame) -> pd.DataFrame:
    """The players with minutes of every built date from the season before the first line's
    through the last line's date (names only: which player a book means), in one read."""
    if prop_lines.empty:
        return empty(contracts.PLAYER_GAME_SUMMARY)
    dates = day(prop_lines["game_date"])
    first = f"{season_of(dates.min()) - 1}-07-01"
    rows = warehouse.read(
        keys.PLAYER_GAME_SUMMARY, contracts.PLAYER_GAME_SUMMARY, first, dates.max()
    )
    return rows[rows["minutes_played"] > 0]


@dg.asset(
    **table_asset_args(
        keys.PROP_LINES_CONSENSUS,
        contracts.PROP_LINES_CONSENSUS,
        "Per (date, player, market) with a line: the median of the books' latest pre-game main "
        "lines (alternate lines: the one priced closest to even), the number of books, the "
        "de-vigged over probability. Lines pulled at or after tip-off are never used. Book names "
        "matched to players (accents, suffixes, the alias table); unmatched names are kept "
        "without an id and named by a check.",
        market_checks.CONSENSUS_SPECS.values(),
    ),
    ins={"prop_lines": dg.AssetIn(keys.PROP_LINES)},
    deps=[keys.EXPECTED_ROSTERS, keys.PLAYER_GAME_SUMMARY],
)
def prop_lines_consensus(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    lineage: Lineage,
    prop_lines: pd.DataFrame,
):
    held = held_back(context, [keys.PROP_LINES, keys.EXPECTED_ROSTERS, keys.PLAYER_GAME_SUMMARY])
    rosters = _on_dates_of(warehouse, keys.EXPECTED_ROSTERS, contracts.EXPECTED_ROSTERS, prop_lines)
    earlier = _earlier_players(warehouse, prop_lines)  # D's own players among them
    played = earlier[day(earlier["game_date"]).isin(set(day(prop_lines["game_date"])))]
    frame, late = consensus_lines(
        *(without_dates(f, held) for f in (prop_lines, rosters, played)), earlier
    )
    with_lines = set(day(frame["game_date"])) if len(frame) else set()
    notes = {
        d: "no prop lines for this date"
        for d in context.partition_keys
        if d not in held and d not in with_lines
    }
    dates = list(context.partition_keys)
    report_per_date(
        context,
        frame,
        pd.DataFrame({"late_lines_dropped": [float(late.get(d, 0)) for d in dates]}, index=dates),
        held=held,
        notes=notes,
        points_lines=lambda f: (f["market"] == props.POINTS).sum(),
        unmatched=lambda f: f["player_id"].isna().sum(),
    )
    yield dg.Output(frame)
    yield from gate_results(context, keys.PROP_LINES_CONSENSUS, held)
    yield from market_checks.consensus_checks(context, frame, set(held))


class PropEdgesConfig(dg.Config):
    """How far (points) the prediction must be from the line before the model takes a side."""

    edge_threshold: float = thresholds.EDGE_THRESHOLD


def edges(
    predictions: pd.DataFrame,
    consensus: pd.DataFrame,
    rows: pd.DataFrame,
    versions: list[dict],
    threshold: float,
) -> pd.DataFrame:
    """``prop_edges`` rows: each prediction with a matched points line."""
    lines = consensus[(consensus["market"] == props.POINTS) & consensus["player_id"].notna()]
    key = ["game_date", "player_id"]
    out = predictions.merge(
        lines[
            [*key, "market", "consensus_line", "books", "over_prob_devig", "snapshot_at", "tip_off"]
        ],
        on=key,
    ).merge(
        rows[[*key, "points_l10"]].rename(columns={"points_l10": "last_10_avg"}), on=key, how="left"
    )
    out["edge"] = out["predicted_points"] - out["consensus_line"]
    out["side"] = props.side(out["edge"], threshold)
    quantiles = {v["version"]: v.get("residual_quantiles", {}) for v in versions}
    out["model_over_prob"] = float("nan")
    for version, index in out.groupby("model_version").groups.items():
        part = out.loc[index]
        out.loc[index, "model_over_prob"] = props.over_probability(
            part["predicted_points"], part["consensus_line"], quantiles.get(version, {})
        )
    return out


@dg.asset(
    **table_asset_args(
        keys.PROP_EDGES,
        contracts.PROP_EDGES,
        "Pre-game, per predicted player of D with a points line: the prediction as made, the "
        "consensus line, the edge (prediction - line), the side (over / under / no bet, by the "
        "run's edge_threshold) and the model's probability of the over, from the walk-forward "
        "version's own validation errors in the prediction's band. Kept as made once D's slate "
        "has started (noon ET).",
        market_checks.EDGE_SPECS.values(),
    ),
    ins={"consensus": dg.AssetIn(keys.PROP_LINES_CONSENSUS)},
    deps=[keys.PLAYER_POINTS_PREDICTIONS, keys.FEATURE_ROWS, keys.POINTS_MODEL],
)
def prop_edges(
    context: dg.AssetExecutionContext,
    config: PropEdgesConfig,
    warehouse: Warehouse,
    lineage: Lineage,
    consensus: pd.DataFrame,
):
    inputs = [keys.PLAYER_POINTS_PREDICTIONS, keys.PROP_LINES_CONSENSUS, keys.FEATURE_ROWS]
    held = held_back(context, inputs)
    points = consensus[consensus["market"] == props.POINTS]
    predictions = _on_dates_of(
        warehouse, keys.PLAYER_POINTS_PREDICTIONS, contracts.PLAYER_POINTS_PREDICTIONS, points
    )
    rows = _on_dates_of(warehouse, keys.FEATURE_ROWS, FEATURE_ROWS, points)
    versions = require_model(context, keys.POINTS_MODEL, ml_checks.blocking_model_check_keys())
    dates = list(context.partition_keys)
    now = datetime.now(timezone.utc)
    kept, kept_rows = kept_as_made(
        warehouse, keys.PROP_EDGES, contracts.PROP_EDGES, dates, held, now
    )
    kept -= set(held)
    fresh = edges(
        *(
            without_dates(f, {**held, **dict.fromkeys(kept)})
            for f in (predictions, consensus, rows)
        ),
        versions,
        config.edge_threshold,
    ).assign(edges_made_at=now.replace(tzinfo=None))
    fresh = _columns(fresh, contracts.PROP_EDGES)
    frame = pd.concat([f for f in (kept_rows, fresh) if len(f)] or [fresh], ignore_index=True)
    report_per_date(
        context,
        frame,
        pd.DataFrame({"kept_as_made": [float(d in kept) for d in dates]}, index=dates),
        held,
        bets=lambda f: (f["side"] != "no_bet").sum(),
    )
    yield dg.Output(frame)
    yield from gate_results(context, keys.PROP_EDGES, held)
    yield from market_checks.edge_checks(context, frame, set(held))


KEPT_WHEN_GRADED = [
    "consensus_line",
    "books",
    "snapshot_at",
    "tip_off",
    "model_version",
    "trained_through",
    "predicted_at",
    "predicted_points",
    "last_10_avg",
    "edge",
    "side",
]


def graded(
    edges_: pd.DataFrame,
    consensus: pd.DataFrame,
    players: pd.DataFrame,
    stored: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``prop_results`` rows: the edges (points lines with a prediction) and every other matched
    points or threes line (market only), against D's box score. A row in ``stored`` (graded
    before) keeps its prediction and line (``KEPT_WHEN_GRADED``); its result is recomputed, so a
    corrected box score still counts."""
    key = ["game_date", "player_id", "market"]
    lines = consensus[
        consensus["market"].isin(props.GRADED_MARKETS) & consensus["player_id"].notna()
    ]
    rest = lines.merge(edges_[key], on=key, how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    rest = rest.reindex(columns=list(dict.fromkeys([*edges_.columns, *rest.columns])))
    rows = pd.concat([f for f in (edges_, rest) if len(f)] or [rest], ignore_index=True)
    if stored is not None and len(stored) and len(rows):
        rows = rows.merge(
            stored[key + KEPT_WHEN_GRADED],
            on=key,
            how="left",
            suffixes=("", "_was"),
            indicator=True,
        )
        was = rows["_merge"] == "both"
        for c in KEPT_WHEN_GRADED:
            rows[c] = rows[c].where(~was, rows[f"{c}_was"])
    box = players[["game_date", "player_id", "minutes_played", "points", "fg3m"]]
    rows = rows.merge(box, on=["game_date", "player_id"], how="left")
    played = rows["minutes_played"].fillna(0) > 0
    rows["actual"] = rows["points"].where(rows["market"] == props.POINTS, rows["fg3m"])
    rows["actual"] = rows["actual"].astype(float).where(played)
    rows["outcome"] = props.result(rows["actual"], rows["consensus_line"], played)
    rows["bet_outcome"] = props.bet_outcome(rows["side"].fillna("no_bet"), rows["outcome"])
    for name, column in (
        ("model_error", "predicted_points"),
        ("line_error", "consensus_line"),
        ("last_10_error", "last_10_avg"),
    ):
        rows[name] = (rows[column].astype(float) - rows["actual"]).abs()
    return _columns(rows, contracts.PROP_RESULTS)


def daily_market(results: pd.DataFrame) -> pd.DataFrame:
    """Per date: the numbers the UI plots (model, line and last-10 MAE on the same rows, bets
    and hit rate of the model's sides)."""
    out = {}
    for d, part in results.groupby(day(results["game_date"])) if len(results) else ():
        points = part[part["market"] == props.POINTS]
        same = props.against_the_line(points)
        out[d] = {
            "model_mae": same["model_mae"],
            "line_mae": same["line_mae"],
            "last_10_mae": same["last_10_mae"],
            "bets": float(points["bet_outcome"].isin(["win", "loss"]).sum()),
            "hit_rate": props.hit_rate(points["bet_outcome"]),
        }
    return pd.DataFrame.from_dict(out, orient="index")


@dg.asset(
    **table_asset_args(
        keys.PROP_RESULTS,
        contracts.PROP_RESULTS,
        "Once D is final: every matched points and threes line graded against the box score "
        "(over, under, push; void when the player did not play); points lines with a "
        "prediction carry the model's side and its outcome, and the model's, the line's and the "
        "last-10's errors on the same row. A row graded before keeps its prediction and line.",
        market_checks.RESULT_SPECS.values(),
    ),
    ins={
        "edges_": dg.AssetIn(keys.PROP_EDGES),
        "consensus": dg.AssetIn(keys.PROP_LINES_CONSENSUS),
        "schedule": dg.AssetIn(keys.SCHEDULE),
    },
    deps=[keys.PLAYER_POINTS_PREDICTIONS, keys.PLAYER_GAME_SUMMARY],
)
def prop_results(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    lineage: Lineage,
    edges_: pd.DataFrame,
    consensus: pd.DataFrame,
    schedule: pd.DataFrame,
):
    inputs = [keys.PROP_EDGES, keys.PROP_LINES_CONSENSUS, keys.PLAYER_GAME_SUMMARY]
    held = held_back(context, inputs)
    predictions = _on_dates_of(
        warehouse, keys.PLAYER_POINTS_PREDICTIONS, contracts.PLAYER_POINTS_PREDICTIONS, consensus
    )
    players = _on_dates_of(
        warehouse, keys.PLAYER_GAME_SUMMARY, contracts.PLAYER_GAME_SUMMARY, consensus
    )
    waiting = not_final(context, schedule, held)
    skip = {**held, **waiting}
    inputs = [without_dates(f, skip) for f in (edges_, consensus, players)]
    dates = list(context.partition_keys)
    stored = warehouse.read(keys.PROP_RESULTS, contracts.PROP_RESULTS, dates[0], dates[-1])
    fresh, frame = graded(*inputs), graded(*inputs, stored)
    report_per_date(
        context,
        frame,
        daily_market(frame),
        held,
        notes=waiting,
        void=lambda f: (f["outcome"] == "void").sum(),
    )
    yield dg.Output(frame)
    yield from gate_results(context, keys.PROP_RESULTS, held)
    yield from market_checks.result_checks(
        context, frame, without_dates(predictions, skip), fresh, stored, set(held)
    )


def weekly(results: pd.DataFrame) -> pd.DataFrame:
    """``market_evaluation`` rows: per week (Monday) and market."""
    if results.empty:
        return _columns(pd.DataFrame(), contracts.MARKET_EVALUATION)
    week = pd.to_datetime(results["game_date"]).dt.to_period("W-SUN").dt.start_time
    out = []
    for (monday, market), part in results.groupby([week, results["market"]]):
        settled = part[part["outcome"].isin(["over", "under"])]
        same = props.against_the_line(part) if market == props.POINTS else {"rows": 0}
        out.append(
            {
                "week": monday,
                "market": market,
                "rows": same["rows"],
                **{k: same.get(k) for k in ("model_mae", "line_mae", "last_10_mae")},
                "model_closer_share": same.get("model_closer_share"),
                "last_10_closer_share": same.get("last_10_closer_share"),
                "bets": int(part["bet_outcome"].isin(["win", "loss"]).sum()),
                "hit_rate": props.hit_rate(part["bet_outcome"]),
                "over_rate": float((settled["outcome"] == "over").mean()) if len(settled) else None,
            }
        )
    return _columns(pd.DataFrame(out), contracts.MARKET_EVALUATION)


def market_markdown(results: pd.DataFrame, weeks: pd.DataFrame) -> str:
    """The model against the market, for the asset's page."""
    points = results[results["market"] == props.POINTS]
    same = props.against_the_line(points)
    threes = results[
        (results["market"] == props.THREES) & results["outcome"].isin(["over", "under"])
    ]
    buckets = props.by_edge_bucket(points)
    lines = [
        f"**Points, {same['rows']} player-games on {points['game_date'].nunique()} dates with a "
        "line, a prediction and a last-10 (the same rows for all three):**",
        "",
        "| predictor | MAE | closer than the line |",
        "|---|---|---|",
        f"| model (walk-forward) | {same['model_mae']:.3f} | {same['model_closer_share']:.1%} |",
        f"| consensus line | {same['line_mae']:.3f} | |",
        f"| last-10 average | {same['last_10_mae']:.3f} | {same['last_10_closer_share']:.1%} |",
        "",
        f"**The model's sides by |edge| (break-even at -110: {props.BREAK_EVEN:.1%}):**",
        "",
        model.markdown(buckets),
        "",
        f"**Threes lines:** {len(threes)} settled, over rate "
        f"{(threes['outcome'] == 'over').mean():.1%}"
        if len(threes)
        else "**Threes lines:** none",
        "",
        "**Per week:**",
        "",
        *_weekly_charts(weeks),
        "",
        *(
            model.markdown(part.assign(week=part["week"].dt.strftime("%Y-%m-%d"))[columns]) + "\n"
            for market, columns in WEEKLY_COLUMNS.items()
            if len(part := weeks[weeks["market"] == market])
        ),
    ]
    return "\n".join(lines)


WEEKLY_COLUMNS = {  # what each market's weekly table shows (threes lines are market only)
    props.POINTS: [
        "week",
        "market",
        "rows",
        "model_mae",
        "line_mae",
        "last_10_mae",
        "model_closer_share",
        "bets",
        "hit_rate",
    ],
    props.THREES: ["week", "market", "over_rate"],
}


def _weekly_charts(weeks: pd.DataFrame) -> list[str]:
    """Two pictures of the points weeks: the three MAEs, and the model's hit rate against the
    break-even."""
    points = weeks[(weeks["market"] == props.POINTS) & (weeks["rows"] > 0)]
    if points.empty:
        return []
    labels = list(points["week"].dt.strftime("%m-%d"))
    mae = charts.line_chart(
        "Points MAE per week (same player-games)",
        labels,
        {
            "model": list(points["model_mae"]),
            "consensus line": list(points["line_mae"]),
            "last-10": list(points["last_10_mae"]),
        },
    )
    hits = charts.line_chart(
        "Hit rate of the model's sides per week",
        labels,
        {
            "hit rate": list(points["hit_rate"]),
            "break-even at -110": [props.BREAK_EVEN] * len(points),
        },
    )
    return [
        charts.markdown_image(mae, "points MAE per week"),
        "",
        charts.markdown_image(hits, "hit rate per week"),
    ]


@dg.asset(
    key=keys.MARKET_EVALUATION,
    group_name=keys.ML,
    kinds=TABLE_KINDS,
    description="Every graded date against the market: per week and market, the model's, the "
    "consensus line's and the last-10's MAE on exactly the same player-games, how often the "
    "model beat the line, the model's hit rate, the threes over rate; the hit rate by edge "
    "bucket in the metadata.",
    metadata={"dagster/column_schema": contracts.MARKET_EVALUATION},
    ins={"results": dg.AssetIn(keys.PROP_RESULTS)},
)
def market_evaluation(context: dg.AssetExecutionContext, results: pd.DataFrame):
    weeks = weekly(results)
    points = results[results["market"] == props.POINTS] if len(results) else results
    metadata = {"graded_dates": int(results["game_date"].nunique()) if len(results) else 0}
    if len(points):
        same = props.against_the_line(points)
        buckets = props.by_edge_bucket(points)
        metadata.update(
            {
                "evaluation": dg.MetadataValue.md(market_markdown(results, weeks)),
                **{m: round(same[m], MAE_DIGITS) for m in ("model_mae", "line_mae", "last_10_mae")},
                "rows": same["rows"],
                "bets": int(buckets["bets"].sum()),
                "hit_rate": round(props.hit_rate(points["bet_outcome"]), SHARE_DIGITS),
            }
        )
    context.add_output_metadata(metadata)
    return weeks


def definitions() -> dg.Definitions:
    """This layer's assets and their checks (``nba_assets/definitions.py`` merges the layers)."""
    return dg.Definitions(
        assets=[prop_lines_consensus, prop_edges, prop_results, market_evaluation],
    )  # every market check is evaluated in its asset's step
