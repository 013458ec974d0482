"""``nba_raw``: the raw folder's rows per game date, values as shipped, plus lineage.

A structural problem of a whole file (missing or unreadable, a required column missing or of the
wrong type, a date that cannot be read) fails the read, naming file and column. A bad value in a
row (a missing key, minutes that cannot be parsed, a missing box-score value) belongs to the
row's date only: the rows are written as shipped and the asset's ``shipped_values`` check fails
that date with ERROR, naming file, column, row, value, game and player, which holds the date
back from every table below; every other date is written and checked as usual. An unknown
extra column is kept out of the table and reported by the same check as a WARN.
"""

import dagster as dg
import pandas as pd

from asset_checks.emit import emit_all
from asset_checks.rules import ERROR, WARN, Outcome, day, label_not_played
from basketball.tables import build_schedule
from nba_assets import contracts, keys, raw_checks
from nba_assets.common import partition_dates, report_per_date, table_asset_args
from nba_assets.partitions import GAME_DATES
from resources import raw_contracts
from resources import raw_source as files
from resources.deployment import current
from resources.nba_api_source import NBA_API_POOL
from resources.odds_api_source import ODDS_API_POOL
from resources.raw_source import (
    SOURCE_RETRIES,
    SOURCE_RETRY_WAIT_SECONDS,
    RawDataError,
    RawSource,
    TransientSourceError,
)

# With a live source every raw read is a call to a website: one at a time (each pool's limit is 1).
POOLS = {
    "raw_source": NBA_API_POOL if current().raw_source == "nba_api" else None,
    "prop_source": ODDS_API_POOL if current().prop_source == "odds_api" else None,
}
SHIPPED_VALUES = (
    "ERROR (blocking) when a row of the date has a value that cannot be used: a missing key or "
    "box-score value, minutes that cannot be parsed, text where a number belongs, minutes missing "
    "on a row with stats; each is named by file, row, column, value, game and player, and only "
    "this date is held back. WARN when the file has columns the contract does not know (kept out "
    "of the table)."
)
MAX_LISTED = 20


def shipped_values_spec(key: dg.AssetKey) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        "shipped_values",
        asset=key,
        blocking=True,
        partitions_def=GAME_DATES,
        description=SHIPPED_VALUES,
    )


def shipped_values(
    problems: pd.DataFrame, unknown: tuple[str, ...], dates: list[str]
) -> dict[str, Outcome]:
    """One outcome per date from the source's row problems and unknown columns."""
    by_date = dict(tuple(problems.groupby(day(problems["game_date"])))) if len(problems) else {}
    out = {}
    for d in dates:
        rows = by_date.get(d)
        notes = [f"unknown column(s) {list(unknown)} kept out of the table"] if unknown else []
        if rows is None:
            out[d] = Outcome(not unknown, WARN, "; ".join(notes) or "every value usable", {})
            continue
        lines = [
            f"{r.file} row {r.row}, column {r.column!r}, value {r.value} "
            f"({r.label}, {d}): {r.problem}"
            for r in rows.itertuples(index=False)
        ]
        out[d] = Outcome(
            False,
            ERROR,
            f"{d}: {len(lines)} bad value(s): " + "; ".join(lines[:3] + notes),
            {"problems": len(lines), "details": lines[:MAX_LISTED]},
        )
    return out


def _read(context: dg.AssetExecutionContext, raw_source: RawSource, spec: files.RawFile):
    """(the run's rows of a raw file, their per-date problems, unknown columns). A transient
    I/O error is retried with backoff (a Dagster retry of this step); bad content never is."""
    try:
        dates = partition_dates(context)
        return (
            raw_source.read(spec, dates),
            raw_source.problems(spec, dates),
            raw_source.unknown_columns(spec),
        )
    except TransientSourceError as exc:
        raise dg.RetryRequested(
            max_retries=SOURCE_RETRIES,
            seconds_to_wait=SOURCE_RETRY_WAIT_SECONDS * 2**context.retry_number,
        ) from exc


def _without_rows(waiting: dict[str, int], rows: pd.DataFrame) -> dict[str, int]:
    """The dates of ``waiting`` (games not final) that have no rows: not played yet."""
    have = set(day(rows["game_date"])) if len(rows) else set()
    return {d: n for d, n in waiting.items() if d not in have}


def _not_final(raw_source: RawSource, context) -> dict[str, int]:
    """Per date of the run: the published schedule's games that are not final yet."""
    if not raw_source.has(files.GAMES):
        return {}
    games, _, _ = _read(context, raw_source, files.GAMES)
    waiting = games[games["status"] != files.FINAL].drop_duplicates("id")
    return day(waiting["game_date"]).value_counts().to_dict() if len(waiting) else {}


def _raw_asset(
    key: dg.AssetKey,
    contract: dg.TableSchema,
    spec: files.RawFile,
    description: str,
    build=None,
    counts=None,
    source: str = "raw_source",
):
    """A raw table: the file's rows of the run's dates from the resource ``source`` (for the
    schedule: through ``build``, with the published schedule's rows), with its ``shipped_values``
    check evaluated in the same step. A date without rows whose scheduled games are not final yet
    says "not played yet"."""
    check = shipped_values_spec(key)

    @dg.asset(
        **table_asset_args(key, contract, description, [check]),
        pool=POOLS[source],
        required_resource_keys={"raw_source", source},
    )
    def raw_table(context: dg.AssetExecutionContext):
        raw_source: RawSource = context.resources.raw_source
        reader = getattr(context.resources, source)
        rows, problems, unknown = _read(context, reader, spec)
        if build is not None:  # from the rows without a bad value (their date is held back anyway)
            games, usable = None, rows.drop(index=problems["row"], errors="ignore")
            if raw_source.has(files.GAMES):  # each file's rows dropped by its own problems
                games, game_problems, game_unknown = _read(context, raw_source, files.GAMES)
                games = games.drop(index=game_problems["row"], errors="ignore")
                problems = pd.concat([problems, game_problems], ignore_index=True)
                unknown = (*unknown, *game_unknown)
            try:
                rows = build(usable, games)
            except ValueError as exc:
                raise RawDataError(str(reader.path(spec)), str(exc)) from exc
        if unknown:
            context.log.warning(
                f"{reader.path(spec)}: unknown column(s) {list(unknown)} kept out of the table"
            )
        if not reader.has(spec) and not spec.required:
            context.log.warning(f"no {reader.path(spec)}: its partitions are empty")
        waiting = _not_final(raw_source, context)
        dates = list(context.partition_keys)
        per_date = pd.DataFrame(
            {"games_not_final": [float(waiting.get(d, 0)) for d in dates]}, index=dates
        )
        report_per_date(context, rows, per_date, **(counts or {}))
        yield dg.Output(rows.reset_index(drop=True))
        outcomes = shipped_values(problems, unknown, list(context.partition_keys))
        yield from emit_all(
            context,
            {"shipped_values": check},
            {"shipped_values": label_not_played(outcomes, _without_rows(waiting, rows))},
            held_back={},
        )  # a raw table never holds a date back

    return raw_table


player_boxscores = _raw_asset(
    keys.PLAYER_BOXSCORES,
    raw_contracts.PLAYER_BOXSCORES,
    files.PLAYER_BOXSCORES,
    "balldontlie player box scores as shipped (raw minute strings, DNP rows).",
)
team_boxscores = _raw_asset(
    keys.TEAM_BOXSCORES,
    raw_contracts.TEAM_BOXSCORES,
    files.TEAM_BOXSCORES,
    "stats.nba.com team box scores, all game types (preseason and All-Star kept).",
)
shots = _raw_asset(
    keys.SHOTS,
    raw_contracts.SHOTS,
    files.SHOTS,
    "stats.nba.com shot chart rows. A folder or season without shots yields empty partitions.",
)
schedule = _raw_asset(
    keys.SCHEDULE,
    contracts.SCHEDULE,
    files.TEAM_BOXSCORES,
    "One row per game: date, season, game type, home and away teams (from the official team rows).",
    build=build_schedule,
    counts={"nba_games": lambda f: f["is_nba_game"].sum()},
)
prop_lines = _raw_asset(
    keys.PROP_LINES,
    raw_contracts.PROP_LINES,
    files.PROP_LINES,
    "Sportsbook player-prop lines as pulled from The Odds API (every market, several books, "
    "alternate lines kept), by the US/Eastern date of the tip-off. The snapshot a row came from "
    "is `snapshot_file` (shipped as source_file; its name holds the pull time). A folder without "
    "prop_lines.parquet, or a date without lines, gives empty partitions.",
    counts={"player_points_lines": lambda f: (f["market"] == "player_points").sum()},
    source="prop_source",
)


def definitions() -> dg.Definitions:
    """This layer's assets and their checks (``nba_assets/definitions.py`` merges the layers)."""
    return dg.Definitions(
        assets=[player_boxscores, team_boxscores, shots, schedule, prop_lines],
        asset_checks=raw_checks.CHECKS,
    )
