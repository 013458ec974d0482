"""The stats.nba.com source without the network: recorded responses through the same parsers.

Fixtures (``tests/fixtures/nba_api/``) are written in the endpoints' documented JSON shapes for one
real game (2024-01-15, HOU @ PHI, ``0022300555``): team rows and shots copied from the shipped
folder data, player counting stats from the folder's rows, with hand-set minute strings (one "PT"
value) and two DNP rows with their comment. ``_http_get`` (the HTTP transport) and ``request``
(nba_api's parameter builder) are replaced, so the tests run without nba_api installed.
"""

from __future__ import annotations

import json
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


def recorded(endpoint: str) -> dict:
    return json.loads((FIXTURES / RECORDED[endpoint]).read_text())


@pytest.fixture
def calls(monkeypatch) -> list[tuple[str, dict]]:
    """Serve recorded responses; return the list of (endpoint, params) requested."""
    seen: list[tuple[str, dict]] = []

    def fake_get(endpoint: str, params: dict, timeout: float) -> dict:
        seen.append((endpoint, params))
        return recorded(endpoint)

    monkeypatch.setattr(api, "_http_get", fake_get)
    monkeypatch.setattr(
        api, "request", lambda endpoint_class, **kwargs: (endpoint_class.lower(), kwargs)
    )
    return seen


@pytest.fixture(scope="module")
def folder() -> dict:
    source = RawSource(raw_dir=default_raw_dir())
    return {spec: source.read(spec, [DAY]) for spec in (TEAM_BOXSCORES, PLAYER_BOXSCORES, SHOTS)}


@pytest.mark.parametrize("spec", [TEAM_BOXSCORES, PLAYER_BOXSCORES, SHOTS], ids=lambda s: s.name)
def test_frames_have_the_folder_columns_and_dtypes(calls, folder, spec):
    ours = api.NbaApiSource().read(spec, [DAY])
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
        ours = api.NbaApiSource().read(spec, [DAY])
        assert ours.empty and ours.dtypes.to_dict() == folder[spec].dtypes.to_dict()


def test_team_rows_and_shots_equal_the_folder_rows_they_were_recorded_from(calls, folder):
    source = api.NbaApiSource()
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

    read = api.NbaApiSource().read(PLAYER_BOXSCORES, [DAY])
    assert list(read["min"]) == list(parsed["min"])
    assert (
        set(read["team_abbreviation"]) == {"HOU", "PHI"}
        and (read["game_home_team_id"] == 1610612755).all()
    )


def test_crosswalk_is_the_identity_on_nba_person_ids(calls):
    source = api.NbaApiSource()
    assert all(
        source.has(spec) for spec in (TEAM_BOXSCORES, PLAYER_BOXSCORES, SHOTS, PLAYER_ID_CROSSWALK)
    )
    crosswalk = source.frame(PLAYER_ID_CROSSWALK)
    assert (crosswalk["bdl_player_id"] == crosswalk["nba_person_id"]).all()
    assert set(crosswalk["nba_person_id"]) == {203954, 1630578}


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
    monkeypatch.setenv("NBA_DEPLOYMENT", "espn")
    with pytest.raises(ValueError, match="espn"):
        current()
