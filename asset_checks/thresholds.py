"""Every check threshold, in one place.

Severity policy: a defect that makes a whole date untrustworthy is ERROR (blocking): duplicate
keys, an incomplete official schedule, impossible values, NULL minutes or a broken usage join.
A source defect confined to a few team-games is WARN, named game by game: the shipped
balldontlie rows are missing or misdated for about 0.4% of team-games (COVID reschedules) and
blocking those dates would stop every pre-game window that contains them. When more than
``MAX_ISOLATED_TEAM_GAMES`` team-games, or more than ``MAX_ISOLATED_SHARE`` of a date's team-games,
are affected, the defect is systemic (a partial load, a broken join) and becomes ERROR.
"""

MIN_PLAYERS_WITH_MINUTES = 5  # per team per game; fewer cannot happen in a real game
# expected rosters: a team with this many earlier games has at least this many expected players
# (the shipped seasons: 8 to 25, median 15); above this share of unexpected players, WARN (the
# shipped seasons: 2.4% overall, 4.8% in the first three weeks of 2025-26)
MIN_EXPECTED_PLAYERS = 8
MAX_PLAYED_NOT_EXPECTED_SHARE = 0.10
MAX_ISOLATED_TEAM_GAMES = 6  # the worst shipped date (2021-12-19, COVID reschedules) has 6
MAX_ISOLATED_SHARE = 0.5

MINUTES_COVERAGE = 1.0  # minutes_played on every row
USAGE_COVERAGE = 0.99  # usage_rate on rows with minutes_played > 0
ZONE_COVERAGE = 1.0  # zone columns on every row with has_shot_data
ZONE_FGA_AGREEMENT = (
    0.95  # zone attempts == FGA on has_shot_data rows (shipped: 99.7%); below: WARN
)

MAX_PLAYER_MINUTES_SLACK = 5.0  # a player's minutes may exceed the game length by rounding only
PLAUSIBLE = {  # DOMAIN.md "roughly" ranges; outside them is WARN, not ERROR
    "possessions": (70.0, 135.0),
    "pace": (70.0, 135.0),
    "offensive_rating": (60.0, 170.0),
}
HIGH_USAGE = 60.0  # usage above this for a player with HIGH_USAGE_MIN_MINUTES or more is WARN
HIGH_USAGE_MIN_MINUTES = 10.0

REGRESSION_WINDOW = 30  # trailing partitions compared against (WARN only)
REGRESSION_MIN_HISTORY = 10  # dates with data needed before the comparison means anything
REGRESSION_MAX_Z = 4.0  # |value - trailing mean| / trailing std above this warns

# ---- nba_precompute --------------------------------------------------------------------------
LEAKAGE_SAMPLE_PER_DATE = 5  # rows per date recomputed row by row from games strictly before D
LEAKAGE_TOLERANCE = 1e-6  # float noise between the vectorised and the row-by-row computation

# ---- nba_ml ----------------------------------------------------------------------------------
PREDICTION_RANGE = (0.0, 80.0)  # points; no NBA player has scored more than 81 since 1962
MAX_TRAIN_EVAL_MAE_GAP = 0.25  # (evaluation MAE - training MAE) / training MAE above this warns
# The model trains on the dates whose feature rows are readable. A few held-back dates are isolated
# source defects (the shipped data has the last four 2025 Finals games without player rows); more
# than this share of all dates means a partial load, and a model trained on it would say little.
MAX_DATES_LEFT_OUT_SHARE = 0.05

# ---- the market (prop lines) -----------------------------------------------------------------
# Plausible lines per market (an NBA points line above 45.5 or a threes line above 8.5 has never
# been posted; the shipped lines: points 0.5-40.5, threes 0.5-6.5); outside: ERROR.
LINE_RANGES = {
    "player_points": (0.5, 60.5),
    "player_rebounds": (0.5, 25.5),
    "player_assists": (0.5, 20.5),
    "player_threes": (0.5, 12.5),
    "player_points_rebounds_assists": (0.5, 80.5),
    "player_blocks": (0.5, 8.5),
    "player_steals": (0.5, 6.5),
}
# Book names matched to a player, per date: below this share the matching is broken (ERROR);
# any unmatched or ambiguous name above it is WARN, named.
MIN_MATCHED_NAME_SHARE = 0.80
MAX_SINGLE_BOOK_SHARE = 0.25  # lines quoted by one book only, per date; above: WARN
EDGE_THRESHOLD = 1.5  # points between prediction and line before the model takes a side
