"""The raw NBA folder (``NBA_RAW_DIR``) as a Dagster resource.

Two kinds of bad input, told apart because they fail differently:

- **Structural** problems of a whole file fail the whole read with ``RawDataError`` naming the
  file and column: the file is missing or unreadable, a required column is missing or has the
  wrong type, a ``game_date`` cannot be read (the row belongs to no date, so no single date can
  be held back for it) or lies in the future (the file or the clock is wrong as a whole; the
  published schedule, ``games.parquet``, is the one file whose dates may lie ahead).
- **Row** problems belong to the row's date only (``RawSource.problems``): a missing key, a
  value that cannot be parsed (minutes such as ``"61:99"``), text where a number belongs in a
  text column, a missing box-score value, or minutes missing on a row that has box-score stats
  (the earlier system silently dropped such rows from the averages). The rows are still read
  as shipped, and the raw asset's ``shipped_values`` check fails that date only (ERROR), naming
  file, column, row, value, game and player; every other date builds as usual.

An unknown extra column is kept out of the table and reported (``unknown_columns``). Values are
returned as shipped (minutes stay strings); only ``game_date`` is parsed, plus lineage columns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import dagster as dg
import pandas as pd

from basketball.minutes import minutes_problems

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_raw_dir() -> str:
    """``NBA_RAW_DIR``, else ``../shared/data`` relative to the project root."""
    return os.environ.get("NBA_RAW_DIR") or str((PROJECT_ROOT.parent / "shared" / "data").resolve())


class RawDataError(ValueError):
    """Bad raw input. The message names the file and, where known, column, row and value."""

    def __init__(
        self,
        file: str,
        problem: str,
        column: str | None = None,
        row: object = None,
        value: object = None,
    ):
        self.file, self.column, self.row, self.value = file, column, row, value
        where = "".join(
            [
                f", column {column!r}" if column else "",
                f", row {row}" if row is not None else "",
                f", value {value!r}" if value is not None else "",
            ]
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
    """A raw file: its name, the columns it must have (with their kind), its date column, and
    the columns that must hold a value on every row (``values``: keys and box-score counts)."""

    name: str
    columns: dict[str, str]
    date_column: str | None = None
    date_format: str = "%Y-%m-%d"
    minutes_column: str | None = None
    required: bool = True
    future_ok: bool = False  # a schedule lists games not played yet
    key: tuple[str, ...] = field(default_factory=tuple)
    values: tuple[str, ...] = field(default_factory=tuple)
    labels: tuple[str, ...] = field(
        default_factory=tuple
    )  # columns that name a row's game and player or team
    # the date column holds UTC times (ISO 8601); a row's date is its date in this time zone
    date_timezone: str | None = None
    patterns: dict[str, str] = field(default_factory=dict)  # text a column's values must match
    renamed: dict[str, str] = field(default_factory=dict)  # shipped name -> table name


_COUNTS = [
    "fgm",
    "fga",
    "fg3m",
    "fg3a",
    "ftm",
    "fta",
    "oreb",
    "dreb",
    "reb",
    "ast",
    "stl",
    "blk",
    "pf",
    "pts",
]
_BOX_STATS = {c: NUMBER for c in _COUNTS}

PLAYER_BOXSCORES = RawFile(
    "player_boxscores.parquet",
    {
        "id": NUMBER,
        "min": TEXT,
        **_BOX_STATS,
        "fg_pct": FLOAT,
        "fg3_pct": FLOAT,
        "ft_pct": FLOAT,
        "turnover": NUMBER,
        "player_id": INT,
        "player_first_name": TEXT,
        "player_last_name": TEXT,
        "player_position": TEXT,
        "player_team_id": NUMBER,
        "team_id": INT,
        "team_abbreviation": TEXT,
        "team_full_name": TEXT,
        "game_id": INT,
        "game_date": TEXT,
        "game_season": INT,
        "game_home_team_id": NUMBER,
        "game_visitor_team_id": NUMBER,
        "game_postseason": BOOL,
    },
    date_column="game_date",
    minutes_column="min",
    key=("id",),
    values=(
        "player_id",
        "team_id",
        "team_abbreviation",
        "game_id",
        "game_season",
        "game_home_team_id",
        "game_visitor_team_id",
        *_COUNTS,
        "turnover",
    ),
    labels=("game_id", "team_abbreviation", "player_id", "player_first_name", "player_last_name"),
)
TEAM_BOXSCORES = RawFile(
    "team_boxscores.parquet",
    {
        "season_id": TEXT,
        "team_id": INT,
        "team_abbreviation": TEXT,
        "team_name": TEXT,
        "game_id": TEXT,
        "game_date": TEXT,
        "matchup": TEXT,
        "wl": TEXT,
        "min": INT,
        **_BOX_STATS,
        "fg_pct": FLOAT,
        "fg3_pct": FLOAT,
        "ft_pct": FLOAT,
        "tov": NUMBER,
        "plus_minus": FLOAT,
        "season": TEXT,
    },
    date_column="game_date",
    key=("game_id", "team_id"),
    values=("season_id", "team_abbreviation", "matchup", "min", *_COUNTS, "tov"),
    labels=("game_id", "team_abbreviation"),
)
SHOTS = RawFile(
    "shots.parquet",
    {
        "season_1": INT,
        "season_2": TEXT,
        "team_id": INT,
        "team_name": TEXT,
        "player_id": INT,
        "player_name": TEXT,
        "position_group": TEXT,
        "position": TEXT,
        "game_date": TEXT,
        "game_id": INT,
        "home_team": TEXT,
        "away_team": TEXT,
        "event_type": TEXT,
        "shot_made": BOOL,
        "action_type": TEXT,
        "shot_type": TEXT,
        "basic_zone": TEXT,
        "zone_name": TEXT,
        "zone_abb": TEXT,
        "zone_range": TEXT,
        "loc_x": FLOAT,
        "loc_y": FLOAT,
        "shot_distance": NUMBER,
        "quarter": INT,
        "mins_left": INT,
        "secs_left": INT,
    },
    date_column="game_date",
    date_format="%m-%d-%Y",
    required=False,
    values=("player_id", "game_id", "basic_zone"),
    labels=("game_id", "player_id", "player_name"),
)
GAMES = RawFile(
    "games.parquet",
    {
        "id": INT,
        "date": TEXT,
        "season": INT,
        "status": TEXT,
        "period": NUMBER,
        "time": TEXT,
        "postseason": BOOL,
        "home_team_score": NUMBER,
        "visitor_team_score": NUMBER,
        **{
            f"{side}_team_{c}": INT if c == "id" else TEXT
            for side in ("home", "visitor")
            for c in ("id", "abbreviation", "full_name", "conference", "division", "city")
        },
    },
    date_column="date",
    required=False,
    future_ok=True,
    values=("id", "season", "status", "home_team_abbreviation", "visitor_team_abbreviation"),
    labels=("id", "visitor_team_abbreviation", "home_team_abbreviation"),
)
FINAL = "Final"  # balldontlie's status of a played game; anything else is not played yet
# The Odds API snapshots (data README section 6). A daily file's name holds the UTC time it was
# pulled (raw_YYYYMMDD_HHMMSS.csv; the live source names its pulls the same way); the 2024-25
# threes files hold only the date, and were queried at SEASON_FILE_PULL_UTC that day.
SNAPSHOT_FILE = r"(?:.*_)?\d{8}_\d{6}(?:\.\w+)?|props_\d{4}-\d{2}-\d{2}_\w+\.csv"
SEASON_FILE_PULL_UTC = "20:00:00"
PROP_LINES = RawFile(
    "prop_lines.parquet",
    {
        "event_id": TEXT,
        "player": TEXT,
        "market": TEXT,
        "line": FLOAT,
        "bookmaker": TEXT,
        "game": TEXT,
        "game_time": TEXT,
        "over_odds": FLOAT,
        "under_odds": FLOAT,
        "source_file": TEXT,
    },
    date_column="game_time",
    date_format="ISO8601",
    date_timezone="US/Eastern",
    required=False,
    future_ok=True,  # lines are posted before the game
    values=("player", "market", "bookmaker", "game", "source_file"),
    labels=("game", "bookmaker", "player", "market"),
    patterns={"source_file": SNAPSHOT_FILE},
    renamed={"source_file": "snapshot_file"},  # ``source_file`` is the lineage column
)


def snapshot_times(files: pd.Series) -> pd.Series:
    """The UTC time (naive) each snapshot file was pulled, from its name (``SNAPSHOT_FILE``)."""
    stamp = files.str.extract(r"(\d{8})_(\d{6})")
    day = files.str.extract(r"props_(\d{4})-(\d{2})-(\d{2})_")
    text = (stamp[0] + "T" + stamp[1]).fillna(
        day[0] + day[1] + day[2] + "T" + SEASON_FILE_PULL_UTC.replace(":", "")
    )
    return pd.to_datetime(text, format="%Y%m%dT%H%M%S")


PLAYER_ID_CROSSWALK = RawFile(
    "player_id_crosswalk.parquet",
    {"bdl_player_id": INT, "bdl_name": TEXT, "nba_person_id": INT, "match": TEXT},
    required=False,
    key=("bdl_player_id",),
)

_KIND_CHECKS = {
    NUMBER: pd.api.types.is_numeric_dtype,
    FLOAT: pd.api.types.is_float_dtype,
    TEXT: lambda dtype: pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype),
    BOOL: pd.api.types.is_bool_dtype,
}
PROBLEM_COLUMNS = ["game_date", "file", "column", "row", "value", "problem", "label"]


def _is_int_column(values: pd.Series) -> bool:
    """Integers, or floats that are whole numbers (Parquet/pandas turn an int column with a
    missing value into floats: the missing value is a row problem, not a wrong column type)."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return True
    present = values.dropna()
    return pd.api.types.is_float_dtype(values.dtype) and bool((present % 1 == 0).all())


def _is_text(values: pd.Series) -> pd.Series:
    """Per row: the value is a str or None (NaN is not text). Type inference runs in C; values
    are looked at one by one only when it finds something else."""
    nulls = values.isna()
    if pd.api.types.infer_dtype(values[~nulls], skipna=False) in ("string", "empty") and all(
        v is None for v in values[nulls]
    ):
        return pd.Series(True, index=values.index)
    return values.map(lambda v: v is None or isinstance(v, str))


def _validate_structure(spec: RawFile, path: Path, df: pd.DataFrame) -> pd.DataFrame:
    """Whole-file checks (``RawDataError``); returns the frame with ``_game_date`` added."""
    for column, kind in spec.columns.items():
        if column not in df.columns:
            raise RawDataError(
                str(path),
                f"required column is missing (has: {', '.join(map(str, df.columns))})",
                column,
            )
        values = df[column]
        ok = _is_int_column(values) if kind == INT else _KIND_CHECKS[kind](values.dtype)
        if not ok:
            row = df.index[0] if len(df) else None
            raise RawDataError(
                str(path),
                f"expected a {kind} column, found dtype {values.dtype}",
                column,
                row,
                values.iloc[0] if len(df) else None,
            )
    if spec.date_column:
        raw_dates = df[spec.date_column]
        if spec.date_timezone:
            times = pd.to_datetime(raw_dates, format=spec.date_format, utc=True, errors="coerce")
            parsed = times.dt.tz_convert(spec.date_timezone).dt.tz_localize(None)
        else:
            parsed = pd.to_datetime(raw_dates, format=spec.date_format, errors="coerce")
        bad = parsed.isna()
        if bad.any():
            row = bad[bad].index[0]
            raise RawDataError(
                str(path),
                f"date does not match {spec.date_format} (the row belongs to no date, "
                "so the whole file is refused)",
                spec.date_column,
                row,
                raw_dates[row],
            )
        tomorrow = pd.Timestamp(datetime.now(timezone.utc).replace(tzinfo=None)) + pd.Timedelta(
            days=1
        )
        future = parsed > tomorrow
        if future.any() and not spec.future_ok:
            row = future[future].index[0]
            raise RawDataError(
                str(path),
                "game date is in the future (a box score cannot exist yet)",
                spec.date_column,
                row,
                raw_dates[row],
            )
        df = df.assign(_game_date=parsed.dt.normalize())
    return df


def _row_problems(spec: RawFile, path: Path, df: pd.DataFrame) -> pd.DataFrame:
    """One line per (row, column) problem, with the row's date and a label naming game and
    player."""
    found: list[tuple[pd.Series, str, pd.Series]] = []  # (mask, column, reason per row)
    for column in (*spec.key, *spec.values):
        missing = df[column].isna()
        found.append((missing, column, pd.Series("value is missing", index=df.index)))
    for column, kind in spec.columns.items():
        if kind == TEXT and pd.api.types.is_object_dtype(df[column].dtype):
            not_text = ~_is_text(df[column])
            found.append((not_text, column, pd.Series("expected text", index=df.index)))
    for column, pattern in spec.patterns.items():
        text = df[column].where(_is_text(df[column]), None)
        bad = text.notna() & ~text.fillna("").str.fullmatch(pattern)
        found.append((bad, column, pd.Series(f"does not match {pattern}", index=df.index)))
    if spec.minutes_column:
        minutes = df[spec.minutes_column]
        reasons = minutes_problems(minutes.where(_is_text(minutes), None))
        found.append((reasons.notna(), spec.minutes_column, reasons))
        no_minutes = minutes.isna() | (minutes.astype(str).str.strip() == "")
        stats = [c for c in _COUNTS + ["turnover"] if c in df.columns]
        has_stats = (df[stats].fillna(0) != 0).any(axis=1)
        found.append(
            (
                no_minutes & has_stats,
                spec.minutes_column,
                pd.Series("minutes missing on a row that has box-score stats", index=df.index),
            )
        )
    frames = []
    for mask, column, reasons in found:
        if not mask.any():
            continue
        rows = df[mask]
        label = rows[list(spec.labels)].astype(str).agg(" ".join, axis=1) if spec.labels else ""
        frames.append(
            pd.DataFrame(
                {
                    "game_date": rows["_game_date"] if "_game_date" in rows else pd.NaT,
                    "file": str(path),
                    "column": column,
                    "row": rows.index,
                    "value": rows[column].map(repr),
                    "problem": reasons[mask].values,
                    "label": label,
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="datetime64[ns]" if c == "game_date" else object)
                for c in PROBLEM_COLUMNS
            }
        )
    return (
        pd.concat(frames, ignore_index=True)
        .sort_values(["game_date", "row", "column"])
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class _Validated:
    frame: pd.DataFrame
    problems: pd.DataFrame
    unknown_columns: tuple[str, ...]


def validate(spec: RawFile, path: Path, df: pd.DataFrame) -> _Validated:
    """Structural checks (raise), then the row problems and unknown columns of a whole file."""
    df = _validate_structure(spec, path, df.reset_index(drop=True))
    known = set(spec.columns) | {"_game_date"}
    return _Validated(
        df, _row_problems(spec, path, df), tuple(c for c in df.columns if c not in known)
    )


@lru_cache(maxsize=16)
def _read_cached(path: str, spec: RawFile, mtime_ns: int, size: int) -> _Validated:
    try:
        df = pd.read_parquet(path)
    except OSError:
        raise  # I/O, not content: RawSource.frame turns it into TransientSourceError
    except (
        Exception
    ) as exc:  # pyarrow raises ArrowInvalid (a ValueError) for corrupt or truncated files
        raise RawDataError(path, f"unreadable parquet file ({type(exc).__name__}: {exc})") from exc
    return validate(spec, Path(path), df)


def dated_rows(spec: RawFile, label: str, validated: _Validated, dates: list[date]) -> pd.DataFrame:
    """The rows of ``dates`` with the spec's columns as shipped (under ``spec.renamed`` names),
    ``game_date`` first, the shipped date when it had another format (a UTC time column is kept
    as it is), and lineage (``source_file``, ``ingested_at``)."""
    frame = validated.frame
    rows = (
        frame[frame["_game_date"].isin(pd.to_datetime(list(dates)))] if spec.date_column else frame
    )
    kept = [c for c in spec.columns if c != spec.date_column or spec.date_timezone]
    out = rows[kept].rename(columns=spec.renamed)
    if spec.date_column:
        out.insert(0, "game_date", rows["_game_date"].values)
        if spec.date_format != "%Y-%m-%d" and not spec.date_timezone:
            out[f"source_{spec.date_column}"] = rows[spec.date_column].values
    out["source_file"] = label
    out["ingested_at"] = pd.Timestamp(datetime.now(timezone.utc).replace(tzinfo=None))
    return out  # indexed by file row, as the problems name them


def dated_problems(validated: _Validated, dates: list[date]) -> pd.DataFrame:
    problems = validated.problems
    return problems[problems["game_date"].isin(pd.to_datetime(list(dates)))].reset_index(drop=True)


def _empty(spec: RawFile) -> _Validated:
    dtypes = {INT: "int64", FLOAT: "float64", NUMBER: "float64", TEXT: "object", BOOL: "bool"}
    frame = pd.DataFrame({c: pd.Series(dtype=dtypes[kind]) for c, kind in spec.columns.items()})
    frame = frame.assign(_game_date=pd.Series(dtype="datetime64[ns]"))
    return _Validated(frame, _row_problems(spec, Path(spec.name), frame), ())


class RawSource(dg.ConfigurableResource):
    """Reads the raw folder ``raw_dir`` (definitions pass ``default_raw_dir()``)."""

    raw_dir: str

    def path(self, spec: RawFile) -> Path:
        return Path(self.raw_dir) / spec.name

    def has(self, spec: RawFile) -> bool:
        return self.path(spec).is_file()

    def _validated(self, spec: RawFile) -> _Validated:
        """The whole validated file (cached per process; re-read when the file changes).
        An optional file that is absent is an empty file with the expected columns."""
        path = self.path(spec)
        if not path.is_file():
            if not spec.required:
                return _empty(spec)
            raise RawDataError(str(path), "file not found")
        try:
            stat = path.stat()
            return _read_cached(str(path), spec, stat.st_mtime_ns, stat.st_size)
        except OSError as exc:
            raise TransientSourceError(
                f"{path}: could not read ({type(exc).__name__}: {exc})"
            ) from exc

    def frame(self, spec: RawFile) -> pd.DataFrame:
        if not self.has(spec):
            raise RawDataError(
                str(self.path(spec)), "file not found" + ("" if spec.required else " (needed here)")
            )
        return self._validated(spec).frame

    def read(self, spec: RawFile, dates: list[date]) -> pd.DataFrame:
        """Rows of ``dates`` as shipped, plus ``game_date`` (date), ``source_file`` and
        ``ingested_at``, indexed by their row in the file."""
        return dated_rows(spec, str(self.path(spec)), self._validated(spec), dates)

    def problems(self, spec: RawFile, dates: list[date]) -> pd.DataFrame:
        """The row problems of ``dates`` (columns ``PROBLEM_COLUMNS``), first date first."""
        return dated_problems(self._validated(spec), dates)

    def unknown_columns(self, spec: RawFile) -> tuple[str, ...]:
        return self._validated(spec).unknown_columns

    def played_dates(self) -> list[date]:
        """Every date with at least one team or player box-score row in the folder."""
        dates: set[date] = set()
        for spec in (TEAM_BOXSCORES, PLAYER_BOXSCORES):
            if self.has(spec) or spec.required:
                dates.update(d.date() for d in self.frame(spec)["_game_date"].unique())
        return sorted(dates)

    def game_dates(self, as_of: date | None = None) -> list[date]:
        """The played dates and the dates of the published schedule's games not final yet
        (``games.parquet``), up to ``as_of`` when given: the game-date partitions."""
        dates = set(self.played_dates())
        if self.has(GAMES):
            games = self.frame(GAMES)
            dates.update(d.date() for d in games.loc[games["status"] != FINAL, "_game_date"])
        return sorted(d for d in dates if as_of is None or d <= as_of)
