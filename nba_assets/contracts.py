"""The column contract of every derived warehouse table: names, logical types, order, nullability
(the raw tables' contracts are the sources' own: ``resources/raw_contracts.py``).

Attached to each asset as ``dagster/column_schema`` (the UI's column schema) and enforced by
the warehouse IO manager on every write and load (``resources.contract.conform``).
"""

from basketball import form, rolling
from resources.contract import column, schema
from resources.raw_contracts import LINEAGE as _LINEAGE

_STATS = ["fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk"]

SCHEDULE = schema(
    column("game_date", "date", False),
    column("game_id", "string", False),
    column("season", "int64", False, "start year"),
    column("season_id", "string", False),
    column("game_type", "string", False),
    column("is_nba_game", "bool", False),
    column("home_team_abbr", "string", False),
    column("away_team_abbr", "string", False),
    column("team_rows", "int64", False, "official team rows found for the game"),
    column("matchups_agree", "bool", False, "both team rows name the same home and away teams"),
    column(
        "status", "string", False, "Final, or the schedule's status (Scheduled, a tip-off time)"
    ),
    column("is_final", "bool", False, "played: official team rows exist"),
    *_LINEAGE,
)

TEAM_OFFENSE_GAME_SUMMARY = schema(
    column("game_date", "date", False),
    column("game_id", "string", False),
    column("season", "int64", False),
    column("game_type", "string", False),
    column("team_id", "int64", False),
    column("team_abbr", "string", False),
    column("opponent_abbr", "string"),
    column("is_home", "bool"),
    column("is_win", "bool"),
    column("points", "int64", False),
    column("opponent_points", "int64"),
    *[column(s, "int64", False) for s in _STATS],
    column("tov", "int64", False),
    column("pf", "int64", False),
    column("team_minutes", "int64", False),
    column("overtime_periods", "int64", False),
    column("possessions", "float64", False),
    column("pace", "float64"),
    column("offensive_rating", "float64"),
    column("defensive_rating", "float64", True, "the opponent's offensive rating"),
    column("ts_pct", "float64"),
    column("efg_pct", "float64"),
)

PLAYER_GAME_SUMMARY = schema(
    column("game_date", "date", False),
    column("game_id", "string", False, "stats.nba.com game id"),
    column("player_id", "int64", False, "balldontlie player id"),
    column("nba_person_id", "int64"),
    column("season", "int64", False),
    column("game_type", "string", False),
    column("bdl_game_id", "int64", False),
    column("player_name", "string"),
    column("team_abbr", "string", False),
    column("opponent_abbr", "string"),
    column("is_home", "bool"),
    column("minutes_raw", "string", True, "as shipped"),
    column("minutes_played", "float64", False, "decimal minutes"),
    column("is_dnp", "bool", False, "no minutes and no box-score stats"),
    column("points", "int64", False),
    *[column(s, "int64", False) for s in _STATS],
    column("tov", "int64", False),
    column("pf", "int64", False),
    column("usage_rate", "float64", True, "NULL only when minutes_played is 0"),
    column("ts_pct", "float64"),
    column("efg_pct", "float64"),
    column("points_per_minute", "float64"),
    column("has_shot_data", "bool", False, "zone columns are NULL when false"),
    *[
        column(f"{zone}_{kind}", "int64")
        for zone in ("paint", "mid_range", "three")
        for kind in ("attempts", "makes")
    ],
)

# ---- nba_precompute: as of game_date D, from games strictly before D -------------------------
_ZONES = ("paint", "mid_range", "three")
_AS_OF = [
    column("game_date", "date", False, "D: values use only games before D"),
    column("is_bootstrap", "bool", False, "first 14 days of the season: thin windows expected"),
]
_HISTORY = [
    column(
        "window_games_held_back",
        "int64",
        False,
        "the team's games before D this season that were held back "
        "upstream and left out of the window",
    ),
    column("history_complete", "bool", False, "no date of D's window was held back upstream"),
]
_PLAYER_ID = [
    column("player_id", "int64", False),
    column("season", "int64", False),
    column("game_id", "string", False, "D's game"),
    column("team_abbr", "string", False),
    column("opponent_abbr", "string"),
]

EXPECTED_ROSTERS = schema(
    column("game_date", "date", False, "D: the roster is known from box scores before D"),
    column("season", "int64", False),
    column("game_id", "string", False, "D's game (scheduled or played)"),
    column("team_abbr", "string", False),
    column("opponent_abbr", "string", False),
    column("is_home", "bool", False),
    column("player_id", "int64", False),
    column("player_name", "string"),
    column(
        "team_games_since_played",
        "int64",
        False,
        "0: played in the team's last game before D; k: his last game for the team was k games "
        "earlier (at most ROSTER_GAMES - 1)",
    ),
    column("last_played_date", "date", False, "his last game with minutes for the team"),
    column("basis", "string", False, "the rule that put him on the roster, in words"),
    *_HISTORY,
)

PLAYER_ROLLING_STATS = schema(
    *_AS_OF,
    *_PLAYER_ID,
    column("player_name", "string"),
    column("is_home", "bool"),
    column("games_played_season", "int64", False, "played games this season before D"),
    *[
        column(n, "float64", True, "NULL before the player's first played game of the season")
        for n in rolling.ROLLING_COLUMNS
    ],
    column(
        "days_since_last_game", "int64", True, "NULL before the first played game of the season"
    ),
    column("is_back_to_back", "bool", False),
    column("games_last_7_days", "int64", False),
    column("minutes_last_7_days", "float64", False),
    column("back_to_backs_last_14_days", "int64", False),
    *_HISTORY,
)

PLAYER_SHOT_ZONE_ANALYSIS = schema(
    *_AS_OF,
    *_PLAYER_ID,
    column("games_in_window", "int64", False, "played games in the last-10 window"),
    column("sample_size", "int64", False, "games of the window with shot data"),
    *[
        column(f"{z}_{m}", "float64", True, "NULL without shot data")
        for z in _ZONES
        for m in ("rate", "fg_pct")
    ],
    column("attempts_per_game", "float64"),
    column("primary_zone", "string", True, "paint / perimeter / mid_range / balanced"),
    *_HISTORY,
)

TEAM_DEFENSE_ZONE_ANALYSIS = schema(
    *_AS_OF,
    column("season", "int64", False),
    column("game_id", "string", False, "D's game"),
    column("team_abbr", "string", False),
    column("opponent_abbr", "string", False),
    column("is_home", "bool", False),
    column("games_in_window", "int64", False, "games in the last-15 window"),
    column("sample_size", "int64", False, "games of the window with shot data"),
    *[
        column(f"{p}", "float64", True, "percent; NULL without shot data")
        for z in _ZONES
        for p in (f"opp_{z}_fg_pct_allowed", f"league_{z}_fg_pct", f"{z}_defense_vs_league")
    ],
    column("defensive_rating_l15", "float64"),
    column("pace_l15", "float64"),
    column("pace_l10", "float64"),
    column("offensive_rating_l10", "float64"),
    *_HISTORY,
)

PLAYER_COMPOSITE_FACTORS = schema(
    column("game_date", "date", False, "D: values use only games before D"),
    column("player_id", "int64", False),
    column("season", "int64", False),
    column("game_id", "string", False),
    column("team_abbr", "string", False),
    column("opponent_abbr", "string"),
    column("is_bootstrap", "bool", False),
    column("fatigue_score", "float64", False, "0-100"),
    column("shot_zone_mismatch", "float64", True, "-10..+10"),
    column("pace_factor", "float64", True, "-3..+3"),
    column("usage_spike", "float64", True, "-3..+3"),
    column("total_adjustment", "float64", True, "(fatigue-100)/10 + present factors"),
    column("completeness_pct", "float64", False, "share of the four factors present"),
    column("has_zone_inputs", "bool", False),
    column("has_pace_inputs", "bool", False),
    column("has_usage_inputs", "bool", False),
    *_HISTORY,
)

# ---- nba_ml ----------------------------------------------------------------------------------
_FEATURE_SOURCES = (PLAYER_ROLLING_STATS, PLAYER_COMPOSITE_FACTORS, PLAYER_SHOT_ZONE_ANALYSIS)
_TEAM_FEATURES = {
    "opp_defensive_rating_l15": "opponent's defensive rating, its last 15 games",
    "opp_pace_l10": "opponent's pace, its last 10 games",
    "own_pace_l10": "own team's pace, last 10",
    "own_offensive_rating_l10": "own team's offensive rating, last 10",
}


def _feature(name: str):
    """A feature column typed as in the pre-game table it comes from; nullable (a missing input
    stays NULL)."""
    if name in _TEAM_FEATURES:
        return column(name, "float64", True, _TEAM_FEATURES[name])
    if name in form.FEATURES:
        return column(name, "float64", True, "pre-game form (basketball/form.py)")
    for source in _FEATURE_SOURCES:
        for col in source.columns:
            if col.name == name:
                return column(name, col.type, True, col.description)
    raise KeyError(f"feature {name!r} has no pre-game source column")


def feature_rows_contract(features: list[str]):
    return schema(
        column("game_date", "date", False, "D: every feature uses only games before D"),
        *_PLAYER_ID,
        column("player_name", "string"),
        column("is_bootstrap", "bool", False),
        *[_feature(f) for f in features],
        column(
            "completeness_pct", "float64", True, "share of the composite factors' inputs present"
        ),
        *_HISTORY,
        column("points", "int64", True, "target: D's points; NULL until D is played"),
        column("minutes_played", "float64", True, "D's minutes; NULL until D is played"),
    )


MODEL_EVALUATION = schema(
    column("model_version", "string", False, "the latest walk-forward version of the evaluation"),
    column("test_season", "int64", False),
    column("population", "string", False, "all_played, or rotation (last-10 minutes >= 20)"),
    column("predictor", "string", False, "model, last_10_avg, season_avg, blend_l5_l10_season"),
    column("n_rows", "int64", False, "the same rows for every predictor of a population"),
    column("mae", "float64", False),
    column("rmse", "float64", False),
    column("within_3_pct", "float64", False, "% of rows with |error| <= 3 points"),
    column("within_5_pct", "float64", False, "% of rows with |error| <= 5 points"),
)

PLAYER_POINTS_PREDICTIONS = schema(
    column("game_date", "date", False),
    *_PLAYER_ID,
    column("player_name", "string"),
    column("model_version", "string", False, "the walk-forward version that predicted D"),
    column("model_cutoff", "date", False, "the version's first predicted date"),
    column(
        "trained_through",
        "date",
        False,
        "the version's last training or validation date: always before D",
    ),
    column("predicted_at", "timestamp", False, "UTC time the prediction was made; kept as made"),
    column(
        "made_pre_game",
        "bool",
        False,
        "made before noon America/New_York of D (no game tips earlier); false for a replayed "
        "(backfilled) date, whose model and features are pre-game all the same",
    ),
    column("predicted_points", "float64", False),
)

PREDICTION_RESULTS = schema(
    column("game_date", "date", False),
    *_PLAYER_ID,
    column("player_name", "string"),
    column("model_version", "string", False),
    column("trained_through", "date", False),
    column("predicted_at", "timestamp", False),
    column("predicted_points", "float64", False, "as made (player_points_predictions)"),
    column("outcome", "string", False, "played, or void (expected, did not play)"),
    column("actual_points", "int64", True, "NULL when void"),
    column("minutes_played", "float64", True, "NULL when the player has no row on D"),
    column("error", "float64", True, "predicted - actual; NULL when void"),
    *[
        column(f"{b}", "float64", True, "pre-game baseline of the same row")
        for b in ("last_10_avg", "season_avg", "blend_l5_l10_season")
    ],
    column("is_rotation", "bool", False, "last-10 minutes >= 20 before D"),
    column("baselines_available", "bool", False, "every baseline has a value (equal rows)"),
)

# ---- the market (``nba_assets/market.py``) ----------------------------------------------------
_LINE = [
    column("market", "string", False, "The Odds API market key"),
    column("consensus_line", "float64", False, "median of the books' main pre-game lines"),
    column("books", "int64", False, "books with a pre-game line"),
]
PROP_LINES_CONSENSUS = schema(
    column("game_date", "date", False),
    column("player_id", "int64", True, "NULL when the book's name matched no player"),
    column("player_name", "string", False, "the box-score name, else the book's"),
    column("book_names", "string", False, "the names the books printed, ' | '-joined"),
    column(
        "match_rule",
        "string",
        False,
        "name, alias, other_team, earlier_games (basketball.names, nba_assets.market), "
        "ambiguous or unmatched",
    ),
    column("game", "string", False, "'Away @ Home' as the books print it"),
    *_LINE,
    column("min_line", "float64", False),
    column("max_line", "float64", False),
    column("books_at_consensus", "int64", False, "books whose main line is the consensus line"),
    column(
        "over_prob_devig",
        "float64",
        True,
        "p_over / (p_over + p_under), mean over the books at the consensus line; NULL for "
        "yes/no markets and when no book quotes both prices at it",
    ),
    column("snapshot_at", "timestamp", False, "UTC pull time of the latest snapshot used"),
    column("tip_off", "timestamp", False, "UTC tip-off; every snapshot used is before it"),
    column("late_lines_dropped", "int64", False, "book lines pulled at or after tip-off, unused"),
)
_EDGE = [
    column("model_version", "string", True),
    column("trained_through", "date", True),
    column("predicted_at", "timestamp", True, "as made (player_points_predictions)"),
    column("predicted_points", "float64", True, "as made; NULL for a market-only row"),
    column("last_10_avg", "float64", True, "pre-game last-10 average of the same row"),
    column("edge", "float64", True, "predicted_points - consensus_line"),
    column("side", "string", True, "over, under or no_bet (|edge| below the threshold)"),
]
PROP_EDGES = schema(
    column("game_date", "date", False),
    column("player_id", "int64", False),
    column("player_name", "string"),
    column("team_abbr", "string", False),
    *_LINE,
    column("over_prob_devig", "float64", True, "the market's de-vigged over probability"),
    column("snapshot_at", "timestamp", False),
    column("tip_off", "timestamp", False),
    *_EDGE,
    column(
        "model_over_prob",
        "float64",
        True,
        "P(points > line) from the version's validation errors in the prediction's band",
    ),
    column("made_pre_game", "bool", False, "the prediction was made before noon ET of D"),
    column("edges_made_at", "timestamp", False, "UTC time this row was made; kept as made"),
)
PROP_RESULTS = schema(
    column("game_date", "date", False),
    column("player_id", "int64", False),
    column("player_name", "string"),
    *_LINE,
    column("snapshot_at", "timestamp", False),
    column("tip_off", "timestamp", False),
    *_EDGE,
    column("actual", "float64", True, "points or threes made; NULL when void"),
    column("outcome", "string", False, "over, under, push, or void (did not play)"),
    column("bet_outcome", "string", False, "win, loss, push, void or no_bet of the model's side"),
    column("model_error", "float64", True, "|predicted - actual|"),
    column("line_error", "float64", True, "|line - actual|"),
    column("last_10_error", "float64", True, "|last-10 average - actual|"),
)
MARKET_EVALUATION = schema(
    column("week", "date", False, "Monday of the week (America/New_York game dates)"),
    column("market", "string", False),
    column("rows", "int64", False, "played player-games with a line, a prediction and a last-10"),
    column("model_mae", "float64", True),
    column("line_mae", "float64", True),
    column("last_10_mae", "float64", True),
    column("model_closer_share", "float64", True, "share of rows where the model beat the line"),
    column("last_10_closer_share", "float64", True),
    column("bets", "int64", False, "settled bets (wins + losses) of the model's sides"),
    column("hit_rate", "float64", True, "wins / (wins + losses); break-even at -110 is 0.524"),
    column("over_rate", "float64", True, "share of settled lines that went over"),
)
