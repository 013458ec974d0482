"""Sportsbook names -> box-score player ids (``basketball.names``), on the real shipped files.

The lines are the real ``prop_lines.parquet`` rows, the candidates the real box-score players of
the lines' season, and every expected id is checked against who actually has a
box-score row for the game's team on the line's date, not against the matcher's own output.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from basketball import names

from helpers import REAL_RAW

RAW = Path(REAL_RAW)
FIRST, LAST = "2025-10-21", "2025-11-09"


@pytest.fixture(scope="module")
def box() -> pd.DataFrame:
    cols = ["player_id", "player_first_name", "player_last_name", "team_abbreviation"]
    frame = pd.read_parquet(
        RAW / "player_boxscores.parquet",
        columns=[*cols, "team_full_name", "game_date", "game_season", "min"],
    )
    return frame.assign(name=frame["player_first_name"] + " " + frame["player_last_name"])


@pytest.fixture(scope="module")
def team_map(box) -> dict[str, str]:
    return names.team_names(box)


@pytest.fixture(scope="module")
def props(team_map) -> pd.DataFrame:
    """Every prop line as a ``lines`` frame (game_date, away_abbr, home_abbr, player, market)."""
    raw = pd.read_parquet(
        RAW / "prop_lines.parquet", columns=["player", "market", "game", "game_time"]
    )
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "game_date": pd.to_datetime(raw["game_time"], utc=True)
                    .dt.tz_convert("America/New_York")
                    .dt.strftime("%Y-%m-%d"),
                    "player": raw["player"],
                    "market": raw["market"],
                }
            ),
            names.game_teams(raw["game"], team_map),
        ],
        axis=1,
    )


def candidates_of(box: pd.DataFrame, seasons: list[int]) -> pd.DataFrame:
    """The box-score players of ``seasons`` with every team they played for, latest row first
    (so an id listed under an ASCII and an accented spelling returns the current one)."""
    rows = box[box["game_season"].isin(seasons)].sort_values("game_date", ascending=False)
    return pd.DataFrame(
        {
            "player_id": rows["player_id"],
            "player_name": rows["name"],
            "team_abbr": rows["team_abbreviation"],
        }
    ).drop_duplicates()


@pytest.fixture(scope="module")
def candidates(box) -> pd.DataFrame:
    """The 2025-26 players: the season of the points lines. (With 2024-25 too, Alex Sarr and
    Bub Carrington would be ambiguous: the shipped rows give each two ids, one per season.)"""
    return candidates_of(box, [2025])


@pytest.fixture(scope="module")
def points(props, candidates) -> pd.DataFrame:
    """The match of every ``player_points`` line of 2025-10-21..2025-11-09."""
    lines = props[(props["market"] == "player_points") & props["game_date"].between(FIRST, LAST)]
    return names.match_players(lines, candidates, names.load_aliases())


def box_team_on(box: pd.DataFrame, matched: pd.DataFrame) -> pd.Series:
    """The team each matched row's player has a box-score row for on its date (NaN: none)."""
    rows = box[["player_id", "game_date", "team_abbreviation"]].rename(
        columns={"team_abbreviation": "box_team"}
    )
    joined = matched.astype({"player_id": "float64"}).merge(
        rows.astype({"player_id": "float64"}), on=["player_id", "game_date"], how="left"
    )
    assert len(joined) == len(matched)  # one box-score row per player and date
    return joined["box_team"].set_axis(matched.index)


def one(matched: pd.DataFrame, player: str, game_date: str) -> pd.Series:
    row = matched[(matched["player"] == player) & (matched["game_date"] == game_date)]
    assert len(row) == 1, (player, game_date, row)
    return row.iloc[0]


# ---- fold ------------------------------------------------------------------------------------

BOX_FOLDS = {
    "Nikola Jokić": "nikola jokic",
    "Luka Dončić": "luka doncic",
    "Kristaps Porziņģis": "kristaps porzingis",
    "Egor Dëmin": "egor demin",
    "Dennis Schröder": "dennis schroder",
    "Yanic Konan Niederhäuser": "yanic konan niederhauser",
    "Jaren Jackson Jr.": "jaren jackson",
    "Kelly Oubre Jr.": "kelly oubre",
    "Jimmy Butler III": "jimmy butler",
    "Ronald Holland II": "ronald holland",
    "Shai Gilgeous-Alexander": "shai gilgeous alexander",
    "De'Aaron Fox": "deaaron fox",
}
BOOK_FOLDS = {
    "Kelly Oubre Jr": "kelly oubre",
    "Jaren Jackson Jr": "jaren jackson",
    "Terrence Shannon Jr.": "terrence shannon",
    "Isaiah Stewart II": "isaiah stewart",
    "C.J. McCollum": "cj mccollum",
    "Nickeil Alexander-Walker": "nickeil alexander walker",
    "D'Angelo Russell": "dangelo russell",
}


def test_fold_real_box_score_names(box):
    shipped = set(box["name"])
    assert set(BOX_FOLDS) <= shipped, set(BOX_FOLDS) - shipped
    assert {n: names.fold(n) for n in BOX_FOLDS} == BOX_FOLDS
    # Accented nba.com spellings fold to balldontlie's ASCII spelling of the same id.
    same_id = box[box["name"].isin(["Nikola Jokić", "Nikola Jokic", "Luka Dončić", "Luka Doncic"])]
    assert same_id.groupby("player_id")["name"].nunique().to_dict() == {132: 2, 246: 2}


def test_fold_real_book_names(props):
    shipped = set(props["player"])
    assert set(BOOK_FOLDS) <= shipped, set(BOOK_FOLDS) - shipped
    assert {n: names.fold(n) for n in BOOK_FOLDS} == BOOK_FOLDS


def test_fold_is_plain_ascii_and_idempotent_on_every_shipped_name(box, props):
    every = pd.Series(sorted(set(box["name"]) | set(props["player"])))
    folded = names.fold_series(every)
    assert folded.map(str.isascii).all()
    assert (folded == folded.str.lower()).all()
    assert not folded.str.contains(r"[.'\-]|  |^ | $").any()
    assert (names.fold_series(folded) == folded).all()
    assert names.fold("Jr.") == "jr"  # a suffix is never the whole name


# ---- teams -----------------------------------------------------------------------------------


def test_both_clippers_names_map_to_lac(team_map):
    assert team_map["LA Clippers"] == team_map["Los Angeles Clippers"] == "LAC"
    assert len(set(team_map.values())) == 30
    assert names.team_abbrs("Los Angeles Clippers @ Denver Nuggets", team_map) == ("LAC", "DEN")


def test_every_prop_game_is_the_official_matchup_on_its_eastern_date(props):
    """Away/home and the US/Eastern date agree with stats.nba.com's ``"AWAY @ HOME"`` rows
    (a UTC date would put every late tip-off on the next day)."""
    team = pd.read_parquet(RAW / "team_boxscores.parquet", columns=["game_date", "matchup"])
    official = set(zip(team["game_date"], team["matchup"], strict=True))
    games = props[["game_date", "away_abbr", "home_abbr"]].drop_duplicates()
    assert len(games) > 1000  # 2024-25 threes + 2025-26
    said = set(
        zip(games["game_date"], games["away_abbr"] + " @ " + games["home_abbr"], strict=True)
    )
    # Three 2024-25 games had threes lines pulled before they were postponed (Los Angeles
    # wildfires; winter storms in Atlanta and New Orleans); they were played later.
    assert said - official == {
        ("2025-01-09", "CHA @ LAL"),
        ("2025-01-11", "HOU @ ATL"),
        ("2025-01-22", "MIL @ NOP"),
    }
    assert {("2025-02-19", "CHA @ LAL"), ("2025-01-28", "HOU @ ATL")} <= official
    assert ("2025-04-06", "MIL @ NOP") in official


def test_unknown_team_name_raises_naming_it(team_map):
    with pytest.raises(ValueError, match="Seattle SuperSonics"):
        names.team_abbrs("Seattle SuperSonics @ Boston Celtics", team_map)
    with pytest.raises(ValueError, match="Los Angeles Clippers"):
        names.team_abbrs("Los Angeles Clippers @ Boston Celtics", {"Boston Celtics": "BOS"})
    with pytest.raises(ValueError, match="Away Team @ Home Team"):
        names.team_abbrs("Boston Celtics vs Miami Heat", team_map)
    with pytest.raises(ValueError, match="Seattle SuperSonics"):
        names.game_teams(pd.Series(["Seattle SuperSonics @ Boston Celtics"]), team_map)


# ---- the real player_points lines --------------------------------------------------------------


def test_every_points_pair_is_matched(points):
    """All 2,196 distinct (date, player) pairs but one get an id among the season's players:
    Jalen Williams (OKC) sat out every game through 2025-11-09 and has no 2025-26 row (his
    opening-night line is void; the pipeline finds him among the previous season's players)."""
    pairs = points[["game_date", "player"]].drop_duplicates()
    assert len(pairs) == len(points) == 2196  # as the data README counts them
    unmatched = points.loc[points["player_id"].isna(), ["game_date", "player"]]
    assert unmatched.values.tolist() == [["2025-10-21", "Jalen Williams"]]
    assert points["match_rule"].value_counts().to_dict() == {
        "name": 2155,
        "alias": 40,
        "unmatched": 1,
    }
    assert str(points["player_id"].dtype) == "Int64"


def test_every_match_is_a_player_of_the_games_teams_that_day(box, points):
    """Whenever the matched player has a box-score row on the line's date (he may sit out: the
    bet is void), it is for one of the game's two teams: no line is tied to another player."""
    team = box_team_on(box, points)
    has_row = team.notna()
    assert has_row.mean() > 0.95
    on_game = (team == points["away_abbr"]) | (team == points["home_abbr"])
    assert on_game[has_row].all(), points[has_row & ~on_game]


def test_accent_cases(box, points):
    jokic = one(points, "Nikola Jokic", "2025-10-23")
    assert (jokic["player_id"], jokic["player_name"], jokic["match_rule"]) == (
        246,
        "Nikola Jokić",
        "name",
    )
    demin = one(points, "Egor Demin", "2025-11-09")  # a rookie: only the accented name exists
    assert (demin["player_name"], demin["match_rule"]) == ("Egor Dëmin", "name")
    rows = box[(box["name"] == "Egor Dëmin") & (box["game_date"] == "2025-11-09")]
    assert rows[["player_id", "team_abbreviation"]].values.tolist() == [[demin["player_id"], "BKN"]]


def test_suffix_cases(points):
    got = {
        p: points.loc[points["player"] == p, "player_name"].unique().tolist()
        for p in ("Jaren Jackson Jr", "Jimmy Butler", "Isaiah Stewart II", "Terrence Shannon Jr.")
    }
    assert got == {
        "Jaren Jackson Jr": ["Jaren Jackson Jr."],
        "Jimmy Butler": ["Jimmy Butler III"],
        "Isaiah Stewart II": ["Isaiah Stewart"],
        "Terrence Shannon Jr.": ["Terrence Shannon Jr"],
    }
    assert set(points.loc[points["player"].isin(got), "match_rule"]) == {"name"}


# ---- aliases ---------------------------------------------------------------------------------


def test_each_alias_resolves_to_who_played_for_that_team_that_day(box, props):
    """Over every market (2025-26 and the 2024-25 threes), with each date's own box-score players
    as the candidates (as the pipeline matches): each alias is used, is needed on the dates the
    books print it (its book name is nobody's box-score name that day), and every line it
    resolves is the box-score player of one of the game's teams on that date. A player's
    box-score name can change between seasons (Alexandre Sarr in 2024-25, Alex Sarr in
    2025-26), so the alias is needed in one season only."""
    aliases = names.load_aliases()
    assert list(aliases.columns) == ["book_name", "player_name", "why"]
    assert (aliases["why"].str.len() > 10).all()
    assert set(aliases["player_name"]) <= set(box["name"])
    aliased = props[props["player"].isin(aliases["book_name"])]
    played = box[box["min"].fillna("").str.split(":").str[0].replace("", "0").astype(float) > 0]
    matched = []
    for day, lines in aliased.groupby("game_date"):
        today = played[played["game_date"] == day]
        candidates = pd.DataFrame(
            {
                "player_id": today["player_id"],
                "player_name": today["name"],
                "team_abbr": today["team_abbreviation"],
            }
        )
        matched.append(names.match_players(lines, candidates, aliases))
    matched = pd.concat(matched, ignore_index=True)
    # the season whose rows use the book's spelling: Alex Sarr in 2025-26, Nicolas Claxton and
    # Carlton Carrington in 2024-25
    own_name = matched[matched["match_rule"] == "name"]
    assert (own_name["player_name"] == own_name["player"]).all()
    seasons = own_name.groupby("player")["game_date"].agg(["min", "max"])
    assert (seasons.loc["Alex Sarr", "min"] >= FIRST) and seasons.drop("Alex Sarr")["max"].lt(
        FIRST
    ).all()
    on_a_day_he_played = matched[matched["match_rule"] == "alias"]
    assert set(on_a_day_he_played["player"]) == set(aliases["book_name"])
    target = dict(zip(aliases["book_name"], aliases["player_name"], strict=True))
    assert (on_a_day_he_played["player_name"] == on_a_day_he_played["player"].map(target)).all()
    team = box_team_on(box, on_a_day_he_played)
    home, away = on_a_day_he_played["home_abbr"], on_a_day_he_played["away_abbr"]
    assert ((team == away) | (team == home)).all()
    # the rest are lines of nights he did not play (void, not a matching failure)
    missed = matched[matched["player_id"].isna()]
    assert len(missed) + len(own_name) + len(on_a_day_he_played) == len(matched)
    assert set(missed["match_rule"]) <= {"unmatched"}
    assert not missed.merge(
        played, left_on=["game_date", "player"], right_on=["game_date", "name"]
    ).size
    # one match per (date, book name) on which the alias target played: counted from the box
    # scores directly
    target_rows = aliased.drop_duplicates(["game_date", "player"]).assign(
        name=lambda f: f["player"].map(target)
    )
    expected = target_rows.merge(played[["game_date", "name"]].drop_duplicates())
    assert on_a_day_he_played.groupby("player").size().to_dict() == (
        expected.groupby("player").size().to_dict()
    )
    # K.J. Martin was traded mid-season: the alias follows him from PHI to UTA.
    assert set(team[on_a_day_he_played["player"] == "K.J. Martin"]) == {"PHI", "UTA"}


# ---- traded players and ambiguity --------------------------------------------------------------


def test_offseason_move_resolves_through_other_team(box, props):
    """With last season's players only (the window before 2025-26 tipped off), a player who
    moved in the offseason is found on no team of his 2025-10-22 game, so he resolves through
    ``other_team`` to the id his new team's box score shows that night."""
    last_season = candidates_of(box, [2024])
    lines = props[(props["market"] == "player_points") & (props["game_date"] == "2025-10-22")]
    matched = names.match_players(lines, last_season, names.load_aliases())
    moved = {"Desmond Bane": ("MEM", "ORL"), "Kristaps Porzingis": ("BOS", "ATL")}
    for player, (old, new) in moved.items():
        row = one(matched, player, "2025-10-22")
        assert row["match_rule"] == "other_team"
        assert set(last_season.loc[last_season["player_id"] == row["player_id"], "team_abbr"]) == {
            old
        }
        that_night = box[(box["game_date"] == "2025-10-22") & (box["team_abbreviation"] == new)]
        assert row["player_id"] in set(that_night["player_id"])
    # Rookies have no box-score row last season: unmatched, never someone else.
    assert one(matched, "Cooper Flagg", "2025-10-22")["match_rule"] == "unmatched"
    assert pd.isna(one(matched, "Cooper Flagg", "2025-10-22")["player_id"])


def test_same_folded_name_on_the_games_teams_is_ambiguous_never_a_guess():
    lines = pd.DataFrame(
        {
            "game_date": ["2025-11-01"] * 6,
            "away_abbr": ["DEN", "DEN", "MIA", "MIA", "DEN", "BOS"],
            "home_abbr": ["NYK", "NYK", "ORL", "ORL", "NYK", "CHI"],
            "player": [
                "Tim Hardaway Jr",
                "Tim Hardaway Jr",  # repeated line rows: one result row
                "Tim Hardaway Jr",
                "Luka Doncic",
                "Luka Doncic",
                "Nobody Known",
            ],
        }
    )
    candidates = pd.DataFrame(
        {
            "player_id": [1, 2, 3, 132, 132, 7],
            "player_name": [
                "Tim Hardaway Jr.",
                "Tim Hardaway",  # folds to the same name as 1, same game
                "Tim Hardaway",
                "Luka Dončić",
                "Luka Doncic",  # the same id twice: one player, not two
                "Someone Else",
            ],
            "team_abbr": ["DEN", "NYK", "LAL", "DEN", "DAL", "BOS"],
        }
    )
    got = names.match_players(lines, candidates)
    assert got.columns.tolist() == names.RESULT_COLUMNS
    assert got[["away_abbr", "player", "match_rule"]].values.tolist() == [
        ["DEN", "Tim Hardaway Jr", "ambiguous"],  # 1 and 2 both on DEN @ NYK
        ["MIA", "Tim Hardaway Jr", "ambiguous"],  # none on MIA/ORL, 3 elsewhere
        ["MIA", "Luka Doncic", "other_team"],
        ["DEN", "Luka Doncic", "name"],
        ["BOS", "Nobody Known", "unmatched"],
    ]
    assert got["player_id"].isna().tolist() == [True, True, False, False, True]
    assert got["player_name"].isna().tolist() == [True, True, False, False, True]
    assert got.loc[got["player"] == "Luka Doncic", "player_id"].tolist() == [132, 132]
    assert got.loc[3, "player_name"] == "Luka Dončić"  # first listed spelling
    assert str(got["player_id"].dtype) == "Int64"

    # The game's teams win over the rest: one Hardaway on the game, another elsewhere.
    only_one = names.match_players(lines.iloc[:1], candidates[candidates["player_id"] != 2])
    assert only_one[["player_id", "match_rule"]].values.tolist() == [[1, "name"]]


def test_empty_lines_give_an_empty_typed_result(candidates):
    got = names.match_players(
        pd.DataFrame(columns=names.KEY_COLUMNS), candidates, names.load_aliases()
    )
    assert got.empty and got.columns.tolist() == names.RESULT_COLUMNS
    assert str(got["player_id"].dtype) == "Int64"
