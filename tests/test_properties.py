"""Property tests (hypothesis) for the minutes parser and the box-score formulas."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basketball import formulas
from basketball.minutes import MinutesParseError, parse_minutes

MINUTES = st.integers(0, 99)
SECONDS = st.integers(0, 59)


@given(MINUTES, SECONDS)
def test_every_source_format_of_the_same_time_parses_to_the_same_minutes(m, s):
    expected = m + s / 60
    assert parse_minutes(f"{m}:{s:02d}") == pytest.approx(expected)
    assert parse_minutes(f"{m}.000000:{s:02d}") == pytest.approx(expected)
    assert parse_minutes(f"PT{m}M{s}.00S") == pytest.approx(expected)


@given(st.floats(0, 99.99, allow_nan=False))
def test_minutes_round_trip_through_mm_ss(minutes):
    m, s = int(minutes), int(round((minutes - int(minutes)) * 60)) % 60
    text = f"{m}:{s:02d}"
    assert f"{int(parse_minutes(text))}:{round((parse_minutes(text) % 1) * 60):02d}" == text


@given(MINUTES, st.integers(60, 99))
def test_seconds_of_60_or_more_are_refused(m, s):
    with pytest.raises(MinutesParseError, match="below 60"):
        parse_minutes(f"{m}:{s}")


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=12), st.integers(), st.floats(), st.none(), st.booleans()))
def test_any_value_parses_or_raises_the_projects_own_error(value):
    try:
        minutes = parse_minutes(value)
    except MinutesParseError as exc:
        assert repr(value) in str(exc)
    else:
        assert 0 <= minutes < 100 and not math.isnan(minutes)


@st.composite
def team_game(draw):
    """A valid team box score: makes never exceed attempts, offensive rebounds never exceed
    misses."""
    fga = draw(st.integers(40, 120))
    fgm = draw(st.integers(0, fga))
    fg3a = draw(st.integers(0, fga))
    fg3m = draw(st.integers(0, min(fg3a, fgm)))
    fta = draw(st.integers(0, 60))
    ftm = draw(st.integers(0, fta))
    oreb = draw(st.integers(0, fga - fgm))
    tov = draw(st.integers(0, 30))
    minutes = draw(st.sampled_from([240, 265, 290]))
    return dict(
        fga=fga,
        fgm=fgm,
        fg3a=fg3a,
        fg3m=fg3m,
        fta=fta,
        ftm=ftm,
        oreb=oreb,
        tov=tov,
        minutes=minutes,
    )


@given(team_game())
def test_possessions_pace_and_shooting_stay_in_their_ranges(t):
    poss = formulas.possessions(t["fga"], t["fta"], t["oreb"], t["tov"])
    assert poss >= t["fgm"] + 0.44 * t["fta"] + t["tov"] - 1e-9
    assert formulas.pace(poss, 240) == pytest.approx(poss)
    assert formulas.pace(poss, t["minutes"]) <= poss + 1e-9
    points = formulas.points_from_makes(t["fgm"], t["fg3m"], t["ftm"])
    ts = formulas.true_shooting(points, t["fga"], t["fta"])
    assert 0 <= ts <= 1.5
    assert 0 <= formulas.effective_fg(t["fgm"], t["fg3m"], t["fga"]) <= 1.5
    assert formulas.overtime_periods(t["minutes"]) == (t["minutes"] - 240) // 25


@given(team_game(), st.data())
def test_usage_is_a_share_of_team_plays_while_on_the_floor(t, data):
    fga = data.draw(st.integers(0, t["fga"]))
    fta = data.draw(st.integers(0, t["fta"]))
    tov = data.draw(st.integers(0, t["tov"]))
    minutes = data.draw(st.floats(0.5, t["minutes"] / 5))
    usage = formulas.usage_rate(fga, fta, tov, minutes, t["minutes"], t["fga"], t["fta"], t["tov"])
    on_floor_share = usage * minutes / (t["minutes"] / 5)
    assert 0 <= on_floor_share <= 100 + 1e-9
    full_game = formulas.usage_rate(
        fga, fta, tov, t["minutes"] / 5, t["minutes"], t["fga"], t["fta"], t["tov"]
    )
    assert 0 <= full_game <= 100 + 1e-9
    assert math.isnan(
        formulas.usage_rate(fga, fta, tov, 0, t["minutes"], t["fga"], t["fta"], t["tov"])
    )
