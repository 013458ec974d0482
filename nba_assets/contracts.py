"""The column contract of every derived warehouse table: names, logical types, order, nullability
(the raw tables' contracts are the sources' own: ``resources/raw_contracts.py``).

Attached to each asset as ``dagster/column_schema`` (the UI's column schema) and enforced by
the warehouse IO manager on every write and load (``resources.contract.conform``).
"""

from basketball import form, model, props, rolling, rosters
from resources import contract
from resources.contract import schema
from resources.raw_contracts import BOX_SCORE
from resources.raw_contracts import LINEAGE as _LINEAGE

_STATS = ["fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk"]

# Columns that mean the same in every derived table, described once; a table's own wording of
# one (``column(..., description)``) wins.
SHARED = {
    **{k: f"{v} in the game" for k, v in BOX_SCORE.items()},
    "points": "points scored in the game",
    "game_date": "D, the game date (US/Eastern): the partition key",
    "game_id": "stats.nba.com game id, 10 characters (0022300061)",
    "season": "season start year (2023 = 2023-24)",
    "game_type": "regular_season, play_in, playoffs or nba_cup_final (real NBA games only)",
    "player_id": "balldontlie player id (a 2025-26 player balldontlie does not know: nba.com "
    "person id + 2,000,000,000)",
    "player_name": "the box score's name (first + last; nba.com display name from 2025-26)",
    "team_abbr": "the row's team, tricode (BOS)",
    "opponent_abbr": "the other team of the game, tricode; NULL when the matchup does not name "
    "the row's team",
    "is_home": "the row's team is the home team",
    "is_bootstrap": f"first {rolling.BOOTSTRAP_DAYS} days of the season (from its first "
    "regular-season game): thin windows expected, not missing data",
    "is_back_to_back": "played the day before D",
    "games_last_7_days": "played games in the 7 days before D",
    "minutes_last_7_days": "minutes in those games",
    "back_to_backs_last_14_days": "back-to-back pairs among his games of the 14 days before D",
    "model_version": "walk-forward version id: its cutoff date and booster hash",
    "trained_through": "the version's last training or validation date: always before D",
    "predicted_at": "UTC time the prediction was made; kept as made",
    "predicted_points": "the model's points for D, floored at 0 (pre-game)",
    "snapshot_at": "UTC pull time of the latest line snapshot used (before tip_off)",
    "tip_off": "UTC tip-off of D's game",
    "market": "The Odds API market key (player_points, player_threes, ...)",
    "ts_pct": "true shooting, points / (2 * (FGA + 0.44 FTA)), 0-1; NULL without attempts",
    "efg_pct": "effective FG, (FGM + 0.5 FG3M) / FGA, 0-1; NULL without attempts",
}
column = contract.described_by(SHARED)

SCHEDULE = schema(
    column("game_date", "date", False),
    column(
        "game_id",
        "string",
        False,
        "stats.nba.com game id (0022300061); 'bdl-<id>' for a scheduled game known only by its "
        "balldontlie id",
    ),
    column("season", "int64", False),
    column("season_id", "string", False, "stats.nba.com season_id: game type digit + start year"),
    column(
        "game_type",
        "string",
        False,
        "preseason, regular_season, all_star, play_in, playoffs or nba_cup_final",
    ),
    column("is_nba_game", "bool", False, "a real NBA game (not preseason, not All-Star)"),
    column("home_team_abbr", "string", False, "home team tricode"),
    column("away_team_abbr", "string", False, "away team tricode"),
    column(
        "team_rows", "int64", False, "official team rows found for the game (2 when both are there)"
    ),
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
    column("team_id", "int64", False, "nba.com team id"),
    column("team_abbr", "string", False),
    column("opponent_abbr", "string"),
    column("is_home", "bool", True, "NULL when the matchup does not name the team"),
    column("is_win", "bool", True, "NULL when the official row has no W/L"),
    column("points", "int64", False),
    column("opponent_points", "int64", True, "NULL when the opponent's row is missing"),
    *[column(s, "int64", False) for s in _STATS],
    column("tov", "int64", False),
    column("pf", "int64", False),
    column("team_minutes", "int64", False, "player-minutes: 240 in regulation, +25 per overtime"),
    column("overtime_periods", "int64", False, "(team_minutes - 240) / 25"),
    column("possessions", "float64", False, "FGA + 0.44 FTA - OREB + TOV"),
    column("pace", "float64", True, "possessions per 48 minutes; NULL without team minutes"),
    column(
        "offensive_rating", "float64", True, "points per 100 possessions; NULL without possessions"
    ),
    column(
        "defensive_rating",
        "float64",
        True,
        "the opponent's offensive rating; NULL when its row is missing",
    ),
    column("ts_pct", "float64"),
    column("efg_pct", "float64"),
)

PLAYER_GAME_SUMMARY = schema(
    column("game_date", "date", False),
    column("game_id", "string", False),
    column("player_id", "int64", False),
    column(
        "nba_person_id",
        "int64",
        True,
        "nba.com person id (player_id_crosswalk); NULL when unmatched",
    ),
    column("season", "int64", False),
    column("game_type", "string", False),
    column("bdl_game_id", "int64", False, "balldontlie game id (2025-26: nba.com id as integer)"),
    column("player_name", "string"),
    column("team_abbr", "string", False, "the team he played for in this game"),
    column("opponent_abbr", "string"),
    column("is_home", "bool", True, "played for the home team; NULL when opponent_abbr is"),
    column("minutes_raw", "string", True, "the raw box score's minutes, as shipped"),
    column("minutes_played", "float64", False, "decimal minutes (45:58 -> 45.967); 0 for a DNP"),
    column("is_dnp", "bool", False, "did not play: no minutes and no box-score stats"),
    column("points", "int64", False),
    *[column(s, "int64", False) for s in _STATS],
    column("tov", "int64", False),
    column("pf", "int64", False),
    column(
        "usage_rate",
        "float64",
        True,
        "share of the team's plays he used while on court, percent (Basketball-Reference); "
        "NULL only when minutes_played is 0",
    ),
    column("ts_pct", "float64"),
    column("efg_pct", "float64"),
    column("points_per_minute", "float64", True, "points / minutes_played; NULL for a DNP"),
    column(
        "has_shot_data",
        "bool",
        False,
        "shot-level data exists for his game (2022-23 and 2023-24 regular seasons); zone "
        "columns are NULL when false",
    ),
    *[
        column(
            f"{zone}_{kind}",
            "int64",
            True,
            f"{what} field goals {'made' if kind == 'makes' else 'attempted'} ({label}); "
            "NULL without shot data",
        )
        for zone, what, label in (
            ("paint", "paint", "Restricted Area + In The Paint (Non-RA)"),
            ("mid_range", "mid-range", "basic_zone Mid-Range"),
            ("three", "three-point", "corner and above-the-break 3s, backcourt heaves"),
        )
        for kind in ("attempts", "makes")
    ],
)

# ---- nba_precompute: as of game_date D, from games strictly before D -------------------------
_ZONES = ("paint", "mid_range", "three")
_ZONE_WORDS = {"paint": "paint", "mid_range": "mid-range", "three": "three-point"}
_AS_OF = [
    column("game_date", "date", False, "D: values use only games before D"),
    column("is_bootstrap", "bool", False),
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
    column("team_abbr", "string", False, "his team in D's game (expected_rosters)"),
    column("opponent_abbr", "string"),
]
_L = "played games of the season before D"
_ROLLING = {
    "points_l5": f"mean points, last 5 {_L}",
    "points_l10": f"mean points, last 10 {_L}",
    "points_season": "mean points, every played game of the season before D",
    "points_std_l10": f"standard deviation of points, last 10 {_L}",
    "minutes_l10": f"mean minutes, last 10 {_L}",
    "usage_l5": f"mean usage_rate (percent), last 5 {_L}",
    "usage_l10": f"mean usage_rate (percent), last 10 {_L}",
    "usage_season": "mean usage_rate (percent), every played game of the season before D",
    "fga_l10": f"mean field goals attempted, last 10 {_L}",
    "fta_l10": f"mean free throws attempted, last 10 {_L}",
    "fg3a_l10": f"mean three-pointers attempted, last 10 {_L}",
    "points_per_minute_l10": f"points / minutes over the last 10 {_L}",
}

EXPECTED_ROSTERS = schema(
    column("game_date", "date", False, "D: the roster is known from box scores before D"),
    column("season", "int64", False),
    column("game_id", "string", False, "D's game (scheduled or played)"),
    column("team_abbr", "string", False, "the team he is expected to dress for on D"),
    column("opponent_abbr", "string", False),
    column("is_home", "bool", False),
    column("player_id", "int64", False),
    column("player_name", "string"),
    column(
        "team_games_since_played",
        "int64",
        False,
        "0: played in the team's last game before D; k: his last game for the team was k games "
        f"earlier (at most {rosters.ROSTER_GAMES - 1})",
    ),
    column("last_played_date", "date", False, "his last game with minutes for the team"),
    column("basis", "string", False, "the rule that put him on the roster, in words"),
    *_HISTORY,
)

PLAYER_ROLLING_STATS = schema(
    *_AS_OF,
    *_PLAYER_ID,
    column("player_name", "string"),
    column("is_home", "bool", True, "his team is at home on D"),
    column("games_played_season", "int64", False, "played games this season before D"),
    *[
        column(n, "float64", True, f"{_ROLLING[n]}; NULL before his first played game")
        for n in rolling.ROLLING_COLUMNS
    ],
    column(
        "days_since_last_game",
        "int64",
        True,
        "days from his last played game to D; NULL before the first played game of the season",
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
        column(
            f"{z}_{m}",
            "float64",
            True,
            (
                f"{_ZONE_WORDS[z]} share of his zone attempts, percent"
                if m == "rate"
                else f"{_ZONE_WORDS[z]} FG%, percent"
            )
            + ", last 10 played games before D; NULL without shot data",
        )
        for z in _ZONES
        for m in ("rate", "fg_pct")
    ],
    column(
        "attempts_per_game",
        "float64",
        True,
        "zone attempts per window game with shot data; NULL without shot data",
    ),
    column(
        "primary_zone",
        "string",
        True,
        "paint (paint rate >= 40), else perimeter (three rate >= 40), else mid_range (mid rate "
        ">= 35), else balanced; NULL without shot data",
    ),
    *_HISTORY,
)

_TEAM_WINDOW = "its last {n} games of the season before D"
_DEFENSE = {
    "opp_{z}_fg_pct_allowed": "opponents' {w} FG% against the team, percent, "
    + _TEAM_WINDOW.format(n=15),
    "league_{z}_fg_pct": "the league's {w} FG%, percent, over the same dates",
    "{z}_defense_vs_league": "allowed minus league, percentage points (positive = weak defense)",
}
_NO_GAME = "NULL before its first game of the season"
TEAM_DEFENSE_ZONE_ANALYSIS = schema(
    *_AS_OF,
    column("season", "int64", False),
    column("game_id", "string", False, "D's game"),
    column("team_abbr", "string", False, "a team scheduled on D"),
    column("opponent_abbr", "string", False),
    column("is_home", "bool", False),
    column("games_in_window", "int64", False, "games in the last-15 window"),
    column("sample_size", "int64", False, "games of the window with shot data"),
    *[
        column(
            name.format(z=z),
            "float64",
            True,
            f"{what.format(w=_ZONE_WORDS[z])}; NULL without shot data",
        )
        for z in _ZONES
        for name, what in _DEFENSE.items()
    ],
    column(
        "defensive_rating_l15",
        "float64",
        True,
        f"points allowed per 100 possessions, {_TEAM_WINDOW.format(n=15)}; {_NO_GAME}",
    ),
    column("pace_l15", "float64", True, f"mean pace, {_TEAM_WINDOW.format(n=15)}; {_NO_GAME}"),
    column("pace_l10", "float64", True, f"mean pace, {_TEAM_WINDOW.format(n=10)}; {_NO_GAME}"),
    column(
        "offensive_rating_l10",
        "float64",
        True,
        f"points per 100 possessions, {_TEAM_WINDOW.format(n=10)}; {_NO_GAME}",
    ),
    *_HISTORY,
)

PLAYER_COMPOSITE_FACTORS = schema(
    column("game_date", "date", False, "D: values use only games before D"),
    column("player_id", "int64", False),
    column("season", "int64", False),
    column("game_id", "string", False, "D's game"),
    column("team_abbr", "string", False, "his team in D's game"),
    column("opponent_abbr", "string"),
    column("is_bootstrap", "bool", False),
    column(
        "fatigue_score",
        "float64",
        False,
        "0-100 from rest and workload (100 = fresh; back-to-back -15, 4+ games in 7 days -10, ...)",
    ),
    column(
        "shot_zone_mismatch",
        "float64",
        True,
        "-10..+10: the opponent's defense vs league in his primary zone, weighted by his rate "
        "there (positive favours him); NULL without zone inputs",
    ),
    column(
        "pace_factor",
        "float64",
        True,
        "-3..+3: (own last-10 pace - opponent's) / 2; NULL without pace inputs",
    ),
    column(
        "usage_spike",
        "float64",
        True,
        "-3..+3: (usage_l5 - usage_season) * 0.3; NULL before his first played game",
    ),
    column(
        "total_adjustment",
        "float64",
        True,
        "(fatigue_score - 100) / 10 + the other factors present; NULL when none is",
    ),
    column("completeness_pct", "float64", False, "percent of the four factors present (0-100)"),
    column("has_zone_inputs", "bool", False, "shot_zone_mismatch has a value"),
    column("has_pace_inputs", "bool", False, "pace_factor has a value"),
    column("has_usage_inputs", "bool", False, "usage_spike has a value"),
    *_HISTORY,
)

# ---- nba_ml ----------------------------------------------------------------------------------
_FEATURE_SOURCES = (PLAYER_ROLLING_STATS, PLAYER_COMPOSITE_FACTORS, PLAYER_SHOT_ZONE_ANALYSIS)
_TEAM_FEATURES = {
    "opp_defensive_rating_l15": "opponent's points allowed per 100 possessions, its last 15 "
    "games before D",
    "opp_pace_l10": "opponent's mean pace, its last 10 games before D",
    "own_pace_l10": "own team's mean pace, last 10 games before D",
    "own_offensive_rating_l10": "own team's points per 100 possessions, last 10 games before D",
}
_SEASON = "played games of the season before D"
_CAREER = "every played game before D, all seasons"
_MISSING = (
    "teammates who played for the team in the days before its last game before D but not in it"
)
_FORM_FEATURES = {  # basketball/form.py, every one pre-game
    "points_l3": f"mean points, last 3 {_SEASON}",
    "points_l20": f"mean points, last 20 {_SEASON}",
    "minutes_l3": f"mean minutes, last 3 {_SEASON}",
    "minutes_l5": f"mean minutes, last 5 {_SEASON}",
    "minutes_trend": "minutes_l3 minus mean minutes of the last 10 (positive: a growing role)",
    "minutes_season": "mean minutes, every played game of the season before D",
    "points_per_shot_l10": f"points / (FGA + 0.44 FTA), last 10 {_SEASON}",
    "points_per_shot_season": "points / (FGA + 0.44 FTA), every played game of the season before D",
    "shots_l10": f"mean FGA + 0.44 FTA per game, last 10 {_SEASON}",
    **{
        f"{what}_ewm_h{h}": f"exponentially weighted mean {what} (halflife {h} games), {_CAREER}"
        for h in (3, 7, 15)
        for what in ("points", "minutes")
    },
    "points_l10_career": f"mean points, last 10 of {_CAREER}",
    "minutes_l10_career": f"mean minutes, last 10 of {_CAREER}",
    "games_career": f"count of {_CAREER} (in the data)",
    "prev_points_pg": "points per played game, his previous season; NULL without one",
    "prev_minutes_pg": "minutes per played game, his previous season; NULL without one",
    "prev_games": "played games, his previous season; NULL without one",
    "prev_usage": "mean usage_rate (percent), his previous season; NULL without one",
    "prev_points_per_minute": "points / minutes, his previous season; NULL without one",
    "team_missing_ppg_last_game": f"season points per game summed over the {_MISSING}",
    "team_ppg_total": "season points per game summed over everyone who played for the team in "
    "those days",
    "is_postseason": "1 when D's game is play-in or playoffs (D's schedule), else 0",
    "days_into_season": "days from the season's first game to D",
    "own_net_rating_l15": "own team's (points - points allowed) per 100 possessions, last 15 "
    "games before D",
    "opp_net_rating_l15": "the opponent's net rating, its last 15 games before D",
    "net_rating_diff_l15": "own_net_rating_l15 - opp_net_rating_l15",
    "mates_miss_ppg": f"season points per game summed over the {_MISSING}",
    "mates_miss_mpg": f"season minutes per game summed over the {_MISSING}",
    "mates_miss_n": f"count of the {_MISSING}",
    "mates_miss_ppg_l3": "mates_miss_ppg averaged over the team's last 3 games before D",
    "mates_miss_share": "mates_miss_ppg / team_ppg_total",
    "mates_played_team_last_game": "1 when he played the team's last game before D, else 0; "
    "NULL before the team's first game",
}


def _feature(name: str):
    """A feature column typed and described as in the pre-game table it comes from; nullable (a
    missing input stays NULL)."""
    if name in _TEAM_FEATURES:
        return column(name, "float64", True, _TEAM_FEATURES[name])
    if name in form.FEATURES:
        return column(name, "float64", True, _FORM_FEATURES[name])
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
            "completeness_pct",
            "float64",
            True,
            "player_composite_factors' percent of the four factors present; NULL without a row",
        ),
        *_HISTORY,
        column("points", "int64", True, "target: D's points; NULL until D is played"),
        column("minutes_played", "float64", True, "D's minutes; NULL until D is played"),
    )


_ROTATION = f"last-10 minutes >= {model.ROTATION_MINUTES_L10} before D"
MODEL_EVALUATION = schema(
    column("model_version", "string", False, "the latest walk-forward version of the evaluation"),
    column(
        "test_season",
        "int64",
        False,
        "season start year of the predictions scored (the latest season)",
    ),
    column("population", "string", False, f"all_played, or rotation ({_ROTATION})"),
    column("predictor", "string", False, "model, last_10_avg, season_avg, blend_l5_l10_season"),
    column("n_rows", "int64", False, "the same rows for every predictor of a population"),
    column("mae", "float64", False, "mean |predicted - actual| points, walk-forward"),
    column("rmse", "float64", False, "root mean squared error, points"),
    column("within_3_pct", "float64", False, "% of rows with |error| <= 3 points"),
    column("within_5_pct", "float64", False, "% of rows with |error| <= 5 points"),
)

PLAYER_POINTS_PREDICTIONS = schema(
    column("game_date", "date", False),
    *_PLAYER_ID,
    column("player_name", "string"),
    column("model_version", "string", False, "the walk-forward version that predicted D"),
    column("model_cutoff", "date", False, "the version's first predicted date"),
    column("trained_through", "date", False),
    column("predicted_at", "timestamp", False),
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
    column("actual_points", "int64", True, "D's points; NULL when void"),
    column("minutes_played", "float64", True, "D's minutes; NULL when he has no row on D"),
    column("error", "float64", True, "predicted - actual points; NULL when void"),
    *[
        column(b, "float64", True, f"pre-game baseline of the same row: {what}")
        for b, what in (
            ("last_10_avg", "points_l10"),
            ("season_avg", "points_season"),
            ("blend_l5_l10_season", "0.35 points_l5 + 0.40 points_l10 + 0.25 points_season"),
        )
    ],
    column("is_rotation", "bool", False, _ROTATION),
    column("baselines_available", "bool", False, "every baseline has a value (equal rows)"),
)

# ---- the market (``nba_assets/market.py``) ----------------------------------------------------
_LINE = [
    column("market", "string", False),
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
    column("min_line", "float64", False, "lowest main line among the books"),
    column("max_line", "float64", False, "highest main line among the books"),
    column("books_at_consensus", "int64", False, "books whose main line is the consensus line"),
    column(
        "over_prob_devig",
        "float64",
        True,
        "p_over / (p_over + p_under), mean over the books at the consensus line; NULL for "
        "yes/no markets and when no book quotes both prices at it",
    ),
    column("snapshot_at", "timestamp", False),
    column("tip_off", "timestamp", False, "UTC tip-off; every snapshot used is before it"),
    column("late_lines_dropped", "int64", False, "book lines pulled at or after tip-off, unused"),
)
_EDGE = [
    column(
        "model_version", "string", True, "the version that predicted D; NULL for a market-only row"
    ),
    column(
        "trained_through",
        "date",
        True,
        "the version's last training date; NULL for a market-only row",
    ),
    column("predicted_at", "timestamp", True, "as made (player_points_predictions)"),
    column("predicted_points", "float64", True, "as made; NULL for a market-only row"),
    column("last_10_avg", "float64", True, "pre-game last-10 average of the same row"),
    column("edge", "float64", True, "predicted_points - consensus_line, points"),
    column(
        "side",
        "string",
        True,
        "over, under or no_bet (|edge| below the run's edge_threshold); NULL for a market-only row",
    ),
]
PROP_EDGES = schema(
    column("game_date", "date", False),
    column("player_id", "int64", False),
    column("player_name", "string"),
    column("team_abbr", "string", False, "his team in D's game"),
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
    column(
        "model_error",
        "float64",
        True,
        "|predicted - actual|; NULL when void or for a market-only row",
    ),
    column("line_error", "float64", True, "|line - actual|; NULL when void"),
    column("last_10_error", "float64", True, "|last-10 average - actual|; NULL when void"),
)
MARKET_EVALUATION = schema(
    column("week", "date", False, "Monday of the week (America/New_York game dates)"),
    column("market", "string", False),
    column(
        "rows",
        "int64",
        False,
        "played player-games with a line, a prediction and a last-10 (0 for threes)",
    ),
    *[
        column(f"{p}_mae", "float64", True, f"{what}'s mean |error| in points on those rows")
        for p, what in (("model", "the model"), ("line", "the line"), ("last_10", "the last-10"))
    ],
    column(
        "model_closer_share",
        "float64",
        True,
        "share (0-1) of those rows where the model was closer than the line",
    ),
    column(
        "last_10_closer_share",
        "float64",
        True,
        "share (0-1) of those rows where the last-10 was closer than the line",
    ),
    column("bets", "int64", False, "settled bets (wins + losses) of the model's sides"),
    column(
        "hit_rate",
        "float64",
        True,
        f"wins / (wins + losses), 0-1; break-even at -110 is {props.BREAK_EVEN:.3f}",
    ),
    column("over_rate", "float64", True, "share (0-1) of settled lines that went over"),
)
