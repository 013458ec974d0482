"""The column contracts of the tables a raw source delivers (``nba_raw``): values as shipped.

A raw source (the folder, ``resources.raw_source``; stats.nba.com, ``resources.nba_api_source``)
returns frames in these shapes, the raw assets declare them, and the warehouse IO manager
enforces them (``resources.contract.conform``). They live with the sources, below the assets, so
a source never imports an asset module.
"""

from resources.contract import described_by, schema

# What a box-score count means, in the raw files and in the tables built from them.
BOX_SCORE = {
    "fgm": "field goals made",
    "fga": "field goals attempted",
    "fg3m": "three-pointers made",
    "fg3a": "three-pointers attempted",
    "ftm": "free throws made",
    "fta": "free throws attempted",
    "oreb": "offensive rebounds",
    "dreb": "defensive rebounds",
    "reb": "total rebounds",
    "ast": "assists",
    "stl": "steals",
    "blk": "blocks",
    "tov": "turnovers",
    "turnover": "turnovers",
    "pf": "personal fouls",
    "pts": "points",
}
_PCT = {"fg_pct": "field goal", "fg3_pct": "three-point", "ft_pct": "free throw"}
column = described_by(
    {
        **{k: f"{v}, as shipped" for k, v in BOX_SCORE.items()},
        **{k: f"{v} percentage as shipped, 0-1; NaN without attempts" for k, v in _PCT.items()},
        "game_date": "game date (US/Eastern day, as the source dates it): the partition key",
        "source_file": "raw file the row came from",
        "ingested_at": "UTC time the raw asset read the file",
    }
)

LINEAGE = [column("source_file", "string", False), column("ingested_at", "timestamp", False)]
# balldontlie ships most percentages as fractions, but some 2021-22 rows in percent
_BDL_PCT = "{} percentage as shipped: 0-1, some 2021-22 rows 0-100; NaN without attempts"

# ---- nba_raw: values as shipped. Every shipped column is nullable: a row with a missing key or
# value is kept as shipped and its date held back by the raw asset's shipped_values check.
PLAYER_BOXSCORES = schema(
    column("game_date", "date", False),
    column("id", "int64", True, "balldontlie stat-row id (2025-26: 3,000,000,000 + row number)"),
    column(
        "min",
        "string",
        True,
        "minutes exactly as shipped: 'MM:SS', whole minutes ('32', '00'), '0:00' or empty",
    ),
    *[
        column(s, "float64", True, _BDL_PCT.format(_PCT[s]) if s in _PCT else None)
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
    column(
        "player_id",
        "int64",
        True,
        "balldontlie player id; a 2025-26 player balldontlie does not know: nba.com person id "
        "+ 2,000,000,000",
    ),
    column("player_first_name", "string", True, "first name (2025-26: nba.com display name)"),
    column("player_last_name", "string", True, "last name"),
    column("player_position", "string", True, "G, F, C, F-C, G-F, ...; empty in 2025-26 rows"),
    column(
        "player_team_id",
        "float64",
        True,
        "balldontlie id of his team when the data was pulled, not of this game (unused)",
    ),
    column("team_id", "int64", True, "balldontlie id of the team he played for in this game"),
    column("team_abbreviation", "string", True, "that team's tricode (the same as stats.nba.com)"),
    column("team_full_name", "string", True, "that team's full name"),
    column(
        "game_id",
        "int64",
        True,
        "balldontlie game id (2025-26: the nba.com game id as an integer, 22500001)",
    ),
    column("game_season", "int64", True, "season start year (2023 = 2023-24)"),
    column("game_home_team_id", "float64", True, "balldontlie id of the home team"),
    column("game_visitor_team_id", "float64", True, "balldontlie id of the visiting team"),
    column(
        "game_postseason",
        "bool",
        True,
        "playoffs (and the 2021-22 play-in; play-in is False from 2022-23 on)",
    ),
    *LINEAGE,
)

TEAM_BOXSCORES = schema(
    column("game_date", "date", False),
    column(
        "season_id",
        "string",
        True,
        "game type digit + season start year, e.g. 22023 (1 preseason, 2 regular, 3 All-Star, "
        "4 playoffs, 5 play-in, 6 NBA Cup final)",
    ),
    column("team_id", "int64", True, "nba.com team id, e.g. 1610612747"),
    column("team_abbreviation", "string", True, "team tricode, e.g. BOS"),
    column("team_name", "string", True, "team name"),
    column("game_id", "string", True, "stats.nba.com game id, 10 characters (0022300061)"),
    column("matchup", "string", True, "'BOS vs. DAL' for the home team, 'DAL @ BOS' for away"),
    column("wl", "string", True, "W or L; empty for an unfinished stub row"),
    column("min", "int64", True, "team player-minutes: 240 in regulation, +25 per overtime"),
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
    column("plus_minus", "float64", True, "points scored minus points allowed"),
    column("season", "string", True, "season label, e.g. 2023-24"),
    *LINEAGE,
)

SHOTS = schema(
    column("game_date", "date", False),
    column("season_1", "int64", True, "season end year (2024 = 2023-24)"),
    column("season_2", "string", True, "season label, e.g. 2023-24"),
    column("team_id", "int64", True, "nba.com team id of the shooter's team"),
    column("team_name", "string", True, "the shooter's team name"),
    column("player_id", "int64", True, "nba.com person id"),
    column("player_name", "string", True, "the shooter's nba.com name"),
    column("position_group", "string", True, "G, F or C"),
    column("position", "string", True, "position, e.g. PG, SF-PF"),
    column("game_id", "int64", True, "nba.com id without '00' (22300003 = 0022300003)"),
    column("home_team", "string", True, "home team tricode"),
    column("away_team", "string", True, "away team tricode"),
    column("event_type", "string", True, "Made Shot or Missed Shot"),
    column("shot_made", "bool", True, "the shot went in"),
    column("action_type", "string", True, "layup, dunk, jump shot, ..."),
    column("shot_type", "string", True, "2PT Field Goal or 3PT Field Goal"),
    column(
        "basic_zone",
        "string",
        True,
        "Restricted Area, In The Paint (Non-RA), Mid-Range, Left / Right Corner 3, Above the "
        "Break 3, Backcourt: the zone player_game_summary counts by",
    ),
    column("zone_name", "string", True, "side of the court (Left Side, Center, ...)"),
    column("zone_abb", "string", True, "zone_name abbreviated (L, C, LC, RC, R, BC)"),
    column("zone_range", "string", True, "distance band: Less Than 8 ft., 8-16 ft., ..."),
    column("loc_x", "float64", True, "court x in feet, -25..25 (basket at 0)"),
    column("loc_y", "float64", True, "court y in feet, 0..89.5 (as the source rescaled it)"),
    column("shot_distance", "int64", True, "feet from the basket"),
    column("quarter", "int64", True, "period: 1-4, 5+ for overtimes"),
    column("mins_left", "int64", True, "minutes left in the period"),
    column("secs_left", "int64", True, "seconds left in the minute"),
    column("source_game_date", "string", False, "game_date as shipped (MM-DD-YYYY)"),
    *LINEAGE,
)

PROP_LINES = schema(
    column("game_date", "date", False, "US/Eastern date of the tip-off: the partition key"),
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
