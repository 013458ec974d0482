"""The column contract of every warehouse table: names, logical types, order, nullability.

Attached to each asset as ``dagster/column_schema`` (the UI's column schema) and enforced by
the warehouse IO manager on every write and load (``resources.contract.conform``).
"""

from nba_assets.basketball import form
from resources.contract import column as c
from resources.contract import schema

_LINEAGE = [c("source_file", "string", False, "raw file the row came from"),
            c("ingested_at", "timestamp", False, "UTC time the raw asset read the file")]
_STATS = ["fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk"]

# ---- nba_raw: values as shipped. Every shipped column is nullable: a row with a missing key or
# value is kept as shipped and its date held back by the raw asset's shipped_values check.
PLAYER_BOXSCORES = schema(
    c("game_date", "date", False), c("id", "int64", True, "balldontlie stat-row id"),
    c("min", "string", True, "minutes exactly as shipped"),
    *[c(s, "float64") for s in ["fgm", "fga", "fg_pct", "fg3m", "fg3a", "fg3_pct", "ftm", "fta", "ft_pct", "oreb",
                                "dreb", "reb", "ast", "stl", "blk", "turnover", "pf", "pts"]],
    c("player_id", "int64"), c("player_first_name", "string"), c("player_last_name", "string"),
    c("player_position", "string"), c("player_team_id", "float64"), c("team_id", "int64"),
    c("team_abbreviation", "string"), c("team_full_name", "string"), c("game_id", "int64"),
    c("game_season", "int64"), c("game_home_team_id", "float64"), c("game_visitor_team_id", "float64"),
    c("game_postseason", "bool"), *_LINEAGE,
)

TEAM_BOXSCORES = schema(
    c("game_date", "date", False), c("season_id", "string"), c("team_id", "int64"),
    c("team_abbreviation", "string"), c("team_name", "string"), c("game_id", "string"),
    c("matchup", "string"), c("wl", "string"), c("min", "int64"),
    *[c(s, "int64" if not s.endswith("_pct") else "float64") for s in
      ["pts", "fgm", "fga", "fg_pct", "fg3m", "fg3a", "fg3_pct", "ftm", "fta", "ft_pct", "oreb", "dreb", "reb",
       "ast", "stl", "blk", "tov", "pf"]],
    c("plus_minus", "float64"), c("season", "string"), *_LINEAGE,
)

SHOTS = schema(
    c("game_date", "date", False), c("season_1", "int64"), c("season_2", "string"), c("team_id", "int64"),
    c("team_name", "string"), c("player_id", "int64", True, "nba.com person id"), c("player_name", "string"),
    c("position_group", "string"), c("position", "string"), c("game_id", "int64", True, "nba.com id without '00'"),
    c("home_team", "string"), c("away_team", "string"), c("event_type", "string"), c("shot_made", "bool"),
    c("action_type", "string"), c("shot_type", "string"), c("basic_zone", "string"), c("zone_name", "string"),
    c("zone_abb", "string"), c("zone_range", "string"), c("loc_x", "float64"), c("loc_y", "float64"),
    c("shot_distance", "int64"), c("quarter", "int64"), c("mins_left", "int64"), c("secs_left", "int64"),
    c("source_game_date", "string", False, "game_date as shipped (MM-DD-YYYY)"), *_LINEAGE,
)

SCHEDULE = schema(
    c("game_date", "date", False), c("game_id", "string", False), c("season", "int64", False, "start year"),
    c("season_id", "string", False), c("game_type", "string", False), c("is_nba_game", "bool", False),
    c("home_team_abbr", "string", False), c("away_team_abbr", "string", False),
    c("team_rows", "int64", False, "official team rows found for the game"),
    c("matchups_agree", "bool", False, "both team rows name the same home and away teams"), *_LINEAGE,
)

TEAM_OFFENSE_GAME_SUMMARY = schema(
    c("game_date", "date", False), c("game_id", "string", False), c("season", "int64", False),
    c("game_type", "string", False), c("team_id", "int64", False), c("team_abbr", "string", False),
    c("opponent_abbr", "string"), c("is_home", "bool"), c("is_win", "bool"), c("points", "int64", False),
    c("opponent_points", "int64"), *[c(s, "int64", False) for s in _STATS], c("tov", "int64", False),
    c("pf", "int64", False), c("team_minutes", "int64", False), c("overtime_periods", "int64", False),
    c("possessions", "float64", False), c("pace", "float64"), c("offensive_rating", "float64"),
    c("defensive_rating", "float64", True, "the opponent's offensive rating"), c("ts_pct", "float64"),
    c("efg_pct", "float64"),
)

PLAYER_GAME_SUMMARY = schema(
    c("game_date", "date", False), c("game_id", "string", False, "stats.nba.com game id"),
    c("player_id", "int64", False, "balldontlie player id"), c("nba_person_id", "int64"),
    c("season", "int64", False), c("game_type", "string", False), c("bdl_game_id", "int64", False),
    c("player_name", "string"), c("team_abbr", "string", False), c("opponent_abbr", "string"), c("is_home", "bool"),
    c("minutes_raw", "string", True, "as shipped"), c("minutes_played", "float64", False, "decimal minutes"),
    c("is_dnp", "bool", False, "no minutes and no box-score stats"), c("points", "int64", False),
    *[c(s, "int64", False) for s in _STATS], c("tov", "int64", False), c("pf", "int64", False),
    c("usage_rate", "float64", True, "NULL only when minutes_played is 0"), c("ts_pct", "float64"),
    c("efg_pct", "float64"), c("points_per_minute", "float64"),
    c("has_shot_data", "bool", False, "zone columns are NULL when false"),
    *[c(f"{zone}_{kind}", "int64") for zone in ("paint", "mid_range", "three") for kind in ("attempts", "makes")],
)

# ---- nba_precompute: as of game_date D, from games strictly before D -------------------------
_ZONES = ("paint", "mid_range", "three")
_AS_OF = [c("game_date", "date", False, "D: values use only games before D"),
          c("is_bootstrap", "bool", False, "first 14 days of the season: thin windows expected")]
_HISTORY = [c("window_games_held_back", "int64", False, "the team's games before D this season that were held back "
              "upstream and left out of the window"),
            c("history_complete", "bool", False, "no date of D's window was held back upstream")]
_PLAYER_ID = [c("player_id", "int64", False), c("season", "int64", False), c("game_id", "string", False, "D's game"),
              c("team_abbr", "string", False), c("opponent_abbr", "string")]

PLAYER_ROLLING_STATS = schema(
    *_AS_OF, *_PLAYER_ID, c("player_name", "string"), c("is_home", "bool"),
    c("games_played_season", "int64", False, "played games this season before D"),
    *[c(n, "float64", True, "NULL before the player's first played game of the season") for n in
      ("points_l5", "points_l10", "points_season", "points_std_l10", "minutes_l10", "usage_l5", "usage_l10",
       "usage_season", "fga_l10", "fta_l10", "fg3a_l10", "points_per_minute_l10")],
    c("days_since_last_game", "int64", True, "NULL before the first played game of the season"),
    c("is_back_to_back", "bool", False), c("games_last_7_days", "int64", False),
    c("minutes_last_7_days", "float64", False), c("back_to_backs_last_14_days", "int64", False), *_HISTORY,
)

PLAYER_SHOT_ZONE_ANALYSIS = schema(
    *_AS_OF, *_PLAYER_ID, c("games_in_window", "int64", False, "played games in the last-10 window"),
    c("sample_size", "int64", False, "games of the window with shot data"),
    *[c(f"{z}_{m}", "float64", True, "NULL without shot data") for z in _ZONES for m in ("rate", "fg_pct")],
    c("attempts_per_game", "float64"), c("primary_zone", "string", True, "paint / perimeter / mid_range / balanced"),
    *_HISTORY,
)

TEAM_DEFENSE_ZONE_ANALYSIS = schema(
    *_AS_OF, c("season", "int64", False), c("game_id", "string", False, "D's game"), c("team_abbr", "string", False),
    c("opponent_abbr", "string", False), c("is_home", "bool", False),
    c("games_in_window", "int64", False, "games in the last-15 window"),
    c("sample_size", "int64", False, "games of the window with shot data"),
    *[c(f"{p}", "float64", True, "percent; NULL without shot data") for z in _ZONES
      for p in (f"opp_{z}_fg_pct_allowed", f"league_{z}_fg_pct", f"{z}_defense_vs_league")],
    c("defensive_rating_l15", "float64"), c("pace_l15", "float64"), c("pace_l10", "float64"),
    c("offensive_rating_l10", "float64"), *_HISTORY,
)

PLAYER_COMPOSITE_FACTORS = schema(
    c("game_date", "date", False, "D: values use only games before D"), c("player_id", "int64", False),
    c("season", "int64", False), c("game_id", "string", False), c("team_abbr", "string", False),
    c("opponent_abbr", "string"), c("is_bootstrap", "bool", False),
    c("fatigue_score", "float64", False, "0-100"), c("shot_zone_mismatch", "float64", True, "-10..+10"),
    c("pace_factor", "float64", True, "-3..+3"), c("usage_spike", "float64", True, "-3..+3"),
    c("total_adjustment", "float64", True, "(fatigue-100)/10 + present factors"),
    c("completeness_pct", "float64", False, "share of the four factors present"),
    c("has_zone_inputs", "bool", False), c("has_pace_inputs", "bool", False), c("has_usage_inputs", "bool", False),
    *_HISTORY,
)

# ---- nba_ml ----------------------------------------------------------------------------------
_FEATURE_SOURCES = (PLAYER_ROLLING_STATS, PLAYER_COMPOSITE_FACTORS, PLAYER_SHOT_ZONE_ANALYSIS)
_TEAM_FEATURES = {"opp_defensive_rating_l15": "opponent's defensive rating, its last 15 games",
                  "opp_pace_l10": "opponent's pace, its last 10 games", "own_pace_l10": "own team's pace, last 10",
                  "own_offensive_rating_l10": "own team's offensive rating, last 10"}


def _feature(name: str):
    """A feature column typed as in the pre-game table it comes from; nullable (a missing input stays NULL)."""
    if name in _TEAM_FEATURES:
        return c(name, "float64", True, _TEAM_FEATURES[name])
    if name in form.FEATURES:
        return c(name, "float64", True, "pre-game form (nba_assets/basketball/form.py)")
    for source in _FEATURE_SOURCES:
        for col in source.columns:
            if col.name == name:
                return c(name, col.type, True, col.description)
    raise KeyError(f"feature {name!r} has no pre-game source column")


def feature_rows_contract(features: list[str]):
    return schema(
        c("game_date", "date", False, "D: every feature uses only games before D"), *_PLAYER_ID,
        c("is_bootstrap", "bool", False), *[_feature(f) for f in features],
        c("completeness_pct", "float64", True, "share of the composite factors' inputs present"), *_HISTORY,
        c("points", "int64", True, "target: D's points; NULL until D is played"),
        c("minutes_played", "float64", True, "D's minutes; NULL until D is played"),
    )


MODEL_EVALUATION = schema(
    c("model_version", "string", False), c("test_season", "int64", False),
    c("population", "string", False, "all_played, or rotation (last-10 minutes >= 20)"),
    c("predictor", "string", False, "model, last_10_avg, season_avg, blend_l5_l10_season"),
    c("n_rows", "int64", False, "the same rows for every predictor of a population"),
    c("mae", "float64", False), c("rmse", "float64", False),
    c("within_3_pct", "float64", False, "% of rows with |error| <= 3 points"),
    c("within_5_pct", "float64", False, "% of rows with |error| <= 5 points"),
)

PLAYER_POINTS_PREDICTIONS = schema(
    c("game_date", "date", False), *_PLAYER_ID,
    c("model_version", "string", False), c("in_training_period", "bool", False,
                                            "D lies inside the model's training or validation dates (in-sample)"),
    c("predicted_points", "float64", False),
    c("actual_points", "int64", True, "NULL until D is played"), c("minutes_played", "float64", True),
    c("error", "float64", True, "predicted - actual, for players who played (a DNP voids the line)"),
)
