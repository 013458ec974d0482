"""Alerts reach a webhook: the sensors evaluated against a real instance after real runs (a real
date with a bad minutes value; a run that fails on a folder without its team box scores), posting
to an HTTP server on 127.0.0.1 that records what it receives."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest

from nba_assets import alerts, keys
from nba_assets.definitions import defs
from resources import raw_source as files

from helpers import D1, D2, real_frame


@pytest.fixture
def webhook(monkeypatch):
    """A local webhook; yields the list of the JSON bodies it received."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(alerts.WEBHOOK_ENV, f"http://127.0.0.1:{server.server_port}/hook")
    monkeypatch.setenv(alerts.UI_ENV, "http://ui.example:3000")
    yield received
    server.shutdown()


def _tick(instance, cursor=None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    result = alerts.blocking_check_alert(context)
    return result, context.cursor


def test_a_failed_blocking_check_posts_asset_check_date_player_and_link(
    pipeline, raw_folder, webhook
):
    players = real_frame(files.PLAYER_BOXSCORES.name)
    target = players[players["game_date"] == D2].index[5]
    target_id, player = players.at[target, "id"], int(players.at[target, "player_id"])

    def bad_minutes(frames):
        p = frames[files.PLAYER_BOXSCORES.name]
        p.loc[p["id"] == target_id, "min"] = "abc"

    first, cursor = _tick(pipeline.instance)  # sets the cursor, posts nothing
    assert "first tick" in first.skip_message and webhook == []
    pipeline.run(D1, D2, raw_dir=raw_folder([D1, D2], bad_minutes))
    result, cursor = _tick(pipeline.instance, cursor)
    assert "posted 1 check failure" in result.skip_message, result.skip_message
    (message,) = webhook
    text = message["text"]
    for part in (
        f"{keys.PLAYER_BOXSCORES.to_user_string()} check 'shipped_values' failed on {D2}",
        "'abc'",
        str(player),
        "http://ui.example:3000/assets/nba_raw/player_boxscores?view=checks",
    ):
        assert part in text, (part, text)
    assert D1 + ":" not in text  # the good date is not alerted
    again, _ = _tick(pipeline.instance, cursor)  # nothing new: nothing posted
    assert len(webhook) == 1 and "no run finished" in again.skip_message


def test_a_failed_run_posts_its_job_dates_error_and_link(pipeline, raw_folder, webhook):
    folder = Path(raw_folder([D1]))
    (folder / files.TEAM_BOXSCORES.name).unlink()
    result = pipeline.run(D1, raw_dir=str(folder))
    assert not result.success
    run = pipeline.instance.get_run_by_id(result.run_id)
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_alert",
        dagster_event=failure,
        dagster_instance=pipeline.instance,
        dagster_run=run,
    ).for_run_failure()
    alerts.run_failure_alert(context)
    (message,) = webhook
    text = message["text"]
    assert f"Run failed: job {run.job_name}, {D1}" in text, text
    assert "team_boxscores.parquet" in text and "file not found" in text, text
    assert f"http://ui.example:3000/runs/{run.run_id}" in text


def test_without_a_webhook_the_sensors_say_alerts_are_off(instance, monkeypatch):
    monkeypatch.delenv(alerts.WEBHOOK_ENV, raising=False)
    result, _ = _tick(instance, "0")
    assert result.skip_message == alerts.OFF
    for name in ("run_failure_alert", "blocking_check_alert"):
        assert alerts.WEBHOOK_ENV in defs.resolve_sensor_def(name).description
