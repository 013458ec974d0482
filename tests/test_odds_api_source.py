"""The Odds API source without the network: recorded v4 answers, parsed and served locally.

Fixtures (``tests/fixtures/odds_api/``) are The Odds API v4 answers written from the shipped
folder's rows of one real game, Houston Rockets @ Milwaukee Bucks on 2025-11-09 (event
``e1126435bd892fdc20b81dc1a286a11d``, 768 rows, 8 books, 9 markets, snapshot
``raw_20251109_170000.csv``):

- ``events_2025-11-09.json``: the events list, that one event (the day had seven games; the others
  are left out to keep the recording small);
- ``event_odds_<id>.json``: its odds, one bookmaker per shipped book (``key``, its usual
  ``title``), one market per shipped market, and per shipped row its ``Over`` and ``Under``
  outcomes (``description`` = player, ``point`` = line, ``price`` = odds as shipped). The
  shipped yes/no rows (double-double, triple-double) have no odds: the snapshot kept no price,
  so their ``Yes`` outcomes are recorded without one instead of with an invented price.
  ``last_update`` fields are left out (not in the snapshot; the parser does not read them).

The end-to-end tests run ``OddsApiSource`` against ``http.server`` on 127.0.0.1 serving these
files, so the real transport (``_http_get``) is exercised too; the retry tests script the status
codes that server answers with.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from resources import odds_api_source as odds
from resources.raw_contracts import PROP_LINES as PROP_LINES_CONTRACT
from resources.raw_source import (
    PLAYER_BOXSCORES,
    PROP_LINES,
    RawSource,
    TransientSourceError,
    default_raw_dir,
    snapshot_times,
)

FIXTURES = Path(__file__).parent / "fixtures" / "odds_api"
DAY = date(2025, 11, 9)
EVENT = "e1126435bd892fdc20b81dc1a286a11d"
KEY = "test-key"
EVENTS_PATH = "/v4/sports/basketball_nba/events"
ODDS_PATH = f"/v4/sports/basketball_nba/events/{EVENT}/odds"
RECORDED_FROM = "2025-11-09T05:00:00Z"  # the recorded day's commenceTimeFrom
SHIPPED_COLUMNS = [c for c in PROP_LINES.columns if c != "source_file"]


def recorded(name: str):
    return json.loads((FIXTURES / name).read_text())


def shipped_rows() -> pd.DataFrame:
    """The folder's rows of the recorded game, straight from the parquet file."""
    shipped = pd.read_parquet(Path(default_raw_dir()) / PROP_LINES.name)
    return shipped[shipped["event_id"] == EVENT]


def sorted_rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns].sort_values(columns).reset_index(drop=True)


# ---- a local The Odds API ------------------------------------------------------------------------


class Server:
    """``http.server`` on 127.0.0.1 answering with the recorded files (an empty events list for
    any other day); ``statuses`` (popped per request) scripts error answers first; ``seen`` is
    every (path, query) asked for."""

    def __init__(self):
        self.seen: list[tuple[str, dict]] = []
        self.statuses: list[int] = []
        self.also_listed_from: list[str] = []  # other days' windows that list the recorded game
        routes = {
            EVENTS_PATH: (FIXTURES / "events_2025-11-09.json").read_bytes(),
            ODDS_PATH: (FIXTURES / f"event_odds_{EVENT}.json").read_bytes(),
        }
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                server.seen.append((url.path, query))
                status = server.statuses.pop(0) if server.statuses else 200
                body = routes.get(url.path) if status == 200 else None
                days = [RECORDED_FROM, *server.also_listed_from]
                if url.path == EVENTS_PATH and query.get("commenceTimeFrom", [None])[0] not in days:
                    body = b"[]"  # a day without recorded games
                if status == 200 and body is None:
                    status = 404
                if body is None:
                    body = json.dumps({"message": f"HTTP {status} from the test server"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("x-requests-remaining", "19991")
                self.send_header("x-requests-used", str(len(server.seen)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def paths(self) -> list[str]:
        return [path for path, _ in self.seen]


@pytest.fixture
def server():
    s = Server()
    s.thread.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()
    s.thread.join(timeout=5)


def source(server: Server, **config) -> odds.OddsApiSource:
    return odds.OddsApiSource(api_key=KEY, base_url=server.base_url, **config)


# ---- parsing -------------------------------------------------------------------------------------


def test_the_recorded_odds_give_back_the_shipped_rows_of_that_game():
    rows = odds.parse_event_odds(recorded(f"event_odds_{EVENT}.json"), "odds_api_20251109_170000")
    shipped = shipped_rows()
    assert len(shipped) == 768 and len(rows) == len(shipped)
    pd.testing.assert_frame_equal(
        sorted_rows(rows, SHIPPED_COLUMNS), sorted_rows(shipped, SHIPPED_COLUMNS)
    )
    assert set(rows["game"]) == {"Houston Rockets @ Milwaukee Bucks"}
    assert set(rows["game_time"]) == {"2025-11-09T20:30:00Z"}
    assert set(rows["source_file"]) == {"odds_api_20251109_170000"}
    assert list(rows.columns) == list(PROP_LINES.columns)
    # the books' alternate lines stay separate rows, as shipped (data README §6)
    sengun = rows[(rows["player"] == "Alperen Sengun") & (rows["market"] == "player_assists")]
    assert sorted(sengun.loc[sengun["bookmaker"] == "bovada", "line"]) == [5.5, 6.5, 7.5]


def test_over_and_under_pair_per_line_yes_no_has_no_line_and_a_missing_side_is_nan():
    payload = {
        "id": "abc",
        "commence_time": "2025-11-10T00:30:00Z",
        "home_team": "Philadelphia 76ers",
        "away_team": "Detroit Pistons",
        "bookmakers": [
            {
                "key": "draftkings",
                "markets": [
                    {
                        "key": "player_points",
                        "outcomes": [
                            {"name": "Over", "description": "A", "price": -115, "point": 20.5},
                            {"name": "Under", "description": "A", "price": -105, "point": 20.5},
                            {"name": "Over", "description": "A", "price": 150, "point": 24.5},
                        ],
                    },
                    {
                        "key": "player_double_double",
                        "outcomes": [
                            {"name": "Yes", "description": "B", "price": -150},
                            {"name": "No", "description": "B", "price": 120},
                        ],
                    },
                ],
            }
        ],
    }
    rows = odds.parse_event_odds(payload, "odds_api_20251109_170000").set_index(["player", "line"])
    assert rows.loc[("A", 20.5), ["over_odds", "under_odds"]].tolist() == [-115.0, -105.0]
    assert rows.loc[("A", 24.5), "over_odds"] == 150.0
    assert pd.isna(rows.loc[("A", 24.5), "under_odds"])
    double = rows.xs("B", level="player")
    assert len(double) == 1 and double.index.isna().all()
    assert double[["over_odds", "under_odds"]].iloc[0].tolist() == [-150.0, 120.0]
    assert set(rows["game"]) == {"Detroit Pistons @ Philadelphia 76ers"}


def test_an_event_without_odds_gives_no_rows_with_the_folder_dtypes():
    payload = {**recorded("events_2025-11-09.json")[0], "bookmakers": []}
    rows = odds.parse_event_odds(payload, "odds_api_20251109_170000")
    assert rows.empty and list(rows.columns) == list(PROP_LINES.columns)
    assert rows["line"].dtype == "float64" and rows["player"].dtype == object


@pytest.mark.parametrize(
    "day, start, end",
    [
        (date(2025, 11, 9), "2025-11-09T05:00:00Z", "2025-11-10T05:00:00Z"),  # EST
        (date(2025, 10, 21), "2025-10-21T04:00:00Z", "2025-10-22T04:00:00Z"),  # EDT
        (date(2025, 11, 2), "2025-11-02T04:00:00Z", "2025-11-03T05:00:00Z"),  # DST ends
    ],
)
def test_a_day_is_the_eastern_day_in_utc(day, start, end):
    assert odds.day_window(day) == (start, end)


# ---- end to end against a local server -----------------------------------------------------------


def test_read_returns_the_folder_sources_rows_from_the_api(server, caplog):
    before = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    live = source(server)
    with caplog.at_level(logging.INFO):
        rows = live.read(PROP_LINES, [DAY])
    after = datetime.now(timezone.utc).replace(tzinfo=None)

    assert list(rows.columns) == [c.name for c in PROP_LINES_CONTRACT.columns]
    assert (rows["game_date"] == pd.Timestamp(DAY)).all()
    assert rows["snapshot_file"].str.startswith("odds_api_").all()
    pulled = snapshot_times(rows["snapshot_file"])
    assert pulled.notna().all() and pulled.between(before, after).all()
    assert set(rows["source_file"]) == {"api.the-odds-api.com/v4/sports/basketball_nba"}

    folder = RawSource(raw_dir=default_raw_dir()).read(PROP_LINES, [DAY])
    folder = folder[folder["event_id"] == EVENT]
    compared = [
        c for c in folder.columns if c not in ("snapshot_file", "source_file", "ingested_at")
    ]
    pd.testing.assert_frame_equal(sorted_rows(rows, compared), sorted_rows(folder, compared))
    assert live.problems(PROP_LINES, [DAY]).empty  # from the same fetch

    assert server.paths() == [EVENTS_PATH, ODDS_PATH]
    events_query, odds_query = (query for _, query in server.seen)
    assert events_query == {
        "apiKey": [KEY],
        "commenceTimeFrom": ["2025-11-09T05:00:00Z"],
        "commenceTimeTo": ["2025-11-10T05:00:00Z"],
    }
    assert odds_query == {
        "apiKey": [KEY],
        "regions": ["us"],
        "markets": [",".join(odds.PROP_MARKETS)],
        "oddsFormat": ["american"],
    }
    assert len(odds.PROP_MARKETS) == 9
    assert set(odds.PROP_MARKETS) == set(shipped_rows()["market"])
    assert "x-requests-remaining=19991" in caplog.text and "x-requests-used=2" in caplog.text
    assert KEY not in caplog.text


def test_a_read_is_fetched_once_and_bookmakers_are_asked_for_when_set(server):
    live = source(server, bookmakers="draftkings,fanduel", regions="us,us2")
    first = live.read(PROP_LINES, [DAY])
    live.problems(PROP_LINES, [DAY])
    second = live.read(PROP_LINES, [DAY])
    assert len(server.seen) == 2  # one events list, one odds request: the rest is the cache
    assert first["snapshot_file"].tolist() == second["snapshot_file"].tolist()
    odds_query = server.seen[1][1]
    assert odds_query["bookmakers"] == ["draftkings,fanduel"]
    assert odds_query["regions"] == ["us,us2"]


def test_a_game_listed_on_two_days_is_fetched_and_returned_once(server):
    server.also_listed_from = ["2025-11-10T05:00:00Z"]  # as a tip-off at Eastern midnight is
    rows = source(server).read(PROP_LINES, [DAY, DAY + timedelta(days=1)])
    assert server.paths() == [EVENTS_PATH, EVENTS_PATH, ODDS_PATH]
    assert len(rows) == len(shipped_rows()) and not rows.duplicated(SHIPPED_COLUMNS).any()


def test_a_date_without_games_reads_as_no_rows_after_one_free_request(server):
    rows = source(server).read(PROP_LINES, [date(2025, 11, 11)])
    assert rows.empty and list(rows.columns) == [c.name for c in PROP_LINES_CONTRACT.columns]
    assert server.paths() == [EVENTS_PATH]


def test_only_prop_lines_come_from_the_odds_api(server):
    live = source(server)
    assert live.has(PROP_LINES) and not live.has(PLAYER_BOXSCORES)
    assert live.path(PROP_LINES) == Path("api.the-odds-api.com/v4/sports/basketball_nba")
    with pytest.raises(ValueError, match="player_boxscores.parquet .*prop_lines.parquet only"):
        live.read(PLAYER_BOXSCORES, [DAY])
    assert live.unknown_columns(PROP_LINES) == ()
    assert server.seen == []


# ---- retries and errors --------------------------------------------------------------------------


def test_429_then_200_succeeds_after_one_wait(server):
    server.statuses = [429]
    waits: list[float] = []
    params = {"apiKey": KEY, "commenceTimeFrom": RECORDED_FROM}
    events = odds.call(EVENTS_PATH, params, base_url=server.base_url, sleep=waits.append)
    assert [e["id"] for e in events] == [EVENT]
    assert waits == [odds.ODDS_API_RETRY_WAIT_SECONDS]
    assert server.paths() == [EVENTS_PATH, EVENTS_PATH]


def test_5xx_until_the_last_retry_names_endpoint_and_parameters_but_not_the_key(server):
    server.statuses = [503] * (odds.ODDS_API_RETRIES + 1)
    waits: list[float] = []
    with pytest.raises(odds.OddsApiError) as failure:
        odds.call(
            ODDS_PATH,
            {"apiKey": KEY, "markets": "player_points", "oddsFormat": "american"},
            base_url=server.base_url,
            sleep=waits.append,
        )
    message = str(failure.value)
    assert f"{server.base_url}{ODDS_PATH}" in message
    assert "'markets': 'player_points'" in message and "'apiKey': '***'" in message
    assert "HTTP 503" in message and f"{odds.ODDS_API_RETRIES + 1} attempts" in message
    assert KEY not in message
    assert failure.value.__cause__ is None and failure.value.__context__ is None
    assert waits == [2.0 * 2**i for i in range(odds.ODDS_API_RETRIES)]
    assert odds.ODDS_API_RETRIES == 3 and len(server.seen) == 4


def test_401_is_final_at_once_and_says_to_set_odds_api_key(server):
    server.statuses = [401]
    live = source(server)
    with pytest.raises(odds.OddsApiError, match="ODDS_API_KEY") as failure:
        live.read(PROP_LINES, [DAY])
    assert "HTTP 401" in str(failure.value) and EVENTS_PATH in str(failure.value)
    assert KEY not in str(failure.value)
    assert len(server.seen) == 1  # not retried


def test_other_client_errors_are_final_and_name_the_endpoint(server):
    server.statuses = [422]
    with pytest.raises(odds.OddsApiError, match="HTTP 422") as failure:
        odds.call(
            ODDS_PATH,
            {"apiKey": KEY},
            base_url=server.base_url,
            sleep=lambda s: pytest.fail("must not wait"),
        )
    assert ODDS_PATH in str(failure.value) and KEY not in str(failure.value)
    assert len(server.seen) == 1


def test_a_transport_error_quoting_the_url_is_retried_and_reported_without_the_key():
    attempts = []

    def refused(url, params, timeout):
        attempts.append(url)
        raise TransientSourceError(f"ConnectionError: {url}?apiKey={params['apiKey']} refused")

    with pytest.raises(odds.OddsApiError) as failure:
        odds.call(EVENTS_PATH, {"apiKey": "s3cret-key"}, http_get=refused, sleep=lambda s: None)
    assert "s3cret-key" not in str(failure.value) and "apiKey=***" in str(failure.value)
    assert len(attempts) == odds.ODDS_API_RETRIES + 1


def test_an_unreachable_host_is_transient_and_never_shows_the_key(server):
    base_url = server.base_url
    server.httpd.shutdown()
    server.httpd.server_close()  # nothing listens on the port any more
    waits: list[float] = []
    with pytest.raises(odds.OddsApiError, match="gave up after 4 attempts") as failure:
        odds.call(EVENTS_PATH, {"apiKey": KEY}, base_url=base_url, timeout=2, sleep=waits.append)
    assert KEY not in str(failure.value) and len(waits) == odds.ODDS_API_RETRIES


def test_the_pull_time_is_when_the_odds_came_back(monkeypatch, server):
    pulled = datetime(2025, 11, 9, 17, 0, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(odds, "_utc_now", lambda: pulled)
    rows = source(server).read(PROP_LINES, [DAY])
    assert set(rows["snapshot_file"]) == {"odds_api_20251109_170000"}
    tip_off = pd.to_datetime(rows["game_time"]).dt.tz_localize(None)
    assert (snapshot_times(rows["snapshot_file"]) < tip_off).all()
    late = odds.snapshot_name(pulled + timedelta(hours=4))
    assert snapshot_times(pd.Series([late]))[0] > tip_off.iloc[0]  # after tip-off: droppable
