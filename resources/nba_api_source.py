"""stats.nba.com as the raw source (``NBA_DEPLOYMENT=live`` or ``production``), through the
optional ``nba_api`` package.

``NbaApiSource.read(spec, dates)`` returns what ``RawSource.read`` returns (columns, dtypes,
validation, lineage) for team box scores (``LeagueGameFinder``, team mode: the endpoint the
folder's team file was saved from), player box scores (``BoxScoreTraditionalV3`` per game) and
shots (``ShotChartDetail`` per game, every attempt). The parsers are pure functions of the
documented JSON.

Every request goes through ``call``: ``NBA_API_RETRIES`` retries with doubling waits on timeouts,
connection errors, HTTP 429 and 5xx, then ``NbaApiError`` naming endpoint, parameters and last error
(final: the asset's own ``RetryRequested`` is for ``TransientSourceError`` only). One request at a
time: when this source is selected, the assets that call it (the ``nba_raw`` assets and
``player_game_summary``, which reads the crosswalk) take ``pool=NBA_API_POOL``, limited to 1.

Player ids: stats.nba.com sends nba.com person ids, the folder keys players on balldontlie ids,
and a live date's rows must continue the same player's folder history. So ``read(PLAYER_BOXSCORES,
...)`` keys every player as the folder's shipped 2025-26 rows are keyed (data README §5; the rules
are ``key_players``): through the history folder's ``player_id_crosswalk.parquet``, else by a
unique normalized name to a balldontlie player of its ``player_boxscores.parquet``, else as nba.com
person id + 2,000,000,000. The shipped person id stays in every row (``id`` is
``game_id * 10**8 + person id``; the raw contract has no column for it or for the rule), each read
logs how many rows each rule keyed, and ``frame(PLAYER_ID_CROSSWALK)`` maps every id the live rows
use (and every pair of the folder's crosswalk) back to its person id. The nba.com side of the name
rule is the site's player list (``CommonAllPlayers``) minus players whose last season ends before
the folder's first one, plus the players being keyed: fixed, so a player's id does not depend on
who else played that day and ``read`` agrees with ``frame``, and without a 1980s namesake, who
cannot be in the folder, making a current player's name ambiguous.

The history folder is ``history_dir`` (``nba_api_source()`` passes ``default_raw_dir()``).
``history_dir=None`` means no history: then neither the crosswalk nor a name match can find
anyone, so the README's last rule keys everyone (nba person id + 2,000,000,000; a warning says
so): ids that collide with no folder id and decode to the person id. A configured folder that
lacks one of the two files is an error instead (``RawDataError`` naming the file): the rules
without the crosswalk, or without the box scores, give some players other ids than the full
rules (rule 2 would reach players the crosswalk keeps apart; the 64 players the shipped 2025-26
rows match by name would get new ids), and ids written to the warehouse stay there.
"""

from __future__ import annotations

import re
import time
import unicodedata
from datetime import date
from pathlib import Path

import dagster as dg
import pandas as pd
from pydantic import PrivateAttr

from basketball.calendar import season_of
from resources import raw_contracts
from resources.raw_source import (
    BOOL,
    FLOAT,
    INT,
    NUMBER,
    PLAYER_BOXSCORES,
    PLAYER_ID_CROSSWALK,
    SHOTS,
    SOURCE_RETRIES,
    TEAM_BOXSCORES,
    TEXT,
    RawDataError,
    RawFile,
    RawSource,
    TransientSourceError,
    dated_problems,
    dated_rows,
    default_raw_dir,
    validate,
)

NBA_API_POOL = "nba_api"
NBA_API_RETRIES = SOURCE_RETRIES  # retries after the first attempt
NBA_API_RETRY_WAIT_SECONDS = 2.0  # doubled on every retry (2, 4, 8 s): a website, not a file
INSTALL_HINT = (
    "the live source (NBA_DEPLOYMENT=live or production) needs the optional nba_api package: "
    'pip install -e ".[live]"'
)

_ENDPOINT_OF = {
    TEAM_BOXSCORES: "leaguegamefinder",
    PLAYER_BOXSCORES: "boxscoretraditionalv3",
    SHOTS: "shotchartdetail",
    PLAYER_ID_CROSSWALK: "commonallplayers",
}
_NUMBER_DTYPE = {
    TEAM_BOXSCORES: "int64",
    PLAYER_BOXSCORES: "float64",
    SHOTS: "int64",
    PLAYER_ID_CROSSWALK: "int64",
}
_CONTRACT_OF = {
    TEAM_BOXSCORES: raw_contracts.TEAM_BOXSCORES,
    PLAYER_BOXSCORES: raw_contracts.PLAYER_BOXSCORES,
    SHOTS: raw_contracts.SHOTS,
}
_DTYPES = {INT: "int64", FLOAT: "float64", TEXT: "object", BOOL: "bool"}
_SEASON_TYPES = {
    "1": "Pre Season",
    "2": "Regular Season",
    "3": "All Star",
    "4": "Playoffs",
    "5": "PlayIn",
}
_V3_STATS = {
    "fgm": "fieldGoalsMade",
    "fga": "fieldGoalsAttempted",
    "fg_pct": "fieldGoalsPercentage",
    "fg3m": "threePointersMade",
    "fg3a": "threePointersAttempted",
    "fg3_pct": "threePointersPercentage",
    "ftm": "freeThrowsMade",
    "fta": "freeThrowsAttempted",
    "ft_pct": "freeThrowsPercentage",
    "oreb": "reboundsOffensive",
    "dreb": "reboundsDefensive",
    "reb": "reboundsTotal",
    "ast": "assists",
    "stl": "steals",
    "blk": "blocks",
    "turnover": "turnovers",
    "pf": "foulsPersonal",
    "pts": "points",
}


class NbaApiError(RuntimeError):
    """A stats.nba.com request that failed for good (retries exhausted, or a non-retryable
    answer)."""


def source_label(spec: RawFile) -> str:
    return f"stats.nba.com/stats/{_ENDPOINT_OF[spec]}"


def _nba_api():
    """The lazily imported ``nba_api`` pieces used here: (endpoints module, NBAStatsHTTP)."""
    try:
        from nba_api.stats import endpoints
        from nba_api.stats.library.http import NBAStatsHTTP
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    return endpoints, NBAStatsHTTP


def request(endpoint_class: str, **kwargs) -> tuple[str, dict]:
    """(endpoint, full query parameters) as ``nba_api`` builds them, without sending anything."""
    built = getattr(_nba_api()[0], endpoint_class)(**kwargs, get_request=False)
    return built.endpoint, built.parameters


def _http_get(endpoint: str, params: dict, timeout: float) -> dict:
    """One GET with nba_api's headers. Retryable failures raise ``TransientSourceError``."""
    import requests  # a dependency of nba_api

    http = _nba_api()[1]
    try:
        response = requests.get(
            http.base_url.format(endpoint=endpoint),
            params=params,
            headers=http.headers,
            timeout=timeout,
        )
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise TransientSourceError(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientSourceError(f"HTTP {response.status_code}")
    if response.status_code != 200:
        raise NbaApiError(
            f"stats.nba.com/stats/{endpoint} {_shown(params)}: HTTP {response.status_code}"
        )
    return response.json()


def _shown(params: dict) -> dict:
    return {k: v for k, v in params.items() if v not in ("", None)}


def call(
    endpoint: str, params: dict, timeout: float = 30.0, http_get=None, sleep=time.sleep
) -> dict:
    """The one way this module talks to stats.nba.com (``http_get`` is injectable for tests)."""
    get = http_get or _http_get
    for attempt in range(NBA_API_RETRIES + 1):
        try:
            return get(endpoint, params, timeout)
        except TransientSourceError as exc:
            last = exc
            if attempt < NBA_API_RETRIES:
                sleep(NBA_API_RETRY_WAIT_SECONDS * 2**attempt)
    raise NbaApiError(
        f"stats.nba.com/stats/{endpoint} with {_shown(params)}: gave up after "
        f"{NBA_API_RETRIES + 1} attempts; last error: {last}"
    )


# ---- pure parsers: documented JSON -> frames with the folder's raw columns -----------------------


def _result_set(payload: dict, name: str) -> pd.DataFrame:
    """A V2 result set (``resultSets[i]`` with ``name``, ``headers``, ``rowSet``) as a frame."""
    for result in payload["resultSets"]:
        if result["name"] == name:
            return pd.DataFrame(result["rowSet"], columns=result["headers"])
    raise KeyError(f"no result set {name!r} in the response")


def _season(game_id: str) -> int:
    """Season start year from a 10-character game id: ``0022300061`` -> 2023."""
    return 2000 + int(game_id[3:5])


def _season_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _typed(frame: pd.DataFrame, spec: RawFile, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The spec's columns in the folder files' order (the contract's), with the folder source's
    dtypes, plus ``extra`` as they are."""
    order = (
        [c.name for c in _CONTRACT_OF[spec].columns if c.name in spec.columns]
        if spec in _CONTRACT_OF
        else []
    )
    out = frame.reindex(columns=[*order, *(c for c in spec.columns if c not in order), *extra])
    for column, kind in spec.columns.items():
        dtype = _NUMBER_DTYPE[spec] if kind == NUMBER else _DTYPES[kind]
        try:
            out[column] = out[column].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise RawDataError(
                source_label(spec), f"cannot be read as {dtype} ({exc})", column
            ) from exc
    return out.reset_index(drop=True)


def parse_team_boxscores(payload: dict) -> pd.DataFrame:
    """``LeagueGameFinder`` team rows: the folder's columns one to one, plus ``season``."""
    teams = _result_set(payload, "LeagueGameFinderResults").rename(columns=str.lower)
    start = teams["season_id"].str[1:].astype(int)
    teams["season"] = start.map(_season_label)
    return _typed(teams, TEAM_BOXSCORES)


def parse_player_boxscores(payload: dict, game_date: str) -> pd.DataFrame:
    """``BoxScoreTraditionalV3`` player rows, DNP rows included, plus ``comment`` (the DNP reason,
    NULL for players who played; the raw contract has no column for it, so ``read`` leaves it out).

    ``min`` is the string as shipped ("34:12", "PT34M12.00S", "" for a DNP). nba.com ids replace
    balldontlie's: ``player_id`` is the person id (``NbaApiSource.read`` then keys it on the
    history folder's ids, ``key_players``), ``team_id`` and ``game_home/visitor_team_id``
    are nba.com team ids, ``game_id`` is the nba.com game id as an integer. ``id`` (balldontlie's
    row id) does not exist: it is the key ``game_id * 10**8 + person id``. ``game_postseason`` is
    true for playoff games (id type ``4``). NULL: ``player_position`` (V3's ``position`` is only
    the starting slot) and ``player_team_id`` (balldontlie's team at pull time). Counts and
    percentages as shipped.
    """
    box = payload["boxScoreTraditional"]
    game_id = box["gameId"]
    rows = [
        {
            "id": int(game_id) * 10**8 + p["personId"],
            "min": p["statistics"]["minutes"],
            **{column: p["statistics"][key] for column, key in _V3_STATS.items()},
            "player_id": p["personId"],
            "player_first_name": p["firstName"],
            "player_last_name": p["familyName"],
            "player_position": None,
            "player_team_id": None,
            "team_id": team["teamId"],
            "team_abbreviation": team["teamTricode"],
            "team_full_name": f"{team['teamCity']} {team['teamName']}",
            "game_id": int(game_id),
            "game_date": game_date,
            "game_season": _season(game_id),
            "game_home_team_id": box["homeTeamId"],
            "game_visitor_team_id": box["awayTeamId"],
            "game_postseason": game_id[2] == "4",
            "comment": p.get("comment") or None,
        }
        for team in (box["homeTeam"], box["awayTeam"])
        for p in team["players"]
    ]
    return _typed(pd.DataFrame(rows), PLAYER_BOXSCORES, extra=("comment",))


_AREA = re.compile(r"^(.*)\((\w+)\)$")  # "Left Side Center(LC)"


def parse_shots(payload: dict) -> pd.DataFrame:
    """``ShotChartDetail`` rows. ``game_id`` drops the leading ``00``; ``game_date`` becomes
    MM-DD-YYYY; ``SHOT_ZONE_AREA`` splits into ``zone_name``/``zone_abb``; ``loc_x``/``loc_y`` are
    rescaled from tenths of feet to feet with y from the baseline (hoop at 5.25 ft), as in the
    folder (checked against ``shot_distance``; the folder author's x orientation is undocumented,
    x is kept as shipped). ``position_group``/``position`` are not in the shot chart: NULL."""
    s = _result_set(payload, "Shot_Chart_Detail")
    start = s["GAME_ID"].map(_season)
    area = s["SHOT_ZONE_AREA"].str.extract(_AREA)
    shipped = pd.to_datetime(s["GAME_DATE"], format="%Y%m%d")
    return _typed(
        pd.DataFrame(
            {
                "season_1": start + 1,
                "season_2": start.map(_season_label),
                "team_id": s["TEAM_ID"],
                "team_name": s["TEAM_NAME"],
                "player_id": s["PLAYER_ID"],
                "player_name": s["PLAYER_NAME"],
                "position_group": None,
                "position": None,
                "game_date": shipped.dt.strftime("%m-%d-%Y"),
                "game_id": s["GAME_ID"].astype(int),
                "home_team": s["HTM"],
                "away_team": s["VTM"],
                "event_type": s["EVENT_TYPE"],
                "shot_made": s["SHOT_MADE_FLAG"] == 1,
                "action_type": s["ACTION_TYPE"],
                "shot_type": s["SHOT_TYPE"],
                "basic_zone": s["SHOT_ZONE_BASIC"],
                "zone_name": area[0],
                "zone_abb": area[1],
                "zone_range": s["SHOT_ZONE_RANGE"],
                "loc_x": s["LOC_X"] / 10,
                "loc_y": s["LOC_Y"] / 10 + 5.25,
                "shot_distance": s["SHOT_DISTANCE"],
                "quarter": s["PERIOD"],
                "mins_left": s["MINUTES_REMAINING"],
                "secs_left": s["SECONDS_REMAINING"],
            }
        ),
        SHOTS,
    )


def parse_players(payload: dict) -> pd.DataFrame:
    """``CommonAllPlayers`` rows as ``key_players`` takes them: ``nba_person_id``, ``name``
    (``DISPLAY_FIRST_LAST``) and ``last_season`` (``TO_YEAR``, the start year of the player's last
    season; NaN when unreadable)."""
    players = _result_set(payload, "CommonAllPlayers")
    return pd.DataFrame(
        {
            "nba_person_id": players["PERSON_ID"].astype("int64"),
            "name": players["DISPLAY_FIRST_LAST"],
            "last_season": pd.to_numeric(players["TO_YEAR"], errors="coerce"),
        }
    )


# ---- player ids: nba.com person ids -> the folder's ids (data README §5) -------------------------

NBA_ID_OFFSET = 2_000_000_000  # folder ids at or above it are nba.com person id + this
RULE_CROSSWALK = "player_id_crosswalk"
RULE_NAME = "unique_name"
RULE_OFFSET = "nba_person_id_plus_2000000000"
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})


def normalize_name(name: str | None) -> str:
    """A player name as the folder's crosswalk compares names (data README §7): ASCII-folded,
    lower-cased, ``.`` and ``'`` removed, hyphens and commas turned into spaces, the suffixes
    Jr/Sr/II/III/IV/V dropped (``"Kelly Oubre Jr."`` -> ``"kelly oubre"``)."""
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    text = re.sub(r"[-,]", " ", folded.lower().replace(".", "").replace("'", ""))
    return " ".join(token for token in text.split() if token not in _SUFFIXES)


def key_players(
    people: pd.DataFrame,
    crosswalk: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The folder's player id of every nba.com person in ``people``, by the rules the data README
    (§5) used for the shipped 2025-26 rows, so that a live date continues each player's folder
    history instead of starting a second one under another id:

    1. ``crosswalk`` (the folder's ``player_id_crosswalk.parquet``: ``bdl_player_id``,
       ``bdl_name``, ``nba_person_id``) gives the person's balldontlie id;
    2. else the person's normalized name (``normalize_name``) equals that of exactly one
       balldontlie player of ``history`` (the folder's box scores: ``player_id`` below
       ``NBA_ID_OFFSET``, ``player_first_name``, ``player_last_name``, ``game_season``), no other
       person of ``people`` whose ``last_season`` (NaN: unknown) reaches the folder's first season
       has that name, the crosswalk has not given that id to a person already, and no other
       person reaches it through another spelling: a name shared on either side identifies
       nobody, and two people under one id would merge their histories;
    3. else ``nba_person_id + NBA_ID_OFFSET`` (``player_id - NBA_ID_OFFSET`` is the person id), an
       id no balldontlie id takes.

    Without ``crosswalk`` or ``history`` the rule that needs it finds nobody. ``people`` holds
    ``nba_person_id``, ``name`` and optionally ``last_season``; a person listed twice counts once
    (the first row). Returns one row per person, in ``people``'s order: ``nba_person_id``,
    ``player_id``, ``rule`` (``RULE_CROSSWALK``, ``RULE_NAME`` or ``RULE_OFFSET``) and ``name``
    (the folder's name for a folder id, else the nba.com name). Pure: no Dagster, no I/O.
    """
    people = people.drop_duplicates("nba_person_id").reset_index(drop=True)
    person = people["nba_person_id"].astype("int64")
    out = pd.DataFrame(
        {
            "nba_person_id": person,
            "player_id": person + NBA_ID_OFFSET,
            "rule": RULE_OFFSET,
            "name": people["name"],
        }
    )
    claimed: set[int] = set()
    if crosswalk is not None and len(crosswalk):
        pairs = crosswalk.dropna(subset=["nba_person_id"])
        bdl_of = pd.Series(
            pairs["bdl_player_id"].astype("int64").values,
            index=pairs["nba_person_id"].astype("int64").values,
        )
        twice = bdl_of.index[bdl_of.index.duplicated()]
        if len(twice):
            raise ValueError(f"the crosswalk gives nba person id {twice[0]} more than one id")
        name_of = pd.Series(pairs["bdl_name"].values, index=bdl_of.values)
        claimed = set(bdl_of)
        found = person.isin(bdl_of.index)
        out.loc[found, "player_id"] = person[found].map(bdl_of)
        out.loc[found, "rule"] = RULE_CROSSWALK
        out.loc[found, "name"] = out.loc[found, "player_id"].map(name_of)
    if history is not None and len(history):
        folder = history.loc[
            history["player_id"] < NBA_ID_OFFSET,
            ["player_id", "player_first_name", "player_last_name"],
        ].drop_duplicates()
        folder["name"] = (
            folder["player_first_name"].fillna("") + " " + folder["player_last_name"].fillna("")
        ).str.strip()
        folder["key"] = folder["name"].map(normalize_name)
        folder = folder[folder["key"] != ""]
        ids_per_key = folder.groupby("key")["player_id"].nunique()
        free = (
            folder[folder["key"].isin(ids_per_key.index[ids_per_key == 1])]
            .drop_duplicates("key")
            .loc[lambda f: ~f["player_id"].isin(claimed)]
            .set_index("key")
        )
        last_season = (
            people["last_season"]
            if "last_season" in people
            else pd.Series(float("nan"), index=people.index)
        )
        in_universe = last_season.isna() | (last_season >= history["game_season"].min())
        key = people["name"].map(normalize_name)
        persons_per_key = person[in_universe].groupby(key[in_universe]).nunique()
        unique_nba = persons_per_key.index[persons_per_key == 1]
        candidate = (
            (out["rule"] == RULE_OFFSET)
            & in_universe
            & key.isin(unique_nba)
            & key.isin(free.index)
            & (key != "")
        )
        reached = key[candidate].map(free["player_id"])
        matched = reached[~reached.duplicated(keep=False)]
        out.loc[matched.index, "player_id"] = matched
        out.loc[matched.index, "rule"] = RULE_NAME
        out.loc[matched.index, "name"] = key[matched.index].map(free["name"])
    out["player_id"] = out["player_id"].astype("int64")
    return out


class NbaApiSource(dg.ConfigurableResource):
    """Live stats.nba.com source with ``RawSource``'s interface (``read``, ``has``, ``path``,
    ``frame``). Player rows carry the ids of the history folder ``history_dir`` (module docstring;
    ``None``: no history, every player is nba person id + 2,000,000,000), and
    ``frame(PLAYER_ID_CROSSWALK)`` maps each of them back to the nba.com person id."""

    history_dir: str | None = None
    timeout_seconds: float = 30.0
    _read: dict = PrivateAttr(default_factory=dict)
    _players: list = PrivateAttr(default_factory=list)

    def _call(self, endpoint_class: str, **kwargs) -> dict:
        return call(*request(endpoint_class, **kwargs), timeout=self.timeout_seconds)

    def path(self, spec: RawFile) -> Path:
        return Path(source_label(spec))

    def has(self, spec: RawFile) -> bool:
        return spec in _ENDPOINT_OF

    def _history(self) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """(crosswalk, box scores) of the history folder, ``None`` without one; a folder that
        lacks either file is refused (module docstring)."""
        if self.history_dir is None:
            return None
        folder = RawSource(raw_dir=self.history_dir)
        for spec in (PLAYER_ID_CROSSWALK, PLAYER_BOXSCORES):
            if not folder.has(spec):
                raise RawDataError(
                    str(folder.path(spec)),
                    "file not found: the live source keys players on this history folder's ids "
                    "(player_id_crosswalk.parquet, then unique names in player_boxscores.parquet; "
                    "data README §5) and without it some players would get ids that do not "
                    "continue their folder history. Point history_dir (NBA_RAW_DIR) at the "
                    "folder, or set history_dir=None to key every player as nba person id + "
                    "2,000,000,000",
                )
        box = folder.frame(PLAYER_BOXSCORES)
        columns = ["player_id", "player_first_name", "player_last_name", "game_season"]
        return folder.frame(PLAYER_ID_CROSSWALK), box[columns]

    def _listed_players(self) -> pd.DataFrame:
        """stats.nba.com's player list (``CommonAllPlayers``), fetched once per resource."""
        if not self._players:
            season = _season_label(season_of(date.today()))
            self._players.append(parse_players(self._call("CommonAllPlayers", season=season)))
        return self._players[0]

    def _keys(self, playing: pd.DataFrame | None = None) -> pd.DataFrame:
        """``key_players`` over the site's player list, the folder crosswalk's persons and
        ``playing`` (the persons of the rows being keyed), with the history folder; without one,
        over ``playing`` (else the list) alone."""
        history = self._history()
        if history is None:  # rule 3 for everyone: the list is needed only to name everyone
            return key_players(self._listed_players() if playing is None else playing)
        listed = self._listed_players()
        crosswalk, box = history
        pairs = crosswalk.dropna(subset=["nba_person_id"])
        in_crosswalk = pd.DataFrame(
            {"nba_person_id": pairs["nba_person_id"].astype("int64"), "name": pairs["nba_name"]}
        )
        return key_players(pd.concat([listed, in_crosswalk, playing]), crosswalk, box)

    def _with_folder_ids(self, rows: pd.DataFrame, dates: list[date]) -> pd.DataFrame:
        """Player rows with ``player_id`` turned from the person id into the folder's id; logs
        how many rows each rule keyed."""
        playing = pd.DataFrame(
            {
                "nba_person_id": rows["player_id"],
                "name": (
                    rows["player_first_name"].fillna("") + " " + rows["player_last_name"].fillna("")
                ).str.strip(),
            }
        )
        keys = self._keys(playing).set_index("nba_person_id")
        rules = rows["player_id"].map(keys["rule"]).value_counts()
        days = f"{min(dates)}" + (f" to {max(dates)}" if len(set(dates)) > 1 else "")
        counts = (
            f"{rules.get(RULE_CROSSWALK, 0)} through player_id_crosswalk.parquet, "
            f"{rules.get(RULE_NAME, 0)} by unique name, "
            f"{rules.get(RULE_OFFSET, 0)} as nba person id + 2,000,000,000"
        )
        log = dg.get_dagster_logger()
        if self.history_dir is None:
            log.warning(
                f"player ids of {len(rows)} stats.nba.com rows ({days}): {counts}: no history "
                "folder (history_dir=None), so these ids continue no folder history"
            )
        else:
            log.info(
                f"player ids of {len(rows)} stats.nba.com rows ({days}) in the ids of "
                f"{self.history_dir}: {counts} (the person id is id % 10**8; "
                "frame(PLAYER_ID_CROSSWALK) maps each id back)"
            )
        return rows.assign(player_id=rows["player_id"].map(keys["player_id"]).astype("int64"))

    def frame(self, spec: RawFile) -> pd.DataFrame:
        """``PLAYER_ID_CROSSWALK`` only: every id the live rows can use (the site's player list,
        every player ever as nba_api asks for it by default, and the folder crosswalk's persons,
        keyed by ``key_players``) with its person id; ``match`` names the rule."""
        if spec is not PLAYER_ID_CROSSWALK:
            raise ValueError(
                f"{spec.name} is read per date from stats.nba.com: use read(spec, dates)"
            )
        if self.history_dir is None:
            dg.get_dagster_logger().warning(
                "player id crosswalk without a history folder (history_dir=None): every player "
                "is nba person id + 2,000,000,000"
            )
        keys = self._keys()
        crosswalk = pd.DataFrame(
            {
                "bdl_player_id": keys["player_id"],
                "bdl_name": keys["name"],
                "nba_person_id": keys["nba_person_id"],
                "match": keys["rule"],
            }
        )
        return validate(spec, self.path(spec), _typed(crosswalk, spec)).frame

    def _games(self, day: date) -> pd.DataFrame:
        text = day.strftime("%m/%d/%Y")
        return parse_team_boxscores(
            self._call(
                "LeagueGameFinder",
                player_or_team_abbreviation="T",
                league_id_nullable="00",
                date_from_nullable=text,
                date_to_nullable=text,
            )
        )

    def _rows(self, spec: RawFile, day: date) -> list[pd.DataFrame]:
        teams = self._games(day)
        if spec is TEAM_BOXSCORES:
            return [teams]
        game_ids = sorted(teams["game_id"].unique())
        if spec is PLAYER_BOXSCORES:
            return [
                parse_player_boxscores(
                    self._call("BoxScoreTraditionalV3", game_id=g), day.isoformat()
                ).drop(columns=["comment"])
                for g in game_ids
            ]
        return [
            parse_shots(
                self._call(
                    "ShotChartDetail",
                    team_id=0,
                    player_id=0,
                    game_id_nullable=g,
                    context_measure_simple="FGA",
                    season_nullable=_season_label(_season(g)),
                    season_type_all_star=_SEASON_TYPES[g[2]],
                )
            )
            for g in game_ids
            if g[2] in _SEASON_TYPES
        ]  # no shot chart season type for NBA Cup finals ("6")

    def _validated(self, spec: RawFile, dates: list[date]):
        """The dates' rows, validated as the folder's are; fetched once per (file, dates)."""
        if spec not in (TEAM_BOXSCORES, PLAYER_BOXSCORES, SHOTS):
            raise ValueError(f"{spec.name} has no per-date stats.nba.com endpoint")
        key = (spec.name, tuple(dates))
        if key not in self._read:
            frames = [f for day in dates for f in self._rows(spec, day)]
            rows = _typed(pd.concat(frames) if frames else pd.DataFrame(), spec)
            if spec is PLAYER_BOXSCORES and len(rows):
                rows = self._with_folder_ids(rows, dates)
            self._read[key] = validate(spec, self.path(spec), rows)
        return self._read[key]

    def read(self, spec: RawFile, dates: list[date]) -> pd.DataFrame:
        """The dates' rows, as ``RawSource.read`` returns them (``source_file`` names the
        endpoint)."""
        return dated_rows(spec, source_label(spec), self._validated(spec, dates), dates)

    def problems(self, spec: RawFile, dates: list[date]) -> pd.DataFrame:
        return dated_problems(self._validated(spec, dates), dates)

    def unknown_columns(self, spec: RawFile) -> tuple[str, ...]:
        return ()

    def game_dates(self) -> list[date]:
        """Every date of the current season with a game in the team game finder."""
        teams = parse_team_boxscores(
            self._call(
                "LeagueGameFinder",
                player_or_team_abbreviation="T",
                league_id_nullable="00",
                season_nullable=_season_label(season_of(date.today())),
            )
        )
        return sorted({date.fromisoformat(d) for d in teams["game_date"]})


def nba_api_source() -> NbaApiSource:
    """The live source (deployments ``live`` and ``production``), keying players on the raw
    folder's ids (``default_raw_dir()``: ``NBA_RAW_DIR``); without the optional ``nba_api``
    package it fails at once, saying how to install it."""
    _nba_api()
    return NbaApiSource(history_dir=default_raw_dir())
