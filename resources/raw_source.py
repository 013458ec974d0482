"""The raw NBA folder (``NBA_RAW_DIR``) as a Dagster resource.

Files are read once per process and validated before any row is handed out: a missing or
unreadable file, a missing column, a column of the wrong type or an unparseable date or minutes
value raises ``RawDataError`` naming the file, column, row and value. Values are returned as
shipped (minutes stay strings); only ``game_date`` is parsed into a date, plus lineage columns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import dagster as dg
import pandas as pd

from nba_assets.basketball.minutes import MinutesParseError, parse_minutes_column

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_raw_dir() -> str:
    """``NBA_RAW_DIR``, else ``../shared/data`` relative to the project root."""
    return os.environ.get("NBA_RAW_DIR") or str((PROJECT_ROOT.parent / "shared" / "data").resolve())


class RawDataError(ValueError):
    """Bad raw input. The message names the file and, where known, column, row and value."""

    def __init__(self, file: str, problem: str, column: str | None = None, row: object = None, value: object = None):
        self.file, self.column, self.row, self.value = file, column, row, value
        where = "".join(
            [f", column {column!r}" if column else "", f", row {row}" if row is not None else "",
             f", value {value!r}" if value is not None else ""]
        )
        super().__init__(f"{file}{where}: {problem}")


class TransientSourceError(Exception):
    """An I/O error while reading a raw file (a flaky network filesystem, a file being replaced):
    worth retrying, unlike bad content (``RawDataError``)."""


SOURCE_RETRIES = 3  # attempts after the first for a transient read error
SOURCE_RETRY_WAIT_SECONDS = 0.5  # doubled on every retry


NUMBER, INT, FLOAT, TEXT, BOOL = "number", "int", "float", "text", "bool"


@dataclass(frozen=True, eq=False)
class RawFile:
    """A raw file's name, the columns it must have (with their kind) and its date column."""

    name: str
    columns: dict[str, str]
    date_column: str | None = None
    date_format: str = "%Y-%m-%d"
    minutes_column: str | None = None
    required: bool = True
    key: tuple[str, ...] = field(default_factory=tuple)


_BOX_STATS = {c: NUMBER for c in ["fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk", "pf", "pts"]}

PLAYER_BOXSCORES = RawFile(
    "player_boxscores.parquet",
    {"id": NUMBER, "min": TEXT, **_BOX_STATS, "fg_pct": FLOAT, "fg3_pct": FLOAT, "ft_pct": FLOAT, "turnover": NUMBER,
     "player_id": INT, "player_first_name": TEXT, "player_last_name": TEXT, "player_position": TEXT,
     "player_team_id": NUMBER, "team_id": INT, "team_abbreviation": TEXT, "team_full_name": TEXT, "game_id": INT,
     "game_date": TEXT, "game_season": INT, "game_home_team_id": NUMBER, "game_visitor_team_id": NUMBER,
     "game_postseason": BOOL},
    date_column="game_date", minutes_column="min", key=("id",),
)
TEAM_BOXSCORES = RawFile(
    "team_boxscores.parquet",
    {"season_id": TEXT, "team_id": INT, "team_abbreviation": TEXT, "team_name": TEXT, "game_id": TEXT,
     "game_date": TEXT, "matchup": TEXT, "wl": TEXT, "min": INT, **_BOX_STATS, "fg_pct": FLOAT, "fg3_pct": FLOAT,
     "ft_pct": FLOAT, "tov": NUMBER, "plus_minus": FLOAT, "season": TEXT},
    date_column="game_date", key=("game_id", "team_id"),
)
SHOTS = RawFile(
    "shots.parquet",
    {"season_1": INT, "season_2": TEXT, "team_id": INT, "team_name": TEXT, "player_id": INT, "player_name": TEXT,
     "position_group": TEXT, "position": TEXT, "game_date": TEXT, "game_id": INT, "home_team": TEXT,
     "away_team": TEXT, "event_type": TEXT, "shot_made": BOOL, "action_type": TEXT, "shot_type": TEXT,
     "basic_zone": TEXT, "zone_name": TEXT, "zone_abb": TEXT, "zone_range": TEXT, "loc_x": FLOAT, "loc_y": FLOAT,
     "shot_distance": NUMBER, "quarter": INT, "mins_left": INT, "secs_left": INT},
    date_column="game_date", date_format="%m-%d-%Y", required=False,
)
PLAYER_ID_CROSSWALK = RawFile(
    "player_id_crosswalk.parquet",
    {"bdl_player_id": INT, "bdl_name": TEXT, "nba_person_id": INT, "match": TEXT},
    required=False, key=("bdl_player_id",),
)

_KIND_CHECKS = {
    NUMBER: pd.api.types.is_numeric_dtype,
    INT: pd.api.types.is_integer_dtype,
    FLOAT: pd.api.types.is_float_dtype,
    TEXT: lambda dtype: pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype),
    BOOL: pd.api.types.is_bool_dtype,
}


def _all_text(values: pd.Series) -> bool:
    """Every value is a str or None (NaN is not text). Type inference runs in C; only the
    nulls are looked at one by one."""
    nulls = values.isna()
    return (pd.api.types.infer_dtype(values[~nulls], skipna=False) in ("string", "empty")
            and all(v is None for v in values[nulls]))


def _first_bad(values: pd.Series, ok: pd.Series) -> tuple[object, object]:
    label = ok[~ok].index[0]
    return label, values[label]


def _validate(spec: RawFile, path: Path, df: pd.DataFrame) -> pd.DataFrame:
    for column, kind in spec.columns.items():
        if column not in df.columns:
            raise RawDataError(str(path), f"required column is missing (has: {', '.join(map(str, df.columns))})", column)
        dtype = df[column].dtype
        if kind == TEXT and pd.api.types.is_object_dtype(dtype):
            if _all_text(df[column]):
                continue
            is_text = df[column].map(lambda v: v is None or isinstance(v, str))
            if not is_text.all():
                row, value = _first_bad(df[column], is_text)
                raise RawDataError(str(path), "expected text", column, row, value)
        elif not _KIND_CHECKS[kind](dtype):
            row = df.index[0] if len(df) else None
            raise RawDataError(str(path), f"expected a {kind} column, found dtype {dtype}", column, row,
                               df[column].iloc[0] if len(df) else None)
    if spec.date_column:
        raw_dates = df[spec.date_column]
        parsed = pd.to_datetime(raw_dates, format=spec.date_format, errors="coerce")
        bad = parsed.isna()
        if bad.any():
            row, value = _first_bad(raw_dates, ~bad)
            raise RawDataError(str(path), f"date does not match {spec.date_format}", spec.date_column, row, value)
        future = parsed > pd.Timestamp(datetime.now(timezone.utc).replace(tzinfo=None)) + pd.Timedelta(days=1)
        if future.any():
            row, value = _first_bad(raw_dates, ~future)
            raise RawDataError(str(path), "game date is in the future (a box score cannot exist yet)",
                               spec.date_column, row, value)
        df = df.assign(_game_date=parsed.dt.normalize())
    if spec.key:
        missing_key = df[list(spec.key)].isna().any(axis=1)
        if missing_key.any():
            row = missing_key[missing_key].index[0]
            raise RawDataError(str(path), "key value is missing", ",".join(spec.key), row, None)
    return df


@lru_cache(maxsize=16)
def _read_cached(path: str, spec: RawFile, mtime_ns: int, size: int) -> pd.DataFrame:
    try:
        df = pd.read_parquet(path)
    except OSError:
        raise  # I/O, not content: RawSource.frame turns it into TransientSourceError
    except Exception as exc:  # pyarrow raises ArrowInvalid (a ValueError) for corrupt or truncated files
        raise RawDataError(path, f"unreadable parquet file ({type(exc).__name__}: {exc})") from exc
    return _validate(spec, Path(path), df.reset_index(drop=True))


class RawSource(dg.ConfigurableResource):
    """Reads the raw folder ``raw_dir`` (definitions pass ``default_raw_dir()``)."""

    raw_dir: str

    def path(self, spec: RawFile) -> Path:
        return Path(self.raw_dir) / spec.name

    def has(self, spec: RawFile) -> bool:
        return self.path(spec).is_file()

    def frame(self, spec: RawFile) -> pd.DataFrame:
        """The whole validated file (cached per process; re-read when the file changes)."""
        path = self.path(spec)
        if not path.is_file():
            raise RawDataError(str(path), "file not found" + ("" if spec.required else " (needed here)"))
        try:
            stat = path.stat()
            return _read_cached(str(path), spec, stat.st_mtime_ns, stat.st_size)
        except OSError as exc:
            raise TransientSourceError(f"{path}: could not read ({type(exc).__name__}: {exc})") from exc

    def read(self, spec: RawFile, dates: list[date]) -> pd.DataFrame:
        """Rows of ``dates`` as shipped, plus ``game_date`` (date), ``source_file`` and ``ingested_at``.

        An optional file that is absent yields an empty frame with the expected columns.
        """
        if not spec.required and not self.has(spec):
            dtypes = {INT: "int64", FLOAT: "float64", NUMBER: "float64", TEXT: "object", BOOL: "bool"}
            frame = pd.DataFrame({c: pd.Series(dtype=dtypes[kind]) for c, kind in spec.columns.items()})
            rows = frame.assign(_game_date=pd.Series(dtype="datetime64[ns]"))
        else:
            frame = self.frame(spec)
            rows = frame[frame["_game_date"].isin(pd.to_datetime(list(dates)))]
        if spec.minutes_column:
            try:
                parse_minutes_column(rows[spec.minutes_column])
            except MinutesParseError as exc:
                raise RawDataError(str(self.path(spec)), str(exc), spec.minutes_column, exc.row, exc.value) from exc
        out = rows.drop(columns=[spec.date_column, "_game_date"]) if spec.date_column else rows.copy()
        out.insert(0, "game_date", rows["_game_date"].values)
        if spec.date_column and spec.date_format != "%Y-%m-%d":
            out[f"source_{spec.date_column}"] = rows[spec.date_column].values
        out["source_file"] = str(self.path(spec))
        out["ingested_at"] = pd.Timestamp(datetime.now(timezone.utc).replace(tzinfo=None))
        return out.reset_index(drop=True)

    def game_dates(self) -> list[date]:
        """Every date with at least one team or player box-score row in the folder."""
        dates: set[date] = set()
        for spec in (TEAM_BOXSCORES, PLAYER_BOXSCORES):
            if self.has(spec) or spec.required:
                dates.update(d.date() for d in self.frame(spec)["_game_date"].unique())
        return sorted(dates)
