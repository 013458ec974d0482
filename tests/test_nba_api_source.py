"""The stats.nba.com source without the network: recorded responses through the same parsers.

Fixtures (``tests/fixtures/nba_api/``) are written in the endpoints' documented JSON shapes for two
real games:

- 2024-01-15, HOU @ PHI, ``0022300555``: team rows and shots copied from the shipped folder data,
  player counting stats from the folder's rows, with hand-set minute strings (one "PT" value) and
  two DNP rows with their comment; ``commonallplayers.json`` lists two of its players.
- 2025-10-25, CHA @ PHI, ``0022500102`` (player ids): team rows from the folder's team file and
  all 21 of the folder's 2025-26 player rows of that game (counting stats as shipped, minutes
  hand-set to ``"MM:00"``). Person ids: the shipped crosswalk's for the 14 players it has, folder
  id - 2,000,000,000 for the 4 the folder keys that way, and for the 3 it matched by name (Tidjane
  Salaün, Adem Bona, Justin Edwards: the folder has no person id for them) those of a public
  stats.nba.com roster payload, which gives the folder's person ids for the other 18.
  ``commonallplayers_2025-26.json`` lists these 21 players, with only the columns the source reads.

``_http_get`` (the HTTP transport) and ``request`` (nba_api's parameter builder) are replaced, so
the tests run without nba_api installed. Expected player ids come from the shipped folder (its rows
of the same games, its crosswalk) or by hand.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from nba_assets.definitions import resources_for
from resources import nba_api_source as api
from resources.deployment import current
from resources.raw_source import (
    PLAYER_BOXSCORES,
    PLAYER_ID_CROSSWALK,
    SHOTS,
    TEAM_BOXSCORES,
    RawDataError,
    RawSource,
    TransientSourceError,
    default_raw_dir,
)

FIXTURES = Path(__file__).parent / "fixtures" / "nba_api"
DAY = date(2024, 1, 15)
GAME = "0022300555"
LINEAGE = ["source_file", "ingested_at"]
RECORDED = {
    "leaguegamefinder": "leaguegamefinder_2024-01-15.json",
    "boxscoretraditionalv3": f"boxscoretraditionalv3_{GAME}.json",
    "shotchartdetail": f"shotchartdetail_{GAME}.json",
    "commonallplayers": "commonallplayers.json",
}
DAY_2025 = date(2025, 10, 25)
GAME_2025 = "0022500102"
RECORDED_2025 = {
    "leaguegamefinder": "leaguegamefinder_2025-10-25.json",
    "boxscoretraditionalv3": f"boxscoretraditionalv3_{GAME_2025}.json",
    "commonallplayers": "commonallplayers_2025-26.json",
}


def recorded(endpoint: str, files: dict = RECORDED) -> dict:
    return json.loads((FIXTURES / files[endpoint]).read_text())


def serve(monkeypatch, files: dict) -> list[tuple[str, dict]]:
    """Serve the recorded responses ``files``; return the list of (endpoint, params) requested."""
    seen: list[tuple[str, dict]] = []

    def fake_get(endpoint: str, params: dict, timeout: float) -> dict:
        seen.append((endpoint, params))
        return recorded(endpoint, files)

    monkeypatch.setattr(api, "_http_get", fake_get)
    monkeypatch.setattr(
        api, "request", lambda endpoint_class, **kwargs: (endpoint_class.lower(), kwargs)
    )
    return seen


@pytest.fixture
def calls(monkeypatch) -> list[tuple[str, dict]]:
    """The 2024-01-15 game's recorded responses."""
    return serve(monkeypatch, RECORDED)


@pytest.fixture
def calls_2025(monkeypatch) -> list[tuple[str, dict]]:
    """The 2025-10-25 game's recorded responses."""
    return serve(monkeypatch, RECORDED_2025)


def live() -> api.NbaApiSource:
    """The source as the live deployment builds it: the shipped folder is the history."""
    return api.NbaApiSource(history_dir=default_raw_dir())


def recorded_person_ids(files: dict) -> dict[tuple[str, str], int]:
    """(first name, family name) -> personId, as the recorded box score sends them."""
    box = recorded("boxscoretraditionalv3", files)["boxScoreTraditional"]
    return {
        (p["firstName"], p["familyName"]): p["personId"]
        for team in (box["homeTeam"], box["awayTeam"])
        for p in team["players"]
    }


@pytest.fixture(scope="module")
def folder_history() -> pd.DataFrame:
    return RawSource(raw_dir=default_raw_dir()).frame(PLAYER_BOXSCORES)


@pytest.fixture(scope="module")
def folder() -> dict:
    source = RawSource(raw_dir=default_raw_dir())
    return {spec: source.read(spec, [DAY]) for spec in (TEAM_BOXSCORES, PLAYER_BOXSCORES, SHOTS)}


@pytest.mark.parametrize("spec", [TEAM_BOXSCORES, PLAYER_BOXSCORES, SHOTS], ids=lambda s: s.name)
def test_frames_have_the_folder_columns_and_dtypes(calls, folder, spec):
    ours = live().read(spec, [DAY])
    assert len(ours) > 0
    assert list(ours.columns) == list(folder[spec].columns)
    assert ours.dtypes.to_dict() == folder[spec].dtypes.to_dict()
    assert set(ours["source_file"]) == {api.source_label(spec)}


def test_date_without_games_gives_empty_frames_with_the_folder_dtypes(monkeypatch, folder):
    empty = recorded("leaguegamefinder")
    empty["resultSets"][0]["rowSet"] = []
    monkeypatch.setattr(api, "_http_get", lambda endpoint, params, timeout: empty)
    monkeypatch.setattr(
        api, "request", lambda endpoint_class, **kwargs: (endpoint_class.lower(), kwargs)
    )
    for spec in (TEAM_BOXSCORES, PLAYER_BOXSCORES, SHOTS):
        ours = live().read(spec, [DAY])
        assert ours.empty and ours.dtypes.to_dict() == folder[spec].dtypes.to_dict()


def test_team_rows_and_shots_equal_the_folder_rows_they_were_recorded_from(calls, folder):
    source = live()
    teams = source.read(TEAM_BOXSCORES, [DAY]).drop(columns=LINEAGE)
    expected = (
        folder[TEAM_BOXSCORES]
        .query("game_id == @GAME")
        .drop(columns=LINEAGE)
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(teams, expected)

    shots = source.read(SHOTS, [DAY]).drop(columns=LINEAGE)
    assert (
        shots["position_group"].isna().all() and shots["position"].isna().all()
    )  # not in the shot chart
    keys = ["player_id", "quarter", "mins_left", "secs_left"]
    shipped = (
        folder[SHOTS]
        .drop(columns=LINEAGE + ["position_group", "position"])
        .merge(shots[keys], on=keys)
    )
    pd.testing.assert_frame_equal(
        shots.drop(columns=["position_group", "position"]), shipped, check_exact=False
    )


def test_minutes_strings_survive_unchanged_and_dnp_comments_are_kept(calls):
    parsed = api.parse_player_boxscores(recorded("boxscoretraditionalv3"), DAY.isoformat())
    assert sorted(parsed.columns) == sorted([*PLAYER_BOXSCORES.columns, "comment"])
    by_name = parsed.set_index("player_last_name")
    assert by_name.loc["Embiid", "min"] == "PT31M08.00S" and by_name.loc["Sengun", "min"] == "30:21"
    assert (
        by_name.loc["Bamba", "comment"] == "DNP - Coach's Decision"
        and by_name.loc["Bamba", "min"] == ""
    )
    assert by_name.loc["Marjanovic", "comment"] == "DNP - Coach's Decision"
    assert by_name["comment"].isna().sum() == 4  # players who played have no comment

    read = live().read(PLAYER_BOXSCORES, [DAY])
    assert list(read["min"]) == list(parsed["min"])
    assert (
        set(read["team_abbreviation"]) == {"HOU", "PHI"}
        and (read["game_home_team_id"] == 1610612755).all()
    )


@pytest.mark.parametrize(
    "served, day, counts",
    [
        # by hand from the folder: the 2024 game's six players are all in the crosswalk; of the
        # 2025 game's 21, 14 are in it, 3 the folder matched by name (Salaün, Bona, Edwards), 4 it
        # keys as person id + 2e9 (Kalkbrenner, Knueppel, Sion James, Edgecombe)
        ("calls", DAY, (6, 0, 0)),
        ("calls_2025", DAY_2025, (14, 3, 4)),
    ],
)
def test_live_player_rows_carry_the_folder_ids_of_the_same_players(
    request, caplog, served, day, counts
):
    request.getfixturevalue(served)
    with caplog.at_level(logging.INFO):
        ours = live().read(PLAYER_BOXSCORES, [day])
    shipped = RawSource(raw_dir=default_raw_dir()).read(PLAYER_BOXSCORES, [day])
    shipped = shipped[shipped["team_abbreviation"].isin(set(ours["team_abbreviation"]))]
    names = ["player_first_name", "player_last_name"]
    folder_id = shipped.set_index(names)["player_id"]
    assert folder_id.index.is_unique
    live_id = ours.set_index(names)["player_id"]
    assert live_id.to_dict() == folder_id[live_id.index].to_dict()
    if day == DAY_2025:  # the fixture has every player row the folder has for that game
        assert len(ours) == len(shipped) == 21
    crosswalk, name, offset = counts
    assert (
        f"{crosswalk} through player_id_crosswalk.parquet, {name} by unique name, "
        f"{offset} as nba person id + 2,000,000,000" in caplog.text
    )


def test_each_rule_keys_its_player_as_the_folder_does(calls_2025):
    by_name = (
        live()
        .read(PLAYER_BOXSCORES, [DAY_2025])
        .set_index(["player_first_name", "player_last_name"])["player_id"]
    )
    shipped = pd.read_parquet(Path(default_raw_dir()) / PLAYER_ID_CROSSWALK.name)
    # in the crosswalk: Joel Embiid, nba.com 203954 = balldontlie 145
    assert shipped.loc[shipped["bdl_player_id"] == 145, "nba_person_id"].tolist() == [203954]
    assert by_name[("Joel", "Embiid")] == 145
    # by name only: nba.com "Tidjane Salaün" (1642275) is the folder's "Tidjane Salaun" of
    # 2024-25, balldontlie 1028028379, whom the crosswalk leaves unmatched
    assert shipped.loc[shipped["bdl_player_id"] == 1028028379, "match"].tolist() == ["unmatched"]
    assert 1642275 not in set(shipped["nba_person_id"].dropna())
    assert by_name[("Tidjane", "Salaün")] == 1028028379
    # neither: Kon Knueppel, a 2025 rookie, nba.com 1642851
    assert by_name[("Kon", "Knueppel")] == 2_001_642_851


@pytest.mark.parametrize(
    "served, files, day", [("calls", RECORDED, DAY), ("calls_2025", RECORDED_2025, DAY_2025)]
)
def test_the_crosswalk_frame_maps_every_live_id_back_to_its_person_id(request, served, files, day):
    request.getfixturevalue(served)
    source = live()
    assert all(
        source.has(spec) for spec in (TEAM_BOXSCORES, PLAYER_BOXSCORES, SHOTS, PLAYER_ID_CROSSWALK)
    )
    rows = source.read(PLAYER_BOXSCORES, [day])
    crosswalk = source.frame(PLAYER_ID_CROSSWALK)
    assert crosswalk["bdl_player_id"].is_unique and crosswalk["nba_person_id"].is_unique
    person_of = crosswalk.set_index("bdl_player_id")["nba_person_id"]
    sent = recorded_person_ids(files)
    assert {
        (first, last): person_of[player_id]
        for first, last, player_id in rows[
            ["player_first_name", "player_last_name", "player_id"]
        ].itertuples(index=False)
    } == sent
    # and every pair of the folder's crosswalk still holds
    shipped = pd.read_parquet(Path(default_raw_dir()) / PLAYER_ID_CROSSWALK.name).dropna(
        subset=["nba_person_id"]
    )
    assert (person_of[shipped["bdl_player_id"]].values == shipped["nba_person_id"]).all()


def test_the_crosswalk_frame_names_the_rule_of_each_id(calls_2025):
    crosswalk = live().frame(PLAYER_ID_CROSSWALK).set_index("nba_person_id")
    assert crosswalk.loc[203954, ["bdl_player_id", "match"]].tolist() == [145, api.RULE_CROSSWALK]
    assert crosswalk.loc[1642275, ["bdl_player_id", "bdl_name", "match"]].tolist() == [
        1028028379,
        "Tidjane Salaun",  # the folder's (balldontlie) spelling
        api.RULE_NAME,
    ]
    assert crosswalk.loc[1642851, ["bdl_player_id", "match"]].tolist() == [
        2_001_642_851,
        api.RULE_OFFSET,
    ]


@pytest.mark.parametrize(
    "name, normalized",
    [
        ("Luka Dončić", "luka doncic"),
        ("Kelly Oubre Jr.", "kelly oubre"),
        ("Gary Payton II", "gary payton"),
        ("Kel'el Ware", "kelel ware"),
        ("Shai Gilgeous-Alexander", "shai gilgeous alexander"),
        ("Dëmin, Egor", "demin egor"),
        ("P.J. Washington", "pj washington"),
    ],
)
def test_names_are_normalized_as_the_crosswalk_was_built(name, normalized):
    assert api.normalize_name(name) == normalized


def _people(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["nba_person_id", "name", "last_season"])


def _box(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["player_id", "player_first_name", "player_last_name", "game_season"]
    )


def test_an_accented_name_finds_the_folder_spelling(folder_history):
    # without the crosswalk, nba.com "Luka Dončić" (1629029) is balldontlie's "Luka Doncic" (132);
    # only the balldontlie seasons, since the folder's 2025-26 rows carry nba.com's spelling too
    balldontlie = folder_history[folder_history["game_season"] < 2025]
    assert set(balldontlie.loc[balldontlie["player_id"] == 132, "player_last_name"]) == {"Doncic"}
    keys = api.key_players(_people((1629029, "Luka Dončić", 2025)), None, balldontlie)
    assert keys[["player_id", "rule"]].values.tolist() == [[132, api.RULE_NAME]]


def test_a_name_is_matched_only_when_it_names_one_player_on_each_side():
    """Hand-made ids: a shared name, on either side, identifies nobody."""
    crosswalk = pd.DataFrame(
        {
            "bdl_player_id": [10, 16],
            "bdl_name": ["Ann Claimed", "Gus Paired"],
            "nba_person_id": [500, 520],
        }
    )
    box = _box(
        (10, "Ann", "Claimed", 2021),
        (16, "Gus", "Paired", 2021),
        (11, "Bea", "Free", 2021),
        (12, "Cy", "Twice", 2022),
        (13, "Cy", "Twice", 2023),
        (14, "Di", "Shared", 2021),
        (15, "Ed", "Spelled", 2021),
        (15, "Edd", "Spelled", 2025),  # one folder player, two spellings
        (2_000_000_777, "Fay", "Offset", 2025),  # not a balldontlie id
    )
    people = _people(
        (520, "Gus Paired", 2025),  # rule 1
        (501, "Ann Claimed", None),  # the crosswalk gave 10 to person 500 already
        (502, "Bea Free Jr.", 2025),  # rule 2, suffix dropped
        (503, "Cy Twice", 2025),  # two folder players have the name
        (504, "Di Shared", 2025),  # two nba.com players have the name
        (505, "Di Shared", 2024),
        (506, "Ed Spelled", 2025),  # two nba.com players reach folder player 15
        (507, "Edd Spelled", 2025),
        (508, "Fay Offset", 2025),
        (509, "Bea Free", 1985),  # retired before the folder starts: no namesake of 502
    )
    keys = api.key_players(people, crosswalk, box).set_index("nba_person_id")
    assert keys["player_id"].to_dict() == {
        520: 16,
        501: 2_000_000_501,
        502: 11,
        503: 2_000_000_503,
        504: 2_000_000_504,
        505: 2_000_000_505,
        506: 2_000_000_506,
        507: 2_000_000_507,
        508: 2_000_000_508,
        509: 2_000_000_509,
    }
    assert keys.loc[[520, 502, 503], "rule"].tolist() == [
        api.RULE_CROSSWALK,
        api.RULE_NAME,
        api.RULE_OFFSET,
    ]
    # the 1985 namesake does count once his last season reaches the folder's first
    people.loc[people["nba_person_id"] == 509, "last_season"] = 2021
    assert api.key_players(people, crosswalk, box).set_index("nba_person_id").loc[502, "rule"] == (
        api.RULE_OFFSET
    )


def test_without_a_history_folder_every_player_is_his_person_id_plus_2e9(calls, caplog):
    with caplog.at_level(logging.WARNING):
        rows = api.NbaApiSource(history_dir=None).read(PLAYER_BOXSCORES, [DAY])
    persons = recorded_person_ids(RECORDED)
    assert sorted(rows["player_id"]) == sorted(p + 2_000_000_000 for p in persons.values())
    assert "no history folder (history_dir=None)" in caplog.text
    assert "0 through player_id_crosswalk.parquet, 0 by unique name, 6 as nba person id" in (
        caplog.text
    )
    crosswalk = api.NbaApiSource(history_dir=None).frame(PLAYER_ID_CROSSWALK)
    assert (crosswalk["bdl_player_id"] - 2_000_000_000 == crosswalk["nba_person_id"]).all()
    assert set(crosswalk["nba_person_id"]) == {203954, 1630578}  # commonallplayers.json


def test_a_history_folder_without_its_files_is_refused(calls, tmp_path):
    source = api.NbaApiSource(history_dir=str(tmp_path))
    for read in (
        lambda: source.read(PLAYER_BOXSCORES, [DAY]),
        lambda: source.frame(PLAYER_ID_CROSSWALK),
    ):
        with pytest.raises(RawDataError, match="player_id_crosswalk.parquet") as failure:
            read()
        assert "history_dir=None" in str(failure.value)


def test_transient_failures_are_retried_with_growing_waits():
    attempts, waits = [], []

    def flaky(endpoint, params, timeout):
        attempts.append(endpoint)
        if len(attempts) < 3:
            raise TransientSourceError("ReadTimeout: read timed out")
        return {"ok": True}

    assert api.call(
        "boxscoretraditionalv3", {"GameID": GAME}, http_get=flaky, sleep=waits.append
    ) == {"ok": True}
    assert len(attempts) == 3
    assert waits == [api.NBA_API_RETRY_WAIT_SECONDS, 2 * api.NBA_API_RETRY_WAIT_SECONDS]


def test_after_the_last_retry_the_error_names_endpoint_parameters_and_last_error():
    waits = []

    def down(endpoint, params, timeout):
        raise TransientSourceError("HTTP 503")

    with pytest.raises(api.NbaApiError) as failure:
        api.call(
            "shotchartdetail",
            {"GameID": GAME, "ContextMeasure": "FGA", "Outcome": ""},
            http_get=down,
            sleep=waits.append,
        )
    message = str(failure.value)
    assert (
        "shotchartdetail" in message
        and GAME in message
        and "ContextMeasure" in message
        and "HTTP 503" in message
    )
    assert waits == [api.NBA_API_RETRY_WAIT_SECONDS * 2**i for i in range(api.NBA_API_RETRIES)]


def test_a_non_retryable_error_is_not_retried():
    attempts = []

    def refused(endpoint, params, timeout):
        attempts.append(endpoint)
        raise api.NbaApiError("stats.nba.com/stats/x: HTTP 400")

    with pytest.raises(api.NbaApiError, match="HTTP 400"):
        api.call("x", {}, http_get=refused, sleep=lambda s: pytest.fail("must not wait"))
    assert attempts == ["x"]


def test_selecting_the_live_source_without_nba_api_says_how_to_install_it(monkeypatch):
    for module in (
        "nba_api",
        "nba_api.stats",
        "nba_api.stats.endpoints",
        "nba_api.stats.library.http",
    ):
        monkeypatch.setitem(sys.modules, module, None)  # makes the import fail
    with pytest.raises(ImportError, match=r'pip install -e "\.\[live\]"'):
        resources_for("live")


def test_the_folder_stays_the_default_and_unknown_deployments_are_refused(monkeypatch):
    monkeypatch.delenv("NBA_DEPLOYMENT", raising=False)
    assert current().name == "local"
    assert isinstance(resources_for("local")["raw_source"], RawSource)
    assert isinstance(resources_for("live")["raw_source"], api.NbaApiSource)
    assert resources_for("live")["raw_source"].history_dir == default_raw_dir()
    monkeypatch.setenv("NBA_DEPLOYMENT", "espn")
    with pytest.raises(ValueError, match="espn"):
        current()
