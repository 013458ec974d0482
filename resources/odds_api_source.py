"""The Odds API (v4) as the live source of player-prop lines (``PROP_LINES``).

The folder's ``prop_lines.parquet`` is a set of The Odds API snapshots (data README §6); this
source takes the same snapshots live, so ``OddsApiSource.read(PROP_LINES, dates)`` returns what
``RawSource.read`` returns for that file (columns, dtypes, validation, lineage). For each date D
it asks for:

1. ``GET /v4/sports/basketball_nba/events`` with ``commenceTimeFrom`` / ``commenceTimeTo`` set to
   US/Eastern midnight of D and of D + 1 (in UTC): the games of D, as a row's date is the Eastern
   date of its tip-off;
2. ``GET /v4/sports/basketball_nba/events/{eventId}/odds`` per game, with ``regions``,
   ``markets`` (the nine markets of the data README, ``PROP_MARKETS``), ``oddsFormat=american``
   and ``bookmakers`` when set. Player props exist only on this per-event endpoint.

Rows (``parse_event_odds``): one per (bookmaker, market, player, line), as the folder's
snapshots were written: ``bookmakers[].key`` is ``bookmaker``, ``markets[].key`` is ``market``,
an outcome's ``description`` is ``player`` and its ``point`` is ``line``; the ``Over`` and
``Under`` prices of the same line go to ``over_odds`` / ``under_odds`` (a side the book does not
offer stays NaN). Yes/no markets (double-double, triple-double) have no line: ``line`` is NaN,
``over_odds`` holds the ``Yes`` price and ``under_odds`` the ``No`` price (the folder's yes/no
rows have no odds: the script that wrote its snapshots kept Over/Under prices only, so live
yes/no rows carry prices where the folder's are NaN). ``game`` is "Away @ Home" and
``game_time`` the event's ``commence_time``, as shipped.

Snapshot time: ``source_file`` (``snapshot_file`` after ``read``) is ``odds_api_YYYYMMDD_HHMMSS``,
the UTC time the event's odds came back, the name the folder's snapshots have
(``SNAPSHOT_FILE``), so ``snapshot_times`` reads it and the consensus can drop snapshots taken
after tip-off: this endpoint also answers for games in progress, with in-play prices. It answers
only for games not finished yet: a past date has no events left (The Odds API's historical
endpoints, which cost 10 times more, are not used here).

Quota: an odds request costs up to [markets] x [regions] credits (9 with the defaults; The Odds
API counts the markets that return data; the events list is free): about 9 credits per game.
Each answer's ``x-requests-remaining`` / ``x-requests-used`` / ``x-requests-last`` headers are
logged. A read fetches once per (file, dates) and keeps the rows.

Every request goes through ``call``: the retries of ``nba_api_source.call`` (``NBA_API_RETRIES``,
doubling waits) on timeouts, connection errors, HTTP 429 and 5xx, then ``OddsApiError`` naming
the endpoint and the parameters with the API key masked; the key is never logged or raised, and
transport errors are re-raised without the original exception (its text can carry the URL). HTTP
401 (a missing, wrong or exhausted key) is final at once and says to set ``ODDS_API_KEY``. One
request at a time: assets reading this source take ``pool=ODDS_API_POOL``, limited to 1.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd
from pydantic import PrivateAttr

from resources.nba_api_source import NBA_API_RETRIES, NBA_API_RETRY_WAIT_SECONDS
from resources.raw_source import (
    FLOAT,
    PROP_LINES,
    TEXT,
    RawFile,
    TransientSourceError,
    dated_problems,
    dated_rows,
    validate,
)

ODDS_API_POOL = "odds_api"
ODDS_API_RETRIES = NBA_API_RETRIES  # retries after the first attempt, as for stats.nba.com
ODDS_API_RETRY_WAIT_SECONDS = NBA_API_RETRY_WAIT_SECONDS  # doubled on every retry
SPORT = "basketball_nba"
PROP_MARKETS = (
    "player_points",
    "player_rebounds",
    "player_assists",
    "player_threes",
    "player_points_rebounds_assists",
    "player_blocks",
    "player_steals",
    "player_double_double",
    "player_triple_double",
)
SNAPSHOT_PREFIX = "odds_api_"
API_KEY_HINT = "set ODDS_API_KEY to a valid The Odds API key with credits left"
_EASTERN = ZoneInfo("US/Eastern")
_MASK = "***"
_OVER = {"Over": "over_odds", "Yes": "over_odds", "Under": "under_odds", "No": "under_odds"}
_DTYPES = {FLOAT: "float64", TEXT: "object"}
# credits left, used this month, and the cost of the request answered
_QUOTA_HEADERS = ("x-requests-remaining", "x-requests-used", "x-requests-last")


class OddsApiError(RuntimeError):
    """A The Odds API request that failed for good (retries exhausted, or a final answer such as
    HTTP 401). The message never holds the API key."""


def events_endpoint() -> str:
    return f"/v4/sports/{SPORT}/events"


def odds_endpoint(event_id: str) -> str:
    return f"/v4/sports/{SPORT}/events/{event_id}/odds"


def _masked(params: dict) -> dict:
    """The parameters as they may be shown: the API key replaced, empty values left out."""
    return {k: (_MASK if k == "apiKey" else v) for k, v in params.items() if v not in ("", None)}


def _scrubbed(text: str, params: dict) -> str:
    """``text`` without the API key (a transport error's text can hold the whole URL)."""
    key = params.get("apiKey")
    return text.replace(key, _MASK) if key else text


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _body_message(body: bytes) -> str:
    """The ``message`` of an error answer's JSON body, else its first 200 characters."""
    text = body.decode("utf-8", "replace")
    try:
        return str(json.loads(text).get("message", text))[:200]
    except (ValueError, AttributeError):
        return text[:200]


def _http_get(url: str, params: dict, timeout: float) -> tuple[object, dict]:
    """One GET; returns (JSON payload, response headers). Retryable failures raise
    ``TransientSourceError``, other answers ``OddsApiError``; no text of either holds the key."""
    full = f"{url}?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(full, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body, headers = response.read(), dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read()
        except (OSError, http.client.HTTPException):
            body = b""
        status, message = exc.code, _scrubbed(_body_message(body), params)
        exc.close()
    except (OSError, http.client.HTTPException) as exc:
        reason = _scrubbed(f"{type(exc).__name__}: {exc}", params)
        raise TransientSourceError(reason) from None
    else:
        try:
            return json.loads(body), headers
        except ValueError:
            raise TransientSourceError("the answer is not JSON (cut off?)") from None
    if status == 429 or status >= 500:
        raise TransientSourceError(f"HTTP {status}: {message}")
    if status == 401:
        raise OddsApiError(
            f"{url} with {_masked(params)}: HTTP 401 ({message}): the API key was refused; "
            f"{API_KEY_HINT}"
        )
    raise OddsApiError(f"{url} with {_masked(params)}: HTTP {status}: {message}")


def _log_quota(endpoint: str, headers: dict) -> None:
    lower = {k.lower(): v for k, v in headers.items()}
    if "x-requests-remaining" in lower or "x-requests-used" in lower:
        shown = ", ".join(f"{h}={lower[h]}" for h in _QUOTA_HEADERS if h in lower)
        dg.get_dagster_logger().info(f"The Odds API {endpoint}: {shown}")


def call(
    endpoint: str,
    params: dict,
    base_url: str = "https://api.the-odds-api.com",
    timeout: float = 30.0,
    http_get=None,
    sleep=time.sleep,
):
    """The one way this module talks to The Odds API (``http_get(url, params, timeout) ->
    (payload, headers)`` is injectable for tests). Logs the quota headers of the answer."""
    get = http_get or _http_get
    url = f"{base_url.rstrip('/')}{endpoint}"
    for attempt in range(ODDS_API_RETRIES + 1):
        try:
            payload, headers = get(url, params, timeout)
        except TransientSourceError as exc:
            last = _scrubbed(str(exc), params)
            if attempt < ODDS_API_RETRIES:
                sleep(ODDS_API_RETRY_WAIT_SECONDS * 2**attempt)
            continue
        _log_quota(endpoint, headers)
        return payload
    raise OddsApiError(
        f"{url} with {_masked(params)}: gave up after {ODDS_API_RETRIES + 1} attempts; "
        f"last error: {last}"
    )


# ---- pure parsing: v4 JSON -> the folder's rows --------------------------------------------------


def day_window(day: date) -> tuple[str, str]:
    """(``commenceTimeFrom``, ``commenceTimeTo``): US/Eastern midnight of ``day`` and of the next
    day, in UTC (``2025-11-09`` -> ``2025-11-09T05:00:00Z``, ``2025-11-10T05:00:00Z``)."""

    def utc_midnight(d: date) -> str:
        start = datetime(d.year, d.month, d.day, tzinfo=_EASTERN).astimezone(timezone.utc)
        return start.strftime("%Y-%m-%dT%H:%M:%SZ")

    return utc_midnight(day), utc_midnight(day + timedelta(days=1))


def snapshot_name(pulled: datetime) -> str:
    """``odds_api_YYYYMMDD_HHMMSS`` of a UTC time (the folder's snapshot naming)."""
    return SNAPSHOT_PREFIX + pulled.astimezone(timezone.utc).strftime("%Y%m%d_%H%M%S")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """``PROP_LINES``'s columns in the folder file's order, with the folder's dtypes."""
    out = frame.reindex(columns=list(PROP_LINES.columns))
    for column, kind in PROP_LINES.columns.items():
        out[column] = out[column].astype(_DTYPES[kind])
    return out.reset_index(drop=True)


def parse_event_odds(payload: dict, snapshot: str) -> pd.DataFrame:
    """An event-odds answer as ``PROP_LINES`` rows (module docstring), ``source_file`` =
    ``snapshot``. Outcomes other than Over/Under/Yes/No are left out; a missing price is NaN."""
    game = f"{payload['away_team']} @ {payload['home_team']}"
    rows: dict[tuple, dict] = {}
    for book in payload.get("bookmakers") or []:
        for market in book.get("markets") or []:
            for outcome in market.get("outcomes") or []:
                side = _OVER.get(outcome.get("name"))
                if side is None:
                    continue
                point = outcome.get("point")
                player = outcome.get("description")
                key = (book["key"], market["key"], player, point)
                row = rows.setdefault(
                    key,
                    {
                        "event_id": payload["id"],
                        "player": player,
                        "market": market["key"],
                        "line": point,
                        "bookmaker": book["key"],
                        "game": game,
                        "game_time": payload["commence_time"],
                        "over_odds": None,
                        "under_odds": None,
                        "source_file": snapshot,
                    },
                )
                row[side] = outcome.get("price")
    return _typed(pd.DataFrame(list(rows.values()), columns=list(PROP_LINES.columns)))


class OddsApiSource(dg.ConfigurableResource):
    """Live The Odds API source of ``PROP_LINES`` with ``RawSource``'s interface (``read``,
    ``problems``, ``has``, ``path``, ``unknown_columns``). The definitions pass
    ``api_key=dg.EnvVar("ODDS_API_KEY")``."""

    api_key: str
    base_url: str = "https://api.the-odds-api.com"
    regions: str = "us"
    markets: str = ",".join(PROP_MARKETS)
    bookmakers: str | None = None
    timeout_seconds: float = 30.0
    _read: dict = PrivateAttr(default_factory=dict)

    def _call(self, endpoint: str, **params) -> object:
        return call(
            endpoint,
            {"apiKey": self.api_key, **params},
            base_url=self.base_url,
            timeout=self.timeout_seconds,
        )

    def path(self, spec: RawFile) -> Path:
        return Path(f"api.the-odds-api.com/v4/sports/{SPORT}")

    def has(self, spec: RawFile) -> bool:
        return spec is PROP_LINES

    def _events(self, day: date) -> list[dict]:
        start, end = day_window(day)
        return self._call(events_endpoint(), commenceTimeFrom=start, commenceTimeTo=end)

    def _event_rows(self, event_id: str) -> pd.DataFrame:
        params = {"regions": self.regions, "markets": self.markets, "oddsFormat": "american"}
        if self.bookmakers:
            params["bookmakers"] = self.bookmakers
        payload = self._call(odds_endpoint(event_id), **params)
        return parse_event_odds(payload, snapshot_name(_utc_now()))

    def _validated(self, spec: RawFile, dates: list[date]):
        """The dates' rows, validated as the folder's are; fetched once per (file, dates)."""
        if spec is not PROP_LINES:
            raise ValueError(
                f"{spec.name} does not come from The Odds API: OddsApiSource serves "
                f"{PROP_LINES.name} only"
            )
        key = (spec.name, tuple(dates))
        if key not in self._read:
            days = list(dict.fromkeys(dates))
            # a tip-off at Eastern midnight is in two days' windows: fetch each game once
            event_ids = dict.fromkeys(event["id"] for day in days for event in self._events(day))
            frames = [self._event_rows(event_id) for event_id in event_ids]
            rows = _typed(pd.concat(frames) if frames else pd.DataFrame())
            dg.get_dagster_logger().info(
                f"The Odds API: {len(rows)} prop lines, {len(frames)} games, dates "
                f"{', '.join(map(str, days))}"
            )
            self._read[key] = validate(spec, self.path(spec), rows)
        return self._read[key]

    def read(self, spec: RawFile, dates: list[date]) -> pd.DataFrame:
        """The dates' rows, as ``RawSource.read`` returns them (``snapshot_file`` is the pull's
        ``odds_api_YYYYMMDD_HHMMSS``; ``source_file`` names the endpoint)."""
        return dated_rows(spec, str(self.path(spec)), self._validated(spec, dates), dates)

    def problems(self, spec: RawFile, dates: list[date]) -> pd.DataFrame:
        return dated_problems(self._validated(spec, dates), dates)

    def unknown_columns(self, spec: RawFile) -> tuple[str, ...]:
        return ()
