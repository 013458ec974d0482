"""Posting an alert to a chat webhook (a Slack incoming webhook, or anything that takes the
same JSON: ``{"text": ...}``), with the standard library. The URL is a secret (it is the
credential): errors name the host only."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT_SECONDS = 10.0


class AlertError(RuntimeError):
    """The webhook did not take the message."""


def post(url: str, text: str, timeout: float = TIMEOUT_SECONDS) -> None:
    """POST ``{"text": text}`` as JSON to ``url``; ``AlertError`` unless it answers 2xx."""
    host = urllib.parse.urlsplit(url).netloc
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise AlertError(f"alert webhook at {host} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise AlertError(f"alert webhook at {host} unreachable ({type(exc).__name__})") from None
    if not 200 <= status < 300:
        raise AlertError(f"alert webhook at {host} answered HTTP {status}")
