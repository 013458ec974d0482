"""The bad-input corpus at the raw source, each built from the real file: a structural problem of
the whole file fails the read with a ``RawDataError`` naming the file and, where it applies, the
column, row and value; a bad value in one row is a problem of that row's date only, named the
same way, and every other date reads as usual."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from resources import raw_source as files
from resources.raw_source import RawDataError, RawSource

from helpers import D1, REAL_RAW, latest_evaluation, materialized, real_frame, step_failures

PLAYERS = files.PLAYER_BOXSCORES.name
DAY = "2023-11-01"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for spec in (files.PLAYER_BOXSCORES, files.TEAM_BOXSCORES, files.PLAYER_ID_CROSSWALK):
        shutil.copy(Path(REAL_RAW) / spec.name, folder / spec.name)
    return folder


def _rewrite(folder: Path, change) -> None:
    frame = real_frame(PLAYERS)
    change(frame)
    frame.to_parquet(folder / PLAYERS, index=False)


def _bytes(folder: Path, data: bytes) -> None:
    (folder / PLAYERS).write_bytes(data)


def _set_first(column: str, value):
    def change(frame: pd.DataFrame) -> None:
        frame[column] = frame[column].astype(object)
        frame.loc[frame.index[frame["game_date"] == DAY][0], column] = value

    return change


STRUCTURAL = {
    "corrupted parquet": (
        lambda d: _bytes(d, b"PAR1" + bytes(range(256)) * 40),
        ["unreadable parquet file"],
    ),
    "truncated parquet": (
        lambda d: _bytes(d, (Path(REAL_RAW) / PLAYERS).read_bytes()[:50_000]),
        ["unreadable parquet file"],
    ),
    "empty file": (lambda d: _bytes(d, b""), ["unreadable parquet file"]),
    "renamed column": (
        lambda d: _rewrite(d, lambda f: f.rename(columns={"min": "minutes"}, inplace=True)),
        ["column 'min'", "required column is missing"],
    ),
    "missing column": (
        lambda d: _rewrite(d, lambda f: f.drop(columns=["pts"], inplace=True)),
        ["column 'pts'", "required column is missing"],
    ),
    "wrong type": (
        lambda d: _rewrite(d, lambda f: f.__setitem__("pts", f["pts"].astype(str))),
        ["column 'pts'", "expected"],
    ),
    "unparseable date": (
        lambda d: _rewrite(d, _set_first("game_date", "11/01/2023")),
        ["column 'game_date'", "'11/01/2023'", "belongs to no date"],
    ),
    "date far in the future": (
        lambda d: _rewrite(d, _set_first("game_date", "2031-01-15")),
        ["column 'game_date'", "'2031-01-15'", "in the future"],
    ),
}
ROW_PROBLEMS = {
    "minutes 61:99": (_set_first("min", "61:99"), "min", "'61:99'", "below 60"),
    "minutes abc": (_set_first("min", "abc"), "min", "'abc'", "unrecognised minutes format"),
    "missing key": (_set_first("id", None), "id", "nan", "value is missing"),
    "missing player id": (_set_first("player_id", None), "player_id", "nan", "value is missing"),
    "missing points": (_set_first("pts", None), "pts", "nan", "value is missing"),
}


@pytest.mark.parametrize("case", sorted(STRUCTURAL))
def test_structurally_bad_raw_file_fails_naming_file_column_and_value(tmp_path, case):
    folder = _folder(tmp_path)
    breaks, expected = STRUCTURAL[case]
    breaks(folder)
    source = RawSource(raw_dir=str(folder))
    with pytest.raises(RawDataError) as err:
        source.read(files.PLAYER_BOXSCORES, [pd.Timestamp(DAY).date()])
    message = str(err.value)
    assert str(folder / PLAYERS) in message
    for part in expected:
        assert part in message, (case, message)


@pytest.mark.parametrize("case", sorted(ROW_PROBLEMS))
def test_a_bad_value_is_a_problem_of_its_date_only(tmp_path, case):
    folder = _folder(tmp_path)
    change, column, value, problem = ROW_PROBLEMS[case]
    _rewrite(folder, change)
    real = real_frame(PLAYERS)
    row = real.index[real["game_date"] == DAY][0]
    source = RawSource(raw_dir=str(folder))
    other = pd.Timestamp("2023-11-02").date()
    day = pd.Timestamp(DAY).date()
    [found] = source.problems(files.PLAYER_BOXSCORES, [day]).itertuples(index=False)
    assert (found.file, found.column, found.row) == (
        str(folder / PLAYERS),
        column,
        row,
    ) and problem in found.problem
    assert found.value == value and str(int(real.at[row, "game_id"])) in found.label
    assert str(found.game_date.date()) == DAY
    # the rows are read as shipped; every other date has no problem and reads as usual
    assert len(source.read(files.PLAYER_BOXSCORES, [day])) == int((real["game_date"] == DAY).sum())
    assert source.problems(files.PLAYER_BOXSCORES, [other]).empty
    assert len(source.read(files.PLAYER_BOXSCORES, [other])) == int(
        (real["game_date"] == "2023-11-02").sum()
    )


def test_minutes_missing_on_a_row_with_stats_is_a_problem_never_a_zero(tmp_path):
    folder = _folder(tmp_path)
    real = real_frame(PLAYERS)
    row = real.index[(real["game_date"] == DAY) & (real["pts"] > 10)][0]

    def blank(frame):
        frame.loc[row, "min"] = ""

    _rewrite(folder, blank)
    [found] = (
        RawSource(raw_dir=str(folder))
        .problems(files.PLAYER_BOXSCORES, [pd.Timestamp(DAY).date()])
        .itertuples()
    )
    assert (
        found.row == row
        and found.column == "min"
        and "minutes missing on a row that has box-score stats" in found.problem
    )
    assert str(int(real.at[row, "player_id"])) in found.label


def test_an_unknown_column_is_kept_out_and_reported(tmp_path):
    folder = _folder(tmp_path)
    _rewrite(folder, lambda f: f.__setitem__("plus_minus", 1.0))
    source = RawSource(raw_dir=str(folder))
    assert source.unknown_columns(files.PLAYER_BOXSCORES) == ("plus_minus",)
    rows = source.read(files.PLAYER_BOXSCORES, [pd.Timestamp(DAY).date()])
    assert "plus_minus" not in rows.columns and len(rows) > 0


def test_missing_file_is_named(tmp_path):
    folder = _folder(tmp_path)
    (folder / PLAYERS).unlink()
    with pytest.raises(RawDataError, match="player_boxscores.parquet: file not found"):
        RawSource(raw_dir=str(folder)).read(files.PLAYER_BOXSCORES, [pd.Timestamp(DAY).date()])


# ---- bad values that parse: the checks name them --------------------------------------------

import dagster as dg  # noqa: E402

from nba_assets import keys  # noqa: E402


def test_impossible_stats_fail_value_ranges_naming_player_and_game(pipeline, raw_folder):
    players = real_frame(PLAYERS)
    victim = players[(players["game_date"] == D1) & (players["fga"] > 0)].iloc[0]

    def more_makes_than_attempts(frames):
        p = frames[PLAYERS]
        hit = p["id"] == victim["id"]
        p.loc[hit, "fgm"] = p.loc[hit, "fga"] + 1
        p.loc[hit, "pts"] = p.loc[hit, "pts"] + 2

    result = pipeline.run(D1, raw_dir=raw_folder([D1], more_makes_than_attempts))
    evaluation = latest_evaluation(
        pipeline.instance, dg.AssetCheckKey(keys.PLAYER_GAME_SUMMARY, "value_ranges"), D1
    )
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert (
        "FGM > FGA" in evaluation.description
        and str(int(victim["player_id"])) in evaluation.description
    )
    # the only failed step is the blocking check itself (Dagster fails it to stop what reads the
    # table)
    assert {k: v[1] for k, v in step_failures(result).items()} == {
        "player_game_summary_checks": {"DagsterAssetCheckFailedError"}
    }
    # a deterministic check failure is not retried
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]


def test_player_on_both_teams_of_a_game_fails_unique_player_games(pipeline, raw_folder):
    players = real_frame(PLAYERS)
    row = players[(players["game_date"] == D1)].iloc[0]

    def also_on_the_other_team(frames):
        p = frames[PLAYERS]
        copy = p[p["id"] == row["id"]].copy()
        other = p[(p["game_id"] == row["game_id"]) & (p["team_id"] != row["team_id"])].iloc[0]
        copy["id"] = p["id"].max() + 1
        copy["team_id"], copy["team_abbreviation"] = other["team_id"], other["team_abbreviation"]
        frames[PLAYERS] = pd.concat([p, copy], ignore_index=True)

    result = pipeline.run(D1, raw_dir=raw_folder([D1], also_on_the_other_team))
    evaluation = latest_evaluation(
        pipeline.instance, dg.AssetCheckKey(keys.PLAYER_BOXSCORES, "unique_player_games"), D1
    )
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert f"{int(row['player_id'])}/{int(row['game_id'])}" in evaluation.description
    # the blocking check stops player_game_summary in the same run: nothing built from the duplicate
    assert keys.PLAYER_GAME_SUMMARY not in materialized(result)
    assert keys.PLAYER_BOXSCORES in materialized(result)
