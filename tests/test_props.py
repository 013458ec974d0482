"""The market's arithmetic (``basketball.props``) and the market tables' builders
(``nba_assets.market``) on the real shipped prop lines and box scores. Every expected number is
worked out here by hand from the shipped rows, not taken from the code under test."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from asset_checks import market_rules
from basketball import props
from nba_assets import contracts, market
from resources.raw_source import PLAYER_BOXSCORES, PROP_LINES, RawSource

from helpers import REAL_RAW, real_frame

SOURCE = RawSource(raw_dir=REAL_RAW)


def _box(dates: list[date]) -> pd.DataFrame:
    """The real box-score rows of ``dates`` as the market builders read player_game_summary."""
    box = SOURCE.read(PLAYER_BOXSCORES, dates)
    minutes = box["min"].fillna("0").str.split(":").str[0].replace("", "0").astype(float)
    return pd.DataFrame(
        {
            "game_date": box["game_date"],
            "player_id": box["player_id"].astype("int64"),
            "player_name": box["player_first_name"] + " " + box["player_last_name"],
            "team_abbr": box["team_abbreviation"],
            "minutes_played": minutes,
            "points": box["pts"],
            "fg3m": box["fg3m"],
        }
    )


def _consensus(dates: list[date], rosters: pd.DataFrame | None = None):
    players = _box(dates)
    rosters = players.iloc[0:0] if rosters is None else rosters
    return market.consensus_lines(
        SOURCE.read(PROP_LINES, dates), rosters, players[players["minutes_played"] > 0]
    )


def _edges(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` in prop_edges' columns (the ones they lack empty)."""
    return rows.reindex(columns=[c.name for c in contracts.PROP_EDGES.columns])


def american(odds: float) -> float:
    return -odds / (-odds + 100) if odds < 0 else 100 / (odds + 100)


def test_consensus_and_devig_of_one_real_line_by_hand():
    """Shai Gilgeous-Alexander's points, 2025-11-09 (17:00 UTC snapshot, 8 books, bovada and
    betrivers with alternate lines)."""
    frame, _ = _consensus([date(2025, 11, 9)])
    row = frame[
        (frame["player_name"] == "Shai Gilgeous-Alexander") & (frame["market"] == "player_points")
    ].iloc[0]
    # main lines: betrivers lists 30.5/31.5/32.5/33.5; de-vigged over at 31.5 (-125/-106) is
    # 0.5192, at 32.5 (-108/-124) 0.4840: 32.5 is closest to even. bovada's 31.5 (-110/-120,
    # 0.4898) beats its 32.5 (+110/-145, 0.4459). So: 31.5 x6 (betmgm, betonlineag, bovada,
    # draftkings, fanatics, williamhill_us) and 32.5 x2 (betrivers, fanduel): median 31.5.
    assert (row["consensus_line"], row["books"], row["books_at_consensus"]) == (31.5, 8, 6)
    assert (row["min_line"], row["max_line"]) == (31.5, 32.5)
    at_31_5 = [(-110, -118), (-116, -111), (-110, -120), (-116, -110), (-120, -110), (-124, -109)]
    devig = [american(o) / (american(o) + american(u)) for o, u in at_31_5]
    assert row["over_prob_devig"] == pytest.approx(sum(devig) / len(devig), abs=1e-12)
    assert str(row["snapshot_at"]) == "2025-11-09 17:00:00"
    assert str(row["tip_off"]) == "2025-11-09 23:10:00"


def test_a_snapshot_after_tip_off_is_never_used():
    """2024-10-27: the threes lines were pulled at 20:00 UTC; PHI @ IND tipped at 19:40 UTC, so
    none of its lines counts, while the evening games' lines do."""
    day = date(2024, 10, 27)
    shipped = SOURCE.read(PROP_LINES, [day])
    early = shipped[shipped["game"] == "Philadelphia 76ers @ Indiana Pacers"]
    assert len(early) and set(early["game_time"]) == {"2024-10-27T19:40:00Z"}
    frame, late = _consensus([day])
    assert not (frame["game"] == "Philadelphia 76ers @ Indiana Pacers").any()
    assert late["2024-10-27"] == (shipped["game_time"] <= "2024-10-27T20:00:00Z").sum()
    assert (frame["snapshot_at"] < frame["tip_off"]).all() and len(frame)
    # the rule itself, on the shipped rows with their real pull time
    bad = frame.iloc[:1].assign(snapshot_at=frame["tip_off"].iloc[:1])
    outcome = market_rules.lines_before_tip(bad, ["2024-10-27"])["2024-10-27"]
    assert not outcome.passed and outcome.severity == "ERROR"


def test_a_real_push_and_a_real_void():
    """Royce O'Neale, 2025-10-31: the books split 12.5 / 13.5 (median 13.0) and he scored 13:
    a push. A player with a line who then did not play: void, and so is a bet on him."""
    day = date(2025, 10, 31)
    box = _box([day])
    frame, _ = _consensus(
        [day], rosters=_box([date(2025, 10, 29)]).assign(game_date=pd.Timestamp(day))
    )
    oneale = frame[(frame["player_name"] == "Royce O'Neale") & (frame["market"] == "player_points")]
    assert oneale["consensus_line"].tolist() == [13.0]
    played = set(box.loc[box["minutes_played"] > 0, "player_id"])
    absent = frame[frame["player_id"].notna() & ~frame["player_id"].isin(played)]
    assert len(absent), "a line for a player without minutes that night"
    edges = _edges(oneale.assign(predicted_points=15.0, side="over", edge=2.0, last_10_avg=12.0))
    results = market.graded(edges, frame, box)
    push = results[
        (results["player_name"] == "Royce O'Neale") & (results["market"] == "player_points")
    ]
    assert push[["actual", "outcome", "bet_outcome"]].values.tolist() == [[13.0, "push", "push"]]
    void = results[results["player_id"].isin(absent["player_id"])]
    assert len(void) and (void["outcome"] == "void").all() and void["actual"].isna().all()


def test_threes_lines_are_graded_against_the_real_box_scores():
    """Every matched 2024-25 threes line of the first week, against fg3m read from the shipped
    box scores here."""
    days = [d for d in SOURCE.played_dates() if date(2024, 10, 22) <= d <= date(2024, 10, 28)]
    frame, _ = _consensus(days)
    box = _box(days)
    results = market.graded(_edges(frame.iloc[0:0]), frame, box)
    threes = results[results["market"] == "player_threes"]
    assert len(threes) > 300
    made = box.set_index(["game_date", "player_id"])
    for r in threes.itertuples():
        key = (r.game_date, r.player_id)
        if key not in made.index or made.loc[key, "minutes_played"] <= 0:
            assert r.outcome == "void"
            continue
        fg3m = float(made.loc[key, "fg3m"])
        want = "over" if fg3m > r.consensus_line else "under" if fg3m < r.consensus_line else "push"
        assert (r.actual, r.outcome) == (fg3m, want)


def test_hit_rate_leaves_pushes_and_voids_out():
    outcomes = pd.Series(["win", "win", "loss", "push", "void", "no_bet"])
    assert props.hit_rate(outcomes) == 2 / 3
    bet = props.bet_outcome(
        pd.Series(["over", "under", "over", "no_bet", "over"]),
        pd.Series(["over", "over", "push", "over", "void"]),
    )
    assert bet.tolist() == ["win", "loss", "push", "no_bet", "void"]
    assert props.BREAK_EVEN == pytest.approx(0.5238, abs=1e-4)


def test_over_probability_counts_the_validation_errors_above_the_line():
    quantiles = {"10-20": [float(v) for v in range(-10, 10)]}  # -10 .. 9, twenty errors
    p = props.over_probability(pd.Series([15.0]), pd.Series([17.5]), quantiles)
    # actual = 15 + e > 17.5  <=>  e > 2.5: the errors 3..9, 7 of 20
    assert p.tolist() == [7 / 20]
    assert props.over_probability(pd.Series([25.0]), pd.Series([17.5]), quantiles).isna().all()


def test_a_snapshot_name_without_a_pull_time_is_a_problem_of_its_date_only(tmp_path):
    """The pull time is in the snapshot's name; a name without one cannot show the line was
    pre-game: its rows' date fails shipped_values (named by file, column, row and value), the
    other dates read as usual."""
    lines = real_frame("prop_lines.parquet")
    day = lines["source_file"] == "raw_20251108_170000.csv"
    row = lines.index[day][0]
    lines.loc[row, "source_file"] = "snapshot.csv"
    folder = tmp_path / "raw"
    folder.mkdir()
    lines.to_parquet(folder / "prop_lines.parquet")
    source = RawSource(raw_dir=str(folder))
    problems = source.problems(PROP_LINES, [date(2025, 11, 8), date(2025, 11, 9)])
    assert problems[["column", "row", "value"]].values.tolist() == [
        ["source_file", row, "'snapshot.csv'"]
    ]
    assert set(problems["game_date"].dt.strftime("%Y-%m-%d")) == {"2025-11-08"}
    assert str(folder / "prop_lines.parquet") == problems["file"].iloc[0]
    assert (
        len(source.read(PROP_LINES, [date(2025, 11, 9)]))
        == (lines["source_file"] == "raw_20251109_170000.csv").sum()
    )


def test_a_graded_prediction_that_is_not_the_one_made_fails_graded_as_made():
    """The rule on real-shaped rows: the stored prediction differs, or the version trained on
    its own date: ERROR naming the player."""
    made = pd.DataFrame(
        {
            "game_date": pd.to_datetime(["2025-11-09"] * 2),
            "player_id": [1, 2],
            "predicted_points": [20.0, 11.0],
            "model_version": ["v"] * 2,
            "predicted_at": pd.to_datetime(["2025-11-09 15:00"] * 2),
        }
    )
    graded = made.assign(
        player_name=["A", "B"],
        market="player_points",
        trained_through=pd.to_datetime(["2025-11-08", "2025-11-09"]),
        predicted_points=[21.0, 11.0],
    )
    outcome = market_rules.predictions_as_made(graded, made, ["2025-11-09"])["2025-11-09"]
    assert not outcome.passed and outcome.severity == "ERROR"
    assert outcome.metadata["details"] == [
        "A (player_points): not the prediction as made",
        "B (player_points): version trained on or after the date",
    ]
    assert market_rules.predictions_as_made(
        made.assign(
            player_name=["A", "B"],
            market="player_points",
            trained_through=pd.to_datetime(["2025-11-08"] * 2),
        ),
        made,
        ["2025-11-09"],
    )["2025-11-09"].passed
