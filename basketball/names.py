"""Match sportsbook player names to box-score player ids.

Prop lines (The Odds API) name a player as the book prints him: ASCII, often a nickname
(``Herb Jones``), a suffix with or without its period (``Vincent Williams Jr``), and the game as
``"Away Team Full Name @ Home Team Full Name"`` in the books' spelling of team names. Box scores
name him with accents (``Nikola Jokić``), suffixes (``Jaren Jackson Jr.``, ``Ronald Holland II``)
and a balldontlie ``player_id``. A line is only worth grading when it is tied to the right id, and
a wrong id is worse than none: it would grade the bet on another man's points. So the match is
deliberately conservative:

1. Both sides are **folded** (:func:`fold`) so spelling noise (accents, case, periods,
   apostrophes, hyphens, generational suffixes) does not matter.
2. Nicknames that folding cannot bridge go through a small, reviewed alias table
   (``player_aliases.csv``, :func:`load_aliases`), each row with the evidence that the book name
   and the box-score name are the same man (same team, same dates).
3. A name is looked up among the players of the game's **two teams** first; only when none
   fits, among every candidate (a traded player whose new team has no box-score row for him yet).
4. When several distinct players fit, the row is ``"ambiguous"`` and gets no id: never a guess.

Pure pandas, no Dagster: the caller decides the candidate window (which seasons' players) and
where the frames come from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

ALIASES_CSV = Path(__file__).with_name("player_aliases.csv")
ALIAS_COLUMNS = ["book_name", "player_name", "why"]
MATCH_RULES = ("name", "alias", "other_team", "unmatched", "ambiguous")
KEY_COLUMNS = ["game_date", "away_abbr", "home_abbr", "player"]
RESULT_COLUMNS = [*KEY_COLUMNS, "player_id", "player_name", "match_rule"]

# Generational suffixes, folded. Dropped because books and box scores disagree on them
# ("Kelly Oubre Jr" vs "Kelly Oubre Jr.", "Ron Holland" vs "Ronald Holland II") and they never
# tell two active players apart on their own.
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})

# Letters that NFKD does not decompose into base letter + combining mark; without this table
# "ø" or "ł" would survive folding and a book's ASCII spelling would never match.
_UNDECOMPOSABLE = str.maketrans(
    {"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i", "æ": "ae", "ß": "ss"}
)
_DROPPED = re.compile(r"[.'\u2019\u2018`]")  # periods and apostrophes (straight and curly)
_TO_SPACE = re.compile(r"[-\u2010-\u2015,]")  # hyphens, dashes, commas

# The books' (The Odds API's) full team names that differ from balldontlie's ``team_full_name``,
# mapped straight to the tricode. balldontlie says "LA Clippers"; the books say
# "Los Angeles Clippers". Every other book name equals balldontlie's.
TEAM_NAMES: dict[str, str] = {"Los Angeles Clippers": "LAC"}


# ---- folding ---------------------------------------------------------------------------------


def fold(name: str) -> str:
    """The comparable form of a person's name: ASCII, lowercase, no punctuation, no suffix.

    Unicode NFKD splits accented letters into base letter + combining mark, and the marks are
    dropped (books print "Nikola Jokic" for "Nikola Jokić"); letters NFKD cannot split ("ø")
    are mapped by hand. Periods and apostrophes are removed ("De'Aaron" -> "deaaron",
    "P.J." -> "pj"), hyphens become spaces ("Gilgeous-Alexander"), trailing generational
    suffixes are dropped ("Jaren Jackson Jr." -> "jaren jackson"; never the only word), and
    whitespace is collapsed.
    """
    text = unicodedata.normalize("NFKD", str(name).translate(_UNDECOMPOSABLE))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = _TO_SPACE.sub(" ", _DROPPED.sub("", text)).split()
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return " ".join(words)


def fold_series(names: pd.Series) -> pd.Series:
    """:func:`fold` of every value, computed once per distinct name (frames repeat names)."""
    distinct = pd.unique(names)
    return names.map(dict(zip(distinct, map(fold, distinct), strict=True)))


# ---- teams -----------------------------------------------------------------------------------


def team_names(teams: pd.DataFrame, aliases: Mapping[str, str] = TEAM_NAMES) -> dict[str, str]:
    """Full team name -> tricode, from a frame of (``team_full_name``, ``team_abbreviation``).

    Built from the box scores rather than hard-coded so a renamed or relocated team comes with
    the data, plus the books' differing names (``aliases``, :data:`TEAM_NAMES`). So both
    "LA Clippers" and "Los Angeles Clippers" map to "LAC". A name that maps to two tricodes is
    a data error and raises ValueError naming it.
    """
    pairs = teams[["team_full_name", "team_abbreviation"]].drop_duplicates()
    pairs = pd.concat(
        [
            pairs,
            pd.DataFrame(
                {"team_full_name": list(aliases), "team_abbreviation": list(aliases.values())}
            ),
        ],
        ignore_index=True,
    ).drop_duplicates()
    clash = pairs[pairs.duplicated("team_full_name", keep=False)]
    if not clash.empty:
        detail = clash.groupby("team_full_name")["team_abbreviation"].agg(sorted).to_dict()
        raise ValueError(f"team name maps to several tricodes: {detail}")
    return dict(zip(pairs["team_full_name"], pairs["team_abbreviation"], strict=True))


# The 30 teams as balldontlie names them (2021-22 through 2025-26): a slate's lines are matched
# before any box score of the date exists, so the names cannot come from that date's rows. A
# renamed team is one line here (``team_names`` checks a name never maps to two tricodes).
NBA_TEAMS = {
    "Atlanta Hawks": "ATL",
    "Brooklyn Nets": "BKN",
    "Boston Celtics": "BOS",
    "Charlotte Hornets": "CHA",
    "Chicago Bulls": "CHI",
    "Cleveland Cavaliers": "CLE",
    "Dallas Mavericks": "DAL",
    "Denver Nuggets": "DEN",
    "Detroit Pistons": "DET",
    "Golden State Warriors": "GSW",
    "Houston Rockets": "HOU",
    "Indiana Pacers": "IND",
    "LA Clippers": "LAC",
    "Los Angeles Lakers": "LAL",
    "Memphis Grizzlies": "MEM",
    "Miami Heat": "MIA",
    "Milwaukee Bucks": "MIL",
    "Minnesota Timberwolves": "MIN",
    "New Orleans Pelicans": "NOP",
    "New York Knicks": "NYK",
    "Oklahoma City Thunder": "OKC",
    "Orlando Magic": "ORL",
    "Philadelphia 76ers": "PHI",
    "Phoenix Suns": "PHX",
    "Portland Trail Blazers": "POR",
    "Sacramento Kings": "SAC",
    "San Antonio Spurs": "SAS",
    "Toronto Raptors": "TOR",
    "Utah Jazz": "UTA",
    "Washington Wizards": "WAS",
}
NBA_TEAM_NAMES = team_names(
    pd.DataFrame({"team_full_name": list(NBA_TEAMS), "team_abbreviation": list(NBA_TEAMS.values())})
)


def team_abbrs(game: str, names: Mapping[str, str]) -> tuple[str, str]:
    """``"Away Team @ Home Team"`` -> ``(away_abbr, home_abbr)`` through ``names``.

    ``names`` is a full name -> tricode mapping, normally :func:`team_names` of the box scores.
    An unknown team name raises ValueError naming it: a silent miss would drop the game's lines
    or, worse, match its players against no team at all.
    """
    parts = str(game).split(" @ ")
    if len(parts) != 2:
        raise ValueError(f"game {game!r} is not 'Away Team @ Home Team'")
    abbrs = []
    for team in (p.strip() for p in parts):
        if team not in names:
            raise ValueError(f"unknown team name {team!r} in game {game!r}")
        abbrs.append(names[team])
    return abbrs[0], abbrs[1]


def game_teams(games: pd.Series, names: Mapping[str, str]) -> pd.DataFrame:
    """:func:`team_abbrs` of a column of games: a frame of ``away_abbr``, ``home_abbr``.

    Each distinct game is split once (a day has ~10 games but thousands of line rows).
    """
    distinct = pd.unique(games)
    split = {g: team_abbrs(g, names) for g in distinct}
    return pd.DataFrame(
        {
            "away_abbr": games.map(lambda g: split[g][0]),
            "home_abbr": games.map(lambda g: split[g][1]),
        },
        index=games.index,
    )


# ---- aliases ---------------------------------------------------------------------------------


def load_aliases(path: str | Path = ALIASES_CSV) -> pd.DataFrame:
    """The reviewed book-name -> box-score-name aliases (``book_name, player_name, why``).

    Kept as a CSV in the package so adding a nickname is a data change with its evidence in
    ``why``, reviewed like code. A book name listed twice would make the lookup a guess, so it
    raises ValueError.
    """
    aliases = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ALIAS_COLUMNS if c not in aliases.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}")
    aliases = aliases[ALIAS_COLUMNS]
    folded = fold_series(aliases["book_name"])
    if folded.duplicated().any():
        raise ValueError(
            f"{path}: book name listed twice: {sorted(set(folded[folded.duplicated()]))}"
        )
    return aliases


# ---- matching --------------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} is missing column(s) {missing}")


def _unique_hits(hits: pd.DataFrame) -> pd.DataFrame:
    """Per key row (``row``): how many distinct players fit, and the id/name when exactly one."""
    return (
        hits.drop_duplicates(["row", "player_id"])
        .groupby("row", sort=False)
        .agg(
            n=("player_id", "size"), player_id=("player_id", "first"), player_name=("name", "first")
        )
    )


def match_players(
    lines: pd.DataFrame, candidates: pd.DataFrame, aliases: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per distinct (game_date, away_abbr, home_abbr, player) with its box-score id.

    ``lines``: ``game_date, away_abbr, home_abbr, player`` (book names; rows may repeat).
    ``candidates``: ``player_id, player_name, team_abbr``, one row per team a player played for
    in the window the caller chooses (a player may repeat; several names for one id are fine:
    the first in ``candidates`` order is returned); with a ``game_date`` column, a candidate
    answers the lines of that date only (``game_date`` typed as in ``lines``). ``aliases``:
    ``book_name, player_name`` as from :func:`load_aliases` (None = no aliases).

    Returns the key columns plus ``player_id`` (Int64, NA when unmatched), ``player_name`` (the
    box-score name, NA when unmatched) and ``match_rule``:

    - ``"name"`` / ``"alias"``: exactly one candidate of the game's two teams has the folded
      book name or its alias-table name (``"alias"`` when only the alias found him; an aliased
      name found only off the game's teams is ``"other_team"`` like any other);
    - ``"other_team"``: none on the two teams, exactly one among all candidates (a player
      traded to a team he has no box-score row for yet);
    - ``"ambiguous"``: several distinct players fit at the first step that found any; no id,
      because choosing one would be a guess;
    - ``"unmatched"``: nobody fits.

    Done with merges on the folded name; only distinct names are folded in Python.
    """
    _require(lines, KEY_COLUMNS, "lines")
    _require(candidates, ["player_id", "player_name", "team_abbr"], "candidates")
    keys = lines[KEY_COLUMNS].drop_duplicates().reset_index(drop=True)
    keys["row"] = keys.index

    # The names to look up: the book's own and, where it has one, the alias target (a player's
    # box-score name can change between seasons: "Alexandre Sarr" in 2024-25, "Alex Sarr" in
    # 2025-26; both are the same id, so either name may answer).
    own = fold_series(keys["player"])
    lookups = pd.DataFrame({"row": keys["row"], "key": own})
    used_alias = pd.Series(False, index=keys.index)
    if aliases is not None and not aliases.empty:
        _require(aliases, ["book_name", "player_name"], "aliases")
        alias_map = dict(
            zip(fold_series(aliases["book_name"]), fold_series(aliases["player_name"]), strict=True)
        )
        target = own.map(alias_map)
        used_alias = target.notna()
        lookups = pd.concat(
            [lookups, pd.DataFrame({"row": keys["row"][used_alias], "key": target[used_alias]})],
            ignore_index=True,
        )

    # Candidates with a game_date are candidates of that date only (one call for many dates).
    by = ["game_date"] if "game_date" in candidates.columns else []
    cand = candidates[["player_id", "player_name", "team_abbr", *by]].dropna(
        subset=["player_id", "player_name"]
    )
    cand = cand.assign(key=fold_series(cand["player_name"]), name=cand["player_name"])
    # One name per id (the first listed), so an id listed under an ASCII and an accented
    # spelling counts as one player, not two.
    first_name = cand.drop_duplicates("player_id").set_index("player_id")["name"]
    cand = cand[["player_id", "team_abbr", "key", *by]].drop_duplicates()
    cand["name"] = cand["player_id"].map(first_name)
    if by:
        lookups["game_date"] = lookups["row"].map(keys.set_index("row")["game_date"])

    # Step 1: candidates of the game's two teams.
    teams = keys.set_index("row")[["away_abbr", "home_abbr"]]
    sides = pd.concat(
        [
            lookups.assign(team_abbr=lookups["row"].map(teams["away_abbr"])),
            lookups.assign(team_abbr=lookups["row"].map(teams["home_abbr"])),
        ],
        ignore_index=True,
    )
    team_hits = sides.merge(cand, on=["key", "team_abbr", *by])
    on_team = _unique_hits(team_hits)
    by_own_name = set(team_hits.loc[team_hits["key"] == team_hits["row"].map(own), "row"])
    # Step 2: every candidate, only for rows the game's teams did not answer.
    rest = lookups[~lookups["row"].isin(on_team.index)]
    anywhere = _unique_hits(rest.merge(cand.drop(columns="team_abbr"), on=["key", *by]))

    rows = keys["row"]
    n_team = on_team["n"].reindex(rows).fillna(0).to_numpy()
    n_any = anywhere["n"].reindex(rows).fillna(0).to_numpy()
    found = pd.concat([on_team, anywhere]).reindex(rows)  # disjoint rows: nothing overwritten
    single = (n_team == 1) | ((n_team == 0) & (n_any == 1))

    rule = pd.Series("unmatched", index=keys.index, dtype=object)
    rule[(n_team > 1) | ((n_team == 0) & (n_any > 1))] = "ambiguous"
    rule[(n_team == 0) & (n_any == 1)] = "other_team"
    rule[n_team == 1] = "name"
    rule[(n_team == 1) & used_alias.to_numpy() & ~keys["row"].isin(by_own_name).to_numpy()] = (
        "alias"
    )

    out = keys[KEY_COLUMNS].copy()
    found = found.set_axis(keys.index)
    out["player_id"] = found["player_id"].where(single).astype("Int64")
    out["player_name"] = found["player_name"].astype(object).where(single, pd.NA)
    out["match_rule"] = rule
    return out[RESULT_COLUMNS]
