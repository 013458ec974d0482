"""The partitions are the raw folder's game dates, kept in the instance in date order."""

import subprocess
import sys
from pathlib import Path

import dagster as dg

from nba_assets.jobs import partition_requests
from nba_assets.partitions import GAME_DATES, known_dates, register_game_dates, season_history

from helpers import REAL_DATES

ROOT = Path(__file__).resolve().parent.parent


def test_registering_adds_the_raw_game_dates_once_in_date_order(instance):
    assert register_game_dates(instance, REAL_DATES[:10]) == REAL_DATES[:10]
    assert register_game_dates(instance, REAL_DATES[:10]) == []
    # an older date arriving after newer ones is inserted in order
    register_game_dates(instance, REAL_DATES[20:30])
    register_game_dates(instance, REAL_DATES[10:20])
    assert known_dates(instance) == REAL_DATES[:30]
    assert instance.get_dynamic_partitions(GAME_DATES.name) == REAL_DATES[:30]


def test_a_day_without_games_is_never_a_partition():
    assert "2021-12-24" not in REAL_DATES and "2021-12-25" in REAL_DATES
    assert "2023-11-07" not in REAL_DATES


def test_the_sensor_requests_keep_the_keys_in_date_order():
    assert partition_requests(["2023-11-01", "2023-11-03"], ["2023-11-01", "2023-11-03"]) == []
    [add] = partition_requests(["2023-11-01"], ["2023-11-01", "2023-11-02"])
    assert add.partition_keys == ["2023-11-02"]
    delete, add = partition_requests(["2023-11-01", "2023-11-03"], ["2023-11-02"])
    assert delete.partition_keys == ["2023-11-03"] and add.partition_keys == [
        "2023-11-02",
        "2023-11-03",
    ]


def test_season_history_is_the_dates_of_the_season_before_the_date():
    keys = ["2023-06-12", "2023-10-05", "2023-10-24", "2023-10-25", "2023-10-26"]
    assert season_history(keys, "2023-10-25") == ["2023-10-05", "2023-10-24"]
    assert season_history(keys, "2023-10-05") == []


def test_the_code_location_and_the_cli_load_without_a_raw_folder(tmp_path):
    """Nothing reads the raw folder at import: a missing or broken folder cannot stop the
    location."""
    env = {
        "NBA_RAW_DIR": str(tmp_path / "absent"),
        "PATH": "/usr/bin:/bin",
        "DAGSTER_HOME": str(tmp_path),
    }
    code = (
        "import dagster as dg; from nba_assets.definitions import defs; "
        "dg.Definitions.validate_loadable(defs); "
        "import asset_checks.rules, nba_assets.backfill"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env, capture_output=True)
    out = subprocess.run(
        [str(Path(sys.executable).parent / "nba-backfill"), "--help"],
        check=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "--start" in out.stdout
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "player_boxscores.parquet").write_bytes(b"not parquet")
    env["NBA_RAW_DIR"] = str(tmp_path / "broken")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env, capture_output=True)


def test_the_sensor_names_a_broken_raw_file(tmp_path):
    from nba_assets.jobs import game_dates_sensor
    from resources.raw_source import RawDataError, RawSource

    (tmp_path / "team_boxscores.parquet").write_bytes(b"not parquet")
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance, resources={"raw_source": RawSource(raw_dir=str(tmp_path))}
        )
        try:
            game_dates_sensor(context)
        except RawDataError as exc:
            assert "team_boxscores.parquet" in str(exc) and "unreadable parquet file" in str(exc)
        else:
            raise AssertionError("a broken raw file must fail the sensor, naming it")
