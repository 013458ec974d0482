"""The column contracts of the tables a raw source delivers (``nba_raw``): values as shipped.

A raw source (the folder, ``resources.raw_source``; stats.nba.com, ``resources.nba_api_source``)
returns frames in these shapes, the raw assets declare them, and the warehouse IO manager
enforces them (``resources.contract.conform``). They live with the sources, below the assets, so
a source never imports an asset module.
"""

from resources.contract import column, schema

LINEAGE = [
    column("source_file", "string", False, "raw file the row came from"),
    column("ingested_at", "timestamp", False, "UTC time the raw asset read the file"),
]

# ---- nba_raw: values as shipped. Every shipped column is nullable: a row with a missing key or
# value is kept as shipped and its date held back by the raw asset's shipped_values check.
PLAYER_BOXSCORES = schema(
    column("game_date", "date", False),
    column("id", "int64", True, "balldontlie stat-row id"),
    column("min", "string", True, "minutes exactly as shipped"),
    *[
        column(s, "float64")
        for s in [
            "fgm",
            "fga",
            "fg_pct",
            "fg3m",
            "fg3a",
            "fg3_pct",
            "ftm",
            "fta",
            "ft_pct",
            "oreb",
            "dreb",
            "reb",
            "ast",
            "stl",
            "blk",
            "turnover",
            "pf",
            "pts",
        ]
    ],
    column("player_id", "int64"),
    column("player_first_name", "string"),
    column("player_last_name", "string"),
    column("player_position", "string"),
    column("player_team_id", "float64"),
    column("team_id", "int64"),
    column("team_abbreviation", "string"),
    column("team_full_name", "string"),
    column("game_id", "int64"),
    column("game_season", "int64"),
    column("game_home_team_id", "float64"),
    column("game_visitor_team_id", "float64"),
    column("game_postseason", "bool"),
    *LINEAGE,
)

TEAM_BOXSCORES = schema(
    column("game_date", "date", False),
    column("season_id", "string"),
    column("team_id", "int64"),
    column("team_abbreviation", "string"),
    column("team_name", "string"),
    column("game_id", "string"),
    column("matchup", "string"),
    column("wl", "string"),
    column("min", "int64"),
    *[
        column(s, "int64" if not s.endswith("_pct") else "float64")
        for s in [
            "pts",
            "fgm",
            "fga",
            "fg_pct",
            "fg3m",
            "fg3a",
            "fg3_pct",
            "ftm",
            "fta",
            "ft_pct",
            "oreb",
            "dreb",
            "reb",
            "ast",
            "stl",
            "blk",
            "tov",
            "pf",
        ]
    ],
    column("plus_minus", "float64"),
    column("season", "string"),
    *LINEAGE,
)

SHOTS = schema(
    column("game_date", "date", False),
    column("season_1", "int64"),
    column("season_2", "string"),
    column("team_id", "int64"),
    column("team_name", "string"),
    column("player_id", "int64", True, "nba.com person id"),
    column("player_name", "string"),
    column("position_group", "string"),
    column("position", "string"),
    column("game_id", "int64", True, "nba.com id without '00'"),
    column("home_team", "string"),
    column("away_team", "string"),
    column("event_type", "string"),
    column("shot_made", "bool"),
    column("action_type", "string"),
    column("shot_type", "string"),
    column("basic_zone", "string"),
    column("zone_name", "string"),
    column("zone_abb", "string"),
    column("zone_range", "string"),
    column("loc_x", "float64"),
    column("loc_y", "float64"),
    column("shot_distance", "int64"),
    column("quarter", "int64"),
    column("mins_left", "int64"),
    column("secs_left", "int64"),
    column("source_game_date", "string", False, "game_date as shipped (MM-DD-YYYY)"),
    *LINEAGE,
)

PROP_LINES = schema(
    column("game_date", "date", False, "US/Eastern date of the tip-off"),
    column("event_id", "string", True, "The Odds API event id (empty in the 2024-25 files)"),
    column("player", "string", True, "the player as the book prints him"),
    column("market", "string", True, "The Odds API market key, e.g. player_points"),
    column("line", "float64", True, "the line (empty for yes/no markets)"),
    column("bookmaker", "string", True, "The Odds API bookmaker key"),
    column("game", "string", True, "'Away @ Home', full team names"),
    column("game_time", "string", True, "tip-off, UTC ISO 8601, as shipped"),
    column("over_odds", "float64", True, "American odds of the over (the yes of yes/no markets)"),
    column("under_odds", "float64", True, "American odds of the under"),
    column(
        "snapshot_file",
        "string",
        True,
        "the snapshot the row was pulled in (shipped as source_file); its name holds the pull time",
    ),
    *LINEAGE,
)
