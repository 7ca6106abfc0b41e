"""Failure notification: a failed nightly run is written to `<warehouse>.alerts.jsonl` and, when
`LUMBUNG_ALERT_WEBHOOK` is set, POSTed there as JSON (Slack/Teams/Mattermost incoming webhooks
take `{"text": ...}`).  Called from the flow's `on_failure` hook, so it fires however the run is
started (`lumbung run`, `lumbung serve`, a Prefect worker); a notification that cannot be sent
never hides the run's own failure.
"""

from __future__ import annotations

import json
import os
import urllib.request
from datetime import datetime, timezone
from pathlib import Path


def notify_failure(warehouse: Path, flow_run_name: str, message: str) -> None:
    alert = {"at": datetime.now(timezone.utc).isoformat(), "flow_run": flow_run_name, "warehouse": str(warehouse),
             "text": f"lumbung nightly run {flow_run_name} failed, nothing published: {message}"}
    try:
        with open(warehouse.with_name(warehouse.name + ".alerts.jsonl"), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(alert) + "\n")
    except OSError:
        pass
    url = os.environ.get("LUMBUNG_ALERT_WEBHOOK")
    if not url:
        return
    request = urllib.request.Request(url, data=json.dumps(alert).encode(), headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except OSError:
        pass
