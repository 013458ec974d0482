"""Asset keys: key prefix = warehouse dataset, name = table name."""

import dagster as dg

RAW, ANALYTICS = "nba_raw", "nba_analytics"

PLAYER_BOXSCORES = dg.AssetKey([RAW, "player_boxscores"])
TEAM_BOXSCORES = dg.AssetKey([RAW, "team_boxscores"])
SHOTS = dg.AssetKey([RAW, "shots"])
SCHEDULE = dg.AssetKey([RAW, "schedule"])
PROP_LINES = dg.AssetKey([RAW, "prop_lines"])
TEAM_OFFENSE_GAME_SUMMARY = dg.AssetKey([ANALYTICS, "team_offense_game_summary"])
PLAYER_GAME_SUMMARY = dg.AssetKey([ANALYTICS, "player_game_summary"])
PROP_LINES_CONSENSUS = dg.AssetKey([ANALYTICS, "prop_lines_consensus"])

PRECOMPUTE = "nba_precompute"
EXPECTED_ROSTERS = dg.AssetKey([PRECOMPUTE, "expected_rosters"])
PLAYER_ROLLING_STATS = dg.AssetKey([PRECOMPUTE, "player_rolling_stats"])
PLAYER_SHOT_ZONE_ANALYSIS = dg.AssetKey([PRECOMPUTE, "player_shot_zone_analysis"])
TEAM_DEFENSE_ZONE_ANALYSIS = dg.AssetKey([PRECOMPUTE, "team_defense_zone_analysis"])
PLAYER_COMPOSITE_FACTORS = dg.AssetKey([PRECOMPUTE, "player_composite_factors"])

ML = "nba_ml"
FEATURE_ROWS = dg.AssetKey([ML, "feature_rows"])
POINTS_MODEL = dg.AssetKey([ML, "points_model"])
MODEL_EVALUATION = dg.AssetKey([ML, "model_evaluation"])
PLAYER_POINTS_PREDICTIONS = dg.AssetKey([ML, "player_points_predictions"])
PREDICTION_RESULTS = dg.AssetKey([ML, "prediction_results"])
PROP_EDGES = dg.AssetKey([ML, "prop_edges"])
PROP_RESULTS = dg.AssetKey([ML, "prop_results"])
MARKET_EVALUATION = dg.AssetKey([ML, "market_evaluation"])
